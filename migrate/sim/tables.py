"""meta.k8s.io Table responses (what ``kubectl get`` asks for), with kube-apiserver's columns.

Columns follow the server-side printers of v1.36 for the common kinds; CRs use the CRD's
additionalPrinterColumns (plus Age when none are given); anything else gets Name + Created At.
Age cells are strings like "19s"; ConfigMap "Data" cells are integers although declared string
(as recorded).
"""
from __future__ import annotations

import functools
import json
from datetime import datetime, timezone
from importlib import resources
from typing import Any, Callable

from .catalogue import ResourceType

NAME_DESC = ("Name must be unique within a namespace. Is required when creating resources, although some resources "
             "may allow a client to request the generation of an appropriate name automatically. Name is primarily "
             "intended for creation idempotence and configuration definition. Cannot be updated. More info: "
             "https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names")
TS_DESC = ("CreationTimestamp is a timestamp representing the server time when this object was created. It is not "
           "guaranteed to be set in happens-before order across separate operations. Clients may not set this "
           "value. It is represented in RFC3339 form and is in UTC.\n\nPopulated by the system. Read-only. Null for "
           "lists. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata")


def _parse(ts: str) -> datetime | None:
    try:
        return datetime.strptime(ts, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc)
    except (TypeError, ValueError):
        return None


def age(ts: str | None, now: datetime | None = None) -> str:
    """kubectl's short human duration ("19s", "5m3s", "3h", "2d5h", "400d")."""
    if not ts:
        return "<unknown>"
    try:
        t = datetime.strptime(ts, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc)
    except ValueError:
        return "<invalid>"
    s = int(((now or datetime.now(timezone.utc)) - t).total_seconds())
    if s < 0:
        return "0s"
    if s < 120:
        return f"{s}s"
    m = s // 60
    if m < 10:
        return f"{m}m{s % 60}s" if s % 60 else f"{m}m"
    if m < 180:
        return f"{m}m"
    h = m // 60
    if h < 8:
        return f"{h}h{m % 60}m" if m % 60 else f"{h}h"
    if h < 48:
        return f"{h}h"
    d = h // 24
    if d < 8:
        return f"{d}d{h % 24}h" if h % 24 else f"{d}d"
    if d < 365 * 2:
        return f"{d}d"
    return f"{d // 365}y"


def _g(o: Any, *path: str, default: Any = None) -> Any:
    for p in path:
        if not isinstance(o, dict):
            return default
        o = o.get(p)
    return default if o is None else o


def _none(v: Any) -> Any:
    return "<none>" if v in (None, "", []) else v


def _field_doc(key: str) -> str:
    return _docs().get(key, "")


@functools.lru_cache(maxsize=1)
def _docs() -> dict[str, str]:
    # API field docs the real printers use as column descriptions (extracted by _data/regenerate.py)
    return json.loads(resources.files("migrate.sim._data").joinpath("table-columns-v1.36.json").read_text())


def _ports(svc: dict) -> str:
    out = []
    for p in _g(svc, "spec", "ports", default=[]):
        s = f"{p.get('port')}"
        if p.get("nodePort"):
            s += f":{p['nodePort']}"
        out.append(f"{s}/{p.get('protocol', 'TCP')}")
    return ",".join(out) or "<none>"


def _lb_ingress(status_lb: Any) -> list[str]:
    """IPs (or hostnames) of a load balancer status, as a sorted set like the printers' sets.String."""
    got = {i.get("ip") or i.get("hostname") for i in (status_lb or {}).get("ingress") or [] if isinstance(i, dict)}
    return sorted(x for x in got if x)


def _external_ip(svc: dict) -> str:
    spec = svc.get("spec") or {}
    ext = list(spec.get("externalIPs") or [])
    stype = spec.get("type", "ClusterIP")
    if stype in ("ClusterIP", "NodePort"):
        return ",".join(ext) if ext else "<none>"
    if stype == "LoadBalancer":
        ips = _lb_ingress(_g(svc, "status", "loadBalancer")) + ext
        return ",".join(ips) if ips else "<pending>"
    if stype == "ExternalName":
        return spec.get("externalName", "")
    return "<unknown>"


