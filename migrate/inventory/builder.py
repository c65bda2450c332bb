"""Shared by live and offline collection: units of objects in -> Inventory + sorted objects file out.

A *unit* is one list of one resource type (optionally in one namespace). Objects are summarised,
sanitised and streamed to the unit's temp file as they arrive; the unit's summaries join the
inventory only when it completes, and `reset()` (a list restarted after 410 Expired) forgets
everything the unit saw, so nothing is ever counted twice.
"""

from __future__ import annotations

import concurrent.futures as cf
import contextlib
import gc
import re
import threading
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

from migrate.detect import RuleSet, detect_facts, Facts
from migrate.inventory._objects import ObjectStore, UnitWriter
from migrate.inventory.classify import classify_namespaces
from migrate.inventory.sanitize import LAST_APPLIED, sanitize
from migrate.inventory.summarise import Summaries
from migrate.models.common import ArtifactHeader, Finding, ObjectRef, Severity
from migrate.models.inventory import ApiUsage, ClusterInfo, Inventory, RbacSummary, ResourceTypeInfo

__all__ = ["InventoryBuilder", "Unit", "COUNT_ONLY", "parse_version", "gc_paused"]

# Kept out of the objects file but counted: high churn, meaningless on another cluster.
COUNT_ONLY = {("", "Event"), ("events.k8s.io", "Event")}
_VERSION = re.compile(r"^v?(\d+)\.(\d+)")


