"""Object builders shared by the simulated-cluster snapshots.

Every builder returns a plain dict shaped like `kubectl get -o yaml` output. Snapshot.add() fills
uid and creationTimestamp deterministically, so rebuilding gives byte-identical YAML.
"""
from __future__ import annotations

import base64
import copy
import gzip
import hashlib
import ipaddress
import json
import uuid
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Iterable

import yaml

Obj = dict[str, Any]

CLUSTERS_DIR = Path(__file__).resolve().parents[2] / "migrate" / "sim" / "clusters"


def h(seed: str, n: int = 7) -> str:
    """Deterministic hex string (fake git hashes, image digests, instance ids)."""
    out = ""
    i = 0
    while len(out) < n:
        out += hashlib.sha256(f"{seed}/{i}".encode()).hexdigest()
        i += 1
    return out[:n]


def suffix(seed: str, n: int = 5) -> str:
    """Deterministic kube-style random suffix (bcdfghjklmnpqrstvwxz2456789, like the apiserver)."""
    alphabet = "bcdfghjklmnpqrstvwxz2456789"
    digest = hashlib.sha256(seed.encode()).digest()
    return "".join(alphabet[b % len(alphabet)] for b in digest[:n])


def digest(seed: str) -> str:
    return "sha256:" + h(seed, 64)


def b64(s: str | bytes) -> str:
    return base64.b64encode(s.encode() if isinstance(s, str) else s).decode()


def meta(name: str, ns: str | None = None, *, labels: dict | None = None,
         annotations: dict | None = None, owner: Obj | None = None, **extra: Any) -> Obj:
    m: Obj = {"name": name}
    if ns is not None:
        m["namespace"] = ns
    if labels:
        m["labels"] = dict(labels)
    if annotations:
        m["annotations"] = dict(annotations)
    if owner is not None:
        m["ownerReferences"] = [owner_ref(owner)]
    m.update(extra)
    return m


_CURRENT = {"cluster": ""}


def uid_for(obj: Obj) -> str:
    """Deterministic uid from the cluster being built and the object's identity."""
    m = obj["metadata"]
    if m.get("uid"):
        return m["uid"]
    key = f"{_CURRENT['cluster']}/{obj['apiVersion']}/{obj['kind']}/{m.get('namespace', '')}/{m['name']}"
    m["uid"] = str(uuid.uuid5(uuid.NAMESPACE_URL, "distroshift-sim:" + key))
    return m["uid"]


def owner_ref(owner: Obj, controller: bool = True) -> Obj:
    uid_for(owner)
    ref = {
        "apiVersion": owner["apiVersion"],
        "kind": owner["kind"],
        "name": owner["metadata"]["name"],
        "uid": owner["metadata"]["uid"],
    }
    if controller:
        ref["blockOwnerDeletion"] = True
        ref["controller"] = True
    return ref


def last_applied(obj: Obj, api_version: str) -> str:
    """The kubectl.kubernetes.io/last-applied-configuration value as `kubectl apply` wrote it
    when the manifest still used `api_version` (compact JSON, trailing newline, like kubectl)."""
    body = copy.deepcopy(obj)
    body["apiVersion"] = api_version
    body.pop("status", None)
    m = body["metadata"]
    for k in ("uid", "creationTimestamp", "resourceVersion", "generation", "ownerReferences"):
        m.pop(k, None)
    ann = {k: v for k, v in m.get("annotations", {}).items()
           if k != "kubectl.kubernetes.io/last-applied-configuration"}
    if ann:
        m["annotations"] = ann
    else:
        m.pop("annotations", None)
    return json.dumps(body, separators=(",", ":"), sort_keys=True) + "\n"


class Snapshot:
    """Collects objects per file for one cluster and writes them as multi-document YAML."""

    def __init__(self, name: str, created: str, cluster_meta: Obj):
        self.name = name
        _CURRENT["cluster"] = name
        self.t0 = datetime.fromisoformat(created.replace("Z", "+00:00"))
        self.meta = cluster_meta
        self.files: dict[str, list[Obj]] = {}
        self._ips: dict[str, Iterable[str]] = {}

    # -- time / ids -------------------------------------------------------------
    def ts(self, days: float = 0, minutes: float = 0) -> str:
        t = self.t0 + timedelta(days=days, minutes=minutes)
        return t.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")

    def uid(self, obj: Obj) -> str:
        return uid_for(obj)

    def ip(self, pool: str) -> str:
        """Next address from a CIDR (service IPs, pod IPs, node IPs), deterministic."""
        if pool not in self._ips:
            net = ipaddress.ip_network(pool)
            self._ips[pool] = (str(a) for a in net.hosts())
            next(self._ips[pool])  # skip .1 (gateway / kubernetes service)
            if net.num_addresses > 1024:
                for _ in range(9):
                    next(self._ips[pool])
        return next(self._ips[pool])  # type: ignore[call-overload]

    # -- collection -------------------------------------------------------------
    def add(self, file: str, *objs: Obj, days: float | None = None) -> Obj:
        for o in objs:
            m = o.setdefault("metadata", {})
            m.setdefault("uid", self.uid(o))
            m.setdefault("creationTimestamp", self.ts(days if days is not None else 0))
            self.files.setdefault(file, []).append(o)
        return objs[-1] if objs else {}

    def all_objects(self) -> list[Obj]:
        return [o for objs in self.files.values() for o in objs]

    def write(self, root: Path = CLUSTERS_DIR) -> Path:
        out = root / self.name
        if out.exists():
            for p in sorted(out.rglob("*.yaml"), reverse=True):
                p.unlink()
        out.mkdir(parents=True, exist_ok=True)
        (out / "cluster.yaml").write_text(dump([self.meta]))
        for rel, objs in sorted(self.files.items()):
            p = out / rel
            p.parent.mkdir(parents=True, exist_ok=True)
            p.write_text(dump(objs))
        for d in sorted(out.rglob("*"), reverse=True):  # drop directories emptied by a rebuild
            if d.is_dir() and not any(d.iterdir()):
                d.rmdir()
        return out


