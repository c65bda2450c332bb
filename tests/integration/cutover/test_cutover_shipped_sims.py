"""Every shipped distro playbook end to end WITHOUT --plan (the run inventories the source and plans
into its artifact directory), native engine, on the realistic simulated clusters of each pair.

Each target is prepared with what the plan needs, as an operator would before --resume: the add-on
CRDs the readiness checks ask for (copied from the source, in place of the helm installs the plan
prints) and, for the empty upstream kubeadm target, a node, CoreDNS, the planned StorageClass and
IngressClass. The CLI runs in-process (the simulators serve from threads of this process).
"""

from __future__ import annotations

import contextlib
import io
import json
from pathlib import Path

import pytest
import yaml

from cutover_env import merge_kubeconfigs, recorded

PLAYBOOKS = Path(__file__).resolve().parents[3] / "playbooks" / "playbooks"
CRD_CHECK = "distroshift.io/readiness/crd/"


def cli(*argv: str) -> tuple[int, str, str]:
    from migrate.cli.main import run

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = run(list(argv))
    return code, out.getvalue(), err.getvalue()


@contextlib.contextmanager
def pair(tmp_path: Path, source: str, target: str | None):
    from migrate.sim import serve

    tgt_cm = serve(target) if target else serve(None, name="kubeadm")
    with serve(source) as src, tgt_cm as tgt:
        kc = merge_kubeconfigs(tmp_path / "kubeconfig", src.kubeconfig, tgt.kubeconfig)
        yield src, tgt, kc


def run_args(kc: Path, src, tgt, state: Path, playbook: Path, *extra: str) -> list[str]:
    return ["run", str(playbook), "--kubeconfig", str(kc), "--source-context", src.name, "--target-context", tgt.name,
            "--state", str(state), "--engine", "native", "--approve-all", *extra]


def copy_missing_crds(src, tgt, kc: Path, readiness: Path) -> list[str]:
    """Install on the target the CRDs whose readiness check failed, taken from the source."""
    from migrate.cluster import connect

    want = set()
    for c in json.loads(readiness.read_text())["checks"]:
        if c["id"].startswith(CRD_CHECK) and c["status"] != "Passed":
            kind, _, group = c["id"][len(CRD_CHECK):].split("/")[0].partition(".")
            want.add((group, kind))
    client = connect(str(kc), tgt.name)
    copied = []
    rt = src.store.rt_for("apiextensions.k8s.io/v1", "CustomResourceDefinition")
    for crd in src.store.list(rt, None)["items"]:
        if (crd["spec"]["group"], crd["spec"]["names"]["kind"]) in want:
            client.apply({"apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
                          "metadata": {"name": crd["metadata"]["name"]}, "spec": crd["spec"]})
            copied.append(crd["metadata"]["name"])
    assert len(copied) == len(want), (want, copied)
    return copied


def namespaces(sim) -> set[str]:
    rt = sim.store.rt_for("v1", "Namespace")
    return {n["metadata"]["name"] for n in sim.store.list(rt, None)["items"]}


def scale(sim, kind: str, ns: str, name: str):
    rt = sim.store.rt_for("batch/v1" if kind == "CronJob" else "apps/v1", kind)
    spec = sim.store.get(rt, ns, name)["spec"]
    if kind == "CronJob":
        return bool(spec.get("suspend"))
    if kind == "DaemonSet":
        return spec["template"]["spec"].get("nodeSelector")
    return spec.get("replicas", 1)


def assert_migrated(src, tgt, state_path: Path) -> dict:
    state = json.loads(state_path.read_text())
    assert state["status"] == "Completed"
    art = state_path.parent / "state-artifacts"
    assert state["inventory_path"] == str(art / "inventory.json") and Path(state["inventory_path"]).is_file()
    assert state["plan_dir"] == str(art / "plan") and (art / "plan" / "plan.json").is_file()
    steps = {s["id"]: s for s in state["steps"]}
    assert steps["inventory"]["status"] == steps["plan"]["status"] == "Completed"
    # the final verify passed the parity checks against the plan the run built
    parity = json.loads((art / "verify-parity.json").read_text())
    assert parity["checks"] and not [c for c in parity["checks"] if c["status"] != "Passed" and c["severity"] in ("Error", "Blocker")]
    # every recorded workload: target at the source's original scale, source frozen
    originals = recorded(state)
    assert originals
    for w in state["workloads"]:
        key = f"{w['kind']}/{w['name']}"
        assert scale(tgt, w["kind"], w["namespace"], w["name"]) == originals[key], key
        now = scale(src, w["kind"], w["namespace"], w["name"])
        if w["kind"] == "CronJob":
            assert now is True
        elif w["kind"] == "DaemonSet":
            assert now == {**(originals[key] or {}), "distroshift.io/quiesced": "true"}
        else:
            assert now == 0
    return state