@contextlib.contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while objects stream through (restoring its previous state).

    Every parsed page is young when it is summarised, so it is dragged through all three GC generations
    before refcounting frees it: at 100k objects that was half of the inventory's CPU. JSON objects and
    summaries hold no reference cycles; refcounting frees them without the collector.
    """
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def parse_version(git_version: str) -> tuple[str, str]:
    m = _VERSION.match(git_version or "")
    return (m.group(1), m.group(2)) if m else ("", "")


@dataclass
class _TypeState:
    info: ResourceTypeInfo
    units: int = 0
    errors: list[str] | None = None


def _trim(obj: dict[str, Any]) -> dict[str, Any]:
    md = obj.get("metadata") or {}
    ann = {k: v for k, v in (md.get("annotations") or {}).items() if k != LAST_APPLIED}
    out: dict[str, Any] = {
        "apiVersion": obj.get("apiVersion"),
        "kind": obj.get("kind"),
        "metadata": {k: v for k, v in (("name", md.get("name")), ("namespace", md.get("namespace")), ("labels", md.get("labels") or {}), ("annotations", ann)) if v is not None},
    }
    if obj.get("kind") != "CustomResourceDefinition":  # CRD schemas are large and never needed here
        for k in ("spec", "status"):
            if k in obj:
                out[k] = obj[k]
    return out


class Unit:
    def __init__(self, builder: "InventoryBuilder", key: tuple[str, str, str], kind: str, writer: UnitWriter | None):
        self._b = builder
        self.key = key
        self.kind = kind
        self._w = writer
        self.summ = Summaries()
        self.count = 0
        self.kube_system_uid: str | None = None

    def add(self, obj: dict[str, Any]) -> None:
        md = obj.get("metadata") or {}
        ns = md.get("namespace") or ""
        b = self._b
        if ns and not b.ns_allowed(ns):
            return
        if obj.get("kind") == "Namespace":
            if md.get("name") == "kube-system" and md.get("uid"):
                # the cluster's identity (ClusterInfo.uid), kept even when -n/--exclude leave kube-system out
                self.kube_system_uid = str(md["uid"])
            if not b.ns_allowed(md.get("name", "")):
                return
        self.count += 1
        if self._w is None:  # count-only type
            self.summ.counts[f"{self.key[0]}/{self.kind}"] += 1
            return
        self.summ.add(obj, notable=b.is_notable)
        if self.summ.notable and self.summ.notable[-1] is obj:
            self.summ.notable[-1] = _trim(obj)
        sanitize(obj)
        self._w.add(ns, md.get("name", ""), obj)

    def reset(self) -> None:
        self.summ = Summaries()
        self.count = 0
        self.kube_system_uid = None
        if self._w is not None:
            self._w.reset()

    def done(self) -> None:
        self._b._finish(self, None)

    def fail(self, error: str) -> None:
        self._b._finish(self, error)


class InventoryBuilder:
    def __init__(
        self,
        rules: RuleSet,
        *,
        namespaces: list[str] | None = None,
        exclude: list[str] | None = None,
        workdir: str | Path | None = None,
    ):
        self.rules = rules
        self.namespaces = sorted(set(namespaces or []))
        self.exclude = sorted(set(exclude or []))
        self._ns_set = set(self.namespaces)
        self._ex_set = set(self.exclude)
        self._notable = rules.notable_kinds()
        self.store = ObjectStore(workdir)
        self.summ = Summaries()
        self.types: dict[tuple[str, str, str], _TypeState] = {}
        self.warnings: list[Finding] = []
        self.kube_system_uid: str | None = None
        self._lock = threading.Lock()

    def ns_allowed(self, ns: str) -> bool:
        if ns in self._ex_set:
            return False
        return not self._ns_set or ns in self._ns_set

    def is_notable(self, group: str, kind: str) -> bool:
        return f"{group}/{kind}" in self._notable

    def unit(self, group: str, version: str, resource: str, kind: str, namespaced: bool) -> Unit:
        key = (group, version, resource)
        with self._lock:
            st = self.types.get(key)
            if st is None:
                st = self.types[key] = _TypeState(ResourceTypeInfo(group=group, version=version, resource=resource, kind=kind, namespaced=namespaced))
            st.units += 1
            writer = None if (group, kind) in COUNT_ONLY else self.store.unit((group, kind))
        return Unit(self, key, kind, writer)

    def _finish(self, unit: Unit, error: str | None) -> None:
        with self._lock:
            st = self.types[unit.key]
            self.kube_system_uid = self.kube_system_uid or unit.kube_system_uid
            if error is not None:
                # a partial list is worse than none: what we have is dropped and the type marked incomplete
                st.info.complete = False
                st.errors = (st.errors or []) + [error]
                if unit._w is not None:
                    self.store.drop(unit._w)
                return
            st.info.count += unit.count
            self.summ.merge(unit.summ)

    # ---- assembling ---------------------------------------------------------------------------
    def build(
        self,
        *,
        header: ArtifactHeader,
        cluster: ClusterInfo,
        objects_path: str | Path,
        dedupe: bool = False,
    ) -> Inventory:
        s = self.summ
        warnings = list(self.warnings) + list(s.warnings)
        types = []
        for key in sorted(self.types):
            st = self.types[key]
            if st.errors:
                st.info.error = "; ".join(sorted(set(st.errors)))
                warnings.append(
                    Finding(code="INVENTORY_INCOMPLETE", severity=Severity.Warning,
                            message=f"{st.info.resource}.{st.info.group or 'core'}/{st.info.version} could not be listed completely: {st.info.error}")
                )
            if st.info.count or not st.info.complete:
                types.append(st.info)
        plan = self.store.plan(dedupe=dedupe)
        count, dups = plan.count, plan.dups
        # the objects file (~130 MB at 100k objects; copying and hashing release the GIL) is written on a
        # thread while the rest is assembled; it must be finished before anything else touches the unit files
        writer = cf.ThreadPoolExecutor(1, thread_name_prefix="objects-writer")
        written = writer.submit(self.store.write_planned, objects_path, plan)
        try:
            for g, k, ns, name in dups[:50]:
                warnings.append(Finding(code="DUPLICATE_OBJECT", severity=Severity.Warning, message=f"{k}.{g or 'core'} {ns + '/' if ns else ''}{name} appears more than once in the input; the first one was kept"))
            if len(dups) > 50:
                warnings.append(Finding(code="DUPLICATE_OBJECT", severity=Severity.Warning, message=f"... and {len(dups) - 50} more duplicate objects"))
            counts = dict(sorted(s.counts.items()))
            if dedupe and dups:
                for g, k, _, _ in dups:
                    counts[f"{g}/{k}"] -= 1
                for t in types:
                    t.count = counts.get(f"{t.group}/{t.kind}", t.count)

            # helm: only the latest revision of each release (older ones are history)
            latest: dict[tuple[str, str], Any] = {}
            for hri, objs in s.helm_releases:
                k = (hri.namespace, hri.name)
                if k not in latest or hri.revision > latest[k][0].revision:
                    latest[k] = (hri, objs)
            helm = [latest[k][0] for k in sorted(latest)]
            api_usage = list(s.api_usage)
            for k in sorted(latest):
                hri, objs = latest[k]
                rel = f"{hri.namespace}/{hri.name}"
                for av, kind, name, ons in objs:
                    # a manifest object without a namespace lands in the release's namespace (if it is namespaced)
                    api_usage.append(ApiUsage(ref=ObjectRef(api_version=av, kind=kind, name=name, namespace=ons or None),
                                              api_version=av, kind=kind, source="helm-manifest", helm_release=rel))
            uniq = {(u.ref.key, u.ref.api_version, u.api_version, u.source, u.helm_release or ""): u for u in api_usage}
            api_usage = [uniq[k] for k in sorted(uniq)]

            # PVCs made from StatefulSet volumeClaimTemplates: <template>-<sts>-<ordinal>
            tmpl = {}
            for ns, sts, names in s.sts_claim_templates:
                for n in names:
                    tmpl[(ns, f"{n}-{sts}-")] = sts
            for p in s.pvcs:
                for (ns, prefix), sts in tmpl.items():
                    if p.ref.namespace == ns and p.ref.name.startswith(prefix) and p.ref.name[len(prefix):].isdigit():
                        p.owner = f"StatefulSet/{sts}"
                        break
            crds = sorted(s.crds, key=lambda c: c.name)
            for c in crds:
                c.instance_count = counts.get(f"{c.group}/{c.kind}", 0)

            inv = Inventory(
                header=header,
                cluster=cluster,
                complete=all(t.complete for t in types),
                namespaces_filter=self.namespaces,
                excluded_namespaces=self.exclude,
                nodes=sorted(s.nodes, key=lambda n: n.name),
                resource_types=types,
                counts=counts,
                workloads=sorted(s.workloads, key=lambda w: w.ref.key),
                services=sorted(s.services, key=lambda x: x.ref.key),
                ingresses=sorted(s.ingresses, key=lambda x: x.ref.key),
                network_policies=sorted(s.network_policies, key=lambda x: x.ref.key),
                storage_classes=sorted(s.storage_classes, key=lambda x: x.name),
                persistent_volumes=sorted(s.persistent_volumes, key=lambda x: x.name),
                pvcs=sorted(s.pvcs, key=lambda x: x.ref.key),
                crds=crds,
                rbac=RbacSummary(
                    service_accounts=s.rbac["ServiceAccount"], roles=s.rbac["Role"], role_bindings=s.rbac["RoleBinding"],
                    cluster_roles=s.rbac["ClusterRole"], cluster_role_bindings=s.rbac["ClusterRoleBinding"],
                    cluster_admin_subjects=sorted(s.cluster_admin_subjects),
                ),
                secrets=sorted(s.secrets, key=lambda x: x.ref.key),
                helm_releases=helm,
                packages=sorted(s.packages, key=lambda x: x.ref.key),
                api_usage=api_usage,
                object_count=count,
                objects_sha256=None,  # filled in when the writer is done
            )
            if not inv.cluster.uid:
                inv.cluster.uid = self.kube_system_uid
            if not inv.cluster.node_count:
                inv.cluster.node_count = len(inv.nodes)
            if not inv.cluster.git_version:
                inv.cluster.git_version = infer_git_version(inv)
            if not inv.cluster.major:
                inv.cluster.major, inv.cluster.minor = parse_version(inv.cluster.git_version)
            if not inv.cluster.platform and inv.nodes:
                n = inv.nodes[0]
                os_ = n.labels.get("kubernetes.io/os") or n.labels.get("beta.kubernetes.io/os") or ""
                arch = n.architecture or n.labels.get("kubernetes.io/arch", "")
                inv.cluster.platform = f"{os_}/{arch}" if os_ and arch else ""

            notable = sorted(s.notable, key=lambda o: (o.get("apiVersion", ""), o.get("kind", ""), (o.get("metadata") or {}).get("namespace") or "", (o.get("metadata") or {}).get("name", "")))
            # namespaces first without add-on knowledge (detection only needs names), then classified with it
            inv.namespaces = classify_namespaces(s.namespaces, s.ns_counts, self.rules.namespaces, {})
            det = detect_facts(Facts.build(inv, notable), self.rules)
            addon_ns: dict[str, str] = {}
            for a in det.addons:
                if a.namespace:
                    addon_ns.setdefault(a.namespace, a.id)
            inv.namespaces = classify_namespaces(s.namespaces, s.ns_counts, self.rules.namespaces, addon_ns)
            inv.detection = det
            inv.warnings = sorted(warnings, key=lambda w: (w.code, w.message))
            inv.objects_sha256 = written.result()
        finally:
            writer.shutdown(wait=True)
        return inv

    def cleanup(self) -> None:
        self.store.cleanup()


def infer_git_version(inv: Inventory) -> str:
    """Dumps carry no /version: the most common kubelet version (ties: the lowest, i.e. the control plane's floor)."""
    c = Counter(n.kubelet_version for n in inv.nodes if n.kubelet_version)
    if not c:
        return ""
    top = max(c.values())
    return sorted(v for v, k in c.items() if k == top)[0]
