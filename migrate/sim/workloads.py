"""Per-kind server behaviour: the defaults and validation kube-apiserver applies, server-allocated
fields (Service clusterIP), and the optional workload simulation (controllers that make workloads
ready, bind PVCs and publish Endpoints/EndpointSlices).

Defaults and validation messages are the ones recorded from kube-apiserver v1.36.2.
"""
from __future__ import annotations

import base64
import copy
import hashlib
import json
import re
import uuid
from typing import TYPE_CHECKING, Any

from .catalogue import ResourceType

if TYPE_CHECKING:  # pragma: no cover
    from .store import Store

_POD_OWNERS = {("apps", "deployments"), ("apps", "statefulsets"), ("apps", "daemonsets"), ("apps", "replicasets"),
               ("batch", "jobs"), ("", "replicationcontrollers")}


# ------------------------------------------------------------------------------------------------
# defaults
# ------------------------------------------------------------------------------------------------

def _image_pull_policy(image: str) -> str:
    ref = image.split("@", 1)[0]
    last = ref.rsplit("/", 1)[-1]
    if "@" in image:
        return "IfNotPresent"
    if ":" not in last or last.endswith(":latest"):
        return "Always"
    return "IfNotPresent"


def _default_container(c: dict) -> None:
    for p in c.get("ports") or []:
        if isinstance(p, dict):
            p.setdefault("protocol", "TCP")
    c.setdefault("resources", {})
    c.setdefault("terminationMessagePath", "/dev/termination-log")
    c.setdefault("terminationMessagePolicy", "File")
    if isinstance(c.get("image"), str):
        c.setdefault("imagePullPolicy", _image_pull_policy(c["image"]))
    for e in c.get("env") or []:
        vf = (e.get("valueFrom") or {}).get("fieldRef") if isinstance(e, dict) else None
        if isinstance(vf, dict):
            vf.setdefault("apiVersion", "v1")


def default_pod_spec(spec: dict) -> None:
    for key in ("initContainers", "containers", "ephemeralContainers"):
        for c in spec.get(key) or []:
            if isinstance(c, dict):
                _default_container(c)
    spec.setdefault("restartPolicy", "Always")
    spec.setdefault("terminationGracePeriodSeconds", 30)
    spec.setdefault("dnsPolicy", "ClusterFirst")
    spec.setdefault("securityContext", {})
    spec.setdefault("schedulerName", "default-scheduler")
    for v in spec.get("volumes") or []:
        if not isinstance(v, dict):
            continue
        for src in ("secret", "configMap"):
            if isinstance(v.get(src), dict):
                v[src].setdefault("defaultMode", 420)
        if isinstance(v.get("projected"), dict):
            v["projected"].setdefault("defaultMode", 420)
        if isinstance(v.get("hostPath"), dict):
            v["hostPath"].setdefault("type", "")


def _default_template(spec: dict) -> None:
    tmpl = spec.get("template")
    if isinstance(tmpl, dict):
        tmpl.setdefault("metadata", {})
        if isinstance(tmpl.get("spec"), dict):
            default_pod_spec(tmpl["spec"])


