"""`dkp`: D2iQ DKP 2.8 (Konvoy, kubeadm via Cluster API on vSphere, self-managed) with Kommander.

Facts: realdata/dkp/kommander-applications@v2.8.3 (apps, chart versions, HelmRepositories,
PriorityClasses, gatekeeper ConstraintTemplate/constraints, kommander-flux namespace labels),
dkp/d2iq-docs-2.3 (vSphere `get pods -A`, node names, vsphere-raw-block-sc, ClusterResourceSet
selectors), markers.md (konvoy.d2iq.io labels, plain upstream kubelet version).
"""
from __future__ import annotations

from .base import (addon_daemonset, addon_deployment, core, coredns, finalize_namespaces, kube_proxy,
                   kubeadm_control_plane)
from .common import (Obj, Snapshot, config_map, cr, crd, csi_driver, h, ingress_class, meta, namespace, node,
                     priority_class, ready_condition, service, storage_class, suffix)
from .workloads import Flavor, all_business

NAME = "dkp"
K8S = "v1.27.11"
CLUSTER = "dkp-prod"
SVC_CIDR = "10.96.0.0/12"
POD_CIDR = "192.168.0.0/16"
VIP = "10.20.30.10"
KOMMANDER = "kommander"
FLUX_NS = "kommander-flux"
DS_URL = "ds:///vmfs/volumes/6410f0c5-ad26d3fa-9b3a-0050569b1d7e/"

# (app, chart, chart version, HelmRepository, release name, target namespace) -- kommander-applications@v2.8.3
APPS = [
    ("traefik", "traefik", "26.0.0", "helm.traefik.io-traefik", "kommander-traefik", KOMMANDER, "26.0.0"),
    ("cert-manager", "cert-manager", "v1.14.2", "charts.jetstack.io", "cert-manager", "cert-manager", "1.14.2"),
    ("kube-prometheus-stack", "kube-prometheus-stack", "48.3.2", "mesosphere.github.io-charts-staging",
     "kube-prometheus-stack", KOMMANDER, "48.3.3"),
    ("grafana-loki", "loki-distributed", "0.78.3", "grafana.github.io", "grafana-loki", KOMMANDER, "0.78.3"),
    ("velero", "velero", "5.2.2", "vmware-tanzu.github.io", "velero", KOMMANDER, "5.2.3"),
    ("gatekeeper", "gatekeeper", "3.14.1", "open-policy-agent.github.io-charts", "gatekeeper", KOMMANDER, "3.14.1"),
    ("fluent-bit", "fluent-bit", "0.43.1", "fluent.github.io", "fluent-bit", KOMMANDER, "0.43.2"),
    ("logging-operator", "logging-operator", "4.2.3", "kube-logging.github.io-charts", "logging-operator",
     KOMMANDER, "4.2.5"),
    ("dex", "dex", "2.13.11", "mesosphere.github.io-charts-stable", "dex", KOMMANDER, "2.13.12"),
    ("reloader", "reloader", "1.0.65", "stakater-github-io-stakater-charts", "reloader", KOMMANDER, "1.0.65"),
    ("kubecost", "kubecost", "0.37.3", "mesosphere.github.io-charts-stable", "kubecost", "kubecost", "0.37.3"),
    ("external-dns", "external-dns", "7.1.2", "charts.github.io-bitnami", "external-dns", KOMMANDER, "7.1.2"),
]
HELM_REPOS = {
    "charts.jetstack.io": "https://charts.jetstack.io",
    "open-policy-agent.github.io-charts": "https://open-policy-agent.github.io/gatekeeper/charts/",
    "mesosphere.github.io-charts-stable": "https://mesosphere.github.io/charts/stable",
    "mesosphere.github.io-charts-staging": "https://mesosphere.github.io/charts/staging",
    "prometheus-community.github.io-helm-charts": "https://prometheus-community.github.io/helm-charts",
    "helm.traefik.io-traefik": "https://helm.traefik.io/traefik",
    "vmware-tanzu.github.io": "https://vmware-tanzu.github.io/helm-charts",
    "grafana.github.io": "https://grafana.github.io/helm-charts",
    "fluent.github.io": "https://fluent.github.io/helm-charts",
    "kube-logging.github.io-charts": "https://kube-logging.github.io/helm-charts",
    "stakater-github-io-stakater-charts": "https://stakater.github.io/stakater-charts",
    "charts.github.io-bitnami": "https://charts.bitnami.com/bitnami",
}


def cluster_meta() -> dict:
    return {"name": NAME, "distro": "dkp",
            "description": "D2iQ DKP 2.8 (Konvoy) self-managed cluster on vSphere: kubeadm via Cluster API, "
                           "Calico, vSphere CSI, Kommander platform apps via Flux; source cluster with "
                           "shop/payments/analytics business workloads.",
            "kubernetes": {"major": "1", "minor": "27", "gitVersion": K8S,
                           "gitCommit": "b9d11b9c5a1a8f9b3c66bb7e9a5f1b5d0a1fa7a1", "gitTreeState": "clean",
                           "buildDate": "2024-02-14T10:32:40Z", "goVersion": "go1.21.7", "compiler": "gc",
                           "platform": "linux/amd64"},
            "platform": "linux/amd64"}


def build() -> Snapshot:
    s = Snapshot(NAME, "2024-03-04T09:12:00Z", cluster_meta())
    core(s, service_cidr=SVC_CIDR)
    nodes, pod_cidrs, cp_nodes = _nodes(s)
    all_nodes = [(n["metadata"]["name"], n["status"]["addresses"][0]["address"]) for n in nodes]
    workers = all_nodes[3:]
    _namespaces(s)
    coredns(s, image="registry.k8s.io/coredns/coredns:v1.10.1", service_cidr_ip="10.96.0.10",
            nodes=all_nodes[:2], pod_cidrs=pod_cidrs)
    kube_proxy(s, image=f"registry.k8s.io/kube-proxy:{K8S}", nodes=all_nodes, pod_cidrs=pod_cidrs,
               cluster_cidr=POD_CIDR)
    kubeadm_control_plane(s, cp_nodes, version=K8S, registry="registry.k8s.io", etcd_tag="3.5.10-0",
                          extra_annotations={"konvoy.d2iq.io/restartedAt": "2024-03-04T09:40:12Z"},
                          cluster_name=CLUSTER, pod_subnet=POD_CIDR, service_subnet=SVC_CIDR, endpoint=f"{VIP}:6443")
    for n in cp_nodes:  # kube-vip holds the control-plane VIP (static pod, realdata get pods -A)
        from .common import static_pod
        s.add("40-pods/kube-system.yaml", static_pod(s, "kube-vip", n, "ghcr.io/kube-vip/kube-vip:v0.6.4",
                                                     n["status"]["addresses"][0]["address"], tier_label=False,
                                                     command=["/kube-vip", "manager"]))
    _kube_system_addons(s, all_nodes, pod_cidrs)
    _calico(s, all_nodes, pod_cidrs)
    _vsphere_csi(s, all_nodes, pod_cidrs)
    _capi(s, nodes)
    _flux_kommander(s, all_nodes, pod_cidrs, workers)
    _gatekeeper(s)
    _metallb(s, workers, pod_cidrs)
    all_business(s, _flavor())
    _dkp_business_extras(s)
    finalize_namespaces(s)
    return s


