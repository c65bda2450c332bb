"""Which add-ons a cluster runs, by category, with version and how they are installed."""

from __future__ import annotations

import re
from typing import Any

from migrate.detect._score import score
from migrate.detect.facts import Facts
from migrate.detect.match import first_value, package_name_matches
from migrate.models.detection import AddonCategory, AddonMatch

__all__ = ["detect_addons"]

DEFAULT_MIN = 0.5
_PKG_ORDER = ["flux-helmrelease", "kapp-packageinstall", "olm-subscription", "argocd-application", "helmchart"]


def _package_patterns(rule: dict[str, Any]) -> list[str]:
    pats = list(rule.get("packages") or [])
    pats += [m["package"] for m in rule.get("evidence") or [] if "package" in m]
    return pats


def _managed_by(rule: dict[str, Any], f: Facts, hits: list, distro_id: str | None) -> tuple[str | None, str | None, str | None]:
    """(managed_by, version from the package, namespace from the package)."""
    pats = _package_patterns(rule)
    if pats:
        pkgs = sorted((p for p in f.packages if any(package_name_matches(x, p.name) for x in pats)), key=lambda p: (_PKG_ORDER.index(p.type) if p.type in _PKG_ORDER else 99, p.ref.key))
        if pkgs:
            p = pkgs[0]
            return f"{p.type}:{p.ref.namespace}/{p.ref.name}", p.version, p.target_namespace
        rels = sorted((h for h in f.helm_releases if any(package_name_matches(x, h.chart) for x in pats)), key=lambda h: (h.namespace, h.name))
        if rels:
            h = rels[0]
            return f"helm:{h.namespace}/{h.name}", h.chart_version, h.namespace
    for h in hits:
        if h.owner:
            kind, _, ref = h.owner.partition(":")
            if kind == "flux":
                is_hr = any(p.type == "flux-helmrelease" and f"{p.ref.namespace}/{p.ref.name}" == ref for p in f.packages)
                return (f"flux-helmrelease:{ref}" if is_hr else f"flux-kustomization:{ref}"), None, None
            if kind == "helm":
                return f"helm:{ref}", None, None
            if kind == "olm":
                return f"olm-csv:{ref}", None, None
            if kind == "kapp":
                return f"kapp-app:{ref}", None, None
    if distro_id and distro_id in (rule.get("bundled_with") or []):
        return "bundled", None, None
    return None, None, None


def detect_addons(f: Facts, rules: list[dict[str, Any]], distro_id: str | None = None) -> list[AddonMatch]:
    out = []
    for rule in rules:
        conf, ev, hits = score(rule, f)
        if conf < float(rule.get("min_confidence", DEFAULT_MIN)):
            continue
        managed_by, pkg_version, pkg_ns = _managed_by(rule, f, hits, distro_id)
        version = pkg_version or first_value(rule.get("version_from") or [], f)
        ns = next((h.namespace for h in hits if h.namespace and h.kind in ("image", "object")), None) or pkg_ns
        out.append(
            AddonMatch(
                id=rule["id"], name=rule.get("name", rule["id"]), category=AddonCategory(rule["category"]), version=version,
                namespace=ns, confidence=conf, evidence=ev, managed_by=managed_by,
            )
        )
    out.sort(key=lambda a: (a.category.value, a.id))
    return out