def apply_defaults(store: "Store", rt: ResourceType, obj: dict, old: dict | None) -> None:
    """Fill what the real API server defaults (visible in its create responses)."""
    kind = (rt.group, rt.resource)
    spec = obj.get("spec") if isinstance(obj.get("spec"), dict) else None
    meta = obj.setdefault("metadata", {})
    if kind == ("", "namespaces"):
        meta.setdefault("labels", {})
        if meta["labels"] is None:
            meta["labels"] = {}
        meta["labels"]["kubernetes.io/metadata.name"] = meta.get("name", "")
        sp = obj.setdefault("spec", {})
        if old is None:
            sp.setdefault("finalizers", ["kubernetes"])
            obj["status"] = {"phase": "Active"}
        else:
            obj["spec"] = old.get("spec", sp) if "spec" not in obj or obj.get("spec") == {} else obj["spec"]
            obj["status"] = copy.deepcopy(old.get("status") or {"phase": "Active"})
        return
    if kind == ("", "secrets"):
        obj.setdefault("type", "Opaque")
        # stringData is write-only: the API server folds it into data (base64) and never returns it
        sd = obj.pop("stringData", None)
        if isinstance(sd, dict) and sd:
            data = obj.get("data") if isinstance(obj.get("data"), dict) else {}
            data.update({k: base64.b64encode(str(v).encode()).decode() for k, v in sd.items()})
            obj["data"] = data
    if spec is None:
        return
    if kind == ("apps", "deployments"):
        spec.setdefault("replicas", 1)
        _default_template(spec)
        st = spec.setdefault("strategy", {})
        st.setdefault("type", "RollingUpdate")
        if st["type"] == "RollingUpdate":
            ru = st.setdefault("rollingUpdate", {})
            ru.setdefault("maxUnavailable", "25%")
            ru.setdefault("maxSurge", "25%")
        spec.setdefault("revisionHistoryLimit", 10)
        spec.setdefault("progressDeadlineSeconds", 600)
    elif kind == ("apps", "statefulsets"):
        spec.setdefault("replicas", 1)
        _default_template(spec)
        for vct in spec.get("volumeClaimTemplates") or []:
            if isinstance(vct, dict):
                vct.setdefault("kind", "PersistentVolumeClaim")
                vct.setdefault("apiVersion", "v1")
                vct.setdefault("metadata", {})
                vs = vct.setdefault("spec", {})
                vs.setdefault("volumeMode", "Filesystem")
                vct.setdefault("status", {"phase": "Pending"})
                # key order as the server prints it
                vct_sorted = {k: vct[k] for k in ("kind", "apiVersion", "metadata", "spec", "status") if k in vct}
                vct.clear()
                vct.update(vct_sorted)
        spec.setdefault("podManagementPolicy", "OrderedReady")
        us = spec.setdefault("updateStrategy", {})
        us.setdefault("type", "RollingUpdate")
        if us["type"] == "RollingUpdate":
            us.setdefault("rollingUpdate", {}).setdefault("partition", 0)
        spec.setdefault("revisionHistoryLimit", 10)
        spec.setdefault("persistentVolumeClaimRetentionPolicy", {"whenDeleted": "Retain", "whenScaled": "Retain"})
    elif kind == ("apps", "daemonsets"):
        _default_template(spec)
        us = spec.setdefault("updateStrategy", {})
        us.setdefault("type", "RollingUpdate")
        if us["type"] == "RollingUpdate":
            ru = us.setdefault("rollingUpdate", {})
            ru.setdefault("maxUnavailable", 1)
            ru.setdefault("maxSurge", 0)
        spec.setdefault("revisionHistoryLimit", 10)
    elif kind == ("apps", "replicasets") or kind == ("", "replicationcontrollers"):
        spec.setdefault("replicas", 1)
        _default_template(spec)
    elif kind == ("batch", "jobs"):
        _default_template(spec)
        spec.setdefault("parallelism", 1)
        spec.setdefault("completions", 1)
        spec.setdefault("backoffLimit", 6)
        spec.setdefault("completionMode", "NonIndexed")
        spec.setdefault("suspend", False)
        spec.setdefault("podReplacementPolicy", "TerminatingOrFailed")
        tmpl = spec.get("template") or {}
        if spec.get("selector") is None and old is None and isinstance(tmpl, dict):
            uid = meta.get("uid") or str(uuid.uuid4())
            meta.setdefault("uid", uid)
            spec["selector"] = {"matchLabels": {"batch.kubernetes.io/controller-uid": uid}}
            labels = tmpl.setdefault("metadata", {}).setdefault("labels", {})
            labels.setdefault("batch.kubernetes.io/controller-uid", uid)
            labels.setdefault("batch.kubernetes.io/job-name", meta.get("name", ""))
            labels.setdefault("controller-uid", uid)
            labels.setdefault("job-name", meta.get("name", ""))
    elif kind == ("batch", "cronjobs"):
        spec.setdefault("concurrencyPolicy", "Allow")
        spec.setdefault("suspend", False)
        spec.setdefault("successfulJobsHistoryLimit", 3)
        spec.setdefault("failedJobsHistoryLimit", 1)
        jt = (spec.get("jobTemplate") or {}).get("spec")
        if isinstance(jt, dict):
            _default_template(jt)
    elif kind == ("", "pods"):
        default_pod_spec(spec)
        spec.setdefault("enableServiceLinks", True)
        spec.setdefault("serviceAccountName", "default")
        spec.setdefault("serviceAccount", spec["serviceAccountName"])
        spec.setdefault("priority", 0)
        spec.setdefault("preemptionPolicy", "PreemptLowerPriority")
        spec.setdefault("tolerations", [
            {"key": "node.kubernetes.io/not-ready", "operator": "Exists", "effect": "NoExecute",
             "tolerationSeconds": 300},
            {"key": "node.kubernetes.io/unreachable", "operator": "Exists", "effect": "NoExecute",
             "tolerationSeconds": 300}])
        if old is None:
            obj.setdefault("status", {"phase": "Pending", "qosClass": _qos(spec)})
    elif kind == ("", "services"):
        stype = spec.setdefault("type", "ClusterIP")
        for p in spec.get("ports") or []:
            if isinstance(p, dict):
                p.setdefault("protocol", "TCP")
                if "targetPort" not in p and "port" in p:
                    p["targetPort"] = p["port"]
        if stype != "ExternalName":
            spec.setdefault("sessionAffinity", "None")
        if stype in ("NodePort", "LoadBalancer"):
            spec.setdefault("externalTrafficPolicy", "Cluster")
        if stype == "LoadBalancer":
            spec.setdefault("allocateLoadBalancerNodePorts", True)
        if stype != "ExternalName":
            spec.setdefault("internalTrafficPolicy", "Cluster")
        if old is not None:
            ospec = old.get("spec") or {}
            for k in ("clusterIP", "clusterIPs", "ipFamilies", "ipFamilyPolicy"):
                if k in ospec and k not in spec:
                    spec[k] = copy.deepcopy(ospec[k])
            oports = {(p.get("port"), p.get("protocol")): p for p in ospec.get("ports") or []}
            for p in spec.get("ports") or []:
                op = oports.get((p.get("port"), p.get("protocol")))
                if op and "nodePort" in op and "nodePort" not in p and stype in ("NodePort", "LoadBalancer"):
                    p["nodePort"] = op["nodePort"]
            obj["status"] = copy.deepcopy(old.get("status") or {"loadBalancer": {}}) if "status" not in obj else obj["status"]
    elif kind == ("", "persistentvolumeclaims"):
        spec.setdefault("volumeMode", "Filesystem")
        if old is None:
            obj.setdefault("status", {"phase": "Pending"})
    elif kind == ("", "persistentvolumes"):
        spec.setdefault("persistentVolumeReclaimPolicy", "Retain")
        spec.setdefault("volumeMode", "Filesystem")
        if old is None:
            obj.setdefault("status", {"phase": "Pending"})
    elif kind == ("networking.k8s.io", "ingresses"):
        for r in spec.get("rules") or []:
            for p in ((r or {}).get("http") or {}).get("paths") or []:
                if isinstance(p, dict):
                    p.setdefault("pathType", "ImplementationSpecific")
        if old is None:
            obj.setdefault("status", {"loadBalancer": {}})
    elif kind in (("autoscaling", "horizontalpodautoscalers"),):
        spec.setdefault("minReplicas", 1)
        if rt.version != "v1":
            spec.setdefault("metrics", [{"type": "Resource", "resource": {
                "name": "cpu", "target": {"type": "Utilization", "averageUtilization": 80}}}])


