"""Static checks of the simulated-cluster snapshots shipped in migrate/sim/clusters/."""
from __future__ import annotations

import base64
import gzip
import json
import re
import sys
from collections import Counter
from functools import lru_cache
from pathlib import Path

import pytest
import yaml

import migrate.sim

CLUSTERS_DIR = Path(migrate.sim.__file__).parent / "clusters"
REPO = Path(__file__).resolve().parents[3]
NAMES = ("dkp", "tkg", "openshift", "rke2", "eks", "kubeadm")
SOURCES = ("dkp", "tkg", "openshift")

# built-in API groups (everything else must come from a CRD in the snapshot)
BUILTIN_GROUPS = {"", "apps", "batch", "policy", "autoscaling", "networking.k8s.io", "rbac.authorization.k8s.io",
                  "storage.k8s.io", "scheduling.k8s.io", "apiextensions.k8s.io", "node.k8s.io",
                  "admissionregistration.k8s.io", "coordination.k8s.io", "discovery.k8s.io", "certificates.k8s.io",
                  "apiregistration.k8s.io", "events.k8s.io", "flowcontrol.apiserver.k8s.io"}
CLUSTER_SCOPED_BUILTINS = {"Namespace", "Node", "PersistentVolume", "StorageClass", "CSIDriver", "CSINode",
                           "PriorityClass", "IngressClass", "ClusterRole", "ClusterRoleBinding",
                           "CustomResourceDefinition", "RuntimeClass", "APIService", "VolumeAttachment",
                           "ValidatingWebhookConfiguration", "MutatingWebhookConfiguration"}
# removed API versions a migration must catch (Kubernetes deprecation guide)
REMOVED = {"extensions/v1beta1", "batch/v1beta1", "policy/v1beta1", "networking.k8s.io/v1beta1"}


def group_of(api_version: str) -> str:
    return api_version.split("/")[0] if "/" in api_version else ""


@lru_cache(maxsize=None)
def load(name: str) -> tuple[dict, tuple[dict, ...]]:
    d = CLUSTERS_DIR / name
    meta = yaml.safe_load((d / "cluster.yaml").read_text())
    objs = []
    for p in sorted(d.rglob("*.yaml")):
        if p.name == "cluster.yaml":
            continue
        for doc in yaml.safe_load_all(p.read_text()):
            assert isinstance(doc, dict), f"{p}: a document is not a mapping"
            objs.append(doc)
    return meta, tuple(objs)


def objs_of(name: str, kind: str | None = None, ns: str | None = None) -> list[dict]:
    return [o for o in load(name)[1] if (kind is None or o["kind"] == kind)
            and (ns is None or o["metadata"].get("namespace") == ns)]


def one(name: str, kind: str, obj_name: str, ns: str | None = None) -> dict:
    found = [o for o in objs_of(name, kind, ns) if o["metadata"]["name"] == obj_name]
    assert len(found) == 1, f"{name}: expected one {kind} {ns}/{obj_name}, found {len(found)}"
    return found[0]


def crd_index(name: str) -> dict[tuple[str, str], dict]:
    return {(c["spec"]["group"], c["spec"]["names"]["kind"]): c for c in objs_of(name, "CustomResourceDefinition")}


def is_namespaced(name: str, obj: dict) -> bool:
    g = group_of(obj["apiVersion"])
    if g in BUILTIN_GROUPS:
        return obj["kind"] not in CLUSTER_SCOPED_BUILTINS
    return crd_index(name)[(g, obj["kind"])]["spec"]["scope"] == "Namespaced"


def test_every_cluster_is_shipped() -> None:
    assert sorted(p.name for p in CLUSTERS_DIR.iterdir() if p.is_dir()) == sorted(NAMES)


@pytest.mark.parametrize("name", NAMES)
def test_cluster_yaml_describes_the_cluster(name: str) -> None:
    meta, _ = load(name)
    assert meta["name"] == name and meta["distro"] and meta["description"]
    k = meta["kubernetes"]
    m = re.match(r"^v(\d+)\.(\d+)\.\d+", k["gitVersion"])
    assert m and (m.group(1), m.group(2)) == (k["major"], k["minor"])
    assert k["platform"] == meta["platform"] == "linux/amd64"


