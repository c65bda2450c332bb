"""The conformance stage end to end: run (or replay) -> read -> gate -> conformance.json + junit.xml.

Kept out of the CLI so tests and the playbook engine can call it with an injected runner/clock.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from conformance import junit
from conformance.gate import apply_known_failures
from conformance.models import CheckResult, CheckStatus, ConformanceResult, KnownFailure, TestCase
from conformance.results import SUITE_NODES, Reader
from conformance.sonobuoy import Progress, RunOptions, Sonobuoy, run_and_retrieve
from migrate.errors import InputError, ToolError
from migrate.models.common import ArtifactHeader
from migrate.models.io import write_artifact

__all__ = ["StageOutput", "replay", "run", "run_checks", "write_outputs", "RESULT_FILE", "JUNIT_FILE"]

RESULT_FILE = "conformance.json"
JUNIT_FILE = "junit.xml"


@dataclass
class StageOutput:
    result: ConformanceResult
    cases: list[TestCase] = field(default_factory=list)  # e2e tests that ran (for JUnit)


def _evaluate(reader: Reader, known: list[KnownFailure], checks: list[CheckResult]) -> StageOutput:
    result = reader.to_result()
    result = apply_known_failures(result, known)
    result.checks = list(checks)
    excerpts = {f.name: f for f in result.failures}
    cases = []
    for c in reader.test_cases():
        if c.status == "skipped" or (c.name.startswith(SUITE_NODES) and c.status == "passed"):
            continue
        cases.append(excerpts.get(c.name, c))
    return StageOutput(result=result, cases=cases)


def replay(tarball: str | Path, known: list[KnownFailure] = (), checks: list[CheckResult] = ()) -> StageOutput:
    """Read an existing tarball (nothing is run). The result says so in `mode`, `message` and header."""
    reader = Reader(tarball)
    out = _evaluate(reader, list(known), list(checks))
    r = out.result
    r.header = ArtifactHeader(kind="ConformanceResult", mode="offline", source=str(tarball))
    r.mode = "replay"
    r.run_status = "replayed"
    r.message = f"replayed from the existing tarball {tarball}; no tests were run now"
    return out


def run(
    sb: Sonobuoy,
    opts: RunOptions,
    out_dir: Path,
    known: list[KnownFailure] = (),
    checks: list[CheckResult] = (),
    *,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], None] = time.sleep,
    on_progress: Callable[[Progress], None] | None = None,
    on_warning: Callable[[str], None] | None = None,
    source: str = "",
) -> StageOutput:
    outcome = run_and_retrieve(sb, opts, out_dir, clock=clock, sleep=sleep, on_progress=on_progress, on_warning=on_warning)
    header = ArtifactHeader(kind="ConformanceResult", mode="live", source=source)
    if outcome.tarball is None:  # timed out: no results to read; a timeout is a failure
        result = ConformanceResult(
            header=header,
            mode=opts.mode,
            sonobuoy_version=outcome.version.version,
            server_version=outcome.version.api_version,
            run_status="timed-out",
            result_status="failed",
            message=outcome.message,
            checks=list(checks),
        )
        return StageOutput(result=result)
    try:
        out = _evaluate(Reader(outcome.tarball), list(known), list(checks))
    except InputError as e:
        # the tool handed us something unusable: we could not get results (3), not a user mistake
        raise ToolError(f"retrieved results are unusable: {e}", tool="sonobuoy") from None
    r = out.result
    r.header = header
    r.mode = opts.mode
    r.run_status = outcome.run_status  # type: ignore[assignment]
    r.sonobuoy_version = outcome.version.version or r.sonobuoy_version
    r.server_version = r.server_version or outcome.version.api_version
    if outcome.run_status == "failed":
        r.message = "sonobuoy reported the run as failed; see plugin errors"
    return out


def run_checks(r: ConformanceResult) -> list[CheckResult]:
    """The run itself as JUnit test cases, so CI shows a timeout, empty results or a plugin error as red."""
    problems = [x for x in r.gate_reasons() if "unexpected e2e" not in x and "check" not in x and "bundle" not in x]
    checks = [
        CheckResult(
            id="distroshift.io/conformance/run",
            title=f"sonobuoy run ({r.mode or 'unknown mode'})",
            category="run",
            status=CheckStatus.Failed if problems else CheckStatus.Passed,
            message="; ".join(problems) or f"run {r.run_status}, result {r.result_status}",
            evidence=[r.message] if r.message else [],
        )
    ]
    for e in r.plugin_errors:
        checks.append(
            CheckResult(
                id=f"distroshift.io/conformance/plugin/{e.plugin}",
                title=f"plugin {e.plugin} ran",
                category="run",
                status=CheckStatus.Failed,
                message=(f"timed out: {e.message}" if e.timeout else e.message),
                evidence=[e.file] if e.file else [],
            )
        )
    return checks


def write_outputs(out: StageOutput, out_dir: Path, junit_path: Path | None = None) -> tuple[Path, Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    result_path = write_artifact(out_dir / RESULT_FILE, out.result)
    jp = junit.write(
        junit_path or out_dir / JUNIT_FILE,
        checks=run_checks(out.result) + out.result.checks,
        cases=out.cases,
        expected=out.result.expected_failures,
    )
    return result_path, jp
