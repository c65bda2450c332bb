"""The kube_target fixture against a real cluster: own namespace, cleanup, no fault injection."""

from __future__ import annotations

import pytest
from kubernetes import client

pytestmark = [pytest.mark.realcluster]


def test_real_target_hands_out_a_namespace_and_refuses_faults(kube_target):
    assert not kube_target.is_sim
    ns = kube_target.namespace("rc")
    core = client.CoreV1Api(kube_target.api_client())
    assert core.read_namespace(ns).status.phase == "Active"
    with pytest.raises(pytest.skip.Exception):
        kube_target.require_sim()


@pytest.mark.needs_kubelet
def test_pods_run_on_a_real_cluster(kube_target):
    from rc_app import Rest, kubelet_heartbeat

    if not kubelet_heartbeat(Rest(kube_target.api_client())):
        pytest.skip("needs_kubelet: no node's kubelet renews its kube-node-lease Lease (nodes without kubelets)")
    ns = kube_target.namespace("pod")
    core = client.CoreV1Api(kube_target.api_client())
    core.create_namespaced_pod(ns, {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"},
                                    "spec": {"containers": [{"name": "c", "image": "registry.k8s.io/pause:3.9"}]}})
    import time

    for _ in range(120):
        if core.read_namespaced_pod("p", ns).status.phase == "Running":
            return
        time.sleep(1)
    pytest.fail("pod never reached Running")
