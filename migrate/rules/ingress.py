"""Ingress and Services: ingress class and controller-specific annotations translated where a known
equivalent exists (tables in playbooks/rules/tables/), flagged otherwise; cloud/LB Service
annotations translated or flagged; OpenShift Route -> Ingress."""

from __future__ import annotations

from typing import Any, Mapping

from migrate.data import load_annotation_tables
from migrate.models.inventory import IngressInfo
from migrate.models.plan import IngressClassMapping
from migrate.models.profiles import AnnotationTable, AnnotationTranslation, DistroProfile, TargetProfile
from migrate.rules.base import AppliesTo, Finding, Outcome, Patch, Replace, RuleContext, ptr
from migrate.rules.registry import rule

__all__ = ["guess_flavour", "map_ingress_classes", "route_to_ingress", "INGRESS_CLASS_ANNOTATION"]

INGRESS_CLASS_ANNOTATION = "kubernetes.io/ingress.class"
_FLAVOUR_HINTS = (("traefik", "traefik"), ("contour", "contour"), ("nginx", "nginx"), ("openshift", "openshift-router"),
                  ("alb", "alb"), ("gce", "gce"), ("haproxy", "openshift-router"))


def guess_flavour(cls: str | None, distros: tuple[DistroProfile, ...]) -> str:
    for d in reversed(distros):
        if cls and cls in d.ingress_classes:
            return d.ingress_classes[cls]
    for hint, fl in _FLAVOUR_HINTS:
        if cls and hint in cls.lower():
            return fl
    for d in reversed(distros):
        if d.ingress_default:
            return {"ingress-nginx": "nginx"}.get(d.ingress_default, d.ingress_default)
    return "other"


def _tables(kind: str) -> list[AnnotationTable]:
    return [t for t in load_annotation_tables() if t.kind == kind]


def _translation(key: str, kind: str) -> tuple[AnnotationTable, AnnotationTranslation | None] | None:
    for t in _tables(kind):
        if any(key.startswith(p) for p in t.prefixes):
            return t, next((x for x in t.translations if x.source == key), None)
    return None


def map_ingress_classes(ingresses: list[IngressInfo], target: TargetProfile, distros: tuple[DistroProfile, ...]) -> list[IngressClassMapping]:
    out: list[IngressClassMapping] = []
    tdef = target.default_ingress_class()
    for cls in sorted({i.ingress_class or "" for i in ingresses}):
        same = next((c for c in target.ingress_classes if cls and c.name == cls), None)
        tgt = same or tdef
        fl = guess_flavour(cls or None, distros)
        translated: dict[str, str] = {}
        dropped: set[str] = set()
        for ing in ingresses:
            if (ing.ingress_class or "") != cls:
                continue
            for key in ing.annotations:
                hit = _translation(key, "ingress")
                if not hit or (tgt and hit[0].from_flavour == tgt.flavour):
                    continue
                to = hit[1].to.get(tgt.flavour) if (hit[1] and tgt) else None
                if to:
                    translated[key] = to
                else:
                    dropped.add(key)
        if tgt is None:
            reason = "the target profile has no ingress class"
        elif same:
            reason = f"same class exists on the target ({tgt.controller})"
        else:
            reason = f"{fl} -> {tgt.flavour} ({tgt.controller}), the target's default class"
        out.append(IngressClassMapping(source_class=cls or None, target_class=tgt.name if tgt else None, reason=reason,
                                       annotations_translated=dict(sorted(translated.items())), annotations_dropped=sorted(dropped)))
    return out