@pytest.mark.parametrize("name", NAMES)
def test_objects_are_well_formed_and_unique(name: str) -> None:
    _, objs = load(name)
    assert 50 <= len(objs) <= 1000, "a snapshot should be a realistic few hundred objects"
    keys = Counter()
    for o in objs:
        assert o.get("apiVersion") and o.get("kind") and o.get("metadata", {}).get("name"), o
        assert "resourceVersion" not in o["metadata"], "the store assigns resourceVersions"
        keys[(group_of(o["apiVersion"]), o["kind"], o["metadata"].get("namespace"), o["metadata"]["name"])] += 1
    dupes = [k for k, n in keys.items() if n > 1]
    assert not dupes, f"duplicate objects: {dupes[:5]}"
    uids = Counter(o["metadata"]["uid"] for o in objs)
    assert uids.most_common(1)[0][1] == 1


@pytest.mark.parametrize("name", NAMES)
def test_namespaces_exist_and_scope_is_right(name: str) -> None:
    namespaces = {o["metadata"]["name"] for o in objs_of(name, "Namespace")}
    for o in load(name)[1]:
        ns = o["metadata"].get("namespace")
        if is_namespaced(name, o):
            assert ns in namespaces, f"{o['kind']} {o['metadata']['name']}: namespace {ns!r} not in snapshot"
        else:
            assert ns is None, f"cluster-scoped {o['kind']} {o['metadata']['name']} has a namespace"
    for ns in namespaces:  # what the namespace controllers create everywhere
        one(name, "ServiceAccount", "default", ns)
        one(name, "ConfigMap", "kube-root-ca.crt", ns)


@pytest.mark.parametrize("name", NAMES)
def test_every_custom_resource_has_its_crd(name: str) -> None:
    crds = crd_index(name)
    for o in load(name)[1]:
        g = group_of(o["apiVersion"])
        if g in BUILTIN_GROUPS:
            continue
        c = crds.get((g, o["kind"]))
        assert c, f"{o['kind']}.{g} used by {o['metadata']['name']} has no CRD"
        served = {v["name"] for v in c["spec"]["versions"] if v["served"]}
        assert o["apiVersion"].split("/")[1] in served
    for c in crds.values():
        assert c["metadata"]["name"] == f"{c['spec']['names']['plural']}.{c['spec']['group']}"
        assert sum(v["storage"] for v in c["spec"]["versions"]) == 1


@pytest.mark.parametrize("name", NAMES)
def test_builtin_kinds_are_served_at_the_clusters_minor(name: str) -> None:
    """Cross-check with the simulator's catalogue: no object of an API the cluster's version lacks."""
    catalogue = pytest.importorskip("migrate.sim.catalogue")
    meta, objs = load(name)
    cat = catalogue.Catalogue.builtin(int(meta["kubernetes"]["minor"]))
    for o in objs:
        g, v = (o["apiVersion"].split("/") + [""])[:2] if "/" in o["apiVersion"] else ("", o["apiVersion"])
        if g in BUILTIN_GROUPS:
            rt = cat.by_kind(g, o["kind"], v)
            assert rt is not None, f"{o['apiVersion']} {o['kind']} not served by Kubernetes 1.{meta['kubernetes']['minor']}"


@pytest.mark.parametrize("name", NAMES)
def test_nodes_report_the_distro_version_and_are_ready(name: str) -> None:
    pattern = {"dkp": r"^v1\.27\.\d+$", "tkg": r"^v\d+\.\d+\.\d+\+vmware\.\d+$",
               "openshift": r"^v\d+\.\d+\.\d+\+[0-9a-f]{7}$", "rke2": r"^v\d+\.\d+\.\d+\+rke2r\d+$",
               "eks": r"^v\d+\.\d+\.\d+-eks-[0-9a-f]{7}$", "kubeadm": r"^v\d+\.\d+\.\d+$"}[name]
    meta, _ = load(name)
    assert re.match(pattern, meta["kubernetes"]["gitVersion"])
    nodes = objs_of(name, "Node")
    assert 3 <= len(nodes) <= 6
    for n in nodes:
        info = n["status"]["nodeInfo"]
        assert re.match(pattern, info["kubeletVersion"]), info["kubeletVersion"]
        assert info["osImage"] and info["kernelVersion"] and info["containerRuntimeVersion"]
        ready = [c for c in n["status"]["conditions"] if c["type"] == "Ready"]
        assert ready and ready[0]["status"] == "True"
        assert n["status"]["capacity"]["cpu"] and n["status"]["allocatable"]["memory"]


