"""A small, realistic app the real-cluster tests build in their own namespace, and views of a cluster
read with the official client (never with distroshift's own code, so a stage's bug cannot hide
itself in the check).

A module with a unique name rather than conftest helpers: ``from conftest import`` picks whichever
conftest.py pytest loaded last when several test folders run together.
"""

from __future__ import annotations

import base64
import contextlib
import io
import json
import os
import secrets
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

# pause is in every kind/k3d node image (the sandbox image), so pods start without a registry pull
IMAGE = "registry.k8s.io/pause:3.10"
REPLICAS = 2
LABELS = {"app.kubernetes.io/name": "web", "app.kubernetes.io/part-of": "rc-shop"}


class Rest:
    """Raw JSON requests through an official-client ApiClient (any group, CRs included)."""

    def __init__(self, api_client: Any) -> None:
        self.api = api_client

    def call(self, method: str, path: str, body: Any = None, content_type: str = "application/json") -> Any:
        """Parsed JSON; None for a 404 GET/DELETE; AssertionError naming the request otherwise (>= 400)."""
        from kubernetes.client.rest import ApiException

        headers = {"Accept": "application/json", "Content-Type": content_type}
        self.api.update_params_for_auth(headers, [], ["BearerToken"], path, method, None)
        try:
            r = self.api.rest_client.request(method, self.api.configuration.host + path, headers=headers, body=body)
            status = r.status
            data = r.read() if callable(getattr(r, "read", None)) else r.data
        except ApiException as e:  # older clients raise on >= 400
            status, data = e.status, e.body
        if status == 404 and method in ("GET", "DELETE"):
            return None
        text = data.decode() if isinstance(data, bytes) else (data or "")
        if status >= 400:
            raise AssertionError(f"{method} {path}: HTTP {status}: {text[:300]}")
        return json.loads(text) if text else None

    def get(self, path: str) -> Any:
        return self.call("GET", path)

    def create(self, path: str, obj: dict) -> Any:
        return self.call("POST", path, obj)

    def names(self, path: str) -> list[str]:
        return sorted(o["metadata"]["name"] for o in (self.get(path) or {}).get("items") or [])


@dataclass
class App:
    """What a test created: where, every object (kind, name), and the Secret value to hunt for."""

    namespace: str
    secret_value: str
    crd_group: str
    crd_plural: str = "widgets"
    objects: list[tuple[str, str]] = field(default_factory=list)  # (kind, name), namespaced
    ingress_class: str | None = None
    default_storage_class: str | None = None

    def kinds(self) -> set[str]:
        return {k for k, _ in self.objects}

    def secret_needles(self) -> list[str]:
        """The Secret value in every spelling an output file could carry it."""
        raw = self.secret_value
        return [raw, base64.b64encode(raw.encode()).decode()]


def _crd(group: str) -> dict:
    return {
        "apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
        "metadata": {"name": f"widgets.{group}"},
        "spec": {"group": group, "scope": "Namespaced",
                 "names": {"plural": "widgets", "singular": "widget", "kind": "Widget", "listKind": "WidgetList"},
                 "versions": [{"name": "v1", "served": True, "storage": True,
                               "schema": {"openAPIV3Schema": {"type": "object", "properties": {
                                   "spec": {"type": "object", "properties": {"size": {"type": "integer"},
                                                                             "colour": {"type": "string"}}}}}}}]},
    }


