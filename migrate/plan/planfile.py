"""plan.json written a object plan at a time: the same bytes as write_artifact(path, plan), without
holding the whole document (100+ MB at 100k objects) in memory as one string and again as bytes."""

from __future__ import annotations

import os
from pathlib import Path

from migrate.models.io import atomic_open
from migrate.models.plan import Plan

__all__ = ["write_plan"]

_MARKER = '\n "objects": []'  # top-level keys are the only lines indented by one space


def write_plan(path: str | os.PathLike, plan: Plan) -> Path:
    """Atomically (temp file, fsync, rename) write plan.json; byte-identical to write_artifact."""
    p = Path(path)
    shell = plan.model_copy(update={"objects": []}).model_dump_json(indent=1, exclude_none=False)
    at = shell.index(_MARKER)
    with atomic_open(p, "w") as f:
        f.write(shell[:at] + '\n "objects": [')
        for i, o in enumerate(plan.objects):
            # an item of a top-level list sits two levels deep: every line of it gets two more spaces
            f.write(("\n  " if i == 0 else ",\n  ") + o.model_dump_json(indent=1, exclude_none=False).replace("\n", "\n  "))
        f.write("\n ]" if plan.objects else "]")
        f.write(shell[at + len(_MARKER):] + "\n")
    return p
