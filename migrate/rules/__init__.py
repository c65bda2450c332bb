"""Plan rules: metadata as data plus a pure body `(obj, ctx) -> list[Outcome]` (see base.py).
Built-in families register through registry.py; YAML rules compile through declarative.py."""

from migrate.rules.base import AppliesTo, Drop, Finding, Outcome, Patch, Replace, Rule, RuleContext
from migrate.rules.registry import Registry, builtin_registry, rule

__all__ = ["AppliesTo", "Drop", "Finding", "Outcome", "Patch", "Replace", "Rule", "RuleContext", "Registry", "builtin_registry", "rule"]
