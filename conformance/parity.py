"""Parity after cutover: does the target hold what the plan says, and does it work?

For every object in the plan's manifests: it exists on the target with the planned content (a
subset comparison, so server defaults don't count as differences; Secret values are compared by
key only). Then per kind: workloads have the source's replica count ready, PVCs are Bound on the
mapped class with at least the source size, Services with selectors have endpoints, Ingresses have
the mapped class, CronJobs are scheduled (not suspended), Helm releases are present with the same
chart versions. Every failed check is one difference, with evidence.
"""

from __future__ import annotations

import base64
import gzip
import json
from typing import Any, Iterator

from conformance.checks._support import list_objects, parse_quantity, ref_str, result
from conformance.models import CheckResult
from migrate.models.inventory import Inventory
from migrate.models.plan import Plan

__all__ = ["check_parity", "subset_diff"]

CAT = "parity"
# Fields the cluster owns or that the cutover is allowed to change.
IGNORED_META = {"uid", "resourceVersion", "creationTimestamp", "generation", "managedFields", "selfLink", "ownerReferences"}
IGNORED_ANNOTATIONS = {"kubectl.kubernetes.io/last-applied-configuration", "deployment.kubernetes.io/revision",
                       "distroshift.io/data-from-source"}


def _rid(name: str) -> str:
    return f"distroshift.io/{CAT}/{name}"


def subset_diff(planned: Any, actual: Any, path: str = "") -> Iterator[str]:
    """Yield one line per place where `actual` lacks or contradicts `planned` (extra fields are fine)."""
    if isinstance(planned, dict):
        if not isinstance(actual, dict):
            yield f"{path or '/'}: planned an object, found {type(actual).__name__}"
            return
        for k, v in planned.items():
            if k not in actual:
                if v in (None, {}, [], ""):  # empty planned values are often dropped by the server
                    continue
                yield f"{path}/{k}: missing on target"
            else:
                yield from subset_diff(v, actual[k], f"{path}/{k}")
    elif isinstance(planned, list):
        if not isinstance(actual, list) or len(actual) != len(planned):
            yield f"{path}: planned {len(planned)} item(s), found {len(actual) if isinstance(actual, list) else type(actual).__name__}"
            return
        for i, (p, a) in enumerate(zip(planned, actual)):
            yield from subset_diff(p, a, f"{path}/{i}")
    elif planned != actual:
        pq, aq = parse_quantity(planned), parse_quantity(actual)
        if isinstance(planned, str) and pq is not None and pq == aq:
            return  # "1Gi" == "1073741824", "1000m" == "1"
        yield f"{path}: planned {planned!r}, found {actual!r}"


def _comparable(obj: dict) -> dict:
    # list items carry no apiVersion/kind on a real server; identity was already matched by the lookup
    o = {k: v for k, v in obj.items() if k not in ("status", "apiVersion", "kind")}
    md = dict(o.get("metadata") or {})
    for k in IGNORED_META:
        md.pop(k, None)
    if md.get("annotations"):
        md["annotations"] = {k: v for k, v in md["annotations"].items() if k not in IGNORED_ANNOTATIONS}
    o["metadata"] = md
    if obj.get("kind") == "Secret":  # values come live from the source; compare keys only
        keys = set((obj.get("data") or {}).keys()) | set((obj.get("stringData") or {}).keys())
        o.pop("stringData", None)
        o["data"] = sorted(keys)
    return o


def check_parity(client: Any, plan: Plan, manifests: list[tuple[str, dict]], inventory: Inventory | None = None) -> list[CheckResult]:
    out: list[CheckResult] = []
    cache: dict[tuple[str, str], dict | None] = {}

    def live_of(obj: dict) -> tuple[dict | None, bool]:
        key = (obj.get("apiVersion", ""), obj.get("kind", ""))
        if key not in cache:
            cache[key] = list_objects(client, *key)
        objs = cache[key]
        if objs is None:
            return None, False
        md = obj.get("metadata") or {}
        return objs.get((md.get("namespace") or "", md.get("name", ""))), True

    src_replicas = _source_values(plan, inventory.workloads, "replicas") if inventory else {}
    src_pvc_size = _source_values(plan, inventory.pvcs, "size") if inventory else {}
    for rel, obj in manifests:
        ref = ref_str(obj)
        live, served = live_of(obj)
        if live is None:
            why = "exists on target" if served else f"{obj.get('apiVersion')} {obj.get('kind')} is not served by the target"
            out.append(result(_rid("exists"), f"{ref} exists", False, f"missing on target ({why if not served else 'not found'})",
                              category=CAT, evidence=[f"planned in manifests/{rel}"]))
            continue
        if obj.get("kind") == "Secret":
            planned_keys = set((obj.get("data") or {}).keys()) | set((obj.get("stringData") or {}).keys())
            have = set((live.get("data") or {}).keys())
            diffs = [f"/data/{k}: missing on target" for k in sorted(planned_keys - have)]
        else:
            diffs = list(subset_diff(_comparable(obj), _comparable(live)))
        out.append(result(_rid("content"), f"{ref} matches the plan", not diffs,
                          f"{len(diffs)} difference(s) from manifests/{rel}" if diffs else "", category=CAT, evidence=diffs[:20]))
        out += _kind_checks(obj, live, src_replicas, src_pvc_size, client)
    out += _helm_releases(client, plan, inventory)
    return out


def _target_key(ref_ns: str | None, name: str, kind: str) -> str:
    return f"{kind}/{ref_ns or ''}/{name}"


def _source_values(plan: Plan, infos: list, value: str) -> dict[str, Any]:
    """Target object key -> `value` of the source object's inventory summary (e.g. replicas before quiesce)."""
    by_src = {i.ref.key: getattr(i, value) for i in infos}
    out = {}
    for op in plan.objects:
        v = by_src.get(op.source.key)
        if v is not None and op.target is not None:
            out[_target_key(op.target.namespace, op.target.name, op.target.kind)] = v
    return out


