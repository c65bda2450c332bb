"""`distroshift readiness` (before cutover) and `distroshift verify` (parity after cutover)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from migrate.cli.common import ContextOpt, KubeconfigOpt, OutputFormat, OutputOpt, emit, pick

__all__ = ["register"]

EXIT_HELP = "Exit codes: 0 all checks pass, 1 a check failed, 2 bad input or unreachable cluster, 3 could not run."


def _table(report) -> object:
    from rich.table import Table

    what = {"ReadinessResult": "Readiness", "ParityResult": "Parity"}.get(report.header.kind, report.header.kind)
    t = Table(title=f"{what} of {report.target}", expand=False)
    t.add_column("Result", no_wrap=True)
    t.add_column("Check", overflow="fold", max_width=60)
    t.add_column("Detail", overflow="fold", max_width=36)
    for c in sorted(report.checks, key=lambda c: (c.status.value != "Failed", c.id)):
        mark = {"Passed": "[green]PASS[/]", "Failed": "[red]FAIL[/]" if c.failing else "[yellow]WARN[/]",
                "Skipped": "[dim]SKIP[/]", "Error": "[red]ERROR[/]"}[c.status.value]
        detail = c.message
        if c.status.value != "Passed" and c.evidence and c.category == "parity":
            detail += "\n" + "\n".join(c.evidence[:3])  # name the fields that differ
        t.add_row(mark, c.title, detail)
    return t


def _finish(report, out: Optional[str], junit: Optional[str], output: OutputFormat, name: str) -> None:
    from conformance import junit as junit_writer
    from migrate.models.io import write_artifact

    if out:
        write_artifact(out, report)
    if junit:
        junit_writer.write(junit, checks=report.checks, name=name)
    emit(report, output, table=_table(report))
    failing = report.failing
    if failing or not report.checks:
        typer.echo(f"{len(failing)} check(s) failed" if failing else "no checks ran", err=True)
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    @app.command("readiness", help="Check a target cluster can receive a plan (nodes, storage/ingress classes, CRDs, DNS, webhooks, Pod Security). " + EXIT_HELP)
    def readiness(
        ctx: typer.Context,
        plan: Annotated[str, typer.Option("--plan", help="The plan directory (or its plan.json).")],
        kubeconfig: KubeconfigOpt = None,
        context: ContextOpt = None,
        out: Annotated[Optional[str], typer.Option("--out", help="Write readiness.json here.")] = None,
        junit: Annotated[Optional[str], typer.Option("--junit", help="Write JUnit XML here.")] = None,
        output: OutputOpt = OutputFormat.table,
    ) -> None:
        from conformance.checks import run_readiness
        from migrate.cluster import connect

        client = connect(pick(kubeconfig, ctx, "kubeconfig"), pick(context, ctx, "context"))
        client.ensure_reachable()
        _finish(run_readiness(client, plan), out, junit, output, "distroshift readiness")

    @app.command("verify", help="Parity after cutover: every planned object on the target, with the planned content, working. " + EXIT_HELP)
    def verify(
        ctx: typer.Context,
        plan: Annotated[str, typer.Option("--plan", help="The plan directory (or its plan.json).")],
        source_inventory: Annotated[Optional[str], typer.Option("--source-inventory", help="The source inventory.json (replica counts, PVC sizes, Helm releases).")] = None,
        kubeconfig: KubeconfigOpt = None,
        context: ContextOpt = None,
        out: Annotated[Optional[str], typer.Option("--out", help="Write parity.json here.")] = None,
        junit: Annotated[Optional[str], typer.Option("--junit", help="Write JUnit XML here.")] = None,
        output: OutputOpt = OutputFormat.table,
    ) -> None:
        from conformance.checks import run_parity
        from migrate.cluster import connect

        client = connect(pick(kubeconfig, ctx, "kubeconfig"), pick(context, ctx, "context"))
        client.ensure_reachable()
        if source_inventory and not Path(source_inventory).exists():
            from migrate.errors import InputError

            raise InputError("file not found", path=source_inventory)
        _finish(run_parity(client, plan, source_inventory), out, junit, output, "distroshift verify")
