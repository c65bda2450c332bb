"""`distroshift plan` (placeholder until its issue lands)."""

from __future__ import annotations

import typer

from migrate.cli.common import not_built


def register(app: typer.Typer) -> None:
    @app.command("plan", help="(not built yet)", context_settings={"allow_extra_args": True, "ignore_unknown_options": True})
    def _cmd(ctx: typer.Context) -> None:
        not_built("plan", "see the issues")
