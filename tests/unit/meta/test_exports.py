"""Every package curates its public surface: __all__ exists and every name in it resolves (httpx/kopf style)."""

import importlib
import importlib.util
import pkgutil

import pytest

import conformance
import migrate
import reports


def _packages():
    for root in (migrate, conformance, reports):
        yield root.__name__
        for m in pkgutil.walk_packages(root.__path__, root.__name__ + "."):
            if m.ispkg and ".sim.clusters" not in m.name and not m.name.rsplit(".", 1)[-1].startswith("_"):
                yield m.name


@pytest.mark.parametrize("name", sorted(set(_packages())))
def test_package_declares_and_resolves_all(name):
    mod = importlib.import_module(name)
    assert hasattr(mod, "__all__"), f"{name} has no __all__"
    missing = [n for n in mod.__all__ if not hasattr(mod, n) and importlib.util.find_spec(f"{name}.{n}") is None]
    assert not missing, f"{name}.__all__ names missing attributes: {missing}"
