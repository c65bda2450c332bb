"""Fixtures for conformance unit tests: the sonobuoy stand-in is the one source of fixture tarballs."""

from __future__ import annotations

import importlib.machinery
import importlib.util
from pathlib import Path

import pytest

STANDIN = Path(__file__).resolve().parents[2] / "standins" / "sonobuoy"


def load_standin():
    loader = importlib.machinery.SourceFileLoader("sonobuoy_standin", str(STANDIN))
    spec = importlib.util.spec_from_loader("sonobuoy_standin", loader)
    mod = importlib.util.module_from_spec(spec)
    loader.exec_module(mod)
    return mod


@pytest.fixture(scope="session")
def standin():
    return load_standin()


@pytest.fixture
def make_tarball(standin, tmp_path):
    def make(scenario: str = "all-pass") -> Path:
        return standin.build_tarball(tmp_path / f"{scenario}.tar.gz", scenario)

    return make


@pytest.fixture
def standin_env(monkeypatch, tmp_path):
    """Point the stand-in at a private state dir; returns a helper reading the argv it logged."""
    state = tmp_path / "sonobuoy-state"
    monkeypatch.setenv("SONOBUOY_STANDIN_STATE", str(state))
    monkeypatch.setenv("SONOBUOY_STANDIN_SCENARIO", "all-pass")

    class Env:
        binary = str(STANDIN)

        def scenario(self, name: str) -> None:
            monkeypatch.setenv("SONOBUOY_STANDIN_SCENARIO", name)

        def calls(self) -> list[list[str]]:
            import json

            log = state / "argv.log"
            return [json.loads(ln) for ln in log.read_text().splitlines()] if log.exists() else []

    return Env()