@pytest.mark.parametrize("name", NAMES)
def test_exactly_one_default_storage_class(name: str) -> None:
    defaults = [sc for sc in objs_of(name, "StorageClass")
                if sc["metadata"].get("annotations", {}).get("storageclass.kubernetes.io/is-default-class") == "true"]
    expected = {"dkp": ("vsphere-raw-block-sc", "csi.vsphere.vmware.com"), "tkg": ("default", "csi.vsphere.vmware.com"),
                "openshift": ("gp3-csi", "ebs.csi.aws.com"), "rke2": ("local-path", "rancher.io/local-path"),
                "eks": ("ebs-csi-default-sc", "ebs.csi.aws.com"), "kubeadm": ("local-path", "rancher.io/local-path")}[name]
    assert [(sc["metadata"]["name"], sc["provisioner"]) for sc in defaults] == [expected]


@pytest.mark.parametrize("name", NAMES)
def test_volumes_are_bound_both_ways(name: str) -> None:
    pvs = {pv["metadata"]["name"]: pv for pv in objs_of(name, "PersistentVolume")}
    classes = {sc["metadata"]["name"]: sc for sc in objs_of(name, "StorageClass")}
    pvcs = objs_of(name, "PersistentVolumeClaim")
    if name in SOURCES:
        assert len(pvcs) >= 4
    for pvc in pvcs:
        assert pvc["status"]["phase"] == "Bound"
        pv = pvs[pvc["spec"]["volumeName"]]
        ref = pv["spec"]["claimRef"]
        assert (ref["namespace"], ref["name"], ref["uid"]) == (pvc["metadata"]["namespace"], pvc["metadata"]["name"],
                                                               pvc["metadata"]["uid"])
        sc = classes[pvc["spec"]["storageClassName"]]
        assert pv["spec"]["csi"]["driver"] == sc["provisioner"]


@pytest.mark.parametrize("name", NAMES)
def test_owner_references_point_at_present_objects(name: str) -> None:
    by_uid = {o["metadata"]["uid"]: o for o in load(name)[1]}
    for o in load(name)[1]:
        for ref in o["metadata"].get("ownerReferences", []):
            owner = by_uid.get(ref["uid"])
            assert owner, f"{o['kind']} {o['metadata']['name']}: owner {ref['kind']} {ref['name']} missing"
            assert (owner["kind"], owner["metadata"]["name"]) == (ref["kind"], ref["name"])


def _labels(o: dict) -> dict:
    return o["metadata"].get("labels", {})


def _ann(o: dict) -> dict:
    return o["metadata"].get("annotations", {})


def test_dkp_fingerprints() -> None:
    n = "dkp"
    for ns in ("kommander", "kommander-flux", "kommander-default-workspace", "cert-manager", "capi-system",
               "capv-system", "calico-system", "tigera-operator", "node-feature-discovery", "vmware-system-csi"):
        one(n, "Namespace", ns)
    assert one(n, "PriorityClass", "dkp-critical-priority")["value"] == 100002000
    assert one(n, "PriorityClass", "dkp-high-priority")["value"] == 100001000
    cl = one(n, "Cluster", "dkp-prod", "default")
    assert _labels(cl)["konvoy.d2iq.io/provider"] == "vsphere" and "konvoy.d2iq.io/cluster-name" in _labels(cl)
    assert one(n, "KubeadmControlPlane", "dkp-prod-control-plane", "default")["spec"]["version"] == "v1.27.11"
    assert len(objs_of(n, "Machine")) == 6
    hr = {o["metadata"]["name"]: o["spec"]["chart"]["spec"]["version"] for o in objs_of(n, "HelmRelease", "kommander")}
    assert hr["traefik"] == "26.0.0" and hr["cert-manager"] == "v1.14.2" and hr["velero"] == "5.2.2"
    assert one(n, "IngressClass", "kommander-traefik")["spec"]["controller"] == "traefik.io/ingress-controller"
    one(n, "DaemonSet", "calico-node", "calico-system")
    one(n, "ConstraintTemplate", "requiredserviceaccountname")
    for node in objs_of(n, "Node"):
        assert node["spec"]["providerID"].startswith("vsphere://")
        assert node["metadata"]["annotations"]["cluster.x-k8s.io/cluster-name"] == "dkp-prod"


