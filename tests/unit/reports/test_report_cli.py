"""`distroshift report` as a user runs it: files written, exit codes, one-line errors."""

from __future__ import annotations

from migrate.cli.main import run


def test_report_writes_each_supported_report(artifact_dir, capsys):
    out = artifact_dir / "site" / "report.html"
    args = ["report", *(str(artifact_dir / n) for n in ("inventory.json", "plan.json", "conformance.json", "state.json")), "--out", str(out)]
    assert run(args) == 0
    printed = capsys.readouterr().out.split()
    assert [p.rsplit("/", 1)[1] for p in printed] == ["report-assessment.html", "report-conformance.html", "report-cutover.html"]
    assert all((out.parent / p.rsplit("/", 1)[1]).stat().st_size > 5000 for p in printed)


def test_report_kind_and_markdown(artifact_dir, capsys):
    out = artifact_dir / "a.md"
    assert run(["report", str(artifact_dir / "plan.json"), str(artifact_dir / "inventory.json"), "--kind", "assessment",
                "--format", "md", "--out", str(out)]) == 0
    assert out.read_text().startswith("# Migration assessment: dkp-prod")


def test_report_errors_are_one_line_with_exit_2(artifact_dir, tmp_path, capsys):
    assert run(["report", str(tmp_path / "missing.json"), "--out", str(tmp_path / "r.html")]) == 2
    err = capsys.readouterr().err
    assert err.strip() == f"error: {tmp_path / 'missing.json'}: file not found"
    assert run(["report", str(artifact_dir / "state.json"), "--kind", "assessment", "--out", str(tmp_path / "r.html")]) == 2
    assert "needs inventory.json and/or plan.json" in capsys.readouterr().err
    (tmp_path / "notes.json").write_text("[1, 2]")
    assert run(["report", str(tmp_path / "notes.json")]) == 2
    assert "missing artifact header; not a distroshift file" in capsys.readouterr().err
    assert not (tmp_path / "r.html").exists()
