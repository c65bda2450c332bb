"""Runs a playbook: steps in order, state saved at every step boundary, gates, resume, rollback.

Safety rules enforced here and in the steps:
* the playbook is validated before any cluster is touched;
* state.json is written atomically when a step starts and when it ends (and before every object
  the run creates), so a crash or Ctrl-C can always be resumed or rolled back;
* a step that was Running when the process died is simply re-run: every step is idempotent
  (server-side apply; velero names derived from the run id and adopted when found; quiesce never
  re-reads an original replica count it already saved);
* the source is never scaled down before a safe copy exists (see steps/quiesce.py), never deleted.
"""

from __future__ import annotations

import secrets
import time
from datetime import datetime, timezone
from typing import Any, Callable

from migrate.errors import DistroshiftError, GateFailed, InputError, TemporaryError
from migrate.execs import Runner, SubprocessRunner
from migrate.models.common import now_utc
from migrate.models.state import (
    RollbackState,
    RunEvent,
    RunState,
    RunStatus,
    StepState,
    StepStatus,
)
from migrate.playbook.context import RunOptions, StepContext, crash_point
from migrate.playbook.schema import Playbook, load_playbook
from migrate.playbook.steps import handler
from migrate.playbook.store import StateStore

__all__ = ["RunOptions", "run_playbook", "rollback_run", "new_run_id", "WaitingAtGate", "EXIT_WAITING"]

TEMPORARY_RETRIES = 3
EXIT_WAITING = 4


class WaitingAtGate(DistroshiftError):
    """Paused at a gate (approval, switch-traffic, install-addons): not a failure. Exit 4, so CI can
    tell "waiting; re-run with --resume --yes" from "failed" (1)."""

    exit_code = EXIT_WAITING


def _same_path(a: str | None, b: str | None) -> bool:
    from pathlib import Path

    return Path(a).expanduser().resolve() == Path(b).expanduser().resolve() if a and b else a == b


def new_run_id() -> str:
    return datetime.now(timezone.utc).strftime("%Y%m%d%H%M%S") + "-" + secrets.token_hex(3)


def _new_state(opts: RunOptions, pb: Playbook, engine: str) -> RunState:
    return RunState(
        run_id=new_run_id(),
        playbook=opts.playbook,
        playbook_name=pb.name,
        playbook_digest=pb.digest(),
        engine=engine,  # type: ignore[arg-type]
        source_context=opts.source_context,
        target_context=opts.target_context,
        plan_dir=_resolved(opts.plan),
        dry_run=opts.dry_run,
        steps=[StepState(id=s.id, type=s.type) for s in pb.steps],
    )


def _resolved(p: str | None) -> str | None:
    from pathlib import Path

    return str(Path(p).expanduser().resolve()) if p else None


def _open_state(opts: RunOptions, pb: Playbook, store: StateStore) -> tuple[RunState, str]:
    """Load (resume) or start a state; refuse anything ambiguous in one line."""
    engine = opts.engine or pb.engine
    if engine not in ("native", "velero"):
        raise InputError(f"unknown engine {engine!r} (native or velero)", field="--engine")
    if opts.resume or opts.rollback:
        if not store.exists():
            if opts.rollback:
                raise InputError("no state file to roll back (nothing was run with it)", path=str(store.path))
            raise InputError("no state file to resume; run without --resume first", path=str(store.path))
        state = store.load(playbook_digest=pb.digest())
        if opts.resume and (state.rollback is not None or state.status in (RunStatus.RollingBack, RunStatus.RolledBack)):
            done = state.status == RunStatus.RolledBack or (state.rollback is not None and state.rollback.finished_at)
            how = "was rolled back" if done else "is being rolled back (finish it with --rollback)"
            raise InputError(f"run {state.run_id} {how} and cannot be resumed: start a new run with a new --state file",
                             path=str(store.path))
        if opts.engine and opts.engine != state.engine:
            raise InputError(
                f"this run uses the {state.engine} engine; --engine {opts.engine} cannot change it mid-run",
                path=str(store.path), field="engine",
            )
        for flag, val, have in (("--source-context", opts.source_context, state.source_context),
                                ("--target-context", opts.target_context, state.target_context)):
            if val and have and val != have:
                raise InputError(f"this run used {flag} {have}, not {val}", path=str(store.path), field=flag)
        if opts.plan and state.plan_dir and not _same_path(opts.plan, state.plan_dir):
            raise InputError(f"this run used --plan {state.plan_dir}, not {opts.plan}", path=str(store.path), field="plan_dir")
        # known steps keep their records; the playbook digest guarantees the same list
        return state, state.engine
    if store.exists() and not opts.dry_run:
        prior = store.load()
        raise InputError(
            f"already holds run {prior.run_id} of {prior.playbook_name!r} ({prior.status.value}); "
            "use --resume to continue it, --rollback to undo it, or another --state file",
            path=str(store.path),
        )
    return _new_state(opts, pb, engine), engine


