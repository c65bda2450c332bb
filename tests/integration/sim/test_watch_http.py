"""Watch streams over HTTPS as kube-apiserver v1.36.2 sends them (realdata 08-watch.jsonl, restated):
bookmarks, the deprecated /watch/ paths, Table watches and the namespace watch's opening bookmark.

Streams are read only as far as each test needs and then closed, so no test waits for a timeout.
"""

from __future__ import annotations

import json
from typing import Any, Iterator

import pytest

TABLE = "application/json;as=Table;v=v1;g=meta.k8s.io,application/json"


def _events(resp: Any) -> Iterator[dict]:
    for line in resp.iter_lines():
        if line:
            yield json.loads(line)


def _cm(raw: Any, ns: str, name: str, **labels: str) -> dict:
    r = raw("POST", f"/api/v1/namespaces/{ns}/configmaps",
            json={"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": name, "labels": labels},
                  "data": {"a": "1"}})
    assert r.status_code == 201, r.text
    return r.json()


def _ns(raw: Any, name: str) -> None:
    assert raw("POST", "/api/v1/namespaces", json={"apiVersion": "v1", "kind": "Namespace",
                                                   "metadata": {"name": name}}).status_code == 201


def test_bookmark_comes_two_seconds_before_timeout_with_the_bookmark_shape(raw):
    _ns(raw, "wb")
    rv = raw.get("/api/v1/namespaces/wb/configmaps").json()["metadata"]["resourceVersion"]
    _cm(raw, "wb", "w1")
    # timeoutSeconds=3: the one BOOKMARK is due at 1 s (2 s before the end); read up to it
    r = raw.get(f"/api/v1/namespaces/wb/configmaps?watch=true&resourceVersion={rv}&allowWatchBookmarks=true"
                "&timeoutSeconds=3", stream=True)
    assert (r.status_code, r.headers["Content-Type"], r.headers["Transfer-Encoding"]) == (
        200, "application/json", "chunked")
    events = _events(r)
    first = next(events)
    assert (first["type"], first["object"]["metadata"]["name"]) == ("ADDED", "w1")
    bookmark = next(events)
    r.close()
    assert bookmark["type"] == "BOOKMARK"
    # only kind, apiVersion and the revision (at least the last event's)
    assert set(bookmark["object"]) == {"kind", "apiVersion", "metadata"}
    assert bookmark["object"]["kind"] == "ConfigMap" and set(bookmark["object"]["metadata"]) == {"resourceVersion"}
    assert int(bookmark["object"]["metadata"]["resourceVersion"]) >= int(first["object"]["metadata"]["resourceVersion"])


def test_watch_shorter_than_two_seconds_gets_no_bookmark(raw):
    rv = raw.get("/api/v1/namespaces/default/configmaps").json()["metadata"]["resourceVersion"]
    r = raw.get(f"/api/v1/namespaces/default/configmaps?watch=true&resourceVersion={rv}&allowWatchBookmarks=true"
                "&timeoutSeconds=1", stream=True)
    assert r.status_code == 200
    assert list(_events(r)) == []  # closed at the timeout, nothing sent


def test_deprecated_watch_paths_are_served(raw):
    _ns(raw, "wd")
    _cm(raw, "wd", "pre")
    r = raw.get("/api/v1/watch/namespaces/wd/configmaps?timeoutSeconds=5", stream=True)
    assert r.status_code == 200
    events = _events(r)
    got = sorted((e["type"], e["object"]["metadata"]["name"]) for e in (next(events), next(events)))
    r.close()
    assert got == [("ADDED", "kube-root-ca.crt"), ("ADDED", "pre")]
    # /watch/.../<name> watches one object (a metadata.name field selector)
    rv = raw.get("/api/v1/namespaces/wd/configmaps").json()["metadata"]["resourceVersion"]
    _cm(raw, "wd", "other")
    raw("PATCH", "/api/v1/namespaces/wd/configmaps/pre", data=json.dumps({"data": {"a": "2"}}),
        headers={"Content-Type": "application/merge-patch+json"})
    r = raw.get(f"/api/v1/watch/namespaces/wd/configmaps/pre?resourceVersion={rv}&timeoutSeconds=5", stream=True)
    ev = next(_events(r))
    r.close()
    assert (ev["type"], ev["object"]["metadata"]["name"], ev["object"]["data"]) == ("MODIFIED", "pre", {"a": "2"})
    # and the cluster-wide form
    r = raw.get(f"/api/v1/watch/configmaps?resourceVersion={rv}&timeoutSeconds=5", stream=True)
    ev = next(_events(r))
    r.close()
    assert (ev["type"], ev["object"]["metadata"]["name"]) == ("ADDED", "other")


def test_table_watch_sends_tables(raw):
    """What `kubectl get -w` reads: each event's object is a meta.k8s.io/v1 Table of that one object."""
    _ns(raw, "wt")
    _cm(raw, "wt", "w1", w="yes")
    rv = raw.get("/api/v1/namespaces/wt/configmaps").json()["metadata"]["resourceVersion"]
    patched = raw("PATCH", "/api/v1/namespaces/wt/configmaps/w1", data=json.dumps({"data": {"b": "2"}}),
                  headers={"Content-Type": "application/merge-patch+json"}).json()
    r = raw.get(f"/api/v1/namespaces/wt/configmaps?watch=true&resourceVersion={rv}&timeoutSeconds=5",
                headers={"Accept": TABLE}, stream=True)
    assert r.headers["Content-Type"] == "application/json"
    ev = next(_events(r))
    r.close()
    assert ev["type"] == "MODIFIED"
    table = ev["object"]
    assert (table["kind"], table["apiVersion"]) == ("Table", "meta.k8s.io/v1")
    assert table["metadata"] == {"resourceVersion": patched["metadata"]["resourceVersion"]}
    assert [c["name"] for c in table["columnDefinitions"]] == ["Name", "Data", "Age"]
    [row] = table["rows"]
    assert row["cells"][:2] == ["w1", 2]
    assert row["object"]["kind"] == "PartialObjectMetadata" and row["object"]["metadata"]["labels"] == {"w": "yes"}


def test_namespace_watch_without_resource_version_opens_with_initial_events_end(raw):
    r = raw.get("/api/v1/namespaces?watch=true&fieldSelector=metadata.name%3Dwn-tmp&timeoutSeconds=8"
                "&allowWatchBookmarks=true", stream=True)
    events = _events(r)
    opening = next(events)
    assert opening["type"] == "BOOKMARK"
    assert opening["object"] == {"kind": "Namespace", "apiVersion": "v1",
                                 "metadata": {"resourceVersion": opening["object"]["metadata"]["resourceVersion"],
                                              "annotations": {"k8s.io/initial-events-end": "true"}},
                                 "spec": {}, "status": {}}
    _ns(raw, "wn-tmp")
    added = next(events)
    r.close()
    assert (added["type"], added["object"]["metadata"]["name"]) == ("ADDED", "wn-tmp")


@pytest.mark.parametrize("query", ["", "&resourceVersion=0"])
def test_watch_without_bookmarks_has_no_opening_bookmark(raw, query):
    r = raw.get(f"/api/v1/namespaces?watch=true&fieldSelector=metadata.name%3Ddefault&timeoutSeconds=5{query}",
                stream=True)
    first = next(_events(r))
    r.close()
    assert (first["type"], first["object"]["metadata"]["name"]) == ("ADDED", "default")
