"""Create/get/update/delete semantics of the Store, with the real server's Status bodies."""
from __future__ import annotations

import pytest

from migrate.sim.store import StatusError

from simstore_helpers import UA, cm, deployment, make_ns, rt


def test_create_sets_server_fields_and_defaults(store):
    make_ns(store, "app")
    code, obj, _ = store.create(rt(store, "apps", "v1", "deployments"), "app", deployment("web"), user_agent=UA)
    assert code == 201
    meta = obj["metadata"]
    assert list(meta)[:6] == ["name", "namespace", "uid", "resourceVersion", "generation", "creationTimestamp"]
    assert meta["generation"] == 1 and int(meta["resourceVersion"]) == store.rv
    assert meta["managedFields"][0]["manager"] == "python-requests"
    spec = obj["spec"]
    assert spec["strategy"] == {"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": "25%", "maxSurge": "25%"}}
    assert (spec["revisionHistoryLimit"], spec["progressDeadlineSeconds"]) == (10, 600)
    c = spec["template"]["spec"]["containers"][0]
    assert c["imagePullPolicy"] == "IfNotPresent" and c["ports"][0]["protocol"] == "TCP"
    assert obj["status"] == {}
    assert list(obj) == ["kind", "apiVersion", "metadata", "spec", "status"]
    fields = meta["managedFields"][0]["fieldsV1"]["f:spec"]["f:template"]["f:spec"]["f:containers"]
    assert 'k:{"name":"app"}' in fields


def test_configmap_has_no_generation_and_latest_image_is_always_pulled(store):
    make_ns(store, "app")
    _, obj, _ = store.create(rt(store, "", "v1", "configmaps"), "app", cm("c", a="b"), user_agent=UA)
    assert "generation" not in obj["metadata"]
    d = deployment("web", image="nginx")
    _, dep, _ = store.create(rt(store, "apps", "v1", "deployments"), "app", d, user_agent=UA)
    assert dep["spec"]["template"]["spec"]["containers"][0]["imagePullPolicy"] == "Always"


def test_generate_name_and_missing_name(store):
    make_ns(store, "app")
    cms = rt(store, "", "v1", "configmaps")
    _, obj, _ = store.create(cms, "app", {"metadata": {"generateName": "cm-gen-"}, "data": {}}, user_agent=UA)
    assert obj["metadata"]["name"].startswith("cm-gen-") and len(obj["metadata"]["name"]) == len("cm-gen-") + 5
    with pytest.raises(StatusError) as e:
        store.create(cms, "app", {"metadata": {}}, user_agent=UA)
    assert e.value.code == 422
    assert e.value.body["message"] == 'ConfigMap "" is invalid: metadata.name: Required value: name or generateName is required'


def test_update_conflict_noop_and_generation(store):
    make_ns(store, "app")
    deps = rt(store, "apps", "v1", "deployments")
    _, obj, _ = store.create(deps, "app", deployment("web"), user_agent=UA)
    stale = obj["metadata"]["resourceVersion"]
    obj["spec"]["replicas"] = 3
    _, upd, _ = store.update(deps, "app", "web", obj, user_agent=UA)
    assert upd["metadata"]["generation"] == 2
    upd["metadata"]["labels"]["extra"] = "x"
    _, upd2, _ = store.update(deps, "app", "web", upd, user_agent=UA)
    assert upd2["metadata"]["generation"] == 2  # metadata-only change
    rv = upd2["metadata"]["resourceVersion"]
    _, same, _ = store.update(deps, "app", "web", upd2, user_agent=UA)
    assert same["metadata"]["resourceVersion"] == rv  # no-op keeps the revision
    obj["metadata"]["resourceVersion"] = stale
    with pytest.raises(StatusError) as e:
        store.update(deps, "app", "web", obj, user_agent=UA)
    assert e.value.code == 409
    assert e.value.body["message"] == ('Operation cannot be fulfilled on deployments.apps "web": the object has been '
                                       "modified; please apply your changes to the latest version and try again")
    with pytest.raises(StatusError) as e:
        store.update(deps, "app", "web", {**obj, "metadata": {"name": "other"}}, user_agent=UA)
    assert e.value.body["message"] == "the name of the object (other) does not match the name on the URL (web)"