def _qos(spec: dict) -> str:
    res = [c.get("resources") or {} for c in spec.get("containers") or [] if isinstance(c, dict)]
    if not any(r.get("requests") or r.get("limits") for r in res):
        return "BestEffort"
    if all(r.get("limits") and r.get("requests", r.get("limits")) == r.get("limits") for r in res):
        return "Guaranteed"
    return "Burstable"


def initial_status(rt: ResourceType, obj: dict) -> dict:
    """The status a create stores for kinds with a /status subresource (Deployment create -> {})."""
    kind = (rt.group, rt.resource)
    if kind == ("apps", "statefulsets"):
        return {"replicas": 0, "availableReplicas": 0}
    if kind == ("", "services"):
        return {"loadBalancer": {}}
    if kind == ("", "pods"):
        return obj.get("status") or {"phase": "Pending"}
    if kind in (("", "persistentvolumeclaims"), ("", "persistentvolumes")):
        return obj.get("status") or {"phase": "Pending"}
    if kind == ("", "namespaces"):
        return obj.get("status") or {"phase": "Active"}
    if kind == ("apiextensions.k8s.io", "customresourcedefinitions"):
        versions = [v["name"] for v in (obj.get("spec") or {}).get("versions") or [] if v.get("storage")]
        return {"conditions": None, "acceptedNames": {"plural": "", "kind": ""}, "storedVersions": versions}
    if kind == ("networking.k8s.io", "ingresses"):
        return {"loadBalancer": {}}
    if kind == ("", "replicationcontrollers"):
        return {"replicas": 0}
    if kind == ("autoscaling", "horizontalpodautoscalers"):
        return {"currentReplicas": 0, "desiredReplicas": 0}
    return {}


