"""What every cluster has: core namespaces, the kubernetes Service, CoreDNS, kube-proxy,
kubeadm mirror pods, built-in PriorityClasses, and per-namespace default SA + kube-root-ca.crt."""
from __future__ import annotations

from typing import Any

from .common import (Obj, Snapshot, config_map, container, daemonset, deployment, kube_root_ca, meta, namespace,
                     pod_spec, pods_for, port, priority_class, replicaset_for, res, service, service_account,
                     static_pod)

CORE_NAMESPACES = ("default", "kube-node-lease", "kube-public", "kube-system")


def core(snap: Snapshot, *, service_cidr: str) -> None:
    for ns in CORE_NAMESPACES:
        snap.add("00-namespaces.yaml", namespace(ns))
    svc = service(snap, "kubernetes", "default", [{"name": "https", "port": 443, "targetPort": 6443}],
                  labels={"component": "apiserver", "provider": "kubernetes"}, cidr=service_cidr)
    # the kubernetes Service always holds the first address of the service CIDR
    import ipaddress
    first = str(next(ipaddress.ip_network(service_cidr).hosts()))
    svc["spec"]["clusterIP"] = first
    svc["spec"]["clusterIPs"] = [first]
    snap.add("30-platform/kube-system.yaml", svc)
    snap.add("30-platform/kube-system.yaml",
             priority_class("system-cluster-critical", 2000000000,
                            "Used for system critical pods that must run in the cluster, but can be moved to "
                            "another node if necessary."),
             priority_class("system-node-critical", 2000001000,
                            "Used for system critical pods that must not be moved from their current node."))


def coredns(snap: Snapshot, *, image: str, service_cidr_ip: str, nodes: list[tuple[str, str]],
            pod_cidrs: dict[str, str], name: str = "coredns", svc_name: str = "kube-dns",
            labels: dict | None = None, selector: dict | None = None, corefile: str | None = None,
            cm_name: str = "coredns", file: str = "30-platform/kube-system.yaml") -> Obj:
    sel = selector or {"k8s-app": "kube-dns"}
    lab = labels or dict(sel)
    c = container("coredns", image, args=["-conf", "/etc/coredns/Corefile"],
                  ports=[port(53, "dns", "UDP"), port(53, "dns-tcp"), port(9153, "metrics")],
                  resources=res("100m", "70Mi", mem_lim="170Mi"), probes=True, port_for_probe=8080,
                  security={"allowPrivilegeEscalation": False, "capabilities": {"add": ["NET_BIND_SERVICE"],
                                                                                "drop": ["ALL"]},
                            "readOnlyRootFilesystem": True},
                  volume_mounts=[{"mountPath": "/etc/coredns", "name": "config-volume", "readOnly": True}])
    spec = pod_spec([c], sa="coredns", volumes=[{"configMap": {"defaultMode": 420, "items": [
        {"key": "Corefile", "path": "Corefile"}], "name": cm_name}, "name": "config-volume"}],
        extra={"priorityClassName": "system-cluster-critical", "nodeSelector": {"kubernetes.io/os": "linux"},
               "dnsPolicy": "Default",
               "tolerations": [{"key": "CriticalAddonsOnly", "operator": "Exists"},
                               {"effect": "NoSchedule", "key": "node-role.kubernetes.io/control-plane"}]})
    dep = deployment(name, "kube-system", spec, replicas=2, labels=lab, selector=sel)
    cf = corefile or (".:53 {\n    errors\n    health {\n       lameduck 5s\n    }\n    ready\n"
                      "    kubernetes cluster.local in-addr.arpa ip6.arpa {\n       pods insecure\n"
                      "       fallthrough in-addr.arpa ip6.arpa\n       ttl 30\n    }\n"
                      "    prometheus :9153\n    forward . /etc/resolv.conf {\n       max_concurrent 1000\n    }\n"
                      "    cache 30\n    loop\n    reload\n    loadbalance\n}\n")
    svc = service(snap, svc_name, "kube-system",
                  [{"name": "dns", "port": 53, "protocol": "UDP", "targetPort": 53},
                   {"name": "dns-tcp", "port": 53, "targetPort": 53},
                   {"name": "metrics", "port": 9153, "targetPort": 9153}],
                  selector=sel, labels=dict(lab, **{"kubernetes.io/cluster-service": "true",
                                                    "kubernetes.io/name": "CoreDNS"}),
                  annotations={"prometheus.io/port": "9153", "prometheus.io/scrape": "true"})
    svc["spec"]["clusterIP"] = service_cidr_ip
    svc["spec"]["clusterIPs"] = [service_cidr_ip]
    rs = replicaset_for(dep)
    snap.add(file, config_map(cm_name, "kube-system", {"Corefile": cf}), service_account("coredns", "kube-system"),
             dep, svc)
    snap.add("40-pods/kube-system.yaml", rs)
    snap.add("40-pods/kube-system.yaml", *pods_for(snap, rs, nodes[:2], pod_cidrs))
    return dep


