"""restore: bring the target up to date from the final copy, then give workloads their original scale."""

from __future__ import annotations

from migrate.cutover import quiesce as q
from migrate.errors import ApiError, GateFailed
from migrate.models.state import StepStatus
from migrate.playbook.steps import _velero_steps
from migrate.playbook.steps._common import apply_manifests


def _rescale_target(ctx, st) -> None:
    """A backup taken after quiesce holds 0 replicas (and parked DaemonSets): set the target back to
    the source's originals."""
    for r in ctx.state.workloads:
        if r.kind == "DaemonSet":
            _unpark_target(ctx, st, r)
            continue
        if r.kind == "CronJob":
            body, want = {"spec": {"suspend": bool(r.suspend)}}, f"suspend {str(bool(r.suspend)).lower()}"
        else:
            body, want = {"spec": {"replicas": r.replicas}}, f"replicas {r.replicas}"
        ns = ctx.target_namespace(r.namespace)
        res = ctx.target.resource_for(r.api_version, r.kind)
        if res is None:
            continue
        try:
            live = ctx.target.get(res.path(ns, r.name))
        except ApiError as e:
            if e.status == 404:
                st.actions.append(f"! {r.kind} {ns}/{r.name} missing on the target")
                continue
            raise
        spec = live.get("spec") or {}
        have = spec.get("suspend", False) if r.kind == "CronJob" else spec.get("replicas")
        if have == (bool(r.suspend) if r.kind == "CronJob" else r.replicas):
            continue
        ctx.target.patch(res.path(ns, r.name), body, kind="merge", dry_run=ctx.dry_run)
        st.actions.append(f"target {r.kind} {ns}/{r.name}: {want} (as on the source before quiesce)")


def _unpark_target(ctx, st, r) -> None:
    ns = ctx.target_namespace(r.namespace)
    res = ctx.target.resource_for(r.api_version, r.kind)
    if res is None:
        return
    try:
        live = ctx.target.get(res.path(ns, r.name))
    except ApiError as e:
        if e.status == 404:
            st.actions.append(f"! {r.kind} {ns}/{r.name} missing on the target")
            return
        raise
    sel = ((((live.get("spec") or {}).get("template") or {}).get("spec") or {}).get("nodeSelector")) or {}
    if q.QUIESCE_SELECTOR[0] not in sel:
        return  # not parked (the native engine applies the plan's manifests)
    kind, body = q.unpark_patch(r.node_selector)
    ctx.target.patch(res.path(ns, r.name), body, kind=kind, dry_run=ctx.dry_run)
    st.actions.append(f"target {r.kind} {ns}/{r.name}: nodeSelector as on the source before quiesce")


def run(ctx, step, st) -> None:
    p = step.params
    if ctx.engine == "velero":
        backup = None
        for s in reversed(ctx.state.steps[: next(i for i, s in enumerate(ctx.state.steps) if s.id == st.id)]):
            if s.type in ("final-backup", "pre-stage") and s.data.get("backup") and (s.status == StepStatus.Completed or ctx.dry_run):
                backup = s.data["backup"]
                break
        if backup is None:
            raise GateFailed("nothing to restore: no earlier backup step Completed")
        _velero_steps.restore(ctx, step, st, p, backup)
        st.message = f"backup {backup} restored to the target"
    else:
        apply_manifests(ctx, st, force=p.force_conflicts)
    _rescale_target(ctx, st)
