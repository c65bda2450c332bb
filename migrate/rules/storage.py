"""Storage: source storage classes mapped by capability (access modes, expansion, binding mode) to the
target profile's classes; claims and StatefulSet volumeClaimTemplates rewritten; the data-movement
method recorded per class."""

from __future__ import annotations

from typing import Any, Iterable, Mapping

from migrate.data import load_provisioners
from migrate.models.inventory import PVCInfo, StorageClassInfo
from migrate.models.plan import StorageMapping
from migrate.models.profiles import StorageClassSpec, TargetProfile
from migrate.rules.base import AppliesTo, Finding, Outcome, Patch, RuleContext, ptr
from migrate.rules.registry import rule

__all__ = ["map_storage_classes", "needed_access_modes"]

BETA_CLASS_ANNOTATION = "volume.beta.kubernetes.io/storage-class"


def needed_access_modes(cls: str, pvcs: Iterable[PVCInfo], default_class: str | None) -> set[str]:
    modes: set[str] = set()
    for p in pvcs:
        if (p.storage_class or default_class) == cls:
            modes.update(p.access_modes)
    return modes


def _score(t: StorageClassSpec, modes: set[str], src: StorageClassInfo | None) -> tuple[int, ...]:
    return (
        1 if src and t.provisioner == src.provisioner else 0,
        1 if src and src.allow_volume_expansion and t.expansion else 0,
        1 if src and (src.volume_binding_mode or "Immediate") == t.binding_mode else 0,
        1 if t.default else 0,
        -len(set(t.access_modes) - modes),  # the least capable class that fits (cheaper)
    )


def map_storage_classes(
    classes: list[StorageClassInfo], pvcs: list[PVCInfo], target: TargetProfile, explicit: Mapping[str, str] | None = None
) -> list[StorageMapping]:
    """One mapping per source class in use (or present), sorted by source class name."""
    explicit = explicit or {}
    default_src = next((c.name for c in classes if c.is_default), None)
    by_name = {c.name: c for c in classes}
    names = set(by_name) | {p.storage_class or default_src for p in pvcs if (p.storage_class or default_src)}
    prov = {p.provisioner: p for p in load_provisioners().provisioners}
    out: list[StorageMapping] = []
    for name in sorted(n for n in names if n):
        src = by_name.get(name)
        count = sum(1 for p in pvcs if (p.storage_class or default_src) == name)
        modes = needed_access_modes(name, pvcs, default_src) or {"ReadWriteOnce"}
        cap = prov.get(src.provisioner) if src else None
        snapshots = bool(cap and cap.snapshots and cap.csi)
        if name in explicit:
            tgt = next((t for t in target.storage_classes if t.name == explicit[name]), None)
            reason = f"given with --storage-map {name}={explicit[name]}"
            if tgt is None:
                out.append(StorageMapping(source_class=name, target_class=None, pvc_count=count,
                                          reason=f"{reason}, but the target profile has no class {explicit[name]}"))
                continue
        else:
            fits = [t for t in target.storage_classes if modes <= set(t.access_modes)]
            if not fits:
                out.append(StorageMapping(source_class=name, target_class=None, pvc_count=count, data_movement="none",
                                          reason=f"no target class offers {', '.join(sorted(modes))}"))
                continue
            tgt = max(fits, key=lambda t: (_score(t, modes, src), t.name))
            why = [f"offers {', '.join(sorted(modes))}"]
            if src and src.allow_volume_expansion:
                why.append("expansion" if tgt.expansion else "NO expansion (source allowed it)")
            if src:
                why.append(f"binding {tgt.binding_mode}")
            if tgt.default:
                why.append("target default")
            reason = "; ".join(why)
        movement = "none" if count == 0 else ("csi-snapshot-data-mover" if snapshots and tgt.snapshots else "velero-fs-backup")
        out.append(StorageMapping(source_class=name, target_class=tgt.name, reason=reason, data_movement=movement, pvc_count=count))
    return out


def _class_ops(base: tuple[Any, ...], spec_node: Mapping[str, Any], md: Mapping[str, Any], ctx: RuleContext) -> tuple[list[dict], list[Outcome]]:
    ops: list[dict] = []
    finds: list[Outcome] = []
    ann = (md.get("annotations") or {})
    cls = spec_node.get("storageClassName")
    if cls is None and BETA_CLASS_ANNOTATION in ann:
        cls = ann[BETA_CLASS_ANNOTATION]
        ops.append({"op": "remove", "path": ptr(*base, "metadata", "annotations", BETA_CLASS_ANNOTATION)})
    if cls == "":
        finds.append(Finding("Warning", "STATIC_VOLUME", "claim binds a pre-provisioned volume (storageClassName \"\")",
                             path=ptr(*base, "spec", "storageClassName"),
                             resolution="create the PersistentVolume on the target first, or set a storage class"))
        return ops, finds
    key = cls if cls is not None else ctx.default_source_storage_class
    if key is None:
        return ops, finds
    if key not in ctx.storage_map:
        finds.append(Finding("Warning", "STORAGE_CLASS_UNKNOWN", f"storage class {key} is not in the inventory",
                             path=ptr(*base, "spec", "storageClassName")))
        return ops, finds
    tgt = ctx.storage_map[key]
    if tgt is None:
        finds.append(Finding("Blocker", "STORAGE_CLASS_UNMAPPED", f"storage class {key} has no equivalent on {ctx.target.name}",
                             path=ptr(*base, "spec", "storageClassName"),
                             resolution="add a suitable class to the target profile (--profile) or map it explicitly"))
        return ops, finds
    if cls != tgt:
        op = "replace" if "storageClassName" in spec_node else "add"
        ops.append({"op": op, "path": ptr(*base, "spec", "storageClassName"), "value": tgt})
    return ops, finds


@rule("distroshift.io/storage/claims", priority=60, applies_to=AppliesTo(groups=("",), kinds=("PersistentVolumeClaim",)))
def claims(obj: Mapping[str, Any], ctx: RuleContext) -> list[Outcome]:
    """PersistentVolumeClaims get the mapped target storage class."""
    ops, finds = _class_ops((), obj.get("spec") or {}, obj.get("metadata") or {}, ctx)
    return ([Patch(ops, "storage class mapped to the target's (see plan.storage)")] if ops else []) + finds


@rule("distroshift.io/storage/volume-claim-templates", priority=60, applies_to=AppliesTo(groups=("apps",), kinds=("StatefulSet",)))
def volume_claim_templates(obj: Mapping[str, Any], ctx: RuleContext) -> list[Outcome]:
    """StatefulSet volumeClaimTemplates get the mapped target storage class."""
    ops: list[dict] = []
    out: list[Outcome] = []
    for i, vct in enumerate((obj.get("spec") or {}).get("volumeClaimTemplates") or []):
        o, f = _class_ops(("spec", "volumeClaimTemplates", i), vct.get("spec") or {}, vct.get("metadata") or {}, ctx)
        ops += o
        out += f
    if ops:
        out.insert(0, Patch(ops, "volumeClaimTemplates mapped to the target's storage classes"))
    return out