def _nodes(s: Snapshot) -> tuple[list[Obj], dict[str, str], list[Obj]]:
    out = []
    pod_cidrs: dict[str, str] = {}
    ms_hash = "74c849dc8c"
    names = [f"{CLUSTER}-control-plane-{suffix(CLUSTER + 'cp' + str(i))}" for i in range(3)] + \
            [f"{CLUSTER}-md-0-{ms_hash}-{suffix(CLUSTER + 'md' + str(i))}" for i in range(3)]
    for i, name in enumerate(names):
        cp = i < 3
        ip = f"10.20.30.{11 + i}" if cp else f"10.20.30.{18 + i}"
        pod_cidrs[name] = f"192.168.{i * 4}.0/22"  # calico blocks, used only for pod IPs here
        labels = {"node.kubernetes.io/instance-type": "vsphere-vm.cpu-8.mem-32gb.os-ubuntu" if not cp
                  else "vsphere-vm.cpu-4.mem-16gb.os-ubuntu",
                  "feature.node.kubernetes.io/cpu-cpuid.AVX2": "true",
                  "feature.node.kubernetes.io/kernel-version.major": "5",
                  "feature.node.kubernetes.io/system-os_release.ID": "ubuntu",
                  "feature.node.kubernetes.io/system-os_release.VERSION_ID": "20.04"}
        if cp:
            labels.update({"node-role.kubernetes.io/control-plane": "",
                           "node.kubernetes.io/exclude-from-external-load-balancers": ""})
        else:
            zone = ["zone-a", "zone-b", "zone-a"][i - 3]
            labels.update({"topology.csi.vmware.com/k8s-region": "dc-muc", "topology.csi.vmware.com/k8s-zone": zone})
        machine = name if cp else name  # CAPI Machine names equal node names on vSphere
        ann = {"kubeadm.alpha.kubernetes.io/cri-socket": "unix:///run/containerd/containerd.sock",
               "cluster.x-k8s.io/cluster-name": CLUSTER, "cluster.x-k8s.io/cluster-namespace": "default",
               "cluster.x-k8s.io/machine": machine,
               "cluster.x-k8s.io/owner-kind": "KubeadmControlPlane" if cp else "MachineSet",
               "cluster.x-k8s.io/owner-name": f"{CLUSTER}-control-plane" if cp else f"{CLUSTER}-md-0-{ms_hash}",
               "csi.volume.kubernetes.io/nodeid": '{"csi.vsphere.vmware.com":"%s"}' % name,
               "projectcalico.org/IPv4Address": f"{ip}/24",
               "projectcalico.org/IPv4IPIPTunnelAddr": f"192.168.{i * 4}.1",
               "nfd.node.kubernetes.io/feature-labels": "cpu-cpuid.AVX2,kernel-version.major,"
                                                        "system-os_release.ID,system-os_release.VERSION_ID",
               "nfd.node.kubernetes.io/worker.version": "v0.13.4"}
        vm_uuid = "4211" + h(name + "vm", 4) + "-" + h(name + "a", 4) + "-" + h(name + "b", 4) + "-" + \
            h(name + "c", 4) + "-" + h(name + "d", 12)
        n = node(s, name, ip=ip, labels=labels, annotations=ann, provider_id=f"vsphere://{vm_uuid}",
                 kubelet=K8S, os_image="Ubuntu 20.04.6 LTS", kernel="5.4.0-172-generic",
                 runtime="containerd://1.6.28", cpu="4" if cp else "8",
                 memory_ki=16_393_000 if cp else 32_871_000, pod_cidr=None,
                 taints=[{"effect": "NoSchedule", "key": "node-role.kubernetes.io/control-plane"}] if cp else None,
                 extra_addresses=[{"address": ip, "type": "ExternalIP"}], days=0 if cp else 0.02)
        s.add("10-nodes.yaml", n)
        out.append(n)
    return out, pod_cidrs, out[:3]


def _namespaces(s: Snapshot) -> None:
    plain = ["capi-system", "capi-kubeadm-bootstrap-system", "capi-kubeadm-control-plane-system", "capv-system",
             "cappp-system", "cert-manager", "node-feature-discovery", "vmware-system-csi", "git-operator-system",
             "kube-federation-system", "kubecost", "metallb-system", "kommander-default-workspace"]
    s.add("00-namespaces.yaml",
          namespace("calico-system", labels={"name": "calico-system", "pod-security.kubernetes.io/enforce":
                                             "privileged", "pod-security.kubernetes.io/enforce-version": "latest"}),
          namespace("tigera-operator", labels={"name": "tigera-operator"}),
          namespace(FLUX_NS, labels={"app.kubernetes.io/instance": "kommander-flux",
                                     "app.kubernetes.io/part-of": "flux", "app.kubernetes.io/version": "v2.2.3",
                                     "pod-security.kubernetes.io/warn": "restricted",
                                     "pod-security.kubernetes.io/warn-version": "latest"},
                    annotations={"kustomize.toolkit.fluxcd.io/ssa": "Merge"}),
          namespace(KOMMANDER, labels={"kommander.d2iq.io/managed-by-kind": "Workspace",
                                       "kommander.d2iq.io/managed-by-name": "kommander-workspace",
                                       "workspaces.kommander.mesosphere.io/workspace-name": "kommander-workspace"}),
          days=0.1)
    for ns in plain:
        lab = {}
        if ns == "kommander-default-workspace":
            lab = {"kommander.d2iq.io/managed-by-kind": "Workspace",
                   "kommander.d2iq.io/managed-by-name": "default-workspace",
                   "workspaces.kommander.mesosphere.io/workspace-name": "default-workspace"}
        if ns.startswith("cap"):
            lab = {"cluster.x-k8s.io/provider": {"capi-system": "cluster-api",
                                                 "capi-kubeadm-bootstrap-system": "bootstrap-kubeadm",
                                                 "capi-kubeadm-control-plane-system": "control-plane-kubeadm",
                                                 "capv-system": "infrastructure-vsphere",
                                                 "cappp-system": "infrastructure-preprovisioned"}[ns]}
        s.add("00-namespaces.yaml", namespace(ns, labels=lab), days=0.1)
    s.add("30-platform/priority-classes.yaml",
          priority_class("dkp-critical-priority", 100002000,
                         "This is the highest priority class that is used for critical priority DKP workloads."),
          priority_class("dkp-high-priority", 100001000,
                         "This is the priority class that is used for high priority DKP workloads."))