def _annotation_ops(ann: Mapping[str, str], src_flavour: str, tgt_flavour: str, kind: str, keep_prefixes: tuple[str, ...] = ()) -> tuple[list[dict], list[Outcome]]:
    ops: list[dict] = []
    finds: list[Outcome] = []
    for key in sorted(ann):
        hit = _translation(key, kind)
        if not hit or any(key.startswith(p) for p in keep_prefixes):
            continue
        table, tr = hit
        if kind == "ingress" and table.from_flavour == tgt_flavour:
            continue  # the target's own controller reads it
        to = tr.to.get(tgt_flavour) if tr else None
        ops.append({"op": "remove", "path": ptr("metadata", "annotations", key)})
        if to:
            if to not in ann:
                value = tr.values.get(ann[key], ann[key]) if tr else ann[key]
                ops.append({"op": "add", "path": ptr("metadata", "annotations", to), "value": value})
            if tr and tr.note:
                finds.append(Finding("Info", "ANNOTATION_TRANSLATED", f"{key} -> {to}: {tr.note}", path=ptr("metadata", "annotations", key)))
        else:
            note = f" ({tr.note})" if tr and tr.note else ""
            finds.append(Finding("Warning", "INGRESS_ANNOTATION_UNTRANSLATED" if kind == "ingress" else "LB_ANNOTATION_UNTRANSLATED",
                                 f"{key}={ann[key]!r} has no equivalent on {tgt_flavour}; removed{note}",
                                 path=ptr("metadata", "annotations", key),
                                 resolution="re-create the behaviour with the target controller's own configuration"))
    return ops, finds


@rule("distroshift.io/ingress/class-and-annotations", priority=60, applies_to=AppliesTo(groups=("extensions", "networking.k8s.io"), kinds=("Ingress",)))
def ingress_class(obj: Mapping[str, Any], ctx: RuleContext) -> list[Outcome]:
    """Point the Ingress at the target's ingress class and translate controller annotations."""
    md = obj.get("metadata") or {}
    ann = md.get("annotations") or {}
    spec = obj.get("spec") or {}
    cls = spec.get("ingressClassName") or ann.get(INGRESS_CLASS_ANNOTATION) or ""
    tgt_name = ctx.ingress_class_map.get(cls)
    tgt = next((c for c in ctx.target.ingress_classes if c.name == tgt_name), None) if tgt_name else ctx.target.default_ingress_class()
    if tgt is None:
        return [Finding("Blocker", "NO_INGRESS_CLASS", f"{ctx.target.name} profile offers no ingress class",
                        resolution="add an ingress class to the target profile or replace this Ingress by hand")]
    src_flavour = ctx.ingress_flavours.get(cls) or guess_flavour(cls or None, ctx.distros)
    ops: list[dict] = []
    out: list[Outcome] = []
    if INGRESS_CLASS_ANNOTATION in ann:
        ops.append({"op": "remove", "path": ptr("metadata", "annotations", INGRESS_CLASS_ANNOTATION)})
    if spec.get("ingressClassName") != tgt.name:
        ops.append({"op": "replace" if "ingressClassName" in spec else "add", "path": "/spec/ingressClassName", "value": tgt.name})
    a_ops, finds = _annotation_ops(ann, src_flavour, tgt.flavour, "ingress")
    ops += a_ops
    for k, v in sorted(tgt.annotations.items()):
        if k not in ann:
            ops.append({"op": "add", "path": ptr("metadata", "annotations", k), "value": v})
    if ops and not ann and any(o["path"].startswith("/metadata/annotations/") and o["op"] == "add" for o in ops):
        adds = {o["path"].split("/")[-1].replace("~1", "/").replace("~0", "~"): o["value"] for o in ops if o["op"] == "add" and o["path"].startswith("/metadata/annotations/")}
        ops = [o for o in ops if not o["path"].startswith("/metadata/annotations/")] + [{"op": "add", "path": "/metadata/annotations", "value": adds}]
    if ops:
        out.append(Patch(ops, f"ingress class {cls or '(none)'} ({src_flavour}) -> {tgt.name} ({tgt.flavour})"))
    return out + finds


