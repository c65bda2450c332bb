"""--diff: the planned changes of each object as a unified diff of its YAML, before and after."""

from __future__ import annotations

import difflib
from typing import Any, Mapping

from migrate.plan.manifests import to_yaml

__all__ = ["object_diff"]


def object_diff(label: str, before: Mapping[str, Any] | None, after: Mapping[str, Any] | None) -> str:
    a = to_yaml(before).splitlines(keepends=True) if before is not None else []
    b = to_yaml(after).splitlines(keepends=True) if after is not None else []
    return "".join(difflib.unified_diff(a, b, fromfile=f"source/{label}", tofile=f"target/{label}"))
