"""`distroshift sim serve|list`: run a simulated cluster for demos, CI and manual poking."""

from __future__ import annotations

import signal
import threading
from typing import Annotated, Optional

import typer

from migrate.errors import InputError

__all__ = ["register"]


def register(app: typer.Typer) -> None:
    sim = typer.Typer(help="Simulated Kubernetes API servers (shipped clusters or snapshot directories).",
                      no_args_is_help=True)
    app.add_typer(sim, name="sim")

    @sim.command("serve")
    def serve_cmd(
        cluster: Annotated[str, typer.Argument(help="A shipped cluster name (see `sim list`) or a snapshot directory.")],
        kubeconfig_out: Annotated[str, typer.Option("--kubeconfig-out", help="Write the kubeconfig here (mode 0600).")],
        port: Annotated[int, typer.Option("--port", help="Port on 127.0.0.1 (0 = any free port).")] = 0,
        token: Annotated[Optional[str], typer.Option("--token", help="Bearer token to accept (default: random).")] = None,
        no_workload_sim: Annotated[
            bool, typer.Option("--no-workload-sim", help="Do not simulate controllers (no ReplicaSets/Pods/readiness).")
        ] = False,
        never_ready: Annotated[
            Optional[list[str]],
            typer.Option("--never-ready", help='Workloads that never become ready, e.g. "shop/db" or "shop/*" (repeatable).'),
        ] = None,
    ) -> None:
        """Serve a simulated cluster until Ctrl-C."""
        from migrate.sim import start

        if not 0 <= port <= 65535:
            raise InputError("must be between 0 and 65535", field="--port")
        try:
            sim_server = start(cluster, workload_sim=not no_workload_sim, never_ready=list(never_ready or ()),
                               token=token, port=port, kubeconfig_out=kubeconfig_out)
        except OSError as e:
            raise InputError(f"cannot listen: {e.strerror or e}", field="--port") from None
        stop = threading.Event()
        previous = signal.signal(signal.SIGTERM, lambda *_: stop.set())
        try:
            # the token stays in the 0600 kubeconfig; it is never printed
            typer.echo(f"serving cluster {sim_server.name!r} ({sim_server.version.get('gitVersion')}) at {sim_server.url}")
            typer.echo(f"kubeconfig: {sim_server.kubeconfig}")
            typer.echo(f"try: kubectl --kubeconfig {sim_server.kubeconfig} get ns    (Ctrl-C to stop)")
            while not stop.wait(0.5):
                pass
        finally:
            signal.signal(signal.SIGTERM, previous)
            sim_server.stop()

    @sim.command("list")
    def list_cmd() -> None:
        """List the shipped simulated clusters."""
        from migrate.sim import shipped_clusters

        rows = shipped_clusters()
        if not rows:
            typer.echo("no shipped clusters found")
            return
        width = max(len(n) for n, _, _ in rows)
        for name, version, desc in rows:
            typer.echo(f"{name:<{width}}  {version:<10}  {desc}".rstrip())
