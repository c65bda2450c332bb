"""OpenAPI v2 and v3 documents for the simulated apiserver, generated from the catalogue.

kubectl needs them: 1.20 reads ``/openapi/v2`` for strategic-merge keys, client-side validation and
the dry-run support check; 1.35 reads the ``/openapi/v3`` index and ``/openapi/v3/<gv>?hash=`` to
decide whether the server supports ``fieldValidation`` and to compute strategic merge patches.

The type definitions come from the per-version JSON schemas shipped in the ``kubernetes-validate``
package (a project dependency), converted back to OpenAPI form: single ``type``s, ``$ref`` into
``#/definitions`` (v2) or ``#/components/schemas`` (v3, wrapped in ``allOf`` like the real server),
int-or-string as ``format: int-or-string``, and the ``x-kubernetes-*`` extensions (group-version-kind,
patch-merge-key, patch-strategy, list-type) kept. Paths carry ``x-kubernetes-action``,
``x-kubernetes-group-version-kind`` and the write parameters (dryRun, fieldManager,
fieldValidation, force). CRD kinds get their ``openAPIV3Schema`` in v3 and a permissive object in v2.
"""

from __future__ import annotations

import functools
import hashlib
import json
import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

__all__ = ["OpenAPIDocs"]

_V2_KEYS = {
    "$ref", "format", "title", "description", "default", "multipleOf", "maximum", "exclusiveMaximum",
    "minimum", "exclusiveMinimum", "maxLength", "minLength", "pattern", "maxItems", "minItems",
    "uniqueItems", "maxProperties", "minProperties", "required", "enum", "type", "items", "allOf",
    "properties", "additionalProperties", "readOnly", "example",
}
_DROP_EXT = {"x-kubernetes-unions"}
_STRINGLIKE = {
    "io.k8s.apimachinery.pkg.util.intstr.IntOrString": {"type": "string", "format": "int-or-string"},
    "io.k8s.apimachinery.pkg.api.resource.Quantity": {"type": "string"},
}
_WRITE_PARAMS = ("dryRun", "fieldManager", "fieldValidation")
_PATCH_TYPES = (
    "application/json-patch+json", "application/merge-patch+json",
    "application/strategic-merge-patch+json", "application/apply-patch+yaml",
)


def _schema_dir(minor: int) -> Path | None:
    try:
        import kubernetes_validate
    except ImportError:  # pragma: no cover - it is a declared dependency
        return None
    base = Path(kubernetes_validate.__file__).parent / "kubernetes-json-schema"
    have = sorted(
        int(p.name.split(".")[1]) for p in base.glob("v1.*.0-local") if p.name.split(".")[1].isdigit()
    )
    if not have:
        return None
    # the closest published minor (1.20 clusters get the oldest schemas available)
    pick = min(have, key=lambda m: (abs(m - minor), -m))
    return base / f"v1.{pick}.0-local"


@functools.lru_cache(maxsize=4)
def _raw_defs(minor: int) -> dict[str, Any]:
    d = _schema_dir(minor)
    if d is None:
        return {}
    data = json.loads((d / "_definitions.json").read_text())
    return data.get("$defs") or data.get("definitions") or {}


def _convert(s: Any, prefix: str, v3: bool) -> Any:
    """JSON-schema (kubernetes-validate) → OpenAPI schema object."""
    if isinstance(s, list):
        return [_convert(x, prefix, v3) for x in s]
    if not isinstance(s, dict):
        return s
    out: dict[str, Any] = {}
    for k, v in s.items():
        if k == "$ref" and isinstance(v, str):
            out[k] = prefix + v.rsplit("/", 1)[-1]
        elif k == "type":
            if isinstance(v, list):
                v = next((t for t in v if t != "null"), "object")
            out[k] = v
        elif k == "properties" and isinstance(v, dict):
            out[k] = {name: _convert(p, prefix, v3) for name, p in v.items()}
        elif k in ("items", "additionalProperties", "allOf"):
            out[k] = _convert(v, prefix, v3)
        elif k == "enum" and isinstance(v, list):
            vals = [x for x in v if x is not None]
            if vals:
                out[k] = vals
        elif k == "oneOf":
            # int-or-string style unions: keep the first alternative's type (the real docs do)
            first = v[0] if v and isinstance(v[0], dict) else {}
            t = first.get("type")
            if isinstance(t, list):
                t = next((x for x in t if x != "null"), "string")
            out.setdefault("type", t or "string")
        elif k.startswith("x-"):
            if k not in _DROP_EXT:
                out[k] = v
        elif k in _V2_KEYS:
            out[k] = v
    if v3 and "$ref" in out and len(out) > 1:
        ref = out.pop("$ref")
        out["allOf"] = [{"$ref": ref}]
    return out


