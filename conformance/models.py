"""Contracts of the conformance stage: the sonobuoy-shaped result tree, test cases, native check
results (shared with conformance/checks/ and conformance/parity.py), known failures, the CNCF
bundle check and the ConformanceResult artifact (conformance.json).

Two axes are kept apart, as sonobuoy does: `run_status` says how far the run got, `result_status`
says what the tests said. Aggregation is pessimistic: no results at all is `unknown`, never passed,
and a timeout counts as a failure.
"""

from __future__ import annotations

import datetime as _dt
from enum import Enum
from typing import Any, ClassVar, Literal

from pydantic import Field

from migrate.models.common import ArtifactHeader, Model

__all__ = [
    "ItemStatus",
    "ResultItem",
    "TestCase",
    "CheckStatus",
    "CheckResult",
    "KnownFailure",
    "MatchedFailure",
    "PluginError",
    "BundleCheck",
    "RunStatus",
    "ResultStatus",
    "ConformanceResult",
    "aggregate_status",
]

# sonobuoy's closed set of item statuses (pkg/client/results/item.go)
ItemStatus = Literal["passed", "failed", "skipped", "unknown", "timeout"]
RunStatus = Literal["pending", "running", "post-processing", "complete", "failed", "timed-out", "replayed"]
ResultStatus = Literal["passed", "failed", "unknown"]


def aggregate_status(statuses: list[str]) -> ResultStatus:
    """Pessimistic roll-up: any failed/timeout -> failed; nothing ran (empty, or only skipped/unknown) -> unknown."""
    if any(s in ("failed", "timeout") for s in statuses):
        return "failed"
    if any(s == "passed" for s in statuses):
        return "passed"
    return "unknown"


class ResultItem(Model):
    """One node of sonobuoy's canonical result tree (plugin -> file/node -> suite -> test)."""

    name: str
    status: str = "unknown"  # sonobuoy's own values; manual plugins may use custom strings
    meta: dict[str, str] = Field(default_factory=dict)
    details: dict[str, Any] = Field(default_factory=dict)
    items: list["ResultItem"] = Field(default_factory=list)

    def walk(self):
        yield self
        for it in self.items:
            yield from it.walk()


class TestCase(Model):
    """One e2e test as JUnit reported it. Names are stored without ginkgo v2's leading '[It] '."""

    __test__ = False  # not a pytest test class

    name: str
    status: Literal["passed", "failed", "skipped", "timeout"]
    duration: float = 0.0  # seconds
    message: str = ""  # the <failure> text, first lines
    log_excerpt: str = ""  # from e2e.log around the failure


class CheckStatus(str, Enum):
    Passed = "Passed"
    Failed = "Failed"
    Skipped = "Skipped"  # not applicable, or could not be evaluated for a stated reason (a warning)
    Error = "Error"  # the check itself broke; counts as a failure for the gate


class CheckResult(Model):
    """Outcome of one native check (readiness, parity, CNCF bundle review). JUnit writes one testcase each."""

    id: str  # stable, e.g. distroshift.io/bundle/e2e-log-success
    title: str
    category: str = "readiness"  # readiness | parity | cncf-bundle | ...
    severity: Literal["Info", "Warning", "Error", "Blocker"] = "Error"
    status: CheckStatus
    message: str = ""
    evidence: list[str] = Field(default_factory=list)

    @property
    def failing(self) -> bool:
        """Only Error/Blocker severities gate; a Warning-level failure is reported but does not fail CI."""
        return self.status in (CheckStatus.Failed, CheckStatus.Error) and self.severity in ("Error", "Blocker")


class KnownFailure(Model):
    """One entry of a known-failures file: an e2e test we accept failing, and why."""

    test: str  # exact test name, or 'regex:<python regex>' matched with re.search
    reason: str
    expires: _dt.date | None = None

    @property
    def is_regex(self) -> bool:
        return self.test.startswith("regex:")


class MatchedFailure(Model):
    """A failure that a known-failures entry accepted."""

    name: str
    message: str = ""
    reason: str
    matched_by: str  # the entry's `test` value


class PluginError(Model):
    """A plugin that could not run (sonobuoy writes plugins/<p>/errors/), kept apart from test failures."""

    plugin: str
    message: str
    file: str = ""
    timeout: bool = False  # sonobuoy gave up waiting for the plugin's results (status "timeout"), not a crash


class BundleCheck(Model):
    """Result of reviewing a CNCF k8s-conformance submission folder the way its review bot does."""

    folder: str
    k8s_version: str  # the folder version, e.g. v1.28
    product: str = ""
    current_version: str  # newest Kubernetes minor accepted ("current"); it and the two before are accepted
    checks: list[CheckResult] = Field(default_factory=list)

    @property
    def passed(self) -> bool:
        return not any(c.failing for c in self.checks)


class ConformanceResult(Model):
    """conformance.json: what the conformance stage found, and whether CI should pass."""

    ARTIFACT_KIND: ClassVar[str] = "ConformanceResult"

    header: ArtifactHeader = Field(default_factory=lambda: ArtifactHeader(kind="ConformanceResult"))
    mode: str = ""  # quick | non-disruptive-conformance | certified-conformance | replay
    sonobuoy_version: str = ""
    server_version: str = ""
    run_status: RunStatus = "pending"
    result_status: ResultStatus = "unknown"
    message: str = ""  # why the run ended the way it did (timeout, replayed from a tarball, ...)
    passed: int = 0
    failed: int = 0
    skipped: int = 0
    failures: list[TestCase] = Field(default_factory=list)  # every failed/timed-out e2e test
    expected_failures: list[MatchedFailure] = Field(default_factory=list)
    unexpected_failures: list[TestCase] = Field(default_factory=list)
    plugin_errors: list[PluginError] = Field(default_factory=list)
    plugins: list[ResultItem] = Field(default_factory=list)  # per-plugin summary (no test items)
    checks: list[CheckResult] = Field(default_factory=list)
    bundle: BundleCheck | None = None
    tarball: str | None = None

    def gate_reasons(self) -> list[str]:
        """Every reason the gate says no; empty means pass."""
        reasons: list[str] = []
        if self.run_status == "timed-out":
            reasons.append("the run timed out (a timeout counts as a failure)")
        if self.result_status == "unknown":
            reasons.append("no test results (unknown is not passed)")
        if self.unexpected_failures:
            reasons.append(f"{len(self.unexpected_failures)} unexpected e2e failure(s)")
        timeouts = [e.plugin for e in self.plugin_errors if e.timeout]
        if timeouts:
            reasons.append(f"plugin {', '.join(sorted(set(timeouts)))} timed out waiting for results (a timeout counts as a failure)")
        errors = [e for e in self.plugin_errors if not e.timeout]
        if errors:
            reasons.append(f"{len(errors)} plugin error(s)")
        failing = [c for c in self.checks if c.failing]
        if failing:
            reasons.append(f"{len(failing)} failing check(s)")
        if self.bundle is not None and not self.bundle.passed:
            reasons.append("the CNCF bundle review failed")
        return reasons

    def exit_code(self) -> int:
        """0 pass; 1 unexpected failures, failing checks, plugin errors, timeout or empty results.

        2 (bad input) and 3 (could not run) are raised as InputError/ToolError before a result exists.
        """
        return 1 if self.gate_reasons() else 0


ResultItem.model_rebuild()
