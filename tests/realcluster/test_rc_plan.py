"""`distroshift plan --target kubeadm --namespace-map NS=NS-target`, then the cluster's own admission
judges the manifests: `kubectl apply --dry-run=server -R -f manifests/`."""

from __future__ import annotations

import subprocess

import pytest
import yaml

from rc_app import ds, load_json, text_files

pytestmark = [pytest.mark.kubectl]


def inventory_and_plan(kube_target, app, context_name, out, *extra: str) -> dict:
    r = ds("inventory", "--kubeconfig", kube_target.kubeconfig, "--context", context_name, "-n", app.namespace,
           "--out", out / "inventory.json", "-o", "json")
    assert r.rc == 0, r.why()
    r = ds("plan", "-i", out / "inventory.json", "--target", "kubeadm",
           "--namespace-map", f"{app.namespace}={app.namespace}-target", "--out", out / "plan", "-o", "json", *extra)
    assert r.rc == 0, r.why()
    return load_json(out / "plan" / "plan.json")


def test_plan_manifests_pass_server_side_dry_run(kube_target, app, context_name, out, kubectl_new, rest,
                                                 target_namespace):
    plan = inventory_and_plan(kube_target, app, context_name, out)
    manifests = out / "plan" / "manifests"
    docs = [yaml.safe_load(p.read_text()) for p in sorted(manifests.rglob("*.yaml"))]
    planned = {(d["kind"], d["metadata"]["name"]) for d in docs if d["metadata"].get("namespace") == target_namespace}
    assert set(app.objects) <= planned, f"not planned into {target_namespace}: {set(app.objects) - planned}"
    assert not [d for d in docs if d["metadata"].get("namespace") == app.namespace]  # nothing left in the source ns
    assert plan["header"]["kind"] == "Plan"
    for p, text in text_files(out):
        assert not any(n in text for n in app.secret_needles()), f"Secret value in {p}"

    kubectl = [kubectl_new, *kube_target.kubectl_args()]
    # admission refuses objects in a namespace that does not exist, even in a dry run: create the
    # plan's own Namespace first, as an operator applying manifests/ in order would
    r = subprocess.run([*kubectl, "apply", "-R", "-f", str(manifests / "10-namespaces")],
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    r = subprocess.run([*kubectl, "apply", "--dry-run=server", "-R", "-f", str(manifests)],
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stdout + r.stderr
    lines = [line for line in r.stdout.splitlines() if line.strip()]
    assert len(lines) == len(docs) and all(line.endswith("(server dry run)") for line in lines), r.stdout
    for kind, name in app.objects:
        assert any(f"/{name} " in line and kind.lower() in line.split("/")[0] for line in lines), (kind, name, r.stdout)
    # a dry run creates nothing
    assert rest.names(f"/apis/apps/v1/namespaces/{target_namespace}/deployments") == []
    assert rest.names(f"/api/v1/namespaces/{target_namespace}/secrets") == []