def test_validation_errors_have_the_recorded_shape(store):
    make_ns(store, "app")
    deps = rt(store, "apps", "v1", "deployments")
    with pytest.raises(StatusError) as e:
        store.create(deps, "app", {"metadata": {"name": "broken"}, "spec": {"template": {"spec": {}}}}, user_agent=UA)
    body = e.value.body
    assert body["code"] == 422 and body["details"]["kind"] == "Deployment" and body["details"]["group"] == "apps"
    assert [c["field"] for c in body["details"]["causes"]] == [
        "spec.selector", "spec.template.metadata.labels", "spec.template.spec.containers"]
    bad = deployment("neg", replicas=-1)
    with pytest.raises(StatusError) as e:
        store.create(deps, "app", bad, user_agent=UA)
    assert e.value.body["message"] == ('Deployment.apps "neg" is invalid: spec.replicas: Invalid value: -1: must be '
                                       "greater than or equal to 0")
    _, good, _ = store.create(deps, "app", deployment("good"), user_agent=UA)
    good["spec"]["selector"] = {"matchLabels": {"app": "other"}}
    good["spec"]["template"]["metadata"]["labels"] = {"app": "other"}
    with pytest.raises(StatusError) as e:
        store.update(deps, "app", "good", good, user_agent=UA)
    assert e.value.body["details"]["causes"][-1]["message"].endswith("field is immutable")
    with pytest.raises(StatusError) as e:
        store.create(rt(store, "", "v1", "services"), "app", {"metadata": {"name": "svc"}, "spec": {}}, user_agent=UA)
    assert e.value.body["message"] == 'Service "svc" is invalid: spec.ports: Required value'


def test_not_found_already_exists_and_bad_requests(store):
    make_ns(store, "app")
    cms = rt(store, "", "v1", "configmaps")
    with pytest.raises(StatusError) as e:
        store.get(rt(store, "apps", "v1", "deployments"), "app", "missing")
    assert e.value.body["details"] == {"name": "missing", "group": "apps", "kind": "deployments"}
    store.create(cms, "app", cm("x"), user_agent=UA)
    with pytest.raises(StatusError) as e:
        store.create(cms, "app", cm("x"), user_agent=UA)
    assert e.value.code == 409 and e.value.body["reason"] == "AlreadyExists"
    with pytest.raises(StatusError) as e:
        store.create(cms, "nope", cm("y"), user_agent=UA)
    assert e.value.body["message"] == 'namespaces "nope" not found'
    with pytest.raises(StatusError) as e:
        store.create(cms, "app", {"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "s"}}, user_agent=UA)
    assert e.value.code == 400 and "cannot be handled as a ConfigMap" in e.value.body["message"]
    with pytest.raises(StatusError) as e:
        store.create(cms, "app", {**cm("z"), "metadata": {"name": "z", "namespace": "other"}}, user_agent=UA)
    assert e.value.body["message"] == ("the namespace of the provided object does not match the namespace sent on "
                                       "the request")


def test_field_validation_modes(store):
    make_ns(store, "app")
    cms = rt(store, "", "v1", "configmaps")
    body = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "u", "bogusMeta": 1}, "data": {},
            "bogus": True}
    with pytest.raises(StatusError) as e:
        store.create(cms, "app", body, field_validation="Strict", user_agent=UA)
    assert e.value.body["message"] == ('ConfigMap in version "v1" cannot be handled as a ConfigMap: strict decoding '
                                       'error: unknown field "metadata.bogusMeta", unknown field "bogus"')
    _, obj, warns = store.create(cms, "app", body, user_agent=UA)
    assert warns == ['unknown field "metadata.bogusMeta"', 'unknown field "bogus"'] and "bogus" not in obj
    _, _, warns = store.create(cms, "app", {**body, "metadata": {"name": "u2"}}, field_validation="Ignore",
                               user_agent=UA)
    assert warns == []
    with pytest.raises(StatusError) as e:
        store.create(cms, "app", body, field_validation="Loud", user_agent=UA)
    assert e.value.code == 422 and e.value.body["details"]["kind"] == "CreateOptions"


def test_dry_run_create_stores_nothing(store):
    make_ns(store, "app")
    deps = rt(store, "apps", "v1", "deployments")
    before = store.rv
    code, obj, _ = store.create(deps, "app", deployment("dry"), dry_run=True, user_agent=UA)
    assert code == 201 and obj["metadata"]["uid"] and "resourceVersion" not in obj["metadata"]
    assert store.rv == before
    with pytest.raises(StatusError):
        store.get(deps, "app", "dry")


def test_delete_preconditions_and_success_status(store):
    make_ns(store, "app")
    cms = rt(store, "", "v1", "configmaps")
    _, obj, _ = store.create(cms, "app", cm("c"), user_agent=UA)
    with pytest.raises(StatusError) as e:
        store.delete(cms, "app", "c", {"preconditions": {"uid": "00000000-0000-0000-0000-000000000000"}})
    assert e.value.body["details"] == {"name": "c", "kind": "ConfigMap"}
    assert "does not match the UID in record" in e.value.body["message"]
    with pytest.raises(StatusError) as e:
        store.delete(cms, "app", "c", {"propagationPolicy": "Sideways"})
    assert e.value.code == 422 and e.value.body["details"]["kind"] == "DeleteOptions"
    code, st = store.delete(cms, "app", "c", {})
    assert code == 200 and st["status"] == "Success"
    assert st["details"] == {"name": "c", "kind": "configmaps", "uid": obj["metadata"]["uid"]}


