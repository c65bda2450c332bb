"""JUnit output: valid XML in the Surefire shape, counts CI systems trust, known failures not red."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from conformance import junit
from conformance.gate import split_failures
from conformance.models import CheckResult, CheckStatus, KnownFailure, TestCase


def _parse(path):
    return ET.parse(path).getroot()


def test_checks_and_cases_in_one_file(tmp_path):
    checks = [
        CheckResult(id="distroshift.io/readiness/dns", title="DNS resolves", status=CheckStatus.Passed),
        CheckResult(id="distroshift.io/readiness/sc", title="default StorageClass", status=CheckStatus.Failed, message="no default StorageClass", evidence=["storageclasses: 0 default"]),
        CheckResult(id="distroshift.io/parity/x", title="x", category="parity", status=CheckStatus.Error, message="boom"),
        CheckResult(id="distroshift.io/readiness/w", title="warn", status=CheckStatus.Failed, severity="Warning", message="minor"),
    ]
    cases = [
        TestCase(name="[sig-a] ok [Conformance]", status="passed", duration=1.5),
        TestCase(name="[sig-a] bad [Conformance]", status="failed", message="x.go:1\nit broke\x1b[0m", log_excerpt="• Failure"),
        TestCase(name="[sig-a] known [Conformance]", status="failed", message="expected"),
        TestCase(name="[sig-a] slow [Conformance]", status="timeout", message="timed out"),
    ]
    expected, _ = split_failures(cases, [KnownFailure(test="[sig-a] known [Conformance]", reason="lab has 1 node")])
    root = _parse(junit.write(tmp_path / "j.xml", checks=checks, cases=cases, expected=expected))
    assert root.tag == "testsuites"
    assert (root.get("tests"), root.get("failures"), root.get("errors"), root.get("skipped")) == ("8", "3", "1", "2")
    suites = {s.get("name"): s for s in root.findall("testsuite")}
    assert set(suites) == {"distroshift readiness checks", "distroshift parity checks", "Kubernetes e2e suite"}
    bad = next(tc for tc in root.iter("testcase") if tc.get("name") == "[sig-a] bad [Conformance]")
    fail = bad.find("failure")
    assert fail.get("message") == "it broke"  # the reason, not the source location
    assert "\x1b" not in fail.text and "• Failure" in fail.text
    known = next(tc for tc in root.iter("testcase") if tc.get("name") == "[sig-a] known [Conformance]")
    assert known.find("failure") is None and known.find("skipped").get("message") == "known failure: lab has 1 node"
    slow = next(tc for tc in root.iter("testcase") if "slow" in tc.get("name"))
    assert slow.find("failure").get("type") == "Timeout"


def test_checks_only_is_valid(tmp_path):
    root = _parse(junit.write(tmp_path / "c.xml", checks=[CheckResult(id="a", title="A", status=CheckStatus.Passed)]))
    assert root.get("tests") == "1" and root.get("failures") == "0"
