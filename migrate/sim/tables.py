"""meta.k8s.io Table responses (what ``kubectl get`` asks for), with kube-apiserver's columns.

Columns follow the server-side printers of v1.36 for the common kinds; CRs use the CRD's
additionalPrinterColumns (plus Age when none are given); anything else gets Name + Created At.
Age cells are strings like "19s"; ConfigMap "Data" cells are integers although declared string
(as recorded).
"""
from __future__ import annotations

from datetime import datetime, timezone
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


def _ports(svc: dict) -> str:
    out = []
    for p in _g(svc, "spec", "ports", default=[]):
        s = f"{p.get('port')}"
        if p.get("nodePort"):
            s += f":{p['nodePort']}"
        out.append(f"{s}/{p.get('protocol', 'TCP')}")
    return ",".join(out) or "<none>"


def _external_ip(svc: dict) -> str:
    spec = svc.get("spec") or {}
    ips = list(spec.get("externalIPs") or [])
    if spec.get("type") == "LoadBalancer":
        ing = [i.get("ip") or i.get("hostname") for i in _g(svc, "status", "loadBalancer", "ingress", default=[])]
        ips = [i for i in ing if i] + ips
        return ",".join(ips) if ips else "<pending>"
    if spec.get("type") == "ExternalName":
        return spec.get("externalName", "<none>")
    return ",".join(ips) if ips else "<none>"


def _selector(sel: Any) -> str:
    if isinstance(sel, dict) and "matchLabels" not in sel and "matchExpressions" not in sel:
        return ",".join(f"{k}={v}" for k, v in sorted(sel.items())) or "<none>"
    if not sel:
        return "<none>"
    parts = [f"{k}={v}" for k, v in sorted((sel.get("matchLabels") or {}).items())]
    for e in sel.get("matchExpressions") or []:
        parts.append(f"{e.get('key')} {e.get('operator', '').lower()} ({','.join(e.get('values') or [])})")
    return ",".join(parts) or "<none>"


def _containers(o: dict, path: tuple) -> tuple[str, str]:
    cs = _g(o, *path, default=[])
    return ",".join(c.get("name", "") for c in cs), ",".join(c.get("image", "") for c in cs)


def _pod_status(p: dict) -> str:
    if _g(p, "metadata", "deletionTimestamp"):
        return "Terminating"
    reason = _g(p, "status", "reason") or _g(p, "status", "phase", default="Unknown")
    for cs in _g(p, "status", "containerStatuses", default=[]):
        w = _g(cs, "state", "waiting", "reason")
        if w:
            reason = w
    return reason


def _pod_ready(p: dict) -> str:
    total = len(_g(p, "spec", "containers", default=[]))
    ready = sum(1 for cs in _g(p, "status", "containerStatuses", default=[]) if cs.get("ready"))
    return f"{ready}/{total}"


def _access_modes(modes: list) -> str:
    short = {"ReadWriteOnce": "RWO", "ReadOnlyMany": "ROX", "ReadWriteMany": "RWX", "ReadWriteOncePod": "RWOP"}
    return ",".join(short.get(m, m) for m in modes or [])


def _hpa_targets(h: dict) -> str:
    if "targetCPUUtilizationPercentage" in (h.get("spec") or {}):
        cur = _g(h, "status", "currentCPUUtilizationPercentage")
        return f"cpu: {cur if cur is not None else '<unknown>'}%/{h['spec']['targetCPUUtilizationPercentage']}%"
    out = []
    for m in _g(h, "spec", "metrics", default=[]):
        r = m.get("resource") or {}
        t = r.get("target") or {}
        if t.get("averageUtilization") is not None:
            out.append(f"{r.get('name')}: <unknown>/{t['averageUtilization']}%")
    return ", ".join(out) or "<none>"


Col = tuple[str, str, str, int, Callable[[dict], Any]]  # name, type, format, priority, cell


def _c(name: str, fn: Callable[[dict], Any], typ: str = "string", priority: int = 0, fmt: str = "") -> Col:
    return (name, typ, fmt, priority, fn)


_AGE = _c("Age", lambda o: age(_g(o, "metadata", "creationTimestamp")))

