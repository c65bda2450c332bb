"""Fixtures for the simulator's HTTP-level tests."""

from __future__ import annotations

from typing import Any

import pytest
from sim_helpers import Raw


@pytest.fixture
def raw(empty_sim: Any) -> Raw:
    return Raw(empty_sim.url, empty_sim.token, str(empty_sim.ca_file))


@pytest.fixture
def anon(empty_sim: Any) -> Raw:
    return Raw(empty_sim.url, None, str(empty_sim.ca_file))
