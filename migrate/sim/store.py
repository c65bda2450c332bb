"""The object store behind the simulated kube-apiserver: CRUD, lists, watches and their exact errors.

Objects are kept per (group, resource), one stored copy served at every version of the resource.
Each resource has a sorted key index (``ns/name`` like the etcd key order) plus a per-namespace name
index, so a page of a list costs O(page + log n). Every write takes the next value of one global
revision counter (like etcd), appends to a bounded per-resource event log and wakes watchers.

Every method raises ``StatusError`` whose ``.body`` is the exact Status dict kube-apiserver sends;
the HTTP layer only serialises it with ``.code``.
"""
from __future__ import annotations

import base64
import bisect
import copy
import json
import random
import re
import threading
import time
import uuid
from datetime import datetime, timezone
from typing import Any, Iterator

from . import patching
from .catalogue import Catalogue, ResourceType
from .patching import PatchError, Schema
from .selectors import FieldSelector, LabelSelector, SelectorError

# ------------------------------------------------------------------------------------------------
# Status errors
# ------------------------------------------------------------------------------------------------


class StatusError(Exception):
    """A failed request: ``code`` is the HTTP status, ``body`` the Status dict to send verbatim."""

    def __init__(self, code: int, body: dict, headers: dict | None = None) -> None:
        super().__init__(body.get("message", ""))
        self.code = code
        self.body = body
        self.headers = headers or {}


def status(code: int, reason: str | None, message: str, details: dict | None = None, **extra: Any) -> dict:
    body: dict[str, Any] = {"kind": "Status", "apiVersion": "v1", "metadata": dict(extra.pop("metadata", {})),
                            "status": "Failure", "message": message}
    if reason:
        body["reason"] = reason
    if details is not None:
        body["details"] = details
    body["code"] = code
    return body


def _details(rt: ResourceType | None, name: str | None = None, kind: str | None = None, **more: Any) -> dict:
    d: dict[str, Any] = {}
    if name:
        d["name"] = name
    if rt is not None and rt.group:
        d["group"] = rt.group
    d["kind"] = kind if kind is not None else (rt.resource if rt else "")
    d.update(more)
    return d


def err_not_found(rt: ResourceType, name: str) -> StatusError:
    return StatusError(404, status(404, "NotFound", f'{rt.group_resource} "{name}" not found', _details(rt, name)))


def err_unknown_resource() -> StatusError:
    return StatusError(404, status(404, "NotFound", "the server could not find the requested resource", {}))


def err_method_not_allowed() -> StatusError:
    return StatusError(405, status(405, "MethodNotAllowed",
                                   "the server does not allow this method on the requested resource", {}))


def err_already_exists(rt: ResourceType, name: str) -> StatusError:
    return StatusError(409, status(409, "AlreadyExists", f'{rt.group_resource} "{name}" already exists',
                                   _details(rt, name)))


def err_conflict(rt: ResourceType, name: str) -> StatusError:
    return StatusError(409, status(
        409, "Conflict", f'Operation cannot be fulfilled on {rt.group_resource} "{name}": the object has been '
        "modified; please apply your changes to the latest version and try again", _details(rt, name)))


def err_bad_request(message: str) -> StatusError:
    return StatusError(400, status(400, "BadRequest", message))


def err_forbidden(rt: ResourceType, name: str, message: str, causes: list | None = None) -> StatusError:
    d = _details(rt, name)
    if causes:
        d["causes"] = causes
    return StatusError(403, status(403, "Forbidden", message, d))


def go_value(v: Any) -> str:
    """A value the way field.Error prints it (strings quoted, maps as compact JSON)."""
    if isinstance(v, str):
        return json.dumps(v)
    if v is None:
        return "null"
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (dict, list)):
        return json.dumps(v, separators=(",", ":"), sort_keys=True)
    return str(v)


def cause_required(field: str, detail: str = "") -> dict:
    return {"reason": "FieldValueRequired", "message": "Required value" + (f": {detail}" if detail else ""),
            "field": field}


def cause_invalid(field: str, value: Any, detail: str) -> dict:
    return {"reason": "FieldValueInvalid", "message": f"Invalid value: {go_value(value)}: {detail}", "field": field}


def cause_not_supported(field: str, value: Any, supported: list[str]) -> dict:
    sup = ", ".join(json.dumps(s) for s in supported)
    return {"reason": "FieldValueNotSupported", "message": f"Unsupported value: {go_value(value)}: supported values: {sup}",
            "field": field}


def cause_forbidden(field: str, detail: str) -> dict:
    return {"reason": "FieldValueForbidden", "message": f"Forbidden: {detail}", "field": field}


def cause_duplicate(field: str, value: Any) -> dict:
    return {"reason": "FieldValueDuplicate", "message": f"Duplicate value: {go_value(value)}", "field": field}


def cause_too_long(field: str, limit: int, unit: str = "bytes") -> dict:
    return {"reason": "FieldValueTooLong", "message": f"Too long: may not be more than {limit} {unit}", "field": field}


def err_invalid(kind: str, group: str, name: str, causes: list[dict]) -> StatusError:
    """422 Invalid: message ``Kind.group "name" is invalid: field: msg`` ([a, b] for several)."""
    qual = f"{kind}.{group}" if group else kind
    parts = [f"{c['field']}: {c['message']}" for c in causes]
    joined = parts[0] if len(parts) == 1 else "[" + ", ".join(parts) + "]"
    d: dict[str, Any] = {}
    if name:
        d["name"] = name
    if group:
        d["group"] = group
    d["kind"] = kind
    d["causes"] = causes
    return StatusError(422, status(422, "Invalid", f'{qual} "{name}" is invalid: {joined}', d))


def err_options(kind: str, causes: list[dict]) -> StatusError:
    """422 on request options (ListOptions/CreateOptions/PatchOptions/DeleteOptions)."""
    parts = [f"{c['field']}: {c['message']}" for c in causes]
    joined = parts[0] if len(parts) == 1 else "[" + ", ".join(parts) + "]"
    return StatusError(422, status(422, "Invalid", f'{kind}.meta.k8s.io "" is invalid: {joined}',
                                   {"group": "meta.k8s.io", "kind": kind, "causes": causes}))


def _patch_error(e: PatchError, rt: ResourceType, name: str) -> StatusError:
    if e.code == 422:
        return StatusError(422, status(422, "Invalid", e.message, {}))
    if e.code == 409:
        return StatusError(409, status(409, "Conflict", e.message, {"causes": e.causes or []}))
    if e.code == 500:
        return StatusError(500, status(500, None, e.message))
    return StatusError(e.code, status(e.code, e.reason or "BadRequest", e.message))


# ------------------------------------------------------------------------------------------------
# helpers
# ------------------------------------------------------------------------------------------------

_DNS1123_SUB = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")
_DNS1123_LABEL = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
_LABEL_VALUE = re.compile(r"^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$")
_QUALIFIED = re.compile(r"^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$")
_CONFIG_KEY = re.compile(r"^[-._a-zA-Z0-9]+$")
_GEN_CHARS = "bcdfghjklmnpqrstvwxz2456789"
_META_ORDER = ["name", "generateName", "namespace", "selfLink", "uid", "resourceVersion", "generation",
               "creationTimestamp", "deletionTimestamp", "deletionGracePeriodSeconds", "labels", "annotations",
               "ownerReferences", "finalizers", "managedFields"]
_SUB_MSG = ("a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must "
            "start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is "
            "'[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')")
_LABEL_MSG = ("a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start "
              "and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is "
              "'[a-z0-9]([-a-z0-9]*[a-z0-9])?')")
_LABEL_VALUE_MSG = ("a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and "
                    "must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', "
                    "regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')")
_CONFIG_KEY_MSG = ("a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or "
                   "'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')")
_ROOT_CA_NOTE = ("Contains a CA bundle that can be used to verify the kube-apiserver when using internal endpoints "
                 "such as the internal service IP or kubernetes.default.svc. No other usage is guaranteed across "
                 "distributions of Kubernetes clusters.")
PROTECTED_NAMESPACES = ("default", "kube-system", "kube-public")
# Kinds whose strategy keeps metadata.generation (ConfigMaps, Secrets, Services, Namespaces... have none).
_GENERATION_GROUPS = {"apps", "batch", "networking.k8s.io", "policy", "autoscaling", "apiextensions.k8s.io",
                      "admissionregistration.k8s.io", "flowcontrol.apiserver.k8s.io", "resource.k8s.io",
                      "scheduling.k8s.io", "node.k8s.io"}
_GENERATION_CORE = {"pods", "podtemplates", "replicationcontrollers"}
_NO_GENERATION = {("networking.k8s.io", "ingressclasses"), ("networking.k8s.io", "ipaddresses"),
                  ("networking.k8s.io", "servicecidrs"), ("scheduling.k8s.io", "priorityclasses"),
                  ("node.k8s.io", "runtimeclasses")}


def now_rfc3339() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def manager_from_user_agent(ua: str) -> str:
    """The default field manager: the User-Agent's product token ("kubectl/v1.36 (..)" -> "kubectl")."""
    token = (ua or "").split(" ", 1)[0]
    return token.split("/", 1)[0][:128] if token else "unknown"


def _sorted_deep(v: Any) -> Any:
    if isinstance(v, dict):
        return {k: _sorted_deep(v[k]) for k in sorted(v)}
    if isinstance(v, list):
        return [_sorted_deep(x) for x in v]
    return v


def _order_meta(meta: dict) -> dict:
    out = {k: meta[k] for k in _META_ORDER if k in meta}
    for k, v in meta.items():
        if k not in out:
            out[k] = v
    for k in ("labels", "annotations"):
        if isinstance(out.get(k), dict):
            out[k] = {x: out[k][x] for x in sorted(out[k])}
    return out


def _order_top(obj: dict) -> dict:
    out: dict[str, Any] = {}
    for k in ("kind", "apiVersion", "metadata"):
        if k in obj:
            out[k] = obj[k]
    for k, v in obj.items():
        if k not in out and k != "status":
            out[k] = v
    if "status" in obj:
        out["status"] = obj["status"]
    if isinstance(out.get("metadata"), dict):
        out["metadata"] = _order_meta(out["metadata"])
    for k in ("data", "binaryData", "stringData"):
        if isinstance(out.get(k), dict):
            out[k] = {x: out[k][x] for x in sorted(out[k])}
    return out


