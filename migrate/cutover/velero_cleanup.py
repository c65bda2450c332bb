"""What a velero restore of this run put on the target, found by the labels Velero stamps on it.

Velero's restore controller labels every object it restores with `velero.io/backup-name` and
`velero.io/restore-name` (docs: restore-reference.md). With `--existing-resource-policy update` it
also labels objects that *already existed* on the target and that it updated or found identical.
So `--rollback --remove-target` deletes objects labelled with one of this run's restore names,
except those recorded as present before the run's first restore (`snapshot_keys`): a pre-existing
object is never deleted, even when Velero relabelled it.
The client is duck-typed (migrate.cluster.ClusterClient).
"""

from __future__ import annotations

import hashlib
from typing import Any, Iterable, Iterator

__all__ = ["RESTORE_LABEL", "BACKUP_LABEL", "label_value", "object_key", "snapshot_keys", "restored_objects", "delete_order"]

RESTORE_LABEL = "velero.io/restore-name"
BACKUP_LABEL = "velero.io/backup-name"


def label_value(name: str) -> str:
    """The label value Velero writes for a backup/restore name: names over 63 characters are cut
    to 57 and end in the first 6 hex digits of their sha256 (velero pkg/label GetValidName)."""
    if len(name) <= 63:
        return name
    return name[:57] + hashlib.sha256(name.encode()).hexdigest()[:6]


def object_key(group: str, kind: str, namespace: str | None, name: str) -> str:
    """Same shape as migrate.models.state.AppliedObject.key."""
    return f"{group}/{kind}/{namespace or ''}/{name}"


def _listable(client: Any, *, namespaced: bool | None = None) -> list[Any]:
    out, seen = [], set()
    for r in client.discover():
        if not r.preferred or (r.group, r.kind) in seen:
            continue
        if r.verbs and not {"list", "delete"} <= set(r.verbs):
            continue
        if namespaced is not None and r.namespaced != namespaced:
            continue
        seen.add((r.group, r.kind))
        out.append(r)
    return out


def _items(client: Any, path: str, selector: str | None = None) -> Iterator[dict]:
    items: list[dict] = []
    for page in client.list_pages(path, label_selector=selector):
        if page.get("restarted"):
            items.clear()
            continue
        items += page.get("items") or []
    yield from items


def snapshot_keys(client: Any, namespaces: Iterable[str]) -> list[str]:
    """Keys of the objects a restore into `namespaces` could touch that exist now: every object in
    those namespaces (the caller passes only the ones that already exist) and every cluster-scoped one."""
    from migrate.errors import ApiError

    keys: set[str] = set()
    nss = sorted(set(namespaces))
    for r in _listable(client):
        if r.namespaced and not nss:
            continue
        paths = [r.path(ns) for ns in nss] if r.namespaced else [r.path()]
        for path in paths:
            try:
                for o in _items(client, path):
                    md = o.get("metadata") or {}
                    keys.add(object_key(r.group, r.kind, md.get("namespace") if r.namespaced else None, md.get("name", "")))
            except ApiError as e:
                if e.status in (403, 404, 405):
                    continue  # not readable: nothing of it can be counted as ours either
                raise
    return sorted(keys)


def restored_objects(client: Any, restore_names: Iterable[str]) -> list[tuple[Any, dict]]:
    """(resource, object) for every object on the cluster labelled with one of `restore_names`."""
    from migrate.errors import ApiError

    values = sorted({label_value(n) for n in restore_names})
    if not values:
        return []
    selector = f"{RESTORE_LABEL} in ({','.join(values)})"
    out = []
    for r in _listable(client):
        try:
            out += [(r, o) for o in _items(client, r.path(), selector)]
        except ApiError as e:
            if e.status in (403, 404, 405):
                continue
            raise
    return out


def delete_order(objs: list[tuple[Any, dict]]) -> list[tuple[Any, dict]]:
    """Namespaced objects first, then cluster-scoped ones, CRDs and Namespaces last (so nothing
    is left orphaned by a crash half-way)."""
    def rank(item: tuple[Any, dict]) -> tuple[int, str]:
        r, o = item
        last = {"Namespace": 3, "CustomResourceDefinition": 2}.get(r.kind, 1 if not r.namespaced else 0)
        md = o.get("metadata") or {}
        return last, f"{r.group}/{r.kind}/{md.get('namespace', '')}/{md.get('name', '')}"

    return sorted(objs, key=rank)
