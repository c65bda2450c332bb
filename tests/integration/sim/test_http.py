"""The simulator over raw HTTPS: auth, routing, negotiation, discovery, OpenAPI, watch, faults.

Expected statuses, headers and Status bodies are those recorded from kube-apiserver v1.36.2
(realdata/kube-apiserver-v1.36), restated here so the tests run without the recording.
"""

from __future__ import annotations

import json
import socket
import ssl

import pytest
import requests

AGG = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList"
TABLE = "application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json"


# -- TLS and authentication ---------------------------------------------------------------------
def test_tls_is_verified_against_the_kubeconfig_ca(empty_sim):
    # an unknown CA must fail: the simulator is not an insecure endpoint
    with pytest.raises(requests.exceptions.SSLError):
        requests.get(empty_sim.url + "/version", timeout=10, verify=True)


def test_wrong_token_is_401_even_on_version(raw, empty_sim):
    raw.s.headers["Authorization"] = "Bearer not-the-token"
    for path in ("/version", "/api/v1/namespaces"):
        r = raw.get(path)
        assert r.status_code == 401
        assert r.json() == {"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
                            "message": "Unauthorized", "reason": "Unauthorized", "code": 401}


def test_anonymous_reaches_only_version_and_health(anon):
    for path in ("/version", "/healthz", "/livez", "/readyz"):
        assert anon.get(path).status_code == 200, path
    r = anon.get("/api")
    assert r.status_code == 403
    assert r.json()["message"] == 'forbidden: User "system:anonymous" cannot get path "/api"'
    r = anon.get("/api/v1/namespaces")
    assert r.status_code == 403
    assert r.json()["message"] == (
        'namespaces is forbidden: User "system:anonymous" cannot list resource "namespaces" '
        'in API group "" at the cluster scope')
    assert r.json()["details"] == {"kind": "namespaces"}


# -- routing errors ---------------------------------------------------------------------------------
def test_unknown_group_or_path_is_plain_text_404(raw):
    for path in ("/apis/nope.example.com/v1/things", "/nope"):
        r = raw.get(path)
        assert r.status_code == 404
        assert r.headers["Content-Type"] == "text/plain; charset=utf-8"
        assert r.text == "404 page not found\n"


def test_unknown_resource_in_known_group_is_status_404(raw):
    for path in ("/api/v1/namespaces/default/foos", "/apis/apps/v1/namespaces/default/foos",
                 "/apis/apps/v1beta1/deployments"):
        r = raw.get(path)
        assert r.status_code == 404, path
        body = r.json()
        assert body["message"] == "the server could not find the requested resource"
        assert body["details"] == {}


def test_method_not_allowed(raw):
    assert raw("PUT", "/api/v1/namespaces/default/configmaps", json={}).status_code == 405
    assert raw("POST", "/api/v1/namespaces/default/configmaps/x", json={}).status_code == 405
    r = raw("DELETE", "/version")
    assert r.status_code == 405
    assert r.json()["reason"] == "MethodNotAllowed"
    assert raw.get("/api/v1/namespaces/default/serviceaccounts/default/token").status_code == 405


def test_not_acceptable_and_unsupported_media_type(raw):
    r = raw.get("/api/v1/namespaces/default/configmaps/x", headers={"Accept": "application/xml"})
    assert r.status_code == 406
    assert r.json()["message"].startswith("406: Not Acceptable")
    r = raw("PATCH", "/api/v1/namespaces/default/configmaps/x", data=b"{}", headers={"Content-Type": "text/plain"})
    assert (r.status_code, r.json()["message"]) == (415, "415: Unsupported Media Type")
    r = raw("POST", "/api/v1/namespaces/default/configmaps", data=b"<x/>", headers={"Content-Type": "application/xml"})
    assert r.status_code == 415
    assert r.json()["message"].startswith("the body of the request was in an unknown format")


def test_body_over_3mib_is_413(raw):
    big = b'{"data":{"a":"' + b"x" * (3 * 1024 * 1024 + 10) + b'"}}'
    r = raw("POST", "/api/v1/namespaces/default/configmaps", data=big, headers={"Content-Type": "application/json"})
    assert r.status_code == 413
    assert r.json()["message"] == "Request entity too large: limit is 3145728"


def test_invalid_write_options_are_422_on_the_options_kind(raw):
    cm = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "x"}}
    r = raw("POST", "/api/v1/namespaces/default/configmaps?fieldValidation=Loud", json=cm)
    assert r.status_code == 422
    assert r.json()["details"]["kind"] == "CreateOptions"
    assert r.json()["details"]["group"] == "meta.k8s.io"
    r = raw("PATCH", "/api/v1/namespaces/default/configmaps/x", data=b"kind: ConfigMap",
            headers={"Content-Type": "application/apply-patch+yaml"})
    assert r.status_code == 422
    assert r.json()["message"] == (
        'PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: is required for apply patch')