def test_tkg_fingerprints() -> None:
    n = "tkg"
    for ns in ("tkg-system", "tkg-system-public", "tanzu-package-repo-global", "secretgen-controller",
               "pinniped-concierge", "tanzu-system-ingress", "tanzu-system-logging", "tanzu-system-monitoring"):
        one(n, "Namespace", ns)
    repo = one(n, "PackageRepository", "tanzu-standard", "tanzu-package-repo-global")
    assert _ann(repo)["tkg.tanzu.vmware.com/addon-type"] == "addons-management/standard-package-repo"
    core = {o["spec"]["packageRef"]["refName"]: o["status"]["version"] for o in objs_of(n, "PackageInstall", "tkg-system")}
    assert core["antrea.tanzu.vmware.com"] == "1.7.2+vmware.1-tkg.1-advanced"
    assert core["vsphere-csi.tanzu.vmware.com"] == "2.6.2+vmware.2-tkg.1"
    user = {o["spec"]["packageRef"]["refName"] for o in objs_of(n, "PackageInstall", "tkg-packages")}
    assert {"cert-manager.tanzu.vmware.com", "contour.tanzu.vmware.com", "harbor.tanzu.vmware.com"} <= user
    assert all(re.search(r"\+vmware\.\d+", p["spec"]["version"]) for p in objs_of(n, "Package"))
    one(n, "DaemonSet", "antrea-agent", "kube-system")
    one(n, "DaemonSet", "vsphere-csi-node", "kube-system")
    one(n, "IngressClass", "contour")
    assert objs_of(n, "HTTPProxy", "shop")


def test_openshift_fingerprints() -> None:
    n = "openshift"
    assert sum(1 for o in objs_of(n, "Namespace") if o["metadata"]["name"].startswith("openshift")) >= 15
    assert one(n, "ClusterVersion", "version")["status"]["desired"]["version"].startswith("4.")
    assert len(objs_of(n, "ClusterOperator")) >= 10
    for node in objs_of(n, "Node"):
        assert _labels(node)["node.openshift.io/os_id"] == "rhcos"
        assert _ann(node)["machine.openshift.io/machine"].startswith("openshift-machine-api/")
        assert node["status"]["nodeInfo"]["containerRuntimeVersion"].startswith("cri-o://")
    one(n, "SecurityContextConstraints", "anyuid")
    assert objs_of(n, "Route", "shop") and objs_of(n, "DeploymentConfig", "analytics")
    assert objs_of(n, "Subscription") and objs_of(n, "ClusterServiceVersion")
    shop = one(n, "Namespace", "shop")
    assert "openshift.io/sa.scc.uid-range" in _ann(shop)
    rb = one(n, "RoleBinding", "legacy-cms-anyuid", "shop")
    assert rb["roleRef"]["name"] == "system:openshift:scc:anyuid"
    images = [c["image"] for d in objs_of(n, "Deployment", "shop") for c in d["spec"]["template"]["spec"]["containers"]]
    assert any(i.startswith("image-registry.openshift-image-registry.svc:5000/") for i in images)


