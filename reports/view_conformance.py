"""The conformance report's content, built from a ConformanceResult (plain data for templates)."""

from __future__ import annotations

from collections import defaultdict
from pathlib import PurePath
from typing import Any

from conformance.models import CheckResult, ConformanceResult
from reports import charts
from reports.view_assessment import ROW_LIMIT, Limited, limited

__all__ = ["conformance_view", "is_replay", "check_rows"]

STATUS_CLASS = {"Passed": "ok", "Failed": "bad", "Error": "bad", "Skipped": "muted"}
# Gate reasons that only say "no e2e results": the verdict is UNKNOWN rather than FAIL when they are all there is.
NO_E2E = "no conformance (e2e) results were given (unknown is never a pass)"
UNKNOWN_REASONS = {NO_E2E, "no test results (unknown is not passed)"}
STATUS_RANK = {"Error": 0, "Failed": 1, "Skipped": 2, "Passed": 3}


def is_replay(r: ConformanceResult) -> bool:
    """Replayed from a recorded tarball, rather than run against the cluster now."""
    return r.run_status == "replayed" or r.mode == "replay" or r.header.mode == "offline"


def check_rows(checks: list[CheckResult]) -> list[dict[str, Any]]:
    rows = [
        {
            "id": c.id,
            "title": c.title,
            "category": c.category,
            "severity": c.severity,
            "status": c.status.value,
            "cls": STATUS_CLASS.get(c.status.value, "muted"),
            "gating": c.failing,
            "message": c.message,
            "evidence": c.evidence,
        }
        for c in checks
    ]
    # A failed Warning-level check is shown as a warning, not as a red failure: it does not gate.
    for r in rows:
        if r["status"] in ("Failed", "Error") and not r["gating"]:
            r["cls"] = "warn"
    rows.sort(key=lambda r: (STATUS_RANK.get(r["status"], 4), r["category"], r["id"]))
    return rows


def conformance_view(r: ConformanceResult | None, readiness: Any = None) -> dict[str, Any]:
    """`r` is conformance.json; `readiness` a ReadinessResult (readiness.json). Either may be absent."""
    expected = {f.name: f for f in r.expected_failures} if r else {}
    failures = [
        {
            "name": t.name,
            "status": t.status,
            "duration": t.duration,
            "message": t.message,
            "log": t.log_excerpt,
            "expected": t.name in expected,
            "reason": expected[t.name].reason if t.name in expected else "",
        }
        for t in (r.failures if r else [])
    ]
    failures.sort(key=lambda f: (f["expected"], f["name"]))
    totals = [("passed", r.passed, "ok"), ("failed", r.failed, "bad"), ("skipped", r.skipped, "muted")] if r else []
    checks = list(r.checks) if r else []
    seen = {c.id for c in checks}
    checks += [c for c in (readiness.checks if readiness is not None else []) if c.id not in seen]
    by_category: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in check_rows(checks):
        by_category[row["category"]].append(row)
    checks_summary = {
        cat: {s: sum(1 for x in rows if x["status"] == s) for s in ("Passed", "Failed", "Error", "Skipped")}
        for cat, rows in sorted(by_category.items())
    }
    # Sonobuoy's pessimistic aggregation: no e2e results is Unknown, never a pass, whatever the
    # native checks say. Their own pass/fail is reported beside it, not folded into a PASS.
    e2e_status = r.result_status if r is not None else "unknown"
    gate = r.gate_reasons() if r else []
    native = checks
    native_failing = [c for c in native if c.failing]
    if readiness is not None and r is None:
        failing = [c for c in readiness.checks if c.failing]
        gate = [f"{len(failing)} failing readiness check(s)"] if failing else ([] if readiness.checks else ["no readiness checks ran"])
    elif readiness is not None:
        extra = [c for c in readiness.checks if c.failing and c.id not in seen]
        if extra:
            gate.append(f"{len(extra)} failing readiness check(s)")
    if r is None:
        gate.append(NO_E2E)
    unknown_only = e2e_status == "unknown" and all(g in UNKNOWN_REASONS for g in gate)
    verdict = "UNKNOWN" if unknown_only else "FAIL" if gate else "PASS"
    native_summary = {
        "total": len(native),
        "passed": sum(1 for c in native if c.status.value == "Passed"),
        "failing": len(native_failing),
        "warnings": sum(1 for c in native if c.status.value in ("Failed", "Error") and not c.failing),
        "skipped": sum(1 for c in native if c.status.value == "Skipped"),
    }
    native_verdict = "NONE" if not native else "FAIL" if native_failing else "PASS"
    summary = {
        "verdict": verdict,
        "gate": gate,
        "e2e_status": e2e_status,
        "native_verdict": native_verdict,
        "native": native_summary,
        "passed": r.passed if r else None,
        "failed": r.failed if r else None,
        "skipped": r.skipped if r else None,
        "replayed": bool(r) and is_replay(r),
        "checks": {cat: dict(c) for cat, c in checks_summary.items()},
    }
    return {
        "summary": summary,
        "result": r,
        "readiness": readiness,
        "replay": bool(r) and is_replay(r),
        "tarball": PurePath(r.tarball).name if r and r.tarball else "",
        "totals": totals,
        "total": (r.passed + r.failed + r.skipped) if r else 0,
        "segments": charts.stacked(totals),
        "failures": limited(failures),
        "expected": [
            {"name": m.name, "reason": m.reason, "matched_by": m.matched_by, "message": m.message}
            for m in (r.expected_failures if r else [])
        ],
        "unexpected": limited(
            [{"name": t.name, "status": t.status, "message": t.message} for t in (r.unexpected_failures if r else [])]
        ),
        "plugin_errors": r.plugin_errors if r else [],
        "plugins": [{"name": p.name, "status": p.status, "meta": sorted(p.meta.items())} for p in (r.plugins if r else [])],
        "checks": {cat: Limited(rows[:ROW_LIMIT], len(rows)) for cat, rows in sorted(by_category.items())},
        "checks_summary": checks_summary,
        "bundle": r.bundle if r else None,
        "bundle_checks": check_rows(r.bundle.checks) if r and r.bundle else [],
        "gate": gate,
        "verdict": verdict,
        "verdict_cls": {"PASS": "ok", "FAIL": "bad", "UNKNOWN": "warn"}[verdict],
        "e2e_status": e2e_status,
        "native": native_summary,
        "native_verdict": native_verdict,
    }
