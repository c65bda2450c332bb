"""restore: bring the target up to date from the final copy, then give workloads their original scale.

native: applies the plan of the source as of the final backup (final-backup re-planned the
quiesced source; the first plan when no final-backup ran), workloads in standby first, then every
workload at the source's ORIGINAL scale recorded by quiesce (server-side apply by the same field
manager, so a re-run never conflicts with itself). Secret values are read live from the source.
velero: restores the final backup (taken after quiesce: 0 replicas), then patches the originals back.
"""

from __future__ import annotations

from migrate.cutover import quiesce as q
from migrate.errors import ApiError, GateFailed
from migrate.models.state import StepStatus
from migrate.playbook.steps import _final_plan, _velero_steps
from migrate.playbook.steps._common import apply_manifests, apply_objects, originals_by_target, record_target_workloads


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
        found = _live_on_target(ctx, st, r)
        if found is None:
            continue
        res, ns, live = found
        spec = live.get("spec") or {}
        have = spec.get("suspend", False) if r.kind == "CronJob" else spec.get("replicas")
        if have == (bool(r.suspend) if r.kind == "CronJob" else r.replicas):
            continue
        ctx.target.patch(res.path(ns, r.name), body, kind="merge", dry_run=ctx.dry_run)
        st.actions.append(f"target {r.kind} {ns}/{r.name}: {want} (as on the source before quiesce)")


def _live_on_target(ctx, st, r):
    """(resource, target namespace, live object) of a recorded workload; None (noted) when missing."""
    ns = ctx.target_namespace(r.namespace)
    res = ctx.target.resource_for(r.api_version, r.kind)
    if res is None:
        return None
    try:
        return res, ns, ctx.target.get(res.path(ns, r.name))
    except ApiError as e:
        if e.status == 404:
            st.actions.append(f"! {r.kind} {ns}/{r.name} missing on the target")
            return None
        raise


def _unpark_target(ctx, st, r) -> None:
    found = _live_on_target(ctx, st, r)
    if found is None:
        return
    res, ns, live = found
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
        if ctx.has_plan():
            record_target_workloads(ctx, ctx.final_manifests, originals_by_target(ctx))
        _velero_steps.restore(ctx, step, st, p, backup)
        drift = _final_plan.final_summary(ctx)
        st.message = f"backup {backup} restored to the target" + (f" (drift since the first plan: {drift})" if drift else "")
        _rescale_target(ctx, st)
        return
    manifests, plan = ctx.final_manifests, ctx.final_plan
    originals = originals_by_target(ctx)
    record_target_workloads(ctx, manifests, originals)
    apply_manifests(ctx, st, force=p.force_conflicts, manifests=manifests, plan=plan, standby=True)
    applied = st.message
    n = _scale_up_native(ctx, st, manifests, plan, originals, force=p.force_conflicts)
    drift = _final_plan.final_summary(ctx)
    what = "the source as of the final backup" if ctx.state.final_plan_dir else "the plan (no final-backup re-plan)"
    st.message = (f"{applied.split(' (workloads')[0]} — {what}" + (f"; drift since the first plan: {drift}" if drift else "")
                  + f"; {n} workload(s) {'would be ' if ctx.dry_run else ''}set to the source's original scale")


def _scale_up_native(ctx, st, manifests, plan, originals, *, force: bool) -> int:
    """Re-apply each workload at its original scale (recorded by quiesce; else as planned)."""
    from migrate.cutover.native import Manifest
    from migrate.cutover.standby import is_workload, running, scale_fields

    ups = []
    for m in manifests:
        if not is_workload(m.obj):
            continue
        md = m.obj.get("metadata") or {}
        obj = running(m.obj, originals.get(f"{m.obj['kind']}/{md.get('namespace') or ''}/{md.get('name')}"))
        ups.append(Manifest(m.file, obj))
        scale = ", ".join(f"{k} {v}" for k, v in scale_fields(obj).items())
        st.actions.append(f"{'would set' if ctx.dry_run else 'set'} target {obj['kind']} {md.get('namespace')}/{md.get('name')}: "
                          f"{scale} (as on the source before quiesce)")
    if not ups:
        return 0
    res = apply_objects(ctx, st, ups, force=force, plan=plan)
    if res.errors:
        raise GateFailed("could not set the target's workloads to their original scale: "
                         + "; ".join(f"{f.ref}: {f.message}" for f in res.errors[:8]))
    return len(ups)
