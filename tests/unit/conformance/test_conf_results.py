"""Reading sonobuoy results: layouts, failures with their log excerpts, plugin errors, hostile archives."""

from __future__ import annotations

import io
import tarfile

import pytest

from conformance._archive import Limits, safe_extract
from conformance.results import Reader, headline, log_excerpt, parse_junit, read_results
from migrate.errors import InputError

REAL = "sonobuoy"


def _tar(path, members):
    with tarfile.open(path, "w:gz") as tf:
        for info, data in members:
            tf.addfile(info, io.BytesIO(data) if data is not None else None)
    return path


def _file(name, data=b"x"):
    info = tarfile.TarInfo(name)
    info.size = len(data)
    return info, data


def test_failures_scenario_reports_each_failure_with_message_and_excerpt(make_tarball):
    r = read_results(make_tarball("failures"))
    assert (r.result_status, r.passed, r.failed, r.skipped) == ("failed", 6, 4, 2)
    daemon = next(f for f in r.failures if "Daemon set" in f.name)
    assert headline(daemon.message) == "Aug 17 17:10:15.362: Conformance test suite needs a cluster with at least 2 nodes."
    assert "• Failure" in daemon.log_excerpt and "at least 2 nodes" in daemon.log_excerpt
    # each excerpt is that test's block, not a neighbour's
    pre = next(f for f in r.failures if "basic preemption" in f.name)
    assert "basic preemption" in pre.log_excerpt and "Daemon set" not in pre.log_excerpt
    assert {p.name: p.status for p in r.plugins} == {"e2e": "failed", "systemd-logs": "passed"}


def test_ginkgo_v2_names_lose_it_prefix_and_suite_nodes_are_not_tests(make_tarball):
    r = read_results(make_tarball("all-pass"))
    assert r.result_status == "passed"
    assert r.passed == 6  # 6 specs; [SynchronizedBeforeSuite] & co. not counted
    assert r.server_version == "v1.28.1+rke2r1" and r.sonobuoy_version == "v0.57.3"


def test_failed_suite_node_is_a_failure():
    xml = b"""<testsuites><testsuite name="s">
      <testcase name="[SynchronizedBeforeSuite]" status="failed"><failure message="boom">nodes not ready</failure></testcase>
      <testcase name="[It] [sig-x] a [Conformance]" status="skipped"><skipped/></testcase></testsuite></testsuites>"""
    cases = parse_junit(xml)
    assert [c.status for c in cases] == ["failed", "skipped"]
    assert cases[1].name == "[sig-x] a [Conformance]"


def test_plugin_error_is_kept_apart_and_empty_results_are_unknown(make_tarball):
    r = read_results(make_tarball("plugin-error"))
    assert r.result_status == "unknown"
    assert [(e.plugin, e.message) for e in r.plugin_errors] == [("e2e", "Container e2e is terminated state (exit code 0) due to reason: Completed:")]
    assert r.failures == []
    assert r.exit_code() == 1


def test_plugin_timeout_error_recorded(make_tarball):
    r = read_results(make_tarball("plugin-timeout"))
    assert [(e.message, e.timeout) for e in r.plugin_errors] == [("timeout waiting for results", True)]
    assert r.exit_code() == 1
    # a timeout is named as one, not counted as a plugin crash
    assert any("timed out" in g for g in r.gate_reasons()) and not any("plugin error" in g for g in r.gate_reasons())


def test_plugin_crash_is_not_a_timeout(make_tarball):
    r = read_results(make_tarball("plugin-error"))
    assert [e.timeout for e in r.plugin_errors] == [False]
    assert "1 plugin error(s)" in r.gate_reasons()


def test_directory_and_tarball_read_the_same(make_tarball, tmp_path):
    tb = make_tarball("failures")
    names = safe_extract(tb, tmp_path / "x")
    assert "plugins/e2e/results/global/junit_01.xml" in names
    a, b = read_results(tb), read_results(tmp_path / "x")
    assert a.model_dump(exclude={"tarball", "header"}) == b.model_dump(exclude={"tarball", "header"})


@pytest.mark.parametrize(
    "member, why",
    [
        (_file("../evil.txt"), "'..' path"),
        (_file("/etc/evil"), "absolute"),
        (_file("plugins/../../evil"), "'..' path"),
    ],
)
def test_escaping_paths_are_rejected(tmp_path, member, why):
    tb = _tar(tmp_path / "t.tar.gz", [_file("meta/info.json", b"{}"), member])
    with pytest.raises(InputError, match=why):
        Reader(tb)
    with pytest.raises(InputError):
        safe_extract(tb, tmp_path / "out")
    assert not (tmp_path / "evil.txt").exists()