def after_defaults_server_fields(store: "Store", rt: ResourceType, obj: dict, dry_run: bool) -> None:
    """Fields the registry allocates after field tracking (not in managedFields): Service IPs/ports."""
    if (rt.group, rt.resource) != ("", "services"):
        return
    spec = obj.get("spec") or {}
    stype = spec.get("type", "ClusterIP")
    if stype != "ExternalName":
        if spec.get("clusterIP") in (None, ""):
            ip = store.allocate_cluster_ip() if not dry_run else "10.0.0.250"
            spec["clusterIP"] = ip
        elif spec["clusterIP"] != "None":
            store.reserve_ip(spec["clusterIP"])
        spec.setdefault("clusterIPs", [spec["clusterIP"]])
        spec.setdefault("ipFamilies", ["IPv4"])
        spec.setdefault("ipFamilyPolicy", "SingleStack")
    if stype in ("NodePort", "LoadBalancer"):
        for p in spec.get("ports") or []:
            p.setdefault("nodePort", store.allocate_node_port())
    order = ["ports", "selector", "clusterIP", "clusterIPs", "type", "externalName", "sessionAffinity",
             "externalTrafficPolicy", "ipFamilies", "ipFamilyPolicy", "allocateLoadBalancerNodePorts",
             "internalTrafficPolicy"]
    ordered = {k: spec[k] for k in order if k in spec}
    ordered.update({k: v for k, v in spec.items() if k not in ordered})
    for p in ordered.get("ports") or []:
        porder = ["name", "protocol", "appProtocol", "port", "targetPort", "nodePort"]
        items = {k: p[k] for k in porder if k in p}
        items.update({k: v for k, v in p.items() if k not in items})
        p.clear()
        p.update(items)
    obj["spec"] = ordered


# ------------------------------------------------------------------------------------------------
# validation
# ------------------------------------------------------------------------------------------------

def validate(store: "Store", rt: ResourceType, obj: dict, old: dict | None) -> list[dict]:
    """Status causes for an invalid object ([] when valid). Covers the recorded common cases."""
    from .statuses import cause_invalid, cause_not_supported, cause_required, cause_too_long
    from .validation import (_CONFIG_KEY, _CONFIG_KEY_MSG, _DNS1123_LABEL, _DNS1123_SUB, _LABEL_MSG, _LABEL_VALUE,
                             _LABEL_VALUE_MSG, _QUALIFIED, _SUB_MSG)

    causes: list[dict] = []
    meta = obj.get("metadata") or {}
    name = meta.get("name")
    if not name:
        causes.append(cause_required("metadata.name", "name or generateName is required"))
        return causes
    if rt.group == "" and rt.resource in ("namespaces", "services"):
        if len(name) > 63:
            causes.append(cause_invalid("metadata.name", name, "must be no more than 63 characters"))
        elif not _DNS1123_LABEL.match(name):
            causes.append(cause_invalid("metadata.name", name, _LABEL_MSG))
    elif rt.group == "apiextensions.k8s.io":
        pass
    elif len(name) > 253:
        causes.append(cause_invalid("metadata.name", name, "must be no more than 253 characters"))
    elif not _DNS1123_SUB.match(name) and not (rt.group == "rbac.authorization.k8s.io"):
        causes.append(cause_invalid("metadata.name", name, _SUB_MSG))
    for k, v in (meta.get("labels") or {}).items():
        kname = k.rsplit("/", 1)[-1]
        if not kname or len(kname) > 63 or not _QUALIFIED.match(kname):
            causes.append(cause_invalid("metadata.labels", k, "name part must consist of alphanumeric characters, "
                                        "'-', '_' or '.', and must start and end with an alphanumeric character "
                                        "(e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is "
                                        "'([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')"))
        if not isinstance(v, str) or len(v) > 63 or not _LABEL_VALUE.match(v):
            causes.append(cause_invalid("metadata.labels", v, _LABEL_VALUE_MSG))
    kind = (rt.group, rt.resource)
    if kind in (("", "configmaps"), ("", "secrets")):
        for field in ("data", "binaryData", "stringData"):
            for k in (obj.get(field) or {}):
                if not _CONFIG_KEY.match(k) or len(k) > 253:
                    causes.append(cause_invalid(f"{field}[{k}]", k, _CONFIG_KEY_MSG))
        size = sum(len(k) + len(str(v)) for f in ("data", "binaryData") for k, v in (obj.get(f) or {}).items())
        if size > 1048576:
            causes.append(cause_too_long("[]", 1048576))
    spec = obj.get("spec") if isinstance(obj.get("spec"), dict) else {}
    if kind in (("apps", "deployments"), ("apps", "statefulsets"), ("apps", "replicasets"), ("apps", "daemonsets")):
        causes += _validate_workload(rt, spec, old)
    elif kind == ("", "services"):
        stype = spec.get("type", "ClusterIP")
        if stype != "ExternalName" and not spec.get("ports") and spec.get("clusterIP") != "None":
            causes.append(cause_required("spec.ports"))
        if stype not in ("ClusterIP", "NodePort", "LoadBalancer", "ExternalName"):
            causes.append(cause_not_supported("spec.type", stype, ["ClusterIP", "ExternalName", "LoadBalancer",
                                                                   "NodePort"]))
        for i, ing in enumerate(((obj.get("status") or {}).get("loadBalancer") or {}).get("ingress") or []):
            ip = (ing or {}).get("ip")
            if ip is not None and not re.match(r"^\d{1,3}(\.\d{1,3}){3}$", str(ip)):
                causes.append(cause_invalid(f"status.loadBalancer.ingress[{i}].ip", ip,
                                            "must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)"))
    elif kind == ("", "pods"):
        causes += _validate_containers("spec", spec.get("containers"))
    elif kind == ("apiextensions.k8s.io", "customresourcedefinitions"):
        causes += _validate_crd(obj)
    return causes


