"""`distroshift run` without --plan on the small shop fixture: the run inventories the source and
plans beside its state file, reuses both on --resume, and parks/restores DaemonSets."""

from __future__ import annotations

import json

import pytest

from cutover_env import ORIGINAL, QUIESCED


@pytest.fixture
def no_plan(clusters):
    clusters.plan = None
    return clusters


def test_run_builds_inventory_and_plan_beside_the_state_and_rolls_back_daemonsets(no_plan):
    env = no_plan
    r = env.cli("generic", "--approve-all")
    assert r.returncode == 0, r.stdout[-3000:] + r.stderr
    st = json.loads(env.state.read_text())
    art = env.work / "state-artifacts"
    assert st["inventory_path"] == str(art / "inventory.json") and (art / "inventory.objects.jsonl").is_file()
    assert st["plan_dir"] == str(art / "plan") and (art / "plan" / "manifests").is_dir()
    assert (art / "readiness.json").is_file()  # preflight deferred the readiness checks to the plan step
    assert env.replicas(env.src) == QUIESCED and env.replicas(env.tgt) == ORIGINAL
    assert "DaemonSet shop/edge-cache: nodeSelector +distroshift.io/quiesced=true" in r.stdout

    r = env.cli("generic", "--rollback")
    assert r.returncode == 0, r.stdout + r.stderr
    assert env.replicas(env.src) == ORIGINAL  # the DaemonSet's own nodeSelector, exactly


def test_readiness_failure_stops_before_the_target_and_resume_reuses_the_artifacts(no_plan):
    env = no_plan
    rt = env.tgt.store.rt_for("networking.k8s.io/v1", "IngressClass")
    env.tgt.store.delete(rt, None, "nginx", {})  # the plan routes the Ingress to class nginx
    r = env.cli("generic", "--approve-all")
    assert r.returncode == 1
    assert r.stderr.count("\n") == 1 and "IngressClass nginx exists" in r.stderr and "--resume" in r.stderr
    assert "shop" not in env.names(env.tgt, "v1", "Namespace", None)  # nothing applied
    assert env.replicas(env.src) == ORIGINAL
    st = json.loads(env.state.read_text())
    inv_mtime = (env.work / "state-artifacts" / "inventory.json").stat().st_mtime_ns
    plan_mtime = (env.work / "state-artifacts" / "plan" / "plan.json").stat().st_mtime_ns

    env.tgt.store.put({"apiVersion": "networking.k8s.io/v1", "kind": "IngressClass", "metadata": {"name": "nginx"},
                       "spec": {"controller": "k8s.io/ingress-nginx"}})
    r = env.cli("generic", "--resume", "--approve-all")
    assert r.returncode == 0, r.stdout[-3000:] + r.stderr
    assert "reusing the plan this run built earlier" in r.stdout
    assert (env.work / "state-artifacts" / "inventory.json").stat().st_mtime_ns == inv_mtime
    assert (env.work / "state-artifacts" / "plan" / "plan.json").stat().st_mtime_ns == plan_mtime
    assert json.loads(env.state.read_text())["run_id"] == st["run_id"]
    assert env.replicas(env.src) == QUIESCED and env.replicas(env.tgt) == ORIGINAL


def test_plan_option_still_skips_inventory_and_plan_building(clusters):
    env = clusters  # with --plan
    r = env.cli("generic", "--approve-all")
    assert r.returncode == 0, r.stdout[-3000:] + r.stderr
    st = json.loads(env.state.read_text())
    steps = {s["id"]: s for s in st["steps"]}
    assert steps["inventory"]["status"] == "Skipped"
    assert st["inventory_path"] is None and st["plan_dir"] == str(env.plan)
    assert not (env.work / "state-artifacts" / "inventory.json").exists()
    assert not (env.work / "state-artifacts" / "plan").exists()


def test_dry_run_without_plan_plans_in_its_own_directory_and_changes_nothing(no_plan):
    env = no_plan
    r = env.cli("generic", "--dry-run", "--approve-all")
    assert r.returncode == 0, r.stdout[-3000:] + r.stderr
    assert "+ Deployment/shop/web (create" in r.stdout
    assert "would change DaemonSet shop/edge-cache: nodeSelector +distroshift.io/quiesced=true" in r.stdout
    assert not env.state.exists() and not (env.work / "state-artifacts").exists()  # a real run's artifacts are never overwritten
    assert (env.work / "state-dry-run" / "plan" / "plan.json").is_file()
    assert env.names(env.tgt, "apps/v1", "Deployment") == [] and env.replicas(env.src) == ORIGINAL
