"""Helpers of the cutover integration tests (a module with a unique name: `from conftest import`
would pick up whichever conftest.py pytest loaded last when the whole suite runs).

Two simulated clusters (source "src" with a small shop app, empty target "tgt"), one merged
kubeconfig, and a plan directory written the way `distroshift plan` writes it (plan.json +
manifests/ in apply order; the Secret carries keys only)."""

from __future__ import annotations

import base64
import json
import os
import subprocess
import sys
from pathlib import Path

import yaml

from migrate.models.common import ObjectRef
from migrate.models.io import write_artifact
from migrate.models.plan import Decision, NamespacePlan, ObjectPlan, Plan, SourceSummary, TargetSummary

ROOT = Path(__file__).resolve().parents[3]
VELERO_STANDIN = ROOT / "tests" / "standins" / "velero"
SECRET_VALUE = "s3cr3t-Pa55word-never-print"

LABELS = {"app.kubernetes.io/name": "shop", "app.kubernetes.io/part-of": "shop"}

# What the source runs before the cutover, and how quiesce leaves it (a DaemonSet cannot be scaled:
# it is parked with a nodeSelector no node matches, on top of its own).
ORIGINAL = {"Deployment/web": 3, "StatefulSet/db": 1, "CronJob/nightly-report": False,
            "DaemonSet/edge-cache": {"kubernetes.io/os": "linux"}}
QUIESCED = {"Deployment/web": 0, "StatefulSet/db": 0, "CronJob/nightly-report": True,
            "DaemonSet/edge-cache": {"kubernetes.io/os": "linux", "distroshift.io/quiesced": "true"}}


def _deploy(name: str, replicas: int, image: str) -> dict:
    sel = {"app": name}
    return {
        "apiVersion": "apps/v1", "kind": "Deployment",
        "metadata": {"name": name, "namespace": "shop", "labels": {**LABELS, "app": name}},
        "spec": {"replicas": replicas, "selector": {"matchLabels": sel},
                 "template": {"metadata": {"labels": sel},
                              "spec": {"containers": [{"name": name, "image": image, "ports": [{"containerPort": 8080, "protocol": "TCP"}]}]}}},
    }


def source_objects() -> list[dict]:
    """What runs on the source (a live cluster shape: the Secret has its values)."""
    return [
        {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "shop", "labels": {"kubernetes.io/metadata.name": "shop"}}},
        {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "shop-config", "namespace": "shop", "labels": LABELS},
         "data": {"LOG_LEVEL": "info"}},
        {"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "db-credentials", "namespace": "shop"}, "type": "Opaque",
         "data": {"username": base64.b64encode(b"shop").decode(), "password": base64.b64encode(SECRET_VALUE.encode()).decode()}},
        _deploy("web", 3, "registry.example.com/shop/web:1.4.2"),
        {"apiVersion": "apps/v1", "kind": "StatefulSet",
         "metadata": {"name": "db", "namespace": "shop", "labels": {**LABELS, "app": "db"}},
         "spec": {"replicas": 1, "serviceName": "db", "selector": {"matchLabels": {"app": "db"}},
                  "template": {"metadata": {"labels": {"app": "db"}},
                               "spec": {"containers": [{"name": "db", "image": "docker.io/library/postgres:15.6"}]}}}},
        {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "web", "namespace": "shop", "labels": LABELS},
         "spec": {"selector": {"app": "web"}, "ports": [{"port": 80, "targetPort": 8080, "protocol": "TCP"}]}},
        {"apiVersion": "batch/v1", "kind": "CronJob", "metadata": {"name": "nightly-report", "namespace": "shop", "labels": LABELS},
         "spec": {"schedule": "0 2 * * *", "suspend": False,
                  "jobTemplate": {"spec": {"template": {"spec": {"restartPolicy": "OnFailure",
                                                                   "containers": [{"name": "r", "image": "busybox:1.36"}]}}}}}},
        {"apiVersion": "apps/v1", "kind": "DaemonSet",
         "metadata": {"name": "edge-cache", "namespace": "shop", "labels": {**LABELS, "app": "edge-cache"}},
         "spec": {"selector": {"matchLabels": {"app": "edge-cache"}},
                  "template": {"metadata": {"labels": {"app": "edge-cache"}},
                               "spec": {"nodeSelector": {"kubernetes.io/os": "linux"},
                                        "containers": [{"name": "cache", "image": "registry.example.com/shop/edge-cache:2.1.0"}]}}}},
        {"apiVersion": "networking.k8s.io/v1", "kind": "Ingress", "metadata": {"name": "web", "namespace": "shop", "labels": LABELS},
         "spec": {"rules": [{"host": "shop.example.com", "http": {"paths": [{"path": "/", "pathType": "Prefix",
                   "backend": {"service": {"name": "web", "port": {"number": 80}}}}]}}]}},
    ]


