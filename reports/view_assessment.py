"""The assessment report's content, built from an inventory and/or a plan (plain data for templates)."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import Any

from migrate.models.common import Finding, Severity
from migrate.models.inventory import Inventory
from migrate.models.plan import Decision, ObjectPlan, Plan, Risk
from reports import charts
from reports.score import readiness_score

__all__ = ["ROW_LIMIT", "Limited", "limited", "assessment_view"]

# Tables longer than this show their first rows and say how many more are in the artifact: a 100k
# object plan must stay a readable, small page.
ROW_LIMIT = 500

DECISION_ORDER = [d.value for d in (Decision.Keep, Decision.Transform, Decision.Replace, Decision.Drop, Decision.Manual)]
DECISION_CLASS = {"Keep": "ok", "Transform": "info", "Replace": "info", "Drop": "muted", "Manual": "warn"}
SEVERITY_RANK = {Severity.Blocker: 0, Severity.Error: 1, Severity.Warning: 2, Severity.Info: 3}
RISK_RANK = {Risk.High: 0, Risk.Medium: 1, Risk.Low: 2}
READINESS_RANK = {"Blocked": 0, "NeedsAttention": 1, "Ready": 2}


@dataclass(frozen=True)
class Limited:
    rows: list[Any]
    total: int

    @property
    def hidden(self) -> int:
        return self.total - len(self.rows)


def limited(rows: list[Any], limit: int = ROW_LIMIT) -> Limited:
    return Limited(rows[:limit], len(rows))


def _finding_row(f: Finding) -> dict[str, Any]:
    return {
        "code": f.code,
        "severity": f.severity.value,
        "object": str(f.ref) if f.ref else "",
        "path": f.path or "",
        "message": f.message,
        "resolution": f.resolution or "",
        "rule": f.rule_id or "",
    }


def _distro(inv: Inventory | None, plan: Plan | None) -> dict[str, Any]:
    det = inv.detection if inv else None
    d = det.distro if det else None
    infra = det.infrastructure if det else None
    return {
        "distro": d,
        "distro_fallback": plan.source.distro if plan and not d else None,
        "candidates": det.candidates[1:] if det else [],
        "infra": infra,
        "cluster": inv.cluster if inv else None,
        "cluster_name": (inv.cluster.name if inv else "") or (plan.source.cluster if plan else ""),
        "git_version": (inv.cluster.git_version if inv else "") or (plan.source.git_version if plan else ""),
        "rules_sources": det.rules_sources if det else [],
    }


def _decisions(plan: Plan) -> dict[str, int]:
    counts = dict(plan.summary.decisions)
    if not counts and plan.objects:  # an older plan without a summary: count the objects
        counts = dict(Counter(o.decision.value for o in plan.objects))
    return {d: counts.get(d, 0) for d in DECISION_ORDER}


def _api_conversions(plan: Plan | None, inv: Inventory | None) -> list[dict[str, Any]]:
    """(from apiVersion, kind) -> to apiVersion with counts, from planned targets or applied versions."""
    groups: Counter[tuple[str, str, str]] = Counter()
    removed: Counter[tuple[str, str]] = Counter()
    if plan is not None:
        for o in plan.objects:
            if o.target is not None and o.target.api_version != o.source.api_version:
                groups[(o.source.api_version, o.source.kind, o.target.api_version)] += 1
            if any(f.code.startswith("API_REMOVED") for f in o.findings):
                removed[(o.source.api_version, o.source.kind)] += 1
    elif inv is not None:
        # Without a plan: objects applied through a version other than the one stored.
        for u in inv.api_usage:
            if u.api_version != u.ref.api_version:
                groups[(u.api_version, u.kind, u.ref.api_version)] += 1
    rows = [
        {"from": f, "kind": k, "to": t, "count": n, "removed": removed.get((f, k), 0)}
        for (f, k, t), n in groups.items()
    ]
    known = {(r["from"], r["kind"]) for r in rows}
    rows += [{"from": f, "kind": k, "to": "", "count": n, "removed": n} for (f, k), n in removed.items() if (f, k) not in known]
    return sorted(rows, key=lambda r: (-r["removed"], -r["count"], r["from"], r["kind"]))


def _storage(plan: Plan | None, inv: Inventory | None) -> list[dict[str, Any]]:
    classes = {sc.name: sc for sc in inv.storage_classes} if inv else {}
    rows = []
    if plan is not None:
        for s in plan.storage:
            sc = classes.get(s.source_class)
            rows.append(
                {
                    "source": s.source_class,
                    "provisioner": sc.provisioner if sc else "",
                    "default": bool(sc and sc.is_default),
                    "target": s.target_class or "",
                    "mapped": bool(s.target_class),
                    "movement": s.data_movement,
                    "pvcs": s.pvc_count,
                    "reason": s.reason,
                }
            )
    elif inv is not None:
        pvcs = Counter(p.storage_class or "" for p in inv.pvcs)
        for sc in inv.storage_classes:
            rows.append(
                {"source": sc.name, "provisioner": sc.provisioner, "default": sc.is_default, "target": "", "mapped": None,
                 "movement": "", "pvcs": pvcs.get(sc.name, 0), "reason": "not planned yet"}
            )
    return rows


def _images(plan: Plan | None, inv: Inventory | None) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Per-registry summary (from the inventory's containers) and the planned image rewrites."""
    registries: dict[str, set[str]] = defaultdict(set)
    workloads: Counter[str] = Counter()
    if inv is not None:
        for w in inv.workloads:
            seen = set()
            for c in w.containers:
                registries[c.registry].add(c.image)
                seen.add(c.registry)
            for r in seen:
                workloads[r] += 1
    target_reg = plan.registry_map if plan else {}
    internal = {m.source.split("/")[0] for m in plan.images if m.internal} if plan else set()
    reg_rows = [
        {"registry": r, "images": len(imgs), "workloads": workloads[r], "target": target_reg.get(r, ""), "internal": r in internal}
        for r, imgs in registries.items()
    ]
    reg_rows.sort(key=lambda r: (not r["internal"], -r["workloads"], r["registry"]))
    maps = [
        {"source": m.source, "target": m.target, "internal": m.internal, "reason": m.reason} for m in (plan.images if plan else [])
    ]
    maps.sort(key=lambda r: (not r["internal"], r["source"]))
    return reg_rows, maps


