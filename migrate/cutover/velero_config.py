"""ConfigMaps that make a Velero restore apply the plan's mappings.

Shapes from Velero's restore-reference.md and restore-resource-modifiers.md:
* change-storage-class: labels `velero.io/plugin-config: ""` + `velero.io/change-storage-class:
  RestoreItemAction`, data `<old class>: <new class>`, in the velero namespace.
* change-image-name: same labels with `velero.io/change-image-name`, data
  `<any key>: "<old part>,<new part>"` (the delimiter can only be ",").
* resource modifiers: any name, one data key holding YAML `version: v1` + `resourceModifierRules`
  (conditions: groupResource, resourceNameRegex, namespaces; patches: operation/path/value),
  referenced by `velero restore create --resource-modifier-configmap NAME`.
Namespaces in modifier conditions are the *source* namespaces (Velero applies them before mapping).
"""

from __future__ import annotations

import json
import re
from typing import Any, Callable, Iterable, Mapping


__all__ = [
    "storage_class_configmap",
    "image_name_configmap",
    "resource_modifiers_configmap",
    "configmaps_from_plan",
    "guess_plural",
]

PLUGIN_LABEL = "velero.io/plugin-config"
MANAGED = {"app.kubernetes.io/managed-by": "distroshift"}


def _cm(name: str, namespace: str, data: dict[str, str], labels: dict[str, str]) -> dict:
    return {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {"name": name, "namespace": namespace, "labels": {**MANAGED, **labels}},
        "data": dict(sorted(data.items())),
    }


def storage_class_configmap(mapping: Mapping[str, str | None], *, namespace: str = "velero", name: str = "change-storage-class-config") -> dict | None:
    """None when there is nothing to change (no ConfigMap is better than an empty one)."""
    data = {src: dst for src, dst in mapping.items() if dst and src != dst}
    if not data:
        return None
    return _cm(name, namespace, data, {PLUGIN_LABEL: "", "velero.io/change-storage-class": "RestoreItemAction"})


def image_name_configmap(pairs: Iterable[tuple[str, str]], *, namespace: str = "velero", name: str = "change-image-name-config") -> dict | None:
    data: dict[str, str] = {}
    for i, (old, new) in enumerate(sorted({(o, n) for o, n in pairs if o and n and o != n})):
        if "," in old or "," in new:
            # Velero splits the value on "," — a comma inside an image reference cannot be expressed.
            continue
        data[f"case{i + 1}"] = f"{old},{new}"
    if not data:
        return None
    return _cm(name, namespace, data, {PLUGIN_LABEL: "", "velero.io/change-image-name": "RestoreItemAction"})


_PLURAL_EXCEPTIONS = {
    "Endpoints": "endpoints",
    "Ingress": "ingresses",
    "NetworkPolicy": "networkpolicies",
    "PodSecurityPolicy": "podsecuritypolicies",
    "StorageClass": "storageclasses",
    "IngressClass": "ingressclasses",
    "PriorityClass": "priorityclasses",
    "RuntimeClass": "runtimeclasses",
}


def guess_plural(kind: str) -> str:
    """Kind -> resource plural by the apiserver's default rule (CRDs may differ: pass plural_of)."""
    if kind in _PLURAL_EXCEPTIONS:
        return _PLURAL_EXCEPTIONS[kind]
    low = kind.lower()
    if re.search(r"[^aeiou]y$", low):
        return low[:-1] + "ies"
    if low.endswith(("s", "x", "z", "ch", "sh")):
        return low + "es"
    return low + "s"


def resource_modifiers_configmap(
    rules: list[dict[str, Any]], *, namespace: str = "velero", name: str = "distroshift-resource-modifiers"
) -> dict | None:
    if not rules:
        return None
    # JSON is YAML: Velero reads it as it reads YAML, and tools without a YAML parser can read it too
    doc = json.dumps({"version": "v1", "resourceModifierRules": rules}, indent=1)
    return _cm(name, namespace, {"resource-modifiers.yaml": doc}, {})


def _rules_from_plan(plan: Any, plural_of: Callable[[str, str], str]) -> list[dict[str, Any]]:
    rules: list[dict[str, Any]] = []
    for op in getattr(plan, "objects", []) or []:
        if str(getattr(op.decision, "value", op.decision)) != "Transform" or not op.changes:
            continue
        src = op.source
        group = src.group
        plural = plural_of(group, src.kind)
        gr = f"{plural}.{group}" if group else plural
        cond: dict[str, Any] = {"groupResource": gr, "resourceNameRegex": f"^{re.escape(src.name)}$"}
        if src.namespace:
            cond["namespaces"] = [src.namespace]
        patches = []
        for ch in op.changes:
            for p in ch.ops:
                entry: dict[str, Any] = {"operation": p.op, "path": p.path}
                if p.op in ("add", "replace", "test"):
                    # complex values go in as escaped JSON strings, as the Velero docs show
                    entry["value"] = p.value if isinstance(p.value, str) else json.dumps(p.value)
                if p.from_:
                    entry["from"] = p.from_
                patches.append(entry)
        if patches:
            rules.append({"conditions": cond, "patches": patches})
    return rules


def configmaps_from_plan(
    plan: Any, *, namespace: str = "velero", plural_of: Callable[[str, str], str] | None = None,
    standby_namespaces: Iterable[str] | None = None,
) -> list[dict]:
    """The ConfigMaps a Velero restore needs for this plan (storage classes, images, per-object patches).
    `standby_namespaces`: also restore the workloads of these source namespaces in warm standby
    (0 replicas, CronJobs suspended, DaemonSets parked), in a ConfigMap of its own name."""
    from migrate.cutover.standby import velero_standby_rules

    plural_of = plural_of or (lambda _g, kind: guess_plural(kind))
    out = []
    sc = storage_class_configmap({m.source_class: m.target_class for m in getattr(plan, "storage", []) or []}, namespace=namespace)
    img = image_name_configmap([(m.source, m.target) for m in getattr(plan, "images", []) or []], namespace=namespace)
    rules = _rules_from_plan(plan, plural_of)
    if standby_namespaces is not None:
        # velero applies rules in order: the plan's patches first, then standby's replicas/suspend
        mods = resource_modifiers_configmap(rules + velero_standby_rules(standby_namespaces), namespace=namespace,
                                            name="distroshift-resource-modifiers-standby")
    else:
        mods = resource_modifiers_configmap(rules, namespace=namespace)
    for cm in (sc, img, mods):
        if cm is not None:
            out.append(cm)
    return out
