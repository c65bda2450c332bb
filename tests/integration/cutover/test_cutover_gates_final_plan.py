"""Second QA round on `distroshift run`: --yes approves one gate only, a rolled-back run stays
rolled back, the final plan describes the target's intended state (a standalone verify passes), the
final backup holds objects created after planning, Secret drift names keys, dry runs exit like real
runs on bad input / missing tools, an unusable --state is refused up front."""

from __future__ import annotations

import base64
import json
import os
import shlex
import subprocess
import sys

import yaml

from cutover_env import ORIGINAL, QUIESCED, SECRET_VALUE


def steps(env) -> dict[str, str]:
    return {s["id"]: s["status"] for s in json.loads(env.state.read_text())["steps"]}


# --- 1. --yes approves only the gate the run is waiting at ------------------------------------
def test_yes_approves_only_the_gate_the_run_waits_at(clusters):
    env = clusters
    # a fresh run with --yes is waiting at no gate: the first gate (before the source is scaled down) stops it
    r = env.cli("generic", "--yes")
    assert r.returncode == 4, r.stdout[-2000:] + r.stderr
    assert "approves nothing" in r.stdout and "approve-cutover" in r.stderr
    assert env.replicas(env.src) == ORIGINAL
    # --resume --yes approves approve-cutover (the source is frozen) ... and the NEXT gate stops again
    r = env.cli("generic", "--resume", "--yes")
    assert r.returncode == 4, r.stdout[-2000:] + r.stderr
    assert "switch-traffic" in r.stderr and "run completed" not in r.stdout
    st = steps(env)
    assert st["approve-cutover"] == "Completed" and st["switch-traffic"] == "WaitingApproval" and st["finish"] == "Pending"
    assert json.loads(env.state.read_text())["status"] == "WaitingApproval"
    assert env.replicas(env.src) == QUIESCED and env.replicas(env.tgt) == ORIGINAL
    # without --yes the gate holds; with it, that gate passes and the run completes
    assert env.cli("generic", "--resume").returncode == 4
    r = env.cli("generic", "--resume", "--yes")
    assert r.returncode == 0, r.stdout[-2000:] + r.stderr
    assert "run completed" in r.stdout


def test_approve_all_is_explicit_and_documented(clusters):
    env = clusters
    r = subprocess.run([sys.executable, "-m", "migrate.cli.main", "run", "--help"], capture_output=True, text=True,
                       env={**os.environ, "COLUMNS": "200"})
    assert "--approve-all" in r.stdout and "that one gate only" in " ".join(r.stdout.split())
    r = env.cli("generic", "--approve-all")
    assert r.returncode == 0, r.stdout[-2000:] + r.stderr
    assert set(steps(env).values()) <= {"Completed", "Skipped"}


# --- 2. a rolled-back run is not resumed --------------------------------------------------------
def test_rolled_back_run_cannot_be_resumed(clusters):
    env = clusters
    assert env.cli("generic").returncode == 4
    assert env.cli("generic", "--resume", "--yes").returncode == 4  # source frozen, waiting at switch-traffic
    r = env.cli("generic", "--rollback", "--remove-target")
    assert r.returncode == 0, r.stdout[-2000:] + r.stderr
    assert env.replicas(env.src) == ORIGINAL
    for extra in (("--resume",), ("--resume", "--yes"), ("--resume", "--approve-all")):
        r = env.cli("generic", *extra)
        assert r.returncode == 2, r.stdout[-2000:] + r.stderr
        assert r.stderr.count("\n") == 1 and "rolled back" in r.stderr and "new --state" in r.stderr
        assert str(env.state) in r.stderr
    assert env.replicas(env.src) == ORIGINAL  # never quiesced again
    st = json.loads(env.state.read_text())
    assert st["status"] == "RolledBack"


def test_run_being_rolled_back_cannot_be_resumed(clusters):
    env = clusters
    assert env.cli("generic").returncode == 4
    assert env.cli("generic", "--resume", "--yes").returncode == 4
    r = env.cli("generic", "--rollback", "--remove-target", env={"DISTROSHIFT_CRASH_AT": "rollback:1"})
    assert r.returncode == 137
    r = env.cli("generic", "--resume", "--yes")
    assert r.returncode == 2 and "--rollback" in r.stderr and "new --state" in r.stderr, r.stderr
    assert env.cli("generic", "--rollback", "--remove-target").returncode == 0


