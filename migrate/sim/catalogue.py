"""Which resources the simulated apiserver serves, and the discovery documents that describe them.

The built-in set is the real kube-apiserver v1.36.2 discovery (``_data/discovery-v1.36.json``,
extracted once by ``_data/regenerate.py``), adjusted for older minors with the API removals and
additions listed in ``_MINOR_CHANGES``. CRDs add and remove resource types at run time.
"""
from __future__ import annotations

import copy
import json
import threading
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

_CRD_VERBS = ("delete", "deletecollection", "get", "list", "patch", "create", "update", "watch")
_SUB_VERBS = ["get", "patch", "update"]


@dataclass(frozen=True)
class ResourceType:
    """One served resource at one group/version (``/apis/<group>/<version>/<resource>``)."""

    group: str
    version: str
    resource: str  # plural
    kind: str
    singular: str
    namespaced: bool
    verbs: tuple[str, ...]
    short_names: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    subresources: tuple[str, ...] = ()  # e.g. ("status", "scale")
    list_kind: str = ""
    storage_version_hash: str = ""
    crd: str = ""  # name of the CRD that defines it, "" for built-ins
    # raw APIResourceList entries of the subresources, in server order (discovery only)
    sub_entries: tuple = field(default=(), compare=False, hash=False, repr=False)

    @property
    def api_version(self) -> str:
        return f"{self.group}/{self.version}" if self.group else self.version

    @property
    def group_resource(self) -> str:
        """``deployments.apps`` / ``configmaps``: the form used in Status messages."""
        return f"{self.resource}.{self.group}" if self.group else self.resource

    @property
    def is_crd(self) -> bool:
        return bool(self.crd)


def _load_builtin_data() -> dict:
    text = resources.files("migrate.sim._data").joinpath("discovery-v1.36.json").read_text()
    return json.loads(text)


# Group-versions and resources that differ from v1.36 in older minors.
# ("drop", gv, resource-or-None, first_minor_served): not served below that minor.
# ("add", gv, like_gv/resource, last_minor_served): served up to and including that minor, copied
# from the v1 entry named in like (same kind/verbs/short names).
_MINOR_CHANGES: list[tuple] = [
    ("drop", "networking.k8s.io/v1", "ipaddresses", 33),
    ("drop", "networking.k8s.io/v1", "servicecidrs", 33),
    ("drop", "admissionregistration.k8s.io/v1", "mutatingadmissionpolicies", 36),
    ("drop", "admissionregistration.k8s.io/v1", "mutatingadmissionpolicybindings", 36),
    ("drop", "admissionregistration.k8s.io/v1", "validatingadmissionpolicies", 30),
    ("drop", "admissionregistration.k8s.io/v1", "validatingadmissionpolicybindings", 30),
    ("drop", "resource.k8s.io/v1", None, 34),
    ("drop", "storage.k8s.io/v1", "volumeattributesclasses", 34),
    ("drop", "storage.k8s.io/v1", "csistoragecapacities", 24),
    ("drop", "flowcontrol.apiserver.k8s.io/v1", None, 29),
    ("drop", "authentication.k8s.io/v1", "selfsubjectreviews", 28),
    ("drop", "autoscaling/v2", None, 23),
    ("drop", "batch/v1", "cronjobs", 21),
    ("drop", "discovery.k8s.io/v1", None, 21),
    ("drop", "policy/v1", None, 21),
    ("add", "autoscaling/v2beta1", "autoscaling/v1/horizontalpodautoscalers", 24),
    ("add", "autoscaling/v2beta2", "autoscaling/v1/horizontalpodautoscalers", 25),
    ("add", "batch/v1beta1", "batch/v1/cronjobs", 24),
    ("add", "policy/v1beta1", "policy/v1/poddisruptionbudgets", 24),
    ("add", "policy/v1beta1", "podsecuritypolicies", 24),
    ("add", "discovery.k8s.io/v1beta1", "discovery.k8s.io/v1/endpointslices", 24),
    ("add", "events.k8s.io/v1beta1", "events.k8s.io/v1/events", 24),
    ("add", "node.k8s.io/v1beta1", "node.k8s.io/v1/runtimeclasses", 24),
    ("add", "storage.k8s.io/v1beta1", "storage.k8s.io/v1/csistoragecapacities", 26),
    ("add", "flowcontrol.apiserver.k8s.io/v1beta1", "flowcontrol.apiserver.k8s.io/v1/flowschemas", 25),
    ("add", "flowcontrol.apiserver.k8s.io/v1beta1", "flowcontrol.apiserver.k8s.io/v1/prioritylevelconfigurations", 25),
    ("add", "flowcontrol.apiserver.k8s.io/v1beta2", "flowcontrol.apiserver.k8s.io/v1/flowschemas", 28),
    ("add", "flowcontrol.apiserver.k8s.io/v1beta2", "flowcontrol.apiserver.k8s.io/v1/prioritylevelconfigurations", 28),
    ("add", "flowcontrol.apiserver.k8s.io/v1beta3", "flowcontrol.apiserver.k8s.io/v1/flowschemas", 31),
    ("add", "flowcontrol.apiserver.k8s.io/v1beta3", "flowcontrol.apiserver.k8s.io/v1/prioritylevelconfigurations", 31),
    ("add", "networking.k8s.io/v1beta1", "networking.k8s.io/v1/ingresses", 21),
    ("add", "networking.k8s.io/v1beta1", "networking.k8s.io/v1/ingressclasses", 21),
    ("add", "extensions/v1beta1", "networking.k8s.io/v1/ingresses", 21),
]
# Minor in which a beta group-version first appeared (below it the "add" entry is not served).
_FIRST_MINOR = {
    "flowcontrol.apiserver.k8s.io/v1beta2": 23,
    "flowcontrol.apiserver.k8s.io/v1beta3": 26,
    "storage.k8s.io/v1beta1": 21,
}
_PSP_ENTRY = {
    "name": "podsecuritypolicies", "singularName": "podsecuritypolicy", "namespaced": False,
    "kind": "PodSecurityPolicy",
    "verbs": ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"],
    "shortNames": ["psp"], "storageVersionHash": "khBLobUXkqA=",
}


