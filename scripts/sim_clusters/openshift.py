"""`openshift`: Red Hat OpenShift Container Platform 4.13 on AWS (IPI), OVN-Kubernetes.

Facts: markers.md (kubelet `vX.Y.Z+<7 hex>`; v1.26.3+b404935 is the real OCP 4.13 kube-apiserver
string in the conformance TSV; node.openshift.io/os_id=rhcos; machine.openshift.io/machine and
machineconfiguration.openshift.io/* node annotations; openshift-* namespaces; gp3-csi/gp2 storage),
velero/real-cli-output (OADP in openshift-adp). Routes, DeploymentConfigs, ImageStreams and
Projects are aggregated APIs on a real cluster; the simulator serves them from CRDs.
"""
from __future__ import annotations

import copy

from .base import CORE_NAMESPACES, finalize_namespaces
from .common import (Obj, Snapshot, container, cr, crd, csi_driver, daemonset, deployment, digest, h, ingress_class,
                     meta, namespace, node, pod_spec, pods_for, port, ready_condition, replicaset_for, res,
                     role_binding, sa_subject, service, service_account, static_pod, storage_class, suffix)
from .workloads import Flavor, all_business

NAME = "openshift"
OCP = "4.13.0"
K8S = "v1.26.3+b404935"
INFRA = "ocp-prod-7xk2p"
SVC_CIDR = "172.30.0.0/16"
POD_CIDR = "10.128.0.0/14"
REGION = "us-east-2"
DOMAIN = "ocp-prod.example.com"
ART = "quay.io/openshift-release-dev/ocp-v4.0-art-dev"
INTERNAL_REG = "image-registry.openshift-image-registry.svc:5000"


def art(component: str) -> str:
    """Release-payload images are referenced by digest only, like the real payload."""
    return f"{ART}@{digest('ocp-' + OCP + '-' + component)}"


def cluster_meta() -> dict:
    return {"name": NAME, "distro": "openshift",
            "description": f"Red Hat OpenShift {OCP} on AWS (IPI): RHCOS nodes, OVN-Kubernetes, OpenShift router "
                           "+ Routes, OLM operators (OADP, GitOps), EBS CSI (gp3-csi default); source cluster "
                           "with shop/payments/analytics workloads incl. a DeploymentConfig and an anyuid app.",
            "kubernetes": {"major": "1", "minor": "26", "gitVersion": K8S,
                           "gitCommit": "b404935d95f2a1b3d1c0e8f4a5a2c6e7d8f9a0b1", "gitTreeState": "clean",
                           "buildDate": "2023-04-21T16:39:42Z", "goVersion": "go1.19.6", "compiler": "gc",
                           "platform": "linux/amd64"},
            "platform": "linux/amd64"}


SYSTEM_NAMESPACES = [
    "openshift", "openshift-apiserver", "openshift-authentication", "openshift-cluster-csi-drivers",
    "openshift-cluster-version", "openshift-config", "openshift-config-managed", "openshift-console",
    "openshift-dns", "openshift-etcd", "openshift-image-registry", "openshift-ingress", "openshift-ingress-operator",
    "openshift-kube-apiserver", "openshift-machine-api", "openshift-machine-config-operator",
    "openshift-marketplace", "openshift-monitoring", "openshift-operator-lifecycle-manager", "openshift-operators",
    "openshift-ovn-kubernetes", "openshift-adp", "openshift-gitops",
]


def _scc_ranges(ns: str) -> dict:
    n = 1000600000 + (int(h(ns, 4), 16) % 90) * 10000
    c1, c2 = 20 + int(h(ns, 2), 16) % 10, int(h(ns + "c", 2), 16) % 20
    return {"openshift.io/sa.scc.mcs": f"s0:c{c1},c{c2}", "openshift.io/sa.scc.supplemental-groups": f"{n}/10000",
            "openshift.io/sa.scc.uid-range": f"{n}/10000"}


def build() -> Snapshot:
    s = Snapshot(NAME, "2023-05-22T07:45:00Z", cluster_meta())
    for ns in CORE_NAMESPACES:
        s.add("00-namespaces.yaml", namespace(ns, annotations=_scc_ranges(ns)))
    for ns in SYSTEM_NAMESPACES:
        s.add("00-namespaces.yaml", namespace(ns, labels={"openshift.io/cluster-monitoring": "true",
                                                          "pod-security.kubernetes.io/enforce": "privileged",
                                                          "pod-security.kubernetes.io/audit": "privileged",
                                                          "pod-security.kubernetes.io/warn": "privileged"},
                                              annotations={"openshift.io/node-selector": "",
                                                           "workload.openshift.io/allowed": "management",
                                                           **_scc_ranges(ns)}), days=0.01)
    svc = service(s, "kubernetes", "default", [{"name": "https", "port": 443, "targetPort": 6443}],
                  labels={"component": "apiserver", "provider": "kubernetes"}, cidr=SVC_CIDR)
    svc["spec"]["clusterIP"] = svc["spec"]["clusterIPs"][0] = "172.30.0.1"
    s.add("30-platform/core.yaml", svc)
    nodes, pod_cidrs = _nodes(s)
    all_nodes = [(n["metadata"]["name"], n["status"]["addresses"][0]["address"]) for n in nodes]
    _config(s)
    _machines(s, nodes)
    _platform_workloads(s, nodes, all_nodes, pod_cidrs)
    _scc(s)
    _olm(s)
    _storage(s)
    f = _flavor()
    all_business(s, f)
    _openshift_business(s, f, all_nodes, pod_cidrs)
    finalize_namespaces(s)
    return s