def _kube_system_addons(s: Snapshot, nodes: list, pod_cidrs: dict) -> None:
    f = "30-platform/kube-system.yaml"
    addon_daemonset(s, f, "vsphere-cloud-controller-manager", "kube-system",
                    "gcr.io/cloud-provider-vsphere/cpi/release/manager:v1.27.0", nodes=nodes[:3], pod_cidrs=pod_cidrs,
                    selector={"k8s-app": "vsphere-cloud-controller-manager"}, sa="cloud-controller-manager",
                    extra={"nodeSelector": {"node-role.kubernetes.io/control-plane": ""}})
    s.add(f, meta_sa("cloud-controller-manager", "kube-system"))
    addon_deployment(s, f, "cluster-autoscaler", "kube-system",
                     "registry.k8s.io/autoscaling/cluster-autoscaler:v1.27.5", selector={"app": "cluster-autoscaler"},
                     nodes=nodes[:1], pod_cidrs=pod_cidrs)
    s.add(f, storage_class("vsphere-raw-block-sc", "csi.vsphere.vmware.com", default=True,
                           parameters={"datastoreurl": DS_URL}, expansion=True),
          csi_driver("csi.vsphere.vmware.com", attach=True))


def meta_sa(name: str, ns: str) -> Obj:
    from .common import service_account
    return service_account(name, ns)


def _calico(s: Snapshot, nodes: list, pod_cidrs: dict) -> None:
    f = "30-platform/calico.yaml"
    addon_deployment(s, f, "tigera-operator", "tigera-operator", "quay.io/tigera/operator:v1.30.9",
                     selector={"name": "tigera-operator"}, labels={"k8s-app": "tigera-operator", "name": "tigera-operator"},
                     nodes=nodes[:1], pod_cidrs=pod_cidrs, extra={"hostNetwork": True})
    addon_daemonset(s, f, "calico-node", "calico-system", [("calico-node", "docker.io/calico/node:v3.26.4")],
                    nodes=nodes, pod_cidrs=pod_cidrs, selector={"k8s-app": "calico-node"})
    addon_deployment(s, f, "calico-typha", "calico-system", "docker.io/calico/typha:v3.26.4", replicas=3,
                     selector={"k8s-app": "calico-typha"}, nodes=nodes[3:], pod_cidrs=pod_cidrs,
                     extra={"hostNetwork": True})
    addon_deployment(s, f, "calico-kube-controllers", "calico-system", "docker.io/calico/kube-controllers:v3.26.4",
                     selector={"k8s-app": "calico-kube-controllers"}, nodes=nodes[:1], pod_cidrs=pod_cidrs)
    s.add("20-crds/calico.yaml",
          crd("operator.tigera.io", "Installation", "installations", scope="Cluster"),
          crd("operator.tigera.io", "TigeraStatus", "tigerastatuses", scope="Cluster"),
          crd("crd.projectcalico.org", "IPPool", "ippools", scope="Cluster", status=False),
          crd("crd.projectcalico.org", "FelixConfiguration", "felixconfigurations", scope="Cluster", status=False))
    s.add(f, cr("operator.tigera.io/v1", "Installation", "default",
                spec={"calicoNetwork": {"bgp": "Enabled", "ipPools": [
                    {"blockSize": 26, "cidr": POD_CIDR, "encapsulation": "IPIP", "natOutgoing": "Enabled",
                     "nodeSelector": "all()"}]}, "cni": {"type": "Calico"}, "variant": "Calico",
                    "registry": "docker.io/"},
                status={"variant": "Calico", "calicoVersion": "v3.26.4",
                        "conditions": [ready_condition(s.ts(0.05), "AllObjectsAvailable", "All objects available",
                                                       "Ready")]}),
          cr("crd.projectcalico.org/v1", "IPPool", "default-ipv4-ippool",
             spec={"allowedUses": ["Workload", "Tunnel"], "blockSize": 26, "cidr": POD_CIDR, "ipipMode": "Always",
                   "natOutgoing": True, "nodeSelector": "all()", "vxlanMode": "Never"}),
          cr("crd.projectcalico.org/v1", "FelixConfiguration", "default",
             spec={"bpfLogLevel": "", "floatingIPs": "Disabled", "logSeverityScreen": "Info",
                   "reportingInterval": "0s"}))


def _vsphere_csi(s: Snapshot, nodes: list, pod_cidrs: dict) -> None:
    f = "30-platform/vsphere-csi.yaml"
    reg = "gcr.io/cloud-provider-vsphere/csi/release"
    addon_deployment(s, f, "vsphere-csi-controller", "vmware-system-csi",
                     [("csi-attacher", "registry.k8s.io/sig-storage/csi-attacher:v4.3.0"),
                      ("csi-resizer", "registry.k8s.io/sig-storage/csi-resizer:v1.8.0"),
                      ("vsphere-csi-controller", f"{reg}/driver:v3.1.2"),
                      ("liveness-probe", "registry.k8s.io/sig-storage/livenessprobe:v2.10.0"),
                      ("vsphere-syncer", f"{reg}/syncer:v3.1.2"),
                      ("csi-provisioner", "registry.k8s.io/sig-storage/csi-provisioner:v3.5.0"),
                      ("csi-snapshotter", "registry.k8s.io/sig-storage/csi-snapshotter:v6.2.2")],
                     replicas=3, selector={"app": "vsphere-csi-controller"},
                     labels={"app": "vsphere-csi-controller", "role": "vsphere-csi"},
                     nodes=nodes[:3], pod_cidrs=pod_cidrs)
    addon_daemonset(s, f, "vsphere-csi-node", "vmware-system-csi",
                    [("node-driver-registrar", "registry.k8s.io/sig-storage/csi-node-driver-registrar:v2.8.0"),
                     ("vsphere-csi-node", f"{reg}/driver:v3.1.2"),
                     ("liveness-probe", "registry.k8s.io/sig-storage/livenessprobe:v2.10.0")],
                    nodes=nodes, pod_cidrs=pod_cidrs, selector={"app": "vsphere-csi-node"})
    s.add(f, config_map("internal-feature-states.csi.vsphere.vmware.com", "vmware-system-csi",
                        {"csi-migration": "true", "online-volume-extend": "true", "block-volume-snapshot": "true",
                         "improved-volume-topology": "true"}))


