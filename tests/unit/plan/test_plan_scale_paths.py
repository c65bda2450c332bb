"""The fast paths that make `plan` scale (streamed objects, libyaml, compiled schema checks, member
patches, streamed plan.json, one manifests tree swapped in) must give exactly what the plain paths
give: the same bytes, the same findings. Speed itself is measured by bench/pipeline.py, not here."""

from __future__ import annotations

import copy
import json
import random

import jsonpatch
import pytest
import yaml

from factories import (configmap, cronjob_v1beta1, deployment, hpa_v2beta1, ingress_v1, ingress_v1beta1, namespace, network_policy,
                       pdb_v1beta1, pvc, secret, service, statefulset, storage_class, write_inventory)
from migrate.models.io import write_artifact
from migrate.models.plan import Plan
from migrate.plan import build_plan
from migrate.plan import validate as V
from migrate.plan.engine import _clone, _object_key, _patch_members
from migrate.plan.manifests import ManifestWriter, _str, to_yaml
from migrate.plan.planfile import write_plan


def _objects():
    web = deployment("web", "shop", image="harbor.corp.local/shop/web:1.2")
    web["metadata"]["annotations"] = {"kubectl.kubernetes.io/last-applied-configuration": "{}", "note": "caf\u00e9 \u2028 line"}
    cm = configmap("conf", "shop", {"nginx.conf": "server {\n\tlisten 80;\n}\n", "long": "word " * 1200, "keep": "a\n\n"})
    return [namespace("shop"), namespace("batch"), web, cm, secret("db", "shop"), service("web", "shop"),
            ingress_v1beta1("web", "shop"), ingress_v1("api", "shop"), cronjob_v1beta1("nightly", "batch"), hpa_v2beta1("web", "shop"),
            pdb_v1beta1("web", "shop"), pvc("data", "shop", "fast"), statefulset("db", "shop", "fast"), storage_class("fast", "csi.vsphere.vmware.com"),
            network_policy("allow", "shop", {"team": "batch"})]


def _plan_bytes(out):
    doc = json.loads((out / "plan.json").read_text())
    doc.pop("header")
    doc["source"].pop("inventory")
    files = {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted((out / "manifests").rglob("*")) if p.is_file()}
    return json.dumps(doc, sort_keys=True), files


def test_streamed_sorted_objects_file_plans_like_an_unsorted_one(tmp_path):
    # write_inventory orders lines by apiVersion (not plan order): build_plan sorts those in memory; the
    # inventory stage writes plan order, which build_plan streams. Both must give the same plan.
    unsorted = write_inventory(tmp_path / "u", _objects(), secrets={("shop", "db"): ["password"]})
    lines = (tmp_path / "u" / "inventory.objects.jsonl").read_text().splitlines()
    in_order = sorted(lines, key=lambda line: _object_key(json.loads(line)))
    assert in_order != lines  # the two paths are both exercised
    (tmp_path / "s").mkdir()
    (tmp_path / "s" / "inventory.objects.jsonl").write_text("\n".join(in_order) + "\n")
    (tmp_path / "s" / "inventory.json").write_text((tmp_path / "u" / "inventory.json").read_text())
    a = build_plan(unsorted, target="rke2", out_dir=tmp_path / "out-u", registry_map=["harbor.corp.local=registry.example.com"])
    b = build_plan(tmp_path / "s" / "inventory.json", target="rke2", out_dir=tmp_path / "out-s", registry_map=["harbor.corp.local=registry.example.com"])
    assert a.summary.objects == len(lines) and a.images and a.namespaces
    assert _plan_bytes(tmp_path / "out-u") == _plan_bytes(tmp_path / "out-s")


def test_plan_json_is_written_as_write_artifact_writes_it(tmp_path):
    inv = write_inventory(tmp_path / "inv", _objects(), secrets={("shop", "db"): ["password"]})
    plan = build_plan(inv, target="eks", out_dir=None)
    assert plan.objects
    write_artifact(tmp_path / "a.json", plan)
    write_plan(tmp_path / "b.json", plan)
    assert (tmp_path / "a.json").read_bytes() == (tmp_path / "b.json").read_bytes()
    empty = Plan.model_validate({**json.loads((tmp_path / "a.json").read_text()), "objects": []})
    write_artifact(tmp_path / "c.json", empty)
    write_plan(tmp_path / "d.json", empty)
    assert (tmp_path / "c.json").read_bytes() == (tmp_path / "d.json").read_bytes()


class _PurePython(yaml.SafeDumper):
    pass


_PurePython.add_representer(str, _str)