@rule("distroshift.io/ingress/load-balancer-services", priority=60, applies_to=AppliesTo(groups=("",), kinds=("Service",)))
def load_balancer_services(obj: Mapping[str, Any], ctx: RuleContext) -> list[Outcome]:
    """Cloud-specific LoadBalancer annotations are translated to the target's LB or flagged."""
    spec = obj.get("spec") or {}
    md = obj.get("metadata") or {}
    ann = md.get("annotations") or {}
    if spec.get("type") != "LoadBalancer":
        return []
    lb = ctx.target.load_balancer
    key = lb.provider or lb.model
    out: list[Outcome] = []
    ops, finds = _annotation_ops(ann, "", key, "service", tuple(lb.annotation_prefixes))
    for k, v in sorted(lb.default_annotations.items()):
        if k not in ann:
            ops.append({"op": "add", "path": ptr("metadata", "annotations", k), "value": v})
    if ops and not ann:
        ops = [{"op": "add", "path": "/metadata/annotations", "value": dict(sorted(lb.default_annotations.items()))}]
    if ops:
        out.append(Patch(ops, f"LoadBalancer annotations for the target's {key} load balancer"))
    if lb.model == "none":
        out.append(Finding("Warning", "LB_NO_IMPLEMENTATION", f"{ctx.target.name} has no LoadBalancer implementation by default; this Service stays Pending",
                           resolution="; ".join(lb.notes) or "install a load-balancer add-on (see plan.addons)"))
    if spec.get("loadBalancerSourceRanges"):
        out.append(Finding("Info", "LB_SOURCE_RANGES", "loadBalancerSourceRanges kept: check they still match the clients' addresses"))
    return out + finds


def _service_port(ns: str, svc: str, target_port: Any, ctx: RuleContext) -> tuple[dict[str, Any] | None, str | None]:
    s = ctx.services.get((ns, svc))
    ports = ((s or {}).get("spec") or {}).get("ports") or []
    if target_port is None:
        if len(ports) == 1:
            return {"number": ports[0]["port"]}, None
        return None, f"Route names no port and Service {svc} has {len(ports) or 'no known'} ports"
    for p in ports:
        if target_port in (p.get("targetPort"), p.get("name"), p.get("port")):
            return {"number": p["port"]}, None
    if s is None:
        if isinstance(target_port, int):
            return {"number": target_port}, f"Service {svc} is not in the inventory; port {target_port} assumed to be the service port"
        return {"name": target_port}, f"Service {svc} is not in the inventory; port name {target_port} assumed"
    return None, f"no port of Service {svc} matches the Route's targetPort {target_port!r}"


