"""verify: the target holds what the plan says, and it works (conformance.checks.run_parity).

Every planned object exists with the planned content, workloads have the source's replicas
ready, PVCs are Bound, Services have endpoints ... (see conformance/parity.py). The checks are
repeated until they pass or `timeout` runs out; the last result is written as
<artifacts>/<step-id>-parity.json.
"""

from __future__ import annotations

import time

from conformance.checks import run_parity
from migrate.errors import GateFailed
from migrate.models.io import write_artifact

# Checks that wait for the cluster to bring things up (skipped with require_ready: false).
READINESS_CHECKS = {
    "distroshift.io/parity/replicas-ready",
    "distroshift.io/parity/daemonset-ready",
    "distroshift.io/parity/service-endpoints",
    "distroshift.io/parity/pvc-bound",
}


def run(ctx, step, st) -> None:
    p = step.params
    path = ctx.plan_path()
    if path is None:
        ctx.plan  # noqa: B018 — raises the "this step needs the plan" error
    if ctx.dry_run:
        st.actions.append(f"would verify the target against the plan {path} (conformance parity checks)")
        st.message = "dry run"
        return
    inventory = ctx.state.inventory_path  # the source's replica counts and PVC sizes, when this run collected them
    deadline = time.monotonic() + p.timeout
    while True:
        result = run_parity(ctx.target, path, inventory)
        failing = [c for c in result.failing if p.require_ready or c.id not in READINESS_CHECKS]
        if not failing or time.monotonic() >= deadline:
            break
        time.sleep(1.0)
    out = ctx.run_dir / f"{st.id}-parity.json"
    write_artifact(out, result)
    problems = [f"{c.title}: {c.message}" for c in failing]
    mode = f"parity: {len(result.checks)} checks"
    st.data.update(mode=mode, problems=len(problems), artifact=str(out))
    if problems:
        st.actions += [f"! {x}" for x in problems[:50]]
        raise GateFailed(f"verify failed ({mode}, see {out}): {len(problems)} problem(s): " + "; ".join(problems[:6]))
    st.message = f"target matches the plan ({mode}; {out})"
