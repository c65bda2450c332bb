"""The velero stand-in (tests/standins/velero), with its own state dir per test."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

STANDIN = Path(__file__).resolve().parents[2] / "standins" / "velero"


class VeleroStandin:
    def __init__(self, state: Path):
        self.state = state
        self.log = state / "argv.log"
        self.path = str(STANDIN)
        self.env = {"VELERO_STANDIN_STATE": str(state), "VELERO_STANDIN_LOG": str(self.log)}

    def calls(self) -> list[list[str]]:
        if not self.log.exists():
            return []
        return [json.loads(l)["argv"] for l in self.log.read_text().splitlines() if l.strip()]

    def configure(self, context: str, **cfg) -> None:
        d = self.state / "clusters" / context
        d.mkdir(parents=True, exist_ok=True)
        (d / "cluster.json").write_text(json.dumps(cfg))

    def runner(self, **extra_env):
        from migrate.execs import SubprocessRunner

        return SubprocessRunner(extra_env={**self.env, **extra_env})


@pytest.fixture
def velero_standin(tmp_path, monkeypatch) -> VeleroStandin:
    v = VeleroStandin(tmp_path / "velero-state")
    v.state.mkdir()
    for k in ("VELERO_STANDIN_SCENARIO", "VELERO_STANDIN_RESTORE_SCENARIO"):
        monkeypatch.delenv(k, raising=False)
    return v