def route_to_ingress(obj: Mapping[str, Any], ctx: RuleContext) -> tuple[dict[str, Any] | None, list[Finding]]:
    md = obj.get("metadata") or {}
    spec = obj.get("spec") or {}
    ns = md.get("namespace") or ""
    finds: list[Finding] = []
    to = spec.get("to") or {}
    if to.get("kind", "Service") != "Service":
        return None, [Finding("Blocker", "ROUTE_BACKEND_UNSUPPORTED", f"Route points at {to.get('kind')}, not a Service")]
    port, problem = _service_port(ns, to.get("name", ""), (spec.get("port") or {}).get("targetPort"), ctx)
    if port is None:
        return None, [Finding("Blocker", "ROUTE_PORT_UNRESOLVED", problem or "port unresolved", path="/spec/port",
                              resolution="write the Ingress by hand with the Service's port")]
    if problem:
        finds.append(Finding("Warning", "ROUTE_PORT_GUESSED", problem, path="/spec/port"))
    tgt = ctx.target.default_ingress_class()
    if tgt is None:
        return None, [Finding("Blocker", "NO_INGRESS_CLASS", f"{ctx.target.name} profile offers no ingress class")]
    ann_in = dict(md.get("annotations") or {})
    ann_in.pop("kubectl.kubernetes.io/last-applied-configuration", None)
    host_generated = ann_in.pop("openshift.io/host.generated", None) == "true"
    annotations: dict[str, str] = {}
    for k, v in ann_in.items():
        hit = _translation(k, "ingress")
        if hit is None:
            annotations[k] = v
            continue
        tr = hit[1]
        new = tr.to.get(tgt.flavour) if tr else None
        if new:
            annotations[new] = tr.values.get(v, v) if tr else v  # type: ignore[union-attr]
        elif not (tr and tr.source == "route.openshift.io/termination"):
            finds.append(Finding("Warning", "INGRESS_ANNOTATION_UNTRANSLATED", f"{k}={v!r} has no equivalent on {tgt.flavour}; dropped",
                                 path=ptr("metadata", "annotations", k)))
    annotations.update({k: v for k, v in tgt.annotations.items() if k not in annotations})
    host = spec.get("host")
    if not host:
        ingress_status = (obj.get("status") or {}).get("ingress") or []
        host = (ingress_status[0] or {}).get("host") if ingress_status else None
        host_generated = True
    if host_generated:
        finds.append(Finding("Warning", "ROUTE_GENERATED_HOST", f"host {host} was generated by the OpenShift router's apps domain",
                             path="/spec/host", resolution="choose a DNS name served by the target and update clients"))
    if not host:
        return None, finds + [Finding("Blocker", "ROUTE_NO_HOST", "Route has no host", path="/spec/host")]
    path = spec.get("path") or "/"
    backend = {"service": {"name": to.get("name"), "port": port}}
    ing_spec: dict[str, Any] = {"ingressClassName": tgt.name,
                                "rules": [{"host": host, "http": {"paths": [{"path": path, "pathType": "Prefix", "backend": backend}]}}]}
    tls = spec.get("tls") or None
    if tls:
        term = tls.get("termination", "edge")
        if term == "passthrough":
            if tgt.flavour == "nginx":
                annotations["nginx.ingress.kubernetes.io/ssl-passthrough"] = "true"
            finds.append(Finding("Warning", "ROUTE_TLS_PASSTHROUGH", "TLS passthrough needs controller support (ingress-nginx: --enable-ssl-passthrough)",
                                 path="/spec/tls/termination"))
        else:
            entry: dict[str, Any] = {"hosts": [host]}
            if tls.get("certificate") or tls.get("key"):
                secret = f"{md.get('name')}-tls"
                entry["secretName"] = secret
                finds.append(Finding("Warning", "ROUTE_TLS_CERTIFICATE",
                                     f"the Route embeds its certificate; create Secret {secret} (type kubernetes.io/tls) on the target from it",
                                     path="/spec/tls", resolution=f"kubectl create secret tls {secret} --cert=... --key=... -n {ctx.target_namespace(ns)}"))
            ing_spec["tls"] = [entry]
            if term == "reencrypt":
                if tgt.flavour == "nginx":
                    annotations["nginx.ingress.kubernetes.io/backend-protocol"] = "HTTPS"
                elif tgt.flavour == "alb":
                    annotations["alb.ingress.kubernetes.io/backend-protocol"] = "HTTPS"
                finds.append(Finding("Info", "ROUTE_TLS_REENCRYPT", "re-encrypt: the backend is reached over HTTPS; its CA is not verified by default",
                                     path="/spec/tls/destinationCACertificate"))
        if tls.get("insecureEdgeTerminationPolicy") == "Allow" and tgt.flavour == "nginx":
            annotations["nginx.ingress.kubernetes.io/ssl-redirect"] = "false"
    if spec.get("alternateBackends"):
        finds.append(Finding("Warning", "ROUTE_WEIGHTED_BACKENDS", "alternateBackends (weighted traffic split) are not carried over",
                             path="/spec/alternateBackends", resolution="use canary Ingresses (nginx) or weighted target groups (ALB)"))
    if spec.get("wildcardPolicy") not in (None, "None"):
        finds.append(Finding("Warning", "ROUTE_WILDCARD", "wildcard routes are not carried over", path="/spec/wildcardPolicy"))
    new_md: dict[str, Any] = {"name": md.get("name"), "namespace": ns}
    if md.get("labels"):
        new_md["labels"] = dict(md["labels"])
    if annotations:
        new_md["annotations"] = dict(sorted(annotations.items()))
    return {"apiVersion": "networking.k8s.io/v1", "kind": "Ingress", "metadata": new_md, "spec": ing_spec}, finds


@rule("distroshift.io/ingress/route-to-ingress", priority=75, applies_to=AppliesTo(groups=("route.openshift.io",), kinds=("Route",)))
def route(obj: Mapping[str, Any], ctx: RuleContext) -> list[Outcome]:
    """OpenShift Route -> networking.k8s.io/v1 Ingress on the target's class (TLS, passthrough and weights flagged)."""
    if ctx.target.pod_security.model == "scc":  # the target is OpenShift: Routes are native
        return []
    ing, finds = route_to_ingress(obj, ctx)
    out: list[Outcome] = list(finds)
    if ing is not None:
        out.insert(0, Replace([ing], "OpenShift Route becomes an Ingress of the target's ingress class"))
    return out
