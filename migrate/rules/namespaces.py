"""Namespaces: --namespace-map old=new moves objects and rewrites the references to the old name:
NetworkPolicy namespace selectors, RoleBinding subjects, and service DNS names in ConfigMaps and
container env (full names are certain; the short `svc.ns` form is a guess and is flagged)."""

from __future__ import annotations

import re
from typing import Any, Mapping

from migrate.rules.base import AppliesTo, Finding, Outcome, Patch, RuleContext, pod_spec_path, ptr
from migrate.rules.registry import rule

__all__ = ["rewrite_dns", "NAME_LABEL", "HELM_RELEASE_NS", "HELM_SECRET_TYPE"]

NAME_LABEL = "kubernetes.io/metadata.name"
HELM_RELEASE_NS = "meta.helm.sh/release-namespace"
HELM_RELEASE_NAME = "meta.helm.sh/release-name"
HELM_SECRET_TYPE = "helm.sh/release.v1"
_DNS_LABEL = r"[a-z0-9]([-a-z0-9]*[a-z0-9])?"


def rewrite_dns(text: str, nsmap: Mapping[str, str]) -> tuple[str, bool, bool]:
    """(new text, changed with certainty, changed by guess)."""
    certain = guessed = False
    for old, new in sorted(nsmap.items()):
        full = re.compile(rf"(?<![-a-z0-9.])({_DNS_LABEL})\.{re.escape(old)}\.svc(\.cluster\.local)?(?![-a-z0-9])")
        text, n = full.subn(lambda m: f"{m.group(1)}.{new}.svc{m.group(3) or ''}", text)
        certain |= n > 0
        short = re.compile(rf"(?<![-a-z0-9.@])({_DNS_LABEL})\.{re.escape(old)}(?=[:/\s\"',]|$)")
        text, n = short.subn(lambda m: f"{m.group(1)}.{new}", text)
        guessed |= n > 0
    return text, certain, guessed


@rule("distroshift.io/namespaces/move", priority=65)
def move(obj: Mapping[str, Any], ctx: RuleContext) -> list[Outcome]:
    """Objects of a mapped namespace move to the new one (and the Namespace is renamed)."""
    if not ctx.namespace_map:
        return []
    md = obj.get("metadata") or {}
    ns = md.get("namespace")
    if ns and ns in ctx.namespace_map:
        return [Patch([{"op": "replace", "path": "/metadata/namespace", "value": ctx.namespace_map[ns]}],
                      f"namespace {ns} mapped to {ctx.namespace_map[ns]}")]
    if obj.get("kind") == "Namespace" and obj.get("apiVersion") == "v1" and md.get("name") in ctx.namespace_map:
        new = ctx.namespace_map[md["name"]]
        ops = [{"op": "replace", "path": "/metadata/name", "value": new}]
        if NAME_LABEL in (md.get("labels") or {}):
            ops.append({"op": "replace", "path": ptr("metadata", "labels", NAME_LABEL), "value": new})
        return [Patch(ops, f"namespace {md['name']} renamed to {new}")]
    return []


@rule("distroshift.io/namespaces/helm-ownership", priority=65)
def helm_ownership(obj: Mapping[str, Any], ctx: RuleContext) -> list[Outcome]:
    """Helm adopts an existing object only when meta.helm.sh/release-namespace names the namespace the
    release is installed into; a moved release's objects (cluster-scoped ones too) must name the new one."""
    if not ctx.namespace_map:
        return []
    ann = (obj.get("metadata") or {}).get("annotations") or {}
    old = ann.get(HELM_RELEASE_NS)
    if old not in ctx.namespace_map:
        return []
    new = ctx.namespace_map[old]
    return [Patch([{"op": "replace", "path": ptr("metadata", "annotations", HELM_RELEASE_NS), "value": new}],
                  f"Helm release {old}/{ann.get(HELM_RELEASE_NAME, '?')} moves with its namespace: ownership annotation names {new}")]


@rule("distroshift.io/namespaces/helm-release-record", priority=65, applies_to=AppliesTo(groups=("",), kinds=("Secret",)))
def helm_release_record(obj: Mapping[str, Any], ctx: RuleContext) -> list[Outcome]:
    """A Helm release Secret moves, but the release record encoded inside it still names the old
    namespace (and so would `helm upgrade` on the target); it cannot be rewritten from the inventory,
    which never holds Secret data."""
    md = obj.get("metadata") or {}
    old = md.get("namespace")
    if obj.get("type") != HELM_SECRET_TYPE or old not in ctx.namespace_map:
        return []
    new = ctx.namespace_map[old]
    release = (md.get("labels") or {}).get("name") or md.get("name", "")
    return [Finding("Warning", "HELM_RELEASE_RECORD_NAMESPACE",
                    f"Helm release record {md.get('name')} moves to {new}, but the release it encodes still says namespace {old}; "
                    f"`helm upgrade {release} -n {new}` would render for {old}",
                    resolution=f"on the target, delete the copied record Secrets (sh.helm.release.v1.{release}.v*) in {new} and run "
                               f"`helm upgrade --install {release} <chart> --version <same> -n {new}` with the source values: Helm "
                               f"adopts the moved objects, whose ownership annotations already name {new}")]