_COLUMNS: dict[tuple[str, str], list[Col]] = {
    ("", "namespaces"): [_c("Status", lambda o: _g(o, "status", "phase", default="")), _AGE],
    ("", "pods"): [_c("Ready", _pod_ready), _c("Status", _pod_status),
                   _c("Restarts", lambda o: str(sum(cs.get("restartCount", 0) for cs in
                                                     _g(o, "status", "containerStatuses", default=[])))),
                   _AGE, _c("IP", lambda o: _none(_g(o, "status", "podIP")), priority=1),
                   _c("Node", lambda o: _none(_g(o, "spec", "nodeName")), priority=1),
                   _c("Nominated Node", lambda o: _none(_g(o, "status", "nominatedNodeName")), priority=1),
                   _c("Readiness Gates", lambda o: _none(_g(o, "spec", "readinessGates")), priority=1)],
    ("apps", "deployments"): [
        _c("Ready", lambda o: f"{_g(o, 'status', 'readyReplicas', default=0)}/{_g(o, 'spec', 'replicas', default=0)}"),
        _c("Up-to-date", lambda o: _g(o, "status", "updatedReplicas", default=0), "integer"),
        _c("Available", lambda o: _g(o, "status", "availableReplicas", default=0), "integer"), _AGE,
        _c("Containers", lambda o: _containers(o, ("spec", "template", "spec", "containers"))[0], priority=1),
        _c("Images", lambda o: _containers(o, ("spec", "template", "spec", "containers"))[1], priority=1),
        _c("Selector", lambda o: _selector(_g(o, "spec", "selector")), priority=1)],
    ("apps", "statefulsets"): [
        _c("Ready", lambda o: f"{_g(o, 'status', 'readyReplicas', default=0)}/{_g(o, 'spec', 'replicas', default=0)}"),
        _AGE,
        _c("Containers", lambda o: _containers(o, ("spec", "template", "spec", "containers"))[0], priority=1),
        _c("Images", lambda o: _containers(o, ("spec", "template", "spec", "containers"))[1], priority=1)],
    ("apps", "daemonsets"): [
        _c("Desired", lambda o: _g(o, "status", "desiredNumberScheduled", default=0), "integer"),
        _c("Current", lambda o: _g(o, "status", "currentNumberScheduled", default=0), "integer"),
        _c("Ready", lambda o: _g(o, "status", "numberReady", default=0), "integer"),
        _c("Up-to-date", lambda o: _g(o, "status", "updatedNumberScheduled", default=0), "integer"),
        _c("Available", lambda o: _g(o, "status", "numberAvailable", default=0), "integer"),
        _c("Node Selector", lambda o: _selector(_g(o, "spec", "template", "spec", "nodeSelector"))), _AGE,
        _c("Containers", lambda o: _containers(o, ("spec", "template", "spec", "containers"))[0], priority=1),
        _c("Images", lambda o: _containers(o, ("spec", "template", "spec", "containers"))[1], priority=1),
        _c("Selector", lambda o: _selector(_g(o, "spec", "selector")), priority=1)],
    ("apps", "replicasets"): [
        _c("Desired", lambda o: _g(o, "spec", "replicas", default=0), "integer"),
        _c("Current", lambda o: _g(o, "status", "replicas", default=0), "integer"),
        _c("Ready", lambda o: _g(o, "status", "readyReplicas", default=0), "integer"), _AGE,
        _c("Containers", lambda o: _containers(o, ("spec", "template", "spec", "containers"))[0], priority=1),
        _c("Images", lambda o: _containers(o, ("spec", "template", "spec", "containers"))[1], priority=1),
        _c("Selector", lambda o: _selector(_g(o, "spec", "selector")), priority=1)],
    ("", "services"): [_c("Type", lambda o: _g(o, "spec", "type", default="ClusterIP")),
                       _c("Cluster-IP", lambda o: _none(_g(o, "spec", "clusterIP"))),
                       _c("External-IP", _external_ip), _c("Port(s)", _ports), _AGE,
                       _c("Selector", lambda o: _selector(_g(o, "spec", "selector")), priority=1)],
    ("", "configmaps"): [_c("Data", lambda o: len(o.get("data") or {}) + len(o.get("binaryData") or {})), _AGE],
    ("", "secrets"): [_c("Type", lambda o: o.get("type", "")),
                      _c("Data", lambda o: len(o.get("data") or {}), "integer"), _AGE],
    ("", "serviceaccounts"): [_AGE],
    ("networking.k8s.io", "ingresses"): [
        _c("Class", lambda o: _none(_g(o, "spec", "ingressClassName"))),
        _c("Hosts", lambda o: ",".join(r.get("host", "*") for r in _g(o, "spec", "rules", default=[])) or "*"),
        _c("Address", lambda o: ",".join(i.get("ip") or i.get("hostname", "") for i in
                                         _g(o, "status", "loadBalancer", "ingress", default=[]))),
        _c("Ports", lambda o: "80, 443" if _g(o, "spec", "tls") else "80"), _AGE],
    ("", "persistentvolumeclaims"): [
        _c("Status", lambda o: _g(o, "status", "phase", default="")),
        _c("Volume", lambda o: _g(o, "spec", "volumeName", default="")),
        _c("Capacity", lambda o: _g(o, "status", "capacity", "storage", default="")),
        _c("Access Modes", lambda o: _access_modes(_g(o, "status", "accessModes", default=[]))),
        _c("StorageClass", lambda o: _g(o, "spec", "storageClassName", default="<unset>")),
        _c("VolumeAttributesClass", lambda o: _g(o, "spec", "volumeAttributesClassName", default="<unset>")),
        _AGE, _c("VolumeMode", lambda o: _g(o, "spec", "volumeMode", default=""), priority=1)],
    ("", "persistentvolumes"): [
        _c("Capacity", lambda o: _g(o, "spec", "capacity", "storage", default="")),
        _c("Access Modes", lambda o: _access_modes(_g(o, "spec", "accessModes", default=[]))),
        _c("Reclaim Policy", lambda o: _g(o, "spec", "persistentVolumeReclaimPolicy", default="")),
        _c("Status", lambda o: _g(o, "status", "phase", default="")),
        _c("Claim", lambda o: (f"{_g(o, 'spec', 'claimRef', 'namespace')}/{_g(o, 'spec', 'claimRef', 'name')}"
                               if _g(o, "spec", "claimRef") else "")),
        _c("StorageClass", lambda o: _g(o, "spec", "storageClassName", default="")),
        _c("VolumeAttributesClass", lambda o: _g(o, "spec", "volumeAttributesClassName", default="<unset>")),
        _c("Reason", lambda o: _g(o, "status", "reason", default="")), _AGE,
        _c("VolumeMode", lambda o: _g(o, "spec", "volumeMode", default=""), priority=1)],
    ("storage.k8s.io", "storageclasses"): [
        _c("Provisioner", lambda o: o.get("provisioner", "")),
        _c("ReclaimPolicy", lambda o: o.get("reclaimPolicy", "Delete")),
        _c("VolumeBindingMode", lambda o: o.get("volumeBindingMode", "Immediate")),
        _c("AllowVolumeExpansion", lambda o: bool(o.get("allowVolumeExpansion", False)), "boolean"), _AGE],
    ("", "nodes"): [
        _c("Status", lambda o: "Ready" if any(c.get("type") == "Ready" and c.get("status") == "True"
                                              for c in _g(o, "status", "conditions", default=[])) else "NotReady"),
        _c("Roles", lambda o: ",".join(sorted(k.split("/", 1)[1] for k in (_g(o, "metadata", "labels", default={}))
                                              if k.startswith("node-role.kubernetes.io/"))) or "<none>"),
        _AGE, _c("Version", lambda o: _g(o, "status", "nodeInfo", "kubeletVersion", default="")),
        _c("Internal-IP", lambda o: next((a["address"] for a in _g(o, "status", "addresses", default=[])
                                          if a.get("type") == "InternalIP"), "<none>"), priority=1),
        _c("External-IP", lambda o: next((a["address"] for a in _g(o, "status", "addresses", default=[])
                                          if a.get("type") == "ExternalIP"), "<none>"), priority=1),
        _c("OS-Image", lambda o: _g(o, "status", "nodeInfo", "osImage", default=""), priority=1),
        _c("Kernel-Version", lambda o: _g(o, "status", "nodeInfo", "kernelVersion", default=""), priority=1),
        _c("Container-Runtime", lambda o: _g(o, "status", "nodeInfo", "containerRuntimeVersion", default=""),
           priority=1)],
    ("batch", "jobs"): [
        _c("Status", lambda o: "Complete" if _g(o, "status", "succeeded", default=0) >= _g(o, "spec", "completions",
                                                                                            default=1) else "Running"),
        _c("Completions", lambda o: f"{_g(o, 'status', 'succeeded', default=0)}/{_g(o, 'spec', 'completions', default=1)}"),
        _c("Duration", lambda o: ""), _AGE,
        _c("Containers", lambda o: _containers(o, ("spec", "template", "spec", "containers"))[0], priority=1),
        _c("Images", lambda o: _containers(o, ("spec", "template", "spec", "containers"))[1], priority=1),
        _c("Selector", lambda o: _selector(_g(o, "spec", "selector")), priority=1)],
    ("batch", "cronjobs"): [
        _c("Schedule", lambda o: _g(o, "spec", "schedule", default="")),
        _c("Timezone", lambda o: _g(o, "spec", "timeZone", default="<none>")),
        _c("Suspend", lambda o: bool(_g(o, "spec", "suspend", default=False)), "boolean"),
        _c("Active", lambda o: len(_g(o, "status", "active", default=[])), "integer"),
        _c("Last Schedule", lambda o: age(_g(o, "status", "lastScheduleTime")) if _g(o, "status", "lastScheduleTime")
           else "<none>"), _AGE,
        _c("Containers", lambda o: _containers(o, ("spec", "jobTemplate", "spec", "template", "spec",
                                                   "containers"))[0], priority=1),
        _c("Images", lambda o: _containers(o, ("spec", "jobTemplate", "spec", "template", "spec", "containers"))[1],
           priority=1),
        _c("Selector", lambda o: _selector(_g(o, "spec", "jobTemplate", "spec", "selector")), priority=1)],
    ("autoscaling", "horizontalpodautoscalers"): [
        _c("Reference", lambda o: f"{_g(o, 'spec', 'scaleTargetRef', 'kind')}/{_g(o, 'spec', 'scaleTargetRef', 'name')}"),
        _c("Targets", _hpa_targets),
        _c("MinPods", lambda o: _g(o, "spec", "minReplicas", default=1), "integer"),
        _c("MaxPods", lambda o: _g(o, "spec", "maxReplicas", default=0), "integer"),
        _c("Replicas", lambda o: _g(o, "status", "currentReplicas", default=0), "integer"), _AGE],
}

