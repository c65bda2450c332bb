"""Same-cluster runs: allowed only as a move into new or empty namespaces (migrate.cutover.identity)."""

from __future__ import annotations

import pytest

from migrate.cluster.client import ApiResource
from migrate.cutover.identity import cluster_uid, namespace_move_problems, occupied_namespaces, same_cluster_move_error
from migrate.errors import ApiError

CM = ApiResource("", "v1", "configmaps", "ConfigMap", True, ("list", "get"))
SA = ApiResource("", "v1", "serviceaccounts", "ServiceAccount", True, ("list", "get"))
SECRET = ApiResource("", "v1", "secrets", "Secret", True, ("list", "get"))
EVENT = ApiResource("", "v1", "events", "Event", True, ("list", "get"))
DEPLOY = ApiResource("apps", "v1", "deployments", "Deployment", True, ("list", "get"))
RB = ApiResource("rbac.authorization.k8s.io", "v1", "rolebindings", "RoleBinding", True, ("list", "get"))
NODE = ApiResource("", "v1", "nodes", "Node", False, ("list", "get"))


class FakeCluster:
    """GETs answered from {path: body}; a missing path is the real 404, ``deny`` paths a 403."""

    def __init__(self, objects: dict[str, list[dict]] | None = None, namespaces: dict[str, dict] | None = None,
                 deny: tuple[str, ...] = ()):
        self.namespaces = namespaces or {}
        self.objects = objects or {}
        self.deny = deny

    def discover(self):
        return [CM, SA, SECRET, EVENT, DEPLOY, RB, NODE]

    def get(self, path, query=None):
        if path in self.deny:
            raise ApiError(403, {"reason": "Forbidden"}, method="GET", path=path)
        if path.startswith("/api/v1/namespaces/") and path.count("/") == 4:
            ns = path.rsplit("/", 1)[1]
            if ns not in self.namespaces:
                raise ApiError(404, {"reason": "NotFound"}, method="GET", path=path)
            return self.namespaces[ns]
        return {"items": self.objects.get(path, [])}


def ns(name: str, deleting: bool = False) -> dict:
    md = {"name": name, "uid": f"uid-{name}"}
    if deleting:
        md["deletionTimestamp"] = "2026-01-01T00:00:00Z"
    return {"metadata": md}


def obj(name: str, **annotations: str) -> dict:
    return {"metadata": {"name": name, "annotations": annotations}}


# --- names ------------------------------------------------------------------------------------

def test_every_namespace_mapped_to_a_new_name_is_a_move():
    assert namespace_move_problems(["shop", "pay"], {"shop": "shop-v2", "pay": "pay-v2"}) == []


@pytest.mark.parametrize("mapping, needle", [
    ({}, "not mapped to another namespace: pay, shop"),
    ({"shop": "shop-v2"}, "not mapped to another namespace: pay"),
    ({"shop": "shop", "pay": "pay-v2"}, "not mapped to another namespace: shop"),
    ({"shop": "pay", "pay": "pay-v2"}, "mapped onto a namespace the run also moves (and scales to zero): shop->pay"),
    ({"shop": "one", "pay": "one"}, "several namespaces mapped onto one: pay, shop -> one"),
])
def test_unsafe_mappings_are_named(mapping, needle):
    assert any(needle in p for p in namespace_move_problems(["shop", "pay"], mapping))


def test_a_run_that_does_not_name_its_namespaces_is_refused():
    (p,) = namespace_move_problems([], {"shop": "shop-v2"})
    assert "does not say which namespaces" in p and "--plan" in p


# --- target namespaces ------------------------------------------------------------------------

def test_missing_and_cluster_filled_namespaces_are_free():
    c = FakeCluster(namespaces={"shop-v2": ns("shop-v2")}, objects={
        "/api/v1/namespaces/shop-v2/configmaps": [obj("kube-root-ca.crt")],
        "/api/v1/namespaces/shop-v2/serviceaccounts": [obj("default")],
        "/api/v1/namespaces/shop-v2/secrets": [obj("default-token-x", **{"kubernetes.io/service-account.name": "default"})],
        "/api/v1/namespaces/shop-v2/events": [obj("web.17a")],  # noise, not content
        "/apis/rbac.authorization.k8s.io/v1/namespaces/shop-v2/rolebindings": [obj("system:image-pullers")],
    })
    assert occupied_namespaces(c, ["shop-v2", "pay-v2"]) == {}
    assert same_cluster_move_error(c, ["shop", "pay"], {"shop": "shop-v2", "pay": "pay-v2"}) is None


def test_a_target_namespace_with_content_is_refused_and_named():
    c = FakeCluster(namespaces={"shop-v2": ns("shop-v2")}, objects={
        "/apis/apps/v1/namespaces/shop-v2/deployments": [obj("web"), obj("db")],
    })
    assert occupied_namespaces(c, ["shop-v2"]) == {"shop-v2": "holds Deployment web and 1 more"}
    why = same_cluster_move_error(c, ["shop"], {"shop": "shop-v2"})
    assert why is not None and "shop-v2 holds Deployment web" in why and "new or empty" in why


def test_unreadable_or_terminating_targets_are_not_assumed_empty():
    c = FakeCluster(namespaces={"a": ns("a"), "b": ns("b", deleting=True)},
                    deny=("/api/v1/namespaces/a/secrets",))
    assert occupied_namespaces(c, ["a", "b"]) == {"a": "its Secret objects cannot be listed (HTTP 403)",
                                                 "b": "is being deleted"}


def test_resume_skips_the_emptiness_check_the_run_itself_invalidated():
    c = FakeCluster(namespaces={"shop-v2": ns("shop-v2")},
                    objects={"/apis/apps/v1/namespaces/shop-v2/deployments": [obj("web")]})
    assert same_cluster_move_error(c, ["shop"], {"shop": "shop-v2"}, check_targets=False) is None
    # the names are still checked on resume
    assert "not mapped" in (same_cluster_move_error(c, ["shop"], {}, check_targets=False) or "")


def test_cluster_uid_is_kube_system_uid_or_unknown():
    assert cluster_uid(FakeCluster(namespaces={"kube-system": ns("kube-system")})) == "uid-kube-system"
    assert cluster_uid(FakeCluster()) is None