def test_rke2_fingerprints() -> None:
    n = "rke2"
    for node in objs_of(n, "Node"):
        assert node["spec"]["providerID"] == "rke2://" + node["metadata"]["name"]
        assert _labels(node)["node.kubernetes.io/instance-type"] == "rke2"
        assert _ann(node)["rke2.io/hostname"] == node["metadata"]["name"]
    one(n, "DaemonSet", "rke2-canal", "kube-system")
    one(n, "DaemonSet", "rke2-ingress-nginx-controller", "kube-system")
    one(n, "Deployment", "rke2-coredns-rke2-coredns", "kube-system")
    assert one(n, "IngressClass", "nginx")["spec"]["controller"] == "k8s.io/ingress-nginx"
    charts = {c["metadata"]["name"] for c in objs_of(n, "HelmChart", "kube-system")}
    assert {"rke2-canal", "rke2-coredns", "rke2-ingress-nginx", "rke2-metrics-server"} <= charts
    assert not [o for o in load(n)[1] if o["metadata"].get("namespace") in ("shop", "payments", "analytics")]


def test_eks_fingerprints() -> None:
    n = "eks"
    for node in objs_of(n, "Node"):
        assert node["spec"]["providerID"].startswith("aws:///")
        assert _labels(node)["eks.amazonaws.com/nodegroup"] in ("default", "spot-pool")
    one(n, "DaemonSet", "aws-node", "kube-system")
    one(n, "DaemonSet", "ebs-csi-node", "kube-system")
    assert one(n, "StorageClass", "gp2")["provisioner"] == "kubernetes.io/aws-ebs"
    assert one(n, "StorageClass", "gp3")["provisioner"] == "ebs.csi.aws.com"
    assert one(n, "IngressClass", "alb")["spec"]["controller"] == "ingress.k8s.aws/alb"


def test_kubeadm_fingerprints() -> None:
    """Upstream kubeadm at the kubeadm target profile's version, plus the add-ons an operator must choose."""
    from migrate.data import load_target_profile

    n = "kubeadm"
    meta, _ = load(n)
    profile = load_target_profile("kubeadm")[0]
    assert f"{meta['kubernetes']['major']}.{meta['kubernetes']['minor']}" == profile.kubernetes.default
    nodes = objs_of(n, "Node")
    assert len(nodes) == 3
    cps = [x for x in nodes if "node-role.kubernetes.io/control-plane" in _labels(x)]
    assert len(cps) == 1 and cps[0]["spec"]["taints"] == [{"effect": "NoSchedule", "key": "node-role.kubernetes.io/control-plane"}]
    for node in nodes:
        assert _ann(node)["kubeadm.alpha.kubernetes.io/cri-socket"].startswith("unix://")
        assert "providerID" not in node["spec"]  # bare metal: no cloud provider
    cp = cps[0]["metadata"]["name"]
    for comp in ("etcd", "kube-apiserver", "kube-controller-manager", "kube-scheduler"):
        pod = one(n, "Pod", f"{comp}-{cp}", "kube-system")
        assert _ann(pod)["kubernetes.io/config.source"] == "file" and pod["metadata"]["ownerReferences"][0]["kind"] == "Node"
    one(n, "Deployment", "coredns", "kube-system")
    one(n, "Service", "kube-dns", "kube-system")
    one(n, "DaemonSet", "kube-proxy", "kube-system")
    assert "kubeadm.k8s.io/v1beta4" in one(n, "ConfigMap", "kubeadm-config", "kube-system")["data"]["ClusterConfiguration"]
    one(n, "DaemonSet", "calico-node", "calico-system")
    assert one(n, "Installation", "default")["status"]["calicoVersion"] == next(a for a in profile.addons if a.id == "calico").version
    assert one(n, "IngressClass", "nginx")["spec"]["controller"] == "k8s.io/ingress-nginx"
    assert _ann(one(n, "IngressClass", "nginx"))["ingressclass.kubernetes.io/is-default-class"] == "true"
    one(n, "Deployment", "local-path-provisioner", "local-path-storage")
    assert not [o for o in load(n)[1] if o["metadata"].get("namespace") in ("shop", "payments", "analytics")]


def decode_helm_release(secret: dict) -> dict:
    raw = base64.b64decode(base64.b64decode(secret["data"]["release"]))
    return json.loads(gzip.decompress(raw))


