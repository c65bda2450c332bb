"""Pydantic contracts between stages (a leaf package: imports pydantic only)."""

from migrate.models.common import ArtifactHeader, Finding, Model, ObjectRef, Phase, Severity
from migrate.models.detection import AddonMatch, Detection, DistroMatch, Evidence, InfraMatch
from migrate.models.inventory import Inventory
from migrate.models.plan import Decision, Plan

__all__ = [
    "AddonMatch",
    "ArtifactHeader",
    "Decision",
    "Detection",
    "DistroMatch",
    "Evidence",
    "Finding",
    "InfraMatch",
    "Inventory",
    "Model",
    "ObjectRef",
    "Phase",
    "Plan",
    "Severity",
]
