"""The rule contract: metadata as data, a pure body `(obj, ctx) -> list[Outcome]`.

Outcome is one of Patch(ops, reason), Finding(severity, code, message, path), Drop(reason) or
Replace(objects, reason). The engine stamps each with its rule's id, hands every rule the same
read-only original object, and settles conflicts; rules never see each other's output.
"""

from __future__ import annotations

import fnmatch
from dataclasses import dataclass, field
from typing import Any, Callable, Mapping, Sequence, Union

from migrate.models.common import group_of
from migrate.models.detection import Detection
from migrate.models.profiles import DistroProfile, TargetProfile

__all__ = [
    "AppliesTo",
    "Patch",
    "Finding",
    "Drop",
    "Replace",
    "Outcome",
    "RuleContext",
    "Rule",
    "RuleBody",
    "ptr",
    "glob_any",
    "pod_spec_path",
    "POD_TEMPLATE_KINDS",
]


def ptr(*parts: Any) -> str:
    """JSON pointer from parts, escaping '~' and '/' (RFC 6901)."""
    return "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in parts)


def glob_any(value: str, patterns: Sequence[str]) -> bool:
    return any(fnmatch.fnmatchcase(value, p) for p in patterns)


# Where the pod spec sits in each workload kind (JSON pointer parts).
POD_TEMPLATE_KINDS: dict[str, tuple[str, ...]] = {
    "Pod": ("spec",),
    "Deployment": ("spec", "template", "spec"),
    "StatefulSet": ("spec", "template", "spec"),
    "DaemonSet": ("spec", "template", "spec"),
    "ReplicaSet": ("spec", "template", "spec"),
    "ReplicationController": ("spec", "template", "spec"),
    "Job": ("spec", "template", "spec"),
    "CronJob": ("spec", "jobTemplate", "spec", "template", "spec"),
    "DeploymentConfig": ("spec", "template", "spec"),
    "PodTemplate": ("template", "spec"),
}


def pod_spec_path(obj: Mapping[str, Any]) -> tuple[str, ...] | None:
    """Pointer parts of the pod spec of a workload, or None when the object has none."""
    parts = POD_TEMPLATE_KINDS.get(obj.get("kind", ""))
    if parts is None:
        return None
    node: Any = obj
    for p in parts:
        node = node.get(p) if isinstance(node, Mapping) else None
    return parts if isinstance(node, Mapping) else None


@dataclass(frozen=True)
class AppliesTo:
    """Which objects a rule sees (data, so the engine filters and the docs can list it)."""

    groups: tuple[str, ...] = ()  # "" = core, globs allowed; empty = any
    kinds: tuple[str, ...] = ()  # empty = any
    namespaces: tuple[str, ...] = ()  # globs; empty = any (cluster-scoped included)

    def matches(self, obj: Mapping[str, Any]) -> bool:
        if self.kinds and obj.get("kind") not in self.kinds:
            return False
        if self.groups and not glob_any(group_of(obj.get("apiVersion", "")), self.groups):
            return False
        if self.namespaces:
            ns = (obj.get("metadata") or {}).get("namespace") or ""
            if not glob_any(ns, self.namespaces):
                return False
        return True


@dataclass(frozen=True)
class Patch:
    ops: tuple[dict[str, Any], ...]
    reason: str
    rule_id: str = ""

    def __init__(self, ops: Sequence[Mapping[str, Any]], reason: str, rule_id: str = ""):
        object.__setattr__(self, "ops", tuple(dict(o) for o in ops))
        object.__setattr__(self, "reason", reason)
        object.__setattr__(self, "rule_id", rule_id)


@dataclass(frozen=True)
class Finding:
    severity: str  # Info | Warning | Error | Blocker
    code: str  # stable UPPER_SNAKE
    message: str
    path: str | None = None
    resolution: str | None = None
    rule_id: str = ""


@dataclass(frozen=True)
class Drop:
    reason: str
    rule_id: str = ""