def _validate_crd(crd: dict) -> list[dict]:
    from .statuses import cause_invalid, cause_required

    causes: list[dict] = []
    spec = crd.get("spec") or {}
    names = spec.get("names") or {}
    name = (crd.get("metadata") or {}).get("name", "")
    want = f"{names.get('plural', '')}.{spec.get('group', '')}"
    if name != want:
        causes.append(cause_invalid("metadata.name", name, 'must be spec.names.plural+"."+spec.group'))
    versions = spec.get("versions") or []
    for i, v in enumerate(versions):
        if not ((v.get("schema") or {}).get("openAPIV3Schema")):
            causes.append(cause_required(f"spec.versions[{i}].schema.openAPIV3Schema"))
    if not versions:
        causes.append(cause_required("spec.versions", "must have exactly one version marked as storage version"))
    elif sum(1 for v in versions if v.get("storage")) != 1:
        causes.append({"reason": "FieldValueInvalid", "field": "spec.versions",
                       "message": "Invalid value: " + json.dumps([{"Name": v.get("name"), "Served": bool(v.get("served")),
                                                                   "Storage": bool(v.get("storage"))}
                                                                  for v in versions], separators=(",", ":"))
                       + ": must have exactly one version marked as storage version"})
    if not names.get("plural") or not names.get("kind"):
        causes.append(cause_required("spec.names.plural" if not names.get("plural") else "spec.names.kind"))
    if spec.get("scope") not in ("Namespaced", "Cluster"):
        causes.append(cause_required("spec.scope"))
    return causes


def _validate_containers(prefix: str, containers: Any) -> list[dict]:
    from .statuses import cause_duplicate, cause_not_supported, cause_required

    causes: list[dict] = []
    if not containers:
        return [cause_required(f"{prefix}.containers")]
    seen: set[str] = set()
    for i, c in enumerate(containers):
        if not isinstance(c, dict):
            continue
        if c.get("imagePullPolicy") not in (None, "Always", "IfNotPresent", "Never"):
            causes.append(cause_not_supported(f"{prefix}.containers[{i}].imagePullPolicy", c["imagePullPolicy"],
                                              ["Always", "IfNotPresent", "Never"]))
        if not c.get("name"):
            causes.append(cause_required(f"{prefix}.containers[{i}].name"))
        elif c["name"] in seen:
            causes.append(cause_duplicate(f"{prefix}.containers[{i}].name", c["name"]))
        else:
            seen.add(c["name"])
        if not c.get("image"):
            causes.append(cause_required(f"{prefix}.containers[{i}].image"))
    return causes


def _validate_workload(rt: ResourceType, spec: dict, old: dict | None) -> list[dict]:
    from .selectors import LabelSelector
    from .statuses import cause_invalid, cause_required

    causes: list[dict] = []
    sel = spec.get("selector")
    tmpl = spec.get("template") or {}
    labels = (tmpl.get("metadata") or {}).get("labels")
    if not sel:
        causes.append(cause_required("spec.selector"))
    ls = LabelSelector.from_label_selector(sel) if sel else None
    if not sel or (ls is not None and (ls.empty or not ls.matches(labels or {}))):
        if sel and ls is not None and ls.empty:
            causes.append(cause_invalid("spec.selector", sel, "empty selector is invalid for deployment"))
        causes.append(cause_invalid("spec.template.metadata.labels", labels,
                                    "`selector` does not match template `labels`"))
    if "replicas" in spec and isinstance(spec["replicas"], int) and spec["replicas"] < 0:
        causes.append(cause_invalid("spec.replicas", spec["replicas"], "must be greater than or equal to 0"))
    pod_spec = tmpl.get("spec") if isinstance(tmpl.get("spec"), dict) else {}
    causes += [dict(c, field=c["field"].replace("spec.", "spec.template.spec.", 1))
               for c in _validate_containers("spec", pod_spec.get("containers"))]
    if old is not None:
        osel = (old.get("spec") or {}).get("selector")
        if osel is not None and sel is not None and osel != sel:
            causes.append(cause_invalid("spec.selector", sel, "field is immutable"))
    return causes


