"""`kubeadm`: an upstream Kubernetes v1.33 TARGET cluster as `kubeadm init` / `kubeadm join` leave it
(1 control-plane node + 2 workers), plus the add-ons an operator must choose because kubeadm ships
none: Calico (tigera-operator Helm chart), local-path-provisioner (default StorageClass `local-path`)
and ingress-nginx (Helm chart, IngressClass `nginx`, NodePort Service as on bare metal).

Facts: kubeadm's own node labels/annotations/taint (`node-role.kubernetes.io/control-plane`,
`node.kubernetes.io/exclude-from-external-load-balancers`, `kubeadm.alpha.kubernetes.io/cri-socket`;
markers.md §2, the same as the dkp snapshot's kubeadm nodes), static pods as mirror Pods
(`kubernetes.io/config.*`, `kubeadm.kubernetes.io/*advertise*` annotations), kube-proxy DaemonSet,
CoreDNS Deployment + `kube-dns` Service, `kubeadm-config` (ClusterConfiguration v1beta4, the
default since kubeadm 1.31) and `kubelet-config` ConfigMaps, `cluster-info` in kube-public.
Versions matching the kubeadm target profile (playbooks/profiles/targets/kubeadm.yaml): Kubernetes
1.33, Calico v3.29.1, ingress-nginx chart 4.11.3, local-path-provisioner v0.0.30. The etcd/CoreDNS
image tags kubeadm 1.33 pins, the tigera-operator tag and the OS/runtime strings are best knowledge,
not realdata.
"""
from __future__ import annotations

from .base import core, coredns, finalize_namespaces, kube_proxy, svc_dns_ip
from .common import (Obj, Snapshot, config_map, container, cr, crd, deployment, h,
                     helm_annotations, helm_labels, helm_release_secret, ingress_class, namespace, node, pod_spec,
                     pods_for, port, ready_condition, replicaset_for, res, service, service_account, static_pod,
                     storage_class)

NAME = "kubeadm"
K8S = "v1.33.5"
SVC_CIDR = "10.96.0.0/12"     # kubeadm default --service-cidr
POD_CIDR = "192.168.0.0/16"   # --pod-network-cidr as Calico's quickstart has it
REGISTRY = "registry.k8s.io"
ETCD_TAG = "3.5.21-0"
COREDNS_TAG = "v1.12.0"
CALICO = "v3.29.1"
TIGERA_OPERATOR = "v1.36.2"
NGINX_CHART, NGINX_APP = "4.11.3", "1.11.3"
LOCAL_PATH = "v0.0.30"
ENDPOINT = "k8s-api.example.internal:6443"
CRI_SOCKET = "unix:///var/run/containerd/containerd.sock"


def cluster_meta() -> dict:
    return {"name": NAME, "distro": "kubeadm",
            "description": "Upstream Kubernetes v1.33 migration TARGET built with kubeadm: 1 control-plane node + "
                           "2 workers, kube-proxy, CoreDNS; operator-chosen add-ons (kubeadm ships none): Calico via "
                           "tigera-operator, local-path-provisioner as default StorageClass `local-path`, "
                           "ingress-nginx with IngressClass `nginx`. No business workloads.",
            "kubernetes": {"major": "1", "minor": "33", "gitVersion": K8S,
                           "gitCommit": "2a6f0a9e1b7c4d3e5f8a0b2c4d6e8f0a1b3c5d7e", "gitTreeState": "clean",
                           "buildDate": "2025-09-09T19:44:50Z", "goVersion": "go1.24.6", "compiler": "gc",
                           "platform": "linux/amd64"},
            "platform": "linux/amd64"}