# --- 3/4/5. the final plan, the final backup and the drift after changes at the gate -----------
def test_final_plan_is_the_intended_target_and_verifies_standalone(clusters):
    env = clusters
    env.plan = None  # the run inventories and plans the source itself: the first and final plans compare like for like
    assert env.cli("generic").returncode == 4  # waiting at approve-cutover: the source changes meanwhile
    new_key = base64.b64encode(b"added-at-the-gate-value").decode()
    sec = env.get(env.src, "v1", "Secret", "shop", "db-credentials")
    env.src.store.put({**sec, "data": {**sec["data"], "NEW_SECRET_KEY": new_key}})
    env.src.store.put({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "added-config", "namespace": "shop"},
                       "data": {"A": "1"}})
    env.src.store.put({"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "added-secret", "namespace": "shop"},
                       "type": "Opaque", "data": {"token": new_key}})
    r = env.cli("generic", "--resume", "--approve-all")
    assert r.returncode == 0, r.stdout[-3000:] + r.stderr
    art = env.work / "state-artifacts"
    final = art / "final-plan"

    # 5. the drift names the Secret's new key (keys only, never values)
    drift = [ln.strip() for ln in r.stdout.splitlines() if ln.strip().startswith("Secret shop/db-credentials:")]
    assert drift == ["Secret shop/db-credentials: +/data/NEW_SECRET_KEY"], drift
    assert "2 added (ConfigMap shop/added-config, Secret shop/added-secret)" in r.stdout
    assert "/data/0" not in r.stdout and "/data/1" not in r.stdout
    assert "added-at-the-gate-value" not in r.stdout + r.stderr and new_key not in r.stdout + env.state.read_text()

    # 4. the final backup holds every object of the final plan, the new ones included
    st = {s["id"]: s for s in json.loads(env.state.read_text())["steps"]}
    plan = json.loads((final / "plan.json").read_text())
    kept = [o for o in plan["objects"] if o["decision"] != "Drop"]
    assert st["final-backup"]["data"]["exported"] == len(kept)
    backup = {p.name for p in (art / "final-backup").rglob("*.json")}
    assert {"core-ConfigMap-added-config.json", "core-Secret-added-secret.json"} <= backup
    for p in (art / "final-backup").rglob("*Secret*.json"):
        assert all(v == "" for v in json.loads(p.read_text()).get("data", {}).values())

    # 3. the final plan and inventory describe the target as it should run, not the frozen source
    docs = [yaml.safe_load(p.read_text()) for p in (final / "manifests").rglob("*.yaml")]
    by = {(d["kind"], d["metadata"]["name"]): d for d in docs if d}
    assert by[("Deployment", "web")]["spec"]["replicas"] == 3
    assert by[("StatefulSet", "db")]["spec"]["replicas"] == 1
    assert by[("CronJob", "nightly-report")]["spec"].get("suspend") in (False, None)
    assert by[("DaemonSet", "edge-cache")]["spec"]["template"]["spec"]["nodeSelector"] == {"kubernetes.io/os": "linux"}
    inv = json.loads((art / "final-inventory.json").read_text())
    assert {w["ref"]["name"]: w["replicas"] for w in inv["workloads"] if w["ref"]["kind"] == "Deployment"} == {"web": 3}
    assert env.replicas(env.src) == QUIESCED  # the source itself stays frozen

    # the end of the run says which plan a standalone verify uses, and where the run's parity is
    tail = r.stdout[r.stdout.index("run completed"):]
    assert f"distroshift verify --plan {final} --source-inventory {art / 'final-inventory.json'} --kubeconfig" in tail
    assert f"own parity results: {art / 'verify-parity.json'}" in tail
    # the printed command, run as printed, passes (QA: 9 checks failed against the quiesced source's plan)
    line = next(ln for ln in tail.splitlines() if "distroshift verify" in ln)
    argv = shlex.split(line.split("distroshift ", 1)[1].split("   (", 1)[0])
    assert argv[argv.index("--context") + 1] == env.target_context
    v = subprocess.run([sys.executable, "-m", "migrate.cli.main", *argv, "-o", "json"], capture_output=True, text=True,
                       timeout=120)
    assert v.returncode == 0, v.stdout[-3000:] + v.stderr
    assert json.loads(v.stdout)["checks"]