# -- discovery and version ----------------------------------------------------------------------------
def test_version_of_the_empty_cluster_is_v1_36_2(raw):
    v = raw.get("/version").json()
    assert v["gitVersion"] == "v1.36.2"
    assert (v["major"], v["minor"]) == ("1", "36")


def test_aggregated_discovery_headers_and_etag(raw):
    r = raw.get("/apis", headers={"Accept": AGG + ",application/json"})
    assert r.status_code == 200
    assert r.headers["Content-Type"] == AGG
    assert r.headers["Cache-Control"] == "public"
    assert r.headers["Vary"] == "Accept"
    etag = r.headers["Etag"]
    assert etag.startswith('"') and len(etag) == 130  # quoted SHA-512 hex
    names = [i["metadata"]["name"] for i in r.json()["items"]]
    assert "apps" in names and "apiextensions.k8s.io" in names
    again = raw.get("/apis", headers={"Accept": AGG, "If-None-Match": etag})
    assert again.status_code == 304


def test_aggregated_discovery_v2beta1_only_is_406(raw):
    r = raw.get("/apis", headers={"Accept": "application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList"})
    assert r.status_code == 406
    assert r.json()["reason"] == "NotAcceptable"


def test_plain_discovery_documents(raw):
    assert raw.get("/api").json()["kind"] == "APIVersions"
    groups = raw.get("/apis").json()
    assert groups["kind"] == "APIGroupList"
    autoscaling = next(g for g in groups["groups"] if g["name"] == "autoscaling")
    assert autoscaling["preferredVersion"]["version"] == "v2"
    rl = raw.get("/apis/apps/v1").json()
    names = {r["name"] for r in rl["resources"]}
    assert {"deployments", "deployments/scale", "deployments/status"} <= names


# -- OpenAPI ------------------------------------------------------------------------------------------
def test_openapi_v3_index_hash_and_redirect(raw):
    r = raw.get("/openapi/v3")
    assert r.headers["Content-Type"] == "text/plain; charset=utf-8"
    url = json.loads(r.text)["paths"]["apis/apps/v1"]["serverRelativeURL"]
    doc = raw.get(url)
    assert doc.status_code == 200
    assert doc.headers["Cache-Control"] == "public, immutable"
    spec = doc.json()
    patch = spec["paths"]["/apis/apps/v1/namespaces/{namespace}/deployments/{name}"]["patch"]
    assert patch["x-kubernetes-group-version-kind"] == {"group": "apps", "version": "v1", "kind": "Deployment"}
    assert "fieldValidation" in {p["name"] for p in patch["parameters"]}
    moved = raw.get("/openapi/v3/apis/apps/v1?hash=0000", allow_redirects=False)
    assert moved.status_code == 301
    assert moved.headers["Location"] == url
    assert raw.get("/openapi/v3/apis/nope.example.com/v1").status_code == 404


def test_openapi_v2_carries_patch_merge_keys(raw):
    doc = raw.get("/openapi/v2").json()
    containers = doc["definitions"]["io.k8s.api.core.v1.PodSpec"]["properties"]["containers"]
    assert containers["x-kubernetes-patch-merge-key"] == "name"
    assert containers["x-kubernetes-patch-strategy"] == "merge"
    dep = doc["definitions"]["io.k8s.api.apps.v1.Deployment"]
    assert dep["x-kubernetes-group-version-kind"] == [{"group": "apps", "kind": "Deployment", "version": "v1"}]


# -- content negotiation and lists ------------------------------------------------------------------
def _mk_cms(raw, ns, n, labels=None):
    for i in range(n):
        cm = {"apiVersion": "v1", "kind": "ConfigMap",
              "metadata": {"name": f"cm-{i}", "labels": dict(labels or {}, idx=str(i))}, "data": {"k": "v"}}
        r = raw("POST", f"/api/v1/namespaces/{ns}/configmaps", json=cm)
        assert r.status_code == 201, r.text


def test_table_pom_and_yaml_representations(raw):
    _mk_cms(raw, "default", 2)
    t = raw.get("/api/v1/namespaces/default/configmaps", headers={"Accept": TABLE})
    assert t.headers["Content-Type"] == "application/json"
    table = t.json()
    assert (table["kind"], table["apiVersion"]) == ("Table", "meta.k8s.io/v1")
    assert [c["name"] for c in table["columnDefinitions"]][:1] == ["Name"]
    assert {row["object"]["kind"] for row in table["rows"]} == {"PartialObjectMetadata"}
    pom = raw.get("/api/v1/namespaces/default/configmaps",
                  headers={"Accept": "application/json;as=PartialObjectMetadataList;v=v1;g=meta.k8s.io"}).json()
    assert pom["kind"] == "PartialObjectMetadataList"
    assert all("data" not in i for i in pom["items"])
    y = raw.get("/api/v1/namespaces/default/configmaps/cm-0", headers={"Accept": "application/yaml"})
    assert y.headers["Content-Type"] == "application/yaml"
    assert "name: cm-0" in y.text