def _split_gv(gv: str) -> tuple[str, str]:
    return (gv.split("/", 1)[0], gv.split("/", 1)[1]) if "/" in gv else ("", gv)


def _adjust_for_minor(data: dict, minor: int) -> dict:
    data = copy.deepcopy(data)
    res: dict[str, list] = data["resources"]
    groups: list[dict] = data["groups"]
    for change in _MINOR_CHANGES:
        op, gv, what, bound = change
        if op == "drop" and minor < bound:
            if what is None:
                res.pop(gv, None)
            elif gv in res:
                res[gv] = [e for e in res[gv] if e["name"].split("/")[0] != what]
        elif op == "add" and minor <= bound and minor >= _FIRST_MINOR.get(gv, 0):
            if what == "podsecuritypolicies":
                entries = [dict(_PSP_ENTRY)]
            else:
                src_group, rest = what.rsplit("/", 1)
                src = data["_orig"].get(src_group, [])
                entries = [copy.deepcopy(e) for e in src if e["name"].split("/")[0] == rest]
            res.setdefault(gv, []).extend(entries)
    for gv in list(res):
        if not res[gv]:
            del res[gv]
    # rebuild the group list: keep recorded order, append beta versions after the GA ones
    by_name = {g["name"]: g for g in groups}
    order = [g["name"] for g in groups]
    for gv in res:
        grp, ver = _split_gv(gv)
        if not grp:
            continue
        if grp not in by_name:
            by_name[grp] = {"name": grp, "versions": [], "preferred": ver}
            order.insert(2 if grp == "extensions" else len(order), grp)
        if ver not in by_name[grp]["versions"]:
            by_name[grp]["versions"].append(ver)
    new_groups = []
    for name in order:
        g = by_name[name]
        vers = [v for v in g["versions"] if f"{name}/{v}" in res]
        if vers:
            new_groups.append({"name": name, "versions": vers, "preferred": vers[0]})
    data["groups"] = new_groups
    data["resources"] = {gv: res[gv] for gv in res}
    return data


def _rt_from_entries(gv: str, entries: list[dict]) -> list[ResourceType]:
    group, version = _split_gv(gv)
    mains = [e for e in entries if "/" not in e["name"]]
    out = []
    for e in mains:
        subs = tuple(s for s in entries if s["name"].startswith(e["name"] + "/"))
        out.append(ResourceType(
            group=group, version=version, resource=e["name"], kind=e["kind"],
            singular=e.get("singularName", ""), namespaced=e["namespaced"],
            verbs=tuple(e.get("verbs", ())), short_names=tuple(e.get("shortNames", ())),
            categories=tuple(e.get("categories", ())),
            subresources=tuple(s["name"].split("/", 1)[1] for s in subs),
            list_kind=e["kind"] + "List", storage_version_hash=e.get("storageVersionHash", ""),
            sub_entries=subs,
        ))
    return out


