"""The official kubernetes Python client against the target: CRUD, paging, selectors, watch, CRDs, faults."""

from __future__ import annotations

import time

import pytest
from kubernetes import client, watch
from kubernetes.client.rest import ApiException


def _cm(name: str, labels: dict | None = None) -> dict:
    return {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": name, "labels": labels or {}},
            "data": {"k": name}}


def test_crud_round_trip(kube_target):
    core = client.CoreV1Api(kube_target.api_client())
    ns = kube_target.namespace("crud")
    created = core.create_namespaced_config_map(ns, _cm("one"))
    assert created.metadata.uid and created.metadata.resource_version
    got = core.read_namespaced_config_map("one", ns)
    got.data["k"] = "changed"
    updated = core.replace_namespaced_config_map("one", ns, got)
    assert int(updated.metadata.resource_version) > int(created.metadata.resource_version)
    patched = core.patch_namespaced_config_map("one", ns, {"data": {"extra": "x"}})
    assert patched.data == {"k": "changed", "extra": "x"}
    with pytest.raises(ApiException) as stale:
        got.metadata.resource_version = created.metadata.resource_version
        core.replace_namespaced_config_map("one", ns, got)
    assert stale.value.status == 409
    core.delete_namespaced_config_map("one", ns)
    with pytest.raises(ApiException) as gone:
        core.read_namespaced_config_map("one", ns)
    assert gone.value.status == 404


def test_paging_and_selectors(kube_target):
    core = client.CoreV1Api(kube_target.api_client())
    ns = kube_target.namespace("page")
    for i in range(5):
        core.create_namespaced_config_map(ns, _cm(f"cm-{i}", {"parity": "odd" if i % 2 else "even"}))
    names, token = [], None
    while True:
        page = core.list_namespaced_config_map(ns, limit=2, _continue=token)
        names += [c.metadata.name for c in page.items]
        token = page.metadata._continue
        if not token:
            break
    assert [n for n in names if n.startswith("cm-")] == [f"cm-{i}" for i in range(5)]
    odd = core.list_namespaced_config_map(ns, label_selector="parity=odd").items
    assert [c.metadata.name for c in odd] == ["cm-1", "cm-3"]
    one = core.list_namespaced_config_map(ns, field_selector="metadata.name=cm-2").items
    assert [c.metadata.name for c in one] == ["cm-2"]


def test_watch_sees_changes_made_after_the_list(kube_target):
    core = client.CoreV1Api(kube_target.api_client())
    ns = kube_target.namespace("watch")
    rv = core.list_namespaced_config_map(ns).metadata.resource_version
    core.create_namespaced_config_map(ns, _cm("w1"))
    core.delete_namespaced_config_map("w1", ns)
    seen = []
    for ev in watch.Watch().stream(core.list_namespaced_config_map, ns, resource_version=rv, timeout_seconds=2):
        seen.append((ev["type"], ev["object"].metadata.name))
        if len(seen) == 2:
            break
    assert seen == [("ADDED", "w1"), ("DELETED", "w1")]


def test_crd_then_custom_objects(kube_target):
    api = kube_target.api_client()
    suffix = kube_target.namespace("crd").split("-")[-1]
    ns = f"crd-{suffix}"
    plural = f"widgets{suffix}"
    crd = {
        "apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
        "metadata": {"name": f"{plural}.demo.example.com"},
        "spec": {"group": "demo.example.com", "scope": "Namespaced",
                 "names": {"plural": plural, "singular": plural[:-1], "kind": f"Widget{suffix.upper()}"},
                 "versions": [{"name": "v1", "served": True, "storage": True,
                               "schema": {"openAPIV3Schema": {"type": "object", "properties": {
                                   "spec": {"type": "object", "properties": {"size": {"type": "integer"}}}}}}}]},
    }
    ext = client.ApiextensionsV1Api(api)
    ext.create_custom_resource_definition(crd)
    kube_target.cleanup(lambda: ext.delete_custom_resource_definition(f"{plural}.demo.example.com"))
    co = client.CustomObjectsApi(api)
    body = {"apiVersion": "demo.example.com/v1", "kind": f"Widget{suffix.upper()}",
            "metadata": {"name": "w"}, "spec": {"size": 3}}
    for _ in range(50):  # the real server needs a moment to serve a new CRD
        try:
            co.create_namespaced_custom_object("demo.example.com", "v1", ns, plural, body)
            break
        except ApiException as e:
            if e.status != 404:
                raise
            time.sleep(0.1)
    items = co.list_cluster_custom_object("demo.example.com", "v1", plural)["items"]
    assert [(i["metadata"]["namespace"], i["spec"]["size"]) for i in items] == [(ns, 3)]


