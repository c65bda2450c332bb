"""Table output, custom resources (schema, pruning, deprecation, subresources) and CRD lifecycle."""
from __future__ import annotations

import copy

import pytest

from migrate.sim import tables
from migrate.sim.store import StatusError
from simstore_helpers import UA, cm, deployment, make_ns, rt

CRD = {
    "apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
    "metadata": {"name": "crontabs.stable.example.com"},
    "spec": {"group": "stable.example.com", "scope": "Namespaced",
             "names": {"plural": "crontabs", "singular": "crontab", "kind": "CronTab", "listKind": "CronTabList",
                       "shortNames": ["ct"], "categories": ["all", "example"]},
             "versions": [
                 {"name": "v1", "served": True, "storage": True,
                  "schema": {"openAPIV3Schema": {"type": "object", "properties": {
                      "spec": {"type": "object", "required": ["cronSpec"], "properties": {
                          "cronSpec": {"type": "string", "pattern": "^(\\d+|\\*)(/\\d+)?(\\s+(\\d+|\\*)(/\\d+)?){4}$"},
                          "image": {"type": "string"},
                          "replicas": {"type": "integer", "minimum": 1, "maximum": 10, "default": 1}}},
                      "status": {"type": "object", "properties": {"replicas": {"type": "integer"},
                                                                  "labelSelector": {"type": "string"},
                                                                  "phase": {"type": "string"}}}}}},
                  "subresources": {"status": {}, "scale": {"specReplicasPath": ".spec.replicas",
                                                           "statusReplicasPath": ".status.replicas",
                                                           "labelSelectorPath": ".status.labelSelector"}},
                  "additionalPrinterColumns": [
                      {"name": "Spec", "type": "string", "jsonPath": ".spec.cronSpec"},
                      {"name": "Replicas", "type": "integer", "jsonPath": ".spec.replicas"},
                      {"name": "Phase", "type": "string", "jsonPath": ".status.phase", "priority": 1},
                      {"name": "Age", "type": "date", "jsonPath": ".metadata.creationTimestamp"}]},
                 {"name": "v1beta1", "served": True, "storage": False, "deprecated": True,
                  "deprecationWarning": "stable.example.com/v1beta1 CronTab is deprecated; use stable.example.com/v1 CronTab",
                  "schema": {"openAPIV3Schema": {"type": "object", "x-kubernetes-preserve-unknown-fields": True}},
                  "subresources": {"status": {}}}]}}


def crontab(name, **spec):
    return {"apiVersion": "stable.example.com/v1", "kind": "CronTab", "metadata": {"name": name, "labels": {"app": "cron"}},
            "spec": {"cronSpec": "*/5 * * * *", "image": "img", **spec}}


@pytest.fixture
def crd_store(store):
    make_ns(store, "rec-crd")
    code, obj, _ = store.create(rt(store, "apiextensions.k8s.io", "v1", "customresourcedefinitions"), None,
                                copy.deepcopy(CRD), user_agent=UA)
    assert code == 201 and obj["status"]["storedVersions"] == ["v1"]
    return store


def test_crd_is_established_and_served(crd_store):
    crd = crd_store.get(rt(crd_store, "apiextensions.k8s.io", "v1", "customresourcedefinitions"), None,
                        "crontabs.stable.example.com")
    conds = {c["type"]: (c["status"], c["reason"]) for c in crd["status"]["conditions"]}
    assert conds == {"NamesAccepted": ("True", "NoConflicts"), "Established": ("True", "InitialNamesAccepted")}
    assert crd["status"]["acceptedNames"]["kind"] == "CronTab"
    assert crd_store.catalogue.lookup("stable.example.com", "v1", "crontabs") is not None


def test_custom_resources_defaults_pruning_and_schema_errors(crd_store):
    cts = rt(crd_store, "stable.example.com", "v1", "crontabs")
    code, obj, warns = crd_store.create(cts, "rec-crd", crontab("ct1"), user_agent=UA)
    assert obj["spec"]["replicas"] == 1 and obj["metadata"]["generation"] == 1
    assert list(obj) == sorted(obj)  # unstructured: keys sorted
    _, obj2, warns = crd_store.create(cts, "rec-crd", crontab("ct2", bogus=1), user_agent=UA)
    assert "bogus" not in obj2["spec"] and warns == ['unknown field "spec.bogus"']
    with pytest.raises(StatusError) as e:
        crd_store.create(cts, "rec-crd", crontab("ct3", bogus=1), field_validation="Strict", user_agent=UA)
    assert e.value.code == 400
    with pytest.raises(StatusError) as e:
        crd_store.create(cts, "rec-crd", crontab("bad", replicas=50), user_agent=UA)
    assert e.value.code == 422 and e.value.body["details"]["kind"] == "CronTab"
    assert "should be less than or equal to 10" in e.value.body["message"]
    with pytest.raises(StatusError) as e:
        crd_store.create(cts, "rec-crd", {**crontab("bad4"), "kind": "NotCronTab"}, user_agent=UA)
    assert e.value.body["message"] == ('NotCronTab.stable.example.com "bad4" is invalid: kind: Invalid value: '
                                       '"NotCronTab": must be CronTab')
    lst = crd_store.list(cts, "rec-crd")
    assert list(lst) == ["apiVersion", "items", "kind", "metadata"] and lst["items"][0]["kind"] == "CronTab"


