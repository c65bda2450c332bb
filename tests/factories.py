"""Builders of real-shaped Kubernetes objects and Inventory files for plan tests (Velero's pkg/builder).

Shapes follow what `kubectl get -o yaml` prints (metadata with uid/resourceVersion/creationTimestamp,
status present), including the removed-API objects the simulated source clusters plant.
"""

from __future__ import annotations

import copy
import json
import uuid
from pathlib import Path
from typing import Any

from migrate.models.common import ObjectRef
from migrate.models.detection import AddonMatch, Detection, DistroMatch
from migrate.models.inventory import ClusterInfo, Inventory, NamespaceInfo, SecretInfo
from migrate.models.io import write_artifact

__all__ = [
    "meta", "namespace", "configmap", "secret", "service", "deployment", "statefulset", "pvc", "storage_class",
    "ingress_v1beta1", "ingress_v1", "cronjob_v1beta1", "hpa_v2beta1", "pdb_v1beta1", "psp", "scc", "route",
    "deployment_config", "cluster_role", "role_binding", "network_policy", "pod", "write_inventory", "rule_context",
]


def meta(name: str, namespace: str | None = None, labels: dict | None = None, annotations: dict | None = None, **extra: Any) -> dict:
    md: dict[str, Any] = {"name": name, "uid": str(uuid.uuid5(uuid.NAMESPACE_URL, f"{namespace}/{name}")),
                          "resourceVersion": "48213", "creationTimestamp": "2024-03-04T09:12:00Z"}
    if namespace:
        md["namespace"] = namespace
    if labels:
        md["labels"] = dict(labels)
    if annotations:
        md["annotations"] = dict(annotations)
    md.update(extra)
    return md


def namespace(name: str, labels: dict | None = None, annotations: dict | None = None) -> dict:
    lab = {"kubernetes.io/metadata.name": name, **(labels or {})}
    return {"apiVersion": "v1", "kind": "Namespace", "metadata": meta(name, labels=lab, annotations=annotations),
            "spec": {"finalizers": ["kubernetes"]}, "status": {"phase": "Active"}}


def configmap(name: str, ns: str, data: dict | None = None) -> dict:
    return {"apiVersion": "v1", "kind": "ConfigMap", "metadata": meta(name, ns), "data": dict(data or {})}


def secret(name: str, ns: str, type_: str = "Opaque", annotations: dict | None = None) -> dict:
    # As the inventory stores it: no data (keys live in inventory.secrets).
    return {"apiVersion": "v1", "kind": "Secret", "metadata": meta(name, ns, annotations=annotations), "type": type_}


def container(name: str = "app", image: str = "nginx:1.25", **extra: Any) -> dict:
    return {"name": name, "image": image, "imagePullPolicy": "IfNotPresent", "resources": {}, **extra}


def pod_template(labels: dict, containers: list[dict] | None = None, **spec: Any) -> dict:
    return {"metadata": {"labels": dict(labels), "creationTimestamp": None},
            "spec": {"containers": containers or [container()], "restartPolicy": "Always", "dnsPolicy": "ClusterFirst", **spec}}


def deployment(name: str, ns: str, image: str = "nginx:1.25", api_version: str = "apps/v1", **spec: Any) -> dict:
    labels = {"app": name}
    s: dict[str, Any] = {"replicas": 2, "selector": {"matchLabels": labels}, "template": pod_template(labels, [container(name, image)])}
    if api_version != "apps/v1":
        s.pop("selector")
    for k, v in spec.items():
        if k in ("nodeSelector", "tolerations", "affinity", "securityContext", "volumes", "hostNetwork", "initContainers"):
            s["template"]["spec"][k] = v
        else:
            s[k] = v
    return {"apiVersion": api_version, "kind": "Deployment",
            "metadata": meta(name, ns, labels=labels, annotations={"deployment.kubernetes.io/revision": "3"}, generation=3),
            "spec": s, "status": {"replicas": 2, "readyReplicas": 2, "observedGeneration": 3}}


