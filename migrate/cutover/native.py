"""Native engine: server-side apply of the plan's manifests/ to the target, in file order.

* field manager `distroshift`; `force` (take over conflicting fields) only when asked;
* CRDs are waited for until Established, Namespaces until they exist, before what depends on them;
* idempotent: applying twice changes nothing; `dry_run` uses dryRun=All and reports a diff
  against the live target object;
* Secrets: the plan's manifests carry Secret *keys* only. Values are read live from the source at
  apply time, sent to the target and never logged, printed, diffed or written to a file;
* the cluster clients are passed in (migrate.cluster.ClusterClient, built by the CLI);
* PersistentVolume *data* is out of scope: PVCs are created empty on the target (use the velero
  engine with file-system backup, or the storage's own replication, to move data).
"""

from __future__ import annotations

import base64
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable

import jsonpatch
import yaml

from migrate.errors import ApiError, InputError
from migrate.models.common import Finding, ObjectRef, Severity
from migrate.models.state import AppliedObject

__all__ = ["Manifest", "ApplyResult", "NativeApplier", "load_manifests", "diff_lines", "PV_DATA_NOTE"]

PV_DATA_NOTE = (
    "native engine: PersistentVolume data is not copied (PVCs are created empty on the target); "
    "use --engine velero with file-system backup, or storage replication, for volume data"
)
SECRET_KEYS_ANNOTATION = "distroshift.io/secret-keys"
_VOLATILE_MD = ("managedFields", "resourceVersion", "uid", "creationTimestamp", "generation", "selfLink")


@dataclass(frozen=True)
class Manifest:
    file: str  # relative to manifests/
    obj: dict

    @property
    def ref(self) -> ObjectRef:
        return ObjectRef.of(self.obj)


def load_manifests(manifests_dir: str | Path, order: Iterable[str] = ()) -> list[Manifest]:
    """Every object under manifests/, in the plan's order (else the lexical order of file names)."""
    root = Path(manifests_dir)
    if not root.is_dir():
        raise InputError("manifests directory is missing", path=str(root))
    files = [root / f for f in order] if order else sorted(
        p for p in root.rglob("*") if p.is_file() and p.suffix in (".yaml", ".yml", ".json")
    )
    out: list[Manifest] = []
    for f in files:
        rel = str(f.relative_to(root))
        try:
            docs = list(yaml.safe_load_all(f.read_text()))
        except FileNotFoundError:
            raise InputError("listed in the plan's manifest_order but missing", path=str(f)) from None
        except yaml.YAMLError as e:
            raise InputError(f"not valid YAML ({str(e).splitlines()[0]})", path=str(f)) from None
        for d in docs:
            if isinstance(d, dict) and d.get("kind") == "List":
                out += [Manifest(rel, i) for i in d.get("items", []) if isinstance(i, dict)]
            elif isinstance(d, dict) and d.get("kind"):
                if not (d.get("metadata") or {}).get("name"):
                    raise InputError("an object without metadata.name", path=str(f), field=d.get("kind"))
                out.append(Manifest(rel, d))
    return out


@dataclass
class ApplyResult:
    applied: list[AppliedObject] = field(default_factory=list)
    actions: list[str] = field(default_factory=list)  # one line per object (and diffs in a dry run)
    findings: list[Finding] = field(default_factory=list)

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity in (Severity.Error, Severity.Blocker)]


def _clean(obj: dict | None) -> dict:
    if not obj:
        return {}
    o = {k: v for k, v in obj.items() if k != "status"}
    md = dict(o.get("metadata") or {})
    for k in _VOLATILE_MD:
        md.pop(k, None)
    o["metadata"] = md
    return o


def diff_lines(live: dict | None, desired: dict, *, secret: bool = False) -> list[str]:
    """A short, human diff between the live target object and what applying would give."""
    if secret:  # keys only, never values
        before = set((live or {}).get("data") or {})
        after = set(desired.get("data") or {})
        lines = [f"+ data key {k}" for k in sorted(after - before)]
        lines += [f"- data key {k}" for k in sorted(before - after)]
        return lines
    ops = jsonpatch.make_patch(_clean(live), _clean(desired)).patch
    lines = []
    for op in ops:
        sign = {"add": "+", "remove": "-", "replace": "~"}.get(op["op"], op["op"])
        val = "" if op["op"] == "remove" else " " + yaml.safe_dump(op.get("value"), default_flow_style=True, width=1000).strip().removesuffix("...").strip()
        lines.append(f"{sign} {op['path']}{val[:200]}")
    return lines


