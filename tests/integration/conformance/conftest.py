"""CLI-level fixtures: the stand-in sonobuoy on PATH with a private state dir."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

STANDINS = Path(__file__).resolve().parents[2] / "standins"


@pytest.fixture
def target_cluster(monkeypatch, tmp_path):
    """A reachable (simulated) cluster as the default kubeconfig: a live run connects before sonobuoy starts."""
    from migrate.sim import start

    sim = start(None, name="target", kubeconfig_out=tmp_path / "target.kubeconfig")
    monkeypatch.setenv("KUBECONFIG", str(sim.kubeconfig))
    yield sim
    sim.stop()


@pytest.fixture
def sono(monkeypatch, tmp_path, target_cluster):
    state = tmp_path / "sonobuoy-state"
    monkeypatch.setenv("SONOBUOY_STANDIN_STATE", str(state))
    monkeypatch.setenv("SONOBUOY_STANDIN_SCENARIO", "all-pass")
    monkeypatch.setenv("PATH", f"{STANDINS}:{__import__('os').environ['PATH']}")
    monkeypatch.chdir(tmp_path)

    class Sono:
        path = STANDINS / "sonobuoy"
        state_dir = state
        kubeconfig = str(target_cluster.kubeconfig)

        def scenario(self, name: str) -> None:
            monkeypatch.setenv("SONOBUOY_STANDIN_SCENARIO", name)

        def calls(self) -> list[list[str]]:
            log = state / "argv.log"
            return [json.loads(x) for x in log.read_text().splitlines()] if log.exists() else []

    return Sono()
