"""Offline inventory: List files, manifest trees, sonobuoy tarballs (read safely), malformed dumps."""

from __future__ import annotations

import io
import json
import tarfile

import pytest
import yaml

from migrate.errors import InputError
from migrate.inventory import inventory_from_dump, write_inventory
from migrate.models.inventory import Inventory, iter_objects
from migrate.models.io import read_artifact

NODE = {"apiVersion": "v1", "kind": "Node", "metadata": {"name": "k3s-1", "labels": {"kubernetes.io/os": "linux", "node.kubernetes.io/instance-type": "k3s"}},
        "status": {"nodeInfo": {"kubeletVersion": "v1.27.1+k3s1", "architecture": "amd64"}}}
SECRET = {"apiVersion": "v1", "kind": "Secret", "type": "Opaque", "metadata": {"name": "db", "namespace": "shop",
          "annotations": {"kubectl.kubernetes.io/last-applied-configuration": '{"apiVersion":"v1","data":{"password":"aHVudGVyMg=="},"kind":"Secret"}'}},
          "data": {"password": "aHVudGVyMg==", "user": "YWRtaW4="}}
CM = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "cfg", "namespace": "shop"}, "data": {"a": "1"}}
DEP = {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web", "namespace": "shop",
       "annotations": {"kubectl.kubernetes.io/last-applied-configuration": '{"apiVersion":"extensions/v1beta1","kind":"Deployment"}'}},
       "spec": {"replicas": 2, "template": {"spec": {"containers": [{"name": "web", "image": "nginx:1.25"}]}}}}


def test_kubectl_list_file(tmp_path):
    f = tmp_path / "all.yaml"
    f.write_text(yaml.safe_dump({"apiVersion": "v1", "kind": "List", "items": [DEP, CM, SECRET, NODE]}))
    inv, objs = inventory_from_dump(f)
    assert inv.header.mode == "offline" and inv.header.source == str(f)
    assert inv.cluster.git_version == "v1.27.1+k3s1" and inv.cluster.minor == "27"  # inferred from the kubelet
    assert inv.object_count == 4 and inv.counts["apps/Deployment"] == 1
    assert {(t.resource, t.namespaced) for t in inv.resource_types} >= {("deployments", True), ("nodes", False), ("secrets", True)}
    assert [(u.api_version, u.source) for u in inv.api_usage] == [("extensions/v1beta1", "last-applied")]
    s = inv.secrets[0]
    assert (s.keys, s.size) == (["password", "user"], 12)
    text = objs.read_text()
    assert "aHVudGVyMg" not in text and "last-applied" not in text.split('"kind":"Secret"')[0].rsplit("\n", 1)[-1]
    lines = [json.loads(x) for x in text.splitlines()]
    assert [(o["kind"], o["metadata"]["name"]) for o in lines] == [("ConfigMap", "cfg"), ("Node", "k3s-1"), ("Secret", "db"), ("Deployment", "web")]
    assert "data" not in lines[2] and "annotations" not in lines[2]["metadata"]


def test_manifest_tree_multi_doc_and_json(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "app.yaml").write_text(yaml.safe_dump_all([DEP, CM]))
    (tmp_path / "node.json").write_text(json.dumps(NODE))
    (tmp_path / "README.md").write_text("not a manifest")
    inv, _ = inventory_from_dump(tmp_path)
    assert inv.object_count == 3
    assert inv.detection.distro.id == "k3s"


def test_same_input_same_bytes(tmp_path):
    f = tmp_path / "all.json"
    f.write_text(json.dumps({"kind": "List", "apiVersion": "v1", "items": [SECRET, DEP, NODE, CM]}))
    g = tmp_path / "shuffled.json"
    g.write_text(json.dumps({"kind": "List", "apiVersion": "v1", "items": [NODE, CM, DEP, SECRET]}))
    a, ao = inventory_from_dump(f, objects_path=tmp_path / "a.jsonl", cluster_name="x")
    b, bo = inventory_from_dump(g, objects_path=tmp_path / "b.jsonl", cluster_name="x")
    assert ao.read_bytes() == bo.read_bytes()
    da, db = a.model_dump(exclude={"header"}), b.model_dump(exclude={"header"})
    assert da == db


def test_write_and_read_back_with_sidecar(tmp_path):
    f = tmp_path / "all.yaml"
    f.write_text(yaml.safe_dump_all([DEP, CM]))
    inv, objs = inventory_from_dump(f)
    out = write_inventory(inv, tmp_path / "out" / "inventory.json", objs)
    back = read_artifact(out, Inventory)
    assert back.objects_file == "inventory.objects.jsonl"
    assert [o["metadata"]["name"] for o in iter_objects(back, out)] == ["cfg", "web"]


def test_namespace_filters(tmp_path):
    other = {**CM, "metadata": {"name": "x", "namespace": "kube-system"}}
    f = tmp_path / "all.yaml"
    f.write_text(yaml.safe_dump_all([CM, other, NODE]))
    inv, _ = inventory_from_dump(f, exclude=["kube-system"])
    assert inv.counts == {"/ConfigMap": 1, "/Node": 1}
    inv, _ = inventory_from_dump(f, namespaces=["kube-system"])
    assert inv.counts == {"/ConfigMap": 1, "/Node": 1} and inv.namespaces_filter == ["kube-system"]