def test_pagination_returns_real_continue_tokens(raw):
    ns = "default"
    _mk_cms(raw, ns, 5)
    seen, token, pages = [], None, 0
    while True:
        q = "?limit=2" + (f"&continue={token}" if token else "")
        body = raw.get(f"/api/v1/namespaces/{ns}/configmaps{q}").json()
        seen += [i["metadata"]["name"] for i in body["items"]]
        pages += 1
        token = body["metadata"].get("continue")
        if not token:
            break
    assert [n for n in seen if n.startswith("cm-")] == [f"cm-{i}" for i in range(5)]
    assert pages >= 3


def test_watch_is_a_chunked_stream_of_events_closed_at_timeout(raw):
    rv = raw.get("/api/v1/namespaces/default/configmaps").json()["metadata"]["resourceVersion"]
    _mk_cms(raw, "default", 1)
    r = raw.get(f"/api/v1/namespaces/default/configmaps?watch=true&resourceVersion={rv}&timeoutSeconds=1",
                stream=True)
    assert r.status_code == 200
    assert r.headers["Transfer-Encoding"] == "chunked"
    events = [json.loads(line) for line in r.iter_lines() if line]
    assert events and events[0]["type"] == "ADDED"
    assert events[0]["object"]["metadata"]["name"] == "cm-0"


def test_keep_alive_reuses_one_connection(raw):
    raw.get("/version")
    raw.get("/api/v1/namespaces")
    pool = next(iter(raw.s.adapters["https://"].poolmanager.pools._container.values()))
    assert pool.num_connections == 1


# -- faults ---------------------------------------------------------------------------------------------
def test_fault_429_with_retry_after_then_recovers(raw, empty_sim):
    empty_sim.faults.add(method="GET", path=r"^/api/v1/namespaces$", status=429, retry_after=2, times=1)
    r = raw.get("/api/v1/namespaces")
    assert r.status_code == 429
    assert r.headers["Retry-After"] == "2"
    assert r.json()["reason"] == "TooManyRequests"
    assert r.json()["details"] == {"retryAfterSeconds": 2}
    assert raw.get("/api/v1/namespaces").status_code == 200


def test_fault_403_reads_like_rbac(raw, empty_sim):
    empty_sim.faults.add(method="GET", path=r"^/api/v1/secrets", status=403)
    r = raw.get("/api/v1/secrets")
    assert r.status_code == 403
    assert r.json()["message"] == (
        'secrets is forbidden: User "admin" cannot list resource "secrets" in API group "" at the cluster scope')
    assert raw.get("/api/v1/configmaps").status_code == 200


def test_fault_500_and_delay(raw, empty_sim):
    f = empty_sim.faults.add(path=r"/configmaps", status=500, times=2)
    assert raw.get("/api/v1/configmaps").status_code == 500
    assert raw.get("/api/v1/configmaps").json()["reason"] == "InternalError"
    assert raw.get("/api/v1/configmaps").status_code == 200
    assert f.hits == 2
    slow = empty_sim.faults.add(path=r"^/api/v1/namespaces$", delay=0.2, times=1)
    assert raw.get("/api/v1/namespaces").status_code == 200
    assert slow.hits == 1


def test_fault_drop_closes_the_connection_without_answer(empty_sim):
    empty_sim.faults.add(path=r"^/api$", drop=True, times=1)
    ctx = ssl.create_default_context(cafile=str(empty_sim.ca_file))
    with socket.create_connection(("127.0.0.1", empty_sim.port), timeout=10) as s:
        with ctx.wrap_socket(s, server_hostname="127.0.0.1") as tls:
            tls.sendall(f"GET /api HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {empty_sim.token}\r\n\r\n".encode())
            try:
                data = tls.recv(100)
            except (ssl.SSLError, ConnectionResetError):
                data = b""
    assert data == b""


def test_fault_expire_continue_gives_410_with_inconsistent_token(raw, empty_sim):
    _mk_cms(raw, "default", 3)
    first = raw.get("/api/v1/namespaces/default/configmaps?limit=1").json()
    token = first["metadata"]["continue"]
    empty_sim.faults.add(path=r"/configmaps", expire_continue=True, times=1)
    assert raw.get("/api/v1/namespaces/default/configmaps?limit=1").status_code == 200  # no continue: untouched
    r = raw.get(f"/api/v1/namespaces/default/configmaps?limit=1&continue={token}")
    assert r.status_code == 410
    body = r.json()
    assert body["reason"] == "Expired"
    assert body["metadata"]["continue"]
    again = raw.get(f"/api/v1/namespaces/default/configmaps?limit=1&continue={body['metadata']['continue']}")
    assert again.status_code == 200