def _make_context(opts, pb, state, store, engine, clients, echo, runner) -> StepContext:
    source, target = clients

    def save() -> None:
        if not opts.dry_run:
            store.save(state)

    ctx = StepContext(options=opts, state=state, source=source, target=target, engine=engine, save=save,
                      echo=echo, runner=runner or SubprocessRunner(), namespaces=list(pb.namespaces),
                      playbook=pb)
    if opts.plan and not state.plan_dir:
        state.plan_dir = _resolved(opts.plan)
    return ctx


def run_playbook(
    opts: RunOptions,
    *,
    clients: tuple[Any, Any] | Callable[[], tuple[Any, Any]],
    echo: Callable[[str], None] = print,
    runner: Runner | None = None,
) -> RunState:
    """Run (or resume, or dry-run) a playbook. `clients` = (source, target) cluster clients or a
    factory for them (called only after the playbook and state were validated)."""
    pb = load_playbook(opts.playbook)
    store = StateStore(opts.state)
    if opts.rollback:
        return rollback_run(opts, clients=clients, echo=echo)
    store.check_usable()
    state, engine = _open_state(opts, pb, store)
    if callable(clients):
        clients = clients()
    ctx = _make_context(opts, pb, state, store, engine, clients, echo, runner)
    mode = "DRY RUN — nothing will be changed on either cluster" if opts.dry_run else f"state: {store.path}"
    _check_identity(ctx, store, echo)
    echo(f"playbook {pb.name} · engine {engine} · run {state.run_id} · {mode}")
    if opts.resume:
        state.events.append(RunEvent(message="resumed"))
    _approval_scope(ctx, echo)
    state.status = RunStatus.Running
    ctx.save()

    total = len(pb.steps)
    would_stop: list[str] = []  # dry run: what would have stopped a real run
    for i, step in enumerate(pb.steps, start=1):
        st = state.step(step.id)
        head = f"[{i}/{total}] {step.id}"
        if st.status in (StepStatus.Completed, StepStatus.Skipped):
            echo(f"{head}: {st.status.value} earlier — {st.message}")
            continue
        if st.status == StepStatus.Running:
            echo(f"{head}: was interrupted during attempt {st.attempts}; running it again (steps are idempotent)")
        st.status = StepStatus.Running
        st.attempts += 1
        st.started_at = now_utc()
        st.finished_at = None
        st.actions = []
        st.message = ""
        ctx.save()
        crash_point(f"{step.id}:start")
        try:
            _run_with_retries(ctx, step, st)
        except KeyboardInterrupt:
            st.message = "interrupted (Ctrl-C); --resume re-runs this step"
            state.status = RunStatus.Interrupted
            state.events.append(RunEvent(step=step.id, message="interrupted"))
            ctx.save()
            raise
        except DistroshiftError as e:
            # bad input (2) and could-not-run (3) stop a dry run at once, exactly as a real run;
            # only what a real run would stop at (1) is collected and listed at the end
            if opts.dry_run and e.exit_code not in (2, 3):
                # a preview goes on: every step shows what it would do; the stops are listed at the end
                st.status = StepStatus.Failed
                st.message = str(e)
                would_stop.append(f"{step.id}: {e}")
                _print_actions(echo, st)
                echo(f"{head}: a real run would stop here: {e}")
                continue
            st.status = StepStatus.Failed
            st.finished_at = now_utc()
            st.message = str(e)
            state.status = RunStatus.Failed
            state.events.append(RunEvent(step=step.id, message=f"failed: {e}"))
            ctx.save()
            _print_actions(echo, st)
            echo(f"{head}: Failed")
            hint = "fix the cause and --resume, or --rollback to restore the source"
            raise type(e)(f"step {step.id!r} failed: {e} ({hint})") if isinstance(e, GateFailed) else e
        st.finished_at = now_utc()
        if st.status == StepStatus.Running:
            st.status = StepStatus.Completed
        _print_actions(echo, st)
        if st.status == StepStatus.WaitingApproval:
            state.status = RunStatus.WaitingApproval
            ctx.save()
            echo(f"{head}: waiting for approval")
            raise WaitingAtGate(f"step {step.id!r} needs approval: {st.message} (re-run with --resume --yes)")
        state.events.append(RunEvent(step=step.id, message=st.status.value))
        ctx.save()
        echo(f"{head}: {st.status.value}" + (f" — {st.message}" if st.message else ""))
        crash_point(f"{step.id}:end")
    if would_stop:
        echo(f"dry run: nothing was changed; a real run would stop at {len(would_stop)} step(s):")
        for w in would_stop:
            echo(f"    {w}")
        raise GateFailed(f"dry run: a real run would stop at {len(would_stop)} step(s): " + "; ".join(w[:300] for w in would_stop))
    state.status = RunStatus.Completed
    ctx.save()
    echo("run completed" + (" (dry run: nothing was changed)" if opts.dry_run else ""))
    if not opts.dry_run:
        _where_to_verify(ctx, echo)
    return state


