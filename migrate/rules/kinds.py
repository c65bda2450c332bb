"""Kinds without an equivalent on the target: OpenShift DeploymentConfig -> apps/v1 Deployment
(triggers, hooks and custom strategies flagged); other OpenShift kinds mapped or flagged."""

from __future__ import annotations

import copy
from typing import Any, Mapping

from migrate.rules.base import AppliesTo, Drop, Finding, Outcome, Replace, RuleContext
from migrate.rules.registry import rule

__all__ = ["deployment_config_to_deployment"]

_DC_ANNOTATIONS = ("openshift.io/deployment-config.latest-version", "openshift.io/deployment.phase",
                   "openshift.io/deployer-pod.completed-at", "openshift.io/encoded-deployment-config")


def _on_openshift(ctx: RuleContext) -> bool:
    return ctx.target.pod_security.model == "scc"


def deployment_config_to_deployment(obj: Mapping[str, Any]) -> tuple[dict[str, Any], list[Finding]]:
    md = obj.get("metadata") or {}
    spec = obj.get("spec") or {}
    finds: list[Finding] = []
    template = copy.deepcopy(spec.get("template") or {})
    selector = spec.get("selector") or ((template.get("metadata") or {}).get("labels") or {})
    strategy = spec.get("strategy") or {}
    st_type = strategy.get("type", "Rolling")
    new_strategy: dict[str, Any]
    if st_type == "Recreate":
        new_strategy = {"type": "Recreate"}
        if (strategy.get("recreateParams") or {}).keys() & {"pre", "mid", "post"}:
            finds.append(Finding("Warning", "DC_LIFECYCLE_HOOKS", "Recreate lifecycle hooks (pre/mid/post) have no Deployment equivalent",
                                 path="/spec/strategy/recreateParams", resolution="run them as Jobs or init containers"))
    else:
        rp = strategy.get("rollingParams") or {}
        ru = {k: rp[k] for k in ("maxSurge", "maxUnavailable") if k in rp}
        new_strategy = {"type": "RollingUpdate", **({"rollingUpdate": ru} if ru else {})}
        if rp.keys() & {"pre", "post"}:
            finds.append(Finding("Warning", "DC_LIFECYCLE_HOOKS", "rolling lifecycle hooks (pre/post) have no Deployment equivalent",
                                 path="/spec/strategy/rollingParams", resolution="run them as Jobs or init containers"))
        if st_type == "Custom":
            finds.append(Finding("Warning", "DC_CUSTOM_STRATEGY", "Custom deployment strategy replaced by RollingUpdate", path="/spec/strategy"))
    for i, t in enumerate(spec.get("triggers") or []):
        if t.get("type") == "ImageChange":
            p = t.get("imageChangeParams") or {}
            frm = p.get("from") or {}
            finds.append(Finding("Warning", "DC_IMAGE_TRIGGER",
                                 f"ImageChange trigger on {frm.get('kind', 'ImageStreamTag')} {frm.get('name')} for containers {', '.join(p.get('containerNames') or [])}: "
                                 "a Deployment is not redeployed when an image stream changes",
                                 path=f"/spec/triggers/{i}", resolution="let CI update the image (GitOps) or use a tag-watching tool"))
    if spec.get("test"):
        finds.append(Finding("Warning", "DC_TEST_MODE", "test mode DeploymentConfig (scaled to zero after rollout)", path="/spec/test"))
    new_md = {k: copy.deepcopy(v) for k, v in md.items() if k in ("name", "namespace", "labels", "annotations")}
    ann = {k: v for k, v in (new_md.get("annotations") or {}).items() if k not in _DC_ANNOTATIONS}
    if ann:
        new_md["annotations"] = ann
    else:
        new_md.pop("annotations", None)
    dspec: dict[str, Any] = {"replicas": spec.get("replicas", 1), "selector": {"matchLabels": dict(selector)}, "strategy": new_strategy,
                             "template": template}
    for k in ("minReadySeconds", "revisionHistoryLimit", "paused"):
        if k in spec:
            dspec[k] = spec[k]
    if "revisionHistoryLimit" not in dspec:
        dspec["revisionHistoryLimit"] = 10
    return {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": new_md, "spec": dspec}, finds


@rule("distroshift.io/kinds/deploymentconfig", priority=75, applies_to=AppliesTo(groups=("apps.openshift.io",), kinds=("DeploymentConfig",)))
def deploymentconfig(obj: Mapping[str, Any], ctx: RuleContext) -> list[Outcome]:
    """DeploymentConfig -> apps/v1 Deployment (strategy converted; triggers and hooks flagged)."""
    if _on_openshift(ctx):
        return [Finding("Info", "DC_DEPRECATED", "DeploymentConfig is deprecated since OpenShift 4.14; consider a Deployment")]
    dep, finds = deployment_config_to_deployment(obj)
    return [Replace([dep], "DeploymentConfig is OpenShift-only; replaced by an apps/v1 Deployment"), *finds]


@rule("distroshift.io/kinds/openshift-build", priority=75, applies_to=AppliesTo(groups=("build.openshift.io", "image.openshift.io"), kinds=("BuildConfig", "ImageStream", "ImageStreamTag", "ImageTag")))
def openshift_build(obj: Mapping[str, Any], ctx: RuleContext) -> list[Outcome]:
    """BuildConfigs and ImageStreams have no equivalent: builds move to CI, images to a reachable registry."""
    if _on_openshift(ctx):
        return []
    if obj.get("kind") == "BuildConfig":
        return [Drop("BuildConfig is OpenShift-only"),
                Finding("Warning", "BUILDCONFIG_NOT_MIGRATED", "in-cluster builds are not available on the target",
                        resolution="build images in CI and push them to a registry the target can pull from")]
    return [Drop(f"{obj.get('kind')} is OpenShift-only; images referenced from it are planned in plan.images"),
            Finding("Info", "IMAGESTREAM_NOT_MIGRATED", "workloads must reference images by registry path on the target")]


@rule("distroshift.io/kinds/openshift-misc", priority=75, applies_to=AppliesTo(groups=("template.openshift.io", "project.openshift.io", "quota.openshift.io", "network.openshift.io", "security.openshift.io", "authorization.openshift.io")))
def openshift_misc(obj: Mapping[str, Any], ctx: RuleContext) -> list[Outcome]:
    """Other OpenShift kinds: Templates and Projects dropped (the namespace carries over), quotas and
    egress policies flagged; custom SCCs are mapped to PSA levels by podsecurity.py."""
    if _on_openshift(ctx):
        return []
    kind = obj.get("kind")
    if kind == "SecurityContextConstraints":
        return []  # podsecurity.py
    if kind in ("Template", "Project", "ProjectRequest", "RoleBindingRestriction"):
        return [Drop(f"{kind} is OpenShift-only (the namespace and its objects carry over)")]
    if kind == "ClusterResourceQuota":
        return [Drop("ClusterResourceQuota is OpenShift-only"),
                Finding("Warning", "CLUSTER_QUOTA_NOT_MIGRATED", "multi-namespace quota not available on the target",
                        resolution="write a ResourceQuota per namespace")]
    if kind in ("EgressNetworkPolicy", "EgressFirewall"):
        return [Drop(f"{kind} is OpenShift-only"),
                Finding("Warning", "EGRESS_POLICY_NOT_MIGRATED", "egress firewall rules are not carried over",
                        resolution="express them as NetworkPolicy egress rules (or CNI-specific policies)")]
    return [Drop(f"{kind} is OpenShift-only"), Finding("Warning", "OPENSHIFT_KIND", f"{kind} has no equivalent on the target")]
