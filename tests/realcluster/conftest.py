"""Real-cluster mode: tests here run only when DISTROSHIFT_TEST_KUBECONFIG names a kubeconfig.

The simulator's integration tests (tests/integration/sim/) use the ``kube_target`` fixture, so
the same tests run against a real cluster with::

    DISTROSHIFT_TEST_KUBECONFIG=~/.kube/kind pytest tests/integration/sim tests/realcluster

Each test creates and deletes its own namespaces (and CRDs, via ``kube_target.cleanup``);
fault-injection tests skip themselves there, and ``needs_kubelet`` tests run only there.
"""

from __future__ import annotations

import os

import pytest


def pytest_collection_modifyitems(config, items):
    if os.environ.get("DISTROSHIFT_TEST_KUBECONFIG"):
        return
    skip = pytest.mark.skip(reason="set DISTROSHIFT_TEST_KUBECONFIG to run against a real cluster")
    for item in items:
        if "realcluster" in item.keywords:
            item.add_marker(skip)
