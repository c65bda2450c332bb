"""`distroshift assess`: one command per cluster (inventory -> plan -> assessment report).

Made for fleets: run it once per cluster, e.g. as a Kubernetes Job with in-cluster credentials
(deploy/fleet/), and collect each cluster's folder. Everything it writes is what the separate
commands would write, so a consultant can re-render or re-plan offline.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from migrate.cli.common import ContextOpt, KubeconfigOpt, NamespaceOpt, pick

__all__ = ["register"]


def register(app: typer.Typer) -> None:
    @app.command(
        "assess",
        help="Inventory a cluster (live or --from-dump), plan it onto --target and render the assessment report, "
        "all into --out. Exit codes: 0 no blockers, 1 the plan has blockers, 2 bad input or unreachable cluster.",
    )
    def assess(
        ctx: typer.Context,
        target: Annotated[str, typer.Option("--target", help="Target profile id (rke2, eks, aks, gke, kubeadm, openshift, k3s, ...).")],
        out: Annotated[str, typer.Option("--out", help="Folder for inventory.json, plan/ and assessment.{html,md}.")] = "assessment",
        target_version: Annotated[Optional[str], typer.Option("--target-version", help="Target Kubernetes minor, e.g. 1.31.")] = None,
        from_dump: Annotated[Optional[str], typer.Option("--from-dump", help="Read a dump (List file, manifest folder, sonobuoy tarball) instead of a live cluster.")] = None,
        namespace: NamespaceOpt = None,
        kubeconfig: KubeconfigOpt = None,
        context: ContextOpt = None,
    ) -> None:
        from migrate.inventory import collect_inventory, inventory_from_dump, write_inventory
        from migrate.plan import build_plan
        from reports.render import render_reports

        folder = Path(out)
        folder.mkdir(parents=True, exist_ok=True)
        inv_path = folder / "inventory.json"
        if from_dump:
            inv, objects = inventory_from_dump(from_dump, namespaces=namespace)
        else:
            from migrate.cluster import connect

            client = connect(pick(kubeconfig, ctx, "kubeconfig"), pick(context, ctx, "context"))
            inv, objects = collect_inventory(client, namespaces=namespace)
        write_inventory(inv, inv_path, objects)
        plan = build_plan(str(inv_path), target=target, target_version=target_version, out_dir=str(folder / "plan"))
        reports = render_reports([inv_path, folder / "plan" / "plan.json"], folder / "assessment.html", "html", "assessment")
        reports += render_reports([inv_path, folder / "plan" / "plan.json"], folder / "assessment.md", "md", "assessment")
        distro = inv.detection.distro.name if inv.detection.distro else "unknown distro"
        typer.echo(f"{inv.cluster.name or inv.header.source}: {distro}, {inv.object_count} objects -> {plan.target.profile} "
                   f"{plan.target.kubernetes_version}: {plan.summary.blockers} blocker(s)")
        if not inv.complete:
            typer.echo("warning: the inventory is partial (see inventory.json warnings)", err=True)
        for p in reports:
            typer.echo(f"  {p}")
        if plan.blockers:
            raise typer.Exit(1)
