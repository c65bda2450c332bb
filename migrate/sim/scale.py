"""The /scale and /status subresources: autoscaling/v1 Scale views of workloads and custom resources."""
from __future__ import annotations

import copy
from typing import Any

from .catalogue import ResourceType
from .statuses import (
    cause_invalid, err_bad_request, err_conflict, err_invalid, err_not_found, err_unknown_resource,
)
from .validation import _validate_schema


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


class ScaleMixin:
    """Store methods: the /scale and /status subresources (mixed into ``Store``)."""

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