def _labels(m: Any) -> str:
    """labels.FormatLabels: sorted k=v, "<none>" when empty."""
    return ",".join(f"{k}={v}" for k, v in sorted((m or {}).items())) or "<none>"


def _selector(sel: Any) -> str:
    """metav1.FormatLabelSelector (a LabelSelector), or FormatLabels for a plain map."""
    if isinstance(sel, dict) and "matchLabels" not in sel and "matchExpressions" not in sel:
        return _labels(sel)
    if not sel:
        return "<none>"
    parts = [f"{k}={v}" for k, v in sorted((sel.get("matchLabels") or {}).items())]
    for e in sel.get("matchExpressions") or []:
        op = e.get("operator", "")
        if op == "Exists":
            parts.append(e.get("key", ""))
        elif op == "DoesNotExist":
            parts.append("!" + e.get("key", ""))
        else:
            parts.append(f"{e.get('key')} {op.lower()} ({','.join(sorted(e.get('values') or []))})")
    return ",".join(parts) or "<none>"


def _containers(o: dict, path: tuple) -> tuple[str, str]:
    cs = _g(o, *path, default=[])
    return ",".join(c.get("name", "") for c in cs), ",".join(c.get("image", "") for c in cs)


def _pod_status(p: dict) -> str:
    phase = _g(p, "status", "phase", default="")
    reason = _g(p, "status", "reason") or phase
    for c in _g(p, "status", "conditions", default=[]):
        if c.get("type") == "PodScheduled" and c.get("reason") == "SchedulingGated":
            reason = "SchedulingGated"
    for cs in reversed(_g(p, "status", "containerStatuses", default=[])):
        waiting, term = _g(cs, "state", "waiting"), _g(cs, "state", "terminated")
        if waiting and waiting.get("reason"):
            reason = waiting["reason"]
        elif term and term.get("reason"):
            reason = term["reason"]
        elif term:
            reason = f"Signal:{term['signal']}" if term.get("signal") else f"ExitCode:{term.get('exitCode', 0)}"
    if _g(p, "metadata", "deletionTimestamp"):
        if _g(p, "status", "reason") == "NodeLost":
            reason = "Unknown"
        elif phase not in ("Succeeded", "Failed"):
            reason = "Terminating"
    return reason


def _pod_ready(p: dict) -> str:
    total = len(_g(p, "spec", "containers", default=[]))
    ready = sum(1 for cs in _g(p, "status", "containerStatuses", default=[])
                if cs.get("ready") and _g(cs, "state", "running") is not None)
    return f"{ready}/{total}"


def _pod_restarts(p: dict) -> str:
    n = sum(int(cs.get("restartCount", 0)) for cs in _g(p, "status", "containerStatuses", default=[]))
    last = max((_g(cs, "lastState", "terminated", "finishedAt") or "" for cs in
                _g(p, "status", "containerStatuses", default=[])), default="")
    return f"{n} ({age(last)} ago)" if n and last else str(n)


def _pod_ip(p: dict) -> str:
    ips = _g(p, "status", "podIPs", default=[])
    return (ips[0].get("ip") if ips else None) or "<none>"


def _readiness_gates(p: dict) -> str:
    gates = _g(p, "spec", "readinessGates", default=[])
    if not gates:
        return "<none>"
    conds = {c.get("type"): c.get("status") for c in _g(p, "status", "conditions", default=[])}
    return f"{sum(1 for g in gates if conds.get(g.get('conditionType')) == 'True')}/{len(gates)}"


_ACCESS_ORDER = (("ReadWriteOnce", "RWO"), ("ReadOnlyMany", "ROX"), ("ReadWriteMany", "RWX"),
                 ("ReadWriteOncePod", "RWOP"))


def _access_modes(modes: list) -> str:
    """helper.GetAccessModesAsString: a fixed order, duplicates dropped."""
    return ",".join(short for full, short in _ACCESS_ORDER if full in (modes or []))


def _job_status(j: dict) -> str:
    conds = {c.get("type"): c.get("status") for c in _g(j, "status", "conditions", default=[])}
    if conds.get("Complete") == "True":
        return "Complete"
    if conds.get("Failed") == "True":
        return "Failed"
    if _g(j, "metadata", "deletionTimestamp"):
        return "Terminating"
    if conds.get("Suspended") == "True":
        return "Suspended"
    if conds.get("FailureTarget") == "True":
        return "FailureTarget"
    return "Running"