def build() -> Snapshot:
    s = Snapshot(NAME, "2025-10-06T08:00:00Z", cluster_meta())
    core(s, service_cidr=SVC_CIDR)
    for ns in ("tigera-operator", "calico-system", "calico-apiserver", "local-path-storage", "ingress-nginx"):
        s.add("00-namespaces.yaml", namespace(ns), days=0.05)
    nodes = _nodes(s)
    all_nodes = [(n["metadata"]["name"], n["status"]["addresses"][0]["address"]) for n in nodes]
    # Calico IPAM blocks (/26) inside the pod network, one per node: used for pod IPs only
    pod_cidrs = {name: f"192.168.{i * 64}.0/26" for i, (name, _) in enumerate(all_nodes)}
    _control_plane(s, nodes[0])
    coredns(s, image=f"{REGISTRY}/coredns/coredns:{COREDNS_TAG}", service_cidr_ip=svc_dns_ip(SVC_CIDR),
            nodes=all_nodes[1:], pod_cidrs=pod_cidrs)
    kube_proxy(s, image=f"{REGISTRY}/kube-proxy:{K8S}", nodes=all_nodes, pod_cidrs=pod_cidrs, cluster_cidr=POD_CIDR)
    _calico(s, all_nodes, pod_cidrs)
    _local_path(s, all_nodes, pod_cidrs)
    _ingress_nginx(s, all_nodes, pod_cidrs)
    finalize_namespaces(s)
    return s


def _nodes(s: Snapshot) -> list[Obj]:
    out = []
    for i, name in enumerate(("k8s-cp-1", "k8s-worker-1", "k8s-worker-2")):
        cp = i == 0
        ip = f"10.0.10.{11 + i}"
        labels = {"node-role.kubernetes.io/control-plane": "",
                  "node.kubernetes.io/exclude-from-external-load-balancers": ""} if cp else {}
        ann = {"kubeadm.alpha.kubernetes.io/cri-socket": CRI_SOCKET,
               "projectcalico.org/IPv4Address": f"{ip}/24",
               "projectcalico.org/IPv4IPIPTunnelAddr": f"192.168.{i * 64}.1",
               "csi.volume.kubernetes.io/nodeid": "{}"}
        n = node(s, name, ip=ip, labels=labels, annotations=ann, provider_id=None, kubelet=K8S,
                 os_image="Ubuntu 24.04.3 LTS", kernel="6.8.0-84-generic", runtime="containerd://1.7.28",
                 cpu="4" if cp else "8", memory_ki=8_125_000 if cp else 32_871_000, pod_cidr=f"192.168.{i}.0/24",
                 taints=[{"effect": "NoSchedule", "key": "node-role.kubernetes.io/control-plane"}] if cp else None,
                 days=0 if cp else 0.01)
        s.add("10-nodes.yaml", n)
        out.append(n)
    return out


def _control_plane(s: Snapshot, cp: Obj) -> None:
    """kubeadm's static pods (seen through their mirror Pods) and the ConfigMaps `kubeadm init` writes."""
    ip = cp["status"]["addresses"][0]["address"]
    for comp, img in (("etcd", f"{REGISTRY}/etcd:{ETCD_TAG}"),
                      ("kube-apiserver", f"{REGISTRY}/kube-apiserver:{K8S}"),
                      ("kube-controller-manager", f"{REGISTRY}/kube-controller-manager:{K8S}"),
                      ("kube-scheduler", f"{REGISTRY}/kube-scheduler:{K8S}")):
        s.add("40-pods/kube-system.yaml", static_pod(s, comp, cp, img, ip))
    ccfg = (f"apiServer: {{}}\napiVersion: kubeadm.k8s.io/v1beta4\ncaCertificateValidityPeriod: 87600h0m0s\n"
            f"certificateValidityPeriod: 8760h0m0s\ncertificatesDir: /etc/kubernetes/pki\nclusterName: kubernetes\n"
            f"controlPlaneEndpoint: {ENDPOINT}\ncontrollerManager: {{}}\ndns: {{}}\nencryptionAlgorithm: RSA-2048\n"
            f"etcd:\n  local:\n    dataDir: /var/lib/etcd\nimageRepository: {REGISTRY}\nkind: ClusterConfiguration\n"
            f"kubernetesVersion: {K8S}\nnetworking:\n  dnsDomain: cluster.local\n  podSubnet: {POD_CIDR}\n"
            f"  serviceSubnet: {SVC_CIDR}\nproxy: {{}}\nscheduler: {{}}\n")
    kcfg = ("apiVersion: kubelet.config.k8s.io/v1beta1\nauthentication:\n  anonymous:\n    enabled: false\n"
            "  webhook:\n    enabled: true\n  x509:\n    clientCAFile: /etc/kubernetes/pki/ca.crt\n"
            "authorization:\n  mode: Webhook\ncgroupDriver: systemd\nclusterDNS:\n"
            f"- {svc_dns_ip(SVC_CIDR)}\nclusterDomain: cluster.local\n"
            f"containerRuntimeEndpoint: {CRI_SOCKET}\nkind: KubeletConfiguration\nrotateCertificates: true\n"
            "staticPodPath: /etc/kubernetes/manifests\n")
    s.add("30-platform/kube-system.yaml",
          config_map("kubeadm-config", "kube-system", {"ClusterConfiguration": ccfg}),
          config_map("kubelet-config", "kube-system", {"kubelet": kcfg},
                     annotations={"kubeadm.kubernetes.io/component-config.hash": "sha256:" + h("kubelet-config", 64)}))
    s.add("30-platform/kube-system.yaml", config_map("cluster-info", "kube-public", {
        "kubeconfig": (f"apiVersion: v1\nclusters:\n- cluster:\n    certificate-authority-data: RkFLRQ==\n"
                       f"    server: https://{ENDPOINT}\n  name: \"\"\ncontexts: null\ncurrent-context: \"\"\n"
                       f"kind: Config\npreferences: {{}}\nusers: null\n")}))


