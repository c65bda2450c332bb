"""Server-set metadata and object layout: timestamps, field managers, key order, generation rules."""
from __future__ import annotations

import copy
import json
from datetime import datetime, timezone
from typing import Any


_GEN_CHARS = "bcdfghjklmnpqrstvwxz2456789"


_META_ORDER = ["name", "generateName", "namespace", "selfLink", "uid", "resourceVersion", "generation",
               "creationTimestamp", "deletionTimestamp", "deletionGracePeriodSeconds", "labels", "annotations",
               "ownerReferences", "finalizers", "managedFields"]


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
