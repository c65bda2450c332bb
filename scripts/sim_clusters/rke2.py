"""`rke2`: an RKE2 v1.35 TARGET cluster (3 servers + 3 agents), nothing migrated onto it yet.

Facts: rke2/rancher-rke2/charts/chart_versions.yaml (packaged chart versions), channels.yaml
(stable = v1.35.7+rke2r1), rke2-docs (AddOn objects, server roles, packaged components), markers.md
(rke2 node labels/annotations, providerID rke2://, DaemonSets rke2-canal and
rke2-ingress-nginx-controller, no StorageClass packaged), k3s/k3s-io-k3s/manifests/local-storage.yaml
(local-path-provisioner v0.0.29, `local-path` default class) -- the storage the operator added.
"""
from __future__ import annotations

import json

from .base import CORE_NAMESPACES, addon_daemonset, addon_deployment, finalize_namespaces
from .common import (Obj, Snapshot, b64, config_map, container, cr, crd, h, helm_labels, helm_release_secret,
                     ingress_class, meta, namespace, node, pod_spec, service, service_account, static_pod,
                     storage_class)

NAME = "rke2"
K8S = "v1.35.7+rke2r1"
SVC_CIDR = "10.43.0.0/16"   # RKE2 defaults (service-cidr / cluster-cidr)
POD_CIDR = "10.42.0.0/16"
HARDENED_K8S = "index.docker.io/rancher/hardened-kubernetes:v1.35.7-rke2r1-build20260812"

# chart_versions.yaml: the charts a default RKE2 install deploys (canal CNI, ingress-nginx)
CHARTS = {
    "rke2-canal": ("v3.32.1-build2026081900", True),
    "rke2-coredns": ("1.47.003", True),
    "rke2-ingress-nginx": ("4.15.109", False),
    "rke2-metrics-server": ("3.14.000", False),
    "rke2-snapshot-controller": ("5.2.003", False),
    "rke2-snapshot-controller-crd": ("5.2.003", False),
    "rke2-runtimeclasses": ("0.1.000", False),
}


def cluster_meta() -> dict:
    return {"name": NAME, "distro": "rke2",
            "description": "RKE2 v1.35 (stable channel) migration TARGET: 3 servers (etcd, control-plane) + 3 "
                           "agents, packaged charts (canal, coredns, ingress-nginx, metrics-server, "
                           "snapshot-controller) as HelmChart CRs; local-path-provisioner added by the operator "
                           "as default StorageClass (RKE2 packages none). No business workloads.",
            "kubernetes": {"major": "1", "minor": "35", "gitVersion": K8S,
                           "gitCommit": "3e4f1a7c9b2d5e8f0a6c1b4d7e9f2a5c8b1d4e7f", "gitTreeState": "clean",
                           "buildDate": "2026-08-12T19:04:31Z", "goVersion": "go1.25.3 X:boringcrypto",
                           "compiler": "gc", "platform": "linux/amd64"},
            "platform": "linux/amd64"}


def build() -> Snapshot:
    s = Snapshot(NAME, "2026-09-01T08:00:00Z", cluster_meta())
    for ns in CORE_NAMESPACES:
        s.add("00-namespaces.yaml", namespace(ns))
    s.add("00-namespaces.yaml", namespace("local-path-storage"), days=0.2)
    k8s_svc = service(s, "kubernetes", "default", [{"name": "https", "port": 443, "targetPort": 6443}],
                      labels={"component": "apiserver", "provider": "kubernetes"}, cidr=SVC_CIDR)
    k8s_svc["spec"]["clusterIP"] = k8s_svc["spec"]["clusterIPs"][0] = "10.43.0.1"
    s.add("30-platform/kube-system.yaml", k8s_svc)
    nodes = _nodes(s)
    all_nodes = [(n["metadata"]["name"], n["status"]["addresses"][0]["address"]) for n in nodes]
    pod_cidrs = {n["metadata"]["name"]: n["spec"]["podCIDR"] for n in nodes}
    _static_pods(s, nodes)
    _charts(s, all_nodes, pod_cidrs)
    _local_path(s, all_nodes, pod_cidrs)
    finalize_namespaces(s)
    return s


