"""Entry point: the root `distroshift` app and the one place that turns exceptions into exit codes."""

from __future__ import annotations

import importlib
import sys
from typing import Annotated, Optional

import typer

from migrate import __version__
from migrate.cli.common import GlobalOptions
from migrate.errors import DistroshiftError

__all__ = ["app", "run"]

app = typer.Typer(
    name="distroshift",
    help="Move workloads from one Kubernetes distribution to another, and prove the new cluster is conformant.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)

# One module per command; each exposes register(app).
COMMAND_MODULES = [
    "migrate.cli.demo_cmd",
    "migrate.cli.sim_cmd",
    "migrate.cli.inventory_cmd",
    "migrate.cli.plan_cmd",
    "migrate.cli.assess_cmd",
    "migrate.cli.conformance_cmd",
    "migrate.cli.verify_cmd",
    "migrate.cli.run_cmd",
    "migrate.cli.report_cmd",
]


def _version(value: bool) -> None:
    if value:
        typer.echo(f"distroshift {__version__}")
        raise typer.Exit(0)


@app.callback()
def root(
    ctx: typer.Context,
    kubeconfig: Annotated[Optional[str], typer.Option("--kubeconfig", help="Path to the kubeconfig file.")] = None,
    context: Annotated[Optional[str], typer.Option("--context", help="The kubeconfig context to use.")] = None,
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version and exit.")
    ] = False,
) -> None:
    ctx.obj = GlobalOptions(kubeconfig=kubeconfig, context=context)


for _mod in COMMAND_MODULES:
    importlib.import_module(_mod).register(app)


def _click_modules() -> tuple:
    """typer >= 0.20 vendors click as typer._click; older typer raises real click exceptions."""
    mods = []
    try:
        from typer import _click

        mods.append(_click)
    except ImportError:
        pass
    try:
        import click

        mods.append(click)
    except ImportError:
        pass
    return tuple(mods)


def run(argv: list[str] | None = None) -> int:
    """Console entry point. User errors: one line on stderr and the error's exit code."""
    try:
        # non-standalone click returns typer.Exit's code instead of raising it
        rc = app(args=argv, prog_name="distroshift", standalone_mode=False)
    except DistroshiftError as e:
        sys.stderr.write(f"error: {e}\n")
        return _exit(e.exit_code, argv)
    except KeyboardInterrupt:
        sys.stderr.write("interrupted\n")
        return _exit(130, argv)
    except typer.Exit as e:
        return _exit(e.exit_code, argv)
    except OSError as e:
        # a path the user gave cannot be read or written (missing directory, a file where a folder
        # is needed, permissions): their input, so one line and exit 2
        where = f"{e.filename}: " if e.filename else ""
        sys.stderr.write(f"error: {where}{e.strerror or e}\n")
        return _exit(2, argv)
    except Exception as e:  # click usage errors arrive here in non-standalone mode
        if type(e).__name__ == "Abort":  # click's (or typer's) Ctrl-C
            sys.stderr.write("interrupted\n")
            return _exit(130, argv)
        for click in _click_modules():
            if isinstance(e, click.exceptions.ClickException):
                msg = " ".join(e.format_message().split())
                sys.stderr.write(f"error: {msg}\n")
                return _exit(2 if isinstance(e, click.exceptions.UsageError) else e.exit_code, argv)
        raise
    if rc == 130:
        sys.stderr.write("interrupted\n")
    return _exit(rc if isinstance(rc, int) else 0, argv)


def _exit(code: int, argv: list[str] | None) -> int:
    if argv is None:  # called as the console script
        sys.exit(code)
    return code


if __name__ == "__main__":
    run()
