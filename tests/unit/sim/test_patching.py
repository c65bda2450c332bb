"""Merge, JSON, strategic-merge patches and server-side apply through the Store."""
from __future__ import annotations

import json

import pytest

from migrate.sim.store import StatusError
from simstore_helpers import UA, cm, deployment, make_ns, rt

MERGE, JSONP, SMP, APPLY = ("application/merge-patch+json", "application/json-patch+json",
                            "application/strategic-merge-patch+json", "application/apply-patch+yaml")


@pytest.fixture
def web(store):
    make_ns(store, "p")
    d = deployment("web")
    d["spec"]["template"]["spec"]["containers"] = [
        {"name": "app", "image": "nginx:1.27", "env": [{"name": "A", "value": "1"}, {"name": "B", "value": "2"}]},
        {"name": "sidecar", "image": "busybox:1.36", "command": ["sleep", "3600"]}]
    store.create(rt(store, "apps", "v1", "deployments"), "p", d, user_agent=UA)
    return store


def patch(store, ctype, doc, name="web", **kw):
    raw = doc if isinstance(doc, str) else json.dumps(doc)
    return store.patch(rt(store, "apps", "v1", "deployments"), "p", name, ctype, raw.encode(), **kw)


def containers(obj):
    return obj["spec"]["template"]["spec"]["containers"]


def test_merge_patch_replaces_lists_and_null_deletes(web):
    _, obj, _ = patch(web, MERGE, {"metadata": {"labels": {"x": "1"}}, "spec": {"replicas": 3}}, user_agent=UA)
    assert obj["spec"]["replicas"] == 3 and obj["metadata"]["labels"]["x"] == "1"
    _, obj, _ = patch(web, MERGE, {"metadata": {"labels": {"x": None}}}, user_agent=UA)
    assert "x" not in obj["metadata"]["labels"]
    _, obj, _ = patch(web, MERGE, {"spec": {"template": {"spec": {"containers": [{"name": "app", "image": "nginx"}]}}}},
                      user_agent=UA)
    assert [c["name"] for c in containers(obj)] == ["app"]
    with pytest.raises(StatusError) as e:
        patch(web, MERGE, {"metadata": {"resourceVersion": "1"}}, user_agent=UA)
    assert e.value.code == 409


def test_json_patch_and_its_generic_errors(web):
    _, obj, _ = patch(web, JSONP, [{"op": "replace", "path": "/spec/replicas", "value": 4},
                                   {"op": "add", "path": "/metadata/annotations", "value": {"a": "b"}}], user_agent=UA)
    assert obj["spec"]["replicas"] == 4 and obj["metadata"]["annotations"] == {"a": "b"}
    for ops in ([{"op": "test", "path": "/spec/replicas", "value": 99}],
                [{"op": "remove", "path": "/metadata/labels/nope"}], [{"op": "frobnicate", "path": "/spec"}]):
        with pytest.raises(StatusError) as e:
            patch(web, JSONP, ops, user_agent=UA)
        assert e.value.code == 422 and e.value.body["details"] == {}
        assert e.value.body["message"] == "the server rejected our request due to an error in our request"
    with pytest.raises(StatusError) as e:
        patch(web, JSONP, {"op": "replace"}, user_agent=UA)
    assert e.value.code == 400


