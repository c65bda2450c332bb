"""Portable manifests in apply order. Directories are numbered so `kubectl apply -R -f manifests/`
(which walks them lexically) follows the order: CRDs, namespaces, RBAC, config, storage, workloads,
network, custom resources, admission last (a webhook must not block the objects before it)."""

from __future__ import annotations

import ctypes
import os
import re
import secrets
import shutil
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, Mapping

import yaml
from yaml.nodes import MappingNode, ScalarNode, SequenceNode

from migrate.models.common import group_of

__all__ = ["category_of", "manifest_path", "write_manifests", "to_yaml", "ManifestWriter", "CATEGORIES"]

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


class _PyDumper(yaml.SafeDumper):
    pass


# libyaml's emitter (in the PyYAML wheel) is ~10x faster than the pure-Python one and gives the same
# bytes for the plain ASCII documents that make up nearly every manifest. The two differ in how they
# fold a scalar longer than `width` and in which non-ASCII or control characters they escape, so a
# document whose fast output shows any of that (a line near `width`, a non-ASCII character, an escape,
# a document-end marker) is emitted again by the pure-Python emitter: the bytes never depend on
# whether libyaml is installed.
_FAST = hasattr(yaml, "CSafeDumper")
_WIDTH = 4096
_NEAR_WIDTH = _WIDTH // 2  # either emitter folds only once a line has passed `width` columns
_STR, _MAP, _SEQ = "tag:yaml.org,2002:str", "tag:yaml.org,2002:map", "tag:yaml.org,2002:seq"
_RESOLVED: dict[tuple[str, tuple[bool, bool]], str] = {}


def _str(dumper: yaml.SafeDumper, s: str) -> Any:
    return dumper.represent_scalar(_STR, s, style="|" if "\n" in s else None)


class _Dumper(yaml.CSafeDumper if _FAST else yaml.SafeDumper):  # type: ignore[misc,name-defined]
    """SafeDumper with the node tree built by one tight function for plain JSON data (what
    SafeRepresenter builds, aliases of a repeated dict or list included; anything else goes through
    SafeRepresenter) and implicit-tag resolution memoised: that Python side is most of a dump."""

    def represent(self, data: Any) -> None:
        self.serialize(self._node(data))
        self.represented_objects = {}
        self.object_keeper = []
        self.alias_key = None

    def _node(self, data: Any) -> Any:
        t = type(data)
        if t is str:
            return ScalarNode(_STR, data, style="|" if "\n" in data else None)
        if t is dict or t is list:
            node = self.represented_objects.get(id(data))
            if node is not None:
                return node
            self.object_keeper.append(data)
            value: list[Any] = []
            if t is dict:
                node = MappingNode(_MAP, value, flow_style=False)
                self.represented_objects[id(data)] = node
                items = list(data.items())
                try:
                    items.sort()
                except TypeError:
                    pass
                for k, v in items:  # keys and values that are strings inline: half of all nodes
                    value.append((ScalarNode(_STR, k, style="|" if "\n" in k else None) if type(k) is str else self._node(k),
                                  ScalarNode(_STR, v, style="|" if "\n" in v else None) if type(v) is str else self._node(v)))
            else:
                node = SequenceNode(_SEQ, value, flow_style=False)
                self.represented_objects[id(data)] = node
                for item in data:
                    value.append(self._node(item))
            return node
        return self.represent_data(data)

    def resolve(self, kind: Any, value: Any, implicit: Any) -> Any:
        if kind is not ScalarNode:
            return super().resolve(kind, value, implicit)
        key = (value, implicit)
        tag = _RESOLVED.get(key)
        if tag is None:
            tag = super().resolve(kind, value, implicit)
            if len(_RESOLVED) < 200_000:
                _RESOLVED[key] = tag
        return tag


_Dumper.add_representer(str, _str)
_PyDumper.add_representer(str, _str)


def to_yaml(obj: Mapping[str, Any]) -> str:
    out = yaml.dump(dict(obj), Dumper=_Dumper, sort_keys=True, default_flow_style=False, allow_unicode=True, width=_WIDTH)
    if _FAST and (not out.isascii() or "\\" in out or "\t" in out or "\r" in out or out.endswith("\n...\n")
                  or (len(out) > _NEAR_WIDTH and any(len(line) > _NEAR_WIDTH for line in out.split("\n")))):
        out = yaml.dump(dict(obj), Dumper=_PyDumper, sort_keys=True, default_flow_style=False, allow_unicode=True, width=_WIDTH)
    return out


