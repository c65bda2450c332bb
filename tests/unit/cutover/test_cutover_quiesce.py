"""Originals recorded once are never overwritten by a later (already scaled-down) reading."""

from __future__ import annotations

from migrate.cutover.quiesce import describe_change, merge_records
from migrate.models.state import WorkloadRecord


def rec(name, replicas=None, suspend=None, kind="Deployment"):
    return WorkloadRecord(api_version="apps/v1" if kind != "CronJob" else "batch/v1", kind=kind, namespace="shop",
                          name=name, replicas=replicas, suspend=suspend)


def test_merge_keeps_recorded_originals_and_adds_new():
    recorded = [rec("web", 3)]
    current = [rec("web", 0), rec("api", 2)]  # after a crash mid-quiesce the cluster shows 0
    merged = merge_records(recorded, current)
    assert [(r.name, r.replicas) for r in merged] == [("web", 3), ("api", 2)]


def test_describe_changes():
    assert describe_change(rec("web", 3)) == "Deployment shop/web: replicas 3 -> 0"
    assert describe_change(rec("web", 3), undo=True) == "Deployment shop/web: replicas 0 -> 3"
    cj = rec("nightly", suspend=False, kind="CronJob")
    assert describe_change(cj) == "CronJob shop/nightly: suspend false -> true"
    assert describe_change(cj, undo=True) == "CronJob shop/nightly: suspend true -> false"