def _nodes(s: Snapshot) -> tuple[list[Obj], dict[str, str]]:
    out, pod_cidrs = [], {}
    specs = [("master", 0, "a"), ("master", 1, "b"), ("master", 2, "c"),
             ("worker", 0, "a"), ("worker", 1, "b"), ("worker", 2, "c")]
    for i, (role, idx, az) in enumerate(specs):
        ip = f"10.0.{[142, 171, 201][ord(az) - 97] + (0 if role == 'master' else 8)}.{11 + idx + (40 if role == 'worker' else 0)}"
        name = f"ip-{ip.replace('.', '-')}.{REGION}.compute.internal"
        pod_cidrs[name] = f"10.{128 + i // 2}.{(i % 2) * 2}.0/23"
        zone = f"{REGION}{az}"
        itype = "m6i.xlarge" if role == "master" else "m6i.2xlarge"
        inst = "i-0" + h(name, 16)
        labels = {"node-role.kubernetes.io/" + role: "", "node.openshift.io/os_id": "rhcos",
                  "node.kubernetes.io/instance-type": itype, "beta.kubernetes.io/instance-type": itype,
                  "topology.kubernetes.io/region": REGION, "topology.kubernetes.io/zone": zone,
                  "failure-domain.beta.kubernetes.io/region": REGION, "failure-domain.beta.kubernetes.io/zone": zone,
                  "topology.ebs.csi.aws.com/zone": zone}
        if role == "master":
            labels["node-role.kubernetes.io/control-plane"] = ""
        machine = f"{INFRA}-master-{idx}" if role == "master" else f"{INFRA}-worker-{zone}-{suffix(name)}"
        rendered = f"rendered-{role}-{h(role + OCP, 32)}"
        ann = {"machine.openshift.io/machine": f"openshift-machine-api/{machine}",
               "machineconfiguration.openshift.io/controlPlaneTopology": "HighlyAvailable",
               "machineconfiguration.openshift.io/currentConfig": rendered,
               "machineconfiguration.openshift.io/desiredConfig": rendered,
               "machineconfiguration.openshift.io/desiredDrain": "uncordon-" + rendered,
               "machineconfiguration.openshift.io/lastAppliedDrain": "uncordon-" + rendered,
               "machineconfiguration.openshift.io/reason": "", "machineconfiguration.openshift.io/state": "Done",
               "csi.volume.kubernetes.io/nodeid": '{"ebs.csi.aws.com":"%s"}' % inst,
               "k8s.ovn.org/node-subnets": '{"default":["%s"]}' % pod_cidrs[name],
               "k8s.ovn.org/node-primary-ifaddr": '{"ipv4":"%s/18"}' % ip,
               "k8s.ovn.org/zone-name": name,
               "k8s.ovn.org/host-cidrs": '["%s/18"]' % ip}
        n = node(s, name, ip=ip, labels=labels, annotations=ann, provider_id=f"aws:///{zone}/{inst}", kubelet=K8S,
                 os_image="Red Hat Enterprise Linux CoreOS 413.92.202305021736-0 (Plow)",
                 kernel="5.14.0-284.13.1.el9_2.x86_64",
                 runtime="cri-o://1.26.3-3.rhaos4.13.git641290e.el9", cpu="4" if role == "master" else "8",
                 memory_ki=16_092_000 if role == "master" else 32_408_000, pods=250,
                 taints=[{"effect": "NoSchedule", "key": "node-role.kubernetes.io/master"}] if role == "master"
                 else None, extra_addresses=[{"address": name, "type": "InternalDNS"}], days=0 if role == "master"
                 else 0.02)
        s.add("10-nodes.yaml", n)
        out.append(n)
    return out, pod_cidrs


