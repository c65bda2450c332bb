"""DeploymentConfig -> Deployment, images, pod security, placement, namespace references."""

from __future__ import annotations

import jsonpatch
import pytest

from factories import (cluster_role, configmap, deployment, deployment_config, network_policy, psp, role_binding, rule_context, scc)
from migrate.models.common import ObjectRef
from migrate.plan.validate import Validator
from migrate.rules import images, kinds, namespaces, placement, podsecurity
from migrate.rules.base import Finding, Patch, Replace


def _patched(obj, out):
    return jsonpatch.apply_patch(obj, [op for o in out if isinstance(o, Patch) for op in o.ops])


def test_deploymentconfig_becomes_a_valid_deployment():
    dc = deployment_config("legacy", "analytics", strategy={"type": "Recreate", "recreateParams": {"pre": {"failurePolicy": "Abort"}}},
                           triggers=[{"type": "ImageChange", "imageChangeParams": {"automatic": True, "containerNames": ["legacy"],
                                                                                  "from": {"kind": "ImageStreamTag", "name": "legacy:latest"}}}])
    out = kinds.deploymentconfig(dc, rule_context("kubeadm", distro="openshift"))
    (rep,) = [o for o in out if isinstance(o, Replace)]
    (dep,) = rep.objects
    assert dep["apiVersion"] == "apps/v1" and dep["kind"] == "Deployment"
    assert dep["spec"]["selector"] == {"matchLabels": {"app": "legacy", "deploymentconfig": "legacy"}}
    assert dep["spec"]["strategy"] == {"type": "Recreate"}
    assert {f.code for f in out if isinstance(f, Finding)} == {"DC_IMAGE_TRIGGER", "DC_LIFECYCLE_HOOKS"}
    dep["metadata"] = {k: v for k, v in dep["metadata"].items() if k in ("name", "namespace", "labels")}
    assert Validator("1.33").validate(dep, ObjectRef.of(dep)) == []


def test_rolling_params_carry_over():
    (rep,) = [o for o in kinds.deploymentconfig(deployment_config("a", "b"), rule_context("kubeadm", distro="openshift")) if isinstance(o, Replace)]
    assert rep.objects[0]["spec"]["strategy"] == {"type": "RollingUpdate", "rollingUpdate": {"maxSurge": "25%", "maxUnavailable": "25%"}}


@pytest.mark.parametrize("image,regmap,expected", [
    ("nginx:1.25", {"docker.io": "mirror.example.com/dockerhub"}, "mirror.example.com/dockerhub/library/nginx:1.25"),
    ("harbor.corp.local/shop/web:2", {"harbor.corp.local": "registry.example.com/shop-mirror"}, "registry.example.com/shop-mirror/shop/web:2"),
    ("harbor.corp.local/shop/web:2", {"harbor.corp.local/shop": "r.example.com/s", "harbor.corp.local": "x.example.com"}, "r.example.com/s/web:2"),
    ("quay.io/acme/app@sha256:abc", {}, "quay.io/acme/app@sha256:abc"),
])
def test_registry_map(image, regmap, expected):
    out = images.registry_map(deployment("web", "shop", image=image), rule_context(registry_map=regmap))
    new = _patched(deployment("web", "shop", image=image), out)
    assert new["spec"]["template"]["spec"]["containers"][0]["image"] == expected


def test_internal_registry_image_is_a_blocker_unless_mapped():
    img = "image-registry.openshift-image-registry.svc:5000/shop/storefront:2.14.1"
    out = images.registry_map(deployment("web", "shop", image=img), rule_context("kubeadm", distro="openshift"))
    assert [(f.code, f.severity) for f in out if isinstance(f, Finding)] == [("IMAGE_INTERNAL_REGISTRY", "Blocker")]
    ctx = rule_context("kubeadm", distro="openshift", registry_map={"image-registry.openshift-image-registry.svc:5000": "registry.example.com/ocp"})
    new = _patched(deployment("web", "shop", image=img), images.registry_map(deployment("web", "shop", image=img), ctx))
    assert new["spec"]["template"]["spec"]["containers"][0]["image"] == "registry.example.com/ocp/shop/storefront:2.14.1"


@pytest.mark.parametrize("spec,level", [
    ({"privileged": True}, "privileged"),
    ({"hostNetwork": True}, "privileged"),
    ({"volumes": ["hostPath", "secret"]}, "privileged"),
    ({"allowedCapabilities": ["NET_ADMIN"]}, "privileged"),
    ({}, "baseline"),
    ({"runAsUser": {"rule": "MustRunAsNonRoot"}, "requiredDropCapabilities": ["ALL"], "allowPrivilegeEscalation": False}, "restricted"),
])
def test_psp_level(spec, level):
    assert podsecurity.psp_level(psp("p", **spec)) == level


def test_namespace_levels_follow_who_may_use_which_policy():
    objs = [psp("restricted", runAsUser={"rule": "MustRunAsNonRoot"}, requiredDropCapabilities=["ALL"], allowPrivilegeEscalation=False),
            psp("privileged", privileged=True),
            cluster_role("psp-restricted", [{"apiGroups": ["policy"], "resources": ["podsecuritypolicies"], "verbs": ["use"], "resourceNames": ["restricted"]}]),
            cluster_role("psp-privileged", [{"apiGroups": ["policy"], "resources": ["podsecuritypolicies"], "verbs": ["use"], "resourceNames": ["privileged"]}]),
            role_binding("all-restricted", None, "psp-restricted", [{"kind": "Group", "name": "system:serviceaccounts", "apiGroup": "rbac.authorization.k8s.io"}]),
            role_binding("agent-privileged", "monitoring", "psp-privileged", [{"kind": "ServiceAccount", "name": "node-exporter", "namespace": "monitoring"}]),
            scc("anyuid", users=["system:serviceaccount:cms:legacy"], runAsUser={"type": "RunAsAny"})]
    levels, sources = podsecurity.derive_namespace_levels(objs, ["shop", "monitoring", "cms"])
    assert levels == {"shop": "restricted", "monitoring": "privileged", "cms": "baseline"}
    assert sources["monitoring"] == "PodSecurityPolicy/privileged"


