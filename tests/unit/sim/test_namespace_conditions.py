"""The namespace controller's status.conditions on a terminating namespace (realdata 09-namespaces.jsonl:
five conditions written by kube-controller-manager via /status; 08-watch.jsonl: the all-False set is
written once, right before the namespace disappears)."""
from __future__ import annotations

import json

from simstore_helpers import UA, cm, make_ns, rt

JSONP = "application/json-patch+json"
ALWAYS = [("NamespaceDeletionDiscoveryFailure", "False", "ResourcesDiscovered", "All resources successfully discovered"),
          ("NamespaceDeletionGroupVersionParsingFailure", "False", "ParsedGroupVersions",
           "All legacy kube types successfully parsed"),
          ("NamespaceDeletionContentFailure", "False", "ContentDeleted",
           "All content successfully deleted, may be waiting on finalization")]


def _conds(obj):
    return [(c["type"], c["status"], c["reason"], c["message"]) for c in obj["status"].get("conditions", [])]


def test_content_held_by_a_finalizer_is_reported_until_released(store):
    make_ns(store, "rec-ns")
    cms, nss = rt(store, "", "v1", "configmaps"), rt(store, "", "v1", "namespaces")
    held = cm("held", x="1")
    held["metadata"]["finalizers"] = ["example.com/hold"]
    store.create(cms, "rec-ns", held, user_agent=UA)
    store.delete(nss, None, "rec-ns", {})
    ns = store.get(nss, None, "rec-ns")
    assert ns["status"]["phase"] == "Terminating"
    assert _conds(ns) == ALWAYS + [
        ("NamespaceContentRemaining", "True", "SomeResourcesRemain",
         "Some resources are remaining: configmaps. has 1 resource instances"),
        ("NamespaceFinalizersRemaining", "True", "SomeFinalizersRemain",
         "Some content in the namespace has finalizers remaining: example.com/hold in 1 resource instances")]
    assert list(ns["status"]["conditions"][0]) == ["type", "status", "lastTransitionTime", "reason", "message"]
    [ctrl] = [e for e in ns["metadata"]["managedFields"] if e["manager"] == "kube-controller-manager"]
    assert (ctrl["operation"], ctrl["subresource"]) == ("Update", "status")
    assert set(ctrl["fieldsV1"]["f:status"]["f:conditions"]) == {"."} | {f'k:{{"type":"{t}"}}' for t, *_ in
                                                                        ALWAYS + [("NamespaceContentRemaining",),
                                                                                  ("NamespaceFinalizersRemaining",)]}
    rv = ns["metadata"]["resourceVersion"]
    store.patch(cms, "rec-ns", "held", JSONP, json.dumps([{"op": "remove", "path": "/metadata/finalizers"}]).encode(),
                user_agent=UA)
    events = list(store.watch(nss, None, resource_version=rv, timeout_s=0.05))
    assert [e["type"] for e in events] == ["MODIFIED", "DELETED"]
    assert _conds(events[0]["object"])[3:] == [
        ("NamespaceContentRemaining", "False", "ContentRemoved", "All content successfully removed"),
        ("NamespaceFinalizersRemaining", "False", "ContentHasNoFinalizers", "All content-preserving finalizers finished")]


def test_empty_namespace_gets_the_all_false_conditions_once_before_it_goes(store):
    make_ns(store, "tmp")
    nss = rt(store, "", "v1", "namespaces")
    rv = str(store.rv)
    store.delete(nss, None, "tmp", {})
    events = [e for e in store.watch(nss, None, resource_version=rv, timeout_s=0.05)]
    assert [e["type"] for e in events] == ["MODIFIED", "MODIFIED", "DELETED"]
    assert "conditions" not in events[0]["object"]["status"]
    assert [c[1] for c in _conds(events[1]["object"])] == ["False"] * 5