def _config(s: Snapshot) -> None:
    f = "30-platform/config.yaml"
    for g, k, p, scope in (("config.openshift.io", "ClusterVersion", "clusterversions", "Cluster"),
                           ("config.openshift.io", "ClusterOperator", "clusteroperators", "Cluster"),
                           ("config.openshift.io", "Infrastructure", "infrastructures", "Cluster"),
                           ("config.openshift.io", "Network", "networks", "Cluster"),
                           ("config.openshift.io", "Ingress", "ingresses", "Cluster"),
                           ("operator.openshift.io", "IngressController", "ingresscontrollers", "Namespaced"),
                           ("machineconfiguration.openshift.io", "MachineConfigPool", "machineconfigpools", "Cluster"),
                           ("machine.openshift.io", "Machine", "machines", "Namespaced"),
                           ("machine.openshift.io", "MachineSet", "machinesets", "Namespaced")):
        s.add("20-crds/openshift.yaml", crd(g, k, p, scope=scope,
                                            versions=["v1beta1"] if g == "machine.openshift.io" else ["v1"],
                                            short_names={"clusteroperators": ["co"], "machinesets": ["ms"],
                                                         "machineconfigpools": ["mcp"]}.get(p, []),
                                            scale=k == "MachineSet",
                                            annotations={"include.release.openshift.io/self-managed-high-"
                                                         "availability": "true"}))
    t = s.ts(0.05)
    image = f"quay.io/openshift-release-dev/ocp-release@{digest('release-' + OCP)}"
    s.add(f, cr("config.openshift.io/v1", "ClusterVersion", "version",
                spec={"channel": "stable-4.13", "clusterID": "1f5c8a2e-3b4d-4e6f-8a9b-0c1d2e3f4a5b"},
                status={"availableUpdates": None, "capabilities": {"enabledCapabilities": [
                    "CSISnapshot", "Console", "Insights", "Storage", "baremetal", "marketplace", "openshift-samples"],
                    "knownCapabilities": ["CSISnapshot", "Console", "Insights", "Storage", "baremetal",
                                          "marketplace", "openshift-samples"]},
                        "conditions": [{"lastTransitionTime": t, "status": "True", "type": "Available",
                                        "message": f"Done applying {OCP}"},
                                       {"lastTransitionTime": t, "status": "False", "type": "Failing"},
                                       {"lastTransitionTime": t, "status": "False", "type": "Progressing",
                                        "message": f"Cluster version is {OCP}"},
                                       {"lastTransitionTime": t, "status": "True", "type": "RetrievedUpdates"}],
                        "desired": {"image": image, "url": "https://access.redhat.com/errata/RHSA-2023:1326",
                                    "version": OCP, "channels": ["candidate-4.13", "fast-4.13", "stable-4.13"]},
                        "history": [{"completionTime": s.ts(0.05), "image": image, "startedTime": s.ts(0),
                                     "state": "Completed", "verified": False, "version": OCP}],
                        "observedGeneration": 2, "versionHash": "x9hE6uPb3Ns="}))
    for op in ("authentication", "cloud-controller-manager", "console", "dns", "etcd", "image-registry", "ingress",
               "kube-apiserver", "kube-controller-manager", "kube-scheduler", "machine-api", "machine-config",
               "marketplace", "monitoring", "network", "openshift-apiserver", "operator-lifecycle-manager",
               "storage"):
        s.add(f, cr("config.openshift.io/v1", "ClusterOperator", op,
                    annotations={"include.release.openshift.io/self-managed-high-availability": "true"},
                    spec={}, status={"conditions": [
                        {"lastTransitionTime": t, "status": "True", "type": "Available", "reason": "AsExpected"},
                        {"lastTransitionTime": t, "status": "False", "type": "Progressing", "reason": "AsExpected"},
                        {"lastTransitionTime": t, "status": "False", "type": "Degraded", "reason": "AsExpected"},
                        {"lastTransitionTime": t, "status": "True", "type": "Upgradeable", "reason": "AsExpected"}],
                        "versions": [{"name": "operator", "version": OCP}]}))
    s.add(f, cr("config.openshift.io/v1", "Infrastructure", "cluster",
                spec={"cloudConfig": {"name": ""}, "platformSpec": {"aws": {}, "type": "AWS"}},
                status={"apiServerInternalURI": f"https://api-int.{DOMAIN}:6443",
                        "apiServerURL": f"https://api.{DOMAIN}:6443", "controlPlaneTopology": "HighlyAvailable",
                        "etcdDiscoveryDomain": "", "infrastructureName": INFRA, "infrastructureTopology":
                            "HighlyAvailable", "platform": "AWS",
                        "platformStatus": {"aws": {"region": REGION}, "type": "AWS"}}),
          cr("config.openshift.io/v1", "Network", "cluster",
             spec={"clusterNetwork": [{"cidr": POD_CIDR, "hostPrefix": 23}], "externalIP": {"policy": {}},
                   "networkType": "OVNKubernetes", "serviceNetwork": [SVC_CIDR]},
             status={"clusterNetwork": [{"cidr": POD_CIDR, "hostPrefix": 23}], "clusterNetworkMTU": 8901,
                     "networkType": "OVNKubernetes", "serviceNetwork": [SVC_CIDR]}),
          cr("config.openshift.io/v1", "Ingress", "cluster", spec={"domain": f"apps.{DOMAIN}"},
             status={"defaultPlacement": "Workers"}),
          cr("operator.openshift.io/v1", "IngressController", "default", "openshift-ingress-operator",
             spec={"clientTLS": {"clientCA": {"name": ""}, "clientCertificatePolicy": ""}, "httpCompression": {},
                   "httpEmptyRequestsPolicy": "Respond", "httpErrorCodePages": {"name": ""}, "replicas": 2,
                   "tuningOptions": {"reloadInterval": "0s"}, "unsupportedConfigOverrides": None},
             status={"availableReplicas": 2, "domain": f"apps.{DOMAIN}",
                     "endpointPublishingStrategy": {"loadBalancer": {"dnsManagementPolicy": "Managed",
                                                                     "providerParameters": {"aws": {
                                                                         "classicLoadBalancer": {
                                                                             "connectionIdleTimeout": "0s"},
                                                                         "type": "Classic"}, "type": "AWS"},
                                                                     "scope": "External"},
                                                    "type": "LoadBalancerService"},
                     "selector": "ingresscontroller.operator.openshift.io/deployment-ingresscontroller=default",
                     "tlsProfile": {"minTLSVersion": "VersionTLS12"},
                     "conditions": [ready_condition(t, "IngressAvailable", "", "Available")]}))
    for role in ("master", "worker"):
        s.add(f, cr("machineconfiguration.openshift.io/v1", "MachineConfigPool", role,
                    labels={f"machineconfiguration.openshift.io/mco-built-in": "",
                            f"pools.operator.machineconfiguration.openshift.io/{role}": ""},
                    spec={"configuration": {"name": f"rendered-{role}-{h(role + OCP, 32)}"},
                          "machineConfigSelector": {"matchLabels": {"machineconfiguration.openshift.io/role": role}},
                          "nodeSelector": {"matchLabels": {f"node-role.kubernetes.io/{role}": ""}}, "paused": False},
                    status={"machineCount": 3, "readyMachineCount": 3, "updatedMachineCount": 3,
                            "degradedMachineCount": 0, "observedGeneration": 2,
                            "configuration": {"name": f"rendered-{role}-{h(role + OCP, 32)}"},
                            "conditions": [{"lastTransitionTime": t, "status": "True", "type": "Updated"}]}))


def _machines(s: Snapshot, nodes: list[Obj]) -> None:
    f = "30-platform/machine-api.yaml"
    for az in "abc":
        zone = f"{REGION}{az}"
        s.add(f, cr("machine.openshift.io/v1beta1", "MachineSet", f"{INFRA}-worker-{zone}", "openshift-machine-api",
                    labels={"machine.openshift.io/cluster-api-cluster": INFRA},
                    spec={"replicas": 1, "selector": {"matchLabels": {
                        "machine.openshift.io/cluster-api-cluster": INFRA,
                        "machine.openshift.io/cluster-api-machineset": f"{INFRA}-worker-{zone}"}},
                        "template": {"metadata": {"labels": {
                            "machine.openshift.io/cluster-api-cluster": INFRA,
                            "machine.openshift.io/cluster-api-machine-role": "worker",
                            "machine.openshift.io/cluster-api-machine-type": "worker",
                            "machine.openshift.io/cluster-api-machineset": f"{INFRA}-worker-{zone}"}},
                            "spec": {"providerSpec": {"value": {
                                "apiVersion": "machine.openshift.io/v1beta1", "kind": "AWSMachineProviderConfig",
                                "instanceType": "m6i.2xlarge", "placement": {"availabilityZone": zone,
                                                                              "region": REGION},
                                "ami": {"id": "ami-0a" + h(zone, 15)}}}}}},
                    status={"availableReplicas": 1, "fullyLabeledReplicas": 1, "observedGeneration": 1,
                            "readyReplicas": 1, "replicas": 1}))
    for n in nodes:
        m = n["metadata"]["annotations"]["machine.openshift.io/machine"].split("/")[1]
        role = "master" if "master" in m else "worker"
        s.add(f, cr("machine.openshift.io/v1beta1", "Machine", m, "openshift-machine-api",
                    labels={"machine.openshift.io/cluster-api-cluster": INFRA,
                            "machine.openshift.io/cluster-api-machine-role": role,
                            "machine.openshift.io/cluster-api-machine-type": role,
                            "machine.openshift.io/instance-type": n["metadata"]["labels"]["node.kubernetes.io/instance-type"],
                            "machine.openshift.io/region": REGION,
                            "machine.openshift.io/zone": n["metadata"]["labels"]["topology.kubernetes.io/zone"]},
                    spec={"providerID": n["spec"]["providerID"]},
                    status={"addresses": n["status"]["addresses"], "phase": "Running",
                            "nodeRef": {"kind": "Node", "name": n["metadata"]["name"], "uid": n["metadata"]["uid"]},
                            "providerStatus": {"instanceId": n["spec"]["providerID"].rsplit("/", 1)[1],
                                               "instanceState": "running"}}))


