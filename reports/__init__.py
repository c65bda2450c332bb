"""Reports: self-contained HTML (and Markdown) rendered only from the stages' JSON artifacts."""

from reports.render import render, render_reports

__all__ = ["render", "render_reports"]
