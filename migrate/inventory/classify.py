"""Namespaces: system (control plane, distro internals), platform (add-ons, tooling) or workload."""

from __future__ import annotations

import re
from typing import Any, Iterable

from migrate.models.inventory import NamespaceInfo

__all__ = ["classify_namespace", "classify_namespaces"]


def classify_namespace(name: str, labels: dict[str, str], rules: dict[str, list[str]], addon_ns: dict[str, str]) -> tuple[str, str]:
    for pat in rules.get("system", []):
        if re.fullmatch(pat, name):
            return "system", f"matches system pattern {pat!r}"
    if labels.get("openshift.io/run-level") is not None:
        return "system", "label openshift.io/run-level"
    for pat in rules.get("platform", []):
        if re.fullmatch(pat, name):
            return "platform", f"matches platform pattern {pat!r}"
    if name in addon_ns:
        return "platform", f"runs add-on {addon_ns[name]}"
    return "workload", "no system or platform marker"


def classify_namespaces(
    raw: Iterable[dict[str, Any]], counts: dict[str, int], rules: dict[str, list[str]], addon_ns: dict[str, str]
) -> list[NamespaceInfo]:
    out = []
    for ns in raw:
        cat, why = classify_namespace(ns["name"], ns.get("labels") or {}, rules, addon_ns)
        out.append(NamespaceInfo(name=ns["name"], category=cat, reason=why, labels=ns.get("labels") or {}, annotations=ns.get("annotations") or {}, object_count=counts.get(ns["name"], 0)))
    return sorted(out, key=lambda n: n.name)
