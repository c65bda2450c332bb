"""`distroshift inventory`: what is in a cluster (live or from a dump), what it is built on, and its add-ons."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from migrate.cli.common import ContextOpt, KubeconfigOpt, NamespaceOpt, OutputFormat, emit, pick
from migrate.errors import InputError

__all__ = ["register"]


def register(app: typer.Typer) -> None:
    @app.command("inventory", help="Inventory a cluster (or a dump): every resource, the distro, infrastructure and add-ons.")
    def inventory(
        ctx: typer.Context,
        kubeconfig: KubeconfigOpt = None,
        context: ContextOpt = None,
        namespace: NamespaceOpt = None,
        exclude_namespaces: Annotated[Optional[str], typer.Option("--exclude-namespaces", help="Comma-separated namespaces to leave out.")] = None,
        from_dump: Annotated[Optional[str], typer.Option("--from-dump", help="Read a dump instead of a cluster: kubectl get -o yaml|json file, manifest directory, or sonobuoy tarball/tree.")] = None,
        rules: Annotated[Optional[list[str]], typer.Option("--rules", help="Extra detection rules YAML (adds rules; same id overrides). Repeatable.")] = None,
        output: Annotated[Optional[OutputFormat], typer.Option("--output", "-o", help="table (default on a terminal), json (default otherwise) or yaml.")] = None,
        out: Annotated[Optional[str], typer.Option("--out", help="Write inventory.json here (+ <stem>.objects.jsonl beside it).")] = None,
        workers: Annotated[int, typer.Option("--workers", help="Parallel list requests.")] = 8,
        page_size: Annotated[int, typer.Option("--page-size", help="Objects per list request (limit, continue); 500 like kubectl's --chunk-size.")] = 500,
    ) -> None:
        from migrate.detect import load_rules
        from migrate.inventory import collect_inventory, inventory_from_dump, write_inventory
        from migrate.inventory.builder import gc_paused

        if workers < 1 or workers > 64:
            raise InputError("must be between 1 and 64", field="--workers")
        if page_size < 1 or page_size > 10_000:
            raise InputError("must be between 1 and 10000", field="--page-size")
        fmt = output or (OutputFormat.table if sys.stdout.isatty() else OutputFormat.json)
        exclude = [x.strip() for x in (exclude_namespaces or "").split(",") if x.strip()]
        # the process ends right after: the collector would only re-walk everything it holds (see gc_paused)
        with gc_paused():
            ruleset = load_rules(rules or [])
            if from_dump:
                inv, objects = inventory_from_dump(from_dump, namespaces=namespace, exclude=exclude, rules=ruleset)
            else:
                from migrate.cluster import connect

                client = connect(pick(kubeconfig, ctx, "kubeconfig"), pick(context, ctx, "context"))
                show = fmt == OutputFormat.table and sys.stdout.isatty() and sys.stderr.isatty()
                if show:
                    inv, objects = _with_progress(lambda cb: collect_inventory(client, namespaces=namespace, exclude=exclude, workers=workers, progress=cb, rules=ruleset, page_size=page_size))
                else:
                    inv, objects = collect_inventory(client, namespaces=namespace, exclude=exclude, workers=workers, rules=ruleset, page_size=page_size)
            if out:
                write_inventory(inv, out, objects)
            else:
                Path(objects).unlink(missing_ok=True)
            for w in inv.warnings:
                if w.code == "INVENTORY_INCOMPLETE":
                    sys.stderr.write(f"warning: {w.message}\n")
            if not inv.complete:
                sys.stderr.write("warning: the inventory is PARTIAL: some resource types could not be read (see above)\n")
            if fmt == OutputFormat.table:
                from migrate.inventory.render import print_table

                print_table(inv)
                if out:
                    sys.stderr.write(f"wrote {out}\n")
            elif fmt == OutputFormat.json:
                # straight from pydantic: a dict of 100k-object summaries would double peak memory
                sys.stdout.write(inv.model_dump_json(indent=2) + "\n")
            else:
                emit(inv, fmt)


def _with_progress(run):  # type: ignore[no-untyped-def]
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    with Progress(TextColumn("listing"), BarColumn(), MofNCompleteColumn(), TextColumn("{task.description}"), TimeElapsedColumn(),
                  console=Console(stderr=True), transient=True) as p:
        task = p.add_task("", total=None)

        def cb(done: int, total: int, label: str) -> None:
            p.update(task, completed=done, total=total, description=label[:40])

        return run(cb)
