"""`tkg`: VMware Tanzu Kubernetes Grid 2.1 workload cluster on vSphere (kubelet v1.24.9+vmware.1).

Facts: tanzu/tkg2-annotated-install-logs (TKr v1.24.9---vmware.1-tkg.1, core PackageInstall names
`<cluster>-<pkg>` in tkg-system and their versions antrea 1.7.2+vmware.1-tkg.1-advanced, vsphere-csi
2.6.2+vmware.2-tkg.1, vsphere-cpi 1.24.3+vmware.1-tkg.1, kapp-controller 0.41.5+vmware.1-tkg.1, OVA
ubuntu-2004-kube-v1.24.9+vmware.1), tanzu-framework@v0.28.1 (tanzu-standard PackageRepository in
tanzu-package-repo-global with its addon-type annotation, tkg-storageclass `default`
csi.vsphere.vmware.com, Package shape, image tag style `vX.Y.Z_vmware.N` from the TKr BOM),
tanzu/community-edition (package versions contour 1.22.3, cert-manager, fluent-bit 1.9.5,
prometheus 2.37.0, grafana 7.5.16, harbor 2.6.3), markers (kube-system DaemonSets antrea-agent,
kube-proxy, vsphere-cloud-controller-manager, vsphere-csi-node at v1.24; TCE `get pods -A`).
"""
from __future__ import annotations

from .base import addon_daemonset, addon_deployment, core, coredns, finalize_namespaces, kube_proxy, kubeadm_control_plane
from .common import (Obj, Snapshot, config_map, cr, crd, csi_driver, h, ingress, ingress_class, namespace, node,
                     ready_condition, role, role_binding, sa_subject, secret, service, service_account,
                     storage_class, suffix)
from .workloads import Flavor, all_business

NAME = "tkg"
K8S = "v1.24.9+vmware.1"
TKR = "v1.24.9---vmware.1-tkg.1"
CLUSTER = "tkg-wld-01"
SVC_CIDR = "100.64.0.0/13"   # TKG defaults: SERVICE_CIDR 100.64.0.0/13, CLUSTER_CIDR 100.96.0.0/11
POD_CIDR = "100.96.0.0/11"
VIP = "10.30.40.10"
REG = "projects.registry.vmware.com/tkg"
KAPP_CTRL_REF = "kapp-controller.tanzu.vmware.com"

CORE_PACKAGES = [  # (short name, refName, version) -- install log + tanzu-framework v0.28.1
    ("antrea", "antrea.tanzu.vmware.com", "1.7.2+vmware.1-tkg.1-advanced"),
    ("vsphere-cpi", "vsphere-cpi.tanzu.vmware.com", "1.24.3+vmware.1-tkg.1"),
    ("vsphere-csi", "vsphere-csi.tanzu.vmware.com", "2.6.2+vmware.2-tkg.1"),
    ("metrics-server", "metrics-server.tanzu.vmware.com", "0.6.2+vmware.1-tkg.1"),
    ("secretgen-controller", "secretgen-controller.tanzu.vmware.com", "0.11.2+vmware.1-tkg.1"),
    ("pinniped", "pinniped.tanzu.vmware.com", "0.12.1+vmware.2-tkg.3"),
    ("tkg-storageclass", "tkg-storageclass.tanzu.vmware.com", "0.28.1+vmware.1"),
    ("capabilities", "capabilities.tanzu.vmware.com", "0.28.1+vmware.1"),
]
USER_PACKAGES = [  # (install name, refName, version, target namespace, description)
    ("cert-manager", "cert-manager.tanzu.vmware.com", "1.7.2+vmware.3-tkg.3", "cert-manager",
     "Certificate management"),
    ("contour", "contour.tanzu.vmware.com", "1.22.3+vmware.1-tkg.1", "tanzu-system-ingress",
     "An ingress controller"),
    ("fluent-bit", "fluent-bit.tanzu.vmware.com", "1.9.5+vmware.1-tkg.1", "tanzu-system-logging",
     "Fluent Bit is a fast Log Processor and Forwarder"),
    ("prometheus", "prometheus.tanzu.vmware.com", "2.37.0+vmware.1-tkg.1", "tanzu-system-monitoring",
     "A time series database for your metrics"),
    ("grafana", "grafana.tanzu.vmware.com", "7.5.16+vmware.1-tkg.1", "tanzu-system-dashboards",
     "Visualization and analytics software"),
    ("harbor", "harbor.tanzu.vmware.com", "2.6.3+vmware.1-tkg.1", "tanzu-system-registry",
     "OCI Registry"),
]
PKG_NS = "tkg-packages"


