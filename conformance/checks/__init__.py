"""Native checks (no sonobuoy): readiness of a target before cutover, parity after it."""

from conformance.checks._support import load_manifests, load_plan
from conformance.checks.readiness import check_readiness
from conformance.checks.report import CheckReport, ParityResult, ReadinessResult

__all__ = ["check_readiness", "load_plan", "load_manifests", "CheckReport", "ReadinessResult", "ParityResult",
           "run_readiness", "run_parity", "cluster_uid", "ensure_not_source"]


def _header(kind: str, client):
    from migrate.models.common import ArtifactHeader

    return ArtifactHeader(kind=kind, mode="live", source=client.context or client.server)


def cluster_uid(client) -> str | None:
    """The kube-system namespace's uid: the cluster's identity (ClusterInfo.uid)."""
    try:
        return (client.get("/api/v1/namespaces/kube-system").get("metadata") or {}).get("uid")
    except Exception:  # noqa: BLE001 - no identity is reported as unknown, never as a match
        return None


def ensure_not_source(client, plan, what: str) -> None:
    """Refuse to check the plan's own source cluster as if it were the target (a wrong --context)."""
    from migrate.errors import InputError

    uid = cluster_uid(client)
    moved = [n for n in plan.namespaces if n.migrate]
    if moved and all(n.target != n.source for n in moved):
        return  # a namespace move within one cluster: the source namespaces are not what is checked
    if plan.source.cluster_uid and uid and uid == plan.source.cluster_uid:
        raise InputError(f"context {client.context!r} is the plan's SOURCE cluster ({plan.source.cluster}); "
                         f"{what} checks the target", field="--context")


def run_readiness(client, plan_path, *, only=None, skip=()) -> ReadinessResult:
    """Load the plan and check the target `client` points at; the caller writes the artifact.

    `only`/`skip` take names from readiness.GROUPS (e.g. skip=("crds",) before add-ons are installed).
    """
    plan, mdir = load_plan(plan_path)
    ensure_not_source(client, plan, "readiness")
    checks = check_readiness(client, plan, load_manifests(mdir), only=only, skip=skip)
    return ReadinessResult(header=_header("ReadinessResult", client), target=client.context or client.server,
                           target_uid=cluster_uid(client), plan=str(plan_path), checks=checks)


def run_parity(client, plan_path, inventory_path=None) -> ParityResult:
    from conformance.parity import check_parity
    from migrate.models.inventory import Inventory
    from migrate.models.io import read_artifact

    from migrate.errors import InputError

    plan, mdir = load_plan(plan_path)
    ensure_not_source(client, plan, "parity")
    inv = read_artifact(inventory_path, Inventory) if inventory_path else None
    if inv is not None and inv.cluster.uid and plan.source.cluster_uid and inv.cluster.uid != plan.source.cluster_uid:
        raise InputError(f"is an inventory of cluster {inv.cluster.name or inv.cluster.uid!r}, but the plan was made "
                         f"from {plan.source.cluster or plan.source.cluster_uid!r}", path=str(inventory_path))
    checks = check_parity(client, plan, load_manifests(mdir), inv)
    return ParityResult(header=_header("ParityResult", client), target=client.context or client.server,
                        target_uid=cluster_uid(client), plan=str(plan_path), source_inventory=str(inventory_path or ""),
                        checks=checks)
