"""Placement: node selectors, node affinities and tolerations that reference source-only node labels
or taints are rewritten to the target's equivalents where one is known, flagged otherwise."""

from __future__ import annotations

from typing import Any, Mapping

from migrate.rules.base import Finding, Outcome, Patch, RuleContext, glob_any, pod_spec_path, ptr
from migrate.rules.registry import rule

__all__ = ["classify_label"]

_PORTABLE_PREFIXES = ("kubernetes.io/", "topology.kubernetes.io/", "node.kubernetes.io/")


def classify_label(key: str, ctx: RuleContext) -> tuple[str, str | None]:
    """('ok' | 'rewrite' | 'source-only' | 'unknown', new key)."""
    for d in ctx.distros:
        if key in d.label_rewrites:
            new = d.label_rewrites[key]
            return ("rewrite", new) if _target_has(new, ctx) else ("source-only", new)
    if _target_has(key, ctx):
        return "ok", None
    for d in ctx.distros[1:]:
        if any(key.startswith(p) for p in d.node_label_prefixes) or key in d.node_role_labels:
            return "source-only", None
    if key.startswith("node-role.kubernetes.io/"):
        return "source-only", None
    if key.startswith(_PORTABLE_PREFIXES):
        return "ok", None
    return "unknown", None  # a user label: it must be put on the target's nodes


def _target_has(key: str, ctx: RuleContext) -> bool:
    nl = ctx.target.node_labels
    return key in nl.roles.values() or key in nl.topology or key in nl.provided or glob_any(key, [p + "*" for p in nl.provided if p.endswith("/")])


def _taint_target(key: str, ctx: RuleContext) -> tuple[str, str | None]:
    for d in ctx.distros:
        if key in d.taint_rewrites:
            return "rewrite", d.taint_rewrites[key]
    if key in ctx.target.node_labels.taints or key.startswith("node.kubernetes.io/") or key.startswith("node.cloudprovider.kubernetes.io/"):
        return "ok", None
    for d in ctx.distros[1:]:
        if key in d.taints or any(key.startswith(p) for p in d.node_label_prefixes):
            return "source-only", None
    return "unknown", None


@rule("distroshift.io/placement/node-labels", priority=50)
def node_labels(obj: Mapping[str, Any], ctx: RuleContext) -> list[Outcome]:
    """Rewrite or flag node selectors, required/preferred node affinity terms and tolerations."""
    parts = pod_spec_path(obj)
    if parts is None:
        return []
    spec: Any = obj
    for p in parts:
        spec = spec[p]
    ops: list[dict] = []
    out: list[Outcome] = []

    def handle(key: str, path: tuple[Any, ...], rename: Any) -> None:
        state, new = classify_label(key, ctx)
        if state == "rewrite" and new:
            ops.extend(rename(new))
        elif state == "source-only":
            out.append(Finding("Warning", "PLACEMENT_SOURCE_ONLY_LABEL",
                               f"node label {key} exists only on the source's nodes{f' (target equivalent {new} not offered)' if new else ''}; pods would not schedule",
                               path=ptr(*path), resolution="label the target's nodes the same way, or remove the constraint"))
        elif state == "unknown" and ctx.source_node_labels and key not in ctx.source_node_labels:
            out.append(Finding("Info", "PLACEMENT_UNUSED_LABEL", f"node label {key} is on no source node either", path=ptr(*path)))
        elif state == "unknown":
            out.append(Finding("Info", "PLACEMENT_CUSTOM_LABEL", f"node label {key} must be set on the target's nodes", path=ptr(*path)))

    sel = spec.get("nodeSelector") or {}
    for key in sorted(sel):
        base = (*parts, "nodeSelector")
        handle(key, (*base, key), lambda new, key=key, base=base: [
            {"op": "remove", "path": ptr(*base, key)}, {"op": "add", "path": ptr(*base, new), "value": sel[key]}])
    na = ((spec.get("affinity") or {}).get("nodeAffinity")) or {}
    req = (na.get("requiredDuringSchedulingIgnoredDuringExecution") or {}).get("nodeSelectorTerms") or []
    term_paths = [((*parts, "affinity", "nodeAffinity", "requiredDuringSchedulingIgnoredDuringExecution", "nodeSelectorTerms", i), t) for i, t in enumerate(req)]
    for i, pref in enumerate(na.get("preferredDuringSchedulingIgnoredDuringExecution") or []):
        term_paths.append(((*parts, "affinity", "nodeAffinity", "preferredDuringSchedulingIgnoredDuringExecution", i, "preference"), pref.get("preference") or {}))
    for tpath, term in term_paths:
        for field in ("matchExpressions", "matchFields"):
            for j, expr in enumerate(term.get(field) or []):
                if field == "matchFields":
                    continue
                p = (*tpath, field, j, "key")
                handle(expr.get("key", ""), p, lambda new, p=p: [{"op": "replace", "path": ptr(*p), "value": new}])
    for i, tol in enumerate(spec.get("tolerations") or []):
        key = tol.get("key")
        if not key:
            continue
        state, new = _taint_target(key, ctx)
        if state == "rewrite" and new:
            ops.append({"op": "replace", "path": ptr(*parts, "tolerations", i, "key"), "value": new})
        elif state == "source-only":
            out.append(Finding("Info", "PLACEMENT_SOURCE_ONLY_TAINT", f"toleration of {key}, a taint only the source's nodes carry; harmless on the target",
                               path=ptr(*parts, "tolerations", i)))
    if ops:
        out.insert(0, Patch(ops, "node labels/taints of the source renamed to the target's equivalents"))
    return out
