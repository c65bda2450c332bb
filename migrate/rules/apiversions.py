"""API versions: objects using a version removed (or deprecated) at the target version are converted
to the served version where a conversion exists, and flagged where none does.

Conversions: Ingress extensions|networking.k8s.io/v1beta1 -> networking.k8s.io/v1 (backend rewrite,
pathType added), HPA autoscaling/v2beta1|v2beta2 -> v2 (metrics shape), CronJob batch/v1beta1 -> v1,
PDB policy/v1beta1 -> v1, apps/extensions workloads -> apps/v1 (selector made explicit), webhook
configurations -> admissionregistration.k8s.io/v1, and same-shape moves (RBAC, NetworkPolicy, ...).
PodSecurityPolicy has no API replacement: see podsecurity.py.
"""

from __future__ import annotations

import copy
from typing import Any, Callable, Mapping

from migrate.rules.base import Finding, Outcome, Patch, RuleContext, ptr
from migrate.rules.registry import rule

__all__ = ["CONVERTERS", "convert", "ingress_backend_v1", "hpa_metric_v2", "api_status"]

Ops = list[dict[str, Any]]


def ingress_backend_v1(b: Mapping[str, Any]) -> dict[str, Any]:
    """v1beta1 {serviceName, servicePort} -> v1 {service: {name, port: {number|name}}}; resource backends unchanged."""
    if "serviceName" not in b:
        return dict(b)
    port = b.get("servicePort")
    if isinstance(port, int) or (isinstance(port, str) and port.isdigit()):
        p: dict[str, Any] = {"number": int(port)}
    else:
        p = {"name": port}
    return {"service": {"name": b["serviceName"], "port": p}}


def _ingress(obj: Mapping[str, Any], to: str) -> tuple[Ops, list[Finding]]:
    ops: Ops = [{"op": "replace", "path": "/apiVersion", "value": to}]
    spec = obj.get("spec") or {}
    if "backend" in spec:
        ops += [{"op": "remove", "path": "/spec/backend"},
                {"op": "add", "path": "/spec/defaultBackend", "value": ingress_backend_v1(spec["backend"])}]
    for i, r in enumerate(spec.get("rules") or []):
        for j, p in enumerate(((r.get("http") or {}).get("paths")) or []):
            base = ("spec", "rules", i, "http", "paths", j)
            if "backend" in p and "serviceName" in p["backend"]:
                ops.append({"op": "replace", "path": ptr(*base, "backend"), "value": ingress_backend_v1(p["backend"])})
            if "pathType" not in p:
                ops.append({"op": "add", "path": ptr(*base, "pathType"), "value": "ImplementationSpecific"})
    return ops, []


def hpa_metric_v2(m: Mapping[str, Any]) -> dict[str, Any]:
    """autoscaling/v2beta1 metric -> autoscaling/v2 (target moves into a MetricTarget)."""
    t = m.get("type")
    src = m.get(_lc(t)) if t else None
    if not isinstance(src, Mapping) or "target" in src and isinstance(src.get("target"), Mapping) and "type" in src["target"]:
        return dict(m)  # already v2 shape (v2beta2)

    def target(util_key: str | None, avg_key: str | None, val_key: str | None) -> dict[str, Any]:
        if util_key and util_key in src:
            return {"type": "Utilization", "averageUtilization": src[util_key]}
        if avg_key and avg_key in src:
            return {"type": "AverageValue", "averageValue": src[avg_key]}
        if val_key and val_key in src:
            return {"type": "Value", "value": src[val_key]}
        return {"type": "Utilization"}

    if t in ("Resource", "ContainerResource"):
        out = {"name": src.get("name"), "target": target("targetAverageUtilization", "targetAverageValue", None)}
        if t == "ContainerResource":
            out["container"] = src.get("container")
    elif t == "Pods":
        out = {"metric": _metric(src), "target": target(None, "targetAverageValue", None)}
    elif t == "Object":
        out = {"describedObject": src.get("target"), "metric": _metric(src), "target": target(None, "averageValue", "targetValue")}
    elif t == "External":
        out = {"metric": _metric(src, "metricSelector"), "target": target(None, "targetAverageValue", "targetValue")}
    else:
        return dict(m)
    return {"type": t, _lc(t): out}


def _lc(t: str) -> str:
    return t[0].lower() + t[1:]