def _sync_filesystem(path: Path) -> None:
    """One flush for every file written under path (instead of an fsync per file)."""
    syncfs = getattr(_LIBC, "syncfs", None) if _LIBC is not None else None
    if syncfs is not None:
        fd = os.open(path, os.O_RDONLY)
        try:
            if syncfs(fd) == 0:
                return
        finally:
            os.close(fd)
    os.sync()


def _fsync_dir(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:  # some filesystems cannot fsync a directory; the rename is still atomic
        pass
    finally:
        os.close(fd)


try:
    _LIBC: Any = ctypes.CDLL(None, use_errno=True)
except OSError:  # pragma: no cover - no C library to load (not Linux/BSD/macOS)
    _LIBC = None

_STAGING = (".manifests.new-", ".manifests.old-")


class ManifestWriter:
    """Writes <out_dir>/manifests as a whole, one file at a time, so no manifest has to stay in memory.

    Files go to a hidden sibling directory without a per-file fsync; commit() syncs once and swaps it
    in by rename, so manifests/ always holds exactly one plan's files (never a stale manifest from an
    older plan, never half a tree). abort() leaves the previous manifests/ untouched. Creating 100k
    files costs more in the kernel than in Python, so a few threads do the open/write/close while the
    caller renders the next manifest (a bounded number in flight)."""

    _THREADS = 4
    _IN_FLIGHT = 256

    def __init__(self, out_dir: str | os.PathLike):
        self.out_dir = Path(out_dir)
        self.out_dir.mkdir(parents=True, exist_ok=True)
        for p in self.out_dir.iterdir():  # left by a run that was killed half-way
            if p.name.startswith(_STAGING):
                _remove(p)
        self.staging = self.out_dir / f"{_STAGING[0]}{os.getpid()}-{secrets.token_hex(4)}"
        self.staging.mkdir()
        self._dirs: set[Path] = set()
        self.written: list[str] = []
        self._pool = ThreadPoolExecutor(self._THREADS, thread_name_prefix="distroshift-manifests")
        self._slots = threading.BoundedSemaphore(self._IN_FLIGHT)
        self._errors: list[BaseException] = []

    def write(self, rel: str, obj: Mapping[str, Any]) -> None:
        if self._errors:
            raise self._errors[0]
        p = self.staging / rel
        if p.parent not in self._dirs:
            p.parent.mkdir(parents=True, exist_ok=True)
            self._dirs.add(p.parent)
        data = to_yaml(obj).encode()
        self._slots.acquire()
        try:
            self._pool.submit(self._put, p, data)
        except BaseException:
            self._slots.release()
            raise
        self.written.append(rel)

    def _put(self, p: Path, data: bytes) -> None:
        try:
            # 0600 like every other artifact (mkstemp), though Secret manifests carry no values
            fd = os.open(p, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "wb") as f:
                f.write(data)
        except BaseException as e:  # e.g. disk full: raised to the caller at its next write or commit
            self._errors.append(e)
        finally:
            self._slots.release()

    def commit(self) -> list[str]:
        """Swap the new tree in; returns the paths written, in apply order."""
        self._pool.shutdown(wait=True)
        if self._errors:
            raise self._errors[0]
        _sync_filesystem(self.staging)
        final = self.out_dir / "manifests"
        old = None
        if final.exists() or final.is_symlink():
            old = self.out_dir / f"{_STAGING[1]}{os.getpid()}-{secrets.token_hex(4)}"
            os.rename(final, old)
        os.rename(self.staging, final)
        _fsync_dir(self.out_dir)
        if old is not None:
            _remove(old)
        return sorted(self.written)

    def abort(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)
        _remove(self.staging)


def _remove(p: Path) -> None:
    if p.is_dir() and not p.is_symlink():
        shutil.rmtree(p, ignore_errors=True)
    else:
        p.unlink(missing_ok=True)


def write_manifests(out_dir: Path, manifests: Mapping[str, Mapping[str, Any]]) -> list[str]:
    """Replace out_dir/manifests with exactly these files; returns their paths in apply order."""
    w = ManifestWriter(out_dir)
    try:
        for rel in sorted(manifests):
            w.write(rel, manifests[rel])
    except BaseException:
        w.abort()
        raise
    return w.commit()