def _established(rest: Rest, name: str, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        crd = rest.get(f"/apis/apiextensions.k8s.io/v1/customresourcedefinitions/{name}") or {}
        conds = {c.get("type"): c.get("status") for c in (crd.get("status") or {}).get("conditions") or []}
        if conds.get("Established") == "True":
            # discovery lags Established by a moment on a real apiserver
            group = crd["spec"]["group"]
            if rest.get(f"/apis/{group}/v1") is not None:
                return
        time.sleep(0.2)
    raise AssertionError(f"CRD {name} never became Established")


def delete_and_wait(rest: Rest, path: str, timeout: float = 60.0) -> None:
    """DELETE and wait until it is gone: a CRD lingers (Terminating) while its CRs are removed, and the
    next test's inventory must not pick it up."""
    rest.call("DELETE", path)
    deadline = time.monotonic() + timeout
    while rest.get(path) is not None and time.monotonic() < deadline:
        time.sleep(0.2)


def default_storage_class(rest: Rest) -> str | None:
    for sc in (rest.get("/apis/storage.k8s.io/v1/storageclasses") or {}).get("items") or []:
        ann = sc["metadata"].get("annotations") or {}
        if ann.get("storageclass.kubernetes.io/is-default-class") == "true":
            return sc["metadata"]["name"]
    return None


def first_ingress_class(rest: Rest) -> str | None:
    names = rest.names("/apis/networking.k8s.io/v1/ingressclasses")
    return names[0] if names else None


def seed_simulator(rest: Rest) -> None:
    """What every kind/k3d cluster has and the empty simulator lacks: a Ready node, CoreDNS and a
    default StorageClass (the simulator is per test, so these go with it)."""
    rest.create("/api/v1/nodes", {"apiVersion": "v1", "kind": "Node",
                                  "metadata": {"name": "rc-node", "labels": {"kubernetes.io/os": "linux",
                                                                           "kubernetes.io/hostname": "rc-node"}}})
    rest.call("PATCH", "/api/v1/nodes/rc-node/status", {"status": {
        "conditions": [{"type": "Ready", "status": "True", "reason": "KubeletReady", "message": "kubelet is posting ready status",
                        "lastHeartbeatTime": "2026-01-01T00:00:00Z", "lastTransitionTime": "2026-01-01T00:00:00Z"}],
        "nodeInfo": {"kubeletVersion": "v1.36.2", "containerRuntimeVersion": "containerd://2.1.4", "osImage": "Debian GNU/Linux 12",
                     "kernelVersion": "6.8.0", "operatingSystem": "linux", "architecture": "amd64", "machineID": "", "systemUUID": "",
                     "bootID": "", "kubeProxyVersion": ""}}}, content_type="application/merge-patch+json")
    rest.create("/apis/apps/v1/namespaces/kube-system/deployments", {
        "apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "coredns", "labels": {"k8s-app": "kube-dns"}},
        "spec": {"replicas": 2, "selector": {"matchLabels": {"k8s-app": "kube-dns"}},
                 "template": {"metadata": {"labels": {"k8s-app": "kube-dns"}},
                              "spec": {"containers": [{"name": "coredns", "image": "registry.k8s.io/coredns/coredns:v1.12.1"}]}}}})
    rest.create("/api/v1/namespaces/kube-system/services", {
        "apiVersion": "v1", "kind": "Service", "metadata": {"name": "kube-dns", "labels": {"k8s-app": "kube-dns"}},
        "spec": {"selector": {"k8s-app": "kube-dns"}, "ports": [{"name": "dns", "port": 53, "protocol": "UDP"}]}})
    rest.create("/apis/storage.k8s.io/v1/storageclasses", {
        "apiVersion": "storage.k8s.io/v1", "kind": "StorageClass",
        "metadata": {"name": "standard", "annotations": {"storageclass.kubernetes.io/is-default-class": "true"}},
        "provisioner": "rancher.io/local-path", "reclaimPolicy": "Delete", "volumeBindingMode": "WaitForFirstConsumer"})


def build_app(target: Any, prefix: str = "rc") -> App:
    """Create the app in a fresh namespace of ``target`` (a KubeTarget); CRD and, on the simulator,
    an IngressClass are removed by ``target.cleanup``."""
    rest = Rest(target.api_client())
    ns = target.namespace(prefix)
    suffix = ns.rsplit("-", 1)[-1]
    group = f"rc{suffix}.distroshift.io"
    app = App(namespace=ns, secret_value=f"rc-{secrets.token_hex(12)}-never-print", crd_group=group)

    crd = _crd(group)
    rest.create("/apis/apiextensions.k8s.io/v1/customresourcedefinitions", crd)
    crd_path = f"/apis/apiextensions.k8s.io/v1/customresourcedefinitions/{crd['metadata']['name']}"
    # the in-process simulator goes with the test: no need to wait for the CRD to go
    target.cleanup(lambda: rest.call("DELETE", crd_path) if target.is_sim else delete_and_wait(rest, crd_path))

    app.ingress_class = first_ingress_class(rest)
    if app.ingress_class is None and target.is_sim:
        # the empty simulator has no ingress controller; a class lets the Ingress path run here too.
        # Its controller is no known add-on, so the plan asks for no install (no install-addons gate).
        name = f"rc-{suffix}"
        rest.create("/apis/networking.k8s.io/v1/ingressclasses",
                    {"apiVersion": "networking.k8s.io/v1", "kind": "IngressClass", "metadata": {"name": name},
                     "spec": {"controller": "rc.distroshift.io/ingress"}})
        target.cleanup(lambda: rest.call("DELETE", f"/apis/networking.k8s.io/v1/ingressclasses/{name}"))
        app.ingress_class = name
    app.default_storage_class = default_storage_class(rest)

    def add(path: str, obj: dict) -> None:
        obj.setdefault("metadata", {})["namespace"] = ns
        obj["metadata"].setdefault("labels", dict(LABELS))
        rest.create(path.format(ns=ns), obj)
        app.objects.append((obj["kind"], obj["metadata"]["name"]))

    core, apps_, rbac = "/api/v1/namespaces/{ns}", "/apis/apps/v1/namespaces/{ns}", "/apis/rbac.authorization.k8s.io/v1/namespaces/{ns}"
    add(f"{core}/serviceaccounts", {"apiVersion": "v1", "kind": "ServiceAccount", "metadata": {"name": "web"}})
    add(f"{rbac}/roles", {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "Role", "metadata": {"name": "web-config-reader"},
                          "rules": [{"apiGroups": [""], "resources": ["configmaps"], "verbs": ["get", "list", "watch"]}]})
    add(f"{rbac}/rolebindings", {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "RoleBinding",
                                 "metadata": {"name": "web-config-reader"},
                                 "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "Role", "name": "web-config-reader"},
                                 "subjects": [{"kind": "ServiceAccount", "name": "web", "namespace": ns}]})
    add(f"{core}/configmaps", {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "web-config"},
                               "data": {"LOG_LEVEL": "info", "FEATURE_CHECKOUT": "on"}})
    add(f"{core}/secrets", {"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "web-credentials"}, "type": "Opaque",
                            "data": {"password": base64.b64encode(app.secret_value.encode()).decode(),
                                     "username": base64.b64encode(b"web").decode()}})
    add(f"{core}/persistentvolumeclaims", {"apiVersion": "v1", "kind": "PersistentVolumeClaim", "metadata": {"name": "web-data"},
                                           "spec": {"accessModes": ["ReadWriteOnce"],
                                                    "resources": {"requests": {"storage": "64Mi"}}}})
    sel = {"app": "web"}
    add(f"{apps_}/deployments", {
        "apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web"},
        "spec": {"replicas": REPLICAS, "selector": {"matchLabels": sel},
                 "template": {"metadata": {"labels": {**sel, **LABELS}},
                              "spec": {"serviceAccountName": "web",
                                       # a consumer, so a WaitForFirstConsumer class (kind, k3d) binds the PVC
                                       "volumes": [{"name": "data", "persistentVolumeClaim": {"claimName": "web-data"}}],
                                       "containers": [{"name": "web", "image": IMAGE,
                                                       "ports": [{"containerPort": 8080, "protocol": "TCP"}],
                                                       "envFrom": [{"configMapRef": {"name": "web-config"}}],
                                                       "env": [{"name": "DB_PASSWORD", "valueFrom": {"secretKeyRef": {
                                                           "name": "web-credentials", "key": "password"}}}],
                                                       "volumeMounts": [{"name": "data", "mountPath": "/data"}]}]}}}})
    add(f"{core}/services", {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "web"},
                             "spec": {"selector": sel, "ports": [{"name": "http", "port": 80, "targetPort": 8080, "protocol": "TCP"}]}})
    if app.ingress_class:
        add("/apis/networking.k8s.io/v1/namespaces/{ns}/ingresses", {
            "apiVersion": "networking.k8s.io/v1", "kind": "Ingress", "metadata": {"name": "web"},
            "spec": {"ingressClassName": app.ingress_class,
                     "rules": [{"host": f"{ns}.rc.example.com", "http": {"paths": [{
                         "path": "/", "pathType": "Prefix", "backend": {"service": {"name": "web", "port": {"number": 80}}}}]}}]}})
    add("/apis/batch/v1/namespaces/{ns}/cronjobs", {
        "apiVersion": "batch/v1", "kind": "CronJob", "metadata": {"name": "nightly-report"},
        # 29 February 03:17: a real cluster never fires it while a test runs
        "spec": {"schedule": "17 3 29 2 *", "suspend": False,
                 "jobTemplate": {"spec": {"template": {"spec": {"restartPolicy": "Never",
                                                                "containers": [{"name": "report", "image": IMAGE}]}}}}}})
    add("/apis/networking.k8s.io/v1/namespaces/{ns}/networkpolicies", {
        "apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy", "metadata": {"name": "web-same-namespace"},
        "spec": {"podSelector": {"matchLabels": sel}, "policyTypes": ["Ingress"],
                 "ingress": [{"from": [{"podSelector": {}}], "ports": [{"port": 8080, "protocol": "TCP"}]}]}})
    _established(rest, crd["metadata"]["name"])
    add(f"/apis/{group}/v1/namespaces/{{ns}}/widgets", {"apiVersion": f"{group}/v1", "kind": "Widget",
                                                        "metadata": {"name": "blue"}, "spec": {"size": 3, "colour": "blue"}})
    return app


