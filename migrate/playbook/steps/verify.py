"""verify: the target holds what the plan says, and it works (conformance parity checks).

Two modes, by where the step stands in the playbook:
* after pre-stage, before any restore (warm standby): every planned object exists with the
  planned content, workloads as staged (0 replicas, CronJobs suspended, DaemonSets parked);
  readiness, replicas and endpoints are NOT checked (nothing runs on the target yet);
* after the final restore: against the plan of the source as of the final backup (final-backup
  re-planned it; else the first plan), workloads at the source's original scale, ready, Services
  with endpoints, PVCs Bound ... (see conformance/parity.py).
The checks are repeated until they pass or `timeout` runs out; the last result is written as
<artifacts>/<step-id>-parity.json.
"""

from __future__ import annotations

import time

from migrate.errors import GateFailed
from migrate.models.io import write_artifact

# Checks that wait for the cluster to bring things up (skipped with require_ready: false).
READINESS_CHECKS = {
    "distroshift.io/parity/replicas-ready",
    "distroshift.io/parity/daemonset-ready",
    "distroshift.io/parity/service-endpoints",
    "distroshift.io/parity/pvc-bound",
}
# ... and what a warm standby target cannot pass by design (its CronJobs are suspended)
STANDBY_SKIPPED = READINESS_CHECKS | {"distroshift.io/parity/cronjob-scheduled"}


def _standby_mode(ctx, st) -> bool:
    idx = next(i for i, s in enumerate(ctx.state.steps) if s.id == st.id)
    before = [s.type for s in ctx.state.steps[:idx]]
    return "pre-stage" in before and "restore" not in before


def _parity(ctx, plan_path, plan, manifests, inventory):
    from conformance.checks import ParityResult
    from conformance.parity import check_parity
    from migrate.models.common import ArtifactHeader
    from migrate.models.inventory import Inventory
    from migrate.models.io import read_artifact

    inv = read_artifact(inventory, Inventory) if inventory else None
    checks = check_parity(ctx.target, plan, [(m.file, m.obj) for m in manifests], inv)
    where = getattr(ctx.target, "context", None) or getattr(ctx.target, "server", "") or ""
    return ParityResult(header=ArtifactHeader(kind="ParityResult", mode="live", source=where), target=where,
                        plan=str(plan_path), source_inventory=str(inventory or ""), checks=checks)


def run(ctx, step, st) -> None:
    from migrate.cutover.native import Manifest
    from migrate.cutover.standby import running, standby
    from migrate.playbook.steps._common import originals_by_target

    p = step.params
    path = ctx.plan_path()
    if path is None:
        ctx.plan  # noqa: B018 — raises the "this step needs the plan" error
    staged = _standby_mode(ctx, st)
    if staged:
        plan_path, plan = path, ctx.plan
        manifests = [Manifest(m.file, standby(m.obj)) for m in ctx.manifests]
        skipped = STANDBY_SKIPPED
        what = "warm standby (presence and content; workloads at 0, CronJobs suspended — readiness is checked after the final restore)"
    else:
        plan_path, plan = (ctx.final_plan_path() or path), ctx.final_plan
        originals = originals_by_target(ctx)

        def orig(o):
            md = o.get("metadata") or {}
            return originals.get(f"{o.get('kind')}/{md.get('namespace') or ''}/{md.get('name')}")

        manifests = [Manifest(m.file, running(m.obj, orig(m.obj))) for m in ctx.final_manifests]
        skipped = set() if p.require_ready else READINESS_CHECKS
        what = ("the source as of the final backup" if ctx.state.final_plan_dir else "the plan") + \
               " (content, original scale, readiness)"
    st.data["against"] = str(plan_path)
    if ctx.dry_run:
        st.actions.append(f"would verify the target against {plan_path}: {what}")
        st.message = "dry run"
        return
    # the source's replica counts and PVC sizes from before quiesce, when this run collected them (the
    # final inventory records the originals too, and the objects created after the first plan)
    inventory = ctx.state.inventory_path if staged else (ctx.state.final_inventory_path or ctx.state.inventory_path)
    deadline = time.monotonic() + p.timeout
    while True:
        result = _parity(ctx, plan_path, plan, manifests, inventory)
        result.checks = [c for c in result.checks if c.id not in skipped]
        failing = result.failing
        if not failing or time.monotonic() >= deadline:
            break
        time.sleep(1.0)
    out = ctx.run_dir / f"{st.id}-parity.json"
    write_artifact(out, result)
    problems = [f"{c.title}: {c.message}" for c in failing]
    mode = f"parity: {len(result.checks)} checks"
    st.data.update(mode=mode, standby=staged, problems=len(problems), artifact=str(out))
    if problems:
        st.actions += [f"! {x}" for x in problems[:50]]
        raise GateFailed(f"verify failed ({mode} against {what}, see {out}): {len(problems)} problem(s): "
                         + "; ".join(problems[:6]))
    st.message = f"target matches {what} ({mode}; {out})"
