"""Live inventory of every shipped simulated cluster: the distro and each planted add-on are found with
evidence, no false distro, and the table fits a 100-column terminal."""

from __future__ import annotations

import pytest
import yaml

from migrate.cluster import connect
from migrate.inventory import collect_inventory
from migrate.inventory.render import print_table
from migrate.sim import CLUSTERS_DIR, serve

# What sim-clusters planted in each snapshot (from its cluster.yaml description and manifests).
PLANTED = {
    "dkp": {
        "infra": "vsphere", "role": "management",
        "addons": {"calico", "vsphere-csi", "traefik", "cert-manager", "kube-prometheus-stack", "grafana", "loki", "fluent-bit",
                   "logging-operator", "velero", "gatekeeper", "dex", "external-dns", "kubecost", "flux", "metallb", "cluster-api",
                   "coredns", "kube-vip"},
        "managed_by": {"traefik": "flux-helmrelease:kommander/traefik", "velero": "flux-helmrelease:kommander/velero"},
    },
    "tkg": {
        "infra": "vsphere", "role": "workload",
        "addons": {"antrea", "vsphere-csi", "contour", "cert-manager", "fluent-bit", "prometheus", "grafana", "harbor", "pinniped",
                   "kapp-controller", "metrics-server", "ako", "coredns", "secretgen-controller", "vsphere-cpi"},
        "managed_by": {"antrea": "kapp-packageinstall:tkg-system/tkg-wld-01-antrea", "contour": "kapp-packageinstall:tkg-packages/contour"},
    },
    "openshift": {
        "infra": "aws", "role": None,
        "addons": {"ovn-kubernetes", "openshift-router", "olm", "velero", "argo-cd", "aws-ebs-csi"},
        "managed_by": {"velero": "olm-subscription:openshift-adp/redhat-oadp-operator", "ovn-kubernetes": "bundled"},
    },
    "rke2": {
        "infra": None, "role": None,
        "addons": {"canal", "coredns", "ingress-nginx", "metrics-server", "snapshot-controller", "local-path", "helm-controller"},
        "managed_by": {"canal": "helmchart:kube-system/rke2-canal", "ingress-nginx": "helmchart:kube-system/rke2-ingress-nginx"},
        "absent": {"cluster-autoscaler", "calico", "flannel"},  # canal's images and CoreDNS's autoscaler must not fool us
    },
    "kubeadm": {
        "infra": None, "role": None,
        "addons": {"calico", "local-path", "ingress-nginx", "coredns"},
        "managed_by": {},
    },
    "eks": {
        "infra": "aws", "role": None,
        "addons": {"aws-vpc-cni", "aws-ebs-csi", "coredns", "aws-load-balancer-controller"},
        "managed_by": {"aws-vpc-cni": "bundled"},
    },
}
SHIPPED = sorted(d.name for d in CLUSTERS_DIR.iterdir() if (d / "cluster.yaml").is_file()) if CLUSTERS_DIR.is_dir() else []


@pytest.fixture(scope="module", params=SHIPPED)
def live(request, tmp_path_factory):
    name = request.param
    meta = yaml.safe_load((CLUSTERS_DIR / name / "cluster.yaml").read_text())
    with serve(name, workload_sim=False) as sim:
        inv, objs = collect_inventory(connect(str(sim.kubeconfig)), objects_path=tmp_path_factory.mktemp(name) / "o.jsonl")
    return name, meta, inv


def test_distro_detected_without_false_candidates(live):
    name, meta, inv = live
    d = inv.detection
    want = meta.get("distro", name)
    assert d.distro is not None and d.distro.id == want, [(c.id, c.confidence) for c in d.candidates]
    assert [c.id for c in d.candidates] == [want]
    assert d.distro.confidence >= 0.7 and d.distro.evidence
    exp = PLANTED.get(name)
    if exp and exp["role"]:
        assert d.distro.role == exp["role"]
    if exp and exp["infra"]:
        assert d.infrastructure and d.infrastructure.id == exp["infra"] and d.infrastructure.evidence


def test_every_planted_addon_detected_with_evidence(live):
    name, _, inv = live
    exp = PLANTED.get(name)
    if exp is None:
        pytest.skip(f"no planted add-on list for {name} yet")
    found = {a.id: a for a in inv.detection.addons}
    missing = exp["addons"] - set(found)
    assert not missing, f"not detected on {name}: {sorted(missing)}"
    for a in found.values():
        assert a.evidence, a.id
    for aid, mb in exp["managed_by"].items():
        assert found[aid].managed_by == mb
    assert not (exp.get("absent", set()) & set(found))


def test_complete_and_table_fits_100_columns(live, tmp_path):
    from rich.console import Console

    name, meta, inv = live
    assert inv.complete and not inv.warnings
    assert inv.cluster.git_version == meta["kubernetes"]["gitVersion"]
    con = Console(width=100, record=True, file=open(tmp_path / "t.txt", "w"))
    print_table(inv, con)
    lines = con.export_text().splitlines()
    assert max(len(x) for x in lines) <= 100
    assert any(inv.detection.distro.name in x for x in lines)