def _metric(src: Mapping[str, Any], sel_key: str = "selector") -> dict[str, Any]:
    m: dict[str, Any] = {"name": src.get("metricName")}
    if src.get(sel_key):
        m["selector"] = src[sel_key]
    return m


def _hpa(obj: Mapping[str, Any], to: str) -> tuple[Ops, list[Finding]]:
    ops: Ops = [{"op": "replace", "path": "/apiVersion", "value": to}]
    for i, m in enumerate((obj.get("spec") or {}).get("metrics") or []):
        new = hpa_metric_v2(m)
        if new != m:
            ops.append({"op": "replace", "path": ptr("spec", "metrics", i), "value": new})
    return ops, []


def _workload(obj: Mapping[str, Any], to: str) -> tuple[Ops, list[Finding]]:
    ops: Ops = [{"op": "replace", "path": "/apiVersion", "value": to}]
    spec = obj.get("spec") or {}
    finds: list[Finding] = []
    if "selector" not in spec:
        labels = ((spec.get("template") or {}).get("metadata") or {}).get("labels") or {}
        ops.append({"op": "add", "path": "/spec/selector", "value": {"matchLabels": dict(labels)}})
        finds.append(Finding("Info", "SELECTOR_MADE_EXPLICIT", "apps/v1 requires spec.selector; set from the pod template labels",
                             path="/spec/selector"))
    for k in ("rollbackTo", "templateGeneration"):
        if k in spec:
            ops.append({"op": "remove", "path": ptr("spec", k)})
    return ops, finds


def _pdb(obj: Mapping[str, Any], to: str) -> tuple[Ops, list[Finding]]:
    finds: list[Finding] = []
    sel = (obj.get("spec") or {}).get("selector")
    if sel == {} or sel is None:
        finds.append(Finding("Warning", "PDB_EMPTY_SELECTOR",
                             "an empty selector matched no pods in policy/v1beta1 and matches EVERY pod of the namespace in policy/v1",
                             path="/spec/selector", resolution="set a selector for the pods this budget protects"))
    return [{"op": "replace", "path": "/apiVersion", "value": to}], finds


def _webhook(obj: Mapping[str, Any], to: str) -> tuple[Ops, list[Finding]]:
    ops: Ops = [{"op": "replace", "path": "/apiVersion", "value": to}]
    finds: list[Finding] = []
    for i, w in enumerate(obj.get("webhooks") or []):
        if "admissionReviewVersions" not in w:
            ops.append({"op": "add", "path": ptr("webhooks", i, "admissionReviewVersions"), "value": ["v1beta1"]})
        if w.get("sideEffects") in (None, "Unknown", "Some"):
            ops.append({"op": "add", "path": ptr("webhooks", i, "sideEffects"), "value": "None"})
            finds.append(Finding("Warning", "WEBHOOK_SIDE_EFFECTS_ASSUMED",
                                 f"webhook {w.get('name')}: v1 requires sideEffects None|NoneOnDryRun; None assumed",
                                 path=ptr("webhooks", i, "sideEffects"), resolution="confirm with the webhook's owner"))
    return ops, finds


def _same_shape(obj: Mapping[str, Any], to: str) -> tuple[Ops, list[Finding]]:
    return [{"op": "replace", "path": "/apiVersion", "value": to}], []


Converter = Callable[[Mapping[str, Any], str], tuple[Ops, list[Finding]]]
CONVERTERS: dict[tuple[str, str], Converter] = {
    ("extensions/v1beta1", "Ingress"): _ingress,
    ("networking.k8s.io/v1beta1", "Ingress"): _ingress,
    ("networking.k8s.io/v1beta1", "IngressClass"): _same_shape,
    ("autoscaling/v2beta1", "HorizontalPodAutoscaler"): _hpa,
    ("autoscaling/v2beta2", "HorizontalPodAutoscaler"): _hpa,
    ("batch/v1beta1", "CronJob"): _same_shape,
    ("batch/v2alpha1", "CronJob"): _same_shape,
    ("policy/v1beta1", "PodDisruptionBudget"): _pdb,
    ("extensions/v1beta1", "NetworkPolicy"): _same_shape,
    ("admissionregistration.k8s.io/v1beta1", "MutatingWebhookConfiguration"): _webhook,
    ("admissionregistration.k8s.io/v1beta1", "ValidatingWebhookConfiguration"): _webhook,
    ("scheduling.k8s.io/v1beta1", "PriorityClass"): _same_shape,
    ("scheduling.k8s.io/v1alpha1", "PriorityClass"): _same_shape,
    ("node.k8s.io/v1beta1", "RuntimeClass"): _same_shape,
    ("storage.k8s.io/v1beta1", "CSIStorageCapacity"): _same_shape,
    ("coordination.k8s.io/v1beta1", "Lease"): _same_shape,
    ("certificates.k8s.io/v1beta1", "CertificateSigningRequest"): _same_shape,
}
for _k in ("Deployment", "DaemonSet", "StatefulSet", "ReplicaSet"):
    for _v in ("extensions/v1beta1", "apps/v1beta1", "apps/v1beta2"):
        CONVERTERS[(_v, _k)] = _workload
