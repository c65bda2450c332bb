"""Playbooks: a validated list of steps run with gates, resume and rollback (see engine.py)."""

__all__ = ["schema", "engine", "store", "steps"]
