"""Readiness (before cutover) and parity (after) against a simulated RKE2 target, over real HTTP."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from migrate.cli.main import run
from migrate.cluster import connect
from migrate.models.common import ObjectRef
from migrate.models.inventory import Inventory, PVCInfo, WorkloadInfo
from migrate.models.io import write_artifact
from migrate.models.plan import Decision, IngressClassMapping, NamespacePlan, ObjectPlan, Plan, SourceSummary, StorageMapping, TargetSummary
from migrate.sim import serve

NS = "shop"
MANIFESTS = {
    "10-namespaces/shop.yaml": {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": NS, "labels": {"pod-security.kubernetes.io/enforce": "baseline"}}},
    "30-config/shop/cm.yaml": {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "web-config", "namespace": NS}, "data": {"MODE": "prod"}},
    "30-config/shop/secret.yaml": {"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "web-db", "namespace": NS,
                                   "annotations": {"distroshift.io/data-from-source": "true"}}, "type": "Opaque", "data": {"password": ""}},
    "40-storage/shop/pvc.yaml": {"apiVersion": "v1", "kind": "PersistentVolumeClaim", "metadata": {"name": "uploads", "namespace": NS},
                                 "spec": {"accessModes": ["ReadWriteOnce"], "storageClassName": "local-path", "resources": {"requests": {"storage": "5Gi"}}}},
    "50-workloads/shop/web.yaml": {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web", "namespace": NS},
                                   "spec": {"replicas": 2, "selector": {"matchLabels": {"app": "web"}}, "template": {"metadata": {"labels": {"app": "web"}},
                                            "spec": {"containers": [{"name": "web", "image": "registry.example.com/shop/web:1.4.2"}]}}}},
    "50-workloads/shop/web-svc.yaml": {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "web", "namespace": NS},
                                       "spec": {"selector": {"app": "web"}, "ports": [{"port": 80, "targetPort": 8080}]}},
    "60-ingress/shop/web.yaml": {"apiVersion": "networking.k8s.io/v1", "kind": "Ingress", "metadata": {"name": "web", "namespace": NS},
                                 "spec": {"ingressClassName": "nginx", "rules": [{"host": "shop.example.com", "http": {"paths": [{"path": "/", "pathType": "Prefix",
                                          "backend": {"service": {"name": "web", "port": {"number": 80}}}}]}}]}},
}


def _write_plan(tmp: Path, manifests: dict[str, dict], storage_target: str = "local-path") -> Path:
    plan_dir = tmp / "plan"
    objects = []
    for rel, obj in manifests.items():
        f = plan_dir / "manifests" / rel
        f.parent.mkdir(parents=True, exist_ok=True)
        f.write_text(yaml.safe_dump(obj))
        ref = ObjectRef.of(obj)
        objects.append(ObjectPlan(source=ref, target=ref, decision=Decision.Keep, manifest=rel))
    plan = Plan(
        source=SourceSummary(inventory="inventory.json", distro="dkp"),
        target=TargetSummary(profile="rke2", kubernetes_version="1.35"),
        storage=[StorageMapping(source_class="vsphere-raw-block-sc", target_class=storage_target, reason="RWO block")],
        ingress=[IngressClassMapping(source_class="kommander-traefik", target_class="nginx", reason="bundled ingress-nginx")],
        namespaces=[NamespacePlan(source=NS, target=NS, category="workload", migrate=True, readiness="Ready",
                                  pod_security_labels={"pod-security.kubernetes.io/enforce": "baseline"})],
        objects=objects,
        manifest_order=sorted(manifests),
    )
    write_artifact(plan_dir / "plan.json", plan)
    return plan_dir


def _write_inventory(tmp: Path) -> Path:
    inv = Inventory(
        workloads=[WorkloadInfo(ref=ObjectRef(api_version="apps/v1", kind="Deployment", name="web", namespace=NS), replicas=2, ready_replicas=2)],
        pvcs=[PVCInfo(ref=ObjectRef(api_version="v1", kind="PersistentVolumeClaim", name="uploads", namespace=NS), storage_class="vsphere-raw-block-sc", size="5Gi")],
    )
    return write_artifact(tmp / "inventory.json", inv)


def _apply_all(kubeconfig: Path, manifests: dict[str, dict]) -> None:
    client = connect(str(kubeconfig))
    for rel in sorted(manifests):
        obj = json.loads(json.dumps(manifests[rel]))
        if obj["kind"] == "Secret":
            obj["data"] = {"password": "c2VjcmV0"}
        client.apply(obj)


def test_readiness_passes_on_matching_target_and_names_what_is_missing(tmp_path, capsys):
    plan_dir = _write_plan(tmp_path, MANIFESTS)
    with serve("rke2") as sim:
        rc = run(["readiness", "--kubeconfig", str(sim.kubeconfig), "--plan", str(plan_dir), "-o", "json",
                  "--out", str(tmp_path / "readiness.json"), "--junit", str(tmp_path / "readiness.xml")])
        report = json.loads(capsys.readouterr().out)
        assert rc == 0, [c for c in report["checks"] if c["status"] != "Passed"]
        ids = {c["id"] for c in report["checks"]}
        assert {"distroshift.io/readiness/api-version", "distroshift.io/readiness/nodes-ready",
                "distroshift.io/readiness/storageclass/local-path", "distroshift.io/readiness/ingressclass/nginx",
                "distroshift.io/readiness/cluster-dns"} <= ids
        assert "<testcase" in (tmp_path / "readiness.xml").read_text()

        # A plan that needs a class and a CRD the target lacks fails, naming both.
        bad = dict(MANIFESTS)
        bad["60-ingress/shop/route.yaml"] = {"apiVersion": "traefik.io/v1alpha1", "kind": "IngressRoute",
                                            "metadata": {"name": "web", "namespace": NS}, "spec": {}}
        plan_dir2 = _write_plan(tmp_path / "bad", bad, storage_target="vsphere-raw-block-sc")
        rc = run(["readiness", "--kubeconfig", str(sim.kubeconfig), "--plan", str(plan_dir2), "-o", "json"])
        report = json.loads(capsys.readouterr().out)
        failed = {c["id"]: c["message"] for c in report["checks"] if c["status"] == "Failed"}
        assert rc == 1
        assert "vsphere-raw-block-sc" in failed["distroshift.io/readiness/storageclass/vsphere-raw-block-sc"]
        assert "install the add-on" in failed["distroshift.io/readiness/crd/IngressRoute.traefik.io/v1alpha1"]


def test_parity_passes_after_a_faithful_cutover(tmp_path, capsys):
    plan_dir = _write_plan(tmp_path, MANIFESTS)
    inv = _write_inventory(tmp_path)
    with serve("rke2", workload_sim=True) as sim:
        _apply_all(sim.kubeconfig, MANIFESTS)
        rc = run(["verify", "--kubeconfig", str(sim.kubeconfig), "--plan", str(plan_dir), "--source-inventory", str(inv), "-o", "json"])
        report = json.loads(capsys.readouterr().out)
    assert rc == 0, [c for c in report["checks"] if c["status"] != "Passed"]
    titles = {c["title"] for c in report["checks"]}
    assert "Deployment/shop/web has the source's replicas ready" in titles
    assert "PersistentVolumeClaim/shop/uploads Bound" in titles
    assert "Service/shop/web has endpoints" in titles


def test_parity_lists_every_planted_difference(tmp_path, capsys):
    plan_dir = _write_plan(tmp_path, MANIFESTS)
    inv = _write_inventory(tmp_path)
    with serve("rke2", workload_sim=True) as sim:
        sim.store.never_ready(f"{NS}/web")  # a workload that never becomes ready
        applied = {k: v for k, v in MANIFESTS.items() if "cm.yaml" not in k}  # a missing object
        wrong = json.loads(json.dumps(applied["40-storage/shop/pvc.yaml"]))
        wrong["spec"]["storageClassName"] = "other"  # a PVC on the wrong class
        applied["40-storage/shop/pvc.yaml"] = wrong
        sim.store.put({"apiVersion": "storage.k8s.io/v1", "kind": "StorageClass", "metadata": {"name": "other"}, "provisioner": "example.com/other"})
        _apply_all(sim.kubeconfig, applied)
        rc = run(["verify", "--kubeconfig", str(sim.kubeconfig), "--plan", str(plan_dir), "--source-inventory", str(inv), "-o", "json",
                  "--junit", str(tmp_path / "parity.xml")])
        report = json.loads(capsys.readouterr().out)
    assert rc == 1
    failed = {c["title"]: c for c in report["checks"] if c["status"] == "Failed"}
    assert "ConfigMap/shop/web-config exists" in failed
    assert failed["Deployment/shop/web has the source's replicas ready"]["message"] == "0/2 ready"
    assert "PersistentVolumeClaim/shop/uploads on the mapped StorageClass" in failed
    assert any("storageClassName" in e for e in failed["PersistentVolumeClaim/shop/uploads matches the plan"]["evidence"])
    junit = (tmp_path / "parity.xml").read_text()
    assert junit.count("<failure") == len(failed)


def test_verify_with_unknown_context_is_one_line_exit_2(tmp_path, capsys):
    plan_dir = _write_plan(tmp_path, MANIFESTS)
    with serve("rke2") as sim:
        rc = run(["verify", "--kubeconfig", str(sim.kubeconfig), "--context", "nope", "--plan", str(plan_dir)])
    err = capsys.readouterr().err
    errors = [line for line in err.splitlines() if line.startswith("error:")]
    assert rc == 2
    # (other tests' simulator threads in this process may log too; the command itself says one line)
    assert len(errors) == 1 and "nope" in errors[0] and "Traceback" not in err


def test_verify_refuses_the_plans_source_cluster_and_a_foreign_inventory(tmp_path, capsys):
    from migrate.models.io import read_artifact

    plan_dir = _write_plan(tmp_path, MANIFESTS)
    inv_path = _write_inventory(tmp_path)
    with serve("rke2") as sim:
        uid = connect(str(sim.kubeconfig)).get("/api/v1/namespaces/kube-system")["metadata"]["uid"]
        plan = read_artifact(plan_dir / "plan.json", Plan)
        plan.source.cluster_uid, plan.source.cluster = uid, "rke2"
        write_artifact(plan_dir / "plan.json", plan)
        rc = run(["verify", "--kubeconfig", str(sim.kubeconfig), "--plan", str(plan_dir)])
        err = capsys.readouterr().err
        assert rc == 2 and "SOURCE cluster" in err and err.count("\n") == 1

        plan.source.cluster_uid = "another-cluster"
        write_artifact(plan_dir / "plan.json", plan)
        inv = read_artifact(inv_path, Inventory)
        inv.cluster.uid, inv.cluster.name = "yet-another", "dkp-prod"
        write_artifact(inv_path, inv)
        rc = run(["verify", "--kubeconfig", str(sim.kubeconfig), "--plan", str(plan_dir), "--source-inventory", str(inv_path)])
        err = capsys.readouterr().err
        assert rc == 2 and "dkp-prod" in err and "inventory.json" in err


def test_readiness_groups_can_be_chosen(tmp_path):
    from conformance.checks import run_readiness

    bad = dict(MANIFESTS)
    bad["60-ingress/shop/route.yaml"] = {"apiVersion": "traefik.io/v1alpha1", "kind": "IngressRoute",
                                        "metadata": {"name": "web", "namespace": NS}, "spec": {}}
    plan_dir = _write_plan(tmp_path, bad)
    with serve("rke2") as sim:
        client = connect(str(sim.kubeconfig))
        before_addons = run_readiness(client, plan_dir, skip=("crds",))
        crds_only = run_readiness(client, plan_dir, only=("crds",))
    assert not before_addons.failing and not any("/crd/" in c.id for c in before_addons.checks)
    assert [c.id for c in crds_only.failing] == ["distroshift.io/readiness/crd/IngressRoute.traefik.io/v1alpha1"]