def cluster_meta() -> dict:
    return {"name": NAME, "distro": "tkg",
            "description": "VMware Tanzu Kubernetes Grid 2.1 workload cluster on vSphere (TKr " + TKR + "): "
                           "Antrea, vSphere CPI/CSI, kapp-controller packages (core + tanzu-standard), Contour, "
                           "NSX ALB (AKO) load balancers; source cluster with shop/payments/analytics workloads.",
            "kubernetes": {"major": "1", "minor": "24", "gitVersion": K8S,
                           "gitCommit": "e4b4d8a3c1b1f9a5d8e4b5f0c8a3f0d9e0c1b2a3", "gitTreeState": "clean",
                           "buildDate": "2022-12-16T18:53:55Z", "goVersion": "go1.18.9", "compiler": "gc",
                           "platform": "linux/amd64"},
            "platform": "linux/amd64"}


def build() -> Snapshot:
    s = Snapshot(NAME, "2023-02-06T14:03:00Z", cluster_meta())
    core(s, service_cidr=SVC_CIDR)
    nodes, pod_cidrs = _nodes(s)
    all_nodes = [(n["metadata"]["name"], n["status"]["addresses"][0]["address"]) for n in nodes]
    workers = all_nodes[3:]
    _namespaces(s)
    coredns(s, image=f"{REG}/coredns:v1.8.6_vmware.15", service_cidr_ip="100.64.0.10", nodes=all_nodes,
            pod_cidrs=pod_cidrs)
    kube_proxy(s, image=f"{REG}/kube-proxy:v1.24.9_vmware.1", nodes=all_nodes, pod_cidrs=pod_cidrs,
               cluster_cidr=POD_CIDR)
    kubeadm_control_plane(s, nodes[:3], version="v1.24.9_vmware.1", registry=REG, etcd_tag="v3.5.6_vmware.3",
                          cluster_name=CLUSTER, pod_subnet=POD_CIDR, service_subnet=SVC_CIDR, endpoint=f"{VIP}:6443")
    from .common import static_pod
    for n in nodes[:3]:
        s.add("40-pods/kube-system.yaml", static_pod(s, "kube-vip", n, f"{REG}/kube-vip:v0.5.7_vmware.1",
                                                     n["status"]["addresses"][0]["address"], tier_label=False,
                                                     command=["/kube-vip", "manager"]))
    _core_addons(s, all_nodes, pod_cidrs)
    _carvel(s, all_nodes, pod_cidrs)
    _user_packages(s, workers, pod_cidrs)
    all_business(s, _flavor())
    finalize_namespaces(s)
    return s


