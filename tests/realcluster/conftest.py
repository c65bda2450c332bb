"""Every stage against a cluster: the in-process simulator by default, a real cluster when
DISTROSHIFT_TEST_KUBECONFIG names a kubeconfig.

Each test builds its own small app in its own namespace through ``kube_target`` (Deployment,
Service, ConfigMap, Secret, PVC, CronJob, ServiceAccount/Role/RoleBinding, NetworkPolicy, an
Ingress when the cluster has an IngressClass, and a CRD + CR of a group unique to the test) and
runs inventory, plan (+ ``kubectl apply --dry-run=server``), readiness and verify, and a native
cutover that moves the namespace to ``<ns>-target`` within the same cluster. Namespaces, the CRD
and the ``-target`` namespaces are deleted at teardown.

Without the variable (simulator, a few seconds per test)::

    pytest tests/realcluster

Against kind (the context is the kubeconfig's current one unless DISTROSHIFT_TEST_CONTEXT is set)::

    kind create cluster --name ds
    kind get kubeconfig --name ds > /tmp/kind.kubeconfig
    DISTROSHIFT_TEST_KUBECONFIG=/tmp/kind.kubeconfig pytest tests/realcluster tests/integration/sim

Against k3d::

    k3d cluster create ds
    k3d kubeconfig get ds > /tmp/k3d.kubeconfig
    DISTROSHIFT_TEST_KUBECONFIG=/tmp/k3d.kubeconfig DISTROSHIFT_TEST_CONTEXT=k3d-ds pytest tests/realcluster

The detected distro is checked against the context name (``kind-*`` -> kind, ``k3d-*`` -> k3s);
for any other cluster set DISTROSHIFT_TEST_EXPECT_DISTRO=<id>, or only "a distro with evidence" is
asserted. Kubectl tests need ``scripts/install-kube-clients.sh`` (they skip otherwise).

Which tests need a kubelet (pods that really start; the app uses registry.k8s.io/pause, which kind
and k3d nodes already hold): the ``[kubelet]`` variants, marked ``needs_kubelet``:
``test_verify_sees_the_copy_working`` and ``test_native_cutover_moves_the_namespace_within_one_cluster``.
On a cluster whose pods cannot start, deselect them with ``-m "not needs_kubelet"``; they skip by
themselves on a cluster without a Ready node. Their ``[sim]`` variants run the same assertions on the
in-process simulator, whose workload controller makes pods ready and binds PVCs (``start(None)``
keeps ``workload_sim=True``), and skip on a real cluster. PVC binding is asserted only where the
cluster has a default StorageClass (the empty simulator has none, so there it is skipped and the
test says so). Readiness's node and DNS checks are expected to pass exactly when the cluster has a
Ready node and CoreDNS/kube-dns (the empty simulator has neither).

A simulator in another process stands in for a real cluster to check this mode without one::

    distroshift sim serve kubeadm --kubeconfig-out /tmp/rc/kc &
    DISTROSHIFT_TEST_KUBECONFIG=/tmp/rc/kc pytest tests/realcluster tests/integration/sim

Tests marked ``realcluster`` (test_kube_target.py) check the fixture itself against a real cluster
and are skipped without the variable.
"""

from __future__ import annotations

import os
from pathlib import Path
import pytest
from rc_app import REPLICAS, App, Rest, build_app, has_ready_node, kubelet_heartbeat, pod_timeout, seed_simulator, wait_ready

REAL = bool(os.environ.get("DISTROSHIFT_TEST_KUBECONFIG"))


def pytest_collection_modifyitems(config, items):
    if REAL:
        return
    skip = pytest.mark.skip(reason="set DISTROSHIFT_TEST_KUBECONFIG to run against a real cluster")
    for item in items:
        if item.get_closest_marker("realcluster"):  # not item.keywords: that holds this folder's name
            item.add_marker(skip)


@pytest.fixture
def context_name(kube_target) -> str:
    """The context every command gets with --context (the kubeconfig's current one by default)."""
    if kube_target.context:
        return kube_target.context
    from kubernetes import config

    _, active = config.list_kube_config_contexts(config_file=str(kube_target.kubeconfig))
    return active["name"]


@pytest.fixture
def rest(kube_target) -> Rest:
    """Raw API access; on the simulator, first gives it what kind/k3d have (a Ready node, CoreDNS,
    a default StorageClass) so the same expectations hold there."""
    r = Rest(kube_target.api_client())
    if kube_target.is_sim:
        seed_simulator(r)
    return r


@pytest.fixture
def app(kube_target, rest) -> App:
    return build_app(kube_target)


@pytest.fixture
def target_namespace(kube_target, app, rest) -> str:
    """``<app ns>-target``: created by the tests' plan/cutover, deleted at teardown."""
    name = f"{app.namespace}-target"
    kube_target.cleanup(lambda: rest.call("DELETE", f"/api/v1/namespaces/{name}"))
    return name


@pytest.fixture(params=[pytest.param("sim", id="sim"),
                        pytest.param("kubelet", id="kubelet", marks=pytest.mark.needs_kubelet)])
def pods_run(request, kube_target, rest, app) -> str:
    """Pods of the app really become ready: through the simulator's workload controller ([sim]) or a
    kubelet ([kubelet], needs_kubelet: kube_target skips it on the in-process simulator). Waits until
    the app's Deployment is ready, so tests start from a serving source."""
    if request.param == "sim":
        if not kube_target.is_sim:
            pytest.skip("real cluster: the [kubelet] variant (needs_kubelet) runs these assertions here")
        if kube_target.sim.store.workloads is None:
            pytest.skip("this simulator runs without workload simulation: pods never become ready")
    elif not has_ready_node(rest):
        pytest.skip("needs_kubelet: the cluster has no Ready node")
    if wait_ready(rest, app.namespace, "web", REPLICAS, pod_timeout(kube_target)):
        return request.param
    if request.param == "kubelet" and not kubelet_heartbeat(rest):
        pytest.skip(f"needs_kubelet: {app.namespace}/web never became ready and no node's kubelet renews its "
                    "kube-node-lease Lease (nodes without kubelets)")
    pytest.fail(f"{app.namespace}/web never had {REPLICAS} ready replicas ({request.param}); "
                "on a cluster whose pods cannot start (no image pulls), deselect with -m 'not needs_kubelet'")


@pytest.fixture
def out(tmp_path) -> Path:
    """Where the test's artifacts go (scanned whole for Secret values)."""
    return tmp_path / "out"
