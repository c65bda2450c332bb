"""Decoding of the few Kubernetes protobuf request bodies clients send to the simulator.

helm stores releases through client-go typed clients whose requests carry
``Content-Type: application/vnd.kubernetes.protobuf``. The real apiserver decodes any kind; the
simulator decodes the envelope (``k8s\\0`` + runtime.Unknown), the kinds helm writes — Secret and
ConfigMap with their ObjectMeta — and kubectl's SelfSubjectAccessReview (``auth can-i``) into the
same dict a JSON body would give. Field numbers are those of k8s.io/api generated.proto. Anything
else stays 415.
"""

from __future__ import annotations

import base64
import datetime as _dt
from typing import Any, Callable

__all__ = ["PROTOBUF", "decode_k8s_protobuf", "ProtobufUnsupported"]

PROTOBUF = "application/vnd.kubernetes.protobuf"
_MAGIC = b"k8s\x00"


class ProtobufUnsupported(ValueError):
    pass


def _read_varint(buf: bytes, i: int) -> tuple[int, int]:
    shift = result = 0
    while True:
        if i >= len(buf):
            raise ProtobufUnsupported("truncated varint")
        b = buf[i]
        i += 1
        result |= (b & 0x7F) << shift
        if not b & 0x80:
            return result, i
        shift += 7


def _fields(buf: bytes) -> list[tuple[int, int, Any]]:
    """(field number, wire type, value) in order; length-delimited values stay bytes."""
    out, i = [], 0
    while i < len(buf):
        key, i = _read_varint(buf, i)
        field, wt = key >> 3, key & 7
        if wt == 0:
            v, i = _read_varint(buf, i)
        elif wt == 2:
            n, i = _read_varint(buf, i)
            v, i = buf[i:i + n], i + n
        elif wt == 1:
            v, i = buf[i:i + 8], i + 8
        elif wt == 5:
            v, i = buf[i:i + 4], i + 4
        else:
            raise ProtobufUnsupported(f"wire type {wt}")
        out.append((field, wt, v))
    return out


def _map_entry(raw: bytes, value: Callable[[bytes], Any]) -> tuple[str, Any]:
    k, v = "", value(b"")
    for f, _, x in _fields(raw):
        if f == 1:
            k = x.decode()
        elif f == 2:
            v = value(x)
    return k, v


