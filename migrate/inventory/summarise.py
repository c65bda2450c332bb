"""Object -> summaries. One `Summaries` accumulator per listed unit (a type, or a type in one namespace),
merged when the unit completes, so a list restarted after 410 Expired is simply thrown away.

Everything here reads objects defensively (`.get`): a malformed object in a dump must not crash a run.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import Any, Callable

from migrate.inventory import helm as helm_mod
from migrate.inventory.sanitize import LAST_APPLIED, is_secret, secret_keys_and_size
from migrate.models.common import Finding, ObjectRef, Severity, group_of
from migrate.models.inventory import (
    ApiUsage,
    ContainerInfo,
    CRDInfo,
    HelmReleaseInfo,
    IngressInfo,
    NetworkPolicyInfo,
    NodeInfo,
    PackageObject,
    PersistentVolumeInfo,
    PVCInfo,
    SecretInfo,
    ServiceInfo,
    StorageClassInfo,
    WorkloadInfo,
)

__all__ = ["Summaries", "image_registry", "WORKLOAD_KINDS"]

WORKLOAD_KINDS = {"Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job", "CronJob", "Pod", "ReplicationController"}
WORKLOAD_GROUPS = {"", "apps", "batch", "extensions"}
_CONTROLLER_KINDS = {"ReplicaSet", "Job", "DaemonSet", "StatefulSet", "ReplicationController", "Deployment", "CronJob"}
_API_VERSION = re.compile(r'"apiVersion"\s*:\s*"([^"]+)"')


def image_registry(image: str) -> str:
    first, sep, _ = image.partition("/")
    if sep and ("." in first or ":" in first or first == "localhost"):
        return first
    return "docker.io"


def _ref(obj: dict[str, Any]) -> ObjectRef:
    return ObjectRef.of(obj)


def _owner(md: dict[str, Any]) -> str | None:
    labels = md.get("labels") or {}
    ann = md.get("annotations") or {}
    if labels.get("helm.toolkit.fluxcd.io/name"):
        return f"flux:{labels.get('helm.toolkit.fluxcd.io/namespace', '')}/{labels['helm.toolkit.fluxcd.io/name']}"
    if labels.get("kustomize.toolkit.fluxcd.io/name"):
        return f"flux:{labels.get('kustomize.toolkit.fluxcd.io/namespace', '')}/{labels['kustomize.toolkit.fluxcd.io/name']}"
    if ann.get("meta.helm.sh/release-name"):
        return f"helm:{ann.get('meta.helm.sh/release-namespace', md.get('namespace', ''))}/{ann['meta.helm.sh/release-name']}"
    if labels.get("kapp.k14s.io/app"):
        return f"kapp:{md.get('namespace', '')}/{labels['kapp.k14s.io/app']}"
    if labels.get("olm.owner") and labels.get("olm.owner.kind") == "ClusterServiceVersion":
        return f"olm:{labels['olm.owner']}"
    return None


def _pod_spec(kind: str, obj: dict[str, Any]) -> dict[str, Any]:
    spec = obj.get("spec") or {}
    if kind == "Pod":
        return spec
    if kind == "CronJob":
        spec = ((spec.get("jobTemplate") or {}).get("spec")) or {}
    return ((spec.get("template") or {}).get("spec")) or {}


def _containers(ps: dict[str, Any]) -> list[ContainerInfo]:
    out = []
    for init, key in ((True, "initContainers"), (False, "containers")):
        for c in ps.get(key) or []:
            if not isinstance(c, dict):
                continue
            image = str(c.get("image", ""))
            out.append(
                ContainerInfo(
                    name=str(c.get("name", "")),
                    image=image,
                    registry=image_registry(image),
                    init=init,
                    resources=c.get("resources") or {},
                    probes=[p for p in ("liveness", "readiness", "startup") if c.get(f"{p}Probe") is not None],
                    security_context=c.get("securityContext") or {},
                    ports=sorted({int(p["containerPort"]) for p in c.get("ports") or [] if isinstance(p, dict) and isinstance(p.get("containerPort"), int)}),
                )
            )
    return out


def _volumes(ps: dict[str, Any]) -> tuple[list[dict[str, Any]], list[str]]:
    vols, host = [], []
    for v in ps.get("volumes") or []:
        if not isinstance(v, dict):
            continue
        src = next((k for k in v if k != "name"), "unknown")
        d: dict[str, Any] = {"name": v.get("name", ""), "type": src}
        body = v.get(src) if isinstance(v.get(src), dict) else {}
        if src == "persistentVolumeClaim":
            d["claim"] = body.get("claimName")
        elif src == "configMap":
            d["configMap"] = body.get("name")
        elif src == "secret":
            d["secret"] = body.get("secretName")
        elif src == "hostPath":
            host.append(str(body.get("path", "")))
        vols.append(d)
    return vols, host


def _is_top_level(kind: str, md: dict[str, Any]) -> bool:
    """Pods of a ReplicaSet, ReplicaSets of a Deployment, Jobs of a CronJob are summarised through their owner."""
    for o in md.get("ownerReferences") or []:
        if isinstance(o, dict) and o.get("controller") and o.get("kind") in _CONTROLLER_KINDS:
            return False
    return True


class Summaries:
    """Summaries of the objects seen by one lister unit; `merge` folds units together."""

    def __init__(self) -> None:
        self.counts: Counter[str] = Counter()  # "group/Kind"
        self.ns_counts: Counter[str] = Counter()
        self.nodes: list[NodeInfo] = []
        self.namespaces: list[dict[str, Any]] = []  # raw metadata, classified at build time
        self.workloads: list[WorkloadInfo] = []
        self.services: list[ServiceInfo] = []
        self.ingresses: list[IngressInfo] = []
        self.network_policies: list[NetworkPolicyInfo] = []
        self.storage_classes: list[StorageClassInfo] = []
        self.persistent_volumes: list[PersistentVolumeInfo] = []
        self.pvcs: list[PVCInfo] = []
        self.crds: list[CRDInfo] = []
        self.rbac: Counter[str] = Counter()
        self.cluster_admin_subjects: set[str] = set()
        self.secrets: list[SecretInfo] = []
        self.helm_releases: list[tuple[HelmReleaseInfo, list[tuple[str, str, str, str | None]]]] = []
        self.packages: list[PackageObject] = []
        self.api_usage: list[ApiUsage] = []
        self.notable: list[dict[str, Any]] = []  # objects detection rules asked for (sanitised copies)
        self.sts_claim_templates: list[tuple[str, str, list[str]]] = []  # (ns, sts, template names)
        self.warnings: list[Finding] = []

    def merge(self, other: "Summaries") -> None:
        self.counts.update(other.counts)
        self.ns_counts.update(other.ns_counts)
        self.rbac.update(other.rbac)
        self.cluster_admin_subjects |= other.cluster_admin_subjects
        for name in (
            "nodes namespaces workloads services ingresses network_policies storage_classes persistent_volumes "
            "pvcs crds secrets helm_releases packages api_usage notable sts_claim_templates warnings"
        ).split():
            getattr(self, name).extend(getattr(other, name))

    # ---- per object --------------------------------------------------------------------------
    def add(self, obj: dict[str, Any], *, notable: Callable[[str, str], bool] | None = None) -> None:
        """Summarise one object (before sanitising: Secrets still carry data here, nothing of it is kept)."""
        kind = obj.get("kind", "")
        api_version = obj.get("apiVersion", "")
        group = group_of(api_version)
        md = obj.get("metadata") or {}
        ns = md.get("namespace")
        self.counts[f"{group}/{kind}"] += 1
        if ns:
            self.ns_counts[ns] += 1
        self._api_usage(obj, md, api_version, kind)
        if notable is not None and notable(group, kind) and not is_secret(obj):
            self.notable.append(obj)
        fn = _HANDLERS.get((group, kind))
        if fn is None and kind in WORKLOAD_KINDS and group in WORKLOAD_GROUPS:
            fn = Summaries._workload
        if fn is not None:
            fn(self, obj, md)

    def _api_usage(self, obj: dict[str, Any], md: dict[str, Any], api_version: str, kind: str) -> None:
        ann = md.get("annotations") or {}
        la = ann.get(LAST_APPLIED)
        if isinstance(la, str):
            m = _API_VERSION.search(la)
            if m and m.group(1) != api_version:
                self.api_usage.append(ApiUsage(ref=_ref(obj), api_version=m.group(1), kind=kind, source="last-applied"))
        seen = set()
        for mf in md.get("managedFields") or []:
            v = mf.get("apiVersion") if isinstance(mf, dict) else None
            if v and v != api_version and v not in seen:
                seen.add(v)
                self.api_usage.append(ApiUsage(ref=_ref(obj), api_version=v, kind=kind, source="managed-fields"))

    def _node(self, obj: dict[str, Any], md: dict[str, Any]) -> None:
        labels = md.get("labels") or {}
        spec = obj.get("spec") or {}
        status = obj.get("status") or {}
        info = status.get("nodeInfo") or {}
        roles = sorted(
            {k.split("/", 1)[1] for k in labels if k.startswith("node-role.kubernetes.io/") and "/" in k}
            | ({labels["kubernetes.io/role"]} if labels.get("kubernetes.io/role") else set())
        )
        ready = any(c.get("type") == "Ready" and c.get("status") == "True" for c in status.get("conditions") or [] if isinstance(c, dict))
        self.nodes.append(
            NodeInfo(
                name=md.get("name", ""),
                roles=roles,
                labels=labels,
                annotations={k: v for k, v in (md.get("annotations") or {}).items() if k != LAST_APPLIED},
                provider_id=spec.get("providerID"),
                kubelet_version=info.get("kubeletVersion", ""),
                os_image=info.get("osImage", ""),
                kernel_version=info.get("kernelVersion", ""),
                container_runtime=info.get("containerRuntimeVersion", ""),
                architecture=info.get("architecture", ""),
                instance_type=labels.get("node.kubernetes.io/instance-type") or labels.get("beta.kubernetes.io/instance-type"),
                zone=labels.get("topology.kubernetes.io/zone") or labels.get("failure-domain.beta.kubernetes.io/zone"),
                region=labels.get("topology.kubernetes.io/region") or labels.get("failure-domain.beta.kubernetes.io/region"),
                capacity={k: str(v) for k, v in (status.get("capacity") or {}).items()},
                allocatable={k: str(v) for k, v in (status.get("allocatable") or {}).items()},
                taints=spec.get("taints") or [],
                ready=ready,
            )
        )

    def _namespace(self, obj: dict[str, Any], md: dict[str, Any]) -> None:
        self.namespaces.append({"name": md.get("name", ""), "labels": md.get("labels") or {}, "annotations": {k: v for k, v in (md.get("annotations") or {}).items() if k != LAST_APPLIED}})

    def _workload(self, obj: dict[str, Any], md: dict[str, Any]) -> None:
        kind = obj.get("kind", "")
        if not _is_top_level(kind, md):
            return
        spec = obj.get("spec") or {}
        status = obj.get("status") or {}
        ps = _pod_spec(kind, obj)
        containers = _containers(ps)
        vols, host = _volumes(ps)
        replicas = spec.get("replicas") if kind in ("Deployment", "StatefulSet", "ReplicaSet", "ReplicationController") else None
        ready = status.get("readyReplicas", 0 if replicas is not None else None) if kind != "DaemonSet" else status.get("numberReady")
        if kind == "DaemonSet":
            replicas = status.get("desiredNumberScheduled")
        self.workloads.append(
            WorkloadInfo(
                ref=_ref(obj),
                replicas=replicas,
                ready_replicas=ready,
                containers=containers,
                service_account=ps.get("serviceAccountName") or ps.get("serviceAccount"),
                host_network=bool(ps.get("hostNetwork")),
                host_pid=bool(ps.get("hostPID")),
                host_ipc=bool(ps.get("hostIPC")),
                privileged=any(bool((c.security_context or {}).get("privileged")) for c in containers),
                host_path_volumes=host,
                volumes=vols,
                pod_security_context=ps.get("securityContext") or {},
                node_selector=ps.get("nodeSelector") or {},
                affinity=ps.get("affinity") or None,
                tolerations=ps.get("tolerations") or [],
                schedule=spec.get("schedule") if kind == "CronJob" else None,
                suspended=bool(spec.get("suspend")) if kind == "CronJob" else None,
                owner=_owner(md),
            )
        )
        if kind == "StatefulSet":
            names = [(t.get("metadata") or {}).get("name", "") for t in spec.get("volumeClaimTemplates") or [] if isinstance(t, dict)]
            if names:
                self.sts_claim_templates.append((md.get("namespace", ""), md.get("name", ""), names))

    def _service(self, obj: dict[str, Any], md: dict[str, Any]) -> None:
        spec = obj.get("spec") or {}
        ann = md.get("annotations") or {}
        lb_prefixes = ("service.beta.kubernetes.io/", "service.kubernetes.io/", "cloud.google.com/", "metallb.universe.tf/", "metallb.io/", "kube-vip.io/", "load-balancer.hetzner.cloud/")
        self.services.append(
            ServiceInfo(
                ref=_ref(obj),
                type=spec.get("type", "ClusterIP"),
                ports=[{k: p[k] for k in ("name", "port", "targetPort", "protocol", "nodePort") if k in p} for p in spec.get("ports") or [] if isinstance(p, dict)],
                selector=spec.get("selector") or {},
                load_balancer_annotations={k: v for k, v in ann.items() if k.startswith(lb_prefixes) or "load-balancer" in k},
                external_name=spec.get("externalName"),
            )
        )

    def _ingress(self, obj: dict[str, Any], md: dict[str, Any]) -> None:
        spec = obj.get("spec") or {}
        ann = {k: v for k, v in (md.get("annotations") or {}).items() if k != LAST_APPLIED}
        hosts, backends = [], set()

        def backend(b: dict[str, Any]) -> None:
            if not isinstance(b, dict):
                return
            svc = b.get("service")
            if isinstance(svc, dict):
                port = svc.get("port") or {}
                backends.add(f"{svc.get('name', '')}:{port.get('number') or port.get('name') or ''}")
            elif b.get("serviceName"):
                backends.add(f"{b['serviceName']}:{b.get('servicePort', '')}")

        backend(spec.get("defaultBackend") or spec.get("backend") or {})
        for r in spec.get("rules") or []:
            if not isinstance(r, dict):
                continue
            if r.get("host"):
                hosts.append(r["host"])
            for p in ((r.get("http") or {}).get("paths")) or []:
                if isinstance(p, dict):
                    backend(p.get("backend") or {})
        self.ingresses.append(
            IngressInfo(
                ref=_ref(obj),
                ingress_class=spec.get("ingressClassName") or ann.get("kubernetes.io/ingress.class"),
                annotations=ann,
                hosts=sorted(set(hosts)),
                tls=bool(spec.get("tls")),
                backends=sorted(backends),
            )
        )

    def _netpol(self, obj: dict[str, Any], md: dict[str, Any]) -> None:
        spec = obj.get("spec") or {}
        sels = []
        for direction, peer_key in (("ingress", "from"), ("egress", "to")):
            for rule in spec.get(direction) or []:
                for peer in (rule or {}).get(peer_key) or []:
                    if isinstance(peer, dict) and "namespaceSelector" in peer:
                        sels.append(peer["namespaceSelector"] or {})
        self.network_policies.append(
            NetworkPolicyInfo(ref=_ref(obj), policy_types=spec.get("policyTypes") or [], pod_selector=spec.get("podSelector") or {}, namespace_selectors=sels)
        )

    def _storage_class(self, obj: dict[str, Any], md: dict[str, Any]) -> None:
        ann = md.get("annotations") or {}
        default = "true" in (ann.get("storageclass.kubernetes.io/is-default-class"), ann.get("storageclass.beta.kubernetes.io/is-default-class"))
        self.storage_classes.append(
            StorageClassInfo(
                name=md.get("name", ""),
                provisioner=obj.get("provisioner", ""),
                parameters={k: str(v) for k, v in (obj.get("parameters") or {}).items()},
                reclaim_policy=obj.get("reclaimPolicy"),
                volume_binding_mode=obj.get("volumeBindingMode"),
                allow_volume_expansion=bool(obj.get("allowVolumeExpansion")),
                is_default=default,
            )
        )

    def _pv(self, obj: dict[str, Any], md: dict[str, Any]) -> None:
        spec = obj.get("spec") or {}
        claim = spec.get("claimRef") or {}
        self.persistent_volumes.append(
            PersistentVolumeInfo(
                name=md.get("name", ""),
                capacity=(spec.get("capacity") or {}).get("storage"),
                access_modes=spec.get("accessModes") or [],
                storage_class=spec.get("storageClassName"),
                claim=f"{claim.get('namespace', '')}/{claim.get('name', '')}" if claim.get("name") else None,
                csi_driver=(spec.get("csi") or {}).get("driver"),
                reclaim_policy=spec.get("persistentVolumeReclaimPolicy"),
                phase=(obj.get("status") or {}).get("phase"),
            )
        )

    def _pvc(self, obj: dict[str, Any], md: dict[str, Any]) -> None:
        spec = obj.get("spec") or {}
        self.pvcs.append(
            PVCInfo(
                ref=_ref(obj),
                storage_class=spec.get("storageClassName"),
                size=((spec.get("resources") or {}).get("requests") or {}).get("storage"),
                access_modes=spec.get("accessModes") or [],
                volume_name=spec.get("volumeName"),
                phase=(obj.get("status") or {}).get("phase"),
            )
        )

    def _crd(self, obj: dict[str, Any], md: dict[str, Any]) -> None:
        spec = obj.get("spec") or {}
        names = spec.get("names") or {}
        versions = [v for v in spec.get("versions") or [] if isinstance(v, dict)]
        served = [v.get("name", "") for v in versions if v.get("served", True)]
        if not versions and spec.get("version"):  # apiextensions v1beta1
            served = [spec["version"]]
        storage = next((v.get("name") for v in versions if v.get("storage")), spec.get("version"))
        self.crds.append(
            CRDInfo(
                name=md.get("name", ""),
                group=spec.get("group", ""),
                kind=names.get("kind", ""),
                plural=names.get("plural", ""),
                scope=spec.get("scope", "Namespaced"),
                served_versions=served,
                storage_version=storage,
            )
        )

    def _rbac(self, obj: dict[str, Any], md: dict[str, Any]) -> None:
        kind = obj.get("kind", "")
        self.rbac[kind] += 1
        if kind == "ClusterRoleBinding" and (obj.get("roleRef") or {}).get("name") == "cluster-admin":
            for s in obj.get("subjects") or []:
                if isinstance(s, dict):
                    ns = f"{s['namespace']}/" if s.get("namespace") else ""
                    self.cluster_admin_subjects.add(f"{s.get('kind', '')}:{ns}{s.get('name', '')}")

    def _service_account(self, obj: dict[str, Any], md: dict[str, Any]) -> None:
        self.rbac["ServiceAccount"] += 1

    def _secret(self, obj: dict[str, Any], md: dict[str, Any]) -> None:
        keys, size = secret_keys_and_size(obj)
        self.secrets.append(SecretInfo(ref=_ref(obj), type=obj.get("type") or "Opaque", keys=keys, size=size))
        if obj.get("type") == helm_mod.HELM_SECRET_TYPE:
            try:
                got = helm_mod.release_info(obj)
            except helm_mod.HelmDecodeError as e:
                self.warnings.append(Finding(code="HELM_RELEASE_UNREADABLE", severity=Severity.Warning, message=f"helm release Secret could not be decoded: {e}", ref=_ref(obj)))
                return
            if got is None:
                return
            # kept with its manifest objects; only the latest revision of each release is used at build time
            self.helm_releases.append(got)

    # ---- package managers ----------------------------------------------------------------
    def _pkg(self, obj: dict[str, Any], md: dict[str, Any], **kw: Any) -> None:
        self.packages.append(PackageObject(ref=_ref(obj), **kw))

    def _flux_helmrelease(self, obj: dict[str, Any], md: dict[str, Any]) -> None:
        spec = obj.get("spec") or {}
        chart = ((spec.get("chart") or {}).get("spec")) or {}
        src = chart.get("sourceRef") or spec.get("chartRef") or {}
        vf = [f"{v.get('kind', '')}/{md.get('namespace', '')}/{v.get('name', '')}" for v in spec.get("valuesFrom") or [] if isinstance(v, dict)]
        self._pkg(
            obj, md, type="flux-helmrelease",
            name=str(chart.get("chart") or (spec.get("chartRef") or {}).get("name") or md.get("name", "")),
            version=str(chart["version"]) if chart.get("version") else None,
            source=f"{src.get('kind', '')}/{src.get('namespace', md.get('namespace', ''))}/{src.get('name', '')}" if src else None,
            target_namespace=spec.get("targetNamespace") or md.get("namespace"),
            values=spec.get("values") or {}, values_from=vf, suspended=bool(spec.get("suspend")),
        )

    def _flux_kustomization(self, obj: dict[str, Any], md: dict[str, Any]) -> None:
        spec = obj.get("spec") or {}
        src = spec.get("sourceRef") or {}
        self._pkg(
            obj, md, type="flux-kustomization", name=md.get("name", ""), version=None,
            source=f"{src.get('kind', '')}/{src.get('namespace', md.get('namespace', ''))}/{src.get('name', '')}" if src else None,
            target_namespace=spec.get("targetNamespace"), suspended=bool(spec.get("suspend")),
        )

    def _kapp_pkgi(self, obj: dict[str, Any], md: dict[str, Any]) -> None:
        spec = obj.get("spec") or {}
        status = obj.get("status") or {}
        pref = spec.get("packageRef") or {}
        vf = [f"Secret/{md.get('namespace', '')}/{(v.get('secretRef') or {}).get('name', '')}" for v in spec.get("values") or [] if isinstance(v, dict) and v.get("secretRef")]
        version = status.get("version") or ((pref.get("versionSelection") or {}).get("constraints"))
        self._pkg(obj, md, type="kapp-packageinstall", name=str(pref.get("refName", "")), version=str(version) if version else None,
                  target_namespace=md.get("namespace"), values_from=vf, suspended=bool(spec.get("paused")))

    def _argo_app(self, obj: dict[str, Any], md: dict[str, Any]) -> None:
        spec = obj.get("spec") or {}
        src = spec.get("source") or (spec.get("sources") or [{}])[0] or {}
        self._pkg(obj, md, type="argocd-application", name=str(src.get("chart") or src.get("path") or md.get("name", "")),
                  version=src.get("targetRevision"), source=src.get("repoURL"), target_namespace=(spec.get("destination") or {}).get("namespace"))

    def _olm_sub(self, obj: dict[str, Any], md: dict[str, Any]) -> None:
        spec = obj.get("spec") or {}
        status = obj.get("status") or {}
        csv = status.get("installedCSV") or spec.get("startingCSV")
        version = csv.split(".v", 1)[1] if isinstance(csv, str) and ".v" in csv else csv
        self._pkg(obj, md, type="olm-subscription", name=str(spec.get("name", "")), version=version,
                  source=spec.get("source"), target_namespace=md.get("namespace"))

    def _helmchart(self, obj: dict[str, Any], md: dict[str, Any]) -> None:
        spec = obj.get("spec") or {}
        self._pkg(obj, md, type="helmchart", name=str(spec.get("chart") or md.get("name", "")), version=spec.get("version"),
                  source=spec.get("repo"), target_namespace=spec.get("targetNamespace") or md.get("namespace"))


_HANDLERS: dict[tuple[str, str], Callable[[Summaries, dict[str, Any], dict[str, Any]], None]] = {
    ("", "Node"): Summaries._node,
    ("", "Namespace"): Summaries._namespace,
    ("", "Service"): Summaries._service,
    ("", "PersistentVolume"): Summaries._pv,
    ("", "PersistentVolumeClaim"): Summaries._pvc,
    ("", "Secret"): Summaries._secret,
    ("", "ServiceAccount"): Summaries._service_account,
    ("networking.k8s.io", "Ingress"): Summaries._ingress,
    ("extensions", "Ingress"): Summaries._ingress,
    ("networking.k8s.io", "NetworkPolicy"): Summaries._netpol,
    ("storage.k8s.io", "StorageClass"): Summaries._storage_class,
    ("apiextensions.k8s.io", "CustomResourceDefinition"): Summaries._crd,
    ("rbac.authorization.k8s.io", "Role"): Summaries._rbac,
    ("rbac.authorization.k8s.io", "RoleBinding"): Summaries._rbac,
    ("rbac.authorization.k8s.io", "ClusterRole"): Summaries._rbac,
    ("rbac.authorization.k8s.io", "ClusterRoleBinding"): Summaries._rbac,
    ("helm.toolkit.fluxcd.io", "HelmRelease"): Summaries._flux_helmrelease,
    ("kustomize.toolkit.fluxcd.io", "Kustomization"): Summaries._flux_kustomization,
    ("packaging.carvel.dev", "PackageInstall"): Summaries._kapp_pkgi,
    ("argoproj.io", "Application"): Summaries._argo_app,
    ("operators.coreos.com", "Subscription"): Summaries._olm_sub,
    ("helm.cattle.io", "HelmChart"): Summaries._helmchart,
}
