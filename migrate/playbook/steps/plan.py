"""plan: take the plan (--plan) or build one (migrate.plan.build_plan) into the run's artifact directory.

Blockers stop the run here, before anything touches the target. A plan built by this run is
recorded in the state (plan_dir) only when it has no blockers: --resume reuses it; a plan with
blockers is rebuilt on --resume (the cause may have been fixed on the target meanwhile).
If preflight could not check the target's readiness (no plan yet), it is checked here.
"""

from __future__ import annotations

from pathlib import Path

from migrate.errors import GateFailed
from migrate.playbook.distros import compatible
from migrate.playbook.steps import _checks
from migrate.playbook.steps.inventory import ensure_inventory

# The target profile when neither the step nor the playbook names one: upstream Kubernetes,
# refined by what the live target serves (version, APIs, storage and ingress classes).
DEFAULT_TARGET = "kubeadm"


def _target_profile(ctx, step) -> tuple[str, str]:
    if step.params.target_profile:
        return step.params.target_profile, "the plan step's target_profile"
    distro = ((ctx.playbook.target if ctx.playbook is not None else {}) or {}).get("distro")
    if distro:
        return distro, "the playbook's target distro"
    return DEFAULT_TARGET, "default (upstream), refined by the live target"


def _build(ctx, step, st) -> Path:
    from migrate.plan import build_plan

    inv = ensure_inventory(ctx, st)
    target, why = _target_profile(ctx, step)
    out = ctx.run_dir / "plan"
    st.actions.append(f"planning {inv} onto target profile {target} ({why}) against the live target {ctx.options.target_context}")
    found = ctx.state.target_distro
    if found and why == "the playbook's target distro" and not compatible(target, found):
        st.actions.append(f"! the target looks like {found}, not {target} (preflight warned); the plan uses the {target} "
                          "profile refined by the live target: use 'with: {target_profile: ...}' or --plan to plan otherwise")
    p = step.params
    # the playbook's maps, then --registry-map/--namespace-map (the flags win)
    registry_map = {**p.registry_map, **ctx.options.registry_map}
    namespace_map = {**p.namespace_map, **ctx.options.namespace_map}
    if registry_map:
        st.actions.append("registry map: " + ", ".join(f"{k} -> {v}" for k, v in sorted(registry_map.items())))
    if namespace_map:
        st.actions.append("namespace map: " + ", ".join(f"{k} -> {v}" for k, v in sorted(namespace_map.items())))
    st.data.update(registry_map=registry_map, namespace_map=namespace_map)
    build_plan(inv, target=target, out_dir=out, kubeconfig=ctx.options.kubeconfig, target_context=ctx.options.target_context,
               registry_map=registry_map or None, namespace_map=namespace_map or None)
    return out


def _blockers(plan) -> list[str]:
    out = []
    for b in plan.blockers:
        ref = getattr(b, "ref", None)
        out.append(f"{b.code}{f' {ref}' if ref else ''}: {b.message}")
    return out


def run(ctx, step, st) -> None:
    built = False
    if not ctx.options.plan and not ctx.state.plan_dir:
        ctx.state.plan_dir = str(_build(ctx, step, st))  # saved only once known to be blocker-free
        built = True
    elif not ctx.options.plan:
        st.actions.append(f"reusing the plan this run built earlier: {ctx.state.plan_dir}")
    elif ctx.options.registry_map or ctx.options.namespace_map:
        from migrate.errors import InputError

        raise InputError("--registry-map/--namespace-map apply when the run builds its plan; with --plan, "
                         "pass them to 'distroshift plan' instead", field="--plan")
    ctx.forget_plan()
    path = ctx.plan_path()
    plan = ctx.plan
    st.data.update(plan=str(path), objects=len(plan.objects), blockers=len(plan.blockers))
    if plan.blockers:
        if built:
            ctx.state.plan_dir = None  # --resume plans again
        lines = _blockers(plan)
        st.data["blocker_list"] = lines[:50]
        st.actions += [f"! blocker {x}" for x in lines[:50]]
        raise GateFailed(f"the plan {path} has {len(lines)} blocker(s); nothing was changed on either cluster. "
                         "Resolve them and --resume" + (" (the plan is rebuilt)" if built else "") + ": "
                         + "; ".join(lines[:8]) + ("" if len(lines) <= 8 else f" (+{len(lines) - 8} more)"))
    if not plan.manifest_order and not (path.parent / plan.manifests_dir).is_dir():
        if built:
            ctx.state.plan_dir = None
        raise GateFailed(f"the plan {path} migrates nothing (every object is dropped: see its namespaces and decisions); "
                         "check the playbook's namespaces and the source")
    if built:
        ctx.save()
    st.data["manifests"] = len(ctx.manifests)
    st.actions.append(f"plan {path}: {len(plan.objects)} objects, {len(ctx.manifests)} manifests, "
                      f"namespaces {', '.join(ctx.source_namespaces()) or '<none>'}")
    if _readiness_deferred(ctx, st):
        _checks.readiness(ctx, st)
    st.message = f"{len(ctx.manifests)} manifests to apply, no blockers"


def _readiness_deferred(ctx, st) -> bool:
    """True when an earlier preflight wanted the readiness checks but had no plan to check against."""
    idx = next(i for i, s in enumerate(ctx.state.steps) if s.id == st.id)
    return any(s.type == "preflight" and s.data.get("readiness") == "deferred" for s in ctx.state.steps[:idx])
