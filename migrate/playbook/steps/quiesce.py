"""quiesce: scale source workloads to 0, suspend CronJobs, park DaemonSets — only once a copy is safe.

velero: a backup of the source must have Completed. native: the target copy must have been applied
and verified. The original counts are saved in the state before anything is scaled.
"""

from __future__ import annotations

from migrate.cutover import quiesce as q
from migrate.errors import PermanentError
from migrate.models.state import StepStatus
from migrate.playbook.context import crash_point


def _safe_copy(ctx, st) -> str:
    steps = ctx.state.steps
    idx = next(i for i, s in enumerate(steps) if s.id == st.id)
    before = steps[:idx]
    if ctx.engine == "velero":
        for s in before:
            if s.type in ("pre-stage", "final-backup") and s.status == StepStatus.Completed and s.data.get("backup_phase") == "Completed":
                return f"backup {s.data['backup']} Completed"
        if ctx.dry_run and any(s.type in ("pre-stage", "final-backup") for s in before):
            return "dry run: a real run requires the earlier backup to have Completed"
        raise PermanentError("refusing to quiesce the source: no Completed velero backup of it yet (add a pre-stage step before quiesce)")
    applied_at = None
    for i, s in enumerate(before):
        if s.type in ("pre-stage", "restore") and (s.status == StepStatus.Completed or ctx.dry_run):
            applied_at = i
    if applied_at is not None:
        for s in before[applied_at + 1:]:
            if s.type == "verify" and (s.status == StepStatus.Completed or ctx.dry_run):
                return f"target copy applied ({before[applied_at].id}) and verified ({s.id})"
    raise PermanentError(
        "refusing to quiesce the source: the target copy has not been applied and verified yet "
        "(the native engine needs pre-stage then verify before quiesce)"
    )


def run(ctx, step, st) -> None:
    why = _safe_copy(ctx, st)
    st.actions.append(f"safe to quiesce: {why}")
    nss = ctx.source_namespaces()
    current = q.discover(ctx.source, nss, step.params.kinds)
    records = q.merge_records(ctx.state.workloads, current)
    if ctx.dry_run:
        todo = [r for r in records if not r.quiesced and (r.kind == "DaemonSet" or (r.kind == "CronJob" and not r.suspend)
                                                          or (r.kind not in ("CronJob", "DaemonSet") and r.replicas))]
        st.actions += [f"would change {q.describe_change(r)}" for r in todo]
        st.message = f"dry run: {len(todo)} workload(s) would be scaled down/suspended"
        return
    ctx.state.workloads = records
    ctx.save()  # the originals are on disk before anything is changed
    crash_point(f"{st.id}:recorded")
    actions = q.quiesce(ctx.source, ctx.state.workloads, saved=ctx.save)
    st.actions += actions
    st.data["quiesced"] = sum(1 for r in records if r.quiesced)
    st.message = f"{len(actions)} workload(s) scaled to 0 / suspended / parked on the source (originals saved in the state)"