# ------------------------------------------------------------------------------------------------
# views of the cluster
# ------------------------------------------------------------------------------------------------

def replicas(rest: Rest, ns: str) -> dict[str, Any]:
    """Deployment replicas and CronJob suspend flags in ``ns`` (what cutover and rollback change)."""
    out: dict[str, Any] = {}
    for d in (rest.get(f"/apis/apps/v1/namespaces/{ns}/deployments") or {}).get("items") or []:
        out[f"Deployment/{d['metadata']['name']}"] = d["spec"].get("replicas")
    for c in (rest.get(f"/apis/batch/v1/namespaces/{ns}/cronjobs") or {}).get("items") or []:
        out[f"CronJob/{c['metadata']['name']}"] = bool(c["spec"].get("suspend"))
    return out


def wait_ready(rest: Rest, ns: str, name: str, want: int, timeout: float) -> bool:
    """True once Deployment ns/name reports ``want`` ready replicas."""
    deadline = time.monotonic() + timeout
    while True:
        d = rest.get(f"/apis/apps/v1/namespaces/{ns}/deployments/{name}") or {}
        if ((d.get("status") or {}).get("readyReplicas") or 0) >= want:
            return True
        if time.monotonic() >= deadline:
            return False
        time.sleep(0.5)


def has_ready_node(rest: Rest) -> bool:
    for n in (rest.get("/api/v1/nodes") or {}).get("items") or []:
        for c in (n.get("status") or {}).get("conditions") or []:
            if c.get("type") == "Ready" and c.get("status") == "True":
                return True
    return False


