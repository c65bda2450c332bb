"""The plan engine: runs every rule on every source object and turns the outcomes into a Plan.

Per object (crane-lib's runner, made deterministic): every rule gets the same read-only original;
ops are merged in rule order (priority, then id); a same-path conflict (prefixes included) is won by
the higher-priority rule and the loser is kept as an IgnoredOp; Drop beats everything; a rule that
raises becomes an Error finding on that object. Replacement objects (Route -> Ingress, ...) go
through the same rules once more.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Mapping

import jsonpatch

from migrate.data import (
    builtin_rule_files,
    load_deprecations,
    load_distro_profile,
    load_rules_file,
    load_target_profile,
)
from migrate.errors import InputError
from migrate.models.common import Finding, ObjectRef, Severity
from migrate.models.inventory import Inventory, PVCInfo, StorageClassInfo, IngressInfo, iter_objects
from migrate.models.io import read_artifact, write_atomic
from migrate.models.plan import (
    Change,
    Decision,
    IgnoredOp,
    ImageMapping,
    NamespacePlan,
    ObjectPlan,
    PatchOp,
    Plan,
    PlanSummary,
    Risk,
    SourceSummary,
    TargetSummary,
)
from migrate.models.profiles import TargetProfile
from migrate.plan.diff import object_diff
from migrate.plan.manifests import ManifestWriter, manifest_path, to_yaml
from migrate.plan.planfile import write_plan
from migrate.plan.validate import Validator
from migrate.rules import base
from migrate.rules.addons import addon_group_index, dedupe_installs, plan_addons
from migrate.rules.apiversions import api_status
from migrate.rules.declarative import compile_rules_file
from migrate.rules.images import image_refs, map_image
from migrate.rules.ingress import guess_flavour, map_ingress_classes
from migrate.rules.podsecurity import derive_namespace_levels, namespace_labels
from migrate.rules.registry import Registry, builtin_registry
from migrate.rules.scope import namespace_scope
from migrate.rules.storage import map_storage_classes

__all__ = ["build_plan", "PlanResult", "plan_objects", "parse_map", "resolve_target_version", "make_context"]

_DNS1123 = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
_SEV_ORDER = {Severity.Blocker: 0, Severity.Error: 1, Severity.Warning: 2, Severity.Info: 3}


@dataclass
class PlanResult:
    plan: Plan
    manifests: dict[str, dict[str, Any]] = field(default_factory=dict)  # relative path -> object; only with out_dir=None (else on disk)
    diffs: list[str] = field(default_factory=list)
    values_files: dict[str, dict[str, Any]] = field(default_factory=dict)


def parse_map(items: Iterable[str] | Mapping[str, str] | None, flag: str, *, dns_label: bool = False) -> dict[str, str]:
    """["old=new", ...] -> {old: new}; one InputError naming the flag for a malformed entry."""
    if not items:
        return {}
    if isinstance(items, Mapping):
        pairs = list(items.items())
    else:
        pairs = []
        for raw in items:
            old, sep, new = raw.partition("=")
            if not sep or not old.strip() or not new.strip():
                raise InputError(f"{raw!r} is not of the form old=new", field=flag)
            pairs.append((old.strip(), new.strip()))
    out: dict[str, str] = {}
    for old, new in pairs:
        if dns_label:
            for v in (old, new):
                if not _DNS1123.match(v) or len(v) > 63:
                    raise InputError(f"{v!r} is not a valid namespace name (RFC 1123 label)", field=flag)
        if old in out and out[old] != new:
            raise InputError(f"{old!r} is mapped twice", field=flag)
        out[old] = new
    if dns_label and len(set(out.values())) != len(out):
        raise InputError("two namespaces are mapped to the same target namespace", field=flag)
    return out


def resolve_target_version(profile: TargetProfile, target_version: str | None) -> tuple[str, int]:
    v = (target_version or profile.kubernetes.default).lstrip("v")
    parts = v.split(".")
    if len(parts) < 2 or parts[0] != "1" or not parts[1].isdigit():
        raise InputError(f"{target_version!r} is not a Kubernetes version like 1.31", field="--target-version")
    minor = int(parts[1])
    k = profile.kubernetes
    if not k.min_minor <= minor <= k.max_minor:
        raise InputError(f"{profile.name} offers Kubernetes 1.{k.min_minor}..1.{k.max_minor}, not 1.{minor}", field="--target-version")
    return f"1.{minor}", minor


def _load_registry(rules_files: Iterable[str | Path]) -> Registry:
    reg = builtin_registry()
    for f in [*builtin_rule_files(), *rules_files]:
        model = load_rules_file(f)
        for r in compile_rules_file(model, f):
            try:
                reg.add(r)
            except ValueError as e:
                raise InputError(str(e), path=str(f), field="resourceModifierRules") from None
    return reg


def _infer_storage(objs: list[dict[str, Any]]) -> tuple[list[StorageClassInfo], list[PVCInfo]]:
    classes, pvcs = [], []
    for o in objs:
        md = o.get("metadata") or {}
        if o.get("kind") == "StorageClass" and o.get("apiVersion", "").startswith("storage.k8s.io/"):
            ann = md.get("annotations") or {}
            classes.append(StorageClassInfo(
                name=md.get("name", ""), provisioner=o.get("provisioner", ""),
                parameters={k: str(v) for k, v in (o.get("parameters") or {}).items()},
                reclaim_policy=o.get("reclaimPolicy"), volume_binding_mode=o.get("volumeBindingMode"),
                allow_volume_expansion=bool(o.get("allowVolumeExpansion")),
                is_default=(ann.get("storageclass.kubernetes.io/is-default-class") == "true"
                            or ann.get("storageclass.beta.kubernetes.io/is-default-class") == "true")))
        elif o.get("kind") == "PersistentVolumeClaim" and o.get("apiVersion") == "v1":
            s = o.get("spec") or {}
            pvcs.append(PVCInfo(ref=ObjectRef.of(o), storage_class=s.get("storageClassName"),
                                access_modes=s.get("accessModes") or [], volume_name=s.get("volumeName")))
        elif o.get("kind") == "StatefulSet":
            for vct in (o.get("spec") or {}).get("volumeClaimTemplates") or []:
                s = vct.get("spec") or {}
                pvcs.append(PVCInfo(ref=ObjectRef(api_version="v1", kind="PersistentVolumeClaim", name=(vct.get("metadata") or {}).get("name", ""),
                                                  namespace=md.get("namespace")),
                                    storage_class=s.get("storageClassName"), access_modes=s.get("accessModes") or [],
                                    owner=f"StatefulSet/{md.get('name')}"))
    return classes, pvcs


def _infer_ingresses(objs: list[dict[str, Any]]) -> list[IngressInfo]:
    out = []
    for o in objs:
        if o.get("kind") == "Ingress":
            md = o.get("metadata") or {}
            ann = md.get("annotations") or {}
            out.append(IngressInfo(ref=ObjectRef.of(o),
                                   ingress_class=(o.get("spec") or {}).get("ingressClassName") or ann.get("kubernetes.io/ingress.class"),
                                   annotations=dict(ann)))
    return out


def make_context(inv: Inventory, objs: list[dict[str, Any]], profile: TargetProfile, minor: int, *, namespace_map: Mapping[str, str],
                 registry_map: Mapping[str, str], deprecations: Any, namespaces_seen: Iterable[str] = (),
                 network_policies: int | None = None) -> tuple[base.RuleContext, dict[str, Any]]:
    """The frozen RuleContext plus the plan-level facts computed on the way (storage/ingress mappings).

    `objs` needs only the kinds in context_kinds(inv) when the caller streams the objects and gives the
    namespaces of all of them (`namespaces_seen`) and how many NetworkPolicies there are."""
    distros = tuple(d for d in (load_distro_profile("kubernetes"),
                                load_distro_profile(inv.detection.distro.id) if inv.detection.distro else None) if d is not None)
    classes, pvcs = (inv.storage_classes, inv.pvcs)
    if not classes and not pvcs:
        classes, pvcs = _infer_storage(objs)
    storage = map_storage_classes(classes, pvcs, profile)
    ingresses = inv.ingresses or _infer_ingresses(objs)
    ingress = map_ingress_classes(ingresses, profile, distros)
    namespaces = {n.name for n in inv.namespaces} | {(o.get("metadata") or {}).get("namespace") for o in objs} | set(namespaces_seen)
    namespaces -= {None, ""}
    namespaces |= {(o.get("metadata") or {}).get("name") for o in objs if o.get("kind") == "Namespace" and o.get("apiVersion") == "v1"}
    levels, sources = derive_namespace_levels(objs, namespaces)  # type: ignore[arg-type]
    if inv.detection.distro and inv.detection.distro.id == "openshift":
        # OpenShift admits every other service account with restricted-v2.
        for ns in namespaces:
            levels.setdefault(ns, "restricted")  # type: ignore[arg-type]
            sources.setdefault(ns, "SecurityContextConstraints/restricted-v2")  # type: ignore[arg-type]
    ns_labels = {n.name: n.labels for n in inv.namespaces}
    for o in objs:
        if o.get("kind") == "Namespace" and o.get("apiVersion") == "v1":
            ns_labels.setdefault((o.get("metadata") or {}).get("name", ""), (o.get("metadata") or {}).get("labels") or {})
    for ns, lab in ns_labels.items():
        # An enforce label the namespace already carries is what the target will enforce.
        enforce = lab.get("pod-security.kubernetes.io/enforce")
        if enforce in ("privileged", "baseline", "restricted"):
            levels[ns] = enforce
            sources[ns] = "its pod-security.kubernetes.io/enforce label"
        elif profile.pod_security.model == "psa" and any(k.startswith("pod-security.kubernetes.io/") for k in lab):
            # It keeps its own audit/warn labels (namespace_labels) and gets no enforce label, so the
            # target enforces its cluster default there (OpenShift's label syncer sets audit/warn only).
            levels[ns] = profile.pod_security.default_enforce  # type: ignore[assignment]
            sources[ns] = f"no enforce label: the target's cluster default ({profile.pod_security.default_enforce})"
    first_category: dict[str, str] = {}
    for n in inv.namespaces:
        first_category.setdefault(n.name, n.category)  # the first entry wins, as a linear search finds it
    workload_ns = {n for n in namespaces if not _ns_not_migrated(n, distros, first_category)}
    repo_urls = {f"HelmRepository/{(o.get('metadata') or {}).get('namespace')}/{(o.get('metadata') or {}).get('name')}": (o.get("spec") or {}).get("url", "")
                 for o in objs if o.get("kind") == "HelmRepository"}
    addons, values_files = plan_addons(list(inv.detection.addons), list(inv.packages), profile,
                                       (sum(1 for o in objs if o.get("kind") == "NetworkPolicy") if network_policies is None else network_policies),
                                       workload_ns, repo_urls)
    platform_owned: dict[str, str] = {}
    for o in objs:
        if o.get("kind") == "ClusterResourceSet":
            md = o.get("metadata") or {}
            for r in (o.get("spec") or {}).get("resources") or []:
                platform_owned[f"{r.get('kind')}/{md.get('namespace') or ''}/{r.get('name')}"] = (
                    f"applied to workload clusters by ClusterResourceSet {md.get('name')} (Cluster API); not an application object")
    options: dict[str, Any] = {}
    if inv.namespaces_filter:
        options["namespace_filter"] = frozenset(inv.namespaces_filter)
        options["cluster_objects_used"] = _cluster_objects_used(objs, set(inv.namespaces_filter), inv)
    secret_keys = {(s.ref.namespace or "", s.ref.name): tuple(s.keys) for s in inv.secrets}
    services = {((o.get("metadata") or {}).get("namespace") or "", (o.get("metadata") or {}).get("name", "")): _service_ports(o)
                for o in objs if o.get("kind") == "Service" and o.get("apiVersion") == "v1"}
    ctx = base.RuleContext(
        target=profile,
        target_minor=minor,
        distros=distros,
        detection=inv.detection,
        deprecations=deprecations,
        namespace_map=dict(namespace_map),
        registry_map=dict(registry_map),
        storage_map={m.source_class: m.target_class for m in storage},
        default_source_storage_class=next((c.name for c in classes if c.is_default), None),
        ingress_class_map={(m.source_class or ""): m.target_class for m in ingress},
        ingress_flavours={(m.source_class or ""): guess_flavour(m.source_class, distros) for m in ingress},
        psa_levels=levels,
        psa_sources=sources,
        namespace_categories={n.name: n.category for n in inv.namespaces},
        secret_keys=secret_keys,
        services=services,
        source_node_labels=frozenset(k for n in inv.nodes for k in n.labels),
        addon_groups=addon_group_index(addons),
        platform_owned=platform_owned,
        options=options,
    )
    # The group index above needs every source add-on (a replaced one's CRDs are dropped); the plan
    # lists each install once.
    addons = dedupe_installs(addons)
    return ctx, {"storage": storage, "ingress": ingress, "namespaces": sorted(namespaces), "addons": addons, "values": values_files}


def _cluster_objects_used(objs: list[dict[str, Any]], selected: set[str], inv: Inventory) -> frozenset[str]:
    """With `inventory -n`, the cluster-scoped objects the selected namespaces use ("Kind/name"):
    ClusterRoleBindings with a subject there, the ClusterRoles those and the namespaces' RoleBindings
    refer to, the StorageClasses and IngressClasses their objects name, the CRDs of their custom resources."""
    used: set[str] = {f"Namespace/{n}" for n in selected}
    for o in objs:
        md = o.get("metadata") or {}
        kind = o.get("kind")
        ref = o.get("roleRef") or {}
        if kind == "RoleBinding" and md.get("namespace") in selected and ref.get("kind") == "ClusterRole":
            used.add(f"ClusterRole/{ref.get('name')}")
        elif kind == "ClusterRoleBinding" and any(sub.get("namespace") in selected for sub in o.get("subjects") or []):
            used.add(f"ClusterRoleBinding/{md.get('name')}")
            if ref.get("kind") == "ClusterRole":
                used.add(f"ClusterRole/{ref.get('name')}")
    used |= {f"StorageClass/{p.storage_class}" for p in inv.pvcs if p.storage_class and p.ref.namespace in selected}
    used |= {f"IngressClass/{i.ingress_class}" for i in inv.ingresses if i.ingress_class and i.ref.namespace in selected}
    namespaced_crs = {f"{c.group}/{c.kind}" for c in inv.crds if c.scope == "Namespaced"}
    used |= {f"CustomResourceDefinition/{c.name}" for c in inv.crds
             if f"{c.group}/{c.kind}" in namespaced_crs and inv.counts.get(f"{c.group}/{c.kind}", 0)}
    return frozenset(used)


def _service_ports(svc: Mapping[str, Any]) -> dict[str, Any]:
    """What rules read of a Service (its ports, for Route -> Ingress), not the whole object."""
    md = svc.get("metadata") or {}
    return {"apiVersion": svc.get("apiVersion"), "kind": svc.get("kind"),
            "metadata": {"name": md.get("name", ""), "namespace": md.get("namespace")},
            "spec": {"ports": ((svc.get("spec") or {}).get("ports") or [])}}


def context_kinds(inv: Inventory) -> frozenset[str]:
    """The kinds make_context reads from the objects (the rest it takes from the inventory's summaries)."""
    kinds = {"Namespace", "PodSecurityPolicy", "SecurityContextConstraints", "Role", "ClusterRole", "RoleBinding",
             "ClusterRoleBinding", "HelmRepository", "ClusterResourceSet", "Service"}
    if not inv.storage_classes and not inv.pvcs:
        kinds |= {"StorageClass", "PersistentVolumeClaim", "StatefulSet"}
    if not inv.ingresses:
        kinds.add("Ingress")
    return frozenset(kinds)


def _ns_not_migrated(ns: str, distros: tuple[Any, ...], categories: Mapping[str, str]) -> bool:
    from migrate.rules.base import glob_any

    cat = categories.get(ns)
    return cat in ("system", "platform") or any(glob_any(ns, d.system_namespaces + d.platform_namespaces) for d in distros)


def _overlaps(a: str, b: str) -> bool:
    return a == b or a.startswith(b + "/") or b.startswith(a + "/")


@dataclass
class _Outcome:
    drop: base.Drop | None = None
    replace: base.Replace | None = None
    changes: list[Change] = field(default_factory=list)
    ignored: list[IgnoredOp] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    ops: list[dict[str, Any]] = field(default_factory=list)
    non_strip: bool = False


def _run_rules(obj: Mapping[str, Any], ctx: base.RuleContext, reg: Registry, ref: ObjectRef,
               changes: dict[tuple[Any, ...], Change] | None = None) -> _Outcome:
    res = _Outcome()
    # Every rule reads the same original: rules are pure (base.py), and the engine patches a clone of
    # it (_apply), so no per-object or per-rule deep copy is needed here.
    accepted: list[tuple[str, str]] = []  # (path, rule id)
    kind = obj.get("kind")
    for r in reg.rules_for(kind if isinstance(kind, str) else ""):
        if not r.applies_to.matches(obj):
            continue
        try:
            outcomes = r.run(obj, ctx)
        except Exception as e:  # a broken rule must not sink the plan: it becomes a finding on this object
            res.findings.append(Finding(code="RULE_FAILED", severity=Severity.Error, ref=ref, rule_id=r.id,
                                        message=f"rule raised {type(e).__name__}: {str(e)[:200]}",
                                        resolution="report it; the object was planned without this rule"))
            continue
        for o in outcomes:
            if isinstance(o, base.Drop):
                if res.drop is None:
                    res.drop = o
            elif isinstance(o, base.Replace):
                if res.replace is None:
                    res.replace = o
            elif isinstance(o, base.Finding):
                res.findings.append(Finding(code=o.code, severity=Severity(o.severity), message=o.message, ref=ref, path=o.path,
                                            rule_id=o.rule_id, resolution=o.resolution))
            elif isinstance(o, base.Patch):
                kept: list[dict[str, Any]] = []
                for op in o.ops:
                    winner = next((rid for p, rid in accepted if rid != o.rule_id and op["op"] != "test" and _overlaps(p, op["path"])), None)
                    if winner:
                        res.ignored.append(IgnoredOp(rule_id=o.rule_id, op=PatchOp.model_validate(op), lost_to=winner,
                                                     reason=f"same path changed by the higher-priority rule {winner}"))
                    else:
                        kept.append(op)
                accepted.extend((op["path"], o.rule_id) for op in kept if op["op"] != "test")
                if kept:
                    res.changes.append(_change(o.rule_id, o.reason, kept, changes))
                    res.ops.extend(kept)
                    if not o.rule_id.startswith("distroshift.io/strip/"):
                        res.non_strip = True
    return res


_SCALARS = (str, int, float, bool, type(None))
_STRAY_TILDE = re.compile(r"~(?![01])")


def _change(rule_id: str, reason: str, ops: list[dict[str, Any]], cache: dict[tuple[Any, ...], Change] | None) -> Change:
    """The Change for these ops. Most objects get the very same ones (the strip rules' removals), so
    within one plan a Change whose op values are plain scalars is built once and shared by every object
    plan that has it (plans are not changed once built): at 100k objects that saves most of the memory."""
    if cache is None:
        return Change(rule_id=rule_id, reason=reason, ops=[PatchOp.model_validate(op) for op in ops])
    key: tuple[Any, ...] | None = (rule_id, reason)
    for op in ops:
        v = op.get("value")
        if not isinstance(v, _SCALARS) or len(op) > 4 or not set(op) <= {"op", "path", "value", "from"}:
            key = None
            break
        key += (op.get("op"), op.get("path"), op.get("from"), type(v), v, "value" in op)  # type: ignore[operator]
    if key is None:
        return Change(rule_id=rule_id, reason=reason, ops=[PatchOp.model_validate(op) for op in ops])
    hit = cache.get(key)
    if hit is None:
        if len(cache) > 50_000:  # a bound, should scalar values vary per object
            cache.clear()
        hit = cache[key] = Change(rule_id=rule_id, reason=reason, ops=[PatchOp.model_validate(op) for op in ops])
    return hit


def _clone(o: Any) -> Any:
    """Deep copy of parsed JSON (dicts, lists, scalars): several times faster than copy.deepcopy."""
    if isinstance(o, dict):
        return {k: _clone(v) for k, v in o.items()}
    if isinstance(o, list):
        return [_clone(v) for v in o]
    return o


def _apply(obj: Mapping[str, Any], ops: list[dict[str, Any]], ref: ObjectRef, findings: list[Finding], *, parsed: bool = False) -> dict[str, Any] | None:
    """The patched copy of obj (obj itself is never changed). `parsed`: obj came straight from JSON, so
    it shares no sub-objects and the fast clone is exact; objects built by rules get copy.deepcopy."""
    if not ops:
        return dict(obj)
    doc = _clone(obj) if parsed else copy.deepcopy(dict(obj))
    if _patch_members(doc, ops):
        return doc
    try:  # jsonpatch on a fresh copy, for everything else and for its error messages
        doc = _clone(obj) if parsed else copy.deepcopy(dict(obj))
        return jsonpatch.apply_patch(doc, ops, in_place=True)
    except (jsonpatch.JsonPatchException, jsonpatch.JsonPointerException, KeyError, IndexError, TypeError) as e:
        findings.append(Finding(code="PATCH_FAILED", severity=Severity.Error, ref=ref, message=f"planned patches could not be applied: {e}",
                                resolution="fix the conflicting rule or the object by hand"))
        return None


def _patch_members(doc: dict[str, Any], ops: list[dict[str, Any]]) -> bool:
    """Apply ops in place when each adds, replaces or removes a member of an object that exists (what
    the rules nearly always emit), as jsonpatch would (values copied in). False as soon as one needs
    more (arrays, escapes, a missing member...): doc is then half-patched and must be thrown away."""
    for op in ops:
        kind, path = op.get("op"), op.get("path")
        if kind not in ("add", "remove", "replace") or type(path) is not str or not path.startswith("/"):
            return False
        if kind != "remove" and "value" not in op:
            return False
        parts = path[1:].split("/")
        if "~" in path:  # RFC 6901 escapes (annotation keys: kubectl.kubernetes.io~1last-applied-...)
            if _STRAY_TILDE.search(path):
                return False
            parts = [p.replace("~1", "/").replace("~0", "~") for p in parts]
        node: Any = doc
        for part in parts[:-1]:
            if type(node) is not dict or part not in node:
                return False
            node = node[part]
        last = parts[-1]
        if type(node) is not dict or (kind != "add" and last not in node):
            return False
        if kind == "remove":
            del node[last]
        else:
            value = op["value"]
            node[last] = value if isinstance(value, _SCALARS) else copy.deepcopy(value)
    return True


def _object_key(o: Mapping[str, Any]) -> tuple[str, str, str, str]:
    md = o.get("metadata") or {}
    return (o.get("apiVersion", "").rpartition("/")[0], o.get("kind", ""), md.get("namespace") or "", md.get("name", ""))


class _Planner:
    """Plans objects one at a time, in the order given (build_plan streams them sorted).

    Keeps per object only its ObjectPlan; each manifest goes to `sink(path, obj)` as soon as it is
    planned (and is kept in `manifests` only without a sink), and image references are folded into
    one mapping per distinct image."""

    def __init__(self, ctx: base.RuleContext, reg: Registry, validator: Validator, *, want_diff: bool = False,
                 sink: Callable[[str, dict[str, Any]], None] | None = None):
        self.ctx, self.reg, self.validator, self.want_diff, self.sink = ctx, reg, validator, want_diff, sink
        self.plans: list[ObjectPlan] = []
        self.manifests: dict[str, dict[str, Any]] = {}
        self.paths: list[str] = []
        self.owners: dict[str, ObjectRef] = {}
        self.diffs: list[str] = []
        self.images: dict[str, ImageMapping] = {}
        self._changes: dict[tuple[Any, ...], Change] = {}  # shared Changes (see _change)
        # Image references of the current identity (group/kind/namespace/name): an identity listed
        # twice (two API versions) comes in a row, and its images count unless one copy is dropped.
        self._key: str | None = None
        self._key_images: list[str] = []
        self._key_dropped = False

    def add(self, obj: dict[str, Any], *, parsed: bool = False) -> ObjectPlan:
        ref = ObjectRef.of(obj)
        op = self._plan(obj, ref, parsed=parsed)
        self.plans.append(op)
        if ref.key != self._key:
            self._flush_images()
            self._key = ref.key
        if op.decision == Decision.Drop:
            self._key_dropped = True
        else:
            self._key_images.extend(image for _, image in image_refs(obj))
        return op

    def finish(self) -> None:
        self._flush_images()

    def image_mappings(self) -> list[ImageMapping]:
        return [self.images[k] for k in sorted(self.images)]

    def _flush_images(self) -> None:
        if not self._key_dropped:
            for image in self._key_images:
                if image.strip() and image not in self.images:
                    new, internal, reason = map_image(image, self.ctx)
                    self.images[image] = ImageMapping(source=image, target=new, internal=internal, reason=reason or "unchanged")
        self._key_images, self._key_dropped = [], False

    def _plan(self, obj: dict[str, Any], ref: ObjectRef, *, parsed: bool) -> ObjectPlan:
        ctx, reg = self.ctx, self.reg
        # With --diff the original is shown as it was: rules then read a copy of it.
        seen = _clone(obj) if self.want_diff else obj
        res = _run_rules(seen, ctx, reg, ref, self._changes)
        op = ObjectPlan(source=ref, decision=Decision.Keep, findings=res.findings, ignored=res.ignored)
        if res.drop is not None:
            op.decision, op.reason = Decision.Drop, res.drop.reason
            # A dropped object blocks nothing; only what the dropping rule's family says about it is kept.
            fam = "/".join(res.drop.rule_id.split("/")[:2])
            op.findings = [f for f in res.findings if f.severity != Severity.Blocker and (f.rule_id or "").startswith(fam + "/")]
            op.changes, op.ignored = [], []
            return op
        op.changes = list(res.changes)
        outputs: list[dict[str, Any]] = []
        if res.replace is not None:
            op.decision, op.reason = Decision.Replace, res.replace.reason
            for new in res.replace.objects:
                nref = ObjectRef.of(new)
                sub = _run_rules(new, ctx, reg, ref, self._changes)
                op.findings += sub.findings
                op.ignored += sub.ignored
                op.changes += [Change(rule_id=c.rule_id, reason=f"{nref.kind}/{nref.name}: {c.reason}", ops=c.ops) for c in sub.changes
                               if not c.rule_id.startswith("distroshift.io/strip/")]
                out = _apply(new, sub.ops, ref, op.findings)
                if out is not None:
                    outputs.append(out)
        else:
            out = _apply(seen, res.ops, ref, op.findings, parsed=parsed or self.want_diff)
            if out is not None:
                outputs.append(out)
            op.decision = Decision.Transform if res.non_strip else Decision.Keep
            op.reason = "copied with the changes listed" if res.non_strip else "copied as is (runtime fields stripped)"
        for out in outputs:
            op.findings += self.validator.validate(out, ref)
        blockers = [f for f in op.findings if f.severity == Severity.Blocker]
        errors = [f for f in op.findings if f.severity == Severity.Error]
        if blockers or (errors and not outputs):
            op.decision = Decision.Manual
            op.reason = f"{len(blockers) or len(errors)} blocker(s): " + "; ".join(f.code for f in (blockers or errors)[:3])
        else:
            paths = []
            for out in outputs:
                p = manifest_path(out)
                if p in self.owners:
                    op.findings.append(Finding(code="MANIFEST_COLLISION", severity=Severity.Blocker, ref=ref,
                                               message=f"{p} is also planned from {self.owners[p]}",
                                               resolution="rename one of them or map one namespace elsewhere"))
                    op.decision = Decision.Manual
                    op.reason = "another object is planned to the same target"
                    break
                paths.append(p)
            else:
                for p, out in zip(paths, outputs):
                    if self.sink is not None:
                        self.sink(p, out)
                    else:
                        self.manifests[p] = out
                    self.paths.append(p)
                    self.owners[p] = ref
                op.manifest = paths[0] if paths else None
                target = ObjectRef.of(outputs[0]) if outputs else None
                op.target = ref if target == ref else target  # one shared instance when unchanged (memory at scale)
                op.replaced_by = [ObjectRef.of(o) for o in outputs] if op.decision == Decision.Replace else []
            if self.want_diff and op.decision in (Decision.Transform, Decision.Replace) and outputs:
                for out in outputs:
                    self.diffs.append(object_diff(str(ref), obj, out))
        uniq: dict[tuple[str, str, str], Finding] = {}
        for f in op.findings:  # a replacement re-runs the rules: the same finding may come twice
            uniq.setdefault((f.code, f.path or "", f.message), f)
        op.findings = sorted(uniq.values(), key=lambda f: (_SEV_ORDER[f.severity], f.code, f.path or "", f.message))
        sevs = {f.severity for f in op.findings}
        op.risk = (Risk.High if sevs & {Severity.Blocker, Severity.Error} or op.decision == Decision.Manual
                   else Risk.Medium if Severity.Warning in sevs or op.decision == Decision.Replace else Risk.Low)
        return op


def plan_objects(objs: Iterable[dict[str, Any]], ctx: base.RuleContext, reg: Registry, validator: Validator, *, want_diff: bool = False
                 ) -> tuple[list[ObjectPlan], dict[str, dict[str, Any]], list[str]]:
    """Plan a list of objects: (object plans, manifest path -> object, diffs)."""
    planner = _Planner(ctx, reg, validator, want_diff=want_diff)
    for obj in sorted(objs, key=_object_key):
        planner.add(obj)
    planner.finish()
    return planner.plans, planner.manifests, planner.diffs


def _plan_level_findings(inv: Inventory, ctx: base.RuleContext, version: str) -> list[Finding]:
    out: list[Finding] = []
    if not inv.complete:
        out.append(Finding(code="INVENTORY_INCOMPLETE", severity=Severity.Warning,
                           message="the inventory could not read every resource type; objects of those types are not planned",
                           resolution="re-run the inventory with enough permissions"))
    seen: set[tuple[str, str, str]] = set()
    for h in inv.helm_releases:
        bad = []
        for pair in h.api_versions:
            av, _, kind = pair.partition(" ")
            st = api_status(av, kind, ctx)
            if st and st[0] == "removed":
                bad.append(f"{av} {kind}")
        if bad:
            # Not a blocker: the release's live objects are converted like any other object. What breaks is
            # the release record copied with them, which still names the removed APIs: the next
            # `helm upgrade` on the target fails until it is rewritten.
            out.append(Finding(code="HELM_CHART_REMOVED_API", severity=Severity.Error,
                               ref=ObjectRef(api_version="v1", kind="Secret", name=h.secret, namespace=h.namespace),
                               message=f"Helm release {h.namespace}/{h.name} (chart {h.chart}-{h.chart_version}) uses APIs removed by {version}: {', '.join(sorted(bad))}; its objects are converted, but the release record still names them, so the next `helm upgrade` on the target fails",
                               resolution=f"after cutover run `helm mapkubeapis {h.name} --namespace {ctx.target_namespace(h.namespace)}` against the target, or upgrade the chart to a version using served APIs"))
    for u in inv.api_usage:
        st = api_status(u.api_version, u.kind, ctx)
        key = (u.api_version, u.kind, u.ref.key)
        if st and key not in seen and u.source in ("last-applied", "managed-fields"):
            seen.add(key)
            state, e = st
            repl = getattr(e, "replacement_api", "") if e else ""
            out.append(Finding(code="API_USAGE_REMOVED" if state == "removed" else "API_USAGE_DEPRECATED",
                               severity=Severity.Warning, ref=u.ref,
                               message=f"last applied through {u.api_version} ({state} at {version}); the plan converts the object, but the manifests you apply from (git, CI) still use it",
                               resolution=f"update the source manifests to {repl or 'a served version'}"))
    return out


def _namespace_plans(ctx: base.RuleContext, names: list[str], objects: list[ObjectPlan], inv: Inventory) -> list[NamespacePlan]:
    labels = {n.name: n.labels for n in inv.namespaces}
    by_ns: dict[str, list[ObjectPlan]] = {}  # one pass, not one scan of every object per namespace
    for o in objects:
        if o.source.namespace:
            by_ns.setdefault(o.source.namespace, []).append(o)
        elif o.source.kind == "Namespace":
            by_ns.setdefault(o.source.name, []).append(o)
    out = []
    for ns in sorted(names):
        scoped = namespace_scope(ns, ctx)
        cat = scoped[0] if scoped else (ctx.namespace_categories.get(ns) or "workload")
        mine = by_ns.get(ns, [])
        decisions: dict[str, int] = {}
        for o in mine:
            decisions[o.decision.value] = decisions.get(o.decision.value, 0) + 1
        blockers = sum(1 for o in mine for f in o.findings if f.severity == Severity.Blocker)
        attention = any(o.decision == Decision.Manual or any(f.severity in (Severity.Warning, Severity.Error) for f in o.findings) for o in mine)
        migrate = scoped is None
        out.append(NamespacePlan(
            source=ns, target=ctx.target_namespace(ns) or ns, category=cat if cat in ("system", "platform", "workload") else "workload",  # type: ignore[arg-type]
            migrate=migrate, readiness="Blocked" if blockers else "NeedsAttention" if attention else "Ready",
            object_count=len(mine), decisions=dict(sorted(decisions.items())), blockers=blockers,
            pod_security_labels=namespace_labels(ns, labels.get(ns, {}), ctx) if migrate else {}))
    return out


_SUMMARIES = ("workloads", "services", "ingresses", "network_policies", "persistent_volumes", "pvcs", "crds", "secrets",
              "helm_releases", "packages", "api_usage", "nodes", "resource_types", "warnings")


@dataclass
class _Scan:
    """What a first streaming pass over the objects file learns, so the main pass can stream too."""

    context_objects: list[dict[str, Any]] = field(default_factory=list)  # the kinds make_context reads
    crds: list[dict[str, Any]] = field(default_factory=list)
    namespaces: set[str] = field(default_factory=set)
    network_policies: int = 0
    count: int = 0
    in_order: bool = True  # already sorted as plan_objects sorts (the inventory writes it so)


def _scan(inv: Inventory, inv_path: Path) -> _Scan:
    scan = _Scan()
    wanted = context_kinds(inv)
    last: tuple[str, str, str, str] | None = None
    for o in iter_objects(inv, inv_path):
        scan.count += 1
        key = _object_key(o)
        if last is not None and key < last:
            scan.in_order = False
        last = key
        kind = o.get("kind")
        ns = (o.get("metadata") or {}).get("namespace")
        if ns:
            scan.namespaces.add(ns)
        if kind == "NetworkPolicy":
            scan.network_policies += 1
        if kind == "CustomResourceDefinition" and o.get("apiVersion") == "apiextensions.k8s.io/v1":
            scan.crds.append(o)
        elif kind in wanted:
            scan.context_objects.append(_service_ports(o) if kind == "Service" and o.get("apiVersion") == "v1" else o)
    return scan


def _objects_in_order(inv: Inventory, inv_path: Path, scan: _Scan) -> Iterator[dict[str, Any]]:
    """The objects in plan order: streamed when the file is already in that order, else sorted in memory."""
    if scan.in_order:
        yield from iter_objects(inv, inv_path)
    else:
        yield from sorted(iter_objects(inv, inv_path), key=_object_key)


def build_plan(
    inventory_path: str | Path,
    target: str | None = None,
    target_version: str | None = None,
    profile_file: str | Path | None = None,
    namespace_map: Mapping[str, str] | Iterable[str] | None = None,
    registry_map: Mapping[str, str] | Iterable[str] | None = None,
    out_dir: str | Path | None = "plan",
    *,
    rules_files: Iterable[str | Path] = (),
    deprecation_files: Iterable[str | Path] = (),
    target_context: str | None = None,
    kubeconfig: str | None = None,
    diff: bool = False,
    result: list[PlanResult] | None = None,
) -> Plan:
    """Map an inventory onto a target profile. Writes <out_dir>/plan.json, manifests/ and addons/ (unless
    out_dir is None) and returns the Plan. See migrate.plan for the full contract."""
    inv_path = Path(inventory_path)
    inv = read_artifact(inv_path, Inventory)
    scan = _scan(inv, inv_path)
    profile, profile_source = load_target_profile(target, profile_file)
    if target_context:
        from migrate.plan.profile_live import live_profile

        profile = live_profile(profile, kubeconfig=kubeconfig, context=target_context)
        profile_source = f"live:{target_context} (base {profile_source})"
    version, minor = resolve_target_version(profile, target_version)
    nsmap = parse_map(namespace_map, "--namespace-map", dns_label=True)
    regmap = parse_map(registry_map, "--registry-map")
    deprecations = load_deprecations(deprecation_files)
    reg = _load_registry(rules_files)
    ctx, facts = make_context(inv, scan.context_objects, profile, minor, namespace_map=nsmap, registry_map=regmap, deprecations=deprecations,
                              namespaces_seen=scan.namespaces, network_policies=scan.network_policies)
    validator = Validator(version, scan.crds)
    findings = _plan_level_findings(inv, ctx, version)
    # What the rest needs of the inventory is its namespaces, cluster, detection and header; its
    # per-object summaries (workloads, services, secrets...: ~2 KB an object) are freed before the main pass.
    inv = inv.model_copy(update={f: [] for f in _SUMMARIES})
    del scan.context_objects[:], scan.crds[:]
    writer = ManifestWriter(out_dir) if out_dir is not None else None
    try:
        planner = _Planner(ctx, reg, validator, want_diff=diff, sink=writer.write if writer is not None else None)
        for obj in _objects_in_order(inv, inv_path, scan):
            planner.add(obj, parsed=True)
        planner.finish()
        object_plans = planner.plans
        addons, values_files = facts["addons"], facts["values"]
        if scan.network_policies and not profile.network.network_policy:
            findings.append(Finding(code="NETWORK_POLICY_NOT_ENFORCED", severity=Severity.Warning,
                                    message=f"NetworkPolicy objects migrate, but {profile.network.cni} does not enforce them by default",
                                    resolution="; ".join(profile.network.notes) or "enable a network policy engine on the target"))
        for sm in facts["storage"]:
            if sm.target_class is None and sm.pvc_count:
                findings.append(Finding(code="STORAGE_CLASS_UNMAPPED", severity=Severity.Blocker,
                                        message=f"storage class {sm.source_class} ({sm.pvc_count} claims): {sm.reason}",
                                        resolution="add a class with these capabilities to the target profile (--profile)"))
        namespaces = _namespace_plans(ctx, facts["namespaces"], object_plans, inv)
        object_plans.sort(key=lambda p: (0 if p.decision == Decision.Manual else 1, p.source.key))
        blockers = [f for f in findings if f.severity == Severity.Blocker]
        blockers += [f for p in object_plans for f in p.findings if f.severity == Severity.Blocker]
        warnings = sum(1 for f in findings if f.severity == Severity.Warning)
        warnings += sum(1 for p in object_plans for f in p.findings if f.severity == Severity.Warning)
        decisions: dict[str, int] = {}
        for p in object_plans:
            decisions[p.decision.value] = decisions.get(p.decision.value, 0) + 1
        manifest_order = sorted(planner.paths)
        plan = Plan(
            source=SourceSummary(inventory=str(inventory_path), cluster=inv.cluster.name, cluster_uid=inv.cluster.uid,
                                 distro=inv.detection.distro.id if inv.detection.distro else None, git_version=inv.cluster.git_version),
            target=TargetSummary(profile=profile.id, name=profile.name, kubernetes_version=version, distro=profile.distro, profile_source=profile_source),
            namespace_map=dict(sorted(nsmap.items())),
            registry_map=dict(sorted(regmap.items())),
            summary=PlanSummary(objects=len(object_plans), decisions=dict(sorted(decisions.items())), blockers=len(blockers),
                                warnings=warnings, manifests=len(manifest_order)),
            blockers=blockers,
            findings=sorted(findings, key=lambda f: (_SEV_ORDER[f.severity], f.code, str(f.ref or ""))),
            addons=addons,
            storage=facts["storage"],
            ingress=facts["ingress"],
            images=planner.image_mappings(),
            namespaces=namespaces,
            objects=object_plans,
            manifest_order=manifest_order,
        )
        plan.header.mode = inv.header.mode
        plan.header.source = inv.header.source or str(inventory_path)
        if writer is not None:
            out = Path(out_dir)  # type: ignore[arg-type]
            writer.commit()
            writer = None
            for vid, vals in sorted(values_files.items()):
                write_atomic(out / "addons" / f"{vid}.values.yaml", to_yaml(vals))
            write_plan(out / "plan.json", plan)
    finally:
        if writer is not None:  # failed before the swap: the previous manifests/ stays as it was
            writer.abort()
    manifests, diffs = planner.manifests, planner.diffs
    if result is not None:
        result.append(PlanResult(plan=plan, manifests=manifests, diffs=diffs, values_files=values_files))
    return plan
