"""Offline inventory and detection on real cluster state (CNCF conformance tarballs, realdata/)."""

from __future__ import annotations

import pytest

from migrate.inventory import inventory_from_dump
from migrate.inventory.render import print_table

pytestmark = pytest.mark.realdata

CASES = [
    # (path under realdata, distro, infrastructure, add-ons that must be found)
    ("markers/real-cluster-state/civo-k3s-v1.27", "k3s", "civo", {"coredns", "metrics-server", "flannel"}),
    ("markers/real-cluster-state/d2iq-mke-v1.15", "mke", "baremetal", set()),
    ("sonobuoy/tarballs/results-4-e2e-failures.tar.gz", "kind", "docker", {"kindnet", "coredns", "local-path"}),
    ("sonobuoy/tarballs/results-0.10.tar.gz", "kubeadm", "aws", {"calico"}),
    ("sonobuoy/extracted/results-4-e2e-failures", "kind", "docker", {"kindnet", "coredns", "local-path"}),
]


@pytest.mark.parametrize("rel, distro, infra, addons", CASES, ids=[c[0].split("/")[-1] for c in CASES])
def test_real_cluster_state(realdata_dir, tmp_path, rel, distro, infra, addons):
    inv, _ = inventory_from_dump(realdata_dir / rel, objects_path=tmp_path / "o.jsonl")
    d = inv.detection
    assert d.distro.id == distro and [c.id for c in d.candidates] == [distro]
    assert d.infrastructure.id == infra
    assert addons <= {a.id for a in d.addons}
    assert inv.cluster.git_version.startswith("v1.")
    assert inv.nodes and inv.object_count > 0


def test_civo_facts(realdata_dir, tmp_path):
    inv, _ = inventory_from_dump(realdata_dir / "markers/real-cluster-state/civo-k3s-v1.27", objects_path=tmp_path / "o.jsonl")
    assert inv.cluster.git_version == "v1.27.1+k3s1"  # from serverversion.json
    assert [(s.name, s.provisioner, s.is_default) for s in inv.storage_classes] == [("civo-volume", "csi.civo.com", True)]
    assert {n.category for n in inv.namespaces if n.name.startswith("kube-")} == {"system"}


def test_table_fits_100_columns(realdata_dir, tmp_path):
    from rich.console import Console

    inv, _ = inventory_from_dump(realdata_dir / "sonobuoy/tarballs/results-4-e2e-failures.tar.gz", objects_path=tmp_path / "o.jsonl")
    con = Console(width=100, record=True, file=open(tmp_path / "t.txt", "w"))
    print_table(inv, con)
    text = con.export_text()
    assert "kind" in text and max(len(x) for x in text.splitlines()) <= 100
