"""The object store behind the simulated kube-apiserver: a thin coordinator over its parts.

Objects are kept per (group, resource), one stored copy served at every version of the resource,
in a sorted key index (``index.py``). Every write takes the next value of one global revision
counter (like etcd), appends to a bounded per-resource event log and wakes watchers (``_commit``).

The behaviour lives in mixins, one module each: ``lists`` (pagination, selectors, revisions),
``watch``, ``writes`` (create/update/patch/apply), ``scale`` (subresources), ``lifecycle``
(deletion, finalizers, GC, namespaces), ``crds`` and ``validation``; ``statuses`` builds the exact
Status bodies, ``metadata`` the server-set fields and key order.

Every method raises ``StatusError`` whose ``.body`` is the exact Status dict kube-apiserver sends;
the HTTP layer only serialises it with ``.code``.
"""
from __future__ import annotations

import copy
import json
import threading
import uuid
from typing import Any

from . import patching
from .catalogue import Catalogue, ResourceType
from .crds import CrdMixin
from .index import _Table
from .lifecycle import LifecycleMixin
from .lists import ListMixin
from .metadata import (
    _GENERATION_CORE, _GENERATION_GROUPS, _NO_GENERATION, _order_meta, _order_top, _sorted_deep, now_rfc3339,
)
from .scale import ScaleMixin
from .statuses import err_method_not_allowed, err_not_found, err_unknown_resource
from .validation import ValidationMixin
from .watch import WatchMixin
from .writes import WriteMixin
from .patching import Schema

# The store's contract names, importable from here as before the split
from .statuses import (  # noqa: F401
    StatusError, cause_duplicate, cause_forbidden, cause_invalid, cause_not_supported, cause_required, cause_too_long,
    err_bad_request, err_conflict, err_forbidden, err_invalid, err_options, status,
)
from .lists import decode_continue, encode_continue  # noqa: F401
from .metadata import manager_from_user_agent  # noqa: F401