def _gvk_list(g: str, v: str, k: str) -> list[dict]:
    return [{"group": g, "kind": k, "version": v}]


def _crd_def_name(group: str, version: str, kind: str) -> str:
    rev = ".".join(reversed(group.split("."))) if group else "io.k8s.api.core"
    return f"{rev}.{version}.{kind}"


@dataclass
class _Built:
    """One generated set of documents (immutable once built, except the lazily made protobuf)."""

    v2: bytes
    v2_pb: bytes = b""
    v3: dict[str, bytes] = field(default_factory=dict)
    v3_hash: dict[str, str] = field(default_factory=dict)
    v3_index: bytes = b""
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)


# Documents shared by every simulator in the process, keyed by (minor, CRD types and schemas): a test
# run starts many simulators of the same clusters, and building the documents costs ~0.5 s each.
_SHARED: "OrderedDict[tuple, _Built]" = OrderedDict()
_SHARED_LOCK = threading.Lock()
_SHARED_MAX = 16
_BUILDING: dict[tuple, threading.Lock] = {}


def _shared_docs(key: tuple, build: Callable[[], _Built]) -> _Built:
    with _SHARED_LOCK:
        if key in _SHARED:
            _SHARED.move_to_end(key)
            return _SHARED[key]
        gate = _BUILDING.setdefault(key, threading.Lock())
    with gate:  # one build per key even when several simulators ask at once
        with _SHARED_LOCK:
            if key in _SHARED:
                return _SHARED[key]
        built = build()
        with _SHARED_LOCK:
            _SHARED[key] = built
            while len(_SHARED) > _SHARED_MAX:
                _SHARED.popitem(last=False)
            _BUILDING.pop(key, None)
        return built


