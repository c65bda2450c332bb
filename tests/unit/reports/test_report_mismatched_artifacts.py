"""A report never mixes artifacts of different clusters into one believable page."""

import pytest

from migrate.errors import InputError
from migrate.models.inventory import ClusterInfo, Inventory
from migrate.models.io import write_artifact
from migrate.models.plan import Plan, SourceSummary, TargetSummary
from reports.artifacts import load_artifacts


def _plan(uid):
    return Plan(source=SourceSummary(inventory="inventory.json", cluster="dkp", cluster_uid=uid),
                target=TargetSummary(profile="rke2", kubernetes_version="1.31"))


def test_inventory_and_plan_of_different_clusters_are_refused(tmp_path):
    inv = write_artifact(tmp_path / "inventory.json", Inventory(cluster=ClusterInfo(name="dkp", uid="aaaaaaaa-1")))
    plan = write_artifact(tmp_path / "plan.json", _plan("bbbbbbbb-2"))
    with pytest.raises(InputError, match="another source cluster") as e:
        load_artifacts([inv, plan])
    assert str(plan) in str(e.value)


def test_same_cluster_or_unknown_identity_is_accepted(tmp_path):
    inv = write_artifact(tmp_path / "inventory.json", Inventory(cluster=ClusterInfo(name="dkp", uid="aaaaaaaa-1")))
    same = write_artifact(tmp_path / "plan.json", _plan("aaaaaaaa-1"))
    older = write_artifact(tmp_path / "old-plan.json", _plan(None))
    assert load_artifacts([inv, same]).plan is not None
    assert load_artifacts([inv, older]).plan is not None
