"""Extra identities with allow/deny rules: the real 403 shapes, whoami and can-i answered per model."""

from __future__ import annotations

import subprocess

import pytest
from sim_helpers import Raw

from migrate.errors import InputError
from migrate.sim import serve

READER = "reader-token"
NOBODY = "nobody-token"
USERS = {
    READER: {"user": "system:serviceaccount:shop:reader", "deny": [{"verb": "list", "resource": "secrets"}]},
    NOBODY: {"user": "jane", "groups": ["devs"], "allow": [{"verb": ["get", "list"], "resource": "configmaps",
                                                            "namespace": "shop"}]},
}


@pytest.fixture
def sim(sim_cluster):
    s = sim_cluster(None, workload_sim=False, users=USERS)
    Raw(s.url, s.token, str(s.ca_file))("POST", "/api/v1/namespaces", json={"metadata": {"name": "shop"}})
    return s


def test_denied_requests_get_the_recorded_forbidden_shapes(sim):
    reader = Raw(sim.url, READER, str(sim.ca_file))
    r = reader.get("/api/v1/secrets")
    assert r.status_code == 403 and r.json() == {
        "kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
        "message": 'secrets is forbidden: User "system:serviceaccount:shop:reader" cannot list resource "secrets" '
                   'in API group "" at the cluster scope',
        "reason": "Forbidden", "details": {"kind": "secrets"}, "code": 403}
    r = reader.get("/api/v1/namespaces/shop/secrets")
    assert r.json()["message"].endswith('cannot list resource "secrets" in API group "" in the namespace "shop"')
    # other verbs and resources stay allowed for this user
    assert reader.get("/api/v1/namespaces/shop/configmaps").status_code == 200
    assert reader.get("/api/v1/namespaces/shop/secrets/none").status_code == 404


def test_an_allow_list_denies_everything_else_even_missing_objects(sim):
    jane = Raw(sim.url, NOBODY, str(sim.ca_file))
    assert jane.get("/api/v1/namespaces/shop/configmaps/kube-root-ca.crt").status_code == 200
    r = jane.get("/api/v1/namespaces/shop/configmaps/missing")
    assert r.status_code == 404  # allowed, so the store answers
    r = jane("DELETE", "/api/v1/namespaces/shop/configmaps/kube-root-ca.crt")
    assert r.status_code == 403 and r.json()["details"] == {"name": "kube-root-ca.crt", "kind": "configmaps"}
    r = jane.get("/apis/apps/v1/namespaces/default/deployments/missing")
    assert r.status_code == 403 and r.json()["message"] == (
        'deployments.apps "missing" is forbidden: User "jane" cannot get resource "deployments" in API group '
        '"apps" in the namespace "default"')
    r = jane.get("/api/v1/namespaces/shop")
    assert r.json()["message"].endswith('cannot get resource "namespaces" in API group "" in the namespace "shop"')
    assert jane.get("/api").status_code == 200 and jane.get("/version").status_code == 200  # discovery stays open


def test_whoami_and_access_reviews_follow_the_model(sim):
    reader = Raw(sim.url, READER, str(sim.ca_file))
    who = reader("POST", "/apis/authentication.k8s.io/v1/selfsubjectreviews",
                 json={"apiVersion": "authentication.k8s.io/v1", "kind": "SelfSubjectReview"})
    assert who.status_code == 201 and who.json()["status"]["userInfo"] == {
        "username": "system:serviceaccount:shop:reader",
        "groups": ["system:serviceaccounts", "system:serviceaccounts:shop", "system:authenticated"]}

    def can(raw: Raw, verb: str, resource: str, ns: str = "shop") -> dict:
        r = raw("POST", "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews", json={
            "apiVersion": "authorization.k8s.io/v1", "kind": "SelfSubjectAccessReview",
            "spec": {"resourceAttributes": {"namespace": ns, "verb": verb, "resource": resource}}})
        assert r.status_code == 201
        return r.json()["status"]

    assert can(reader, "list", "secrets") == {"allowed": False}
    assert can(reader, "get", "secrets") == {"allowed": True}
    jane = Raw(sim.url, NOBODY, str(sim.ca_file))
    assert can(jane, "list", "configmaps") == {"allowed": True}
    assert can(jane, "list", "configmaps", ns="default") == {"allowed": False}


def test_kubectl_auth_can_i_uses_the_model(sim, kubectl_new):
    args = ["--kubeconfig", str(sim.kubeconfig), "--token", READER]
    no = subprocess.run([kubectl_new, *args, "auth", "can-i", "list", "secrets", "-n", "shop"],
                        capture_output=True, text=True, timeout=60)
    yes = subprocess.run([kubectl_new, *args, "auth", "can-i", "list", "pods", "-n", "shop"],
                         capture_output=True, text=True, timeout=60)
    assert (no.returncode, no.stdout.strip()) == (1, "no")
    assert (yes.returncode, yes.stdout.strip()) == (0, "yes")
    denied = subprocess.run([kubectl_new, *args, "get", "secrets", "-A"], capture_output=True, text=True, timeout=60)
    assert denied.returncode == 1 and 'User "system:serviceaccount:shop:reader" cannot list resource "secrets"' \
        in denied.stderr


def test_a_malformed_users_spec_is_one_clear_input_error():
    with pytest.raises(InputError, match=r"unknown rule key 'verbz'") as e:
        with serve(None, users={"secret-token-value": {"user": "x", "deny": [{"verbz": "list"}]}}):
            pass
    assert "secret-token-value" not in str(e.value)  # never echo a credential
