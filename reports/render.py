"""Render reports (HTML or Markdown) from artifacts: the public entry points of `reports`.

Safety: the HTML environment autoescapes every value and templates never mark data safe; JSON for
scripts goes through jinja's `tojson` (which escapes <, >, & and '). The page carries a Content
Security Policy that allows only its own inline script (by hash) and no network at all, so even a
missed escape could not run injected handlers or fetch anything. The Markdown environment escapes
every `{{ value }}` through `finalize`, so a template cannot forget to.
"""

from __future__ import annotations

import base64
import hashlib
import html
import os
import re
from functools import lru_cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined

from migrate.errors import InputError
from migrate.models.io import write_atomic
from reports.artifacts import REPORT_KINDS, Artifacts, kinds_for, load_artifacts
from reports.view_assessment import assessment_view
from reports.view_conformance import conformance_view
from reports.view_cutover import cutover_view

__all__ = ["FORMATS", "render", "render_reports", "md_escape", "script_hash", "report_path", "out_paths"]

FORMATS = ("html", "md")
TITLES = {
    "assessment": "Migration assessment",
    "conformance": "Conformance evidence",
    "cutover": "Cutover record",
}
VIEWS = {"assessment": assessment_view, "conformance": conformance_view, "cutover": cutover_view}

# Inline markup only: values never start a line (they sit in table cells or after "- "), so block
# markers (#, +, -, >) need no escape; links need [ ], emphasis * _ ~, code `, tables |.
_MD_SPECIAL = re.compile(r"([\\`*_\[\]|~])")


def md_escape(value: Any) -> str:
    """One table-cell-safe line of Markdown text: no pipes, no markup, no raw HTML, no newlines."""
    if value is None:
        return ""
    text = " ".join(str(value).split())
    text = html.escape(text, quote=False)  # GitHub renders raw HTML in Markdown
    return _MD_SPECIAL.sub(r"\\\1", text)


def _num(value: Any) -> str:
    return f"{value:,}" if isinstance(value, int) and not isinstance(value, bool) else str(value)


def _dur(seconds: float | None) -> str:
    if seconds is None:
        return "-"
    if seconds == 0:
        return "< 1 s"  # step timestamps have whole-second precision
    if seconds < 1:
        return f"{seconds * 1000:.0f} ms"
    if seconds < 90:
        return f"{seconds:.1f} s"
    m, s = divmod(int(round(seconds)), 60)
    return f"{m} min {s:02d} s" if m < 60 else f"{m // 60} h {m % 60:02d} min"


def _pct(part: int, whole: int) -> str:
    return f"{100 * part / whole:.0f}%" if whole else "-"


def _filters(env: Environment) -> Environment:
    env.filters.update(num=_num, dur=_dur)
    env.globals.update(pct=_pct)
    return env


@lru_cache(maxsize=2)
def _env(fmt: str) -> Environment:
    """HTML autoescapes; Markdown escapes every value through `finalize` (md_escape)."""
    md = fmt == "md"
    return _filters(
        Environment(
            loader=PackageLoader("reports", "templates"),
            autoescape=not md,
            finalize=md_escape if md else None,
            undefined=StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
        )
    )


@lru_cache(maxsize=1)
def script_hash() -> str:
    """CSP hash of report.js exactly as `{% include %}` emits it (jinja drops one trailing newline)."""
    src = (Path(__file__).parent / "templates" / "report.js").read_text(encoding="utf-8")
    if src.endswith("\n"):
        src = src[:-1]
    return "sha256-" + base64.b64encode(hashlib.sha256(src.encode()).digest()).decode()


def _headers(arts: Artifacts) -> list[dict[str, str]]:
    rows = []
    for slot in ("inventory", "plan", "readiness", "conformance", "state", "parity"):
        model = getattr(arts, slot)
        if model is None:
            continue
        h = model.header
        rows.append(
            {"kind": h.kind, "file": Path(arts.paths.get(slot, "")).name, "created_at": h.created_at, "mode": h.mode,
             "source": h.source, "tool_version": h.tool_version}
        )
    return rows


