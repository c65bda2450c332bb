"""Scope: what is NOT migrated. Distro-managed objects, system namespaces, node-local and runtime
objects and controller-owned children are dropped, each with the reason; platform add-ons are
mapped as add-ons (plan.addons) instead of being copied."""

from __future__ import annotations

from typing import Any, Mapping

from migrate.models.common import group_of
from migrate.models.profiles import ManagedObject
from migrate.rules.base import AppliesTo, Drop, Finding, Outcome, RuleContext, glob_any
from migrate.rules.registry import rule

__all__ = ["managed_reason", "namespace_scope"]


def _kind_matches(m: ManagedObject, obj: Mapping[str, Any]) -> bool:
    if not m.kinds:
        return True
    kind = obj.get("kind", "")
    gk = f"{group_of(obj.get('apiVersion', ''))}/{kind}"
    return kind in m.kinds or gk in m.kinds


def managed_reason(obj: Mapping[str, Any], ctx: RuleContext) -> str | None:
    md = obj.get("metadata") or {}
    ns, name = md.get("namespace") or "", md.get("name", "")
    labels = md.get("labels") or {}
    group = group_of(obj.get("apiVersion", ""))
    for d in ctx.distros:
        for m in d.managed:
            if not _kind_matches(m, obj):
                continue
            if m.groups and not glob_any(group, m.groups):
                continue
            if m.namespaces and not glob_any(ns, m.namespaces):
                continue
            if m.names and not glob_any(name, m.names):
                continue
            if any(k not in labels or (v != "*" and labels[k] != v) for k, v in m.labels.items()):
                continue
            return f"{m.reason} ({d.name})" if d.id != "kubernetes" else m.reason
        if obj.get("kind") == "CustomResourceDefinition":
            crd_group = (obj.get("spec") or {}).get("group", "")
            if crd_group and glob_any(crd_group, d.managed_crd_groups):
                return f"CRD of the {d.name} platform (group {crd_group}); the target brings its own add-ons"
            if crd_group and glob_any(crd_group, d.platform_api_groups):
                return f"API served by the {d.name} platform itself (group {crd_group}); its objects are planned by kind"
        elif group and glob_any(group, d.managed_crd_groups):
            return f"custom resource of the {d.name} platform (group {group}); mapped as an add-on, not copied"
    return None


def namespace_scope(ns: str, ctx: RuleContext) -> tuple[str, str] | None:
    """(category, reason) when objects of `ns` are not migrated."""
    for d in ctx.distros:
        if glob_any(ns, d.system_namespaces):
            return "system", f"system namespace of {d.name}"
    for d in ctx.distros:
        if glob_any(ns, d.platform_namespaces):
            return "platform", f"platform add-on namespace of {d.name}; its add-ons are mapped in plan.addons"
    cat = ctx.namespace_categories.get(ns)
    if cat == "system":
        return "system", "classified as a system namespace by the inventory"
    if cat == "platform":
        return "platform", "classified as a platform namespace by the inventory; its add-ons are mapped in plan.addons"
    return None


@rule("distroshift.io/scope/managed-objects", priority=90)
def managed_objects(obj: Mapping[str, Any], ctx: RuleContext) -> list[Outcome]:
    """Objects the source distro or Kubernetes itself owns are dropped with the reason."""
    md = obj.get("metadata") or {}
    owned = ctx.platform_owned.get(f"{obj.get('kind')}/{md.get('namespace') or ''}/{md.get('name')}")
    if owned:
        return [Drop(owned)]
    reason = managed_reason(obj, ctx)
    return [Drop(reason)] if reason else []


@rule("distroshift.io/scope/system-namespaces", priority=90)
def system_namespaces(obj: Mapping[str, Any], ctx: RuleContext) -> list[Outcome]:
    """Objects in system/platform namespaces (and those Namespaces) are not migrated; a workload
    namespace that would land in a target system namespace is a blocker."""
    md = obj.get("metadata") or {}
    ns = md.get("namespace") or (md.get("name") if obj.get("kind") == "Namespace" and obj.get("apiVersion") == "v1" else None)
    if not ns:
        return []
    scoped = namespace_scope(ns, ctx)
    if scoped:
        return [Drop(scoped[1])]
    tns = ctx.target_namespace(ns) or ns
    if glob_any(tns, ctx.target.system_namespaces) and tns != "default":
        return [Finding("Blocker", "TARGET_SYSTEM_NAMESPACE",
                        f"namespace {tns} is a system namespace on {ctx.target.name}; workloads must not be migrated into it",
                        resolution=f"map it elsewhere with --namespace-map {ns}=<new>")]
    return []


_RUNTIME_OWNER_KINDS = {"ReplicaSet", "Deployment", "StatefulSet", "DaemonSet", "Job", "CronJob", "ReplicationController", "DeploymentConfig"}


@rule("distroshift.io/scope/outside-selected-namespaces", priority=90)
def outside_selected_namespaces(obj: Mapping[str, Any], ctx: RuleContext) -> list[Outcome]:
    """With `inventory -n`, cluster-scoped objects the selected namespaces don't use are not migrated:
    copying every ClusterRole, StorageClass or CRD of the source would overwrite the target's own."""
    selected = ctx.options.get("namespace_filter")
    md = obj.get("metadata") or {}
    if not selected or md.get("namespace"):
        return []
    if f"{obj.get('kind')}/{md.get('name')}" in ctx.options.get("cluster_objects_used", frozenset()):
        return []
    return [Drop(f"cluster-scoped and not used by the selected namespaces ({', '.join(sorted(selected))}); "
                 "inventory without -n to migrate it")]


@rule("distroshift.io/scope/controller-owned", priority=90)
def controller_owned(obj: Mapping[str, Any], ctx: RuleContext) -> list[Outcome]:
    """Children a controller creates (ReplicaSets, Pods, Jobs of CronJobs, operator-managed objects) are
    recreated on the target by their owner; copying them would fight the controller."""
    for ref in (obj.get("metadata") or {}).get("ownerReferences") or []:
        if ref.get("controller"):
            what = "runtime child" if ref.get("kind") in _RUNTIME_OWNER_KINDS else "managed by its owner"
            return [Drop(f"{what}: recreated on the target by {ref.get('kind')}/{ref.get('name')}")]
    return []


@rule("distroshift.io/scope/token-secrets", priority=90, applies_to=AppliesTo(groups=("",), kinds=("Secret",)))
def token_secrets(obj: Mapping[str, Any], ctx: RuleContext) -> list[Outcome]:
    """Service-account token Secrets are minted per cluster (and bound to the source's signing key)."""
    if obj.get("type") == "kubernetes.io/service-account-token":
        return [Drop("service-account token: the target mints its own tokens")]
    return []


@rule("distroshift.io/scope/finished-jobs", priority=85, applies_to=AppliesTo(groups=("batch",), kinds=("Job",)))
def finished_jobs(obj: Mapping[str, Any], ctx: RuleContext) -> list[Outcome]:
    """A finished Job would run again on the target; an unfinished one is migrated with a warning."""
    status = obj.get("status") or {}
    conds = {c.get("type"): c.get("status") for c in status.get("conditions") or []}
    if conds.get("Complete") == "True" or conds.get("Failed") == "True":
        return [Drop("Job already finished on the source; applying it would run it again")]
    return [Finding("Warning", "JOB_RERUNS", "this Job will start again on the target when applied",
                    resolution="drop it from manifests/ if it must not run twice")]
