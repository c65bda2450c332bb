"""plan: take the plan (--plan) or build one (migrate.plan.build_plan); blockers stop the run."""

from __future__ import annotations

import importlib

from migrate.errors import GateFailed
from migrate.models.state import StepStatus


def run(ctx, step, st) -> None:
    if not ctx.has_plan():
        try:
            importlib.import_module("migrate.plan").build_plan  # noqa: B018
        except (ImportError, AttributeError):
            pass
        st.status = StepStatus.Failed
        st.data["needs_artifact"] = "plan/"
        raise GateFailed(
            "no plan: run 'distroshift inventory' and 'distroshift plan', then pass --plan DIR "
            "(building the plan inside a run is not wired yet)"
        )
    plan = ctx.plan
    path = ctx.plan_path()
    ctx.state.plan_dir = str(path.parent)
    st.data.update(plan=str(path), objects=len(plan.objects), manifests=len(ctx.manifests), blockers=len(plan.blockers))
    st.actions.append(f"plan {path}: {len(plan.objects)} objects, {len(ctx.manifests)} manifests, "
                      f"namespaces {', '.join(ctx.source_namespaces()) or '<none>'}")
    if plan.blockers:
        lines = "; ".join(f"{b.code}: {b.message}" for b in plan.blockers[:5])
        raise GateFailed(f"the plan has {len(plan.blockers)} blocker(s); resolve them and re-plan: {lines}")
    st.message = f"{len(ctx.manifests)} manifests to apply, no blockers"
