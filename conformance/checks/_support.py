"""Small helpers shared by the readiness and parity checks: reading a plan's manifests, listing a type."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Iterable

import yaml

from conformance.models import CheckResult, CheckStatus
from migrate.errors import ApiError, InputError
from migrate.models.io import read_artifact
from migrate.models.plan import Plan

__all__ = ["load_plan", "load_manifests", "list_objects", "result", "ref_str", "parse_quantity"]


def load_plan(plan_path: str | Path) -> tuple[Plan, Path]:
    """Accept the plan directory or its plan.json; return the plan and its manifests directory."""
    p = Path(plan_path)
    if p.is_dir():
        p = p / "plan.json"
    plan = read_artifact(p, Plan)
    return plan, p.parent / plan.manifests_dir


def load_manifests(manifests_dir: Path) -> list[tuple[str, dict]]:
    """(relative file, object) for every document under manifests/, in apply order."""
    if not manifests_dir.is_dir():
        raise InputError("manifests directory named by the plan is missing", path=str(manifests_dir))
    out: list[tuple[str, dict]] = []
    for f in sorted(p for p in manifests_dir.rglob("*") if p.suffix in (".yaml", ".yml", ".json")):
        rel = str(f.relative_to(manifests_dir))
        try:
            docs = list(yaml.safe_load_all(f.read_text()))
        except yaml.YAMLError as e:
            raise InputError(f"not valid YAML ({str(e).splitlines()[0]})", path=str(f)) from None
        for d in docs:
            if isinstance(d, dict) and d.get("kind") == "List":
                out += [(rel, i) for i in d.get("items", []) if isinstance(i, dict)]
            elif isinstance(d, dict) and d.get("kind"):
                out.append((rel, d))
    return out


def list_objects(client: Any, api_version: str, kind: str) -> dict[tuple[str, str], dict] | None:
    """Every object of a type on the cluster, by (namespace, name); None when the type is not served."""
    res = client.resource_for(api_version, kind)
    if res is None:
        return None
    found: dict[tuple[str, str], dict] = {}
    for page in client.list_pages(res.path()):
        if page.get("restarted"):  # a 410 relist: start over, nothing counted twice
            found.clear()
            continue
        for o in page.get("items", []):
            md = o.get("metadata") or {}
            found[(md.get("namespace") or "", md.get("name", ""))] = o
    return found


def ref_str(obj: dict) -> str:
    md = obj.get("metadata") or {}
    ns = f"{md['namespace']}/" if md.get("namespace") else ""
    return f"{obj.get('kind')}/{ns}{md.get('name')}"


def result(id_: str, title: str, ok: bool | None, message: str = "", *, category: str, severity: str = "Error",
           evidence: Iterable[str] = ()) -> CheckResult:
    """ok=None means the check could not apply (Skipped, with the message saying why)."""
    status = CheckStatus.Skipped if ok is None else (CheckStatus.Passed if ok else CheckStatus.Failed)
    return CheckResult(id=id_, title=title, category=category, severity=severity, status=status,
                       message=message, evidence=list(evidence))


_SUFFIX = {"Ki": 2**10, "Mi": 2**20, "Gi": 2**30, "Ti": 2**40, "Pi": 2**50, "Ei": 2**60,
           "k": 10**3, "M": 10**6, "G": 10**9, "T": 10**12, "P": 10**15, "E": 10**18, "m": 10**-3}


def parse_quantity(q: Any) -> float | None:
    """Kubernetes resource quantity -> number ('10Gi' -> 10737418240); None when unparsable."""
    if isinstance(q, (int, float)):
        return float(q)
    if not isinstance(q, str) or not q:
        return None
    for suf in sorted(_SUFFIX, key=len, reverse=True):
        if q.endswith(suf):
            try:
                return float(q[: -len(suf)]) * _SUFFIX[suf]
            except ValueError:
                return None
    try:
        return float(q)
    except ValueError:
        return None


def safe_get(client: Any, path: str) -> dict | None:
    try:
        return client.get(path)
    except ApiError as e:
        if e.status == 404:
            return None
        raise
