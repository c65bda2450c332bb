"""The conformance package's native checks, as the playbook steps use them."""

from __future__ import annotations

from migrate.errors import GateFailed
from migrate.models.io import write_artifact

__all__ = ["readiness"]

CRD_CHECK = "distroshift.io/readiness/crd/"


def readiness(ctx, st) -> None:
    """Readiness of the target for the plan (conformance.checks.run_readiness); failing checks stop the run."""
    from conformance.checks import run_readiness

    path = ctx.plan_path()
    result = run_readiness(ctx.target, path)
    out = ctx.run_dir / "readiness.json"
    write_artifact(out, result)
    failing = result.failing
    st.data["readiness"] = {"checks": len(result.checks), "failing": len(failing), "artifact": str(out)}
    st.actions.append(f"target readiness: {len(result.checks)} checks, {len(failing)} failing ({out})")
    st.actions += [f"! {c.title}: {c.message}" for c in failing]
    if failing:
        lines = "; ".join(f"{c.title}: {c.message}" for c in failing[:8])
        more = f" (+{len(failing) - 8} more, see {out})" if len(failing) > 8 else f" (see {out})"
        hint = ""
        if any(c.id.startswith(CRD_CHECK) for c in failing):
            # missing CRDs usually come with the add-ons: show the plan's installs right here
            from migrate.execs import redact_argv

            installs = list(dict.fromkeys(" ".join(redact_argv(list(a.install.command)))
                                          for a in ctx.plan.addons if a.install is not None and a.install.command))
            st.actions += [f"add-on install from the plan: {cmd}" for cmd in installs]
            if installs:
                hint = f"; the plan lists {len(installs)} add-on install(s) (printed above) that may provide missing CRDs"
        raise GateFailed(f"the target is not ready for the plan: {len(failing)} failing check(s): {lines}{more}{hint}. "
                         "Prepare the target and --resume")
