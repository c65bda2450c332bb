"""What a cluster is built on: its distro, infrastructure and add-ons, each with the evidence that fired."""

from __future__ import annotations

from enum import Enum

from pydantic import Field

from migrate.models.common import Model

__all__ = ["Evidence", "DistroMatch", "InfraMatch", "AddonCategory", "AddonMatch", "Detection"]


class Evidence(Model):
    # node-label | node-annotation | kubelet-version | server-version | provider-id | namespace |
    # crd-group | crd | image | label | annotation | storage-class | ingress-class | object
    kind: str
    detail: str  # e.g. "node.openshift.io/os_id=rhcos on node master-0"
    ref: str | None = None  # the object it was seen on, "Kind/ns/name"


class DistroMatch(Model):
    id: str  # dkp | tkg | tkgs | openshift | rke | rke2 | k3s | microk8s | eks | aks | gke | kubeadm ...
    name: str
    version: str | None = None
    role: str | None = None  # management | workload | attached | supervisor
    confidence: float = Field(ge=0.0, le=1.0)
    evidence: list[Evidence] = []


class InfraMatch(Model):
    id: str  # vsphere | aws | azure | gcp | nutanix | openstack | baremetal
    name: str
    confidence: float = Field(ge=0.0, le=1.0)
    evidence: list[Evidence] = []


class AddonCategory(str, Enum):
    cni = "cni"
    csi = "csi"
    ingress = "ingress"
    cert_manager = "cert-manager"
    monitoring = "monitoring"
    logging = "logging"
    policy = "policy"
    gitops = "gitops"
    package_manager = "package-manager"
    service_mesh = "service-mesh"
    backup = "backup"
    secrets = "secrets"
    auth = "auth"
    registry = "registry"
    virtualization = "virtualization"
    cluster_api = "cluster-api"
    dns = "dns"
    metrics = "metrics"
    load_balancer = "load-balancer"
    other = "other"


class AddonMatch(Model):
    id: str  # calico, antrea, traefik, cert-manager, kube-prometheus-stack, ...
    name: str
    category: AddonCategory
    version: str | None = None
    namespace: str | None = None
    confidence: float = Field(ge=0.0, le=1.0)
    evidence: list[Evidence] = []
    # How it is installed on the source: "flux-helmrelease:kommander/traefik", "kapp-packageinstall:tkg-system/antrea",
    # "helm:ns/name", "olm-subscription:ns/name", "bundled" (part of the distro), or None when unknown.
    managed_by: str | None = None


class Detection(Model):
    distro: DistroMatch | None = None  # the best match; None when nothing fired
    candidates: list[DistroMatch] = []  # every distro that matched, best first
    infrastructure: InfraMatch | None = None
    addons: list[AddonMatch] = []
    rules_sources: list[str] = []  # which rule files were used (built-in + --rules)
