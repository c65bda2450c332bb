"""`eks`: an Amazon EKS 1.32 TARGET cluster (managed node groups, no visible control-plane nodes).

Facts: markers.md + markers/eks-workshop-v2 (node labels eks.amazonaws.com/*, alpha.eksctl.io/*,
k8s.io/cloud-provider-aws, topology.k8s.aws/zone-id; providerID aws:///<az>/i-...; kubelet
`vX.Y.Z-eks-<7 hex>`; DaemonSets aws-node, kube-proxy, ebs-csi-node; Deployments coredns,
ebs-csi-controller; since EKS 1.30 the EBS CSI add-on's `ebs-csi-default-sc` (gp3) is the default and
in-tree `gp2` is no longer default), velero test/testdata/storage-class/aws*.yaml (gp2 parameters).
"""
from __future__ import annotations

from .base import CORE_NAMESPACES, addon_daemonset, addon_deployment, coredns, finalize_namespaces
from .common import (Obj, Snapshot, config_map, crd, csi_driver, h, ingress_class, namespace, node, service,
                     service_account, storage_class)

NAME = "eks"
K8S_SERVER = "v1.32.5-eks-5d4a308"
KUBELET = "v1.32.3-eks-473151a"
REGION = "us-west-2"
ECR = f"602401143452.dkr.ecr.{REGION}.amazonaws.com"
SVC_CIDR = "172.20.0.0/16"
CLUSTER = "prod-target"


def cluster_meta() -> dict:
    return {"name": NAME, "distro": "eks",
            "description": "Amazon EKS 1.32 migration TARGET in us-west-2: two managed node groups (on-demand, "
                           "spot), VPC CNI, EBS CSI add-on (ebs-csi-default-sc default, gp2 in-tree, gp3), AWS "
                           "Load Balancer Controller with IngressClass alb. No business workloads.",
            "kubernetes": {"major": "1", "minor": "32", "gitVersion": K8S_SERVER,
                           "gitCommit": "5d4a30835cb3b0ea4b7e6e21b3a1ddc7b7fcdc1e", "gitTreeState": "clean",
                           "buildDate": "2025-05-20T20:44:34Z", "goVersion": "go1.23.8", "compiler": "gc",
                           "platform": "linux/amd64"},
            "platform": "linux/amd64"}


def build() -> Snapshot:
    s = Snapshot(NAME, "2025-06-02T10:20:00Z", cluster_meta())
    for ns in CORE_NAMESPACES:
        s.add("00-namespaces.yaml", namespace(ns))
    k8s_svc = service(s, "kubernetes", "default", [{"name": "https", "port": 443, "targetPort": 443}],
                      labels={"component": "apiserver", "provider": "kubernetes"}, cidr=SVC_CIDR)
    k8s_svc["spec"]["clusterIP"] = k8s_svc["spec"]["clusterIPs"][0] = "172.20.0.1"
    s.add("30-platform/kube-system.yaml", k8s_svc)
    nodes = _nodes(s)
    all_nodes = [(n["metadata"]["name"], n["status"]["addresses"][0]["address"]) for n in nodes]
    # VPC CNI: pods take VPC addresses from the node's subnet
    pod_cidrs = {name: ip.rsplit(".", 1)[0] + ".128/25" for name, ip in all_nodes}
    _addons(s, all_nodes, pod_cidrs)
    finalize_namespaces(s)
    return s