def _ds(s: Snapshot, file: str, name: str, ns: str, images: list[tuple[str, str]], nodes: list, pod_cidrs: dict,
        selector: dict, host_network: bool = True, node_selector: dict | None = None, with_pods: bool = True) -> Obj:
    cs = [container(cn, img, resources=res("10m", "50Mi")) for cn, img in images]
    ex = {"hostNetwork": host_network, "priorityClassName": "system-node-critical",
          "tolerations": [{"operator": "Exists"}]}
    if node_selector:
        ex["nodeSelector"] = node_selector
    ds = daemonset(name, ns, pod_spec(cs, sa=name, extra=ex), nodes=len(nodes), selector=selector)
    s.add(file, service_account(name, ns), ds)
    if with_pods:
        pods = pods_for(s, ds, nodes, pod_cidrs, host_network=host_network)
        for p in pods:
            p["metadata"].setdefault("annotations", {})["openshift.io/scc"] = "privileged"
        s.add(f"40-pods/{ns}.yaml", *pods)
    return ds


def _dep(s: Snapshot, file: str, name: str, ns: str, images: list[tuple[str, str]], selector: dict,
         replicas: int = 1, nodes: list | None = None, pod_cidrs: dict | None = None, scc: str = "restricted-v2",
         extra: dict | None = None) -> Obj:
    cs = [container(cn, img, resources=res("10m", "50Mi")) for cn, img in images]
    ex = {"priorityClassName": "system-cluster-critical"}
    ex.update(extra or {})
    d = deployment(name, ns, pod_spec(cs, sa=name, extra=ex), replicas=replicas, selector=selector)
    s.add(file, service_account(name, ns), d)
    if nodes:
        rs = replicaset_for(d)
        pods = pods_for(s, rs, nodes, pod_cidrs or {})
        for p in pods:
            p["metadata"].setdefault("annotations", {})["openshift.io/scc"] = scc
        s.add(f"40-pods/{ns}.yaml", rs, *pods)
    return d