def _nodes(s: Snapshot) -> list[Obj]:
    out = []
    for i in range(6):
        server = i < 3
        name = f"rke2-server-{i + 1}" if server else f"rke2-agent-{i - 2}"
        ip = f"172.16.100.{11 + i}"
        labels = {"node.kubernetes.io/instance-type": "rke2", "beta.kubernetes.io/instance-type": "rke2"}
        args = ["server" if server else "agent", "--token", "********", "--node-ip", ip]
        if server:
            labels.update({"node-role.kubernetes.io/control-plane": "true", "node-role.kubernetes.io/etcd": "true",
                           "node-role.kubernetes.io/master": "true"})
            args += ["--cni", "canal", "--tls-san", "rke2.example.internal"]
        else:
            args += ["--server", "https://rke2.example.internal:9345"]
        ann = {"rke2.io/hostname": name, "rke2.io/internal-ip": ip, "rke2.io/node-args": json.dumps(args,
                                                                                                    separators=(",", ":")),
               "rke2.io/node-config-hash": h(name + "cfg", 52).upper() + "====",
               "rke2.io/node-env": "{}",
               "flannel.alpha.coreos.com/backend-data": '{"VNI":1,"VtepMAC":"%s"}' % ":".join(
                   h(name, 12)[j:j + 2] for j in range(0, 12, 2)),
               "flannel.alpha.coreos.com/backend-type": "vxlan", "flannel.alpha.coreos.com/kube-subnet-manager":
                   "true", "flannel.alpha.coreos.com/public-ip": ip,
               "projectcalico.org/IPv4Address": f"{ip}/24"}
        if server:
            ann.update({"rke2.io/encryption-config-hash": "start-" + h(name + "enc", 64),
                        "etcd.rke2.cattle.io/node-address": ip,
                        "etcd.rke2.cattle.io/node-name": f"{name}-{h(name + 'etcd', 8)}"})
        n = node(s, name, ip=ip, labels=labels, annotations=ann, provider_id=f"rke2://{name}", kubelet=K8S,
                 os_image="Ubuntu 24.04.3 LTS", kernel="6.8.0-79-generic", runtime="containerd://2.1.5-k3s1",
                 cpu="4" if server else "8", memory_ki=16_375_000 if server else 32_768_000,
                 pod_cidr=f"10.42.{i}.0/24",
                 taints=[{"effect": "NoExecute", "key": "CriticalAddonsOnly", "value": "true"}] if server else None)
        n["metadata"]["finalizers"] = (["wrangler.cattle.io/node", "wrangler.cattle.io/managed-etcd-controller"]
                                       if server else ["wrangler.cattle.io/node"])
        s.add("10-nodes.yaml", n)
        out.append(n)
    return out


def _static_pods(s: Snapshot, nodes: list[Obj]) -> None:
    for n in nodes:
        ip = n["status"]["addresses"][0]["address"]
        comps = [("kube-proxy", HARDENED_K8S)]
        if "server" in n["metadata"]["name"]:
            comps = [("etcd", "index.docker.io/rancher/hardened-etcd:v3.6.4-k3s1-build20260805"),
                     ("kube-apiserver", HARDENED_K8S), ("kube-controller-manager", HARDENED_K8S),
                     ("kube-scheduler", HARDENED_K8S),
                     ("cloud-controller-manager", "index.docker.io/rancher/rke2-cloud-provider:v1.35.1-0.20260721"
                                                  "-build20260805")] + comps
        for comp, img in comps:
            p = static_pod(s, comp, n, img, ip, extra_annotations={"etcd.k3s.io/initial": "{}"} if comp == "etcd"
                           else None)
            s.add("40-pods/kube-system.yaml", p)


