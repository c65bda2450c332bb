"""Every stage against a cluster: the in-process simulator by default, a real cluster when
DISTROSHIFT_TEST_KUBECONFIG names a kubeconfig (DISTROSHIFT_TEST_CONTEXT picks a context; default:
the kubeconfig's current one). All through ``kube_target`` (migrate/sim/pytest_plugin.py).

Each test builds its own small app in its own namespace (Deployment web x2 on registry.k8s.io/pause,
Service, ConfigMap, Secret, PVC, CronJob, ServiceAccount/Role/RoleBinding, NetworkPolicy, an Ingress
when the cluster has an IngressClass, a CRD of a group unique to the test + one CR) and runs:
test_rc_inventory (inventory -n), test_rc_plan (plan --target kubeadm --namespace-map NS=NS-target,
then kubectl apply --dry-run=server -R -f manifests/), test_rc_readiness_verify (readiness, and
verify after applying the plan's manifests into NS-target), test_rc_cutover (distroshift run
generic.yaml --engine native with source context == target context: a namespace move). The test's
namespaces, NS-target and the CRD are deleted at teardown (the CRD is waited for on a real cluster).

Without the variable (in-process simulator, about 5 s in all)::

    pytest tests/realcluster

Against kind::

    kind create cluster --name ds
    kind get kubeconfig --name ds > /tmp/kind.kubeconfig
    DISTROSHIFT_TEST_KUBECONFIG=/tmp/kind.kubeconfig pytest tests/realcluster tests/integration/sim

Against k3d::

    k3d cluster create ds
    k3d kubeconfig get ds > /tmp/k3d.kubeconfig
    DISTROSHIFT_TEST_KUBECONFIG=/tmp/k3d.kubeconfig DISTROSHIFT_TEST_CONTEXT=k3d-ds pytest tests/realcluster

kubectl must be installed by ``scripts/install-kube-clients.sh`` (kubectl tests skip otherwise). The
detected distro is checked against the context name (``kind-*`` -> kind, ``k3d-*`` -> k3s); for any
other cluster set DISTROSHIFT_TEST_EXPECT_DISTRO=<id>, else only "a distro, with evidence" is asserted.
On the simulator it must be kubeadm.

Tests that need a kubelet (pods that really start; kind and k3d nodes already hold the pause image)
are the ``[kubelet]`` variants, marked ``needs_kubelet``: test_verify_sees_the_copy_working,
test_pvc_binds_on_the_default_storage_class, test_native_cutover_moves_the_namespace_within_one_cluster,
and test_kube_target.py::test_pods_run_on_a_real_cluster. They skip on a cluster without a Ready node,
and skip (rather than fail) when pods never get ready AND no kubelet renews its kube-node-lease Lease
(nodes without kubelets); with live kubelets, pods not ready within 180 s fail. Deselect them with
``-m "not needs_kubelet"`` where pods cannot start (no image pulls). Their ``[sim]`` variants run the
same assertions on the in-process simulator, whose workload controller makes Deployments ready and
binds PVCs (``start(None)`` keeps ``workload_sim=True``); they skip on a real cluster.

The in-process simulator is given what kind/k3d have (a Ready Node, CoreDNS + kube-dns, a default
StorageClass ``standard``, and an IngressClass of an unknown controller so the plan asks no add-on
install), so the same expectations hold there. Readiness's node, DNS and StorageClass checks are
asserted against what the cluster really has; PVC binding is asserted only where the cluster has a
default StorageClass (test_pvc_binds_on_the_default_storage_class skips with that reason otherwise).

Skips that name a blocker (BLOCKED: ...) are product gaps, not test limits:
* test_engine_allows_a_same_cluster_namespace_move: migrate/playbook/engine.py (_check_identity)
  still refuses every same-cluster run; the cutover tests apply the intended policy
  (migrate.cutover.identity.same_cluster_move_error) in front of it meanwhile (fixture
  namespace_move_allowed in test_rc_cutover.py).
* test_native_cutover_moves_the_namespace_within_one_cluster[kubelet]: on clusters with their own
  cluster-scoped objects (CRDs, Calico CRs ...) `inventory -n` carries them into the plan and the run
  re-applies them onto the same cluster, where their managers own them (SSA conflicts).

A simulator in another process stands in for a real cluster to check this mode without one::

    distroshift sim serve kubeadm --kubeconfig-out /tmp/rc/kc &
    DISTROSHIFT_TEST_KUBECONFIG=/tmp/rc/kc pytest tests/realcluster tests/integration/sim

Tests marked ``realcluster`` (test_kube_target.py) check the fixture itself and are skipped without
the variable.
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
