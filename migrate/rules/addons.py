"""Add-ons: each detected source add-on is mapped to what the target offers (bundled, a Helm install
with an exact `helm upgrade --install` argv, kept external) or to Manual with what a human must
decide. Package-manager objects (Flux HelmRelease, kapp PackageInstall, HelmChart, OLM Subscription)
are not copied: the target has no such controller, so they become Helm installs in plan.addons."""

from __future__ import annotations

import re
from typing import Any, Mapping

from migrate.models.detection import AddonMatch
from migrate.models.inventory import PackageObject
from migrate.models.plan import AddonPlan, InstallSpec
from migrate.models.profiles import AddonOffer, TargetProfile
from migrate.rules.base import AppliesTo, Drop, Finding, Outcome, RuleContext
from migrate.rules.registry import rule

__all__ = ["plan_addons", "dedupe_installs", "helm_argv", "clean_values", "find_offer", "PACKAGE_KINDS", "ADDON_API_GROUPS", "addon_group_index"]

# API groups each add-on's CRDs define: its CRDs come back with the target's add-on install.
ADDON_API_GROUPS: dict[str, tuple[str, ...]] = {
    "cert-manager": ("cert-manager.io", "acme.cert-manager.io"),
    "kube-prometheus-stack": ("monitoring.coreos.com",),
    "prometheus": ("monitoring.coreos.com",),
    "velero": ("velero.io",),
    "traefik": ("traefik.containo.us", "traefik.io"),
    "contour": ("projectcontour.io",),
    "metallb": ("metallb.io",),
    "gatekeeper": ("templates.gatekeeper.sh", "constraints.gatekeeper.sh", "config.gatekeeper.sh", "mutations.gatekeeper.sh",
                   "status.gatekeeper.sh", "externaldata.gatekeeper.sh", "expansion.gatekeeper.sh"),
    "external-dns": ("externaldns.k8s.io",),
    "logging-operator": ("logging.banzaicloud.io", "logging-extensions.banzaicloud.io"),
    "calico": ("crd.projectcalico.org", "operator.tigera.io"),
    "antrea": ("crd.antrea.io",),
    "cilium": ("cilium.io",),
    "rook-ceph": ("ceph.rook.io",),
    "longhorn": ("longhorn.io",),
    "kyverno": ("kyverno.io",),
    "argo-cd": ("argoproj.io",),
    "kubecost": ("kubecost.com",),
}

PACKAGE_KINDS = {
    ("helm.toolkit.fluxcd.io", "HelmRelease"): "flux-helmrelease",
    ("packaging.carvel.dev", "PackageInstall"): "kapp-packageinstall",
    ("kappctrl.k14s.io", "App"): "kapp-app",
    ("helm.cattle.io", "HelmChart"): "helmchart",
    ("operators.coreos.com", "Subscription"): "olm-subscription",
    ("argoproj.io", "Application"): "argocd-application",
}
_SECRET_KEY = re.compile(r"(password|passwd|secret|token|apikey|api_key|credential|private.?key|accesskey|secretkey)", re.I)


def clean_values(values: Any, path: str = "") -> tuple[Any, list[str]]:
    """Values without anything that looks like a credential (keys listed so a human can re-add them)."""
    removed: list[str] = []
    if isinstance(values, dict):
        out: dict[str, Any] = {}
        for k, v in values.items():
            p = f"{path}.{k}" if path else str(k)
            if _SECRET_KEY.search(str(k)) and not isinstance(v, (dict, list)):
                removed.append(p)
                continue
            out[k], r = clean_values(v, p)
            removed += r
        return out, removed
    if isinstance(values, list):
        res = []
        for i, v in enumerate(values):
            c, r = clean_values(v, f"{path}[{i}]")
            res.append(c)
            removed += r
        return res, removed
    return values, removed


def helm_argv(release: str, chart: str, repo: str | None, version: str | None, namespace: str, values_file: str | None) -> list[str]:
    argv = ["helm", "upgrade", "--install", release]
    if repo and repo.startswith("oci://"):
        argv.append(f"{repo.rstrip('/')}/{chart}")
    else:
        argv.append(chart)
        if repo:
            argv += ["--repo", repo]
    if version:
        argv += ["--version", version]
    argv += ["--namespace", namespace, "--create-namespace"]
    if values_file:
        argv += ["--values", values_file]
    return argv


def find_offer(source_id: str, category: str, target: TargetProfile) -> AddonOffer | None:
    exact = [o for o in target.addons if o.id == source_id]
    if exact:
        return exact[0]
    repl = [o for o in target.addons if source_id in o.replaces]
    if repl:
        return sorted(repl, key=lambda o: (not o.default_for_category, o.id))[0]
    return None


def closest_offer(category: str, target: TargetProfile) -> AddonOffer | None:
    same_cat = [o for o in target.addons if o.category == category and o.default_for_category]
    return same_cat[0] if same_cat else None


