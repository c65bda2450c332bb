"""`distroshift inventory`: what is in a cluster (live or from a dump), what it is built on, and its add-ons."""

from __future__ import annotations

import os
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
        if out:
            _check_out(out)
        fmt = output or (OutputFormat.table if sys.stdout.isatty() else OutputFormat.json)
        # with --out and no -o, a pipe gets no 100k-object JSON it did not ask for
        quiet = bool(out) and output is None and not sys.stdout.isatty()
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
            try:
                if out:
                    write_inventory(inv, out, objects)
            finally:
                Path(objects).unlink(missing_ok=True)  # moved beside --out, or not wanted: never left in /tmp
            missing = sorted(set(namespace or []) - {n.name for n in inv.namespaces})
            if missing:
                sys.stderr.write(f"warning: namespace(s) not found: {', '.join(missing)}\n")
            for w in inv.warnings:
                if w.code == "INVENTORY_INCOMPLETE":
                    sys.stderr.write(f"warning: {w.message}\n")
            if not inv.complete:
                sys.stderr.write("warning: the inventory is PARTIAL: some resource types could not be read (see above)\n")
            if quiet:
                sys.stderr.write(f"wrote {out}: {inv.object_count} objects\n")
            elif fmt == OutputFormat.table:
                from migrate.inventory.render import print_table

                print_table(inv)
                if out:
                    sys.stderr.write(f"wrote {out}\n")
            elif fmt == OutputFormat.json:
                # straight from pydantic: a dict of 100k-object summaries would double peak memory
                sys.stdout.write(inv.model_dump_json(indent=2) + "\n")
            else:
                emit(inv, fmt)


def _check_out(out: str) -> None:
    """Refuse an unusable --out before listing anything (a 100k-object inventory takes a while)."""
    p = Path(out)
    if out.endswith(("/", "\\")) or p.is_dir():
        raise InputError("is a directory; give a file name such as inventory.json", path=out, field="--out")
    try:
        p.parent.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise InputError(f"cannot create its directory ({e.strerror})", path=out, field="--out") from None
    if not os.access(p.parent, os.W_OK):
        raise InputError("its directory is not writable", path=out, field="--out")


def _with_progress(run):  # type: ignore[no-untyped-def]
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    with Progress(TextColumn("listing"), BarColumn(), MofNCompleteColumn(), TextColumn("{task.description}"), TimeElapsedColumn(),
                  console=Console(stderr=True), transient=True) as p:
        task = p.add_task("", total=None)

        def cb(done: int, total: int, label: str) -> None:
            p.update(task, completed=done, total=total, description=label[:40])

        return run(cb)
