"""`distroshift plan`: inventory.json + target profile -> plan/plan.json + plan/manifests/ (+ --diff)."""

from __future__ import annotations

import sys
from typing import Annotated, Optional

import typer

from migrate.cli.common import KubeconfigOpt, OutputFormat, OutputOpt, emit, pick

__all__ = ["register"]


def _table(plan):  # noqa: ANN001 - rich renderables
    from rich.console import Group
    from rich.table import Table
    from rich.text import Text

    s = plan.summary
    head = Text(f"Plan {plan.source.distro or plan.source.cluster or 'source'} -> {plan.target.name} {plan.target.kubernetes_version}: "
                f"{s.objects} objects, {s.manifests} manifests, {s.blockers} blockers, {s.warnings} warnings")
    dec = Table(title="Decisions", show_edge=False)
    for k in ("Keep", "Transform", "Replace", "Drop", "Manual"):
        dec.add_column(k, justify="right")
    dec.add_row(*(str(s.decisions.get(k, 0)) for k in ("Keep", "Transform", "Replace", "Drop", "Manual")))
    parts = [head, dec]
    if plan.blockers:
        bt = Table(title="Blockers", show_edge=False)
        for c in ("code", "object", "message"):
            bt.add_column(c)
        for b in plan.blockers[:30]:
            bt.add_row(b.code, str(b.ref or ""), b.message)
        parts.append(bt)
    ns = Table(title="Namespaces", show_edge=False)
    for c in ("source", "target", "category", "readiness", "objects"):
        ns.add_column(c)
    for n in plan.namespaces:
        if n.migrate:
            ns.add_row(n.source, n.target, n.category, n.readiness, str(n.object_count))
    parts.append(ns)
    ad = Table(title="Add-ons", show_edge=False)
    for c in ("source", "action", "target"):
        ad.add_column(c)
    for a in plan.addons:
        ad.add_row(a.source_name, a.action, a.target_name or "-")
    parts.append(ad)
    return Group(*parts)


def register(app: typer.Typer) -> None:
    @app.command("plan", help="Map an inventory onto a target distribution: plan.json (a decision for every object) and portable manifests/.")
    def plan_cmd(
        ctx: typer.Context,
        inventory: Annotated[str, typer.Option("--inventory", "-i", help="inventory.json written by `distroshift inventory`.")],
        target: Annotated[Optional[str], typer.Option("--target", help="Target profile id: rke2, eks, aks, gke, kubeadm, kubeadm-hardened, openshift, k3s, edge.")] = None,
        target_version: Annotated[Optional[str], typer.Option("--target-version", help="Target Kubernetes version, e.g. 1.31 (default: the profile's).")] = None,
        profile: Annotated[Optional[str], typer.Option("--profile", help="A whole target profile YAML (replaces the built-in one).")] = None,
        target_context: Annotated[Optional[str], typer.Option("--target-context", help="Read served APIs, storage and ingress classes from this live target context.")] = None,
        kubeconfig: KubeconfigOpt = None,
        namespace_map: Annotated[Optional[list[str]], typer.Option("--namespace-map", help="old=new; repeat for several.")] = None,
        registry_map: Annotated[Optional[list[str]], typer.Option("--registry-map", help="old=new registry (prefix); repeat for several.")] = None,
        rules: Annotated[Optional[list[str]], typer.Option("--rules", help="Extra YAML rules (Velero resource-modifier shape); repeat for several.")] = None,
        out: Annotated[str, typer.Option("--out", help="Output directory (plan.json, manifests/, addons/).")] = "plan",
        diff: Annotated[bool, typer.Option("--diff", help="Print each object's planned changes as a unified diff.")] = False,
        output: OutputOpt = OutputFormat.table,
    ) -> None:
        from migrate.plan.engine import PlanResult, build_plan

        results: list[PlanResult] = []
        plan = build_plan(
            inventory, target=target, target_version=target_version, profile_file=profile,
            namespace_map=namespace_map or None, registry_map=registry_map or None, out_dir=out,
            rules_files=rules or (), target_context=target_context, kubeconfig=pick(kubeconfig, ctx, "kubeconfig"), diff=diff, result=results,
        )
        if diff:
            for d in results[0].diffs:
                sys.stdout.write(d)
        elif output == OutputFormat.table:
            emit(plan, output, _table(plan))
            typer.echo(f"wrote {out}/plan.json and {plan.summary.manifests} manifests in {out}/manifests/", err=True)
        else:
            emit(plan, output)
        if plan.summary.blockers:
            from migrate.errors import GateFailed

            # The plan is written either way; CI needs the non-zero exit to stop before cutover.
            raise GateFailed(f"plan has {plan.summary.blockers} blocker(s); see {out}/plan.json (blockers)")
