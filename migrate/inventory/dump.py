"""Offline inventory: read a dump instead of a cluster.

Accepted inputs (`--from-dump PATH`):
- a `kubectl get ... -A -o yaml|json` file (a List, or any multi-document YAML/JSON of objects);
- a directory of manifests, read recursively (*.yaml, *.yml, *.json);
- a sonobuoy results tarball (.tar.gz/.tgz/.tar), read in memory member by member (never extracted),
  or its extracted tree / its `resources/` directory. Both sonobuoy layouts are understood: the
  modern `resources/{cluster,ns/<ns>}/<group>_<version>_<resource>.json` List files and the old
  (<= v0.14) `Nodes.json`-style bare arrays whose items carry no kind (taken from the file name and selfLink).
Dumps carry no /version unless sonobuoy's serverversion.json is there; otherwise git_version is inferred
from the nodes' kubelet versions.
"""

from __future__ import annotations

import json
import re
import tarfile
from pathlib import Path, PurePosixPath
from typing import Any, Iterator

import yaml

from migrate.errors import InputError
from migrate.models.common import Finding, Severity, group_of

__all__ = ["read_dump", "DumpObject", "guess_plural", "MAX_MEMBER_BYTES", "MAX_TOTAL_BYTES"]

MAX_MEMBER_BYTES = 1 << 30  # one file in a tarball
MAX_TOTAL_BYTES = 8 << 30  # everything read from a tarball
MAX_MEMBERS = 500_000
_SUFFIXES = (".yaml", ".yml", ".json")
try:
    _BaseLoader: Any = yaml.CSafeLoader
except AttributeError:  # pragma: no cover
    _BaseLoader = yaml.SafeLoader


class _Loader(_BaseLoader):  # type: ignore[misc,valid-type]
    """Safe YAML read the way kubectl/the apiserver read it (sigs.k8s.io/yaml over yaml.v2): an unquoted
    timestamp (`creationTimestamp: 2024-01-06T08:00:00Z`) stays a string, not a datetime that JSON
    cannot hold."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in _BaseLoader.yaml_implicit_resolvers.items()
}

DumpObject = dict[str, Any]
_SELFLINK = re.compile(r"^/(?:api|apis/([^/]+))/([^/]+)/")


def guess_plural(kind: str) -> str:
    """kind -> resource, as kubectl's RESTMapper guesses when discovery is not available."""
    k = kind.lower()
    if k.endswith("endpoints"):
        return k
    if k.endswith("s") or k.endswith("x") or k.endswith("ch") or k.endswith("sh"):
        return k + "es"
    if k.endswith("y") and len(k) > 1 and k[-2] not in "aeiou":
        return k[:-1] + "ies"
    return k + "s"


def _singular_camel(plural: str) -> str:
    """Old sonobuoy file names: 'StorageClasses' -> 'StorageClass', 'Endpoints' stays."""
    if plural.endswith("Endpoints"):
        return plural
    if plural.endswith("ies"):
        return plural[:-3] + "y"
    if plural.endswith(("sses", "uses", "xes", "ches", "shes")):
        return plural[:-2]
    return plural[:-1] if plural.endswith("s") else plural


