"""Server-side Table output (``kubectl get``) against the recording and kube-apiserver's printers."""
from __future__ import annotations

import json

import pytest

from migrate.sim import tables
from migrate.sim.store import Store
from simstore_helpers import rt

NOW = "2026-01-01T00:00:00Z"


def _table(store: Store, group: str, version: str, resource: str, obj: dict) -> dict:
    return tables.to_table(rt(store, group, version, resource), [obj])


def _cells(table: dict) -> dict:
    names = [c["name"] for c in table["columnDefinitions"]]
    return dict(zip(names, table["rows"][0]["cells"]))


@pytest.mark.realdata
def test_column_definitions_match_every_recorded_builtin_table(realdata_dir):
    store = Store()
    seen = 0
    for f in sorted((realdata_dir / "kube-apiserver-v1.36" / "exchanges").glob("*.jsonl")):
        for line in f.read_text().splitlines():
            ex = json.loads(line)
            body = ex["response"]["body"]
            if not (isinstance(body, dict) and body.get("kind") == "Table") or "stable.example.com" in ex["request"]["path"]:
                continue
            parts = ex["request"]["path"].strip("/").split("/")
            group, version = ("", parts[1]) if parts[0] == "api" else (parts[1], parts[2])
            rest = parts[2:] if parts[0] == "api" else parts[3:]
            resource = rest[2] if rest[0] == "namespaces" and len(rest) > 2 else rest[0]
            ours = tables.to_table(rt(store, group, version, resource), [])
            assert ours["columnDefinitions"] == body["columnDefinitions"], ex["title"]
            seen += 1
    assert seen >= 8


def test_default_storage_class_is_marked_in_the_name_cell():
    store = Store()
    sc = {"metadata": {"name": "local-path", "creationTimestamp": NOW,
                       "annotations": {"storageclass.kubernetes.io/is-default-class": "true"}},
          "provisioner": "rancher.io/local-path", "volumeBindingMode": "WaitForFirstConsumer"}
    cells = _cells(_table(store, "storage.k8s.io", "v1", "storageclasses", sc))
    assert cells["Name"] == "local-path (default)"
    assert (cells["Provisioner"], cells["ReclaimPolicy"], cells["VolumeBindingMode"], cells["AllowVolumeExpansion"]) \
        == ("rancher.io/local-path", "Delete", "WaitForFirstConsumer", False)
    beta = dict(sc, metadata=dict(sc["metadata"], name="old", annotations={
        "storageclass.beta.kubernetes.io/is-default-class": "true"}))
    assert _cells(_table(store, "storage.k8s.io", "v1", "storageclasses", beta))["Name"] == "old (default)"
    plain = dict(sc, metadata={"name": "slow", "creationTimestamp": NOW})
    assert _cells(_table(store, "storage.k8s.io", "v1", "storageclasses", plain))["Name"] == "slow"