class OpenAPIDocs:
    """Builds and caches the documents; rebuilt when the set of served types changes (CRDs)."""

    def __init__(self, catalogue: Any, minor: int) -> None:
        self.cat = catalogue
        self.minor = minor
        self._lock = threading.Lock()
        self._key: tuple | None = None
        self._docs: _Built | None = None

    # -- public --------------------------------------------------------------------------------
    def v2(self) -> bytes:
        return self._built().v2

    def v2_protobuf(self) -> bytes:
        """The same document as gnostic protobuf (what kubectl 1.20 asks for)."""
        built = self._built()
        with built.lock:
            if not built.v2_pb:
                built.v2_pb = v2_to_protobuf(json.loads(built.v2))
            return built.v2_pb

    def v3_index(self) -> bytes:
        return self._built().v3_index

    def v3(self, prefix: str) -> tuple[bytes, str] | None:
        """(body, hash) of ``/openapi/v3/<prefix>`` or None when no such group-version is served."""
        built = self._built()
        body = built.v3.get(prefix)
        return (body, built.v3_hash[prefix]) if body is not None else None

    # -- building --------------------------------------------------------------------------------
    def _types_key(self) -> tuple:
        """What the documents depend on besides the minor: the CRD types and their schemas."""
        out = []
        for t in sorted((t for t in self.cat.all_types() if t.crd), key=lambda t: (t.group, t.version, t.resource)):
            schema = json.dumps(self._crd_schema(t), sort_keys=True, default=str)
            out.append((t.group, t.version, t.resource, t.kind, t.crd, t.namespaced, t.subresources,
                        hashlib.sha1(schema.encode()).hexdigest()))
        return tuple(out)

    def _built(self) -> "_Built":
        key = (self.minor, self._types_key())
        with self._lock:
            if key == self._key and self._docs is not None:
                return self._docs
        docs = _shared_docs(key, self._build)
        with self._lock:
            self._key, self._docs = key, docs
        return docs

    def _refresh(self) -> None:  # kept for callers that only want the documents current
        self._built()

    def _build(self) -> "_Built":
        raw = _raw_defs(self.minor)
        by_gvk: dict[tuple[str, str, str], str] = {}
        for name, d in raw.items():
            for gvk in d.get("x-kubernetes-group-version-kind") or []:
                by_gvk.setdefault((gvk.get("group", ""), gvk.get("version", ""), gvk.get("kind", "")), name)
        v2defs: dict[str, Any] = {}
        v3defs: dict[str, Any] = {}
        for name, d in raw.items():
            if name in _STRINGLIKE:
                base = {"description": d.get("description", "")} | _STRINGLIKE[name]
                v2defs[name] = dict(base)
                v3defs[name] = dict(base)
            else:
                v2defs[name] = _convert(d, "#/definitions/", v3=False)
                v3defs[name] = _convert(d, "#/components/schemas/", v3=True)
        v2defs.setdefault("io.k8s.apimachinery.pkg.apis.meta.v1.Patch", {"type": "object"})
        v3defs.setdefault("io.k8s.apimachinery.pkg.apis.meta.v1.Patch", {"type": "object"})

        types = [t for t in self.cat.all_types()]
        # every served kind needs a definition carrying its GVK, or kubectl cannot find it
        for t in types:
            key = (t.group, t.version, t.kind)
            if key in by_gvk:
                continue
            name = _crd_def_name(t.group, t.version, t.kind)
            by_gvk[key] = name
            v2defs[name] = {
                "description": f"{t.kind} ({t.api_version})", "type": "object",
                "x-kubernetes-group-version-kind": _gvk_list(*key),
            }
            v3defs[name] = dict(v2defs[name])
            if t.crd:
                schema = self._crd_schema(t)
                if schema:
                    v3 = json.loads(json.dumps(schema))
                    props = v3.setdefault("properties", {})
                    props.setdefault("apiVersion", {"type": "string"})
                    props.setdefault("kind", {"type": "string"})
                    props["metadata"] = {"allOf": [{"$ref": "#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"}]}
                    v3["x-kubernetes-group-version-kind"] = _gvk_list(*key)
                    v3defs[name] = v3
        list_name = "io.k8s.apimachinery.pkg.apis.meta.v1.Status"

        # paths per group-version
        by_gv: dict[str, list] = {}
        for t in types:
            by_gv.setdefault(t.api_version, []).append(t)
        v2paths: dict[str, Any] = {}
        v3docs: dict[str, dict] = {}
        for gv, ts in by_gv.items():
            prefix = "api/v1" if gv == "v1" else f"apis/{gv}"
            v3paths: dict[str, Any] = {}
            for t in sorted(ts, key=lambda x: x.resource):
                defname = by_gvk.get((t.group, t.version, t.kind))
                for path, item in self._paths_for(t, defname, list_name, v3=False).items():
                    v2paths[path] = item
                v3paths.update(self._paths_for(t, defname, list_name, v3=True))
            v3docs[prefix] = {
                "openapi": "3.0.0",
                "info": {"title": "Kubernetes", "version": f"1.{self.minor}"},
                "paths": v3paths,
                "components": {"schemas": _closure(v3paths, v3defs)},
            }
        # discovery endpoints have tiny docs of their own in the real index
        v3docs.setdefault("api", _empty_v3(self.minor))
        v3docs.setdefault("apis", _empty_v3(self.minor))
        for t in types:
            if t.group:
                v3docs.setdefault(f"apis/{t.group}", _empty_v3(self.minor))

        v2doc = {
            "swagger": "2.0",
            "info": {"title": "Kubernetes", "version": f"1.{self.minor}"},
            "paths": v2paths,
            "definitions": v2defs,
            "securityDefinitions": {
                "BearerToken": {"description": "Bearer Token authentication", "type": "apiKey",
                                "name": "authorization", "in": "header"}
            },
            "security": [{"BearerToken": []}],
        }
        built = _Built(v2=json.dumps(v2doc, separators=(",", ":")).encode())
        for prefix, doc in v3docs.items():
            body = json.dumps(doc, separators=(",", ":")).encode()
            built.v3[prefix] = body
            built.v3_hash[prefix] = hashlib.sha512(body).hexdigest().upper()
        index = {
            "paths": {
                p: {"serverRelativeURL": f"/openapi/v3/{p}?hash={built.v3_hash[p]}"} for p in sorted(built.v3)
            }
        }
        built.v3_index = json.dumps(index, separators=(",", ":")).encode()
        return built

    def _crd_schema(self, t: Any) -> dict | None:
        try:
            ver = self.cat.crd_version(t)
        except Exception:
            return None
        return ((ver or {}).get("schema") or {}).get("openAPIV3Schema")

    def _paths_for(self, t: Any, defname: str | None, status_def: str, *, v3: bool) -> dict[str, Any]:
        ref_prefix = "#/components/schemas/" if v3 else "#/definitions/"
        gvk = {"group": t.group, "version": t.version, "kind": t.kind}
        root = "/api/v1" if not t.group else f"/apis/{t.group}/{t.version}"
        verbs = set(t.verbs)
        schema = {"$ref": ref_prefix + defname} if defname else {"type": "object"}

        def param(name: str, where: str = "query", typ: str = "string", required: bool = False) -> dict:
            if v3:
                p = {"name": name, "in": where, "schema": {"type": typ, "uniqueItems": True}}
            else:
                p = {"uniqueItems": True, "type": typ, "name": name, "in": where}
            if required:
                p["required"] = True
            return p

        def body(content_types: tuple[str, ...] = ("*/*",), sch: dict | None = None) -> dict:
            sch = sch or schema
            if v3:
                return {"requestBody": {"content": {c: {"schema": sch} for c in content_types}, "required": True}}
            return {"parameters_body": {"name": "body", "in": "body", "required": True, "schema": sch}}

        def op(action: str, op_id: str, params: list[dict], extra: dict | None = None, kind: dict | None = None) -> dict:
            o: dict[str, Any] = {"operationId": op_id, "x-kubernetes-action": action,
                                 "x-kubernetes-group-version-kind": kind or gvk}
            params = list(params)
            extra = dict(extra or {})
            if "parameters_body" in extra:
                params.insert(0, extra.pop("parameters_body"))
            o["parameters"] = params
            o.update(extra)
            if v3:
                o["responses"] = {"200": {"description": "OK", "content": {"application/json": {"schema": schema}}}}
            else:
                o["consumes"] = list(patch_types) if action == "patch" else ["*/*"]
                o["produces"] = ["application/json", "application/yaml"]
                o["schemes"] = ["https"]
                o["responses"] = {"200": {"description": "OK", "schema": schema}}
            return o

        # custom resources do not take strategic merge patches; kubectl reads that from here
        patch_types = tuple(c for c in _PATCH_TYPES if not (t.crd and "strategic" in c))
        write = [param(p) for p in _WRITE_PARAMS]
        patch_params = write + [param("force", typ="boolean")]
        nsparam = [param("namespace", "path", required=True)] if t.namespaced else []
        coll = f"{root}/namespaces/{{namespace}}/{t.resource}" if t.namespaced else f"{root}/{t.resource}"
        item = f"{coll}/{{name}}"
        k = t.kind
        out: dict[str, Any] = {}
        c: dict[str, Any] = {}
        if "list" in verbs:
            c["get"] = op("list", f"list{k}", [param("limit", typ="integer"), param("continue")])
        if "create" in verbs:
            c["post"] = op("post", f"create{k}", write, body())
        if "deletecollection" in verbs:
            c["delete"] = op("deletecollection", f"deleteCollection{k}", [param("dryRun")])
        if c:
            c["parameters"] = nsparam + [param("pretty")]
            out[coll] = c
        i: dict[str, Any] = {}
        if "get" in verbs:
            i["get"] = op("get", f"read{k}", [])
        if "update" in verbs:
            i["put"] = op("put", f"replace{k}", write, body())
        if "patch" in verbs:
            patch_body = {"$ref": ref_prefix + "io.k8s.apimachinery.pkg.apis.meta.v1.Patch"}
            i["patch"] = op("patch", f"patch{k}", patch_params, body(patch_types, patch_body))
        if "delete" in verbs:
            i["delete"] = op("delete", f"delete{k}", [param("dryRun"), param("gracePeriodSeconds", typ="integer"),
                                                       param("propagationPolicy")])
        if i:
            i["parameters"] = [param("name", "path", required=True)] + nsparam + [param("pretty")]
            out[item] = i
        if t.namespaced and "list" in verbs:
            out[f"{root}/{t.resource}"] = {"get": op("list", f"list{k}ForAllNamespaces", [])}
        for sub in t.subresources:
            subkind = {"group": "autoscaling", "version": "v1", "kind": "Scale"} if sub == "scale" else gvk
            s: dict[str, Any] = {
                "get": op("get", f"read{k}{sub.title()}", [], kind=subkind),
                "put": op("put", f"replace{k}{sub.title()}", write, body(), kind=subkind),
                "patch": op("patch", f"patch{k}{sub.title()}", patch_params,
                            body(patch_types, {"$ref": ref_prefix + "io.k8s.apimachinery.pkg.apis.meta.v1.Patch"}),
                            kind=subkind),
                "parameters": [param("name", "path", required=True)] + nsparam + [param("pretty")],
            }
            out[f"{item}/{sub}"] = s
        return out