for _k in ("ClusterRole", "ClusterRoleBinding", "Role", "RoleBinding"):
    for _v in ("rbac.authorization.k8s.io/v1beta1", "rbac.authorization.k8s.io/v1alpha1"):
        CONVERTERS[(_v, _k)] = _same_shape
for _k in ("StorageClass", "CSIDriver", "CSINode", "VolumeAttachment"):
    CONVERTERS[("storage.k8s.io/v1beta1", _k)] = _same_shape


def convert(obj: Mapping[str, Any], to: str) -> tuple[Ops, list[Finding]] | None:
    conv = CONVERTERS.get((obj.get("apiVersion", ""), obj.get("kind", "")))
    return conv(obj, to) if conv else None


def api_status(api_version: str, kind: str, ctx: RuleContext) -> tuple[str, Any] | None:
    """("removed"|"deprecated", entry) for an API at the target version, else None."""
    if ctx.deprecations is None:
        return None
    e = ctx.deprecations.removed_at(api_version, kind, ctx.target_minor)
    if e:
        return "removed", e
    e = ctx.deprecations.deprecated_at(api_version, kind, ctx.target_minor)
    if e:
        return "deprecated", e
    if ctx.target.served_api_versions and api_version not in ctx.target.served_api_versions and "/" in api_version:
        grp = api_version.split("/")[0]
        if not grp.endswith(".k8s.io") and "." in grp:
            return None  # CRD groups are checked against the CRDs, not the built-in list
        return "unserved", None
    return None


@rule("distroshift.io/apiversions/convert", priority=70)
def convert_removed(obj: Mapping[str, Any], ctx: RuleContext) -> list[Outcome]:
    """Convert objects whose API version the target no longer serves (or deprecates) to the replacement."""
    av, kind = obj.get("apiVersion", ""), obj.get("kind", "")
    if kind == "PodSecurityPolicy":
        return []  # no API replacement; podsecurity.py derives PSA labels
    st = api_status(av, kind, ctx)
    if st is None:
        return []
    state, e = st
    target = f"1.{ctx.target_minor}"
    if state == "unserved":
        return [Finding("Blocker", "API_NOT_SERVED", f"{av} {kind} is not served by the target",
                        resolution="install the CRD/add-on that serves it, or convert the object by hand")]
    to = e.replacement_api
    repl_minor = e.replacement_minor()
    if not to or (repl_minor is not None and repl_minor > ctx.target_minor):
        sev = "Blocker" if state == "removed" else "Warning"
        return [Finding(sev, "API_REMOVED" if state == "removed" else "API_DEPRECATED",
                        f"{av} {kind} is {state} in {e.removed_in or e.deprecated_in} and has no replacement served by {target}",
                        resolution="rewrite or drop this object by hand")]
    conv = convert(obj, to)
    if conv is None:
        if state == "removed":
            return [Finding("Blocker", "API_REMOVED_NO_CONVERSION",
                            f"{av} {kind} is removed in {e.removed_in}; replacement {to} has no automatic conversion",
                            resolution=f"rewrite the object as {to} (or upgrade the chart/operator that ships it)")]
        return [Finding("Warning", "API_DEPRECATED", f"{av} {kind} is deprecated in {e.deprecated_in}; use {to}")]
    ops, finds = conv
    when = f"removed in {e.removed_in}" if state == "removed" else f"deprecated in {e.deprecated_in}"
    out: list[Outcome] = [Patch(ops, f"{av} {kind} is {when}; converted to {to}")]
    out.append(Finding("Info", "API_CONVERTED", f"{av} -> {to} ({when})", path="/apiVersion"))
    out += finds
    return out


def object_with_ops(obj: Mapping[str, Any], ops: Ops) -> dict[str, Any]:
    import jsonpatch

    return jsonpatch.apply_patch(copy.deepcopy(dict(obj)), ops)
