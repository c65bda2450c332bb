"""kubectl 1.20 and 1.35, unchanged, against the target (simulator, or the real cluster in
$DISTROSHIFT_TEST_KUBECONFIG): discovery, get, apply (client-side, server-side, dry-run), delete -f,
pagination, selectors, CRDs and the faults a migration must survive."""

from __future__ import annotations

import json

import pytest
from sim_helpers import run_kubectl

pytestmark = [pytest.mark.kubectl]


def _manifest(ns: str, replicas: int = 2, level: str = "info") -> str:
    # the shape of realdata/kube-apiserver-v1.36/kubectl-traces/manifest.yaml, in a per-test namespace
    return f"""\
apiVersion: v1
kind: ConfigMap
metadata:
  name: app-config
  namespace: {ns}
  labels:
    app: demo
data:
  LOG_LEVEL: {level}
  greeting: hello
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: demo
  namespace: {ns}
  labels:
    app: demo
spec:
  replicas: {replicas}
  selector:
    matchLabels:
      app: demo
  template:
    metadata:
      labels:
        app: demo
    spec:
      containers:
      - name: web
        image: nginx:1.27
        ports:
        - containerPort: 80
        envFrom:
        - configMapRef:
            name: app-config
"""


CRD = """\
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: {plural}.stable.example.com
spec:
  group: stable.example.com
  scope: Namespaced
  names: {{plural: {plural}, singular: {singular}, kind: {kind}, shortNames: [{short}]}}
  versions:
  - name: v1
    served: true
    storage: true
    schema:
      openAPIV3Schema:
        type: object
        properties:
          spec:
            type: object
            properties:
              cronSpec: {{type: string}}
              replicas: {{type: integer}}
"""


def kc(kubectl, target, *args, **kw):
    return run_kubectl(kubectl, target.kubectl_args(), *args, **kw)


def test_version_reports_the_simulated_server(kubectl, kube_target):
    out = json.loads(kc(kubectl, kube_target, "version", "-o", "json").stdout)
    if kube_target.is_sim:
        assert out["serverVersion"]["gitVersion"] == kube_target.sim.version["gitVersion"]
    assert out["serverVersion"]["major"] == "1"


def test_api_resources_lists_builtin_groups(kubectl, kube_target):
    out = kc(kubectl, kube_target, "api-resources").stdout
    lines = {tuple(line.split()[:1]) for line in out.splitlines()}
    for res in ("deployments", "configmaps", "customresourcedefinitions", "namespaces"):
        assert (res,) in lines


def test_get_all_namespaces(kubectl, kube_target):
    ns = kube_target.namespace("getall")
    kc(kubectl, kube_target, "apply", "-f", "-", stdin=_manifest(ns))
    out = kc(kubectl, kube_target, "get", "all", "-A").stdout
    assert "deployment.apps/demo" in out
    assert "service/kubernetes" in out