def _approval_scope(ctx: StepContext, echo) -> None:
    """--yes approves the one gate the run is waiting at (recorded in the state), never a later one:
    each gate guards a different irreversible-looking action (scaling the source down, switching
    traffic). --approve-all is the explicit opt-in for unattended runs."""
    opts, state = ctx.options, ctx.state
    if opts.approve_all:
        echo("--approve-all: every gate of this run passes without stopping")
        return
    if not opts.yes:
        return
    waiting = next((s for s in state.steps if s.status == StepStatus.WaitingApproval), None)
    if opts.resume and waiting is not None:
        ctx.approved_gate = waiting.id
        state.events.append(RunEvent(step=waiting.id, message="approved (--yes)"))
        echo(f"--yes approves the gate {waiting.id!r} this run is waiting at; a later gate stops again")
    elif not opts.dry_run:
        echo("--yes: this run is not waiting at a gate, so it approves nothing (each gate stops the run; "
             "--resume --yes approves that one; --approve-all passes every gate)")


def _where_to_verify(ctx: StepContext, echo) -> None:
    """After a completed run: which plan a standalone `distroshift verify` should use, and where the
    run's own parity results are."""
    state = ctx.state
    plan_dir = state.final_plan_dir or (str(ctx.plan_path().parent) if ctx.has_plan() else None)
    if plan_dir:
        inv = state.final_inventory_path or state.inventory_path
        o = ctx.options
        flags = (f" --source-inventory {inv}" if inv else "") + (f" --kubeconfig {o.kubeconfig}" if o.kubeconfig else "") \
            + (f" --context {o.target_context}" if o.target_context else "")
        what = ("the final plan: the source as of the final backup, workloads at their original scale"
                if state.final_plan_dir else "the plan")
        echo(f"to verify the target again: distroshift verify --plan {plan_dir}{flags}   ({what})")
    results = [s.data["artifact"] for s in state.steps if s.type == "verify" and s.data.get("artifact")]
    if results:
        earlier = f" (earlier verify: {', '.join(results[:-1])})" if len(results) > 1 else ""
        echo(f"this run's own parity results: {results[-1]}{earlier}")