def _empty_v3(minor: int) -> dict:
    return {"openapi": "3.0.0", "info": {"title": "Kubernetes", "version": f"1.{minor}"}, "paths": {},
            "components": {}}


def _closure(paths: dict, defs: dict[str, Any]) -> dict[str, Any]:
    """The definitions reachable from ``paths`` (each v3 document carries only what it uses)."""
    prefix = "#/components/schemas/"
    seen: dict[str, Any] = {}
    stack: list[str] = []

    def scan(x: Any) -> None:
        if isinstance(x, dict):
            r = x.get("$ref")
            if isinstance(r, str) and r.startswith(prefix):
                stack.append(r[len(prefix):])
            for v in x.values():
                scan(v)
        elif isinstance(x, list):
            for v in x:
                scan(v)

    scan(paths)
    while stack:
        name = stack.pop()
        if name in seen or name not in defs:
            continue
        seen[name] = defs[name]
        scan(defs[name])
    return dict(sorted(seen.items()))


# ---------------------------------------------------------------------------------------------
# Protobuf form of the v2 document (gnostic ``openapi.v2.Document``)
# kubectl <= 1.2x asks for /openapi/v2 as protobuf only (Accept
# application/com.github.proto-openapi.spec.v2@v1.0+protobuf) and fails on JSON. This is a small
# hand-rolled proto3 encoder for the subset of that schema the generated document uses; field
# numbers follow gnostic's OpenAPIv2.proto. Vendor extensions and defaults travel as
# ``Any{yaml}``, where JSON text is valid YAML.
# ---------------------------------------------------------------------------------------------
import struct as _struct