def test_strategic_merge_by_name_and_directives(web):
    _, obj, _ = patch(web, SMP, {"spec": {"template": {"spec": {"containers": [
        {"name": "app", "image": "nginx:1.28", "env": [{"name": "C", "value": "3"}]}]}}}}, user_agent=UA)
    app = containers(obj)[0]
    assert app["image"] == "nginx:1.28" and [e["name"] for e in app["env"]] == ["C", "A", "B"]
    assert [c["name"] for c in containers(obj)] == ["app", "sidecar"]
    _, obj, _ = patch(web, SMP, {"spec": {"template": {"spec": {"containers": [{"name": "extra", "image": "x:1"}]}}}},
                      user_agent=UA)
    assert [c["name"] for c in containers(obj)] == ["extra", "app", "sidecar"]  # new items first
    _, obj, _ = patch(web, SMP, {"spec": {"template": {"spec": {"containers": [
        {"name": "extra", "$patch": "delete"}]}}}}, user_agent=UA)
    assert [c["name"] for c in containers(obj)] == ["app", "sidecar"]
    _, obj, _ = patch(web, SMP, {"spec": {"template": {"spec": {
        "$setElementOrder/containers": [{"name": "sidecar"}, {"name": "app"}],
        "containers": [{"name": "app", "env": [{"name": "Z", "value": "z"}, {"$patch": "replace"}]}]}}}},
        user_agent=UA)
    assert [c["name"] for c in containers(obj)] == ["sidecar", "app"]
    assert containers(obj)[1]["env"] == [{"name": "Z", "value": "z"}]
    _, obj, _ = patch(web, SMP, {"spec": {"strategy": {"$retainKeys": ["type"], "type": "Recreate",
                                                       "rollingUpdate": None}}}, user_agent=UA)
    assert obj["spec"]["strategy"] == {"type": "Recreate"}
    with pytest.raises(StatusError) as e:
        patch(web, SMP, {"spec": {"template": {"spec": {"containers": [{"name": "app", "$patch": "explode"}]}}}},
              user_agent=UA)
    assert e.value.code == 500 and "reason" not in e.value.body
    assert e.value.body["message"] == "unknown patch type: explode in map: map[$patch:explode name:app]"


def test_unsupported_patch_type_and_force_on_merge(web):
    with pytest.raises(StatusError) as e:
        patch(web, "text/plain", "{}", user_agent=UA)
    assert e.value.code == 415 and e.value.body["message"] == "415: Unsupported Media Type"
    with pytest.raises(StatusError) as e:
        patch(web, MERGE, {}, force=True, user_agent=UA)
    assert e.value.code == 422 and e.value.body["details"]["kind"] == "PatchOptions"


SSA = """apiVersion: apps/v1
kind: Deployment
metadata:
  name: ssa
  labels:
    app: ssa
spec:
  replicas: 2
  selector:
    matchLabels:
      app: ssa
  template:
    metadata:
      labels:
        app: ssa
    spec:
      containers:
      - name: app
        image: nginx:1.27
        env:
        - name: A
          value: "1"
"""


def test_server_side_apply_lifecycle(store):
    make_ns(store, "p")
    with pytest.raises(StatusError) as e:
        patch(store, APPLY, SSA, name="ssa")
    assert e.value.body["message"] == ('PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: is '
                                       "required for apply patch")
    code, obj, _ = patch(store, APPLY, SSA, name="ssa", field_manager="mgr-a")
    assert code == 201 and obj["metadata"]["managedFields"][0]["operation"] == "Apply"
    fields = obj["metadata"]["managedFields"][0]["fieldsV1"]
    assert fields["f:metadata"] == {"f:labels": {"f:app": {}}}  # applied sets own no "." for maps
    rv = obj["metadata"]["resourceVersion"]
    code, again, _ = patch(store, APPLY, SSA, name="ssa", field_manager="mgr-a")
    assert code == 200 and again["metadata"]["resourceVersion"] == rv
    with pytest.raises(StatusError) as e:
        patch(store, APPLY, "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: ssa\nspec:\n  replicas: 5\n",
              name="ssa", field_manager="mgr-b")
    assert e.value.code == 409
    assert e.value.body["message"] == 'Apply failed with 1 conflict: conflict with "mgr-a": .spec.replicas'
    assert e.value.body["details"]["causes"] == [
        {"reason": "FieldManagerConflict", "message": 'conflict with "mgr-a"', "field": ".spec.replicas"}]
    _, obj, _ = patch(store, APPLY, "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: ssa\nspec:\n  replicas: 5\n",
                      name="ssa", field_manager="mgr-b", force=True)
    assert obj["spec"]["replicas"] == 5
    owners = {e["manager"]: e["fieldsV1"] for e in obj["metadata"]["managedFields"]}
    assert "f:replicas" not in owners["mgr-a"]["f:spec"] and owners["mgr-b"] == {"f:spec": {"f:replicas": {}}}
    # an Update manager taking a field makes the next apply conflict "using apps/v1"
    patch(store, MERGE, {"spec": {"template": {"spec": {"containers": [{"name": "app", "image": "nginx:1.30"}]}}}},
          name="ssa", field_manager="kubectl-edit")
    with pytest.raises(StatusError) as e:
        patch(store, APPLY, SSA.replace("replicas: 2\n  ", "").replace("1.27", "1.28"), name="ssa",
              field_manager="mgr-a")
    assert e.value.body["message"] == ('Apply failed with 1 conflict: conflict with "kubectl-edit" using apps/v1: '
                                       '.spec.template.spec.containers[name="app"].image')
    # dropping a field from the applied config removes it when nobody else owns it
    cfg = SSA.replace("replicas: 2\n  ", "").replace("        env:\n        - name: A\n          value: \"1\"\n", "")
    _, obj, _ = patch(store, APPLY, cfg.replace("1.27", "1.31"), name="ssa", field_manager="mgr-a", force=True)
    assert "env" not in containers(obj)[0] and containers(obj)[0]["image"] == "nginx:1.31"


