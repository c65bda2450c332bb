"""Status errors: the exact failure bodies kube-apiserver sends (``StatusError`` carries one)."""
from __future__ import annotations

import json
from typing import Any

from .catalogue import ResourceType
from .patching import PatchError


class StatusError(Exception):
    """A failed request: ``code`` is the HTTP status, ``body`` the Status dict to send verbatim."""

    def __init__(self, code: int, body: dict, headers: dict | None = None) -> None:
        super().__init__(body.get("message", ""))
        self.code = code
        self.body = body
        self.headers = headers or {}
        self.warnings: list[str] = []  # Warning texts to send with the error (e.g. unknown fields)


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