def encode_continue(rv: int, start: str) -> str:
    raw = json.dumps({"v": "meta.k8s.io/v1", "rv": rv, "start": start + "\x00"}, separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_continue(token: str) -> tuple[int, str]:
    """(rv, start key without the trailing NUL); raises StatusError 400 like the real server."""
    for i, ch in enumerate(token):
        if not (ch.isalnum() or ch in "-_"):
            raise err_bad_request(f"invalid continue token: continue key is not valid: illegal base64 data at input byte {i}")
    try:
        data = json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
    except Exception:
        raise err_bad_request("invalid continue token: continue key is not valid: illegal base64 data at input "
                              f"byte {len(token)}") from None
    if not isinstance(data, dict) or data.get("v") != "meta.k8s.io/v1":
        raise err_bad_request("invalid continue token: continue key is not valid: server does not recognize this "
                              "encoded version ")
    start = str(data.get("start", ""))
    if start.endswith("\x00"):
        start = start[:-1]
    return int(data.get("rv", 0)), start


# ------------------------------------------------------------------------------------------------
# per-resource index
# ------------------------------------------------------------------------------------------------

class _Table:
    EVENT_LOG = 2000

    def __init__(self, namespaced: bool) -> None:
        self.namespaced = namespaced
        self.objs: dict[str, dict] = {}
        self.keys: list[str] = []
        self.by_ns: dict[str, list[str]] = {}
        self.raw: dict[str, bytes] = {}
        self.events: list[tuple[int, str, dict, dict | None]] = []
        self.event_rvs: list[int] = []
        self.compacted = 0  # newest revision dropped from the event log

    @staticmethod
    def key(ns: str, name: str, namespaced: bool) -> str:
        return f"{ns}/{name}" if namespaced else name

    def put(self, key: str, obj: dict) -> None:
        if key not in self.objs:
            bisect.insort(self.keys, key)
            if self.namespaced:
                ns, name = key.split("/", 1)
                bisect.insort(self.by_ns.setdefault(ns, []), name)
        self.objs[key] = obj
        self.raw.pop(key, None)

    def remove(self, key: str) -> None:
        if key in self.objs:
            del self.objs[key]
            self.raw.pop(key, None)
            i = bisect.bisect_left(self.keys, key)
            if i < len(self.keys) and self.keys[i] == key:
                self.keys.pop(i)
            if self.namespaced:
                ns, name = key.split("/", 1)
                names = self.by_ns.get(ns, [])
                j = bisect.bisect_left(names, name)
                if j < len(names) and names[j] == name:
                    names.pop(j)

    def log(self, rv: int, etype: str, obj: dict, old: dict | None) -> None:
        self.events.append((rv, etype, obj, old))
        self.event_rvs.append(rv)
        if len(self.events) > 2 * self.EVENT_LOG:
            cut = len(self.events) - self.EVENT_LOG
            self.compacted = self.event_rvs[cut - 1]
            del self.events[:cut]
            del self.event_rvs[:cut]


# ------------------------------------------------------------------------------------------------
# the store
# ------------------------------------------------------------------------------------------------

class Store:
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
        self._closed = False
        self.workload_sim = workload_sim
        self._never_ready: list[str] = []
        self.workloads = None
        if workload_sim:
            from .workloads import WorkloadSimulator

            self.workloads = WorkloadSimulator(self)
        if bootstrap:
            self._bootstrap()

    # -- public state --------------------------------------------------------------------------------
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

    # -- type helpers ----------------------------------------------------------------------------------
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

    # -- reads ------------------------------------------------------------------------------------------
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

    def list(self, rt: ResourceType, ns: str | None, *, label_selector: str | None = None,
             field_selector: str | None = None, limit: int | None = None, continue_: str | None = None,
             resource_version: str | None = None, resource_version_match: str | None = None,
             send_initial_events: bool | None = None, watch: bool = False) -> dict:
        """The List body (``<Kind>List``; items without kind/apiVersion for built-ins, with them for CRs).

        Pagination: ``limit``/``continue_`` with the real token format; ``remainingItemCount`` only when
        no selector filters; ``resource_version="0"`` ignores the limit. Raises the recorded 400/410/422/504.
        """
        if "list" not in rt.verbs:
            raise err_method_not_allowed()
        lsel, fsel = self._selectors(rt, label_selector, field_selector)
        self._check_list_options(resource_version, resource_version_match, send_initial_events, watch)
        if continue_ and resource_version not in (None, ""):
            raise err_bad_request("specifying resource version is not allowed when using continue")
        limit = int(limit) if limit not in (None, "") else 0
        with self._lock:
            self._check_crd_alive(rt)
            if resource_version not in (None, "", "0"):
                self._check_rv_not_too_large(int(resource_version))
            if resource_version_match == "Exact" and resource_version not in (None, "", "0"):
                if int(resource_version) < self._expired_before:
                    raise StatusError(410, status(410, "Expired", "The resourceVersion for the provided list is too old."))
            if resource_version == "0":
                limit = 0
            t = self._table(rt)
            list_rv = self._rv
            start = ""
            if continue_:
                tok_rv, start = decode_continue(continue_)
                if self._expire_next_continue and tok_rv >= 0:
                    self._expire_next_continue = False
                    self._expired_before = max(self._expired_before, tok_rv + 1)
                if 0 <= tok_rv < self._expired_before:
                    fresh = encode_continue(-1, start.lstrip("/") if not rt.namespaced or not ns else start.lstrip("/"))
                    raise StatusError(410, status(
                        410, "Expired",
                        "The provided continue parameter is too old to display a consistent list result. You can "
                        "start a new list without the continue parameter, or use the continue token in this response "
                        "to retrieve the remainder of the results. Continuing with the provided token results in an "
                        "inconsistent list - objects that were created, modified, or deleted between the time the "
                        "first chunk was returned and now may show up in the list.",
                        metadata={"continue": fresh}))
                if tok_rv > 0:
                    list_rv = tok_rv
            items, next_key, remaining = self._scan(rt, t, ns, lsel, fsel, limit, start)
            meta: dict[str, Any] = {"resourceVersion": str(list_rv)}
            if next_key is not None:
                meta["continue"] = encode_continue(list_rv, "/" + next_key)
                if lsel.empty and fsel.empty:
                    meta["remainingItemCount"] = remaining
            out_items = []
            for key, obj in items:
                o = self._out(rt, obj, key, t)
                if not rt.is_crd:
                    o.pop("kind", None)
                    o.pop("apiVersion", None)
                out_items.append(o)
        if rt.is_crd:
            return {"apiVersion": rt.api_version, "items": out_items, "kind": rt.list_kind, "metadata": meta}
        return {"kind": rt.list_kind, "apiVersion": rt.api_version, "metadata": meta, "items": out_items}

    def list_raw(self, rt: ResourceType, ns: str | None, **kw: Any) -> bytes:
        """``list`` serialised to compact JSON bytes."""
        return json.dumps(self.list(rt, ns, **kw), separators=(",", ":")).encode()

    def _scan(self, rt: ResourceType, t: _Table, ns: str | None, lsel: LabelSelector, fsel: FieldSelector,
              limit: int, start: str) -> tuple[list, str | None, int]:
        """Matching (key, obj) pairs after ``start`` in key order, up to ``limit``."""
        if rt.namespaced and ns:
            names = t.by_ns.get(ns, [])
            prefix = ns + "/"
            seq_keys = names
            to_key = lambda n: prefix + n  # noqa: E731
            start_name = start.lstrip("/")
        else:
            seq_keys = t.keys
            to_key = lambda k: k  # noqa: E731
            start_name = start.lstrip("/")
        i = bisect.bisect_right(seq_keys, start_name) if start_name else 0
        only = fsel.name_only()
        out: list = []
        n = len(seq_keys)
        filtered = not (lsel.empty and fsel.empty)
        while i < n:
            k = to_key(seq_keys[i])
            obj = t.objs[k]
            i += 1
            if filtered:
                meta = obj.get("metadata") or {}
                if only is not None and meta.get("name") != only:
                    continue
                if not lsel.matches(meta.get("labels")) or not fsel.matches(obj):
                    continue
            out.append((k, obj))
            if limit > 0 and len(out) >= limit:
                break
        if limit > 0 and len(out) >= limit:
            # is there any further match? (the real server sets continue only then)
            j = i
            more = False
            while j < n:
                obj = t.objs[to_key(seq_keys[j])]
                meta = obj.get("metadata") or {}
                if not filtered or (lsel.matches(meta.get("labels")) and fsel.matches(obj)):
                    more = True
                    break
                j += 1
                if filtered and j - i > 100000:
                    more = True
                    break
            if more:
                last_key = out[-1][0]
                return out, (last_key.split("/", 1)[1] if rt.namespaced and ns else last_key), n - i
        return out, None, 0

    def _selectors(self, rt: ResourceType, label_selector: str | None,
                   field_selector: str | None) -> tuple[LabelSelector, FieldSelector]:
        try:
            lsel = LabelSelector.parse(label_selector)
            fsel = FieldSelector.parse(field_selector, rt.group, rt.resource if not rt.is_crd else "")
        except SelectorError as e:
            raise err_bad_request(str(e)) from None
        if rt.is_crd:
            for term in fsel.terms:
                if term.field not in ("metadata.name", "metadata.namespace"):
                    raise err_bad_request(f'"{term.field}" is not a known field selector: only "metadata.name", '
                                          '"metadata.namespace"')
        return lsel, fsel

    def _check_list_options(self, rv: str | None, rvm: str | None, sie: bool | None, watch: bool) -> None:
        if rv not in (None, ""):
            try:
                if int(rv) < 0:
                    raise ValueError
            except ValueError:
                raise err_bad_request(f'invalid resource version: resourceVersion: Invalid value: "{rv}": '
                                      f'strconv.ParseUint: parsing "{rv}": invalid syntax') from None
        if rvm not in (None, ""):
            if rvm not in ("Exact", "NotOlderThan"):
                raise err_options("ListOptions", [cause_not_supported("resourceVersionMatch", rvm,
                                                                      ["Exact", "NotOlderThan", ""])])
            if rv in (None, "") and not (watch and sie):
                raise err_options("ListOptions", [cause_forbidden(
                    "resourceVersionMatch", "resourceVersionMatch is forbidden unless resourceVersion is provided")])
            if rvm == "Exact" and rv == "0":
                raise err_options("ListOptions", [cause_forbidden(
                    "resourceVersionMatch", 'resourceVersionMatch "exact" is forbidden for resourceVersion "0"')])
        if sie:
            if not watch:
                raise err_options("ListOptions", [cause_forbidden("sendInitialEvents",
                                                                  "sendInitialEvents is forbidden for list")])
            if rvm != "NotOlderThan":
                raise err_options("ListOptions", [cause_forbidden(
                    "resourceVersionMatch", "sendInitialEvents requires setting resourceVersionMatch to NotOlderThan")])

    def _check_rv_not_too_large(self, rv: int) -> None:
        if rv > self._rv:
            if self.too_large_rv_wait:
                self._cond.wait(self.too_large_rv_wait)
            if rv > self._rv:
                raise StatusError(504, status(
                    504, "Timeout", f"Timeout: Too large resource version: {rv}, current: {self._rv}",
                    {"causes": [{"reason": "ResourceVersionTooLarge", "message": "Too large resource version"}],
                     "retryAfterSeconds": 1}))

    # -- watch --------------------------------------------------------------------------------------------
    def watch(self, rt: ResourceType, ns: str | None, *, label_selector: str | None = None,
              field_selector: str | None = None, resource_version: str | None = None,
              send_initial_events: bool | None = None, resource_version_match: str | None = None,
              allow_bookmarks: bool = False, timeout_s: float | None = None,
              bookmark_interval: float | None = None) -> Iterator[dict]:
        """Watch events ``{"type", "object"}`` until ``timeout_s`` (or forever when None).

        Option errors are raised before the first event (call ``next()`` once or use ``open_watch``).
        Without a resourceVersion (or "0") current objects come first as ADDED; with
        ``send_initial_events`` they are followed by the ``k8s.io/initial-events-end`` BOOKMARK. A
        resourceVersion older than the event log gives one ERROR event (410 Expired) and the end.
        """
        it = self.open_watch(rt, ns, label_selector=label_selector, field_selector=field_selector,
                             resource_version=resource_version, send_initial_events=send_initial_events,
                             resource_version_match=resource_version_match, allow_bookmarks=allow_bookmarks,
                             timeout_s=timeout_s, bookmark_interval=bookmark_interval)
        return it

    def open_watch(self, rt: ResourceType, ns: str | None, *, label_selector: str | None = None,
                   field_selector: str | None = None, resource_version: str | None = None,
                   send_initial_events: bool | None = None, resource_version_match: str | None = None,
                   allow_bookmarks: bool = False, timeout_s: float | None = None,
                   bookmark_interval: float | None = None) -> Iterator[dict]:
        """Validate the watch options now (raising StatusError) and return the event iterator."""
        if "watch" not in rt.verbs:
            raise err_method_not_allowed()
        lsel, fsel = self._selectors(rt, label_selector, field_selector)
        self._check_list_options(resource_version, resource_version_match, send_initial_events, True)
        with self._lock:
            self._check_crd_alive(rt)
            if resource_version not in (None, "", "0"):
                self._check_rv_not_too_large(int(resource_version))
            t = self._table(rt)
            initial: list[dict] = []
            too_old = None
            if resource_version in (None, "", "0") or send_initial_events:
                start_rv = self._rv
                items, _, _ = self._scan(rt, t, ns, lsel, fsel, 0, "")
                initial = [{"type": "ADDED", "object": self._out(rt, o, k, t)} for k, o in items]
            else:
                start_rv = int(resource_version)
                if start_rv < t.compacted:
                    oldest = t.event_rvs[0] if t.event_rvs else self._rv
                    too_old = {"type": "ERROR", "object": status(
                        410, "Expired", f"too old resource version: {start_rv} ({oldest - 1})")}
        return self._watch_iter(rt, t, ns, lsel, fsel, initial, start_rv, too_old, bool(send_initial_events),
                                allow_bookmarks, timeout_s, bookmark_interval)

    def _bookmark(self, rt: ResourceType, rv: int, initial_end: bool = False) -> dict:
        meta: dict[str, Any] = {"resourceVersion": str(rv)}
        if initial_end:
            meta["annotations"] = {"k8s.io/initial-events-end": "true"}
        obj: dict[str, Any] = {"kind": rt.kind, "apiVersion": rt.api_version, "metadata": meta}
        if rt.kind == "Namespace":
            obj["spec"], obj["status"] = {}, {}
        return {"type": "BOOKMARK", "object": obj}

    def _watch_iter(self, rt: ResourceType, t: _Table, ns: str | None, lsel: LabelSelector, fsel: FieldSelector,
                    initial: list, start_rv: int, too_old: dict | None, send_initial: bool, bookmarks: bool,
                    timeout_s: float | None, bookmark_interval: float | None) -> Iterator[dict]:
        if too_old is not None:
            yield too_old
            return
        deadline = time.monotonic() + timeout_s if timeout_s else None
        if bookmark_interval is None:
            bookmark_interval = min(60.0, timeout_s * 0.7) if timeout_s else 60.0
        next_bookmark = time.monotonic() + bookmark_interval
        yield from initial
        if send_initial and bookmarks:
            yield self._bookmark(rt, start_rv, initial_end=True)
        last = start_rv
        filtered = not (lsel.empty and fsel.empty)

        def matches(o: dict | None) -> bool:
            if o is None:
                return False
            if rt.namespaced and ns and (o.get("metadata") or {}).get("namespace") != ns:
                return False
            if not filtered:
                return True
            return lsel.matches((o.get("metadata") or {}).get("labels")) and fsel.matches(o)

        while True:
            batch: list[dict] = []
            with self._cond:
                if self._closed:
                    return
                i = bisect.bisect_right(t.event_rvs, last)
                if i >= len(t.events):
                    now = time.monotonic()
                    wait = None if deadline is None else deadline - now
                    if wait is not None and wait <= 0:
                        return
                    if bookmarks:
                        wait = next_bookmark - now if wait is None else min(wait, next_bookmark - now)
                    self._cond.wait(max(wait, 0.0) if wait is not None else None)
                    if self._closed:
                        return
                    i = bisect.bisect_right(t.event_rvs, last)
                for rv, etype, obj, old in t.events[i:]:
                    last = rv
                    now_m, old_m = matches(obj), matches(old)
                    if etype == "DELETED":
                        if now_m:
                            batch.append({"type": "DELETED", "object": self._out(rt, obj)})
                    elif now_m and (etype == "ADDED" or not old_m):
                        batch.append({"type": "ADDED", "object": self._out(rt, obj)})
                    elif now_m:
                        batch.append({"type": "MODIFIED", "object": self._out(rt, obj)})
                    elif old_m:
                        batch.append({"type": "DELETED", "object": self._out(rt, obj)})
                current_rv = self._rv
            yield from batch
            if bookmarks and time.monotonic() >= next_bookmark:
                next_bookmark = time.monotonic() + bookmark_interval
                yield self._bookmark(rt, max(last, current_rv))
            if deadline is not None and time.monotonic() >= deadline:
                return

    # -- writes -------------------------------------------------------------------------------------------
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

    def _check_options(self, kind: str, dry_run: Any, field_validation: str | None) -> None:
        if dry_run not in (None, False, True, "", "All", ["All"]):
            raise err_options(kind, [cause_not_supported("dryRun", [dry_run] if isinstance(dry_run, str) else dry_run,
                                                         ["All"])])
        if field_validation not in (None, "", "Ignore", "Warn", "Strict"):
            raise err_options(kind, [cause_not_supported("fieldValidation", field_validation,
                                                         ["", "Ignore", "Strict", "Warn"])])

    def _check_crd_alive(self, rt: ResourceType) -> None:
        if rt.is_crd and self.catalogue.lookup(rt.group, rt.version, rt.resource) is None:
            raise err_unknown_resource()

    def _check_kind(self, rt: ResourceType, body: dict) -> None:
        kind, api = body.get("kind"), body.get("apiVersion")
        if not kind and not api:
            return
        if rt.is_crd:
            if kind and kind != rt.kind:
                raise err_invalid(kind, rt.group, (body.get("metadata") or {}).get("name", ""),
                                  [cause_invalid("kind", kind, f"must be {rt.kind}")])
            return
        grp = (api or rt.api_version).split("/")[0] if "/" in (api or rt.api_version) else ""
        ver = (api or rt.api_version).split("/")[-1]
        internal = "core" if not rt.group else rt.group.split(".")[0]
        if kind and kind != rt.kind:
            raise err_bad_request(f'{kind} in version "{ver}" cannot be handled as a {rt.kind}: converting '
                                  f"({ver}.{kind}) to ({internal}.{rt.kind}): unknown conversion")
        if grp != rt.group or self.catalogue.lookup(grp, ver, rt.resource) is None:
            raise err_bad_request(f'{kind or rt.kind} in version "{ver}" cannot be handled as a {rt.kind}: no kind '
                                  f'"{kind or rt.kind}" is registered for version "{api}" in scheme '
                                  '"pkg/api/legacyscheme/scheme.go:30"')

    def _unknown_fields(self, rt: ResourceType, body: dict) -> list[str]:
        node = self._node(rt)
        if node is None:
            return []
        out: list[str] = []

        def walk(v: Any, n: dict | None, path: str) -> None:
            ref = (n or {}).get("r", "")
            n = self.schema.resolve(n)
            if not n or n.get("pu"):
                return
            if not rt.is_crd and v is not None and not ref.endswith(("Quantity", "RawExtension", ".JSON")) \
                    and "JSONSchemaProps" not in ref:
                _check_json_type(rt, v, n, path)
            if isinstance(v, dict):
                props = n.get("p")
                if props is None:
                    if "a" in n:
                        for k, cv in v.items():
                            walk(cv, n["a"], f"{path}[{k}]" if path else k)
                    return
                for k, cv in v.items():
                    p = f"{path}.{k}" if path else k
                    if k not in props:
                        if not (path == "" and k in ("apiVersion", "kind")):
                            out.append(p)
                        continue
                    walk(cv, props[k], p)
            elif isinstance(v, list) and "i" in n:
                for i, item in enumerate(v):
                    walk(item, n["i"], f"{path}[{i}]")

        walk(body, node, "")
        return out

    def _prune(self, rt: ResourceType, body: dict, unknown: list[str]) -> dict:
        """Drop unknown fields (what Go decoding or CRD pruning does)."""
        for path in sorted(unknown, key=len, reverse=True):
            parts = re.findall(r"[^.\[\]]+|\[\d+\]", path)
            cur: Any = body
            for p in parts[:-1]:
                if p.startswith("["):
                    cur = cur[int(p[1:-1])] if isinstance(cur, list) else None
                else:
                    cur = cur.get(p) if isinstance(cur, dict) else None
                if cur is None:
                    break
            if isinstance(cur, dict):
                cur.pop(parts[-1], None)
        return body

    def _field_validation(self, rt: ResourceType, body: dict, mode: str | None,
                          warnings: list[str]) -> dict:
        unknown = self._unknown_fields(rt, body)
        if unknown:
            if mode == "Strict":
                v = rt.version
                msg = ", ".join(f'unknown field "{u}"' for u in unknown)
                raise err_bad_request(f'{rt.kind} in version "{v}" cannot be handled as a {rt.kind}: strict decoding '
                                      f"error: {msg}")
            if mode != "Ignore":
                warnings.extend(f'unknown field "{u}"' for u in unknown)
            body = self._prune(rt, body, unknown)
        return body

    def create(self, rt: ResourceType, ns: str | None, body: dict, *, dry_run: bool = False,
               field_manager: str | None = None, field_validation: str | None = None,
               user_agent: str = "") -> tuple[int, dict, list[str]]:
        """POST: (201, created object, warnings). Dry-run returns the object without resourceVersion."""
        if "create" not in rt.verbs:
            raise err_method_not_allowed()
        self._check_options("CreateOptions", dry_run, field_validation)
        if not isinstance(body, dict):
            raise err_bad_request(f"the object provided is unrecognized (must be of type {rt.kind}): couldn't get "
                                  "version/kind; json parse error: json: cannot unmarshal array into Go value of type "
                                  'struct { APIVersion string "json:\\"apiVersion,omitempty\\""; Kind string '
                                  '"json:\\"kind,omitempty\\"" }')
        warnings: list[str] = []
        self._check_kind(rt, body)
        body = copy.deepcopy(body)
        meta = body.get("metadata")
        if not isinstance(meta, dict):
            meta = body["metadata"] = {}
        if rt.namespaced:
            if meta.get("namespace") and ns and meta["namespace"] != ns:
                raise err_bad_request("the namespace of the provided object does not match the namespace sent on "
                                      "the request")
            meta["namespace"] = ns or meta.get("namespace") or "default"
        else:
            meta.pop("namespace", None)
        body = self._field_validation(rt, body, field_validation, warnings)
        meta = body["metadata"]
        if rt.is_crd:
            body, crd_warn = self._crd_checks(rt, body, field_validation)
            warnings += crd_warn
        manager = field_manager or manager_from_user_agent(user_agent)
        if tuple(rt.verbs) == ("create",):
            # reviews (TokenReview, SubjectAccessReview, SelfSubjectReview...) are answered, not stored;
            # the HTTP layer fills status from the caller's identity
            out = copy.deepcopy(body)
            out["kind"], out["apiVersion"] = rt.kind, rt.api_version
            return 201, _order_top(out), warnings
        with self._lock:
            self._check_crd_alive(rt)
            return self._create_locked(rt, body, manager=manager, dry_run=bool(dry_run), warnings=warnings)

    def _create_locked(self, rt: ResourceType, body: dict, *, manager: str, dry_run: bool, warnings: list[str],
                       managed: list[dict] | None = None) -> tuple[int, dict, list[str]]:
        meta = body["metadata"]
        ns = meta.get("namespace", "")
        body["kind"], body["apiVersion"] = rt.kind, rt.api_version
        if not meta.get("name") and meta.get("generateName"):
            t = self._table(rt)
            for _ in range(20):
                cand = meta["generateName"] + "".join(random.choice(_GEN_CHARS) for _ in range(5))
                if t.key(ns, cand, rt.namespaced) not in t.objs:
                    break
            meta["name"] = cand
        if rt.namespaced:
            self._check_namespace_for_create(rt, ns, meta.get("name", ""))
        if rt.is_crd:
            self._check_crd_not_terminating(rt, meta.get("name", ""))
        for k in ("uid", "resourceVersion", "creationTimestamp", "generation", "deletionTimestamp",
                  "deletionGracePeriodSeconds", "selfLink"):
            meta.pop(k, None)
        if managed is None:
            meta.pop("managedFields", None)
        from . import workloads as wl

        wl.apply_defaults(self, rt, body, None)
        if self._has_status_sub(rt) and not rt.is_crd:
            body["status"] = wl.initial_status(rt, body)
        elif rt.is_crd and "status" in rt.subresources:
            body.pop("status", None)
        causes = wl.validate(self, rt, body, None)
        if causes:
            raise err_invalid(rt.kind, rt.group, meta.get("name", ""), causes)
        t = self._table(rt)
        key = t.key(ns, meta["name"], rt.namespaced)
        if key in t.objs:
            raise err_already_exists(rt, meta["name"])
        now = now_rfc3339()
        meta["uid"] = str(uuid.uuid4())
        meta["creationTimestamp"] = now
        if self._has_generation(rt):
            meta["generation"] = 1
        if managed is not None:
            meta["managedFields"] = managed
        else:
            tracked = {k: v for k, v in body.items() if k != "spec"} if rt.resource == "namespaces" and not rt.group \
                else body
            meta["managedFields"] = patching.updated_managed_fields(
                [], manager=manager, old=None, new=tracked, node=self._node(rt), schema=self.schema,
                api_version=rt.api_version, subresource=None, now=now, include_status=False)
            if not meta["managedFields"]:
                meta.pop("managedFields")
        wl.after_defaults_server_fields(self, rt, body, dry_run)
        body = self._normalise(rt, body)
        if dry_run:
            return 201, self._out(rt, body), warnings
        self._commit(rt, body, None, "ADDED")
        self._after_create(rt, body)
        return 201, self._out(rt, body), warnings

    def _normalise(self, rt: ResourceType, obj: dict) -> dict:
        return _sorted_deep(obj) if rt.is_crd else _order_top(obj)

    def _check_namespace_for_create(self, rt: ResourceType, ns: str, name: str) -> None:
        nst = self._table(self._ns_rt())
        nso = nst.objs.get(ns)
        if nso is None:
            raise err_not_found(self._ns_rt(), ns)
        if (nso.get("status") or {}).get("phase") == "Terminating" or nso["metadata"].get("deletionTimestamp"):
            raise err_forbidden(rt, name, f'{rt.group_resource} "{name}" is forbidden: unable to create new content '
                                f"in namespace {ns} because it is being terminated",
                                [{"reason": "NamespaceTerminating",
                                  "message": f'namespace {ns} is being terminated', "field": "metadata.namespace"}])

    def _after_create(self, rt: ResourceType, obj: dict) -> None:
        if rt.group == "" and rt.resource == "namespaces":
            self._namespace_content(obj["metadata"]["name"])
        elif rt.group == "apiextensions.k8s.io" and rt.resource == "customresourcedefinitions":
            self._establish_crd(obj)

    def create_subresource(self, rt: ResourceType, ns: str | None, name: str, sub: str, body: dict, *,
                           dry_run: bool = False) -> tuple[int, dict]:
        """POST to ``pods/binding`` (sets spec.nodeName) or ``pods/eviction`` (deletes the pod):
        (201, Status Success). Other create subresources are the HTTP layer's business."""
        if (rt.group, rt.resource) != ("", "pods") or sub not in ("binding", "eviction"):
            raise err_method_not_allowed()
        with self._lock:
            t = self._table(rt)
            cur = t.objs.get(t.key(ns or "", name, True))
            if cur is None:
                raise err_not_found(rt, name)
            ok = {"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Success", "code": 201}
            if dry_run:
                return 201, ok
            if sub == "binding":
                node = ((body or {}).get("target") or {}).get("name", "")
                if (cur.get("spec") or {}).get("nodeName"):
                    raise err_conflict(rt, name)
                new = copy.deepcopy(cur)
                new["spec"]["nodeName"] = node
                self._commit(rt, _order_top(new), cur, "MODIFIED")
            else:
                self._delete_locked(rt, cur, None, False)
            return 201, ok

    # -- update / patch ---------------------------------------------------------------------------------
    def update(self, rt: ResourceType, ns: str | None, name: str, body: dict, *, subresource: str | None = None,
               dry_run: bool = False, field_manager: str | None = None, field_validation: str | None = None,
               user_agent: str = "") -> tuple[int, dict, list[str]]:
        """PUT (also ``/status``, ``/scale`` with an autoscaling/v1 Scale, ``namespaces/finalize``)."""
        self._check_options("UpdateOptions", dry_run, field_validation)
        if subresource is None and "update" not in rt.verbs:
            raise err_method_not_allowed()
        if subresource and subresource not in rt.subresources and not (
                subresource == "finalize" and rt.resource == "namespaces"):
            raise err_unknown_resource()
        if not isinstance(body, dict):
            raise err_bad_request("the object provided is unrecognized")
        warnings: list[str] = []
        body = copy.deepcopy(body)
        bmeta = body.get("metadata") if isinstance(body.get("metadata"), dict) else {}
        body["metadata"] = bmeta
        if bmeta.get("name") and bmeta["name"] != name:
            raise err_bad_request(f"the name of the object ({bmeta['name']}) does not match the name on the URL ({name})")
        if rt.namespaced and bmeta.get("namespace") and ns and bmeta["namespace"] != ns:
            raise err_bad_request("the namespace of the provided object does not match the namespace sent on the request")
        if subresource != "scale":
            self._check_kind(rt, body)
            body = self._field_validation(rt, body, field_validation, warnings)
            if rt.is_crd:
                body, w = self._crd_checks(rt, body, field_validation)
                warnings += w
        manager = field_manager or manager_from_user_agent(user_agent)
        with self._lock:
            self._check_crd_alive(rt)
            t = self._table(rt)
            key = t.key(ns or "", name, rt.namespaced)
            cur = t.objs.get(key)
            if cur is None:
                raise err_not_found(rt, name)
            want_rv = (body.get("metadata") or {}).get("resourceVersion")
            if want_rv and want_rv != cur["metadata"]["resourceVersion"]:
                raise err_conflict(rt, name)
            if subresource == "scale":
                new = self._scale_to_obj(rt, cur, body)
            else:
                new = self._merge_for_subresource(rt, cur, body, subresource)
            code, out = self._update_locked(rt, cur, new, manager=manager, subresource=subresource,
                                            dry_run=bool(dry_run), op="Update")
            if subresource == "scale":
                out = self._scale_of(rt, out)
            return code, out, warnings

    def _merge_for_subresource(self, rt: ResourceType, cur: dict, body: dict, subresource: str | None) -> dict:
        """What a PUT may change: /status only status; the main resource everything but status."""
        new = copy.deepcopy(body)
        new["kind"], new["apiVersion"] = rt.kind, rt.api_version
        meta = new["metadata"]
        cmeta = cur["metadata"]
        if rt.namespaced:
            meta["namespace"] = cmeta.get("namespace", "")
        meta["name"] = cmeta["name"]
        if subresource == "status":
            out = copy.deepcopy(cur)
            out["status"] = new.get("status", {})
            return out
        if subresource == "finalize":
            out = copy.deepcopy(cur)
            out.setdefault("spec", {})["finalizers"] = list((new.get("spec") or {}).get("finalizers") or [])
            return out
        if self._has_status_sub(rt):
            if "status" in cur:
                new["status"] = copy.deepcopy(cur["status"])
            else:
                new.pop("status", None)
        return new

    def _update_locked(self, rt: ResourceType, cur: dict, new: dict, *, manager: str, subresource: str | None,
                       dry_run: bool, op: str, managed: list[dict] | None = None) -> tuple[int, dict]:
        from . import workloads as wl

        cmeta = cur["metadata"]
        meta = new.setdefault("metadata", {})
        for k in ("uid", "creationTimestamp", "deletionTimestamp", "deletionGracePeriodSeconds", "generation"):
            if k in cmeta:
                meta[k] = cmeta[k]
            else:
                meta.pop(k, None)
        meta["name"] = cmeta["name"]
        if rt.namespaced:
            meta["namespace"] = cmeta.get("namespace", "")
        meta["resourceVersion"] = cmeta["resourceVersion"]
        if managed is None:
            meta["managedFields"] = copy.deepcopy(cmeta.get("managedFields") or [])
        wl.apply_defaults(self, rt, new, cur)
        causes = wl.validate(self, rt, new, cur)
        if causes:
            raise err_invalid(rt.kind, rt.group, cmeta["name"], causes)
        # a spec change bumps generation; metadata-only and /status writes do not
        if self._has_generation(rt) and subresource != "status":
            if _spec_of(new) != _spec_of(cur):
                meta["generation"] = int(cmeta.get("generation", 1)) + 1
        now = now_rfc3339()
        if managed is not None:
            meta["managedFields"] = managed
        else:
            mf = patching.updated_managed_fields(
                meta.get("managedFields") or [], manager=manager, old=cur, new=new, node=self._node(rt),
                schema=self.schema, api_version=rt.api_version if subresource != "scale" else rt.api_version,
                subresource=subresource if subresource in ("status", "scale") else None, now=now,
                include_status=subresource == "status" or not self._has_status_sub(rt))
            meta["managedFields"] = mf
        if not meta.get("managedFields"):
            meta.pop("managedFields", None)
        new = self._normalise(rt, new)
        if _same(new, cur):
            return 200, self._out(rt, cur)
        if dry_run:
            return 200, self._out(rt, new)
        self._commit(rt, new, cur, "MODIFIED")
        self._after_update(rt, new, cur)
        return 200, self._out(rt, new)

    def _after_update(self, rt: ResourceType, new: dict, old: dict) -> None:
        meta = new["metadata"]
        if meta.get("deletionTimestamp") and not meta.get("finalizers"):
            self._purge(rt, new)
            return
        if rt.group == "apiextensions.k8s.io" and rt.resource == "customresourcedefinitions":
            self._establish_crd(new, update=True)

    def patch(self, rt: ResourceType, ns: str | None, name: str, content_type: str, raw: bytes, *,
              subresource: str | None = None, field_manager: str | None = None, force: bool | None = None,
              dry_run: bool = False, field_validation: str | None = None,
              user_agent: str = "") -> tuple[int, dict, list[str]]:
        """PATCH with merge / json / strategic-merge / apply-patch+yaml (``content_type`` without params).

        Apply to a missing object creates it (201). Errors: 415 (unsupported type; CRs refuse SMP),
        400 (undecodable body), 409 (stale resourceVersion, apply conflicts), 422, 500 (bad SMP directive).
        """
        if subresource is None and "patch" not in rt.verbs:
            raise err_method_not_allowed()
        if subresource and subresource not in rt.subresources:
            raise err_unknown_resource()
        ctype = (content_type or "").split(";")[0].strip().lower()
        accepted = ["application/json-patch+json", "application/merge-patch+json", "application/apply-patch+yaml"]
        if not rt.is_crd:
            accepted.insert(2, "application/strategic-merge-patch+json")
        if ctype not in accepted:
            if rt.is_crd and ctype == "application/strategic-merge-patch+json":
                raise StatusError(415, status(
                    415, "UnsupportedMediaType",
                    'the body of the request was in an unknown format - accepted media types include: '
                    "application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml"))
            raise StatusError(415, status(415, "UnsupportedMediaType", "415: Unsupported Media Type", {}))
        is_apply = ctype == "application/apply-patch+yaml"
        self._check_options("PatchOptions", dry_run, field_validation)
        if force and not is_apply:
            raise err_options("PatchOptions", [cause_forbidden("force", "may not be specified for non-apply patch")])
        if is_apply and not field_manager:
            raise err_options("PatchOptions", [cause_required("fieldManager", "is required for apply patch")])
        manager = field_manager or manager_from_user_agent(user_agent)
        warnings: list[str] = []
        try:
            text = raw.decode() if isinstance(raw, (bytes, bytearray)) else str(raw)
        except UnicodeDecodeError:
            raise err_bad_request("error decoding patch: invalid utf-8") from None
        if is_apply:
            patch_doc = self._decode_apply(rt, name, text)
        else:
            try:
                patch_doc = json.loads(text)
            except ValueError:
                raise err_bad_request("error decoding patch: unexpected end of JSON input" if text.strip()[-1:] not in "}]"
                                      else "error decoding patch: invalid character in JSON input") from None
        with self._lock:
            self._check_crd_alive(rt)
            t = self._table(rt)
            key = t.key(ns or "", name, rt.namespaced)
            cur = t.objs.get(key)
            node = self._node(rt)
            if cur is None:
                if is_apply and subresource is None:
                    return self._apply_create(rt, ns, name, patch_doc, manager, bool(dry_run), field_validation,
                                              warnings)
                raise err_not_found(rt, name)
            base = self._scale_of(rt, self._out(rt, cur)) if subresource == "scale" else self._out(rt, cur)
            base_node = None if subresource == "scale" else node
            try:
                if ctype == "application/merge-patch+json":
                    if not isinstance(patch_doc, dict):
                        raise err_bad_request("error decoding patch: json: cannot unmarshal into object")
                    patched = patching.merge_patch(base, patch_doc)
                elif ctype == "application/json-patch+json":
                    patched = patching.json_patch(base, patch_doc)
                elif ctype == "application/strategic-merge-patch+json":
                    if not isinstance(patch_doc, dict):
                        raise err_bad_request("error decoding patch: json: cannot unmarshal into object")
                    patched = patching.strategic_merge(base, patch_doc, base_node, self.schema)
                else:
                    patched = None
            except PatchError as e:
                raise _patch_error(e, rt, name) from None
            if is_apply:
                return self._apply_existing(rt, cur, patch_doc, manager, bool(force), subresource,
                                            bool(dry_run), field_validation, warnings)
            if not isinstance(patched, dict):
                raise StatusError(422, status(422, "Invalid", patching.GENERIC_422, {}))
            want_rv = (patch_doc.get("metadata") or {}).get("resourceVersion") if isinstance(patch_doc, dict) else None
            if ctype == "application/json-patch+json":
                want_rv = (patched.get("metadata") or {}).get("resourceVersion")
            if want_rv and want_rv != cur["metadata"]["resourceVersion"]:
                raise err_conflict(rt, name)
            if subresource == "scale":
                new = self._scale_to_obj(rt, cur, patched)
            else:
                if subresource != "scale":
                    patched = self._field_validation(rt, patched, field_validation, warnings)
                    if rt.is_crd:
                        patched, w = self._crd_checks(rt, patched, field_validation)
                        warnings += w
                self._check_kind(rt, patched)
                new = self._merge_for_subresource(rt, cur, patched, subresource)
                if subresource is None:
                    # managedFields may be replaced wholesale by a patch (kubectl's SSA migration does this)
                    if _patch_touches_managed(patch_doc) and "managedFields" in (patched.get("metadata") or {}):
                        mf = patched["metadata"]["managedFields"]
                        code, out = self._update_locked(rt, cur, new, manager=manager, subresource=None,
                                                        dry_run=bool(dry_run), op="Update", managed=mf or [])
                        return code, out, warnings
            code, out = self._update_locked(rt, cur, new, manager=manager, subresource=subresource,
                                            dry_run=bool(dry_run), op="Update")
            if subresource == "scale":
                out = self._scale_of(rt, out)
            return code, out, warnings

    def _decode_apply(self, rt: ResourceType, name: str, text: str) -> dict:
        import yaml

        try:
            doc = yaml.safe_load(text)
        except yaml.YAMLError as e:
            line = getattr(getattr(e, "problem_mark", None), "line", 0) + 1
            problem = getattr(e, "problem", str(e))
            raise err_bad_request(f"error decoding YAML: error converting YAML to JSON: yaml: line {line}: "
                                  f"{problem}") from None
        if not isinstance(doc, dict):
            raise err_bad_request("invalid object type: /, Kind=")
        if not doc.get("kind") or not doc.get("apiVersion"):
            api = doc.get("apiVersion", "")
            grp, ver = (api.split("/", 1) if "/" in api else ("", api))
            raise err_bad_request(f"invalid object type: {grp}/{ver}, Kind={doc.get('kind', '')}")
        meta = doc.get("metadata") or {}
        if meta.get("name") and meta["name"] != name:
            raise err_bad_request(f"the name of the object ({meta['name']}) does not match the name on the URL ({name})")
        if meta.get("managedFields") is not None:
            raise err_bad_request("metadata.managedFields must be nil")
        return doc

    def _apply_create(self, rt: ResourceType, ns: str | None, name: str, cfg: dict, manager: str, dry_run: bool,
                      field_validation: str | None, warnings: list[str]) -> tuple[int, dict, list[str]]:
        cfg = copy.deepcopy(cfg)
        cfg.setdefault("metadata", {})["name"] = name
        if rt.namespaced:
            cfg["metadata"]["namespace"] = ns or cfg["metadata"].get("namespace") or "default"
        self._check_kind(rt, cfg)
        cfg = self._field_validation(rt, cfg, field_validation, warnings)
        if rt.is_crd:
            cfg, w = self._crd_checks(rt, cfg, field_validation)
            warnings += w
        try:
            merged, mf = patching.apply(None, cfg, manager=manager, force=False, managed=[], node=self._node(rt),
                                        schema=self.schema, api_version=rt.api_version, subresource=None,
                                        now=now_rfc3339(), include_status=not self._has_status_sub(rt))
        except PatchError as e:
            raise _patch_error(e, rt, name) from None
        return self._create_locked(rt, merged, manager=manager, dry_run=dry_run, warnings=warnings, managed=mf)

    def _apply_existing(self, rt: ResourceType, cur: dict, cfg: dict, manager: str, force: bool,
                        subresource: str | None, dry_run: bool, field_validation: str | None,
                        warnings: list[str]) -> tuple[int, dict, list[str]]:
        name = cur["metadata"]["name"]
        now = now_rfc3339()
        if subresource == "scale":
            replicas = (cfg.get("spec") or {}).get("replicas")
            parent_cfg = {"spec": {"replicas": replicas}} if replicas is not None else {}
            live = self._out(rt, cur)
            try:
                merged, mf = patching.apply(live, parent_cfg, manager=manager, force=force,
                                            managed=cur["metadata"].get("managedFields") or [], node=self._node(rt),
                                            schema=self.schema, api_version=rt.api_version, subresource="scale",
                                            now=now, include_status=False)
            except PatchError as e:
                raise _patch_error(e, rt, name) from None
            code, out = self._update_locked(rt, cur, merged, manager=manager, subresource="scale",
                                            dry_run=dry_run, op="Apply", managed=mf)
            return code, self._scale_of(rt, out), warnings
        cfg = copy.deepcopy(cfg)
        self._check_kind(rt, cfg)
        cfg = self._field_validation(rt, cfg, field_validation, warnings)
        if rt.is_crd:
            cfg, w = self._crd_checks(rt, cfg, field_validation, partial=True)
            warnings += w
        want_rv = (cfg.get("metadata") or {}).get("resourceVersion")
        if want_rv and want_rv != cur["metadata"]["resourceVersion"]:
            raise err_conflict(rt, name)
        cfg.setdefault("metadata", {})
        cfg["metadata"].pop("resourceVersion", None)
        if subresource == "status":
            cfg = {"apiVersion": cfg.get("apiVersion"), "kind": cfg.get("kind"), "metadata": {},
                   "status": cfg.get("status") or {}}
        elif self._has_status_sub(rt):
            cfg.pop("status", None)
        live = self._out(rt, cur)
        try:
            merged, mf = patching.apply(live, cfg, manager=manager, force=force,
                                        managed=cur["metadata"].get("managedFields") or [], node=self._node(rt),
                                        schema=self.schema, api_version=rt.api_version, subresource=subresource,
                                        now=now, include_status=subresource == "status" or not self._has_status_sub(rt))
        except PatchError as e:
            raise _patch_error(e, rt, name) from None
        # a no-op apply keeps the old managedFields timestamps
        old_mf = cur["metadata"].get("managedFields") or []
        if _mf_sig(old_mf) == _mf_sig(mf):
            mf = old_mf
        code, out = self._update_locked(rt, cur, merged, manager=manager, subresource=subresource,
                                        dry_run=dry_run, op="Apply", managed=mf)
        return code, out, warnings

    # -- scale -------------------------------------------------------------------------------------------
    def _scale_paths(self, rt: ResourceType) -> tuple[str, str, str | None]:
        if rt.is_crd:
            v = self.catalogue.crd_version(rt) or {}
            sc = (v.get("subresources") or {}).get("scale") or {}
            return (sc.get("specReplicasPath", ".spec.replicas"), sc.get("statusReplicasPath", ".status.replicas"),
                    sc.get("labelSelectorPath"))
        return ".spec.replicas", ".status.replicas", None

    def _scale_of(self, rt: ResourceType, obj: dict) -> dict:
        spec_p, status_p, sel_p = self._scale_paths(rt)
        meta = obj["metadata"]
        smeta = {k: meta[k] for k in ("name", "namespace", "uid", "resourceVersion", "creationTimestamp") if k in meta}
        if rt.is_crd:
            selector = _jp_get(obj, sel_p) if sel_p else None
        else:
            sel = (obj.get("spec") or {}).get("selector")
            selector = _selector_string(sel) if sel else None
        st: dict[str, Any] = {"replicas": _jp_get(obj, status_p) or 0}
        if selector:
            st["selector"] = selector
        return {"kind": "Scale", "apiVersion": "autoscaling/v1", "metadata": smeta,
                "spec": {"replicas": _jp_get(obj, spec_p) or 0} if _jp_get(obj, spec_p) is not None else {},
                "status": st}

    def _scale_to_obj(self, rt: ResourceType, cur: dict, scale: dict) -> dict:
        name = cur["metadata"]["name"]
        smeta = scale.get("metadata") or {}
        if smeta.get("name") and smeta["name"] != name:
            raise err_bad_request(f"the name of the object ({smeta['name']}) does not match the name on the URL ({name})")
        if smeta.get("resourceVersion") and smeta["resourceVersion"] != cur["metadata"]["resourceVersion"]:
            raise err_conflict(rt, name)
        replicas = (scale.get("spec") or {}).get("replicas", 0)
        if not isinstance(replicas, int) or replicas < 0:
            raise err_invalid("Scale", "autoscaling", name,
                              [cause_invalid("spec.replicas", replicas, "must be greater than or equal to 0")])
        new = copy.deepcopy(cur)
        spec_p, _, _ = self._scale_paths(rt)
        _jp_set(new, spec_p, replicas)
        if rt.is_crd:
            errs = _validate_schema(new, (self.catalogue.crd_version(rt) or {}).get("schema", {}).get("openAPIV3Schema"))
            if errs:
                raise err_invalid(rt.kind, rt.group, name, errs)
        return new

    def get_subresource(self, rt: ResourceType, ns: str | None, name: str, sub: str) -> dict:
        """GET ``/status`` (the object itself) or ``/scale`` (an autoscaling/v1 Scale)."""
        if sub not in rt.subresources:
            if rt.is_crd:  # the CR handler answers as if the object were missing
                raise err_not_found(rt, name)
            raise err_unknown_resource()
        obj = self.get(rt, ns, name)
        if sub == "scale":
            return self._scale_of(rt, obj)
        return obj

    # -- delete --------------------------------------------------------------------------------------------
    def delete(self, rt: ResourceType, ns: str | None, name: str, options: dict | None, *,
               dry_run: bool = False) -> tuple[int, dict]:
        """DELETE: (200, Status Success) when removed now, (200, object) while finalizers hold it."""
        if "delete" not in rt.verbs:
            raise err_method_not_allowed()
        options = dict(options or {})
        policy = self._check_delete_options(options, dry_run)
        with self._lock:
            self._check_crd_alive(rt)
            t = self._table(rt)
            key = t.key(ns or "", name, rt.namespaced)
            cur = t.objs.get(key)
            if cur is None:
                raise err_not_found(rt, name)
            self._check_preconditions(rt, cur, options.get("preconditions") or {})
            return self._delete_locked(rt, cur, policy, bool(dry_run or options.get("dryRun")))

    def _check_delete_options(self, options: dict, dry_run: Any) -> str | None:
        self._check_options("DeleteOptions", dry_run if dry_run else options.get("dryRun"), None)
        policy = options.get("propagationPolicy")
        if policy is not None and policy not in ("Foreground", "Background", "Orphan"):
            raise err_options("DeleteOptions", [cause_not_supported(
                "propagationPolicy", policy, ["Foreground", "Background", "Orphan", "nil"])])
        if options.get("orphanDependents") is not None and policy is not None:
            raise err_options("DeleteOptions", [cause_invalid(
                "propagationPolicy", policy, "orphanDependents and deletionPropagation cannot be both set")])
        if options.get("orphanDependents") is True:
            policy = "Orphan"
        return policy

    def _check_preconditions(self, rt: ResourceType, cur: dict, pre: dict) -> None:
        meta = cur["metadata"]
        name = meta["name"]
        if pre.get("uid") and pre["uid"] != meta.get("uid"):
            raise StatusError(409, status(
                409, "Conflict", f'Operation cannot be fulfilled on {rt.kind} "{name}": the UID in the precondition '
                f"({pre['uid']}) does not match the UID in record ({meta.get('uid')}). The object might have been "
                "deleted and then recreated", _details(None, name, rt.kind)))
        if pre.get("resourceVersion") and pre["resourceVersion"] != meta.get("resourceVersion"):
            raise StatusError(409, status(
                409, "Conflict", f'Operation cannot be fulfilled on {rt.kind} "{name}": the ResourceVersion in the '
                f"precondition ({pre['resourceVersion']}) does not match the ResourceVersion in record "
                f"({meta.get('resourceVersion')}). The object might have been modified", _details(None, name, rt.kind)))

    def _success(self, rt: ResourceType, obj: dict) -> dict:
        meta = obj["metadata"]
        d = _details(rt, meta["name"])
        d["uid"] = meta.get("uid")
        return {"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Success", "details": d}

    def _delete_locked(self, rt: ResourceType, cur: dict, policy: str | None, dry_run: bool) -> tuple[int, dict]:
        meta = cur["metadata"]
        name = meta["name"]
        is_ns = rt.group == "" and rt.resource == "namespaces"
        is_crd = rt.group == "apiextensions.k8s.io" and rt.resource == "customresourcedefinitions"
        if is_ns and name in PROTECTED_NAMESPACES:
            raise err_forbidden(rt, name, f'namespaces "{name}" is forbidden: this namespace may not be deleted')
        if meta.get("deletionTimestamp"):
            if is_ns and not (cur.get("spec") or {}).get("finalizers"):
                if not dry_run:
                    self._purge(rt, cur)
                return 200, self._out(rt, cur)
            return 200, self._out(rt, cur)
        new = copy.deepcopy(cur)
        nmeta = new["metadata"]
        stamp = now_rfc3339()
        if is_ns:
            nmeta["deletionTimestamp"] = stamp
            new.setdefault("status", {})["phase"] = "Terminating"
            if dry_run:
                return 200, self._out(rt, _order_top(new))
            committed = self._commit(rt, _order_top(new), cur, "MODIFIED")
            snapshot = self._out(rt, committed)
            self._schedule_namespace_finalize(name)
            return 200, snapshot
        if is_crd:
            return self._delete_crd(rt, cur, new, stamp, dry_run)
        finalizers = list(nmeta.get("finalizers") or [])
        if policy == "Foreground" and "foregroundDeletion" not in finalizers:
            finalizers.append("foregroundDeletion")
        if policy == "Orphan" and "orphan" not in finalizers:
            finalizers.append("orphan")
        is_pod = rt.group == "" and rt.resource == "pods"
        if finalizers or is_pod:
            nmeta["deletionTimestamp"] = stamp
            nmeta["deletionGracePeriodSeconds"] = 0
            if finalizers:
                nmeta["finalizers"] = finalizers
            if is_pod:
                nmeta["generation"] = int(nmeta.get("generation", 1)) + 1
            new = self._normalise(rt, new)
            if dry_run:
                return 200, self._out(rt, new)
            self._commit(rt, new, cur, "MODIFIED")
            snapshot = self._out(rt, new)
            self._run_finalizers(rt, new)
            return 200, snapshot
        if dry_run:
            return 200, self._success(rt, cur)
        self._purge(rt, cur, policy=policy)
        return 200, self._success(rt, cur)

    def _purge(self, rt: ResourceType, obj: dict, policy: str | None = None) -> None:
        """Remove an object for good (DELETED event) and collect its dependents."""
        t = self._table(rt)
        key = t.key(obj["metadata"].get("namespace", ""), obj["metadata"]["name"], rt.namespaced)
        if key not in t.objs:
            return
        gone = copy.deepcopy(t.objs[key])
        self._commit(rt, gone, t.objs[key], "DELETED")
        uid = gone["metadata"].get("uid")
        if policy == "Orphan":
            self._orphan_dependents(uid)
        else:
            self._collect_dependents(uid)
        if rt.group == "apiextensions.k8s.io" and rt.resource == "customresourcedefinitions":
            self.catalogue.remove_crd(gone["metadata"]["name"])
        if rt.namespaced:
            self._maybe_finish_namespace(gone["metadata"].get("namespace", ""))

    def _run_finalizers(self, rt: ResourceType, obj: dict) -> None:
        """The GC / CRD / namespace controllers' share of finalizers, done synchronously."""
        meta = obj["metadata"]
        fins = list(meta.get("finalizers") or [])
        handled = {"foregroundDeletion", "orphan"}
        if "foregroundDeletion" in fins:
            self._collect_dependents(meta.get("uid"))
        if "orphan" in fins:
            self._orphan_dependents(meta.get("uid"))
        left = [f for f in fins if f not in handled]
        t = self._table(rt)
        key = t.key(meta.get("namespace", ""), meta["name"], rt.namespaced)
        cur = t.objs.get(key)
        if cur is None:
            return
        if left:
            if left != fins:
                new = copy.deepcopy(cur)
                new["metadata"]["finalizers"] = left
                self._commit(rt, new, cur, "MODIFIED")
            return
        self._purge(rt, cur, policy="Orphan" if "orphan" in fins else None)

    def _dependents(self, uid: str | None) -> list[tuple[ResourceType, dict]]:
        if not uid:
            return []
        out = []
        for (group, resource), t in list(self._tables.items()):
            rt = self.catalogue.preferred(group, resource)
            if rt is None:
                continue
            for o in list(t.objs.values()):
                for ref in (o["metadata"].get("ownerReferences") or []):
                    if ref.get("uid") == uid:
                        out.append((rt, o))
                        break
        return out

    def _collect_dependents(self, uid: str | None) -> None:
        for rt, o in self._dependents(uid):
            refs = [r for r in o["metadata"].get("ownerReferences") or [] if r.get("uid") != uid]
            if refs:  # another owner still holds it
                new = copy.deepcopy(o)
                new["metadata"]["ownerReferences"] = refs
                self._commit(rt, new, o, "MODIFIED")
                continue
            if o["metadata"].get("finalizers"):
                self._delete_locked(rt, o, None, False)
            else:
                self._purge(rt, o)

    def _orphan_dependents(self, uid: str | None) -> None:
        for rt, o in self._dependents(uid):
            new = copy.deepcopy(o)
            refs = [r for r in new["metadata"].get("ownerReferences") or [] if r.get("uid") != uid]
            if refs:
                new["metadata"]["ownerReferences"] = refs
            else:
                new["metadata"].pop("ownerReferences", None)
            self._commit(rt, new, o, "MODIFIED")

    def delete_collection(self, rt: ResourceType, ns: str | None, options: dict | None, *,
                          label_selector: str | None = None, field_selector: str | None = None,
                          dry_run: bool = False) -> tuple[int, dict]:
        """DELETE on a collection: (200, ``<Kind>List`` of the deleted items as they were)."""
        if "deletecollection" not in rt.verbs:
            raise err_method_not_allowed()
        options = dict(options or {})
        policy = self._check_delete_options(options, dry_run)
        lsel, fsel = self._selectors(rt, label_selector, field_selector)
        with self._lock:
            t = self._table(rt)
            items, _, _ = self._scan(rt, t, ns, lsel, fsel, 0, "")
            out_items = []
            for k, o in items:
                out = self._out(rt, o, k, t)
                if not rt.is_crd:
                    out.pop("kind", None)
                    out.pop("apiVersion", None)
                out_items.append(out)
                if not (dry_run or options.get("dryRun")):
                    self._delete_locked(rt, o, policy, False)
            meta = {"resourceVersion": str(self._rv)}
        if rt.is_crd:
            return 200, {"apiVersion": rt.api_version, "items": out_items, "kind": rt.list_kind, "metadata": meta}
        return 200, {"kind": rt.list_kind, "apiVersion": rt.api_version, "metadata": meta, "items": out_items}

    # -- namespaces -----------------------------------------------------------------------------------------
    def _namespace_content(self, ns: str) -> None:
        """What kube-controller-manager adds to every new namespace."""
        cm = self.catalogue.lookup("", "v1", "configmaps")
        sa = self.catalogue.lookup("", "v1", "serviceaccounts")
        now = now_rfc3339()
        if cm is not None:
            obj = {"kind": "ConfigMap", "apiVersion": "v1",
                   "metadata": {"name": "kube-root-ca.crt", "namespace": ns, "uid": str(uuid.uuid4()),
                                "creationTimestamp": now,
                                "annotations": {"kubernetes.io/description": _ROOT_CA_NOTE},
                                "managedFields": [{"manager": "kube-controller-manager", "operation": "Update",
                                                   "apiVersion": "v1", "time": now, "fieldsType": "FieldsV1",
                                                   "fieldsV1": {"f:data": {".": {}, "f:ca.crt": {}},
                                                                "f:metadata": {"f:annotations": {
                                                                    ".": {}, "f:kubernetes.io/description": {}}}}}]},
                   "data": {"ca.crt": "-----BEGIN CERTIFICATE-----\nsimulated\n-----END CERTIFICATE-----\n"}}
            if self._table(cm).key(ns, "kube-root-ca.crt", True) not in self._table(cm).objs:
                self._commit(cm, _order_top(obj), None, "ADDED")
        if sa is not None and self._table(sa).key(ns, "default", True) not in self._table(sa).objs:
            obj = {"kind": "ServiceAccount", "apiVersion": "v1",
                   "metadata": {"name": "default", "namespace": ns, "uid": str(uuid.uuid4()),
                                "creationTimestamp": now}}
            self._commit(sa, _order_top(obj), None, "ADDED")

    def _schedule(self, what: str, name: str, delay: float, work: Any) -> None:
        """Run controller ``work(name)`` after ``delay`` seconds (now when 0), under the store lock."""
        if delay <= 0 or self._closed:
            work(name)
            return

        def run() -> None:
            with self._lock:
                if self._pending.pop((what, name), None) is not None:
                    work(name)

        timer = threading.Timer(delay, run)
        timer.daemon = True
        self._pending[(what, name)] = timer
        timer.start()

    def _schedule_namespace_finalize(self, ns: str) -> None:
        self._schedule("namespace", ns, self.namespace_finalize_delay, self._finalize_namespace)

    def settle(self) -> None:
        """Run pending controller work (namespace finalization, CRD cleanup) now instead of after its delay."""
        with self._lock:
            while self._pending:
                (what, name), timer = next(iter(self._pending.items()))
                del self._pending[(what, name)]
                timer.cancel()
                (self._finalize_namespace if what == "namespace" else self._cleanup_crd)(name)

    def close(self) -> None:
        """Stop: cancel pending controller work and end every blocked watch (their threads return)."""
        with self._lock:
            self._closed = True
            for timer in self._pending.values():
                timer.cancel()
            self._pending.clear()
            self._cond.notify_all()

    @property
    def closed(self) -> bool:
        return self._closed

    def _finalize_namespace(self, ns: str) -> None:
        """The namespace controller: delete the contents, then drop the ``kubernetes`` finalizer."""
        for (group, resource), t in list(self._tables.items()):
            if not t.namespaced:
                continue
            rt = self.catalogue.preferred(group, resource)
            if rt is None:
                continue
            for name in list(t.by_ns.get(ns, [])):
                o = t.objs.get(f"{ns}/{name}")
                if o is not None and not o["metadata"].get("deletionTimestamp"):
                    self._delete_locked(rt, o, "Background", False)
        self._maybe_finish_namespace(ns)

    def _maybe_finish_namespace(self, ns: str) -> None:
        nst = self._table(self._ns_rt())
        nso = nst.objs.get(ns)
        if nso is None or not nso["metadata"].get("deletionTimestamp"):
            return
        if not (nso.get("spec") or {}).get("finalizers"):
            return  # emptied before DELETE: stays Terminating until deleted again (as recorded)
        for t in self._tables.values():
            if t.namespaced and t.by_ns.get(ns):
                return
        self._purge(self._ns_rt(), nso)

    # -- CRDs -----------------------------------------------------------------------------------------------
    def _establish_crd(self, crd: dict, update: bool = False) -> None:
        crd_rt = self.catalogue.lookup("apiextensions.k8s.io", "v1", "customresourcedefinitions")
        assert crd_rt is not None
        spec = crd.get("spec") or {}
        names = dict(spec.get("names") or {})
        conflict = None
        for other in self._table(crd_rt).objs.values():
            if other["metadata"]["name"] == crd["metadata"]["name"]:
                continue
            os_ = other.get("spec") or {}
            if os_.get("group") == spec.get("group"):
                on = os_.get("names") or {}
                if on.get("kind") == names.get("kind"):
                    conflict = ("KindConflict", f'"{names.get("kind")}" is already in use')
                elif on.get("listKind") == names.get("listKind"):
                    conflict = ("ListKindConflict", f'"{names.get("listKind")}" is already in use')
        now = now_rfc3339()
        names.setdefault("singular", names.get("kind", "").lower())
        names.setdefault("listKind", names.get("kind", "") + "List")
        st = {"conditions": [], "acceptedNames": {}, "storedVersions": [v["name"] for v in spec.get("versions", [])
                                                                        if v.get("storage")]}
        if conflict:
            st["conditions"] = [
                {"type": "NamesAccepted", "status": "False", "lastTransitionTime": now, "reason": conflict[0],
                 "message": conflict[1]},
                {"type": "Established", "status": "False", "lastTransitionTime": now, "reason": "NotAccepted",
                 "message": "not all names are accepted"}]
            st["acceptedNames"] = {"plural": "", "kind": ""}
        else:
            st["conditions"] = [
                {"type": "NamesAccepted", "status": "True", "lastTransitionTime": now, "reason": "NoConflicts",
                 "message": "no conflicts found"},
                {"type": "Established", "status": "True", "lastTransitionTime": now, "reason": "InitialNamesAccepted",
                 "message": "the initial names have been accepted"}]
            acc = {k: names[k] for k in ("plural", "singular", "shortNames", "kind", "listKind", "categories")
                   if k in names}
            st["acceptedNames"] = acc
            self.catalogue.add_crd(crd)
        old_st = crd.get("status") or {}
        if old_st.get("storedVersions"):
            st["storedVersions"] = list(dict.fromkeys(old_st["storedVersions"] + st["storedVersions"]))
        if _same_status(old_st, st):
            return
        t = self._table(crd_rt)
        cur = t.objs.get(crd["metadata"]["name"])
        if cur is None:
            return
        new = copy.deepcopy(cur)
        new["status"] = st
        mf = [e for e in new["metadata"].get("managedFields") or [] if e.get("manager") != "kube-apiserver"]
        mf.append({"manager": "kube-apiserver", "operation": "Update", "apiVersion": "apiextensions.k8s.io/v1",
                   "time": now, "fieldsType": "FieldsV1",
                   "fieldsV1": {"f:status": {"f:acceptedNames": {f"f:{k}": {} for k in sorted(st["acceptedNames"])},
                                             "f:conditions": {
                                                 f'k:{{"type":"{c["type"]}"}}': {
                                                     ".": {}, "f:lastTransitionTime": {}, "f:message": {},
                                                     "f:reason": {}, "f:status": {}, "f:type": {}}
                                                 for c in st["conditions"]}}},
                   "subresource": "status"})
        new["metadata"]["managedFields"] = patching.sort_managed(mf)
        self._commit(crd_rt, _order_top(new), cur, "MODIFIED")

    def _delete_crd(self, rt: ResourceType, cur: dict, new: dict, stamp: str, dry_run: bool) -> tuple[int, dict]:
        """DELETE of a CRD: Terminating (its CRs are removed by ``_cleanup_crd`` after ``crd_cleanup_delay``)."""
        meta = new["metadata"]
        meta["deletionTimestamp"] = stamp
        meta["deletionGracePeriodSeconds"] = 0
        fins = list(meta.get("finalizers") or [])
        if _CRD_CLEANUP not in fins:
            fins.append(_CRD_CLEANUP)
        meta["finalizers"] = fins
        # the registry's delete strategy sets the condition in the same write (no managedFields entry)
        _set_condition(new, "Terminating", "InstanceDeletionPending",
                       "CustomResourceDefinition marked for deletion; CustomResource deletion will begin soon", stamp)
        new = _order_top(new)
        if dry_run:
            return 200, self._out(rt, new)
        self._commit(rt, new, cur, "MODIFIED")
        snapshot = self._out(rt, new)
        # the finalizer controller picks it up at once and says so
        progressing = copy.deepcopy(new)
        _set_condition(progressing, "Terminating", "InstanceDeletionInProgress", "CustomResource deletion is in progress",
                       stamp)
        mf = progressing["metadata"].get("managedFields") or []
        for e in mf:
            if e.get("manager") == "kube-apiserver" and e.get("subresource") == "status":
                conds = e.setdefault("fieldsV1", {}).setdefault("f:status", {}).setdefault("f:conditions", {})
                conds['k:{"type":"Terminating"}'] = {"f:message": {}, "f:reason": {}}
                e["time"] = now_rfc3339()
        progressing["metadata"]["managedFields"] = patching.sort_managed(mf)
        self._commit(rt, _order_top(progressing), new, "MODIFIED")
        self._schedule("crd", meta["name"], self.crd_cleanup_delay, self._cleanup_crd)
        return 200, snapshot

    def _cleanup_crd(self, name: str) -> None:
        """The apiextensions finalizer: delete every custom resource, drop the finalizer, remove the CRD."""
        crd_rt = self.catalogue.lookup("apiextensions.k8s.io", "v1", "customresourcedefinitions")
        assert crd_rt is not None
        t = self._table(crd_rt)
        cur = t.objs.get(name)
        if cur is None:
            return
        for crt in self.catalogue.crd_types(name)[:1]:  # one table serves every version
            tt = self._table(crt)
            for k in list(tt.keys):
                o = tt.objs.get(k)
                if o is not None:
                    self._purge(crt, o)
        cur = t.objs.get(name)
        if cur is None:
            return
        left = [f for f in cur["metadata"].get("finalizers") or [] if f != _CRD_CLEANUP]
        if left:
            new = copy.deepcopy(cur)
            new["metadata"]["finalizers"] = left
            self._commit(crd_rt, new, cur, "MODIFIED")
            return
        self._purge(crd_rt, cur)

    def _check_crd_not_terminating(self, rt: ResourceType, name: str) -> None:
        crd = self.catalogue.crd_object(rt.crd) if rt.is_crd else None
        if crd is None:
            return
        crd_rt = self.catalogue.lookup("apiextensions.k8s.io", "v1", "customresourcedefinitions")
        stored = self._table(crd_rt).objs.get(rt.crd) if crd_rt is not None else None
        if stored is not None and stored["metadata"].get("deletionTimestamp"):
            raise err_forbidden(rt, name, f'{rt.group_resource} "{name}" is forbidden: create not allowed while '
                                          "custom resource definition is terminating")

    def _crd_checks(self, rt: ResourceType, body: dict, field_validation: str | None,
                    partial: bool = False) -> tuple[dict, list[str]]:
        """Schema validation + deprecation warning for a custom resource."""
        v = self.catalogue.crd_version(rt) or {}
        warnings: list[str] = []
        if v.get("deprecated"):
            warnings.append(v.get("deprecationWarning") or f"{rt.api_version} {rt.kind} is deprecated")
        schema = (v.get("schema") or {}).get("openAPIV3Schema")
        body = _apply_schema_defaults(body, schema)
        if not partial:
            errs = _validate_schema(body, schema)
            if errs:
                raise err_invalid(rt.kind, rt.group, (body.get("metadata") or {}).get("name", ""), errs)
        return body, warnings

    def crd_warnings(self, rt: ResourceType) -> list[str]:
        """Warnings every request to ``rt`` carries (deprecated CRD versions)."""
        if not rt.is_crd:
            return []
        v = self.catalogue.crd_version(rt) or {}
        if v.get("deprecated"):
            return [v.get("deprecationWarning") or f"{rt.api_version} {rt.kind} is deprecated"]
        return []

    # -- bulk loading / helpers --------------------------------------------------------------------------------
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


# ------------------------------------------------------------------------------------------------
# small pure helpers
# ------------------------------------------------------------------------------------------------

_JSON_TYPE = {dict: "object", list: "array", str: "string", bool: "bool", int: "number", float: "number"}


def _go_type(n: dict) -> str:
    t = n.get("t")
    if t == "object" and "a" in n and "p" not in n:
        return "map[string]" + _go_type(n["a"] or {})
    if t == "array":
        return "[]" + _go_type(n.get("i") or {})
    if t == "integer":
        return n.get("f") or "int64"
    if t == "boolean":
        return "bool"
    if t == "number":
        return "float64"
    if t == "string":
        return "string"
    return "struct"


def _check_json_type(rt: ResourceType, v: Any, n: dict, path: str) -> None:
    """400 like Go's decoder when a value has the wrong JSON type for a built-in field."""
    t = n.get("t")
    if not t or not path or n.get("r"):
        return
    ok = {"object": isinstance(v, dict), "array": isinstance(v, list), "string": isinstance(v, str),
          "boolean": isinstance(v, bool), "integer": isinstance(v, int) and not isinstance(v, bool),
          "number": isinstance(v, (int, float)) and not isinstance(v, bool)}.get(t, True)
    if t == "string" and n.get("f") == "int-or-string" and isinstance(v, int):
        ok = True
    if ok:
        return
    jt = _JSON_TYPE.get(type(v), "value")
    field = re.sub(r"\[\d+\]", "", path)
    raise err_bad_request(f'{rt.kind} in version "{rt.version}" cannot be handled as a {rt.kind}: json: cannot '
                          f"unmarshal {jt} into Go struct field {rt.kind}.{field} of type {_go_type(n)}")


def _patch_touches_managed(doc: Any) -> bool:
    if isinstance(doc, list):
        return any(isinstance(op, dict) and str(op.get("path", "")).startswith("/metadata/managedFields")
                   for op in doc)
    return isinstance(doc, dict) and "managedFields" in (doc.get("metadata") or {})


def _spec_of(obj: dict) -> dict:
    return {k: v for k, v in obj.items() if k not in ("metadata", "status", "kind", "apiVersion")}


def _same(a: dict, b: dict) -> bool:
    def strip(o: dict) -> dict:
        o = dict(o)
        m = dict(o.get("metadata") or {})
        m.pop("resourceVersion", None)
        o["metadata"] = m
        o.pop("apiVersion", None)
        return o

    return json.dumps(strip(a), sort_keys=True) == json.dumps(strip(b), sort_keys=True)


def _mf_sig(mf: list[dict]) -> str:
    return json.dumps([{k: v for k, v in e.items() if k != "time"} for e in mf], sort_keys=True)


_CRD_CLEANUP = "customresourcecleanup.apiextensions.k8s.io"


def _set_condition(obj: dict, ctype: str, reason: str, message: str, now: str) -> None:
    """Set (or update in place) a status condition; lastTransitionTime changes only with its status."""
    conds = obj.setdefault("status", {}).get("conditions") or []
    for c in conds:
        if c.get("type") == ctype:
            if c.get("status") != "True":
                c["lastTransitionTime"] = now
            c.update({"status": "True", "reason": reason, "message": message})
            break
    else:
        conds.append({"type": ctype, "status": "True", "lastTransitionTime": now, "reason": reason,
                      "message": message})
    obj["status"]["conditions"] = conds


def _same_status(a: dict, b: dict) -> bool:
    def strip(s: dict) -> str:
        s = copy.deepcopy(s)
        for c in s.get("conditions") or []:
            c.pop("lastTransitionTime", None)
        return json.dumps(s, sort_keys=True)

    return strip(a) == strip(b)


def _selector_string(sel: dict) -> str:
    parts = [f"{k}={v}" for k, v in sorted((sel.get("matchLabels") or {}).items())]
    for e in sel.get("matchExpressions") or []:
        op = e.get("operator")
        if op == "In":
            parts.append(f"{e['key']} in ({','.join(e.get('values') or [])})")
        elif op == "NotIn":
            parts.append(f"{e['key']} notin ({','.join(e.get('values') or [])})")
        elif op == "Exists":
            parts.append(e["key"])
        elif op == "DoesNotExist":
            parts.append("!" + e["key"])
    return ",".join(sorted(parts))


def _jp_get(obj: Any, path: str | None) -> Any:
    if not path:
        return None
    cur = obj
    for p in path.strip(".").split("."):
        if not isinstance(cur, dict):
            return None
        cur = cur.get(p)
    return cur


def _jp_set(obj: dict, path: str, value: Any) -> None:
    parts = path.strip(".").split(".")
    cur = obj
    for p in parts[:-1]:
        cur = cur.setdefault(p, {})
    cur[parts[-1]] = value


def _apply_schema_defaults(v: Any, schema: dict | None) -> Any:
    if not schema or not isinstance(v, dict):
        return v
    props = schema.get("properties") or {}
    for k, s in props.items():
        if k not in v and "default" in s:
            v[k] = copy.deepcopy(s["default"])
        if k in v:
            if isinstance(v[k], dict):
                _apply_schema_defaults(v[k], s)
            elif isinstance(v[k], list) and isinstance(s.get("items"), dict):
                for item in v[k]:
                    _apply_schema_defaults(item, s["items"])
    return v


_TYPE_OK = {"string": lambda x: isinstance(x, str), "integer": lambda x: isinstance(x, int) and not isinstance(x, bool),
            "number": lambda x: isinstance(x, (int, float)) and not isinstance(x, bool),
            "boolean": lambda x: isinstance(x, bool), "object": lambda x: isinstance(x, dict),
            "array": lambda x: isinstance(x, list)}
_GO_TYPE = {str: "string", int: "integer", float: "number", bool: "boolean", dict: "object", list: "array"}


def _validate_schema(v: Any, schema: dict | None, path: str = "") -> list[dict]:
    """Light structural-schema validation for CRs: type, required, enum, min/max, pattern, lengths."""
    if not schema:
        return []
    errs: list[dict] = []
    t = schema.get("type")
    if t and v is not None and t in _TYPE_OK and not _TYPE_OK[t](v):
        if not (schema.get("x-kubernetes-int-or-string") and isinstance(v, (int, str))):
            errs.append({"reason": "FieldValueTypeInvalid",
                         "message": f'Invalid value: "{_GO_TYPE.get(type(v), "null")}": {path or "<root>"} in body '
                                    f"must be of type {t}: \"{_GO_TYPE.get(type(v), 'null')}\"",
                         "field": path or "<root>"})
            errs[-1]["message"] = f'Invalid value: "{_GO_TYPE.get(type(v), "null")}": {path} in body must be of type {t}: "{_GO_TYPE.get(type(v), "null")}"'
            return errs
    if "enum" in schema and v is not None and v not in schema["enum"]:
        sup = ", ".join(json.dumps(e) for e in schema["enum"])
        errs.append({"reason": "FieldValueNotSupported", "message": f"Unsupported value: {go_value(v)}: supported values: {sup}",
                     "field": path})
    if isinstance(v, (int, float)) and not isinstance(v, bool):
        if "minimum" in schema and v < schema["minimum"]:
            errs.append({"reason": "FieldValueInvalid",
                         "message": f"Invalid value: {v}: {path} in body should be greater than or equal to {schema['minimum']}",
                         "field": path})
        if "maximum" in schema and v > schema["maximum"]:
            errs.append({"reason": "FieldValueInvalid",
                         "message": f"Invalid value: {v}: {path} in body should be less than or equal to {schema['maximum']}",
                         "field": path})
    if isinstance(v, str):
        if "pattern" in schema and not re.search(schema["pattern"], v):
            errs.append({"reason": "FieldValueInvalid",
                         "message": f"Invalid value: {json.dumps(v)}: {path} in body should match '{schema['pattern']}'",
                         "field": path})
        if "maxLength" in schema and len(v) > schema["maxLength"]:
            errs.append(cause_too_long(path, schema["maxLength"], "chars"))
    if isinstance(v, dict):
        for r in schema.get("required") or []:
            if r not in v:
                errs.append(cause_required(f"{path}.{r}" if path else r))
        for k, s in (schema.get("properties") or {}).items():
            if k in v and k != "metadata":
                errs += _validate_schema(v[k], s, f"{path}.{k}" if path else k)
    if isinstance(v, list) and isinstance(schema.get("items"), dict):
        for i, item in enumerate(v):
            errs += _validate_schema(item, schema["items"], f"{path}[{i}]")
    return errs
