"""The scale generator: exact counts, determinism, the kinds mix, realistic sizes, streaming."""
from __future__ import annotations

import json
import types
from collections import Counter

import pytest

from migrate.sim.generate import KIND_WEIGHTS, generate_scale_objects, scale_cluster_meta


def test_counts_are_exact_and_namespaces_come_first() -> None:
    objs = list(generate_scale_objects(namespaces=20, objects=700, seed=3))
    assert len(objs) == 700
    assert [o["kind"] for o in objs[:20]] == ["Namespace"] * 20
    assert "Namespace" not in {o["kind"] for o in objs[20:]}
    namespaces = {o["metadata"]["name"] for o in objs[:20]}
    assert {o["metadata"]["namespace"] for o in objs[20:]} == namespaces  # spread over all of them


def test_same_seed_same_objects_other_seed_differs() -> None:
    a = json.dumps(list(generate_scale_objects(10, 300, seed=1)), sort_keys=True)
    b = json.dumps(list(generate_scale_objects(10, 300, seed=1)), sort_keys=True)
    c = json.dumps(list(generate_scale_objects(10, 300, seed=2)), sort_keys=True)
    assert a == b and a != c


def test_kind_mix_follows_the_weights() -> None:
    kinds = Counter(o["kind"] for o in generate_scale_objects(50, 5050, seed=0) if o["kind"] != "Namespace")
    assert set(kinds) == {k for k, _ in KIND_WEIGHTS}
    total_w = sum(w for _, w in KIND_WEIGHTS)
    for kind, w in KIND_WEIGHTS:
        assert abs(kinds[kind] / 5000 - w / total_w) < 0.03, kind


def test_objects_are_unique_well_formed_and_realistically_sized() -> None:
    objs = list(generate_scale_objects(30, 3000, seed=5))
    keys = Counter((o["apiVersion"], o["kind"], o["metadata"].get("namespace"), o["metadata"]["name"]) for o in objs)
    assert keys.most_common(1)[0][1] == 1
    assert len({o["metadata"]["uid"] for o in objs}) == len(objs)
    sizes = [len(json.dumps(o)) for o in objs if o["kind"] != "Namespace"]
    assert 1000 <= sum(sizes) / len(sizes) <= 3000
    for o in objs:
        if o["kind"] == "RoleBinding":  # bindings point at a Role name of the same namespace
            assert o["roleRef"]["kind"] == "Role"


def test_is_a_lazy_stream() -> None:
    gen = generate_scale_objects(namespaces=2000, objects=100_000)
    assert isinstance(gen, types.GeneratorType)
    first = [next(gen) for _ in range(3)]  # producing the head does not build the whole cluster
    assert [o["kind"] for o in first] == ["Namespace"] * 3


@pytest.mark.parametrize("namespaces,objects", [(0, 10), (10, 5)])
def test_rejects_impossible_sizes(namespaces: int, objects: int) -> None:
    with pytest.raises(ValueError, match="namespaces"):
        list(generate_scale_objects(namespaces, objects))


def test_cluster_meta_is_a_kubeadm_131_snapshot_header() -> None:
    meta = scale_cluster_meta(100, 5000, seed=7)
    assert meta["kubernetes"]["gitVersion"].startswith("v1.31.") and meta["kubernetes"]["minor"] == "31"
    assert meta["distro"] == "kubeadm" and meta["platform"] == "linux/amd64"
    assert "100" in meta["name"] and "5000" in meta["name"]


def test_generated_objects_load_into_the_simulator_store() -> None:
    store_mod = pytest.importorskip("migrate.sim.store")
    catalogue = pytest.importorskip("migrate.sim.catalogue")
    store = store_mod.Store(catalogue.Catalogue.builtin(31))
    assert store.load_objects(list(generate_scale_objects(5, 200, seed=0))) == 200
