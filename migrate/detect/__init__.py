"""Detection: pure functions from inventory facts + rule data to a Detection with evidence.

    from migrate.detect import load_rules, detect
    rules = load_rules(["my-rules.yaml"])          # built-in playbooks/detection/*.yaml + overrides
    detection = detect(inventory, notable_objects, rules)

No cluster access and no clock: the same facts and rules always give the same Detection.
"""

from __future__ import annotations

from typing import Any, Iterable

from migrate.detect.addons import detect_addons
from migrate.detect.distro import detect_distro, detect_infrastructure
from migrate.detect.facts import Facts
from migrate.detect.rules import RuleSet, load_rules
from migrate.models.detection import Detection

__all__ = ["Facts", "RuleSet", "load_rules", "detect", "detect_facts", "detect_addons", "detect_distro", "detect_infrastructure"]


def detect_facts(facts: Facts, rules: RuleSet) -> Detection:
    best, cands = detect_distro(facts, rules.distros)
    return Detection(
        distro=best,
        candidates=cands,
        infrastructure=detect_infrastructure(facts, rules.infrastructure),
        addons=detect_addons(facts, rules.addons, best.id if best else None),
        rules_sources=list(rules.sources),
    )


def detect(inventory: Any, notable: Iterable[dict[str, Any]] = (), rules: RuleSet | None = None) -> Detection:
    return detect_facts(Facts.build(inventory, notable), rules or load_rules())