class _Dumper(yaml.SafeDumper):
    pass


def _str_repr(dumper: yaml.SafeDumper, data: str) -> yaml.Node:
    style = "|" if "\n" in data and len(data) > 60 and not data.startswith(" ") else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", data, style=style)


_Dumper.add_representer(str, _str_repr)


def dump(objs: list[Obj]) -> str:
    # kubectl -o yaml prints keys sorted; so do we
    return yaml.dump_all(objs, Dumper=_Dumper, sort_keys=True, default_flow_style=False,
                         explicit_start=True, width=120)


# ---------------------------------------------------------------- cluster-scoped basics


def namespace(name: str, labels: dict | None = None, annotations: dict | None = None) -> Obj:
    lab = {"kubernetes.io/metadata.name": name}
    lab.update(labels or {})
    return {"apiVersion": "v1", "kind": "Namespace",
            "metadata": meta(name, labels=lab, annotations=annotations),
            "spec": {"finalizers": ["kubernetes"]}, "status": {"phase": "Active"}}


def node(snap: Snapshot, name: str, *, ip: str, labels: dict, annotations: dict, provider_id: str | None,
         kubelet: str, os_image: str, kernel: str, runtime: str, cpu: str, memory_ki: int,
         arch: str = "amd64", taints: list | None = None, pod_cidr: str | None = None,
         extra_addresses: list | None = None, ephemeral_ki: int = 104_845_292, pods: int = 110,
         kube_proxy: str | None = None, days: float = 0) -> Obj:
    lab = {
        "beta.kubernetes.io/arch": arch, "beta.kubernetes.io/os": "linux",
        "kubernetes.io/arch": arch, "kubernetes.io/hostname": name, "kubernetes.io/os": "linux",
    }
    lab.update(labels)
    ann = {"node.alpha.kubernetes.io/ttl": "0",
           "volumes.kubernetes.io/controller-managed-attach-detach": "true"}
    ann.update(annotations)
    spec: Obj = {}
    if pod_cidr:
        spec["podCIDR"] = pod_cidr
        spec["podCIDRs"] = [pod_cidr]
    if provider_id:
        spec["providerID"] = provider_id
    if taints:
        spec["taints"] = taints
    hb = snap.ts(days=30)
    since = snap.ts(days=days)
    conds = [
        ("MemoryPressure", "False", "KubeletHasSufficientMemory", "kubelet has sufficient memory available"),
        ("DiskPressure", "False", "KubeletHasNoDiskPressure", "kubelet has no disk pressure"),
        ("PIDPressure", "False", "KubeletHasSufficientPID", "kubelet has sufficient PID available"),
        ("Ready", "True", "KubeletReady", "kubelet is posting ready status"),
    ]
    alloc_mem = memory_ki - 512 * 1024
    mcpu = int(float(cpu) * 1000) - 100
    addresses = [{"address": ip, "type": "InternalIP"}] + list(extra_addresses or [])
    if not any(a["type"] == "Hostname" for a in addresses):
        addresses.append({"address": name, "type": "Hostname"})
    return {
        "apiVersion": "v1", "kind": "Node",
        "metadata": meta(name, labels=lab, annotations=ann, creationTimestamp=snap.ts(days=days)),
        "spec": spec,
        "status": {
            "addresses": addresses,
            "allocatable": {"cpu": f"{mcpu}m", "ephemeral-storage": str(int(ephemeral_ki * 1024 * 0.9)),
                            "hugepages-1Gi": "0", "hugepages-2Mi": "0", "memory": f"{alloc_mem}Ki",
                            "pods": str(pods)},
            "capacity": {"cpu": cpu, "ephemeral-storage": f"{ephemeral_ki}Ki", "hugepages-1Gi": "0",
                         "hugepages-2Mi": "0", "memory": f"{memory_ki}Ki", "pods": str(pods)},
            "conditions": [{"lastHeartbeatTime": hb, "lastTransitionTime": since, "message": msg,
                            "reason": reason, "status": st, "type": t} for t, st, reason, msg in conds],
            "daemonEndpoints": {"kubeletEndpoint": {"Port": 10250}},
            "nodeInfo": {
                "architecture": arch, "bootID": str(uuid.uuid5(uuid.NAMESPACE_DNS, name + "/boot")),
                "containerRuntimeVersion": runtime, "kernelVersion": kernel,
                "kubeProxyVersion": kube_proxy if kube_proxy is not None else kubelet,
                "kubeletVersion": kubelet, "machineID": h(name + "/machine", 32),
                "operatingSystem": "linux", "osImage": os_image,
                "systemUUID": str(uuid.uuid5(uuid.NAMESPACE_DNS, name + "/system")),
            },
        },
    }


