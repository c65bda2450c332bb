"""What is not migrated (with the reason) and which runtime fields are stripped."""

from __future__ import annotations

import jsonpatch
import pytest

from factories import configmap, deployment, meta, pod, pvc, rule_context, secret, service
from migrate.rules import scope, strip
from migrate.rules.base import Drop, Patch
from migrate.rules.registry import builtin_registry

REG = builtin_registry()


def _drops(obj, ctx):
    out = []
    for r in REG.rules():
        if r.applies_to.matches(obj):
            out += [o for o in r.run(obj, ctx) if isinstance(o, Drop)]
    return out


@pytest.mark.parametrize("obj,why", [
    (configmap("kube-root-ca.crt", "shop"), "kube-controller-manager"),
    ({"apiVersion": "v1", "kind": "ServiceAccount", "metadata": meta("default", "shop")}, "every namespace"),
    (secret("builder-token-x", "shop", type_="kubernetes.io/service-account-token"), "token"),
    (pod("web-7d9f-abcde", "shop"), "ReplicaSet/web-7d9f-abcde-rs"),
    (deployment("traefik", "kommander"), "system namespace"),
    (deployment("coredns", "kube-system"), "system namespace"),
    ({"apiVersion": "v1", "kind": "Node", "metadata": meta("worker-1")}, "node-local"),
    ({"apiVersion": "coordination.k8s.io/v1", "kind": "Lease", "metadata": meta("x", "shop")}, "node-local"),
    ({"apiVersion": "cluster.x-k8s.io/v1beta1", "kind": "Cluster", "metadata": meta("dkp-prod", "default")}, "Cluster API"),
    ({"apiVersion": "helm.toolkit.fluxcd.io/v2beta1", "kind": "HelmRelease", "metadata": meta("app", "shop")}, "plan.addons"),
    ({"apiVersion": "storage.k8s.io/v1", "kind": "StorageClass", "metadata": meta("vsphere-raw-block-sc")}, "plan.storage"),
    ({"apiVersion": "batch/v1", "kind": "Job", "metadata": meta("once", "shop"), "spec": {},
      "status": {"conditions": [{"type": "Complete", "status": "True"}]}}, "run it again"),
])
def test_not_migrated_objects_are_dropped_with_a_reason(obj, why):
    drops = _drops(obj, rule_context("rke2", distro="dkp"))
    assert drops, f"{obj['kind']}/{obj['metadata']['name']} should be dropped"
    assert why in drops[0].reason or any(why in d.reason for d in drops)


@pytest.mark.parametrize("obj", [deployment("web", "shop"), configmap("settings", "shop"), service("web", "shop"), pod("bare", "shop", owner_kind=None)])
def test_application_objects_are_not_dropped(obj):
    assert _drops(obj, rule_context("rke2", distro="dkp")) == []


def test_workloads_into_a_target_system_namespace_are_blocked():
    ctx = rule_context("rke2", distro="kubeadm", namespace_map={"team": "cattle-team"})
    out = scope.system_namespaces(configmap("x", "team"), ctx)
    assert out and out[0].code == "TARGET_SYSTEM_NAMESPACE"


def _apply(obj, rules, ctx):
    ops = [op for r in rules for o in r(obj, ctx) if isinstance(o, Patch) for op in o.ops]
    return jsonpatch.apply_patch(obj, ops)


def test_runtime_fields_are_stripped():
    ctx = rule_context()
    d = deployment("web", "shop")
    d["metadata"]["annotations"]["kubectl.kubernetes.io/last-applied-configuration"] = "{}"
    d["metadata"]["managedFields"] = [{"manager": "kubectl"}]
    new = _apply(d, [strip.runtime_metadata], ctx)
    for k in ("uid", "resourceVersion", "creationTimestamp", "generation", "managedFields"):
        assert k not in new["metadata"]
    assert "status" not in new
    assert new["metadata"]["annotations"] == {}


def test_service_addresses_and_pvc_binding_are_stripped():
    ctx = rule_context()
    svc = _apply(service("gw", "shop", type_="LoadBalancer"), [strip.service_addresses], ctx)
    assert "clusterIP" not in svc["spec"] and "clusterIPs" not in svc["spec"]
    assert all("nodePort" not in p for p in svc["spec"]["ports"])
    headless = service("db", "shop")
    headless["spec"]["clusterIP"] = "None"
    headless["spec"]["clusterIPs"] = ["None"]
    assert strip.service_addresses(headless, ctx) == []  # headless stays headless
    claim = _apply(pvc("data", "shop", "vsphere-raw-block-sc"), [strip.pvc_binding, strip.runtime_metadata], ctx)
    assert "volumeName" not in claim["spec"] and "finalizers" not in claim["metadata"]
    assert "pv.kubernetes.io/bind-completed" not in claim["metadata"]["annotations"]


def test_secrets_get_keys_with_empty_values_and_the_fill_annotation():
    ctx = rule_context(secret_keys={("shop", "db"): ("password", "username")})
    s = secret("db", "shop")
    new = _apply(s, [strip.secret_values], ctx)
    assert new["data"] == {"password": "", "username": ""}
    assert new["metadata"]["annotations"][strip.DATA_FROM_SOURCE] == "true"
