"""`distroshift report` as a user runs it: files written, exit codes, one-line errors."""

from __future__ import annotations

import pytest

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


def test_out_with_trailing_slash_is_a_directory_created_with_one_file_per_report(artifact_dir, tmp_path, capsys):
    new = tmp_path / "newdir"
    args = ["report", *(str(artifact_dir / n) for n in ("plan.json", "conformance.json")), "--out", f"{new}/"]
    assert run(args) == 0
    assert new.is_dir() and sorted(p.name for p in new.iterdir()) == ["assessment.html", "conformance.html"]
    # an existing directory, no slash: the same
    assert run(["report", str(artifact_dir / "plan.json"), "--format", "md", "--out", str(new)]) == 0
    assert (new / "assessment.md").read_text().startswith("# Migration assessment")


@pytest.mark.parametrize("out, says", [
    ("newdir", "has no file suffix: give"),
    ("afile/", "exists and is not a directory"),
    ("afile/r.html", "is a file, so no directory can be created under it"),
    ("r.md", "is a .md name but --format is html"),
    ("", "is empty"),
])
def test_unusable_out_paths_are_one_line_exit_2(artifact_dir, tmp_path, monkeypatch, capsys, out, says):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "afile").write_text("x")
    assert run(["report", str(artifact_dir / "plan.json"), "--out", out]) == 2
    err = capsys.readouterr().err
    assert says in err and err.count("\n") == 1 and err.startswith("error: ")
    assert (tmp_path / "afile").read_text() == "x" and not (tmp_path / "newdir").exists()


def test_missing_parent_directories_are_created(artifact_dir, tmp_path):
    out = tmp_path / "a" / "b" / "r.md"
    assert run(["report", str(artifact_dir / "plan.json"), "--format", "md", "--out", str(out)]) == 0
    assert out.read_text().startswith("# Migration assessment")