def storage_class(name: str, provisioner: str, *, default: bool = False, parameters: dict | None = None,
                  binding: str = "WaitForFirstConsumer", expansion: bool | None = True,
                  reclaim: str = "Delete", labels: dict | None = None, annotations: dict | None = None) -> Obj:
    ann = dict(annotations or {})
    if default:
        ann["storageclass.kubernetes.io/is-default-class"] = "true"
    sc: Obj = {"apiVersion": "storage.k8s.io/v1", "kind": "StorageClass",
               "metadata": meta(name, labels=labels, annotations=ann or None),
               "provisioner": provisioner, "reclaimPolicy": reclaim, "volumeBindingMode": binding}
    if parameters:
        sc["parameters"] = parameters
    if expansion is not None:
        sc["allowVolumeExpansion"] = expansion
    return sc


def csi_driver(name: str, *, attach: bool = True, modes: tuple = ("Persistent",), labels: dict | None = None,
               fs_group_policy: str = "ReadWriteOnceWithFSType") -> Obj:
    return {"apiVersion": "storage.k8s.io/v1", "kind": "CSIDriver", "metadata": meta(name, labels=labels),
            "spec": {"attachRequired": attach, "fsGroupPolicy": fs_group_policy, "podInfoOnMount": False,
                     "requiresRepublish": False, "seLinuxMount": False, "storageCapacity": False,
                     "volumeLifecycleModes": list(modes)}}


def priority_class(name: str, value: int, description: str, global_default: bool = False) -> Obj:
    return {"apiVersion": "scheduling.k8s.io/v1", "kind": "PriorityClass", "metadata": meta(name),
            "value": value, "globalDefault": global_default, "description": description,
            "preemptionPolicy": "PreemptLowerPriority"}


def ingress_class(name: str, controller: str, *, default: bool = False, labels: dict | None = None,
                  parameters: dict | None = None) -> Obj:
    ann = {"ingressclass.kubernetes.io/is-default-class": "true"} if default else None
    spec: Obj = {"controller": controller}
    if parameters:
        spec["parameters"] = parameters
    return {"apiVersion": "networking.k8s.io/v1", "kind": "IngressClass",
            "metadata": meta(name, labels=labels, annotations=ann), "spec": spec}


def crd(group: str, kind: str, plural: str, *, versions: Iterable[str] = ("v1",), scope: str = "Namespaced",
        short_names: Iterable[str] = (), categories: Iterable[str] = (), status: bool = True,
        scale: bool = False, storage: str | None = None, labels: dict | None = None,
        annotations: dict | None = None, printer_columns: list | None = None) -> Obj:
    """A CustomResourceDefinition with a permissive schema (correct names/scope/versions)."""
    versions = list(versions)
    storage = storage or versions[-1]
    names: Obj = {"kind": kind, "listKind": kind + "List", "plural": plural, "singular": kind.lower()}
    if short_names:
        names["shortNames"] = list(short_names)
    if categories:
        names["categories"] = list(categories)
    vers = []
    for v in versions:
        ver: Obj = {"name": v, "served": True, "storage": v == storage,
                    "schema": {"openAPIV3Schema": {"type": "object", "x-kubernetes-preserve-unknown-fields": True}}}
        sub: Obj = {}
        if status:
            sub["status"] = {}
        if scale:
            sub["scale"] = {"specReplicasPath": ".spec.replicas", "statusReplicasPath": ".status.replicas"}
        if sub:
            ver["subresources"] = sub
        if printer_columns:
            ver["additionalPrinterColumns"] = printer_columns
        vers.append(ver)
    name = f"{plural}.{group}"
    return {
        "apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
        "metadata": meta(name, labels=labels, annotations=annotations),
        "spec": {"group": group, "names": names, "scope": scope, "versions": vers,
                 "conversion": {"strategy": "None"}},
        "status": {"acceptedNames": names, "storedVersions": [storage],
                   "conditions": [
                       {"type": "NamesAccepted", "status": "True", "reason": "NoConflicts",
                        "message": "no conflicts found", "lastTransitionTime": "2024-01-01T00:00:00Z"},
                       {"type": "Established", "status": "True", "reason": "InitialNamesAccepted",
                        "message": "the initial names have been accepted",
                        "lastTransitionTime": "2024-01-01T00:00:00Z"}]},
    }


def cr(api_version: str, kind: str, name: str, ns: str | None = None, *, spec: Obj | None = None,
       status: Obj | None = None, labels: dict | None = None, annotations: dict | None = None, **top: Any) -> Obj:
    o: Obj = {"apiVersion": api_version, "kind": kind,
              "metadata": meta(name, ns, labels=labels, annotations=annotations)}
    if spec is not None:
        o["spec"] = spec
    o.update(top)
    if status is not None:
        o["status"] = status
    return o


def ready_condition(ts: str, reason: str = "ReconciliationSucceeded", message: str = "", typ: str = "Ready") -> Obj:
    return {"lastTransitionTime": ts, "message": message, "observedGeneration": 1, "reason": reason,
            "status": "True", "type": typ}


# ------------------------------------------------------------------------- namespaced basics


def config_map(name: str, ns: str, data: dict, labels: dict | None = None, annotations: dict | None = None) -> Obj:
    return {"apiVersion": "v1", "kind": "ConfigMap", "metadata": meta(name, ns, labels=labels,
                                                                       annotations=annotations), "data": data}


def secret(name: str, ns: str, data: dict[str, str], *, type_: str = "Opaque", labels: dict | None = None,
           annotations: dict | None = None) -> Obj:
    """Secret with base64 data (values here are obviously fake)."""
    return {"apiVersion": "v1", "kind": "Secret", "metadata": meta(name, ns, labels=labels, annotations=annotations),
            "type": type_, "data": {k: b64(v) for k, v in data.items()}}