@dataclass(frozen=True)
class Replace:
    objects: tuple[dict[str, Any], ...]
    reason: str
    rule_id: str = ""

    def __init__(self, objects: Sequence[Mapping[str, Any]], reason: str, rule_id: str = ""):
        object.__setattr__(self, "objects", tuple(dict(o) for o in objects))
        object.__setattr__(self, "reason", reason)
        object.__setattr__(self, "rule_id", rule_id)


Outcome = Union[Patch, Finding, Drop, Replace]


@dataclass(frozen=True)
class RuleContext:
    """Everything a rule may know besides the object: no client, no clock."""

    target: TargetProfile
    target_minor: int
    distros: tuple[DistroProfile, ...] = ()  # generic Kubernetes facts first, then the source distro's
    detection: Detection = field(default_factory=Detection)
    deprecations: Any = None  # migrate.data.Deprecations
    namespace_map: Mapping[str, str] = field(default_factory=dict)
    registry_map: Mapping[str, str] = field(default_factory=dict)
    storage_map: Mapping[str, str | None] = field(default_factory=dict)  # source class -> target class
    default_source_storage_class: str | None = None
    ingress_class_map: Mapping[str, str | None] = field(default_factory=dict)  # source class ("" = none) -> target class
    ingress_flavours: Mapping[str, str] = field(default_factory=dict)  # source class ("" = none) -> controller flavour
    psa_levels: Mapping[str, str] = field(default_factory=dict)  # namespace -> derived PSA level
    psa_sources: Mapping[str, str] = field(default_factory=dict)  # namespace -> "PodSecurityPolicy/x" it came from
    namespace_categories: Mapping[str, str] = field(default_factory=dict)  # ns -> system | platform | workload
    secret_keys: Mapping[tuple[str, str], tuple[str, ...]] = field(default_factory=dict)
    services: Mapping[tuple[str, str], Mapping[str, Any]] = field(default_factory=dict)  # (ns, name) -> Service object
    source_node_labels: frozenset[str] = frozenset()
    addon_groups: Mapping[str, tuple[str, str | None, str]] = field(default_factory=dict)  # API group -> (source add-on, target add-on, action)
    platform_owned: Mapping[str, str] = field(default_factory=dict)  # "Kind/ns/name" -> why the platform owns it
    options: Mapping[str, Any] = field(default_factory=dict)

    @property
    def source_distro(self) -> DistroProfile | None:
        return self.distros[-1] if len(self.distros) > 1 else None

    def target_namespace(self, ns: str | None) -> str | None:
        return self.namespace_map.get(ns, ns) if ns else ns


RuleBody = Callable[[Mapping[str, Any], RuleContext], Sequence[Outcome]]


@dataclass(frozen=True)
class Rule:
    id: str  # distroshift.io/<family>/<name>
    body: RuleBody
    version: str = "1"
    applies_to: AppliesTo = AppliesTo()
    priority: int = 50  # higher wins a same-path conflict
    doc: str = ""
    source: str = "builtin"  # builtin | a rules file path

    @property
    def family(self) -> str:
        parts = self.id.split("/")
        return parts[1] if len(parts) > 2 else ""

    def run(self, obj: Mapping[str, Any], ctx: RuleContext) -> list[Outcome]:
        out: list[Outcome] = []
        for o in self.body(obj, ctx) or ():
            out.append(_stamp(o, self.id))
        return out


def _stamp(o: Outcome, rule_id: str) -> Outcome:
    if o.rule_id:
        return o
    if isinstance(o, Patch):
        return Patch(o.ops, o.reason, rule_id)
    if isinstance(o, Replace):
        return Replace(o.objects, o.reason, rule_id)
    if isinstance(o, Finding):
        return Finding(o.severity, o.code, o.message, o.path, o.resolution, rule_id)
    if isinstance(o, Drop):
        return Drop(o.reason, rule_id)
    raise TypeError(f"rule {rule_id} returned {type(o).__name__}, not an Outcome")
