"""Fixtures for the simulator store unit tests (no HTTP)."""
from __future__ import annotations

import pytest

from migrate.sim.store import Store


@pytest.fixture
def store() -> Store:
    s = Store()
    s.namespace_finalize_delay = 0
    s.crd_cleanup_delay = 0
    return s