def _platform_workloads(s: Snapshot, nodes: list[Obj], all_nodes: list, pod_cidrs: dict) -> None:
    masters, workers = all_nodes[:3], all_nodes[3:]
    f = "30-platform/operators.yaml"
    s.add(f, cr("scheduling.k8s.io/v1", "PriorityClass", "system-cluster-critical") | {
        "value": 2000000000, "globalDefault": False, "preemptionPolicy": "PreemptLowerPriority",
        "description": "Used for system critical pods that must run in the cluster, but can be moved to another "
                       "node if necessary."},
        cr("scheduling.k8s.io/v1", "PriorityClass", "system-node-critical") | {
        "value": 2000001000, "globalDefault": False, "preemptionPolicy": "PreemptLowerPriority",
        "description": "Used for system critical pods that must not be moved from their current node."},
        cr("scheduling.k8s.io/v1", "PriorityClass", "openshift-user-critical") | {
        "value": 1000000000, "globalDefault": False, "preemptionPolicy": "PreemptLowerPriority",
        "description": "Used for user critical pods that must run in the cluster, but can be moved to another "
                       "node if necessary."})
    for n in nodes[:3]:
        ip = n["status"]["addresses"][0]["address"]
        s.add("40-pods/openshift-etcd.yaml", static_pod(s, "etcd", n, art("etcd"), ip, ns="openshift-etcd"))
        s.add("40-pods/openshift-kube-apiserver.yaml",
              static_pod(s, "kube-apiserver", n, art("hyperkube"), ip, ns="openshift-kube-apiserver"))
    _ds(s, "30-platform/ovn-kubernetes.yaml", "ovnkube-master", "openshift-ovn-kubernetes",
        [("northd", art("ovn-kubernetes")), ("nbdb", art("ovn-kubernetes")), ("sbdb", art("ovn-kubernetes")),
         ("ovnkube-master", art("ovn-kubernetes"))], masters, pod_cidrs, {"app": "ovnkube-master"},
        node_selector={"node-role.kubernetes.io/master": ""})
    _ds(s, "30-platform/ovn-kubernetes.yaml", "ovnkube-node", "openshift-ovn-kubernetes",
        [("ovn-controller", art("ovn-kubernetes")), ("ovn-acl-logging", art("ovn-kubernetes")),
         ("kube-rbac-proxy", art("kube-rbac-proxy")), ("ovnkube-node", art("ovn-kubernetes"))],
        all_nodes, pod_cidrs, {"app": "ovnkube-node"})
    _ds(s, "30-platform/dns.yaml", "dns-default", "openshift-dns",
        [("dns", art("coredns")), ("kube-rbac-proxy", art("kube-rbac-proxy"))], all_nodes, pod_cidrs,
        {"dns.operator.openshift.io/daemonset-dns": "default"}, host_network=False)
    _ds(s, "30-platform/dns.yaml", "node-resolver", "openshift-dns", [("dns-node-resolver", art("cli"))],
        all_nodes, pod_cidrs, {"dns.operator.openshift.io/daemonset-node-resolver": ""})
    dns = service(s, "dns-default", "openshift-dns", [{"name": "dns", "port": 53, "protocol": "UDP",
                                                        "targetPort": "dns"},
                                                       {"name": "dns-tcp", "port": 53, "targetPort": "dns-tcp"}],
                  selector={"dns.operator.openshift.io/daemonset-dns": "default"}, cidr=SVC_CIDR)
    dns["spec"]["clusterIP"] = dns["spec"]["clusterIPs"][0] = "172.30.0.10"
    s.add("30-platform/dns.yaml", dns)
    _ds(s, "30-platform/machine-config.yaml", "machine-config-daemon", "openshift-machine-config-operator",
        [("machine-config-daemon", art("machine-config-operator"))], all_nodes, pod_cidrs,
        {"k8s-app": "machine-config-daemon"})
    _ds(s, "30-platform/storage.yaml", "aws-ebs-csi-driver-node", "openshift-cluster-csi-drivers",
        [("csi-driver", art("aws-ebs-csi-driver")), ("csi-node-driver-registrar", art("csi-node-driver-registrar")),
         ("csi-liveness-probe", art("csi-livenessprobe"))], all_nodes, pod_cidrs, {"app": "aws-ebs-csi-driver-node"})
    _dep(s, "30-platform/storage.yaml", "aws-ebs-csi-driver-controller", "openshift-cluster-csi-drivers",
         [("csi-driver", art("aws-ebs-csi-driver")), ("csi-provisioner", art("csi-external-provisioner")),
          ("csi-attacher", art("csi-external-attacher")), ("csi-resizer", art("csi-external-resizer")),
          ("csi-snapshotter", art("csi-external-snapshotter"))],
         {"app": "aws-ebs-csi-driver-controller"}, replicas=2, nodes=masters, pod_cidrs=pod_cidrs, scc="privileged")
    router = _dep(s, "30-platform/ingress.yaml", "router-default", "openshift-ingress", [("router", art("haproxy-router"))],
                  {"ingresscontroller.operator.openshift.io/deployment-ingresscontroller": "default"}, replicas=2,
                  nodes=workers[:2], pod_cidrs=pod_cidrs, scc="hostnetwork-v2")
    s.add("30-platform/ingress.yaml",
          service(s, "router-default", "openshift-ingress", [{"name": "http", "port": 80, "targetPort": "http"},
                                                              {"name": "https", "port": 443, "targetPort": "https"}],
                  selector=router["spec"]["selector"]["matchLabels"], type_="LoadBalancer", cidr=SVC_CIDR,
                  labels={"app": "router", "ingresscontroller.operator.openshift.io/owning-ingresscontroller":
                          "default", "router": "router-default"},
                  annotations={"service.beta.kubernetes.io/aws-load-balancer-healthcheck-healthy-threshold": "2",
                               "service.beta.kubernetes.io/aws-load-balancer-healthcheck-interval": "5",
                               "service.beta.kubernetes.io/aws-load-balancer-healthcheck-timeout": "4",
                               "service.beta.kubernetes.io/aws-load-balancer-healthcheck-unhealthy-threshold": "2",
                               "traffic-policy.network.alpha.openshift.io/local-with-fallback": ""},
                  lb_ingress=[{"hostname": f"a{h('router', 31)}-{int(h('r', 6), 16) % 10**9}.{REGION}.elb."
                                           "amazonaws.com"}]),
          ingress_class("openshift-default", "openshift.io/ingress-to-route",
                        parameters={"apiGroup": "operator.openshift.io", "kind": "IngressController",
                                    "name": "default", "namespace": "openshift-ingress-operator", "scope":
                                        "Namespace"}))
    _dep(s, "30-platform/registry.yaml", "image-registry", "openshift-image-registry", [("registry",
                                                                                        art("docker-registry"))],
         {"docker-registry": "default"}, replicas=2, nodes=workers[1:], pod_cidrs=pod_cidrs)
    s.add("30-platform/registry.yaml",
          service(s, "image-registry", "openshift-image-registry", [{"name": "5000-tcp", "port": 5000}],
                  selector={"docker-registry": "default"}, cidr=SVC_CIDR, labels={"docker-registry": "default"}))
    for name, ns, comp, sel in (
            ("console", "openshift-console", "console", {"app": "console", "component": "ui"}),
            ("downloads", "openshift-console", "cli-artifacts", {"app": "console", "component": "downloads"}),
            ("oauth-openshift", "openshift-authentication", "oauth-server", {"app": "oauth-openshift"}),
            ("apiserver", "openshift-apiserver", "openshift-apiserver", {"apiserver": "true", "app":
                                                                          "openshift-apiserver-a"}),
            ("cluster-version-operator", "openshift-cluster-version", "cluster-version-operator",
             {"k8s-app": "cluster-version-operator"}),
            ("machine-api-operator", "openshift-machine-api", "machine-api-operator", {"k8s-app":
                                                                                      "machine-api-operator"}),
            ("prometheus-operator", "openshift-monitoring", "prometheus-operator",
             {"app.kubernetes.io/name": "prometheus-operator"}),
            ("ingress-operator", "openshift-ingress-operator", "cluster-ingress-operator", {"name":
                                                                                           "ingress-operator"})):
        _dep(s, "30-platform/operators.yaml", name, ns, [(comp, art(comp))], sel)
    s.add("30-platform/operators.yaml", cr("route.openshift.io/v1", "Route", "console", "openshift-console",
                                           labels={"app": "console"},
                                           spec={"host": f"console-openshift-console.apps.{DOMAIN}",
                                                 "port": {"targetPort": "https"},
                                                 "tls": {"insecureEdgeTerminationPolicy": "Redirect",
                                                         "termination": "reencrypt"},
                                                 "to": {"kind": "Service", "name": "console", "weight": 100},
                                                 "wildcardPolicy": "None"},
                                           status=_route_status(s, f"console-openshift-console.apps.{DOMAIN}")))


def _route_status(s: Snapshot, host: str) -> Obj:
    return {"ingress": [{"conditions": [{"lastTransitionTime": s.ts(0.1), "status": "True", "type": "Admitted"}],
                         "host": host, "routerCanonicalHostname": f"router-default.apps.{DOMAIN}",
                         "routerName": "default", "wildcardPolicy": "None"}]}


