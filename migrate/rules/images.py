"""Images: every image reference in pod templates (containers, init and ephemeral containers) and in
known custom resources goes through the registry map; images from a source-internal registry that
the map does not cover are blockers (the target cannot pull them)."""

from __future__ import annotations

from typing import Any, Iterator, Mapping

from migrate.rules.base import Finding, Outcome, Patch, RuleContext, glob_any, pod_spec_path, ptr
from migrate.rules.registry import rule

__all__ = ["split_image", "map_image", "image_refs", "KNOWN_CR_IMAGES"]

# Custom resources that carry images outside a pod template: (group, kind) -> pointer parts.
KNOWN_CR_IMAGES: dict[tuple[str, str], tuple[tuple[str, ...], ...]] = {
    ("monitoring.coreos.com", "Prometheus"): (("spec", "image"),),
    ("monitoring.coreos.com", "Alertmanager"): (("spec", "image"),),
    ("monitoring.coreos.com", "ThanosRuler"): (("spec", "image"),),
    ("postgresql.cnpg.io", "Cluster"): (("spec", "imageName"),),
    ("kafka.strimzi.io", "Kafka"): (("spec", "kafka", "image"),),
    ("apps.openshift.io", "DeploymentConfig"): (),
}


def split_image(image: str) -> tuple[str, str]:
    """'nginx:1' -> ('docker.io', 'library/nginx:1'); 'r.io:5000/a/b' -> ('r.io:5000', 'a/b')."""
    first, sep, rest = image.partition("/")
    if sep and ("." in first or ":" in first or first == "localhost"):
        return first, rest
    return "docker.io", image if sep else f"library/{image}"


def map_image(image: str, ctx: RuleContext) -> tuple[str, bool, str]:
    """(new image, is internal and unmapped, reason)."""
    registry, path = split_image(image)
    explicit = image.startswith(registry + "/")
    for old in sorted(ctx.registry_map, key=len, reverse=True):  # longest prefix wins
        new = ctx.registry_map[old]
        if image == old or image.startswith(old.rstrip("/") + "/"):
            return new.rstrip("/") + image[len(old.rstrip("/")):], False, f"--registry-map {old}={new}"
        if not explicit and old == "docker.io":
            return f"{new.rstrip('/')}/{path}", False, f"--registry-map {old}={new}"
    internal_globs = [g for d in ctx.distros for g in d.internal_registries]
    host = registry.split(":")[0]
    if explicit and (glob_any(registry, internal_globs) or glob_any(host, internal_globs)):
        return image, True, f"{registry} is a registry inside the source cluster"
    return image, False, ""


def image_refs(obj: Mapping[str, Any]) -> Iterator[tuple[tuple[Any, ...], str]]:
    """(pointer parts, image) of every image reference the object holds."""
    parts = pod_spec_path(obj)
    if parts is not None:
        spec: Any = obj
        for p in parts:
            spec = spec[p]
        for field in ("initContainers", "containers", "ephemeralContainers"):
            for i, c in enumerate(spec.get(field) or []):
                if isinstance(c, Mapping) and "image" in c:
                    yield (*parts, field, i, "image"), c.get("image") or ""
    group = obj.get("apiVersion", "").rpartition("/")[0]
    for cr_path in KNOWN_CR_IMAGES.get((group, obj.get("kind", "")), ()):
        node: Any = obj
        for p in cr_path:
            node = node.get(p) if isinstance(node, Mapping) else None
        if isinstance(node, str):
            yield cr_path, node


@rule("distroshift.io/images/registry-map", priority=50)
def registry_map(obj: Mapping[str, Any], ctx: RuleContext) -> list[Outcome]:
    """Rewrite image references through the registry map; flag images the target cannot pull."""
    ops: list[dict] = []
    out: list[Outcome] = []
    for parts, image in image_refs(obj):
        if not image.strip():
            out.append(Finding("Blocker", "IMAGE_EMPTY", "no image set (filled by an OpenShift image trigger on the source)",
                               path=ptr(*parts), resolution="set the image's registry path"))
            continue
        new, internal, reason = map_image(image, ctx)
        if internal:
            out.append(Finding("Blocker", "IMAGE_INTERNAL_REGISTRY", f"{image}: {reason}; the target cannot pull it",
                               path=ptr(*parts), resolution=f"push the image to a reachable registry and pass --registry-map {split_image(image)[0]}=<registry>"))
        elif new != image:
            ops.append({"op": "replace", "path": ptr(*parts), "value": new})
    if ops:
        out.insert(0, Patch(ops, "image references rewritten through the registry map"))
    return out
