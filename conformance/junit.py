"""Write JUnit XML in the shape Jenkins, GitLab, GitHub test reporters and Surefire readers render:

<testsuites tests failures errors skipped time>
  <testsuite name tests failures errors skipped time timestamp>
    <testcase classname name time> [<failure message type>text</failure> | <error .../> | <skipped message/>]

One testcase per native check (readiness, parity, CNCF bundle: CheckResult) and one per e2e test
(TestCase). A known (accepted) e2e failure is written as <skipped> carrying the reason, so a CI
system that fails on any <failure> agrees with our gate; the failure text stays in <system-out>.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections import defaultdict
from pathlib import Path
from typing import Iterable

from conformance.models import CheckResult, CheckStatus, MatchedFailure, TestCase
from conformance.results import headline
from migrate.models.common import now_utc
from migrate.models.io import write_atomic

__all__ = ["write", "render"]

E2E_SUITE = "Kubernetes e2e suite"
# XML 1.0 forbids most control characters; e2e logs carry ANSI escapes.
_BAD_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


def _x(s: str) -> str:
    return _BAD_XML.sub("", _ANSI.sub("", s or ""))


def _attr_msg(s: str) -> str:
    return _x(headline(s))[:500]


def _suite(parent: ET.Element, name: str) -> ET.Element:
    return ET.SubElement(parent, "testsuite", {"name": name})


def _finish(suite: ET.Element, counts: dict[str, int], total_time: float, timestamp: str) -> None:
    suite.set("tests", str(counts["tests"]))
    suite.set("failures", str(counts["failures"]))
    suite.set("errors", str(counts["errors"]))
    suite.set("skipped", str(counts["skipped"]))
    suite.set("time", f"{total_time:.3f}")
    suite.set("timestamp", timestamp)


def render(
    *,
    checks: Iterable[CheckResult] = (),
    cases: Iterable[TestCase] = (),
    expected: Iterable[MatchedFailure] = (),
    name: str = "distroshift conformance",
) -> bytes:
    timestamp = now_utc().rstrip("Z")
    root = ET.Element("testsuites", {"name": name})
    grand = defaultdict(int)
    grand_time = 0.0

    by_cat: dict[str, list[CheckResult]] = defaultdict(list)
    for c in checks:
        by_cat[c.category].append(c)
    for cat in sorted(by_cat):
        suite = _suite(root, f"distroshift {cat} checks")
        counts = defaultdict(int)
        for c in sorted(by_cat[cat], key=lambda c: c.id):
            tc = ET.SubElement(suite, "testcase", {"classname": f"distroshift.{cat}", "name": _x(f"{c.title} ({c.id})"), "time": "0"})
            counts["tests"] += 1
            body = _x("\n".join(([c.message] if c.message else []) + c.evidence))
            if c.status == CheckStatus.Failed and c.failing:
                el = ET.SubElement(tc, "failure", {"message": _attr_msg(c.message) or "failed", "type": c.severity})
                el.text = body
                counts["failures"] += 1
            elif c.status == CheckStatus.Error:
                el = ET.SubElement(tc, "error", {"message": _attr_msg(c.message) or "check error", "type": "Error"})
                el.text = body
                counts["errors"] += 1
            elif c.status == CheckStatus.Skipped or c.status == CheckStatus.Failed:
                # a Warning-severity failure does not gate: reported as skipped with its message
                prefix = "warning: " if c.status == CheckStatus.Failed else ""
                ET.SubElement(tc, "skipped", {"message": prefix + (_attr_msg(c.message) or "skipped")})
                if body:
                    ET.SubElement(tc, "system-out").text = body
                counts["skipped"] += 1
            elif body:
                ET.SubElement(tc, "system-out").text = body
        _finish(suite, counts, 0.0, timestamp)
        for k, v in counts.items():
            grand[k] += v

    case_list = list(cases)
    if case_list:
        known = {" ".join(m.name.split()): m for m in expected}
        suite = _suite(root, E2E_SUITE)
        counts = defaultdict(int)
        total = 0.0
        for t in case_list:
            tc = ET.SubElement(suite, "testcase", {"classname": E2E_SUITE, "name": _x(t.name), "time": f"{t.duration:.3f}"})
            counts["tests"] += 1
            total += t.duration
            if t.status in ("failed", "timeout"):
                m = known.get(" ".join(t.name.split()))
                text = _x("\n\n".join(x for x in (t.message, t.log_excerpt) if x))
                if m is not None:
                    ET.SubElement(tc, "skipped", {"message": _x(f"known failure: {m.reason}")[:500]})
                    ET.SubElement(tc, "system-out").text = text
                    counts["skipped"] += 1
                else:
                    kind = "Timeout" if t.status == "timeout" else "Failure"
                    el = ET.SubElement(tc, "failure", {"message": _attr_msg(t.message) or t.status, "type": kind})
                    el.text = text
                    counts["failures"] += 1
            elif t.status == "skipped":
                ET.SubElement(tc, "skipped", {"message": "skipped"})
                counts["skipped"] += 1
        _finish(suite, counts, total, timestamp)
        for k, v in counts.items():
            grand[k] += v
        grand_time += total

    for k in ("tests", "failures", "errors", "skipped"):
        root.set(k, str(grand[k]))
    root.set("time", f"{grand_time:.3f}")
    ET.indent(root, space="  ")
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode").encode("utf-8") + b"\n"


def write(
    path: str | Path,
    checks: Iterable[CheckResult] = (),
    cases: Iterable[TestCase] = (),
    expected: Iterable[MatchedFailure] = (),
    name: str = "distroshift conformance",
) -> Path:
    """Atomically write the JUnit file; accepts native checks, e2e test cases, or both."""
    return write_atomic(path, render(checks=checks, cases=cases, expected=expected, name=name))
