"""Engine semantics: conflicts by priority with losers recorded, Drop wins, a raising rule becomes an
Error finding, every object gets a decision, same input -> same bytes."""

from __future__ import annotations

import json

import pytest

from factories import configmap, cronjob_v1beta1, deployment, ingress_v1beta1, namespace, pvc, rule_context, secret, service, storage_class, write_inventory
from migrate.models.common import ObjectRef
from migrate.models.plan import Decision
from migrate.plan import build_plan
from migrate.plan.engine import _run_rules, plan_objects
from migrate.plan.validate import Validator
from migrate.rules.base import AppliesTo, Drop, Patch, Rule
from migrate.rules.registry import Registry


def _reg(*bodies):
    return Registry([Rule(id=f"test.io/t/{name}", body=b, priority=prio, applies_to=AppliesTo(kinds=("ConfigMap",))) for name, prio, b in bodies])


def test_same_path_conflicts_go_to_the_higher_priority_and_the_loser_is_kept():
    hi = ("hi", 80, lambda o, c: [Patch([{"op": "replace", "path": "/data/a", "value": "hi"}], "hi")])
    lo = ("lo", 20, lambda o, c: [Patch([{"op": "replace", "path": "/data", "value": {"a": "lo"}}, {"op": "add", "path": "/data/b", "value": "x"}], "lo")])
    res = _run_rules(configmap("c", "ns", {"a": "1"}), rule_context(), _reg(hi, lo), ObjectRef(api_version="v1", kind="ConfigMap", name="c"))
    # /data is a prefix of /data/a: it loses (and is recorded); /data/b touches nothing the winner changed
    assert [op["path"] for op in res.ops] == ["/data/a", "/data/b"]
    assert [(i.rule_id, i.op.path, i.lost_to) for i in res.ignored] == [("test.io/t/lo", "/data", "test.io/t/hi")]


def test_drop_wins_and_raising_rule_becomes_an_error_finding():
    def boom(o, c):
        raise KeyError("spec")

    reg = _reg(("patch", 50, lambda o, c: [Patch([{"op": "add", "path": "/data/x", "value": "1"}], "p")]), ("boom", 60, boom))
    plans, manifests, _ = plan_objects([configmap("c", "shop")], rule_context(), reg, Validator("1.31"))
    assert plans[0].decision == Decision.Transform and plans[0].findings[0].code == "RULE_FAILED" and plans[0].findings[0].severity == "Error"
    reg = _reg(("patch", 50, lambda o, c: [Patch([{"op": "add", "path": "/data/x", "value": "1"}], "p")]),
               ("drop", 10, lambda o, c: [Drop("not wanted")]))
    plans, manifests, _ = plan_objects([configmap("c", "shop")], rule_context(), reg, Validator("1.31"))
    assert plans[0].decision == Decision.Drop and plans[0].reason == "not wanted" and manifests == {}


def _source(tmp_path):
    objs = [namespace("shop"), configmap("storefront-config", "shop", {"API": "http://payments-api.payments.svc.cluster.local"}),
            secret("db", "shop"), deployment("storefront", "shop", image="harbor.corp.local/shop/storefront:2.14.1"),
            service("storefront", "shop"), ingress_v1beta1("storefront", "shop"), cronjob_v1beta1("nightly-report", "shop"),
            pvc("data", "shop", "vsphere-raw-block-sc"), storage_class("vsphere-raw-block-sc", "csi.vsphere.vmware.com", default=True),
            configmap("kube-root-ca.crt", "shop", {"ca.crt": "x"}), deployment("traefik", "kommander")]
    return write_inventory(tmp_path / "inv", objs, secrets={("shop", "db"): ["password", "username"]},
                           namespaces={"shop": "workload", "kommander": "platform"})


def test_every_object_gets_a_decision_and_manifests_validate(tmp_path):
    inv = _source(tmp_path)
    plan = build_plan(inv, target="rke2", target_version="1.31", out_dir=tmp_path / "out", registry_map=["harbor.corp.local=registry.example.com"])
    assert plan.summary.objects == 11 and all(o.decision for o in plan.objects)
    by = {(o.source.kind, o.source.name): o for o in plan.objects}
    assert by[("ConfigMap", "kube-root-ca.crt")].decision == Decision.Drop
    assert by[("Deployment", "traefik")].decision == Decision.Drop
    assert by[("CronJob", "nightly-report")].decision == Decision.Transform and by[("CronJob", "nightly-report")].target.api_version == "batch/v1"
    assert not [b for b in plan.blockers]
    files = sorted(p.relative_to(tmp_path / "out" / "manifests").as_posix() for p in (tmp_path / "out" / "manifests").rglob("*.yaml"))
    assert files == plan.manifest_order
    assert files[0].startswith("10-namespaces/") and files[-1].startswith("60-network/")
    sec = (tmp_path / "out" / "manifests" / "30-config/shop/core-Secret-db.yaml").read_text()
    assert "password: ''" in sec and "distroshift.io/data-from-source: 'true'" in sec
    dep = (tmp_path / "out" / "manifests" / "50-workloads/shop/apps-Deployment-storefront.yaml").read_text()
    assert "registry.example.com/shop/storefront:2.14.1" in dep and "uid:" not in dep and "status:" not in dep


def test_same_input_gives_the_same_bytes(tmp_path):
    inv = _source(tmp_path)
    outs = []
    for d in ("a", "b"):
        build_plan(inv, target="eks", out_dir=tmp_path / d)
        doc = json.loads((tmp_path / d / "plan.json").read_text())
        doc.pop("header")
        outs.append(json.dumps(doc, sort_keys=True))
    assert outs[0] == outs[1]
    a = {p.relative_to(tmp_path / "a"): p.read_bytes() for p in (tmp_path / "a" / "manifests").rglob("*.yaml")}
    b = {p.relative_to(tmp_path / "b"): p.read_bytes() for p in (tmp_path / "b" / "manifests").rglob("*.yaml")}
    assert a == b


def test_invalid_manifest_is_a_blocker_and_not_written(tmp_path):
    bad = deployment("web", "shop")
    bad["spec"]["template"]["spec"]["containers"][0]["imagePullPolicy"] = {"not": "a string"}
    inv = write_inventory(tmp_path / "inv", [namespace("shop"), bad])
    plan = build_plan(inv, target="rke2", out_dir=tmp_path / "out")
    (o,) = [o for o in plan.objects if o.source.kind == "Deployment"]
    assert o.decision == Decision.Manual and o.manifest is None
    assert plan.blockers[0].code == "MANIFEST_INVALID" and "imagePullPolicy" in (plan.blockers[0].path or "")
    assert not list((tmp_path / "out" / "manifests").rglob("*Deployment*"))
