"""approval: a gate that stops the run with a clear message until it is re-run with --yes."""

from __future__ import annotations

from migrate.playbook.distros import render
from migrate.playbook.steps._common import gate


def run(ctx, step, st) -> None:
    msg = step.params.message
    text = render(ctx, msg, playbook_text=True) if msg else f"approval '{step.id}' required before the next step"
    gate(ctx, st, text)
