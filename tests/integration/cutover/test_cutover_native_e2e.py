"""Every shipped playbook end to end with the native engine, on two simulated clusters, through the CLI."""

from __future__ import annotations

import base64
import json

import pytest

from cutover_env import ORIGINAL, QUIESCED, SECRET_VALUE, recorded, source_objects

SHIPPED = ["generic", "dkp-to-rke2", "tkg-to-eks", "openshift-to-kubeadm"]
PLANNED = {(o["apiVersion"], o["kind"]): [] for o in source_objects() if o["kind"] != "Namespace"}
for o in source_objects():
    if o["kind"] != "Namespace":
        PLANNED[(o["apiVersion"], o["kind"])].append(o["metadata"]["name"])


CLUSTER_MADE = {"kube-root-ca.crt"}  # every namespace gets it from the cluster itself


def assert_target_has_every_object_once(env):
    for (av, kind), names in PLANNED.items():
        assert [n for n in env.names(env.tgt, av, kind) if n not in CLUSTER_MADE] == sorted(names), kind
    assert "shop" in env.names(env.tgt, "v1", "Namespace", None)


def assert_no_secret_leak(env, *texts):
    b64 = base64.b64encode(SECRET_VALUE.encode()).decode()
    blobs = list(texts) + [env.state.read_text()]
    blobs += [p.read_text() for p in env.work.rglob("*") if p.is_file() and p.suffix in (".json", ".yaml") and "kubeconfig" not in p.name]
    for b in blobs:
        assert SECRET_VALUE not in b and b64 not in b


@pytest.mark.parametrize("playbook", SHIPPED)
def test_shipped_playbook_end_to_end_native(clusters, playbook):
    env = clusters
    r = env.cli(playbook, "--engine", "native", "--approve-all")
    assert r.returncode == 0, r.stdout[-3000:] + r.stderr
    assert "run completed" in r.stdout
    assert_target_has_every_object_once(env)
    # the Secret's values came live from the source (the plan holds keys only)
    secret = env.get(env.tgt, "v1", "Secret", "shop", "db-credentials")
    assert base64.b64decode(secret["data"]["password"]).decode() == SECRET_VALUE
    # target runs at the source's original scale; the source is frozen, not deleted
    assert env.replicas(env.tgt) == ORIGINAL
    assert env.replicas(env.src) == QUIESCED
    state = json.loads(env.state.read_text())
    assert state["status"] == "Completed"
    assert recorded(state) == ORIGINAL
    assert_no_secret_leak(env, r.stdout, r.stderr)


def test_approval_gate_stops_then_resume_yes_continues(clusters):
    env = clusters
    r = env.cli("generic")
    assert r.returncode == 4  # paused at a gate: not 1, so CI can tell waiting from failed
    assert "approve-cutover" in r.stderr and "--resume --yes" in r.stderr
    assert env.replicas(env.src) == ORIGINAL  # nothing frozen before approval
    # warm standby: the target holds every workload but runs none while the source serves
    assert env.replicas(env.tgt) == QUIESCED
    assert_target_has_every_object_once(env)
    state = json.loads(env.state.read_text())
    assert state["status"] == "WaitingApproval"
    assert {f"{w['kind']}/{w['name']}": w[{"CronJob": "suspend", "DaemonSet": "node_selector"}.get(w["kind"], "replicas")]
            for w in state["target_workloads"]} == ORIGINAL  # the planned scale, recorded
    steps = {s["id"]: s for s in state["steps"]}
    assert steps["verify-pre-stage"]["status"] == "Completed" and "warm standby" in steps["verify-pre-stage"]["message"]

    again = env.cli("generic")
    assert again.returncode == 2 and "already holds run" in again.stderr  # no accidental second run

    r = env.cli("generic", "--resume", "--yes")  # approves approve-cutover; switch-traffic is the next gate
    assert r.returncode == 4 and "switch-traffic" in r.stderr, r.stdout[-2000:] + r.stderr
    assert "pre-stage: Completed earlier" in r.stdout  # not re-done
    assert env.replicas(env.src) == QUIESCED and env.replicas(env.tgt) == ORIGINAL
    r = env.cli("generic", "--resume", "--yes")
    assert r.returncode == 0, r.stdout[-2000:] + r.stderr


def test_dry_run_changes_nothing_and_prints_every_change(clusters):
    env = clusters
    r = env.cli("generic", "--dry-run", "--approve-all")
    assert r.returncode == 0, r.stderr
    assert env.names(env.tgt, "apps/v1", "Deployment") == []
    assert env.replicas(env.src) == ORIGINAL
    assert not env.state.exists()
    assert "+ Deployment/shop/web (create" in r.stdout
    assert "would change Deployment shop/web: replicas 3 -> 0" in r.stdout
    assert "would change CronJob shop/nightly-report: suspend false -> true" in r.stdout


def test_dry_run_against_a_populated_target_shows_diffs(clusters):
    env = clusters
    assert env.cli("generic", "--approve-all").returncode == 0
    # someone edits the target copy; a dry run of a new run shows the drift, server-side
    env.tgt.store.put({**env.get(env.tgt, "v1", "ConfigMap", "shop", "shop-config"), "data": {"LOG_LEVEL": "debug"}})
    r = env.cli("generic", "--dry-run", "--approve-all")
    assert r.returncode == 0, r.stderr
    assert "~ ConfigMap/shop/shop-config (apply; server-side dry run)" in r.stdout
    assert "~ /data/LOG_LEVEL info" in r.stdout
    assert "= Service/shop/web (unchanged)" in r.stdout
    # a new run's pre-stage would put the running target copy back into warm standby: shown as such
    assert "~ Deployment/shop/web (apply; server-side dry run)" in r.stdout and "~ /spec/replicas 0" in r.stdout
    assert env.get(env.tgt, "v1", "ConfigMap", "shop", "shop-config")["data"] == {"LOG_LEVEL": "debug"}
