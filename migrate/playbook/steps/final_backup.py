"""final-backup: the last copy of the (quiesced) source.

velero: a backup. native: the live source objects of the plan written as JSON to the run's
artifact directory (Secrets by key only: values never go to files), taken from the fresh inventory
of the quiesced source, so objects created after the first plan are in it too.
Both: the quiesced source is inventoried and planned again (_final_plan): the final restore
(native) applies that plan and the final verify (both engines) checks the target against it, so
changes made on the source after the first plan reach the target; the drift is reported.
"""

from __future__ import annotations

import json

from migrate.errors import ApiError
from migrate.models.io import write_atomic
from migrate.playbook.steps import _final_plan, _velero_steps


def run(ctx, step, st) -> None:
    if ctx.engine == "velero":
        b = _velero_steps.backup(ctx, step, st, step.params)
        _final_plan.build_final_plan(ctx, st)
        st.message = f"backup {b} Completed" + _drift_note(ctx)
        return
    out_dir = ctx.run_dir / "final-backup"
    if ctx.dry_run:
        _final_plan.build_final_plan(ctx, st)
        st.actions.append(f"would export the live source objects of that fresh inventory's plan to {out_dir} "
                          f"(the first plan has {sum(1 for o in ctx.plan.objects if o.decision.value != 'Drop')}; "
                          "Secrets: keys only)")
        st.message = "dry run"
        return
    # the fresh inventory of the quiesced source (and its plan) first: objects created on the source
    # after the first plan are in it, and so in the backup
    _final_plan.build_final_plan(ctx, st)
    refs = [o.source for o in ctx.final_plan.objects if o.decision.value != "Drop"]
    n = 0
    missing = []
    for ref in refs:
        res = ctx.source.resource_for(ref.api_version, ref.kind)
        if res is None:
            missing.append(str(ref))
            continue
        try:
            obj = ctx.source.get(res.path(ref.namespace if res.namespaced else None, ref.name))
        except ApiError as e:
            if e.status == 404:
                missing.append(str(ref))
                continue
            raise
        if ref.kind == "Secret":
            obj["data"] = {k: "" for k in (obj.get("data") or {})}  # keys only
            obj.pop("stringData", None)
            (obj.get("metadata") or {}).get("annotations", {}).pop("kubectl.kubernetes.io/last-applied-configuration", None)
        path = out_dir / (ref.namespace or "_cluster") / f"{ref.group or 'core'}-{ref.kind}-{ref.name}.json"
        write_atomic(path, json.dumps(obj, indent=1, sort_keys=True))
        n += 1
    st.data.update(exported=n, path=str(out_dir), missing=missing[:50])
    st.actions.append(f"exported {n} source objects to {out_dir} (the final plan's objects)")
    if missing:
        st.actions.append(f"{len(missing)} planned object(s) gone from the source since its final inventory: "
                          f"{', '.join(missing[:10])}")
    ctx.save()
    st.message = f"{n} source objects exported to {out_dir}" + _drift_note(ctx)


def _drift_note(ctx) -> str:
    s = _final_plan.final_summary(ctx)
    return f"; drift since the first plan: {s}" if s else ""
