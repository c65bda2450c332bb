"""Pod security: PodSecurityPolicy (removed in 1.25) and OpenShift SecurityContextConstraints become
Pod Security Admission namespace labels, at the level derived from the rules of the policies each
namespace's service accounts may `use`. Workloads that need more than their namespace will enforce
on the target are flagged."""

from __future__ import annotations

from typing import Any, Iterable, Mapping

from migrate.rules.base import AppliesTo, Drop, Finding, Outcome, Patch, RuleContext, pod_spec_path, ptr
from migrate.rules.registry import rule

__all__ = ["psp_level", "scc_level", "pod_level", "derive_namespace_levels", "LEVELS", "PSA_PREFIX"]

LEVELS = ("restricted", "baseline", "privileged")  # least to most permissive
PSA_PREFIX = "pod-security.kubernetes.io/"
BASELINE_CAPS = {"AUDIT_WRITE", "CHOWN", "DAC_OVERRIDE", "FOWNER", "FSETID", "KILL", "MKNOD", "NET_BIND_SERVICE",
                 "SETFCAP", "SETGID", "SETPCAP", "SETUID", "SYS_CHROOT"}
RESTRICTED_VOLUMES = {"configMap", "csi", "downwardAPI", "emptyDir", "ephemeral", "persistentVolumeClaim", "projected", "secret"}


def _max(levels: Iterable[str]) -> str:
    ls = list(levels)
    return max(ls, key=LEVELS.index) if ls else "restricted"


def psp_level(psp: Mapping[str, Any]) -> str:
    """The PSA level whose checks a PodSecurityPolicy's rules fit in."""
    s = psp.get("spec") or {}
    caps = set(s.get("allowedCapabilities") or [])
    vols = set(s.get("volumes") or [])
    if (s.get("privileged") or s.get("hostNetwork") or s.get("hostPID") or s.get("hostIPC") or s.get("hostPorts")
            or "*" in caps or caps - BASELINE_CAPS or "*" in vols or "hostPath" in vols):
        return "privileged"
    run_as = (s.get("runAsUser") or {}).get("rule")
    ranges = (s.get("runAsUser") or {}).get("ranges") or []
    non_root = run_as == "MustRunAsNonRoot" or (run_as == "MustRunAs" and ranges and all(r.get("min", 0) > 0 for r in ranges))
    drops_all = "ALL" in (s.get("requiredDropCapabilities") or [])
    no_escalation = s.get("allowPrivilegeEscalation") is False
    if non_root and drops_all and no_escalation and vols and vols <= RESTRICTED_VOLUMES | {"persistentVolumeClaim"}:
        return "restricted"
    return "baseline"


def scc_level(scc: Mapping[str, Any]) -> str:
    """The PSA level an OpenShift SecurityContextConstraints object corresponds to."""
    caps = set(scc.get("allowedCapabilities") or [])
    vols = set(scc.get("volumes") or [])
    if (scc.get("allowPrivilegedContainer") or scc.get("allowHostNetwork") or scc.get("allowHostPID") or scc.get("allowHostIPC")
            or scc.get("allowHostPorts") or scc.get("allowHostDirVolumePlugin") or "*" in caps or caps - BASELINE_CAPS
            or "*" in vols or "hostPath" in vols):
        return "privileged"
    run_as = (scc.get("runAsUser") or {}).get("type")
    drops_all = "ALL" in (scc.get("requiredDropCapabilities") or [])
    if run_as in ("MustRunAsRange", "MustRunAsNonRoot", "MustRunAs") and drops_all and scc.get("allowPrivilegeEscalation") is False:
        return "restricted"
    return "baseline"


def pod_level(spec: Mapping[str, Any]) -> tuple[str, str]:
    """(least PSA level that admits this pod spec, why)."""
    if spec.get("hostNetwork") or spec.get("hostPID") or spec.get("hostIPC"):
        return "privileged", "host namespaces"
    if any("hostPath" in v for v in spec.get("volumes") or []):
        return "privileged", "hostPath volume"
    containers = [c for f in ("initContainers", "containers", "ephemeralContainers") for c in spec.get(f) or []]
    for c in containers:
        sc = c.get("securityContext") or {}
        if sc.get("privileged"):
            return "privileged", f"privileged container {c.get('name')}"
        if set((sc.get("capabilities") or {}).get("add") or []) - BASELINE_CAPS:
            return "privileged", f"capabilities added to {c.get('name')}"
        if any(p.get("hostPort") for p in c.get("ports") or []):
            return "privileged", f"hostPort on {c.get('name')}"
    psc = spec.get("securityContext") or {}
    for c in containers:
        sc = c.get("securityContext") or {}
        if not (sc.get("runAsNonRoot", psc.get("runAsNonRoot")) or (sc.get("runAsUser", psc.get("runAsUser")) or 0) > 0):
            return "baseline", f"{c.get('name')} may run as root"
        if sc.get("allowPrivilegeEscalation") is not False:
            return "baseline", f"{c.get('name')} allows privilege escalation"
        if "ALL" not in ((sc.get("capabilities") or {}).get("drop") or []):
            return "baseline", f"{c.get('name')} does not drop ALL capabilities"
        prof = (sc.get("seccompProfile") or psc.get("seccompProfile") or {}).get("type")
        if prof not in ("RuntimeDefault", "Localhost"):
            return "baseline", f"{c.get('name')} has no RuntimeDefault seccomp profile"
    return "restricted", ""


