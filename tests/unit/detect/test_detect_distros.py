"""Distro / infrastructure detection, table-driven on real-shaped objects (markers from realdata/markers/markers.md)."""

from __future__ import annotations

import pytest

from migrate.detect import load_rules
from migrate.inventory.builder import InventoryBuilder
from migrate.models.common import ArtifactHeader
from migrate.models.inventory import ClusterInfo


def node(name: str, kubelet: str, labels: dict | None = None, annotations: dict | None = None, provider_id: str | None = None) -> dict:
    return {
        "apiVersion": "v1", "kind": "Node",
        "metadata": {"name": name, "labels": {"kubernetes.io/os": "linux", "kubernetes.io/hostname": name, **(labels or {})}, "annotations": annotations or {}},
        "spec": {"providerID": provider_id} if provider_id else {},
        "status": {"nodeInfo": {"kubeletVersion": kubelet, "architecture": "amd64"}, "conditions": [{"type": "Ready", "status": "True"}]},
    }


def ns(name: str) -> dict:
    return {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": name}}


def deploy(ns_: str, name: str, image: str, kind: str = "Deployment") -> dict:
    return {"apiVersion": "apps/v1", "kind": kind, "metadata": {"name": name, "namespace": ns_},
            "spec": {"template": {"spec": {"containers": [{"name": name, "image": image}]}}}}


def csidriver(name: str) -> dict:
    return {"apiVersion": "storage.k8s.io/v1", "kind": "CSIDriver", "metadata": {"name": name}, "spec": {}}


def crd(group: str, plural: str, kind: str) -> dict:
    return {"apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition", "metadata": {"name": f"{plural}.{group}"},
            "spec": {"group": group, "names": {"kind": kind, "plural": plural}, "scope": "Namespaced", "versions": [{"name": "v1", "served": True, "storage": True}]}}


def inventory_of(objs: list[dict], tmp_path, git_version: str = ""):
    b = InventoryBuilder(load_rules())
    units = {}
    for o in objs:
        key = (o["apiVersion"], o["kind"])
        if key not in units:
            g, _, v = o["apiVersion"].rpartition("/")
            units[key] = b.unit(g, v, o["kind"].lower() + "s", o["kind"], "namespace" in o["metadata"])
        units[key].add(o)
    for u in units.values():
        u.done()
    try:
        return b.build(header=ArtifactHeader(kind="Inventory"), cluster=ClusterInfo(git_version=git_version), objects_path=tmp_path / "o.jsonl")
    finally:
        b.cleanup()


CASES = {
    # k3s: Rancher Desktop / Civo shapes
    "k3s": ([node("lima-rancher-desktop", "v1.25.4+k3s1", {"node.kubernetes.io/instance-type": "k3s", "egress.k3s.io/cluster": "true"},
                  {"k3s.io/hostname": "lima-rancher-desktop", "k3s.io/node-args": "[\"server\"]"}, "k3s://lima-rancher-desktop")], "k3s", None),
    # RKE2 OneKE node (annotations rke2.io/*), and vSphere CSI installed: still RKE2, infrastructure vSphere, never TKG
    "rke2-on-vsphere": ([node("onekube-ip-172-16-100-4", "v1.24.1+rke2r2", {"node.kubernetes.io/instance-type": "rke2", "node-role.kubernetes.io/etcd": "true"},
                              {"rke2.io/hostname": "onekube-ip-172-16-100-4", "rke2.io/node-args": "[]", "etcd.rke2.cattle.io/node-name": "x"}, "rke2://onekube-ip-172-16-100-4"),
                         csidriver("csi.vsphere.vmware.com"), deploy("vmware-system-csi", "vsphere-csi-controller", "gcr.io/cloud-provider-vsphere/csi/release/driver:v3.1.2")],
                        "rke2", "vsphere"),
    "openshift": ([node("master-0", "v1.26.3+b404935", {"node.openshift.io/os_id": "rhcos", "node-role.kubernetes.io/master": ""},
                        {"machineconfiguration.openshift.io/currentConfig": "rendered-master-1"}, "aws:///us-east-1a/i-0abc")], "openshift", "aws"),
    "eks": ([node("ip-10-0-1-5.ec2.internal", "v1.26.2-eks-a59e1f0", {"eks.amazonaws.com/nodegroup": "graviton", "eks.amazonaws.com/capacityType": "ON_DEMAND"},
                  provider_id="aws:///us-west-2a/i-0123")], "eks", "aws"),
    "gke": ([node("gke-pool-1", "v1.24.6-gke.1500", {"cloud.google.com/gke-nodepool": "default-pool", "cloud.google.com/gke-os-distribution": "cos"},
                  provider_id="gce://proj/us-central1-a/gke-pool-1")], "gke", "gcp"),
    "aks": ([node("aks-nodepool1-1234-vmss000000", "v1.26.0", {"kubernetes.azure.com/cluster": "MC_aks-cluster_aks-cluster_westeurope", "kubernetes.azure.com/mode": "system", "agentpool": "nodepool1"},
                  provider_id="azure:///subscriptions/x/resourceGroups/y/providers/Microsoft.Compute/virtualMachineScaleSets/z/virtualMachines/0")], "aks", "azure"),
    "tkg": ([node("tkg-wld-01-md-0-abc", "v1.24.9+vmware.1", provider_id="vsphere://4211"), ns("tkg-system"), ns("tanzu-package-repo-global")], "tkg", "vsphere"),
    "tkgs-guest": ([node("tkc-1-control-plane-x", "v1.16.7+vmware.1-guest.1", {"run.tanzu.vmware.com/kubernetesDistributionVersion": "v1.16.7+vmware.1-guest.1"}, provider_id="vsphere://4222"),
                    ns("vmware-system-cloud-provider")], "tkgs", "vsphere"),
    "microk8s": ([node("mk8s", "v1.24.0-2+59bbb3530b6769", {"microk8s.io/cluster": "true"})], "microk8s", None),
    "rke1": ([node("ip-172-26-16-178", "v1.14.3", {"node-role.kubernetes.io/controlplane": "true", "node-role.kubernetes.io/etcd": "true"},
                   {"rke.cattle.io/external-ip": "1.2.3.4", "rke.cattle.io/internal-ip": "172.26.16.178"})], "rke", None),
    "dkp-management": ([node("dkp-control-plane-x", "v1.27.11", provider_id="vsphere://42"), ns("kommander"), ns("kommander-flux"),
                        {"apiVersion": "scheduling.k8s.io/v1", "kind": "PriorityClass", "metadata": {"name": "dkp-critical-priority"}, "value": 100002000}],
                       "dkp", "vsphere"),
    "kubeadm-fallback": ([node("cp-1", "v1.29.2", annotations={"kubeadm.alpha.kubernetes.io/cri-socket": "unix:///run/containerd/containerd.sock"})], "kubeadm", "baremetal"),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_distro_and_infrastructure(case, tmp_path):
    objs, distro, infra = CASES[case]
    inv = inventory_of(objs, tmp_path)
    d = inv.detection
    assert d.distro is not None and d.distro.id == distro, [(c.id, c.confidence) for c in d.candidates]
    assert d.distro.evidence, "a detection without evidence cannot be checked by a human"
    # no false distro: nothing else is a candidate
    assert [c.id for c in d.candidates] == [distro]
    if infra:
        assert d.infrastructure is not None and d.infrastructure.id == infra
        assert d.infrastructure.evidence


def test_openshift_hex_suffix_is_not_confused_with_other_suffixes(tmp_path):
    for kubelet, expected in [("v1.26.3+b404935", "openshift"), ("v1.27.1+k3s1", "k3s"), ("v1.28.1+rke2r1", "rke2"), ("v1.25.7+vmware.2", "tkg")]:
        inv = inventory_of([node("n1", kubelet)], tmp_path)
        assert inv.detection.distro.id == expected, kubelet


def test_dkp_role_is_workload_without_kommander(tmp_path):
    objs = [node("c-md-0", "v1.27.11"), ns("kommander-flux"),
            {"apiVersion": "scheduling.k8s.io/v1", "kind": "PriorityClass", "metadata": {"name": "dkp-high-priority"}, "value": 100001000}]
    d = inventory_of(objs, tmp_path).detection
    assert (d.distro.id, d.distro.role) == ("dkp", "workload")


def test_version_from_kubelet_suffix(tmp_path):
    d = inventory_of([node("n", "v1.27.1+k3s1", {"node.kubernetes.io/instance-type": "k3s"})], tmp_path).detection
    assert d.distro.version == "1.27.1+k3s1"


def _kommander_helmrelease(version: str) -> dict:
    # realdata/dkp/kommander-applications@v2.8.3/services/kommander/0.8.3/kommander.yaml, variables substituted
    return {"apiVersion": "helm.toolkit.fluxcd.io/v2beta1", "kind": "HelmRelease", "metadata": {"name": "kommander", "namespace": "kommander"},
            "spec": {"chart": {"spec": {"chart": "kommander", "version": version,
                                        "sourceRef": {"kind": "HelmRepository", "name": "mesosphere.github.io-kommander-charts", "namespace": "kommander-flux"}}},
                     "releaseName": "kommander", "valuesFrom": [{"kind": "ConfigMap", "name": "kommander-0.8.3-d2iq-defaults"}]}}


def _konvoy_cluster(k8s_version: str) -> dict:
    return {"apiVersion": "cluster.x-k8s.io/v1beta1", "kind": "Cluster",
            "metadata": {"name": "dkp-prod", "namespace": "default", "labels": {"konvoy.d2iq.io/cluster-name": "dkp-prod"}},
            "spec": {"topology": {"class": "dkp-vsphere", "version": k8s_version}}}


def test_dkp_version_is_the_kommander_chart_version(tmp_path):
    objs = [node("c-cp-0", "v1.27.11"), ns("kommander"), ns("kommander-flux"), _kommander_helmrelease("v2.8.3"), _konvoy_cluster("v1.27.11")]
    d = inventory_of(objs, tmp_path).detection
    assert (d.distro.id, d.distro.role, d.distro.version) == ("dkp", "management", "2.8.3")


def test_dkp_without_kommander_has_no_version_rather_than_the_kubernetes_one(tmp_path):
    objs = [node("c-md-0", "v1.27.11"), ns("kommander-flux"), _konvoy_cluster("v1.27.11"),
            {"apiVersion": "scheduling.k8s.io/v1", "kind": "PriorityClass", "metadata": {"name": "dkp-high-priority"}, "value": 100001000}]
    d = inventory_of(objs, tmp_path).detection
    assert (d.distro.id, d.distro.version) == ("dkp", None)
