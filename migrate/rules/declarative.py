"""YAML rules in Velero's resource-modifier shape compiled to the same Rule protocol as built-ins.

Shape (Velero `internal/resourcemodifiers`): version v1, resourceModifierRules[] of conditions
(groupResource, resourceNameRegex, namespaces, labelSelector.matchLabels, matches[{path, value}])
and patches (RFC 6902 ops, `operation` key) / mergePatches (RFC 7386). distroshift adds optional
id, doc, priority, reason, finding, drop and targets. A `remove` of a path the object lacks is skipped,
so one rule can clean up annotations that only some objects carry.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any, Mapping

import jsonpatch

from migrate.errors import InputError
from migrate.models.common import group_of
from migrate.models.profiles import ResourceModifierRule, RulesFile
from migrate.rules.base import Drop, Finding, Outcome, Patch, Rule, RuleContext
from migrate.rules.registry import ID_PATTERN

__all__ = ["compile_rules_file", "compile_rule", "plural_of", "resolve_pointer"]

_MISSING = object()


def plural_of(kind: str) -> str:
    k = kind.lower()
    if k.endswith("s") or k.endswith("x") or k.endswith("ch") or k.endswith("sh"):
        return k + "es"
    if k.endswith("y") and k[-2:-1] not in "aeiou":
        return k[:-1] + "ies"
    return k + "s"


def resolve_pointer(obj: Any, pointer: str) -> Any:
    node = obj
    if pointer in ("", "/"):
        return node
    for raw in pointer.lstrip("/").split("/"):
        part = raw.replace("~1", "/").replace("~0", "~")
        if isinstance(node, Mapping):
            if part not in node:
                return _MISSING
            node = node[part]
        elif isinstance(node, list):
            if not part.isdigit() or int(part) >= len(node):
                return _MISSING
            node = node[int(part)]
        else:
            return _MISSING
    return node


def _value(v: Any) -> Any:
    # Velero lets complex values be written as escaped JSON strings.
    if isinstance(v, str) and v[:1] in "{[":
        try:
            return json.loads(v)
        except json.JSONDecodeError:
            return v
    return v


def _group_resource_matches(gr: str, obj: Mapping[str, Any]) -> bool:
    if gr == "*":
        return True
    resource, _, group = gr.partition(".")
    kind = obj.get("kind", "")
    if resource not in (plural_of(kind), kind.lower()):
        return False
    return group == group_of(obj.get("apiVersion", "")) or (group == "" and group_of(obj.get("apiVersion", "")) == "")


def compile_rule(spec: ResourceModifierRule, rule_id: str, source: str) -> Rule:
    cond = spec.conditions
    name_re = re.compile(cond.resourceNameRegex) if cond.resourceNameRegex else None
    match_labels = (cond.labelSelector or {}).get("matchLabels") or {}
    reason = spec.reason or spec.doc or f"declarative rule {rule_id}"

    def body(obj: Mapping[str, Any], ctx: RuleContext) -> list[Outcome]:
        if spec.targets and ctx.target.id not in spec.targets:
            return []
        md = obj.get("metadata") or {}
        if not _group_resource_matches(cond.groupResource, obj):
            return []
        if name_re and not name_re.search(md.get("name", "")):
            return []
        if cond.namespaces and md.get("namespace") not in cond.namespaces:
            return []
        labels = md.get("labels") or {}
        if any(labels.get(k) != v for k, v in match_labels.items()):
            return []
        for m in cond.matches:
            if resolve_pointer(obj, m.get("path", "")) != _value(m.get("value")):
                return []
        out: list[Outcome] = []
        if spec.drop:
            out.append(Drop(reason))
        ops: list[dict[str, Any]] = []
        for p in spec.patches:
            if p.operation == "remove" and resolve_pointer(obj, p.path) is _MISSING:
                continue
            if p.operation == "test":
                continue  # a test op guards a Velero patch; conditions.matches does that here
            op: dict[str, Any] = {"op": p.operation, "path": p.path}
            if p.operation in ("add", "replace", "test"):
                op["value"] = _value(p.value)
            if p.operation in ("move", "copy"):
                op["from"] = p.from_
            ops.append(op)
        for mp in spec.mergePatches:
            merged = _merge(json.loads(json.dumps(obj)), json.loads(mp.patchData))
            ops.extend(jsonpatch.make_patch(dict(obj), merged).patch)
        if ops:
            out.append(Patch(ops, reason))
        if spec.finding:
            f = spec.finding
            out.append(Finding(f.severity, f.code, f.message, None, f.resolution))
        return out

    return Rule(id=rule_id, body=body, priority=spec.priority, doc=spec.doc or reason, source=source)


def _merge(target: Any, patch: Any) -> Any:
    """RFC 7386 JSON merge patch."""
    if not isinstance(patch, dict):
        return patch
    if not isinstance(target, dict):
        target = {}
    for k, v in patch.items():
        if v is None:
            target.pop(k, None)
        else:
            target[k] = _merge(target.get(k), v)
    return target


def compile_rules_file(model: RulesFile, path: str | Path) -> list[Rule]:
    stem = re.sub(r"[^a-z0-9.-]+", "-", Path(path).stem.lower()).strip("-") or "rules"
    out = []
    for i, spec in enumerate(model.resourceModifierRules):
        rid = spec.id or f"distroshift.io/declarative/{stem}-{i}"
        if not ID_PATTERN.match(rid):
            raise InputError(f"rule id {rid!r} is not of the form <domain>/<family>/<name>", path=str(path),
                             field=f"resourceModifierRules[{i}].id")
        if spec.conditions.resourceNameRegex:
            try:
                re.compile(spec.conditions.resourceNameRegex)
            except re.error as e:
                raise InputError(f"not a valid regular expression ({e})", path=str(path),
                                 field=f"resourceModifierRules[{i}].conditions.resourceNameRegex") from None
        for j, mp in enumerate(spec.mergePatches):
            try:
                json.loads(mp.patchData)
            except json.JSONDecodeError as e:
                raise InputError(f"patchData is not valid JSON ({e.msg})", path=str(path),
                                 field=f"resourceModifierRules[{i}].mergePatches[{j}].patchData") from None
        for j, p in enumerate(spec.patches):
            if not p.path.startswith("/"):
                raise InputError("a JSON pointer must start with '/'", path=str(path),
                                 field=f"resourceModifierRules[{i}].patches[{j}].path")
        out.append(compile_rule(spec, rid, str(path)))
    return out
