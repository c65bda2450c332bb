"""pytest fixtures for the simulated API server (registered as the ``distroshift_sim`` pytest11 plugin).

* ``sim_cluster``: factory; ``sim_cluster("dkp", workload_sim=False)`` starts a simulator that
  stops when the test ends.
* ``empty_sim``: a fresh, empty v1.36 simulated cluster for one test.
* ``kube_target``: the cluster an integration test talks to. A started simulator by default; the
  real cluster named by ``DISTROSHIFT_TEST_KUBECONFIG`` when that is set. It hands out per-test
  namespaces (deleted afterwards) and skips what the target cannot do: fault injection on a real
  cluster (``kube_target.require_sim()``), tests marked ``needs_kubelet`` on the simulator.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterator

import pytest

REAL_KUBECONFIG_ENV = "DISTROSHIFT_TEST_KUBECONFIG"


@dataclass
class KubeTarget:
    """Where a test's requests go: a simulator (``sim`` set) or a real cluster."""

    kubeconfig: Path
    context: str | None
    sim: Any = None  # migrate.sim.SimServer when simulated
    _namespaces: list[str] = field(default_factory=list)
    _cleanups: list[Callable[[], None]] = field(default_factory=list)
    _api: Any = None

    @property
    def is_sim(self) -> bool:
        return self.sim is not None

    def require_sim(self, why: str = "needs the simulator's fault injection") -> Any:
        if self.sim is None:
            pytest.skip(f"real cluster: {why}")
        return self.sim

    @property
    def faults(self) -> Any:
        return self.require_sim().faults

    def kubectl_args(self) -> list[str]:
        """``--kubeconfig X [--context Y]`` for a kubectl/helm argv."""
        args = ["--kubeconfig", str(self.kubeconfig)]
        if self.context:
            args += ["--context", self.context]
        return args

    def api_client(self) -> Any:
        """An official-client ApiClient for this target (cached per test)."""
        if self._api is None:
            from kubernetes import config

            self._api = config.new_client_from_config(config_file=str(self.kubeconfig), context=self.context)
            self._cleanups.append(self._api.close)
        return self._api

    def namespace(self, prefix: str = "t") -> str:
        """Create a fresh namespace that is deleted when the test ends."""
        from kubernetes import client

        name = f"{prefix}-{secrets.token_hex(3)}"[:63]
        client.CoreV1Api(self.api_client()).create_namespace(
            {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": name, "labels": {"distroshift.io/test": "true"}}}
        )
        self._namespaces.append(name)
        return name

    def cleanup(self, fn: Callable[[], None]) -> None:
        """Run ``fn`` at teardown (CRDs and other cluster-scoped objects a test created)."""
        self._cleanups.insert(0, fn)

    def _teardown(self) -> None:
        if self._namespaces:
            from kubernetes import client
            from kubernetes.client.rest import ApiException

            core = client.CoreV1Api(self.api_client())
            for ns in self._namespaces:
                try:
                    core.delete_namespace(ns)
                except ApiException:
                    pass
        for fn in self._cleanups:
            try:
                fn()
            except Exception:  # noqa: BLE001 - teardown must not mask the test's own result
                pass


def _real_kubeconfig() -> Path | None:
    env = os.environ.get(REAL_KUBECONFIG_ENV)
    return Path(env) if env else None


@pytest.fixture
def sim_cluster() -> Iterator[Callable[..., Any]]:
    """Factory: ``sim_cluster(cluster=None, **serve_kwargs) -> SimServer``; all stop after the test."""
    from migrate.sim import start

    started: list[Any] = []

    def factory(cluster: str | Path | None = None, **kwargs: Any) -> Any:
        sim = start(cluster, **kwargs)
        started.append(sim)
        return sim

    yield factory
    for sim in reversed(started):
        sim.stop()


@pytest.fixture
def empty_sim(sim_cluster: Callable[..., Any]) -> Any:
    """A fresh, empty v1.36 simulated cluster."""
    return sim_cluster(None)


@pytest.fixture
def kube_target(request: pytest.FixtureRequest) -> Iterator[KubeTarget]:
    """The simulator, or the real cluster in $DISTROSHIFT_TEST_KUBECONFIG; per-test namespaces."""
    real = _real_kubeconfig()
    if real is None:
        if request.node.get_closest_marker("needs_kubelet"):
            pytest.skip("needs a kubelet: pods never run on the simulator")
        from migrate.sim import start

        sim = start(None)
        target = KubeTarget(kubeconfig=sim.kubeconfig, context=None, sim=sim)
        try:
            yield target
        finally:
            target._teardown()
            sim.stop()
        return
    if not real.is_file():
        pytest.fail(f"{REAL_KUBECONFIG_ENV}={real}: no such file")
    target = KubeTarget(kubeconfig=real, context=os.environ.get("DISTROSHIFT_TEST_CONTEXT") or None)
    try:
        yield target
    finally:
        target._teardown()