def kube_proxy(snap: Snapshot, *, image: str, nodes: list[tuple[str, str]], pod_cidrs: dict[str, str],
               cluster_cidr: str, with_pods: bool = True) -> Obj:
    c = container("kube-proxy", image, command=["/usr/local/bin/kube-proxy", "--config=/var/lib/kube-proxy/config.conf",
                                                "--hostname-override=$(NODE_NAME)"],
                  env=[{"name": "NODE_NAME", "valueFrom": {"fieldRef": {"apiVersion": "v1",
                                                                         "fieldPath": "spec.nodeName"}}}],
                  security={"privileged": True},
                  volume_mounts=[{"mountPath": "/var/lib/kube-proxy", "name": "kube-proxy"},
                                 {"mountPath": "/lib/modules", "name": "lib-modules", "readOnly": True}])
    spec = pod_spec([c], sa="kube-proxy", extra={"hostNetwork": True, "priorityClassName": "system-node-critical",
                                                 "nodeSelector": {"kubernetes.io/os": "linux"},
                                                 "tolerations": [{"operator": "Exists"}]},
                    volumes=[{"configMap": {"defaultMode": 420, "name": "kube-proxy"}, "name": "kube-proxy"},
                             {"hostPath": {"path": "/lib/modules", "type": ""}, "name": "lib-modules"}])
    ds = daemonset("kube-proxy", "kube-system", spec, nodes=len(nodes), selector={"k8s-app": "kube-proxy"})
    cfg = ("apiVersion: kubeproxy.config.k8s.io/v1alpha1\nbindAddress: 0.0.0.0\nclusterCIDR: "
           f"{cluster_cidr}\nkind: KubeProxyConfiguration\nmode: \"\"\n")
    snap.add("30-platform/kube-system.yaml", config_map("kube-proxy", "kube-system",
                                                        {"config.conf": cfg}, labels={"app": "kube-proxy"}),
             service_account("kube-proxy", "kube-system"), ds)
    if with_pods:
        snap.add("40-pods/kube-system.yaml", *pods_for(snap, ds, nodes, pod_cidrs, host_network=True))
    return ds


def kubeadm_control_plane(snap: Snapshot, cp_nodes: list[Obj], *, version: str, registry: str,
                          etcd_tag: str, extra_annotations: dict | None = None,
                          cluster_name: str = "kubernetes", pod_subnet: str, service_subnet: str,
                          endpoint: str) -> None:
    """kubeadm's mirror pods on each control-plane node, plus kubeadm-config / cluster-info."""
    for n in cp_nodes:
        ip = n["status"]["addresses"][0]["address"]
        for comp, img in (("etcd", f"{registry}/etcd:{etcd_tag}"),
                          ("kube-apiserver", f"{registry}/kube-apiserver:{version}"),
                          ("kube-controller-manager", f"{registry}/kube-controller-manager:{version}"),
                          ("kube-scheduler", f"{registry}/kube-scheduler:{version}")):
            snap.add("40-pods/kube-system.yaml", static_pod(snap, comp, n, img, ip,
                                                             extra_annotations=extra_annotations))
    ccfg = (f"apiServer:\n  certSANs:\n  - {endpoint.split(':')[0]}\n  extraArgs:\n    cloud-provider: external\n"
            f"apiVersion: kubeadm.k8s.io/v1beta3\ncertificatesDir: /etc/kubernetes/pki\n"
            f"clusterName: {cluster_name}\ncontrolPlaneEndpoint: {endpoint}\ncontrollerManager:\n  extraArgs:\n"
            f"    cloud-provider: external\ndns: {{}}\netcd:\n  local:\n    dataDir: /var/lib/etcd\n"
            f"imageRepository: {registry}\nkind: ClusterConfiguration\nkubernetesVersion: {version}\n"
            f"networking:\n  dnsDomain: cluster.local\n  podSubnet: {pod_subnet}\n  serviceSubnet: {service_subnet}\n"
            f"scheduler: {{}}\n")
    snap.add("30-platform/kube-system.yaml",
             config_map("kubeadm-config", "kube-system", {"ClusterConfiguration": ccfg}),
             config_map("kubelet-config", "kube-system", {"kubelet": (
                 "apiVersion: kubelet.config.k8s.io/v1beta1\ncgroupDriver: systemd\nclusterDNS:\n- "
                 f"{svc_dns_ip(service_subnet)}\nclusterDomain: cluster.local\nkind: KubeletConfiguration\n"
                 "rotateCertificates: true\nserverTLSBootstrap: true\n")},
                 annotations={"kubeadm.kubernetes.io/component-config.hash": "sha256:" + "0" * 8}))
    snap.add("30-platform/kube-system.yaml", config_map("cluster-info", "kube-public", {
        "kubeconfig": (f"apiVersion: v1\nclusters:\n- cluster:\n    certificate-authority-data: RkFLRQ==\n"
                       f"    server: https://{endpoint}\n  name: \"\"\ncontexts: null\ncurrent-context: \"\"\n"
                       f"kind: Config\npreferences: {{}}\nusers: null\n")}))