def test_apply_shared_ownership_on_configmap(store):
    make_ns(store, "p")
    cms = rt(store, "", "v1", "configmaps")

    def apply(mgr, data):
        doc = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"}, "data": data}
        return store.patch(cms, "p", "c", APPLY, json.dumps(doc).encode(), field_manager=mgr)

    assert apply("mgr-a", {"a": "1", "b": "2"})[0] == 201
    apply("mgr-b", {"c": "3"})
    _, obj, _ = apply("mgr-b", {"a": "1", "c": "3"})  # same value: shared, no conflict
    owners = {e["manager"]: e["fieldsV1"]["f:data"] for e in obj["metadata"]["managedFields"]}
    assert "f:a" in owners["mgr-a"] and "f:a" in owners["mgr-b"]


def test_kubectl_server_side_migration_sequence(store):
    """kubectl apply --server-side after a client-side apply: apply, apply, json-patch managedFields, apply."""
    make_ns(store, "p")
    cms = rt(store, "", "v1", "configmaps")
    store.create(cms, "p", cm("demo", k="v"), field_manager="kubectl-client-side-apply",
                 user_agent="kubectl/v1.36.2 (linux/amd64) kubernetes/98b3519")
    doc = json.dumps({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "demo"}, "data": {"k": "v"}})
    assert store.patch(cms, "p", "demo", APPLY, doc.encode(), field_manager="kubectl", force=False)[0] == 200
    store.patch(cms, "p", "demo", APPLY, doc.encode(), field_manager="kubectl-last-applied")
    cur = store.get(cms, "p", "demo")
    mf = [e for e in cur["metadata"]["managedFields"] if e["manager"] != "kubectl-client-side-apply"]
    ops = [{"op": "test", "path": "/metadata/resourceVersion", "value": cur["metadata"]["resourceVersion"]},
           {"op": "replace", "path": "/metadata/managedFields", "value": mf}]
    _, out, _ = store.patch(cms, "p", "demo", JSONP, json.dumps(ops).encode(), user_agent="kubectl/v1.36.2")
    assert [e["manager"] for e in out["metadata"]["managedFields"]] == [e["manager"] for e in mf]
    code, final, _ = store.patch(cms, "p", "demo", APPLY, doc.encode(), field_manager="kubectl")
    assert code == 200 and final["data"] == {"k": "v"}


def test_dry_run_patch_is_not_persisted(web):
    _, obj, _ = patch(web, MERGE, {"spec": {"replicas": 7}}, dry_run=True, user_agent=UA)
    assert obj["spec"]["replicas"] == 7
    assert web.get(rt(web, "apps", "v1", "deployments"), "p", "web")["spec"]["replicas"] == 2
