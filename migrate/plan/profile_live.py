"""A target profile read from a live target cluster: served API versions, storage classes, ingress
classes and CRDs replace the profile's assumptions; everything else comes from the base profile.

This is the one plan module that talks to a cluster (through migrate.cluster only, imported here
lazily so the rest of the plan stays offline)."""

from __future__ import annotations

from typing import Any

from migrate.models.profiles import IngressClassSpec, StorageClassSpec, TargetProfile
from migrate.rules.ingress import guess_flavour

__all__ = ["live_profile", "profile_from_cluster_facts"]

_FLAVOURS = {"k8s.io/ingress-nginx": "nginx", "ingress.k8s.aws/alb": "alb", "traefik.io/ingress-controller": "traefik",
             "projectcontour.io/ingress-controller": "contour", "openshift.io/ingress-to-route": "openshift-router", "k8s.io/ingress-gce": "gce"}


def profile_from_cluster_facts(base: TargetProfile, version: dict[str, Any], api_versions: list[str], storage_classes: list[dict[str, Any]],
                               ingress_classes: list[dict[str, Any]], crds: list[str]) -> TargetProfile:
    """Pure part: merge what a cluster reports into a copy of `base`."""
    minor = int("".join(ch for ch in str(version.get("minor", "")) if ch.isdigit()) or base.kubernetes.default.split(".")[1])
    data = base.model_dump()
    data["kubernetes"] = {"min_minor": minor, "max_minor": minor, "default": f"1.{minor}"}
    known = {s.provisioner: s for s in base.storage_classes}
    scs = []
    for sc in storage_classes:
        md = sc.get("metadata") or {}
        ann = md.get("annotations") or {}
        prov = sc.get("provisioner", "")
        like = known.get(prov)
        scs.append(StorageClassSpec(
            name=md.get("name", ""), provisioner=prov,
            access_modes=list(like.access_modes) if like else ["ReadWriteOnce"],
            expansion=bool(sc.get("allowVolumeExpansion")),
            binding_mode=sc.get("volumeBindingMode") or "Immediate",
            default=ann.get("storageclass.kubernetes.io/is-default-class") == "true",
            snapshots=like.snapshots if like else False,
            notes="read from the live target").model_dump())
    if scs:
        if sum(1 for s in scs if s["default"]) > 1:
            for s in scs[1:]:
                s["default"] = False
        data["storage_classes"] = scs
    ics = []
    for ic in ingress_classes:
        md = ic.get("metadata") or {}
        ctrl = (ic.get("spec") or {}).get("controller", "")
        fl = _FLAVOURS.get(ctrl) or guess_flavour(ctrl, ())
        ics.append(IngressClassSpec(name=md.get("name", ""), controller=ctrl, flavour=fl if fl in IngressClassSpec.model_fields["flavour"].annotation.__args__ else "other",  # type: ignore[union-attr]
                                    default=(md.get("annotations") or {}).get("ingressclass.kubernetes.io/is-default-class") == "true").model_dump())
    if ics:
        data["ingress_classes"] = ics
    data["served_api_versions"] = sorted(set(api_versions))
    data["crds"] = sorted(crds)
    return TargetProfile.model_validate(data)


def live_profile(base: TargetProfile, *, kubeconfig: str | None, context: str | None) -> TargetProfile:
    from migrate.cluster import connect  # only here: the plan is otherwise offline

    c = connect(kubeconfig, context)
    version = c.ensure_reachable()
    resources = c.discover()
    api_versions = sorted({(f"{r.group}/{r.version}" if r.group else r.version) for r in resources})

    def items(path: str) -> list[dict[str, Any]]:
        return [i for page in c.list_pages(path) if not page.get("restarted") for i in page.get("items", [])]

    scs = items("/apis/storage.k8s.io/v1/storageclasses")
    ics = items("/apis/networking.k8s.io/v1/ingressclasses")
    crds = [(i.get("metadata") or {}).get("name", "") for i in items("/apis/apiextensions.k8s.io/v1/customresourcedefinitions")]
    return profile_from_cluster_facts(base, version, api_versions, scs, ics, crds)