def _nodes(s: Snapshot) -> tuple[list[Obj], dict[str, str]]:
    kcp = f"{CLUSTER}-{suffix('kcp')}"
    md = f"{CLUSTER}-md-0-{suffix('md0')}"
    ms = f"{md}-{h('ms', 9)}"
    names = [f"{kcp}-{suffix('cp' + str(i))}" for i in range(3)] + [f"{ms}-{suffix('w' + str(i))}" for i in range(3)]
    out, pod_cidrs = [], {}
    for i, name in enumerate(names):
        cp = i < 3
        ip = f"10.30.40.{21 + i}"
        pod_cidrs[name] = f"100.96.{i}.0/24"
        labels: dict = {}
        if cp:
            labels.update({"node-role.kubernetes.io/control-plane": "",
                           "node.kubernetes.io/exclude-from-external-load-balancers": ""})
        else:
            labels.update({"topology.csi.vmware.com/k8s-region": "region-1",
                           "topology.csi.vmware.com/k8s-zone": ["az-1", "az-2", "az-1"][i - 3]})
        ann = {"kubeadm.alpha.kubernetes.io/cri-socket": "/var/run/containerd/containerd.sock",
               "cluster.x-k8s.io/cluster-name": CLUSTER, "cluster.x-k8s.io/cluster-namespace": "default",
               "cluster.x-k8s.io/machine": name,
               "cluster.x-k8s.io/owner-kind": "KubeadmControlPlane" if cp else "MachineSet",
               "cluster.x-k8s.io/owner-name": kcp if cp else ms,
               "cluster.x-k8s.io/labels-from-machine": "",
               "csi.volume.kubernetes.io/nodeid": '{"csi.vsphere.vmware.com":"%s"}' % name,
               "node.antrea.io/mac-address": "00:50:56:" + ":".join(h(name + "mac", 6)[j:j + 2] for j in (0, 2, 4))}
        uuid_ = f"4232{h(name, 4)}-{h(name + 'a', 4)}-{h(name + 'b', 4)}-{h(name + 'c', 4)}-{h(name + 'd', 12)}"
        n = node(s, name, ip=ip, labels=labels, annotations=ann, provider_id=f"vsphere://{uuid_}", kubelet=K8S,
                 os_image="Ubuntu 20.04.5 LTS", kernel="5.4.0-135-generic", runtime="containerd://1.6.6",
                 cpu="2" if cp else "4", memory_ki=8_148_000 if cp else 16_393_000, pod_cidr=pod_cidrs[name],
                 taints=[{"effect": "NoSchedule", "key": "node-role.kubernetes.io/control-plane"}] if cp else None,
                 extra_addresses=[{"address": ip, "type": "ExternalIP"}], days=0 if cp else 0.01)
        s.add("10-nodes.yaml", n)
        out.append(n)
    return out, pod_cidrs


def _namespaces(s: Snapshot) -> None:
    for ns in ("tkg-system", "tkg-system-public", "tanzu-package-repo-global", "secretgen-controller",
               "pinniped-concierge", "avi-system", PKG_NS, "cert-manager", "tanzu-system-ingress",
               "tanzu-system-logging", "tanzu-system-monitoring", "tanzu-system-dashboards", "tanzu-system-registry"):
        lab = {}
        if ns.startswith("tanzu-system") or ns == "cert-manager":
            lab = {"kapp.k14s.io/association": "v1." + h(ns, 32)}
        s.add("00-namespaces.yaml", namespace(ns, labels=lab), days=0.05)


def _kapp_labels(app: str) -> dict:
    return {"kapp.k14s.io/app": str(1675692000000000000 + int(h(app, 6), 16)),
            "kapp.k14s.io/association": "v1." + h(app + "assoc", 32)}