def test_forbidden_fault_is_an_api_exception_with_the_rbac_message(kube_target):
    kube_target.faults.add(method="GET", path=r"^/api/v1/secrets$", status=403)
    with pytest.raises(ApiException) as denied:
        client.CoreV1Api(kube_target.api_client()).list_secret_for_all_namespaces()
    assert denied.value.status == 403
    import json

    assert json.loads(denied.value.body)["message"].endswith(
        'cannot list resource "secrets" in API group "" at the cluster scope')


def test_deprecated_cr_version_warns_on_every_response(kube_target):
    """A served, deprecated CR version carries ``Warning: 299 - "..."`` on successes and errors alike."""
    api = kube_target.api_client()
    ns = kube_target.namespace("depr")
    suffix = ns.split("-")[-1]
    plural, kind = f"gadgets{suffix}", f"Gadget{suffix.upper()}"
    schema = {"openAPIV3Schema": {"type": "object", "properties": {
        "spec": {"type": "object", "properties": {"size": {"type": "integer"}}}}}}
    crd = {"apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
           "metadata": {"name": f"{plural}.demo.example.com"},
           "spec": {"group": "demo.example.com", "scope": "Namespaced",
                    "names": {"plural": plural, "singular": plural[:-1], "kind": kind},
                    "versions": [{"name": "v1", "served": True, "storage": True, "schema": schema},
                                 {"name": "v1beta1", "served": True, "storage": False, "deprecated": True,
                                  "schema": schema}]}}
    ext = client.ApiextensionsV1Api(api)
    ext.create_custom_resource_definition(crd)
    kube_target.cleanup(lambda: ext.delete_custom_resource_definition(f"{plural}.demo.example.com"))
    co = client.CustomObjectsApi(api)
    want = f'299 - "demo.example.com/v1beta1 {kind} is deprecated; use demo.example.com/v1 {kind}"'
    body = {"apiVersion": "demo.example.com/v1beta1", "kind": kind, "metadata": {"name": "g"}, "spec": {"size": 1}}
    for _ in range(50):  # the real server needs a moment to serve a new CRD
        try:
            _, code, headers = co.create_namespaced_custom_object_with_http_info(
                "demo.example.com", "v1beta1", ns, plural, body)
            break
        except ApiException as e:
            if e.status != 404:
                raise
            time.sleep(0.1)
    assert code == 201 and headers.get("Warning") == want
    _, _, headers = co.list_namespaced_custom_object_with_http_info("demo.example.com", "v1beta1", ns, plural)
    assert headers.get("Warning") == want
    with pytest.raises(ApiException) as missing:
        co.get_namespaced_custom_object("demo.example.com", "v1beta1", ns, plural, "absent")
    assert missing.value.status == 404 and missing.value.headers.get("Warning") == want
    with pytest.raises(ApiException) as conflict:
        co.create_namespaced_custom_object("demo.example.com", "v1beta1", ns, plural, body)
    assert conflict.value.status == 409 and conflict.value.headers.get("Warning") == want
    # the storage version does not warn
    _, _, headers = co.get_namespaced_custom_object_with_http_info("demo.example.com", "v1", ns, plural, "g")
    assert "Warning" not in headers