def statefulset(name: str, ns: str, storage_class: str | None, access_modes: list[str] | None = None) -> dict:
    labels = {"app": name}
    vct_spec: dict[str, Any] = {"accessModes": access_modes or ["ReadWriteOnce"], "resources": {"requests": {"storage": "10Gi"}}, "volumeMode": "Filesystem"}
    if storage_class is not None:
        vct_spec["storageClassName"] = storage_class
    return {"apiVersion": "apps/v1", "kind": "StatefulSet", "metadata": meta(name, ns, labels=labels),
            "spec": {"replicas": 1, "serviceName": name, "selector": {"matchLabels": labels},
                     "template": pod_template(labels, [container(name, "postgres:14.10")]),
                     "volumeClaimTemplates": [{"apiVersion": "v1", "kind": "PersistentVolumeClaim",
                                               "metadata": {"name": "data", "creationTimestamp": None}, "spec": vct_spec,
                                               "status": {"phase": "Pending"}}]},
            "status": {"replicas": 1}}


def pvc(name: str, ns: str, storage_class: str | None, access_modes: list[str] | None = None, volume: str | None = "pvc-1234") -> dict:
    spec: dict[str, Any] = {"accessModes": access_modes or ["ReadWriteOnce"], "resources": {"requests": {"storage": "5Gi"}}, "volumeMode": "Filesystem"}
    if storage_class is not None:
        spec["storageClassName"] = storage_class
    if volume:
        spec["volumeName"] = volume
    return {"apiVersion": "v1", "kind": "PersistentVolumeClaim",
            "metadata": meta(name, ns, annotations={"pv.kubernetes.io/bind-completed": "yes",
                                                    "volume.kubernetes.io/storage-provisioner": "csi.vsphere.vmware.com"},
                             finalizers=["kubernetes.io/pvc-protection"]),
            "spec": spec, "status": {"phase": "Bound", "accessModes": spec["accessModes"]}}


def storage_class(name: str, provisioner: str, default: bool = False, expansion: bool = True, binding: str = "Immediate") -> dict:
    ann = {"storageclass.kubernetes.io/is-default-class": "true"} if default else None
    return {"apiVersion": "storage.k8s.io/v1", "kind": "StorageClass", "metadata": meta(name, annotations=ann), "provisioner": provisioner,
            "reclaimPolicy": "Delete", "volumeBindingMode": binding, "allowVolumeExpansion": expansion}


def service(name: str, ns: str, type_: str = "ClusterIP", ports: list[dict] | None = None, annotations: dict | None = None) -> dict:
    ports = ports or [{"name": "http", "port": 80, "protocol": "TCP", "targetPort": 8080}]
    spec: dict[str, Any] = {"type": type_, "selector": {"app": name}, "ports": copy.deepcopy(ports), "clusterIP": "10.96.14.7",
                            "clusterIPs": ["10.96.14.7"], "sessionAffinity": "None"}
    if type_ == "LoadBalancer":
        for i, p in enumerate(spec["ports"]):
            p["nodePort"] = 31000 + i
        spec["externalTrafficPolicy"] = "Cluster"
    return {"apiVersion": "v1", "kind": "Service", "metadata": meta(name, ns, annotations=annotations), "spec": spec, "status": {"loadBalancer": {}}}


def ingress_v1beta1(name: str, ns: str, cls: str = "kommander-traefik", annotations: dict | None = None, group: str = "extensions",
                    service_port: Any = 80) -> dict:
    ann = {"kubernetes.io/ingress.class": cls, **(annotations or {})}
    return {"apiVersion": f"{group}/v1beta1", "kind": "Ingress", "metadata": meta(name, ns, annotations=ann),
            "spec": {"rules": [{"host": f"{name}.example.com", "http": {"paths": [
                {"path": "/", "backend": {"serviceName": name, "servicePort": service_port}}]}}],
                     "tls": [{"hosts": [f"{name}.example.com"], "secretName": f"{name}-tls"}]},
            "status": {"loadBalancer": {}}}


def ingress_v1(name: str, ns: str, cls: str | None = "kommander-traefik", annotations: dict | None = None) -> dict:
    spec: dict[str, Any] = {"rules": [{"host": f"{name}.example.com", "http": {"paths": [
        {"path": "/", "pathType": "Prefix", "backend": {"service": {"name": name, "port": {"number": 80}}}}]}}]}
    if cls:
        spec["ingressClassName"] = cls
    return {"apiVersion": "networking.k8s.io/v1", "kind": "Ingress", "metadata": meta(name, ns, annotations=annotations), "spec": spec}