class Store(ListMixin, WatchMixin, WriteMixin, ScaleMixin, LifecycleMixin, CrdMixin, ValidationMixin):
    """In-memory kube-apiserver storage. Thread-safe; all methods may be called from many threads.

    ``rt`` arguments are ``ResourceType``s from ``store.catalogue``; ``ns`` is the namespace from the
    URL ("" or None for cluster-wide lists and cluster-scoped resources).
    """

    def __init__(self, catalogue: Catalogue | None = None, *, workload_sim: bool = False,
                 bootstrap: bool = True) -> None:
        self.catalogue = catalogue or Catalogue.builtin()
        self.schema = Schema.builtin()
        self._lock = threading.RLock()
        self._cond = threading.Condition(self._lock)
        self._rv = 1
        self._tables: dict[tuple[str, str], _Table] = {}
        self._expire_next_continue = False
        self._expired_before = 0  # continue tokens with an rv below this are answered 410
        self._next_ip = 1
        self._used_ips: set[str] = set()
        self._next_node_port = 30000
        self.too_large_rv_wait = 0.0  # the real server waits ~3 s before its 504
        # the namespace controller empties a deleted namespace this long after the DELETE (the real
        # one takes 1-5 s; meanwhile GET shows it Terminating). 0 = synchronously.
        self.namespace_finalize_delay = 1.0
        # the apiextensions finalizer removes a deleted CRD's custom resources this long after the
        # DELETE; meanwhile the CRD is Terminating and creating its CRs is forbidden. 0 = synchronously.
        self.crd_cleanup_delay = 1.0
        self._pending: dict[tuple[str, str], threading.Timer] = {}
        self._ns_in_pass: str | None = None  # the namespace the namespace controller is emptying now
        self._closed = False
        self.workload_sim = workload_sim
        self._never_ready: list[str] = []
        self.workloads = None
        if workload_sim:
            from .workloads import WorkloadSimulator

            self.workloads = WorkloadSimulator(self)
        if bootstrap:
            self._bootstrap()

    @property
    def rv(self) -> int:
        """Current revision (the resourceVersion of the newest write)."""
        return self._rv

    @property
    def lock(self) -> threading.RLock:
        return self._lock

    def never_ready(self, pattern: str) -> None:
        """Keep workloads matching ``ns/name`` (fnmatch, e.g. "shop/db" or "shop/*") at 0 ready replicas."""
        with self._lock:
            self._never_ready.append(pattern)
            if self.workloads:
                self.workloads.resync()

    def is_never_ready(self, ns: str, name: str) -> bool:
        import fnmatch

        return any(fnmatch.fnmatchcase(f"{ns}/{name}", p) for p in self._never_ready)

    def expire_continue_tokens(self) -> None:
        """Make the next request carrying a continue token answer 410 Expired (a compaction happened)."""
        with self._lock:
            self._expire_next_continue = True
            # the compaction itself is an etcd write (compact_rev_key), so lists after it are newer
            self._rv += 1

    def _table(self, rt: ResourceType) -> _Table:
        t = self._tables.get((rt.group, rt.resource))
        if t is None:
            t = self._tables[(rt.group, rt.resource)] = _Table(rt.namespaced)
        return t

    def _ns_rt(self) -> ResourceType:
        rt = self.catalogue.lookup("", "v1", "namespaces")
        assert rt is not None
        return rt

    def rt_for(self, api_version: str, kind: str) -> ResourceType | None:
        return self.catalogue.for_api_version(api_version, kind)

    def _has_generation(self, rt: ResourceType) -> bool:
        if rt.is_crd:
            return True
        if (rt.group, rt.resource) in _NO_GENERATION:
            return False
        return rt.group in _GENERATION_GROUPS or (rt.group == "" and rt.resource in _GENERATION_CORE)

    def _has_status_sub(self, rt: ResourceType) -> bool:
        return "status" in rt.subresources

    def _node(self, rt: ResourceType) -> dict | None:
        if rt.is_crd:
            v = self.catalogue.crd_version(rt) or {}
            return patching.crd_schema_node(((v.get("schema") or {}).get("openAPIV3Schema")))
        return self.schema.root(rt.api_version, rt.kind)

    def _out(self, rt: ResourceType, obj: dict, key: str | None = None, table: _Table | None = None) -> dict:
        """A private copy of a stored object as served at ``rt``'s version."""
        raw = None
        if table is not None and key is not None:
            raw = table.raw.get(key)
            if raw is None:
                raw = json.dumps(obj, separators=(",", ":")).encode()
                table.raw[key] = raw
        out = json.loads(raw) if raw is not None else copy.deepcopy(obj)
        if out.get("apiVersion") != rt.api_version:
            out["apiVersion"] = rt.api_version
        return out

    def get_raw(self, rt: ResourceType, ns: str | None, name: str) -> bytes:
        """The object as JSON bytes (cached per object); same errors as ``get``."""
        with self._lock:
            t = self._table(rt)
            key = t.key(ns or "", name, rt.namespaced)
            obj = t.objs.get(key)
            if obj is None:
                raise err_not_found(rt, name)
            if obj.get("apiVersion") != rt.api_version:
                return json.dumps(self._out(rt, obj), separators=(",", ":")).encode()
            raw = t.raw.get(key)
            if raw is None:
                raw = t.raw[key] = json.dumps(obj, separators=(",", ":")).encode()
            return raw

    def get(self, rt: ResourceType, ns: str | None, name: str) -> dict:
        """GET one object (200) or raise 404 NotFound with ``details.kind`` = the plural resource."""
        if "get" not in rt.verbs:
            raise err_method_not_allowed()
        with self._lock:
            self._check_crd_alive(rt)
            t = self._table(rt)
            key = t.key(ns or "", name, rt.namespaced)
            obj = t.objs.get(key)
            if obj is None:
                raise err_not_found(rt, name)
            return self._out(rt, obj, key, t)

    def _commit(self, rt: ResourceType, obj: dict, old: dict | None, etype: str) -> dict:
        """Store (or remove, for DELETED) under the next revision and notify watchers."""
        t = self._table(rt)
        meta = obj["metadata"]
        key = t.key(meta.get("namespace", ""), meta["name"], rt.namespaced)
        self._rv += 1
        meta["resourceVersion"] = str(self._rv)
        obj["metadata"] = _sorted_deep(meta) if rt.is_crd else _order_meta(meta)
        if etype == "DELETED":
            t.remove(key)
        else:
            t.put(key, obj)
        t.log(self._rv, etype, obj, old)
        self._cond.notify_all()
        if self.workloads is not None and etype != "DELETED":
            self.workloads.after_write(rt, obj, old)
        return obj

    def _check_crd_alive(self, rt: ResourceType) -> None:
        if rt.is_crd and self.catalogue.lookup(rt.group, rt.version, rt.resource) is None:
            raise err_unknown_resource()

    def put(self, obj: dict) -> dict:
        """Store an object as given (test helper): fills uid/resourceVersion/creationTimestamp, no checks."""
        with self._lock:
            rt = self.rt_for(obj.get("apiVersion", ""), obj.get("kind", ""))
            if rt is None:
                raise ValueError(f"unknown kind {obj.get('apiVersion')}/{obj.get('kind')}")
            obj = copy.deepcopy(obj)
            meta = obj.setdefault("metadata", {})
            if rt.namespaced:
                meta.setdefault("namespace", "default")
            meta.setdefault("uid", str(uuid.uuid4()))
            meta.setdefault("creationTimestamp", now_rfc3339())
            t = self._table(rt)
            key = t.key(meta.get("namespace", ""), meta["name"], rt.namespaced)
            old = t.objs.get(key)
            obj = self._normalise(rt, obj)
            self._commit(rt, obj, old, "MODIFIED" if old else "ADDED")
            if rt.group == "apiextensions.k8s.io" and rt.resource == "customresourcedefinitions":
                self.catalogue.add_crd(obj)
            return self._out(rt, obj)

    def load_objects(self, objs: list[dict]) -> int:
        """Bulk load (snapshot): CRDs first, keeps given metadata, no events; returns the count loaded."""
        from .loader import load_objects

        return load_objects(self, objs)

    def load_snapshot(self, path: Any) -> int:
        from .loader import load_snapshot

        return load_snapshot(self, path)

    def _bulk_insert(self, rt: ResourceType, objs: list[dict]) -> None:
        """Insert many objects at once (indexes rebuilt once). Caller holds the lock."""
        t = self._table(rt)
        for o in objs:
            meta = o["metadata"]
            key = t.key(meta.get("namespace", ""), meta["name"], rt.namespaced)
            t.objs[key] = o
            t.raw.pop(key, None)
        t.keys = sorted(t.objs)
        if rt.namespaced:
            by_ns: dict[str, list[str]] = {}
            for k in t.keys:
                ns, name = k.split("/", 1)
                by_ns.setdefault(ns, []).append(name)
            t.by_ns = by_ns
        # watches from before the load cannot be replayed
        t.compacted = self._rv

    def _next_rv(self) -> int:
        self._rv += 1
        return self._rv

    def allocate_cluster_ip(self) -> str:
        while True:
            self._next_ip = self._next_ip % 253 + 1
            ip = f"10.0.0.{self._next_ip}"
            if ip not in self._used_ips:
                self._used_ips.add(ip)
                return ip

    def reserve_ip(self, ip: str) -> None:
        self._used_ips.add(ip)

    def allocate_node_port(self) -> int:
        self._next_node_port += 1
        return 30000 + (self._next_node_port * 2117) % 2767

    def _bootstrap(self) -> None:
        """A fresh cluster: the four system namespaces, their default content and the kubernetes Service."""
        ns_rt = self._ns_rt()
        now = now_rfc3339()
        with self._lock:
            for name in ("default", "kube-node-lease", "kube-public", "kube-system"):
                obj = {"kind": "Namespace", "apiVersion": "v1",
                       "metadata": {"name": name, "uid": str(uuid.uuid4()), "creationTimestamp": now,
                                    "labels": {"kubernetes.io/metadata.name": name},
                                    "managedFields": [{"manager": "kube-apiserver", "operation": "Update",
                                                       "apiVersion": "v1", "time": now, "fieldsType": "FieldsV1",
                                                       "fieldsV1": {"f:metadata": {"f:labels": {
                                                           ".": {}, "f:kubernetes.io/metadata.name": {}}}}}]},
                       "spec": {"finalizers": ["kubernetes"]}, "status": {"phase": "Active"}}
                self._commit(ns_rt, _order_top(obj), None, "ADDED")
                self._namespace_content(name)
            svc = self.catalogue.lookup("", "v1", "services")
            if svc is not None:
                self._used_ips.add("10.0.0.1")
                obj = {"kind": "Service", "apiVersion": "v1",
                       "metadata": {"name": "kubernetes", "namespace": "default", "uid": str(uuid.uuid4()),
                                    "creationTimestamp": now,
                                    "labels": {"component": "apiserver", "provider": "kubernetes"}},
                       "spec": {"ports": [{"name": "https", "protocol": "TCP", "port": 443, "targetPort": 6443}],
                                "clusterIP": "10.0.0.1", "clusterIPs": ["10.0.0.1"], "type": "ClusterIP",
                                "sessionAffinity": "None", "ipFamilies": ["IPv4"], "ipFamilyPolicy": "SingleStack",
                                "internalTrafficPolicy": "Cluster"},
                       "status": {"loadBalancer": {}}}
                self._commit(svc, _order_top(obj), None, "ADDED")
