"""Pieces shared by several steps: velero handles, applying with state records, gates."""

from __future__ import annotations

from migrate.cutover.native import NativeApplier
from migrate.cutover.velero import Velero, VeleroCluster
from migrate.errors import GateFailed
from migrate.execs import find_tool
from migrate.models.state import StepState, StepStatus
from migrate.playbook.context import StepContext, crash_point

__all__ = ["velero", "clusters", "applier", "apply_manifests", "gate", "approval", "secret_sources", "record_target_workloads",
           "originals_by_target"]


def velero(ctx: StepContext) -> Velero:
    binary = find_tool("velero", ctx.options.velero)
    return Velero(ctx.runner, binary=binary)


def clusters(ctx: StepContext) -> tuple[VeleroCluster, VeleroCluster]:
    o = ctx.options
    return (
        VeleroCluster("source", o.kubeconfig, o.source_context, o.velero_namespace),
        VeleroCluster("target", o.kubeconfig, o.target_context, o.velero_namespace),
    )


def secret_sources(ctx: StepContext, plan=None) -> dict[tuple[str, str], tuple[str, str]]:
    """(target ns, name) -> (source ns, name) for every Secret in the plan."""
    out = {}
    for op in (plan or ctx.plan).objects:
        if op.source.kind == "Secret" and op.target is not None:
            out[(op.target.namespace or "", op.target.name)] = (op.source.namespace or "", op.source.name)
    return out


def applier(ctx: StepContext, *, force: bool = False, plan=None) -> NativeApplier:
    return NativeApplier(
        ctx.source,
        ctx.target,
        namespace_map=ctx.namespace_map(),
        secret_sources=secret_sources(ctx, plan),
        force=force,
        wait_timeout=ctx.options.wait_timeout,
    )


def apply_objects(ctx: StepContext, st: StepState, manifests: list, *, force: bool = False, plan=None):
    """Apply with every created object recorded in the state *before* it is created."""

    def on_create(rec):
        if not any(a.key == rec.key for a in ctx.state.applied):
            ctx.state.applied.append(rec)
            ctx.save()

    def after_each(n: int):
        crash_point(f"{st.id}:apply:{n}")

    result = applier(ctx, force=force, plan=plan).apply(
        manifests, dry_run=ctx.dry_run, already=ctx.state.applied, on_create=on_create, after_each=after_each, step=st.id
    )
    if not ctx.dry_run:
        keys = {a.key for a in ctx.state.applied}
        for rec in result.applied:
            if rec.key not in keys:
                ctx.state.applied.append(rec)
                keys.add(rec.key)
    return result


def apply_manifests(ctx: StepContext, st: StepState, *, force: bool = False, manifests: list | None = None,
                    plan=None, standby: bool = True) -> None:
    """Apply the plan's manifests; workloads in warm standby (0 replicas, CronJobs suspended,
    DaemonSets parked) unless `standby` is False."""
    from migrate.cutover.native import PV_DATA_NOTE, Manifest
    from migrate.cutover.standby import standby as to_standby

    manifests = ctx.manifests if manifests is None else manifests
    shown = [Manifest(m.file, to_standby(m.obj)) for m in manifests] if standby else manifests
    result = apply_objects(ctx, st, shown, force=force, plan=plan)
    st.actions += result.actions
    st.data["objects"] = len(manifests)
    st.data["applied"] = len(result.applied)
    if any(m.obj.get("kind") == "PersistentVolumeClaim" for m in manifests):
        st.actions.append(PV_DATA_NOTE)
    if result.errors:
        lines = "; ".join(f"{f.ref}: {f.message}" if f.ref else f.message for f in result.errors[:8])
        more = f" (+{len(result.errors) - 8} more)" if len(result.errors) > 8 else ""
        raise GateFailed(f"{len(result.errors)} of {len(manifests)} objects could not be applied to the target: {lines}{more}")
    how = " (workloads in warm standby: 0 replicas, CronJobs suspended, DaemonSets parked)" if standby else ""
    if ctx.dry_run:
        st.message = f"would apply {len(manifests)} objects to the target{how} (server-side dry run where the API allows)"
    else:
        st.message = f"applied {len(result.applied)} objects to the target{how}"


def originals_by_target(ctx: StepContext) -> dict[str, "object"]:
    """Kind/target-namespace/name -> the source's WorkloadRecord from before quiesce."""
    return {f"{r.kind}/{ctx.target_namespace(r.namespace)}/{r.name}": r for r in ctx.state.workloads}


def record_target_workloads(ctx: StepContext, manifests: list, originals: dict | None = None) -> int:
    """Remember the target's workloads with their planned scale (rollback leaves them quiesced)."""
    from migrate.cutover.standby import is_workload, record_of, running

    if ctx.dry_run:
        return 0
    known = {r.key: i for i, r in enumerate(ctx.state.target_workloads)}
    n = 0
    for m in manifests:
        if not is_workload(m.obj):
            continue
        md = m.obj.get("metadata") or {}
        orig = (originals or {}).get(f"{m.obj['kind']}/{md.get('namespace') or ''}/{md.get('name')}")
        rec = record_of(running(m.obj, orig))
        if rec.key in known:
            ctx.state.target_workloads[known[rec.key]] = rec
        else:
            known[rec.key] = len(ctx.state.target_workloads)
            ctx.state.target_workloads.append(rec)
        n += 1
    ctx.save()
    return n


def approval(ctx: StepContext, st: StepState) -> str | None:
    """How this gate is approved, or None: --approve-all passes every gate; --yes only the gate the
    run was waiting at when it was resumed (a later gate stops again)."""
    if getattr(ctx.options, "approve_all", False):
        return "approved (--approve-all)"
    if ctx.options.yes and getattr(ctx, "approved_gate", None) == st.id:
        return "approved (--yes)"
    return None


def gate(ctx: StepContext, st: StepState, text: str) -> None:
    """A manual gate: stops the run (exit 4) until re-run with --resume --yes (see approval())."""
    from migrate.playbook.distros import render

    text = render(ctx, text)
    st.actions.append(text)
    how = approval(ctx, st)
    if how:
        st.message = how
        return
    if ctx.dry_run:
        st.message = "gate: a real run stops here until re-run with --resume --yes"
        return
    st.status = StepStatus.WaitingApproval
    st.message = text