def _addon(s: Snapshot, file: str, name: str, ns: str, images: list[tuple[str, str]], *, replicas: int = 1,
           selector: dict, labels: dict | None = None, annotations: dict | None = None,
           nodes: list[tuple[str, str]], pod_cidrs: dict[str, str], sa: str, extra: dict | None = None,
           ports: list | None = None) -> Obj:
    cs = [container(cn, img, ports=ports if i == 0 else None, resources=res("100m", "90Mi"))
          for i, (cn, img) in enumerate(images)]
    dep = deployment(name, ns, pod_spec(cs, sa=sa, extra=extra), replicas=replicas, labels=labels or dict(selector),
                     selector=selector, annotations=annotations)
    s.add(file, dep)
    rs = replicaset_for(dep)
    s.add(f"40-pods/{ns}.yaml", rs, *pods_for(s, rs, nodes, pod_cidrs))
    return dep


def _calico(s: Snapshot, nodes: list[tuple[str, str]], pod_cidrs: dict[str, str]) -> None:
    """`helm install calico projectcalico/tigera-operator --version v3.29.1 -n tigera-operator`."""
    from .base import addon_daemonset

    f = "30-platform/calico.yaml"
    hl = helm_labels("calico", "tigera-operator", CALICO, CALICO)
    ha = helm_annotations("calico", "tigera-operator")
    _addon(s, f, "tigera-operator", "tigera-operator", [("tigera-operator", f"quay.io/tigera/operator:{TIGERA_OPERATOR}")],
           selector={"name": "tigera-operator"}, labels={**hl, "k8s-app": "tigera-operator", "name": "tigera-operator"},
           annotations=ha, nodes=nodes[:1], pod_cidrs=pod_cidrs, sa="tigera-operator",
           extra={"hostNetwork": True, "tolerations": [{"effect": "NoExecute", "operator": "Exists"},
                                                       {"effect": "NoSchedule", "operator": "Exists"}]})
    s.add(f, service_account("tigera-operator", "tigera-operator", labels=hl, annotations=ha),
          helm_release_secret("calico", "tigera-operator", chart="tigera-operator", chart_version=CALICO,
                              app_version=CALICO, manifest=[], deployed=s.ts(0.05)))
    # what the operator creates from the Installation below
    addon_daemonset(s, f, "calico-node", "calico-system",
                    [("calico-node", f"docker.io/calico/node:{CALICO}")], nodes=nodes, pod_cidrs=pod_cidrs,
                    selector={"k8s-app": "calico-node"}, sa="calico-node")
    addon_daemonset(s, f, "csi-node-driver", "calico-system",
                    [("calico-csi", f"docker.io/calico/csi:{CALICO}"),
                     ("csi-node-driver-registrar", f"docker.io/calico/node-driver-registrar:{CALICO}")],
                    nodes=nodes, pod_cidrs=pod_cidrs, selector={"k8s-app": "csi-node-driver"},
                    host_network=False, sa="csi-node-driver")
    _addon(s, f, "calico-typha", "calico-system", [("calico-typha", f"docker.io/calico/typha:{CALICO}")],
           selector={"k8s-app": "calico-typha"}, nodes=nodes[1:2], pod_cidrs=pod_cidrs, sa="calico-typha",
           extra={"hostNetwork": True})
    _addon(s, f, "calico-kube-controllers", "calico-system",
           [("calico-kube-controllers", f"docker.io/calico/kube-controllers:{CALICO}")],
           selector={"k8s-app": "calico-kube-controllers"}, nodes=nodes[1:2], pod_cidrs=pod_cidrs,
           sa="calico-kube-controllers")
    _addon(s, f, "calico-apiserver", "calico-apiserver", [("calico-apiserver", f"docker.io/calico/apiserver:{CALICO}")],
           replicas=2, selector={"apiserver": "true"}, labels={"apiserver": "true", "k8s-app": "calico-apiserver"},
           nodes=nodes[1:], pod_cidrs=pod_cidrs, sa="calico-apiserver")
    s.add(f, *(service_account(sa, "calico-system") for sa in ("calico-node", "csi-node-driver", "calico-typha",
                                                               "calico-kube-controllers")),
          service_account("calico-apiserver", "calico-apiserver"))
    s.add("20-crds/calico.yaml",
          crd("operator.tigera.io", "Installation", "installations", scope="Cluster"),
          crd("operator.tigera.io", "APIServer", "apiservers", scope="Cluster"),
          crd("operator.tigera.io", "TigeraStatus", "tigerastatuses", scope="Cluster"),
          crd("crd.projectcalico.org", "IPPool", "ippools", scope="Cluster", status=False),
          crd("crd.projectcalico.org", "FelixConfiguration", "felixconfigurations", scope="Cluster", status=False),
          crd("crd.projectcalico.org", "BGPConfiguration", "bgpconfigurations", scope="Cluster", status=False),
          crd("crd.projectcalico.org", "ClusterInformation", "clusterinformations", scope="Cluster", status=False))
    done = s.ts(0.06)
    s.add(f, cr("operator.tigera.io/v1", "Installation", "default",
                spec={"calicoNetwork": {"bgp": "Enabled", "ipPools": [
                    {"blockSize": 26, "cidr": POD_CIDR, "encapsulation": "IPIP", "natOutgoing": "Enabled",
                     "nodeSelector": "all()"}]}, "cni": {"ipam": {"type": "Calico"}, "type": "Calico"},
                    "variant": "Calico"},
                status={"variant": "Calico", "calicoVersion": CALICO, "mtu": 1480,
                        "conditions": [ready_condition(done, "AllObjectsAvailable", "All objects available", "Ready")]}),
          cr("operator.tigera.io/v1", "APIServer", "default", spec={},
             status={"state": "Ready", "conditions": [ready_condition(done, "AllObjectsAvailable",
                                                                      "All Objects are available", "Ready")]}),
          cr("crd.projectcalico.org/v1", "IPPool", "default-ipv4-ippool",
             spec={"allowedUses": ["Workload", "Tunnel"], "blockSize": 26, "cidr": POD_CIDR, "ipipMode": "Always",
                   "natOutgoing": True, "nodeSelector": "all()", "vxlanMode": "Never"}),
          cr("crd.projectcalico.org/v1", "FelixConfiguration", "default",
             spec={"bpfConnectTimeLoadBalancing": "TCP", "floatingIPs": "Disabled", "healthPort": 9099,
                   "logSeverityScreen": "Info", "reportingInterval": "0s"}),
          cr("crd.projectcalico.org/v1", "ClusterInformation", "default",
             spec={"calicoVersion": CALICO, "clusterGUID": h("calico-guid", 32), "clusterType": "typha,kdd,k8s,operator,bgp,kubeadm",
                   "datastoreReady": True}))