def _capi(s: Snapshot, nodes: list[Obj]) -> None:
    f = "30-platform/cluster-api.yaml"
    crds = [
        ("cluster.x-k8s.io", "Cluster", "clusters", ["v1beta1"], ["cl"]),
        ("cluster.x-k8s.io", "MachineDeployment", "machinedeployments", ["v1beta1"], ["md"]),
        ("cluster.x-k8s.io", "MachineSet", "machinesets", ["v1beta1"], ["ms"]),
        ("cluster.x-k8s.io", "Machine", "machines", ["v1beta1"], ["ma"]),
        ("cluster.x-k8s.io", "MachineHealthCheck", "machinehealthchecks", ["v1beta1"], ["mhc"]),
        ("controlplane.cluster.x-k8s.io", "KubeadmControlPlane", "kubeadmcontrolplanes", ["v1beta1"], ["kcp"]),
        ("bootstrap.cluster.x-k8s.io", "KubeadmConfigTemplate", "kubeadmconfigtemplates", ["v1beta1"], []),
        ("infrastructure.cluster.x-k8s.io", "VSphereCluster", "vsphereclusters", ["v1beta1"], []),
        ("infrastructure.cluster.x-k8s.io", "VSphereMachineTemplate", "vspheremachinetemplates", ["v1beta1"], []),
        ("infrastructure.cluster.x-k8s.io", "VSphereMachine", "vspheremachines", ["v1beta1"], []),
        ("addons.cluster.x-k8s.io", "ClusterResourceSet", "clusterresourcesets", ["v1beta1"], []),
    ]
    for g, k, p, v, sn in crds:
        s.add("20-crds/cluster-api.yaml", crd(g, k, p, versions=v, short_names=sn, categories=["cluster-api"],
                                              scale=k in ("MachineDeployment", "MachineSet", "KubeadmControlPlane"),
                                              labels={"cluster.x-k8s.io/provider": "cluster-api",
                                                      "clusterctl.cluster.x-k8s.io": ""}))
    for ns, name, img in (
            ("capi-system", "capi-controller-manager", "registry.k8s.io/cluster-api/cluster-api-controller:v1.5.3"),
            ("capi-kubeadm-bootstrap-system", "capi-kubeadm-bootstrap-controller-manager",
             "registry.k8s.io/cluster-api/kubeadm-bootstrap-controller:v1.5.3"),
            ("capi-kubeadm-control-plane-system", "capi-kubeadm-control-plane-controller-manager",
             "registry.k8s.io/cluster-api/kubeadm-control-plane-controller:v1.5.3"),
            ("capv-system", "capv-controller-manager",
             "registry.k8s.io/cluster-api-vsphere/cluster-api-vsphere-controller:v1.8.4"),
            ("cappp-system", "cappp-controller-manager",
             "docker.io/mesosphere/cluster-api-preprovisioned-controller:v0.13.5")):
        addon_deployment(s, f, name, ns, [("manager", img)], selector={"cluster.x-k8s.io/provider": ns.split("-system")[0],
                                                                        "control-plane": "controller-manager"},
                         labels={"cluster.x-k8s.io/provider": ns.split("-system")[0],
                                 "clusterctl.cluster.x-k8s.io": "", "control-plane": "controller-manager"})
    labels = {"konvoy.d2iq.io/cluster-name": CLUSTER, "konvoy.d2iq.io/provider": "vsphere",
              "konvoy.d2iq.io/csi": "vsphere-csi", "konvoy.d2iq.io/cni": "calico",
              "konvoy.d2iq.io/autoscaler": "cluster-autoscaler", "cluster.x-k8s.io/provider": "vsphere"}
    t = s.ts(0)
    ready = {"conditions": [{"lastTransitionTime": t, "status": "True", "type": "Ready"}]}
    s.add(f, cr("cluster.x-k8s.io/v1beta1", "Cluster", CLUSTER, "default", labels=labels,
                spec={"clusterNetwork": {"pods": {"cidrBlocks": [POD_CIDR]}, "services": {"cidrBlocks": [SVC_CIDR]}},
                      "controlPlaneEndpoint": {"host": VIP, "port": 6443},
                      "controlPlaneRef": {"apiVersion": "controlplane.cluster.x-k8s.io/v1beta1",
                                          "kind": "KubeadmControlPlane", "name": f"{CLUSTER}-control-plane",
                                          "namespace": "default"},
                      "infrastructureRef": {"apiVersion": "infrastructure.cluster.x-k8s.io/v1beta1",
                                            "kind": "VSphereCluster", "name": CLUSTER, "namespace": "default"}},
                status={"controlPlaneReady": True, "infrastructureReady": True, "observedGeneration": 2,
                        "phase": "Provisioned", **ready}),
          cr("infrastructure.cluster.x-k8s.io/v1beta1", "VSphereCluster", CLUSTER, "default",
             labels={"cluster.x-k8s.io/cluster-name": CLUSTER},
             spec={"controlPlaneEndpoint": {"host": VIP, "port": 6443}, "identityRef": {"kind": "Secret",
                                                                                          "name": CLUSTER},
                   "server": "vcenter.acme.internal", "thumbprint": "AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99:"
                                                                   "AA:BB:CC:DD"},
             status={"ready": True, **ready}),
          cr("controlplane.cluster.x-k8s.io/v1beta1", "KubeadmControlPlane", f"{CLUSTER}-control-plane", "default",
             labels={"cluster.x-k8s.io/cluster-name": CLUSTER},
             spec={"replicas": 3, "version": K8S,
                   "machineTemplate": {"infrastructureRef": {
                       "apiVersion": "infrastructure.cluster.x-k8s.io/v1beta1", "kind": "VSphereMachineTemplate",
                       "name": f"{CLUSTER}-control-plane", "namespace": "default"}},
                   "kubeadmConfigSpec": {"clusterConfiguration": {"apiServer": {"extraArgs": {
                       "cloud-provider": "external", "audit-log-path": "/var/log/audit/kube-apiserver-audit.log"}},
                       "controllerManager": {"extraArgs": {"cloud-provider": "external"}}}},
                   "rolloutStrategy": {"rollingUpdate": {"maxSurge": 1}, "type": "RollingUpdate"}},
             status={"initialized": True, "ready": True, "readyReplicas": 3, "replicas": 3, "updatedReplicas": 3,
                     "unavailableReplicas": 0, "version": K8S, "observedGeneration": 1,
                     "selector": f"cluster.x-k8s.io/cluster-name={CLUSTER},"
                                 "cluster.x-k8s.io/control-plane", **ready}),
          cr("cluster.x-k8s.io/v1beta1", "MachineDeployment", f"{CLUSTER}-md-0", "default",
             labels={"cluster.x-k8s.io/cluster-name": CLUSTER},
             spec={"clusterName": CLUSTER, "replicas": 3, "selector": {"matchLabels": {
                 "cluster.x-k8s.io/cluster-name": CLUSTER, "cluster.x-k8s.io/deployment-name": f"{CLUSTER}-md-0"}},
                 "template": {"metadata": {"labels": {"cluster.x-k8s.io/cluster-name": CLUSTER,
                                                      "cluster.x-k8s.io/deployment-name": f"{CLUSTER}-md-0"}},
                              "spec": {"bootstrap": {"configRef": {
                                  "apiVersion": "bootstrap.cluster.x-k8s.io/v1beta1", "kind": "KubeadmConfigTemplate",
                                  "name": f"{CLUSTER}-md-0"}}, "clusterName": CLUSTER,
                                  "infrastructureRef": {"apiVersion": "infrastructure.cluster.x-k8s.io/v1beta1",
                                                        "kind": "VSphereMachineTemplate", "name": f"{CLUSTER}-md-0"},
                                  "version": K8S}}},
             status={"availableReplicas": 3, "observedGeneration": 1, "phase": "Running", "readyReplicas": 3,
                     "replicas": 3, "updatedReplicas": 3, **ready}))
    for role, cpu, mem in (("control-plane", 4, 16384), ("md-0", 8, 32768)):
        s.add(f, cr("infrastructure.cluster.x-k8s.io/v1beta1", "VSphereMachineTemplate", f"{CLUSTER}-{role}",
                    "default", spec={"template": {"spec": {
                        "cloneMode": "fullClone", "datacenter": "dc-muc", "datastore": "vsanDatastore",
                        "diskGiB": 80, "folder": "/dc-muc/vm/dkp", "memoryMiB": mem, "numCPUs": cpu,
                        "network": {"devices": [{"dhcp4": True, "networkName": "VM Network"}]},
                        "resourcePool": "/dc-muc/host/cluster-01/Resources/dkp", "server": "vcenter.acme.internal",
                        "template": "ubuntu-2004-kube-v1.27.11"}}}))
    s.add(f, cr("bootstrap.cluster.x-k8s.io/v1beta1", "KubeadmConfigTemplate", f"{CLUSTER}-md-0", "default",
                spec={"template": {"spec": {"joinConfiguration": {"nodeRegistration": {
                    "criSocket": "/run/containerd/containerd.sock",
                    "kubeletExtraArgs": {"cloud-provider": "external"}, "name": "{{ ds.meta_data.hostname }}"}}}}}))
    for n in nodes:
        name = n["metadata"]["name"]
        cp = "control-plane" in name
        lab = {"cluster.x-k8s.io/cluster-name": CLUSTER}
        if cp:
            lab.update({"cluster.x-k8s.io/control-plane": "",
                        "cluster.x-k8s.io/control-plane-name": f"{CLUSTER}-control-plane"})
        else:
            lab.update({"cluster.x-k8s.io/deployment-name": f"{CLUSTER}-md-0",
                        "cluster.x-k8s.io/set-name": f"{CLUSTER}-md-0-74c849dc8c"})
        s.add(f, cr("cluster.x-k8s.io/v1beta1", "Machine", name, "default", labels=lab,
                    spec={"clusterName": CLUSTER, "providerID": n["spec"]["providerID"], "version": K8S,
                          "bootstrap": {"dataSecretName": name},
                          "infrastructureRef": {"apiVersion": "infrastructure.cluster.x-k8s.io/v1beta1",
                                                "kind": "VSphereMachine", "name": name, "namespace": "default"}},
                    status={"addresses": n["status"]["addresses"][:1], "bootstrapReady": True,
                            "infrastructureReady": True, "nodeRef": {"apiVersion": "v1", "kind": "Node",
                                                                     "name": name, "uid": n["metadata"]["uid"]},
                            "observedGeneration": 3, "phase": "Running", **ready}))
    for crs, sel, cm in (("calico-cni-installation", {"konvoy.d2iq.io/cni": "calico"}, "calico-cni-installation"),
                         ("tigera-operator", {"konvoy.d2iq.io/cni": "calico"}, "tigera-operator"),
                         ("vsphere-csi", {"konvoy.d2iq.io/csi": "vsphere-csi", "konvoy.d2iq.io/provider": "vsphere"},
                          "vsphere-csi"),
                         ("cluster-autoscaler", {"konvoy.d2iq.io/autoscaler": "cluster-autoscaler"},
                          "cluster-autoscaler"),
                         ("node-feature-discovery", {"konvoy.d2iq.io/cluster-name": CLUSTER},
                          "node-feature-discovery")):
        s.add(f, cr("addons.cluster.x-k8s.io/v1beta1", "ClusterResourceSet", f"{crs}-{CLUSTER}", "default",
                    spec={"clusterSelector": {"matchLabels": sel}, "resources": [{"kind": "ConfigMap",
                                                                                 "name": f"{cm}-{CLUSTER}"}],
                          "strategy": "ApplyOnce"},
                    status={"conditions": [{"lastTransitionTime": t, "status": "True",
                                            "type": "ResourcesApplied"}], "observedGeneration": 1}),
              config_map(f"{cm}-{CLUSTER}", "default", {"custom-resources.yaml": f"# {cm} manifests applied "
                                                                                 "once by the ClusterResourceSet\n"}))
    # node-feature-discovery came in through its ClusterResourceSet
    addon_deployment(s, "30-platform/node-feature-discovery.yaml", "node-feature-discovery-master",
                     "node-feature-discovery", "registry.k8s.io/nfd/node-feature-discovery:v0.13.4",
                     selector={"app.kubernetes.io/name": "node-feature-discovery", "role": "master"})


