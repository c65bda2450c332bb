"""The `-o table` summary: reads well in a 100-column terminal."""

from __future__ import annotations

from collections import Counter
from functools import lru_cache
from importlib import resources
from typing import Any

import yaml
from rich.console import Console, Group
from rich.table import Table
from rich.text import Text

from migrate.models.inventory import Inventory

__all__ = ["render", "print_table", "deprecated_usage"]

WIDTH = 100


@lru_cache(maxsize=1)
def _deprecations() -> dict[tuple[str, str], dict[str, Any]]:
    try:
        doc = yaml.safe_load((resources.files("playbooks") / "apis" / "deprecations.yaml").read_text(encoding="utf-8")) or {}
    except (FileNotFoundError, yaml.YAMLError):  # the API table is another stage's data; absent means "unknown"
        return {}
    return {(d.get("version", ""), d.get("kind", "")): d for d in doc.get("deprecated-versions") or [] if isinstance(d, dict)}


def deprecated_usage(inv: Inventory) -> tuple[int, int]:
    """(deprecated-or-removed API usages, of which removed by some Kubernetes version) across api_usage and stored types."""
    table = _deprecations()
    dep = rem = 0
    for u in inv.api_usage:
        d = table.get((u.api_version, u.kind))
        if d:
            dep += 1
            rem += bool(d.get("removed-in"))
    for t in inv.resource_types:
        d = table.get((f"{t.group}/{t.version}" if t.group else t.version, t.kind))
        if d and t.count:
            dep += t.count
            rem += t.count if d.get("removed-in") else 0
    return dep, rem


def _top(evidence: list[Any], n: int) -> list[Any]:
    """The first piece of evidence of each kind: variety reads better than three nodes saying the same."""
    seen, out = set(), []
    for e in evidence:
        if e.kind not in seen:
            seen.add(e.kind)
            out.append(e)
    return out[:n]


def _pct(x: float) -> str:
    return f"{round(x * 100)}%"


def _kv(title: str) -> Table:
    t = Table(title=title, title_justify="left", show_header=False, box=None, padding=(0, 1), expand=False)
    t.add_column(style="bold", no_wrap=True, width=16)  # "workload (20000)" at scale
    t.add_column(overflow="fold", max_width=WIDTH - 20)
    return t


def render(inv: Inventory) -> Group:
    c = inv.cluster
    d = inv.detection
    parts: list[Any] = []
    head = _kv("Cluster")
    head.add_row("name", f"{c.name or '-'}  ({inv.header.mode}: {inv.header.source})")
    head.add_row("version", f"{c.git_version or '?'}  {c.platform}".strip())
    roles = ", ".join(f"{n} {r}" for r, n in sorted(Counter(r for nd in inv.nodes for r in (nd.roles or ["worker"])).items()))
    head.add_row("nodes", f"{c.node_count} ({roles})" if roles else str(c.node_count))
    if d.distro:
        role = f", role {d.distro.role}" if d.distro.role else ""
        ver = f" {d.distro.version}" if d.distro.version else ""
        head.add_row("distro", f"{d.distro.name}{ver}{role} — confidence {_pct(d.distro.confidence)}")
        for e in _top(d.distro.evidence, 3):
            head.add_row("", Text(f"• {e.detail}", style="dim"))
        others = [f"{x.id} {_pct(x.confidence)}" for x in d.candidates[1:]]
        if others:
            head.add_row("", Text(f"other candidates: {', '.join(others)}", style="dim"))
    else:
        head.add_row("distro", "unknown (no rule matched)")
    if d.infrastructure:
        i = d.infrastructure
        head.add_row("infrastructure", f"{i.name} — confidence {_pct(i.confidence)}")
        for e in _top(i.evidence, 2):
            head.add_row("", Text(f"• {e.detail}", style="dim"))
    status = "complete" if inv.complete else "[bold red]PARTIAL[/] (see warnings)"
    head.add_row("objects", f"{inv.object_count} stored, {sum(inv.counts.values())} counted in {len(inv.resource_types)} types — {status}")
    parts.append(head)

    by_cat: dict[str, list[str]] = {"system": [], "platform": [], "workload": []}
    for n in inv.namespaces:
        by_cat[n.category].append(n.name)
    ns = _kv("Namespaces")
    for cat, names in by_cat.items():
        shown = ", ".join(names[:12]) + (f", … (+{len(names) - 12})" if len(names) > 12 else "")
        ns.add_row(f"{cat} ({len(names)})", shown or "-")
    parts.append(ns)

    kinds = Table(title="Top kinds", title_justify="left", box=None, padding=(0, 1))
    kinds.add_column("kind", no_wrap=True, max_width=60)
    kinds.add_column("count", justify="right")
    for k, n in sorted(inv.counts.items(), key=lambda kv: (-kv[1], kv[0]))[:10]:
        g, _, kind = k.partition("/")
        kinds.add_row(f"{kind}.{g}" if g else kind, str(n))
    parts.append(kinds)

    if d.addons:
        at = Table(title="Add-ons", title_justify="left", box=None, padding=(0, 1))
        at.add_column("category", no_wrap=True, max_width=15)
        at.add_column("add-on", overflow="fold", max_width=24)
        at.add_column("version", overflow="fold", max_width=18)
        at.add_column("managed by", overflow="fold", max_width=38)
        for a in d.addons:
            at.add_row(a.category.value, a.name, a.version or "-", a.managed_by or "-")
        parts.append(at)

    if inv.storage_classes:
        st = Table(title="Storage classes", title_justify="left", box=None, padding=(0, 1))
        st.add_column("name", overflow="fold", max_width=30)
        st.add_column("provisioner", overflow="fold", max_width=40)
        st.add_column("default")
        for s in inv.storage_classes:
            st.add_row(s.name, s.provisioner, "yes" if s.is_default else "")
        parts.append(st)

    if inv.helm_releases:
        ht = Table(title="Helm releases", title_justify="left", box=None, padding=(0, 1))
        ht.add_column("release", overflow="fold", max_width=40)
        ht.add_column("chart", overflow="fold", max_width=36)
        ht.add_column("status", max_width=16)
        for h in inv.helm_releases[:20]:
            ht.add_row(f"{h.namespace}/{h.name}", f"{h.chart} {h.chart_version}", h.status)
        parts.append(ht)

    dep, rem = deprecated_usage(inv)
    api = _kv("API usage")
    api.add_row("deprecated", f"{dep} use(s) of deprecated APIs, {rem} of them removed in a later Kubernetes")
    api.add_row("recorded", f"{len(inv.api_usage)} applied-version records (last-applied, managedFields, Helm manifests)")
    parts.append(api)

    if inv.warnings:
        w = Table(title="Warnings", title_justify="left", show_header=False, box=None, padding=(0, 1))
        w.add_column(overflow="fold", max_width=WIDTH - 2)
        for f in inv.warnings[:20]:
            w.add_row(Text(f"{f.code}: {f.message}", style="yellow"))
        if len(inv.warnings) > 20:
            w.add_row(f"… and {len(inv.warnings) - 20} more (see -o json)")
        parts.append(w)
    return Group(*[x for p in parts for x in (p, Text(""))])


def print_table(inv: Inventory, console: Console | None = None) -> None:
    """Print to `console` as given, or to stdout at min(terminal width, 100) columns (100 when piped)."""
    con = console
    if con is None:
        probe = Console()
        con = Console(width=min(probe.width, WIDTH) if probe.is_terminal else WIDTH)
    con.print(render(inv))
