"""Workload simulation and snapshot loading."""
from __future__ import annotations

from pathlib import Path

import pytest

from migrate.sim.catalogue import Catalogue
from migrate.sim.loader import SnapshotError, load_snapshot, minor_of, read_cluster_meta
from migrate.sim.store import Store
from simstore_helpers import UA, deployment, make_ns, rt

CLUSTERS = Path(__file__).resolve().parents[3] / "migrate" / "sim" / "clusters"


@pytest.fixture
def sim() -> Store:
    s = Store(workload_sim=True)
    s.namespace_finalize_delay = 0
    make_ns(s, "shop")
    return s


def test_deployment_becomes_ready_and_never_ready_stays_at_zero(sim):
    deps = rt(sim, "apps", "v1", "deployments")
    sim.never_ready("shop/db")
    sim.create(deps, "shop", deployment("web", replicas=3), user_agent=UA)
    sim.create(deps, "shop", deployment("db", replicas=1), user_agent=UA)
    web = sim.get(deps, "shop", "web")["status"]
    assert (web["readyReplicas"], web["availableReplicas"], web["observedGeneration"]) == (3, 3, 1)
    assert {c["type"]: c["status"] for c in web["conditions"]} == {"Available": "True", "Progressing": "True"}
    db = sim.get(deps, "shop", "db")["status"]
    assert "readyReplicas" not in db and db["unavailableReplicas"] == 1
    scale = sim.get_subresource(deps, "shop", "web", "scale")
    scale["spec"]["replicas"] = 5
    sim.update(deps, "shop", "web", scale, subresource="scale", user_agent=UA)
    web = sim.get(deps, "shop", "web")
    assert web["status"]["readyReplicas"] == 5 and web["status"]["observedGeneration"] == web["metadata"]["generation"]


def test_services_get_endpoints_for_ready_workloads(sim):
    deps = rt(sim, "apps", "v1", "deployments")
    sim.create(deps, "shop", deployment("web", replicas=2), user_agent=UA)
    sim.create(rt(sim, "", "v1", "services"), "shop",
               {"metadata": {"name": "web"}, "spec": {"selector": {"app": "web"}, "ports": [{"port": 80,
                                                                                            "targetPort": 8080}]}},
               user_agent=UA)
    ep = sim.get(rt(sim, "", "v1", "endpoints"), "shop", "web")
    assert len(ep["subsets"][0]["addresses"]) == 2 and ep["subsets"][0]["ports"][0]["port"] == 8080
    slices = sim.list(rt(sim, "discovery.k8s.io", "v1", "endpointslices"), "shop",
                      label_selector="kubernetes.io/service-name=web")
    assert len(slices["items"][0]["endpoints"]) == 2


def test_pvc_becomes_bound_with_a_volume(sim):
    pvcs = rt(sim, "", "v1", "persistentvolumeclaims")
    sim.create(pvcs, "shop", {"metadata": {"name": "data"}, "spec": {
        "accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "1Gi"}}}}, user_agent=UA)
    pvc = sim.get(pvcs, "shop", "data")
    assert pvc["status"]["phase"] == "Bound"
    pv = sim.get(rt(sim, "", "v1", "persistentvolumes"), None, pvc["spec"]["volumeName"])
    assert pv["spec"]["claimRef"]["name"] == "data" and pv["status"]["phase"] == "Bound"


def test_without_simulation_nothing_becomes_ready(store):
    make_ns(store, "shop")
    deps = rt(store, "apps", "v1", "deployments")
    store.create(deps, "shop", deployment("web"), user_agent=UA)
    assert store.get(deps, "shop", "web")["status"] == {}


def test_load_objects_registers_crds_first_and_keeps_metadata():
    store = Store()
    cr = {"apiVersion": "example.com/v1", "kind": "Widget", "metadata": {"name": "w", "namespace": "default",
                                                                         "uid": "fixed-uid", "resourceVersion": "900"}}
    crd = {"apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
           "metadata": {"name": "widgets.example.com"},
           "spec": {"group": "example.com", "scope": "Namespaced",
                    "names": {"plural": "widgets", "singular": "widget", "kind": "Widget", "listKind": "WidgetList"},
                    "versions": [{"name": "v1", "served": True, "storage": True,
                                  "schema": {"openAPIV3Schema": {"type": "object"}}}]}}
    assert store.load_objects([cr, crd]) == 2
    widgets = store.catalogue.lookup("example.com", "v1", "widgets")
    got = store.get(widgets, "default", "w")
    assert got["metadata"]["uid"] == "fixed-uid" and got["metadata"]["resourceVersion"] == "900"
    assert store.rv > 900
    with pytest.raises(SnapshotError, match="not served"):
        store.load_objects([{"apiVersion": "nope.io/v1", "kind": "Thing", "metadata": {"name": "x"}}])


def test_snapshot_errors_name_the_file(tmp_path):
    (tmp_path / "cluster.yaml").write_text("name: t\nkubernetes: {gitVersion: v1.27.11}\n")
    (tmp_path / "bad.yaml").write_text("kind: [oops\n")
    assert minor_of(read_cluster_meta(tmp_path)) == 27
    with pytest.raises(SnapshotError, match="bad.yaml"):
        load_snapshot(Store(), tmp_path)


@pytest.mark.parametrize("name", sorted(p.name for p in CLUSTERS.iterdir() if (p / "cluster.yaml").is_file())
                         if CLUSTERS.is_dir() else [])
def test_shipped_cluster_snapshots_load(name):
    meta = read_cluster_meta(CLUSTERS / name)
    store = Store(Catalogue.builtin(minor_of(meta)))
    assert store.load_snapshot(CLUSTERS / name) > 0
    nss = store.list(store.catalogue.lookup("", "v1", "namespaces"), None)
    assert any(i["metadata"]["name"] == "kube-system" for i in nss["items"])
