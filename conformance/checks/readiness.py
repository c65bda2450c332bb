"""Readiness of a target before cutover: can it receive this plan? Runs in seconds, no sonobuoy.

Each check has a stable id (distroshift.io/readiness/<name>), a severity, a result and evidence.
"""

from __future__ import annotations

import re
from typing import Any

from conformance.checks._support import list_objects, ref_str, result
from conformance.models import CheckResult
from migrate.errors import ApiError
from migrate.models.plan import Plan

__all__ = ["check_readiness", "GROUPS"]

CAT = "readiness"
BUILTIN_GROUPS = {
    "", "apps", "batch", "autoscaling", "policy", "networking.k8s.io", "rbac.authorization.k8s.io",
    "storage.k8s.io", "apiextensions.k8s.io", "scheduling.k8s.io", "coordination.k8s.io", "discovery.k8s.io",
    "admissionregistration.k8s.io", "certificates.k8s.io", "node.k8s.io", "events.k8s.io",
    "flowcontrol.apiserver.k8s.io", "resource.k8s.io", "apiregistration.k8s.io",
}
DNS_NAMES = ("coredns", "kube-dns", "rke2-coredns-rke2-coredns")


def _rid(name: str) -> str:
    return f"distroshift.io/{CAT}/{name}"


def _minor(git_version: str) -> int | None:
    m = re.match(r"v?(\d+)\.(\d+)", git_version or "")
    return int(m.group(2)) if m else None


# The groups of checks, by name; `check_readiness(..., only=..., skip=...)` picks among them so a
# playbook can check general readiness first and the add-on CRDs after installing add-ons.
GROUPS = ("api-version", "nodes", "storage", "crds", "ingress-classes", "pod-security", "dns", "webhooks")


def check_readiness(client: Any, plan: Plan | None, manifests: list[tuple[str, dict]], *,
                    only: tuple[str, ...] | None = None, skip: tuple[str, ...] = ()) -> list[CheckResult]:
    """Run the chosen GROUPS; `plan` may be None when only plan-free groups run (e.g. only=("crds",))."""
    wanted = [g for g in (only or GROUPS) if g not in skip]
    unknown = set(wanted) - set(GROUPS)
    if unknown:
        raise ValueError(f"unknown readiness check group(s): {sorted(unknown)}")
    run = {
        "api-version": lambda: [_api_version(client, plan)],
        "nodes": lambda: [_nodes(client)],
        "storage": lambda: _storage(client, plan, manifests),
        "crds": lambda: _crds(client, manifests),
        "ingress-classes": lambda: _ingress_classes(client, plan, manifests),
        "pod-security": lambda: _pod_security(client, plan),
        "dns": lambda: [_dns(client)],
        "webhooks": lambda: _webhooks(client),
    }
    out: list[CheckResult] = []
    for g in wanted:
        out += run[g]()
    return out


def _api_version(client: Any, plan: Plan) -> CheckResult:
    try:
        v = client.version()
    except ApiError as e:
        return result(_rid("api-reachable"), "API server reachable", False, str(e), category=CAT, severity="Blocker")
    served = _minor(v.get("gitVersion", ""))
    planned = _minor("v" + plan.target.kubernetes_version if not plan.target.kubernetes_version.startswith("v") else plan.target.kubernetes_version)
    ok = served is not None and planned is not None and served == planned
    msg = (f"cluster serves {v.get('gitVersion')}, the plan targets {plan.target.kubernetes_version}"
           + ("" if ok else ": re-plan with --target-version matching the cluster"))
    return result(_rid("api-version"), "API reachable and version as planned", ok, msg, category=CAT,
                  evidence=[f"/version gitVersion={v.get('gitVersion')}"])


def _nodes(client: Any) -> CheckResult:
    nodes = list_objects(client, "v1", "Node") or {}
    not_ready = []
    for (_, name), n in sorted(nodes.items()):
        conds = {c.get("type"): c.get("status") for c in (n.get("status") or {}).get("conditions", [])}
        if conds.get("Ready") != "True":
            not_ready.append(name)
    ok = bool(nodes) and not not_ready
    msg = f"{len(nodes)} node(s), {len(not_ready)} not Ready" if nodes else "no nodes registered"
    return result(_rid("nodes-ready"), "Nodes Ready", ok, msg, category=CAT, evidence=[f"NotReady: {n}" for n in not_ready])


def _storage(client: Any, plan: Plan, manifests: list[tuple[str, dict]]) -> list[CheckResult]:
    classes = list_objects(client, "storage.k8s.io/v1", "StorageClass") or {}
    names = {name for (_, name) in classes}
    defaults = sorted(
        name for (_, name), sc in classes.items()
        if ((sc.get("metadata") or {}).get("annotations") or {}).get("storageclass.kubernetes.io/is-default-class") == "true"
    )
    out = [result(_rid("default-storageclass"), "A default StorageClass exists", bool(defaults),
                  f"default: {', '.join(defaults)}" if defaults else "no StorageClass is annotated as default",
                  category=CAT, severity="Warning", evidence=[f"StorageClass/{n}" for n in sorted(names)])]
    wanted: dict[str, list[str]] = {}
    for m in plan.storage:
        if m.target_class:
            wanted.setdefault(m.target_class, []).append(f"mapped from {m.source_class}")
    for rel, obj in manifests:
        for cls in _claimed_classes(obj):
            wanted.setdefault(cls, []).append(f"{ref_str(obj)} ({rel})")
    for cls, why in sorted(wanted.items()):
        out.append(result(_rid(f"storageclass/{cls}"), f"StorageClass {cls} exists", cls in names,
                          "" if cls in names else f"the plan uses StorageClass {cls!r}, which the target does not have",
                          category=CAT, evidence=why[:10]))
    return out