def _local_path(s: Snapshot, nodes: list[tuple[str, str]], pod_cidrs: dict[str, str]) -> None:
    """rancher/local-path-provisioner's deploy/local-path-storage.yaml, with `local-path` made the default."""
    f = "30-platform/local-path-storage.yaml"
    _addon(s, f, "local-path-provisioner", "local-path-storage",
           [("local-path-provisioner", f"rancher/local-path-provisioner:{LOCAL_PATH}")],
           selector={"app": "local-path-provisioner"}, nodes=nodes[1:2], pod_cidrs=pod_cidrs,
           sa="local-path-provisioner-service-account")
    s.add(f, service_account("local-path-provisioner-service-account", "local-path-storage"),
          config_map("local-path-config", "local-path-storage", {
              "config.json": '{\n        "nodePathMap":[\n        {\n                "node":"DEFAULT_PATH_FOR_NON_LISTED_NODES",\n'
                             '                "paths":["/opt/local-path-provisioner"]\n        }\n        ]\n}\n',
              "helperPod.yaml": "apiVersion: v1\nkind: Pod\nmetadata:\n  name: helper-pod\nspec:\n"
                                "  priorityClassName: system-node-critical\n  tolerations:\n"
                                "    - key: node.kubernetes.io/disk-pressure\n      operator: Exists\n"
                                "      effect: NoSchedule\n  containers:\n  - name: helper-pod\n"
                                "    image: busybox\n    imagePullPolicy: IfNotPresent\n",
              "setup": "#!/bin/sh\nset -eu\nmkdir -m 0777 -p \"$VOL_DIR\"\n",
              "teardown": "#!/bin/sh\nset -eu\nrm -rf \"$VOL_DIR\"\n"}),
          storage_class("local-path", "rancher.io/local-path", default=True, expansion=None))


