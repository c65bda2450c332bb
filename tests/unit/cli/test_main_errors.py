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
