"""Removed-API conversions on the objects the simulated clusters plant (last-applied through old APIs)."""

from __future__ import annotations

import jsonpatch
import pytest

from factories import cronjob_v1beta1, deployment, hpa_v2beta1, ingress_v1beta1, pdb_v1beta1, psp, rule_context
from migrate.rules import apiversions
from migrate.rules.base import Finding, Patch
from migrate.plan.validate import Validator
from migrate.models.common import ObjectRef


def _run(obj, minor=31):
    ctx = rule_context("rke2", minor)
    out = apiversions.convert_removed(obj, ctx)
    patches = [o for o in out if isinstance(o, Patch)]
    new = jsonpatch.apply_patch(obj, [op for p in patches for op in p.ops]) if patches else obj
    return new, [o for o in out if isinstance(o, Finding)]


@pytest.mark.parametrize("group", ["extensions", "networking.k8s.io"])
@pytest.mark.parametrize("port,expected", [(80, {"number": 80}), ("http", {"name": "http"}), ("8443", {"number": 8443})])
def test_ingress_v1beta1_becomes_valid_v1(group, port, expected):
    new, finds = _run(ingress_v1beta1("web", "shop", group=group, service_port=port))
    assert new["apiVersion"] == "networking.k8s.io/v1"
    path = new["spec"]["rules"][0]["http"]["paths"][0]
    assert path["backend"] == {"service": {"name": "web", "port": expected}}
    assert path["pathType"] == "ImplementationSpecific"
    assert any(f.code == "API_CONVERTED" for f in finds)
    # strip what strip.py would strip, then the target schema must accept it
    new.pop("status")
    assert [f for f in Validator("1.31").validate(new, ObjectRef.of(new)) if f.severity.value == "Blocker"] == []


def test_hpa_v2beta1_metrics_take_the_v2_shape():
    new, _ = _run(hpa_v2beta1("web", "shop"))
    assert new["apiVersion"] == "autoscaling/v2"
    m = new["spec"]["metrics"]
    assert m[0] == {"type": "Resource", "resource": {"name": "cpu", "target": {"type": "Utilization", "averageUtilization": 70}}}
    assert m[1] == {"type": "Pods", "pods": {"metric": {"name": "requests_per_second"}, "target": {"type": "AverageValue", "averageValue": "100"}}}
    assert m[2]["external"] == {"metric": {"name": "queue_depth", "selector": {"matchLabels": {"queue": "jobs"}}},
                                "target": {"type": "Value", "value": "30"}}
    assert Validator("1.31").validate(new, ObjectRef.of(new)) == []


def test_cronjob_and_pdb_move_to_v1():
    cj, _ = _run(cronjob_v1beta1("nightly-report", "shop"))
    assert cj["apiVersion"] == "batch/v1"
    pdb, finds = _run(pdb_v1beta1("web", "shop", selector={"matchLabels": {"app": "web"}}))
    assert pdb["apiVersion"] == "policy/v1" and not any(f.code == "PDB_EMPTY_SELECTOR" for f in finds)


def test_pdb_empty_selector_semantics_change_is_flagged():
    _, finds = _run(pdb_v1beta1("all", "shop", selector={}))
    assert any(f.code == "PDB_EMPTY_SELECTOR" and f.severity == "Warning" for f in finds)


def test_old_workload_api_gets_an_explicit_selector():
    new, finds = _run(deployment("legacy", "shop", api_version="extensions/v1beta1"))
    assert new["apiVersion"] == "apps/v1" and new["spec"]["selector"] == {"matchLabels": {"app": "legacy"}}
    assert any(f.code == "SELECTOR_MADE_EXPLICIT" for f in finds)


def test_object_still_served_at_target_is_left_alone():
    # batch/v1beta1 CronJob was removed in 1.25: a 1.24 target would keep it, but profiles start at 1.29+;
    # use the deprecations directly for a version where it is only deprecated.
    ctx = rule_context("rke2", 31)
    assert apiversions.convert_removed(deployment("ok", "shop"), ctx) == []


def test_psp_is_left_to_podsecurity():
    assert apiversions.convert_removed(psp("restricted"), rule_context()) == []
