"""Golden tests: input + expected output per case; `pytest tests/golden --update-golden` rewrites the expected files."""

from __future__ import annotations

import pytest


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--update-golden", action="store_true", default=False, help="rewrite tests/golden/**/expected.json from the current output")


@pytest.fixture
def update_golden(request: pytest.FixtureRequest) -> bool:
    # getoption with a default: the option is only registered when this conftest is an initial one.
    return bool(request.config.getoption("--update-golden", default=False))
