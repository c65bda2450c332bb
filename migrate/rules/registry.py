"""One registry for built-in and user rules (Velero's pattern: built-ins register like plugins)."""

from __future__ import annotations

import re
from typing import Callable, Iterable

from migrate.rules.base import AppliesTo, Rule, RuleBody

__all__ = ["Registry", "rule", "builtin_registry", "BUILTIN_FAMILIES", "ID_PATTERN"]

ID_PATTERN = re.compile(r"^[a-z0-9.-]+/[a-z0-9-]+/[a-z0-9.-]+$")
BUILTIN_FAMILIES = (
    "scope", "strip", "apiversions", "kinds", "storage", "ingress", "images",
    "podsecurity", "placement", "namespaces", "addons",
)

_BUILTIN: list[Rule] = []


class Registry:
    def __init__(self, rules: Iterable[Rule] = ()):
        self._rules: dict[str, Rule] = {}
        self._by_kind: dict[str, tuple[Rule, ...]] = {}
        for r in rules:
            self.add(r)

    def add(self, r: Rule) -> None:
        if not ID_PATTERN.match(r.id):
            raise ValueError(f"rule id {r.id!r} is not of the form <domain>/<family>/<name>")
        if r.id in self._rules:
            raise ValueError(f"rule {r.id} is already registered (from {self._rules[r.id].source})")
        self._rules[r.id] = r
        self._by_kind.clear()

    def rules(self) -> list[Rule]:
        """In run order: priority (high first), then id, so the same input gives the same plan."""
        return sorted(self._rules.values(), key=lambda r: (-r.priority, r.id))

    def rules_for(self, kind: str) -> tuple[Rule, ...]:
        """The rules whose applies_to admits this kind, in run order (an index: the engine asks once
        per object, so a scan of every rule would be paid 100k times). Groups and namespaces are
        still checked per object with applies_to.matches."""
        hit = self._by_kind.get(kind)
        if hit is None:
            hit = self._by_kind[kind] = tuple(r for r in self.rules() if not r.applies_to.kinds or kind in r.applies_to.kinds)
        return hit

    def get(self, rule_id: str) -> Rule | None:
        return self._rules.get(rule_id)

    def __len__(self) -> int:
        return len(self._rules)


def rule(
    id: str,
    *,
    applies_to: AppliesTo = AppliesTo(),
    priority: int = 50,
    version: str = "1",
) -> Callable[[RuleBody], RuleBody]:
    """Decorator for built-in rule bodies; the docstring is the rule's doc."""

    def deco(fn: RuleBody) -> RuleBody:
        _BUILTIN.append(Rule(id=id, body=fn, version=version, applies_to=applies_to, priority=priority,
                             doc=(fn.__doc__ or "").strip()))
        return fn

    return deco


def builtin_registry() -> Registry:
    """Every built-in rule (importing the family modules registers them)."""
    import importlib

    for fam in BUILTIN_FAMILIES:
        importlib.import_module(f"migrate.rules.{fam}")
    return Registry(_BUILTIN)