def _nodes(s: Snapshot) -> list[Obj]:
    out = []
    groups = [("default", "ON_DEMAND", "m5.xlarge", "ami-07fdc65a0c344a252", "lt-0f7c7c3c9cb770aaa")] * 3 + \
             [("spot-pool", "SPOT", "m5a.xlarge", "ami-07fdc65a0c344a252", "lt-0a1f2e3d4c5b6a798")]
    for i, (ng, cap, itype, ami, lt) in enumerate(groups):
        az = "abc"[i % 3]
        zone = f"{REGION}{az}"
        ip = f"10.42.{100 + (i % 3) * 32 + (i // 3)}.{65 + i * 7}"
        name = f"ip-{ip.replace('.', '-')}.{REGION}.compute.internal"
        inst = "i-0" + h(name, 16)
        labels = {"alpha.eksctl.io/cluster-name": CLUSTER, "alpha.eksctl.io/nodegroup-name": ng,
                  "beta.kubernetes.io/instance-type": itype, "eks.amazonaws.com/capacityType": cap,
                  "eks.amazonaws.com/nodegroup": ng, "eks.amazonaws.com/nodegroup-image": ami,
                  "eks.amazonaws.com/sourceLaunchTemplateId": lt, "eks.amazonaws.com/sourceLaunchTemplateVersion": "1",
                  "failure-domain.beta.kubernetes.io/region": REGION, "failure-domain.beta.kubernetes.io/zone": zone,
                  "k8s.io/cloud-provider-aws": "b2c4991f4c3acb5b142be2a5d455731a",
                  "node.kubernetes.io/instance-type": itype,
                  "topology.k8s.aws/zone-id": f"usw2-az{(i % 3) + 1}", "topology.kubernetes.io/region": REGION,
                  "topology.kubernetes.io/zone": zone, "topology.ebs.csi.aws.com/zone": zone}
        ann = {"alpha.kubernetes.io/provided-node-ip": ip,
               "csi.volume.kubernetes.io/nodeid": '{"ebs.csi.aws.com":"%s"}' % inst}
        n = node(s, name, ip=ip, labels=labels, annotations=ann, provider_id=f"aws:///{zone}/{inst}",
                 kubelet=KUBELET, kube_proxy=KUBELET, os_image="Amazon Linux 2023.7.20250512",
                 kernel="6.1.134-152.225.amzn2023.x86_64", runtime="containerd://1.7.27", cpu="4",
                 memory_ki=15_896_000, pods=58,
                 extra_addresses=[{"address": name, "type": "InternalDNS"}, {"address": name, "type": "Hostname"}],
                 taints=[{"effect": "NoSchedule", "key": "eks.amazonaws.com/capacityType", "value": "SPOT"}]
                 if cap == "SPOT" else None)
        s.add("10-nodes.yaml", n)
        out.append(n)
    return out