def _check_identity(ctx: StepContext, store: StateStore, echo) -> None:
    """Before anything is touched: the clusters are the ones the plan, the run's inventory and the
    state were made from (kube-system namespace uids), and the source is not the target."""
    from pathlib import Path

    from migrate.cutover.identity import cluster_uid

    opts, state = ctx.options, ctx.state
    src, tgt = cluster_uid(ctx.source), cluster_uid(ctx.target)
    same = bool(src and tgt and src == tgt)
    if same:
        # one cluster is fine only for a namespace move: every migrated namespace mapped to a new or empty one
        from migrate.cutover.identity import same_cluster_move_error

        plan = None
        if ctx.has_plan():
            try:
                plan = ctx.plan
            except DistroshiftError:
                plan = None
        why = ("a same-cluster namespace move needs a plan made with --namespace-map (pass --plan)" if plan is None else
               same_cluster_move_error(ctx.target, [n.source for n in plan.namespaces if n.migrate],
                                       {n.source: n.target for n in plan.namespaces if n.migrate},
                                       check_targets=not opts.resume))
        if why:
            raise InputError(f"--source-context {opts.source_context} and --target-context {opts.target_context} are the same "
                             f"cluster (kube-system uid {src}): {why}", field="--target-context")
    for label, had, now in (("source", state.source_uid, src), ("target", state.target_uid, tgt)):
        if had and now and had != now:
            ctxname = opts.source_context if label == "source" else opts.target_context
            raise InputError(f"this run's {label} was cluster {had} (kube-system uid), but context {ctxname!r} is "
                             f"cluster {now}: use the run's own contexts", path=str(store.path), field=f"--{label}-context")
    if ctx.has_plan():
        try:
            plan = ctx.plan
        except DistroshiftError:
            plan = None  # unreadable: the plan step says so in its own words
        if plan is not None:
            puid = plan.source.cluster_uid
            where = str(ctx.plan_path())
            if puid and tgt and puid == tgt and not same:
                raise InputError(f"was made from cluster {plan.source.cluster or '?'!r}, which is the TARGET context "
                                 f"{opts.target_context!r}: source and target are swapped", path=where, field="source.cluster_uid")
            if puid and src and puid != src:
                raise InputError(f"was made from cluster {plan.source.cluster or '?'!r} (kube-system uid {puid}), but "
                                 f"--source-context {opts.source_context!r} is cluster {src}: use a plan of this source "
                                 "(or the source context it was made from)", path=where, field="source.cluster_uid")
            if not puid and opts.plan:
                echo(f"warning: {where} records no source cluster uid (made by an older distroshift): "
                     "cannot check it was made from this source")
    inv_path = state.inventory_path
    if inv_path and Path(inv_path).is_file():
        from migrate.models.inventory import Inventory
        from migrate.models.io import read_artifact

        try:
            inv = read_artifact(inv_path, Inventory)
        except DistroshiftError:
            inv = None
        if inv is not None and inv.cluster.uid and src and inv.cluster.uid != src:
            raise InputError(f"this run inventoried cluster {inv.cluster.name or '?'!r} (kube-system uid {inv.cluster.uid}), "
                             f"but --source-context {opts.source_context!r} is cluster {src}", path=inv_path,
                             field="cluster.uid")
    if not opts.dry_run:
        state.source_uid = state.source_uid or src
        state.target_uid = state.target_uid or tgt


def _run_with_retries(ctx: StepContext, step, st: StepState) -> None:
    fn = handler(step.type)
    for attempt in range(TEMPORARY_RETRIES + 1):
        try:
            fn(ctx, step, st)
            return
        except TemporaryError as e:
            if attempt == TEMPORARY_RETRIES:
                raise
            st.actions.append(f"temporary failure, retrying in {e.delay:.0f}s: {e}")
            time.sleep(e.delay)


def _print_actions(echo, st: StepState) -> None:
    for a in st.actions:
        echo(f"    {a}")


