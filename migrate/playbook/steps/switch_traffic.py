"""switch-traffic: a manual gate printing what to repoint (DNS, load balancers) at the target."""

from __future__ import annotations

from migrate.errors import ApiError
from migrate.playbook.distros import render
from migrate.playbook.steps._common import approval, gate


def _target_addresses(ctx) -> list[str]:
    out = []
    for m in ctx.manifests:
        o = m.obj
        if o.get("kind") != "Service" or (o.get("spec") or {}).get("type") != "LoadBalancer":
            continue
        md = o["metadata"]
        try:
            live = ctx.target.get(f"/api/v1/namespaces/{md.get('namespace')}/services/{md['name']}")
        except ApiError:
            live = {}
        ing = ((live.get("status") or {}).get("loadBalancer") or {}).get("ingress") or []
        addr = ", ".join(i.get("hostname") or i.get("ip") or "?" for i in ing) or "<pending>"
        out.append(f"load balancer {md.get('namespace')}/{md['name']} on the target: {addr}")
    return out


def run(ctx, step, st) -> None:
    p = step.params
    hosts = list(p.dns)
    if not hosts and ctx.has_plan():
        for m in ctx.manifests:
            if m.obj.get("kind") == "Ingress":
                hosts += [r["host"] for r in (m.obj.get("spec") or {}).get("rules") or [] if r.get("host")]
    lines = [f"repoint DNS {h} to the target's ingress address" for h in sorted(set(hosts))]
    lines += _target_addresses(ctx) if ctx.has_plan() else []
    if not lines:
        lines.append("repoint your clients, DNS records and load balancers at the target")
    st.data["hosts"] = sorted(set(hosts))
    head = render(ctx, p.message, playbook_text=True) if p.message else "switch traffic from the source to the target"
    st.actions.append(head)
    st.actions += [f"- {l}" for l in lines]
    text = f"{head}: {'; '.join(lines)}"
    if approval(ctx, st) or ctx.dry_run:
        gate(ctx, st, "gate: traffic switch acknowledged" if approval(ctx, st) else "gate")
        st.actions.pop()  # the gate line repeats the list above
    else:
        gate(ctx, st, text)