def _core_addons(s: Snapshot, nodes: list, pod_cidrs: dict) -> None:
    f = "30-platform/kube-system.yaml"
    antrea = f"{REG}/antrea-advanced-debian:v1.7.2_vmware.1"
    addon_daemonset(s, "30-platform/antrea.yaml", "antrea-agent", "kube-system",
                    [("antrea-agent", antrea), ("antrea-ovs", antrea)], nodes=nodes, pod_cidrs=pod_cidrs,
                    selector={"app": "antrea", "component": "antrea-agent"},
                    labels={"app": "antrea", "component": "antrea-agent", **_kapp_labels("antrea")}, sa="antrea-agent")
    addon_deployment(s, "30-platform/antrea.yaml", "antrea-controller", "kube-system", antrea,
                     selector={"app": "antrea", "component": "antrea-controller"},
                     labels={"app": "antrea", "component": "antrea-controller", **_kapp_labels("antrea")},
                     sa="antrea-controller", nodes=nodes[:1], pod_cidrs=pod_cidrs, extra={"hostNetwork": True})
    s.add("30-platform/antrea.yaml", service_account("antrea-agent", "kube-system"),
          service_account("antrea-controller", "kube-system"),
          config_map("antrea-config", "kube-system", {"antrea-agent.conf": "trafficEncapMode: encap\n"
                                                      "noSNAT: false\ntlsCipherSuites: TLS_ECDHE_ECDSA_WITH_AES_128_GCM_"
                                                      "SHA256\nfeatureGates:\n  AntreaProxy: true\n  EndpointSlice: "
                                                      "false\n  AntreaPolicy: true\n  NodePortLocal: true\n",
                                                      "antrea-controller.conf": "nodeIPAM:\n  enableNodeIPAM: false\n"},
                     labels={"app": "antrea", **_kapp_labels("antrea")}))
    for k, p, scope in (("ClusterNetworkPolicy", "clusternetworkpolicies", "Cluster"),
                        ("NetworkPolicy", "networkpolicies", "Namespaced"), ("Tier", "tiers", "Cluster"),
                        ("Traceflow", "traceflows", "Cluster"), ("ExternalEntity", "externalentities", "Namespaced"),
                        ("ClusterGroup", "clustergroups", "Cluster")):
        s.add("20-crds/antrea.yaml", crd("crd.antrea.io", k, p, versions=["v1alpha1"] if k not in ("ClusterGroup",)
                                         else ["v1alpha3"], scope=scope, labels={"app": "antrea"}))
    s.add("20-crds/antrea.yaml", crd("crd.antrea.io", "AntreaAgentInfo", "antreaagentinfos", versions=["v1beta1"],
                                     scope="Cluster", status=False, labels={"app": "antrea"}))
    for tier, prio in (("emergency", 50), ("securityops", 100), ("networkops", 150), ("platform", 200),
                       ("application", 250), ("baseline", 253)):
        s.add("30-platform/antrea.yaml", cr("crd.antrea.io/v1alpha1", "Tier", tier,
                                            spec={"priority": prio, "description": f"[READ-ONLY]: system {tier} tier"}))
    s.add("30-platform/antrea.yaml", cr("crd.antrea.io/v1alpha1", "ClusterNetworkPolicy", "allow-dns-egress",
                                        spec={"priority": 1, "tier": "platform", "appliedTo": [{"podSelector": {}}],
                                              "egress": [{"action": "Allow", "ports": [{"port": 53,
                                                                                        "protocol": "UDP"}]}]},
                                        status={"phase": "Realized", "currentNodesRealized": 6,
                                                "desiredNodesRealized": 6, "observedGeneration": 1}))
    addon_daemonset(s, f, "vsphere-cloud-controller-manager", "kube-system", f"{REG}/ccm/manager:v1.24.3_vmware.1",
                    nodes=nodes[:3], pod_cidrs=pod_cidrs, selector={"k8s-app": "vsphere-cloud-controller-manager"},
                    sa="cloud-controller-manager", extra={"nodeSelector": {"node-role.kubernetes.io/control-plane": ""}})
    s.add(f, service_account("cloud-controller-manager", "kube-system"))
    # v1.24-era TKG ran vSphere CSI in kube-system (conformance DaemonSet list, TCE `get pods -A`)
    addon_deployment(s, "30-platform/vsphere-csi.yaml", "vsphere-csi-controller", "kube-system",
                     [("csi-attacher", f"{REG}/csi/csi-attacher:v3.5.0_vmware.1"),
                      ("vsphere-csi-controller", f"{REG}/csi/vsphere-block-csi-driver:v2.6.2_vmware.2"),
                      ("liveness-probe", f"{REG}/csi/csi-livenessprobe:v2.7.0_vmware.1"),
                      ("vsphere-syncer", f"{REG}/csi/volume-metadata-syncer:v2.6.2_vmware.2"),
                      ("csi-provisioner", f"{REG}/csi/csi-provisioner:v3.2.1_vmware.1")],
                     selector={"app": "vsphere-csi-controller"}, sa="vsphere-csi-controller",
                     labels={"app": "vsphere-csi-controller", **_kapp_labels("vsphere-csi")},
                     nodes=nodes[:1], pod_cidrs=pod_cidrs)
    addon_daemonset(s, "30-platform/vsphere-csi.yaml", "vsphere-csi-node", "kube-system",
                    [("node-driver-registrar", f"{REG}/csi/csi-node-driver-registrar:v2.5.1_vmware.1"),
                     ("vsphere-csi-node", f"{REG}/csi/vsphere-block-csi-driver:v2.6.2_vmware.2"),
                     ("liveness-probe", f"{REG}/csi/csi-livenessprobe:v2.7.0_vmware.1")],
                    nodes=nodes, pod_cidrs=pod_cidrs, selector={"app": "vsphere-csi-node"}, sa="vsphere-csi-node",
                    labels={"app": "vsphere-csi-node", **_kapp_labels("vsphere-csi")})
    s.add("30-platform/vsphere-csi.yaml", service_account("vsphere-csi-controller", "kube-system"),
          service_account("vsphere-csi-node", "kube-system"), csi_driver("csi.vsphere.vmware.com"),
          storage_class("default", "csi.vsphere.vmware.com", default=True,
                        parameters={"storagepolicyname": "vSAN Default Storage Policy"},
                        binding="Immediate", labels=_kapp_labels("tkg-storageclass")))
    addon_deployment(s, f, "metrics-server", "kube-system", f"{REG}/metrics-server:v0.6.2_vmware.1",
                     selector={"app": "metrics-server"}, labels={"app": "metrics-server",
                                                                 **_kapp_labels("metrics-server")})
    addon_deployment(s, "30-platform/carvel.yaml", "secretgen-controller", "secretgen-controller",
                     f"{REG}/secretgen-controller:v0.11.2_vmware.1", selector={"app": "secretgen-controller"})
    addon_deployment(s, "30-platform/pinniped.yaml", "pinniped-concierge", "pinniped-concierge",
                     f"{REG}/pinniped:v0.12.1_vmware.2", replicas=2, selector={"deployment.pinniped.dev": "concierge"},
                     labels={"app": "pinniped-concierge", **_kapp_labels("pinniped")})
    addon_deployment(s, "30-platform/avi.yaml", "ako", "avi-system", f"{REG}/ako:v1.8.2_vmware.1",
                     selector={"app.kubernetes.io/name": "ako"})