def rollback_run(
    opts: RunOptions,
    *,
    clients: tuple[Any, Any] | Callable[[], tuple[Any, Any]],
    echo: Callable[[str], None] = print,
) -> RunState:
    """Put the source back exactly (replicas, CronJob suspend flags, DaemonSet nodeSelectors); with
    --remove-target, delete what the run created on the target (only objects that did not exist
    before; velero: found by this run's velero.io/restore-name labels). Resumable."""
    from migrate.cutover import quiesce as q

    pb = load_playbook(opts.playbook)
    store = StateStore(opts.state)
    store.check_usable()
    state, _engine = _open_state(opts, pb, store)
    if callable(clients):
        clients = clients()
    source, target = clients

    def save() -> None:
        if not opts.dry_run:
            store.save(state)

    if state.rollback is None:
        state.rollback = RollbackState(remove_target=opts.remove_target)
    state.rollback.remove_target = state.rollback.remove_target or opts.remove_target
    state.status = RunStatus.RollingBack
    save()
    echo(f"rollback of run {state.run_id} ({pb.name})" + (" — DRY RUN" if opts.dry_run else ""))
    _check_rollback_identity(opts, state, store, source, target)
    # the target stops first, so the two clusters never both serve (nor both fire CronJobs)
    tacts = q.quiesce(target, state.target_workloads, dry_run=opts.dry_run, saved=save)
    for a in tacts:
        echo(f"    {'would change ' if opts.dry_run else ''}target {a}")
        if not opts.dry_run:
            state.rollback.actions.append(f"target {a}")
    if state.target_workloads:
        echo(f"    target: its {len(state.target_workloads)} workload(s) are left quiesced (0 replicas, CronJobs suspended, "
             "DaemonSets parked)" + ("; nothing on the target is deleted (--remove-target deletes what this run created)"
                                     if not state.rollback.remove_target else ""))
    save()
    actions = q.restore(source, state.workloads, dry_run=opts.dry_run, saved=save)
    for a in actions:
        echo(f"    source {a}")
    if not actions:
        echo("    source: nothing to restore (no workload was scaled down by this run, or already restored)")
    removed = 0
    if state.rollback.remove_target:
        created = [a for a in state.applied if a.created and not a.removed]
        for n, a in enumerate(reversed(created), start=1):
            res = target.resource_for(a.api_version, a.kind)
            if res is None:
                a.removed = True
                continue
            path = res.path(a.namespace if res.namespaced else None, a.name)
            if opts.dry_run:
                echo(f"    would delete {a.kind} {a.namespace + '/' if a.namespace else ''}{a.name} from the target")
                continue
            r = target.request("DELETE", path, query={"propagationPolicy": "Background"})
            if r.status >= 400 and r.status != 404:
                raise GateFailed(f"could not delete {a.kind} {a.namespace}/{a.name} from the target: HTTP {r.status}")
            a.removed = True
            removed += 1
            state.rollback.actions.append(f"deleted {a.kind} {a.namespace or ''}/{a.name} from the target")
            save()
            crash_point(f"rollback:{n}")
        if state.engine == "velero":
            removed += _remove_velero_restored(opts, state, target, echo, save)
        echo(f"    target: removed {removed} object(s) created by this run (pre-existing objects untouched)")
    if not opts.dry_run:
        state.rollback.finished_at = now_utc()
        state.status = RunStatus.RolledBack
        state.events.append(RunEvent(message="rolled back"))
        save()
    echo("rollback completed" + (" (dry run: nothing was changed)" if opts.dry_run else ""))
    return state


def _check_rollback_identity(opts, state: RunState, store: StateStore, source, target) -> None:
    """Rollback scales workloads: only on the clusters this run recorded."""
    from migrate.cutover.identity import cluster_uid

    for label, had, client in (("source", state.source_uid, source), ("target", state.target_uid, target)):
        now = cluster_uid(client) if had else None
        if had and now and had != now:
            raise InputError(f"this run's {label} was cluster {had} (kube-system uid), but the {label} context now "
                             f"points at cluster {now}: use the run's own contexts", path=str(store.path),
                             field=f"--{label}-context")


def _remove_velero_restored(opts, state: RunState, target, echo, save) -> int:
    """Delete what this run's velero restores created: objects labelled velero.io/restore-name with
    one of the run's restore names, minus those on the target before the first restore."""
    from migrate.cutover.velero_cleanup import RESTORE_LABEL, delete_order, object_key, restored_objects

    names = sorted({s.data["restore"] for s in state.steps if s.data.get("restore")})
    if not names:
        echo("    target: no velero restore was started by this run")
        return 0
    before = set(state.target_objects_before or [])
    found = restored_objects(target, names)
    mine, kept = [], []
    for r, o in found:
        md = o.get("metadata") or {}
        if md.get("deletionTimestamp"):
            continue  # already being deleted (a resumed rollback)
        key = object_key(r.group, r.kind, md.get("namespace") if r.namespaced else None, md.get("name", ""))
        (kept if key in before else mine).append((r, o, key))
    echo(f"    target: {len(found)} object(s) labelled {RESTORE_LABEL} in ({', '.join(names)})")
    for _r, _o, key in kept:
        echo(f"    kept {key}: it existed before this run (velero only relabelled/updated it)")
    removed = 0
    order = delete_order([(r, o) for r, o, _k in mine])
    for n, (r, o) in enumerate(order, start=1):
        md = o.get("metadata") or {}
        ns = md.get("namespace") if r.namespaced else None
        what = f"{r.kind} {ns + '/' if ns else ''}{md.get('name')}"
        if opts.dry_run:
            echo(f"    would delete {what} from the target (restored by velero in this run)")
            continue
        resp = target.request("DELETE", r.path(ns, md.get("name")), query={"propagationPolicy": "Background"})
        if resp.status >= 400 and resp.status != 404:
            raise GateFailed(f"could not delete {what} from the target: HTTP {resp.status}")
        removed += 1
        if state.rollback is not None:
            state.rollback.actions.append(f"deleted {what} from the target (velero restore of this run)")
        save()
        crash_point(f"rollback:velero:{n}")
    return removed