def test_apply_client_side_then_again_then_server_side_then_delete(kubectl, kube_target):
    ns = kube_target.namespace("apply")
    first = kc(kubectl, kube_target, "apply", "-f", "-", stdin=_manifest(ns)).stdout
    assert "configmap/app-config created" in first and "deployment.apps/demo created" in first
    again = kc(kubectl, kube_target, "apply", "-f", "-", stdin=_manifest(ns)).stdout
    assert "configmap/app-config unchanged" in again
    # a changed field goes through a strategic merge patch computed from the server's OpenAPI
    changed = kc(kubectl, kube_target, "apply", "-f", "-", stdin=_manifest(ns, replicas=3)).stdout
    assert "deployment.apps/demo configured" in changed
    dep = json.loads(kc(kubectl, kube_target, "get", "deploy", "demo", "-n", ns, "-o", "json").stdout)
    assert dep["spec"]["replicas"] == 3
    assert "kubectl.kubernetes.io/last-applied-configuration" in dep["metadata"]["annotations"]
    # replicas is owned by the client-side-apply manager: a plain server-side apply conflicts (409)
    clash = kc(kubectl, kube_target, "apply", "--server-side", "-f", "-", stdin=_manifest(ns, replicas=4), check=False)
    assert clash.returncode != 0
    assert 'conflict with "kubectl-client-side-apply"' in clash.stderr
    ssa = kc(kubectl, kube_target, "apply", "--server-side", "--force-conflicts", "-f", "-",
             stdin=_manifest(ns, replicas=4)).stdout
    assert "serverside-applied" in ssa
    # --raw: newer kubectl hides managedFields in -o json
    dep = json.loads(kc(kubectl, kube_target, "get", "--raw", f"/apis/apps/v1/namespaces/{ns}/deployments/demo").stdout)
    assert dep["spec"]["replicas"] == 4
    assert "kubectl" in {m["manager"] for m in dep["metadata"]["managedFields"]}
    # the port applied without protocol is the stored 80/TCP, not a second entry
    assert dep["spec"]["template"]["spec"]["containers"][0]["ports"] == [{"containerPort": 80, "protocol": "TCP"}]
    gone = kc(kubectl, kube_target, "delete", "-f", "-", "--timeout=60s", stdin=_manifest(ns)).stdout
    assert 'deployment.apps "demo" deleted' in gone
    left = kc(kubectl, kube_target, "get", "deploy,cm", "-n", ns, "-o", "name").stdout
    assert "deployment.apps/demo" not in left and "configmap/app-config" not in left


def test_apply_dry_run_server_changes_nothing(kubectl, kube_target):
    ns = kube_target.namespace("dry")
    kc(kubectl, kube_target, "apply", "-f", "-", stdin=_manifest(ns))
    out = kc(kubectl, kube_target, "apply", "--dry-run=server", "-f", "-", stdin=_manifest(ns, level="debug")).stdout
    assert "configured (server dry run)" in out
    cm = json.loads(kc(kubectl, kube_target, "get", "cm", "app-config", "-n", ns, "-o", "json").stdout)
    assert cm["data"]["LOG_LEVEL"] == "info"


def test_chunked_listing_and_selectors(kubectl, kube_target):
    ns = kube_target.namespace("chunk")
    docs = []
    for i in range(7):
        tier = "front" if i % 2 else "back"
        docs.append(f"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm-{i}\n  namespace: {ns}\n"
                    f"  labels: {{tier: {tier}}}\ndata: {{i: '{i}'}}\n")
    kc(kubectl, kube_target, "apply", "-f", "-", stdin="---\n".join(docs))
    names = kc(kubectl, kube_target, "get", "cm", "-n", ns, "--chunk-size=2", "-o", "name").stdout.split()
    assert [n for n in names if n.startswith("configmap/cm-")] == [f"configmap/cm-{i}" for i in range(7)]
    front = kc(kubectl, kube_target, "get", "cm", "-n", ns, "-l", "tier=front", "--chunk-size=2", "-o", "name").stdout
    assert front.split() == ["configmap/cm-1", "configmap/cm-3", "configmap/cm-5"]
    one = kc(kubectl, kube_target, "get", "cm", "-n", ns, "--field-selector", "metadata.name=cm-4", "-o", "name").stdout
    assert one.split() == ["configmap/cm-4"]
    table = kc(kubectl, kube_target, "get", "cm", "-n", ns, "-l", "tier in (back)").stdout
    assert table.splitlines()[0].split()[:2] == ["NAME", "DATA"]
    assert len(table.splitlines()) == 1 + 4