def _carvel(s: Snapshot, nodes: list, pod_cidrs: dict) -> None:
    f = "30-platform/carvel.yaml"
    for g, k, p, v in (("packaging.carvel.dev", "PackageInstall", "packageinstalls", ["v1alpha1"]),
                       ("packaging.carvel.dev", "PackageRepository", "packagerepositories", ["v1alpha1"]),
                       ("kappctrl.k14s.io", "App", "apps", ["v1alpha1"]),
                       # served by kapp-controller's aggregated API on a real cluster; a CRD in the simulator
                       ("data.packaging.carvel.dev", "Package", "packages", ["v1alpha1"]),
                       ("data.packaging.carvel.dev", "PackageMetadata", "packagemetadatas", ["v1alpha1"])):
        s.add("20-crds/carvel.yaml", crd(g, k, p, versions=v, short_names={"packageinstalls": ["pkgi"],
                                                                           "packagerepositories": ["pkgr"],
                                                                           "packages": ["pkg"],
                                                                           "packagemetadatas": ["pkgm"]}.get(p, []),
                                         categories=["carvel"]))
    addon_deployment(s, f, "kapp-controller", "tkg-system",
                     [("kapp-controller", f"{REG}/kapp-controller:v0.41.5_vmware.1"),
                      ("kapp-controller-sidecarexec", f"{REG}/kapp-controller:v0.41.5_vmware.1")],
                     selector={"app": "kapp-controller"}, sa="kapp-controller-sa", nodes=nodes[:1], pod_cidrs=pod_cidrs,
                     extra={"hostNetwork": True, "priorityClassName": "system-cluster-critical"})
    s.add(f, service_account("kapp-controller-sa", "tkg-system"),
          config_map("kapp-controller-config", "tkg-system", {"dangerousSkipTLSVerify": "",
                                                               "httpProxy": "", "noProxy": ""}))
    t = s.ts(0.05)
    s.add(f, cr("packaging.carvel.dev/v1alpha1", "PackageRepository", "tanzu-standard", "tanzu-package-repo-global",
                annotations={"tkg.tanzu.vmware.com/addon-type": "addons-management/standard-package-repo",
                             "tanzu.vmware.com/owner": "tkg"},
                spec={"fetch": {"imgpkgBundle": {"image": f"{REG}/packages/standard/repo:v2.1.0"}}},
                status={"conditions": [{"type": "ReconcileSucceeded", "status": "True"}],
                        "friendlyDescription": "Reconcile succeeded", "observedGeneration": 1,
                        "fetch": {"startedAt": t, "updatedAt": t, "exitCode": 0}}))
    for short, ref, ver in CORE_PACKAGES:
        _package(s, f, ref, ver, "tkg-system")
        vs_name = f"{CLUSTER}-{short}-data-values"
        s.add(f, secret(vs_name, "tkg-system", {"values.yaml": f"infrastructure_provider: vsphere\n"
                                                               f"tkg_cluster_role: workload\n"},
                        labels={"tkg.tanzu.vmware.com/addon-name": short,
                                "tkg.tanzu.vmware.com/cluster-name": CLUSTER},
                        annotations={"tkg.tanzu.vmware.com/addon-type": _addon_type(short)}),
              cr("packaging.carvel.dev/v1alpha1", "PackageInstall", f"{CLUSTER}-{short}", "tkg-system",
                 labels={"tkg.tanzu.vmware.com/cluster-name": CLUSTER},
                 annotations={"tkg.tanzu.vmware.com/addon-type": _addon_type(short),
                              "kapp.k14s.io/change-group": "tkg.tanzu.vmware.com/cluster-bootstrap"},
                 spec={"serviceAccountName": "tanzu-core-addons-manager-sa", "noopDelete": True,
                       "packageRef": {"refName": ref, "versionSelection": {"constraints": ver,
                                                                            "prereleases": {}}},
                       "values": [{"secretRef": {"name": vs_name}}]},
                 status={"conditions": [{"type": "ReconcileSucceeded", "status": "True"}],
                         "friendlyDescription": "Reconcile succeeded", "lastAttemptedVersion": ver,
                         "observedGeneration": 1, "version": ver}))
    s.add(f, service_account("tanzu-core-addons-manager-sa", "tkg-system"))