def _flux_kommander(s: Snapshot, nodes: list, pod_cidrs: dict, workers: list) -> None:
    f = "30-platform/kommander-flux.yaml"
    for name, ver in (("source-controller", "v1.2.4"), ("kustomize-controller", "v1.2.2"),
                      ("helm-controller", "v0.37.4"), ("notification-controller", "v1.2.4")):
        addon_deployment(s, f, name, FLUX_NS, [("manager", f"ghcr.io/fluxcd/{name}:{ver}")],
                         selector={"app": name},
                         labels={"app": name, "app.kubernetes.io/component": name,
                                 "app.kubernetes.io/instance": "kommander-flux", "app.kubernetes.io/part-of": "flux",
                                 "app.kubernetes.io/version": "v2.2.3", "control-plane": "controller"},
                         nodes=workers[:1], pod_cidrs=pod_cidrs,
                         extra={"priorityClassName": "dkp-critical-priority"})
    flux_labels = {"app.kubernetes.io/instance": "kommander-flux", "app.kubernetes.io/part-of": "flux",
                   "app.kubernetes.io/version": "v2.2.3"}
    for g, k, p, v, sn in (("source.toolkit.fluxcd.io", "GitRepository", "gitrepositories", ["v1"], ["gitrepo"]),
                           ("source.toolkit.fluxcd.io", "HelmRepository", "helmrepositories", ["v1beta2"],
                            ["helmrepo"]),
                           ("source.toolkit.fluxcd.io", "HelmChart", "helmcharts", ["v1beta2"], ["hc"]),
                           ("helm.toolkit.fluxcd.io", "HelmRelease", "helmreleases", ["v2beta1"], ["hr"]),
                           ("kustomize.toolkit.fluxcd.io", "Kustomization", "kustomizations", ["v1"], ["ks"])):
        s.add("20-crds/flux.yaml", crd(g, k, p, versions=v, short_names=sn, labels=dict(
            flux_labels, **{"app.kubernetes.io/component": p.split("s")[0]})))
    s.add("20-crds/kommander.yaml",
          crd("apps.kommander.d2iq.io", "AppDeployment", "appdeployments", versions=["v1alpha3"]),
          crd("apps.kommander.d2iq.io", "ClusterApp", "clusterapps", versions=["v1alpha3"], scope="Cluster"))
    t = s.ts(0.1)
    s.add(f, cr("source.toolkit.fluxcd.io/v1", "GitRepository", "management", FLUX_NS,
                spec={"interval": "1m0s", "ref": {"branch": "main"}, "timeout": "60s",
                      "url": "http://kommander-git-operator-git-http.git-operator-system.svc/repositories/kommander/"
                             "kommander.git"},
                status={"artifact": {"revision": "main@sha1:" + h("mgmt", 40), "path": "gitrepository/kommander-flux/"
                                     "management/" + h("mgmt", 40) + ".tar.gz"},
                        "conditions": [ready_condition(t, "Succeeded", "stored artifact for revision 'main@sha1:"
                                                       + h("mgmt", 40) + "'")]}))
    for repo, url in HELM_REPOS.items():
        s.add(f, cr("source.toolkit.fluxcd.io/v1beta2", "HelmRepository", repo, FLUX_NS,
                    spec={"interval": "10m", "timeout": "1m", "url": url},
                    status={"conditions": [ready_condition(t, "Succeeded", "stored artifact: revision 'sha256:"
                                                           + h(repo, 64) + "'")]}))
    hr_file = "30-platform/kommander-apps.yaml"
    for app, chart, ver, repo, release, target, app_ver in APPS:
        ns = KOMMANDER
        spec = {"chart": {"spec": {"chart": chart, "sourceRef": {"kind": "HelmRepository", "name": repo,
                                                                 "namespace": FLUX_NS}, "version": ver}},
                "interval": "15s", "install": {"crds": "CreateReplace", "remediation": {"retries": 30}},
                "upgrade": {"crds": "CreateReplace", "remediation": {"retries": 30}},
                "releaseName": release, "targetNamespace": target,
                "valuesFrom": [{"kind": "ConfigMap", "name": f"{app}-{app_ver}-d2iq-defaults"}]}
        s.add(hr_file,
              cr("helm.toolkit.fluxcd.io/v2beta1", "HelmRelease", app, ns, spec=spec,
                 labels={"kustomize.toolkit.fluxcd.io/name": app, "kustomize.toolkit.fluxcd.io/namespace": ns},
                 status={"conditions": [ready_condition(t, "ReconciliationSucceeded", f"Release reconciliation "
                                                        "succeeded"),
                                        ready_condition(t, "InstallSucceeded", "Helm install succeeded", "Released")],
                         "helmChart": f"{FLUX_NS}/{ns}-{app}", "lastAppliedRevision": ver.lstrip("v") if
                         chart != "cert-manager" else ver, "lastAttemptedRevision": ver, "observedGeneration": 1}),
              config_map(f"{app}-{app_ver}-d2iq-defaults", ns, {"values.yaml": f"# DKP defaults for {app}\n"
                                                                              "priorityClassName: dkp-high-priority\n"}),
              cr("kustomize.toolkit.fluxcd.io/v1", "Kustomization", f"{app}", ns,
                 spec={"interval": "6h", "path": f"./services/{app}/{app_ver}", "prune": True, "retryInterval": "1m",
                       "sourceRef": {"kind": "GitRepository", "name": "management", "namespace": FLUX_NS},
                       "timeout": "1m", "wait": True,
                       "postBuild": {"substitute": {"releaseNamespace": ns}}},
                 status={"conditions": [ready_condition(t, "ReconciliationSucceeded",
                                                        "Applied revision: main@sha1:" + h("mgmt", 40))],
                         "lastAppliedRevision": "main@sha1:" + h("mgmt", 40), "observedGeneration": 1}),
              cr("apps.kommander.d2iq.io/v1alpha3", "AppDeployment", app, ns,
                 spec={"appRef": {"kind": "ClusterApp", "name": f"{app}-{app_ver}"}}),
              cr("apps.kommander.d2iq.io/v1alpha3", "ClusterApp", f"{app}-{app_ver}",
                 labels={"apps.kommander.d2iq.io/component": "platform"},
                 spec={"appId": app, "version": app_ver, "type": "platform"}))
    # what those releases run (images as the charts default them)
    kf = "30-platform/kommander-workloads.yaml"
    traefik = addon_deployment(s, kf, "kommander-traefik", KOMMANDER, [("kommander-traefik", "traefik:v2.10.1")],
                               replicas=2, selector={"app.kubernetes.io/instance": "kommander-traefik",
                                                     "app.kubernetes.io/name": "traefik"},
                               labels={"app.kubernetes.io/instance": "kommander-traefik",
                                       "app.kubernetes.io/managed-by": "Helm", "app.kubernetes.io/name": "traefik",
                                       "helm.sh/chart": "traefik-26.0.0"},
                               nodes=workers, pod_cidrs=pod_cidrs,
                               extra={"priorityClassName": "dkp-critical-priority"})
    s.add(kf, service(s, "kommander-traefik", KOMMANDER, [{"name": "web", "port": 80, "targetPort": "web"},
                                                          {"name": "websecure", "port": 443, "targetPort": "websecure"}],
                      selector=traefik["spec"]["selector"]["matchLabels"], type_="LoadBalancer",
                      labels=traefik["metadata"]["labels"], lb_ingress=[{"ip": "10.20.40.10"}],
                      annotations={"metallb.universe.tf/ip-allocated-from-pool": "metallb"}),
          ingress_class("kommander-traefik", "traefik.io/ingress-controller", default=True,
                        labels={"app.kubernetes.io/instance": "kommander-traefik",
                                "app.kubernetes.io/managed-by": "Helm", "app.kubernetes.io/name": "traefik"}))
    for name, ns, img in (
            ("cert-manager", "cert-manager", "quay.io/jetstack/cert-manager-controller:v1.14.2"),
            ("cert-manager-cainjector", "cert-manager", "quay.io/jetstack/cert-manager-cainjector:v1.14.2"),
            ("cert-manager-webhook", "cert-manager", "quay.io/jetstack/cert-manager-webhook:v1.14.2"),
            ("kube-prometheus-stack-operator", KOMMANDER, "quay.io/prometheus-operator/prometheus-operator:v0.66.0"),
            ("kube-prometheus-stack-grafana", KOMMANDER, "docker.io/grafana/grafana:10.3.3"),
            ("kube-prometheus-stack-kube-state-metrics", KOMMANDER,
             "registry.k8s.io/kube-state-metrics/kube-state-metrics:v2.9.2"),
            ("velero", KOMMANDER, "velero/velero:v1.12.3"),
            ("gatekeeper-controller-manager", KOMMANDER, "openpolicyagent/gatekeeper:v3.14.1"),
            ("gatekeeper-audit", KOMMANDER, "openpolicyagent/gatekeeper:v3.14.1"),
            ("logging-operator", KOMMANDER, "ghcr.io/kube-logging/logging-operator:4.2.3"),
            ("dex", KOMMANDER, "ghcr.io/dexidp/dex:v2.37.0"),
            ("reloader-reloader", KOMMANDER, "ghcr.io/stakater/reloader:v1.0.65"),
            ("external-dns", KOMMANDER, "docker.io/bitnami/external-dns:0.14.0-debian-11-r2"),
            ("grafana-loki-loki-distributed-distributor", KOMMANDER, "docker.io/grafana/loki:2.9.4"),
            ("kubecost-cost-analyzer", "kubecost", "gcr.io/kubecost1/cost-model:prod-1.104.0"),
            ("kommander-git-operator-controller-manager", "git-operator-system",
             "docker.io/mesosphere/git-operator:v0.9.2")):
        addon_deployment(s, kf, name, ns, img, selector={"app.kubernetes.io/name": name},
                         extra={"priorityClassName": "dkp-high-priority"})
    addon_daemonset(s, kf, "fluent-bit", KOMMANDER, "cr.fluentbit.io/fluent/fluent-bit:2.2.2", nodes=nodes,
                    pod_cidrs=pod_cidrs, selector={"app.kubernetes.io/instance": "fluent-bit",
                                                   "app.kubernetes.io/name": "fluent-bit"}, host_network=False,
                    with_pods=False)
    from .common import statefulset, pod_spec, container
    prom = statefulset("prometheus-kube-prometheus-stack-prometheus", KOMMANDER,
                       pod_spec([container("prometheus", "quay.io/prometheus/prometheus:v2.45.0")]), replicas=1,
                       service="prometheus-operated", claims=[],
                       selector={"app.kubernetes.io/instance": "kube-prometheus-stack-prometheus",
                                 "app.kubernetes.io/name": "prometheus", "prometheus": "kube-prometheus-stack-prometheus"})
    del prom["spec"]["volumeClaimTemplates"]
    am = statefulset("alertmanager-kube-prometheus-stack-alertmanager", KOMMANDER,
                     pod_spec([container("alertmanager", "quay.io/prometheus/alertmanager:v0.25.0")]), replicas=1,
                     service="alertmanager-operated", claims=[],
                     selector={"alertmanager": "kube-prometheus-stack-alertmanager",
                               "app.kubernetes.io/name": "alertmanager"})
    del am["spec"]["volumeClaimTemplates"]
    s.add(kf, prom, am)
    for g, k, p, v in (("monitoring.coreos.com", "ServiceMonitor", "servicemonitors", ["v1"]),
                       ("monitoring.coreos.com", "PodMonitor", "podmonitors", ["v1"]),
                       ("monitoring.coreos.com", "PrometheusRule", "prometheusrules", ["v1"]),
                       ("monitoring.coreos.com", "Prometheus", "prometheuses", ["v1"]),
                       ("monitoring.coreos.com", "Alertmanager", "alertmanagers", ["v1"]),
                       ("cert-manager.io", "Certificate", "certificates", ["v1"]),
                       ("cert-manager.io", "Issuer", "issuers", ["v1"]),
                       ("velero.io", "BackupStorageLocation", "backupstoragelocations", ["v1"]),
                       ("velero.io", "Schedule", "schedules", ["v1"]),
                       ("velero.io", "Backup", "backups", ["v1"]),
                       ("traefik.io", "Middleware", "middlewares", ["v1alpha1"]),
                       ("traefik.io", "IngressRoute", "ingressroutes", ["v1alpha1"]),
                       ("traefik.containo.us", "Middleware", "middlewares", ["v1alpha1"]),
                       ("traefik.containo.us", "IngressRoute", "ingressroutes", ["v1alpha1"])):
        s.add(f"20-crds/{g.split('.')[0]}.yaml", crd(g, k, p, versions=v))
    s.add("20-crds/cert-manager.yaml", crd("cert-manager.io", "ClusterIssuer", "clusterissuers", scope="Cluster"))
    s.add(kf, cr("cert-manager.io/v1", "ClusterIssuer", "selfsigned-issuer", spec={"selfSigned": {}},
                 status={"conditions": [ready_condition(t, "IsReady", "", "Ready")]}),
          cr("cert-manager.io/v1", "ClusterIssuer", "kommander-ca", spec={"ca": {"secretName": "kommander-ca"}},
             status={"conditions": [ready_condition(t, "KeyPairVerified", "Signing CA verified", "Ready")]}),
          cr("velero.io/v1", "BackupStorageLocation", "default", KOMMANDER,
             spec={"default": True, "objectStorage": {"bucket": "dkp-velero"}, "provider": "aws",
                   "config": {"region": "dkp-object-store", "s3ForcePathStyle": "true",
                              "s3Url": "http://rook-ceph-rgw-dkp-object-store.kommander.svc:80"},
                   "credential": {"key": "aws", "name": "dkp-velero"}},
             status={"phase": "Available", "lastValidationTime": s.ts(30)}),
          cr("traefik.io/v1alpha1", "Middleware", "stripprefixes", KOMMANDER,
             spec={"stripPrefix": {"prefixes": ["/dkp/traefik"]}}),
          cr("traefik.io/v1alpha1", "Middleware", "forwardauth", KOMMANDER,
             spec={"forwardAuth": {"address": "http://traefik-forward-auth-kommander.kommander.svc.cluster.local:4181/",
                                   "trustForwardHeader": True}}))