def test_crd_kind_is_served_after_the_crd_is_created(kubectl, kube_target):
    ns = kube_target.namespace("crd")
    plural = f"crontabs{ns.split('-')[-1]}"
    crd = CRD.format(plural=plural, singular=plural[:-1], kind=f"CronTab{ns.split('-')[-1].upper()}",
                     short=f"ct{ns.split('-')[-1]}")
    kc(kubectl, kube_target, "apply", "-f", "-", stdin=crd)
    kube_target.cleanup(lambda: run_kubectl(kubectl, kube_target.kubectl_args(), "delete", "crd",
                                            f"{plural}.stable.example.com", "--wait=false", check=False))
    kc(kubectl, kube_target, "wait", "--for=condition=established", f"crd/{plural}.stable.example.com",
       "--timeout=30s")
    kind = f"CronTab{ns.split('-')[-1].upper()}"
    cr = (f"apiVersion: stable.example.com/v1\nkind: {kind}\nmetadata:\n  name: nightly\n  namespace: {ns}\n"
          "spec:\n  cronSpec: '0 3 * * *'\n  replicas: 1\n")
    assert "created" in kc(kubectl, kube_target, "apply", "-f", "-", stdin=cr).stdout
    out = kc(kubectl, kube_target, "get", plural, "-A").stdout
    assert "nightly" in out and ns in out
    # a second apply of a changed CR uses a JSON merge patch (custom resources have no SMP)
    assert "configured" in kc(kubectl, kube_target, "apply", "-f", "-", stdin=cr.replace("replicas: 1", "replicas: 2")).stdout


def test_rbac_denial_fault_surfaces_as_kubectl_forbidden(kubectl, kube_target):
    kube_target.faults.add(method="GET", path=r"^/api/v1/secrets$", status=403)
    cp = kc(kubectl, kube_target, "get", "secrets", "-A", check=False)
    assert cp.returncode != 0
    assert 'secrets is forbidden: User "admin" cannot list resource "secrets"' in cp.stderr


def test_throttling_fault_is_retried_by_kubectl(kubectl, kube_target):
    f = kube_target.faults.add(method="GET", path=r"^/api/v1/namespaces$", status=429, retry_after=1, times=1)
    out = kc(kubectl, kube_target, "get", "ns", "-o", "name").stdout
    assert "namespace/default" in out
    assert f.hits == 1


def test_server_error_fault_fails_the_command(kubectl, kube_target):
    kube_target.faults.add(method="GET", path=r"^/api/v1/namespaces/default/configmaps$", status=500)
    cp = kc(kubectl, kube_target, "get", "cm", "-n", "default", check=False)
    assert cp.returncode != 0
    assert "Internal error occurred" in cp.stderr


def _ports_manifest(ns: str) -> str:
    # ports without `protocol`: the server defaults it to TCP, and the list key is (port, protocol)
    return _manifest(ns) + f"""\
---
apiVersion: v1
kind: Service
metadata:
  name: demo
  namespace: {ns}
spec:
  selector:
    app: demo
  ports:
  - name: http
    port: 80
    targetPort: 80
"""


def _ports_and_rvs(kubectl, target, ns):
    dep = json.loads(kc(kubectl, target, "get", "deploy", "demo", "-n", ns, "-o", "json").stdout)
    svc = json.loads(kc(kubectl, target, "get", "svc", "demo", "-n", ns, "-o", "json").stdout)
    ports = (dep["spec"]["template"]["spec"]["containers"][0]["ports"], svc["spec"]["ports"])
    return ports, (dep["metadata"]["resourceVersion"], svc["metadata"]["resourceVersion"])


def test_server_side_apply_twice_without_protocol_is_a_noop(kubectl, kube_target):
    ns = kube_target.namespace("ssa2")
    kc(kubectl, kube_target, "apply", "--server-side", "-f", "-", stdin=_ports_manifest(ns))
    (cports, sports), rvs = _ports_and_rvs(kubectl, kube_target, ns)
    assert [(p["containerPort"], p["protocol"]) for p in cports] == [(80, "TCP")]
    assert [(p["port"], p["protocol"]) for p in sports] == [(80, "TCP")]
    out = kc(kubectl, kube_target, "apply", "--server-side", "-f", "-", stdin=_ports_manifest(ns)).stdout
    assert "deployment.apps/demo serverside-applied" in out  # kubectl prints this even for a no-op
    (cports2, sports2), rvs2 = _ports_and_rvs(kubectl, kube_target, ns)
    assert (cports2, sports2) == (cports, sports)
    assert rvs2 == rvs  # nothing was written