def _addon_type(short: str) -> str:
    return {"antrea": "cni/antrea", "vsphere-cpi": "cloud-provider/vsphere-cpi",
            "vsphere-csi": "csi/vsphere-csi", "metrics-server": "metrics/metrics-server",
            "secretgen-controller": "addons-management/secretgen-controller",
            "pinniped": "authentication/pinniped", "tkg-storageclass": "storageclass/tkg-storageclass",
            "capabilities": "tkr/capabilities"}[short]


def _package(s: Snapshot, f: str, ref: str, ver: str, ns: str, desc: str = "") -> None:
    short = ref.split(".")[0]
    tag = "v" + ver.replace("+", "_")
    s.add(f, cr("data.packaging.carvel.dev/v1alpha1", "Package", f"{ref}.{ver}", ns,
                spec={"refName": ref, "version": ver, "releasedAt": "2022-12-15T00:00:00Z",
                      "licenses": ["VMware’s End User License Agreement (Underlying OSS license: Apache License 2.0)"],
                      "template": {"spec": {"fetch": [{"imgpkgBundle": {"image": f"{REG}/packages/{'core' if ns == 'tkg-system' else 'standard'}/{short}:{tag}"}}],
                                            "template": [{"ytt": {"paths": ["config/"]}},
                                                         {"kbld": {"paths": ["-", ".imgpkg/images.yml"]}}],
                                            "deploy": [{"kapp": {}}]}}}))
    pm = f"{ref}"
    if not any(o["kind"] == "PackageMetadata" and o["metadata"]["name"] == pm and o["metadata"]["namespace"] == ns
               for o in s.files.get(f, [])):
        s.add(f, cr("data.packaging.carvel.dev/v1alpha1", "PackageMetadata", pm, ns,
                    spec={"displayName": short, "shortDescription": desc or f"{short} package",
                          "providerName": "VMware", "maintainers": [{"name": "TKG"}]}))


