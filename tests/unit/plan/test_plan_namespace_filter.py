"""`inventory -n`: the plan migrates only the cluster-scoped objects the selected namespaces use."""

from pathlib import Path

from migrate.inventory import inventory_from_dump, write_inventory
from migrate.plan import build_plan

DKP = Path(__file__).resolve().parents[3] / "migrate/sim/clusters/dkp"


def _plan(tmp_path, extra_objects=()):
    inv, objects = inventory_from_dump(str(DKP), namespaces=["shop"], objects_path=tmp_path / "inv.objects.jsonl")
    write_inventory(inv, tmp_path / "inv.json", objects)
    return build_plan(str(tmp_path / "inv.json"), target="rke2", out_dir=str(tmp_path / "plan"))


def test_unused_cluster_scoped_objects_are_dropped_with_the_reason(tmp_path):
    plan = _plan(tmp_path)
    kept = [o.source for o in plan.objects if o.decision.value in ("Keep", "Transform", "Replace") and not o.source.namespace]
    assert [(r.kind, r.name) for r in kept] == [("Namespace", "shop")]
    dropped = {o.source.name: o.reason for o in plan.objects if o.source.kind == "PriorityClass"}
    assert "not used by the selected namespaces (shop)" in dropped["payments-critical"]
    # namespaced objects of the selection are still planned
    assert any(o.source.kind == "Deployment" and o.source.name == "storefront" and o.manifest for o in plan.objects)
