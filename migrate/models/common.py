"""Shared pieces of every artifact: header, object references, findings, phases."""

from __future__ import annotations

from datetime import datetime, timezone
from enum import Enum
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

__all__ = [
    "Model",
    "ArtifactHeader",
    "ObjectRef",
    "Severity",
    "Finding",
    "Phase",
    "now_utc",
    "header_for",
    "group_of",
]


def now_utc() -> str:
    return datetime.now(timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def group_of(api_version: str) -> str:
    """'apps/v1' -> 'apps'; 'v1' -> '' (core)."""
    return api_version.rsplit("/", 1)[0] if "/" in api_version else ""


class Model(BaseModel):
    """Base for every contract: unknown fields are an error, so a typo in a file is caught."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True, use_enum_values=False)


def header_for(kind: str):
    """A default_factory giving a fresh header (so created_at is the time of creation, not of import)."""
    return lambda: ArtifactHeader(kind=kind)


class ArtifactHeader(Model):
    kind: str  # Inventory | Plan | RunState | ConformanceResult | ParityResult
    schema_version: str = "1.0"
    tool_version: str = Field(default_factory=lambda: __import__("migrate").__version__)
    created_at: str = Field(default_factory=now_utc)
    mode: Literal["live", "offline", "simulated"] = "live"
    source: str = ""  # context name, dump path, or "sim:<cluster>"


class ObjectRef(Model):
    api_version: str
    kind: str
    name: str
    namespace: str | None = None

    @property
    def group(self) -> str:
        return group_of(self.api_version)

    @property
    def key(self) -> str:
        """Stable identity across API versions: group/Kind/namespace/name."""
        return f"{self.group}/{self.kind}/{self.namespace or ''}/{self.name}"

    def __str__(self) -> str:
        ns = f"{self.namespace}/" if self.namespace else ""
        return f"{self.kind}/{ns}{self.name}"

    @classmethod
    def of(cls, obj: dict) -> "ObjectRef":
        md = obj.get("metadata") or {}
        return cls(
            api_version=obj.get("apiVersion", ""),
            kind=obj.get("kind", ""),
            name=md.get("name", ""),
            namespace=md.get("namespace") or None,
        )


class Severity(str, Enum):
    Info = "Info"
    Warning = "Warning"
    Error = "Error"
    Blocker = "Blocker"  # the migration cannot proceed until a human resolves it


class Finding(Model):
    code: str  # stable UPPER_SNAKE, e.g. API_REMOVED; allowlists and reports key on it
    severity: Severity
    message: str
    ref: ObjectRef | None = None
    path: str | None = None  # JSON pointer inside the object, when relevant
    rule_id: str | None = None  # distroshift.io/<family>/<name>
    resolution: str | None = None  # what a human should do


class Phase(str, Enum):
    """Outcome of a stage or step, like Velero's phases."""

    New = "New"
    InProgress = "InProgress"
    Completed = "Completed"
    PartiallyFailed = "PartiallyFailed"
    Failed = "Failed"
    Unknown = "Unknown"
