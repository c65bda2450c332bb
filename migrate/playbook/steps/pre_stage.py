"""pre-stage: copy everything to the target while the source keeps serving — in warm standby.

Workloads land on the target scaled to 0, CronJobs suspended and DaemonSets parked, so the two
clusters never both serve or both fire CronJobs; their planned scale is recorded in the state
(target_workloads). The final restore gives them the source's original scale.
velero: the same through a resource-modifier ConfigMap (mergePatches) on the restore.
"""

from __future__ import annotations

from migrate.playbook.steps import _velero_steps
from migrate.playbook.steps._common import apply_manifests, record_target_workloads


def run(ctx, step, st) -> None:
    p = step.params
    n = record_target_workloads(ctx, ctx.manifests) if ctx.has_plan() else 0
    if ctx.engine == "velero":
        b = _velero_steps.backup(ctx, step, st, p)
        _velero_steps.restore(ctx, step, st, p, b, standby=True)
        st.message = (f"backup {b} restored to the target in warm standby (workloads at 0 replicas, CronJobs "
                      "suspended, DaemonSets parked); the source keeps serving")
    else:
        apply_manifests(ctx, st, force=p.force_conflicts, standby=True)
        st.message += "; the source keeps serving"
    st.data["standby_workloads"] = n