def service_account(name: str, ns: str, labels: dict | None = None, annotations: dict | None = None) -> Obj:
    return {"apiVersion": "v1", "kind": "ServiceAccount",
            "metadata": meta(name, ns, labels=labels, annotations=annotations)}


def role(name: str, ns: str | None, rules: list, labels: dict | None = None) -> Obj:
    kind = "Role" if ns else "ClusterRole"
    return {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": kind, "metadata": meta(name, ns, labels=labels),
            "rules": rules}


def role_binding(name: str, ns: str | None, role_kind: str, role_name: str, subjects: list,
                 labels: dict | None = None) -> Obj:
    kind = "RoleBinding" if ns else "ClusterRoleBinding"
    return {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": kind, "metadata": meta(name, ns, labels=labels),
            "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": role_kind, "name": role_name},
            "subjects": subjects}


def sa_subject(name: str, ns: str) -> Obj:
    return {"kind": "ServiceAccount", "name": name, "namespace": ns}


def container(name: str, image: str, *, ports: list | None = None, env: list | None = None,
              resources: dict | None = None, probes: bool = False, port_for_probe: int | None = None,
              security: dict | None = None, args: list | None = None, command: list | None = None,
              volume_mounts: list | None = None, pull: str = "IfNotPresent", probe_path: str = "/healthz") -> Obj:
    c: Obj = {"name": name, "image": image, "imagePullPolicy": pull,
              "terminationMessagePath": "/dev/termination-log", "terminationMessagePolicy": "File"}
    if command:
        c["command"] = command
    if args:
        c["args"] = args
    if ports:
        c["ports"] = ports
    if env:
        c["env"] = env
    c["resources"] = resources or {}
    if probes:
        p = port_for_probe or (ports[0]["containerPort"] if ports else 8080)
        c["livenessProbe"] = {"failureThreshold": 3, "httpGet": {"path": probe_path, "port": p, "scheme": "HTTP"},
                              "initialDelaySeconds": 10, "periodSeconds": 10, "successThreshold": 1,
                              "timeoutSeconds": 1}
        c["readinessProbe"] = {"failureThreshold": 3, "httpGet": {"path": probe_path, "port": p, "scheme": "HTTP"},
                               "periodSeconds": 5, "successThreshold": 1, "timeoutSeconds": 1}
    if security:
        c["securityContext"] = security
    if volume_mounts:
        c["volumeMounts"] = volume_mounts
    return c


def port(n: int, name: str | None = None, proto: str = "TCP") -> Obj:
    p: Obj = {"containerPort": n, "protocol": proto}
    if name:
        p["name"] = name
    return p


def res(cpu_req: str, mem_req: str, cpu_lim: str | None = None, mem_lim: str | None = None) -> Obj:
    r: Obj = {"requests": {"cpu": cpu_req, "memory": mem_req}}
    lim = {}
    if cpu_lim:
        lim["cpu"] = cpu_lim
    if mem_lim:
        lim["memory"] = mem_lim
    if lim:
        r["limits"] = lim
    return r


RESTRICTED = {"allowPrivilegeEscalation": False, "capabilities": {"drop": ["ALL"]},
              "readOnlyRootFilesystem": True, "runAsNonRoot": True, "seccompProfile": {"type": "RuntimeDefault"}}


def pod_spec(containers: list, *, sa: str | None = None, extra: dict | None = None,
             volumes: list | None = None, init: list | None = None) -> Obj:
    s: Obj = {"containers": containers, "dnsPolicy": "ClusterFirst", "restartPolicy": "Always",
              "schedulerName": "default-scheduler", "securityContext": {}, "terminationGracePeriodSeconds": 30}
    if sa:
        s["serviceAccount"] = sa
        s["serviceAccountName"] = sa
    if init:
        s["initContainers"] = init
    if volumes:
        s["volumes"] = volumes
    if extra:
        s.update(extra)
    return s


def _template(labels: dict, spec: Obj, annotations: dict | None = None) -> Obj:
    m: Obj = {"creationTimestamp": None, "labels": dict(labels)}
    if annotations:
        m["annotations"] = annotations
    return {"metadata": m, "spec": spec}


def deployment(name: str, ns: str, spec: Obj, *, replicas: int = 1, labels: dict | None = None,
               selector: dict | None = None, annotations: dict | None = None, pod_annotations: dict | None = None,
               ready: int | None = None, strategy: dict | None = None, ts: str = "2024-01-01T00:00:00Z") -> Obj:
    sel = selector or {"app": name}
    pod_labels = dict(sel)
    pod_labels.update({k: v for k, v in (labels or {}).items() if k not in pod_labels})
    ready = replicas if ready is None else ready
    ann = {"deployment.kubernetes.io/revision": "1"}
    ann.update(annotations or {})
    conds = [
        {"lastTransitionTime": ts, "lastUpdateTime": ts, "message": "Deployment has minimum availability.",
         "reason": "MinimumReplicasAvailable", "status": "True" if ready >= replicas else "False",
         "type": "Available"},
        {"lastTransitionTime": ts, "lastUpdateTime": ts,
         "message": f'ReplicaSet "{name}-{h(ns + name, 10)}" has successfully progressed.',
         "reason": "NewReplicaSetAvailable", "status": "True", "type": "Progressing"},
    ]
    status: Obj = {"conditions": conds, "observedGeneration": 1, "replicas": replicas, "updatedReplicas": replicas}
    if ready:
        status.update({"availableReplicas": ready, "readyReplicas": ready})
    if ready < replicas:
        status["unavailableReplicas"] = replicas - ready
    return {
        "apiVersion": "apps/v1", "kind": "Deployment",
        "metadata": meta(name, ns, labels=labels or dict(sel), annotations=ann, generation=1),
        "spec": {"progressDeadlineSeconds": 600, "replicas": replicas, "revisionHistoryLimit": 10,
                 "selector": {"matchLabels": sel},
                 "strategy": strategy or {"rollingUpdate": {"maxSurge": "25%", "maxUnavailable": "25%"},
                                          "type": "RollingUpdate"},
                 "template": _template(pod_labels, spec, pod_annotations)},
        "status": status,
    }