def _job_completions(j: dict) -> str:
    done = _g(j, "status", "succeeded", default=0)
    if _g(j, "spec", "completions") is not None:
        return f"{done}/{j['spec']['completions']}"
    par = _g(j, "spec", "parallelism", default=0)
    return f"{done}/1 of {par}" if par > 1 else f"{done}/1"


def _job_duration(j: dict) -> str:
    start, end = _g(j, "status", "startTime"), _g(j, "status", "completionTime")
    if not start:
        return ""
    if not end:
        return age(start)
    return age(start, now=_parse(end))


def _hosts(ing: dict) -> str:
    rules = _g(ing, "spec", "rules", default=[])
    hosts = [r["host"] for r in rules if isinstance(r, dict) and r.get("host")]
    if not hosts:
        return "*"
    if len(rules) > 3 and len(hosts) >= 3:
        return f"{','.join(hosts[:3])} + {len(rules) - 3} more..."
    return ",".join(hosts[:3])


def _hpa_targets(h: dict) -> str:
    if "targetCPUUtilizationPercentage" in (h.get("spec") or {}):  # autoscaling/v1
        cur = _g(h, "status", "currentCPUUtilizationPercentage")
        return f"cpu: {f'{cur}%' if cur is not None else '<unknown>'}/{h['spec']['targetCPUUtilizationPercentage']}%"
    specs = _g(h, "spec", "metrics", default=[])
    if not specs:
        return "<none>"
    statuses = _g(h, "status", "currentMetrics", default=[])
    out = []
    for i, m in enumerate(specs):
        st = statuses[i] if i < len(statuses) else {}
        kind = m.get("type")
        if kind in ("Resource", "ContainerResource"):
            key = "resource" if kind == "Resource" else "containerResource"
            r, cur_r = m.get(key) or {}, (st.get(key) or {}).get("current") or {}
            t = r.get("target") or {}
            if t.get("averageValue") is not None:
                out.append(f"{r.get('name')}: {cur_r.get('averageValue', '<unknown>')}/{t['averageValue']}")
            else:
                cur = f"{cur_r['averageUtilization']}%" if cur_r.get("averageUtilization") is not None else "<unknown>"
                tgt = f"{t['averageUtilization']}%" if t.get("averageUtilization") is not None else "<auto>"
                out.append(f"{r.get('name')}: {cur}/{tgt}")
        elif kind in ("Pods", "Object", "External"):
            key = kind.lower()
            t, cur_m = (m.get(key) or {}).get("target") or {}, (st.get(key) or {}).get("current") or {}
            if kind == "Pods" or t.get("averageValue") is not None:
                avg = " (avg)" if kind != "Pods" else ""
                out.append(f"{cur_m.get('averageValue', '<unknown>')}/{t.get('averageValue')}{avg}")
            else:
                out.append(f"{cur_m.get('value', '<unknown>')}/{t.get('value')}")
        else:
            out.append("<unknown type>")
    if len(out) > 2:
        return f"{', '.join(out[:2])} + {len(out) - 2} more..."
    return ", ".join(out)


def _node_status(n: dict) -> str:
    ready = next((c for c in _g(n, "status", "conditions", default=[]) if c.get("type") == "Ready"), None)
    st = ["Unknown"] if ready is None else ["Ready" if ready.get("status") == "True" else "NotReady"]
    if _g(n, "spec", "unschedulable"):
        st.append("SchedulingDisabled")
    return ",".join(st)


def _node_roles(n: dict) -> str:
    roles = set()
    for k, v in (_g(n, "metadata", "labels", default={})).items():
        if k.startswith("node-role.kubernetes.io/") and k.split("/", 1)[1]:
            roles.add(k.split("/", 1)[1])
        elif k == "kubernetes.io/role" and v:
            roles.add(v)
    return ",".join(sorted(roles)) or "<none>"


def _node_addr(n: dict, typ: str) -> str:
    return next((a["address"] for a in _g(n, "status", "addresses", default=[]) if a.get("type") == typ), "<none>")


def _pv_class(pv: dict) -> str:
    """helper.GetPersistentVolumeClass: the beta annotation wins over spec.storageClassName."""
    ann = _g(pv, "metadata", "annotations", default={}).get("volume.beta.kubernetes.io/storage-class")
    return ann if ann is not None else _g(pv, "spec", "storageClassName", default="")