def _time(raw: bytes) -> str:
    secs = 0
    for f, _, x in _fields(raw):
        if f == 1:
            secs = x
    return _dt.datetime.fromtimestamp(secs, _dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _owner_ref(raw: bytes) -> dict:
    names = {1: "kind", 3: "name", 4: "uid", 5: "apiVersion"}
    out: dict[str, Any] = {}
    for f, _, x in _fields(raw):
        if f in names:
            out[names[f]] = x.decode()
        elif f == 6:
            out["controller"] = bool(x)
        elif f == 7:
            out["blockOwnerDeletion"] = bool(x)
    return out


def _object_meta(raw: bytes) -> dict:
    strings = {1: "name", 2: "generateName", 3: "namespace", 5: "uid", 6: "resourceVersion"}
    meta: dict[str, Any] = {}
    for f, _, x in _fields(raw):
        if f in strings:
            meta[strings[f]] = x.decode()
        elif f == 7:
            meta["generation"] = x
        elif f == 8:
            meta["creationTimestamp"] = _time(x)
        elif f == 11:
            k, v = _map_entry(x, lambda b: b.decode())
            meta.setdefault("labels", {})[k] = v
        elif f == 12:
            k, v = _map_entry(x, lambda b: b.decode())
            meta.setdefault("annotations", {})[k] = v
        elif f == 13:
            meta.setdefault("ownerReferences", []).append(_owner_ref(x))
        elif f == 14:
            meta.setdefault("finalizers", []).append(x.decode())
    if meta.get("creationTimestamp") == "1970-01-01T00:00:00Z":
        meta.pop("creationTimestamp")
    return meta


def _secret(raw: bytes) -> dict:
    obj: dict[str, Any] = {}
    for f, _, x in _fields(raw):
        if f == 1:
            obj["metadata"] = _object_meta(x)
        elif f == 2:
            k, v = _map_entry(x, lambda b: base64.b64encode(b).decode())
            obj.setdefault("data", {})[k] = v
        elif f == 3:
            obj["type"] = x.decode()
        elif f == 4:
            k, v = _map_entry(x, lambda b: b.decode())
            obj.setdefault("stringData", {})[k] = v
        elif f == 5:
            obj["immutable"] = bool(x)
    return obj


def _configmap(raw: bytes) -> dict:
    obj: dict[str, Any] = {}
    for f, _, x in _fields(raw):
        if f == 1:
            obj["metadata"] = _object_meta(x)
        elif f == 2:
            k, v = _map_entry(x, lambda b: b.decode())
            obj.setdefault("data", {})[k] = v
        elif f == 3:
            k, v = _map_entry(x, lambda b: base64.b64encode(b).decode())
            obj.setdefault("binaryData", {})[k] = v
        elif f == 4:
            obj["immutable"] = bool(x)
    return obj


def _delete_options(raw: bytes) -> dict:
    obj: dict[str, Any] = {}
    for f, _, x in _fields(raw):
        if f == 1:
            obj["gracePeriodSeconds"] = x
        elif f == 2:
            pre = {}
            for pf, _, pv in _fields(x):
                pre[{1: "uid", 2: "resourceVersion"}.get(pf, str(pf))] = pv.decode()
            obj["preconditions"] = pre
        elif f == 3:
            obj["orphanDependents"] = bool(x)
        elif f == 4:
            obj["propagationPolicy"] = x.decode()
        elif f == 5:
            obj.setdefault("dryRun", []).append(x.decode())
    return obj


_RESOURCE_ATTRS = {1: "namespace", 2: "verb", 3: "group", 4: "version", 5: "resource", 6: "subresource", 7: "name"}
_NON_RESOURCE_ATTRS = {1: "path", 2: "verb"}


def _access_review(raw: bytes) -> dict:
    """SelfSubjectAccessReview (authorization/v1 generated.proto): what ``kubectl auth can-i`` sends."""
    obj: dict[str, Any] = {}
    for f, _, x in _fields(raw):
        if f == 1:
            obj["metadata"] = _object_meta(x)
        elif f == 2:
            spec: dict[str, Any] = {}
            for sf, _, sv in _fields(x):
                names = {1: ("resourceAttributes", _RESOURCE_ATTRS), 2: ("nonResourceAttributes", _NON_RESOURCE_ATTRS)}
                if sf in names:
                    key, fields = names[sf]
                    spec[key] = {fields[af]: av.decode() for af, _, av in _fields(sv) if af in fields}
            obj["spec"] = spec
    return obj


_KINDS: dict[tuple[str, str], Callable[[bytes], dict]] = {
    ("v1", "Secret"): _secret, ("v1", "ConfigMap"): _configmap,
    ("authorization.k8s.io/v1", "SelfSubjectAccessReview"): _access_review,
}


def decode_k8s_protobuf(body: bytes) -> dict:
    """The object in a ``k8s\\0``-prefixed runtime.Unknown envelope, as a JSON-shaped dict."""
    if not body.startswith(_MAGIC):
        raise ProtobufUnsupported("missing k8s protobuf magic")
    api_version = kind = ""
    raw = b""
    for f, _, x in _fields(body[len(_MAGIC):]):
        if f == 1:
            for tf, _, tv in _fields(x):
                if tf == 1:
                    api_version = tv.decode()
                elif tf == 2:
                    kind = tv.decode()
        elif f == 2:
            raw = x
    decoder = _KINDS.get((api_version, kind)) or (_delete_options if kind == "DeleteOptions" else None)
    if decoder is None:
        raise ProtobufUnsupported(f"{api_version}/{kind}")
    obj = {"apiVersion": api_version, "kind": kind}
    obj.update(decoder(raw))
    return obj
