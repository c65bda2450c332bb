"""Strip: runtime fields the source's API server and controllers wrote; the target writes its own.

Secrets are written with their keys and EMPTY values plus `distroshift.io/data-from-source: "true"`:
the cutover engine fills the values live from the source (values never reach files)."""

from __future__ import annotations

from typing import Any, Mapping

from migrate.rules.base import AppliesTo, Outcome, Patch, RuleContext, pod_spec_path, ptr
from migrate.rules.registry import rule

__all__ = ["DATA_FROM_SOURCE", "RUNTIME_METADATA", "RUNTIME_ANNOTATIONS"]

DATA_FROM_SOURCE = "distroshift.io/data-from-source"
RUNTIME_METADATA = ("uid", "resourceVersion", "managedFields", "creationTimestamp", "generation", "selfLink",
                    "deletionTimestamp", "deletionGracePeriodSeconds", "ownerReferences", "finalizers", "generateName")
RUNTIME_ANNOTATIONS = (
    "kubectl.kubernetes.io/last-applied-configuration",
    "deployment.kubernetes.io/revision",
    "pv.kubernetes.io/bind-completed",
    "pv.kubernetes.io/bound-by-controller",
    "pv.kubernetes.io/provisioned-by",
    "pv.kubernetes.io/migrated-to",
    "volume.beta.kubernetes.io/storage-provisioner",
    "volume.kubernetes.io/storage-provisioner",
    "volume.kubernetes.io/selected-node",
    "control-plane.alpha.kubernetes.io/leader",
    "endpoints.kubernetes.io/last-change-trigger-time",
    "kubernetes.io/change-cause",
    "autoscaling.alpha.kubernetes.io/conditions",
    "autoscaling.alpha.kubernetes.io/current-metrics",
)
# Labels the Job controller stamps (and validates) on pod templates; the target assigns new ones.
JOB_LABELS = ("controller-uid", "batch.kubernetes.io/controller-uid", "job-name", "batch.kubernetes.io/job-name")


@rule("distroshift.io/strip/runtime-metadata", priority=10)
def runtime_metadata(obj: Mapping[str, Any], ctx: RuleContext) -> list[Outcome]:
    """uid, resourceVersion, managedFields, timestamps, owner references, finalizers, status and the
    last-applied annotation belong to the source cluster."""
    md = obj.get("metadata") or {}
    ops: list[dict[str, Any]] = [{"op": "remove", "path": ptr("metadata", k)} for k in RUNTIME_METADATA if k in md]
    ann = md.get("annotations") or {}
    ops += [{"op": "remove", "path": ptr("metadata", "annotations", k)} for k in RUNTIME_ANNOTATIONS if k in ann]
    if "status" in obj:
        ops.append({"op": "remove", "path": "/status"})
    return [Patch(ops, "runtime fields of the source cluster")] if ops else []


@rule("distroshift.io/strip/service-addresses", priority=10, applies_to=AppliesTo(groups=("",), kinds=("Service",)))
def service_addresses(obj: Mapping[str, Any], ctx: RuleContext) -> list[Outcome]:
    """Cluster IPs and allocated node ports come from the source's service CIDR and port range."""
    spec = obj.get("spec") or {}
    ops: list[dict[str, Any]] = []
    if spec.get("type") != "ExternalName":
        for k in ("clusterIP", "clusterIPs"):
            if k in spec and spec[k] != "None" and spec[k] != ["None"]:
                ops.append({"op": "remove", "path": ptr("spec", k)})
    if "healthCheckNodePort" in spec:
        ops.append({"op": "remove", "path": "/spec/healthCheckNodePort"})
    if spec.get("type") == "LoadBalancer":
        for i, p in enumerate(spec.get("ports") or []):
            if "nodePort" in p:
                ops.append({"op": "remove", "path": ptr("spec", "ports", i, "nodePort")})
        if "loadBalancerIP" in spec:
            ops.append({"op": "remove", "path": "/spec/loadBalancerIP"})
    return [Patch(ops, "addresses allocated by the source cluster")] if ops else []


