"""Known failures and the gate's exit code: pessimistic, honest, and explicit about why."""

from __future__ import annotations

import datetime as dt

import pytest

import conformance
from conformance.gate import apply_known_failures, load_known_failures, split_failures
from conformance.models import CheckResult, CheckStatus, ConformanceResult, TestCase
from conformance.results import read_results
from migrate.errors import InputError

DAEMON = "[sig-apps] Daemon set [Serial] should rollback without unnecessary restarts [Conformance]"
PREDICATES = "[sig-scheduling] SchedulerPredicates [Serial] validates resource limits of pods that are allowed to run  [Conformance]"


def _kf(tmp_path, text):
    p = tmp_path / "known.yaml"
    p.write_text(text)
    return p


def test_exact_regex_and_whitespace_insensitive_matching(make_tarball, tmp_path):
    known = load_known_failures(_kf(tmp_path, f"""
- test: "{DAEMON}"
  reason: single-node lab cluster
- test: "regex:^\\\\[sig-scheduling\\\\] SchedulerPreemption"
  reason: preemption needs spare capacity
- test: "[sig-scheduling] SchedulerPredicates [Serial] validates resource limits of pods that are allowed to run [Conformance]"
  reason: copy-pasted name lost the double space
"""))
    r = apply_known_failures(read_results(make_tarball("failures")), known)
    assert len(r.expected_failures) == 4 and r.unexpected_failures == []
    assert {m.reason for m in r.expected_failures} >= {"single-node lab cluster", "preemption needs spare capacity"}
    assert r.exit_code() == 0


def test_one_unknown_failure_fails_the_gate(make_tarball, tmp_path):
    known = load_known_failures(_kf(tmp_path, f'- test: "{DAEMON}"\n  reason: lab\n'))
    r = apply_known_failures(read_results(make_tarball("failures")), known)
    assert len(r.expected_failures) == 1 and len(r.unexpected_failures) == 3
    assert r.exit_code() == 1
    assert "3 unexpected e2e failure(s)" in r.gate_reasons()


def test_expired_entry_no_longer_matches():
    f = [TestCase(name=DAEMON, status="failed")]
    from conformance.models import KnownFailure

    entry = KnownFailure(test=DAEMON, reason="until the 2-node lab", expires=dt.date(2026, 1, 31))
    exp, unexp = split_failures(f, [entry], today=dt.date(2026, 1, 31))
    assert len(exp) == 1
    exp, unexp = split_failures(f, [entry], today=dt.date(2026, 2, 1))
    assert exp == [] and [u.name for u in unexp] == [DAEMON]


@pytest.mark.parametrize(
    "text, field, msg",
    [
        ("- test: x\n", "[0].reason", "required"),
        ("- reason: y\n", "[0].test", "required"),
        ("- test: x\n  reason: y\n  expires: not-a-date\n", "[0].expires", ""),
        ("- test: 'regex:(['\n  reason: y\n", "[0].test", "invalid regular expression"),
        ("- test: x\n  reason: y\n  owner: me\n", "[0].owner", ""),
        ("test: x\n", None, "expected a list"),
        ("- [unclosed\n", None, "not valid YAML"),
    ],
)
def test_bad_known_failures_file_names_file_and_field(tmp_path, text, field, msg):
    p = _kf(tmp_path, text)
    with pytest.raises(InputError) as e:
        load_known_failures(p)
    assert e.value.exit_code == 2
    assert str(p) in str(e.value)
    if field:
        assert field in str(e.value)
    assert msg in str(e.value)
    assert "\n" not in str(e.value)


def test_missing_file(tmp_path):
    with pytest.raises(InputError, match="not found"):
        load_known_failures(tmp_path / "nope.yaml")


@pytest.mark.parametrize(
    "result, code",
    [
        (ConformanceResult(result_status="passed", passed=3, run_status="complete"), 0),
        (ConformanceResult(result_status="unknown", run_status="complete"), 1),  # empty is never a pass
        (ConformanceResult(result_status="failed", run_status="timed-out"), 1),
        (ConformanceResult(result_status="passed", passed=1, checks=[CheckResult(id="a", title="a", status=CheckStatus.Failed)]), 1),
        (ConformanceResult(result_status="passed", passed=1, checks=[CheckResult(id="a", title="a", status=CheckStatus.Error)]), 1),
        # a warning-severity finding is reported, not gated
        (ConformanceResult(result_status="passed", passed=1, checks=[CheckResult(id="a", title="a", status=CheckStatus.Failed, severity="Warning")]), 0),
        (ConformanceResult(result_status="passed", passed=1, checks=[CheckResult(id="a", title="a", status=CheckStatus.Skipped)]), 0),
    ],
)
def test_exit_code(result, code):
    assert result.exit_code() == code


def test_public_surface_is_pinned():
    assert sorted(conformance.__all__) == sorted(
        ["BundleCheck", "CheckResult", "CheckStatus", "ConformanceResult", "KnownFailure", "MatchedFailure", "PluginError", "ResultItem", "TestCase"]
    )
    for name in conformance.__all__:
        assert hasattr(conformance, name)