def test_dkp_to_rke2_waits_for_addons_then_carries_source_changes_made_after_planning(tmp_path):
    import base64

    with pair(tmp_path, "dkp", "rke2") as (src, tgt, kc):
        state = tmp_path / "state.json"
        before = namespaces(tgt)
        args = run_args(kc, src, tgt, state, PLAYBOOKS / "dkp-to-rke2.yaml")
        args.remove("--approve-all")
        code, out, err = cli(*args)
        # preflight does not ask for the add-on CRDs the plan installs later; install-addons is a
        # gate (exit 4: waiting, not failed) printing each helm command once
        assert code == 4, out[-3000:] + err
        assert "install-addons" in err and "--resume --yes" in err
        assert "distro mismatch" not in out  # the playbook's DKP -> RKE2 is what these clusters are
        helm_lines = [l.strip() for l in out.splitlines() if l.strip().startswith("helm upgrade --install")]
        assert helm_lines and len(helm_lines) == len(set(helm_lines))
        assert any(" cert-manager " in l for l in helm_lines)
        assert namespaces(tgt) == before
        st = json.loads(state.read_text())
        assert {s["id"]: s["status"] for s in st["steps"]}["preflight"] == "Completed"
        inventory_mtime = Path(st["inventory_path"]).stat().st_mtime_ns

        # "installed" without installing: addons-ready finds the CRDs missing and stops before pre-stage
        resume = ["run", str(PLAYBOOKS / "dkp-to-rke2.yaml"), "--kubeconfig", str(kc), "--state", str(state), "--resume"]
        code, out, err = cli(*resume, "--yes")  # approves the install-addons gate it waits at
        assert code == 1, out[-3000:] + err
        assert "lacks" in err and "Certificate (cert-manager.io/v1)" in err
        assert {s["id"]: s["status"] for s in json.loads(state.read_text())["steps"]}["addons-ready"] == "Failed"
        assert namespaces(tgt) == before

        copy_missing_crds(src, tgt, kc, tmp_path / "state-artifacts" / "addons-ready.json")
        code, out, err = cli(*resume, "--engine", "native")
        assert code == 4 and "approve-cutover" in err, out[-3000:] + err
        assert "plan: Completed earlier" in out
        assert Path(st["inventory_path"]).stat().st_mtime_ns == inventory_mtime  # not collected twice
        assert scale(tgt, "Deployment", "shop", "storefront") == 0  # warm standby while the source serves
        assert scale(tgt, "CronJob", "shop", "nightly-report") is True

        # the source changes after planning (QA's case): a new ConfigMap key, a new Redis password
        cm_rt, sec_rt = src.store.rt_for("v1", "ConfigMap"), src.store.rt_for("v1", "Secret")
        cm = src.store.get(cm_rt, "shop", "storefront-config")
        src.store.put({**cm, "data": {**cm["data"], "FEATURE_FLAGS": "checkout-v2"}})
        sec = src.store.get(sec_rt, "shop", "redis")
        new_pw = base64.b64encode(b"rotated-after-planning").decode()
        src.store.put({**sec, "data": {**sec["data"], "redis-password": new_pw}})

        code, out, err = cli(*resume, "--approve-all")
        assert code == 0, out[-3000:] + err
        st = assert_migrated(src, tgt, state)
        assert tgt.store.get(tgt.store.rt_for("v1", "ConfigMap"), "shop", "storefront-config")["data"]["FEATURE_FLAGS"] == "checkout-v2"
        assert tgt.store.get(tgt.store.rt_for("v1", "Secret"), "shop", "redis")["data"]["redis-password"] == new_pw
        steps = {s["id"]: s for s in st["steps"]}
        assert "ConfigMap shop/storefront-config" in steps["final-backup"]["data"]["drift"]["changed"]
        assert "ConfigMap shop/storefront-config" in steps["restore"]["message"]
        assert "the source as of the final backup" in steps["verify"]["message"]
        assert "rotated-after-planning" not in out + err + state.read_text()


def test_tkg_to_eks_without_plan(tmp_path):
    with pair(tmp_path, "tkg", "eks") as (src, tgt, kc):
        state = tmp_path / "state.json"
        code, out, err = cli(*run_args(kc, src, tgt, state, PLAYBOOKS / "tkg-to-eks.yaml"))
        assert code == 0, out[-3000:] + err
        assert_migrated(src, tgt, state)


