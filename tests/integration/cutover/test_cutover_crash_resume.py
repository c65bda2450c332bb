"""kill -9 at step boundaries and in the middle of apply, then --resume; failed verify, then --rollback."""

from __future__ import annotations

import json

import pytest

from cutover_env import ORIGINAL, QUIESCED, recorded, source_objects

STEPS = ["preflight", "inventory", "plan", "install-addons", "addons-ready", "pre-stage", "verify-pre-stage", "approve-cutover",
         "quiesce", "final-backup", "restore", "verify", "switch-traffic", "finish"]
# a representative set runs by default; every boundary with -m slow
FAST_POINTS = ["pre-stage:start", "pre-stage:apply:3", "pre-stage:end", "quiesce:start", "quiesce:recorded",
               "restore:apply:5", "verify:end", "finish:end"]
ALL_POINTS = [f"{s}:{p}" for s in STEPS for p in ("start", "end")] + ["pre-stage:apply:1", "restore:apply:8"]


def planned_once(env) -> None:
    seen: dict[str, list[str]] = {}
    for o in source_objects():
        if o["kind"] != "Namespace":
            seen.setdefault((o["apiVersion"], o["kind"]), []).append(o["metadata"]["name"])
    for (av, kind), names in seen.items():
        assert [n for n in env.names(env.tgt, av, kind) if n != "kube-root-ca.crt"] == sorted(names), kind


def originals(env) -> dict:
    return recorded(json.loads(env.state.read_text()))


def crash_then_resume(env, point: str) -> None:
    r = env.cli("generic", "--approve-all", env={"DISTROSHIFT_CRASH_AT": point})
    assert r.returncode == 137, f"no crash at {point}: {r.stdout[-1500:]}{r.stderr}"
    st = json.loads(env.state.read_text())  # the file is whole and readable after kill -9
    assert st["header"]["kind"] == "RunState"
    r = env.cli("generic", "--resume", "--approve-all")
    assert r.returncode == 0, r.stdout[-3000:] + r.stderr
    planned_once(env)
    assert env.replicas(env.tgt) == ORIGINAL
    assert env.replicas(env.src) == QUIESCED
    assert originals(env) == ORIGINAL  # the true counts, even when the crash came after scaling


@pytest.mark.parametrize("point", FAST_POINTS)
def test_crash_then_resume(clusters, point):
    crash_then_resume(clusters, point)


@pytest.mark.slow
@pytest.mark.parametrize("point", sorted(set(ALL_POINTS) - set(FAST_POINTS)))
def test_crash_then_resume_every_boundary(clusters, point):
    crash_then_resume(clusters, point)


def test_resume_refuses_state_of_another_playbook(clusters):
    env = clusters
    r = env.cli("generic", env={"DISTROSHIFT_CRASH_AT": "pre-stage:start"})
    assert r.returncode == 137
    r = env.cli("dkp-to-rke2", "--resume", "--engine", "native")
    assert r.returncode == 2
    assert r.stderr.count("\n") == 1 and "different content" in r.stderr and "state.json" in r.stderr


def test_rollback_after_failed_verify_restores_source_exactly(clusters, tmp_path):
    env = clusters
    # a quick playbook: same steps, short final verify
    pb = tmp_path / "short.yaml"
    pb.write_text(
        "name: short\nsteps:\n  - type: preflight\n  - type: plan\n  - type: pre-stage\n"
        "  - {id: verify-pre-stage, type: verify, with: {timeout: 20}}\n  - {id: gate, type: approval}\n"
        "  - type: quiesce\n  - type: restore\n  - {type: verify, with: {timeout: 1}}\n  - type: finish\n"
    )
    r = env.cli(str(pb))
    assert r.returncode == 4 and "needs approval" in r.stderr
    env.tgt.store.never_ready("shop/db")  # the target's database will not come up
    r = env.cli(str(pb), "--resume", "--approve-all")
    assert r.returncode == 1, r.stdout[-2000:]
    assert "verify failed" in r.stderr and "StatefulSet" in r.stdout + r.stderr
    assert env.replicas(env.src) == QUIESCED

    # rollback itself crashes half-way, then is resumed
    r = env.cli(str(pb), "--rollback", "--remove-target", env={"DISTROSHIFT_CRASH_AT": "rollback:2"})
    assert r.returncode == 137
    r = env.cli(str(pb), "--rollback", "--remove-target")
    assert r.returncode == 0, r.stdout + r.stderr
    assert env.replicas(env.src) == ORIGINAL
    assert json.loads(env.state.read_text())["status"] == "RolledBack"
    # what the run created on the target is gone; what was there before is untouched
    assert env.names(env.tgt, "apps/v1", "Deployment") == []
    ns = env.get(env.tgt, "v1", "Namespace", None, "shop")
    assert ns is None or ns["metadata"].get("deletionTimestamp")  # gone, or Terminating
    assert env.names(env.tgt, "apps/v1", "Deployment", "kube-system") == ["coredns"]
    # the source was never deleted
    assert env.names(env.src, "apps/v1", "Deployment") == ["web"]


def test_ctrl_c_during_a_step_leaves_a_resumable_state(clusters, tmp_path):
    import signal
    import subprocess
    import sys
    import time

    env = clusters
    pb = tmp_path / "wait.yaml"
    # verify after a restore waits for readiness (after pre-stage alone it would not: warm standby)
    pb.write_text("name: wait\nsteps:\n  - type: plan\n  - type: pre-stage\n  - type: restore\n"
                  "  - {type: verify, with: {timeout: 60}}\n  - type: finish\n")
    env.tgt.store.never_ready("shop/db")  # verify keeps waiting, so Ctrl-C lands inside a step
    proc = subprocess.Popen([sys.executable, "-m", "migrate.cli.main", *env.args(str(pb))],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=env.work)
    try:
        for _ in range(300):
            if env.state.exists() and '"id": "verify",\n   "type": "verify",\n   "status": "Running"' in env.state.read_text():
                break
            time.sleep(0.05)
        else:
            pytest.fail("verify never started")
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 130, err
    lines = err.splitlines()
    assert len(lines) == 1 and lines[0].startswith("interrupted"), err  # one line, no traceback, no blank line
    assert f"the state is saved in {env.state}; --resume continues the run" in out
    st = json.loads(env.state.read_text())
    assert st["status"] == "Interrupted"
    assert {s["id"]: s["status"] for s in st["steps"]}["verify"] == "Running"
    # the database comes up; the run resumes at the interrupted step
    with env.tgt.store.lock:  # no public "ready again" switch in the simulator
        env.tgt.store._never_ready.clear()
        env.tgt.store.workloads.resync()
    r = env.cli(str(pb), "--resume")
    assert r.returncode == 0, r.stdout + r.stderr
    assert "verify: was interrupted" in r.stdout and "pre-stage: Completed earlier" in r.stdout


def test_native_quiesce_refused_until_target_copy_verified(clusters, tmp_path):
    env = clusters
    pb = tmp_path / "unsafe.yaml"
    pb.write_text("name: unsafe\nsteps:\n  - type: plan\n  - type: pre-stage\n  - type: quiesce\n")
    r = env.cli(str(pb))
    assert r.returncode == 1
    assert "refusing to quiesce the source" in r.stderr and "verified" in r.stderr
    assert env.replicas(env.src) == ORIGINAL