def _scc(s: Snapshot) -> None:
    s.add("20-crds/openshift.yaml", crd("security.openshift.io", "SecurityContextConstraints",
                                        "securitycontextconstraints", scope="Cluster", short_names=["scc"],
                                        status=False))
    base = {"allowHostDirVolumePlugin": False, "allowHostIPC": False, "allowHostNetwork": False,
            "allowHostPID": False, "allowHostPorts": False, "allowPrivilegeEscalation": True,
            "allowPrivilegedContainer": False, "allowedCapabilities": None, "defaultAddCapabilities": None,
            "fsGroup": {"type": "MustRunAs"}, "groups": [], "priority": None, "readOnlyRootFilesystem": False,
            "requiredDropCapabilities": ["KILL", "MKNOD", "SETUID", "SETGID"], "runAsUser": {"type": "MustRunAsRange"},
            "seLinuxContext": {"type": "MustRunAs"}, "supplementalGroups": {"type": "RunAsAny"}, "users": [],
            "volumes": ["configMap", "downwardAPI", "emptyDir", "ephemeral", "persistentVolumeClaim", "projected",
                        "secret"]}
    variants = {
        "restricted-v2": {"allowPrivilegeEscalation": False, "requiredDropCapabilities": ["ALL"],
                          "allowedCapabilities": ["NET_BIND_SERVICE"],
                          "seccompProfiles": ["runtime/default"]},
        "nonroot-v2": {"allowPrivilegeEscalation": False, "requiredDropCapabilities": ["ALL"],
                       "allowedCapabilities": ["NET_BIND_SERVICE"], "runAsUser": {"type": "MustRunAsNonRoot"},
                       "seccompProfiles": ["runtime/default"]},
        "anyuid": {"fsGroup": {"type": "RunAsAny"}, "groups": ["system:cluster-admins"], "priority": 10,
                   "requiredDropCapabilities": ["MKNOD"], "runAsUser": {"type": "RunAsAny"}},
        "hostnetwork-v2": {"allowHostNetwork": True, "allowHostPorts": True, "allowPrivilegeEscalation": False,
                           "requiredDropCapabilities": ["ALL"], "allowedCapabilities": ["NET_BIND_SERVICE"],
                           "seccompProfiles": ["runtime/default"]},
        "privileged": {"allowHostDirVolumePlugin": True, "allowHostIPC": True, "allowHostNetwork": True,
                       "allowHostPID": True, "allowHostPorts": True, "allowPrivilegedContainer": True,
                       "allowedCapabilities": ["*"], "allowedUnsafeSysctls": ["*"], "fsGroup": {"type": "RunAsAny"},
                       "groups": ["system:cluster-admins", "system:nodes", "system:masters"],
                       "requiredDropCapabilities": None, "runAsUser": {"type": "RunAsAny"},
                       "seLinuxContext": {"type": "RunAsAny"}, "seccompProfiles": ["*"],
                       "users": ["system:admin", "system:serviceaccount:openshift-infra:build-controller"],
                       "volumes": ["*"]},
    }
    for name, v in variants.items():
        o = copy.deepcopy(base)
        o.update(v)
        scc = {"apiVersion": "security.openshift.io/v1", "kind": "SecurityContextConstraints",
               "metadata": meta(name, annotations={"include.release.openshift.io/self-managed-high-availability":
                                                   "true", "kubernetes.io/description": f"{name} SCC"}),
               **o}
        s.add("30-platform/security.yaml", scc)


def _olm(s: Snapshot) -> None:
    f = "30-platform/olm.yaml"
    for k, p, sn in (("Subscription", "subscriptions", ["sub", "subs"]),
                     ("ClusterServiceVersion", "clusterserviceversions", ["csv", "csvs"]),
                     ("OperatorGroup", "operatorgroups", ["og"]), ("CatalogSource", "catalogsources", ["catsrc"]),
                     ("InstallPlan", "installplans", ["ip"])):
        s.add("20-crds/olm.yaml", crd("operators.coreos.com", k, p,
                                      versions=["v1"] if k == "OperatorGroup" else ["v1alpha1"], short_names=sn,
                                      categories=["olm"]))
    s.add("20-crds/oadp.yaml", crd("oadp.openshift.io", "DataProtectionApplication", "dataprotectionapplications",
                                   versions=["v1alpha1"], short_names=["dpa"]))
    for name in ("olm-operator", "catalog-operator", "packageserver"):
        _dep(s, f, name, "openshift-operator-lifecycle-manager", [(name, art("operator-lifecycle-manager"))],
             {"app": name})
    for cs, pub in (("redhat-operators", "Red Hat"), ("certified-operators", "Red Hat"),
                    ("community-operators", "Red Hat"), ("redhat-marketplace", "Red Hat")):
        s.add(f, cr("operators.coreos.com/v1alpha1", "CatalogSource", cs, "openshift-marketplace",
                    spec={"displayName": cs.replace("-", " ").title(), "grpcPodConfig": {"nodeSelector": {
                        "node-role.kubernetes.io/master": "", "kubernetes.io/os": "linux"}},
                          "icon": {"base64data": "", "mediatype": ""},
                          "image": f"registry.redhat.io/redhat/{cs}-index:v4.13", "priority": -100,
                          "publisher": pub, "sourceType": "grpc", "updateStrategy": {"registryPoll": {
                              "interval": "10m"}}},
                    status={"connectionState": {"lastObservedState": "READY"}}))
    for ns, og, sub, pkg, channel, csv, img, targets in (
            ("openshift-adp", "openshift-adp-og", "redhat-oadp-operator", "redhat-oadp-operator", "stable-1.2",
             "oadp-operator.v1.2.0", "registry.redhat.io/oadp/oadp-rhel9-operator@" + digest("oadp"),
             ["openshift-adp"]),
            ("openshift-operators", "global-operators", "openshift-gitops-operator", "openshift-gitops-operator",
             "latest", "openshift-gitops-operator.v1.9.0",
             "registry.redhat.io/openshift-gitops-1/gitops-rhel8-operator@" + digest("gitops"), None)):
        ogspec = {"targetNamespaces": targets, "upgradeStrategy": "Default"} if targets else {"upgradeStrategy":
                                                                                             "Default"}
        s.add(f, cr("operators.coreos.com/v1", "OperatorGroup", og, ns, spec=ogspec,
                    status={"lastUpdated": s.ts(5), "namespaces": targets or [""]}),
              cr("operators.coreos.com/v1alpha1", "Subscription", sub, ns,
                 labels={f"operators.coreos.com/{pkg}.{ns}": ""},
                 spec={"channel": channel, "installPlanApproval": "Automatic", "name": pkg,
                       "source": "redhat-operators", "sourceNamespace": "openshift-marketplace"},
                 status={"currentCSV": csv, "installedCSV": csv, "state": "AtLatestKnown",
                         "installPlanRef": {"apiVersion": "operators.coreos.com/v1alpha1", "kind": "InstallPlan",
                                            "name": f"install-{suffix(csv)}", "namespace": ns}}),
              cr("operators.coreos.com/v1alpha1", "InstallPlan", f"install-{suffix(csv)}", ns,
                 spec={"approval": "Automatic", "approved": True, "clusterServiceVersionNames": [csv],
                       "generation": 1}, status={"phase": "Complete"}),
              cr("operators.coreos.com/v1alpha1", "ClusterServiceVersion", csv, ns,
                 labels={f"operators.coreos.com/{pkg}.{ns}": "", "olm.copiedFrom": ns} if False else
                 {f"operators.coreos.com/{pkg}.{ns}": ""},
                 annotations={"olm.operatorGroup": og, "olm.operatorNamespace": ns,
                              "operators.operatorframework.io/builder": "operator-sdk-v1.25.0",
                              "containerImage": img},
                 spec={"displayName": pkg.replace("-", " ").title(), "version": csv.split(".v", 1)[1],
                       "install": {"strategy": "deployment", "spec": {"deployments": [{"name": pkg,
                                                                                      "spec": {"replicas": 1}}]}},
                       "installModes": [{"supported": True, "type": "OwnNamespace"},
                                        {"supported": targets is None, "type": "AllNamespaces"}],
                       "provider": {"name": "Red Hat"}},
                 status={"phase": "Succeeded", "reason": "InstallSucceeded",
                         "message": "install strategy completed with no errors"}), days=5)
        _dep(s, f, pkg if pkg != "redhat-oadp-operator" else "openshift-adp-controller-manager", ns,
             [("manager", img)], {"control-plane": "controller-manager"} if ns == "openshift-adp" else
             {"control-plane": "gitops-operator"})
    _dep(s, f, "velero", "openshift-adp", [("velero", "registry.redhat.io/oadp/oadp-velero-rhel9@" +
                                            digest("oadp-velero"))], {"component": "velero"})
    s.add(f, cr("oadp.openshift.io/v1alpha1", "DataProtectionApplication", "dpa-prod", "openshift-adp",
                spec={"backupLocations": [{"velero": {"default": True, "provider": "aws",
                                                      "objectStorage": {"bucket": "ocp-prod-velero",
                                                                        "prefix": "velero"},
                                                      "config": {"region": REGION, "profile": "default"},
                                                      "credential": {"key": "cloud", "name": "cloud-credentials"}}}],
                      "configuration": {"velero": {"defaultPlugins": ["openshift", "aws", "csi"]},
                                        "nodeAgent": {"enable": True, "uploaderType": "kopia"}}},
                status={"conditions": [ready_condition(s.ts(5), "Complete", "Reconcile complete", "Reconciled")]}),
          days=5)