def _gatekeeper(s: Snapshot) -> None:
    f = "30-platform/gatekeeper.yaml"
    s.add("20-crds/gatekeeper.yaml",
          crd("templates.gatekeeper.sh", "ConstraintTemplate", "constrainttemplates", versions=["v1beta1", "v1"],
              scope="Cluster", storage="v1", labels={"gatekeeper.sh/system": "yes"}),
          crd("constraints.gatekeeper.sh", "RequiredServiceAccountName", "requiredserviceaccountname",
              versions=["v1beta1"], scope="Cluster", categories=["constraint", "constraints"],
              labels={"gatekeeper.sh/constraint": "yes"}))
    s.add(f, cr("templates.gatekeeper.sh/v1beta1", "ConstraintTemplate", "requiredserviceaccountname",
                annotations={"description": "Requires the given resource to have the .spec.serviceAccountName field "
                                            "set."},
                spec={"crd": {"spec": {"names": {"kind": "RequiredServiceAccountName"}}},
                      "targets": [{"target": "admission.k8s.gatekeeper.sh", "rego": (
                          "package requiredserviceaccountname\nviolation[{\"msg\": msg}] {\n"
                          "  value := object.get(input.review.object.spec, \"serviceAccountName\", \"\")\n"
                          "  value == \"\"\n  msg := \"must have a serviceAccountName set\"\n}\n")}]},
                status={"created": True, "observedGeneration": 1}))
    for name, group, kind in (("helmrelease-must-have-sa", "helm.toolkit.fluxcd.io", "HelmRelease"),
                              ("kustomization-must-have-sa", "kustomize.toolkit.fluxcd.io", "Kustomization")):
        s.add(f, cr("constraints.gatekeeper.sh/v1beta1", "RequiredServiceAccountName", name,
                    spec={"match": {"kinds": [{"apiGroups": [group], "kinds": [kind]}],
                                    "namespaceSelector": {"matchLabels": {
                                        "kommander.d2iq.io/managed-by-kind": "Project"}}}},
                    status={"totalViolations": 0}))


