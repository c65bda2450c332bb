"""The artifacts of the native checks: readiness.json and parity.json (a list of CheckResults)."""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field

from conformance.models import CheckResult, CheckStatus
from migrate.models.common import ArtifactHeader, Model, header_for

__all__ = ["CheckReport", "ReadinessResult", "ParityResult"]


class CheckReport(Model):
    header: ArtifactHeader
    target: str = ""  # context / server of the cluster checked
    target_uid: str | None = None  # its kube-system namespace uid (cluster identity)
    plan: str = ""  # plan.json the checks were derived from
    checks: list[CheckResult] = Field(default_factory=list)

    @property
    def failing(self) -> list[CheckResult]:
        return [c for c in self.checks if c.failing]

    @property
    def counts(self) -> dict[str, int]:
        out = {s.value: 0 for s in CheckStatus}
        for c in self.checks:
            out[c.status.value if hasattr(c.status, "value") else str(c.status)] += 1
        return out

    def exit_code(self) -> int:
        """0 when no Error/Blocker check failed; 1 otherwise. An empty report is not a pass."""
        return 1 if (self.failing or not self.checks) else 0


class ReadinessResult(CheckReport):
    """Is the target ready to receive the plan? (before cutover)"""

    ARTIFACT_KIND: ClassVar[str] = "ReadinessResult"
    header: ArtifactHeader = Field(default_factory=header_for("ReadinessResult"))


class ParityResult(CheckReport):
    """Does the target hold what the plan says, working? (after cutover). Every failed check is a difference."""

    ARTIFACT_KIND: ClassVar[str] = "ParityResult"
    header: ArtifactHeader = Field(default_factory=header_for("ParityResult"))
    source_inventory: str = ""
