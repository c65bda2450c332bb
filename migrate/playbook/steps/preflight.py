"""preflight: both clusters answer, the target is ready for the plan (conformance.checks readiness),
velero is usable when needed."""

from __future__ import annotations

from migrate.playbook import distros
from migrate.playbook.steps import _checks
from migrate.playbook.steps._common import clusters, velero


def run(ctx, step, st) -> None:
    p = step.params
    for label, client in (("source", ctx.source), ("target", ctx.target)):
        v = client.ensure_reachable()
        st.data[f"{label}_version"] = v.get("gitVersion", "")
        st.actions.append(f"{label} cluster reachable: {v.get('gitVersion', '?')}")
    # the playbook's declared distros against the clusters' (a mismatch warns; steps name the detected ones)
    distros.check(ctx, st)
    if ctx.state.target_namespaces_before is None:
        # what already existed on the target, so --rollback --remove-target never removes it
        names = []
        for page in ctx.target.list_pages("/api/v1/namespaces"):
            if page.get("restarted"):
                names.clear()
                continue
            names += [i["metadata"]["name"] for i in page.get("items", [])]
        if not ctx.dry_run:
            ctx.state.target_namespaces_before = sorted(names)
    if p.readiness and ctx.has_plan():
        _checks.readiness(ctx, st)
    elif p.readiness:
        # no plan yet (it is built by the plan step): the plan step runs the checks right after
        # building it, still before anything touches the target
        st.data["readiness"] = "deferred"
        st.actions.append("readiness: no plan yet; the target's readiness is checked by the plan step once the plan is built")
    need_velero = p.require_velero == "yes" or (p.require_velero == "auto" and ctx.engine == "velero")
    if need_velero:
        v = velero(ctx)
        src, tgt = clusters(ctx)
        s_loc, t_loc, notes = v.preflight(src, tgt)
        st.data["backup_location"] = {"source": s_loc.name, "target": t_loc.name, "where": s_loc.where}
        st.actions.append(f"velero: shared backup storage location {s_loc.where} (source {s_loc.name}, target {t_loc.name})")
        st.actions += [f"velero: {n}" for n in notes]
    st.message = f"source {st.data['source_version']}, target {st.data['target_version']}"
