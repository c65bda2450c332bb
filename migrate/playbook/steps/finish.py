"""finish / cleanup: remove the run's helper ConfigMaps; the source is kept (never deleted)."""

from __future__ import annotations

from migrate.errors import ApiError


def run(ctx, step, st) -> None:
    if step.params.remove_velero_configmaps:
        for a in ctx.state.applied:
            if a.kind == "ConfigMap" and a.namespace == ctx.options.velero_namespace and a.created and not a.removed:
                if ctx.dry_run:
                    st.actions.append(f"would delete ConfigMap {a.namespace}/{a.name} (restore configuration)")
                    continue
                try:
                    ctx.target.call("DELETE", f"/api/v1/namespaces/{a.namespace}/configmaps/{a.name}")
                except ApiError as e:
                    if e.status != 404:
                        raise
                a.removed = True
                st.actions.append(f"deleted ConfigMap {a.namespace}/{a.name} (restore configuration)")
    quiesced = sum(1 for w in ctx.state.workloads if w.quiesced and not w.restored)
    st.actions.append(
        f"the source is kept: {quiesced} workload(s) stay scaled down/suspended there; distroshift never deletes it "
        "(decommission it yourself once satisfied, or 'distroshift run --rollback' to bring it back)"
    )
    st.message = "migration finished"