def test_versions_subresources_and_patch_types(crd_store):
    cts = rt(crd_store, "stable.example.com", "v1", "crontabs")
    beta = rt(crd_store, "stable.example.com", "v1beta1", "crontabs")
    crd_store.create(cts, "rec-crd", crontab("ct1"), user_agent=UA)
    got = crd_store.get(beta, "rec-crd", "ct1")
    assert got["apiVersion"] == "stable.example.com/v1beta1"
    assert crd_store.crd_warnings(beta) == [CRD["spec"]["versions"][1]["deprecationWarning"]]
    with pytest.raises(StatusError) as e:
        crd_store.patch(cts, "rec-crd", "ct1", "application/strategic-merge-patch+json", b"{}", user_agent=UA)
    assert e.value.code == 415 and "application/json-patch+json, application/merge-patch+json" in e.value.body["message"]
    _, st, _ = crd_store.patch(cts, "rec-crd", "ct1", "application/merge-patch+json",
                               b'{"status":{"phase":"Running","replicas":1,"labelSelector":"app=cron"}}',
                               subresource="status", user_agent=UA)
    assert st["status"]["phase"] == "Running" and st["metadata"]["generation"] == 1
    _, ignored, _ = crd_store.patch(cts, "rec-crd", "ct1", "application/merge-patch+json",
                                    b'{"status":{"phase":"Hacked"}}', user_agent=UA)
    assert ignored["status"]["phase"] == "Running"
    scale = crd_store.get_subresource(cts, "rec-crd", "ct1", "scale")
    assert scale["spec"] == {"replicas": 1} and scale["status"] == {"replicas": 1, "selector": "app=cron"}
    with pytest.raises(StatusError) as e:
        crd_store.patch(cts, "rec-crd", "ct1", "application/merge-patch+json", b'{"spec":{"replicas":50}}',
                        subresource="scale", user_agent=UA)
    assert e.value.code == 422
    with pytest.raises(StatusError) as e:
        crd_store.get_subresource(beta, "rec-crd", "ct1", "scale")
    assert e.value.code == 404 and e.value.body["message"] == 'crontabs.stable.example.com "ct1" not found'


def test_deleting_the_crd_removes_its_resources(crd_store):
    cts = rt(crd_store, "stable.example.com", "v1", "crontabs")
    crd_rt = rt(crd_store, "apiextensions.k8s.io", "v1", "customresourcedefinitions")
    crd_store.create(cts, "rec-crd", crontab("ct1"), user_agent=UA)
    crd_store.crd_cleanup_delay = 60  # keep it Terminating for the assertions below
    code, obj = crd_store.delete(crd_rt, None, "crontabs.stable.example.com", {})
    assert obj["kind"] == "CustomResourceDefinition" and obj["metadata"]["deletionTimestamp"]
    assert obj["metadata"]["finalizers"] == ["customresourcecleanup.apiextensions.k8s.io"]
    # as recorded: the DELETE answers InstanceDeletionPending, a GET right after InstanceDeletionInProgress
    assert [(c["type"], c["reason"]) for c in obj["status"]["conditions"]][-1] == (
        "Terminating", "InstanceDeletionPending")
    got = crd_store.get(crd_rt, None, "crontabs.stable.example.com")
    assert got["status"]["conditions"][-1]["reason"] == "InstanceDeletionInProgress"
    assert [i["metadata"]["name"] for i in crd_store.list(cts, "rec-crd")["items"]] == ["ct1"]
    with pytest.raises(StatusError) as e:
        crd_store.create(cts, "rec-crd", crontab("late"), user_agent=UA)
    assert e.value.code == 403 and e.value.body["message"] == (
        'crontabs.stable.example.com "late" is forbidden: create not allowed while custom resource definition '
        "is terminating")
    assert e.value.body["details"] == {"name": "late", "group": "stable.example.com", "kind": "crontabs"}
    crd_store.settle()
    assert crd_store.catalogue.lookup("stable.example.com", "v1", "crontabs") is None
    with pytest.raises(StatusError) as e:
        crd_store.get(crd_rt, None, "crontabs.stable.example.com")
    assert e.value.code == 404
    with pytest.raises(StatusError) as e:
        crd_store.list(cts, "rec-crd")
    assert e.value.code == 404


