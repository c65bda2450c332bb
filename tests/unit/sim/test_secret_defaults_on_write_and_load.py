"""What the real API server does to objects on write, the simulator does too (also for snapshots)."""

import base64

from migrate.sim.store import Store


def test_secret_string_data_is_folded_into_data(store: Store):
    rt = store.rt_for("v1", "Secret")
    body = {"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "s", "namespace": "default"},
            "data": {"a": base64.b64encode(b"old").decode()}, "stringData": {"a": "new", "b": "x"}}
    code, obj, _ = store.create(rt, "default", body)
    assert code == 201
    assert "stringData" not in obj and "stringData" not in store.get(rt, "default", "s")
    assert obj["data"] == {"a": base64.b64encode(b"new").decode(), "b": base64.b64encode(b"x").decode()}
    assert obj["type"] == "Opaque"


def test_snapshot_workloads_get_server_defaults(store: Store):
    sts = {"apiVersion": "apps/v1", "kind": "StatefulSet", "metadata": {"name": "db", "namespace": "default"},
           "spec": {"serviceName": "db", "selector": {"matchLabels": {"app": "db"}},
                    "template": {"metadata": {"labels": {"app": "db"}}, "spec": {"containers": [{"name": "pg", "image": "postgres:15"}]}}}}
    store.load_objects([sts])
    got = store.get(store.rt_for("apps/v1", "StatefulSet"), "default", "db")
    assert got["spec"]["persistentVolumeClaimRetentionPolicy"] == {"whenDeleted": "Retain", "whenScaled": "Retain"}
    assert got["spec"]["template"]["spec"]["containers"][0]["imagePullPolicy"] == "IfNotPresent"