def _kind_checks(obj: dict, live: dict, src_replicas: dict[str, int], src_pvc: dict[str, str], client: Any) -> list[CheckResult]:
    kind = obj.get("kind")
    md = obj.get("metadata") or {}
    key = _target_key(md.get("namespace"), md.get("name", ""), kind or "")
    ref = ref_str(obj)
    st = live.get("status") or {}
    spec = live.get("spec") or {}
    if kind in ("Deployment", "StatefulSet"):
        want = src_replicas.get(key, (obj.get("spec") or {}).get("replicas", 1))
        ready = st.get("readyReplicas") or 0
        return [result(_rid("replicas-ready"), f"{ref} has the source's replicas ready", ready >= want,
                       f"{ready}/{want} ready", category=CAT, evidence=[f"status.readyReplicas={ready}", f"source replicas={want}"])]
    if kind == "DaemonSet":
        desired, ready = st.get("desiredNumberScheduled", 0), st.get("numberReady", 0)
        return [result(_rid("daemonset-ready"), f"{ref} ready on every node", desired > 0 and ready >= desired,
                       f"{ready}/{desired} ready", category=CAT)]
    if kind == "PersistentVolumeClaim":
        out = [result(_rid("pvc-bound"), f"{ref} Bound", st.get("phase") == "Bound", f"phase {st.get('phase')}", category=CAT)]
        planned_cls = (obj.get("spec") or {}).get("storageClassName")
        if planned_cls:
            out.append(result(_rid("pvc-class"), f"{ref} on the mapped StorageClass", spec.get("storageClassName") == planned_cls,
                              f"planned {planned_cls}, found {spec.get('storageClassName')}", category=CAT))
        src = src_pvc.get(key) or ((obj.get("spec") or {}).get("resources") or {}).get("requests", {}).get("storage")
        have = (st.get("capacity") or {}).get("storage") or ((spec.get("resources") or {}).get("requests") or {}).get("storage")
        if src:
            ok = (parse_quantity(have) or 0) >= (parse_quantity(src) or 0)
            out.append(result(_rid("pvc-size"), f"{ref} at least the source size", ok, f"source {src}, target {have}", category=CAT))
        return out
    if kind == "Service":
        if (obj.get("spec") or {}).get("type") == "ExternalName" or not (obj.get("spec") or {}).get("selector"):
            return []
        eps = _endpoints(client, md.get("namespace"), md.get("name"))
        return [result(_rid("service-endpoints"), f"{ref} has endpoints", eps > 0, f"{eps} ready address(es)", category=CAT)]
    if kind == "Ingress":
        planned = (obj.get("spec") or {}).get("ingressClassName")
        return [result(_rid("ingress-class"), f"{ref} on the mapped IngressClass", spec.get("ingressClassName") == planned,
                       f"planned {planned}, found {spec.get('ingressClassName')}", category=CAT)]
    if kind == "CronJob":
        planned_suspend = bool((obj.get("spec") or {}).get("suspend"))
        return [result(_rid("cronjob-scheduled"), f"{ref} scheduled", bool(spec.get("suspend")) == planned_suspend,
                       "suspended on target" if spec.get("suspend") and not planned_suspend else "", category=CAT)]
    return []


def _endpoints(client: Any, ns: str | None, name: str | None) -> int:
    from conformance.checks._support import safe_get

    ep = safe_get(client, f"/api/v1/namespaces/{ns}/endpoints/{name}")
    n = sum(len(s.get("addresses") or []) for s in (ep or {}).get("subsets") or [])
    if n:
        return n
    slices = safe_get(client, f"/apis/discovery.k8s.io/v1/namespaces/{ns}/endpointslices?labelSelector=kubernetes.io/service-name%3D{name}")
    return sum(1 for s in (slices or {}).get("items", []) for e in s.get("endpoints") or []
               if (e.get("conditions") or {}).get("ready", True))


def _helm_releases(client: Any, plan: Plan, inv: Inventory | None) -> list[CheckResult]:
    if inv is None or not inv.helm_releases:
        return []
    migrated = {n.source: n.target for n in plan.namespaces if n.migrate}
    secrets = list_objects(client, "v1", "Secret") or {}
    out = []
    for rel in inv.helm_releases:
        if rel.namespace not in migrated:
            continue
        ns = migrated[rel.namespace]
        found = [s for (sns, _), s in secrets.items() if sns == ns and s.get("type") == "helm.sh/release.v1"
                 and ((s.get("metadata") or {}).get("labels") or {}).get("name") == rel.name]
        title = f"Helm release {ns}/{rel.name} present with chart {rel.chart}-{rel.chart_version}"
        if not found:
            out.append(result(_rid("helm-release"), title, False, "no release Secret on target", category=CAT))
            continue
        latest = max(found, key=lambda s: int(((s.get("metadata") or {}).get("labels") or {}).get("version", "0") or 0))
        chart_version = _chart_version(latest)
        out.append(result(_rid("helm-release"), title, chart_version == rel.chart_version,
                          f"target has chart version {chart_version}", category=CAT))
    return out


def _chart_version(secret: dict) -> str | None:
    """Decode a release Secret in memory (base64 of base64(gzip(json))) to its chart version only."""
    try:
        raw = base64.b64decode(base64.b64decode((secret.get("data") or {})["release"]))
        doc = json.loads(gzip.decompress(raw) if raw[:2] == b"\x1f\x8b" else raw)
        return ((doc.get("chart") or {}).get("metadata") or {}).get("version")
    except Exception:  # noqa: BLE001 - an undecodable release is reported as "version None"
        return None