def svc_dns_ip(service_cidr: str) -> str:
    import ipaddress
    return str(ipaddress.ip_network(service_cidr).network_address + 10)


def finalize_namespaces(snap: Snapshot) -> None:
    """Every namespace gets the objects controllers create in it (default SA, kube-root-ca.crt)."""
    names = [o["metadata"]["name"] for o in snap.all_objects() if o["kind"] == "Namespace"]
    have = {(o["kind"], o["metadata"].get("namespace"), o["metadata"]["name"]) for o in snap.all_objects()}
    for ns in names:
        extra: list[Any] = []
        if ("ServiceAccount", ns, "default") not in have:
            extra.append(service_account("default", ns))
        if ("ConfigMap", ns, "kube-root-ca.crt") not in have:
            extra.append(kube_root_ca(ns))
        if extra:
            snap.add("05-namespace-defaults.yaml", *extra)


def ns_meta_labels(extra: dict | None = None) -> dict:
    return dict(extra or {})


__all__ = ["core", "coredns", "kube_proxy", "kubeadm_control_plane", "finalize_namespaces", "svc_dns_ip", "meta"]


def addon_deployment(snap: Snapshot, file: str, name: str, ns: str, images: list[tuple[str, str]] | str, *,
                     replicas: int = 1, labels: dict | None = None, selector: dict | None = None,
                     sa: str | None = None, nodes: list[tuple[str, str]] | None = None,
                     pod_cidrs: dict[str, str] | None = None, extra: dict | None = None,
                     annotations: dict | None = None, ports: list | None = None) -> Obj:
    """A platform add-on Deployment (+ its ReplicaSet and Pods when nodes are given)."""
    if isinstance(images, str):
        images = [(name.split("/")[-1][:63], images)]
    cs = [container(cn, img, ports=ports if i == 0 else None, resources=res("50m", "64Mi"))
          for i, (cn, img) in enumerate(images)]
    sel = selector or {"app.kubernetes.io/name": name}
    spec = pod_spec(cs, sa=sa or name, extra=extra)
    dep = deployment(name, ns, spec, replicas=replicas, labels=labels or dict(sel), selector=sel,
                     annotations=annotations)
    objs = [dep]
    if sa is None:
        objs.insert(0, service_account(name, ns))
    snap.add(file, *objs)
    if nodes:
        rs = replicaset_for(dep)
        snap.add(f"40-pods/{ns}.yaml", rs, *pods_for(snap, rs, nodes, pod_cidrs or {}))
    return dep


def addon_daemonset(snap: Snapshot, file: str, name: str, ns: str, images: list[tuple[str, str]] | str, *,
                    nodes: list[tuple[str, str]], pod_cidrs: dict[str, str], labels: dict | None = None,
                    selector: dict | None = None, host_network: bool = True, with_pods: bool = True,
                    sa: str | None = None, extra: dict | None = None, node_count: int | None = None) -> Obj:
    if isinstance(images, str):
        images = [(name, images)]
    cs = [container(cn, img, resources=res("100m", "128Mi"), security={"privileged": True} if host_network else None)
          for cn, img in images]
    sel = selector or {"k8s-app": name}
    ex = {"hostNetwork": host_network, "priorityClassName": "system-node-critical",
          "tolerations": [{"operator": "Exists"}]}
    ex.update(extra or {})
    spec = pod_spec(cs, sa=sa or name, extra=ex)
    ds = daemonset(name, ns, spec, nodes=node_count or len(nodes), labels=labels or dict(sel), selector=sel)
    objs = [ds]
    if sa is None:
        objs.insert(0, service_account(name, ns))
    snap.add(file, *objs)
    if with_pods:
        snap.add(f"40-pods/{ns}.yaml", *pods_for(snap, ds, nodes, pod_cidrs, host_network=host_network))
    return ds