@rule("distroshift.io/strip/pvc-binding", priority=10, applies_to=AppliesTo(groups=("",), kinds=("PersistentVolumeClaim",)))
def pvc_binding(obj: Mapping[str, Any], ctx: RuleContext) -> list[Outcome]:
    """A claim's volumeName binds it to a source PersistentVolume; the target provisions a new one."""
    if "volumeName" in (obj.get("spec") or {}):
        return [Patch([{"op": "remove", "path": "/spec/volumeName"}], "bound to a PersistentVolume of the source")]
    return []


@rule("distroshift.io/strip/pod-runtime", priority=10)
def pod_runtime(obj: Mapping[str, Any], ctx: RuleContext) -> list[Outcome]:
    """nodeName pins a pod to a source node; Job controller labels and selectors are regenerated."""
    parts = pod_spec_path(obj)
    ops: list[dict[str, Any]] = []
    if parts is not None:
        spec: Any = obj
        for p in parts:
            spec = spec[p]
        if "nodeName" in spec:
            ops.append({"op": "remove", "path": ptr(*parts, "nodeName")})
    kind = obj.get("kind")
    if kind in ("Job", "CronJob"):
        base = ("spec",) if kind == "Job" else ("spec", "jobTemplate", "spec")
        jspec: Any = obj
        for p in base:
            jspec = (jspec or {}).get(p)
        jspec = jspec or {}
        if kind == "Job" and "selector" in jspec and not jspec.get("manualSelector"):
            ops.append({"op": "remove", "path": ptr(*base, "selector")})
        labels = ((jspec.get("template") or {}).get("metadata") or {}).get("labels") or {}
        ops += [{"op": "remove", "path": ptr(*base, "template", "metadata", "labels", k)} for k in JOB_LABELS if k in labels]
    if kind == "StatefulSet":
        for i, vct in enumerate((obj.get("spec") or {}).get("volumeClaimTemplates") or []):
            if "status" in vct:
                ops.append({"op": "remove", "path": ptr("spec", "volumeClaimTemplates", i, "status")})
    return [Patch(ops, "pod placement and controller labels of the source")] if ops else []


@rule("distroshift.io/strip/service-account-tokens", priority=10, applies_to=AppliesTo(groups=("",), kinds=("ServiceAccount",)))
def service_account_tokens(obj: Mapping[str, Any], ctx: RuleContext) -> list[Outcome]:
    """`secrets` lists token Secrets of the source; the target mints its own."""
    if "secrets" in obj:
        return [Patch([{"op": "remove", "path": "/secrets"}], "token Secret references of the source")]
    return []


@rule("distroshift.io/strip/secret-values", priority=80, applies_to=AppliesTo(groups=("",), kinds=("Secret",)))
def secret_values(obj: Mapping[str, Any], ctx: RuleContext) -> list[Outcome]:
    """Secret values never leave the cluster: keys with empty values, filled from the source at apply."""
    md = obj.get("metadata") or {}
    keys = ctx.secret_keys.get((md.get("namespace") or "", md.get("name", "")))
    if keys is None:
        keys = tuple(sorted(set((obj.get("data") or {})) | set((obj.get("stringData") or {}))))
    ops: list[dict[str, Any]] = []
    if "stringData" in obj:
        ops.append({"op": "remove", "path": "/stringData"})
    ops.append({"op": "add", "path": "/data", "value": {k: "" for k in sorted(keys)}})
    if not md.get("annotations"):
        ops.append({"op": "add", "path": "/metadata/annotations", "value": {DATA_FROM_SOURCE: "true"}})
    else:
        ops.append({"op": "add", "path": ptr("metadata", "annotations", DATA_FROM_SOURCE), "value": "true"})
    return [Patch(ops, "secret values are filled live from the source at apply time (keys only in files)")]
