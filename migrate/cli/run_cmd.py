"""`distroshift run PLAYBOOK`: drive a migration (backup, restore, verify, roll back) with a resumable state."""

from __future__ import annotations

from typing import Annotated, Optional

import typer

from migrate.cli.common import pick


def register(app: typer.Typer) -> None:
    @app.command(
        "run",
        help=(
            "Run a migration playbook (playbooks/playbooks/*.yaml) from the source to the target context. "
            "Progress is saved in --state after every step: --resume continues after a crash or a gate, "
            "--rollback puts the source back (and with --remove-target deletes what the run created on the "
            "target). --dry-run changes nothing, goes through every step and prints every command, diff and scale "
            "change. Exit codes: 0 done; 1 a step failed (or, in a dry run, a real run would stop; the reasons are "
            "listed); 2 bad input (flags, playbook, plan or contexts of other clusters); 3 a tool failed; "
            "4 waiting at a gate (approval, install-addons, switch-traffic): re-run with --resume --yes, which approves "
            "that one gate only (the next gate stops again with 4); --approve-all passes every gate, for unattended "
            "CI runs. A rolled-back run cannot be resumed: start a new one with a new --state. 130 interrupted."
        ),
    )
    def _cmd(
        ctx: typer.Context,
        playbook: Annotated[str, typer.Argument(help="Playbook YAML, e.g. playbooks/playbooks/generic.yaml.")],
        kubeconfig: Annotated[Optional[str], typer.Option("--kubeconfig", help="Kubeconfig holding both contexts.")] = None,
        source_context: Annotated[Optional[str], typer.Option("--source-context", help="Context of the source cluster.")] = None,
        target_context: Annotated[Optional[str], typer.Option("--target-context", help="Context of the target cluster.")] = None,
        plan: Annotated[Optional[str], typer.Option("--plan", help="Plan directory from 'distroshift plan' (plan.json + manifests/). Without it the run's inventory and plan steps build both beside --state (<state>-artifacts/).")] = None,
        engine: Annotated[Optional[str], typer.Option("--engine", help="native (server-side apply) or velero; default: the playbook's.")] = None,
        state: Annotated[str, typer.Option("--state", help="State file of this run.")] = "state.json",
        dry_run: Annotated[bool, typer.Option("--dry-run", help="Change nothing; print what each step would do.")] = False,
        resume: Annotated[bool, typer.Option("--resume", help="Continue the run recorded in --state.")] = False,
        rollback: Annotated[bool, typer.Option("--rollback", help="Restore the source's replicas, CronJobs and DaemonSets as recorded.")] = False,
        remove_target: Annotated[bool, typer.Option("--remove-target", help="With --rollback: delete what this run created on the target (velero: the objects labelled with this run's restore names, except those there before the run).")] = False,
        yes: Annotated[bool, typer.Option("--yes", "-y", help="With --resume: approve the gate the run is waiting at (recorded in --state), only that one; a later gate stops again (exit 4).")] = False,
        approve_all: Annotated[bool, typer.Option("--approve-all", help="Pass EVERY gate (install-addons, approval before the source is scaled down, switch-traffic) without stopping: for unattended CI runs only.")] = False,
        velero: Annotated[Optional[str], typer.Option("--velero", help="Path of the velero binary (default: PATH).")] = None,
        helm: Annotated[Optional[str], typer.Option("--helm", help="Path of the helm binary (default: PATH).")] = None,
        velero_namespace: Annotated[str, typer.Option("--velero-namespace", help="Namespace Velero runs in.")] = "velero",
        registry_map: Annotated[Optional[list[str]], typer.Option("--registry-map", help="old=new registry (prefix) for the plan the run builds; repeat for several (as 'distroshift plan').")] = None,
        namespace_map: Annotated[Optional[list[str]], typer.Option("--namespace-map", help="old=new namespace for the plan the run builds; repeat for several (as 'distroshift plan').")] = None,
    ) -> None:
        from migrate.errors import InputError
        from migrate.playbook.engine import RunOptions, run_playbook

        if remove_target and not rollback:
            raise InputError("--remove-target only makes sense with --rollback", field="--remove-target")
        if resume and rollback:
            raise InputError("choose --resume or --rollback, not both", field="--rollback")
        from migrate.plan.engine import parse_map

        regmap = parse_map(registry_map, "--registry-map")
        nsmap = parse_map(namespace_map, "--namespace-map", dns_label=True)
        if (regmap or nsmap) and plan:
            raise InputError("--registry-map/--namespace-map apply to the plan the run builds; with --plan, pass them "
                             "to 'distroshift plan' instead", field="--registry-map" if regmap else "--namespace-map")
        kc = pick(kubeconfig, ctx, "kubeconfig")
        src_ctx = source_context
        tgt_ctx = target_context
        if not src_ctx or not tgt_ctx:
            if not (resume or rollback):
                raise InputError("both --source-context and --target-context are required", field="--source-context")
        opts = RunOptions(
            playbook=playbook, state=state, kubeconfig=kc, source_context=src_ctx, target_context=tgt_ctx,
            engine=engine, plan=plan, dry_run=dry_run, resume=resume, rollback=rollback,
            remove_target=remove_target, yes=yes, approve_all=approve_all, velero=velero, helm=helm, velero_namespace=velero_namespace,
            registry_map=regmap, namespace_map=nsmap,
        )

        def clients():
            from migrate.cluster import connect
            from migrate.playbook.store import StateStore

            s, t = opts.source_context, opts.target_context
            if (not s or not t) and StateStore(opts.state).exists():
                st = StateStore(opts.state).load()
                s, t = s or st.source_context, t or st.target_context
                opts.source_context, opts.target_context = s, t
            return connect(kc, s), connect(kc, t)

        try:
            run_playbook(opts, clients=clients, echo=typer.echo)
        except KeyboardInterrupt:
            import click

            # typer turns a KeyboardInterrupt escaping a command into a silent exit 130; an Abort
            # reaches cli/main.py, which prints the one "interrupted" line and exits 130
            verb = "--rollback again finishes the rollback" if rollback else "--resume continues the run"
            typer.echo(f"interrupted: the state is saved in {state}; {verb}")
            raise click.exceptions.Abort(f"state saved in {state}; {verb}") from None
