"""Shared fixtures: where the real sample data and the real kube client binaries are."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
TOOLS_BIN = ROOT / ".tools" / "bin"


def _realdata() -> Path | None:
    env = os.environ.get("DISTROSHIFT_REALDATA")
    cand = Path(env) if env else ROOT.parent / "shared" / "realdata"
    return cand if cand.is_dir() else None


REALDATA = _realdata()


@pytest.fixture(scope="session")
def realdata_dir() -> Path:
    """../shared/realdata; tests using it are skipped in a user's clone where it is absent."""
    if REALDATA is None:
        pytest.skip("../shared/realdata is absent (set DISTROSHIFT_REALDATA to its path)")
    return REALDATA


def kube_binary(name: str) -> str:
    """Path of kubectl-1.20 / kubectl-1.35 / helm installed by scripts/install-kube-clients.sh.

    CI sets DISTROSHIFT_REQUIRE_KUBE_CLIENTS=1 so a missing binary fails instead of skipping.
    """
    p = TOOLS_BIN / name
    if p.exists():
        return str(p)
    if os.environ.get("DISTROSHIFT_REQUIRE_KUBE_CLIENTS") == "1":
        pytest.fail(f"{p} missing: run scripts/install-kube-clients.sh")
    pytest.skip(f"{name} not installed (run scripts/install-kube-clients.sh)")


@pytest.fixture(scope="session")
def kubectl_new() -> str:
    return kube_binary("kubectl-1.35")


@pytest.fixture(scope="session")
def kubectl_old() -> str:
    return kube_binary("kubectl-1.20")


@pytest.fixture(scope="session", params=["kubectl-1.20", "kubectl-1.35"])
def kubectl(request) -> str:
    """Both client generations: old and new kubectl discover and apply differently."""
    return kube_binary(request.param)


@pytest.fixture(scope="session")
def helm_bin() -> str:
    return kube_binary("helm")


def pytest_collection_modifyitems(config, items):
    if REALDATA is None:
        skip = pytest.mark.skip(reason="../shared/realdata is absent")
        for item in items:
            if "realdata" in item.keywords:
                item.add_marker(skip)