class NativeApplier:
    """Applies manifests to `target`; reads Secret values live from `source`."""

    def __init__(
        self,
        source: Any,
        target: Any,
        *,
        namespace_map: dict[str, str] | None = None,
        secret_sources: dict[tuple[str, str], tuple[str, str]] | None = None,
        field_manager: str = "distroshift",
        force: bool = False,
        wait_timeout: float = 60.0,
        poll: float = 0.2,
        sleep: Callable[[float], None] = time.sleep,
    ):
        self.source = source
        self.target = target
        # target namespace -> source namespace, for Secrets whose plan entry is not given
        self.reverse_ns = {v: k for k, v in (namespace_map or {}).items()}
        self.secret_sources = secret_sources or {}
        self.field_manager = field_manager
        self.force = force
        self.wait_timeout = wait_timeout
        self.poll = poll
        self.sleep = sleep
        self._ns_ok: set[str] = set()

    # -- helpers ----------------------------------------------------------------------------
    def _live(self, res: Any, ns: str | None, name: str) -> dict | None:
        try:
            return self.target.get(res.path(ns, name))
        except ApiError as e:
            if e.status == 404:
                return None
            raise

    def _secret_values(self, m: Manifest) -> tuple[dict | None, str]:
        """The manifest with live data from the source; (None, reason) when unavailable."""
        md = m.obj.get("metadata") or {}
        tns, name = md.get("namespace") or "", md["name"]
        sns, sname = self.secret_sources.get((tns, name), (self.reverse_ns.get(tns, tns), name))
        try:
            live = self.source.get(f"/api/v1/namespaces/{sns}/secrets/{sname}")
        except ApiError as e:
            if e.status == 404:
                return None, f"Secret {sns}/{sname} no longer exists on the source"
            if e.status == 403:
                return None, f"not allowed to read Secret {sns}/{sname} on the source (403)"
            raise
        keys = set((m.obj.get("data") or {}).keys()) | set((m.obj.get("stringData") or {}).keys())
        ann = ((md.get("annotations") or {}).get(SECRET_KEYS_ANNOTATION) or "").strip()
        keys |= {k.strip() for k in ann.split(",") if k.strip()}
        data = dict(live.get("data") or {})
        # an API server folds stringData into data on write and never returns it; one that does
        # return it (e.g. a simulator) still means these values, which win over data's
        for k, v in (live.get("stringData") or {}).items():
            data[k] = base64.b64encode(str(v).encode()).decode()
        if keys:
            missing = sorted(keys - set(data))
            if missing:
                return None, f"Secret {sns}/{sname} on the source lacks keys {', '.join(missing)}"
            data = {k: v for k, v in data.items() if k in keys}
        obj = {k: v for k, v in m.obj.items() if k not in ("data", "stringData")}
        obj["data"] = data
        if live.get("type") and not obj.get("type"):
            obj["type"] = live["type"]
        return obj, ""

    def _wait(self, what: str, check: Callable[[], bool]) -> bool:
        deadline = time.monotonic() + self.wait_timeout
        while True:
            if check():
                return True
            if time.monotonic() > deadline:
                return False
            self.sleep(self.poll)

    def _crd_established(self, name: str) -> bool:
        try:
            crd = self.target.get(f"/apis/apiextensions.k8s.io/v1/customresourcedefinitions/{name}")
        except ApiError:
            return False
        conds = (crd.get("status") or {}).get("conditions") or []
        return any(c.get("type") == "Established" and c.get("status") == "True" for c in conds)

    def _namespace_exists(self, name: str) -> bool:
        if name in self._ns_ok:
            return True
        try:
            ns = self.target.get(f"/api/v1/namespaces/{name}")
        except ApiError:
            return False
        if (ns.get("status") or {}).get("phase", "Active") == "Active":
            self._ns_ok.add(name)
            return True
        return False

    # -- the work ---------------------------------------------------------------------------
    def apply(
        self,
        manifests: list[Manifest],
        *,
        dry_run: bool = False,
        already: Iterable[AppliedObject] = (),
        on_create: Callable[[AppliedObject], None] = lambda a: None,
        after_each: Callable[[int], None] = lambda n: None,
        step: str = "",
    ) -> ApplyResult:
        """Apply in order. `on_create` runs *before* an absent object is created (so the state
        records it even if we crash right after); `after_each(n)` after the n-th object."""
        result = ApplyResult()
        known = {a.key: a for a in already}
        new_namespaces: set[str] = set()  # dry run: namespaces that would be created
        new_types: set[tuple[str, str]] = set()  # dry run: CRD-defined types that would be created
        for n, m in enumerate(manifests, start=1):
            obj = m.obj
            ref = m.ref
            md = obj.get("metadata") or {}
            ns = md.get("namespace")
            is_secret = ref.kind == "Secret" and ref.api_version == "v1"
            if is_secret:
                obj, why = self._secret_values(m)
                if obj is None:
                    result.findings.append(Finding(code="SECRET_UNAVAILABLE", severity=Severity.Error, message=why, ref=ref))
                    result.actions.append(f"! {ref}: skipped: {why}")
                    continue
            if dry_run and (ns in new_namespaces or (ref.api_version, ref.kind) in new_types):
                result.actions.append(f"+ {ref} (create; {'its namespace' if ns in new_namespaces else 'its CRD'} is created by this run)")
                continue
            res = self.target.resource_for(ref.api_version, ref.kind)
            if res is None:
                result.findings.append(Finding(
                    code="TYPE_NOT_SERVED", severity=Severity.Error, ref=ref,
                    message=f"{ref.api_version} {ref.kind} is not served by the target ({m.file})"))
                result.actions.append(f"! {ref}: {ref.api_version} {ref.kind} not served by the target")
                continue
            if res.namespaced and not ns:
                result.findings.append(Finding(code="NAMESPACE_MISSING", severity=Severity.Error, ref=ref,
                                               message=f"namespaced object without metadata.namespace ({m.file})"))
                continue
            live = self._live(res, ns if res.namespaced else None, ref.name)
            key_ns = ns if res.namespaced else None
            rec = AppliedObject(api_version=ref.api_version, kind=ref.kind, name=ref.name, namespace=key_ns,
                                created=live is None, step=step)
            if rec.key in known and known[rec.key].created:
                rec.created = True  # created by an earlier attempt of this run
            if res.namespaced and ns and not dry_run and not self._wait(f"namespace {ns}", lambda: self._namespace_exists(ns)):
                result.findings.append(Finding(code="NAMESPACE_MISSING", severity=Severity.Error, ref=ref,
                                               message=f"namespace {ns} does not exist on the target"))
                continue
            if live is None and not dry_run:
                on_create(rec)
            try:
                out = self.target.apply(obj, field_manager=self.field_manager, force=self.force, dry_run=dry_run)
            except ApiError as e:
                if e.status == 409 and not self.force:
                    msg = f"field conflict with another manager on the target ({e.body.get('message', '')[:200]}); re-run with force_conflicts: true to take over"
                else:
                    msg = f"HTTP {e.status} {e.reason}: {e.body.get('message', '')[:300]}"
                if dry_run and e.status == 404 and ns and not self._namespace_exists(ns):
                    result.actions.append(f"+ {ref} (create; namespace {ns} does not exist yet)")
                    continue
                result.findings.append(Finding(code="APPLY_FAILED", severity=Severity.Error, ref=ref, message=msg))
                result.actions.append(f"! {ref}: {msg}")
                continue
            verb = "create" if live is None else "apply"
            if dry_run:
                lines = diff_lines(live, out, secret=is_secret)
                if live is not None and not lines:
                    result.actions.append(f"= {ref} (unchanged)")
                else:
                    result.actions.append(f"{'+' if live is None else '~'} {ref} ({verb}; server-side dry run)")
                    if live is not None:
                        result.actions += [f"    {l}" for l in lines[:20]]
                if ref.kind == "Namespace" and live is None:
                    new_namespaces.add(ref.name)
                if ref.kind == "CustomResourceDefinition" and live is None:
                    spec = obj.get("spec") or {}
                    for v in spec.get("versions") or []:
                        new_types.add((f"{spec.get('group')}/{v.get('name')}", (spec.get("names") or {}).get("kind")))
            else:
                result.actions.append(f"{'+' if live is None else '~'} {ref} ({verb})")
                if ref.kind == "CustomResourceDefinition":
                    if not self._wait(f"CRD {ref.name}", lambda: self._crd_established(ref.name)):
                        result.findings.append(Finding(code="CRD_NOT_ESTABLISHED", severity=Severity.Error, ref=ref,
                                                       message=f"CRD {ref.name} not Established after {self.wait_timeout:.0f}s"))
                    self.target.resource_for(ref.api_version, ref.kind)  # warm discovery
                elif ref.kind == "Namespace":
                    self._wait(f"namespace {ref.name}", lambda: self._namespace_exists(ref.name))
            result.applied.append(rec)
            known[rec.key] = rec
            after_each(n)
        return result
