"""The source as of the final backup: a fresh inventory of the quiesced source, planned again with
the first plan's target and maps, and its drift from the first plan.

Changes made on the source after planning (a ConfigMap key, a new object) are what the final
restore must carry; without this the final restore would re-apply the first, older plan.
"""

from __future__ import annotations

import json

from migrate.errors import DistroshiftError, GateFailed, InputError

__all__ = ["build_final_plan", "drift", "summary", "final_summary"]


def _key(obj: dict) -> str:
    md = obj.get("metadata") or {}
    ns = md.get("namespace")
    return f"{obj.get('kind')} {ns + '/' if ns else ''}{md.get('name')}"


def _comparable(obj: dict) -> str:
    from migrate.cutover.standby import strip_scale

    o = strip_scale(obj)  # quiesce changed the scale on purpose: not drift
    if o.get("kind") == "Secret":  # the plan holds keys only; values are read live at apply time
        # keys as a mapping (values blanked), so a change reads "+/data/NEW_KEY", never a list index
        o = {**o, "data": {k: "" for k in sorted(o.get("data") or {})}}
    return json.dumps(o, sort_keys=True)


def drift(first: list, final: list) -> dict[str, list[str]]:
    """Objects changed, added and removed on the source since the first plan (by manifest)."""
    a = {_key(m.obj): _comparable(m.obj) for m in first}
    b = {_key(m.obj): _comparable(m.obj) for m in final}
    return {
        "changed": sorted(k for k in a.keys() & b.keys() if a[k] != b[k]),
        "added": sorted(b.keys() - a.keys()),
        "removed": sorted(a.keys() - b.keys()),
    }


def changed_paths(first: list, final: list, keys: list[str]) -> list[tuple[str, list[str]]]:
    """Which fields changed, per object (paths and operations only: values may be sensitive)."""
    import jsonpatch

    a = {_key(m.obj): json.loads(_comparable(m.obj)) for m in first}
    b = {_key(m.obj): json.loads(_comparable(m.obj)) for m in final}
    out = []
    for k in keys:
        if k in a and k in b:
            ops = jsonpatch.make_patch(a[k], b[k]).patch
            sign = {"add": "+", "remove": "-", "replace": "~", "copy": "+"}
            paths = []
            for o in ops:
                if o["op"] == "move":  # jsonpatch pairs a removed and an added key of equal value
                    paths += [f"-{_unescape(o['from'])}", f"+{_unescape(o['path'])}"]
                else:
                    paths.append(f"{sign.get(o['op'], o['op'])}{_unescape(o['path'])}")
            out.append((k, paths[:8] + ([f"(+{len(paths) - 8} more)"] if len(paths) > 8 else [])))
    return out


def _unescape(pointer: str) -> str:
    """A JSON pointer as people read it (RFC 6901 escapes ~1 = '/', ~0 = '~')."""
    return pointer.replace("~1", "/").replace("~0", "~")


def intended_scale(objects_path, inv, workloads) -> int:
    """Give the quiesced source's workloads their ORIGINAL scale (recorded by quiesce) in the
    collected objects file and the inventory's workload summaries, so the final inventory and the
    final plan describe what the target should run, not the frozen source: a standalone
    `distroshift verify` against them then checks the same thing as the run's own final verify."""
    import hashlib

    from migrate.cutover.standby import is_workload, running

    recs = {(r.kind, r.namespace, r.name): r for r in workloads}
    if not recs:
        return 0
    changed = 0
    h = hashlib.sha256()
    tmp = objects_path.with_name(f".{objects_path.name}.intended")
    with objects_path.open("rb") as src, tmp.open("wb") as out:
        for line in src:
            if line.strip() and (b'"DaemonSet"' in line or b'"CronJob"' in line or b'"Deployment"' in line
                                 or b'"StatefulSet"' in line or b'"ReplicaSet"' in line):
                obj = json.loads(line)
                md = obj.get("metadata") or {}
                rec = recs.get((obj.get("kind"), md.get("namespace") or "", md.get("name")))
                if rec is not None and is_workload(obj):
                    line = json.dumps(running(obj, rec), separators=(",", ":"), sort_keys=True).encode() + b"\n"
                    changed += 1
            h.update(line)
            out.write(line)
    tmp.replace(objects_path)
    inv.objects_sha256 = h.hexdigest()
    for w in inv.workloads:
        rec = recs.get((w.ref.kind, w.ref.namespace or "", w.ref.name))
        if rec is None:
            continue
        if rec.kind == "CronJob":
            w.suspended = bool(rec.suspend)
        elif rec.kind == "DaemonSet":
            w.node_selector = dict(rec.node_selector or {})
        elif rec.replicas is not None:
            w.replicas = rec.replicas
    return changed