def test_finalizers_hold_deletion_until_removed(store):
    make_ns(store, "app")
    cms = rt(store, "", "v1", "configmaps")
    store.create(cms, "app", {**cm("held"), "metadata": {"name": "held", "finalizers": ["example.com/hold"]}},
                 user_agent=UA)
    code, obj = store.delete(cms, "app", "held", {})
    assert obj["kind"] == "ConfigMap" and obj["metadata"]["deletionTimestamp"]
    assert obj["metadata"]["deletionGracePeriodSeconds"] == 0
    store.patch(cms, "app", "held", "application/merge-patch+json", b'{"metadata":{"finalizers":null}}',
                user_agent=UA)
    with pytest.raises(StatusError):
        store.get(cms, "app", "held")


def test_background_and_orphan_garbage_collection(store):
    make_ns(store, "app")
    deps = rt(store, "apps", "v1", "deployments")
    rss = rt(store, "apps", "v1", "replicasets")
    for name in ("bg", "orphan"):
        _, d, _ = store.create(deps, "app", deployment(name), user_agent=UA)
        rs = deployment(f"{name}-rs")
        rs.update(kind="ReplicaSet")
        rs["metadata"]["ownerReferences"] = [{"apiVersion": "apps/v1", "kind": "Deployment", "name": name,
                                              "uid": d["metadata"]["uid"], "controller": True}]
        store.create(rss, "app", rs, user_agent="kube-controller-manager/v1.36")
    store.delete(deps, "app", "bg", {})
    with pytest.raises(StatusError):
        store.get(rss, "app", "bg-rs")
    code, obj = store.delete(deps, "app", "orphan", {"propagationPolicy": "Orphan"})
    assert obj["metadata"]["finalizers"] == ["orphan"]
    kept = store.get(rss, "app", "orphan-rs")
    assert "ownerReferences" not in kept["metadata"]


def test_namespace_lifecycle(store):
    nss = rt(store, "", "v1", "namespaces")
    obj = make_ns(store, "team")
    assert obj["metadata"]["labels"] == {"kubernetes.io/metadata.name": "team"}
    assert obj["spec"] == {"finalizers": ["kubernetes"]} and obj["status"] == {"phase": "Active"}
    assert store.get(rt(store, "", "v1", "configmaps"), "team", "kube-root-ca.crt")
    store.namespace_finalize_delay = 60  # keep it Terminating for the assertions below
    _, deleted = store.delete(nss, None, "team", {})
    assert deleted["status"]["phase"] == "Terminating" and deleted["metadata"]["deletionTimestamp"]
    with pytest.raises(StatusError) as e:
        store.create(rt(store, "", "v1", "configmaps"), "team", cm("late"), user_agent=UA)
    assert e.value.code == 403
    assert e.value.body["details"]["causes"][0]["reason"] == "NamespaceTerminating"
    store.settle()
    with pytest.raises(StatusError):
        store.get(nss, None, "team")
    for protected in ("default", "kube-system", "kube-public"):
        with pytest.raises(StatusError) as e:
            store.delete(nss, None, protected, {})
        assert e.value.body["message"] == f'namespaces "{protected}" is forbidden: this namespace may not be deleted'


def test_scale_subresource(store):
    make_ns(store, "app")
    deps = rt(store, "apps", "v1", "deployments")
    store.create(deps, "app", deployment("web", replicas=1), user_agent=UA)
    scale = store.get_subresource(deps, "app", "web", "scale")
    assert scale["kind"] == "Scale" and scale["apiVersion"] == "autoscaling/v1"
    assert scale["spec"] == {"replicas": 1} and scale["status"]["selector"] == "app=web"
    scale["spec"]["replicas"] = 3
    _, out, _ = store.update(deps, "app", "web", scale, subresource="scale", user_agent=UA)
    assert out["spec"]["replicas"] == 3
    dep = store.get(deps, "app", "web")
    assert dep["metadata"]["generation"] == 2
    assert any(e.get("subresource") == "scale" for e in dep["metadata"]["managedFields"])
    with pytest.raises(StatusError) as e:
        store.update(deps, "app", "web", {"metadata": {"name": "web"}, "spec": {"replicas": -1}},
                     subresource="scale", user_agent=UA)
    assert e.value.body["message"].startswith('Scale.autoscaling "web" is invalid')


def test_status_subresource_keeps_spec_and_generation(store):
    make_ns(store, "app")
    deps = rt(store, "apps", "v1", "deployments")
    _, obj, _ = store.create(deps, "app", deployment("web"), user_agent=UA)
    obj["spec"]["replicas"] = 9
    obj["status"] = {"replicas": 2}
    _, out, _ = store.update(deps, "app", "web", obj, subresource="status", user_agent=UA)
    assert out["spec"]["replicas"] == 2 and out["status"] == {"replicas": 2}
    assert out["metadata"]["generation"] == 1