class Catalogue:
    """The served resource types: built-ins of one minor plus registered CRDs. Thread-safe."""

    def __init__(self, data: dict, *, minor: int = 36) -> None:
        self.minor = minor
        self.version_info: dict = dict(data.get("version") or {})
        self._lock = threading.RLock()
        self._builtin_groups: list[dict] = data["groups"]
        self._entries: dict[str, list[dict]] = data["resources"]  # gv -> APIResourceList entries
        self._by_key: dict[tuple[str, str, str], ResourceType] = {}
        self._gv_order: list[str] = []
        for gv, entries in self._entries.items():
            self._gv_order.append(gv)
            for rt in _rt_from_entries(gv, entries):
                self._by_key[(rt.group, rt.version, rt.resource)] = rt
        # CRD name -> (group, [versions served in preference order], {version: version dict}, crd obj)
        self._crds: dict[str, dict] = {}

    # -- construction ----------------------------------------------------------------------------
    @classmethod
    def builtin(cls, minor: int = 36) -> "Catalogue":
        """Built-in resources of Kubernetes 1.<minor> (1.20..1.36; the v1.36.2 recording, adjusted)."""
        data = _load_builtin_data()
        if minor != 36:
            data["_orig"] = copy.deepcopy(data["resources"])
            data = _adjust_for_minor(data, minor)
            data.pop("_orig", None)
            if data.get("version"):
                v = data["version"]
                v.update({"minor": str(minor), "emulationMinor": str(minor),
                          "minCompatibilityMinor": str(minor - 1), "gitVersion": f"v1.{minor}.0"})
        return cls(data, minor=minor)

    # -- lookups ---------------------------------------------------------------------------------
    def lookup(self, group: str, version: str, resource: str) -> ResourceType | None:
        """The type served at group/version/resource (plural only), or None."""
        with self._lock:
            return self._by_key.get((group, version, resource))

    def by_kind(self, group: str, kind: str, version: str | None = None) -> ResourceType | None:
        """The type for a kind in a group (preferred version unless ``version`` is given)."""
        with self._lock:
            for gv in self._preferred_first(group):
                g, v = _split_gv(gv)
                if version is not None and v != version:
                    continue
                for rt in self._by_key.values():
                    if rt.group == g and rt.version == v and rt.kind == kind:
                        return rt
        return None

    def for_api_version(self, api_version: str, kind: str) -> ResourceType | None:
        """The type an object with this apiVersion/kind belongs to."""
        group, version = _split_gv(api_version)
        return self.by_kind(group, kind, version)

    def versions_of(self, rt: ResourceType) -> list[ResourceType]:
        """Every served version of the same group/resource (e.g. HPA autoscaling/v2 and v1)."""
        with self._lock:
            return [t for t in self._by_key.values() if t.group == rt.group and t.resource == rt.resource]

    def all_types(self) -> list[ResourceType]:
        with self._lock:
            return list(self._by_key.values())

    def preferred(self, group: str, resource: str) -> ResourceType | None:
        with self._lock:
            for gv in self._preferred_first(group):
                g, v = _split_gv(gv)
                rt = self._by_key.get((g, v, resource))
                if rt:
                    return rt
        return None

    def group_versions(self) -> list[str]:
        """Every served group/version ("v1", "apps/v1", ...), core first, then /apis order."""
        with self._lock:
            out = ["v1"] if "v1" in self._entries else []
            for g in self._groups():
                out += [f"{g['name']}/{v}" for v in g["versions"]]
            return out

    def has_group(self, group: str) -> bool:
        with self._lock:
            return any(g["name"] == group for g in self._groups())

    def has_group_version(self, group: str, version: str) -> bool:
        gv = f"{group}/{version}" if group else version
        return gv in self.group_versions()

    def crd_version(self, rt: ResourceType) -> dict | None:
        """The CRD's ``spec.versions[]`` entry serving ``rt`` (schema, printer columns, deprecation)."""
        with self._lock:
            info = self._crds.get(rt.crd)
            return info["versions"].get(rt.version) if info else None

    def crd_object(self, name: str) -> dict | None:
        with self._lock:
            info = self._crds.get(name)
            return info["crd"] if info else None

    def crd_types(self, name: str) -> list[ResourceType]:
        with self._lock:
            return [t for t in self._by_key.values() if t.crd == name]

    # -- discovery documents -----------------------------------------------------------------------
    def api_versions_doc(self, server_address: str = "192.0.2.2:6443") -> dict:
        """``GET /api``: APIVersions."""
        return {"kind": "APIVersions", "versions": ["v1"],
                "serverAddressByClientCIDRs": [{"clientCIDR": "0.0.0.0/0", "serverAddress": server_address}]}

    def api_group_list_doc(self) -> dict:
        """``GET /apis``: APIGroupList, built-ins in server order then CRD groups."""
        with self._lock:
            return {"kind": "APIGroupList", "apiVersion": "v1",
                    "groups": [self._group_body(g) for g in self._groups()]}

    def api_group_doc(self, group: str) -> dict | None:
        """``GET /apis/<group>``: APIGroup, or None when the group is not served (plain 404)."""
        with self._lock:
            for g in self._groups():
                if g["name"] == group:
                    return {"kind": "APIGroup", "apiVersion": "v1", **self._group_body(g)}
        return None

    def api_resource_list_doc(self, group: str, version: str) -> dict | None:
        """``GET /api/v1`` or ``/apis/<g>/<v>``: APIResourceList incl. ``x/status`` entries, or None."""
        gv = f"{group}/{version}" if group else version
        with self._lock:
            entries = self._gv_entries(gv)
        if entries is None:
            return None
        doc: dict[str, Any] = {"kind": "APIResourceList", "groupVersion": gv, "resources": entries}
        if group:
            doc = {"kind": "APIResourceList", "apiVersion": "v1", "groupVersion": gv, "resources": entries}
        return doc

    def aggregated_discovery_doc(self, core: bool) -> dict:
        """APIGroupDiscoveryList (apidiscovery.k8s.io/v2) for ``/api`` (core=True) or ``/apis``."""
        with self._lock:
            if core:
                items = [{"metadata": {}, "versions": [self._agg_version("v1")]}]
            else:
                items = [{"metadata": {"name": g["name"]},
                          "versions": [self._agg_version(f"{g['name']}/{v}") for v in g["versions"]]}
                         for g in self._groups()]
        return {"kind": "APIGroupDiscoveryList", "apiVersion": "apidiscovery.k8s.io/v2",
                "metadata": {}, "items": items}

    # -- CRDs --------------------------------------------------------------------------------------
    def add_crd(self, crd: dict) -> list[ResourceType]:
        """Register (or re-register) the served versions of an apiextensions.k8s.io/v1 CRD."""
        spec = crd.get("spec") or {}
        names = spec.get("names") or {}
        group = spec.get("group", "")
        name = (crd.get("metadata") or {}).get("name", "")
        with self._lock:
            self._drop_crd_types(name)
            served = [v for v in spec.get("versions") or [] if v.get("served")]
            # Kubernetes version priority: GA > beta > alpha, higher number first
            served.sort(key=lambda v: _version_priority(v["name"]))
            out = []
            for v in served:
                subs = v.get("subresources") or {}
                sub_names = tuple(s for s in ("status", "scale") if s in subs)
                rt = ResourceType(
                    group=group, version=v["name"], resource=names.get("plural", ""),
                    kind=names.get("kind", ""), singular=names.get("singular") or names.get("kind", "").lower(),
                    namespaced=spec.get("scope", "Namespaced") == "Namespaced", verbs=_CRD_VERBS,
                    short_names=tuple(names.get("shortNames") or ()),
                    categories=tuple(names.get("categories") or ()), subresources=sub_names,
                    list_kind=names.get("listKind") or names.get("kind", "") + "List",
                    storage_version_hash=_storage_hash(group, names.get("plural", "")), crd=name,
                )
                self._by_key[(group, v["name"], rt.resource)] = rt
                out.append(rt)
            self._crds[name] = {"group": group, "order": [v["name"] for v in served],
                                "versions": {v["name"]: v for v in served}, "crd": crd}
            return out

    def remove_crd(self, name: str) -> None:
        with self._lock:
            self._drop_crd_types(name)
            self._crds.pop(name, None)

    # -- internals ---------------------------------------------------------------------------------
    def _drop_crd_types(self, name: str) -> None:
        for key in [k for k, t in self._by_key.items() if t.crd == name]:
            del self._by_key[key]

    def _groups(self) -> list[dict]:
        groups = [dict(g) for g in self._builtin_groups]
        seen = {g["name"]: g for g in groups}
        for info in self._crds.values():
            g = seen.get(info["group"])
            if g is None:
                g = {"name": info["group"], "versions": [], "preferred": ""}
                seen[info["group"]] = g
                groups.append(g)
            for v in info["order"]:
                if v not in g["versions"]:
                    g["versions"] = g["versions"] + [v]
        for g in groups:
            g["preferred"] = g["versions"][0] if g["versions"] else ""
        return [g for g in groups if g["versions"]]

    def _builtin_version_order(self, group: str) -> list[str]:
        for g in self._builtin_groups:
            if g["name"] == group:
                return g["versions"]
        return []

    def _preferred_first(self, group: str) -> list[str]:
        if not group:
            return ["v1"]
        for g in self._groups():
            if g["name"] == group:
                return [f"{group}/{v}" for v in g["versions"]]
        return []

    def _gv_entries(self, gv: str) -> list[dict] | None:
        entries = copy.deepcopy(self._entries.get(gv)) if gv in self._entries else None
        group, version = _split_gv(gv)
        crd_rts = [t for t in self._by_key.values() if t.crd and t.group == group and t.version == version]
        if not crd_rts and entries is None:
            return None
        entries = entries or []
        for rt in crd_rts:
            e: dict[str, Any] = {"name": rt.resource, "singularName": rt.singular, "namespaced": rt.namespaced,
                                 "kind": rt.kind, "verbs": list(rt.verbs)}
            if rt.short_names:
                e["shortNames"] = list(rt.short_names)
            if rt.categories:
                e["categories"] = list(rt.categories)
            e["storageVersionHash"] = rt.storage_version_hash
            entries.append(e)
            for sub in rt.subresources:
                s: dict[str, Any] = {"name": f"{rt.resource}/{sub}", "singularName": "", "namespaced": rt.namespaced}
                if sub == "scale":
                    s.update({"group": "autoscaling", "version": "v1", "kind": "Scale"})
                else:
                    s["kind"] = rt.kind
                s["verbs"] = list(_SUB_VERBS)
                entries.append(s)
        return entries

    def _agg_version(self, gv: str) -> dict:
        group, version = _split_gv(gv)
        entries = self._gv_entries(gv) or []
        mains = [e for e in entries if "/" not in e["name"]]
        crd_kinds = {t.resource for t in self._by_key.values() if t.crd and t.group == group and t.version == version}
        out = []
        for e in sorted(mains, key=lambda e: e["name"]) if not crd_kinds else mains:
            is_crd = e["name"] in crd_kinds
            rk = {"group": group, "version": version, "kind": e["kind"]} if is_crd else \
                {"group": "", "version": "", "kind": e["kind"]}
            r: dict[str, Any] = {"resource": e["name"], "responseKind": rk,
                                 "scope": "Namespaced" if e["namespaced"] else "Cluster",
                                 "singularResource": e.get("singularName", ""), "verbs": e["verbs"]}
            if e.get("shortNames"):
                r["shortNames"] = e["shortNames"]
            if e.get("categories"):
                r["categories"] = e["categories"]
            subs = [s for s in entries if s["name"].startswith(e["name"] + "/")]
            if not is_crd:
                subs.sort(key=lambda s: s["name"])
            if subs:
                r["subresources"] = []
                for s in subs:
                    if "group" in s or "version" in s:
                        srk = {"group": s.get("group", ""), "version": s.get("version", ""), "kind": s["kind"]}
                    elif is_crd:
                        srk = dict(rk)
                    else:
                        srk = {"group": "", "version": "", "kind": s["kind"]}
                    r["subresources"].append({"subresource": s["name"].split("/", 1)[1],
                                              "responseKind": srk, "verbs": s["verbs"]})
            out.append(r)
        return {"version": version, "resources": out, "freshness": "Current"}

    @staticmethod
    def _group_body(g: dict) -> dict:
        return {"name": g["name"],
                "versions": [{"groupVersion": f"{g['name']}/{v}", "version": v} for v in g["versions"]],
                "preferredVersion": {"groupVersion": f"{g['name']}/{g['preferred']}", "version": g["preferred"]}}


def _version_priority(v: str) -> tuple:
    """Sort key implementing Kubernetes version priority (v2 > v1 > v1beta2 > v1beta1 > v1alpha1 > foo)."""
    import re

    m = re.fullmatch(r"v(\d+)(?:(alpha|beta)(\d+))?", v)
    if not m:
        return (3, v)
    major, stage, minor = int(m.group(1)), m.group(2), int(m.group(3) or 0)
    rank = {None: 0, "beta": 1, "alpha": 2}[stage]
    return (rank, -major, -minor)


def _storage_hash(group: str, plural: str) -> str:
    import base64
    import hashlib

    return base64.b64encode(hashlib.sha256(f"{group}/{plural}".encode()).digest()[:8]).decode()
