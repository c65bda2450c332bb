"""`distroshift report`: render assessment / conformance / cutover reports from artifacts, offline."""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer

__all__ = ["register"]


class ReportFormat(str, Enum):
    html = "html"
    md = "md"


class ReportKind(str, Enum):
    auto = "auto"
    assessment = "assessment"
    conformance = "conformance"
    cutover = "cutover"


def register(app: typer.Typer) -> None:
    @app.command(
        "report",
        help=(
            "Render a report from artifacts (inventory.json, plan.json, readiness.json, conformance.json, state.json, "
            "parity.json). With --kind auto every report the artifacts support is written; when there are several, "
            "each file gets '-<kind>' before the suffix of --out (or, for a directory, is <kind>.html inside it)."
        ),
    )
    def _cmd(
        artifacts: Annotated[list[Path], typer.Argument(help="Artifact files written by the other commands.", show_default=False)],
        # a str, not a Path: Path("newdir/") drops the trailing slash that says "a directory"
        out: Annotated[
            Optional[str],
            typer.Option("--out", help="Report file to write (default report.html / report.md), or a directory: "
                                       "a trailing slash or an existing directory gets <kind>.html inside (created if missing)."),
        ] = None,
        fmt: Annotated[ReportFormat, typer.Option("--format", help="html (self-contained page) or md (for tickets and PRs).")] = ReportFormat.html,
        kind: Annotated[ReportKind, typer.Option("--kind", help="Which report; auto picks from the artifacts given.")] = ReportKind.auto,
    ) -> None:
        from reports.render import render_reports

        if out is None:
            out = f"report.{fmt.value}"
        for p in render_reports(artifacts, out, fmt=fmt.value, kind=kind.value):
            typer.echo(str(p))