def test_symlink_out_rejected_inside_tolerated(tmp_path):
    out = tarfile.TarInfo("plugins/e2e/link")
    out.type, out.linkname = tarfile.SYMTYPE, "../../../etc/passwd"
    with pytest.raises(InputError, match="symlink pointing outside"):
        Reader(_tar(tmp_path / "a.tar.gz", [_file("meta/info.json", b"{}"), (out, None)]))
    hard = tarfile.TarInfo("plugins/e2e/hard")
    hard.type, hard.linkname = tarfile.LNKTYPE, "/etc/shadow"
    with pytest.raises(InputError, match="hardlink pointing outside"):
        Reader(_tar(tmp_path / "b.tar.gz", [_file("meta/info.json", b"{}"), (hard, None)]))
    inside = tarfile.TarInfo("plugins/e2e/ok")
    inside.type, inside.linkname = tarfile.SYMTYPE, "../e2e/results"
    r = Reader(_tar(tmp_path / "c.tar.gz", [_file("meta/info.json", b"{}"), (inside, None)]))
    assert "plugins/e2e/ok" not in r.names  # never followed


def test_device_and_size_limits(tmp_path):
    dev = tarfile.TarInfo("meta/dev")
    dev.type = tarfile.CHRTYPE
    with pytest.raises(InputError, match="device"):
        Reader(_tar(tmp_path / "d.tar.gz", [(dev, None)]))
    big = _tar(tmp_path / "big.tar.gz", [_file("meta/info.json", b"{}"), _file("plugins/e2e/x", b"y" * 2000)])
    with pytest.raises(InputError, match="per-file limit"):
        Reader(big, Limits(max_file_bytes=1000))
    with pytest.raises(InputError, match="expands to over"):
        Reader(big, Limits(max_total_bytes=1500))


def test_corrupt_and_non_sonobuoy_inputs_are_one_line_errors(make_tarball, tmp_path):
    with pytest.raises(InputError, match="not a readable tar.gz"):
        Reader(make_tarball("corrupt-tarball"))
    with pytest.raises(InputError, match="no such tarball"):
        Reader(tmp_path / "nope.tar.gz")
    (tmp_path / "empty").mkdir()
    with pytest.raises(InputError, match="does not look like sonobuoy results"):
        Reader(tmp_path / "empty")
    with pytest.raises(InputError, match="not valid JUnit"):
        parse_junit(b"<testsuite><testcase", source="x.xml")


def test_excerpt_absent_when_log_has_no_block():
    assert log_excerpt("", "[sig-x] a") == ""
    assert log_excerpt("nothing failed here\n", "[sig-x] something [Conformance]") == ""


@pytest.mark.realdata
def test_real_tarball_with_4_failures(realdata_dir):
    tb = realdata_dir / REAL / "tarballs" / "results-4-e2e-failures.tar.gz"
    r = read_results(tb)
    assert (r.result_status, r.passed, r.failed) == ("failed", 21, 4)
    assert r.sonobuoy_version == "v0.53.2" and r.server_version == "v1.21.1"
    assert all(f.log_excerpt.startswith("• Failure") for f in r.failures)
    timeout = next(f for f in r.failures if "resource limits" in f.name)
    assert "Timed out after 10m0s waiting for stable cluster." in timeout.message
    extracted = read_results(realdata_dir / REAL / "extracted" / "results-4-e2e-failures")
    assert [f.model_dump() for f in extracted.failures] == [f.model_dump() for f in r.failures]


@pytest.mark.realdata
def test_real_quick_run_and_old_layout(realdata_dir):
    quick = read_results(realdata_dir / REAL / "tarballs" / "results-quick-no-failures.tar.gz")
    assert (quick.result_status, quick.passed, quick.failed) == ("passed", 1, 0)
    old = Reader(realdata_dir / REAL / "tarballs" / "results-0.10.tar.gz")
    assert old.layout() == "old"
    res = old.to_result()
    assert res.sonobuoy_version.startswith("v0.10") and res.server_version == "v1.8.4"
    assert res.result_status == "passed" and res.passed >= 1
