"""pre-stage: copy everything to the target while the source keeps serving."""

from __future__ import annotations

from migrate.playbook.steps import _velero_steps
from migrate.playbook.steps._common import apply_manifests


def run(ctx, step, st) -> None:
    p = step.params
    if ctx.engine == "velero":
        b = _velero_steps.backup(ctx, step, st, p)
        _velero_steps.restore(ctx, step, st, p, b)
        st.message = f"backup {b} restored to the target; the source keeps serving"
        return
    apply_manifests(ctx, st, force=p.force_conflicts)