def _charts(s: Snapshot, nodes: list, pod_cidrs: dict) -> None:
    f = "30-platform/rke2-charts.yaml"
    s.add("20-crds/rke2.yaml",
          crd("helm.cattle.io", "HelmChart", "helmcharts"), crd("helm.cattle.io", "HelmChartConfig",
                                                               "helmchartconfigs", status=False),
          crd("k3s.cattle.io", "Addon", "addons", status=False, short_names=[]),
          crd("k3s.cattle.io", "ETCDSnapshotFile", "etcdsnapshotfiles", scope="Cluster"))
    for k, p in (("VolumeSnapshot", "volumesnapshots"), ("VolumeSnapshotContent", "volumesnapshotcontents"),
                 ("VolumeSnapshotClass", "volumesnapshotclasses")):
        s.add("20-crds/snapshot.yaml", crd("snapshot.storage.k8s.io", k, p,
                                           scope="Namespaced" if k == "VolumeSnapshot" else "Cluster",
                                           status=k != "VolumeSnapshotClass",
                                           labels={"app.kubernetes.io/managed-by": "Helm"},
                                           annotations={"meta.helm.sh/release-name": "rke2-snapshot-controller-crd",
                                                        "meta.helm.sh/release-namespace": "kube-system"}))
    t = s.ts(0.01)
    for chart, (ver, bootstrap) in CHARTS.items():
        spec = {"bootstrap": bootstrap, "chartContent": b64(f"placeholder for {chart}-{ver}.tgz"),
                "set": {"global.clusterCIDR": POD_CIDR, "global.clusterCIDRv4": POD_CIDR,
                        "global.clusterDNS": "10.43.0.10", "global.clusterDomain": "cluster.local",
                        "global.rke2DataDir": "/var/lib/rancher/rke2", "global.serviceCIDR": SVC_CIDR,
                        "global.systemDefaultIngressClass": "ingress-nginx"}}
        s.add(f, cr("helm.cattle.io/v1", "HelmChart", chart, "kube-system",
                    annotations={"helm.cattle.io/chart-url": f"https://rke2-charts.rancher.io/assets/{chart}/"
                                                             f"{chart}-{ver}.tgz",
                                 "rke2.cattle.io/inject-cluster-config": "true"},
                    labels={"objectset.rio.cattle.io/hash": h(chart, 40)},
                    spec=spec, status={"jobName": f"helm-install-{chart}",
                                       "conditions": [{"type": "JobCreated", "status": "True",
                                                       "lastTransitionTime": t}]}),
              cr("k3s.cattle.io/v1", "Addon", chart, "kube-system",
                 spec={"checksum": h(chart + ver, 64), "source": f"/var/lib/rancher/rke2/server/manifests/{chart}.yaml"}),
              {"apiVersion": "batch/v1", "kind": "Job",
               "metadata": meta(f"helm-install-{chart}", "kube-system",
                                labels={"helmcharts.helm.cattle.io/chart": chart},
                                annotations={"helmcharts.helm.cattle.io/configHash": "SHA256=" + h(chart, 64).upper()}),
               "spec": {"backoffLimit": 1000, "completions": 1, "parallelism": 1,
                        "template": {"metadata": {"labels": {"helmcharts.helm.cattle.io/chart": chart}},
                                     "spec": pod_spec([container("helm", "rancher/klipper-helm:v0.9.8-build20250709",
                                                                 args=["install"],
                                                                 env=[{"name": "NAME", "value": chart},
                                                                      {"name": "VERSION", "value": ""}])],
                                                      sa=f"helm-{chart}", extra={"restartPolicy": "OnFailure"})}},
               "status": {"completionTime": s.ts(0.02), "conditions": [
                   {"lastProbeTime": s.ts(0.02), "lastTransitionTime": s.ts(0.02), "status": "True",
                    "type": "Complete"}], "startTime": t, "succeeded": 1}},
              service_account(f"helm-{chart}", "kube-system"),
              helm_release_secret(chart, "kube-system", chart=chart, chart_version=ver,
                                  app_version=ver.split("-build")[0].lstrip("v"), manifest=[], deployed=t))
    canal = helm_labels("rke2-canal", "rke2-canal", CHARTS["rke2-canal"][0], "v3.32.1")
    addon_daemonset(s, f, "rke2-canal", "kube-system",
                    [("calico-node", "rancher/hardened-calico:v3.32.1-build20260819"),
                     ("kube-flannel", "rancher/hardened-flannel:v0.28.0-build20260819")],
                    nodes=nodes, pod_cidrs=pod_cidrs, selector={"k8s-app": "canal"},
                    labels={"k8s-app": "canal", **canal}, sa="canal")
    nginx = helm_labels("rke2-ingress-nginx", "rke2-ingress-nginx", CHARTS["rke2-ingress-nginx"][0], "1.15.1",
                        name="rke2-ingress-nginx")
    addon_daemonset(s, f, "rke2-ingress-nginx-controller", "kube-system",
                    [("rke2-ingress-nginx-controller", "rancher/nginx-ingress-controller:v1.15.1-hardened1")],
                    nodes=nodes[3:], pod_cidrs=pod_cidrs,
                    selector={"app.kubernetes.io/component": "controller",
                              "app.kubernetes.io/instance": "rke2-ingress-nginx",
                              "app.kubernetes.io/name": "rke2-ingress-nginx"},
                    labels=dict(nginx, **{"app.kubernetes.io/component": "controller"}),
                    sa="rke2-ingress-nginx", host_network=True)
    s.add(f, service_account("canal", "kube-system"), service_account("rke2-ingress-nginx", "kube-system"),
          ingress_class("nginx", "k8s.io/ingress-nginx", labels=nginx),
          service(s, "rke2-ingress-nginx-controller-admission", "kube-system", [{"name": "https-webhook", "port": 443,
                                                                                 "targetPort": "webhook"}],
                  selector={"app.kubernetes.io/component": "controller",
                            "app.kubernetes.io/instance": "rke2-ingress-nginx",
                            "app.kubernetes.io/name": "rke2-ingress-nginx"}, cidr=SVC_CIDR, labels=nginx))
    dns_sel = {"app.kubernetes.io/instance": "rke2-coredns", "app.kubernetes.io/name": "rke2-coredns",
               "k8s-app": "kube-dns"}
    dns_labels = helm_labels("rke2-coredns", "rke2-coredns", CHARTS["rke2-coredns"][0], "1.13.1")
    addon_deployment(s, f, "rke2-coredns-rke2-coredns", "kube-system",
                     [("coredns", "rancher/hardened-coredns:v1.13.1-build20260805")], replicas=2,
                     selector=dns_sel, labels={**dns_labels, "k8s-app": "kube-dns"}, sa="coredns",
                     nodes=nodes[3:5], pod_cidrs=pod_cidrs,
                     extra={"priorityClassName": "system-cluster-critical", "dnsPolicy": "Default"})
    addon_deployment(s, f, "rke2-coredns-rke2-coredns-autoscaler", "kube-system",
                     [("autoscaler", "rancher/hardened-cluster-autoscaler:v1.10.2-build20260805")],
                     selector={"app.kubernetes.io/instance": "rke2-coredns",
                               "app.kubernetes.io/name": "rke2-coredns-autoscaler"}, sa="coredns-autoscaler")
    dns = service(s, "rke2-coredns-rke2-coredns", "kube-system",
                  [{"name": "udp-53", "port": 53, "protocol": "UDP"}, {"name": "tcp-53", "port": 53}],
                  selector=dns_sel, labels={**dns_labels, "k8s-app": "kube-dns",
                                            "kubernetes.io/cluster-service": "true", "kubernetes.io/name": "CoreDNS"},
                  cidr=SVC_CIDR)
    dns["spec"]["clusterIP"] = dns["spec"]["clusterIPs"][0] = "10.43.0.10"
    s.add(f, service_account("coredns", "kube-system"), service_account("coredns-autoscaler", "kube-system"), dns,
          config_map("rke2-coredns-rke2-coredns", "kube-system", {"Corefile": ".:53 {\n    errors\n    health  {\n"
                                                                   "        lameduck 10s\n    }\n    ready\n"
                                                                   "    kubernetes   cluster.local  cluster.local "
                                                                   "in-addr.arpa ip6.arpa {\n        pods insecure\n"
                                                                   "        fallthrough in-addr.arpa ip6.arpa\n"
                                                                   "        ttl 30\n    }\n    prometheus   0.0.0.0:9153"
                                                                   "\n    forward   . /etc/resolv.conf\n    cache   30\n"
                                                                   "    loop\n    reload\n    loadbalance\n}\n"},
                     labels=dns_labels))
    addon_deployment(s, f, "rke2-metrics-server", "kube-system",
                     [("metrics-server", "rancher/hardened-k8s-metrics-server:v0.8.0-build20260805")],
                     selector={"app": "rke2-metrics-server", "release": "rke2-metrics-server"},
                     labels={"app": "rke2-metrics-server", "chart": f"rke2-metrics-server-{CHARTS['rke2-metrics-server'][0]}",
                             "heritage": "Helm", "release": "rke2-metrics-server"},
                     nodes=nodes[3:4], pod_cidrs=pod_cidrs)
    addon_deployment(s, f, "rke2-snapshot-controller", "kube-system",
                     [("rke2-snapshot-controller", "rancher/hardened-snapshot-controller:v8.2.0-build20260805")],
                     selector={"app.kubernetes.io/instance": "rke2-snapshot-controller",
                               "app.kubernetes.io/name": "rke2-snapshot-controller"})
    for rc, handler in (("nvidia", "nvidia"), ("nvidia-experimental", "nvidia-experimental"), ("crun", "crun")):
        s.add(f, {"apiVersion": "node.k8s.io/v1", "kind": "RuntimeClass",
                  "metadata": meta(rc, labels=helm_labels("rke2-runtimeclasses", "rke2-runtimeclasses",
                                                          CHARTS["rke2-runtimeclasses"][0], "0.1.0")),
                  "handler": handler})
    s.add(f, config_map("rke2-etcd-snapshots", "kube-system", {}),
          {"apiVersion": "v1", "kind": "Secret", "metadata": meta("rke2-serving", "kube-system", annotations={
              "listener.cattle.io/cn-rke2.example.internal": "rke2.example.internal",
              "listener.cattle.io/fingerprint": "SHA1=" + h("fp", 40).upper()}),
           "type": "kubernetes.io/tls", "data": {"tls.crt": b64("FAKE CERT"), "tls.key": b64("FAKE KEY")}})


