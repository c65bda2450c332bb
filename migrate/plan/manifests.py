"""Portable manifests in apply order. Directories are numbered so `kubectl apply -R -f manifests/`
(which walks them lexically) follows the order: CRDs, namespaces, RBAC, config, storage, workloads,
network, custom resources, admission last (a webhook must not block the objects before it)."""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Any, Mapping

import yaml

from migrate.models.common import group_of
from migrate.models.io import write_atomic

__all__ = ["category_of", "manifest_path", "write_manifests", "to_yaml", "CATEGORIES"]

CATEGORIES: dict[str, tuple[str, ...]] = {
    "00-crds": ("CustomResourceDefinition",),
    "10-namespaces": ("Namespace",),
    "20-rbac": ("ServiceAccount", "ClusterRole", "Role", "ClusterRoleBinding", "RoleBinding"),
    "30-config": ("ConfigMap", "Secret", "PriorityClass", "LimitRange", "ResourceQuota"),
    "40-storage": ("PersistentVolumeClaim",),
    "50-workloads": ("Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "ReplicationController", "Job", "CronJob", "Pod",
                     "HorizontalPodAutoscaler", "PodDisruptionBudget"),
    "60-network": ("Service", "Ingress", "NetworkPolicy", "Endpoints"),
    "80-admission": ("MutatingWebhookConfiguration", "ValidatingWebhookConfiguration", "ValidatingAdmissionPolicy",
                     "ValidatingAdmissionPolicyBinding", "MutatingAdmissionPolicy", "MutatingAdmissionPolicyBinding"),
}
_BY_KIND = {k: cat for cat, kinds in CATEGORIES.items() for k in kinds}
_BUILTIN = re.compile(r"^$|^[a-z0-9]+$|\.k8s\.io$")
_SAFE = re.compile(r"[^A-Za-z0-9._-]+")


def category_of(obj: Mapping[str, Any]) -> str:
    kind = obj.get("kind", "")
    if kind in _BY_KIND and _BUILTIN.search(group_of(obj.get("apiVersion", ""))):
        return _BY_KIND[kind]
    return "70-custom"


def manifest_path(obj: Mapping[str, Any]) -> str:
    md = obj.get("metadata") or {}
    ns = md.get("namespace") or "_cluster"
    group = group_of(obj.get("apiVersion", "")) or "core"
    name = _SAFE.sub("_", f"{group}-{obj.get('kind')}-{md.get('name')}")
    return f"{category_of(obj)}/{_SAFE.sub('_', ns)}/{name}.yaml"


class _Dumper(yaml.SafeDumper):
    pass


def _str(dumper: yaml.SafeDumper, s: str) -> Any:
    return dumper.represent_scalar("tag:yaml.org,2002:str", s, style="|" if "\n" in s else None)


_Dumper.add_representer(str, _str)


def to_yaml(obj: Mapping[str, Any]) -> str:
    return yaml.dump(dict(obj), Dumper=_Dumper, sort_keys=True, default_flow_style=False, allow_unicode=True, width=4096)


def write_manifests(out_dir: Path, manifests: Mapping[str, Mapping[str, Any]]) -> list[str]:
    """Replace out_dir/manifests with exactly these files; returns their paths in apply order."""
    mdir = out_dir / "manifests"
    if mdir.exists():
        shutil.rmtree(mdir)  # a stale manifest from an earlier plan must never be applied
    order = sorted(manifests)
    for rel in order:
        write_atomic(mdir / rel, to_yaml(manifests[rel]))
    return order
