"""Originals recorded once are never overwritten by a later (already scaled-down) reading."""

from __future__ import annotations

from migrate.cutover.quiesce import describe_change, merge_records
from migrate.models.state import WorkloadRecord


def rec(name, replicas=None, suspend=None, kind="Deployment"):
    return WorkloadRecord(api_version="apps/v1" if kind != "CronJob" else "batch/v1", kind=kind, namespace="shop",
                          name=name, replicas=replicas, suspend=suspend)


def test_merge_keeps_recorded_originals_and_adds_new():
    recorded = [rec("web", 3)]
    current = [rec("web", 0), rec("api", 2)]  # after a crash mid-quiesce the cluster shows 0
    merged = merge_records(recorded, current)
    assert [(r.name, r.replicas) for r in merged] == [("web", 3), ("api", 2)]


def test_describe_changes():
    assert describe_change(rec("web", 3)) == "Deployment shop/web: replicas 3 -> 0"
    assert describe_change(rec("web", 3), undo=True) == "Deployment shop/web: replicas 0 -> 3"
    cj = rec("nightly", suspend=False, kind="CronJob")
    assert describe_change(cj) == "CronJob shop/nightly: suspend false -> true"
    assert describe_change(cj, undo=True) == "CronJob shop/nightly: suspend true -> false"


class _Res:
    def __init__(self, kind):
        self.kind, self.api_version, self.namespaced = kind, "apps/v1", True

    def path(self, ns=None, name=None):
        return f"/apis/apps/v1/namespaces/{ns}/daemonsets" + (f"/{name}" if name else "")


class FakeClient:
    """Records patches; serves one DaemonSet list."""

    def __init__(self, daemonsets):
        self.daemonsets = daemonsets
        self.patches = []

    def resource_for(self, api_version, kind):
        return _Res(kind) if kind == "DaemonSet" else None

    def list_pages(self, path):
        yield {"items": self.daemonsets}

    def patch(self, path, body, *, kind="merge", dry_run=False):
        self.patches.append((path, kind, body))
        return {}


def ds(name, selector):
    spec = {"containers": [{"name": "c", "image": "x"}]}
    if selector is not None:
        spec["nodeSelector"] = selector
    return {"metadata": {"name": name, "namespace": "shop"}, "spec": {"template": {"spec": spec}}}


def test_daemonsets_are_parked_with_a_selector_and_restored_exactly():
    from migrate.cutover.quiesce import discover, quiesce, restore

    client = FakeClient([ds("agent", {"kubernetes.io/os": "linux"}), ds("plain", None),
                         # parked by an earlier run whose state was lost: the marker is not an original
                         ds("stale", {"role": "edge", "distroshift.io/quiesced": "true"})])
    recs = discover(client, ["shop"], ["DaemonSet"])
    assert [(r.name, r.node_selector) for r in recs] == [
        ("agent", {"kubernetes.io/os": "linux"}), ("plain", None), ("stale", {"role": "edge"})]
    actions = quiesce(client, recs)
    assert len(actions) == 3 and all(r.quiesced for r in recs)
    park = {"spec": {"template": {"spec": {"nodeSelector": {"distroshift.io/quiesced": "true"}}}}}
    assert client.patches == [(f"/apis/apps/v1/namespaces/shop/daemonsets/{n}", "merge", park) for n in ("agent", "plain", "stale")]

    client.patches.clear()
    restore(client, recs)
    path = "/spec/template/spec/nodeSelector"
    assert client.patches == [
        ("/apis/apps/v1/namespaces/shop/daemonsets/agent", "json", [{"op": "add", "path": path, "value": {"kubernetes.io/os": "linux"}}]),
        ("/apis/apps/v1/namespaces/shop/daemonsets/plain", "merge", {"spec": {"template": {"spec": {"nodeSelector": None}}}}),
        ("/apis/apps/v1/namespaces/shop/daemonsets/stale", "json", [{"op": "add", "path": path, "value": {"role": "edge"}}]),
    ]
    assert all(r.restored for r in recs)


def test_velero_label_values_follow_get_valid_name():
    import hashlib

    from migrate.cutover.velero_cleanup import label_value

    assert label_value("ds-20250101000000-abcdef-restore-restore") == "ds-20250101000000-abcdef-restore-restore"
    long = "ds-20250101000000-abcdef-" + "x" * 60
    assert label_value(long) == long[:57] + hashlib.sha256(long.encode()).hexdigest()[:6]
    assert len(label_value(long)) == 63
