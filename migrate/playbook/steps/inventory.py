"""inventory: collect the source inventory (migrate.inventory), unless a plan was given."""

from __future__ import annotations

import importlib

from migrate.models.state import StepStatus


def run(ctx, step, st) -> None:
    if ctx.options.plan:
        st.status = StepStatus.Skipped
        st.message = "using --plan; the inventory it was built from is not needed"
        return
    try:
        collect = importlib.import_module("migrate.inventory").collect_inventory
    except (ImportError, AttributeError):
        st.status = StepStatus.Skipped
        st.data["needs_artifact"] = "inventory.json"
        st.message = "migrate.inventory.collect_inventory is not available: run 'distroshift inventory' and pass --plan"
        return
    out = ctx.run_dir / step.params.output
    if ctx.dry_run:
        st.actions.append(f"would collect the source inventory into {out}")
        st.message = "dry run"
        return
    ctx.run_dir.mkdir(parents=True, exist_ok=True)
    from migrate.models.io import write_artifact

    inv = collect(ctx.source)
    write_artifact(out, inv)
    st.data["inventory"] = str(out)
    st.message = f"inventory written to {out}"