def cronjob_v1beta1(name: str, ns: str, image: str = "busybox:1.36") -> dict:
    return {"apiVersion": "batch/v1beta1", "kind": "CronJob", "metadata": meta(name, ns),
            "spec": {"schedule": "0 2 * * *", "concurrencyPolicy": "Forbid",
                     "jobTemplate": {"spec": {"template": {"spec": {"containers": [container(name, image)], "restartPolicy": "OnFailure"}}}}}}


def hpa_v2beta1(name: str, ns: str) -> dict:
    return {"apiVersion": "autoscaling/v2beta1", "kind": "HorizontalPodAutoscaler", "metadata": meta(name, ns),
            "spec": {"scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": name}, "minReplicas": 2, "maxReplicas": 10,
                     "metrics": [{"type": "Resource", "resource": {"name": "cpu", "targetAverageUtilization": 70}},
                                 {"type": "Pods", "pods": {"metricName": "requests_per_second", "targetAverageValue": "100"}},
                                 {"type": "External", "external": {"metricName": "queue_depth", "metricSelector": {"matchLabels": {"queue": "jobs"}},
                                                                   "targetValue": "30"}}]}}


def pdb_v1beta1(name: str, ns: str, selector: dict | None = None) -> dict:
    spec: dict[str, Any] = {"minAvailable": 1}
    if selector is not None:
        spec["selector"] = selector
    return {"apiVersion": "policy/v1beta1", "kind": "PodDisruptionBudget", "metadata": meta(name, ns), "spec": spec}


def psp(name: str, **spec: Any) -> dict:
    base = {"privileged": False, "seLinux": {"rule": "RunAsAny"}, "supplementalGroups": {"rule": "RunAsAny"},
            "runAsUser": {"rule": "RunAsAny"}, "fsGroup": {"rule": "RunAsAny"}, "volumes": ["configMap", "secret", "emptyDir", "persistentVolumeClaim"]}
    base.update(spec)
    return {"apiVersion": "policy/v1beta1", "kind": "PodSecurityPolicy", "metadata": meta(name), "spec": base}


def scc(name: str, users: list[str] | None = None, **fields: Any) -> dict:
    base = {"allowPrivilegedContainer": False, "allowHostNetwork": False, "allowHostPorts": False, "allowHostPID": False, "allowHostIPC": False,
            "allowHostDirVolumePlugin": False, "runAsUser": {"type": "MustRunAsRange"}, "seLinuxContext": {"type": "MustRunAs"},
            "requiredDropCapabilities": ["KILL", "MKNOD", "SETUID", "SETGID"], "users": users or [], "groups": [],
            "volumes": ["configMap", "downwardAPI", "emptyDir", "persistentVolumeClaim", "projected", "secret"]}
    base.update(fields)
    return {"apiVersion": "security.openshift.io/v1", "kind": "SecurityContextConstraints", "metadata": meta(name), **base}


def route(name: str, ns: str, service_name: str | None = None, target_port: Any = 8080, tls: dict | None = None, host: str | None = "shop.apps.example.com",
          annotations: dict | None = None) -> dict:
    spec: dict[str, Any] = {"to": {"kind": "Service", "name": service_name or name, "weight": 100}, "wildcardPolicy": "None"}
    if host:
        spec["host"] = host
    if target_port is not None:
        spec["port"] = {"targetPort": target_port}
    if tls:
        spec["tls"] = tls
    return {"apiVersion": "route.openshift.io/v1", "kind": "Route", "metadata": meta(name, ns, annotations=annotations), "spec": spec,
            "status": {"ingress": [{"host": host or f"{name}-{ns}.apps.ocp.example.com", "routerName": "default"}]}}