@pytest.mark.parametrize("name", SOURCES)
def test_source_has_business_workloads(name: str) -> None:
    for ns in ("shop", "payments", "analytics"):
        one(name, "Namespace", ns)
    for kind in ("Deployment", "StatefulSet", "Service", "HorizontalPodAutoscaler", "PodDisruptionBudget",
                 "CronJob", "NetworkPolicy", "Role", "RoleBinding", "ServiceAccount", "ConfigMap"):
        assert objs_of(name, kind, "shop"), f"{name}: no {kind} in shop"
    sec = one(name, "Secret", "storefront-secrets", "shop")
    assert sec["type"] == "Opaque"
    assert all("fake" in base64.b64decode(v).decode().lower() or "not-a-real" in base64.b64decode(v).decode()
               for v in sec["data"].values())
    lb = one(name, "Service", "payments-gateway", "payments")
    assert lb["spec"]["type"] == "LoadBalancer" and _ann(lb) and lb["status"]["loadBalancer"]["ingress"]


@pytest.mark.parametrize("name", SOURCES)
def test_helm_release_secret_decodes_and_renders_a_removed_api(name: str) -> None:
    sec = one(name, "Secret", "sh.helm.release.v1.redis.v1", "shop")
    assert sec["type"] == "helm.sh/release.v1"
    assert _labels(sec) | {"modifiedAt": ""} == {"owner": "helm", "name": "redis", "status": "deployed",
                                                 "version": "1", "modifiedAt": ""}
    rel = decode_helm_release(sec)
    assert (rel["name"], rel["namespace"], rel["version"], rel["info"]["status"]) == ("redis", "shop", 1, "deployed")
    assert rel["chart"]["metadata"]["name"] == "redis" and rel["chart"]["metadata"]["version"]
    manifest = list(yaml.safe_load_all(rel["manifest"]))
    assert {"policy/v1beta1"} & {m["apiVersion"] for m in manifest if m}
    live = {(o["kind"], o["metadata"]["name"]) for o in objs_of(name, None, "shop")
            if _ann(o).get("meta.helm.sh/release-name") == "redis"}
    assert {(m["kind"], m["metadata"]["name"]) for m in manifest if m} == live


@pytest.mark.parametrize("name", SOURCES)
def test_some_objects_were_applied_with_removed_apis(name: str) -> None:
    applied = set()
    for o in load(name)[1]:
        lac = _ann(o).get("kubectl.kubernetes.io/last-applied-configuration")
        if lac:
            applied.add((json.loads(lac)["apiVersion"], o["kind"]))
    assert {("extensions/v1beta1", "Ingress"), ("batch/v1beta1", "CronJob"),
            ("policy/v1beta1", "PodDisruptionBudget")} <= applied


@pytest.mark.parametrize("name", SOURCES)
def test_source_workloads_tie_to_the_source(name: str) -> None:
    """Things a migration has to rewrite: private registry, storage class, source-only node labels."""
    dep = one(name, "Deployment", "payments-api", "payments")
    pod = dep["spec"]["template"]["spec"]
    node_labels = set().union(*(_labels(n) for n in objs_of(name, "Node")))
    keys = set(pod["nodeSelector"]) | {e["key"] for t in pod["affinity"]["nodeAffinity"][
        "requiredDuringSchedulingIgnoredDuringExecution"]["nodeSelectorTerms"] for e in t["matchExpressions"]}
    assert keys <= node_labels, "selectors must match the source's nodes"
    sts = one(name, "StatefulSet", "postgres", "shop")
    sc = sts["spec"]["volumeClaimTemplates"][0]["spec"]["storageClassName"]
    one(name, "StorageClass", sc)
    assert not pod["containers"][0]["image"].startswith(("docker.io/", "registry.k8s.io/"))


def test_helm_app_versions_match_kommander_applications() -> None:
    """The DKP HelmRelease chart versions are the ones kommander-applications v2.8.3 pins."""
    versions = {o["metadata"]["name"]: o["spec"]["chart"]["spec"]["version"]
                for o in objs_of("dkp", "HelmRelease", "kommander")}
    assert versions == {"traefik": "26.0.0", "cert-manager": "v1.14.2", "kube-prometheus-stack": "48.3.2",
                        "grafana-loki": "0.78.3", "velero": "5.2.2", "gatekeeper": "3.14.1", "fluent-bit": "0.43.1",
                        "logging-operator": "4.2.3", "dex": "2.13.11", "reloader": "1.0.65", "kubecost": "0.37.3",
                        "external-dns": "7.1.2"}


