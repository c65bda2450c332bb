"""User errors on the command line: one `error:` line, exit 2, never a traceback."""

from pathlib import Path

import pytest

from migrate.cli.main import run

RKE2 = str(Path(__file__).resolve().parents[3] / "migrate/sim/clusters/rke2")


@pytest.mark.parametrize(
    "argv, needle",
    [
        (["inventory", "-o", "bogus"], "'bogus' is not one of"),
        (["report", "--format", "pdf", "x.json"], "'pdf' is not one of"),
        (["inventory", "--workers", "abc"], "--workers"),
        (["plan", "--nope"], "No such option: --nope"),
        (["bogus"], "No such command 'bogus'"),
        (["plan"], "Missing option '--inventory'"),
        (["inventory", "--from-dump", RKE2, "--out", "/proc/nope/inv.json"], "/proc/nope"),
    ],
)
def test_bad_command_lines_are_one_line_exit_2(argv, needle, capsys):
    rc = run(argv)
    err = capsys.readouterr().err
    assert rc == 2
    assert err.startswith("error:") and err.count("\n") == 1, err
    assert needle in err and "Traceback" not in err


def test_version_flag():
    assert run(["--version"]) == 0


def test_inventory_out_is_checked_before_listing_and_leaves_no_temp_files(tmp_path, capsys):
    import glob
    import tempfile

    before = set(glob.glob(f"{tempfile.gettempdir()}/distroshift-*.objects.jsonl"))
    assert run(["inventory", "--from-dump", RKE2, "--out", str(tmp_path) + "/"]) == 2
    assert "is a directory" in capsys.readouterr().err
    assert run(["inventory", "--from-dump", RKE2, "-n", "nope", "-n", "kube-system", "--out", str(tmp_path / "inv.json")]) == 0
    err = capsys.readouterr().err
    assert "namespace(s) not found: nope" in err and "wrote" in err
    assert (tmp_path / "inv.objects.jsonl").is_file()
    assert set(glob.glob(f"{tempfile.gettempdir()}/distroshift-*.objects.jsonl")) <= before
