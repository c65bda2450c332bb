"""The migration readiness score: 0-100 and a grade A-F, computed from a plan and an inventory.

The formula is deliberately simple so it can be printed on the report and checked by hand:

    score = 100 - sum(min(count x weight, cap)) over the factors below, floored at 0

    factor                        weight  cap   counted from
    blockers                         15    60   plan.blockers (Severity Blocker findings)
    objects needing a human (Manual)  2    20   plan.summary.decisions["Manual"]
    removed APIs in use               3    15   objects with an API_REMOVED*, API_USAGE_REMOVED or HELM_CHART_REMOVED_API finding
    unmapped storage classes         10    20   plan.storage with no target class
    unmapped add-ons                  5    15   plan.addons with action Manual or no target
    incomplete inventory             10    10   inventory.complete is false (some type unreadable)

    grade: A >= 90, B >= 80, C >= 70, D >= 60, else F; any blocker caps the grade at D,
    because a migration with an open blocker cannot start whatever else looks good.

Missing inputs are not guessed: without a plan the plan factors are "not assessed" and the score
says so (a score from an inventory alone is an upper bound).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from migrate.models.inventory import Inventory
from migrate.models.plan import Decision, Plan

__all__ = ["Factor", "Score", "FACTORS", "readiness_score", "grade_for", "removed_api_refs"]


@dataclass(frozen=True)
class FactorSpec:
    id: str
    label: str
    weight: int
    cap: int
    source: str  # where the count comes from, shown on the page
    needs: str  # "plan" | "inventory"


FACTORS: tuple[FactorSpec, ...] = (
    FactorSpec("blockers", "Blockers", 15, 60, "plan.blockers", "plan"),
    FactorSpec("manual", "Objects needing a human decision (Manual)", 2, 20, 'plan.summary.decisions["Manual"]', "plan"),
    FactorSpec("removed_apis", "Objects using a removed API", 3, 15, "objects with an API_REMOVED*, API_USAGE_REMOVED or HELM_CHART_REMOVED_API finding", "plan"),
    FactorSpec("unmapped_storage", "Storage classes without a target", 10, 20, "plan.storage[].target_class is empty", "plan"),
    FactorSpec("unmapped_addons", "Add-ons without a target equivalent", 5, 15, "plan.addons[] action Manual or no target", "plan"),
    FactorSpec("incomplete_inventory", "Inventory incomplete", 10, 10, "inventory.complete is false", "inventory"),
)

GRADES = ((90, "A"), (80, "B"), (70, "C"), (60, "D"))
BLOCKER_GRADE_CAP = "D"


@dataclass(frozen=True)
class Factor:
    id: str
    label: str
    count: int | None  # None: not assessed (its input artifact was not given)
    weight: int
    cap: int
    source: str

    @property
    def penalty(self) -> int:
        return 0 if self.count is None else min(self.count * self.weight, self.cap)


@dataclass(frozen=True)
class Score:
    value: int
    grade: str
    factors: list[Factor] = field(default_factory=list)
    grade_capped: bool = False  # the blocker rule lowered the grade
    partial: bool = False  # some factor was not assessed

    @property
    def penalty(self) -> int:
        return sum(f.penalty for f in self.factors)


def grade_for(value: int) -> str:
    for floor, letter in GRADES:
        if value >= floor:
            return letter
    return "F"


# Stored at, last applied through, or (Helm) rendered with an API the target no longer serves.
REMOVED_API_CODES = ("API_REMOVED", "API_USAGE_REMOVED", "HELM_CHART_REMOVED_API")


def removed_api_refs(plan: Plan) -> set[str]:
    """Keys of objects carrying a removed-API finding (REMOVED_API_CODES prefixes; one object counts once)."""
    keys: set[str] = set()
    for op in plan.objects:
        if any(f.code.startswith(REMOVED_API_CODES) for f in op.findings):
            keys.add(op.source.key)
    for f in [*plan.blockers, *plan.findings]:
        if f.code.startswith(REMOVED_API_CODES) and f.ref is not None:
            keys.add(f.ref.key)
    return keys


def _counts(plan: Plan | None, inventory: Inventory | None) -> dict[str, int | None]:
    c: dict[str, int | None] = {s.id: None for s in FACTORS}
    if plan is not None:
        manual = plan.summary.decisions.get(Decision.Manual.value)
        if manual is None:  # summary not filled in: count the objects themselves
            manual = sum(1 for o in plan.objects if o.decision == Decision.Manual)
        c["blockers"] = len(plan.blockers)
        c["manual"] = manual
        c["removed_apis"] = len(removed_api_refs(plan))
        c["unmapped_storage"] = sum(1 for s in plan.storage if not s.target_class)
        c["unmapped_addons"] = sum(
            1 for a in plan.addons if a.action == "Manual" or (not a.target_id and a.action not in ("Drop", "Keep"))
        )
    if inventory is not None:
        c["incomplete_inventory"] = 0 if inventory.complete else 1
    return c


def readiness_score(plan: Plan | None, inventory: Inventory | None = None) -> Score:
    counts = _counts(plan, inventory)
    factors = [Factor(s.id, s.label, counts[s.id], s.weight, s.cap, s.source) for s in FACTORS]
    value = max(0, 100 - sum(f.penalty for f in factors))
    grade = grade_for(value)
    capped = False
    if (counts["blockers"] or 0) > 0 and grade < BLOCKER_GRADE_CAP:  # 'A' < 'D' alphabetically = better
        grade, capped = BLOCKER_GRADE_CAP, True
    return Score(value, grade, factors, capped, any(f.count is None for f in factors))