def daemonset(name: str, ns: str, spec: Obj, *, nodes: int, labels: dict | None = None,
              selector: dict | None = None, annotations: dict | None = None,
              pod_annotations: dict | None = None) -> Obj:
    sel = selector or {"k8s-app": name}
    pod_labels = dict(sel)
    pod_labels.update({k: v for k, v in (labels or {}).items() if k not in pod_labels})
    ann = {"deprecated.daemonset.template.generation": "1"}
    ann.update(annotations or {})
    return {
        "apiVersion": "apps/v1", "kind": "DaemonSet",
        "metadata": meta(name, ns, labels=labels or dict(sel), annotations=ann, generation=1),
        "spec": {"revisionHistoryLimit": 10, "selector": {"matchLabels": sel},
                 "template": _template(pod_labels, spec, pod_annotations),
                 "updateStrategy": {"rollingUpdate": {"maxSurge": 0, "maxUnavailable": 1}, "type": "RollingUpdate"}},
        "status": {"currentNumberScheduled": nodes, "desiredNumberScheduled": nodes, "numberAvailable": nodes,
                   "numberMisscheduled": 0, "numberReady": nodes, "observedGeneration": 1,
                   "updatedNumberScheduled": nodes},
    }


def statefulset(name: str, ns: str, spec: Obj, *, replicas: int, service: str, claims: list,
                labels: dict | None = None, selector: dict | None = None, annotations: dict | None = None) -> Obj:
    sel = selector or {"app": name}
    pod_labels = dict(sel)
    pod_labels.update({k: v for k, v in (labels or {}).items() if k not in pod_labels})
    rev = f"{name}-{h(ns + name + 'rev', 10)}"
    return {
        "apiVersion": "apps/v1", "kind": "StatefulSet",
        "metadata": meta(name, ns, labels=labels or dict(sel), annotations=annotations, generation=1),
        "spec": {"podManagementPolicy": "OrderedReady", "replicas": replicas, "revisionHistoryLimit": 10,
                 "selector": {"matchLabels": sel}, "serviceName": service,
                 "template": _template(pod_labels, spec),
                 "updateStrategy": {"rollingUpdate": {"partition": 0}, "type": "RollingUpdate"},
                 "volumeClaimTemplates": claims},
        "status": {"availableReplicas": replicas, "collisionCount": 0, "currentReplicas": replicas,
                   "currentRevision": rev, "observedGeneration": 1, "readyReplicas": replicas,
                   "replicas": replicas, "updateRevision": rev, "updatedReplicas": replicas},
    }


def claim_template(name: str, sc: str, size: str, labels: dict | None = None,
                   modes: tuple = ("ReadWriteOnce",)) -> Obj:
    return {"apiVersion": "v1", "kind": "PersistentVolumeClaim",
            "metadata": {"creationTimestamp": None, "name": name, **({"labels": labels} if labels else {})},
            "spec": {"accessModes": list(modes), "resources": {"requests": {"storage": size}},
                     "storageClassName": sc, "volumeMode": "Filesystem"},
            "status": {"phase": "Pending"}}


def bound_pvc_pv(snap: Snapshot, pvc_name: str, ns: str, *, sc: str, provisioner: str, size: str,
                 volume_handle: str, labels: dict | None = None, modes: tuple = ("ReadWriteOnce",),
                 node_affinity: dict | None = None, csi_attrs: dict | None = None, fs: str = "ext4",
                 in_tree: dict | None = None) -> tuple[Obj, Obj]:
    """A PVC Bound to a dynamically provisioned PV (uid-linked, as the PV controller leaves them)."""
    pvc: Obj = {"apiVersion": "v1", "kind": "PersistentVolumeClaim",
                "metadata": meta(pvc_name, ns, labels=labels, annotations={
                    "pv.kubernetes.io/bind-completed": "yes", "pv.kubernetes.io/bound-by-controller": "yes",
                    "volume.beta.kubernetes.io/storage-provisioner": provisioner,
                    "volume.kubernetes.io/storage-provisioner": provisioner},
                    finalizers=["kubernetes.io/pvc-protection"]),
                "spec": {"accessModes": list(modes), "resources": {"requests": {"storage": size}},
                         "storageClassName": sc, "volumeMode": "Filesystem"}}
    pvc["metadata"]["uid"] = snap.uid(pvc)
    pv_name = "pvc-" + pvc["metadata"]["uid"]
    pvc["spec"]["volumeName"] = pv_name
    pvc["status"] = {"accessModes": list(modes), "capacity": {"storage": size}, "phase": "Bound"}
    pv_spec: Obj = {
        "accessModes": list(modes), "capacity": {"storage": size},
        "claimRef": {"apiVersion": "v1", "kind": "PersistentVolumeClaim", "name": pvc_name, "namespace": ns,
                     "resourceVersion": "1", "uid": pvc["metadata"]["uid"]},
        "persistentVolumeReclaimPolicy": "Delete", "storageClassName": sc, "volumeMode": "Filesystem",
    }
    if in_tree:
        pv_spec.update(in_tree)
    else:
        csi: Obj = {"driver": provisioner, "fsType": fs, "volumeHandle": volume_handle}
        if csi_attrs:
            csi["volumeAttributes"] = csi_attrs
        pv_spec["csi"] = csi
    if node_affinity:
        pv_spec["nodeAffinity"] = node_affinity
    pv = {"apiVersion": "v1", "kind": "PersistentVolume",
          "metadata": meta(pv_name, annotations={"pv.kubernetes.io/provisioned-by": provisioner,
                                                 "volume.kubernetes.io/provisioner-deletion-secret-name": "",
                                                 "volume.kubernetes.io/provisioner-deletion-secret-namespace": ""},
                           finalizers=["kubernetes.io/pv-protection"]),
          "spec": pv_spec, "status": {"phase": "Bound"}}
    if not in_tree:
        pv["metadata"]["finalizers"].insert(0, "external-provisioner.volume.kubernetes.io/finalizer")
    return pvc, pv