def _namespaces(plan: Plan | None, inv: Inventory | None) -> list[dict[str, Any]]:
    if plan is not None and plan.namespaces:
        rows = [
            {
                "source": n.source,
                "target": n.target,
                "category": n.category,
                "migrate": n.migrate,
                "readiness": n.readiness,
                "objects": n.object_count,
                "blockers": n.blockers,
                "manual": n.decisions.get("Manual", 0),
                "transform": n.decisions.get("Transform", 0) + n.decisions.get("Replace", 0),
                "pss": n.pod_security_labels.get("pod-security.kubernetes.io/enforce", ""),
            }
            for n in plan.namespaces
        ]
        rows.sort(key=lambda r: (not r["migrate"], READINESS_RANK.get(r["readiness"], 3), r["source"]))
        return rows
    if inv is not None:
        return [
            {"source": n.name, "target": "", "category": n.category, "migrate": None, "readiness": "", "objects": n.object_count,
             "blockers": 0, "manual": 0, "transform": 0, "pss": ""}
            for n in inv.namespaces
        ]
    return []


def _attention(plan: Plan) -> list[ObjectPlan]:
    """Objects a reader must look at: Manual, Replace, anything with findings or Medium/High risk."""
    rows = [
        o for o in plan.objects
        if o.decision in (Decision.Manual, Decision.Replace) or o.findings or o.risk != Risk.Low or o.ignored
    ]

    def rank(o: ObjectPlan) -> tuple:
        worst = min((SEVERITY_RANK[f.severity] for f in o.findings), default=9)
        return (worst, o.decision != Decision.Manual, RISK_RANK[o.risk], o.source.key)

    rows.sort(key=rank)
    return rows


def _by_kind(plan: Plan) -> list[dict[str, Any]]:
    table: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    for o in plan.objects:
        table[(o.source.api_version, o.source.kind)][o.decision.value] += 1
    rows = [{"api_version": av, "kind": k, "total": sum(c.values()), **{d: c.get(d, 0) for d in DECISION_ORDER}} for (av, k), c in table.items()]
    rows.sort(key=lambda r: (-r["total"], r["kind"]))
    return rows


def _object_row(o: ObjectPlan) -> dict[str, Any]:
    worst = min(o.findings, key=lambda f: SEVERITY_RANK[f.severity]) if o.findings else None
    return {
        "object": str(o.source),
        "api_version": o.source.api_version,
        "target": str(o.target) if o.target else "",
        "decision": o.decision.value,
        "risk": o.risk.value,
        "reason": o.reason,
        "changes": [c.reason for c in o.changes],
        "ignored": [f"{i.rule_id} lost {i.op.op} {i.op.path} to {i.lost_to}" for i in o.ignored],
        "findings": [_finding_row(f) for f in o.findings],
        "worst": worst.severity.value if worst else "",
        "replaced_by": [str(r) for r in o.replaced_by],
    }