PROTO_V2_MEDIA = "application/com.github.proto-openapi.spec.v2@v1.0+protobuf"  # what clients Accept
# what the real server answers with: Go's mime parser rejects "@", so the subtype uses a dot
PROTO_V2_CONTENT_TYPE = "application/com.github.proto-openapi.spec.v2.v1.0+protobuf"


def _varint(n: int) -> bytes:
    if n < 0:
        n += 1 << 64
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        if n:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def _ld(field: int, data: bytes) -> bytes:
    return _varint((field << 3) | 2) + _varint(len(data)) + data


def _s(field: int, text: Any) -> bytes:
    if text is None or text == "":
        return b""
    return _ld(field, str(text).encode())


def _vi(field: int, n: Any) -> bytes:
    if not n:
        return b""
    return _varint(field << 3) + _varint(int(n))


def _dbl(field: int, x: Any) -> bytes:
    if x is None:
        return b""
    return _varint((field << 3) | 1) + _struct.pack("<d", float(x))


def _any_yaml(field: int, value: Any) -> bytes:
    return _ld(field, _s(2, json.dumps(value, separators=(",", ":"))))


def _named_any(field: int, name: str, value: Any) -> bytes:
    return _ld(field, _s(1, name) + _any_yaml(2, value))


def _pb_schema(s: dict) -> bytes:
    out = bytearray()
    out += _s(1, s.get("$ref"))
    out += _s(2, s.get("format"))
    out += _s(3, s.get("title"))
    out += _s(4, s.get("description"))
    if "default" in s:
        out += _any_yaml(5, s["default"])
    out += _dbl(6, s.get("multipleOf"))
    out += _dbl(7, s.get("maximum"))
    out += _vi(8, bool(s.get("exclusiveMaximum")))
    out += _dbl(9, s.get("minimum"))
    out += _vi(10, bool(s.get("exclusiveMinimum")))
    out += _vi(11, s.get("maxLength"))
    out += _vi(12, s.get("minLength"))
    out += _s(13, s.get("pattern"))
    out += _vi(14, s.get("maxItems"))
    out += _vi(15, s.get("minItems"))
    out += _vi(16, bool(s.get("uniqueItems")))
    out += _vi(17, s.get("maxProperties"))
    out += _vi(18, s.get("minProperties"))
    for r in s.get("required") or []:
        out += _s(19, r)
    for e in s.get("enum") or []:
        out += _any_yaml(20, e)
    ap = s.get("additionalProperties")
    if isinstance(ap, dict):
        out += _ld(21, _ld(1, _pb_schema(ap)))
    elif isinstance(ap, bool):
        out += _ld(21, _varint(2 << 3) + _varint(int(ap)))
    t = s.get("type")
    if t:
        out += _ld(22, b"".join(_s(1, x) for x in ([t] if isinstance(t, str) else t)))
    items = s.get("items")
    if isinstance(items, dict):
        out += _ld(23, _ld(1, _pb_schema(items)))
    elif isinstance(items, list):
        out += _ld(23, b"".join(_ld(1, _pb_schema(i)) for i in items))
    for sub in s.get("allOf") or []:
        out += _ld(24, _pb_schema(sub))
    props = s.get("properties")
    if isinstance(props, dict):
        out += _ld(25, b"".join(_ld(1, _s(1, k) + _ld(2, _pb_schema(v))) for k, v in props.items()))
    out += _vi(27, bool(s.get("readOnly")))
    for k, v in s.items():
        if k.startswith("x-"):
            out += _named_any(31, k, v)
    return bytes(out)