def _pv_phase(o: dict) -> str:
    return "Terminating" if _g(o, "metadata", "deletionTimestamp") else _g(o, "status", "phase", default="")


def _is_default_class(o: dict) -> bool:
    ann = _g(o, "metadata", "annotations", default={})
    return "true" in (ann.get("storageclass.kubernetes.io/is-default-class"),
                      ann.get("storageclass.beta.kubernetes.io/is-default-class"))


def _bool_ptr(v: Any) -> str:
    """printBoolPtr: "True"/"False", "<unset>" when absent."""
    return "<unset>" if v is None else ("True" if v else "False")


Col = tuple[str, str, str, int, Callable[[dict], Any], str]  # name, type, format, priority, cell, description


def _c(name: str, fn: Callable[[dict], Any], typ: str = "string", priority: int = 0, fmt: str = "",
       desc: str = "") -> Col:
    return (name, typ, fmt, priority, fn, desc)


def _d(field: str) -> str:
    """Description = the API field doc (resolved lazily when a Table is built)."""
    return "@" + field


_AGE = _c("Age", lambda o: age(_g(o, "metadata", "creationTimestamp")), desc=TS_DESC)
_TMPL = ("spec", "template", "spec", "containers")
_CONTAINERS_DESC = "Names of each container in the template."
_IMAGES_DESC = "Images referenced by each container in the template."


def _wide_containers(path: tuple = _TMPL) -> list[Col]:
    return [_c("Containers", lambda o: _containers(o, path)[0], priority=1, desc=_CONTAINERS_DESC),
            _c("Images", lambda o: _containers(o, path)[1], priority=1, desc=_IMAGES_DESC)]


