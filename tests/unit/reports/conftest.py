"""Fixtures for report tests: artifacts written to disk exactly as the stages write them."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
import report_samples  # noqa: E402

from migrate.models.io import write_artifact  # noqa: E402


@pytest.fixture
def samples():
    return report_samples


@pytest.fixture
def artifact_dir(tmp_path):
    """inventory.json, plan.json, conformance.json, state.json (real-fact samples) in a tmp dir."""
    write_artifact(tmp_path / "inventory.json", report_samples.inventory())
    write_artifact(tmp_path / "plan.json", report_samples.plan())
    write_artifact(tmp_path / "conformance.json", report_samples.conformance())
    write_artifact(tmp_path / "state.json", report_samples.run_state())
    return tmp_path