def service(snap: Snapshot, name: str, ns: str, ports: list, *, selector: dict | None = None,
            type_: str = "ClusterIP", labels: dict | None = None, annotations: dict | None = None,
            cidr: str = "10.96.0.0/12", headless: bool = False, lb_ingress: list | None = None,
            node_ports: bool | None = None) -> Obj:
    ip = "None" if headless else snap.ip(cidr)
    spec: Obj = {"clusterIP": ip, "clusterIPs": [ip], "internalTrafficPolicy": "Cluster",
                 "ipFamilies": ["IPv4"], "ipFamilyPolicy": "SingleStack", "ports": [], "sessionAffinity": "None",
                 "type": type_}
    for i, p in enumerate(ports):
        pp = {"name": p.get("name", f"p{i}"), "port": p["port"], "protocol": p.get("protocol", "TCP"),
              "targetPort": p.get("targetPort", p["port"])}
        if type_ in ("LoadBalancer", "NodePort") and node_ports is not False:
            pp["nodePort"] = 30000 + int(h(f"{ns}/{name}/{i}", 4), 16) % 2767
        spec["ports"].append(pp)
    if selector:
        spec["selector"] = selector
    if type_ == "LoadBalancer":
        spec["allocateLoadBalancerNodePorts"] = True
        spec["externalTrafficPolicy"] = "Cluster"
    status: Obj = {"loadBalancer": {}}
    if type_ == "LoadBalancer" and lb_ingress:
        status = {"loadBalancer": {"ingress": lb_ingress}}
    return {"apiVersion": "v1", "kind": "Service",
            "metadata": meta(name, ns, labels=labels, annotations=annotations), "spec": spec, "status": status}


def pod(snap: Snapshot, name: str, ns: str, spec: Obj, *, node: str, ip: str, host_ip: str, owner: Obj | None,
        labels: dict | None = None, annotations: dict | None = None, days: float = 0) -> Obj:
    """A Running pod as the kubelet reports it; containers from spec, imageIDs deterministic."""
    s = copy.deepcopy(spec)
    s["nodeName"] = node
    s.setdefault("enableServiceLinks", True)
    s.setdefault("preemptionPolicy", "PreemptLowerPriority")
    s.setdefault("priority", 0)
    s.setdefault("tolerations", [
        {"effect": "NoExecute", "key": "node.kubernetes.io/not-ready", "operator": "Exists", "tolerationSeconds": 300},
        {"effect": "NoExecute", "key": "node.kubernetes.io/unreachable", "operator": "Exists",
         "tolerationSeconds": 300}])
    started = snap.ts(days=days, minutes=1)

    def cstatus(c: Obj) -> Obj:
        return {"containerID": "containerd://" + h(name + c["name"], 64), "image": c["image"],
                "imageID": c["image"].split("@")[0].rsplit(":", 1)[0] + "@" + digest(c["image"]),
                "lastState": {}, "name": c["name"], "ready": True, "restartCount": 0, "started": True,
                "state": {"running": {"startedAt": started}}}

    status: Obj = {
        "conditions": [{"lastProbeTime": None, "lastTransitionTime": started, "status": "True", "type": t}
                       for t in ("Initialized", "Ready", "ContainersReady", "PodScheduled")],
        "containerStatuses": [cstatus(c) for c in s["containers"]],
        "hostIP": host_ip, "hostIPs": [{"ip": host_ip}], "phase": "Running", "podIP": ip, "podIPs": [{"ip": ip}],
        "qosClass": "Burstable" if any(c.get("resources") for c in s["containers"]) else "BestEffort",
        "startTime": started,
    }
    return {"apiVersion": "v1", "kind": "Pod",
            "metadata": meta(name, ns, labels=labels, annotations=annotations, owner=owner,
                             creationTimestamp=snap.ts(days=days)),
            "spec": s, "status": status}