def test_invalid_crd_is_rejected(store):
    bad = copy.deepcopy(CRD)
    bad["metadata"]["name"] = "wrong-name"
    bad["spec"]["versions"] = [{"name": "v1", "served": True, "storage": False}]
    with pytest.raises(StatusError) as e:
        store.create(rt(store, "apiextensions.k8s.io", "v1", "customresourcedefinitions"), None, bad, user_agent=UA)
    fields = [c["field"] for c in e.value.body["details"]["causes"]]
    assert fields == ["metadata.name", "spec.versions[0].schema.openAPIV3Schema", "spec.versions"]


def test_tables_for_builtins_and_crs(crd_store):
    store = crd_store
    store.create(rt(store, "", "v1", "configmaps"), "rec-crd", cm("c", a="1", b="2"), user_agent=UA)
    lst = store.list(rt(store, "", "v1", "configmaps"), "rec-crd", limit=1)
    t = tables.to_table(rt(store, "", "v1", "configmaps"), lst["items"], list_meta=lst["metadata"])
    assert [c["name"] for c in t["columnDefinitions"]] == ["Name", "Data", "Age"]
    assert t["rows"][0]["cells"][:2] == ["c", 2] and t["rows"][0]["cells"][2].endswith("s")
    assert t["rows"][0]["object"]["kind"] == "PartialObjectMetadata" and t["metadata"]["continue"]
    none = tables.to_table(rt(store, "", "v1", "configmaps"), lst["items"], include_object="None")
    assert none["rows"][0]["object"] is None
    svc = store.create(rt(store, "", "v1", "services"), "rec-crd",
                       {"metadata": {"name": "s"}, "spec": {"selector": {"app": "x"}, "ports": [{"port": 80}]}},
                       user_agent=UA)[1]
    row = tables.to_table(rt(store, "", "v1", "services"), svc)["rows"][0]["cells"]
    assert row[:5] == ["s", "ClusterIP", svc["spec"]["clusterIP"], "<none>", "80/TCP"] and row[-1] == "app=x"
    assert svc["spec"]["clusterIP"].startswith("10.0.0.")
    cts = rt(store, "stable.example.com", "v1", "crontabs")
    _, ct, _ = store.create(cts, "rec-crd", crontab("ct1"), user_agent=UA)
    t = tables.to_table(cts, ct, crd_version=store.catalogue.crd_version(cts))
    assert [(c["name"], c["type"], c["priority"]) for c in t["columnDefinitions"]] == [
        ("Name", "string", 0), ("Spec", "string", 0), ("Replicas", "integer", 0), ("Phase", "string", 1),
        ("Age", "date", 0)]
    assert t["columnDefinitions"][1]["description"] == ("Custom resource definition column (in JSONPath format): "
                                                        ".spec.cronSpec")
    assert t["rows"][0]["cells"][:4] == ["ct1", "*/5 * * * *", 1, None]
    generic = tables.to_table(rt(store, "rbac.authorization.k8s.io", "v1", "clusterroles"), [])
    assert [c["name"] for c in generic["columnDefinitions"]] == ["Name", "Created At"]


def test_deployment_table_and_age():
    from migrate.sim.catalogue import Catalogue

    cat = Catalogue.builtin()
    d = deployment("web")
    d["metadata"]["creationTimestamp"] = "2026-01-01T00:00:00Z"
    d["status"] = {"readyReplicas": 1, "updatedReplicas": 2, "availableReplicas": 1}
    row = tables.to_table(cat.lookup("apps", "v1", "deployments"), d)["rows"][0]["cells"]
    assert row[:4] == ["web", "1/2", 2, 1] and row[5:] == ["app", "nginx:1.27", "app=web"]
    from datetime import datetime, timezone
    now = datetime(2026, 1, 1, 0, 0, 0, tzinfo=timezone.utc)
    assert [tables.age(f"2025-12-31T23:{m}Z", now) for m in ("59:41", "55:00", "00:00")] == ["19s", "5m", "60m"]
