"""Restore ConfigMaps in the shapes Velero documents (restore-reference.md, restore-resource-modifiers.md)."""

from __future__ import annotations

import pytest
import yaml

from migrate.cutover.velero_config import (
    configmaps_from_plan,
    guess_plural,
    image_name_configmap,
    storage_class_configmap,
)
from migrate.models.common import ObjectRef
from migrate.models.plan import (
    Change, Decision, ImageMapping, ObjectPlan, PatchOp, Plan, SourceSummary, StorageMapping, TargetSummary,
)


def test_storage_class_configmap_matches_velero_doc_shape():
    cm = storage_class_configmap({"rook-ceph-block": "longhorn", "same": "same", "gone": None})
    assert cm["metadata"]["namespace"] == "velero"
    assert cm["metadata"]["labels"]["velero.io/plugin-config"] == ""
    assert cm["metadata"]["labels"]["velero.io/change-storage-class"] == "RestoreItemAction"
    assert cm["data"] == {"rook-ceph-block": "longhorn"}
    assert storage_class_configmap({"a": "a"}) is None


def test_image_configmap_uses_comma_delimited_pairs():
    cm = image_name_configmap([("registry.dkp.local:5000/shop", "harbor.example.com/shop"), ("x", "x")])
    assert cm["metadata"]["labels"]["velero.io/change-image-name"] == "RestoreItemAction"
    assert list(cm["data"].values()) == ["registry.dkp.local:5000/shop,harbor.example.com/shop"]


@pytest.mark.parametrize("kind, plural", [("Deployment", "deployments"), ("Ingress", "ingresses"),
                                          ("NetworkPolicy", "networkpolicies"), ("StorageClass", "storageclasses"),
                                          ("Endpoints", "endpoints"), ("Gateway", "gateways")])
def test_plural(kind, plural):
    assert guess_plural(kind) == plural


def test_from_plan_builds_all_three():
    ref = ObjectRef(api_version="apps/v1", kind="Deployment", namespace="shop", name="web")
    plan = Plan(
        source=SourceSummary(inventory="i.json"), target=TargetSummary(profile="rke2", kubernetes_version="1.31"),
        storage=[StorageMapping(source_class="rook-ceph-block", target_class="longhorn", reason="r")],
        images=[ImageMapping(source="registry.dkp.local:5000/", target="harbor.example.com/", reason="r")],
        objects=[ObjectPlan(source=ref, target=ref, decision=Decision.Transform, changes=[
            Change(rule_id="distroshift.io/placement/node-selector", reason="r",
                   ops=[PatchOp(op="remove", path="/spec/template/spec/nodeSelector"),
                        PatchOp(op="add", path="/spec/template/metadata/labels/tier", value="web"),
                        PatchOp(op="replace", path="/spec/replicas", value=2)])])],
    )
    cms = configmaps_from_plan(plan)
    assert len(cms) == 3
    mods = yaml.safe_load(cms[2]["data"]["resource-modifiers.yaml"])
    assert mods["version"] == "v1"
    rule = mods["resourceModifierRules"][0]
    assert rule["conditions"] == {"groupResource": "deployments.apps", "resourceNameRegex": "^web$", "namespaces": ["shop"]}
    assert rule["patches"] == [
        {"operation": "remove", "path": "/spec/template/spec/nodeSelector"},
        {"operation": "add", "path": "/spec/template/metadata/labels/tier", "value": "web"},
        {"operation": "replace", "path": "/spec/replicas", "value": "2"},
    ]
