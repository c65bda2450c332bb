"""`plan --diff`: the diffs and the usual output, and -o json stays parseable."""

import json
from pathlib import Path

from migrate.cli.main import run

DKP = str(Path(__file__).resolve().parents[3] / "migrate/sim/clusters/dkp")


def test_diff_with_json_keeps_stdout_parseable(tmp_path, capsys):
    assert run(["inventory", "--from-dump", DKP, "--out", str(tmp_path / "inv.json"), "-o", "json"]) == 0
    capsys.readouterr()
    assert run(["plan", "--inventory", str(tmp_path / "inv.json"), "--target", "rke2", "--out", str(tmp_path / "plan"),
                "--diff", "-o", "json"]) == 0
    cap = capsys.readouterr()
    assert json.loads(cap.out)["summary"]["objects"] > 0
    assert "--- source/" in cap.err and "+++ target/" in cap.err