def _package_for(addon: AddonMatch, packages: list[PackageObject]) -> PackageObject | None:
    if not addon.managed_by or ":" not in addon.managed_by:
        return None
    typ, _, ref = addon.managed_by.partition(":")
    for p in packages:
        if p.type == typ and f"{p.ref.namespace}/{p.ref.name}" == ref:
            return p
    return None


def _plan_one(source_id: str, name: str, category: str, version: str | None, pkg: PackageObject | None, target: TargetProfile,
              network_policies: int, repo_urls: Mapping[str, str]) -> tuple[AddonPlan, dict[str, Any] | None]:
    offer = find_offer(source_id, category, target)
    notes: list[str] = []
    if offer is None:
        near = closest_offer(category, target)
        hint = f"; the closest offer is {near.name}, which is not a drop-in replacement" if near else ""
        return AddonPlan(source_id=source_id, source_name=name, category=category, source_version=version, action="Manual",
                         notes=[f"{target.name} offers no add-on known to replace {name}: decide whether to install it yourself or drop it{hint}"]), None
    notes += offer.notes
    same = offer.id == source_id or (pkg is not None and offer.install.chart == pkg.name)
    if category == "cni" and network_policies:
        if target.network.network_policy:
            notes.append(f"{network_policies} NetworkPolicy objects migrate; {target.network.cni} enforces them, but CNI-specific policy kinds do not carry over")
        else:
            notes.append(f"{network_policies} NetworkPolicy objects will NOT be enforced by {target.network.cni} as configured by default: " + "; ".join(target.network.notes))
    m = offer.install.method
    action = offer.action or ("Bundled" if m == "bundled" else "Manual" if m == "manual" else ("Install" if same else "Replace"))
    install: InstallSpec | None = None
    values_out: dict[str, Any] | None = None
    if m in ("helm", "package"):
        ns = offer.install.namespace or "default"
        release = offer.install.release or offer.id
        chart, repo, ver = offer.install.chart or offer.id, offer.install.repo, offer.install.version or offer.version
        values: dict[str, Any] = {}
        if pkg and same and pkg.values:
            values, removed = clean_values(pkg.values)
            if removed:
                notes.append("values that look like credentials were not carried over: " + ", ".join(removed))
        if pkg and not same and pkg.values:
            notes.append(f"the source's {name} values do not apply to {offer.name}: review its configuration by hand")
        if pkg and pkg.values_from:
            notes.append("values also came from " + ", ".join(pkg.values_from) + " (not carried over)")
        vf = f"addons/{offer.id}.values.yaml" if values else None
        cmd = helm_argv(release, chart, repo, ver, ns, vf) if m == "helm" else []
        if m == "package":
            notes.append(f"install the {chart} package from {repo} ({offer.install.method})")
        install = InstallSpec(method=m, chart=chart, repo=repo, version=ver, namespace=ns, release=release, values=values, command=cmd)
        values_out = values or None
    elif m == "bundled":
        install = InstallSpec(method="bundled")
    else:
        install = InstallSpec(method="manual")
    return AddonPlan(source_id=source_id, source_name=name, category=category, source_version=version, target_id=offer.id,
                     target_name=offer.name, target_version=offer.version or offer.install.version, action=action, install=install,
                     notes=notes), values_out


def plan_addons(addons: list[AddonMatch], packages: list[PackageObject], target: TargetProfile, network_policies: int,
                workload_namespaces: set[str], repo_urls: Mapping[str, str]) -> tuple[list[AddonPlan], dict[str, dict[str, Any]]]:
    """(add-on plans sorted by category/id, values files to write: target id -> values)."""
    plans: list[AddonPlan] = []
    values: dict[str, dict[str, Any]] = {}
    seen: set[str] = set()
    for a in sorted(addons, key=lambda a: (a.category.value if hasattr(a.category, "value") else str(a.category), a.id)):
        if a.id in seen:
            continue
        seen.add(a.id)
        cat = a.category.value if hasattr(a.category, "value") else str(a.category)
        ap, vals = _plan_one(a.id, a.name, cat, a.version, _package_for(a, packages), target, network_policies, repo_urls)
        plans.append(ap)
        if vals and ap.target_id:
            values[ap.target_id] = vals
    # An application the team deploys itself through Flux/kapp in a workload namespace: carry it as a Helm install.
    for p in sorted(packages, key=lambda p: (p.ref.namespace or "", p.ref.name)):
        if p.ref.namespace not in workload_namespaces or p.type not in ("flux-helmrelease", "helmchart"):
            continue
        sid = f"{p.type}:{p.ref.namespace}/{p.ref.name}"
        if any(a.managed_by == sid for a in addons):
            continue
        repo = repo_urls.get(p.source or "", p.source if p.source and "://" in p.source else None)
        vals, removed = clean_values(p.values)
        notes = ["values that look like credentials were not carried over: " + ", ".join(removed)] if removed else []
        if repo is None:
            notes.append(f"chart repository {p.source or '(unknown)'} could not be resolved to a URL")
        ns = p.target_namespace or p.ref.namespace or "default"
        vf = f"addons/{p.ref.namespace}-{p.ref.name}.values.yaml" if vals else None
        cmd = helm_argv(p.ref.name, p.name, repo, p.version, ns, vf)
        plans.append(AddonPlan(source_id=sid, source_name=p.name, category="other", source_version=p.version, target_id=f"{p.ref.namespace}-{p.ref.name}",
                               target_name=p.name, target_version=p.version, action="Install" if repo else "Manual",
                               install=InstallSpec(method="helm", chart=p.name, repo=repo, version=p.version, namespace=ns, release=p.ref.name,
                                                   values=vals, command=cmd), notes=notes))
        if vals:
            values[f"{p.ref.namespace}-{p.ref.name}"] = vals
    return plans, values


