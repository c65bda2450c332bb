"""QA findings on `distroshift run`: cluster identity, warm standby and rollback, dry runs that go
through every step, resume with the same arguments spelled differently, the plan's maps as flags."""

from __future__ import annotations

import json
import os

import pytest

from cutover_env import ORIGINAL, QUIESCED, write_plan, source_objects


def kube_system_uid(sim) -> str:
    return sim.store.get(sim.store.rt_for("v1", "Namespace"), None, "kube-system")["metadata"]["uid"]


def plan_from(env, cluster_uid: str | None, cluster: str = "src"):
    """Rewrite the fixture's plan as made from the cluster with `cluster_uid`."""
    from migrate.models.io import read_artifact, write_artifact
    from migrate.models.plan import Plan

    p = read_artifact(env.plan / "plan.json", Plan)
    p.source.cluster_uid = cluster_uid
    p.source.cluster = cluster
    write_artifact(env.plan / "plan.json", p)


def untouched(env) -> None:
    assert "shop" not in env.names(env.tgt, "v1", "Namespace", None)
    assert env.replicas(env.src) == ORIGINAL
    assert not env.state.exists()


# --- 3. identity ------------------------------------------------------------------------------
def test_plan_made_from_another_cluster_stops_before_anything(clusters):
    env = clusters
    plan_from(env, "6a1e5c0e-0000-4000-8000-tkg000000001", cluster="tkg-prod")
    r = env.cli("generic", "--approve-all")
    assert r.returncode == 2, r.stdout + r.stderr
    assert r.stderr.count("\n") == 1
    assert "plan.json" in r.stderr and "tkg-prod" in r.stderr and kube_system_uid(env.src) in r.stderr
    untouched(env)


def test_plan_of_the_target_cluster_is_refused_as_swapped(clusters):
    env = clusters
    plan_from(env, kube_system_uid(env.tgt), cluster="tgt")
    r = env.cli("generic", "--approve-all", "--dry-run")
    assert r.returncode == 2 and "swapped" in r.stderr, r.stdout + r.stderr


def test_source_and_target_the_same_cluster_is_refused(clusters):
    env = clusters
    env.target_context = env.source_context
    r = env.cli("generic", "--approve-all")
    assert r.returncode == 2 and "same cluster" in r.stderr, r.stdout + r.stderr
    assert env.replicas(env.src) == ORIGINAL and not env.state.exists()


def test_plan_of_this_source_runs_and_an_older_plan_only_warns(clusters):
    env = clusters
    r = env.cli("generic", "--dry-run", "--approve-all")  # the fixture plan records no cluster uid
    assert r.returncode == 0, r.stdout[-2000:] + r.stderr
    assert "warning:" in r.stdout and "records no source cluster uid" in r.stdout
    plan_from(env, kube_system_uid(env.src))
    r = env.cli("generic", "--approve-all")
    assert r.returncode == 0, r.stdout[-2000:] + r.stderr
    assert "records no source cluster uid" not in r.stdout
    st = json.loads(env.state.read_text())
    assert st["source_uid"] == kube_system_uid(env.src) and st["target_uid"] == kube_system_uid(env.tgt)


def test_resume_against_another_cluster_than_recorded_is_refused(clusters):
    env = clusters
    assert env.cli("generic").returncode == 4  # waiting at approve-cutover
    st = json.loads(env.state.read_text())
    st["source_uid"] = "00000000-0000-4000-8000-000000000000"  # as if --source-context now named another cluster
    env.state.write_text(json.dumps(st))
    r = env.cli("generic", "--resume", "--approve-all")
    assert r.returncode == 2 and "this run's source was cluster" in r.stderr, r.stdout + r.stderr
    assert env.replicas(env.src) == ORIGINAL


# --- 4. resume with the same arguments, spelled differently -------------------------------------
def test_resume_accepts_the_same_plan_path_with_a_trailing_slash_or_relative(clusters):
    env = clusters
    assert env.cli("generic").returncode == 4
    rel = os.path.relpath(env.plan, env.work) + "/"
    env.plan = rel  # Env.cli runs in env.work
    r = env.cli("generic", "--resume", "--approve-all")
    assert r.returncode == 0, r.stdout[-2000:] + r.stderr
    assert env.replicas(env.tgt) == ORIGINAL


