"""The inventory: every resource of a source cluster, summarised; the contract every later stage reads.

Object bodies are kept in a sidecar JSON-lines file (`objects_file`, one sanitised object per line,
sorted by group/kind/namespace/name) so 100k objects never have to sit in one document in memory.
Secret values never enter either file: Secrets keep metadata/type only (data, stringData and the
last-applied annotation removed); their keys and size are in `secrets`.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, ClassVar, Iterator, Literal

from pydantic import Field

from migrate.models.common import ArtifactHeader, header_for, Finding, Model, ObjectRef
from migrate.models.detection import Detection

__all__ = [
    "ClusterInfo",
    "NodeInfo",
    "NamespaceInfo",
    "ResourceTypeInfo",
    "ContainerInfo",
    "WorkloadInfo",
    "ServiceInfo",
    "IngressInfo",
    "NetworkPolicyInfo",
    "StorageClassInfo",
    "PersistentVolumeInfo",
    "PVCInfo",
    "CRDInfo",
    "RbacSummary",
    "SecretInfo",
    "HelmReleaseInfo",
    "PackageObject",
    "ApiUsage",
    "Inventory",
    "iter_objects",
]


class ClusterInfo(Model):
    name: str = ""  # context or dump name
    # The kube-system namespace's uid: stable for the life of a cluster, so stages can tell whether
    # two artifacts (or an artifact and a live context) are about the same cluster.
    uid: str | None = None
    server_url: str | None = None  # never with credentials
    git_version: str = ""  # e.g. v1.27.11+vmware.1
    major: str = ""
    minor: str = ""  # digits only, e.g. "27"
    platform: str = ""
    node_count: int = 0


class NodeInfo(Model):
    name: str
    roles: list[str] = []
    labels: dict[str, str] = {}
    annotations: dict[str, str] = {}
    provider_id: str | None = None
    kubelet_version: str = ""
    os_image: str = ""
    kernel_version: str = ""
    container_runtime: str = ""
    architecture: str = ""
    instance_type: str | None = None
    zone: str | None = None
    region: str | None = None
    capacity: dict[str, str] = {}
    allocatable: dict[str, str] = {}
    taints: list[dict[str, Any]] = []
    ready: bool = False


class NamespaceInfo(Model):
    name: str
    category: Literal["system", "platform", "workload"]
    reason: str = ""  # why it was classified so
    labels: dict[str, str] = {}
    annotations: dict[str, str] = {}
    object_count: int = 0


class ResourceTypeInfo(Model):
    group: str
    version: str
    resource: str  # plural
    kind: str
    namespaced: bool
    count: int = 0
    complete: bool = True
    error: str | None = None  # why it is incomplete: "403 Forbidden", "500 after 5 retries", ...


class ContainerInfo(Model):
    name: str
    image: str
    registry: str  # docker.io for bare names
    init: bool = False
    resources: dict[str, Any] = {}
    probes: list[str] = []  # liveness | readiness | startup
    security_context: dict[str, Any] = {}
    ports: list[int] = []


class WorkloadInfo(Model):
    ref: ObjectRef
    replicas: int | None = None
    ready_replicas: int | None = None
    containers: list[ContainerInfo] = []
    service_account: str | None = None
    host_network: bool = False
    host_pid: bool = False
    host_ipc: bool = False
    privileged: bool = False
    host_path_volumes: list[str] = []
    volumes: list[dict[str, Any]] = []  # {name, type, claim?/configMap?/secret?}
    pod_security_context: dict[str, Any] = {}
    node_selector: dict[str, str] = {}
    affinity: dict[str, Any] | None = None
    tolerations: list[dict[str, Any]] = []
    schedule: str | None = None  # CronJob
    suspended: bool | None = None  # CronJob
    owner: str | None = None  # helm:<release> | flux:<ns/name> | kapp:<ns/name> | olm:<csv> | None


class ServiceInfo(Model):
    ref: ObjectRef
    type: str = "ClusterIP"
    ports: list[dict[str, Any]] = []
    selector: dict[str, str] = {}
    load_balancer_annotations: dict[str, str] = {}
    external_name: str | None = None


class IngressInfo(Model):
    ref: ObjectRef  # ref.api_version is the stored/served version; applied version is in api_usage
    ingress_class: str | None = None  # spec.ingressClassName or the kubernetes.io/ingress.class annotation
    annotations: dict[str, str] = {}
    hosts: list[str] = []
    tls: bool = False
    backends: list[str] = []  # "service:port"


class NetworkPolicyInfo(Model):
    ref: ObjectRef
    policy_types: list[str] = []
    pod_selector: dict[str, Any] = {}
    namespace_selectors: list[dict[str, Any]] = []


class StorageClassInfo(Model):
    name: str
    provisioner: str
    parameters: dict[str, str] = {}
    reclaim_policy: str | None = None
    volume_binding_mode: str | None = None
    allow_volume_expansion: bool = False
    is_default: bool = False


class PersistentVolumeInfo(Model):
    name: str
    capacity: str | None = None
    access_modes: list[str] = []
    storage_class: str | None = None
    claim: str | None = None  # "ns/name"
    csi_driver: str | None = None
    reclaim_policy: str | None = None
    phase: str | None = None


class PVCInfo(Model):
    ref: ObjectRef
    storage_class: str | None = None
    size: str | None = None
    access_modes: list[str] = []
    volume_name: str | None = None
    phase: str | None = None
    owner: str | None = None  # "StatefulSet/<name>" when from volumeClaimTemplates


class CRDInfo(Model):
    name: str
    group: str
    kind: str
    plural: str
    scope: str
    served_versions: list[str] = []
    storage_version: str | None = None
    instance_count: int = 0


class RbacSummary(Model):
    service_accounts: int = 0
    roles: int = 0
    role_bindings: int = 0
    cluster_roles: int = 0
    cluster_role_bindings: int = 0
    cluster_admin_subjects: list[str] = []  # "ServiceAccount:ns/name", "User:alice", "Group:devs"


class SecretInfo(Model):
    ref: ObjectRef
    type: str = "Opaque"
    keys: list[str] = []
    size: int = 0  # bytes of decoded data, summed


class HelmReleaseInfo(Model):
    name: str
    namespace: str
    revision: int
    status: str
    chart: str
    chart_version: str
    app_version: str | None = None
    secret: str  # the release Secret's name
    api_versions: list[str] = []  # "apiVersion Kind" pairs used in the release manifest


class PackageObject(Model):
    """An object that makes a package manager install something (Flux, kapp-controller, Argo CD, OLM, HelmChart)."""

    ref: ObjectRef
    # flux-helmrelease | flux-kustomization | kapp-packageinstall | argocd-application | olm-subscription | helmchart
    type: str
    name: str  # chart / package ref / subscription package
    version: str | None = None
    source: str | None = None  # HelmRepository / PackageRepository / repo URL / catalog
    target_namespace: str | None = None
    values: dict[str, Any] = {}  # inline values only (never values from Secrets)
    values_from: list[str] = []  # "ConfigMap/ns/name" references
    suspended: bool = False


class ApiUsage(Model):
    ref: ObjectRef
    api_version: str  # the group/version the object was last applied/managed through
    kind: str
    source: Literal["last-applied", "managed-fields", "helm-manifest", "stored"]
    helm_release: str | None = None  # "ns/name" when source == helm-manifest


class Inventory(Model):
    ARTIFACT_KIND: ClassVar[str] = "Inventory"
    header: ArtifactHeader = Field(default_factory=header_for("Inventory"))
    cluster: ClusterInfo = ClusterInfo()
    complete: bool = True  # False when any type could not be read completely
    namespaces_filter: list[str] = []  # -n given by the user; empty = all
    excluded_namespaces: list[str] = []
    nodes: list[NodeInfo] = []
    namespaces: list[NamespaceInfo] = []
    resource_types: list[ResourceTypeInfo] = []
    counts: dict[str, int] = {}  # "group/Kind" -> objects
    workloads: list[WorkloadInfo] = []
    services: list[ServiceInfo] = []
    ingresses: list[IngressInfo] = []
    network_policies: list[NetworkPolicyInfo] = []
    storage_classes: list[StorageClassInfo] = []
    persistent_volumes: list[PersistentVolumeInfo] = []
    pvcs: list[PVCInfo] = []
    crds: list[CRDInfo] = []
    rbac: RbacSummary = RbacSummary()
    secrets: list[SecretInfo] = []
    helm_releases: list[HelmReleaseInfo] = []
    packages: list[PackageObject] = []
    api_usage: list[ApiUsage] = []
    detection: Detection = Detection()
    warnings: list[Finding] = []
    objects_file: str | None = None  # sidecar JSONL, relative to the inventory file
    object_count: int = 0
    objects_sha256: str | None = None


def iter_objects(inventory: Inventory, inventory_path: str | Path) -> Iterator[dict[str, Any]]:
    """Stream the sanitised objects of an inventory written at `inventory_path`."""
    if not inventory.objects_file:
        return
    p = Path(inventory_path).parent / inventory.objects_file
    from migrate.errors import InputError

    try:
        f = p.open("r", encoding="utf-8")
    except FileNotFoundError:
        raise InputError("objects file named by the inventory is missing", path=str(p), field="objects_file") from None
    with f:
        for n, line in enumerate(f, 1):
            if line.strip():
                try:
                    yield json.loads(line)
                except json.JSONDecodeError as e:
                    raise InputError(f"line {n} is not valid JSON ({e.msg})", path=str(p)) from None