def _pb_param(p: dict) -> bytes:
    """ParametersItem{parameter: Parameter{body_parameter | non_body_parameter}}."""
    if p.get("in") == "body":
        body = _s(2, p.get("name")) + _s(3, "body") + _vi(4, bool(p.get("required")))
        body += _ld(5, _pb_schema(p.get("schema") or {}))
        return _ld(1, _ld(1, body))
    sub_field = {"header": 1, "formData": 2, "query": 3, "path": 4}.get(p.get("in", "query"), 3)
    # path/header sub-schemas have no allow_empty_value, so their `type` is field 5, not 6
    type_field = 5 if sub_field in (1, 4) else 6
    sub = _vi(1, bool(p.get("required"))) + _s(2, p.get("in")) + _s(3, p.get("description"))
    sub += _s(4, p.get("name")) + _s(type_field, p.get("type"))
    sub += _vi(19 if sub_field in (1, 4) else 20, bool(p.get("uniqueItems")))
    return _ld(1, _ld(2, _ld(sub_field, sub)))


def _pb_operation(op: dict) -> bytes:
    out = bytearray()
    out += _s(3, op.get("description"))
    out += _s(5, op.get("operationId"))
    for x in op.get("produces") or []:
        out += _s(6, x)
    for x in op.get("consumes") or []:
        out += _s(7, x)
    for p in op.get("parameters") or []:
        out += _ld(8, _pb_param(p))
    responses = b""
    for code, resp in (op.get("responses") or {}).items():
        r = _s(1, resp.get("description"))
        if isinstance(resp.get("schema"), dict):
            r += _ld(2, _ld(1, _pb_schema(resp["schema"])))
        responses += _ld(1, _s(1, code) + _ld(2, _ld(1, r)))
    if responses:
        out += _ld(9, responses)
    for x in op.get("schemes") or []:
        out += _s(10, x)
    for k, v in op.items():
        if k.startswith("x-"):
            out += _named_any(13, k, v)
    return bytes(out)


def _pb_path_item(item: dict) -> bytes:
    out = bytearray()
    for verb, field in (("get", 2), ("put", 3), ("post", 4), ("delete", 5), ("options", 6), ("head", 7), ("patch", 8)):
        if isinstance(item.get(verb), dict):
            out += _ld(field, _pb_operation(item[verb]))
    for p in item.get("parameters") or []:
        out += _ld(9, _pb_param(p))
    return bytes(out)


def v2_to_protobuf(doc: dict) -> bytes:
    """Encode a Swagger 2.0 dict as gnostic's openapi.v2.Document."""
    out = bytearray()
    out += _s(1, doc.get("swagger", "2.0"))
    info = doc.get("info") or {}
    out += _ld(2, _s(1, info.get("title")) + _s(2, info.get("version")))
    paths = b"".join(_ld(2, _s(1, p) + _ld(2, _pb_path_item(item))) for p, item in (doc.get("paths") or {}).items())
    out += _ld(8, paths)
    defs = b"".join(_ld(1, _s(1, n) + _ld(2, _pb_schema(s))) for n, s in (doc.get("definitions") or {}).items())
    out += _ld(9, defs)
    return bytes(out)