class _Reader:
    def __init__(self, source: Path):
        self.source = source
        self.warnings: list[Finding] = []
        self.server_version: dict[str, Any] | None = None
        self.skipped = 0

    def skip(self, where: str, why: str) -> None:
        self.skipped += 1
        if self.skipped <= 20:
            self.warnings.append(Finding(code="DUMP_ITEM_SKIPPED", severity=Severity.Warning, message=f"{where}: {why}"))

    # ---- parsing ------------------------------------------------------------------------------
    def docs(self, text: str, where: str) -> Iterator[Any]:
        stripped = text.lstrip()
        if where.endswith(".json") or stripped.startswith(("{", "[")):
            try:
                yield json.loads(text)
                return
            except json.JSONDecodeError as e:
                if where.endswith(".json"):
                    raise InputError(f"not valid JSON at line {e.lineno} ({e.msg})", path=where) from None
        try:
            yield from yaml.load_all(text, Loader=_Loader)
        except yaml.YAMLError as e:
            mark = getattr(e, "problem_mark", None)
            line = f" at line {mark.line + 1}" if mark else ""
            problem = getattr(e, "problem", None) or "syntax error"
            raise InputError(f"not valid YAML{line} ({problem})", path=where) from None

    def objects(self, doc: Any, where: str, hint: dict[str, str] | None = None) -> Iterator[DumpObject]:
        """Objects of one document: a List (kind *List or bare array) is flattened; kind/apiVersion filled from hints."""
        if doc is None:
            return
        if isinstance(doc, list):
            items = doc
        elif isinstance(doc, dict) and isinstance(doc.get("items"), list) and (str(doc.get("kind", "")).endswith("List") or "kind" not in doc):
            items = doc["items"]
            if hint is not None and str(doc.get("kind", "")).endswith("List") and doc["kind"] != "List":
                hint = {**hint, "kind": hint.get("kind") or doc["kind"][:-4]}
                if doc.get("apiVersion") and not hint.get("apiVersion"):
                    hint["apiVersion"] = doc["apiVersion"]
        elif isinstance(doc, dict):
            items = [doc]
        else:
            self.skip(where, f"a {type(doc).__name__} document is not a Kubernetes object")
            return
        for it in items:
            if not isinstance(it, dict):
                self.skip(where, "an item is not a mapping")
                continue
            if hint:
                if not it.get("kind") and hint.get("kind"):
                    it["kind"] = hint["kind"]
                if not it.get("apiVersion"):
                    sl = (it.get("metadata") or {}).get("selfLink") or ""
                    m = _SELFLINK.match(sl)
                    if m:
                        it["apiVersion"] = f"{m.group(1)}/{m.group(2)}" if m.group(1) else m.group(2)
                    elif hint.get("apiVersion"):
                        it["apiVersion"] = hint["apiVersion"]
            md = it.get("metadata")
            if not it.get("apiVersion") or not it.get("kind") or not isinstance(md, dict) or not md.get("name"):
                self.skip(where, "an item without apiVersion, kind or metadata.name was skipped")
                continue
            yield it

    # ---- sources --------------------------------------------------------------------------------
    def sonobuoy_hint(self, rel: PurePosixPath) -> dict[str, str]:
        """resources/cluster/apps_v1_deployments.json -> apiVersion apps/v1; resources/ns/x/Deployments.json -> kind."""
        stem = rel.stem
        parts = stem.split("_")
        if len(parts) == 3:
            g, v, _ = parts
            return {"apiVersion": v if g == "core" else f"{g}/{v}"}
        if stem[:1].isupper():
            return {"kind": _singular_camel(stem)}
        return {}

    def from_text(self, text: str, where: str, hint: dict[str, str] | None = None) -> Iterator[DumpObject]:
        for doc in self.docs(text, where):
            yield from self.objects(doc, where, hint)

    def from_dir(self, root: Path) -> Iterator[DumpObject]:
        res = None
        if (root / "resources").is_dir() and ((root / "resources" / "cluster").is_dir() or (root / "resources" / "ns").is_dir()):
            res = root / "resources"
            self._server_version_file(root / "serverversion.json")
        elif root.name == "resources" and ((root / "cluster").is_dir() or (root / "ns").is_dir()):
            res = root
            self._server_version_file(root.parent / "serverversion.json")
        base = res or root
        for p in sorted(base.rglob("*")):
            if p.is_symlink() or not p.is_file() or p.suffix.lower() not in _SUFFIXES:
                continue  # a link could point anywhere; dumps are plain files
            rel = PurePosixPath(p.relative_to(base).as_posix())
            try:
                text = p.read_text(encoding="utf-8")
            except UnicodeDecodeError:
                raise InputError("not a UTF-8 text file", path=str(p)) from None
            yield from self.from_text(text, str(p), self.sonobuoy_hint(rel) if res else None)

    def _server_version_file(self, p: Path) -> None:
        if p.is_file():
            try:
                v = json.loads(p.read_text(encoding="utf-8"))
                self.server_version = v if isinstance(v, dict) else None
            except (ValueError, UnicodeDecodeError):
                raise InputError("not valid JSON", path=str(p)) from None

    def from_tar(self, path: Path) -> Iterator[DumpObject]:
        try:
            tf = tarfile.open(path, "r:*")
        except (tarfile.TarError, OSError, EOFError) as e:
            raise InputError(f"not a readable tarball ({e})", path=str(path)) from None
        total = 0
        found = False
        with tf:
            try:
                for n, m in enumerate(tf):
                    if n >= MAX_MEMBERS:
                        raise InputError(f"more than {MAX_MEMBERS} entries; refusing", path=str(path))
                    name = PurePosixPath(m.name[2:] if m.name.startswith("./") else m.name)
                    if not m.isreg():
                        continue  # links, devices, directories: never followed
                    if name.is_absolute() or ".." in name.parts:
                        self.skip(f"{path}:{m.name}", "unsafe member path ignored")
                        continue
                    parts = name.parts
                    if parts and parts[-1] == "serverversion.json" and len(parts) <= 2:
                        data = self._read_member(tf, m, path)
                        total += len(data)
                        try:
                            v = json.loads(data)
                            self.server_version = v if isinstance(v, dict) else None
                        except ValueError:
                            raise InputError("serverversion.json is not valid JSON", path=f"{path}:{m.name}") from None
                        continue
                    if "resources" not in parts or name.suffix.lower() not in _SUFFIXES:
                        continue
                    i = parts.index("resources")
                    if len(parts) < i + 3 or parts[i + 1] not in ("cluster", "ns"):
                        continue
                    if m.size > MAX_MEMBER_BYTES:
                        raise InputError(f"member {m.name} is larger than {MAX_MEMBER_BYTES >> 20} MiB; refusing", path=str(path))
                    total += m.size
                    if total > MAX_TOTAL_BYTES:
                        raise InputError(f"more than {MAX_TOTAL_BYTES >> 30} GiB of resources; refusing", path=str(path))
                    found = True
                    data = self._read_member(tf, m, path)
                    rel = PurePosixPath(*parts[i + 1:])
                    try:
                        text = data.decode("utf-8")
                    except UnicodeDecodeError:
                        raise InputError("not a UTF-8 text file", path=f"{path}:{m.name}") from None
                    yield from self.from_text(text, f"{path}:{m.name}", self.sonobuoy_hint(rel))
            except (tarfile.TarError, EOFError, OSError) as e:
                raise InputError(f"tarball is damaged ({e})", path=str(path)) from None
        if not found:
            raise InputError("no resources/ tree in this tarball (is it a sonobuoy results tarball?)", path=str(path))

    def _read_member(self, tf: tarfile.TarFile, m: tarfile.TarInfo, path: Path) -> bytes:
        f = tf.extractfile(m)
        if f is None:
            return b""
        data = f.read(MAX_MEMBER_BYTES + 1)
        if len(data) > MAX_MEMBER_BYTES:
            raise InputError(f"member {m.name} is too large", path=str(path))
        return data


def read_dump(path: str | Path) -> tuple[Iterator[DumpObject], _Reader]:
    """(objects iterator, reader) — the reader's warnings/server_version are complete once the iterator is exhausted."""
    p = Path(path)
    if not p.exists():
        raise InputError("dump not found", path=str(p))
    r = _Reader(p)
    if p.is_dir():
        return r.from_dir(p), r
    name = p.name.lower()
    if name.endswith((".tar.gz", ".tgz", ".tar")) or (p.suffix.lower() not in _SUFFIXES and tarfile.is_tarfile(p)):
        return r.from_tar(p), r
    try:
        text = p.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise InputError("not a UTF-8 text file (expected YAML, JSON or a .tar.gz)", path=str(p)) from None
    return r.from_text(text, str(p)), r


def object_group(obj: DumpObject) -> str:
    return group_of(obj.get("apiVersion", ""))
