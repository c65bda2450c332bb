"""readiness and verify against the cluster, after the plan's manifests were applied to the mapped
namespace. Every expectation is read from the cluster itself, so the same test is right on the empty
simulator (no nodes, no DNS, no default StorageClass) and on kind/k3d (all three)."""

from __future__ import annotations

import subprocess

import pytest

from rc_app import REPLICAS, default_storage_class, ds, has_ready_node, load_json, pod_timeout, text_files, wait_ready

pytestmark = [pytest.mark.kubectl]


def plan_against_cluster(kube_target, app, context_name, out) -> None:
    """inventory -n NS, then a plan that reads the live target's classes and version (--target-context:
    here the same cluster), as an operator preparing a namespace move would."""
    r = ds("inventory", "--kubeconfig", kube_target.kubeconfig, "--context", context_name, "-n", app.namespace,
           "--out", out / "inventory.json", "-o", "json")
    assert r.rc == 0, r.why()
    r = ds("plan", "-i", out / "inventory.json", "--target", "kubeadm", "--kubeconfig", kube_target.kubeconfig,
           "--target-context", context_name, "--namespace-map", f"{app.namespace}={app.namespace}-target",
           "--out", out / "plan", "-o", "json")
    assert r.rc == 0, r.why()


def apply_manifests(kube_target, kubectl: str, out, target_namespace: str) -> None:
    """The plan's Namespace and everything planned into it (``manifests/NN-*/<ns>/``), in plan order.
    Not the cluster-scoped rest: `inventory -n` carries every cluster-scoped object of the cluster
    (other tests' CRDs too), and re-applying those here would resurrect what others just deleted."""
    manifests = out / "plan" / "manifests"
    files = [str(p) for p in sorted(manifests.glob("10-namespaces/_cluster/*.yaml")) if target_namespace in p.name]
    files += [str(p) for p in sorted(manifests.glob(f"*/{target_namespace}/*.yaml"))]
    argv = [kubectl, *kube_target.kubectl_args(), "apply"]
    for f in files:
        argv += ["-f", f]
    r = subprocess.run(argv, capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stdout + r.stderr


def statuses(result: dict) -> dict[str, str]:
    return {c["title"]: c["status"] for c in result["checks"]}


def by_id(result: dict, check_id: str) -> list[dict]:
    return [c for c in result["checks"] if c["id"] == check_id]


def test_readiness_reports_what_the_cluster_really_has(kube_target, app, context_name, out, rest):
    plan_against_cluster(kube_target, app, context_name, out)
    r = ds("readiness", "--plan", out / "plan", "--kubeconfig", kube_target.kubeconfig, "--context", context_name,
           "--out", out / "readiness.json", "-o", "json")
    assert r.rc in (0, 1), r.why()
    res = load_json(out / "readiness.json")
    failed = [c["title"] for c in res["checks"] if c["status"] == "Failed"]
    assert (r.rc == 0) == (not failed), r.why()

    (version,) = by_id(res, "distroshift.io/readiness/api-version")
    assert version["status"] == "Passed", version  # the plan took the version from this cluster
    (nodes,) = by_id(res, "distroshift.io/readiness/nodes-ready")
    assert (nodes["status"] == "Passed") == has_ready_node(rest), nodes
    dns = rest.get("/apis/apps/v1/namespaces/kube-system/deployments/coredns") or \
        rest.get("/api/v1/namespaces/kube-system/services/kube-dns")
    (dns_check,) = by_id(res, "distroshift.io/readiness/cluster-dns")
    assert (dns_check["status"] == "Passed") == (dns is not None), dns_check
    ingress = [c for c in res["checks"] if c["id"].startswith("distroshift.io/readiness/ingressclass/")]
    if app.ingress_class:
        assert [c["status"] for c in ingress] == ["Passed"], ingress  # mapped onto the class the cluster has
    (default_sc,) = by_id(res, "distroshift.io/readiness/default-storageclass")
    storage = [c for c in res["checks"] if c["id"].startswith("distroshift.io/readiness/storageclass/")]
    if app.default_storage_class:
        assert default_sc["status"] == "Passed"
        assert [c["status"] for c in storage] == ["Passed"], storage
    else:
        # no default class: the plan falls back to the kubeadm profile's, which this cluster lacks
        assert default_sc["status"] != "Passed" and storage and storage[0]["status"] == "Failed", storage
    for p, text in text_files(out):
        assert not any(n in text for n in app.secret_needles()), f"Secret value in {p}"


def test_verify_finds_every_planned_object_with_its_content(kube_target, app, context_name, out, kubectl_new,
                                                           target_namespace):
    plan_against_cluster(kube_target, app, context_name, out)
    apply_manifests(kube_target, kubectl_new, out, target_namespace)
    r = ds("verify", "--plan", out / "plan", "--source-inventory", out / "inventory.json", "--kubeconfig",
           kube_target.kubeconfig, "--context", context_name, "--out", out / "parity.json", "-o", "json")
    assert r.rc in (0, 1), r.why()
    res = load_json(out / "parity.json")
    st = statuses(res)
    for kind, name in app.objects:
        assert st.get(f"{kind}/{target_namespace}/{name} matches the plan") == "Passed", (kind, name, st)
    assert st[f"CronJob/{target_namespace}/nightly-report scheduled"] == "Passed"
    if app.ingress_class:
        assert st[f"Ingress/{target_namespace}/web on the mapped IngressClass"] == "Passed"
    assert st[f"PersistentVolumeClaim/{target_namespace}/web-data at least the source size"] == "Passed"


def test_verify_sees_the_copy_working(kube_target, pods_run, app, context_name, out, kubectl_new, rest,
                                      target_namespace):
    """Readiness-dependent parity (replicas ready, Service endpoints, PVC bound): pods must start."""
    plan_against_cluster(kube_target, app, context_name, out)
    apply_manifests(kube_target, kubectl_new, out, target_namespace)
    assert wait_ready(rest, target_namespace, "web", REPLICAS, pod_timeout(kube_target)), \
        f"{target_namespace}/web never had {REPLICAS} ready replicas ({pods_run})"
    r = ds("verify", "--plan", out / "plan", "--source-inventory", out / "inventory.json", "--kubeconfig",
           kube_target.kubeconfig, "--context", context_name, "--out", out / "parity.json", "-o", "json")
    st = statuses(load_json(out / "parity.json"))
    assert st[f"Deployment/{target_namespace}/web has the source's replicas ready"] == "Passed", r.why()
    assert st[f"Service/{target_namespace}/web has endpoints"] == "Passed", r.why()
    bound = f"PersistentVolumeClaim/{target_namespace}/web-data Bound"
    mine = {t: s for t, s in st.items() if target_namespace in t and (t != bound or app.default_storage_class)}
    assert set(mine.values()) == {"Passed"}, {t: s for t, s in mine.items() if s != "Passed"}
    others = sorted(t for t, s in st.items() if s != "Passed" and target_namespace not in t)
    # cluster-scoped objects `inventory -n` carried along (not applied here) are the only other failures
    assert r.rc == (1 if others or (st.get(bound) != "Passed") else 0), (others, r.why())


def test_pvc_binds_on_the_default_storage_class(kube_target, pods_run, app, rest, context_name, out, kubectl_new,
                                                target_namespace):
    """verify's "Bound" check where the cluster can bind: a default StorageClass (kind, k3d: a
    WaitForFirstConsumer class, bound once the copy's pod is scheduled)."""
    if app.default_storage_class is None:
        pytest.skip("the cluster has no default StorageClass: PVC binding is not checked "
                    "(test_verify_sees_the_copy_working leaves that one check out)")
    plan_against_cluster(kube_target, app, context_name, out)
    apply_manifests(kube_target, kubectl_new, out, target_namespace)
    assert wait_ready(rest, target_namespace, "web", REPLICAS, pod_timeout(kube_target))
    r = ds("verify", "--plan", out / "plan", "--source-inventory", out / "inventory.json", "--kubeconfig",
           kube_target.kubeconfig, "--context", context_name, "--out", out / "parity.json", "-o", "json")
    st = statuses(load_json(out / "parity.json"))
    assert st[f"PersistentVolumeClaim/{target_namespace}/web-data Bound"] == "Passed", r.why()
    pvc = rest.get(f"/api/v1/namespaces/{target_namespace}/persistentvolumeclaims/web-data")
    assert pvc["status"]["phase"] == "Bound"
    assert pvc["spec"].get("storageClassName") == app.default_storage_class  # the plan kept the cluster's default
