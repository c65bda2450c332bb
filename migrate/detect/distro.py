"""Which distribution and infrastructure a cluster is built on: pure (Facts, rules) -> matches."""

from __future__ import annotations

from typing import Any

from migrate.detect._score import score
from migrate.detect.facts import Facts
from migrate.detect.match import first_value, hits
from migrate.models.detection import DistroMatch, Evidence, InfraMatch

__all__ = ["detect_distro", "detect_infrastructure"]

DEFAULT_MIN = 0.5


def _role(rule: dict[str, Any], f: Facts) -> str | None:
    for r in rule.get("roles") or []:
        if any(True for m in r.get("when") or [] for _ in hits(m, f)):
            return r.get("role")
    return rule.get("default_role")


def detect_distro(f: Facts, rules: list[dict[str, Any]]) -> tuple[DistroMatch | None, list[DistroMatch]]:
    """(best, all candidates best first). A rule with `fallback: true` only applies when nothing else matched."""
    cands: list[tuple[DistroMatch, dict[str, Any]]] = []
    for rule in rules:
        if rule.get("fallback"):
            continue
        conf, ev, _ = score(rule, f)
        if conf >= float(rule.get("min_confidence", DEFAULT_MIN)):
            dm = DistroMatch(
                id=rule["id"], name=rule.get("name", rule["id"]), version=first_value(rule.get("version_from") or [], f),
                role=_role(rule, f), confidence=conf, evidence=ev,
            )
            cands.append((dm, rule))
    cands.sort(key=lambda c: (-c[0].confidence, c[0].id))
    # a more specific distro rules out the one it is built from (RKE2 ships k3s bits, TKGS guests look like TKG)
    excluded: set[str] = set()
    kept: list[DistroMatch] = []
    for dm, rule in cands:
        if dm.id in excluded:
            continue
        kept.append(dm)
        excluded |= set(rule.get("excludes") or [])
    kept = [k for k in kept if k.id not in excluded]
    if not kept:
        for rule in rules:
            if rule.get("fallback"):
                conf, ev, _ = score(rule, f)
                base = float(rule.get("fallback_confidence", 0.3))
                ev = [Evidence(kind="fallback", detail=rule.get("fallback_reason", "no distribution-specific marker found"))] + ev
                kept.append(
                    DistroMatch(id=rule["id"], name=rule.get("name", rule["id"]), version=first_value(rule.get("version_from") or [], f),
                                # positive evidence (kubeadm's own annotations and static pods) earns confidence;
                                # capped, since "kubeadm" also means "a kubeadm-built distro we don't know"
                                role=_role(rule, f), confidence=round(max(base, min(conf, 0.85)), 3), evidence=ev)
                )
                break
    return (kept[0] if kept else None), kept


def detect_infrastructure(f: Facts, rules: list[dict[str, Any]]) -> InfraMatch | None:
    best: InfraMatch | None = None
    fallback = None
    for rule in rules:
        if rule.get("fallback"):
            fallback = rule
            continue
        conf, ev, _ = score(rule, f)
        if conf >= float(rule.get("min_confidence", DEFAULT_MIN)) and (best is None or (conf, best.id) > (best.confidence, rule["id"])):
            best = InfraMatch(id=rule["id"], name=rule.get("name", rule["id"]), confidence=conf, evidence=ev)
    if best is None and fallback is not None and f.nodes:
        conf, ev, _ = score(fallback, f)
        if not any(n.provider_id and "://" in n.provider_id and not n.provider_id.startswith(("k3s://", "rke2://", "kind://")) for n in f.nodes):
            ev = [Evidence(kind="fallback", detail=fallback.get("fallback_reason", "no cloud providerID on any node"))] + ev
            best = InfraMatch(id=fallback["id"], name=fallback.get("name", fallback["id"]), confidence=round(max(float(fallback.get("fallback_confidence", 0.3)), conf), 3), evidence=ev)
    return best
