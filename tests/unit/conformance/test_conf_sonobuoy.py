"""The sonobuoy wrapper against the stand-in: flags passed, polling, timeout, Ctrl-C, and cleanup."""

from __future__ import annotations

import pytest

from conformance.sonobuoy import RunOptions, Sonobuoy, parse_status, parse_version, run_and_retrieve
from migrate.errors import InputError, ToolError

# `sonobuoy version --kubeconfig ...` as printed in real CNCF submission READMEs (note the two spaces)
REAL_VERSION = """Sonobuoy Version: v0.56.10
MinimumKubeVersion: 1.17.0
MaximumKubeVersion: 1.99.99
GitSHA: 551bf68c694927839c3add25a2512f880902ee9b
GoVersion: go1.18.5
Platform: linux/amd64
API Version:  v1.24.5+1.el8
"""
# `sonobuoy status --json` from sonobuoy PR 1045
REAL_STATUS = """{"plugins":[{"plugin":"e2e","node":"global","status":"complete","result-status":"passed",
"result-counts":{"passed":1,"skipped":4896}},{"plugin":"systemd-logs","node":"kind-control-plane","status":"complete",
"result-status":"passed","result-counts":{"passed":1}}],"status":"complete","tar-info":{"name":
"201912122232_sonobuoy_93015c64-5e06-446a-81b0-9262b3c78ff0.tar.gz","created":"2019-12-12T22:32:40.2666856Z",
"sha256":"d9cc3080c6e85da6f76e70028d52e7541d21c330c37594e8230b57cd7bd2d4bd","size":233587}}"""


class FakeClock:
    """Time advances only when the code under test sleeps."""

    def __init__(self):
        self.t = 1000.0
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.t

    def sleep(self, s: float) -> None:
        self.sleeps.append(s)
        self.t += s


def test_parse_real_outputs():
    v = parse_version(REAL_VERSION)
    assert (v.version, v.api_version) == ("v0.56.10", "v1.24.5+1.el8")
    assert parse_version("v0.57.3\n").version == "v0.57.3"  # --short
    assert parse_version("Usage: something else").version == ""
    st = parse_status(REAL_STATUS)
    assert st["status"] == "complete" and st["plugins"][0]["result-counts"]["skipped"] == 4896
    with pytest.raises(ValueError):
        parse_status("PLUGIN STATUS RESULT COUNT")


def test_flags_reach_sonobuoy_and_delete_runs(standin_env, tmp_path):
    rerun = tmp_path / "old.tar.gz"
    rerun.write_bytes(b"x")
    repo = tmp_path / "repos.yaml"
    repo.write_text("dockerLibraryRegistry: registry.local/library\n")
    sb = Sonobuoy(standin_env.binary, kubeconfig="/k/config", context="target")
    opts = RunOptions(
        mode="certified-conformance", plugins=["e2e", "systemd-logs"], sonobuoy_image="registry.local/sonobuoy:v0.57.3",
        kube_conformance_image="registry.local/conformance:v1.28.1", systemd_logs_image="registry.local/systemd-logs:v0.4",
        e2e_repo_config=str(repo), rerun_failed=str(rerun), poll_interval=5,
    )
    clock = FakeClock()
    seen = []
    out = run_and_retrieve(sb, opts, tmp_path / "out", clock=clock, sleep=clock.sleep, on_progress=seen.append)
    assert out.run_status == "complete" and out.tarball.is_file() and out.deleted
    calls = standin_env.calls()
    verbs = [c[0] for c in calls]
    assert verbs[:2] == ["version", "run"] and verbs[-2:] == ["retrieve", "delete"]
    run = calls[1]
    for flag, val in [("--mode", "certified-conformance"), ("--sonobuoy-image", "registry.local/sonobuoy:v0.57.3"),
                      ("--kube-conformance-image", "registry.local/conformance:v1.28.1"),
                      ("--systemd-logs-image", "registry.local/systemd-logs:v0.4"), ("--e2e-repo-config", str(repo)),
                      ("--rerun-failed", str(rerun)), ("--kubeconfig", "/k/config"), ("--context", "target")]:
        assert run[run.index(flag) + 1] == val
    assert run.count("--plugin") == 2
    assert all(c[c.index("--context") + 1] == "target" for c in calls)
    assert calls[-1][:2] == ["delete", "--wait"]
    # progress: counts from the e2e plugin, and an ETA once tests complete
    running = [p for p in seen if p.run_status == "running"]
    assert running and running[-1].total == 6 and running[-1].eta is not None
    assert clock.sleeps == [5, 5, 5]


def test_timeout_deletes_and_reports(standin_env, tmp_path):
    standin_env.scenario("never-finishes")
    clock = FakeClock()
    sb = Sonobuoy(standin_env.binary)
    out = run_and_retrieve(sb, RunOptions(timeout=60, poll_interval=10), tmp_path, clock=clock, sleep=clock.sleep)
    assert out.run_status == "timed-out" and out.tarball is None and "timed out after 1m00s" in out.message
    verbs = [c[0] for c in standin_env.calls()]
    assert "retrieve" not in verbs and verbs[-1] == "delete"


def test_ctrl_c_still_deletes(standin_env, tmp_path):
    standin_env.scenario("never-finishes")

    def interrupt(_):
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        run_and_retrieve(Sonobuoy(standin_env.binary), RunOptions(), tmp_path, sleep=interrupt)
    assert standin_env.calls()[-1][:2] == ["delete", "--wait"]


def test_failed_run_is_not_ours_to_delete(standin_env, tmp_path):
    standin_env.scenario("run-exists")
    with pytest.raises(ToolError) as e:
        run_and_retrieve(Sonobuoy(standin_env.binary), RunOptions(), tmp_path)
    assert e.value.exit_code == 3 and "already exists" in str(e.value)
    assert "delete" not in [c[0] for c in standin_env.calls()]


def test_status_garbage_gives_up_after_retries_and_deletes(standin_env, tmp_path):
    standin_env.scenario("status-garbage")
    clock = FakeClock()
    with pytest.raises(ToolError, match="no JSON"):
        run_and_retrieve(Sonobuoy(standin_env.binary), RunOptions(poll_interval=1), tmp_path, clock=clock, sleep=clock.sleep)
    verbs = [c[0] for c in standin_env.calls()]
    assert verbs.count("status") == 6 and verbs[-1] == "delete"


def test_missing_binary_and_bad_options(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(ToolError) as e:
        Sonobuoy()
    assert e.value.exit_code == 3 and "not found on PATH" in str(e.value)
    with pytest.raises(ToolError):
        Sonobuoy(str(tmp_path / "nope"))
    with pytest.raises(InputError, match="unknown mode"):
        RunOptions(mode="fast").validate()
    with pytest.raises(InputError, match="--rerun-failed"):
        RunOptions(rerun_failed=str(tmp_path / "missing.tar.gz")).validate()
    (tmp_path / "t.tar.gz").write_bytes(b"x")
    with pytest.raises(InputError, match="drop --e2e-focus"):
        RunOptions(rerun_failed=str(tmp_path / "t.tar.gz"), e2e_focus="x").validate()
