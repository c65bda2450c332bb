"""The conformance package's native checks, as the playbook steps use them.

Readiness is split in two: the general checks (API/version, nodes, DNS, storage and ingress
classes, webhooks, Pod Security) before anything is installed, and the CRD check (the add-ons'
CustomResourceDefinitions the plan's manifests need) after install-addons, by addons-ready.
Both go through conformance.checks.check_readiness with its `skip`/`only` groups.
"""

from __future__ import annotations

from migrate.errors import GateFailed
from migrate.models.io import write_artifact

__all__ = ["readiness", "addons_ready", "addon_commands", "CRD_CHECK", "defers_crds"]

CRD_CHECK = "distroshift.io/readiness/crd/"


def _general_checks(client, plan, manifests) -> list:
    from conformance.checks import check_readiness

    return check_readiness(client, plan, manifests, skip=("crds",))


def _crd_checks(client, manifests) -> list:
    from conformance.checks import check_readiness

    return check_readiness(client, None, manifests, only=("crds",))


def _result(ctx, checks):
    from conformance.checks import ReadinessResult
    from migrate.models.common import ArtifactHeader

    where = getattr(ctx.target, "context", None) or getattr(ctx.target, "server", "") or ""
    return ReadinessResult(header=ArtifactHeader(kind="ReadinessResult", mode="live", source=where), target=where,
                           plan=str(ctx.plan_path()), checks=checks)


def _manifests(ctx) -> list[tuple[str, dict]]:
    return [(m.file, m.obj) for m in ctx.manifests]


def defers_crds(ctx, st) -> bool:
    """True when a later install-addons or addons-ready step checks the add-on CRDs."""
    idx = next(i for i, s in enumerate(ctx.state.steps) if s.id == st.id)
    return any(s.type in ("install-addons", "addons-ready") for s in ctx.state.steps[idx + 1:])


def addon_commands(plan) -> list[list[str]]:
    """The plan's helm installs, each argv once (one chart may replace several source add-ons)."""
    seen: dict[tuple[str, ...], list[str]] = {}
    for a in plan.addons:
        if a.install is not None and a.install.command:
            seen.setdefault(tuple(a.install.command), list(a.install.command))
    return list(seen.values())


def readiness(ctx, st, *, crds: bool | None = None) -> None:
    """Readiness of the target for the plan; failing checks stop the run. `crds` None: the CRD
    checks run here unless a later install-addons/addons-ready step provides and checks them."""
    if crds is None:
        crds = not defers_crds(ctx, st)
    manifests = _manifests(ctx)
    checks = _general_checks(ctx.target, ctx.plan, manifests)
    if crds:
        checks += _crd_checks(ctx.target, manifests)
    result = _result(ctx, checks)
    out = ctx.run_dir / "readiness.json"
    if not ctx.dry_run or not out.exists():
        write_artifact(out, result)
    failing = result.failing
    scope = "" if crds else " (add-on CRDs are checked after install-addons)"
    st.data["readiness"] = {"checks": len(result.checks), "failing": len(failing), "artifact": str(out), "crds": crds}
    st.actions.append(f"target readiness: {len(result.checks)} checks, {len(failing)} failing ({out}){scope}")
    st.actions += [f"! {c.title}: {c.message}" for c in failing]
    if failing:
        lines = "; ".join(f"{c.title}: {c.message}" for c in failing[:8])
        more = f" (+{len(failing) - 8} more, see {out})" if len(failing) > 8 else f" (see {out})"
        raise GateFailed(f"the target is not ready for the plan: {len(failing)} failing check(s): {lines}{more}. "
                         "Prepare the target and --resume")


def addons_ready(ctx, st) -> None:
    """The CRDs the plan's manifests need are Established on the target (after install-addons)."""
    from migrate.execs import redact_argv

    checks = _crd_checks(ctx.target, _manifests(ctx))
    result = _result(ctx, checks)
    out = ctx.run_dir / "addons-ready.json"
    if not ctx.dry_run or not out.exists():
        write_artifact(out, result)
    failing = result.failing
    st.data["addons_ready"] = {"checks": len(checks), "failing": len(failing), "artifact": str(out)}
    st.actions.append(f"add-on CRDs: {len(checks)} needed by the plan, {len(failing)} missing ({out})")
    st.actions += [f"! {c.title}: {c.message}" for c in failing]
    if failing:
        cmds = [" ".join(redact_argv(a)) for a in addon_commands(ctx.plan)]
        st.actions += [f"install: {c}" for c in cmds]
        kinds = ", ".join(c.title.removeprefix("CRD for ").removesuffix(" established") for c in failing[:8])
        hint = f"; the plan's add-on installs (printed above): {len(cmds)}" if cmds else ""
        raise GateFailed(f"the target lacks {len(failing)} CRD(s) the plan needs: {kinds}"
                         f"{' (+%d more)' % (len(failing) - 8) if len(failing) > 8 else ''}{hint}. "
                         f"Install the add-ons that provide them, then --resume (see {out})")
    st.message = f"{len(checks)} CRD(s) the plan needs are Established" if checks else "the plan needs no add-on CRDs"