@pytest.mark.realdata
def test_dkp_versions_agree_with_realdata(realdata_dir: Path) -> None:
    base = realdata_dir / "dkp" / "kommander-applications@v2.8.3"
    pcs = {d["metadata"]["name"]: d["value"] for d in yaml.safe_load_all(
        (base / "common/priority-classes/dkp-priority-classes.yaml").read_text()) if d}
    assert {k: one("dkp", "PriorityClass", k)["value"] for k in pcs} == pcs
    real = {}
    for p in (base / "services").rglob("*.yaml"):
        for d in yaml.safe_load_all(p.read_text().replace("${releaseNamespace}", "kommander")):
            if d and d.get("kind") == "HelmRelease":
                real[d["metadata"]["name"]] = d["spec"]["chart"]["spec"]["version"]
    for hr in objs_of("dkp", "HelmRelease", "kommander"):
        assert real[hr["metadata"]["name"]] == hr["spec"]["chart"]["spec"]["version"]


@pytest.mark.realdata
def test_rke2_chart_versions_agree_with_realdata(realdata_dir: Path) -> None:
    charts = yaml.safe_load((realdata_dir / "rke2/rancher-rke2/charts/chart_versions.yaml").read_text())["charts"]
    real = {Path(c["filename"]).stem: c["version"] for c in charts}
    for hc in objs_of("rke2", "HelmChart", "kube-system"):
        url = _ann(hc)["helm.cattle.io/chart-url"]
        assert url.endswith(f"/{hc['metadata']['name']}-{real[hc['metadata']['name']]}.tgz"), url


@pytest.mark.realdata
def test_version_strings_follow_real_conformance_patterns(realdata_dir: Path) -> None:
    """Our kubelet strings have the same shape as real kube-apiserver versions of each product."""
    rows = [line.split("\t") for line in (realdata_dir / "markers/kube-apiserver-versions-from-k8s-conformance.tsv")
            .read_text().splitlines() if line and not line.startswith("#")]
    by_product: dict[str, list[str]] = {}
    for r in rows:
        if len(r) >= 3:
            by_product.setdefault(r[1], []).append(r[2].strip())
    shape = {"tkg": "vmware-tanzu-kubernetes-grid", "openshift": "openshift", "rke2": "rke-government",
             "eks": "eks", "dkp": "konvoy", "kubeadm": "kind"}  # kind runs kubeadm: plain upstream vX.Y.Z

    def form(v: str) -> str:
        v = re.sub(r"(?<=[+-])[0-9a-f]{7}$", "H", v)  # a build hash suffix, before digits are folded
        return re.sub(r"\d+", "N", v)
    for name, product in shape.items():
        ours = form(objs_of(name, "Node")[0]["status"]["nodeInfo"]["kubeletVersion"])
        assert ours in {form(v) for v in by_product[product]}, (name, ours)


def test_committed_snapshots_are_what_the_build_script_writes(tmp_path: Path) -> None:
    """The YAML is generated: editing it by hand instead of scripts/sim_clusters/ is caught here."""
    scripts = REPO / "scripts"
    if not (scripts / "build_sim_clusters.py").exists():
        pytest.skip("scripts/ not present (installed package)")
    sys.path.insert(0, str(scripts))
    try:
        from sim_clusters import BUILDERS
    finally:
        sys.path.remove(str(scripts))
    for name, build in BUILDERS.items():
        out = build().write(tmp_path)
        built = {p.relative_to(out): p.read_bytes() for p in out.rglob("*.yaml")}
        shipped = {p.relative_to(CLUSTERS_DIR / name): p.read_bytes() for p in (CLUSTERS_DIR / name).rglob("*.yaml")}
        assert built.keys() == shipped.keys(), name
        changed = [str(k) for k in built if built[k] != shipped[k]]
        assert not changed, f"{name}: rerun scripts/build_sim_clusters.py ({changed[:3]})"