# Columns, cells, types and descriptions as kube-apiserver's printers (pkg/printers/internalversion)
# produce them with Wide output (the server always includes priority-1 columns). Where the recorded
# v1.36 server differs from printers.go (ServiceAccounts have no Secrets column), the recording wins.
_COLUMNS: dict[tuple[str, str], list[Col]] = {
    ("", "namespaces"): [_c("Status", lambda o: _g(o, "status", "phase", default=""),
                            desc="The status of the namespace"), _AGE],
    ("", "pods"): [
        _c("Ready", _pod_ready, desc="The aggregate readiness state of this pod for accepting traffic."),
        _c("Status", _pod_status, desc="The aggregate status of the containers in this pod."),
        _c("Restarts", _pod_restarts, desc="The number of times the containers in this pod have been restarted "
                                           "and when the last container in this pod has restarted."),
        _AGE, _c("IP", _pod_ip, priority=1, desc=_d("core.v1.PodStatus.podIP")),
        _c("Node", lambda o: _none(_g(o, "spec", "nodeName")), priority=1, desc=_d("core.v1.PodSpec.nodeName")),
        _c("Nominated Node", lambda o: _none(_g(o, "status", "nominatedNodeName")), priority=1,
           desc=_d("core.v1.PodStatus.nominatedNodeName")),
        _c("Readiness Gates", _readiness_gates, priority=1, desc=_d("core.v1.PodSpec.readinessGates"))],
    ("apps", "deployments"): [
        _c("Ready", lambda o: f"{_g(o, 'status', 'readyReplicas', default=0)}/{_g(o, 'spec', 'replicas', default=0)}",
           desc="Number of the pod with ready state"),
        _c("Up-to-date", lambda o: _g(o, "status", "updatedReplicas", default=0),
           desc=_d("apps.v1.DeploymentStatus.updatedReplicas")),
        _c("Available", lambda o: _g(o, "status", "availableReplicas", default=0),
           desc=_d("apps.v1.DeploymentStatus.availableReplicas")), _AGE,
        *_wide_containers(),
        _c("Selector", lambda o: _selector(_g(o, "spec", "selector")), priority=1,
           desc=_d("apps.v1.DeploymentSpec.selector"))],
    ("apps", "statefulsets"): [
        _c("Ready", lambda o: f"{_g(o, 'status', 'readyReplicas', default=0)}/{_g(o, 'spec', 'replicas', default=0)}",
           desc="Number of the pod with ready state"),
        _AGE, *_wide_containers()],
    ("apps", "daemonsets"): [
        _c("Desired", lambda o: _g(o, "status", "desiredNumberScheduled", default=0), "integer",
           desc=_d("apps.v1.DaemonSetStatus.desiredNumberScheduled")),
        _c("Current", lambda o: _g(o, "status", "currentNumberScheduled", default=0), "integer",
           desc=_d("apps.v1.DaemonSetStatus.currentNumberScheduled")),
        _c("Ready", lambda o: _g(o, "status", "numberReady", default=0), "integer",
           desc=_d("apps.v1.DaemonSetStatus.numberReady")),
        _c("Up-to-date", lambda o: _g(o, "status", "updatedNumberScheduled", default=0), "integer",
           desc=_d("apps.v1.DaemonSetStatus.updatedNumberScheduled")),
        _c("Available", lambda o: _g(o, "status", "numberAvailable", default=0), "integer",
           desc=_d("apps.v1.DaemonSetStatus.numberAvailable")),
        _c("Node Selector", lambda o: _labels(_g(o, "spec", "template", "spec", "nodeSelector")),
           desc=_d("core.v1.PodSpec.nodeSelector")), _AGE,
        *_wide_containers(),
        _c("Selector", lambda o: _selector(_g(o, "spec", "selector")), priority=1,
           desc=_d("apps.v1.DaemonSetSpec.selector"))],
    ("apps", "replicasets"): [
        _c("Desired", lambda o: _g(o, "spec", "replicas", default=0), "integer",
           desc=_d("apps.v1.ReplicaSetSpec.replicas")),
        _c("Current", lambda o: _g(o, "status", "replicas", default=0), "integer",
           desc=_d("apps.v1.ReplicaSetStatus.replicas")),
        _c("Ready", lambda o: _g(o, "status", "readyReplicas", default=0), "integer",
           desc=_d("apps.v1.ReplicaSetStatus.readyReplicas")), _AGE,
        *_wide_containers(),
        _c("Selector", lambda o: _selector(_g(o, "spec", "selector")), priority=1,
           desc=_d("apps.v1.ReplicaSetSpec.selector"))],
    ("", "replicationcontrollers"): [
        _c("Desired", lambda o: _g(o, "spec", "replicas", default=0), "integer",
           desc=_d("core.v1.ReplicationControllerSpec.replicas")),
        _c("Current", lambda o: _g(o, "status", "replicas", default=0), "integer",
           desc=_d("core.v1.ReplicationControllerStatus.replicas")),
        _c("Ready", lambda o: _g(o, "status", "readyReplicas", default=0), "integer",
           desc=_d("core.v1.ReplicationControllerStatus.readyReplicas")), _AGE,
        *_wide_containers(),
        _c("Selector", lambda o: _labels(_g(o, "spec", "selector")), priority=1,
           desc=_d("core.v1.ReplicationControllerSpec.selector"))],
    ("", "services"): [
        _c("Type", lambda o: _g(o, "spec", "type", default=""), desc=_d("core.v1.ServiceSpec.type")),
        _c("Cluster-IP", lambda o: (_g(o, "spec", "clusterIPs", default=[]) or ["<none>"])[0],
           desc=_d("core.v1.ServiceSpec.clusterIP")),
        _c("External-IP", _external_ip, desc=_d("core.v1.ServiceSpec.externalIPs")),
        _c("Port(s)", _ports, desc=_d("core.v1.ServiceSpec.ports")), _AGE,
        _c("Selector", lambda o: _labels(_g(o, "spec", "selector")), priority=1,
           desc=_d("core.v1.ServiceSpec.selector"))],
    # Data is declared a string column but its cells are integers (as recorded)
    ("", "configmaps"): [_c("Data", lambda o: len(o.get("data") or {}) + len(o.get("binaryData") or {}),
                            desc=_d("core.v1.ConfigMap.data")), _AGE],
    ("", "secrets"): [_c("Type", lambda o: o.get("type", ""), desc=_d("core.v1.Secret.type")),
                      _c("Data", lambda o: len(o.get("data") or {}), desc=_d("core.v1.Secret.data")), _AGE],
    ("", "serviceaccounts"): [_AGE],
    ("networking.k8s.io", "ingresses"): [
        _c("Class", lambda o: _g(o, "spec", "ingressClassName", default="<none>"),
           desc="The name of the IngressClass resource that should be used for additional configuration"),
        _c("Hosts", _hosts, desc="Hosts that incoming requests are matched against before the ingress rule"),
        _c("Address", lambda o: ",".join(_lb_ingress(_g(o, "status", "loadBalancer"))),
           desc="Address is a list containing ingress points for the load-balancer"),
        _c("Ports", lambda o: "80, 443" if _g(o, "spec", "tls") else "80", desc="Ports of TLS configurations that open"),
        _AGE],
    ("", "persistentvolumeclaims"): [
        _c("Status", _pv_phase, desc=_d("core.v1.PersistentVolumeClaimStatus.phase")),
        _c("Volume", lambda o: _g(o, "spec", "volumeName", default=""),
           desc=_d("core.v1.PersistentVolumeClaimSpec.volumeName")),
        _c("Capacity", lambda o: _g(o, "status", "capacity", "storage", default="") if _g(o, "spec", "volumeName")
           else "", desc=_d("core.v1.PersistentVolumeClaimStatus.capacity")),
        _c("Access Modes", lambda o: _access_modes(_g(o, "status", "accessModes", default=[]))
           if _g(o, "spec", "volumeName") else "", desc=_d("core.v1.PersistentVolumeClaimStatus.accessModes")),
        _c("StorageClass", _pv_class, desc="StorageClass of the pvc"),
        _c("VolumeAttributesClass", lambda o: _g(o, "spec", "volumeAttributesClassName", default="<unset>"),
           desc="VolumeAttributesClass of the pvc"),
        _AGE, _c("VolumeMode", lambda o: _g(o, "spec", "volumeMode", default="<unset>"), priority=1,
                 desc=_d("core.v1.PersistentVolumeClaimSpec.volumeMode"))],
    ("", "persistentvolumes"): [
        _c("Capacity", lambda o: _g(o, "spec", "capacity", "storage", default=""),
           desc=_d("core.v1.PersistentVolumeSpec.capacity")),
        _c("Access Modes", lambda o: _access_modes(_g(o, "spec", "accessModes", default=[])),
           desc=_d("core.v1.PersistentVolumeSpec.accessModes")),
        _c("Reclaim Policy", lambda o: _g(o, "spec", "persistentVolumeReclaimPolicy", default=""),
           desc=_d("core.v1.PersistentVolumeSpec.persistentVolumeReclaimPolicy")),
        _c("Status", _pv_phase, desc=_d("core.v1.PersistentVolumeStatus.phase")),
        _c("Claim", lambda o: (f"{_g(o, 'spec', 'claimRef', 'namespace', default='')}/"
                               f"{_g(o, 'spec', 'claimRef', 'name', default='')}" if _g(o, "spec", "claimRef") else ""),
           desc=_d("core.v1.PersistentVolumeSpec.claimRef")),
        _c("StorageClass", _pv_class, desc="StorageClass of the pv"),
        _c("VolumeAttributesClass", lambda o: _g(o, "spec", "volumeAttributesClassName", default="<unset>"),
           desc="VolumeAttributesClass of the pv"),
        _c("Reason", lambda o: _g(o, "status", "reason", default=""), desc=_d("core.v1.PersistentVolumeStatus.reason")),
        _AGE, _c("VolumeMode", lambda o: _g(o, "spec", "volumeMode", default="<unset>"), priority=1,
                 desc=_d("core.v1.PersistentVolumeSpec.volumeMode"))],
    ("storage.k8s.io", "storageclasses"): [
        _c("Provisioner", lambda o: o.get("provisioner", ""), desc=_d("storage.v1.StorageClass.provisioner")),
        _c("ReclaimPolicy", lambda o: o.get("reclaimPolicy") or "Delete", desc=_d("storage.v1.StorageClass.reclaimPolicy")),
        _c("VolumeBindingMode", lambda o: o.get("volumeBindingMode") or "Immediate",
           desc=_d("storage.v1.StorageClass.volumeBindingMode")),
        # declared string, cells are booleans (printStorageClass)
        _c("AllowVolumeExpansion", lambda o: bool(o.get("allowVolumeExpansion", False)),
           desc=_d("storage.v1.StorageClass.allowVolumeExpansion")), _AGE],
    ("", "nodes"): [
        _c("Status", _node_status, desc="The status of the node"),
        _c("Roles", _node_roles, desc="The roles of the node"),
        _AGE, _c("Version", lambda o: _g(o, "status", "nodeInfo", "kubeletVersion", default=""),
                 desc=_d("core.v1.NodeSystemInfo.kubeletVersion")),
        _c("Internal-IP", lambda o: _node_addr(o, "InternalIP"), priority=1, desc=_d("core.v1.NodeStatus.addresses")),
        _c("External-IP", lambda o: _node_addr(o, "ExternalIP"), priority=1, desc=_d("core.v1.NodeStatus.addresses")),
        _c("OS-Image", lambda o: _g(o, "status", "nodeInfo", "osImage", default="") or "<unknown>", priority=1,
           desc=_d("core.v1.NodeSystemInfo.osImage")),
        _c("Kernel-Version", lambda o: _g(o, "status", "nodeInfo", "kernelVersion", default="") or "<unknown>",
           priority=1, desc=_d("core.v1.NodeSystemInfo.kernelVersion")),
        _c("Container-Runtime", lambda o: _g(o, "status", "nodeInfo", "containerRuntimeVersion", default="")
           or "<unknown>", priority=1, desc=_d("core.v1.NodeSystemInfo.containerRuntimeVersion"))],
    ("batch", "jobs"): [
        _c("Status", _job_status, desc="Status of the job."),
        _c("Completions", _job_completions, desc=_d("batch.v1.JobStatus.succeeded")),
        _c("Duration", _job_duration, desc="Time required to complete the job."), _AGE,
        *_wide_containers(),
        _c("Selector", lambda o: _selector(_g(o, "spec", "selector")), priority=1, desc=_d("batch.v1.JobSpec.selector"))],
    ("batch", "cronjobs"): [
        _c("Schedule", lambda o: _g(o, "spec", "schedule", default=""), desc=_d("batch.v1.CronJobSpec.schedule")),
        _c("Timezone", lambda o: _g(o, "spec", "timeZone", default="<none>"), desc=_d("batch.v1.CronJobSpec.timeZone")),
        # declared boolean, cells are printBoolPtr strings
        _c("Suspend", lambda o: _bool_ptr(_g(o, "spec", "suspend")), "boolean", desc=_d("batch.v1.CronJobSpec.suspend")),
        _c("Active", lambda o: len(_g(o, "status", "active", default=[])), "integer",
           desc=_d("batch.v1.CronJobStatus.active")),
        _c("Last Schedule", lambda o: age(_g(o, "status", "lastScheduleTime")) if _g(o, "status", "lastScheduleTime")
           else "<none>", desc=_d("batch.v1.CronJobStatus.lastScheduleTime")), _AGE,
        *_wide_containers(("spec", "jobTemplate", "spec", "template", "spec", "containers")),
        _c("Selector", lambda o: _selector(_g(o, "spec", "jobTemplate", "spec", "selector")), priority=1,
           desc=_d("batch.v1.JobSpec.selector"))],
    ("autoscaling", "horizontalpodautoscalers"): [
        _c("Reference", lambda o: f"{_g(o, 'spec', 'scaleTargetRef', 'kind', default='')}/"
                                  f"{_g(o, 'spec', 'scaleTargetRef', 'name', default='')}",
           desc=_d("autoscaling.v2.HorizontalPodAutoscalerSpec.scaleTargetRef")),
        _c("Targets", _hpa_targets, desc=_d("autoscaling.v2.HorizontalPodAutoscalerSpec.metrics")),
        _c("MinPods", lambda o: str(o["spec"]["minReplicas"]) if _g(o, "spec", "minReplicas") is not None
           else "<unset>", desc=_d("autoscaling.v2.HorizontalPodAutoscalerSpec.minReplicas")),
        _c("MaxPods", lambda o: _g(o, "spec", "maxReplicas", default=0),
           desc=_d("autoscaling.v2.HorizontalPodAutoscalerSpec.maxReplicas")),
        _c("Replicas", lambda o: _g(o, "status", "currentReplicas", default=0),
           desc=_d("autoscaling.v2.HorizontalPodAutoscalerStatus.currentReplicas")), _AGE],
}

