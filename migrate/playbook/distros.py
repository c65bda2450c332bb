"""The distros a run really migrates between, against the ones its playbook was written for.

A playbook declares `source: {distro: tkg}` / `target: {distro: eks}`; nothing stops it being run
between other clusters (generic playbooks exist, and most steps are distro-neutral), so a mismatch
is a loud warning (printed at preflight, kept in the state), not a stop. Step messages name the
DETECTED distros: they write `{source}` / `{target}`, which render() fills in.

Detection is quick: the cluster-scoped objects plus kube-system (collect_inventory with a namespace
filter), run through the same detection rules as `distroshift inventory`. The run's full source
inventory, once collected, refines the source's answer (recheck_source).
"""

from __future__ import annotations

from typing import Any

from migrate.errors import DistroshiftError

__all__ = ["SHORT", "detect", "label", "compatible", "check", "recheck_source", "render", "display_names"]

# Short names for sentences ("RKE2 copy verified"); detection's own names are longer.
SHORT = {
    "dkp": "DKP", "mke": "MKE", "tkg": "TKG", "tkgs": "TKGS", "openshift": "OpenShift", "rke2": "RKE2",
    "rke": "RKE", "k3s": "K3s", "microk8s": "MicroK8s", "eks": "EKS", "aks": "AKS", "gke": "GKE",
    "kind": "kind", "kubeadm": "kubeadm",
}
# Ids one playbook legitimately serves (TKG and vSphere with Tanzu clusters; kind is kubeadm inside).
_FAMILIES = [{"tkg", "tkgs"}, {"kubeadm", "kind"}]
_PREFIX = "playbook distro mismatch"


def label(distro_id: str | None) -> str:
    return SHORT.get(distro_id or "", distro_id or "")


def compatible(declared: str, detected: str) -> bool:
    if declared == detected:
        return True
    return any(declared in f and detected in f for f in _FAMILIES)


def detect(client: Any) -> Any:
    """The best DistroMatch of a live cluster (None when no rule fired)."""
    from migrate.inventory import collect_inventory

    inv, objects = collect_inventory(client, namespaces=["kube-system"])
    try:
        return inv.detection.distro
    finally:
        objects.unlink(missing_ok=True)


def _declared(ctx, side: str) -> str | None:
    pb = getattr(ctx, "playbook", None)
    return ((getattr(pb, side, None) or {}).get("distro") or None) if pb is not None else None


def display_names(ctx) -> tuple[str, str]:
    """(source, target) for messages: the detected distros, else the declared ones, else neutral words."""
    out = []
    for side in ("source", "target"):
        found = getattr(ctx.state, f"{side}_distro", None) or _declared(ctx, side)
        out.append(label(found) if found else f"the {side}")
    return out[0], out[1]


def _mismatches(ctx) -> list[str]:
    return [w for w in getattr(ctx.state, "warnings", []) if w.startswith(_PREFIX)]


def render(ctx, text: str, *, playbook_text: bool = False) -> str:
    """Fill `{source}` / `{target}` with the detected names. A playbook's own text naming distros
    literally (a custom playbook) gets a note when its distros were not the detected ones."""
    src, tgt = display_names(ctx)
    if "{source}" in text or "{target}" in text:
        return text.replace("{source}", src).replace("{target}", tgt)
    if playbook_text and _mismatches(ctx):
        pb = ctx.playbook
        wrote = f"{label(_declared(ctx, 'source')) or '?'} -> {label(_declared(ctx, 'target')) or '?'}"
        return f"{text} [note: playbook {pb.name} names {wrote}; these clusters are {src} -> {tgt}]"
    return text


def _warn(ctx, st, side: str, declared: str, match) -> None:
    pb = ctx.playbook
    msg = (f"{_PREFIX} ({side}): {pb.name} declares the {side} is {label(declared)}, but the {side} "
           f"cluster looks like {match.name} ({match.id}, confidence {match.confidence:.2f}). The run goes on "
           f"(its steps are distro-neutral) and names the detected distros; check the playbook's "
           f"{side}-specific advice, or use the generic playbook")
    if msg not in ctx.state.warnings:
        ctx.state.warnings = [w for w in ctx.state.warnings if not w.startswith(f"{_PREFIX} ({side})")] + [msg]
    st.data.setdefault("warnings", []).append(msg)
    ctx.echo(f"WARNING: {msg}")


def _record(ctx, st, side: str, match, how: str) -> None:
    setattr(ctx.state, f"{side}_distro", match.id if match else None)
    st.data[f"{side}_distro"] = match.id if match else None
    declared = _declared(ctx, side)
    if match is None:
        st.actions.append(f"{side} distro: not recognised ({how})"
                          + (f"; the playbook expects {label(declared)}" if declared else ""))
        return
    st.actions.append(f"{side} distro: {match.name} (confidence {match.confidence:.2f}, {how})"
                      + (f"; the playbook expects {label(declared)}" if declared else ""))
    if declared and not compatible(declared, match.id):
        _warn(ctx, st, side, declared, match)
    elif declared:
        ctx.state.warnings = [w for w in ctx.state.warnings if not w.startswith(f"{_PREFIX} ({side})")]


def check(ctx, st) -> None:
    """Preflight: detect both clusters' distros and compare them with the playbook's."""
    for side, client in (("source", ctx.source), ("target", ctx.target)):
        try:
            match = detect(client)
        except DistroshiftError as e:
            st.actions.append(f"{side} distro: could not detect ({e})")
            continue
        _record(ctx, st, side, match, "quick detection")


def recheck_source(ctx, st, inventory) -> None:
    """The run's full source inventory has the better answer; warn if it changes the verdict."""
    match = inventory.detection.distro
    if match is None or match.id == ctx.state.source_distro:
        return
    _record(ctx, st, "source", match, "the run's inventory")