def kubelet_heartbeat(rest: Rest, within: float = 120.0) -> bool:
    """True when some node's kubelet renewed its Lease in kube-node-lease lately (every 10 s on a live
    node); nodes that merely say Ready (a snapshot, a simulator) renew nothing."""
    from datetime import datetime, timezone

    now = datetime.now(timezone.utc)
    for lease in (rest.get("/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases") or {}).get("items") or []:
        renewed = (lease.get("spec") or {}).get("renewTime")
        if not renewed:
            continue
        try:
            at = datetime.fromisoformat(renewed.replace("Z", "+00:00"))
        except ValueError:
            continue
        if abs((now - at).total_seconds()) <= within:
            return True
    return False


def cluster_made_conflicts(text: str, app: "App") -> list[str]:
    """Objects a run could not apply because the cluster's own managers own them ("field conflict with
    another manager"), other than the app's: what a same-cluster move trips over when the plan
    carries cluster-scoped objects that are not the app's."""
    import re

    found = re.findall(r"! (\S+?): field conflict with another manager", text)
    return sorted({f for f in found if app.namespace not in f and app.crd_group not in f})


def text_files(root: Path) -> list[tuple[Path, str]]:
    """Every file under ``root`` as text (binary bytes replaced), for leak hunts."""
    return [(p, p.read_bytes().decode("utf-8", "replace")) for p in sorted(root.rglob("*")) if p.is_file()]


def load_json(path: Path) -> Any:
    return json.loads(path.read_text())


# ------------------------------------------------------------------------------------------------
# running distroshift
# ------------------------------------------------------------------------------------------------

@dataclass
class Ran:
    rc: int
    stdout: str
    stderr: str

    def why(self) -> str:
        return f"rc={self.rc}\n--- stdout (tail)\n{self.stdout[-3000:]}\n--- stderr\n{self.stderr[-2000:]}"


def ds(*argv: str) -> Ran:
    """``distroshift ARGV`` in-process (migrate.cli.main.run: the console script's exit codes)."""
    from migrate.cli.main import run

    o, e = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(o), contextlib.redirect_stderr(e):
        rc = run([str(a) for a in argv])
    return Ran(rc, o.getvalue(), e.getvalue())


def pod_timeout(target: Any) -> float:
    """How long to wait for pods: the simulator makes them ready on write; a kubelet pulls and starts."""
    return 5.0 if target.is_sim else 180.0


def expected_distro(context: str) -> str | None:
    """The distro id detection must find, when the cluster says what it is (None: any, with evidence)."""
    env = os.environ.get("DISTROSHIFT_TEST_EXPECT_DISTRO")
    if env:
        return env
    for prefix, distro in (("kind-", "kind"), ("k3d-", "k3s")):
        if context.startswith(prefix):
            return distro
    return None
