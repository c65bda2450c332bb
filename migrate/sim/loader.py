"""Loading cluster snapshots into a Store.

A snapshot is a directory holding ``cluster.yaml`` (name, description, kubernetes.gitVersion,
platform) plus any number of ``*.yaml`` files (multi-document, nested directories allowed) with
objects as ``kubectl get -o yaml`` prints them. CRDs are registered before any other object, so
their custom resources load in the same pass. Given metadata (uid, resourceVersion, timestamps,
managedFields) is kept; missing uid/resourceVersion/creationTimestamp are filled in.
"""
from __future__ import annotations

import copy

import re
import uuid
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable

import yaml

if TYPE_CHECKING:  # pragma: no cover
    from .store import Store

_CRD = ("apiextensions.k8s.io/v1", "CustomResourceDefinition")


class SnapshotError(ValueError):
    """A snapshot file or object that cannot be loaded; the message names the file and object."""


def read_cluster_meta(path: str | Path) -> dict:
    """The ``cluster.yaml`` of a snapshot directory (name, description, kubernetes, platform)."""
    p = Path(path) / "cluster.yaml"
    if not p.is_file():
        raise SnapshotError(f"{p}: missing cluster.yaml")
    try:
        data = yaml.safe_load(p.read_text()) or {}
    except yaml.YAMLError as e:
        raise SnapshotError(f"{p}: not valid YAML: {e}") from None
    if not isinstance(data, dict):
        raise SnapshotError(f"{p}: expected a mapping")
    return data


def minor_of(meta: dict) -> int:
    """Kubernetes minor from ``kubernetes.gitVersion`` (v1.27.11 -> 27); 36 when absent."""
    git = str(((meta.get("kubernetes") or {}).get("gitVersion")) or "")
    m = re.match(r"v?1\.(\d+)", git)
    return int(m.group(1)) if m else 36


def iter_snapshot_objects(path: str | Path) -> Iterable[tuple[Path, dict]]:
    root = Path(path)
    for f in sorted(root.rglob("*.yaml")) + sorted(root.rglob("*.yml")):
        if f.name == "cluster.yaml" and f.parent == root:
            continue
        try:
            docs = list(yaml.load_all(f.read_text(), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)))
        except yaml.YAMLError as e:
            raise SnapshotError(f"{f}: not valid YAML: {e}") from None
        for d in docs:
            if d is None:
                continue
            if not isinstance(d, dict):
                raise SnapshotError(f"{f}: a document is not a mapping")
            if d.get("kind", "").endswith("List") and isinstance(d.get("items"), list):
                for item in d["items"]:
                    yield f, item
            else:
                yield f, d


def load_snapshot(store: "Store", path: str | Path) -> int:
    """Load every object of a snapshot directory; returns how many were loaded."""
    root = Path(path)
    if not root.is_dir():
        raise SnapshotError(f"{root}: not a directory")
    objs = []
    sources: dict[int, Path] = {}
    for f, o in iter_snapshot_objects(root):
        sources[id(o)] = f
        objs.append(o)
    return load_objects(store, objs, sources=sources)


_DEFAULTED_ON_LOAD = {("apps", "deployments"), ("apps", "statefulsets"), ("apps", "daemonsets"),
                      ("apps", "replicasets"), ("batch", "jobs"), ("batch", "cronjobs"), ("", "secrets")}


def load_objects(store: "Store", objs: list[dict], *, sources: dict[int, Path] | None = None) -> int:
    """Bulk-insert objects (no watch events, no validation). CRDs first; unknown kinds are errors."""
    from .metadata import _order_top, _sorted_deep, now_rfc3339

    sources = sources or {}
    crds = [o for o in objs if (o.get("apiVersion"), o.get("kind")) == _CRD]
    rest = [o for o in objs if (o.get("apiVersion"), o.get("kind")) != _CRD]
    now = now_rfc3339()
    count = 0
    with store.lock:
        for group in (crds, rest):
            by_rt: dict[Any, list[dict]] = {}
            for o in group:
                where = sources.get(id(o), "<objects>")
                api, kind = o.get("apiVersion"), o.get("kind")
                meta = o.get("metadata")
                if not api or not kind or not isinstance(meta, dict) or not meta.get("name"):
                    raise SnapshotError(f"{where}: object without apiVersion/kind/metadata.name: "
                                        f"{str(o)[:80]}")
                rt = store.rt_for(api, kind)
                if rt is None:
                    raise SnapshotError(f"{where}: {kind} {meta.get('name')}: apiVersion {api} kind {kind} is not "
                                        "served by this cluster version (is its CRD in the snapshot?)")
                o = dict(o)
                o["metadata"] = meta = dict(meta)
                if rt.namespaced:
                    meta.setdefault("namespace", "default")
                else:
                    meta.pop("namespace", None)
                meta.setdefault("uid", str(uuid.uuid4()))
                meta.setdefault("creationTimestamp", now)
                if "resourceVersion" not in meta:
                    meta["resourceVersion"] = str(store._next_rv())
                else:
                    try:
                        rv = int(meta["resourceVersion"])
                        if rv > store._rv:
                            store._rv = rv
                    except (TypeError, ValueError):
                        meta["resourceVersion"] = str(store._next_rv())
                if (rt.group, rt.resource) == ("", "services"):
                    ip = (o.get("spec") or {}).get("clusterIP")
                    if ip and ip != "None":
                        store.reserve_ip(ip)
                if (rt.group, rt.resource) in _DEFAULTED_ON_LOAD:
                    # what the real server stored was defaulted at creation; a snapshot may omit defaults
                    from .workloads import apply_defaults

                    o = copy.deepcopy(o)
                    apply_defaults(store, rt, o, None)
                o = _sorted_deep(o) if rt.is_crd else _order_top(o)
                by_rt.setdefault(rt, []).append(o)
                count += 1
            for rt, items in by_rt.items():
                store._bulk_insert(rt, items)
                if group is crds:
                    for crd in items:
                        store.catalogue.add_crd(crd)
        store._rv += 1
        store._cond.notify_all()
    return count
