"""The cutover report's content, built from a RunState (state.json) and, when given, parity results."""

from __future__ import annotations

import json
from collections import Counter
from datetime import datetime
from typing import Any

from reports import charts
from reports.view_assessment import Limited, limited
from reports.view_conformance import check_rows

__all__ = ["cutover_view", "seconds_between", "phase_records", "flat_data"]

STEP_CLASS = {
    "Completed": "ok",
    "Skipped": "muted",
    "Failed": "bad",
    "Running": "warn",
    "WaitingApproval": "warn",
    "Pending": "muted",
}
RUN_CLASS = {"Completed": "ok", "RolledBack": "warn", "Failed": "bad", "Interrupted": "bad", "RollingBack": "warn",
             "Running": "warn", "WaitingApproval": "warn"}
VALUE_MAX = 300  # characters of one step fact shown inline


def _ts(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None


def seconds_between(start: str | None, end: str | None) -> float | None:
    a, b = _ts(start), _ts(end)
    return (b - a).total_seconds() if a and b else None


def phase_records(step_id: str, data: Any, path: str = "") -> list[dict[str, Any]]:
    """Velero-style outcomes inside a step's data: any mapping with a 'phase' (Backup/Restore records)."""
    out: list[dict[str, Any]] = []
    if isinstance(data, dict):
        if "phase" in data and not isinstance(data["phase"], (dict, list)):
            done = data.get("items_done", data.get("itemsBackedUp", data.get("itemsRestored")))
            total = data.get("items_total", data.get("totalItems"))
            out.append(
                {
                    "step": step_id,
                    "kind": str(data.get("kind") or path.rsplit(".", 1)[-1] or "record"),
                    "name": str(data.get("name") or ""),
                    "phase": str(data.get("phase") or ""),
                    "items": f"{done if done is not None else '?'}/{total}" if total is not None else (str(done) if done is not None else ""),
                    "errors": data.get("errors", ""),
                    "warnings": data.get("warnings", ""),
                    "reason": str(data.get("failure_reason") or data.get("failureReason") or ""),
                }
            )
        for k, v in data.items():
            if isinstance(v, (dict, list)):
                out += phase_records(step_id, v, f"{path}.{k}" if path else str(k))
    elif isinstance(data, list):
        for i, v in enumerate(data):
            out += phase_records(step_id, v, path)
    return out


def flat_data(data: dict[str, Any]) -> list[tuple[str, str]]:
    """A step's facts as (key, short text) rows; nested values as compact JSON."""
    rows = []
    for k, v in sorted(data.items()):
        text = v if isinstance(v, str) else json.dumps(v, sort_keys=True, default=str)
        rows.append((k, text if len(text) <= VALUE_MAX else text[: VALUE_MAX - 1] + "…"))
    return rows


def cutover_view(state: Any, conformance: Any = None, parity: Any = None) -> dict[str, Any]:
    steps = []
    for s in state.steps:
        status = s.status.value if hasattr(s.status, "value") else str(s.status)
        steps.append(
            {
                "id": s.id,
                "type": s.type,
                "status": status,
                "cls": STEP_CLASS.get(status, "muted"),
                "attempts": s.attempts,
                "started_at": s.started_at or "",
                "finished_at": s.finished_at or "",
                "offset": seconds_between(state.started_at, s.started_at),
                "duration": seconds_between(s.started_at, s.finished_at),
                "message": s.message,
                "actions": s.actions,
                "data": flat_data(s.data),
            }
        )
    spans, height, total = charts.timeline(
        [(f"{s['id']}", s["status"], s["cls"], s["offset"], s["duration"]) for s in steps]
    )
    records = [r for s in state.steps for r in phase_records(s.id, s.data)]
    workloads = [
        {
            "kind": w.kind,
            "object": f"{w.namespace}/{w.name}",
            "replicas": "" if w.replicas is None else w.replicas,
            "suspend": "" if w.suspend is None else ("yes" if w.suspend else "no"),
            "quiesced": w.quiesced,
            "restored": w.restored,
        }
        for w in state.workloads
    ]
    applied = sorted(state.applied, key=lambda a: a.key)
    applied_counts = Counter("created" if a.created else "updated" for a in applied)
    applied_counts["removed by rollback"] = sum(1 for a in applied if a.removed)
    # Parity differences: a ParityResult (parity.json) wins; else parity checks carried in conformance.json.
    parity_checks = list(parity.checks) if parity is not None else []
    if not parity_checks and conformance is not None:
        parity_checks = [c for c in conformance.checks if c.category == "parity"]
    parity_rows = check_rows(parity_checks)
    differences = [r for r in parity_rows if r["status"] in ("Failed", "Error")]
    status = state.status.value if hasattr(state.status, "value") else str(state.status)
    rb = state.rollback
    summary = {
        "status": status,
        "steps": dict(Counter(s["status"] for s in steps)),
        "parity_differences": len(differences),
        "rolled_back": rb is not None,
    }
    return {
        "summary": summary,
        "state": state,
        "status": status,
        "status_cls": RUN_CLASS.get(status, "muted"),
        "steps": steps,
        "step_counts": dict(Counter(s["status"] for s in steps)),
        "spans": spans,
        "timeline_height": height,
        "total_seconds": seconds_between(state.started_at, state.updated_at) or (total if steps else None),
        "records": records,
        "workloads": limited(workloads),
        "applied": limited([
            {"object": f"{a.kind}/{a.namespace + '/' if a.namespace else ''}{a.name}", "api_version": a.api_version,
             "created": a.created, "step": a.step, "removed": a.removed}
            for a in applied
        ]),
        "applied_counts": dict(applied_counts),
        "parity_given": bool(parity_checks),
        "parity_total": len(parity_rows),
        "differences": limited(differences),
        "parity_passed": sum(1 for r in parity_rows if r["status"] == "Passed"),
        "rollback": rb,
        "rollback_duration": seconds_between(rb.started_at, rb.finished_at) if rb else None,
        "events": Limited(state.events[-200:], len(state.events)),
    }
