"""`distroshift assess`: one command per cluster, and the Job manifest that runs it in a fleet."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from migrate.cli.main import run
from migrate.cluster import connect
from migrate.sim import serve

ROOT = Path(__file__).resolve().parents[3]


def test_assess_writes_inventory_plan_and_report_without_secret_values(tmp_path, capsys):
    out = tmp_path / "tkg"
    with serve("tkg") as sim:
        client = connect(str(sim.kubeconfig))
        secrets = client.get("/api/v1/secrets")["items"]
        uid = client.get("/api/v1/namespaces/kube-system")["metadata"]["uid"]
        values = {v for s in secrets for v in (s.get("data") or {}).values() if len(v) >= 8}
        rc = run(["assess", "--kubeconfig", str(sim.kubeconfig), "--target", "eks", "--out", str(out)])
    printed = capsys.readouterr().out
    assert rc == 0
    assert "VMware Tanzu Kubernetes Grid" in printed and "-> eks" in printed
    for name in ("inventory.json", "inventory.objects.jsonl", "plan/plan.json", "assessment.html", "assessment.md"):
        assert (out / name).is_file(), name
    assert "Migration assessment" in (out / "assessment.html").read_text()
    # the plan names the cluster it was made from, so later stages can refuse another cluster
    import json

    assert json.loads((out / "inventory.json").read_text())["cluster"]["uid"] == uid
    assert json.loads((out / "plan" / "plan.json").read_text())["source"]["cluster_uid"] == uid
    assert values, "the tkg cluster should carry Secrets with data"
    for f in out.rglob("*"):
        if f.is_file():
            text = f.read_text(errors="replace")
            leaked = [v for v in values if v in text]
            assert not leaked, f"{f} contains Secret data"


def test_assess_from_a_dump_needs_no_cluster(tmp_path, capsys):
    rc = run(["assess", "--from-dump", str(ROOT / "migrate/sim/clusters/openshift"), "--target", "kubeadm", "--out", str(tmp_path / "o")])
    assert rc in (0, 1)  # 1 = the plan has blockers, still a complete assessment
    assert (tmp_path / "o" / "assessment.html").is_file()
    assert "OpenShift" in capsys.readouterr().out


def test_assess_with_an_unknown_target_is_one_line_exit_2(tmp_path, capsys):
    rc = run(["assess", "--from-dump", str(ROOT / "migrate/sim/clusters/openshift"), "--target", "nope", "--out", str(tmp_path / "o")])
    err = capsys.readouterr().err
    assert rc == 2 and err.startswith("error:") and "nope" in err and "Traceback" not in err


@pytest.mark.kubectl
def test_fleet_job_manifest_applies_cleanly(kubectl_new):
    with serve(None) as sim:
        p = subprocess.run([kubectl_new, "--kubeconfig", str(sim.kubeconfig), "apply",
                            "-f", str(ROOT / "deploy/fleet/assess-job.yaml")], capture_output=True, text=True, timeout=60)
    assert p.returncode == 0, p.stderr
    assert "job.batch/distroshift-assess created" in p.stdout
    assert "clusterrole.rbac.authorization.k8s.io/distroshift-assess created" in p.stdout
