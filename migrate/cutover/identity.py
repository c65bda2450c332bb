"""Which cluster is this? The kube-system namespace's uid (ClusterInfo.uid / SourceSummary.cluster_uid).

And when source and target are the same cluster, may the run go on? Only as a namespace move: every
migrated namespace mapped to a different namespace that does not exist yet or holds nothing but what
the cluster itself puts in every namespace. Anything else would apply the plan over the source and
then scale the source (= the target) to zero.
"""

from __future__ import annotations

from typing import Any, Iterable, Mapping

from migrate.errors import ApiError

__all__ = ["cluster_uid", "namespace_move_problems", "occupied_namespaces", "same_cluster_move_error"]

# What the cluster creates in every namespace by itself (kube-controller-manager's root-CA publisher
# and ServiceAccount controller; OpenShift's service-CA publisher and build/deploy accounts).
_CLUSTER_MADE = {
    ("", "ConfigMap"): {"kube-root-ca.crt", "openshift-service-ca.crt"},
    ("", "ServiceAccount"): {"default", "builder", "deployer", "pipeline"},
}
# Kinds that say nothing about whether a namespace is in use (written by the cluster as it runs).
_IGNORED_KINDS = {("", "Event"), ("events.k8s.io", "Event")}


def cluster_uid(client: Any) -> str | None:
    """The live cluster's identity; None when it cannot be read (reported as unknown, never as a match)."""
    try:
        return ((client.get("/api/v1/namespaces/kube-system") or {}).get("metadata") or {}).get("uid") or None
    except ApiError:
        return None


def namespace_move_problems(source_namespaces: Iterable[str], namespace_map: Mapping[str, str]) -> list[str]:
    """Why moving ``source_namespaces`` through ``namespace_map`` inside ONE cluster is unsafe ([] = safe
    as far as names go): unmapped namespaces, a namespace mapped onto itself or onto another migrated
    namespace, two namespaces mapped onto one."""
    sources = sorted(set(source_namespaces))
    if not sources:
        return ["the run does not say which namespaces it moves (use --plan from 'distroshift plan' on "
                "'distroshift inventory -n NS', or a playbook with namespaces:)"]
    problems: list[str] = []
    unmapped = [ns for ns in sources if namespace_map.get(ns, ns) == ns]
    if unmapped:
        problems.append("not mapped to another namespace: " + ", ".join(unmapped)
                        + " (--namespace-map OLD=NEW for each; in one cluster they would be applied over themselves)")
    onto_source = sorted({f"{ns}->{namespace_map[ns]}" for ns in sources
                          if namespace_map.get(ns, ns) != ns and namespace_map[ns] in sources})
    if onto_source:
        problems.append("mapped onto a namespace the run also moves (and scales to zero): " + ", ".join(onto_source))
    seen: dict[str, list[str]] = {}
    for ns in sources:
        tgt = namespace_map.get(ns, ns)
        if tgt != ns:
            seen.setdefault(tgt, []).append(ns)
    clashes = [f"{', '.join(srcs)} -> {tgt}" for tgt, srcs in sorted(seen.items()) if len(srcs) > 1]
    if clashes:
        problems.append("several namespaces mapped onto one: " + "; ".join(clashes))
    return problems


def _cluster_made(group: str, kind: str, obj: Mapping[str, Any]) -> bool:
    md = obj.get("metadata") or {}
    name = md.get("name", "")
    if name in _CLUSTER_MADE.get((group, kind), ()):
        return True
    if (group, kind) == ("", "Secret"):
        # the token/pull secrets of the cluster-made ServiceAccounts (OpenShift, pre-1.24 clusters)
        sa = (md.get("annotations") or {}).get("kubernetes.io/service-account.name")
        return sa in _CLUSTER_MADE[("", "ServiceAccount")]
    return group == "rbac.authorization.k8s.io" and kind == "RoleBinding" and name.startswith("system:")


def occupied_namespaces(client: Any, namespaces: Iterable[str]) -> dict[str, str]:
    """{namespace: what is in it} for those of ``namespaces`` that exist and hold anything the cluster
    did not create there by itself. A namespace whose content cannot be read counts as occupied (an
    empty one must be proven). Namespaces being deleted count as occupied (the new copy would vanish)."""
    out: dict[str, str] = {}
    wanted = sorted(set(namespaces))
    existing = []
    for ns in wanted:
        try:
            obj = client.get(f"/api/v1/namespaces/{ns}")
        except ApiError as e:
            if e.status == 404:
                continue
            out[ns] = f"cannot be read (HTTP {e.status})"
            continue
        if obj is None:
            continue
        if (obj.get("metadata") or {}).get("deletionTimestamp"):
            out[ns] = "is being deleted"
            continue
        existing.append(ns)
    if not existing:
        return out
    resources = [r for r in client.discover() if r.namespaced and r.preferred and "list" in r.verbs
                 and (r.group, r.kind) not in _IGNORED_KINDS]
    for ns in existing:
        for r in resources:
            try:
                items = (client.get(r.path(ns), query={"limit": 100}) or {}).get("items") or []
            except ApiError as e:
                if e.status in (404, 405):  # not listable here after all (aggregated API quirks)
                    continue
                out[ns] = f"its {r.kind} objects cannot be listed (HTTP {e.status})"
                break
            mine = [o for o in items if not _cluster_made(r.group, r.kind, o)]
            if mine:
                name = (mine[0].get("metadata") or {}).get("name", "?")
                out[ns] = f"holds {r.kind} {name}" + (f" and {len(mine) - 1} more" if len(mine) > 1 else "")
                break
    return out


def same_cluster_move_error(client: Any, source_namespaces: Iterable[str], namespace_map: Mapping[str, str], *,
                            check_targets: bool = True) -> str | None:
    """None when a run whose source and target are the same cluster (``client``) is a safe namespace
    move; else one line saying why not. ``check_targets=False`` on --resume: the run itself has filled
    the target namespaces since the first check."""
    sources = sorted(set(source_namespaces))
    problems = namespace_move_problems(sources, namespace_map)
    if not problems and check_targets:
        targets = sorted({namespace_map[ns] for ns in sources})
        busy = occupied_namespaces(client, targets)
        if busy:
            problems.append("target namespaces must be new or empty: "
                            + "; ".join(f"{ns} {why}" for ns, why in sorted(busy.items())))
    if not problems:
        return None
    return "within one cluster only a namespace move is allowed: " + "; ".join(problems)
