"""`distroshift demo`: run the whole pipeline on simulated clusters and write every report."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

__all__ = ["register"]


def register(app: typer.Typer) -> None:
    @app.command(
        "demo",
        help=(
            "Start a simulated source and target cluster, run inventory -> plan -> readiness -> cutover (native engine) "
            "-> parity -> conformance (replays the shipped recorded RKE2 v1.28.1 sonobuoy result; no e2e tests run) -> "
            "reports, and print where the reports are. Pairs: dkp->rke2 (default), tkg->eks, openshift->kubeadm. "
            "Exit 1 when any stage ends GATE or FAILED."
        ),
    )
    def _cmd(
        source: Annotated[str, typer.Option("--source", help="Simulated source cluster: dkp, tkg or openshift.")] = "dkp",
        target: Annotated[Optional[str], typer.Option("--target", help="Simulated target (default: the source's pair).")] = None,
        out: Annotated[Path, typer.Option("--out", help="Directory for artifacts and reports.")] = Path("distroshift-demo"),
        keep: Annotated[bool, typer.Option("--keep", help="Leave the simulated clusters running (kubeconfig printed) until Ctrl-C.")] = False,
        tarball: Annotated[
            Optional[Path], typer.Option("--conformance-tarball", help="Recorded sonobuoy results to replay (default: the shipped one).")
        ] = None,
    ) -> None:
        from migrate.demo import run_demo
        from migrate.errors import GateFailed

        result = run_demo(source, target, out, keep=keep, tarball=tarball, echo=typer.echo)
        typer.echo("")
        if result.reports:
            typer.echo("Reports:")
            for p in result.reports:
                if p.suffix == ".html":
                    typer.echo(f"  {p}")
            typer.echo(f"Markdown versions beside them; artifacts and demo.log in {result.out_dir}")
        missing = [s.stage for s in result.stages if s.status == "unavailable"]
        if missing:
            typer.echo(f"Not available here: {', '.join(missing)} (the reports cover what ran).")
        # A stage that ended GATE or FAILED means the demo did not show a clean migration: CI must see it.
        if result.not_ok:
            names = ", ".join(f"{s.stage} ({'GATE' if s.status == 'gate-failed' else 'FAILED'})" for s in result.not_ok)
            raise GateFailed(f"demo stage(s) did not pass: {names}; see {result.out_dir / 'demo.log'}")