_DESCRIPTIONS = {"Age": TS_DESC, "Created At": TS_DESC}


def columns_for(rt: ResourceType, crd_version: dict | None = None) -> list[Col]:
    if crd_version is not None:
        cols = crd_version.get("additionalPrinterColumns")
        if cols:
            return [_crd_col(c) for c in cols]
        return [_c("Age", lambda o: age(_g(o, "metadata", "creationTimestamp")), "date")]
    cols = _COLUMNS.get((rt.group, rt.resource))
    if cols is None:
        return [_c("Created At", lambda o: _g(o, "metadata", "creationTimestamp"), "date")]
    return cols


def _crd_col(c: dict) -> Col:
    path = c.get("jsonPath", "")
    typ = c.get("type", "string")

    def cell(o: dict) -> Any:
        v = _g(o, *[p for p in path.strip(".").split(".") if p])
        if typ == "date" and v is not None:
            return age(v)
        return v

    col = (c["name"], typ, c.get("format", ""), int(c.get("priority", 0)), cell)
    return col


def _desc(name: str, rt: ResourceType, crd_path: str | None) -> str:
    if crd_path is not None:
        return f"Custom resource definition column (in JSONPath format): {crd_path}"
    return _DESCRIPTIONS.get(name, "")


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
    crd_paths = [c.get("jsonPath", "") for c in (crd_version or {}).get("additionalPrinterColumns") or []]
    for i, (name, typ, fmt, prio, _) in enumerate(cols):
        desc = _desc(name, rt, crd_paths[i] if crd_version is not None and i < len(crd_paths) else None)
        if crd_version is not None and not crd_paths:
            desc = "Custom resource definition column (in JSONPath format): .metadata.creationTimestamp"
        defs.append({"name": name, "type": typ, "format": fmt, "description": desc, "priority": prio})
    rows = []
    for o in items:
        cells = [_g(o, "metadata", "name", default="")] + [fn(o) for *_, fn in cols]
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