def _granted(rules: list[Mapping[str, Any]], resource: str, groups: set[str]) -> set[str] | None:
    """Policy names a role lets its subjects `use` ({"*"} = all), or None."""
    names: set[str] = set()
    hit = False
    for r in rules or []:
        if not set(r.get("apiGroups") or []) & (groups | {"*"}):
            continue
        if not set(r.get("resources") or []) & {resource, "*"}:
            continue
        if not set(r.get("verbs") or []) & {"use", "*"}:
            continue
        hit = True
        names |= set(r.get("resourceNames") or ["*"])
    return names if hit else None


def derive_namespace_levels(objects: Iterable[Mapping[str, Any]], namespaces: Iterable[str]) -> tuple[dict[str, str], dict[str, str]]:
    """(namespace -> PSA level, namespace -> the policy it came from) from PSPs/SCCs and who may use them."""
    nss = sorted(set(namespaces))
    policies: dict[tuple[str, str], str] = {}  # (Kind, name) -> level
    roles: dict[tuple[str, str, str], tuple[str, set[str]]] = {}  # (kind, ns, name) -> (policy kind, names)
    bindings: list[Mapping[str, Any]] = []
    scc_direct: list[tuple[Mapping[str, Any], str]] = []
    for o in objects:
        kind = o.get("kind")
        md = o.get("metadata") or {}
        if kind == "PodSecurityPolicy":
            policies[("PodSecurityPolicy", md.get("name", ""))] = psp_level(o)
        elif kind == "SecurityContextConstraints":
            lvl = scc_level(o)
            policies[("SecurityContextConstraints", md.get("name", ""))] = lvl
            scc_direct.append((o, lvl))
        elif kind in ("Role", "ClusterRole"):
            for pk, res, groups in (("PodSecurityPolicy", "podsecuritypolicies", {"policy", "extensions"}),
                                    ("SecurityContextConstraints", "securitycontextconstraints", {"security.openshift.io"})):
                g = _granted(o.get("rules") or [], res, groups)
                if g is not None:
                    roles[(kind, md.get("namespace") or "", md.get("name", ""))] = (pk, g)
        elif kind in ("RoleBinding", "ClusterRoleBinding"):
            bindings.append(o)
    grants: dict[str, list[tuple[str, str]]] = {ns: [] for ns in nss}  # ns -> [(level, source)]

    def subject_namespaces(subj: Mapping[str, Any], binding_ns: str | None) -> list[str]:
        k, name = subj.get("kind"), subj.get("name", "")
        if k == "ServiceAccount":
            return [subj.get("namespace") or binding_ns or ""]
        if k == "Group":
            if name in ("system:serviceaccounts", "system:authenticated"):
                return [binding_ns] if binding_ns else nss
            if name.startswith("system:serviceaccounts:"):
                return [name.split(":", 2)[2]]
        if k == "User" and name.startswith("system:serviceaccount:"):
            return [name.split(":")[2]]
        return []

    def grant(ns: str, pk: str, names: set[str]) -> None:
        if ns not in grants:
            return
        for (kind, pname), lvl in policies.items():
            if kind == pk and ("*" in names or pname in names):
                grants[ns].append((lvl, f"{kind}/{pname}"))

    for b in bindings:
        ref = b.get("roleRef") or {}
        bns = (b.get("metadata") or {}).get("namespace")
        role_ns = (bns or "") if ref.get("kind") == "Role" else ""
        role = roles.get((ref.get("kind", ""), role_ns, ref.get("name", "")))
        if role is None:
            continue
        for s in b.get("subjects") or []:
            for ns in subject_namespaces(s, bns if b.get("kind") == "RoleBinding" else None):
                grant(ns, role[0], role[1])
    for scc, lvl in scc_direct:  # SCCs also list their users and groups directly
        name = (scc.get("metadata") or {}).get("name", "")
        for u in scc.get("users") or []:
            for ns in subject_namespaces({"kind": "User", "name": u}, None):
                if ns in grants:
                    grants[ns].append((lvl, f"SecurityContextConstraints/{name}"))
        for g in scc.get("groups") or []:
            for ns in subject_namespaces({"kind": "Group", "name": g}, None):
                if ns in grants:
                    grants[ns].append((lvl, f"SecurityContextConstraints/{name}"))
    levels: dict[str, str] = {}
    sources: dict[str, str] = {}
    for ns, gs in grants.items():
        if gs:
            lvl = _max(g[0] for g in gs)
            levels[ns] = lvl
            sources[ns] = sorted(s for l, s in gs if l == lvl)[0]
    return levels, sources


