"""helm 4 (server-side apply by default) installs, lists and uninstalls a small local chart."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest
from sim_helpers import run_kubectl

pytestmark = [pytest.mark.kubectl]


def _chart(root: Path) -> Path:
    chart = root / "demo"
    (chart / "templates").mkdir(parents=True)
    (chart / "Chart.yaml").write_text("apiVersion: v2\nname: demo\nversion: 0.1.0\nappVersion: '1.27'\n")
    (chart / "values.yaml").write_text("replicas: 1\ngreeting: hello\n")
    (chart / "templates" / "configmap.yaml").write_text(
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}-config\n"
        "data:\n  greeting: {{ .Values.greeting | quote }}\n")
    (chart / "templates" / "deployment.yaml").write_text(
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{ .Release.Name }}-web\n"
        "spec:\n  replicas: {{ .Values.replicas }}\n  selector:\n    matchLabels: {app: web}\n"
        "  template:\n    metadata:\n      labels: {app: web}\n    spec:\n      containers:\n"
        "      - name: web\n        image: nginx:1.27\n        ports:\n        - containerPort: 80\n")
    return chart


def test_helm_install_list_uninstall(helm_bin, kube_target, tmp_path, monkeypatch):
    for var in ("HELM_CACHE_HOME", "HELM_CONFIG_HOME", "HELM_DATA_HOME"):
        monkeypatch.setenv(var, str(tmp_path / var.lower()))
    ns = kube_target.namespace("helm")
    args = kube_target.kubectl_args()
    chart = _chart(tmp_path)
    run_kubectl(helm_bin, args, "install", "demo", str(chart), "-n", ns, timeout=120)

    releases = json.loads(run_kubectl(helm_bin, args, "list", "-n", ns, "-o", "json").stdout)
    assert [(r["name"], r["status"]) for r in releases] == [("demo", "deployed")]

    from kubernetes import client

    core = client.CoreV1Api(kube_target.api_client())
    secrets = core.list_namespaced_secret(ns, label_selector="owner=helm").items
    assert [s.metadata.name for s in secrets] == ["sh.helm.release.v1.demo.v1"]
    assert secrets[0].type == "helm.sh/release.v1"
    assert base64.b64decode(secrets[0].data["release"])  # the release payload round-trips
    assert core.read_namespaced_config_map("demo-config", ns).data == {"greeting": "hello"}
    dep = client.AppsV1Api(kube_target.api_client()).read_namespaced_deployment("demo-web", ns)
    assert dep.spec.replicas == 1

    run_kubectl(helm_bin, args, "upgrade", "demo", str(chart), "-n", ns, "--set", "replicas=2", timeout=120)
    dep = client.AppsV1Api(kube_target.api_client()).read_namespaced_deployment("demo-web", ns)
    assert dep.spec.replicas == 2

    run_kubectl(helm_bin, args, "uninstall", "demo", "-n", ns, timeout=120)
    assert json.loads(run_kubectl(helm_bin, args, "list", "-n", ns, "-o", "json").stdout) == []
    assert core.list_namespaced_secret(ns, label_selector="owner=helm").items == []
    assert [c.metadata.name for c in core.list_namespaced_config_map(ns).items if c.metadata.name.startswith("demo")] == []