# ------------------------------------------------------------------------------------------------
# workload simulation
# ------------------------------------------------------------------------------------------------

def _hash(s: str) -> str:
    return hashlib.sha256(s.encode()).hexdigest()[:10]


class WorkloadSimulator:
    """Controllers in miniature. Runs synchronously after each write (the store's lock is held).

    - Deployments / StatefulSets / DaemonSets / ReplicaSets / ReplicationControllers report
      replicas, readyReplicas, availableReplicas, updatedReplicas, observedGeneration and the usual
      conditions (0 ready for workloads matched by ``Store.never_ready``).
    - PVCs become Bound to a PV created for them.
    - Services get Endpoints and an EndpointSlice listing one address per ready pod of each
      ready workload whose pod template labels match the Service selector.
    """

    def __init__(self, store: "Store") -> None:
        self.store = store
        self._busy = False

    def resync(self) -> None:
        """Re-evaluate every workload (after ``never_ready`` changed)."""
        for res in ("deployments", "statefulsets", "daemonsets", "replicasets"):
            rt = self.store.catalogue.lookup("apps", "v1", res)
            if rt is None:
                continue
            for o in list(self.store._table(rt).objs.values()):
                self.after_write(rt, o, None, force=True)

    def after_write(self, rt: ResourceType, obj: dict, old: dict | None, force: bool = False) -> None:
        if self._busy:
            return
        self._busy = True
        try:
            kind = (rt.group, rt.resource)
            if kind in (("apps", "deployments"), ("apps", "statefulsets"), ("apps", "replicasets"),
                        ("apps", "daemonsets"), ("", "replicationcontrollers")):
                self._workload(rt, obj, force)
                self._refresh_services(obj["metadata"].get("namespace", ""))
            elif kind == ("", "persistentvolumeclaims"):
                self._bind_pvc(rt, obj)
            elif kind == ("", "services"):
                self._endpoints_for(obj)
        finally:
            self._busy = False

    def _workload(self, rt: ResourceType, obj: dict, force: bool) -> None:
        meta = obj["metadata"]
        if meta.get("deletionTimestamp"):
            return
        spec = obj.get("spec") or {}
        st = obj.get("status") or {}
        gen = meta.get("generation", 1)
        if not force and st.get("observedGeneration") == gen and "readyReplicas" in st or (
                not force and st.get("observedGeneration") == gen and self._ready_count(rt, obj) == 0
                and st.get("replicas") == self._desired(rt, spec)):
            return
        desired = self._desired(rt, spec)
        ready = self._ready_count(rt, obj)
        now = _now()
        new_status: dict[str, Any] = {"observedGeneration": gen, "replicas": desired}
        if rt.resource == "daemonsets":
            new_status = {"currentNumberScheduled": desired, "numberMisscheduled": 0,
                          "desiredNumberScheduled": desired, "numberReady": ready, "observedGeneration": gen,
                          "updatedNumberScheduled": desired, "numberAvailable": ready}
            if desired - ready:
                new_status["numberUnavailable"] = desired - ready
        else:
            new_status["updatedReplicas"] = desired
            if ready:
                new_status["readyReplicas"] = ready
                new_status["availableReplicas"] = ready
            if rt.resource == "statefulsets":
                new_status.update({"currentReplicas": desired, "currentRevision": f"{meta['name']}-{_hash(meta['name'])}",
                                   "updateRevision": f"{meta['name']}-{_hash(meta['name'])}", "collisionCount": 0,
                                   "availableReplicas": ready})
            if rt.resource == "replicasets":
                new_status["fullyLabeledReplicas"] = desired
                new_status.pop("updatedReplicas", None)
            if rt.resource == "deployments":
                if desired - ready:
                    new_status["unavailableReplicas"] = desired - ready
                avail = ready >= desired - _max_unavailable(spec, desired)
                new_status["conditions"] = [
                    {"type": "Available", "status": "True" if avail else "False", "lastUpdateTime": now,
                     "lastTransitionTime": now,
                     "reason": "MinimumReplicasAvailable" if avail else "MinimumReplicasUnavailable",
                     "message": "Deployment has minimum availability." if avail else
                     "Deployment does not have minimum availability."},
                    {"type": "Progressing", "status": "True", "lastUpdateTime": now, "lastTransitionTime": now,
                     "reason": "NewReplicaSetAvailable" if ready >= desired else "ReplicaSetUpdated",
                     "message": f'ReplicaSet "{meta["name"]}-{_hash(json.dumps(spec.get("template"), sort_keys=True))[:9]}" '
                                + ("has successfully progressed." if ready >= desired else "is progressing.")}]
        if st == new_status:
            return
        self._write_status(rt, obj, new_status)

    def _desired(self, rt: ResourceType, spec: dict) -> int:
        if rt.resource == "daemonsets":
            return 1
        r = spec.get("replicas", 1)
        return r if isinstance(r, int) else 1

    def _ready_count(self, rt: ResourceType, obj: dict) -> int:
        meta = obj["metadata"]
        if self.store.is_never_ready(meta.get("namespace", ""), meta["name"]):
            return 0
        return self._desired(rt, obj.get("spec") or {})

    def _write_status(self, rt: ResourceType, obj: dict, new_status: dict) -> None:
        from .metadata import _order_top, now_rfc3339

        new = copy.deepcopy(obj)
        new["status"] = new_status
        now = now_rfc3339()
        mf = [e for e in new["metadata"].get("managedFields") or []
              if not (e.get("manager") == "kube-controller-manager" and e.get("subresource") == "status")]
        from .patching import FieldSet, sort_managed

        fs = FieldSet.of({"status": new_status}, self.store._node(rt), self.store.schema)
        mf.append({"manager": "kube-controller-manager", "operation": "Update", "apiVersion": rt.api_version,
                   "time": now, "fieldsType": "FieldsV1", "fieldsV1": fs.to_fields_v1(), "subresource": "status"})
        new["metadata"]["managedFields"] = sort_managed(mf)
        self.store._commit(rt, _order_top(new), obj, "MODIFIED")

    def _bind_pvc(self, rt: ResourceType, pvc: dict) -> None:
        from .metadata import _order_top, now_rfc3339

        if (pvc.get("status") or {}).get("phase") == "Bound" or pvc["metadata"].get("deletionTimestamp"):
            return
        pv_rt = self.store.catalogue.lookup("", "v1", "persistentvolumes")
        if pv_rt is None:
            return
        meta = pvc["metadata"]
        spec = pvc.get("spec") or {}
        uid = meta.get("uid", "")
        pv_name = spec.get("volumeName") or f"pvc-{uid}"
        size = ((spec.get("resources") or {}).get("requests") or {}).get("storage", "1Gi")
        now = now_rfc3339()
        pv = {"kind": "PersistentVolume", "apiVersion": "v1",
              "metadata": {"name": pv_name, "uid": str(uuid.uuid4()), "creationTimestamp": now,
                           "annotations": {"pv.kubernetes.io/provisioned-by": "sim.distroshift.io/hostpath"},
                           "finalizers": ["kubernetes.io/pv-protection"]},
              "spec": {"capacity": {"storage": size}, "hostPath": {"path": f"/var/sim/{pv_name}", "type": ""},
                       "accessModes": spec.get("accessModes") or ["ReadWriteOnce"],
                       "claimRef": {"kind": "PersistentVolumeClaim", "namespace": meta.get("namespace"),
                                    "name": meta["name"], "uid": uid, "apiVersion": "v1"},
                       "persistentVolumeReclaimPolicy": "Delete",
                       "storageClassName": spec.get("storageClassName") or "standard",
                       "volumeMode": spec.get("volumeMode", "Filesystem")},
              "status": {"phase": "Bound"}}
        t = self.store._table(pv_rt)
        if pv_name not in t.objs:
            self.store._commit(pv_rt, _order_top(pv), None, "ADDED")
        new = copy.deepcopy(pvc)
        new["spec"]["volumeName"] = pv_name
        new["spec"].setdefault("storageClassName", pv["spec"]["storageClassName"])
        ann = new["metadata"].setdefault("annotations", {})
        ann["pv.kubernetes.io/bind-completed"] = "yes"
        ann["pv.kubernetes.io/bound-by-controller"] = "yes"
        new["status"] = {"phase": "Bound", "accessModes": pv["spec"]["accessModes"], "capacity": {"storage": size}}
        self.store._commit(rt, _order_top(new), pvc, "MODIFIED")

    def _refresh_services(self, ns: str) -> None:
        svc_rt = self.store.catalogue.lookup("", "v1", "services")
        if svc_rt is None:
            return
        t = self.store._table(svc_rt)
        for name in list(t.by_ns.get(ns, [])):
            o = t.objs.get(f"{ns}/{name}")
            if o is not None:
                self._endpoints_for(o)

    def _ready_pod_ips(self, ns: str, selector: dict) -> list[tuple[str, str]]:
        out = []
        for res in ("deployments", "statefulsets", "daemonsets"):
            rt = self.store.catalogue.lookup("apps", "v1", res)
            if rt is None:
                continue
            t = self.store._table(rt)
            for name in t.by_ns.get(ns, []):
                o = t.objs[f"{ns}/{name}"]
                labels = (((o.get("spec") or {}).get("template") or {}).get("metadata") or {}).get("labels") or {}
                if all(labels.get(k) == v for k, v in selector.items()):
                    n = self._ready_count(rt, o)
                    for i in range(n):
                        h = int(_hash(f"{ns}/{name}/{i}"), 16)
                        out.append((f"10.244.{h % 250}.{(h >> 8) % 250 + 2}", f"{name}-{_hash(name)[:5]}-{i}"))
        return sorted(out)

    def _endpoints_for(self, svc: dict) -> None:
        from .metadata import _order_top, now_rfc3339

        spec = svc.get("spec") or {}
        selector = spec.get("selector")
        if not selector or svc["metadata"].get("deletionTimestamp"):
            return
        ns, name = svc["metadata"].get("namespace", ""), svc["metadata"]["name"]
        ips = self._ready_pod_ips(ns, selector)
        ports = [{k: p[k] for k in ("name", "protocol") if k in p} | {
            "port": p["targetPort"] if isinstance(p.get("targetPort"), int) else p.get("port")}
            for p in spec.get("ports") or []]
        now = now_rfc3339()
        ep_rt = self.store.catalogue.lookup("", "v1", "endpoints")
        if ep_rt is not None:
            subsets = [{"addresses": [{"ip": ip, "targetRef": {"kind": "Pod", "namespace": ns, "name": pod}}
                                      for ip, pod in ips], "ports": ports}] if ips else None
            ep = {"kind": "Endpoints", "apiVersion": "v1",
                  "metadata": {"name": name, "namespace": ns, "labels": dict(svc["metadata"].get("labels") or {}),
                               "annotations": {"endpoints.kubernetes.io/last-change-trigger-time": now}}}
            if subsets:
                ep["subsets"] = subsets
            self._upsert(ep_rt, ep)
        es_rt = self.store.catalogue.lookup("discovery.k8s.io", "v1", "endpointslices")
        if es_rt is not None:
            labels = dict(svc["metadata"].get("labels") or {})
            labels.update({"endpointslice.kubernetes.io/managed-by": "endpointslice-controller.k8s.io",
                           "kubernetes.io/service-name": name})
            es = {"kind": "EndpointSlice", "apiVersion": "discovery.k8s.io/v1",
                  "metadata": {"name": f"{name}-{_hash(name)[:5]}", "namespace": ns, "labels": labels,
                               "ownerReferences": [{"apiVersion": "v1", "kind": "Service", "name": name,
                                                    "uid": svc["metadata"].get("uid"), "controller": True,
                                                    "blockOwnerDeletion": True}]},
                  "addressType": "IPv4",
                  "endpoints": [{"addresses": [ip], "conditions": {"ready": True, "serving": True, "terminating": False},
                                 "targetRef": {"kind": "Pod", "namespace": ns, "name": pod}} for ip, pod in ips] or None,
                  "ports": ports}
            if es["endpoints"] is None:
                es.pop("endpoints")
            self._upsert(es_rt, es)

    def _upsert(self, rt: ResourceType, obj: dict) -> None:
        from .metadata import _order_top, now_rfc3339

        t = self.store._table(rt)
        meta = obj["metadata"]
        key = t.key(meta.get("namespace", ""), meta["name"], rt.namespaced)
        cur = t.objs.get(key)
        if cur is not None:
            a = {k: v for k, v in obj.items() if k != "metadata"}
            b = {k: v for k, v in cur.items() if k != "metadata"}
            if json.dumps(a, sort_keys=True) == json.dumps(b, sort_keys=True):
                return
            meta["uid"] = cur["metadata"]["uid"]
            meta["creationTimestamp"] = cur["metadata"]["creationTimestamp"]
        else:
            meta["uid"] = str(uuid.uuid4())
            meta["creationTimestamp"] = now_rfc3339()
        self.store._commit(rt, _order_top(obj), cur, "MODIFIED" if cur else "ADDED")


def _max_unavailable(spec: dict, desired: int) -> int:
    mu = ((spec.get("strategy") or {}).get("rollingUpdate") or {}).get("maxUnavailable", "25%")
    if isinstance(mu, str) and mu.endswith("%"):
        return int(desired * int(mu[:-1]) / 100)
    return int(mu) if isinstance(mu, int) else 0


def _now() -> str:
    from .metadata import now_rfc3339

    return now_rfc3339()