def _user_packages(s: Snapshot, workers: list, pod_cidrs: dict) -> None:
    f = "30-platform/user-packages.yaml"
    t = s.ts(3)
    for name, ref, ver, target, desc in USER_PACKAGES:
        _package(s, f, ref, ver, "tanzu-package-repo-global", desc)
        sa = f"{name}-{PKG_NS}-sa"
        s.add(f, service_account(sa, PKG_NS),
              role(f"{name}-{PKG_NS}-cluster-role", None, [{"apiGroups": ["*"], "resources": ["*"], "verbs": ["*"]}]),
              role_binding(f"{name}-{PKG_NS}-cluster-rolebinding", None, "ClusterRole", f"{name}-{PKG_NS}-cluster-role",
                           [sa_subject(sa, PKG_NS)]),
              secret(f"{name}-{PKG_NS}-values", PKG_NS, {"values.yaml": f"namespace: {target}\n"}),
              cr("packaging.carvel.dev/v1alpha1", "PackageInstall", name, PKG_NS,
                 annotations={"tkg.tanzu.vmware.com/tanzu-package-ClusterRole": f"{name}-{PKG_NS}-cluster-role",
                              "tkg.tanzu.vmware.com/tanzu-package-ClusterRoleBinding":
                                  f"{name}-{PKG_NS}-cluster-rolebinding",
                              "tkg.tanzu.vmware.com/tanzu-package-Secret": f"{name}-{PKG_NS}-values",
                              "tkg.tanzu.vmware.com/tanzu-package-ServiceAccount": sa},
                 spec={"serviceAccountName": sa, "packageRef": {"refName": ref, "versionSelection": {
                     "constraints": ver}}, "values": [{"secretRef": {"name": f"{name}-{PKG_NS}-values"}}]},
                 status={"conditions": [{"type": "ReconcileSucceeded", "status": "True"}],
                         "friendlyDescription": "Reconcile succeeded", "lastAttemptedVersion": ver,
                         "observedGeneration": 1, "version": ver, "usefulErrorMessage": ""}), days=3)
    k = _kapp_labels
    addon_deployment(s, f, "cert-manager", "cert-manager", f"{REG}/cert-manager-controller:v1.7.2_vmware.3",
                     selector={"app": "cert-manager"}, labels={"app": "cert-manager", **k("cert-manager")})
    addon_deployment(s, f, "cert-manager-webhook", "cert-manager", f"{REG}/cert-manager-webhook:v1.7.2_vmware.3",
                     selector={"app": "webhook"}, labels={"app": "webhook", **k("cert-manager")})
    contour = addon_deployment(s, f, "contour", "tanzu-system-ingress", f"{REG}/contour:v1.22.3_vmware.1", replicas=2,
                               selector={"app": "contour"}, labels={"app": "contour", **k("contour")},
                               nodes=workers[:2], pod_cidrs=pod_cidrs)
    addon_daemonset(s, f, "envoy", "tanzu-system-ingress", [("shutdown-manager", f"{REG}/contour:v1.22.3_vmware.1"),
                                                            ("envoy", f"{REG}/envoy:v1.23.3_vmware.1")],
                    nodes=workers, pod_cidrs=pod_cidrs, selector={"app": "envoy"},
                    labels={"app": "envoy", **k("contour")}, host_network=False)
    s.add(f, service(s, "envoy", "tanzu-system-ingress", [{"name": "http", "port": 80, "targetPort": 8080},
                                                          {"name": "https", "port": 443, "targetPort": 8443}],
                     selector={"app": "envoy"}, type_="LoadBalancer", labels=k("contour"), cidr=SVC_CIDR,
                     lb_ingress=[{"ip": "10.30.50.20"}]),
          service(s, "contour", "tanzu-system-ingress", [{"name": "xds", "port": 8001}],
                  selector=contour["spec"]["selector"]["matchLabels"], cidr=SVC_CIDR),
          ingress_class("contour", "projectcontour.io/ingress-controller", default=True))
    for kd, p, v in (("HTTPProxy", "httpproxies", ["v1"]),
                     ("TLSCertificateDelegation", "tlscertificatedelegations", ["v1"]),
                     ("ExtensionService", "extensionservices", ["v1alpha1"])):
        s.add("20-crds/contour.yaml", crd("projectcontour.io", kd, p, versions=v,
                                          short_names=["proxy"] if kd == "HTTPProxy" else []))
    for kd, p in (("Certificate", "certificates"), ("Issuer", "issuers"), ("ClusterIssuer", "clusterissuers"),
                  ("CertificateRequest", "certificaterequests")):
        s.add("20-crds/cert-manager.yaml", crd("cert-manager.io", kd, p, scope="Cluster" if kd == "ClusterIssuer"
                                               else "Namespaced"))
    addon_daemonset(s, f, "fluent-bit", "tanzu-system-logging", f"{REG}/fluent-bit:v1.9.5_vmware.1", nodes=workers,
                    pod_cidrs=pod_cidrs, selector={"app": "fluent-bit"}, labels={"app": "fluent-bit",
                                                                                 **k("fluent-bit")},
                    host_network=False, with_pods=False)
    addon_deployment(s, f, "prometheus-server", "tanzu-system-monitoring",
                     [("prometheus-server-configmap-reload", f"{REG}/prometheus/configmap-reload:v0.7.1_vmware.1"),
                      ("prometheus-server", f"{REG}/prometheus/prometheus:v2.37.0_vmware.1")],
                     selector={"app": "prometheus", "component": "server"}, labels={"app": "prometheus",
                                                                                     **k("prometheus")})
    addon_deployment(s, f, "grafana", "tanzu-system-dashboards", f"{REG}/grafana/grafana:v7.5.16_vmware.1",
                     selector={"app": "grafana"}, labels={"app": "grafana", **k("grafana")})
    for comp in ("core", "portal", "registry", "jobservice"):
        addon_deployment(s, f, f"harbor-{comp}", "tanzu-system-registry", f"{REG}/harbor/harbor-{comp}:v2.6.3_vmware.1",
                         selector={"app": "harbor", "component": comp}, labels={"app": "harbor", "component": comp,
                                                                                 **k("harbor")})
    s.add(f, cr("projectcontour.io/v1", "HTTPProxy", "harbor-httpproxy", "tanzu-system-registry",
                spec={"virtualhost": {"fqdn": "harbor.tkg.example.internal", "tls": {"secretName": "harbor-tls"}},
                      "routes": [{"conditions": [{"prefix": "/"}], "services": [{"name": "harbor-portal", "port": 443}]}]},
                status={"currentStatus": "valid", "description": "Valid HTTPProxy",
                        "loadBalancer": {"ingress": [{"ip": "10.30.50.20"}]}}))
    _ = t


