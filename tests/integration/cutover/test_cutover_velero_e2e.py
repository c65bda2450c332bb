"""The velero engine end to end against the stand-in velero (which, given a kubectl, really copies
the objects between the two simulated clusters through a shared "bucket")."""

from __future__ import annotations

import json

import pytest

from cutover_env import ORIGINAL, QUIESCED, VELERO_STANDIN



@pytest.fixture
def velero_env(clusters, kubectl_new, tmp_path):
    # Velero is installed on the target (its namespace holds the restore's ConfigMaps)
    clusters.tgt.store.put({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "velero"}})
    state = tmp_path / "velero-bucket"
    env = {"VELERO_STANDIN_STATE": str(state), "VELERO_STANDIN_LOG": str(state / "argv.log"),
           "VELERO_STANDIN_KUBECTL": kubectl_new}
    return clusters, env, state


def velero_calls(state) -> list[list[str]]:
    return [json.loads(l)["argv"] for l in (state / "argv.log").read_text().splitlines()]


@pytest.mark.kubectl
@pytest.mark.parametrize("playbook", ["dkp-to-rke2", "tkg-to-eks"])
def test_velero_playbook_end_to_end(velero_env, playbook):
    env, venv, state = velero_env
    r = env.cli(playbook, "--approve-all", "--velero", str(VELERO_STANDIN), env=venv)
    assert r.returncode == 0, r.stdout[-3000:] + r.stderr
    calls = velero_calls(state)
    creates = [c for c in calls if c[1:3] == ["backup", "create"]]
    st = json.loads(env.state.read_text())
    run = st["run_id"]
    assert [c[3] for c in creates] == [f"ds-{run}-pre-stage-backup", f"ds-{run}-final-backup-backup"]
    assert creates[0][4:6] == ["--include-namespaces", "shop"] and "--default-volumes-to-fs-backup" in creates[0]
    restores = [c for c in calls if c[1:3] == ["restore", "create"]]
    assert [c[c.index("--from-backup") + 1] for c in restores] == [c[3] for c in creates]
    assert all(c[c.index("--existing-resource-policy") + 1] == "update" for c in restores)
    assert all(c[c.index("--kubecontext") + 1] == "tgt" for c in restores)
    # pre-stage restores in warm standby (resource modifiers: 0 replicas, CronJobs suspended); the
    # final restore (of a backup taken after quiesce) does not need them
    assert restores[0][restores[0].index("--resource-modifier-configmap") + 1] == "distroshift-resource-modifiers-standby"
    steps = {s["id"]: s for s in st["steps"]}
    assert "warm standby" in steps["verify-pre-stage"]["message"]
    assert "the source as of the final backup" in steps["verify"]["message"]  # not the first plan
    # target got the objects (restored by velero, stamped with its labels) at the original scale
    web = env.get(env.tgt, "apps/v1", "Deployment", "shop", "web")
    assert web["metadata"]["labels"]["velero.io/backup-name"].startswith(f"ds-{run}-")
    assert env.replicas(env.tgt) == ORIGINAL  # the final backup held 0 replicas: re-scaled from the state
    assert env.replicas(env.src) == QUIESCED


@pytest.mark.kubectl
def test_partially_failed_backup_stops_before_quiesce(velero_env):
    env, venv, state = velero_env
    r = env.cli("dkp-to-rke2", "--approve-all", "--velero", str(VELERO_STANDIN),
                env={**venv, "VELERO_STANDIN_SCENARIO": "partially-failed"})
    assert r.returncode == 1
    assert "PartiallyFailed" in r.stderr and "volume snapshot timed out" in r.stderr
    st = json.loads(env.state.read_text())
    steps = {s["id"]: s for s in st["steps"]}
    assert steps["pre-stage"]["status"] == "Failed" and steps["pre-stage"]["data"]["backup_phase"] == "PartiallyFailed"
    assert steps["quiesce"]["status"] == "Pending"
    assert env.replicas(env.src) == ORIGINAL  # the source was never touched
    assert not [c for c in velero_calls(state) if c[1:3] == ["restore", "create"]]


@pytest.mark.kubectl
def test_velero_dry_run_prints_argv_and_touches_nothing(velero_env):
    env, venv, state = velero_env
    r = env.cli("dkp-to-rke2", "--approve-all", "--dry-run", "--velero", str(VELERO_STANDIN), env=venv)
    assert r.returncode == 0, r.stderr
    assert "would run: " in r.stdout and "backup create ds-" in r.stdout and "--default-volumes-to-fs-backup" in r.stdout
    assert "restore create ds-" in r.stdout
    mutating = [c for c in velero_calls(state) if c[2:3] == ["create"]]
    assert mutating == []
    assert env.replicas(env.src) == ORIGINAL and env.names(env.tgt, "apps/v1", "Deployment") == []


@pytest.mark.kubectl
def test_velero_rollback_remove_target_deletes_only_this_runs_restored_objects(velero_env):
    env, venv, state = velero_env
    # on the target before the run: the namespace, a ConfigMap velero will update and relabel
    # (existing-resource-policy update), one it never touches, and an object of another restore
    env.tgt.store.put({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "shop"}})
    env.tgt.store.put({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "shop-config", "namespace": "shop"},
                       "data": {"LOG_LEVEL": "warn"}})
    env.tgt.store.put({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "local-only", "namespace": "shop"},
                       "data": {"a": "b"}})
    other = {"velero.io/backup-name": "someone-else", "velero.io/restore-name": "someone-elses-restore"}
    env.tgt.store.put({"apiVersion": "v1", "kind": "ConfigMap",
                       "metadata": {"name": "other-restore", "namespace": "default", "labels": other}, "data": {}})
    r = env.cli("dkp-to-rke2", "--approve-all", "--velero", str(VELERO_STANDIN), env=venv)
    assert r.returncode == 0, r.stdout[-3000:] + r.stderr
    run = json.loads(env.state.read_text())["run_id"]
    cm = env.get(env.tgt, "v1", "ConfigMap", "shop", "shop-config")
    assert cm["metadata"]["labels"]["velero.io/restore-name"].startswith(f"ds-{run}-")  # relabelled by velero
    assert env.names(env.tgt, "apps/v1", "Deployment") == ["web"]

    r = env.cli("dkp-to-rke2", "--rollback", "--remove-target", env=venv)
    assert r.returncode == 0, r.stdout + r.stderr
    assert env.replicas(env.src) == ORIGINAL
    # what this run's restores created is gone ...
    for av, kind in (("apps/v1", "Deployment"), ("apps/v1", "StatefulSet"), ("apps/v1", "DaemonSet"),
                     ("batch/v1", "CronJob"), ("v1", "Service"), ("v1", "Secret"), ("networking.k8s.io/v1", "Ingress")):
        assert env.names(env.tgt, av, kind) == [], kind
    # ... and nothing else: pre-existing objects (even relabelled), another restore's object
    assert "kept /ConfigMap/shop/shop-config" in r.stdout
    assert sorted(n for n in env.names(env.tgt, "v1", "ConfigMap") if n != "kube-root-ca.crt") == ["local-only", "shop-config"]
    assert env.get(env.tgt, "v1", "Namespace", None, "shop")["metadata"].get("deletionTimestamp") is None
    assert env.get(env.tgt, "v1", "ConfigMap", "default", "other-restore") is not None
    assert env.names(env.tgt, "apps/v1", "Deployment", "kube-system") == ["coredns"]
    assert json.loads(env.state.read_text())["status"] == "RolledBack"
    assert env.names(env.src, "apps/v1", "Deployment") == ["web"]  # the source is never deleted
