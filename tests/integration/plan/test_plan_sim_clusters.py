"""DKP -> RKE2, TKG -> EKS, OpenShift -> kubeadm on the shipped realistic clusters: the plan is complete,
every manifest validates for the target version, and the simulated target accepts
`kubectl apply --dry-run=server -R -f manifests/` (CRDs and namespaces applied first, as cutover does;
custom resources of re-installed add-ons after their CRDs, as the add-on install would bring them)."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
import yaml

from migrate.inventory import inventory_from_dump, write_inventory
from migrate.models.plan import Decision
from migrate.plan import build_plan

CLUSTERS = Path(__file__).resolve().parents[3] / "migrate" / "sim" / "clusters"
# (source, target profile, target version = the simulated target's, simulated target or None for a fresh cluster)
SCENARIOS = [("dkp", "rke2", "1.35", "rke2"), ("tkg", "eks", "1.32", "eks"), ("openshift", "kubeadm", "1.33", "kubeadm")]
# OpenShift's images live in its internal registry: a real migration maps it to a reachable one.
REGISTRY_MAP = {"openshift": ["image-registry.openshift-image-registry.svc:5000=registry.example.com/ocp"]}


@pytest.fixture(scope="module", params=SCENARIOS, ids=[f"{s}-to-{t}" for s, t, _, _ in SCENARIOS])
def planned(request, tmp_path_factory):
    src, target, version, sim = request.param
    if not (CLUSTERS / src).is_dir():
        pytest.skip(f"simulated cluster {src} not shipped")
    tmp = tmp_path_factory.mktemp(f"plan-{src}")
    inv, objs = inventory_from_dump(CLUSTERS / src, objects_path=tmp / "inventory.objects.jsonl")
    write_inventory(inv, tmp / "inventory.json", objs)
    plan = build_plan(tmp / "inventory.json", target=target, target_version=version, out_dir=tmp / "plan", registry_map=REGISTRY_MAP.get(src))
    return src, target, sim, tmp, plan


def test_plan_is_complete_and_valid(planned):
    src, target, _, tmp, plan = planned
    source_objects = sum(1 for _ in open(tmp / "inventory.objects.jsonl"))
    assert plan.summary.objects == source_objects == len(plan.objects)
    assert all(o.decision in Decision for o in plan.objects)
    assert not [f for o in plan.objects for f in o.findings if f.code in ("MANIFEST_INVALID", "API_NOT_SERVED", "RULE_FAILED", "PATCH_FAILED")]
    for o in plan.objects:
        if o.decision in (Decision.Keep, Decision.Transform, Decision.Replace):
            assert o.manifest and (tmp / "plan" / "manifests" / o.manifest).is_file(), o.source
        if o.decision == Decision.Drop:
            assert o.reason, o.source
    # the objects the source clusters plant through removed APIs are converted
    usages = {f.ref.name for f in plan.findings if f.code == "API_USAGE_REMOVED"}
    assert {"storefront", "nightly-report", "payments-webhooks"} <= usages
    by = {(o.source.kind, o.source.namespace, o.source.name): o for o in plan.objects}
    ing = yaml.safe_load((tmp / "plan" / "manifests" / by[("Ingress", "payments", "payments-webhooks")].manifest).read_text())
    from migrate.data import load_target_profile

    assert ing["apiVersion"] == "networking.k8s.io/v1"
    assert ing["spec"]["ingressClassName"] == load_target_profile(target)[0].default_ingress_class().name
    assert "kubernetes.io/ingress.class" not in (ing["metadata"].get("annotations") or {})
    assert all("serviceName" not in p["backend"] for r in ing["spec"]["rules"] for p in r["http"]["paths"])


def test_platform_is_mapped_not_copied(planned):
    src, target, _, tmp, plan = planned
    system = {n.source for n in plan.namespaces if not n.migrate}
    assert "kube-system" in system and system & {"kommander", "tkg-system", "tkg-packages", "openshift-monitoring"}
    for o in plan.objects:
        if o.source.namespace in system:
            assert o.decision == Decision.Drop, o.source
    assert plan.addons and all(a.action for a in plan.addons)
    helm = [a for a in plan.addons if a.install and a.install.method == "helm"]
    assert all(a.install.command[:3] == ["helm", "upgrade", "--install"] for a in helm)


def test_each_addon_install_is_listed_once(planned):
    """Several source add-ons served by one target chart (Grafana + Prometheus + kube-prometheus-stack) give
    one install, whose notes name every source add-on it covers."""
    src, _, _, _, plan = planned
    keys = [(a.install.chart, a.install.release, a.install.namespace) for a in plan.addons
            if a.install and a.install.method in ("helm", "package") and a.install.chart]
    assert len(keys) == len(set(keys)), sorted(k for k in keys if keys.count(k) > 1)
    if src == "dkp":
        (kps,) = [a for a in plan.addons if a.target_id == "kube-prometheus-stack"]
        assert kps.action == "Install" and all(n in kps.notes[0] for n in ("Grafana", "Prometheus", "kube-prometheus-stack"))
        (lb,) = [a for a in plan.addons if a.target_id == "metallb"]
        assert "kube-vip" in lb.notes[0] and "MetalLB" in lb.notes[0]


def test_namespace_map_moves_helm_releases_so_helm_adopts_them(planned, tmp_path):
    src, target, _, tmp, _ = planned
    plan = build_plan(tmp / "inventory.json", target=target, out_dir=tmp_path / "plan", namespace_map=["shop=shop-new"],
                      registry_map=REGISTRY_MAP.get(src))
    helm_owned = [o for o in plan.objects if o.target and o.source.namespace == "shop" and o.manifest
                  and "meta.helm.sh/release-name" in (tmp_path / "plan" / "manifests" / o.manifest).read_text()]
    assert helm_owned, "the redis release's objects are planned"
    for o in helm_owned:
        ann = yaml.safe_load((tmp_path / "plan" / "manifests" / o.manifest).read_text())["metadata"]["annotations"]
        assert ann["meta.helm.sh/release-namespace"] == "shop-new", o.source
    rec = [f for o in plan.objects for f in o.findings if f.code == "HELM_RELEASE_RECORD_NAMESPACE"]
    assert [f.ref.name for f in rec] == ["sh.helm.release.v1.redis.v1"] and "shop-new" in rec[0].resolution
    removed = [f for f in plan.findings if f.code == "HELM_CHART_REMOVED_API"]
    assert all("--namespace shop-new" in f.resolution for f in removed)


def test_openshift_specific_kinds_are_replaced(planned):
    src, _, _, tmp, plan = planned
    if src != "openshift":
        pytest.skip("OpenShift source only")
    kinds = {o.source.kind: o.decision for o in plan.objects if o.source.kind in ("Route", "DeploymentConfig")}
    assert kinds == {"Route": Decision.Replace, "DeploymentConfig": Decision.Replace}
    assert any(i.reason.startswith("--registry-map") for i in plan.images)


def _kubectl(kubectl, kubeconfig, *args):
    return subprocess.run([kubectl, "--kubeconfig", str(kubeconfig), *args], capture_output=True, text=True, timeout=120)


@pytest.mark.kubectl
def test_simulated_target_accepts_the_manifests(planned, kubectl):
    from migrate.sim import serve

    src, target, sim_name, tmp, plan = planned
    mdir = tmp / "plan" / "manifests"
    in_manifests = {yaml.safe_load(p.read_text())["spec"]["group"] for p in (mdir / "00-crds").glob("**/*.yaml")} if (mdir / "00-crds").exists() else set()
    needed = {yaml.safe_load(p.read_text())["apiVersion"].rpartition("/")[0] for p in (mdir / "70-custom").glob("**/*.yaml")} if (mdir / "70-custom").exists() else set()
    addon_crds = tmp / "addon-crds"
    addon_crds.mkdir(exist_ok=True)
    for line in open(tmp / "inventory.objects.jsonl"):
        o = json.loads(line)
        if o["kind"] == "CustomResourceDefinition" and o["spec"]["group"] in needed - in_manifests:
            o["metadata"] = {"name": o["metadata"]["name"]}
            o.pop("status", None)
            (addon_crds / f"{o['metadata']['name']}.yaml").write_text(yaml.safe_dump(o))
    with serve(sim_name) as sim:
        for d in [mdir / "00-crds", addon_crds, mdir / "10-namespaces"]:
            if d.exists() and any(d.rglob("*.yaml")):
                r = _kubectl(kubectl, sim.kubeconfig, "apply", "-R", "-f", str(d))
                assert r.returncode == 0, r.stderr
        r = _kubectl(kubectl, sim.kubeconfig, "apply", "--dry-run=server", "-R", "-f", str(mdir))
        assert r.returncode == 0, r.stderr
        assert r.stdout.count("(server dry run)") == len(plan.manifest_order)