def _local_path(s: Snapshot, nodes: list, pod_cidrs: dict) -> None:
    """The operator's storage choice: Rancher local-path-provisioner (k3s's own manifest)."""
    f = "30-platform/local-path-storage.yaml"
    addon_deployment(s, f, "local-path-provisioner", "local-path-storage",
                     [("local-path-provisioner", "rancher/local-path-provisioner:v0.0.29")],
                     selector={"app": "local-path-provisioner"}, sa="local-path-provisioner-service-account",
                     nodes=nodes[3:4], pod_cidrs=pod_cidrs)
    s.add(f, service_account("local-path-provisioner-service-account", "local-path-storage"),
          config_map("local-path-config", "local-path-storage", {
              "config.json": '{\n  "nodePathMap":[\n  {\n    "node":"DEFAULT_PATH_FOR_NON_LISTED_NODES",\n'
                             '    "paths":["/var/lib/rancher/rke2/storage"]\n  }\n  ]\n}\n',
              "setup": "#!/bin/sh\nset -eu\nmkdir -m 0777 -p \"${VOL_DIR}\"\nchmod 700 \"${VOL_DIR}/..\"\n",
              "teardown": "#!/bin/sh\nset -eu\nrm -rf \"${VOL_DIR}\"\n"}),
          storage_class("local-path", "rancher.io/local-path", default=True, expansion=None,
                        annotations={"defaultVolumeType": "local"}))
