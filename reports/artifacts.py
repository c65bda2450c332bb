"""Load the JSON artifacts a report is rendered from, recognising each by its header kind.

Only model files are read (inventory.json, plan.json, conformance.json, state.json): a consultant
renders offline what a customer sent. The inventory's sidecar objects file is never opened.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from conformance.models import ConformanceResult
from migrate.errors import InputError
from migrate.models.inventory import Inventory
from migrate.models.io import read_artifact
from migrate.models.plan import Plan

__all__ = ["Artifacts", "load_artifacts", "artifact_kind", "REPORT_KINDS", "kinds_for"]

REPORT_KINDS = ("assessment", "conformance", "cutover")

# The header is written first (write_artifact dumps the model in field order), so a peek at the
# head of the file names the kind without parsing a 100k-object plan twice.
_HEAD = re.compile(rb'"header"\s*:\s*\{\s*"kind"\s*:\s*"([A-Za-z]+)"')


def _run_state_cls() -> Any:
    from migrate.models.state import RunState

    return RunState


def _check_report_cls(kind: str) -> Any:
    """readiness.json / parity.json: lists of CheckResults written by conformance.checks."""
    from conformance.checks.report import ParityResult, ReadinessResult

    return ReadinessResult if kind == "ReadinessResult" else ParityResult


def artifact_kind(path: Path) -> str:
    try:
        with path.open("rb") as f:
            head = f.read(4096)
    except FileNotFoundError:
        raise InputError("file not found", path=str(path)) from None
    except IsADirectoryError:
        raise InputError("is a directory; give the artifact files (inventory.json, plan.json, ...)", path=str(path)) from None
    m = _HEAD.search(head)
    if m:
        return m.group(1).decode()
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as e:
        raise InputError(f"not valid JSON ({e})", path=str(path)) from None
    kind = raw.get("header", {}).get("kind") if isinstance(raw, dict) and isinstance(raw.get("header"), dict) else None
    if not isinstance(kind, str):
        raise InputError("missing artifact header; not a distroshift file", path=str(path), field="header")
    return kind


@dataclass
class Artifacts:
    inventory: Inventory | None = None
    plan: Plan | None = None
    conformance: ConformanceResult | None = None
    state: Any = None  # migrate.models.state.RunState
    readiness: Any = None  # conformance.checks.report.ReadinessResult
    parity: Any = None  # conformance.checks.report.ParityResult
    paths: dict[str, str] = field(default_factory=dict)  # kind -> path as given

    def require(self, *names: str) -> None:
        for n in names:
            if getattr(self, n) is None:
                raise InputError(f"this report needs a {n} artifact; none of the given files is one")


def load_artifacts(paths: list[str | Path]) -> Artifacts:
    if not paths:
        raise InputError(
            "give at least one artifact (inventory.json, plan.json, readiness.json, conformance.json, state.json, parity.json)"
        )
    arts = Artifacts()
    for given in paths:
        p = Path(given)
        kind = artifact_kind(p)
        if kind == "Inventory":
            slot, cls = "inventory", Inventory
        elif kind == "Plan":
            slot, cls = "plan", Plan
        elif kind == "ConformanceResult":
            slot, cls = "conformance", ConformanceResult
        elif kind == "RunState":
            slot, cls = "state", _run_state_cls()
        elif kind in ("ReadinessResult", "ParityResult"):
            slot, cls = kind[: -len("Result")].lower(), _check_report_cls(kind)
        else:
            raise InputError(f"a {kind!r} artifact cannot be reported on", path=str(p), field="header.kind")
        if getattr(arts, slot) is not None:
            raise InputError(f"a second {kind} artifact was given (first: {arts.paths[slot]})", path=str(p))
        setattr(arts, slot, read_artifact(p, cls))
        arts.paths[slot] = str(given)
    _check_same_clusters(arts)
    return arts


def _check_same_clusters(arts: Artifacts) -> None:
    """Refuse to mix artifacts of different clusters (kube-system uids) into one believable report."""
    src: list[tuple[str, str]] = []  # (uid, slot) claims about the SOURCE cluster
    tgt: list[tuple[str, str]] = []
    if arts.inventory is not None and arts.inventory.cluster.uid:
        src.append((arts.inventory.cluster.uid, "inventory"))
    if arts.plan is not None and arts.plan.source.cluster_uid:
        src.append((arts.plan.source.cluster_uid, "plan"))
    if arts.state is not None:
        if getattr(arts.state, "source_uid", None):
            src.append((arts.state.source_uid, "state"))
        if getattr(arts.state, "target_uid", None):
            tgt.append((arts.state.target_uid, "state"))
    for slot in ("readiness", "parity"):
        uid = getattr(getattr(arts, slot), "target_uid", None) if getattr(arts, slot) is not None else None
        if uid:
            tgt.append((uid, slot))
    for claims, role in ((src, "source"), (tgt, "target")):
        for uid, slot in claims[1:]:
            if uid != claims[0][0]:
                first = claims[0][1]
                raise InputError(f"is about another {role} cluster than {arts.paths[first]} "
                                 f"(kube-system uid {uid[:8]}… vs {claims[0][0][:8]}…); render each migration's artifacts separately",
                                 path=arts.paths[slot])


def kinds_for(arts: Artifacts) -> list[str]:
    """The reports the given artifacts support, in pipeline order."""
    kinds = []
    if arts.inventory is not None or arts.plan is not None:
        kinds.append("assessment")
    if arts.conformance is not None or arts.readiness is not None:
        kinds.append("conformance")
    if arts.state is not None:
        kinds.append("cutover")
    return kinds
