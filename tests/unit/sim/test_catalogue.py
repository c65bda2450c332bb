"""The served-resource catalogue and its discovery documents."""
from __future__ import annotations

import json

import pytest

from migrate.sim.catalogue import Catalogue

CRONTAB_CRD = {
    "apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
    "metadata": {"name": "crontabs.stable.example.com"},
    "spec": {"group": "stable.example.com", "scope": "Namespaced",
             "names": {"plural": "crontabs", "singular": "crontab", "kind": "CronTab", "listKind": "CronTabList",
                       "shortNames": ["ct"], "categories": ["all", "example"]},
             "versions": [
                 {"name": "v1", "served": True, "storage": True,
                  "schema": {"openAPIV3Schema": {"type": "object"}},
                  "subresources": {"status": {}, "scale": {"specReplicasPath": ".spec.replicas",
                                                           "statusReplicasPath": ".status.replicas"}}},
                 {"name": "v1beta1", "served": True, "storage": False, "deprecated": True,
                  "schema": {"openAPIV3Schema": {"type": "object"}}, "subresources": {"status": {}}}]}}


def test_lookup_by_plural_and_kind():
    cat = Catalogue.builtin()
    dep = cat.lookup("apps", "v1", "deployments")
    assert dep is not None and dep.kind == "Deployment" and dep.namespaced
    assert dep.subresources == ("scale", "status")
    assert cat.lookup("apps", "v1", "Deployment") is None  # plural only
    assert cat.by_kind("autoscaling", "HorizontalPodAutoscaler").version == "v2"  # preferred version
    assert cat.lookup("", "v1", "namespaces").namespaced is False


def test_older_minors_serve_removed_apis():
    old = Catalogue.builtin(22)
    assert old.lookup("policy", "v1beta1", "podsecuritypolicies") is not None
    assert old.lookup("batch", "v1beta1", "cronjobs") is not None
    assert old.lookup("autoscaling", "v2beta2", "horizontalpodautoscalers") is not None
    assert old.lookup("resource.k8s.io", "v1", "resourceclaims") is None
    new = Catalogue.builtin(36)
    assert new.lookup("policy", "v1beta1", "podsecuritypolicies") is None
    assert new.lookup("autoscaling", "v2beta2", "horizontalpodautoscalers") is None
    assert Catalogue.builtin(25).lookup("autoscaling", "v2beta2", "horizontalpodautoscalers") is not None
    assert Catalogue.builtin(26).lookup("autoscaling", "v2beta2", "horizontalpodautoscalers") is None
    assert Catalogue.builtin(27).version_info["gitVersion"] == "v1.27.0"


def test_crd_registration_in_every_discovery_doc():
    cat = Catalogue.builtin()
    assert cat.api_group_doc("stable.example.com") is None
    cat.add_crd(CRONTAB_CRD)
    group = cat.api_group_doc("stable.example.com")
    assert [v["version"] for v in group["versions"]] == ["v1", "v1beta1"]
    assert group["preferredVersion"]["version"] == "v1"
    assert cat.api_group_list_doc()["groups"][-1]["name"] == "stable.example.com"
    v1 = cat.api_resource_list_doc("stable.example.com", "v1")
    assert [r["name"] for r in v1["resources"]] == ["crontabs", "crontabs/status", "crontabs/scale"]
    assert v1["resources"][2]["group"] == "autoscaling" and v1["resources"][2]["kind"] == "Scale"
    agg = cat.aggregated_discovery_doc(core=False)
    item = next(i for i in agg["items"] if i["metadata"]["name"] == "stable.example.com")
    res = item["versions"][0]["resources"][0]
    assert res["responseKind"] == {"group": "stable.example.com", "version": "v1", "kind": "CronTab"}
    assert [s["subresource"] for s in res["subresources"]] == ["status", "scale"]
    cat.remove_crd("crontabs.stable.example.com")
    assert cat.lookup("stable.example.com", "v1", "crontabs") is None
    assert cat.api_group_doc("stable.example.com") is None


@pytest.mark.realdata
def test_discovery_documents_match_the_recording(realdata_dir):
    cat = Catalogue.builtin()
    path = realdata_dir / "kube-apiserver-v1.36" / "exchanges" / "01-discovery.jsonl"
    checked = 0
    for line in path.read_text().splitlines():
        ex = json.loads(line)
        body, req = ex["response"]["body"], ex["request"]
        if ex["response"]["status"] != 200 or not isinstance(body, dict):
            continue
        kind = body.get("kind")
        if kind == "APIGroupList":
            got = cat.api_group_list_doc()
        elif kind == "APIGroup":
            got = cat.api_group_doc(req["path"].split("/")[2])
        elif kind == "APIResourceList":
            parts = req["path"].strip("/").split("/")
            got = cat.api_resource_list_doc("" if parts[0] == "api" else parts[1], parts[-1])
        elif kind == "APIGroupDiscoveryList":
            got = cat.aggregated_discovery_doc(core=req["path"] == "/api")
        elif kind == "APIVersions":
            got = cat.api_versions_doc()
        else:
            continue
        assert got == body, ex["title"]
        checked += 1
    assert checked >= 45