def _addons(s: Snapshot, nodes: list, pod_cidrs: dict) -> None:
    f = "30-platform/kube-system.yaml"
    addon_daemonset(s, f, "aws-node", "kube-system",
                    [("aws-node", f"{ECR}/amazon-k8s-cni:v1.19.5-eksbuild.3"),
                     ("aws-eks-nodeagent", f"{ECR}/amazon/aws-network-policy-agent:v1.2.2-eksbuild.1")],
                    nodes=nodes, pod_cidrs=pod_cidrs, selector={"k8s-app": "aws-node"},
                    labels={"app.kubernetes.io/instance": "aws-vpc-cni", "app.kubernetes.io/name": "aws-node",
                            "app.kubernetes.io/version": "v1.19.5", "k8s-app": "aws-node"})
    addon_daemonset(s, f, "kube-proxy", "kube-system", f"{ECR}/eks/kube-proxy:v1.32.3-minimal-eksbuild.2",
                    nodes=nodes, pod_cidrs=pod_cidrs, selector={"k8s-app": "kube-proxy"},
                    labels={"eks.amazonaws.com/component": "kube-proxy", "k8s-app": "kube-proxy"})
    coredns(s, image=f"{ECR}/eks/coredns:v1.11.4-eksbuild.2", service_cidr_ip="172.20.0.10", nodes=nodes,
            pod_cidrs=pod_cidrs, labels={"eks.amazonaws.com/component": "coredns", "k8s-app": "kube-dns",
                                         "kubernetes.io/name": "CoreDNS"},
            selector={"eks.amazonaws.com/component": "coredns", "k8s-app": "kube-dns"})
    ebs = f"{ECR}/eks/aws-ebs-csi-driver:v1.43.0"
    addon_deployment(s, f, "ebs-csi-controller", "kube-system",
                     [("ebs-plugin", ebs), ("csi-provisioner", f"{ECR}/eks/csi-provisioner:v5.2.0-eks-1-33-4"),
                      ("csi-attacher", f"{ECR}/eks/csi-attacher:v4.8.1-eks-1-33-4"),
                      ("csi-snapshotter", f"{ECR}/eks/csi-snapshotter:v8.2.1-eks-1-33-4"),
                      ("csi-resizer", f"{ECR}/eks/csi-resizer:v1.13.2-eks-1-33-4"),
                      ("liveness-probe", f"{ECR}/eks/livenessprobe:v2.15.0-eks-1-33-4")], replicas=2,
                     selector={"app": "ebs-csi-controller", "app.kubernetes.io/name": "aws-ebs-csi-driver"},
                     labels={"app": "ebs-csi-controller", "app.kubernetes.io/component": "csi-driver",
                             "app.kubernetes.io/managed-by": "EKS", "app.kubernetes.io/name": "aws-ebs-csi-driver",
                             "app.kubernetes.io/version": "1.43.0"},
                     sa="ebs-csi-controller-sa", nodes=nodes[:2], pod_cidrs=pod_cidrs)
    addon_daemonset(s, f, "ebs-csi-node", "kube-system",
                    [("ebs-plugin", ebs), ("node-driver-registrar", f"{ECR}/eks/csi-node-driver-registrar:"
                                                                    "v2.13.0-eks-1-33-4"),
                     ("liveness-probe", f"{ECR}/eks/livenessprobe:v2.15.0-eks-1-33-4")],
                    nodes=nodes, pod_cidrs=pod_cidrs, selector={"app": "ebs-csi-node",
                                                                "app.kubernetes.io/name": "aws-ebs-csi-driver"},
                    labels={"app": "ebs-csi-node", "app.kubernetes.io/component": "csi-driver",
                            "app.kubernetes.io/managed-by": "EKS", "app.kubernetes.io/name": "aws-ebs-csi-driver"},
                    sa="ebs-csi-node-sa", host_network=False)
    s.add(f, service_account("ebs-csi-controller-sa", "kube-system", annotations={
        "eks.amazonaws.com/role-arn": "arn:aws:iam::111122223333:role/AmazonEKS_EBS_CSI_DriverRole"}),
          service_account("ebs-csi-node-sa", "kube-system"), csi_driver("ebs.csi.aws.com", attach=True),
          storage_class("gp2", "kubernetes.io/aws-ebs", parameters={"fsType": "ext4", "type": "gp2"}, expansion=None),
          storage_class("ebs-csi-default-sc", "ebs.csi.aws.com", default=True, parameters={"type": "gp3"},
                        labels={"app.kubernetes.io/component": "csi-driver", "app.kubernetes.io/managed-by": "EKS",
                                "app.kubernetes.io/name": "aws-ebs-csi-driver"}),
          storage_class("gp3", "ebs.csi.aws.com", parameters={"encrypted": "true", "type": "gp3",
                                                              "csi.storage.k8s.io/fstype": "ext4"}),
          config_map("aws-auth", "kube-system", {
              "mapRoles": "- groups:\n  - system:bootstrappers\n  - system:nodes\n  rolearn: arn:aws:iam::111122223333:"
                          "role/eksctl-prod-target-nodegroup-default-NodeInstanceRole\n"
                          "  username: system:node:{{EC2PrivateDNSName}}\n- groups:\n  - system:bootstrappers\n"
                          "  - system:nodes\n  rolearn: arn:aws:iam::111122223333:role/eksctl-prod-target-nodegroup-"
                          "spot-pool-NodeInstanceRole\n  username: system:node:{{EC2PrivateDNSName}}\n"}),
          config_map("amazon-vpc-cni", "kube-system", {"enable-network-policy-controller": "false",
                                                       "enable-windows-ipam": "false",
                                                       "enable-windows-prefix-delegation": "false",
                                                       "warm-prefix-target": "0", "warm-ip-target": "1"},
                     labels={"app.kubernetes.io/instance": "aws-vpc-cni", "app.kubernetes.io/name": "aws-node"}))
    lbc = addon_deployment(s, "30-platform/aws-load-balancer-controller.yaml", "aws-load-balancer-controller",
                           "kube-system", [("aws-load-balancer-controller",
                                            "public.ecr.aws/eks/aws-load-balancer-controller:v2.13.2")], replicas=2,
                           selector={"app.kubernetes.io/instance": "aws-load-balancer-controller",
                                     "app.kubernetes.io/name": "aws-load-balancer-controller"},
                           sa="aws-load-balancer-controller", nodes=nodes[:2], pod_cidrs=pod_cidrs)
    s.add("30-platform/aws-load-balancer-controller.yaml",
          service_account("aws-load-balancer-controller", "kube-system", annotations={
              "eks.amazonaws.com/role-arn": "arn:aws:iam::111122223333:role/AmazonEKSLoadBalancerControllerRole"}),
          ingress_class("alb", "ingress.k8s.aws/alb", labels=lbc["metadata"]["labels"]),
          service(s, "aws-load-balancer-webhook-service", "kube-system", [{"name": "webhook-server", "port": 443,
                                                                           "targetPort": "webhook-server"}],
                  selector=lbc["spec"]["selector"]["matchLabels"], cidr=SVC_CIDR))
    s.add("20-crds/elbv2.yaml",
          crd("elbv2.k8s.aws", "IngressClassParams", "ingressclassparams", versions=["v1beta1"], scope="Cluster",
              status=False),
          crd("elbv2.k8s.aws", "TargetGroupBinding", "targetgroupbindings", versions=["v1beta1"]))
