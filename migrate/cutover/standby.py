"""Warm standby: the target holds every workload, but nothing runs there until the cutover.

Pre-stage applies workloads scaled to 0 (Deployments, StatefulSets, ReplicaSets), CronJobs
suspended and DaemonSets parked (a nodeSelector no node matches, as quiesce does on the source),
so the source and the target never both serve or both fire CronJobs. After the final restore the
target gets the source's ORIGINAL scale (recorded by quiesce). Pure functions over manifests; the
velero engine gets the same effect through restore resource modifiers (Velero's mergePatches).
"""

from __future__ import annotations

import copy
from typing import Iterable

from migrate.cutover.quiesce import QUIESCE_SELECTOR
from migrate.models.state import WorkloadRecord

__all__ = ["REPLICA_KINDS", "WORKLOAD_KINDS", "is_workload", "standby", "running", "scale_fields", "record_of",
           "strip_scale", "velero_standby_rules"]

REPLICA_KINDS = ("Deployment", "StatefulSet", "ReplicaSet")
WORKLOAD_KINDS = (*REPLICA_KINDS, "CronJob", "DaemonSet")
_GROUP_RESOURCES = {"Deployment": "deployments.apps", "StatefulSet": "statefulsets.apps",
                    "ReplicaSet": "replicasets.apps", "CronJob": "cronjobs.batch", "DaemonSet": "daemonsets.apps"}


def is_workload(obj: dict) -> bool:
    return obj.get("kind") in WORKLOAD_KINDS and str(obj.get("apiVersion", "")).split("/")[0] in ("apps", "batch")


def _pod_spec(obj: dict) -> dict:
    return obj.setdefault("spec", {}).setdefault("template", {}).setdefault("spec", {})


def _own_selector(obj: dict) -> dict[str, str] | None:
    sel = dict((((obj.get("spec") or {}).get("template") or {}).get("spec") or {}).get("nodeSelector") or {})
    sel.pop(QUIESCE_SELECTOR[0], None)  # the parking key is never a workload's own
    return sel or None


def scale_fields(obj: dict) -> dict:
    """The object's own scale: {"replicas": n} | {"suspend": b} | {"node_selector": {...}|None}."""
    kind = obj.get("kind")
    spec = obj.get("spec") or {}
    if kind == "CronJob":
        return {"suspend": bool(spec.get("suspend", False))}
    if kind == "DaemonSet":
        return {"node_selector": _own_selector(obj)}
    return {"replicas": int(spec.get("replicas", 1))}


def record_of(obj: dict) -> WorkloadRecord:
    md = obj.get("metadata") or {}
    return WorkloadRecord(api_version=obj["apiVersion"], kind=obj["kind"], namespace=md.get("namespace") or "",
                          name=md["name"], **scale_fields(obj))


def standby(obj: dict) -> dict:
    """A copy of `obj` that runs nothing: replicas 0, suspended, or parked. Other kinds unchanged."""
    if not is_workload(obj):
        return obj
    o = copy.deepcopy(obj)
    if o["kind"] == "CronJob":
        o.setdefault("spec", {})["suspend"] = True
    elif o["kind"] == "DaemonSet":
        k, v = QUIESCE_SELECTOR
        _pod_spec(o)["nodeSelector"] = {**(_own_selector(o) or {}), k: v}
    else:
        o.setdefault("spec", {})["replicas"] = 0
    return o


def running(obj: dict, original: WorkloadRecord | None = None) -> dict:
    """A copy of `obj` at its original scale: the recorded one when given, else the object's own."""
    if not is_workload(obj):
        return obj
    o = copy.deepcopy(obj)
    own = scale_fields(o)
    if o["kind"] == "CronJob":
        o.setdefault("spec", {})["suspend"] = bool(original.suspend) if original and original.suspend is not None else own["suspend"]
    elif o["kind"] == "DaemonSet":
        sel = original.node_selector if original is not None else own["node_selector"]
        ps = _pod_spec(o)
        if sel:
            ps["nodeSelector"] = dict(sel)
        else:
            ps.pop("nodeSelector", None)
    else:
        o.setdefault("spec", {})["replicas"] = original.replicas if original and original.replicas is not None else own["replicas"]
    return o


def strip_scale(obj: dict) -> dict:
    """`obj` without its scale fields (to compare two versions of a workload across a quiesce)."""
    if not is_workload(obj):
        return obj
    o = copy.deepcopy(obj)
    spec = o.get("spec") or {}
    spec.pop("replicas", None)
    spec.pop("suspend", None)
    if o["kind"] == "DaemonSet":
        sel = _own_selector(o)
        ps = _pod_spec(o)
        if sel:
            ps["nodeSelector"] = sel
        else:
            ps.pop("nodeSelector", None)
    return o


def velero_standby_rules(source_namespaces: Iterable[str]) -> list[dict]:
    """Velero resource-modifier rules (restore-resource-modifiers.md, mergePatches) restoring the
    workloads of `source_namespaces` in standby. Conditions name the *source* namespaces."""
    nss = sorted(set(source_namespaces))
    k, v = QUIESCE_SELECTOR
    patches = {"Deployment": {"spec": {"replicas": 0}}, "StatefulSet": {"spec": {"replicas": 0}},
               "ReplicaSet": {"spec": {"replicas": 0}}, "CronJob": {"spec": {"suspend": True}},
               "DaemonSet": {"spec": {"template": {"spec": {"nodeSelector": {k: v}}}}}}
    import json

    rules = []
    for kind, patch in patches.items():
        cond: dict = {"groupResource": _GROUP_RESOURCES[kind], "resourceNameRegex": ".*"}
        if nss:
            cond["namespaces"] = nss
        rules.append({"conditions": cond, "mergePatches": [{"patchData": json.dumps(patch)}]})
    return rules
