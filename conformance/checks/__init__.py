"""Native checks (no sonobuoy): readiness of a target before cutover, parity after it."""

from conformance.checks._support import load_manifests, load_plan
from conformance.checks.readiness import check_readiness
from conformance.checks.report import CheckReport, ParityResult, ReadinessResult

__all__ = ["check_readiness", "load_plan", "load_manifests", "CheckReport", "ReadinessResult", "ParityResult",
           "run_readiness", "run_parity"]


def run_readiness(client, plan_path) -> ReadinessResult:
    """Load the plan and check the target `client` points at; the caller writes the artifact."""
    plan, mdir = load_plan(plan_path)
    checks = check_readiness(client, plan, load_manifests(mdir))
    return ReadinessResult(target=client.context or client.server, plan=str(plan_path), checks=checks)


def run_parity(client, plan_path, inventory_path=None) -> ParityResult:
    from conformance.parity import check_parity
    from migrate.models.inventory import Inventory
    from migrate.models.io import read_artifact

    plan, mdir = load_plan(plan_path)
    inv = read_artifact(inventory_path, Inventory) if inventory_path else None
    checks = check_parity(client, plan, load_manifests(mdir), inv)
    return ParityResult(target=client.context or client.server, plan=str(plan_path),
                        source_inventory=str(inventory_path or ""), checks=checks)
