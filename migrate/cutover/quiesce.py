"""Scale source workloads to 0, suspend CronJobs and park DaemonSets, remembering exactly what was there; and undo it.

DaemonSets cannot be scaled: they are parked the standard way, by adding a nodeSelector no node
matches (QUIESCE_SELECTOR) to the pod template; their pods are then removed by the controller.
The original nodeSelector is recorded and put back exactly on rollback.

The originals are recorded (and saved by the caller) *before* anything is changed, and a record
is never overwritten by a later reading: after a crash half-way through, the cluster shows 0
replicas but the state still holds the real count, so rollback restores the truth.
The client is duck-typed (migrate.cluster.ClusterClient); this module does not import it.
"""

from __future__ import annotations

from typing import Any, Callable, Iterable

from migrate.errors import ApiError
from migrate.models.state import WorkloadRecord

__all__ = ["SCALABLE", "QUIESCE_SELECTOR", "discover", "merge_records", "quiesce", "restore", "describe_change",
           "unpark_patch"]

# A node label no node carries: a DaemonSet whose pods require it runs nowhere.
QUIESCE_SELECTOR = ("distroshift.io/quiesced", "true")

# kind -> API versions to try, newest first (batch/v1beta1 CronJobs below Kubernetes 1.21)
SCALABLE: dict[str, tuple[str, ...]] = {
    "Deployment": ("apps/v1",),
    "StatefulSet": ("apps/v1",),
    "ReplicaSet": ("apps/v1",),
    "CronJob": ("batch/v1", "batch/v1beta1"),
    "DaemonSet": ("apps/v1",),
}


def _resource(client: Any, kind: str):
    for av in SCALABLE[kind]:
        res = client.resource_for(av, kind)
        if res is not None:
            return res
    return None


def discover(client: Any, namespaces: Iterable[str], kinds: Iterable[str]) -> list[WorkloadRecord]:
    """Current replica counts / suspend flags of the workloads in `namespaces`."""
    out: list[WorkloadRecord] = []
    for kind in kinds:
        res = _resource(client, kind)
        if res is None:
            continue
        for ns in sorted(set(namespaces)):
            items: dict[str, dict] = {}
            for page in client.list_pages(res.path(ns)):
                if page.get("restarted"):
                    items.clear()
                    continue
                for o in page.get("items", []):
                    items[o["metadata"]["name"]] = o
            for name, o in sorted(items.items()):
                owners = (o.get("metadata") or {}).get("ownerReferences") or []
                if kind == "ReplicaSet" and any(r.get("controller") for r in owners):
                    continue  # its Deployment is scaled instead
                if kind == "CronJob":
                    out.append(WorkloadRecord(api_version=res.api_version, kind=kind, namespace=ns, name=name,
                                              suspend=bool((o.get("spec") or {}).get("suspend", False))))
                elif kind == "DaemonSet":
                    sel = dict(((((o.get("spec") or {}).get("template") or {}).get("spec") or {}).get("nodeSelector")) or {})
                    sel.pop(QUIESCE_SELECTOR[0], None)  # parked by an earlier, lost run: not an original
                    out.append(WorkloadRecord(api_version=res.api_version, kind=kind, namespace=ns, name=name,
                                              node_selector=sel or None))
                else:
                    out.append(WorkloadRecord(api_version=res.api_version, kind=kind, namespace=ns, name=name,
                                              replicas=int((o.get("spec") or {}).get("replicas", 1))))
    return out


def merge_records(recorded: list[WorkloadRecord], current: list[WorkloadRecord]) -> list[WorkloadRecord]:
    """Keep every recorded original; add workloads seen for the first time."""
    known = {r.key for r in recorded}
    return [*recorded, *(c for c in current if c.key not in known)]


def describe_change(r: WorkloadRecord, *, undo: bool = False) -> str:
    if r.kind == "DaemonSet":
        k, v = QUIESCE_SELECTOR
        orig = ",".join(f"{a}={b}" for a, b in sorted((r.node_selector or {}).items())) or "none"
        if undo:
            return f"{r.kind} {r.namespace}/{r.name}: nodeSelector back to {orig} (pods return)"
        return f"{r.kind} {r.namespace}/{r.name}: nodeSelector +{k}={v}, matching no node (pods stop; was {orig})"
    if r.kind == "CronJob":
        if undo:
            return f"{r.kind} {r.namespace}/{r.name}: suspend true -> {str(bool(r.suspend)).lower()}"
        return f"{r.kind} {r.namespace}/{r.name}: suspend {str(bool(r.suspend)).lower()} -> true"
    if undo:
        return f"{r.kind} {r.namespace}/{r.name}: replicas 0 -> {r.replicas}"
    return f"{r.kind} {r.namespace}/{r.name}: replicas {r.replicas} -> 0"


def unpark_patch(original: dict[str, str] | None) -> tuple[str, Any]:
    """(patch type, body) putting a DaemonSet's pod nodeSelector back to exactly `original`."""
    if original:  # JSON patch "add" replaces the whole map (a merge patch would only merge into it)
        return "json", [{"op": "add", "path": "/spec/template/spec/nodeSelector", "value": dict(original)}]
    return "merge", {"spec": {"template": {"spec": {"nodeSelector": None}}}}  # none before: remove it


def _patch(client: Any, r: WorkloadRecord, body: Any, dry_run: bool, kind: str = "merge") -> bool:
    res = client.resource_for(r.api_version, r.kind)
    if res is None:
        return False
    try:
        client.patch(res.path(r.namespace, r.name), body, kind=kind, dry_run=dry_run)
    except ApiError as e:
        if e.status == 404:  # deleted by someone else meanwhile: nothing to scale
            return False
        raise
    return True


def quiesce(client: Any, records: list[WorkloadRecord], *, dry_run: bool = False,
            saved: Callable[[], None] = lambda: None) -> list[str]:
    """Scale to 0 / suspend. `saved` is called after each change so the state shows progress."""
    actions = []
    for r in records:
        if r.quiesced:
            continue
        if r.kind == "DaemonSet":
            k, v = QUIESCE_SELECTOR
            body = {"spec": {"template": {"spec": {"nodeSelector": {k: v}}}}}  # merge: keeps the other keys
        elif r.kind == "CronJob":
            if r.suspend:
                r.quiesced = True  # already suspended by its owner; rollback leaves it suspended
                continue
            body = {"spec": {"suspend": True}}
        else:
            if r.replicas == 0:
                r.quiesced = True
                continue
            body = {"spec": {"replicas": 0}}
        if _patch(client, r, body, dry_run):
            actions.append(describe_change(r))
        if not dry_run:
            r.quiesced = True
            saved()
    return actions


def restore(client: Any, records: list[WorkloadRecord], *, dry_run: bool = False,
            saved: Callable[[], None] = lambda: None) -> list[str]:
    """Put every recorded workload back to its original replicas / suspend flag."""
    actions = []
    for r in records:
        if r.restored:
            continue
        kind = "merge"
        if r.kind == "DaemonSet":
            kind, body = unpark_patch(r.node_selector)
        elif r.kind == "CronJob":
            body = {"spec": {"suspend": bool(r.suspend)}}
        else:
            body = {"spec": {"replicas": r.replicas}}
        if _patch(client, r, body, dry_run, kind):
            actions.append(describe_change(r, undo=True))
        if not dry_run:
            r.restored = True
            saved()
    return actions
