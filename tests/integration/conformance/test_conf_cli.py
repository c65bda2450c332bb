"""`distroshift conformance` end to end with the stand-in sonobuoy: each scenario's exit code and files."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from migrate.cli.main import run

FAST = ["--poll-interval", "0.01"]
ROOT = Path(__file__).resolve().parents[3]


def cli(*args: str) -> int:
    return run(["conformance", *args])


@pytest.mark.parametrize(
    "scenario, code, says",
    [
        ("all-pass", 0, None),
        ("failures", 1, "4 unexpected e2e failure(s)"),
        ("plugin-error", 1, "1 plugin error(s)"),
        ("plugin-timeout", 1, "plugin e2e timed out waiting for results"),
        ("corrupt-tarball", 3, "not a readable tar.gz"),
        ("traversal-tarball", 3, "'..' path"),
        ("run-exists", 3, "already exists"),
    ],
)
def test_scenario_exit_codes(sono, capsys, scenario, code, says):
    sono.scenario(scenario)
    assert cli("--kubeconfig", sono.kubeconfig, "--context", "target", "--out", "res", *FAST) == code
    err = capsys.readouterr().err
    if says:
        assert says in err and err.count("error:") == 1
    verbs = [c[0] for c in sono.calls()]
    assert verbs[-1] == ("run" if scenario == "run-exists" else "delete")
    if code != 3:
        doc = json.loads(Path("res/conformance.json").read_text())
        assert doc["header"]["kind"] == "ConformanceResult" and doc["header"]["source"] == "target"
        ET.parse("res/junit.xml")
    assert not Path("/tmp/sonobuoy-standin-escape.txt").exists()


def test_plugin_timeout_is_reported_as_a_timeout_not_an_error(sono, capsys):
    sono.scenario("plugin-timeout")
    assert cli("--out", "res", *FAST) == 1
    cap = capsys.readouterr()
    assert "plugin error(s)" not in cap.err and "timed out waiting for results" in cap.err
    assert "plugin timeout" in cap.out
    doc = json.loads(Path("res/conformance.json").read_text())
    assert [(e["plugin"], e["timeout"]) for e in doc["plugin_errors"]] == [("e2e", True)]


@pytest.mark.parametrize("why", ["unknown-context", "closed-port"])
def test_live_run_checks_the_cluster_before_starting_sonobuoy(sono, capsys, tmp_path, why):
    import socket

    if why == "unknown-context":
        args = ["--context", "nope"]
        says = "context 'nope' not found"
    else:
        with socket.socket() as s:  # a port nothing listens on once closed
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        kc = tmp_path / "dead.kubeconfig"
        kc.write_text(Path(sono.kubeconfig).read_text().replace(
            __import__("re").search(r"https://127\.0\.0\.1:\d+", Path(sono.kubeconfig).read_text()).group(0), f"https://127.0.0.1:{port}"))
        args = ["--kubeconfig", str(kc)]
        says = "unreachable"
    assert cli(*args, "--out", "res", *FAST) == 2
    err = capsys.readouterr().err
    assert says in err and err.count("\n") == 1 and err.startswith("error: ")
    assert sono.calls() == []  # sonobuoy never started
    assert not Path("res/conformance.json").exists()


def test_help_lists_exit_codes_one_per_line(capsys):
    assert run(["conformance", "--help"]) == 0
    lines = [ln.strip(" │") for ln in capsys.readouterr().out.splitlines()]
    starts = {ln.split()[0] for ln in lines if ln.split() and ln.split()[0] in ("0", "1", "2", "3", "130")}
    assert starts == {"0", "1", "2", "3", "130"}
    assert any("unknown is never a pass" in ln for ln in lines)


def test_timeout_fails_gate_and_deletes(sono, capsys):
    sono.scenario("never-finishes")
    assert cli("--timeout", "0.2", "--poll-interval", "0.05", "--out", "res") == 1
    assert "the run timed out" in capsys.readouterr().err
    doc = json.loads(Path("res/conformance.json").read_text())
    assert (doc["run_status"], doc["result_status"]) == ("timed-out", "failed")
    assert sono.calls()[-1][:2] == ["delete", "--wait"]
    # CI sees a red test case too, not an empty report
    root = ET.parse("res/junit.xml").getroot()
    assert root.get("failures") == "1"


def test_known_failures_turn_the_gate_green_and_show_reasons(sono, capsys, tmp_path):
    sono.scenario("failures")
    kf = tmp_path / "known.yaml"
    kf.write_text('- test: "regex:\\\\[Serial\\\\]"\n  reason: single-node lab cluster\n')
    assert cli("--known-failures", str(kf), "--junit", "ci/junit.xml", "-o", "json", *FAST) == 0
    doc = json.loads(capsys.readouterr().out)
    assert len(doc["expected_failures"]) == 4 and doc["unexpected_failures"] == []
    assert {m["reason"] for m in doc["expected_failures"]} == {"single-node lab cluster"}
    assert ET.parse("ci/junit.xml").getroot().get("failures") == "0"


def test_bad_known_failures_is_exit_2_before_running(sono, capsys, tmp_path):
    kf = tmp_path / "known.yaml"
    kf.write_text("- test: x\n")
    assert cli("--known-failures", str(kf)) == 2
    err = capsys.readouterr().err
    assert f"{kf}: [0].reason" in err and "Traceback" not in err
    assert sono.calls() == []  # nothing launched


def test_bad_flags_are_exit_2(sono, capsys):
    assert cli("--mode", "fast") == 2
    assert cli("--timeout", "soon") == 2
    assert sono.calls() == []


def test_sonobuoy_missing_is_exit_3(monkeypatch, tmp_path, capsys):
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.chdir(tmp_path)
    assert cli() == 3
    assert "'sonobuoy' not found on PATH" in capsys.readouterr().err


def test_from_tarball_replays_and_says_so(sono, capsys, tmp_path):
    import importlib.machinery
    import importlib.util

    loader = importlib.machinery.SourceFileLoader("sbst", str(sono.path))
    mod = importlib.util.module_from_spec(importlib.util.spec_from_loader("sbst", loader))
    loader.exec_module(mod)
    tb = mod.build_tarball(tmp_path / "old.tar.gz", "failures")
    assert cli("--from-tarball", str(tb), "--out", "res") == 1
    captured = capsys.readouterr()
    assert "replaying" in captured.err and "no tests were run now" in captured.out
    doc = json.loads(Path("res/conformance.json").read_text())
    assert (doc["mode"], doc["run_status"], doc["header"]["mode"]) == ("replay", "replayed", "offline")
    assert sono.calls() == []  # sonobuoy never called
    assert cli("--from-tarball", str(tmp_path / "nope.tar.gz")) == 2


@pytest.mark.realdata
def test_from_real_tarball(sono, capsys, realdata_dir):
    tb = realdata_dir / "sonobuoy" / "tarballs" / "results-4-e2e-failures.tar.gz"
    assert cli("--from-tarball", str(tb), "-o", "yaml") == 1
    out = capsys.readouterr().out
    assert "sonobuoy_version: v0.53.2" in out and "Timed out after 10m0s waiting for stable cluster." in out


@pytest.mark.realdata
def test_standin_replays_a_real_tarball(sono, monkeypatch, realdata_dir, capsys):
    monkeypatch.setenv("SONOBUOY_STANDIN_TARBALL", str(realdata_dir / "sonobuoy" / "tarballs" / "results-quick-no-failures.tar.gz"))
    assert cli("--mode", "quick", "--out", "res", *FAST) == 0
    assert json.loads(Path("res/conformance.json").read_text())["passed"] == 1


@pytest.mark.realdata
def test_bundle_check_cli(realdata_dir, capsys, tmp_path):
    src = realdata_dir / "sonobuoy" / "k8s-conformance" / "v1.28" / "konvoy"
    assert run(["conformance", "bundle", "--check", str(src), "--current-version", "v1.30"]) == 0
    assert run(["conformance", "bundle", "--check", str(src), "--current-version", "v1.36"]) == 1
    assert "v1.28 is no longer accepted" in capsys.readouterr().err


def test_bundle_build_cli(sono, capsys, tmp_path):
    import importlib.machinery
    import importlib.util

    loader = importlib.machinery.SourceFileLoader("sbst2", str(sono.path))
    mod = importlib.util.module_from_spec(importlib.util.spec_from_loader("sbst2", loader))
    loader.exec_module(mod)
    tb = mod.build_tarball(tmp_path / "r.tar.gz", "all-pass")
    assert run(["conformance", "bundle", "--results", str(tb), "--out", "sub", "--vendor", "Ex"]) == 2
    assert "--name" in capsys.readouterr().err
    args = ["conformance", "bundle", "--results", str(tb), "--out", "sub", "--vendor", "Ex", "--name", "ExK8s",
            "--product-version", "1.0", "--description", "d", "--website-url", "https://ex.com",
            "--documentation-url", "https://ex.com/d", "--product-logo-url", "https://ex.com/l.svg", "--current-version", "v1.28"]
    assert run(args) == 1  # a 6-test run is not a certified-conformance run
    assert "required tests missing" in capsys.readouterr().err
    assert sorted(p.name for p in Path("sub").iterdir()) == ["PRODUCT.yaml", "README.md", "e2e.log", "junit_01.xml"]


def test_ctrl_c_exits_130_and_deletes_the_run(sono, tmp_path):
    env = {**os.environ, "SONOBUOY_STANDIN_SCENARIO": "never-finishes"}
    # a CI runner may start us with SIGINT ignored (background job); give the child Python's default
    boot = "import signal, sys; signal.signal(signal.SIGINT, signal.default_int_handler); from migrate.cli.main import run; sys.exit(run(sys.argv[1:]))"
    p = subprocess.Popen(
        [sys.executable, "-c", boot, "conformance", "--poll-interval", "0.2", "--out", "res"],
        cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    try:
        for _ in range(300):  # wait until it is polling (bounded wait, not a timing assertion)
            if any(c[0] == "status" for c in sono.calls()):
                break
            time.sleep(0.05)
        p.send_signal(signal.SIGINT)
        _, err = p.communicate(timeout=60)
    finally:
        if p.poll() is None:
            p.kill()
    assert p.returncode == 130, err
    assert sono.calls()[-1][:2] == ["delete", "--wait"]
