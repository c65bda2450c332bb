"""Which cluster is this? The kube-system namespace's uid (ClusterInfo.uid / SourceSummary.cluster_uid)."""

from __future__ import annotations

from typing import Any

from migrate.errors import ApiError

__all__ = ["cluster_uid"]


def cluster_uid(client: Any) -> str | None:
    """The live cluster's identity; None when it cannot be read (reported as unknown, never as a match)."""
    try:
        return ((client.get("/api/v1/namespaces/kube-system") or {}).get("metadata") or {}).get("uid") or None
    except ApiError:
        return None
