"""What detection looks at, gathered once from an inventory's summaries (+ the few notable objects)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Iterable

from migrate.models.common import group_of
from migrate.models.inventory import CRDInfo, HelmReleaseInfo, IngressInfo, NodeInfo, PackageObject, StorageClassInfo, WorkloadInfo

__all__ = ["Facts"]


@dataclass
class Facts:
    server_version: str = ""
    nodes: list[NodeInfo] = field(default_factory=list)
    namespaces: list[str] = field(default_factory=list)
    crds: list[CRDInfo] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)  # "group/Kind" -> n
    workloads: list[WorkloadInfo] = field(default_factory=list)
    storage_classes: list[StorageClassInfo] = field(default_factory=list)
    pv_csi_drivers: list[str] = field(default_factory=list)
    ingresses: list[IngressInfo] = field(default_factory=list)
    packages: list[PackageObject] = field(default_factory=list)
    helm_releases: list[HelmReleaseInfo] = field(default_factory=list)
    notable: dict[str, list[dict[str, Any]]] = field(default_factory=dict)  # "group/Kind" -> objects
    # per-pattern answers over distinct strings: with 10k workloads, ~100 image rules would otherwise run
    # a million regex searches, although a cluster has far fewer distinct images and names
    _memo: dict[tuple[str, str], frozenset[str]] = field(default_factory=dict, init=False, repr=False, compare=False)

    def images_matching(self, pattern: str) -> frozenset[str]:
        """Distinct container images of the workloads in which regex `pattern` is found (re.search)."""
        key = ("image", pattern)
        got = self._memo.get(key)
        if got is None:
            distinct = self._memo.get(("", "images"))
            if distinct is None:
                distinct = self._memo[("", "images")] = frozenset(c.image for w in self.workloads for c in w.containers)
            rx = re.compile(pattern)
            got = self._memo[key] = frozenset(i for i in distinct if rx.search(i))
        return got

    def workload_names_matching(self, pattern: str) -> frozenset[str]:
        """Distinct workload names that regex `pattern` matches in full."""
        key = ("workload", pattern)
        got = self._memo.get(key)
        if got is None:
            distinct = self._memo.get(("", "names"))
            if distinct is None:
                distinct = self._memo[("", "names")] = frozenset(w.ref.name for w in self.workloads)
            rx = re.compile(pattern)
            got = self._memo[key] = frozenset(n for n in distinct if rx.fullmatch(n))
        return got

    @classmethod
    def build(cls, inv: Any, notable: Iterable[dict[str, Any]] = ()) -> "Facts":
        """From an Inventory (or anything with the same attributes) and notable objects."""
        nb: dict[str, list[dict[str, Any]]] = {}
        for o in notable:
            nb.setdefault(f"{group_of(o.get('apiVersion', ''))}/{o.get('kind', '')}", []).append(o)
        # sorted once here so every matcher can walk them in a deterministic order without sorting again
        return cls(
            server_version=inv.cluster.git_version,
            nodes=sorted(inv.nodes, key=lambda n: n.name),
            namespaces=sorted(n.name for n in inv.namespaces),
            crds=sorted(inv.crds, key=lambda c: c.name),
            counts=dict(inv.counts),
            workloads=sorted(inv.workloads, key=lambda w: w.ref.key),
            storage_classes=sorted(inv.storage_classes, key=lambda s: s.name),
            pv_csi_drivers=sorted({p.csi_driver for p in inv.persistent_volumes if p.csi_driver}),
            ingresses=list(inv.ingresses),
            packages=sorted(inv.packages, key=lambda p: p.ref.key),
            helm_releases=sorted(inv.helm_releases, key=lambda h: (h.namespace, h.name)),
            notable=nb,
        )