def replicaset_for(dep: Obj) -> Obj:
    """The current ReplicaSet of a Deployment (pod-template-hash naming, owner reference)."""
    name = dep["metadata"]["name"]
    ns = dep["metadata"]["namespace"]
    phash = h(ns + name, 10)
    tpl = copy.deepcopy(dep["spec"]["template"])
    tpl["metadata"]["labels"]["pod-template-hash"] = phash
    sel = dict(dep["spec"]["selector"]["matchLabels"], **{"pod-template-hash": phash})
    r = dep["spec"]["replicas"]
    st = dep["status"]
    labels = dict(tpl["metadata"]["labels"])
    return {"apiVersion": "apps/v1", "kind": "ReplicaSet",
            "metadata": meta(f"{name}-{phash}", ns, labels=labels, owner=dep, generation=1, annotations={
                "deployment.kubernetes.io/desired-replicas": str(r),
                "deployment.kubernetes.io/max-replicas": str(r + max(1, r // 4)),
                "deployment.kubernetes.io/revision": "1"}),
            "spec": {"replicas": r, "selector": {"matchLabels": sel}, "template": tpl},
            "status": {"availableReplicas": st.get("availableReplicas", 0), "fullyLabeledReplicas": r,
                       "observedGeneration": 1, "readyReplicas": st.get("readyReplicas", 0), "replicas": r}}


def pods_for(snap: Snapshot, owner: Obj, nodes: list[tuple[str, str]], pod_cidr_of: dict[str, str],
             count: int | None = None, host_network: bool = False) -> list[Obj]:
    """Pods of a ReplicaSet / DaemonSet / StatefulSet spread over `nodes` [(name, ip)]."""
    tpl = owner["spec"]["template"]
    ns = owner["metadata"]["namespace"]
    base = owner["metadata"]["name"]
    kind = owner["kind"]
    n = count if count is not None else (len(nodes) if kind == "DaemonSet" else owner["spec"]["replicas"])
    out = []
    for i in range(n):
        node_name, node_ip = nodes[i % len(nodes)]
        if kind == "StatefulSet":
            pname = f"{base}-{i}"
        else:
            pname = f"{base}-{suffix(base + node_name + str(i))}"
        labels = dict(tpl["metadata"]["labels"])
        if kind == "DaemonSet":
            labels["controller-revision-hash"] = h(base, 10)
            labels["pod-template-generation"] = "1"
        if kind == "StatefulSet":
            labels["controller-revision-hash"] = owner["status"]["currentRevision"]
            labels["statefulset.kubernetes.io/pod-name"] = pname
            labels["apps.kubernetes.io/pod-index"] = str(i)
        ip = node_ip if host_network or tpl["spec"].get("hostNetwork") else snap.ip(pod_cidr_of[node_name])
        out.append(pod(snap, pname, ns, tpl["spec"], node=node_name, ip=ip, host_ip=node_ip, owner=owner,
                       labels=labels, annotations=tpl["metadata"].get("annotations")))
    return out


def static_pod(snap: Snapshot, component: str, node_obj: Obj, image: str, ip: str, *,
               extra_annotations: dict | None = None, command: list | None = None,
               ns: str = "kube-system", tier_label: bool = True) -> Obj:
    """kubeadm-style mirror pod (etcd, kube-apiserver, ...), owned by its Node."""
    node_name = node_obj["metadata"]["name"]
    name = f"{component}-{node_name}"
    c = container(component, image, command=command or [component],
                  resources={"requests": {"cpu": "250m" if component == "kube-apiserver" else "100m"}})
    spec = pod_spec([c], extra={"hostNetwork": True, "priorityClassName": "system-node-critical",
                                "priority": 2000001000, "securityContext": {"seccompProfile":
                                                                             {"type": "RuntimeDefault"}},
                                "tolerations": [{"effect": "NoExecute", "operator": "Exists"}]})
    ann = {"kubernetes.io/config.hash": h(name, 32), "kubernetes.io/config.mirror": h(name, 32),
           "kubernetes.io/config.seen": snap.ts(minutes=2), "kubernetes.io/config.source": "file"}
    if component == "kube-apiserver":
        ann["kubeadm.kubernetes.io/kube-apiserver.advertise-address.endpoint"] = f"{ip}:6443"
    if component == "etcd":
        ann["kubeadm.kubernetes.io/etcd.advertise-client-urls"] = f"https://{ip}:2379"
    ann.update(extra_annotations or {})
    labels = {"component": component}
    if tier_label:
        labels["tier"] = "control-plane"
    p = pod(snap, name, ns, spec, node=node_name, ip=ip, host_ip=ip, owner=None, labels=labels, annotations=ann)
    p["metadata"]["ownerReferences"] = [{"apiVersion": "v1", "controller": True, "kind": "Node",
                                         "name": node_name, "uid": node_obj["metadata"]["uid"]}]
    return p


def hpa(name: str, ns: str, target: str, min_r: int, max_r: int, cpu: int = 70, current: int = 2) -> Obj:
    return {"apiVersion": "autoscaling/v2", "kind": "HorizontalPodAutoscaler", "metadata": meta(name, ns),
            "spec": {"maxReplicas": max_r, "minReplicas": min_r,
                     "metrics": [{"resource": {"name": "cpu", "target": {"averageUtilization": cpu,
                                                                          "type": "Utilization"}},
                                  "type": "Resource"}],
                     "scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": target}},
            "status": {"currentMetrics": [{"resource": {"current": {"averageUtilization": 23, "averageValue": "46m"},
                                                        "name": "cpu"}, "type": "Resource"}],
                       "currentReplicas": current, "desiredReplicas": current}}


def pdb(name: str, ns: str, selector: dict, min_available: int | str | None = None,
        max_unavailable: int | str | None = None, expected: int = 2) -> Obj:
    spec: Obj = {"selector": {"matchLabels": selector}}
    if min_available is not None:
        spec["minAvailable"] = min_available
    if max_unavailable is not None:
        spec["maxUnavailable"] = max_unavailable
    allowed = 1
    return {"apiVersion": "policy/v1", "kind": "PodDisruptionBudget", "metadata": meta(name, ns, generation=1),
            "spec": spec,
            "status": {"conditions": [{"lastTransitionTime": "2024-01-01T00:00:00Z", "message": "",
                                       "observedGeneration": 1, "reason": "SufficientPods", "status": "True",
                                       "type": "DisruptionAllowed"}],
                       "currentHealthy": expected, "desiredHealthy": expected - allowed,
                       "disruptionsAllowed": allowed, "expectedPods": expected, "observedGeneration": 1}}


def cronjob(name: str, ns: str, schedule: str, spec: Obj, *, labels: dict | None = None,
            annotations: dict | None = None, last: str | None = None) -> Obj:
    job_spec = {"backoffLimit": 2, "template": {"metadata": {"creationTimestamp": None, "labels": {"app": name}},
                                                "spec": spec}}
    status: Obj = {}
    if last:
        status = {"lastScheduleTime": last, "lastSuccessfulTime": last}
    return {"apiVersion": "batch/v1", "kind": "CronJob",
            "metadata": meta(name, ns, labels=labels, annotations=annotations, generation=1),
            "spec": {"concurrencyPolicy": "Forbid", "failedJobsHistoryLimit": 1, "schedule": schedule,
                     "successfulJobsHistoryLimit": 3, "suspend": False,
                     "jobTemplate": {"metadata": {"creationTimestamp": None}, "spec": job_spec}},
            "status": status}


def ingress(name: str, ns: str, host: str, service_name: str, service_port: int | str, *,
            cls: str | None = None, annotations: dict | None = None, tls_secret: str | None = None,
            path: str = "/", labels: dict | None = None, lb_ingress: list | None = None) -> Obj:
    backend = {"service": {"name": service_name,
                           "port": {"number": service_port} if isinstance(service_port, int)
                           else {"name": service_port}}}
    spec: Obj = {"rules": [{"host": host, "http": {"paths": [{"backend": backend, "path": path,
                                                              "pathType": "Prefix"}]}}]}
    if cls:
        spec["ingressClassName"] = cls
    if tls_secret:
        spec["tls"] = [{"hosts": [host], "secretName": tls_secret}]
    return {"apiVersion": "networking.k8s.io/v1", "kind": "Ingress",
            "metadata": meta(name, ns, labels=labels, annotations=annotations, generation=1),
            "spec": spec, "status": {"loadBalancer": {"ingress": lb_ingress} if lb_ingress else {}}}


def network_policy(name: str, ns: str, pod_selector: dict, ingress_from: list, ports: list | None = None) -> Obj:
    rule: Obj = {"from": ingress_from}
    if ports:
        rule["ports"] = [{"port": p, "protocol": "TCP"} for p in ports]
    return {"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy", "metadata": meta(name, ns, generation=1),
            "spec": {"ingress": [rule], "podSelector": {"matchLabels": pod_selector}, "policyTypes": ["Ingress"]}}


def helm_release_secret(name: str, ns: str, *, chart: str, chart_version: str, app_version: str,
                        manifest: list[Obj], revision: int = 1, status: str = "deployed",
                        deployed: str = "2024-01-01T00:00:00Z", values: dict | None = None,
                        description: str = "Install complete", extra_manifest_text: str = "") -> Obj:
    """`sh.helm.release.v1.<name>.v<rev>` as Helm 3 stores it: Secret data `release` is
    base64(gzip(json(release))) -- and the Secret API base64-encodes that string once more."""
    rendered = extra_manifest_text
    for o in manifest:
        src = o.pop("_source", f"{chart}/templates/{o['kind'].lower()}.yaml")
        rendered += f"---\n# Source: {src}\n" + yaml.safe_dump(o, sort_keys=False)
    release = {
        "name": name,
        "info": {"first_deployed": deployed, "last_deployed": deployed, "deleted": "",
                 "description": description, "status": status},
        "chart": {"metadata": {"name": chart, "version": chart_version, "appVersion": app_version,
                               "apiVersion": "v2", "type": "application",
                               "description": f"{chart} Helm chart"},
                  "lock": None, "templates": [], "values": values or {}, "schema": None, "files": []},
        "config": values or {},
        "manifest": rendered,
        "version": revision,
        "namespace": ns,
    }
    payload = base64.b64encode(gzip.compress(json.dumps(release).encode(), mtime=0)).decode()
    return {"apiVersion": "v1", "kind": "Secret",
            "metadata": meta(f"sh.helm.release.v1.{name}.v{revision}", ns,
                             labels={"modifiedAt": "1704067200", "name": name, "owner": "helm",
                                     "status": status, "version": str(revision)}),
            "type": "helm.sh/release.v1", "data": {"release": b64(payload)}}


def helm_labels(release: str, chart: str, version: str, app_version: str, name: str | None = None) -> dict:
    return {"app.kubernetes.io/instance": release, "app.kubernetes.io/managed-by": "Helm",
            "app.kubernetes.io/name": name or chart, "app.kubernetes.io/version": app_version,
            "helm.sh/chart": f"{chart}-{version}"}


def helm_annotations(release: str, ns: str) -> dict:
    return {"meta.helm.sh/release-name": release, "meta.helm.sh/release-namespace": ns}


def kube_root_ca(ns: str) -> Obj:
    return config_map("kube-root-ca.crt", ns, {"ca.crt": "-----BEGIN CERTIFICATE-----\n"
                                                         "FAKE-SIMULATED-CLUSTER-CA\n-----END CERTIFICATE-----\n"},
                      annotations={"kubernetes.io/description": "Contains a CA bundle that can be used to verify the"
                                   " kube-apiserver when using internal endpoints such as the internal service IP "
                                   "or kubernetes.default.svc. No other usage is guaranteed across distributions of "
                                   "Kubernetes clusters."})
