"""Server-side apply of keyed lists whose key has a defaulted field (ports keyed by port + protocol).

The applied config usually omits ``protocol``; the stored item has ``protocol: TCP``. The real server
keys the applied item by its defaulted key, so re-applying is a no-op, not a second port.
"""
from __future__ import annotations

import json

import yaml

from simstore_helpers import deployment, make_ns, rt

APPLY = "application/apply-patch+yaml"


def _apply(store, resource, group, doc, mgr="mgr", **kw):
    t = rt(store, group, "v1", resource)
    return store.patch(t, "p", doc["metadata"]["name"], APPLY, yaml.safe_dump(doc).encode(), field_manager=mgr, **kw)


def _ports(obj):
    return obj["spec"]["template"]["spec"]["containers"][0]["ports"]


def _service(ports):
    return {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "svc"},
            "spec": {"selector": {"app": "web"}, "ports": ports}}


def test_reapplying_a_deployment_without_protocol_is_a_noop(store):
    make_ns(store, "p")
    doc = deployment("web")  # ports: [{containerPort: 80}], no protocol
    code, first, _ = _apply(store, "deployments", "apps", doc)
    assert code == 201 and _ports(first) == [{"containerPort": 80, "protocol": "TCP"}]
    # the manager owns the item under its defaulted key, but not the defaulted protocol itself
    fields = first["metadata"]["managedFields"][0]["fieldsV1"]
    container = fields["f:spec"]["f:template"]["f:spec"]["f:containers"]['k:{"name":"app"}']
    assert container["f:ports"] == {'k:{"containerPort":80,"protocol":"TCP"}': {".": {}, "f:containerPort": {}}}
    rv_before = store.rv
    events = store.watch(rt(store, "apps", "v1", "deployments"), "p",
                         resource_version=first["metadata"]["resourceVersion"], timeout_s=0.05)
    code, again, _ = _apply(store, "deployments", "apps", doc)
    assert code == 200 and _ports(again) == [{"containerPort": 80, "protocol": "TCP"}]
    assert again["metadata"]["resourceVersion"] == first["metadata"]["resourceVersion"]
    assert again["metadata"]["managedFields"] == first["metadata"]["managedFields"]
    assert store.rv == rv_before
    assert [e["type"] for e in events if e["object"]["metadata"].get("name") == "web"] == []


def test_apply_with_then_without_protocol_keeps_one_port(store):
    make_ns(store, "p")
    with_proto = deployment("web")
    _ports(with_proto)[0]["protocol"] = "TCP"
    _, obj, _ = _apply(store, "deployments", "apps", with_proto)
    rv = obj["metadata"]["resourceVersion"]
    _, obj, _ = _apply(store, "deployments", "apps", deployment("web"))
    assert _ports(obj) == [{"containerPort": 80, "protocol": "TCP"}]
    # only ownership of the explicit protocol changed; the object itself did not
    assert obj["metadata"]["generation"] == 1
    fields = obj["metadata"]["managedFields"][0]["fieldsV1"]
    assert "f:protocol" not in json.dumps(fields)
    _, obj, _ = _apply(store, "deployments", "apps", with_proto)
    assert _ports(obj) == [{"containerPort": 80, "protocol": "TCP"}] and int(obj["metadata"]["resourceVersion"]) > int(rv)


def test_changing_the_protocol_replaces_the_port_and_two_protocols_coexist(store):
    make_ns(store, "p")
    _apply(store, "deployments", "apps", deployment("web"))
    udp = deployment("web")
    _ports(udp)[0]["protocol"] = "UDP"
    _, obj, _ = _apply(store, "deployments", "apps", udp)
    assert _ports(obj) == [{"containerPort": 80, "protocol": "UDP"}]
    both = deployment("web")
    _ports(both)[:] = [{"containerPort": 53, "protocol": "UDP", "name": "dns"}, {"containerPort": 53, "name": "dns-tcp"}]
    _, obj, _ = _apply(store, "deployments", "apps", both)
    assert sorted((p["containerPort"], p["protocol"]) for p in _ports(obj)) == [(53, "TCP"), (53, "UDP")]
    _, again, _ = _apply(store, "deployments", "apps", both)
    assert again["metadata"]["resourceVersion"] == obj["metadata"]["resourceVersion"]


def test_another_manager_applying_the_same_port_shares_it(store):
    make_ns(store, "p")
    _apply(store, "deployments", "apps", deployment("web"), mgr="a")
    _, obj, _ = _apply(store, "deployments", "apps", deployment("web"), mgr="b")
    assert _ports(obj) == [{"containerPort": 80, "protocol": "TCP"}]


def test_reapplying_a_service_without_protocol_is_a_noop(store):
    make_ns(store, "p")
    doc = _service([{"name": "http", "port": 80, "targetPort": 8080}])
    code, first, _ = _apply(store, "services", "", doc)
    assert code == 201 and [(p["port"], p["protocol"]) for p in first["spec"]["ports"]] == [(80, "TCP")]
    code, again, _ = _apply(store, "services", "", doc)
    assert code == 200 and len(again["spec"]["ports"]) == 1
    assert again["metadata"]["resourceVersion"] == first["metadata"]["resourceVersion"]
    # the dry-run of a re-apply changes nothing either
    _, dry, _ = _apply(store, "services", "", doc, dry_run=True)
    assert len(dry["spec"]["ports"]) == 1
