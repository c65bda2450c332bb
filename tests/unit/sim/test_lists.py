"""Lists: order, pagination tokens, selectors, resourceVersion semantics and their errors."""
from __future__ import annotations

import base64
import json

import pytest

from migrate.sim.store import StatusError, Store
from simstore_helpers import UA, cm, make_ns, rt


def token(tok: str) -> dict:
    return json.loads(base64.urlsafe_b64decode(tok + "=" * (-len(tok) % 4)))


@pytest.fixture
def populated(store: Store) -> Store:
    make_ns(store, "rec-list")
    make_ns(store, "rec-list2")
    cms = rt(store, "", "v1", "configmaps")
    labels = [{"env": "prod", "tier": "web"}, {"env": "prod", "tier": "db"}, {"env": "dev", "tier": "web"},
              {"env": "dev"}, {"env": "test", "tier": "cache"}, {"team": "a"}, None]
    for i, lab in enumerate(labels):
        store.create(cms, "rec-list", cm(f"cm-{i}", lab, i=str(i)), user_agent=UA)
    store.create(cms, "rec-list2", cm("other-1", {"env": "prod"}), user_agent=UA)
    return store


def names(lst: dict) -> list[str]:
    return [i["metadata"]["name"] for i in lst["items"]]


def test_pages_follow_the_real_token_format(populated):
    cms = rt(populated, "", "v1", "configmaps")
    page = populated.list(cms, "rec-list", limit=2)
    assert names(page) == ["cm-0", "cm-1"]
    assert page["metadata"]["remainingItemCount"] == 6
    tok = token(page["metadata"]["continue"])
    assert tok == {"v": "meta.k8s.io/v1", "rv": populated.rv, "start": "/cm-1\u0000"}
    assert "=" not in page["metadata"]["continue"]
    seen = names(page)
    while "continue" in page["metadata"]:
        page = populated.list(cms, "rec-list", limit=2, continue_=page["metadata"]["continue"])
        seen += names(page)
    assert seen == [f"cm-{i}" for i in range(7)] + ["kube-root-ca.crt"]
    assert "remainingItemCount" not in page["metadata"]
    # items of built-in lists carry no kind/apiVersion
    assert "kind" not in page["items"][0] and page["kind"] == "ConfigMapList"


def test_cluster_wide_pages_use_namespace_in_the_key(populated):
    cms = rt(populated, "", "v1", "configmaps")
    page = populated.list(cms, None, limit=2)
    assert token(page["metadata"]["continue"])["start"] == "/kube-node-lease/kube-root-ca.crt\u0000"
    everything = populated.list(cms, None)
    keys = [f"{i['metadata']['namespace']}/{i['metadata']['name']}" for i in everything["items"]]
    assert keys == sorted(keys)


def test_selected_pages_have_no_remaining_count(populated):
    cms = rt(populated, "", "v1", "configmaps")
    page = populated.list(cms, None, limit=2, label_selector="env=prod")
    assert names(page) == ["cm-0", "cm-1"] and "remainingItemCount" not in page["metadata"]
    page2 = populated.list(cms, None, limit=2, label_selector="env=prod", continue_=page["metadata"]["continue"])
    assert names(page2) == ["other-1"] and "continue" not in page2["metadata"]


@pytest.mark.parametrize("sel,want", [
    ("env=prod", ["cm-0", "cm-1"]), ("env==prod", ["cm-0", "cm-1"]),
    ("env!=prod", ["cm-2", "cm-3", "cm-4", "cm-5", "cm-6", "kube-root-ca.crt"]),
    ("env in (prod,dev)", ["cm-0", "cm-1", "cm-2", "cm-3"]),
    ("env notin (prod,dev)", ["cm-4", "cm-5", "cm-6", "kube-root-ca.crt"]),
    ("tier", ["cm-0", "cm-1", "cm-2", "cm-4"]), ("!tier", ["cm-3", "cm-5", "cm-6", "kube-root-ca.crt"]),
    ("env=prod,tier=web", ["cm-0"]), ("env in (prod),tier notin (db)", ["cm-0"]), ("env=nomatch", []),
])
def test_label_selectors(populated, sel, want):
    assert names(populated.list(rt(populated, "", "v1", "configmaps"), "rec-list", label_selector=sel)) == want


