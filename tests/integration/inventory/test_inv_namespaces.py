"""`-n NS ...` lists each namespaced type once per namespace; the objects file must still come out as one
sorted stream, byte-identical to the same objects in a whole-cluster inventory."""

from __future__ import annotations

import json

from migrate.cluster import connect
from migrate.inventory import collect_inventory
from migrate.sim import serve


def test_namespace_lists_merge_into_the_same_sorted_objects(tmp_path):
    picked = ["kommander", "kube-system"]
    with serve("dkp", workload_sim=False) as sim:
        client = connect(sim.kubeconfig)
        full, full_objs = collect_inventory(client, objects_path=tmp_path / "full.jsonl")
        part, part_objs = collect_inventory(client, namespaces=picked, objects_path=tmp_path / "part.jsonl")

    def ns_of(line: bytes) -> str | None:
        o = json.loads(line)
        return o["metadata"].get("namespace") if o["kind"] != "Namespace" else o["metadata"]["name"]

    expected = [x for x in full_objs.read_bytes().splitlines() if ns_of(x) in (None, *picked)]
    got = part_objs.read_bytes().splitlines()
    assert got == expected
    assert {ns_of(x) for x in got} == {None, *picked}
    assert part.object_count == len(got) < full.object_count and part.complete


def test_cluster_identity_is_the_kube_system_uid_even_when_kube_system_is_left_out(tmp_path):
    with serve("tkg", workload_sim=False) as sim:
        client = connect(sim.kubeconfig)
        uid = client.get("/api/v1/namespaces/kube-system")["metadata"]["uid"]
        full, _ = collect_inventory(client, objects_path=tmp_path / "a.jsonl")
        excluded, _ = collect_inventory(client, exclude=["kube-system"], objects_path=tmp_path / "b.jsonl")
    assert uid and full.cluster.uid == uid and excluded.cluster.uid == uid
    assert "kube-system" not in {n.name for n in excluded.namespaces}