def test_namespace_gets_psa_labels_and_psp_is_dropped():
    ctx = rule_context(psa_levels={"shop": "restricted"}, psa_sources={"shop": "PodSecurityPolicy/restricted"})
    ns = {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "shop", "labels": {"team": "web"}}}
    new = _patched(ns, podsecurity.ns_labels(ns, ctx))
    assert new["metadata"]["labels"]["pod-security.kubernetes.io/enforce"] == "restricted"
    out = podsecurity.policies(psp("restricted"), ctx)
    assert "shop" in out[0].reason and out[1].code == "PSP_TO_PSA"


def test_hardened_target_flags_pods_that_need_more():
    d = deployment("agent", "ops", hostNetwork=True)
    out = podsecurity.workload_fit(d, rule_context("kubeadm-hardened"))
    assert out and out[0].code == "POD_SECURITY_VIOLATION" and out[0].severity == "Blocker"
    assert podsecurity.workload_fit(d, rule_context("rke2")) == []  # privileged by default there


def test_source_only_node_labels_are_rewritten_or_flagged():
    d = deployment("web", "shop", nodeSelector={"node-role.kubernetes.io/master": "", "node-role.kubernetes.io/infra": ""},
                   tolerations=[{"key": "node-role.kubernetes.io/master", "operator": "Exists", "effect": "NoSchedule"}])
    out = placement.node_labels(d, rule_context("rke2", distro="openshift"))
    new = _patched(d, out)
    spec = new["spec"]["template"]["spec"]
    assert "node-role.kubernetes.io/control-plane" in spec["nodeSelector"] and "node-role.kubernetes.io/master" not in spec["nodeSelector"]
    assert spec["tolerations"][0]["key"] == "node-role.kubernetes.io/control-plane"
    assert [f.code for f in out if isinstance(f, Finding)] == ["PLACEMENT_SOURCE_ONLY_LABEL"]


def test_namespace_map_rewrites_references():
    ctx = rule_context(namespace_map={"shop": "shop-prod"})
    np = network_policy("allow", "payments", {"kubernetes.io/metadata.name": "shop"})
    assert _patched(np, namespaces.network_policy_selectors(np, ctx))["spec"]["ingress"][0]["from"][0]["namespaceSelector"]["matchLabels"] == {
        "kubernetes.io/metadata.name": "shop-prod"}
    rb = role_binding("view", "payments", "view", [{"kind": "ServiceAccount", "name": "api", "namespace": "shop"},
                                                   {"kind": "Group", "name": "system:serviceaccounts:shop", "apiGroup": "rbac.authorization.k8s.io"}])
    subj = _patched(rb, namespaces.rbac_subjects(rb, ctx))["subjects"]
    assert subj[0]["namespace"] == "shop-prod" and subj[1]["name"] == "system:serviceaccounts:shop-prod"
    cm = configmap("cfg", "payments", {"DB": "postgres.shop.svc.cluster.local:5432", "CACHE": "redis-master.shop:6379", "OTHER": "shopping.example.com"})
    out = namespaces.service_dns(cm, ctx)
    data = _patched(cm, out)["data"]
    assert data == {"DB": "postgres.shop-prod.svc.cluster.local:5432", "CACHE": "redis-master.shop-prod:6379", "OTHER": "shopping.example.com"}
    assert [f.code for f in out if isinstance(f, Finding)] == ["SERVICE_DNS_GUESSED"]


def test_namespace_map_moves_helm_ownership_and_flags_the_release_record():
    """Helm adopts an object only if meta.helm.sh/release-namespace names the release's namespace."""
    ctx = rule_context(namespace_map={"shop": "shop-new"})
    ann = {"meta.helm.sh/release-name": "redis", "meta.helm.sh/release-namespace": "shop"}
    sts = deployment("redis-master", "shop")
    sts["metadata"]["annotations"] = dict(ann)
    assert _patched(sts, namespaces.helm_ownership(sts, ctx))["metadata"]["annotations"] == {
        "meta.helm.sh/release-name": "redis", "meta.helm.sh/release-namespace": "shop-new"}
    cr = cluster_role("redis-reader", [])  # cluster-scoped objects of the release carry it too
    cr["metadata"]["annotations"] = dict(ann)
    assert _patched(cr, namespaces.helm_ownership(cr, ctx))["metadata"]["annotations"]["meta.helm.sh/release-namespace"] == "shop-new"
    other = deployment("web", "payments")
    other["metadata"]["annotations"] = {"meta.helm.sh/release-name": "web", "meta.helm.sh/release-namespace": "payments"}
    assert namespaces.helm_ownership(other, ctx) == []
    assert namespaces.helm_ownership(sts, rule_context()) == []  # no map, nothing to do

    rec = {"apiVersion": "v1", "kind": "Secret", "type": "helm.sh/release.v1",
           "metadata": {"name": "sh.helm.release.v1.redis.v1", "namespace": "shop", "labels": {"name": "redis", "owner": "helm"}}}
    (f,) = namespaces.helm_release_record(rec, ctx)
    assert f.code == "HELM_RELEASE_RECORD_NAMESPACE" and f.severity == "Warning"
    assert "still says namespace shop" in f.message and "-n shop-new" in f.resolution
    assert namespaces.helm_release_record({**rec, "type": "Opaque"}, ctx) == []