KUBEADM_READY = [  # an empty upstream cluster made ready for the OpenShift plan
    {"apiVersion": "v1", "kind": "Node", "metadata": {"name": "kubeadm-cp-1", "labels": {"kubernetes.io/hostname": "kubeadm-cp-1"}},
     "status": {"conditions": [{"type": "Ready", "status": "True", "reason": "KubeletReady"}],
                "nodeInfo": {"kubeletVersion": "v1.36.2"}}},
    {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "coredns", "namespace": "kube-system", "labels": {"k8s-app": "kube-dns"}},
     "spec": {"replicas": 2, "selector": {"matchLabels": {"k8s-app": "kube-dns"}},
              "template": {"metadata": {"labels": {"k8s-app": "kube-dns"}},
                           "spec": {"containers": [{"name": "coredns", "image": "registry.k8s.io/coredns/coredns:v1.12.0"}]}}}},
    {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "kube-dns", "namespace": "kube-system", "labels": {"k8s-app": "kube-dns"}},
     "spec": {"selector": {"k8s-app": "kube-dns"}, "ports": [{"name": "dns", "port": 53, "protocol": "UDP"}]}},
    {"apiVersion": "storage.k8s.io/v1", "kind": "StorageClass",
     "metadata": {"name": "local-path", "annotations": {"storageclass.kubernetes.io/is-default-class": "true"}},
     "provisioner": "rancher.io/local-path", "reclaimPolicy": "Delete", "volumeBindingMode": "WaitForFirstConsumer"},
    {"apiVersion": "networking.k8s.io/v1", "kind": "IngressClass", "metadata": {"name": "nginx"},
     "spec": {"controller": "k8s.io/ingress-nginx"}},
]
INTERNAL_REGISTRY = "image-registry.openshift-image-registry.svc:5000"


def test_openshift_to_kubeadm_blocked_by_internal_registry_then_runs_with_a_mirror(tmp_path):
    with pair(tmp_path, "openshift", None) as (src, tgt, kc):
        # the shipped playbook: the workloads' images live in OpenShift's in-cluster registry, which
        # the kubeadm cluster cannot pull from -> plan blockers, and nothing touches the target
        state = tmp_path / "state.json"
        before = namespaces(tgt)
        code, out, err = cli(*run_args(kc, src, tgt, state, PLAYBOOKS / "openshift-to-kubeadm.yaml"))
        assert code == 1, out + err
        assert "7 blocker(s)" in err and "nothing was changed on either cluster" in err
        st = json.loads(state.read_text())
        steps = {s["id"]: s for s in st["steps"]}
        assert steps["plan"]["status"] == "Failed" and steps["pre-stage"]["status"] == "Pending"
        assert {b.split(" ", 1)[0] for b in steps["plan"]["data"]["blocker_list"]} == {"IMAGE_INTERNAL_REGISTRY"}
        assert st["plan_dir"] is None  # a blocked plan is not reused: --resume plans again
        assert namespaces(tgt) == before

        # the operator mirrors the images and maps the registry in (a copy of) the playbook
        book = yaml.safe_load((PLAYBOOKS / "openshift-to-kubeadm.yaml").read_text())
        for s in book["steps"]:
            if s["type"] == "plan":
                s["with"] = {"registry_map": {INTERNAL_REGISTRY: "registry.example.com/mirror"}}
        mirrored = tmp_path / "openshift-to-kubeadm-mirrored.yaml"
        mirrored.write_text(yaml.safe_dump(book, sort_keys=False))
        for o in KUBEADM_READY:
            tgt.store.put(o)
        state2 = tmp_path / "mirrored" / "state.json"
        state2.parent.mkdir()
        code, out, err = cli(*run_args(kc, src, tgt, state2, mirrored))
        if code == 1 and (state2.parent / "state-artifacts" / "addons-ready.json").exists():
            copy_missing_crds(src, tgt, kc, state2.parent / "state-artifacts" / "addons-ready.json")  # ServiceMonitor
            code, out, err = cli("run", str(mirrored), "--kubeconfig", str(kc), "--state", str(state2), "--resume", "--approve-all")
        assert code == 0, out[-3000:] + err
        assert_migrated(src, tgt, state2)
        manifests = (state2.parent / "state-artifacts" / "plan" / "manifests").rglob("*.yaml")
        text = "\n".join(p.read_text() for p in manifests)
        assert INTERNAL_REGISTRY not in text and "registry.example.com/mirror/" in text
        assert "DeploymentConfig" not in text  # converted to Deployments by the plan