def summary(d: dict[str, list[str]]) -> str:
    parts = []
    for what in ("changed", "added", "removed"):
        items = d.get(what) or []
        if items:
            shown = ", ".join(items[:5]) + (f" (+{len(items) - 5} more)" if len(items) > 5 else "")
            parts.append(f"{len(items)} {what} ({shown})")
    return "; ".join(parts) if parts else "none"


def build_final_plan(ctx, st) -> None:
    """Inventory the quiesced source and plan it again into <artifacts>/final-plan/; record the drift."""
    out = ctx.run_dir / "final-plan"
    if ctx.dry_run:
        st.actions.append(f"would inventory the quiesced source and plan it again (target {ctx.plan.target.profile}, "
                          f"the first plan's maps) into {out}; the final restore applies that, not the first plan")
        return
    from migrate.cutover.identity import cluster_uid
    from migrate.inventory import collect_inventory, write_inventory
    from migrate.plan import build_plan

    first = ctx.plan
    # the same scope as the first inventory: the whole cluster when this run collected it, else the plan's namespaces
    nss = ctx.namespaces or (None if ctx.state.inventory_path else ctx.source_namespaces()) or None
    inv_path = ctx.run_dir / "final-inventory.json"
    inv, objects = collect_inventory(ctx.source, namespaces=nss)
    if not inv.cluster.uid:  # until the inventory stage fills it
        inv.cluster.uid = ctx.state.source_uid or cluster_uid(ctx.source)
    restored = intended_scale(objects, inv, ctx.state.workloads)
    write_inventory(inv, inv_path, objects)
    if not inv.complete:
        bad = [f"{t.kind}.{t.group or 'core'}" for t in inv.resource_types if not t.complete]
        raise GateFailed(f"the inventory of the quiesced source is incomplete ({', '.join(bad[:8])}); see {inv_path}. "
                         "Fix access and --resume (or --rollback)")
    try:
        plan = build_plan(inv_path, target=first.target.profile, target_version=first.target.kubernetes_version or None,
                          namespace_map=first.namespace_map or None, registry_map=first.registry_map or None, out_dir=out,
                          kubeconfig=ctx.options.kubeconfig, target_context=ctx.options.target_context)
    except InputError as e:
        raise GateFailed(f"cannot plan the quiesced source again with the first plan's target "
                         f"{first.target.profile!r}: {e}. --resume after fixing, or --rollback") from None
    if plan.blockers:
        lines = [f"{b.code}: {b.message}" for b in plan.blockers]
        raise GateFailed(f"the source changed since the first plan and now has {len(lines)} blocker(s) ({out}): "
                         + "; ".join(lines[:6]) + ". Fix the source and --resume, or --rollback")
    ctx.state.final_inventory_path = str(inv_path)
    ctx.state.final_plan_dir = str(out)
    ctx.forget_plan()
    try:
        d = drift(ctx.manifests, ctx.final_manifests)
    except DistroshiftError:
        d = {"changed": [], "added": [], "removed": []}
    st.data["final_plan"] = str(out / "plan.json")
    st.data["drift"] = {k: v[:200] for k, v in d.items()}
    st.data["final_inventory"] = str(inv_path)
    st.actions.append(f"planned the quiesced source again: {len(ctx.final_manifests)} manifests in {out} "
                      f"({restored} workload(s) at their original scale from before quiesce: what the target should run)")
    st.actions.append(f"drift since the first plan: {summary(d)}")
    st.actions += [f"  {k}: {', '.join(paths)}" for k, paths in changed_paths(ctx.manifests, ctx.final_manifests, d["changed"][:20])]
    if d["removed"]:
        st.actions.append("objects no longer on the source are left on the target as they are (nothing is deleted)")
    st.actions.append("Secret values are read live from the source at apply time (the plans hold keys only)")
    ctx.save()


def final_summary(ctx) -> str:
    for s in ctx.state.steps:
        if s.data.get("drift") is not None:
            return summary(s.data["drift"])
    return ""