def _metallb(s: Snapshot, workers: list, pod_cidrs: dict) -> None:
    f = "30-platform/metallb.yaml"
    s.add("20-crds/metallb.yaml", crd("metallb.io", "IPAddressPool", "ipaddresspools", versions=["v1beta1"]),
          crd("metallb.io", "L2Advertisement", "l2advertisements", versions=["v1beta1"]))
    addon_deployment(s, f, "metallb-controller", "metallb-system", "quay.io/metallb/controller:v0.13.12",
                     selector={"app.kubernetes.io/component": "controller", "app.kubernetes.io/name": "metallb"})
    addon_daemonset(s, f, "metallb-speaker", "metallb-system", "quay.io/metallb/speaker:v0.13.12", nodes=workers,
                    pod_cidrs=pod_cidrs, selector={"app.kubernetes.io/component": "speaker",
                                                   "app.kubernetes.io/name": "metallb"})
    s.add(f, cr("metallb.io/v1beta1", "IPAddressPool", "metallb", "metallb-system",
                spec={"addresses": ["10.20.40.10-10.20.40.40"], "autoAssign": True}),
          cr("metallb.io/v1beta1", "L2Advertisement", "metallb", "metallb-system",
             spec={"ipAddressPools": ["metallb"]}))


def _traefik_ingress(s: Snapshot, ns: str, name: str, host: str, svc: str, port: int) -> list[Obj]:
    from .common import ingress
    ing = ingress(name, ns, host, svc, port, cls="kommander-traefik", tls_secret=f"{name}-tls",
                  annotations={"traefik.ingress.kubernetes.io/router.tls": "true",
                               "traefik.ingress.kubernetes.io/router.middlewares": f"{ns}-security-headers"
                                                                                  "@kubernetescrd",
                               "cert-manager.io/cluster-issuer": "kommander-ca"},
                  lb_ingress=[{"ip": "10.20.40.10"}])
    mw = cr("traefik.io/v1alpha1", "Middleware", "security-headers", ns,
            spec={"headers": {"frameDeny": True, "stsSeconds": 31536000, "contentTypeNosniff": True}})
    cert = cr("cert-manager.io/v1", "Certificate", f"{name}-tls", ns,
              spec={"dnsNames": [host], "issuerRef": {"kind": "ClusterIssuer", "name": "kommander-ca"},
                    "secretName": f"{name}-tls"},
              status={"conditions": [ready_condition(s.ts(61), "Ready", "Certificate is up to date and has not "
                                                     "expired", "Ready")], "notAfter": "2025-06-01T00:00:00Z"})
    return [ing, mw, cert]


