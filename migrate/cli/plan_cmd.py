"""`distroshift plan`: inventory.json + target profile -> plan/plan.json + plan/manifests/ (+ --diff)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from migrate.cli.common import KubeconfigOpt, OutputFormat, OutputOpt, emit, pick

__all__ = ["register", "plan_findings", "summary_line"]


_SEVERITIES = ("Blocker", "Error", "Warning")
FINDING_ROWS = 40


def _n(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def plan_findings(plan) -> list:  # noqa: ANN001 - a Plan
    """Blockers, errors and warnings of the plan and of its objects, each once, most severe first."""
    seen: dict[tuple, object] = {}
    for f in [*plan.blockers, *plan.findings, *(f for o in plan.objects for f in o.findings)]:
        if f.severity.value in _SEVERITIES:
            seen.setdefault((f.severity.value, f.code, str(f.ref or ""), f.message), f)
    rank = {s: i for i, s in enumerate(_SEVERITIES)}
    return sorted(seen.values(), key=lambda f: (rank[f.severity.value], f.code, str(f.ref or ""), f.message))


def summary_line(plan, findings: list) -> str:  # noqa: ANN001
    s = plan.summary
    errors = sum(1 for f in findings if f.severity.value == "Error")
    return (f"Plan {plan.source.distro or plan.source.cluster or 'source'} -> {plan.target.name} {plan.target.kubernetes_version}:\n"
            f"{s.objects} objects, {s.manifests} manifests, {_n(s.blockers, 'blocker')}, {_n(errors, 'error')}, "
            f"{_n(s.warnings, 'warning')}")


def _object(ref) -> str:  # noqa: ANN001
    if ref is None:
        return "(plan)"
    return f"{ref.kind}/{ref.namespace + '/' if ref.namespace else ''}{ref.name}"


def _table(plan):  # noqa: ANN001 - rich renderables
    from rich.console import Group
    from rich.table import Table
    from rich.text import Text

    s = plan.summary
    findings = plan_findings(plan)
    head = Text(summary_line(plan, findings))
    dec = Table(title="Decisions", show_edge=False)
    for k in ("Keep", "Transform", "Replace", "Drop", "Manual"):
        dec.add_column(k, justify="right")
    dec.add_row(*(str(s.decisions.get(k, 0)) for k in ("Keep", "Transform", "Replace", "Drop", "Manual")))
    parts = [head, dec]
    if findings:
        # Compact enough for a 100-column terminal: code and object on one line, the message wrapped below.
        ft = Table(title="Findings (resolutions in plan.json)", show_header=False, show_edge=False, pad_edge=False, box=None)
        ft.add_column("severity", no_wrap=True)
        ft.add_column("finding", ratio=1, overflow="fold")
        style = {"Blocker": "bold red", "Error": "red", "Warning": "yellow"}
        for f in findings[:FINDING_ROWS]:
            sev = f.severity.value
            body = Text.assemble((f.code, "bold"), "  ", _object(f.ref), "\n", f.message)
            ft.add_row(Text(sev, style=style[sev]), body)
        parts.append(ft)
        if len(findings) > FINDING_ROWS:
            parts.append(Text(f"... and {len(findings) - FINDING_ROWS} more findings in plan.json"))
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
        out_dir = Path(out)  # "plan/" and "plan" name the same directory; say it one way
        if diff:
            # the diffs first; with -o json|yaml they go to stderr so stdout stays parseable
            stream = sys.stdout if output == OutputFormat.table else sys.stderr
            for d in results[0].diffs:
                stream.write(d)
        if output == OutputFormat.table:
            emit(plan, output, _table(plan))
            typer.echo(f"wrote {out_dir / 'plan.json'} and {plan.summary.manifests} manifests in {out_dir / 'manifests'}/", err=True)
        else:
            emit(plan, output)
        if plan.summary.blockers:
            from migrate.errors import GateFailed

            # The plan is written either way; CI needs the non-zero exit to stop before cutover.
            raise GateFailed(f"plan has {plan.summary.blockers} blocker(s); see {out_dir / 'plan.json'} (blockers)")
