"""A live inventory and an inventory of a `kubectl get -A -o json` dump of the same cluster say the same thing."""

from __future__ import annotations

import subprocess

import pytest

from migrate.cluster import connect
from migrate.inventory import collect_inventory, inventory_from_dump
from migrate.sim import serve

pytestmark = pytest.mark.kubectl

# the documented live skip list (migrate/inventory/live.py), which a user dumping by hand would skip too
SKIP = {"componentstatuses", "bindings"}


@pytest.mark.parametrize("cluster", ["dkp", "tkg"])
def test_live_and_dump_give_the_same_content(cluster, kubectl_new, tmp_path):
    with serve(cluster, workload_sim=False) as sim:
        kc = ["--kubeconfig", str(sim.kubeconfig)]
        live, live_objs = collect_inventory(connect(str(sim.kubeconfig)), objects_path=tmp_path / "live.jsonl")
        names = subprocess.run([kubectl_new, *kc, "api-resources", "--verbs=list", "-o", "name"], capture_output=True, text=True, check=True).stdout.split()
        names = [n for n in names if n not in SKIP and not n.endswith(".metrics.k8s.io") and n != "events.events.k8s.io"]
        dump = tmp_path / "dump.json"
        with dump.open("w") as f:
            subprocess.run([kubectl_new, *kc, "get", ",".join(names), "-A", "-o", "json", "--show-managed-fields"], stdout=f, check=True)
    off, off_objs = inventory_from_dump(dump, objects_path=tmp_path / "off.jsonl", cluster_name=live.cluster.name)

    assert (live.header.mode, off.header.mode) == ("live", "offline")
    assert off_objs.read_bytes() == live_objs.read_bytes()
    # the same content except where it came from (header; the live API URL)
    exclude = {"header": True, "cluster": {"server_url"}}
    a, b = live.model_dump(exclude=exclude), off.model_dump(exclude=exclude)
    for key in a:
        assert a[key] == b[key], key
    assert live.object_count > 300 and live.detection.distro.id == cluster