def target_objects() -> list[dict]:
    """A bare but ready target: one Ready node, CoreDNS, a default StorageClass, the ingress-nginx IngressClass."""
    return [
        {"apiVersion": "v1", "kind": "Node", "metadata": {"name": "tgt-cp-1", "labels": {"kubernetes.io/hostname": "tgt-cp-1"}},
         "status": {"conditions": [{"type": "Ready", "status": "True", "reason": "KubeletReady"}],
                    "nodeInfo": {"kubeletVersion": "v1.36.2"}}},
        {"apiVersion": "apps/v1", "kind": "Deployment",
         "metadata": {"name": "coredns", "namespace": "kube-system", "labels": {"k8s-app": "kube-dns"}},
         "spec": {"replicas": 2, "selector": {"matchLabels": {"k8s-app": "kube-dns"}},
                  "template": {"metadata": {"labels": {"k8s-app": "kube-dns"}},
                               "spec": {"containers": [{"name": "coredns", "image": "registry.k8s.io/coredns/coredns:v1.11.1"}]}}}},
        {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "kube-dns", "namespace": "kube-system", "labels": {"k8s-app": "kube-dns"}},
         "spec": {"selector": {"k8s-app": "kube-dns"}, "clusterIP": "10.43.0.10",
                  "ports": [{"name": "dns", "port": 53, "protocol": "UDP"}]}},
        {"apiVersion": "storage.k8s.io/v1", "kind": "StorageClass",
         "metadata": {"name": "local-path", "annotations": {"storageclass.kubernetes.io/is-default-class": "true"}},
         "provisioner": "rancher.io/local-path", "reclaimPolicy": "Delete", "volumeBindingMode": "WaitForFirstConsumer"},
        {"apiVersion": "networking.k8s.io/v1", "kind": "IngressClass", "metadata": {"name": "nginx"},
         "spec": {"controller": "k8s.io/ingress-nginx"}},
    ]


def recorded(state: dict) -> dict:
    """The originals the run recorded in state.json, shaped like ORIGINAL."""
    field = {"CronJob": "suspend", "DaemonSet": "node_selector"}
    return {f"{w['kind']}/{w['name']}": w[field.get(w["kind"], "replicas")] for w in state["workloads"]}


def manifest_of(obj: dict) -> dict:
    """The portable manifest the plan writes: no status/runtime fields; Secrets keep keys only."""
    o = json.loads(json.dumps(obj))
    o.pop("status", None)
    if o["kind"] == "Secret":
        keys = sorted(o.pop("data"))
        o["metadata"].setdefault("annotations", {})["distroshift.io/secret-keys"] = ",".join(keys)
    return o


FILES = {  # apply order: namespaces, config, workloads, network
    "Namespace": "00-namespaces/shop.yaml",
    "ConfigMap": "20-config/shop/ConfigMap-shop-config.yaml",
    "Secret": "20-config/shop/Secret-db-credentials.yaml",
    "Service": "40-workloads/shop/Service-web.yaml",
    "Deployment": "40-workloads/shop/apps-Deployment-web.yaml",
    "StatefulSet": "40-workloads/shop/apps-StatefulSet-db.yaml",
    "CronJob": "40-workloads/shop/batch-CronJob-nightly-report.yaml",
    "DaemonSet": "40-workloads/shop/apps-DaemonSet-edge-cache.yaml",
    "Ingress": "50-network/shop/networking.k8s.io-Ingress-web.yaml",
}