def test_client_side_apply_twice_without_protocol_is_unchanged(kubectl, kube_target):
    ns = kube_target.namespace("csa2")
    kc(kubectl, kube_target, "apply", "-f", "-", stdin=_ports_manifest(ns))
    _, rvs = _ports_and_rvs(kubectl, kube_target, ns)
    out = kc(kubectl, kube_target, "apply", "-f", "-", stdin=_ports_manifest(ns)).stdout
    for line in ("configmap/app-config unchanged", "deployment.apps/demo unchanged", "service/demo unchanged"):
        assert line in out
    (cports, sports), rvs2 = _ports_and_rvs(kubectl, kube_target, ns)
    assert len(cports) == 1 and len(sports) == 1 and rvs2 == rvs


def test_kubectl_shows_the_deprecated_cr_version_warning(kubectl, kube_target):
    ns = kube_target.namespace("deprk")
    suffix = ns.split("-")[-1]
    plural, kind = f"crontabs{suffix}", f"CronTab{suffix.upper()}"
    crd = CRD.format(plural=plural, singular=plural[:-1], kind=kind, short=f"ct{suffix}")
    beta = crd.split("  - name: v1\n", 1)[1].replace("served: true\n    storage: true",
                                                      "served: true\n    storage: false\n    deprecated: true", 1)
    kc(kubectl, kube_target, "apply", "-f", "-", stdin=crd + "  - name: v1beta1\n" + beta)
    kube_target.cleanup(lambda: run_kubectl(kubectl, kube_target.kubectl_args(), "delete", "crd",
                                            f"{plural}.stable.example.com", "--wait=false", check=False))
    kc(kubectl, kube_target, "wait", "--for=condition=established", f"crd/{plural}.stable.example.com",
       "--timeout=30s")
    warning = f"Warning: stable.example.com/v1beta1 {kind} is deprecated; use stable.example.com/v1 {kind}"
    listed = kc(kubectl, kube_target, "get", f"{plural}.v1beta1.stable.example.com", "-n", ns)
    assert warning in listed.stderr
    missing = kc(kubectl, kube_target, "get", f"{plural}.v1beta1.stable.example.com", "absent", "-n", ns,
                 check=False)
    assert missing.returncode != 0 and "(NotFound)" in missing.stderr
    assert warning in missing.stderr  # errors carry it too
    assert "Warning" not in kc(kubectl, kube_target, "get", f"{plural}.v1.stable.example.com", "-n", ns).stderr


def test_get_watch_prints_table_events(kubectl, kube_target):
    """`kubectl get -w` lists, then watches as Table: the patch shows up as a MODIFIED row."""
    import queue
    import subprocess
    import threading

    ns = kube_target.namespace("getw")
    kc(kubectl, kube_target, "create", "configmap", "w1", "-n", ns, "--from-literal=a=1")
    proc = subprocess.Popen([kubectl, *kube_target.kubectl_args(), "get", "cm", "w1", "-n", ns, "-w",
                             "--output-watch-events"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    lines: queue.Queue = queue.Queue()
    threading.Thread(target=lambda: [lines.put(line) for line in proc.stdout], daemon=True).start()
    try:
        assert lines.get(timeout=20).split()[:3] == ["EVENT", "NAME", "DATA"]
        assert lines.get(timeout=20).split()[:3] == ["ADDED", "w1", "1"]
        kc(kubectl, kube_target, "patch", "cm", "w1", "-n", ns, "--type=merge", "-p", '{"data":{"b":"2"}}')
        assert lines.get(timeout=20).split()[:3] == ["MODIFIED", "w1", "2"]
    finally:
        proc.kill()
        proc.communicate(timeout=10)