def assessment_view(plan: Plan | None, inv: Inventory | None) -> dict[str, Any]:
    score = readiness_score(plan, inv)
    decisions = _decisions(plan) if plan else {}
    dec_bars, dec_height = charts.bars([(d, n, DECISION_CLASS.get(d, "info")) for d, n in decisions.items()])
    blockers = sorted(plan.blockers, key=lambda f: (f.code, str(f.ref or ""))) if plan else []
    findings = sorted(plan.findings, key=lambda f: (SEVERITY_RANK[f.severity], f.code)) if plan else []
    incomplete = [t for t in inv.resource_types if not t.complete] if inv else []
    attention = _attention(plan) if plan else []
    unmapped_storage = [s for s in plan.storage if not s.target_class] if plan else []
    registries, image_maps = _images(plan, inv)
    namespaces = _namespaces(plan, inv)
    objects_total = (plan.summary.objects or len(plan.objects)) if plan else (inv.object_count if inv else 0)
    src = _distro(inv, plan)
    summary = {
        "score": score.value,
        "grade": score.grade if plan is not None else None,  # no grade without a plan: it would flatter
        "blockers": len(blockers),
        "decisions": decisions,
        "objects": objects_total,
        "source_distro": src["distro"].id if src["distro"] else (plan.source.distro if plan else None),
        "target_profile": plan.target.profile if plan else None,
        "inventory_complete": inv.complete if inv else None,
    }
    return {
        "summary": summary,
        "source": src,
        "target": plan.target if plan else None,
        "plan": plan,
        "inventory": inv,
        "score": score,
        "gauge": charts.gauge(score.value),
        "objects_total": objects_total,
        "decisions": decisions,
        "decision_bars": dec_bars,
        "decision_height": dec_height,
        "blockers": [_finding_row(f) for f in blockers],
        "findings": limited([_finding_row(f) for f in findings]),
        "addons": _addons(plan, inv),
        "api_conversions": limited(_api_conversions(plan, inv)),
        "storage": _storage(plan, inv),
        "unmapped_storage": len(unmapped_storage),
        "ingress": [
            {
                "source": m.source_class or "(none)",
                "target": m.target_class or "",
                "reason": m.reason,
                "translated": sorted(m.annotations_translated.items()),
                "dropped": m.annotations_dropped,
            }
            for m in (plan.ingress if plan else [])
        ],
        "registries": limited(registries),
        "image_maps": limited(image_maps),
        "internal_images": sum(1 for m in image_maps if m["internal"]),
        "namespaces": limited(namespaces),
        "namespace_readiness": dict(Counter(n["readiness"] for n in namespaces if n["readiness"])),
        "incomplete": incomplete,
        "inventory_warnings": limited([_finding_row(f) for f in (inv.warnings if inv else [])]),
        "attention": Limited([_object_row(o) for o in attention[:ROW_LIMIT]], len(attention)),
        "by_kind": limited(_by_kind(plan)) if plan else Limited([], 0),
        "manifest_count": (plan.summary.manifests or len(plan.manifest_order)) if plan else 0,
    }


def _addons(plan: Plan | None, inv: Inventory | None) -> list[dict[str, Any]]:
    if plan is not None and plan.addons:
        rows = [
            {
                "source": a.source_name,
                "source_id": a.source_id,
                "category": a.category,
                "source_version": a.source_version or "",
                "target": a.target_name or a.target_id or "",
                "target_version": a.target_version or "",
                "action": a.action,
                "unmapped": a.action == "Manual" or (not a.target_id and a.action not in ("Drop", "Keep")),
                "notes": a.notes,
                "command": " ".join(a.install.command) if a.install and a.install.command else "",
                "method": a.install.method if a.install else "",
            }
            for a in plan.addons
        ]
        rows.sort(key=lambda r: (not r["unmapped"], r["category"], r["source"]))
        return rows
    if inv is not None:
        return [
            {"source": a.name, "source_id": a.id, "category": a.category.value, "source_version": a.version or "", "target": "",
             "target_version": "", "action": "not planned", "unmapped": False, "notes": [f"managed by {a.managed_by}"] if a.managed_by else [],
             "command": "", "method": ""}
            for a in inv.detection.addons
        ]
    return []