def write_plan(plan_dir: Path, objs: list[dict]) -> Path:
    man = plan_dir / "manifests"
    objects = []
    for o in objs:
        f = FILES[o["kind"]]
        (man / f).parent.mkdir(parents=True, exist_ok=True)
        (man / f).write_text(yaml.safe_dump(manifest_of(o), sort_keys=False))
        ref = ObjectRef.of(o)
        objects.append(ObjectPlan(source=ref, target=ref, decision=Decision.Keep, reason="portable", manifest=f))
    plan = Plan(
        source=SourceSummary(inventory="inventory.json", cluster="src", git_version="v1.36.2"),
        target=TargetSummary(profile="kubeadm", kubernetes_version="1.36"),
        namespaces=[NamespacePlan(source="shop", target="shop", category="workload", migrate=True, readiness="Ready",
                                  object_count=len(objs))],
        objects=objects,
        manifest_order=sorted(set(FILES[o["kind"]] for o in objs)),
    )
    write_artifact(plan_dir / "plan.json", plan)
    return plan_dir


def merge_kubeconfigs(out: Path, *paths: Path) -> Path:
    merged = {"apiVersion": "v1", "kind": "Config", "clusters": [], "users": [], "contexts": [], "preferences": {}}
    for p in paths:
        d = yaml.safe_load(p.read_text())
        for k in ("clusters", "users", "contexts"):
            merged[k] += d[k]
    merged["current-context"] = merged["contexts"][0]["name"]
    out.write_text(yaml.safe_dump(merged))
    out.chmod(0o600)
    return out


class Env:
    def __init__(self, src, tgt, kubeconfig: Path, plan: Path | None, work: Path):
        self.src, self.tgt, self.kubeconfig, self.plan, self.work = src, tgt, kubeconfig, plan, work
        self.state = work / "state.json"
        self.source_context, self.target_context = src.name, tgt.name

    def args(self, playbook: str, *extra: str) -> list[str]:
        plan = ["--plan", str(self.plan)] if self.plan else []
        return ["run", playbook, "--kubeconfig", str(self.kubeconfig), "--source-context", self.source_context,
                "--target-context", self.target_context, *plan, "--state", str(self.state), *extra]

    def cli(self, playbook: str, *extra: str, env: dict | None = None, timeout: float = 120) -> subprocess.CompletedProcess:
        """The CLI in a subprocess (so a crash hook can kill it like kill -9)."""
        full = {**os.environ, **(env or {})}
        full["PATH"] = f"{VELERO_STANDIN.parent}{os.pathsep}{full.get('PATH', '')}"
        return subprocess.run([sys.executable, "-m", "migrate.cli.main", *self.args(playbook, *extra)],
                              capture_output=True, text=True, env=full, timeout=timeout, cwd=self.work)

    # views of the clusters, straight from the simulators' stores
    @staticmethod
    def get(sim, api_version: str, kind: str, ns: str | None, name: str) -> dict | None:
        from migrate.sim.store import StatusError

        rt = sim.store.rt_for(api_version, kind)
        try:
            return sim.store.get(rt, ns, name)
        except StatusError:
            return None

    @staticmethod
    def names(sim, api_version: str, kind: str, ns: str | None = "shop") -> list[str]:
        rt = sim.store.rt_for(api_version, kind)
        return sorted(o["metadata"]["name"] for o in sim.store.list(rt, ns)["items"])

    def replicas(self, sim) -> dict[str, object]:
        out: dict[str, object] = {}
        for kind in ("Deployment", "StatefulSet"):
            for n in self.names(sim, "apps/v1", kind):
                out[f"{kind}/{n}"] = self.get(sim, "apps/v1", kind, "shop", n)["spec"]["replicas"]
        for n in self.names(sim, "batch/v1", "CronJob"):
            out[f"CronJob/{n}"] = bool(self.get(sim, "batch/v1", "CronJob", "shop", n)["spec"].get("suspend"))
        for n in self.names(sim, "apps/v1", "DaemonSet"):
            spec = self.get(sim, "apps/v1", "DaemonSet", "shop", n)["spec"]["template"]["spec"]
            out[f"DaemonSet/{n}"] = spec.get("nodeSelector")
        return out


