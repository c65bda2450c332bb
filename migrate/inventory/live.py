"""Live inventory: discovery-driven listing of every listable resource type of a cluster.

Which types are listed: every discovered resource with the `list` verb, in its group's preferred
version (subresources never). Skipped entirely:
- `metrics.k8s.io` (PodMetrics/NodeMetrics: usage samples from an aggregated API, not objects);
- `componentstatuses` (deprecated, synthesised by the apiserver) and `bindings`;
- `extensions` resources also served by apps/networking.k8s.io/policy, and `events.k8s.io` events
  when core events are served (the same objects under two groups would be counted twice).
Counted but kept out of the objects file: events (see builder.COUNT_ONLY).
"""

from __future__ import annotations

from typing import Callable

from migrate.cluster.client import ApiResource, ClusterClient
from migrate.cluster.lister import ListUnit, list_units
from migrate.inventory.builder import InventoryBuilder

__all__ = ["select_types", "SKIP_GROUPS", "SKIP_RESOURCES", "collect_into"]

SKIP_GROUPS = {"metrics.k8s.io"}
SKIP_RESOURCES = {("", "componentstatuses"), ("", "bindings")}
_EXTENSIONS_ALIASES = {"apps", "networking.k8s.io", "policy"}


def select_types(resources: list[ApiResource]) -> list[ApiResource]:
    served = {(r.group, r.resource) for r in resources}
    out: dict[tuple[str, str], ApiResource] = {}
    for r in resources:
        if "list" not in r.verbs or "/" in r.resource or r.group in SKIP_GROUPS or (r.group, r.resource) in SKIP_RESOURCES:
            continue
        if r.group == "extensions" and any((g, r.resource) in served for g in _EXTENSIONS_ALIASES):
            continue
        if r.group == "events.k8s.io" and ("", "events") in served:
            continue
        key = (r.group, r.resource)
        cur = out.get(key)
        if cur is None or (r.preferred and not cur.preferred):
            out[key] = r
    return sorted(out.values(), key=lambda r: (r.group, r.resource))


def collect_into(
    builder: InventoryBuilder,
    client: ClusterClient,
    types: list[ApiResource],
    *,
    namespaces: list[str] | None,
    workers: int,
    progress: Callable[[int, int, str], None] | None,
    limit: int = 500,
) -> None:
    units: list[ListUnit] = []
    for r in types:
        scopes: list[str | None] = list(namespaces) if (namespaces and r.namespaced) else [None]
        for ns in scopes:
            sink = builder.unit(r.group, r.version, r.resource, r.kind, r.namespaced)
            units.append(ListUnit(resource=r, namespace=ns, sink=sink))
    list_units(client, units, workers=workers, limit=limit, progress=progress)