def render(arts: Artifacts, kind: str, fmt: str = "html") -> str:
    if kind not in REPORT_KINDS:
        raise InputError(f"unknown report kind {kind!r} (choose {', '.join(REPORT_KINDS)})", field="--kind")
    if fmt not in FORMATS:
        raise InputError(f"unknown format {fmt!r} (choose html or md)", field="--format")
    if kind == "assessment":
        if arts.plan is None and arts.inventory is None:
            raise InputError("the assessment report needs inventory.json and/or plan.json")
        view = assessment_view(arts.plan, arts.inventory)
    elif kind == "conformance":
        if arts.conformance is None and arts.readiness is None:
            raise InputError("the conformance report needs conformance.json and/or readiness.json")
        view = conformance_view(arts.conformance, arts.readiness)
    else:
        arts.require("state")
        view = cutover_view(arts.state, arts.conformance, arts.parity)
    env = _env("md" if fmt == "md" else "html")
    tmpl = env.get_template(f"{kind}.{fmt}.j2")
    headers = _headers(arts)
    return tmpl.render(
        kind=kind,
        title=TITLES[kind],
        v=view,
        data={"kind": kind, **view["summary"]},
        artifacts=headers,
        script_hash=script_hash(),
        tool_version=__import__("migrate").__version__,
    )


SUFFIXES = {"html": (".html", ".htm"), "md": (".md", ".markdown")}


def report_path(out: Path, kind: str, several: bool) -> Path:
    """--out names the file; when one call yields several reports each gets '-<kind>' before the suffix."""
    return out.with_name(f"{out.stem}-{kind}{out.suffix}") if several else out


def out_paths(out: str | os.PathLike, kinds: list[str], fmt: str) -> list[Path]:
    """Where each report goes. A trailing slash or an existing directory means a directory (created if
    missing) holding <kind>.<fmt>; anything else is the report file itself. Unusable paths are one-line
    InputErrors before anything is rendered."""
    raw = os.fspath(out)
    if not raw.strip():
        raise InputError("is empty; give a file (report.html) or a directory (reports/)", field="--out")
    p = Path(raw)
    as_dir = raw.endswith(("/", os.sep)) or p.is_dir()
    if as_dir:
        if p.exists() and not p.is_dir():
            raise InputError("exists and is not a directory (drop the trailing slash to write a file)", path=raw, field="--out")
        _check_parent(p)
        return [p / f"{k}.{fmt}" for k in kinds]
    if not p.suffix:
        raise InputError(f"has no file suffix: give {raw}/ for a directory or {raw}.{fmt} for a file", path=raw, field="--out")
    other = next((f for f, sufs in SUFFIXES.items() if p.suffix.lower() in sufs), fmt)
    if other != fmt:
        raise InputError(f"is a .{other} name but --format is {fmt}", path=raw, field="--out")
    _check_parent(p.parent)
    return [report_path(p, k, len(kinds) > 1) for k in kinds]


def _check_parent(d: Path) -> None:
    """The nearest existing ancestor must be a writable directory (the rest is created)."""
    for a in (d, *d.parents):
        if a.exists():
            if not a.is_dir():
                raise InputError("is a file, so no directory can be created under it", path=str(a), field="--out")
            if not os.access(a, os.W_OK | os.X_OK):
                raise InputError("directory is not writable", path=str(a), field="--out")
            return


def render_reports(
    paths: list[str | Path], out: str | Path, fmt: str = "html", kind: str = "auto"
) -> list[Path]:
    """Load artifacts, render the requested (or every supported) report, write atomically; return the files."""
    arts = load_artifacts(list(paths))
    if kind == "auto":
        kinds = kinds_for(arts)
    elif kind in REPORT_KINDS:
        kinds = [kind]
    else:
        raise InputError(f"unknown report kind {kind!r} (choose auto, {', '.join(REPORT_KINDS)})", field="--kind")
    if fmt not in FORMATS:
        raise InputError(f"unknown format {fmt!r} (choose html or md)", field="--format")
    targets = out_paths(out, kinds, fmt)
    texts = [render(arts, k, fmt) for k in kinds]  # render all first: a bad artifact writes nothing
    return [write_atomic(t, text) for t, text in zip(targets, texts)]
