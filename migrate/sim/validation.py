"""Request validation: kinds, unknown fields (fieldValidation), Go decoding type errors, name/label rules and CR schemas."""
from __future__ import annotations

import copy
import json
import re
from typing import Any

from .catalogue import ResourceType
from .statuses import (
    cause_invalid, cause_not_supported, cause_required, cause_too_long, err_bad_request, err_invalid,
    err_options, go_value,
)


_DNS1123_SUB = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")


_DNS1123_LABEL = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")


_LABEL_VALUE = re.compile(r"^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$")


_QUALIFIED = re.compile(r"^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$")


_CONFIG_KEY = re.compile(r"^[-._a-zA-Z0-9]+$")


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


class ValidationMixin:
    """Store methods: request validation (mixed into ``Store``)."""

    def _check_options(self, kind: str, dry_run: Any, field_validation: str | None) -> None:
        if dry_run not in (None, False, True, "", "All", ["All"]):
            raise err_options(kind, [cause_not_supported("dryRun", [dry_run] if isinstance(dry_run, str) else dry_run,
                                                         ["All"])])
        if field_validation not in (None, "", "Ignore", "Warn", "Strict"):
            raise err_options(kind, [cause_not_supported("fieldValidation", field_validation,
                                                         ["", "Ignore", "Strict", "Warn"])])

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