@pytest.mark.parametrize("value", [
    "plain", "123", "yes", "", "a: b", "- x", "#c", "'q'\n\"dq\"", "tab\there\n", "trailing \nline  \n", "keep\n\n", "\n",
    "caf\u00e9", "\u2028x\x85y\n", "emoji \U0001F600", "x" * 5000, "word " * 2000, ("long line " * 500 + "\n") * 3, "\x07bell",
])
def test_manifest_yaml_is_what_the_pure_python_dumper_writes(value):
    shared = {"a": 1}
    doc = {"k": value, value or "empty": [value, {"n": value}], "same": shared, "again": shared, "num": [1, 1.5, True, None]}
    assert to_yaml(doc) == yaml.dump(doc, Dumper=_PurePython, sort_keys=True, default_flow_style=False, allow_unicode=True, width=4096)


def _mutations(obj, rng, n):
    for _ in range(n):
        o = copy.deepcopy(obj)
        slots = []

        def walk(node):
            for k, v in (node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else ()):
                slots.append((node, k))
                walk(v)

        walk(o)
        node, k = rng.choice(slots)
        node[k] = rng.choice([None, 1, 1.0, 1.5, True, "x", [], {}, {"zz": 1}, ["a"], [None]])
        if rng.random() < 0.3 and isinstance(o.get("spec"), dict):
            o["spec"]["bogus"] = 1
        yield o


def test_compiled_schema_check_agrees_with_jsonschema():
    rng = random.Random(7)
    version = V._schema_version("1.31")
    seen = valid = 0
    for obj in _objects():
        if obj["kind"] == "Ingress" and obj["apiVersion"] != "networking.k8s.io/v1":
            continue  # not served by 1.31: no schema either way
        check, full = V._checker(version, obj["apiVersion"], obj["kind"]), V._validator(version, obj["apiVersion"], obj["kind"])
        if full is None:
            continue
        assert check is not None, obj["kind"]
        for o in [obj, *_mutations(obj, rng, 40)]:
            seen += 1
            valid += full.is_valid(o)
            assert check(o) == full.is_valid(o), (obj["kind"], [e.message for e in full.iter_errors(o)][:2])
    assert seen > 300 and 0 < valid < seen


def test_member_patches_do_what_jsonpatch_does():
    doc = {"metadata": {"name": "x", "annotations": {"a/b": "1", "t~": "2"}, "uid": "u"}, "spec": {"l": [1, 2]}}
    cases = [
        [{"op": "remove", "path": "/metadata/uid"}, {"op": "remove", "path": "/metadata/annotations/a~1b"}],
        [{"op": "add", "path": "/metadata/labels", "value": {"k": "v"}}, {"op": "add", "path": "/metadata/labels/z", "value": "w"}],
        [{"op": "replace", "path": "/metadata/annotations/t~0", "value": "3"}],
    ]
    for ops in cases:
        fast = _clone(doc)
        assert _patch_members(fast, ops)
        assert fast == jsonpatch.apply_patch(_clone(doc), ops)
    labels = cases[1][0]["value"]
    assert labels == {"k": "v"}  # the op's value was copied in, not changed by the later op
    for ops in ([{"op": "remove", "path": "/metadata/missing"}], [{"op": "add", "path": "/spec/l/-", "value": 3}],
                [{"op": "replace", "path": "/nope/x", "value": 1}], [{"op": "move", "from": "/spec", "path": "/s"}],
                [{"op": "remove", "path": "/metadata/annotations/~2"}]):
        assert not _patch_members(_clone(doc), ops)  # left to jsonpatch (and its error messages)


def test_manifests_tree_is_replaced_whole_or_not_at_all(tmp_path):
    w = ManifestWriter(tmp_path)
    w.write("30-config/shop/core-ConfigMap-old.yaml", configmap("old", "shop"))
    assert w.commit() == ["30-config/shop/core-ConfigMap-old.yaml"]
    (tmp_path / ".manifests.new-1-dead").mkdir()  # left by a killed run
    w = ManifestWriter(tmp_path)
    assert not (tmp_path / ".manifests.new-1-dead").exists()
    w.write("30-config/shop/core-ConfigMap-new.yaml", configmap("new", "shop"))
    w.abort()  # a failed plan keeps the previous tree as it was
    assert [p.name for p in (tmp_path / "manifests").rglob("*.yaml")] == ["core-ConfigMap-old.yaml"]
    w = ManifestWriter(tmp_path)
    w.write("30-config/shop/core-ConfigMap-new.yaml", configmap("new", "shop"))
    w.commit()
    assert [p.name for p in (tmp_path / "manifests").rglob("*.yaml")] == ["core-ConfigMap-new.yaml"]  # no stale manifest
    assert sorted(p.name for p in tmp_path.iterdir()) == ["manifests"]
    text = (tmp_path / "manifests" / "30-config/shop/core-ConfigMap-new.yaml").read_text()
    assert yaml.safe_load(text)["metadata"]["name"] == "new"