# the NAME cell when it is not just metadata.name
_NAME_CELL: dict[tuple[str, str], Callable[[dict], str]] = {
    ("storage.k8s.io", "storageclasses"): lambda o: _g(o, "metadata", "name", default="") + (
        " (default)" if _is_default_class(o) else ""),
}


def columns_for(rt: ResourceType, crd_version: dict | None = None) -> list[Col]:
    if crd_version is not None:
        cols = crd_version.get("additionalPrinterColumns")
        if cols:
            return [_crd_col(c) for c in cols]
        return [_c("Age", lambda o: age(_g(o, "metadata", "creationTimestamp")), "date",
                   desc="Custom resource definition column (in JSONPath format): .metadata.creationTimestamp")]
    cols = _COLUMNS.get((rt.group, rt.resource))
    if cols is None:
        return [_c("Created At", lambda o: _g(o, "metadata", "creationTimestamp"), "date", desc=TS_DESC)]
    return cols


def _crd_col(c: dict) -> Col:
    path = c.get("jsonPath", "")
    typ = c.get("type", "string")

    def cell(o: dict) -> Any:
        v = _g(o, *[p for p in path.strip(".").split(".") if p])
        if typ == "date" and v is not None:
            return age(v)
        return v

    return (c["name"], typ, c.get("format", ""), int(c.get("priority", 0)), cell,
            f"Custom resource definition column (in JSONPath format): {path}")


