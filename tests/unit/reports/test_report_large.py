"""A 100k-object plan stays a usable page under 20 MB: summaries inline, long tables cut with a pointer."""

from __future__ import annotations

import re

import pytest

from migrate.cli.main import run
from migrate.models.io import write_artifact

MB = 1 << 20


@pytest.mark.slow
def test_100k_object_plan_renders_small_and_says_what_was_cut(samples, tmp_path):
    plan = samples.plan(extra_objects=100_000)
    write_artifact(tmp_path / "plan.json", plan)
    write_artifact(tmp_path / "inventory.json", samples.inventory())
    out = tmp_path / "report.html"
    assert run(["report", str(tmp_path / "plan.json"), str(tmp_path / "inventory.json"), "--out", str(out)]) == 0
    page = out.read_text()
    assert len(page.encode()) < 20 * MB
    assert len(page.encode()) < 2 * MB  # in practice far below the limit: tables are capped, not dumped
    # every 97th ConfigMap is Manual, plus the sample's Manual PodSecurityPolicy and Medium-risk Deployment
    attention = sum(1 for i in range(100_000) if i % 97 == 0) + 2
    assert re.search(rf"<div class=\"big\">100,005</div>", page)
    assert f"Showing the first 500 of {attention:,} objects; all of them are in plan.json." in page
    assert "ConfigMap" in page and re.search(r"<td>ConfigMap</td><td class=\"num\">100,000</td>", page)

    md = tmp_path / "report.md"
    assert run(["report", str(tmp_path / "plan.json"), "--format", "md", "--out", str(md)]) == 0
    assert md.stat().st_size < 2 * MB
