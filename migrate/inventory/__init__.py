"""Inventory: every resource of a source cluster, its distro and add-ons — live or from a dump.

Public API (used by the CLI and the cutover playbook engine):

    collect_inventory(client, *, namespaces=None, exclude=None, workers=8, progress=None,
                      rules=None, objects_path=None, page_size=500) -> tuple[Inventory, Path]
        Live: discovery-driven, paged (limit=500), parallel over `workers` threads. `client` comes from
        migrate.cluster.connect(kubeconfig, context). `progress(done, total, label)` is called per listed
        type. Types that could not be read completely are marked in resource_types (complete=False,
        error) and warnings (INVENTORY_INCOMPLETE), and Inventory.complete is False — never raised.
        Returns the inventory and the sorted objects JSONL (at `objects_path`, or a temp file the
        caller owns; pass it to write_inventory to place it next to the inventory).

    inventory_from_dump(path, *, namespaces=None, exclude=None, rules=None, objects_path=None,
                        cluster_name=None) -> tuple[Inventory, Path]
        Offline, same model: header.mode="offline", header.source=path. Raises InputError (exit 2) on a
        malformed dump, naming the file (and line).

    write_inventory(inv, path, objects=None) -> Path
        Writes `path` atomically; moves `objects` to `<stem>.objects.jsonl` beside it and records it in
        inv.objects_file. Read back with migrate.models.io.read_artifact + migrate.models.inventory.iter_objects.

`rules` is a migrate.detect.RuleSet (load_rules([...user files])); default: the built-in rules.

Both collectors pause Python's cyclic garbage collector while they run and restore its previous state
(builder.gc_paused: at 100k objects the collector cost as much CPU as everything else together); the
objects they create hold no reference cycles. Speed is measured by bench/inventory.py.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path
from typing import Any, Callable

from migrate.detect import RuleSet, load_rules
from migrate.inventory.builder import InventoryBuilder, gc_paused, parse_version
from migrate.models.common import ArtifactHeader
from migrate.models.inventory import ClusterInfo, Inventory
from migrate.models.io import write_artifact

__all__ = ["collect_inventory", "inventory_from_dump", "write_inventory", "objects_path_for"]


def _objects_target(objects_path: str | Path | None) -> Path:
    if objects_path is not None:
        p = Path(objects_path)
        p.parent.mkdir(parents=True, exist_ok=True)
        return p
    fd, name = tempfile.mkstemp(prefix="distroshift-", suffix=".objects.jsonl")
    os.close(fd)
    return Path(name)


def collect_inventory(
    client: Any,
    *,
    namespaces: list[str] | None = None,
    exclude: list[str] | None = None,
    workers: int = 8,
    progress: Callable[[int, int, str], None] | None = None,
    rules: RuleSet | None = None,
    objects_path: str | Path | None = None,
    page_size: int = 500,
) -> tuple[Inventory, Path]:
    from migrate.inventory.live import collect_into, select_types

    version = client.ensure_reachable()
    types = select_types(client.discover())
    builder = InventoryBuilder(rules or load_rules(), namespaces=namespaces, exclude=exclude)
    try:
        with gc_paused():  # see builder.gc_paused: halves the CPU of a 100k-object run
            collect_into(builder, client, types, namespaces=builder.namespaces or None, workers=workers, progress=progress, limit=page_size)
            git = str(version.get("gitVersion", ""))
            major, minor = parse_version(git)
            cluster = ClusterInfo(
                name=client.context, server_url=client.server, git_version=git, major=major, minor=minor,
                platform=str(version.get("platform", "")),
            )
            header = ArtifactHeader(kind="Inventory", mode="live", source=client.context or client.server)
            out = _objects_target(objects_path)
            inv = builder.build(header=header, cluster=cluster, objects_path=out)
    finally:
        builder.cleanup()
    return inv, out


def inventory_from_dump(
    path: str | Path,
    *,
    namespaces: list[str] | None = None,
    exclude: list[str] | None = None,
    rules: RuleSet | None = None,
    objects_path: str | Path | None = None,
    cluster_name: str | None = None,
) -> tuple[Inventory, Path]:
    from migrate.inventory.dump import guess_plural, read_dump
    from migrate.errors import InputError
    from migrate.models.common import group_of

    with gc_paused():  # as in collect_inventory
        objs, reader = read_dump(path)
        builder = InventoryBuilder(rules or load_rules(), namespaces=namespaces, exclude=exclude)
        try:
            units: dict[tuple[str, str], Any] = {}
            namespaced: dict[tuple[str, str], bool] = {}
            for o in objs:
                av, kind = str(o["apiVersion"]), str(o["kind"])
                key = (av, kind)
                u = units.get(key)
                if u is None:
                    g = group_of(av)
                    u = units[key] = builder.unit(g, av.rsplit("/", 1)[-1], f"\0{kind}", kind, False)
                if (o.get("metadata") or {}).get("namespace"):
                    namespaced[key] = True
                try:
                    u.add(o)
                except (TypeError, ValueError) as e:  # e.g. YAML-only values (!!binary, !!set) that JSON cannot hold
                    md = o.get("metadata") or {}
                    where = f"{kind} {md.get('namespace') + '/' if md.get('namespace') else ''}{md.get('name', '?')}"
                    first = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
                    raise InputError(f"{where} cannot be read: {first[:200]}", path=str(path)) from None
            if not units:
                raise InputError("no Kubernetes objects found in the dump", path=str(path))
            for u in units.values():
                u.done()
            # resource names: from the dump's own CRDs, else kubectl's plural guess
            crd = {(c.group, c.kind): (c.plural, c.scope == "Namespaced") for c in builder.summ.crds}
            retyped = {}
            for (g, v, res), st in builder.types.items():
                kind = res[1:]
                plural, scoped = crd.get((g, kind), (guess_plural(kind), None))
                st.info.resource = plural
                st.info.namespaced = scoped if scoped is not None else namespaced.get((f"{g}/{v}" if g else v, kind), False)
                retyped[(g, v, plural)] = st
            builder.types = retyped
            builder.warnings += reader.warnings
            sv = reader.server_version or {}
            git = str(sv.get("gitVersion", ""))
            major, minor = parse_version(git)
            cluster = ClusterInfo(name=cluster_name or Path(path).name, git_version=git, major=major if git else "", minor=minor if git else "",
                                  platform=str(sv.get("platform", "")))
            header = ArtifactHeader(kind="Inventory", mode="offline", source=str(path))
            out = _objects_target(objects_path)
            inv = builder.build(header=header, cluster=cluster, objects_path=out, dedupe=True)
        finally:
            builder.cleanup()
    return inv, out


def objects_path_for(inventory_path: str | Path) -> Path:
    p = Path(inventory_path)
    return p.with_name(f"{p.stem}.objects.jsonl")


def write_inventory(inv: Inventory, path: str | Path, objects: str | Path | None = None) -> Path:
    p = Path(path)
    p.parent.mkdir(parents=True, exist_ok=True)
    if objects is not None:
        target = objects_path_for(p)
        if Path(objects).resolve() != target.resolve():
            shutil.move(str(objects), target)
        inv.objects_file = target.name
    return write_artifact(p, inv)
