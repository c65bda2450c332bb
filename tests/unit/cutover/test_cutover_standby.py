"""Warm standby forms of workloads, and Secret values read live (stringData folded in)."""

from __future__ import annotations

import base64

from migrate.cutover.standby import record_of, running, standby, strip_scale, velero_standby_rules
from migrate.models.state import WorkloadRecord

DEPLOY = {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web", "namespace": "shop"},
          "spec": {"replicas": 3, "template": {"spec": {"containers": [{"name": "w", "image": "web:1"}]}}}}
CRON = {"apiVersion": "batch/v1", "kind": "CronJob", "metadata": {"name": "nightly", "namespace": "shop"},
        "spec": {"schedule": "0 2 * * *", "suspend": False}}
DS = {"apiVersion": "apps/v1", "kind": "DaemonSet", "metadata": {"name": "cache", "namespace": "shop"},
      "spec": {"template": {"spec": {"nodeSelector": {"kubernetes.io/os": "linux"}}}}}
CM = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c", "namespace": "shop"}, "data": {"a": "b"}}


def test_standby_runs_nothing_and_leaves_the_original_untouched():
    assert standby(DEPLOY)["spec"]["replicas"] == 0 and DEPLOY["spec"]["replicas"] == 3
    assert standby(CRON)["spec"]["suspend"] is True
    assert standby(DS)["spec"]["template"]["spec"]["nodeSelector"] == {"kubernetes.io/os": "linux", "distroshift.io/quiesced": "true"}
    assert standby(CM) == CM


def test_running_takes_the_recorded_original_over_the_quiesced_copy():
    quiesced = standby(DEPLOY)
    rec = WorkloadRecord(api_version="apps/v1", kind="Deployment", namespace="shop", name="web", replicas=5)
    assert running(quiesced, rec)["spec"]["replicas"] == 5
    assert running(standby(CRON), WorkloadRecord(api_version="batch/v1", kind="CronJob", namespace="shop",
                                                 name="nightly", suspend=False))["spec"]["suspend"] is False
    # a parked DaemonSet without a record gets its own selector back, without the parking key
    assert running(standby(DS))["spec"]["template"]["spec"]["nodeSelector"] == {"kubernetes.io/os": "linux"}
    assert record_of(DS).node_selector == {"kubernetes.io/os": "linux"} and record_of(DEPLOY).replicas == 3


def test_strip_scale_makes_a_quiesced_workload_compare_equal():
    assert strip_scale(standby(DEPLOY)) == strip_scale(DEPLOY)
    assert strip_scale(standby(DS)) == strip_scale(DS)
    changed = {**DEPLOY, "spec": {**DEPLOY["spec"], "template": {"spec": {"containers": [{"name": "w", "image": "web:2"}]}}}}
    assert strip_scale(changed) != strip_scale(DEPLOY)


def test_velero_standby_rules_are_merge_patches_on_source_namespaces():
    rules = velero_standby_rules(["shop", "payments"])
    by_gr = {r["conditions"]["groupResource"]: r for r in rules}
    assert set(by_gr) == {"deployments.apps", "statefulsets.apps", "replicasets.apps", "cronjobs.batch", "daemonsets.apps"}
    assert all(r["conditions"]["namespaces"] == ["payments", "shop"] for r in rules)
    assert by_gr["cronjobs.batch"]["mergePatches"][0]["patchData"] == '{"spec": {"suspend": true}}'


class _Res:
    namespaced = True
    api_version = "v1"

    def path(self, ns, name):
        return f"/api/v1/namespaces/{ns}/secrets/{name}"


class _Source:
    def __init__(self, live):
        self.live = live

    def get(self, path):
        return self.live


class _Target:
    def __init__(self):
        self.applied = []

    def resource_for(self, av, kind):
        return _Res()

    def get(self, path):
        if "/namespaces/shop" == path[-len("/namespaces/shop"):]:
            return {"status": {"phase": "Active"}}
        from migrate.errors import ApiError

        raise ApiError(404, {"reason": "NotFound", "message": "not found"}, method="GET", path=path)

    def apply(self, obj, **kw):
        self.applied.append(obj)
        return obj


def test_secret_values_come_live_and_string_data_wins(tmp_path):
    """A server returning stringData (a real one folds it into data on write) still means its values."""
    from migrate.cutover.native import Manifest, NativeApplier

    live = {"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "redis", "namespace": "shop"}, "type": "Opaque",
            "data": {"redis-password": base64.b64encode(b"old").decode()}, "stringData": {"redis-password": "rotated"}}
    planned = {"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "redis", "namespace": "shop"},
               "data": {"redis-password": ""}}
    tgt = _Target()
    res = NativeApplier(_Source(live), tgt, wait_timeout=0).apply([Manifest("s.yaml", planned)])
    assert not res.errors, res.findings
    assert base64.b64decode(tgt.applied[0]["data"]["redis-password"]) == b"rotated"
    assert "stringData" not in tgt.applied[0]
    assert "rotated" not in "\n".join(res.actions)