@pytest.mark.parametrize("sel,msg", [
    ("env in prod", "unable to parse requirement: found 'prod' expected: '('"),
    ("env=a b", "found 'b', expected: ',' or 'end of string'"),
])
def test_invalid_label_selectors(populated, sel, msg):
    with pytest.raises(StatusError) as e:
        populated.list(rt(populated, "", "v1", "configmaps"), "rec-list", label_selector=sel)
    assert e.value.code == 400 and e.value.body["message"] == msg


def test_field_selectors(populated):
    cms = rt(populated, "", "v1", "configmaps")
    assert names(populated.list(cms, "rec-list", field_selector="metadata.name=cm-1")) == ["cm-1"]
    assert "cm-1" not in names(populated.list(cms, "rec-list", field_selector="metadata.name!=cm-1"))
    got = populated.list(cms, None, field_selector="metadata.namespace!=rec-list", label_selector="env=prod")
    assert names(got) == ["other-1"]
    with pytest.raises(StatusError) as e:
        populated.list(cms, "rec-list", field_selector="data.i=1")
    assert e.value.body["message"] == ('"data.i" is not a known field selector: only "metadata.name", '
                                       '"metadata.namespace"')
    nss = rt(populated, "", "v1", "namespaces")
    assert "rec-list" in names(populated.list(nss, None, field_selector="status.phase=Active"))


def test_resource_version_rules(populated):
    cms = rt(populated, "", "v1", "configmaps")
    assert len(populated.list(cms, "rec-list", resource_version="0", limit=2)["items"]) == 8  # limit ignored
    assert "continue" not in populated.list(cms, "rec-list", resource_version="0", limit=2)["metadata"]
    assert len(populated.list(cms, "rec-list", limit=0)["items"]) == 8
    cases = [
        ({"resource_version_match": "Exact"}, 422), ({"resource_version": "0", "resource_version_match": "Exact"}, 422),
        ({"resource_version": "1", "resource_version_match": "Bogus"}, 422), ({"resource_version": "abc"}, 400),
        ({"resource_version": str(populated.rv + 100000), "resource_version_match": "NotOlderThan"}, 504),
        ({"limit": 2, "continue_": "not-a-valid-token!"}, 400), ({"limit": 2, "continue_": "eyJmb28iOiJiYXIifQ"}, 400),
    ]
    for kwargs, code in cases:
        with pytest.raises(StatusError) as e:
            populated.list(cms, "rec-list", **kwargs)
        assert e.value.code == code, kwargs
    with pytest.raises(StatusError) as e:
        populated.list(cms, "rec-list", limit=2, continue_="not-a-valid-token!")
    assert e.value.body["message"] == ("invalid continue token: continue key is not valid: illegal base64 data at "
                                       "input byte 17")
    tok = populated.list(cms, "rec-list", limit=2)["metadata"]["continue"]
    with pytest.raises(StatusError) as e:
        populated.list(cms, "rec-list", limit=2, continue_=tok, resource_version="5")
    assert e.value.body["message"] == "specifying resource version is not allowed when using continue"


def test_expired_continue_token_then_inconsistent_continuation(populated):
    cms = rt(populated, "", "v1", "configmaps")
    tok = populated.list(cms, "rec-list", limit=2)["metadata"]["continue"]
    populated.expire_continue_tokens()
    with pytest.raises(StatusError) as e:
        populated.list(cms, "rec-list", limit=2, continue_=tok)
    assert e.value.code == 410 and e.value.body["reason"] == "Expired"
    fresh = e.value.body["metadata"]["continue"]
    assert token(fresh)["rv"] == -1
    page = populated.list(cms, "rec-list", limit=2, continue_=fresh)
    assert names(page) == ["cm-2", "cm-3"]
    assert names(populated.list(cms, "rec-list", limit=2)) == ["cm-0", "cm-1"]  # a fresh list works


def test_paging_a_large_store_only_touches_the_page():
    store = Store()
    cms = rt(store, "", "v1", "configmaps")
    objs = [{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": f"cm-{i:06d}", "namespace": f"ns-{i % 50}"},
             "data": {"i": str(i)}} for i in range(20000)]
    assert store.load_objects(objs) == 20000
    page = store.list(cms, "ns-7", limit=150)  # 400 objects live in ns-7
    assert len(page["items"]) == 150 and page["metadata"]["remainingItemCount"] == 250
    assert page["items"][0]["metadata"]["name"] == "cm-000007"
    total = 0
    tok = None
    while True:
        page = store.list(cms, None, limit=500, continue_=tok)
        total += len(page["items"])
        tok = page["metadata"].get("continue")
        if not tok:
            break
    assert total == 20000 + 4  # plus the kube-root-ca.crt of the bootstrap namespaces