def _claimed_classes(obj: dict) -> list[str]:
    kind = obj.get("kind")
    spec = obj.get("spec") or {}
    if kind == "PersistentVolumeClaim":
        return [spec["storageClassName"]] if spec.get("storageClassName") else []
    if kind == "StatefulSet":
        return [t["spec"]["storageClassName"] for t in spec.get("volumeClaimTemplates", []) or []
                if (t.get("spec") or {}).get("storageClassName")]
    return []


def _crds(client: Any, manifests: list[tuple[str, dict]]) -> list[CheckResult]:
    shipped = {(o.get("spec") or {}).get("group") for _, o in manifests if o.get("kind") == "CustomResourceDefinition"}
    needed: dict[tuple[str, str], str] = {}
    for _, o in manifests:
        api = o.get("apiVersion", "")
        group = api.rpartition("/")[0]
        if group in BUILTIN_GROUPS or group in shipped:
            continue
        needed.setdefault((api, o.get("kind", "")), ref_str(o))
    if not needed:
        return []
    crds = list_objects(client, "apiextensions.k8s.io/v1", "CustomResourceDefinition") or {}
    by_gk = {}
    for (_, name), crd in crds.items():
        sp = crd.get("spec") or {}
        by_gk[(sp.get("group"), (sp.get("names") or {}).get("kind"))] = crd
    out = []
    for (api, kind), example in sorted(needed.items()):
        crd = by_gk.get((api.rpartition("/")[0], kind))
        established = bool(crd) and any(
            c.get("type") == "Established" and c.get("status") == "True" for c in (crd.get("status") or {}).get("conditions", [])
        )
        served = bool(crd) and any(v.get("name") == api.rpartition("/")[2] and v.get("served") for v in (crd.get("spec") or {}).get("versions", []))
        ok = established and served
        msg = ("" if ok else
               f"no CRD serves {api} {kind}: install the add-on that provides it first" if not crd else
               f"CRD for {kind} exists but {'is not Established' if not established else api + ' is not served'}")
        out.append(result(_rid(f"crd/{kind}.{api}"), f"CRD for {kind} ({api}) established", ok, msg, category=CAT,
                          evidence=[f"needed by {example}"]))
    return out


def _ingress_classes(client: Any, plan: Plan, manifests: list[tuple[str, dict]]) -> list[CheckResult]:
    wanted = {m.target_class for m in plan.ingress if m.target_class}
    wanted |= {(o.get("spec") or {}).get("ingressClassName") for _, o in manifests if o.get("kind") == "Ingress"} - {None}
    if not wanted:
        return []
    have = {name for (_, name) in (list_objects(client, "networking.k8s.io/v1", "IngressClass") or {})}
    return [
        result(_rid(f"ingressclass/{c}"), f"IngressClass {c} exists", c in have,
               "" if c in have else f"the plan routes Ingresses to class {c!r}, which the target does not have",
               category=CAT, evidence=[f"IngressClass/{h}" for h in sorted(have)])
        for c in sorted(wanted)
    ]


def _pod_security(client: Any, plan: Plan) -> list[CheckResult]:
    out = []
    existing = list_objects(client, "v1", "Namespace") or {}
    for ns in plan.namespaces:
        if not ns.migrate or not ns.pod_security_labels:
            continue
        live = existing.get(("", ns.target))
        title = f"Namespace {ns.target} Pod Security labels as planned"
        if live is None:
            out.append(result(_rid(f"pod-security/{ns.target}"), title, None,
                              "namespace not created yet; the cutover applies it with the planned labels", category=CAT, severity="Info"))
            continue
        labels = (live.get("metadata") or {}).get("labels") or {}
        diff = [f"{k}: planned {v!r}, found {labels.get(k)!r}" for k, v in sorted(ns.pod_security_labels.items()) if labels.get(k) != v]
        out.append(result(_rid(f"pod-security/{ns.target}"), title, not diff, "; ".join(diff), category=CAT,
                          severity="Warning", evidence=diff))
    return out


def _dns(client: Any) -> CheckResult:
    deps = list_objects(client, "apps/v1", "Deployment") or {}
    found = [f"{ns}/{n}" for (ns, n) in deps if ns == "kube-system" and (n in DNS_NAMES or "coredns" in n)]
    svc = (list_objects(client, "v1", "Service") or {}).get(("kube-system", "kube-dns"))
    ok = bool(found) or svc is not None
    return result(_rid("cluster-dns"), "Cluster DNS (CoreDNS) present", ok,
                  "" if ok else "no CoreDNS/kube-dns Deployment or kube-dns Service in kube-system",
                  category=CAT, evidence=[f"Deployment/{f}" for f in found] + (["Service/kube-system/kube-dns"] if svc else []))


def _webhooks(client: Any) -> list[CheckResult]:
    services = list_objects(client, "v1", "Service") or {}
    out = []
    for kind in ("ValidatingWebhookConfiguration", "MutatingWebhookConfiguration"):
        for (_, name), cfg in sorted((list_objects(client, "admissionregistration.k8s.io/v1", kind) or {}).items()):
            missing = []
            for wh in cfg.get("webhooks", []) or []:
                svc = (wh.get("clientConfig") or {}).get("service")
                if svc and (svc.get("namespace"), svc.get("name")) not in services:
                    missing.append(f"{wh.get('name')} -> Service {svc.get('namespace')}/{svc.get('name')}")
            out.append(result(_rid(f"webhook/{name}"), f"{kind} {name} points at existing services", not missing,
                              "; ".join(missing) and f"webhook(s) call missing services and will reject writes: {'; '.join(missing)}",
                              category=CAT, evidence=missing))
    return out
