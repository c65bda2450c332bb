"""inventory: collect the source inventory (migrate.inventory) into the run's artifact directory.

Skipped with --plan (the plan was built from an inventory already). On --resume the inventory this
run already wrote (recorded in the state) is reused, never collected twice.
"""

from __future__ import annotations

from pathlib import Path

from migrate.errors import DistroshiftError, GateFailed
from migrate.models.state import StepStatus

__all__ = ["run", "ensure_inventory"]


def _recorded(ctx) -> Path | None:
    """The inventory this run wrote earlier, if it is still there and readable."""
    raw = ctx.state.inventory_path
    if not raw or not Path(raw).is_file():
        return None
    from migrate.models.inventory import Inventory
    from migrate.models.io import read_artifact

    try:
        read_artifact(raw, Inventory)
    except DistroshiftError:
        return None  # damaged (e.g. edited by hand): collect again
    return Path(raw)


def ensure_inventory(ctx, st, output: str = "inventory.json") -> Path:
    """The run's inventory path: reused when recorded in the state, else collected now."""
    found = _recorded(ctx)
    if found is not None:
        st.actions.append(f"using the inventory this run collected: {found}")
        return found
    from migrate.inventory import collect_inventory, write_inventory

    out = ctx.run_dir / output
    inv, objects = collect_inventory(ctx.source, namespaces=ctx.namespaces or None)
    if not inv.cluster.uid:  # the inventory stage will fill it; until then, read it here
        from migrate.cutover.identity import cluster_uid

        inv.cluster.uid = ctx.state.source_uid or cluster_uid(ctx.source)
    write_inventory(inv, out, objects)
    from migrate.playbook.distros import recheck_source

    recheck_source(ctx, st, inv)
    st.actions.append(f"collected {inv.object_count} source objects into {out}")
    if not inv.complete:  # not recorded: --resume collects again
        bad = [f"{t.kind}.{t.group or 'core'} ({t.error or 'incomplete'})" for t in inv.resource_types if not t.complete]
        # a plan built from a partial inventory would silently leave objects behind
        raise GateFailed(f"the source inventory is incomplete: {len(bad)} type(s) could not be read: "
                         + ", ".join(bad[:8]) + ("" if len(bad) <= 8 else f" (+{len(bad) - 8} more)")
                         + f"; see {out}. Fix access and --resume")
    ctx.state.inventory_path = str(out)
    ctx.save()
    return out


def run(ctx, step, st) -> None:
    if ctx.options.plan:
        st.status = StepStatus.Skipped
        st.message = "using --plan; the inventory it was built from is not needed"
        return
    out = ensure_inventory(ctx, st, step.params.output)
    st.data["inventory"] = str(out)
    st.message = f"inventory: {out}"
