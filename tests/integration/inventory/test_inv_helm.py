"""Helm release Secrets written by the real helm binary are decoded in memory; their values never leave."""

from __future__ import annotations

import subprocess

import pytest

from migrate.cluster import connect
from migrate.inventory import collect_inventory
from migrate.sim import serve

pytestmark = pytest.mark.kubectl

CHART = {
    "Chart.yaml": "apiVersion: v2\nname: shopfront\nversion: 1.4.2\nappVersion: \"2.0.1\"\n",
    "values.yaml": "password: s3cr3t-value-never-stored\n",
    "templates/cm.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}-cfg\ndata:\n  pw: {{ .Values.password | quote }}\n",
    "templates/deploy.yaml": (
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{ .Release.Name }}-web\nspec:\n  replicas: 1\n"
        "  selector: {matchLabels: {app: web}}\n  template:\n    metadata: {labels: {app: web}}\n"
        "    spec: {containers: [{name: web, image: 'nginx:1.25'}]}\n"
    ),
}


def test_helm_release_secret_decoded_and_stripped(helm_bin, tmp_path):
    chart = tmp_path / "shopfront"
    for rel, text in CHART.items():
        (chart / rel).parent.mkdir(parents=True, exist_ok=True)
        (chart / rel).write_text(text)
    with serve(None, workload_sim=False) as sim:
        env = {"HOME": str(tmp_path), "PATH": "/usr/bin:/bin", "HELM_CACHE_HOME": str(tmp_path / "c"), "HELM_CONFIG_HOME": str(tmp_path / "cfg"), "HELM_DATA_HOME": str(tmp_path / "d")}
        base = [helm_bin, "--kubeconfig", str(sim.kubeconfig), "-n", "default"]
        subprocess.run([*base, "install", "shop", str(chart)], check=True, capture_output=True, env=env, timeout=120)
        subprocess.run([*base, "upgrade", "shop", str(chart), "--set", "password=another-secret"], check=True, capture_output=True, env=env, timeout=120)
        inv, objs = collect_inventory(connect(str(sim.kubeconfig)), objects_path=tmp_path / "o.jsonl")

    assert len(inv.helm_releases) == 1  # latest revision only
    h = inv.helm_releases[0]
    assert (h.name, h.namespace, h.revision, h.status) == ("shop", "default", 2, "deployed")
    assert (h.chart, h.chart_version, h.app_version) == ("shopfront", "1.4.2", "2.0.1")
    assert h.secret == "sh.helm.release.v1.shop.v2"
    assert h.api_versions == ["apps/v1 Deployment", "v1 ConfigMap"]
    usage = {(u.kind, u.ref.name, u.source, u.helm_release) for u in inv.api_usage if u.source == "helm-manifest"}
    assert usage == {("Deployment", "shop-web", "helm-manifest", "default/shop"), ("ConfigMap", "shop-cfg", "helm-manifest", "default/shop")}
    rel_secrets = [s for s in inv.secrets if s.type == "helm.sh/release.v1"]
    assert {s.ref.name for s in rel_secrets} == {"sh.helm.release.v1.shop.v1", "sh.helm.release.v1.shop.v2"}
    assert all(s.keys == ["release"] and s.size > 0 for s in rel_secrets)
    # the add-on view sees the workload's helm ownership
    web = next(w for w in inv.workloads if w.ref.name == "shop-web")
    assert web.owner == "helm:default/shop"
    # the release payload (values included) is nowhere in the outputs; the ConfigMap itself legitimately holds it
    text = objs.read_text()
    secret_lines = [line for line in text.splitlines() if '"kind":"Secret"' in line]
    assert secret_lines and not any('"data"' in line or "release" in line.split('"metadata"')[0] for line in secret_lines)
    assert "H4sI" not in text  # no gzip+base64 release blob survived
    assert "s3cr3t-value-never-stored" not in inv.model_dump_json()
