"""`distroshift demo` end to end on the simulated clusters: artifacts on disk, three reports with the key facts."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import pytest

from migrate.cli.main import run
from migrate.demo import find_replay_tarball

pytestmark = pytest.mark.slow


def _text(path: Path) -> str:
    page = path.read_text(encoding="utf-8")
    body = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.S)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", body)).split())


def _data(path: Path) -> dict:
    return json.loads(re.search(r'id="report-data">(.*?)</script>', path.read_text(), flags=re.S).group(1))


def _tarball(realdata: Path | None) -> Path | None:
    shipped = find_replay_tarball()
    if shipped is not None:
        return shipped
    return realdata / "sonobuoy" / "tarballs" / "results-4-e2e-failures.tar.gz" if realdata else None


def _demo(tmp_path: Path, capsys, *extra: str) -> tuple[int, str]:
    code = run(["demo", "--out", str(tmp_path / "demo"), *extra])
    return code, capsys.readouterr().out


def _unavailable(out: str) -> list[str]:
    m = re.search(r"Not available here: ([\w, -]+) \(", out)
    return m.group(1).split(", ") if m else []


def test_demo_dkp_to_rke2_writes_artifacts_and_an_assessment(tmp_path, capsys):
    code, out = _demo(tmp_path, capsys)
    demo = tmp_path / "demo"
    assert code == 0, out
    assert "distroshift demo: dkp -> rke2" in out
    assert "FAILED" not in out
    assert (demo / "inventory.json").exists() and (demo / "demo.log").exists()
    assessment = demo / "reports" / "assessment.html"
    assert f"  {assessment}" in out  # the path is printed
    text = _text(assessment)
    assert "D2iQ" in text and "v1.27.11" in text and "vSphere" in text  # the simulated DKP 2.8 cluster, detected
    assert (demo / "reports" / "assessment.md").read_text().startswith("# Migration assessment: dkp")
    assert not (demo / "kubeconfig").exists()  # only --keep leaves credentials of the simulators behind
    for stage in _unavailable(out):
        assert f"[   n/a] {stage}" in out  # each missing stage is named, not faked


STAGES = ("inventory", "plan", "addon-crds", "readiness", "run", "verify", "conformance", "reports")


def _stage_lines(out: str) -> dict[str, str]:
    """stage -> its mark (ok, GATE, FAILED, n/a, skip) as the demo printed it."""
    return {m.group(2): m.group(1) for m in re.finditer(r"^  \[\s*(\S+)\] (\S+)", out, flags=re.M)}


def test_demo_says_what_was_replayed_and_what_was_skipped(tmp_path, capsys):
    code, out = _demo(tmp_path, capsys)
    assert code == 0, out
    assert _stage_lines(out) == {s: "ok" for s in STAGES}, out
    assert "replayed a recorded RKE2 v1.28.1 certified-conformance result (no e2e tests run now)" in out
    assert "shipped yet" not in out
    # a skipped step is named with its reason, so "12 of 13" does not read as something missed
    run_line = next(ln for ln in out.splitlines() if "] run " in ln)
    assert "Completed" in run_line and re.search(r"skipped inventory \(using --plan", run_line), run_line


@pytest.mark.parametrize("source,target", [("tkg", "eks"), ("openshift", "kubeadm")])
def test_demo_other_pairs_go_fully_green(tmp_path, capsys, source, target):
    code, out = _demo(tmp_path, capsys, "--source", source)
    assert code == 0, out
    assert f"distroshift demo: {source} -> {target}" in out
    assert _stage_lines(out) == {s: "ok" for s in STAGES}, out
    assert (tmp_path / "demo" / "reports" / "assessment.html").exists()
    if source == "openshift":
        # a real blocker (images in the in-cluster registry) resolved the way an engineer would, and said so
        assert "--registry-map image-registry.openshift-image-registry.svc:5000=registry.example.com/mirror" in out
        plan = json.loads((tmp_path / "demo" / "plan" / "plan.json").read_text())
        assert plan["blockers"] == [] and plan["registry_map"]
        # the target is the shipped kubeadm snapshot, not an empty API server
        assert "target kubeadm v1.33" in out


def _failing_tarball(tmp_path: Path) -> Path:
    """The stand-in sonobuoy's recorded run with 4 e2e failures."""
    import importlib.machinery
    import importlib.util

    path = Path(__file__).resolve().parents[2] / "standins" / "sonobuoy"
    loader = importlib.machinery.SourceFileLoader("sonobuoy_standin_demo", str(path))
    mod = importlib.util.module_from_spec(importlib.util.spec_from_loader(loader.name, loader))
    loader.exec_module(mod)
    return mod.build_tarball(tmp_path / "failing.tar.gz", "failures")


def test_demo_exits_non_zero_when_a_stage_ends_gate(tmp_path, capsys):
    code = run(["demo", "--out", str(tmp_path / "demo"), "--conformance-tarball", str(_failing_tarball(tmp_path))])
    cap = capsys.readouterr()
    assert code == 1, cap.out
    assert _stage_lines(cap.out)["conformance"] == "GATE"
    assert cap.err.count("\n") == 1 and "demo stage(s) did not pass: conformance (GATE)" in cap.err
    data = _data(tmp_path / "demo" / "reports" / "conformance.html")
    assert data["verdict"] == "FAIL" and data["failed"] == 4


@pytest.mark.realdata
def test_demo_writes_the_three_reports_with_key_facts(tmp_path, capsys, realdata_dir):
    tarball = realdata_dir / "sonobuoy" / "tarballs" / "results-4-e2e-failures.tar.gz"
    code, out = _demo(tmp_path, capsys, "--conformance-tarball", str(tarball))
    assert code == 1, out  # 4 real e2e failures: the conformance stage ends GATE, and the demo says so
    reports = tmp_path / "demo" / "reports"
    conformance = reports / "conformance.html"
    ctext = _text(conformance)
    assert "Replayed result." in ctext and tarball.name in ctext
    data = _data(conformance)
    assert data["replayed"] is True and data["failed"] >= 1 and data["verdict"] == "FAIL"
    assessment = _data(reports / "assessment.html")
    assert assessment["target_profile"] == "rke2" and assessment["grade"] in "ABCDF"
    cutover = reports / "cutover.html"
    ktext = _text(cutover)
    assert "native engine" in ktext and "dkp-to-rke2" in ktext
    assert _data(cutover)["status"] == "Completed"


def test_demo_unknown_cluster_is_a_one_line_error(tmp_path, capsys):
    assert run(["demo", "--source", "nope", "--out", str(tmp_path / "d")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: --source: no simulated source cluster 'nope' (shipped: dkp,")
    assert not (tmp_path / "d").exists()


def test_demo_keep_leaves_clusters_reachable_until_stopped(tmp_path, capsys):
    from migrate.cluster import connect
    from migrate.demo import run_demo

    seen = {}

    def poke():  # stands in for the user's kubectl while the simulators are up
        kc = tmp_path / "demo" / "kubeconfig"
        seen["mode"] = oct(kc.stat().st_mode & 0o777)
        seen["version"] = connect(str(kc), "rke2").ensure_reachable().get("gitVersion")

    result = run_demo("dkp", None, tmp_path / "demo", keep=True, echo=lambda s: None, wait=poke)
    assert seen == {"mode": "0o600", "version": "v1.35.7+rke2r1"}
    assert result.kubeconfig == tmp_path / "demo" / "kubeconfig"