# --- 6. dry-run exit codes as a real run's ------------------------------------------------------
def test_dry_run_with_a_wrong_plan_file_exits_2_once_like_a_real_run(clusters):
    env = clusters
    wrong = env.work / "inventory.json"
    wrong.write_text(json.dumps({"header": {"kind": "Inventory", "schema_version": 1}, "cluster": {}}))
    env.plan = wrong
    real = env.cli("generic", "--approve-all")
    dry = env.cli("generic", "--approve-all", "--dry-run")
    assert real.returncode == dry.returncode == 2, dry.stdout[-2000:] + dry.stderr
    assert dry.stderr.count("\n") == 1 and str(wrong) in dry.stderr
    assert "a real run would stop" not in dry.stdout and dry.stdout.count(str(wrong)) <= 1
    assert env.replicas(env.src) == ORIGINAL


def test_dry_run_without_velero_exits_3_like_a_real_run(clusters):
    env = clusters
    path = os.pathsep.join(p for p in os.environ.get("PATH", "").split(os.pathsep) if "standins" not in p)

    def run(*extra):
        return subprocess.run([sys.executable, "-m", "migrate.cli.main", *env.args("generic", "--engine", "velero", *extra)],
                              capture_output=True, text=True, env={**os.environ, "PATH": path}, timeout=120, cwd=env.work)

    dry = run("--dry-run")
    assert dry.returncode == 3, dry.stdout[-2000:] + dry.stderr
    assert dry.stderr.count("\n") == 1 and "velero" in dry.stderr
    assert "a real run would stop" not in dry.stdout
    assert run().returncode == 3


# --- 7. an unusable --state is refused before any work -----------------------------------------
def test_unusable_state_path_is_refused_up_front(clusters, tmp_path):
    env = clusters
    tmp = tmp_path / "tmpdir"
    tmp.mkdir()
    for bad in ("/proc/s.json", str(tmp_path / "no-such-dir" / "s.json"), str(tmp_path)):
        env.state = type(env.state)(bad)
        for extra in (("--dry-run",), ()):
            r = env.cli("generic", "--approve-all", *extra, env={"TMPDIR": str(tmp)})
            assert r.returncode == 2, r.stdout[-2000:] + r.stderr
            assert r.stderr.count("\n") == 1 and bad in r.stderr and "--state" in r.stderr
            assert "playbook generic" not in r.stdout  # refused before the run started
    assert list(tmp.iterdir()) == []
    assert not list(tmp_path.glob("*-dry-run")) and not list(tmp_path.glob("*-artifacts"))
    assert env.replicas(env.src) == ORIGINAL


# --- 8. the playbook's declared distros against the clusters' ----------------------------------
def test_playbook_written_for_other_distros_warns_and_names_the_detected_ones(tmp_path):
    from pathlib import Path

    from migrate.sim import serve

    from cutover_env import merge_kubeconfigs

    book = Path(__file__).resolve().parents[3] / "playbooks" / "playbooks" / "tkg-to-eks.yaml"
    with serve("dkp") as src, serve("rke2") as tgt:
        kc = merge_kubeconfigs(tmp_path / "kubeconfig", src.kubeconfig, tgt.kubeconfig)
        base = [sys.executable, "-m", "migrate.cli.main", "run", str(book), "--kubeconfig", str(kc), "--source-context",
                src.name, "--target-context", tgt.name, "--engine", "native"]
        dry = subprocess.run([*base, "--state", str(tmp_path / "dry.json"), "--dry-run"], capture_output=True, text=True,
                             timeout=120)
        # a real run, to its first stop (the install-addons gate): the warning is kept in the state
        real = subprocess.run([*base, "--state", str(tmp_path / "state.json")], capture_output=True, text=True, timeout=120)
    assert real.returncode == 4, real.stdout[-2000:] + real.stderr
    for r in (dry, real):
        warnings = [ln for ln in r.stdout.splitlines() if ln.startswith("WARNING: playbook distro mismatch")]
        assert len(warnings) == 2, r.stdout[:3000]
        assert "TKG" in warnings[0] and "dkp" in warnings[0] and "EKS" in warnings[1] and "rke2" in warnings[1]
    # the gates' messages name the clusters as detected, not as the playbook was written
    assert "RKE2 copy verified. Next: scale the DKP workloads to 0" in dry.stdout
    assert "from the DKP ingress addresses to the RKE2 load balancers" in dry.stdout
    assert "EKS copy verified" not in dry.stdout and "TKG workloads" not in dry.stdout
    st = json.loads((tmp_path / "state.json").read_text())
    assert st["source_distro"] == "dkp" and st["target_distro"] == "rke2"
    assert len(st["warnings"]) == 2 and all("distro mismatch" in w for w in st["warnings"])