# --- 2. warm standby and rollback -------------------------------------------------------------
def test_rollback_without_remove_target_leaves_the_target_quiesced(clusters):
    env = clusters
    assert env.cli("generic", "--approve-all").returncode == 0
    assert env.replicas(env.tgt) == ORIGINAL and env.replicas(env.src) == QUIESCED
    r = env.cli("generic", "--rollback")
    assert r.returncode == 0, r.stdout + r.stderr
    assert env.replicas(env.src) == ORIGINAL
    assert env.replicas(env.tgt) == QUIESCED  # never both running
    assert "left quiesced" in r.stdout and "nothing on the target is deleted" in r.stdout
    assert env.names(env.tgt, "apps/v1", "Deployment") == ["web"]  # kept, just stopped
    st = json.loads(env.state.read_text())
    assert any(a.startswith("target Deployment shop/web") for a in st["rollback"]["actions"])


def test_rollback_at_the_gate_keeps_the_standby_target_stopped(clusters):
    env = clusters
    assert env.cli("generic").returncode == 4
    r = env.cli("generic", "--rollback")
    assert r.returncode == 0, r.stdout + r.stderr
    assert env.replicas(env.src) == ORIGINAL and env.replicas(env.tgt) == QUIESCED


# --- 6. dry run goes through every step -------------------------------------------------------
def test_dry_run_records_failing_checks_and_previews_every_step(clusters):
    env = clusters
    env.plan = None  # the run plans; readiness fails on the missing IngressClass
    rt = env.tgt.store.rt_for("networking.k8s.io/v1", "IngressClass")
    env.tgt.store.delete(rt, None, "nginx", {})
    r = env.cli("generic", "--dry-run", "--approve-all")
    assert r.returncode == 1, r.stdout[-3000:] + r.stderr
    assert "a real run would stop here" in r.stdout and "IngressClass nginx" in r.stderr
    # ... and every later step still showed what it would do
    assert "+ Deployment/shop/web (create" in r.stdout
    assert "would change Deployment shop/web: replicas 3 -> 0" in r.stdout
    assert "would verify the target" in r.stdout and "finish: Completed" in r.stdout
    assert env.names(env.tgt, "apps/v1", "Deployment") == [] and env.replicas(env.src) == ORIGINAL
    assert not env.state.exists()


# --- 8. the plan's maps as flags --------------------------------------------------------------
def test_namespace_map_flag_reaches_the_plan_the_run_builds(clusters):
    env = clusters
    env.plan = None
    r = env.cli("generic", "--approve-all", "--namespace-map", "shop=shop-blue", "--registry-map", "registry.example.com=mirror.example.net")
    assert r.returncode == 0, r.stdout[-3000:] + r.stderr
    assert env.names(env.tgt, "apps/v1", "Deployment", "shop-blue") == ["web"]
    web = env.get(env.tgt, "apps/v1", "Deployment", "shop-blue", "web")
    assert web["spec"]["template"]["spec"]["containers"][0]["image"].startswith("mirror.example.net/")
    assert web["spec"]["replicas"] == 3


@pytest.mark.parametrize("extra, needle", [(("--namespace-map", "shop"), "--namespace-map"),
                                           (("--registry-map", "a=b"), "with --plan")])
def test_map_flags_bad_input_is_one_line_exit_2(clusters, extra, needle):
    env = clusters
    r = env.cli("generic", "--approve-all", *extra)
    assert r.returncode == 2 and needle in r.stderr and r.stderr.count("\n") == 1, r.stderr
    assert not env.state.exists()


def test_help_documents_the_gate_exit_code():
    import contextlib
    import io

    from migrate.cli.main import run

    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        run(["run", "--help"])
    text = " ".join(out.getvalue().split())
    assert "4 waiting at a gate" in text and "--resume --yes" in text
    assert "--registry-map" in text and "--namespace-map" in text
