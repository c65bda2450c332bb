"""Backup and restore through velero, with names from the run id so a resume adopts its own objects."""

from __future__ import annotations

from migrate.cutover.velero import BackupRequest, RestoreRequest, require_completed, resource_name
from migrate.cutover.velero_config import configmaps_from_plan
from migrate.cutover.native import Manifest
from migrate.errors import GateFailed
from migrate.playbook.steps._common import apply_objects, clusters, velero


def backup(ctx, step, st, params) -> str:
    name = resource_name(ctx.state.run_id, step.id, "backup")
    src, _tgt = clusters(ctx)
    nss = ctx.source_namespaces()
    if not nss:
        raise GateFailed("no namespaces to back up: the plan migrates none and the playbook names none")
    req = BackupRequest(name=name, include_namespaces=nss, volumes=params.volumes, ttl=params.ttl,
                        storage_location=params.storage_location, labels={"distroshift.io/run": ctx.state.run_id})
    v = velero(ctx)
    st.data["backup"] = name
    if ctx.dry_run:
        st.actions.append("would run: " + " ".join(v.shown(src, req.argv())))
        return name
    ctx.save()
    out = v.backup(src, req)
    st.data.update(backup_phase=out.phase, backup_errors=out.errors, backup_warnings=out.warnings,
                   backup_items=out.items_done, backup_adopted=out.adopted)
    st.actions.append(("adopted " if out.adopted else "created ") + out.summary())
    require_completed(out)
    return name


def restore(ctx, step, st, params, backup_name: str, *, standby: bool = False) -> str:
    """`standby`: workloads are restored at 0 replicas / suspended / parked (pre-stage)."""
    name = resource_name(ctx.state.run_id, step.id, "restore")
    _src, tgt = clusters(ctx)
    v = velero(ctx)
    # the final restore carries the transformations of the plan of the source as of the final backup
    cms = configmaps_from_plan(ctx.plan if standby else ctx.final_plan, namespace=ctx.options.velero_namespace,
                               standby_namespaces=ctx.source_namespaces() if standby else None) if ctx.has_plan() else []
    if standby and not cms:
        cms = configmaps_from_plan(None, namespace=ctx.options.velero_namespace, standby_namespaces=ctx.source_namespaces())
    modifier = next((c["metadata"]["name"] for c in cms if "resource-modifiers.yaml" in c["data"]), None)
    if cms:
        res = apply_objects(ctx, st, [Manifest("velero-config", c) for c in cms])
        st.actions += res.actions
        if res.errors:
            raise GateFailed("could not create the restore ConfigMaps: " + "; ".join(f.message for f in res.errors))
    req = RestoreRequest(name=name, backup=backup_name, namespace_mappings=ctx.namespace_map(),
                         include_namespaces=ctx.source_namespaces(),
                         existing_resource_policy=params.existing_resource_policy,
                         resource_modifier_configmap=modifier)
    st.data["restore"] = name
    if ctx.dry_run:
        st.actions.append("would run: " + " ".join(v.shown(tgt, req.argv())))
        return name
    _record_target_before(ctx, st)
    ctx.save()
    out = v.restore(tgt, req, backup_wait=getattr(params, "backup_sync_wait", 120.0))
    st.data.update(restore_phase=out.phase, restore_errors=out.errors, restore_warnings=out.warnings,
                   restore_adopted=out.adopted)
    st.actions.append(("adopted " if out.adopted else "created ") + out.summary())
    require_completed(out)
    return name


def _record_target_before(ctx, st) -> None:
    """Before the run's first restore: what is already on the target where the restore writes, so
    --rollback --remove-target never deletes it even if Velero relabels it (existing-resource-policy update)."""
    if ctx.state.target_objects_before is not None:
        return
    from migrate.cutover.velero_cleanup import snapshot_keys

    wanted = {ctx.target_namespace(ns) for ns in ctx.source_namespaces()}
    existing = set()
    for page in ctx.target.list_pages("/api/v1/namespaces"):
        if page.get("restarted"):
            existing.clear()
            continue
        existing |= {i["metadata"]["name"] for i in page.get("items") or []}
    keys = snapshot_keys(ctx.target, sorted(wanted & existing))
    ctx.state.target_objects_before = keys
    st.actions.append(f"recorded {len(keys)} object(s) already on the target (kept by --rollback --remove-target)")
