"""Schemas of the data files under playbooks/: target profiles, source distro facts, API deprecations,
declarative rules and translation tables.

Every file is validated with these models (extra fields forbidden), so a typo in a user's profile is
reported as one line naming the file and the field.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field, model_validator

from migrate.models.common import Model

__all__ = [
    "VersionRange",
    "NetworkSpec",
    "StorageClassSpec",
    "IngressClassSpec",
    "LoadBalancerSpec",
    "PodSecuritySpec",
    "AddonInstall",
    "AddonOffer",
    "RegistrySpec",
    "NodeLabelSpec",
    "TargetProfile",
    "ManagedObject",
    "DistroProfile",
    "Deprecation",
    "DeprecationsFile",
    "RuleConditions",
    "JsonPatchSpec",
    "MergePatchSpec",
    "FindingSpec",
    "ResourceModifierRule",
    "RulesFile",
    "AnnotationTranslation",
    "AnnotationTable",
    "ProvisionerCapability",
    "ProvisionerTable",
    "ACCESS_MODES",
]

ACCESS_MODES = ("ReadWriteOnce", "ReadOnlyMany", "ReadWriteMany", "ReadWriteOncePod")
AccessMode = Literal["ReadWriteOnce", "ReadOnlyMany", "ReadWriteMany", "ReadWriteOncePod"]
PsaLevel = Literal["privileged", "baseline", "restricted"]


# ---------------------------------------------------------------- target profiles
class VersionRange(Model):
    min_minor: int = Field(ge=0)  # oldest Kubernetes 1.x minor the target offers
    max_minor: int = Field(ge=0)
    default: str  # "1.31"

    @model_validator(mode="after")
    def _check(self) -> "VersionRange":
        if self.min_minor > self.max_minor:
            raise ValueError("min_minor is greater than max_minor")
        parts = self.default.split(".")
        if len(parts) != 2 or not all(p.isdigit() for p in parts) or parts[0] != "1":
            raise ValueError(f"default {self.default!r} is not a Kubernetes version like '1.31'")
        if not self.min_minor <= int(parts[1]) <= self.max_minor:
            raise ValueError(f"default {self.default} is outside min_minor..max_minor")
        return self


class NetworkSpec(Model):
    cni: str  # canal | cilium | calico | aws-vpc-cni | azure-cni | ovn-kubernetes | flannel ...
    network_policy: bool  # is NetworkPolicy enforced by default
    alternatives: list[str] = []  # other CNIs the distro offers
    notes: list[str] = []


class StorageClassSpec(Model):
    name: str
    provisioner: str
    access_modes: list[AccessMode] = ["ReadWriteOnce"]
    expansion: bool = False
    binding_mode: Literal["Immediate", "WaitForFirstConsumer"] = "WaitForFirstConsumer"
    default: bool = False
    snapshots: bool = False  # CSI snapshots supported (CSI snapshot data mover possible)
    block: bool = False  # raw block volumes
    notes: str = ""


class IngressClassSpec(Model):
    name: str
    controller: str  # k8s.io/ingress-nginx | ingress.k8s.aws/alb | traefik.io/ingress-controller ...
    flavour: Literal["nginx", "alb", "traefik", "contour", "openshift-router", "gce", "azure-agic", "other"]
    default: bool = False
    annotations: dict[str, str] = {}  # annotations every Ingress of this class needs (e.g. ALB scheme)


class LoadBalancerSpec(Model):
    model: Literal["cloud", "servicelb", "metallb", "kube-vip", "none"]
    provider: str | None = None  # aws | azure | gcp
    annotation_prefixes: list[str] = []  # prefixes this target understands
    default_annotations: dict[str, str] = {}
    notes: list[str] = []


class PodSecuritySpec(Model):
    model: Literal["psa", "scc"]
    default_enforce: PsaLevel = "privileged"  # what the cluster enforces on unlabelled namespaces
    levels: list[PsaLevel] = ["privileged", "baseline", "restricted"]
    notes: list[str] = []


class AddonInstall(Model):
    method: Literal["helm", "package", "bundled", "manifest", "manual"]
    chart: str | None = None
    repo: str | None = None
    version: str | None = None
    namespace: str | None = None
    release: str | None = None


class AddonOffer(Model):
    id: str  # e.g. ingress-nginx
    name: str
    category: str  # AddonCategory value
    replaces: list[str] = []  # source add-on ids this replaces (traefik, contour, ...)
    default_for_category: bool = False
    version: str | None = None
    install: AddonInstall
    action: Literal["Bundled", "Install", "Replace", "Keep", "Manual", "Drop"] | None = None  # None = from install.method
    notes: list[str] = []


class RegistrySpec(Model):
    pull_through: str | None = None  # e.g. a mirror the target pulls through
    requires_reachable: bool = True  # nodes must reach the registry (no in-cluster registry)
    fips_images: bool = False  # FIPS builds expected (hardened targets)
    notes: list[str] = []


class NodeLabelSpec(Model):
    roles: dict[str, str] = {}  # role -> label key, e.g. control-plane: node-role.kubernetes.io/control-plane
    topology: list[str] = []  # topology keys the target sets (zone, region, hostname)
    provided: list[str] = []  # other label keys the target's nodes carry
    taints: list[str] = []  # taint keys the target puts on its nodes


class TargetProfile(Model):
    id: str
    name: str
    distro: str  # distro id (matches detection ids)
    description: str = ""
    kubernetes: VersionRange
    network: NetworkSpec
    storage_classes: list[StorageClassSpec] = []
    ingress_classes: list[IngressClassSpec] = []
    load_balancer: LoadBalancerSpec
    pod_security: PodSecuritySpec
    addons: list[AddonOffer] = []
    registry: RegistrySpec = RegistrySpec()
    node_labels: NodeLabelSpec = NodeLabelSpec()
    system_namespaces: list[str] = []  # globs: never migrated into
    served_api_versions: list[str] = []  # filled by a live profile ("group/version"); empty = from deprecations
    crds: list[str] = []  # CRD names present on the target (live profile)
    fips: bool = False
    notes: list[str] = []

    @model_validator(mode="after")
    def _check(self) -> "TargetProfile":
        names = [s.name for s in self.storage_classes]
        if len(set(names)) != len(names):
            raise ValueError("storage_classes: duplicate name")
        if sum(1 for s in self.storage_classes if s.default) > 1:
            raise ValueError("storage_classes: more than one default")
        if sum(1 for i in self.ingress_classes if i.default) > 1:
            raise ValueError("ingress_classes: more than one default")
        ids = [a.id for a in self.addons]
        if len(set(ids)) != len(ids):
            raise ValueError("addons: duplicate id")
        return self

    def default_storage_class(self) -> StorageClassSpec | None:
        return next((s for s in self.storage_classes if s.default), self.storage_classes[0] if self.storage_classes else None)

    def default_ingress_class(self) -> IngressClassSpec | None:
        return next((i for i in self.ingress_classes if i.default), self.ingress_classes[0] if self.ingress_classes else None)


# ---------------------------------------------------------------- source distro facts
class ManagedObject(Model):
    """Objects the source distro (or Kubernetes itself) owns: never migrated, dropped with `reason`."""

    kinds: list[str] = []  # "Kind" or "group/Kind"; empty = any
    namespaces: list[str] = []  # globs; empty = any (cluster-scoped included)
    names: list[str] = []  # globs; empty = any
    groups: list[str] = []  # API groups (globs), e.g. "*.openshift.io"
    labels: dict[str, str] = {}  # all must match ("*" = any value)
    reason: str


class DistroProfile(Model):
    id: str
    name: str
    system_namespaces: list[str] = []  # globs: distro/Kubernetes owned, never migrated
    platform_namespaces: list[str] = []  # globs: add-ons of the platform; mapped as add-ons
    node_role_labels: list[str] = []  # label keys the distro puts on nodes
    node_label_prefixes: list[str] = []  # label key prefixes that exist only on this distro's nodes
    label_rewrites: dict[str, str] = {}  # source node label key -> portable key (e.g. master -> control-plane)
    taints: list[str] = []  # taint keys only this distro sets
    taint_rewrites: dict[str, str] = {}
    ingress_default: str | None = None  # controller flavour of the bundled ingress (traefik, contour, openshift-router)
    ingress_classes: dict[str, str] = {}  # ingress class name -> flavour
    storage_default: str | None = None
    internal_registries: list[str] = []  # host globs of registries only reachable inside the source
    managed_crd_groups: list[str] = []  # API group globs whose CRDs and CRs belong to the platform
    platform_api_groups: list[str] = []  # API groups the platform itself serves: their CRDs are dropped, their objects planned by kind
    managed: list[ManagedObject] = []
    bundled_addons: list[str] = []  # add-on ids that come with the distro
    notes: list[str] = []


# ---------------------------------------------------------------- API deprecations (Pluto shape)
class Deprecation(Model):
    version: str  # group/version, e.g. extensions/v1beta1
    kind: str
    # Pluto's key names (deprecated-in, ...) are the file format; snake_case is accepted too.
    deprecated_in: str = Field(default="", alias="deprecated-in")  # "v1.14.0"; "" = not deprecated yet
    removed_in: str = Field(default="", alias="removed-in")  # "" = not removed yet
    replacement_api: str = Field(default="", alias="replacement-api")  # "" = no replacement API
    replacement_available_in: str = Field(default="", alias="replacement-available-in")
    component: str = "k8s"
    note: str = ""

    def deprecated_minor(self) -> int | None:
        return _minor(self.deprecated_in)

    def removed_minor(self) -> int | None:
        return _minor(self.removed_in)

    def replacement_minor(self) -> int | None:
        return _minor(self.replacement_available_in)


def _minor(v: str) -> int | None:
    if not v:
        return None
    parts = v.lstrip("v").split(".")
    return int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else None


class DeprecationsFile(Model):
    source: list[str] = []
    deprecated_versions: list[Deprecation] = Field(default=[], alias="deprecated-versions")


# ---------------------------------------------------------------- declarative rules (Velero resource modifiers)
class RuleConditions(Model):
    groupResource: str  # "deployments.apps", "persistentvolumeclaims", "*"
    resourceNameRegex: str | None = None
    namespaces: list[str] = []
    labelSelector: dict[str, Any] | None = None  # {matchLabels: {...}}
    matches: list[dict[str, Any]] = []  # [{path, value}]


class JsonPatchSpec(Model):
    operation: Literal["add", "remove", "replace", "move", "copy", "test"]
    path: str
    value: Any = None
    from_: str | None = Field(default=None, alias="from")


class MergePatchSpec(Model):
    patchData: str


class FindingSpec(Model):
    code: str = Field(pattern=r"^[A-Z][A-Z0-9_]*$")
    severity: Literal["Info", "Warning", "Error", "Blocker"]
    message: str
    resolution: str | None = None


class ResourceModifierRule(Model):
    conditions: RuleConditions
    patches: list[JsonPatchSpec] = []
    mergePatches: list[MergePatchSpec] = []
    # distroshift extensions (optional; Velero files load unchanged)
    id: str | None = None  # distroshift.io/<family>/<name>; generated from the file name when absent
    doc: str = ""
    priority: int = 50
    reason: str = ""
    finding: FindingSpec | None = None
    drop: bool = False
    targets: list[str] = []  # only for these target profile ids; empty = all


class RulesFile(Model):
    version: Literal["v1"]
    resourceModifierRules: list[ResourceModifierRule]


# ---------------------------------------------------------------- translation tables
class AnnotationTranslation(Model):
    source: str  # source annotation key
    to: dict[str, str | None] = {}  # target flavour -> target annotation key (None = no equivalent)
    values: dict[str, str] = {}  # value rewrites (source value -> target value)
    note: str = ""


class AnnotationTable(Model):
    kind: Literal["ingress", "service"]
    from_flavour: str  # traefik | contour | openshift-router | aws | azure | gcp | metallb ...
    prefixes: list[str]  # source annotation prefixes handled by this table
    translations: list[AnnotationTranslation] = []


class ProvisionerCapability(Model):
    provisioner: str
    access_modes: list[AccessMode] = ["ReadWriteOnce"]
    snapshots: bool = False
    csi: bool = True
    notes: str = ""


class ProvisionerTable(Model):
    provisioners: list[ProvisionerCapability]