def _ingress_nginx(s: Snapshot, nodes: list[tuple[str, str]], pod_cidrs: dict[str, str]) -> None:
    """`helm install ingress-nginx ingress-nginx/ingress-nginx --version 4.11.3 -n ingress-nginx` with
    `controller.service.type=NodePort` (no LoadBalancer on bare metal) and the class made default."""
    f = "30-platform/ingress-nginx.yaml"
    hl = helm_labels("ingress-nginx", "ingress-nginx", NGINX_CHART, NGINX_APP)
    ha = helm_annotations("ingress-nginx", "ingress-nginx")
    sel = {"app.kubernetes.io/component": "controller", "app.kubernetes.io/instance": "ingress-nginx",
           "app.kubernetes.io/name": "ingress-nginx"}
    _addon(s, f, "ingress-nginx-controller", "ingress-nginx",
           [("controller", f"{REGISTRY}/ingress-nginx/controller:v{NGINX_APP}@sha256:{h('ingress-nginx-controller', 64)}")],
           selector=sel, labels={**hl, "app.kubernetes.io/component": "controller", "app.kubernetes.io/part-of": "ingress-nginx"},
           annotations=ha, nodes=nodes[1:2], pod_cidrs=pod_cidrs, sa="ingress-nginx",
           extra={"dnsPolicy": "ClusterFirst", "nodeSelector": {"kubernetes.io/os": "linux"}},
           ports=[port(80, "http"), port(443, "https"), port(8443, "webhook")])
    ctl = service(s, "ingress-nginx-controller", "ingress-nginx",
                  [{"name": "http", "port": 80, "targetPort": "http"}, {"name": "https", "port": 443, "targetPort": "https"}],
                  type_="NodePort", selector=sel, labels={**hl, "app.kubernetes.io/component": "controller"},
                  annotations=ha, cidr=SVC_CIDR)
    ctl["spec"]["externalTrafficPolicy"] = "Cluster"
    s.add(f, service_account("ingress-nginx", "ingress-nginx", labels=hl, annotations=ha), ctl,
          service(s, "ingress-nginx-controller-admission", "ingress-nginx",
                  [{"name": "https-webhook", "port": 443, "targetPort": "webhook"}],
                  selector=sel, labels={**hl, "app.kubernetes.io/component": "controller"}, annotations=ha,
                  cidr=SVC_CIDR),
          config_map("ingress-nginx-controller", "ingress-nginx", {"allow-snippet-annotations": "false"},
                     labels={**hl, "app.kubernetes.io/component": "controller"}, annotations=ha),
          ingress_class("nginx", "k8s.io/ingress-nginx", default=True,
                        labels={**hl, "app.kubernetes.io/component": "controller"}),
          helm_release_secret("ingress-nginx", "ingress-nginx", chart="ingress-nginx", chart_version=NGINX_CHART,
                              app_version=NGINX_APP, manifest=[], deployed=s.ts(0.07),
                              values={"controller": {"ingressClassResource": {"default": True},
                                                     "service": {"type": "NodePort"}}}))