@rule("distroshift.io/podsecurity/policies", priority=70, applies_to=AppliesTo(kinds=("PodSecurityPolicy", "SecurityContextConstraints")))
def policies(obj: Mapping[str, Any], ctx: RuleContext) -> list[Outcome]:
    """PodSecurityPolicy/SCC objects are not migrated; their rules become PSA labels on namespaces."""
    name = (obj.get("metadata") or {}).get("name", "")
    kind = obj.get("kind")
    if kind == "SecurityContextConstraints" and ctx.target.pod_security.model == "scc":
        return []
    src = f"{kind}/{name}"
    used_by = sorted(ns for ns, s in ctx.psa_sources.items() if s == src)
    lvl = psp_level(obj) if kind == "PodSecurityPolicy" else scc_level(obj)
    where = f"namespaces {', '.join(ctx.target_namespace(n) or n for n in used_by)}" if used_by else "no migrated namespace"
    out: list[Outcome] = [Drop(f"{kind} does not exist on the target; its rules (PSA level {lvl}) become pod-security labels on {where}")]
    if ctx.target.pod_security.model == "scc":
        out.append(Finding("Warning", "PSP_TO_SCC", f"{src} (level {lvl}) must be expressed as an SCC on the target",
                           resolution="grant an equivalent SCC (restricted-v2, nonroot-v2, anyuid, privileged) to the service accounts"))
    else:
        out.append(Finding("Info", "PSP_TO_PSA", f"{src} -> Pod Security Admission level {lvl} on {where}"))
    return out


def namespace_labels(ns: str, existing: Mapping[str, str], ctx: RuleContext) -> dict[str, str]:
    """The pod-security labels a namespace gets on the target (existing PSA labels are kept)."""
    if ctx.target.pod_security.model != "psa":
        return {}
    if any(k.startswith(PSA_PREFIX) for k in existing):
        return {k: v for k, v in existing.items() if k.startswith(PSA_PREFIX)}
    lvl = ctx.psa_levels.get(ns)
    if lvl is None:
        return {}
    return {f"{PSA_PREFIX}enforce": lvl, f"{PSA_PREFIX}audit": lvl, f"{PSA_PREFIX}warn": lvl}


@rule("distroshift.io/podsecurity/namespace-labels", priority=60, applies_to=AppliesTo(groups=("",), kinds=("Namespace",)))
def ns_labels(obj: Mapping[str, Any], ctx: RuleContext) -> list[Outcome]:
    """Namespaces get PSA labels at the level their source pod security policies allowed."""
    md = obj.get("metadata") or {}
    existing = md.get("labels") or {}
    want = namespace_labels(md.get("name", ""), existing, ctx)
    add = {k: v for k, v in want.items() if existing.get(k) != v}
    if not add:
        return []
    if not existing:
        ops = [{"op": "add", "path": "/metadata/labels", "value": add}]
    else:
        ops = [{"op": "add", "path": ptr("metadata", "labels", k), "value": v} for k, v in sorted(add.items())]
    return [Patch(ops, f"Pod Security Admission labels derived from {ctx.psa_sources.get(md.get('name', ''), 'the source policies')}")]


@rule("distroshift.io/podsecurity/workload-fit", priority=40)
def workload_fit(obj: Mapping[str, Any], ctx: RuleContext) -> list[Outcome]:
    """Flag pods that need more than their namespace will enforce on the target."""
    if ctx.target.pod_security.model != "psa":
        return []
    parts = pod_spec_path(obj)
    if parts is None:
        return []
    spec: Any = obj
    for p in parts:
        spec = spec[p]
    ns = (obj.get("metadata") or {}).get("namespace") or ""
    enforced = ctx.psa_levels.get(ns) or ctx.target.pod_security.default_enforce
    need, why = pod_level(spec)
    if LEVELS.index(need) > LEVELS.index(enforced):
        return [Finding("Blocker" if ns not in ctx.psa_levels else "Warning", "POD_SECURITY_VIOLATION",
                        f"pod needs PSA level {need} ({why}) but namespace {ctx.target_namespace(ns)} enforces {enforced} on the target",
                        path=ptr(*parts), resolution=f"harden the pod, or label the namespace pod-security.kubernetes.io/enforce={need}")]
    return []