def _flavor() -> Flavor:
    return Flavor(
        registry="registry.acme.internal:5000", storage_class="vsphere-raw-block-sc",
        provisioner="csi.vsphere.vmware.com",
        volume_handle=lambda key: f"{h(key, 8)}-{h(key + '1', 4)}-{h(key + '2', 4)}-{h(key + '3', 4)}-{h(key + '4', 12)}",
        csi_attrs=lambda n: {"storage.kubernetes.io/csiProvisionerIdentity": "1709543520113-8081-csi.vsphere.vmware.com",
                             "type": "vSphere CNS Block Volume"},
        apps_domain="apps.dkp.acme.internal", ingress=_traefik_ingress,
        lb_annotations={"metallb.universe.tf/address-pool": "metallb",
                        "metallb.universe.tf/loadBalancerIPs": "10.20.40.15"},
        lb_ingress=[{"ip": "10.20.40.15"}],
        worker_selector={"feature.node.kubernetes.io/cpu-cpuid.AVX2": "true"},
        affinity_key="topology.csi.vmware.com/k8s-zone", affinity_values=["zone-a", "zone-b"],
        service_cidr=SVC_CIDR, old_ingress_class_annotation="kommander-traefik",
        ns_labels={"kommander.d2iq.io/managed-by-kind": "Project",
                   "workspaces.kommander.mesosphere.io/workspace-name": "default-workspace"},
        created_days=30)


def _dkp_business_extras(s: Snapshot) -> None:
    s.add("50-workloads/payments.yaml",
          cr("monitoring.coreos.com/v1", "ServiceMonitor", "payments-api", "payments",
             labels={"prometheus.kommander.d2iq.io/select": "true"},
             spec={"endpoints": [{"interval": "30s", "path": "/actuator/prometheus", "port": "https",
                                  "scheme": "https", "tlsConfig": {"insecureSkipVerify": True}}],
                   "selector": {"matchLabels": {"app": "payments-api"}}}), days=36)
    s.add("50-workloads/shop.yaml",
          cr("velero.io/v1", "Schedule", "shop-daily", KOMMANDER,
             spec={"schedule": "0 1 * * *", "template": {"includedNamespaces": ["shop"], "ttl": "720h0m0s",
                                                         "snapshotVolumes": True}},
             status={"phase": "Enabled", "lastBackup": s.ts(89)}), days=40)
