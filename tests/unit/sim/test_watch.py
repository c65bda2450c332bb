"""Watch streams: replay from a resourceVersion, selectors, WatchList bookmarks, expiry."""
from __future__ import annotations

import threading

import pytest

from migrate.sim.store import StatusError
from simstore_helpers import UA, cm, make_ns, rt

MERGE = "application/merge-patch+json"


def collect(it, n=None):
    out = []
    for ev in it:
        out.append(ev)
        if n is not None and len(out) >= n:
            break
    return out


def test_events_from_a_list_revision(store):
    make_ns(store, "w")
    cms = rt(store, "", "v1", "configmaps")
    rv = store.list(cms, "w")["metadata"]["resourceVersion"]
    store.create(cms, "w", cm("w1", {"w": "yes"}, a="1"), user_agent=UA)
    store.patch(cms, "w", "w1", MERGE, b'{"data":{"a":"2"}}', user_agent=UA)
    store.patch(cms, "w", "w1", MERGE, b'{"data":{"a":"2"}}', user_agent=UA)  # no-op: no event
    store.create(cms, "w", cm("w2"), user_agent=UA)
    store.delete(cms, "w", "w2", {})
    evs = collect(store.watch(cms, "w", resource_version=rv, timeout_s=0.2))
    assert [(e["type"], e["object"]["metadata"]["name"]) for e in evs] == [
        ("ADDED", "w1"), ("MODIFIED", "w1"), ("ADDED", "w2"), ("DELETED", "w2")]
    assert evs[0]["object"]["kind"] == "ConfigMap"


def test_no_resource_version_starts_with_current_objects(store):
    make_ns(store, "w")
    cms = rt(store, "", "v1", "configmaps")
    store.create(cms, "w", cm("pre"), user_agent=UA)
    evs = collect(store.watch(cms, "w", timeout_s=0.1))
    assert [(e["type"], e["object"]["metadata"]["name"]) for e in evs] == [
        ("ADDED", "kube-root-ca.crt"), ("ADDED", "pre")]


def test_watchlist_ends_initial_events_with_a_bookmark(store):
    make_ns(store, "w")
    cms = rt(store, "", "v1", "configmaps")
    evs = collect(store.watch(cms, "w", send_initial_events=True, resource_version_match="NotOlderThan",
                              allow_bookmarks=True, timeout_s=0.1))
    types = [e["type"] for e in evs]
    assert types[:2] == ["ADDED", "BOOKMARK"]
    assert evs[1]["object"]["metadata"]["annotations"] == {"k8s.io/initial-events-end": "true"}
    assert evs[1]["object"]["metadata"]["resourceVersion"] == str(store.rv)
    with pytest.raises(StatusError) as e:
        store.open_watch(cms, "w", send_initial_events=True, allow_bookmarks=True)
    assert e.value.code == 422


def test_label_selector_turns_leaving_into_deleted(store):
    make_ns(store, "w")
    cms = rt(store, "", "v1", "configmaps")
    store.create(cms, "w", cm("w1", {"w": "yes"}), user_agent=UA)
    rv = str(store.rv)
    store.patch(cms, "w", "w1", MERGE, b'{"metadata":{"labels":{"w":null}}}', user_agent=UA)
    store.patch(cms, "w", "w1", MERGE, b'{"metadata":{"labels":{"w":"yes"}}}', user_agent=UA)
    evs = collect(store.watch(cms, "w", label_selector="w=yes", resource_version=rv, timeout_s=0.1))
    assert [e["type"] for e in evs] == ["DELETED", "ADDED"]


def test_concurrent_writer_wakes_the_watcher(store):
    make_ns(store, "w")
    cms = rt(store, "", "v1", "configmaps")
    it = store.watch(cms, "w", resource_version=str(store.rv), timeout_s=5)
    t = threading.Timer(0.05, lambda: store.create(cms, "w", cm("late"), user_agent=UA))
    t.start()
    ev = next(iter(it))
    assert (ev["type"], ev["object"]["metadata"]["name"]) == ("ADDED", "late")
    t.join()


def test_too_old_resource_version_is_a_410_error_event(store):
    make_ns(store, "w")
    pts = rt(store, "", "v1", "podtemplates")
    cms = rt(store, "", "v1", "configmaps")
    old = str(store.rv)
    table = store._table(cms)
    table.EVENT_LOG = 5  # a tiny watch cache
    for i in range(20):
        store.create(cms, "w", cm(f"c{i}"), user_agent=UA)
    evs = collect(store.watch(cms, "w", resource_version=old, timeout_s=1))
    assert len(evs) == 1 and evs[0]["type"] == "ERROR"
    st = evs[0]["object"]
    assert st["code"] == 410 and st["reason"] == "Expired"
    assert st["message"].startswith(f"too old resource version: {old} (")
    assert pts is not None


def test_one_bookmark_two_seconds_before_the_deadline_then_the_end(store):
    make_ns(store, "w")
    cms = rt(store, "", "v1", "configmaps")
    rv = str(store.rv)
    # the real server: timeoutSeconds=5 gave one BOOKMARK ~3.6 s in and the end at 5 s
    evs = collect(store.watch(cms, "w", resource_version=rv, allow_bookmarks=True, timeout_s=2.1))
    assert [e["type"] for e in evs] == ["BOOKMARK"]
    assert evs[0]["object"] == {"kind": "ConfigMap", "apiVersion": "v1", "metadata": {"resourceVersion": str(store.rv)}}
    # shorter than 2 s: no bookmark at all; without allowWatchBookmarks: never
    assert collect(store.watch(cms, "w", resource_version=rv, allow_bookmarks=True, timeout_s=0.1)) == []
    assert collect(store.watch(cms, "w", resource_version=rv, timeout_s=0.1)) == []


def test_no_resource_version_with_bookmarks_ends_initial_events_with_a_bookmark(store):
    make_ns(store, "w")
    cms = rt(store, "", "v1", "configmaps")
    evs = collect(store.watch(cms, "w", allow_bookmarks=True, timeout_s=0.1))
    assert [e["type"] for e in evs] == ["ADDED", "BOOKMARK"]
    assert evs[1]["object"]["metadata"] == {"resourceVersion": str(store.rv),
                                            "annotations": {"k8s.io/initial-events-end": "true"}}
    # resourceVersion=0 ("any") keeps the legacy stream: no bookmark
    assert [e["type"] for e in collect(store.watch(cms, "w", resource_version="0", allow_bookmarks=True,
                                                   timeout_s=0.1))] == ["ADDED"]