def dedupe_installs(plans: list[AddonPlan]) -> list[AddonPlan]:
    """One entry per Helm/package install (chart, release, namespace): several source add-ons that the
    same target chart covers (Grafana, Prometheus and kube-prometheus-stack -> kube-prometheus-stack)
    must not install it several times. The kept entry is the one installing its own kind (action
    Install), else the first; its notes name every source add-on it covers."""
    groups: dict[tuple[str, str, str], list[AddonPlan]] = {}
    order: list[AddonPlan | tuple[str, str, str]] = []
    for p in plans:
        i = p.install
        if i is None or i.method not in ("helm", "package") or not i.chart:
            order.append(p)
            continue
        key = (i.chart, i.release or "", i.namespace or "")
        if key not in groups:
            groups[key] = []
            order.append(key)
        groups[key].append(p)
    out: list[AddonPlan] = []
    for item in order:
        if isinstance(item, AddonPlan):
            out.append(item)
            continue
        members = groups[item]
        if len(members) == 1:
            out.append(members[0])
            continue
        keep = next((m for m in members if m.action == "Install"), members[0])
        notes = [f"one install covers the source add-ons {', '.join(m.source_name for m in members)}"]
        for m in [keep, *(m for m in members if m is not keep)]:
            for n in m.notes:
                if n not in notes:
                    notes.append(n)
        out.append(keep.model_copy(update={"notes": notes}))
    return out


def addon_group_index(plans: list[AddonPlan]) -> dict[str, tuple[str, str | None, str]]:
    out: dict[str, tuple[str, str | None, str]] = {}
    for p in plans:
        for g in ADDON_API_GROUPS.get(p.source_id, ()):
            out.setdefault(g, (p.source_id, p.target_id, p.action))
    return out


@rule("distroshift.io/addons/crds", priority=92, applies_to=AppliesTo(groups=("apiextensions.k8s.io",), kinds=("CustomResourceDefinition",)))
def addon_crds(obj: Mapping[str, Any], ctx: RuleContext) -> list[Outcome]:
    """CRDs of a source add-on that the target installs (or replaces) come with that install, not from here."""
    hit = ctx.addon_groups.get((obj.get("spec") or {}).get("group", ""))
    if hit is None or hit[2] in ("Manual", "Keep", "Drop"):
        return []
    src, tgt, action = hit
    if src == tgt:
        return [Drop(f"CRD of {src}: installed on the target with the {tgt} add-on (see plan.addons)")]
    return [Drop(f"CRD of {src}, which the target replaces with {tgt} (see plan.addons)")]


@rule("distroshift.io/addons/custom-resources", priority=92)
def addon_custom_resources(obj: Mapping[str, Any], ctx: RuleContext) -> list[Outcome]:
    """Custom resources of a replaced add-on have no controller on the target; those of a re-installed one
    apply once the add-on is installed."""
    group = obj.get("apiVersion", "").rpartition("/")[0]
    hit = ctx.addon_groups.get(group) if group else None
    if hit is None or obj.get("kind") == "CustomResourceDefinition":
        return []
    src, tgt, action = hit
    if action == "Manual":
        return []
    if src == tgt or action == "Install":
        return [Finding("Info", "ADDON_CR_NEEDS_ADDON", f"{obj.get('kind')} applies once the {tgt} add-on is installed on the target")]
    return [Drop(f"{obj.get('kind')} belongs to {src}, which the target replaces with {tgt}"),
            Finding("Warning", "ADDON_CR_NOT_CARRIED", f"{obj.get('kind')} of {src} has no equivalent on {tgt}",
                    resolution=f"re-create what it did with {tgt}'s own configuration")]


@rule("distroshift.io/addons/package-objects", priority=95)
def package_objects(obj: Mapping[str, Any], ctx: RuleContext) -> list[Outcome]:
    """Package-manager objects become Helm installs in plan.addons; the target has no such controller."""
    group = obj.get("apiVersion", "").rpartition("/")[0]
    typ = PACKAGE_KINDS.get((group, obj.get("kind", "")))
    if typ is None:
        return []
    md = obj.get("metadata") or {}
    return [Drop(f"{typ} object: installed on the target as planned in plan.addons ({typ}:{md.get('namespace')}/{md.get('name')})")]