def _tar(path, members: dict[str, bytes], extra=None):
    with tarfile.open(path, "w:gz") as tf:
        for name, data in members.items():
            ti = tarfile.TarInfo(name)
            ti.size = len(data)
            tf.addfile(ti, io.BytesIO(data))
        for ti in extra or []:
            tf.addfile(ti)


def test_sonobuoy_tarball_read_in_memory_and_safely(tmp_path):
    nodes = {"apiVersion": "v1", "kind": "NodeList", "items": [{k: v for k, v in NODE.items() if k not in ("apiVersion", "kind")}]}
    old = [{"metadata": {"name": "web", "namespace": "shop", "selfLink": "/apis/apps/v1beta2/namespaces/shop/deployments/web"}, "spec": {}}]
    link = tarfile.TarInfo("resources/cluster/evil.json")
    link.type = tarfile.SYMTYPE
    link.linkname = "/etc/passwd"
    t = tmp_path / "results.tar.gz"
    _tar(t, {
        "serverversion.json": json.dumps({"gitVersion": "v1.27.1+k3s1", "major": "1", "minor": "27", "platform": "linux/amd64"}).encode(),
        "resources/cluster/core_v1_nodes.json": json.dumps(nodes).encode(),
        "resources/ns/shop/Deployments.json": json.dumps(old).encode(),
        "../resources/cluster/escape.json": json.dumps(nodes).encode(),
        "plugins/e2e/results/global/junit_01.xml": b"<x/>",
    }, extra=[link])
    inv, _ = inventory_from_dump(t)
    assert inv.cluster.git_version == "v1.27.1+k3s1" and inv.cluster.platform == "linux/amd64"
    assert inv.counts == {"/Node": 1, "apps/Deployment": 1}
    assert {(t.group, t.version, t.kind) for t in inv.resource_types} == {("", "v1", "Node"), ("apps", "v1beta2", "Deployment")}
    assert any("unsafe member path" in w.message for w in inv.warnings)
    assert not (tmp_path / "resources").exists()  # nothing was extracted


@pytest.mark.parametrize(
    "name, content, fragment",
    [
        ("bad.yaml", "apiVersion: v1\nkind: [unclosed\n", "not valid YAML at line"),
        ("bad.json", '{"apiVersion": "v1", ', "not valid JSON at line"),
        ("empty.yaml", "# nothing\n", "no Kubernetes objects found"),
        ("x.tar.gz", "definitely not gzip", "not a readable tarball"),
        ("bin.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: b, namespace: shop}\nbinaryData:\n  x: !!binary aGVsbG8=\n",
         "ConfigMap shop/b cannot be read"),
    ],
)
def test_malformed_dump_is_one_line_input_error(tmp_path, name, content, fragment):
    f = tmp_path / name
    f.write_text(content)
    with pytest.raises(InputError) as e:
        inventory_from_dump(f)
    assert fragment in str(e.value) and str(f) in str(e.value) and "\n" not in str(e.value)


def test_duplicate_objects_in_a_dump_are_kept_once(tmp_path):
    (tmp_path / "a.yaml").write_text(yaml.safe_dump(CM))
    (tmp_path / "b.yaml").write_text(yaml.safe_dump(CM))
    inv, objs = inventory_from_dump(tmp_path)
    assert inv.object_count == 1 and inv.counts["/ConfigMap"] == 1
    assert [w.code for w in inv.warnings] == ["DUPLICATE_OBJECT"]


def test_unquoted_yaml_timestamps_stay_strings_as_kubectl_reads_them(tmp_path):
    # hand-written manifests often leave timestamps unquoted; PyYAML alone would make datetimes
    (tmp_path / "cm.yaml").write_text("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cfg\n  namespace: shop\n"
                                      "  creationTimestamp: 2024-01-06T08:00:00Z\ndata:\n  since: 2024-01-06\n")
    inv, objs = inventory_from_dump(tmp_path)
    (o,) = [json.loads(x) for x in objs.read_text().splitlines()]
    assert o["metadata"]["creationTimestamp"] == "2024-01-06T08:00:00Z" and o["data"]["since"] == "2024-01-06"


def test_integers_beyond_64_bits_are_kept_exactly(tmp_path):
    big = 123456789012345678901234567890
    (tmp_path / "cr.yaml").write_text(yaml.safe_dump({"apiVersion": "example.com/v1", "kind": "Widget", "metadata": {"name": "w", "namespace": "shop"},
                                                      "spec": {"big": big, "ñame": "ü"}}))
    _, objs = inventory_from_dump(tmp_path)
    line = objs.read_text()
    assert json.loads(line)["spec"]["big"] == big and '"ñame":"ü"' in line


def test_garbage_collector_state_is_restored(tmp_path):
    import gc

    (tmp_path / "cm.yaml").write_text(yaml.safe_dump(CM))
    assert gc.isenabled()
    inventory_from_dump(tmp_path)
    assert gc.isenabled()
    gc.disable()
    try:
        inventory_from_dump(tmp_path)
        assert not gc.isenabled()  # a caller that turned it off keeps it off
    finally:
        gc.enable()
