"""The readiness score: the documented formula, its caps, and the blocker grade cap."""

from __future__ import annotations

from migrate.models.common import Finding, ObjectRef, Severity
from migrate.models.plan import (
    AddonPlan,
    Decision,
    ObjectPlan,
    Plan,
    PlanSummary,
    SourceSummary,
    StorageMapping,
    TargetSummary,
)
from reports.score import grade_for, readiness_score


def _plan(**kw) -> Plan:
    return Plan(source=SourceSummary(inventory="inventory.json"), target=TargetSummary(profile="rke2", kubernetes_version="1.31"), **kw)


def _blocker(i: int) -> Finding:
    return Finding(code="CRD_NO_TARGET", severity=Severity.Blocker, message="no CRD on the target",
                   ref=ObjectRef(api_version="policy/v1beta1", kind="PodSecurityPolicy", name=f"p{i}"))


def test_clean_plan_and_complete_inventory_score_100_grade_a(samples):
    inv = samples.inventory()
    inv.complete = True
    s = readiness_score(_plan(), inv)
    assert (s.value, s.grade, s.partial, s.grade_capped) == (100, "A", False, False)


def test_sample_breakdown_matches_the_documented_weights(samples):
    s = readiness_score(samples.plan(), samples.inventory())
    penalties = {f.id: f.penalty for f in s.factors}
    # 1 blocker x15, 1 Manual x2, 1 removed API x3, 1 unmapped storage class x10, 1 Manual add-on x5, incomplete 10
    assert penalties == {"blockers": 15, "manual": 2, "removed_apis": 3, "unmapped_storage": 10, "unmapped_addons": 5,
                         "incomplete_inventory": 10}
    assert (s.value, s.grade) == (55, "F")


def test_one_blocker_caps_the_grade_at_d_even_with_a_high_score():
    s = readiness_score(_plan(blockers=[_blocker(0)]), None)
    assert s.value == 85 and grade_for(85) == "B"
    assert s.grade == "D" and s.grade_capped


def test_each_factor_is_capped():
    plan = _plan(
        blockers=[_blocker(i) for i in range(10)],  # 150 -> cap 60
        summary=PlanSummary(decisions={"Manual": 1000}),  # 2000 -> cap 20
        storage=[StorageMapping(source_class=f"sc{i}", target_class=None, reason="none") for i in range(5)],  # cap 20
    )
    s = readiness_score(plan, None)
    assert {f.id: f.penalty for f in s.factors if f.count} == {"blockers": 60, "manual": 20, "unmapped_storage": 20}
    assert s.value == 0 and s.grade == "F"


def test_removed_api_counts_objects_once_and_plan_level_refs():
    ref = ObjectRef(api_version="extensions/v1beta1", kind="Ingress", name="web", namespace="shop")
    f = Finding(code="API_REMOVED", severity=Severity.Error, message="gone", ref=ref)
    obj = ObjectPlan(source=ref, decision=Decision.Manual, findings=[f, f.model_copy(update={"code": "API_REMOVED_NO_REPLACEMENT"})])
    s = readiness_score(_plan(objects=[obj], findings=[f]), None)
    assert next(x for x in s.factors if x.id == "removed_apis").count == 1


def test_objects_last_applied_through_removed_apis_and_helm_releases_count():
    cron = ObjectRef(api_version="batch/v1", kind="CronJob", name="report", namespace="shop")
    rel = ObjectRef(api_version="v1", kind="Secret", name="sh.helm.release.v1.redis.v1", namespace="shop")
    findings = [Finding(code="API_USAGE_REMOVED", severity=Severity.Warning, message="last applied through batch/v1beta1", ref=cron),
                Finding(code="API_USAGE_DEPRECATED", severity=Severity.Warning, message="deprecated only", ref=rel.model_copy(update={"name": "x"})),
                Finding(code="HELM_CHART_REMOVED_API", severity=Severity.Error, message="policy/v1beta1", ref=rel)]
    s = readiness_score(_plan(findings=findings), None)
    assert next(x for x in s.factors if x.id == "removed_apis").count == 2


def test_manual_counted_from_objects_when_summary_is_empty():
    objs = [ObjectPlan(source=ObjectRef(api_version="v1", kind="ConfigMap", name=f"c{i}"), decision=Decision.Manual) for i in range(3)]
    s = readiness_score(_plan(objects=objs), None)
    assert next(x for x in s.factors if x.id == "manual").count == 3


def test_dropped_or_kept_addons_without_target_are_not_unmapped():
    addons = [
        AddonPlan(source_id="kommander", source_name="Kommander", category="other", action="Drop"),
        AddonPlan(source_id="x", source_name="X", category="other", action="Keep"),
        AddonPlan(source_id="gatekeeper", source_name="Gatekeeper", category="policy", action="Manual"),
    ]
    s = readiness_score(_plan(addons=addons), None)
    assert next(x for x in s.factors if x.id == "unmapped_addons").count == 1


def test_without_a_plan_the_score_is_partial_and_says_which_factors_were_not_assessed(samples):
    s = readiness_score(None, samples.inventory())
    assert s.partial
    assert [f.id for f in s.factors if f.count is None] == ["blockers", "manual", "removed_apis", "unmapped_storage", "unmapped_addons"]
    assert s.value == 90  # only the incomplete inventory counts
