"""Detection rules as data: playbooks/detection/*.yaml (built in) plus optional user files.

A user file may hold any of the sections `distros`, `infrastructure`, `addons` (lists of rules with
an `id`) and `namespaces` (`system`/`platform` lists of regexes, appended). A user rule whose id
exists already replaces it; every override is named in `sources` so the inventory says so.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from migrate.errors import InputError

__all__ = ["RuleSet", "load_rules", "MATCHER_KEYS", "BUILTIN_FILES"]

BUILTIN_FILES = ("distros.yaml", "infrastructure.yaml", "addons.yaml", "namespaces.yaml")
SECTIONS = ("distros", "infrastructure", "addons")
MATCHER_KEYS = (
    "kubelet_version", "server_version", "node_label", "node_label_prefix", "node_annotation", "node_annotation_prefix",
    "provider_id", "namespace", "crd_group", "crd", "kind", "image", "workload", "storage_provisioner", "csi_driver",
    "ingress_class", "object", "package", "priority_class", "node_name",
)
_REGEX_PARAMS = ("value", "kind_regex", "namespace_regex", "name", "version_regex")
CATEGORIES = {
    "cni", "csi", "ingress", "cert-manager", "monitoring", "logging", "policy", "gitops", "package-manager", "service-mesh",
    "backup", "secrets", "auth", "registry", "virtualization", "cluster-api", "dns", "metrics", "load-balancer", "other",
}


@dataclass
class RuleSet:
    distros: list[dict[str, Any]] = field(default_factory=list)
    infrastructure: list[dict[str, Any]] = field(default_factory=list)
    addons: list[dict[str, Any]] = field(default_factory=list)
    namespaces: dict[str, list[str]] = field(default_factory=lambda: {"system": [], "platform": []})
    sources: list[str] = field(default_factory=list)

    def notable_kinds(self) -> set[str]:
        """'group/Kind' of objects the rules look into (kept in memory during a run; they are few)."""
        out = {"storage.k8s.io/CSIDriver", "networking.k8s.io/IngressClass", "scheduling.k8s.io/PriorityClass", "operators.coreos.com/ClusterServiceVersion"}
        for sec in SECTIONS:
            for rule in getattr(self, sec):
                for m in _all_matchers(rule):
                    if "object" in m:
                        out.add(m["object"])
        return out


def _all_matchers(rule: dict[str, Any]) -> list[dict[str, Any]]:
    ms = list(rule.get("evidence") or []) + list(rule.get("version_from") or [])
    for r in rule.get("roles") or []:
        ms += list(r.get("when") or [])
    return ms


def _validate(rule: Any, section: str, where: str) -> dict[str, Any]:
    if not isinstance(rule, dict) or not isinstance(rule.get("id"), str):
        raise InputError(f"every {section} rule needs a string id", path=where, field=section)
    rid = rule["id"]
    if section == "addons" and rule.get("category") not in CATEGORIES:
        raise InputError(f"unknown category {rule.get('category')!r} (one of {', '.join(sorted(CATEGORIES))})", path=where, field=f"addons[{rid}].category")
    for i, m in enumerate(_all_matchers(rule)):
        keys = [k for k in m if k in MATCHER_KEYS] if isinstance(m, dict) else []
        if len(keys) != 1:
            raise InputError(f"each evidence item needs exactly one of {', '.join(MATCHER_KEYS)}", path=where, field=f"{section}[{rid}].evidence[{i}]")
        for k in (keys[0], *_REGEX_PARAMS):
            if k in m and k not in ("node_label", "node_annotation", "crd", "kind", "object", "node_label_prefix", "node_annotation_prefix"):
                try:
                    re.compile(str(m[k]))
                except re.error as e:
                    raise InputError(f"bad regex {m[k]!r}: {e}", path=where, field=f"{section}[{rid}].{k}") from None
        w = m.get("weight", 0.3)
        if not isinstance(w, (int, float)) or not 0 <= w <= 1:
            raise InputError("weight must be a number in 0..1", path=where, field=f"{section}[{rid}].evidence[{i}].weight")
    return rule


def _parse(text: str, where: str) -> dict[str, Any]:
    try:
        doc = yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        line = f" at line {mark.line + 1}" if mark else ""
        raise InputError(f"not valid YAML{line}", path=where) from None
    if doc is None:
        return {}
    if not isinstance(doc, dict):
        raise InputError("a rules file must be a mapping with distros/infrastructure/addons/namespaces", path=where)
    unknown = set(doc) - {*SECTIONS, "namespaces", "version", "description"}
    if unknown:
        raise InputError(f"unknown section(s) {', '.join(sorted(unknown))}", path=where)
    return doc


def _merge(rs: RuleSet, doc: dict[str, Any], where: str, *, user: bool) -> list[str]:
    overridden = []
    for sec in SECTIONS:
        items = doc.get(sec) or []
        if not isinstance(items, list):
            raise InputError(f"{sec} must be a list", path=where, field=sec)
        current = getattr(rs, sec)
        index = {r["id"]: i for i, r in enumerate(current)}
        for raw in items:
            rule = _validate(raw, sec, where)
            if rule["id"] in index:
                if not user:
                    raise InputError(f"duplicate rule id {rule['id']!r}", path=where, field=sec)
                current[index[rule["id"]]] = rule
                overridden.append(f"{sec}/{rule['id']}")
            else:
                index[rule["id"]] = len(current)
                current.append(rule)
    ns = doc.get("namespaces") or {}
    for cat in ("system", "platform"):
        for pat in ns.get(cat) or []:
            try:
                re.compile(pat)
            except re.error as e:
                raise InputError(f"bad regex {pat!r}: {e}", path=where, field=f"namespaces.{cat}") from None
            rs.namespaces[cat].append(pat)
    return overridden


def load_rules(extra: list[str | Path] | None = None) -> RuleSet:
    """The built-in rules, then each user file in order (adds rules; same id overrides)."""
    rs = RuleSet()
    base = resources.files("playbooks") / "detection"
    for name in BUILTIN_FILES:
        res = base / name
        _merge(rs, _parse(res.read_text(encoding="utf-8"), f"playbooks/detection/{name}"), f"playbooks/detection/{name}", user=False)
        rs.sources.append(f"builtin:playbooks/detection/{name}")
    for p in extra or []:
        path = Path(p)
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise InputError("rules file not found", path=str(path)) from None
        except (OSError, UnicodeDecodeError) as e:
            raise InputError(f"cannot read rules file ({e})", path=str(path)) from None
        over = _merge(rs, _parse(text, str(path)), str(path), user=True)
        rs.sources.append(f"user:{path}" + (f" (overrides {', '.join(over)})" if over else ""))
    return rs
