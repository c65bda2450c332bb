"""Replay recorded kube-apiserver exchanges directly against a Store (no HTTP).

``run_exchange`` maps one recorded request onto the Store API and returns (status, body, warnings);
``normalise`` blanks the values that legitimately differ between runs (uids, timestamps, revisions,
generated names, continue-token revisions) so recorded and simulated bodies can be compared.
"""
from __future__ import annotations

import base64
import json
import re
from typing import Any

from migrate.sim.store import Store, StatusError

VOLATILE = {"uid", "resourceVersion", "creationTimestamp", "deletionTimestamp", "time", "lastTransitionTime",
            "lastUpdateTime", "clusterIP", "nodePort"}


def parse_path(store: Store, path: str) -> tuple[Any, str | None, str | None, str | None]:
    """(ResourceType, namespace, name, subresource) for an API path, or raises StatusError 404."""
    parts = path.strip("/").split("/")
    if not ((parts[0] == "api" and len(parts) >= 3) or (parts[0] == "apis" and len(parts) >= 4)) or (
            parts[0] == "apis" and not store.catalogue.has_group(parts[1])):
        raise LookupError("404 page not found\n")  # the plain-text 404 of the HTTP mux
    if parts[0] == "api":
        group, version, rest = "", parts[1], parts[2:]
    else:
        group, version, rest = parts[1], parts[2], parts[3:]
    if rest and rest[0] == "watch":
        rest = rest[1:]
    ns = None
    if len(rest) >= 3 and rest[0] == "namespaces":
        ns, rest = rest[1], rest[2:]
    elif len(rest) == 2 and rest[0] == "namespaces":
        rest = ["namespaces", rest[1]]
    if ns is not None and rest in (["status"], ["finalize"]):
        rest, ns = ["namespaces", ns, rest[0]], None
    resource = rest[0]
    name = rest[1] if len(rest) > 1 else None
    sub = rest[2] if len(rest) > 2 else None
    if len(rest) == 1 and ns is not None and resource not in ("namespaces",):
        pass
    rt = store.catalogue.lookup(group, version, resource)
    if rt is None:
        raise StatusError(404, {"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
                                "message": "the server could not find the requested resource",
                                "reason": "NotFound", "details": {}, "code": 404})
    return rt, ns, name, sub


class IdMap:
    """Recorded resourceVersions/uids -> the simulator's, learnt from earlier responses."""

    def __init__(self) -> None:
        self.map: dict[str, str] = {}

    def learn(self, recorded: Any, got: Any) -> None:
        if isinstance(recorded, dict) and isinstance(got, dict):
            for k in ("resourceVersion", "uid"):
                a, b = (recorded.get("metadata") or {}).get(k), (got.get("metadata") or {}).get(k)
                if a and b:
                    self.map[a] = b
            for a, b in zip(recorded.get("items") or [], got.get("items") or []):
                self.learn(a, b)

    def translate(self, v: Any) -> Any:
        if isinstance(v, dict):
            return {k: (self.map.get(x, x) if k in ("resourceVersion", "uid") and isinstance(x, str)
                        else self.translate(x)) for k, x in v.items()}
        if isinstance(v, list):
            return [self.translate(x) for x in v]
        return v


def run_exchange(store: Store, ex: dict, user_agent: str = "python-requests/2.34.2",
                 ids: IdMap | None = None) -> tuple[int, Any, list[str]]:
    req = ex["request"]
    q = req.get("query") or {}
    method = req["method"]
    body = req.get("body")
    if ids is not None:
        body = ids.translate(body)
    ctype = (req.get("headers") or {}).get("content-type", "")
    rt = None
    try:
        rt, ns, name, sub = parse_path(store, req["path"])
        dry = q.get("dryRun")
        if dry not in (None, "All"):
            dry = dry  # invalid values are validated by the store
        if method == "GET":
            if q.get("watch") in ("true", "1") or "/watch/" in req["path"]:
                return 200, None, []
            if name and sub:
                return 200, store.get_subresource(rt, ns, name, sub), store.crd_warnings(rt)
            if name:
                return 200, store.get(rt, ns, name), store.crd_warnings(rt)
            return 200, store.list(rt, ns, label_selector=q.get("labelSelector"),
                                   field_selector=q.get("fieldSelector"),
                                   limit=int(q["limit"]) if "limit" in q else None, continue_=q.get("continue"),
                                   resource_version=q.get("resourceVersion"),
                                   resource_version_match=q.get("resourceVersionMatch"),
                                   send_initial_events=q.get("sendInitialEvents") == "true"), store.crd_warnings(rt)
        if method == "POST" and name and sub in ("binding", "eviction"):
            code, obj = store.create_subresource(rt, ns, name, sub, body, dry_run=bool(dry))
            return code, obj, []
        if method == "POST":
            if isinstance(body, str) and "yaml" in ctype:
                import yaml
                body = yaml.safe_load(body)
            code, obj, warns = store.create(rt, ns, body, dry_run=dry, field_manager=q.get("fieldManager"),
                                            field_validation=q.get("fieldValidation"), user_agent=user_agent)
            return code, obj, warns
        if method == "PUT":
            code, obj, warns = store.update(rt, ns, name, body, subresource=sub, dry_run=dry,
                                            field_manager=q.get("fieldManager"),
                                            field_validation=q.get("fieldValidation"), user_agent=user_agent)
            return code, obj, warns
        if method == "PATCH":
            raw = body if isinstance(body, str) else json.dumps(body)
            code, obj, warns = store.patch(rt, ns, name, ctype, raw.encode(), subresource=sub,
                                           field_manager=q.get("fieldManager"), force=q.get("force") == "true",
                                           dry_run=dry, field_validation=q.get("fieldValidation"),
                                           user_agent=user_agent)
            return code, obj, warns
        if method == "DELETE":
            opts = dict(body or {})
            for k in ("propagationPolicy", "gracePeriodSeconds"):
                if k in q:
                    opts[k] = q[k]
            if name:
                code, obj = store.delete(rt, ns, name, opts, dry_run=dry)
            else:
                code, obj = store.delete_collection(rt, ns, opts, label_selector=q.get("labelSelector"),
                                                    field_selector=q.get("fieldSelector"), dry_run=dry)
            return code, obj, []
    except StatusError as e:
        return e.code, e.body, store.crd_warnings(rt) if rt is not None else []
    except LookupError as e:
        return 404, str(e.args[0]), []
    raise AssertionError(f"unsupported method {method}")


def _token_start(tok: str) -> str:
    try:
        return json.loads(base64.urlsafe_b64decode(tok + "=" * (-len(tok) % 4)))["start"]
    except Exception:
        return tok


def normalise(v: Any, key: str = "") -> Any:
    if isinstance(v, dict):
        out = {}
        for k, x in v.items():
            if k in VOLATILE:
                out[k] = "*"
            elif k == "continue" and isinstance(x, str):
                out[k] = _token_start(x)
            elif k == "managedFields":
                out[k] = [normalise({kk: vv for kk, vv in e.items()}, k) for e in x]
            else:
                out[k] = normalise(x, k)
        return out
    if isinstance(v, list):
        return [normalise(x, key) for x in v]
    if isinstance(v, str):
        v = re.sub(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", "<uid>", v)
        v = re.sub(r"\(\d+\)", "(<n>)", v)
        if key in ("name",) and re.match(r"^.*-[bcdfghjklmnpqrstvwxz2456789]{5}$", v) and "gen" in v:
            v = v[:-5] + "<gen>"
    return v
