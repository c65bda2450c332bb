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
        for r in rules:
            self.add(r)

    def add(self, r: Rule) -> None:
        if not ID_PATTERN.match(r.id):
            raise ValueError(f"rule id {r.id!r} is not of the form <domain>/<family>/<name>")
        if r.id in self._rules:
            raise ValueError(f"rule {r.id} is already registered (from {self._rules[r.id].source})")
        self._rules[r.id] = r

    def rules(self) -> list[Rule]:
        """In run order: priority (high first), then id, so the same input gives the same plan."""
        return sorted(self._rules.values(), key=lambda r: (-r.priority, r.id))

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
