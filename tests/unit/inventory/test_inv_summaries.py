"""Object -> summary details a migration engineer reads: Secrets, workloads, PVC ownership, cluster-admin."""

from __future__ import annotations

import json

from migrate.inventory.sanitize import LAST_APPLIED, sanitize


def test_secret_sanitised_keeps_names_keys_and_size_only():
    s = {"apiVersion": "v1", "kind": "Secret", "type": "kubernetes.io/tls", "metadata": {"name": "tls", "namespace": "a",
         "annotations": {LAST_APPLIED: '{"data":{"tls.key":"c2VjcmV0"}}', "owner": "me"}, "managedFields": [{"manager": "kubectl"}]},
         "data": {"tls.crt": "Y2VydA==", "tls.key": "c2VjcmV0"}, "stringData": {"extra": "plain"}}
    out = json.dumps(sanitize(s))
    assert "c2VjcmV0" not in out and "plain" not in out and "managedFields" not in out
    assert s["metadata"]["annotations"] == {"owner": "me"}


def test_workload_pvc_and_rbac_summaries(tmp_path):
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).parents[1] / "detect"))
    from test_detect_distros import inventory_of, node

    sts = {"apiVersion": "apps/v1", "kind": "StatefulSet", "metadata": {"name": "db", "namespace": "shop"},
           "spec": {"replicas": 2, "volumeClaimTemplates": [{"metadata": {"name": "data"}}],
                    "template": {"spec": {"hostNetwork": True, "containers": [{"name": "pg", "image": "registry.example.com:5000/pg:16", "securityContext": {"privileged": True},
                                                                              "readinessProbe": {}, "ports": [{"containerPort": 5432}]}],
                                          "volumes": [{"name": "h", "hostPath": {"path": "/var/run"}}]}}},
           "status": {"readyReplicas": 1}}
    pvc = {"apiVersion": "v1", "kind": "PersistentVolumeClaim", "metadata": {"name": "data-db-0", "namespace": "shop"},
           "spec": {"storageClassName": "fast", "accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "10Gi"}}}, "status": {"phase": "Bound"}}
    pod = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "db-0", "namespace": "shop", "ownerReferences": [{"kind": "StatefulSet", "name": "db", "controller": True}]},
           "spec": {"containers": [{"name": "pg", "image": "pg:16"}]}}
    crb = {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRoleBinding", "metadata": {"name": "ops"}, "roleRef": {"name": "cluster-admin"},
           "subjects": [{"kind": "ServiceAccount", "name": "deployer", "namespace": "ci"}, {"kind": "Group", "name": "ops"}]}
    inv = inventory_of([node("n", "v1.29.2"), sts, pvc, pod, crb], tmp_path)
    assert [w.ref.kind for w in inv.workloads] == ["StatefulSet"]  # the Pod is summarised through its owner
    w = inv.workloads[0]
    assert (w.replicas, w.ready_replicas, w.privileged, w.host_network, w.host_path_volumes) == (2, 1, True, True, ["/var/run"])
    c = w.containers[0]
    assert (c.registry, c.probes, c.ports) == ("registry.example.com:5000", ["readiness"], [5432])
    assert inv.pvcs[0].owner == "StatefulSet/db" and inv.pvcs[0].size == "10Gi"
    assert inv.rbac.cluster_admin_subjects == ["Group:ops", "ServiceAccount:ci/deployer"]