def test_printer_cells_of_common_kinds():
    store = Store()
    dep = _cells(_table(store, "apps", "v1", "deployments", {
        "metadata": {"name": "web", "creationTimestamp": NOW},
        "spec": {"replicas": 3, "selector": {"matchLabels": {"app": "web"}},
                 "template": {"spec": {"containers": [{"name": "a", "image": "nginx:1"}, {"name": "b", "image": "x"}]}}},
        "status": {"readyReplicas": 1, "updatedReplicas": 2, "availableReplicas": 1}}))
    assert (dep["Ready"], dep["Up-to-date"], dep["Available"], dep["Containers"], dep["Images"], dep["Selector"]) == (
        "1/3", 2, 1, "a,b", "nginx:1,x", "app=web")
    cj = _cells(_table(store, "batch", "v1", "cronjobs", {
        "metadata": {"name": "nightly", "creationTimestamp": NOW},
        "spec": {"schedule": "0 1 * * *", "suspend": False, "jobTemplate": {"spec": {"template": {"spec": {}}}}}}))
    assert (cj["Suspend"], cj["Timezone"], cj["Active"], cj["Last Schedule"]) == ("False", "<none>", 0, "<none>")
    pvc = _cells(_table(store, "", "v1", "persistentvolumeclaims", {
        "metadata": {"name": "data", "creationTimestamp": NOW},
        "spec": {"storageClassName": "fast"}, "status": {"phase": "Pending"}}))
    assert (pvc["Status"], pvc["Volume"], pvc["Capacity"], pvc["Access Modes"], pvc["StorageClass"],
            pvc["VolumeMode"]) == ("Pending", "", "", "", "fast", "<unset>")
    bound = _cells(_table(store, "", "v1", "persistentvolumeclaims", {
        "metadata": {"name": "data", "creationTimestamp": NOW, "deletionTimestamp": NOW},
        "spec": {"volumeName": "pv-1", "volumeMode": "Filesystem"},
        "status": {"phase": "Bound", "capacity": {"storage": "1Gi"}, "accessModes": ["ReadWriteMany", "ReadWriteOnce"]}}))
    assert (bound["Status"], bound["Capacity"], bound["Access Modes"], bound["StorageClass"]) == (
        "Terminating", "1Gi", "RWO,RWX", "")
    node = _cells(_table(store, "", "v1", "nodes", {
        "metadata": {"name": "n1", "creationTimestamp": NOW, "labels": {"node-role.kubernetes.io/control-plane": "",
                                                                          "kubernetes.io/role": "master"}},
        "spec": {"unschedulable": True}, "status": {"conditions": [{"type": "Ready", "status": "True"}],
                                                    "nodeInfo": {"kubeletVersion": "v1.36.2"}}}))
    assert (node["Status"], node["Roles"], node["Version"], node["OS-Image"], node["Internal-IP"]) == (
        "Ready,SchedulingDisabled", "control-plane,master", "v1.36.2", "<unknown>", "<none>")
    job = _cells(_table(store, "batch", "v1", "jobs", {
        "metadata": {"name": "j", "creationTimestamp": NOW},
        "spec": {"completions": 3, "template": {"spec": {"containers": []}}},
        "status": {"succeeded": 3, "startTime": "2026-01-01T00:00:00Z", "completionTime": "2026-01-01T00:01:05Z",
                   "conditions": [{"type": "Complete", "status": "True"}]}}))
    assert (job["Status"], job["Completions"], job["Duration"]) == ("Complete", "3/3", "65s")
    ing = _cells(_table(store, "networking.k8s.io", "v1", "ingresses", {
        "metadata": {"name": "i", "creationTimestamp": NOW},
        "spec": {"rules": [{"host": "a.example"}, {"http": {}}, {"host": "b.example"}]},
        "status": {"loadBalancer": {"ingress": [{"ip": "10.0.0.9"}, {"hostname": "lb.example"}]}}}))
    assert (ing["Class"], ing["Hosts"], ing["Address"], ing["Ports"]) == (
        "<none>", "a.example,b.example", "10.0.0.9,lb.example", "80")
    hpa = _cells(_table(store, "autoscaling", "v2", "horizontalpodautoscalers", {
        "metadata": {"name": "h", "creationTimestamp": NOW},
        "spec": {"scaleTargetRef": {"kind": "Deployment", "name": "web"}, "maxReplicas": 5,
                 "metrics": [{"type": "Resource", "resource": {"name": "cpu", "target": {
                     "type": "Utilization", "averageUtilization": 80}}}]}}))
    assert (hpa["Reference"], hpa["Targets"], hpa["MinPods"], hpa["MaxPods"], hpa["Replicas"]) == (
        "Deployment/web", "cpu: <unknown>/80%", "<unset>", 5, 0)
    svc = _cells(_table(store, "", "v1", "services", {
        "metadata": {"name": "lb", "creationTimestamp": NOW},
        "spec": {"type": "LoadBalancer", "clusterIPs": ["10.0.0.7"], "ports": [{"port": 80, "nodePort": 30080,
                                                                               "protocol": "TCP"}]},
        "status": {"loadBalancer": {}}}))
    assert (svc["Cluster-IP"], svc["External-IP"], svc["Port(s)"], svc["Selector"]) == (
        "10.0.0.7", "<pending>", "80:30080/TCP", "<none>")
    pod = _cells(_table(store, "", "v1", "pods", {
        "metadata": {"name": "p", "creationTimestamp": NOW, "deletionTimestamp": NOW},
        "spec": {"containers": [{"name": "a"}]},
        "status": {"phase": "Running", "podIPs": [{"ip": "10.244.0.5"}],
                   "containerStatuses": [{"ready": True, "restartCount": 0, "state": {"running": {}}}]}}))
    assert (pod["Ready"], pod["Status"], pod["Restarts"], pod["IP"]) == ("1/1", "Terminating", "0", "10.244.0.5")