def deployment_config(name: str, ns: str, image: str = "quay.io/acme/legacy:1.0", strategy: dict | None = None, triggers: list | None = None) -> dict:
    labels = {"app": name, "deploymentconfig": name}
    return {"apiVersion": "apps.openshift.io/v1", "kind": "DeploymentConfig",
            "metadata": meta(name, ns, labels={"app": name}, annotations={"openshift.io/generated-by": "OpenShiftNewApp"}, generation=4),
            "spec": {"replicas": 2, "selector": labels, "revisionHistoryLimit": 5,
                     "strategy": strategy or {"type": "Rolling", "rollingParams": {"maxSurge": "25%", "maxUnavailable": "25%", "timeoutSeconds": 600}},
                     "template": pod_template(labels, [container(name, image)]),
                     "triggers": triggers if triggers is not None else [{"type": "ConfigChange"}]},
            "status": {"latestVersion": 4}}


def cluster_role(name: str, rules: list[dict]) -> dict:
    return {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRole", "metadata": meta(name), "rules": rules}


def role_binding(name: str, ns: str | None, role: str, subjects: list[dict], role_kind: str = "ClusterRole") -> dict:
    kind = "RoleBinding" if ns else "ClusterRoleBinding"
    return {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": kind, "metadata": meta(name, ns),
            "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": role_kind, "name": role}, "subjects": subjects}


def network_policy(name: str, ns: str, from_ns: dict[str, str]) -> dict:
    return {"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy", "metadata": meta(name, ns),
            "spec": {"podSelector": {}, "policyTypes": ["Ingress"], "ingress": [{"from": [{"namespaceSelector": {"matchLabels": dict(from_ns)}}]}]}}


def pod(name: str, ns: str, owner_kind: str | None = "ReplicaSet") -> dict:
    md = meta(name, ns)
    if owner_kind:
        md["ownerReferences"] = [{"apiVersion": "apps/v1", "kind": owner_kind, "name": f"{name}-rs", "uid": "u", "controller": True}]
    return {"apiVersion": "v1", "kind": "Pod", "metadata": md, "spec": {"containers": [container()], "nodeName": "worker-1"}, "status": {"phase": "Running"}}


def write_inventory(tmp: Path, objects: list[dict], *, distro: str | None = "dkp", addons: list[AddonMatch] | None = None,
                    git_version: str = "v1.27.11", secrets: dict[tuple[str, str], list[str]] | None = None,
                    namespaces: dict[str, str] | None = None, **fields: Any) -> Path:
    """inventory.json + its objects JSONL in `tmp`, as the inventory stage writes them."""
    tmp.mkdir(parents=True, exist_ok=True)
    lines = sorted(objects, key=lambda o: (o["apiVersion"], o["kind"], o["metadata"].get("namespace") or "", o["metadata"]["name"]))
    (tmp / "inventory.objects.jsonl").write_text("".join(json.dumps(o, sort_keys=True) + "\n" for o in lines))
    det = Detection(distro=DistroMatch(id=distro, name=distro, confidence=0.9) if distro else None, addons=addons or [])
    sec = [SecretInfo(ref=ObjectRef(api_version="v1", kind="Secret", name=n, namespace=ns), keys=keys) for (ns, n), keys in (secrets or {}).items()]
    nss = [NamespaceInfo(name=n, category=c) for n, c in (namespaces or {}).items()]  # type: ignore[arg-type]
    inv = Inventory(cluster=ClusterInfo(name="src", git_version=git_version, major="1", minor=git_version.split(".")[1]),
                    detection=det, secrets=sec, namespaces=nss, objects_file="inventory.objects.jsonl", object_count=len(lines), **fields)
    inv.header.mode = "offline"
    return write_artifact(tmp / "inventory.json", inv)


def rule_context(target: str = "rke2", minor: int | None = None, distro: str | None = "dkp", **kw: Any):
    """A RuleContext for rule unit tests, from the shipped profiles and deprecations."""
    from migrate.data import load_deprecations, load_distro_profile, load_target_profile
    from migrate.rules.base import RuleContext

    prof, _ = load_target_profile(target)
    distros = tuple(d for d in (load_distro_profile("kubernetes"), load_distro_profile(distro) if distro else None) if d)
    return RuleContext(target=prof, target_minor=minor or int(prof.kubernetes.default.split(".")[1]), distros=distros,
                       deprecations=load_deprecations(), **kw)
