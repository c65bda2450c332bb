"""The plan: a decision for every source object, every change as a JSON patch with its reason.

`plan.json` sits beside `manifests/` (portable manifests in apply order). Blockers come first.
"""

from __future__ import annotations

from enum import Enum
from typing import Any, ClassVar, Literal

from pydantic import Field

from migrate.models.common import ArtifactHeader, header_for, Finding, Model, ObjectRef

__all__ = [
    "Decision",
    "Risk",
    "PatchOp",
    "Change",
    "IgnoredOp",
    "ObjectPlan",
    "InstallSpec",
    "AddonPlan",
    "StorageMapping",
    "IngressClassMapping",
    "ImageMapping",
    "NamespacePlan",
    "SourceSummary",
    "TargetSummary",
    "PlanSummary",
    "Plan",
]


class Decision(str, Enum):
    Keep = "Keep"  # copied as is (runtime fields stripped)
    Transform = "Transform"  # copied with patches
    Replace = "Replace"  # replaced by other objects (Route -> Ingress, DeploymentConfig -> Deployment)
    Drop = "Drop"  # not migrated (distro-managed, runtime child, add-on internals), with the reason
    Manual = "Manual"  # a human must decide; see findings


class Risk(str, Enum):
    Low = "Low"
    Medium = "Medium"
    High = "High"


class PatchOp(Model):
    """One RFC 6902 operation."""

    op: Literal["add", "remove", "replace", "move", "copy", "test"]
    path: str
    value: Any = None
    from_: str | None = Field(default=None, alias="from")


class Change(Model):
    rule_id: str  # distroshift.io/<family>/<name>
    reason: str
    ops: list[PatchOp]


class IgnoredOp(Model):
    """A patch op that lost a same-path conflict to a higher-priority rule (kept, never silently lost)."""

    rule_id: str
    op: PatchOp
    lost_to: str
    reason: str


class ObjectPlan(Model):
    source: ObjectRef
    target: ObjectRef | None = None  # after namespace/apiVersion mapping; None for Drop/Manual
    decision: Decision
    reason: str = ""
    changes: list[Change] = []
    ignored: list[IgnoredOp] = []
    findings: list[Finding] = []
    risk: Risk = Risk.Low
    manifest: str | None = None  # path relative to manifests/, e.g. "40-workloads/shop/apps-Deployment-web.yaml"
    replaced_by: list[ObjectRef] = []


class InstallSpec(Model):
    method: Literal["helm", "package", "bundled", "manifest", "manual"]
    chart: str | None = None
    repo: str | None = None  # repo URL or OCI reference
    version: str | None = None
    namespace: str | None = None
    release: str | None = None
    values: dict[str, Any] = {}  # carried over from the source (Flux HelmRelease / kapp values), never secrets
    command: list[str] = []  # the exact argv to run, e.g. ["helm", "upgrade", "--install", ...]


class AddonPlan(Model):
    source_id: str
    source_name: str
    category: str
    source_version: str | None = None
    target_id: str | None = None
    target_name: str | None = None
    target_version: str | None = None
    action: Literal["Bundled", "Install", "Replace", "Keep", "Manual", "Drop"]
    install: InstallSpec | None = None
    notes: list[str] = []  # caveats a human must read (e.g. NetworkPolicy semantics differ)


class StorageMapping(Model):
    source_class: str
    target_class: str | None  # None = no equivalent; a blocker
    reason: str
    data_movement: Literal["velero-fs-backup", "csi-snapshot-data-mover", "none"] = "velero-fs-backup"
    pvc_count: int = 0


class IngressClassMapping(Model):
    source_class: str | None
    target_class: str | None
    reason: str
    annotations_translated: dict[str, str] = {}  # source annotation -> target annotation
    annotations_dropped: list[str] = []  # no equivalent: flagged


class ImageMapping(Model):
    source: str
    target: str
    internal: bool = False  # from a source-internal registry that the target cannot reach
    reason: str = ""


class NamespacePlan(Model):
    source: str
    target: str
    category: Literal["system", "platform", "workload"]
    migrate: bool
    readiness: Literal["Ready", "NeedsAttention", "Blocked"]
    object_count: int = 0
    decisions: dict[str, int] = {}  # Decision -> count
    blockers: int = 0
    pod_security_labels: dict[str, str] = {}  # planned pod-security.kubernetes.io/* labels


class SourceSummary(Model):
    inventory: str  # path of inventory.json as given
    cluster: str = ""
    cluster_uid: str | None = None  # ClusterInfo.uid of the inventory: which cluster this plan is for
    distro: str | None = None
    git_version: str = ""


class TargetSummary(Model):
    profile: str  # profile id, e.g. rke2
    name: str = ""
    kubernetes_version: str  # "1.31"
    distro: str | None = None
    profile_source: str = ""  # "builtin:playbooks/profiles/targets/rke2.yaml", a user file, or "live:<context>"


class PlanSummary(Model):
    objects: int = 0
    decisions: dict[str, int] = {}
    blockers: int = 0
    warnings: int = 0
    manifests: int = 0


class Plan(Model):
    ARTIFACT_KIND: ClassVar[str] = "Plan"
    header: ArtifactHeader = Field(default_factory=header_for("Plan"))
    source: SourceSummary
    target: TargetSummary
    namespace_map: dict[str, str] = {}
    registry_map: dict[str, str] = {}
    summary: PlanSummary = PlanSummary()
    blockers: list[Finding] = []  # every Blocker finding, first so nobody misses them
    findings: list[Finding] = []  # plan-level findings (not tied to one object)
    addons: list[AddonPlan] = []
    storage: list[StorageMapping] = []
    ingress: list[IngressClassMapping] = []
    images: list[ImageMapping] = []
    namespaces: list[NamespacePlan] = []
    objects: list[ObjectPlan] = []
    manifests_dir: str = "manifests"  # relative to plan.json
    manifest_order: list[str] = []  # files in apply order (also the lexical order of their names)