@rule("distroshift.io/namespaces/network-policy-selectors", priority=65, applies_to=AppliesTo(groups=("networking.k8s.io", "extensions"), kinds=("NetworkPolicy",)))
def network_policy_selectors(obj: Mapping[str, Any], ctx: RuleContext) -> list[Outcome]:
    """namespaceSelectors naming a mapped namespace follow it."""
    if not ctx.namespace_map:
        return []
    ops: list[dict] = []
    out: list[Outcome] = []
    spec = obj.get("spec") or {}
    for direction, peer_key in (("ingress", "from"), ("egress", "to")):
        for i, r in enumerate(spec.get(direction) or []):
            for j, peer in enumerate(r.get(peer_key) or []):
                sel = peer.get("namespaceSelector") or {}
                base = ("spec", direction, i, peer_key, j, "namespaceSelector")
                for k, v in sorted((sel.get("matchLabels") or {}).items()):
                    if v in ctx.namespace_map:
                        ops.append({"op": "replace", "path": ptr(*base, "matchLabels", k), "value": ctx.namespace_map[v]})
                        if k != NAME_LABEL:
                            out.append(Finding("Warning", "NAMESPACE_SELECTOR_GUESSED",
                                               f"label {k}={v} looks like the namespace name; rewritten to {ctx.namespace_map[v]}",
                                               path=ptr(*base, "matchLabels", k), resolution="check the target namespace carries this label"))
                for m, e in enumerate(sel.get("matchExpressions") or []):
                    vals = e.get("values") or []
                    if e.get("key") == NAME_LABEL and any(v in ctx.namespace_map for v in vals):
                        ops.append({"op": "replace", "path": ptr(*base, "matchExpressions", m, "values"),
                                    "value": [ctx.namespace_map.get(v, v) for v in vals]})
    if ops:
        out.insert(0, Patch(ops, "namespace selectors follow the namespace map"))
    return out


@rule("distroshift.io/namespaces/rbac-subjects", priority=65, applies_to=AppliesTo(groups=("rbac.authorization.k8s.io",), kinds=("RoleBinding", "ClusterRoleBinding")))
def rbac_subjects(obj: Mapping[str, Any], ctx: RuleContext) -> list[Outcome]:
    """Subjects (service accounts, their groups and users) in a mapped namespace follow it."""
    if not ctx.namespace_map:
        return []
    ops: list[dict] = []
    for i, s in enumerate(obj.get("subjects") or []):
        ns = s.get("namespace")
        if ns in ctx.namespace_map:
            ops.append({"op": "replace", "path": ptr("subjects", i, "namespace"), "value": ctx.namespace_map[ns]})
        name = s.get("name", "")
        for prefix in ("system:serviceaccounts:", "system:serviceaccount:"):
            if name.startswith(prefix):
                rest = name[len(prefix):]
                old, sep, tail = rest.partition(":")
                if old in ctx.namespace_map:
                    ops.append({"op": "replace", "path": ptr("subjects", i, "name"), "value": f"{prefix}{ctx.namespace_map[old]}{sep}{tail}"})
    return [Patch(ops, "binding subjects follow the namespace map")] if ops else []


@rule("distroshift.io/namespaces/service-dns", priority=45)
def service_dns(obj: Mapping[str, Any], ctx: RuleContext) -> list[Outcome]:
    """Service DNS names of mapped namespaces in ConfigMap data and container env values."""
    if not ctx.namespace_map:
        return []
    targets: list[tuple[tuple[Any, ...], str]] = []
    if obj.get("kind") == "ConfigMap" and obj.get("apiVersion") == "v1":
        targets = [(("data", k), v) for k, v in sorted((obj.get("data") or {}).items()) if isinstance(v, str)]
    parts = pod_spec_path(obj)
    if parts is not None:
        spec: Any = obj
        for p in parts:
            spec = spec[p]
        for field in ("initContainers", "containers"):
            for i, c in enumerate(spec.get(field) or []):
                for j, e in enumerate(c.get("env") or []):
                    if isinstance(e.get("value"), str):
                        targets.append(((*parts, field, i, "env", j, "value"), e["value"]))
    ops: list[dict] = []
    out: list[Outcome] = []
    for path, text in targets:
        new, certain, guessed = rewrite_dns(text, ctx.namespace_map)
        if new != text:
            ops.append({"op": "replace", "path": ptr(*path), "value": new})
            if guessed:
                out.append(Finding("Warning", "SERVICE_DNS_GUESSED", "a short service name (svc.namespace) was rewritten by pattern; check it",
                                   path=ptr(*path)))
    if ops:
        out.insert(0, Patch(ops, "service DNS names follow the namespace map"))
    return out
