"""Evaluate one evidence matcher (a dict from the rules YAML) against Facts -> hits.

A hit is (evidence kind, detail, ref, value, namespace): `value` feeds version extraction,
`namespace` tells where an add-on lives.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Iterator

from migrate.detect.facts import Facts

__all__ = ["Hit", "hits", "first_value", "dig", "package_name_matches"]


@dataclass(frozen=True)
class Hit:
    kind: str
    detail: str
    ref: str | None = None
    value: str | None = None
    namespace: str | None = None
    owner: str | None = None  # owner label of the workload it was seen on (helm:/flux:/kapp:/olm:)


@lru_cache(maxsize=4096)
def _rx(p: str) -> re.Pattern[str]:
    return re.compile(p)


def _full(p: str, s: str) -> bool:
    return _rx(p).fullmatch(s) is not None


_CARVEL_SUFFIX = re.compile(r"\.(community\.)?tanzu\.vmware\.com$")


def package_name_matches(pattern: str, name: str) -> bool:
    """Carvel package names carry a repository suffix (antrea.tanzu.vmware.com): match with or without it."""
    return _full(pattern, name) or _full(pattern, _CARVEL_SUFFIX.sub("", name))


def dig(obj: Any, path: str) -> Any:
    for part in path.split("."):
        if not isinstance(obj, dict):
            return None
        obj = obj.get(part)
    return obj


def _tag(image: str) -> str | None:
    img = image.split("@", 1)[0]
    last = img.rsplit("/", 1)[-1]
    return last.split(":", 1)[1] if ":" in last else None


def _version(m: dict[str, Any], raw: str | None, match: re.Match[str] | None = None) -> str | None:
    if match is not None and match.groups():
        g = next((x for x in match.groups() if x), None)
        if g:
            return g
    if raw and m.get("version_regex"):
        mm = _rx(m["version_regex"]).search(raw)
        if mm:
            return mm.group(1) if mm.groups() else mm.group(0)
        return None
    return raw


def hits(m: dict[str, Any], f: Facts) -> Iterator[Hit]:
    """Every place matcher `m` fires, in a deterministic order."""
    if "kubelet_version" in m:
        for n in f.nodes:
            mm = _rx(m["kubelet_version"]).search(n.kubelet_version or "")
            if mm:
                yield Hit("kubelet-version", f"kubelet {n.kubelet_version} on node {n.name}", f"Node/{n.name}", _version(m, n.kubelet_version, mm))
    elif "server_version" in m:
        mm = _rx(m["server_version"]).search(f.server_version or "")
        if mm:
            yield Hit("server-version", f"server version {f.server_version}", None, _version(m, f.server_version, mm))
    elif "node_name" in m:
        for n in f.nodes:
            if _rx(m["node_name"]).search(n.name):
                yield Hit("node-name", f"node name {n.name}", f"Node/{n.name}")
    elif any(k in m for k in ("node_label", "node_label_prefix", "node_annotation", "node_annotation_prefix")):
        ann = "node_annotation" in m or "node_annotation_prefix" in m
        key = m.get("node_label") or m.get("node_annotation")
        prefix = m.get("node_label_prefix") or m.get("node_annotation_prefix")
        for n in f.nodes:
            src = n.annotations if ann else n.labels
            for k in sorted(src):
                if (key is not None and k != key) or (prefix is not None and not k.startswith(prefix)):
                    continue
                v = str(src[k])
                if "value" in m and not _rx(m["value"]).search(v):
                    continue
                shown = v if len(v) <= 60 else v[:57] + "..."
                yield Hit("node-annotation" if ann else "node-label", f"{k}={shown} on node {n.name}", f"Node/{n.name}", _version(m, v))
                break
    elif "provider_id" in m:
        for n in f.nodes:
            if n.provider_id and _rx(m["provider_id"]).search(n.provider_id):
                yield Hit("provider-id", f"providerID {n.provider_id} on node {n.name}", f"Node/{n.name}")
    elif "namespace" in m:
        for ns in sorted(f.namespaces):
            if _full(m["namespace"], ns):
                yield Hit("namespace", f"namespace {ns}", f"Namespace/{ns}", namespace=ns)
    elif "crd_group" in m:
        seen = set()
        for c in f.crds:
            if c.group not in seen and _full(m["crd_group"], c.group):
                seen.add(c.group)
                yield Hit("crd-group", f"CRD group {c.group} ({c.name})", f"CustomResourceDefinition/{c.name}")
    elif "crd" in m:
        for c in f.crds:
            if c.name == m["crd"]:
                yield Hit("crd", f"CRD {c.name}", f"CustomResourceDefinition/{c.name}")
    elif "kind" in m:
        n = f.counts.get(m["kind"], 0)
        if n:
            yield Hit("object", f"{n} {m['kind'].split('/')[-1]} object(s) ({m['kind']})")
    elif "image" in m:
        rx = _rx(m["image"])
        matched = f.images_matching(m["image"])
        if not matched:
            return
        for w in f.workloads:
            c = next((c for c in w.containers if c.image in matched), None)
            if c is None:
                continue
            if "namespace_regex" in m and not _full(m["namespace_regex"], w.ref.namespace or ""):
                continue
            yield Hit("image", f"image {c.image} in {w.ref}", str(w.ref), _version(m, _tag(c.image), rx.search(c.image)), w.ref.namespace, w.owner)
    elif "workload" in m:
        names = f.workload_names_matching(m["workload"])
        if not names:
            return
        for w in f.workloads:
            if w.ref.name not in names:
                continue
            if "kind_regex" in m and not _full(m["kind_regex"], w.ref.kind):
                continue
            if "namespace_regex" in m and not _full(m["namespace_regex"], w.ref.namespace or ""):
                continue
            tag = next((_tag(c.image) for c in w.containers if not c.init and _tag(c.image)), None)
            yield Hit("object", f"{w.ref.kind} {w.ref.namespace}/{w.ref.name}", str(w.ref), _version(m, tag), w.ref.namespace, w.owner)
    elif "storage_provisioner" in m:
        for sc in f.storage_classes:
            if _full(m["storage_provisioner"], sc.provisioner):
                yield Hit("storage-class", f"StorageClass {sc.name} provisioner {sc.provisioner}", f"StorageClass/{sc.name}")
    elif "csi_driver" in m:
        names = {o["metadata"]["name"]: "CSIDriver" for o in f.notable.get("storage.k8s.io/CSIDriver", []) if (o.get("metadata") or {}).get("name")}
        for sc in f.storage_classes:
            names.setdefault(sc.provisioner, f"StorageClass {sc.name} provisioner")
        for d in f.pv_csi_drivers:
            names.setdefault(d, "PersistentVolume CSI driver")
        for name in sorted(names):
            if _full(m["csi_driver"], name):
                yield Hit("csi-driver", f"{names[name]} {name}", f"CSIDriver/{name}" if names[name] == "CSIDriver" else None)
    elif "ingress_class" in m:
        seen = set()
        for o in f.notable.get("networking.k8s.io/IngressClass", []):
            ctl = str(dig(o, "spec.controller") or "")
            name = (o.get("metadata") or {}).get("name", "")
            if _rx(m["ingress_class"]).search(ctl) or _full(m["ingress_class"], name):
                seen.add(name)
                yield Hit("ingress-class", f"IngressClass {name} controller {ctl}", f"IngressClass/{name}")
        for i in f.ingresses:
            if i.ingress_class and i.ingress_class not in seen and _full(m["ingress_class"], i.ingress_class):
                seen.add(i.ingress_class)
                yield Hit("ingress-class", f"ingress class {i.ingress_class} used by {i.ref}", str(i.ref))
    elif "object" in m:
        for o in sorted(f.notable.get(m["object"], []), key=lambda o: ((o.get("metadata") or {}).get("namespace") or "", (o.get("metadata") or {}).get("name", ""))):
            md = o.get("metadata") or {}
            name, ns = md.get("name", ""), md.get("namespace")
            if "name" in m and not _full(m["name"], name):
                continue
            if "namespace_regex" in m and not _full(m["namespace_regex"], ns or ""):
                continue
            if "label" in m:
                lv = (md.get("labels") or {}).get(m["label"])
                if lv is None or ("value" in m and not _rx(m["value"]).search(str(lv))):
                    continue
            if "annotation" in m:
                av = (md.get("annotations") or {}).get(m["annotation"])
                if av is None or ("value" in m and not _rx(m["value"]).search(str(av))):
                    continue
            raw = dig(o, m["field"]) if "field" in m else ((md.get("labels") or {}).get(m["label"]) if "label" in m else None)
            kind = m["object"].split("/")[-1]
            where = f"{kind}/{ns + '/' if ns else ''}{name}"
            extra = f" {m['label']}={md['labels'][m['label']]}" if "label" in m else ""
            yield Hit("object", f"{where}{extra}", where, _version(m, str(raw)) if raw is not None else None, ns)
    elif "package" in m:
        for p in f.packages:
            if package_name_matches(m["package"], p.name):
                yield Hit("object", f"{p.type} {p.ref.namespace}/{p.ref.name} ({p.name} {p.version or ''})".strip(), str(p.ref), _version(m, p.version), p.target_namespace)
        for h in f.helm_releases:
            if _full(m["package"], h.chart):
                yield Hit("object", f"helm release {h.namespace}/{h.name} (chart {h.chart} {h.chart_version})", f"Secret/{h.namespace}/{h.secret}", _version(m, h.chart_version), h.namespace)
    elif "priority_class" in m:
        for o in f.notable.get("scheduling.k8s.io/PriorityClass", []):
            name = (o.get("metadata") or {}).get("name", "")
            if _full(m["priority_class"], name):
                yield Hit("object", f"PriorityClass {name}", f"PriorityClass/{name}")


def first_value(matchers: list[dict[str, Any]], f: Facts) -> str | None:
    for m in matchers:
        for h in hits(m, f):
            if h.value:
                return h.value
    return None