def _contour_ingress(s: Snapshot, ns: str, name: str, host: str, svc: str, port: int) -> list[Obj]:
    proxy = cr("projectcontour.io/v1", "HTTPProxy", name, ns,
               spec={"virtualhost": {"fqdn": host, "tls": {"secretName": f"{name}-tls"}},
                     "routes": [{"conditions": [{"prefix": "/"}], "services": [{"name": svc, "port": port}],
                                 "timeoutPolicy": {"response": "30s"}}]},
               status={"currentStatus": "valid", "description": "Valid HTTPProxy",
                       "loadBalancer": {"ingress": [{"ip": "10.30.50.20"}]}})
    tls = secret(f"{name}-tls", ns, {"tls.crt": "-----BEGIN CERTIFICATE-----\nFAKE\n-----END CERTIFICATE-----\n",
                                     "tls.key": "-----BEGIN PRIVATE KEY-----\nFAKE\n-----END PRIVATE KEY-----\n"},
                 type_="kubernetes.io/tls")
    legacy = ingress(f"{name}-legacy", ns, f"www.{host}", svc, port, cls="contour",
                     annotations={"projectcontour.io/websocket-routes": "/ws"},
                     lb_ingress=[{"ip": "10.30.50.20"}])
    return [tls, proxy, legacy]


def _flavor() -> Flavor:
    return Flavor(
        registry="harbor.tkg.example.internal", storage_class="default", provisioner="csi.vsphere.vmware.com",
        volume_handle=lambda key: f"{h(key, 8)}-{h(key + '1', 4)}-{h(key + '2', 4)}-{h(key + '3', 4)}-{h(key + '4', 12)}",
        csi_attrs=lambda n: {"storage.kubernetes.io/csiProvisionerIdentity": "1675692330741-8081-csi.vsphere.vmware.com",
                             "type": "vSphere CNS Block Volume"},
        apps_domain="apps.tkg.example.internal", ingress=_contour_ingress,
        lb_annotations={"aviinfrasetting.ako.vmware.com/name": "payments-infra",
                        "ako.vmware.com/enable-shared-vip": "payments-vip"},
        lb_ingress=[{"ip": "10.30.50.31"}],
        worker_selector={"topology.csi.vmware.com/k8s-region": "region-1"},
        affinity_key="topology.csi.vmware.com/k8s-zone", affinity_values=["az-1", "az-2"],
        service_cidr=SVC_CIDR, old_ingress_class_annotation="contour", created_days=20)