def _desc(desc: str) -> str:
    return _field_doc(desc[1:]) if desc.startswith("@") else desc


def to_table(rt: ResourceType, items_or_obj: Any, *, include_object: str = "Metadata", version: str = "v1",
             list_meta: dict | None = None, crd_version: dict | None = None) -> dict:
    """A meta.k8s.io/<version> Table for one object or a list of objects.

    ``include_object``: "Metadata" (PartialObjectMetadata, the default), "Object" (whole object) or
    "None" (null). ``list_meta`` becomes the Table metadata (resourceVersion/continue/remainingItemCount);
    for a single object the object's resourceVersion is used. ``crd_version`` is the CRD's
    ``spec.versions[]`` entry for custom resources (printer columns).
    """
    single = isinstance(items_or_obj, dict)
    items = [items_or_obj] if single else list(items_or_obj)
    cols = columns_for(rt, crd_version)
    defs = [{"name": "Name", "type": "string", "format": "name", "description": NAME_DESC, "priority": 0}]
    for name, typ, fmt, prio, _, desc in cols:
        defs.append({"name": name, "type": typ, "format": fmt, "description": _desc(desc), "priority": prio})
    rows = []
    for o in items:
        name_cell = _NAME_CELL.get((rt.group, rt.resource)) if crd_version is None else None
        cells = [name_cell(o) if name_cell else _g(o, "metadata", "name", default="")]
        cells += [c[4](o) for c in cols]
        if include_object == "None":
            obj = None
        elif include_object == "Object":
            obj = dict(o)
            obj.setdefault("kind", rt.kind)
            obj.setdefault("apiVersion", rt.api_version)
        else:
            obj = {"kind": "PartialObjectMetadata", "apiVersion": f"meta.k8s.io/{version}",
                   "metadata": o.get("metadata") or {}}
        rows.append({"cells": cells, "object": obj})
    if single:
        meta = {"resourceVersion": _g(items_or_obj, "metadata", "resourceVersion", default="")}
    else:
        meta = dict(list_meta or {})
    return {"kind": "Table", "apiVersion": f"meta.k8s.io/{version}", "metadata": meta,
            "columnDefinitions": defs, "rows": rows}


def partial_metadata(obj: dict, version: str = "v1") -> dict:
    """PartialObjectMetadata for one object (Accept ...;as=PartialObjectMetadata)."""
    return {"kind": "PartialObjectMetadata", "apiVersion": f"meta.k8s.io/{version}", "metadata": obj.get("metadata") or {}}


def partial_metadata_list(lst: dict, version: str = "v1") -> dict:
    return {"kind": "PartialObjectMetadataList", "apiVersion": f"meta.k8s.io/{version}",
            "metadata": lst.get("metadata") or {}, "items": [partial_metadata(o, version) for o in lst.get("items", [])]}