def _storage(s: Snapshot) -> None:
    f = "30-platform/storage.yaml"
    s.add(f, csi_driver("ebs.csi.aws.com", attach=True),
          storage_class("gp2", "kubernetes.io/aws-ebs", parameters={"encrypted": "true", "type": "gp2"}),
          storage_class("gp2-csi", "ebs.csi.aws.com", parameters={"encrypted": "true", "type": "gp2"}),
          storage_class("gp3-csi", "ebs.csi.aws.com", default=True, parameters={"encrypted": "true", "type": "gp3"}))


def _route(s: Snapshot, ns: str, name: str, host: str, svc: str, port_: int) -> list[Obj]:
    return [cr("route.openshift.io/v1", "Route", name, ns, labels={"app": name},
               annotations={"haproxy.router.openshift.io/timeout": "60s",
                            "haproxy.router.openshift.io/balance": "roundrobin"},
               spec={"host": host, "port": {"targetPort": "http"},
                     "tls": {"insecureEdgeTerminationPolicy": "Redirect", "termination": "edge"},
                     "to": {"kind": "Service", "name": svc, "weight": 100}, "wildcardPolicy": "None"},
               status=_route_status(s, host))]


def _flavor() -> Flavor:
    def ns_ann(ns: str) -> dict:
        return {"openshift.io/description": f"{ns} team project", "openshift.io/display-name": ns.title(),
                "openshift.io/requester": "jane.doe@example.com", **_scc_ranges(ns)}
    return Flavor(
        registry=INTERNAL_REG, storage_class="gp3-csi", provisioner="ebs.csi.aws.com",
        volume_handle=lambda key: "vol-0" + h(key, 16),
        csi_attrs=lambda n: {"storage.kubernetes.io/csiProvisionerIdentity": "1684741837215-8081-ebs.csi.aws.com"},
        pv_node_affinity={"required": {"nodeSelectorTerms": [{"matchExpressions": [
            {"key": "topology.ebs.csi.aws.com/zone", "operator": "In", "values": [f"{REGION}a"]}]}]}},
        fs="xfs",
        apps_domain=f"apps.{DOMAIN}", ingress=_route,
        lb_annotations={"service.beta.kubernetes.io/aws-load-balancer-type": "nlb",
                        "service.beta.kubernetes.io/aws-load-balancer-internal": "true",
                        "service.beta.kubernetes.io/aws-load-balancer-cross-zone-load-balancing-enabled": "true"},
        lb_ingress=[{"hostname": f"a{h('payments', 31)}-{h('p', 16)}.elb.{REGION}.amazonaws.com"}],
        worker_selector={"node-role.kubernetes.io/worker": ""},
        affinity_key="node.openshift.io/os_id", affinity_values=["rhcos"],
        service_cidr=SVC_CIDR, old_ingress_class_annotation="openshift-default",
        ns_labels={"pod-security.kubernetes.io/audit": "restricted", "pod-security.kubernetes.io/audit-version":
                   "v1.24", "pod-security.kubernetes.io/warn": "restricted",
                   "pod-security.kubernetes.io/warn-version": "v1.24"},
        ns_annotations=ns_ann, created_days=25)


def _openshift_business(s: Snapshot, f: Flavor, nodes: list, pod_cidrs: dict) -> None:
    t = s.ts(26)
    # the storefront image is built in-cluster: its ImageStream
    s.add("50-workloads/shop.yaml", cr("image.openshift.io/v1", "ImageStream", "storefront", "shop",
                                       labels={"app": "storefront"},
                                       spec={"lookupPolicy": {"local": True}},
                                       status={"dockerImageRepository": f"{INTERNAL_REG}/shop/storefront",
                                               "publicDockerImageRepository":
                                                   f"default-route-openshift-image-registry.apps.{DOMAIN}/shop/storefront",
                                               "tags": [{"tag": "2.14.1", "items": [
                                                   {"created": t, "dockerImageReference":
                                                       f"{INTERNAL_REG}/shop/storefront@{digest('storefront')}",
                                                    "generation": 1, "image": digest("storefront")}]}]}), days=26)
    for g, k, p, sn in (("route.openshift.io", "Route", "routes", []),
                        ("apps.openshift.io", "DeploymentConfig", "deploymentconfigs", ["dc"]),
                        ("image.openshift.io", "ImageStream", "imagestreams", ["is"])):
        s.add("20-crds/openshift-aggregated.yaml", crd(g, k, p, short_names=sn, scale=k == "DeploymentConfig",
                                                       categories=["all"]))
    # a legacy CMS image that runs as root: needs the anyuid SCC via its service account
    app = {"app": "legacy-cms"}
    cms = container("wordpress", "docker.io/library/wordpress:5.8-apache", ports=[port(80, "http")],
                    resources=res("200m", "256Mi", mem_lim="512Mi"),
                    volume_mounts=[{"mountPath": "/var/www/html/wp-content/uploads", "name": "uploads"}])
    d = deployment("legacy-cms", "shop", pod_spec([cms], sa="legacy-cms", volumes=[
        {"name": "uploads", "emptyDir": {}}]), replicas=1, selector=app, ts=t)
    rs = replicaset_for(d)
    pods = pods_for(s, rs, nodes[3:], pod_cidrs)
    for p in pods:
        p["metadata"]["annotations"] = {"openshift.io/scc": "anyuid"}
    s.add("50-workloads/shop.yaml", service_account("legacy-cms", "shop"),
          role_binding("legacy-cms-anyuid", "shop", "ClusterRole", "system:openshift:scc:anyuid",
                       [sa_subject("legacy-cms", "shop")]),
          d, service(s, "legacy-cms", "shop", [{"name": "http", "port": 80, "targetPort": "http"}], selector=app,
                     cidr=SVC_CIDR), *_route(s, "shop", "legacy-cms", f"cms.apps.{DOMAIN}", "legacy-cms", 80),
          days=26)
    s.add("40-pods/shop.yaml", rs, *pods, days=26)
    # a DeploymentConfig that nobody migrated to a Deployment yet (deprecated since OCP 4.14)
    dc_sel = {"app": "legacy-reporting", "deploymentconfig": "legacy-reporting"}
    img = f"{INTERNAL_REG}/analytics/legacy-reporting@{digest('legacy-reporting')}"
    dcspec = pod_spec([container("legacy-reporting", img, ports=[port(8080, "http")],
                                 resources=res("100m", "256Mi"))])
    dc = cr("apps.openshift.io/v1", "DeploymentConfig", "legacy-reporting", "analytics", labels={"app": "legacy-reporting"},
            spec={"replicas": 2, "revisionHistoryLimit": 10, "selector": dc_sel,
                  "strategy": {"activeDeadlineSeconds": 21600, "resources": {},
                               "rollingParams": {"intervalSeconds": 1, "maxSurge": "25%", "maxUnavailable": "25%",
                                                 "timeoutSeconds": 600, "updatePeriodSeconds": 1},
                               "type": "Rolling"},
                  "template": {"metadata": {"creationTimestamp": None, "labels": dc_sel}, "spec": dcspec},
                  "test": False,
                  "triggers": [{"type": "ConfigChange"},
                               {"imageChangeParams": {"automatic": True, "containerNames": ["legacy-reporting"],
                                                      "from": {"kind": "ImageStreamTag", "name":
                                                               "legacy-reporting:latest", "namespace": "analytics"},
                                                      "lastTriggeredImage": img}, "type": "ImageChange"}]},
            status={"availableReplicas": 2, "latestVersion": 3, "observedGeneration": 5, "readyReplicas": 2,
                    "replicas": 2, "unavailableReplicas": 0, "updatedReplicas": 2,
                    "conditions": [{"lastTransitionTime": t, "lastUpdateTime": t, "message": "Deployment config has "
                                    "minimum availability.", "status": "True", "type": "Available"}]})
    dc["metadata"]["generation"] = 5
    from .common import owner_ref
    rc = {"apiVersion": "v1", "kind": "ReplicationController",
          "metadata": meta("legacy-reporting-3", "analytics", labels={"app": "legacy-reporting",
                                                                      "openshift.io/deployment-config.name":
                                                                          "legacy-reporting"},
                           annotations={"openshift.io/deployer-pod.completed-at": t,
                                        "openshift.io/deployment-config.latest-version": "3",
                                        "openshift.io/deployment-config.name": "legacy-reporting",
                                        "openshift.io/deployment.phase": "Complete",
                                        "openshift.io/deployment.replicas": "2",
                                        "openshift.io/encoded-deployment-config": "{}"},
                           ownerReferences=[owner_ref(dc)]),
          "spec": {"replicas": 2, "selector": dict(dc_sel, deployment="legacy-reporting-3"),
                   "template": {"metadata": {"creationTimestamp": None, "labels": dict(
                       dc_sel, deployment="legacy-reporting-3")}, "spec": dcspec}},
          "status": {"availableReplicas": 2, "fullyLabeledReplicas": 2, "observedGeneration": 2, "readyReplicas": 2,
                     "replicas": 2}}
    s.add("50-workloads/analytics.yaml",
          cr("image.openshift.io/v1", "ImageStream", "legacy-reporting", "analytics",
             spec={"lookupPolicy": {"local": False}},
             status={"dockerImageRepository": f"{INTERNAL_REG}/analytics/legacy-reporting",
                     "tags": [{"tag": "latest", "items": [{"created": t, "dockerImageReference": img,
                                                           "generation": 3, "image": digest("legacy-reporting")}]}]}),
          dc, rc,
          service(s, "legacy-reporting", "analytics", [{"name": "http", "port": 8080}], selector=dc_sel,
                  cidr=SVC_CIDR),
          *_route(s, "analytics", "legacy-reporting", f"reports.apps.{DOMAIN}", "legacy-reporting", 8080), days=26)
    s.add("50-workloads/payments.yaml", cr("monitoring.coreos.com/v1", "ServiceMonitor", "payments-api", "payments",
                                           spec={"endpoints": [{"interval": "30s", "port": "https", "scheme": "https",
                                                                "path": "/actuator/prometheus",
                                                                "tlsConfig": {"insecureSkipVerify": True}}],
                                                 "selector": {"matchLabels": {"app": "payments-api"}}}), days=30)
    s.add("20-crds/monitoring.yaml", crd("monitoring.coreos.com", "ServiceMonitor", "servicemonitors"))
