"""Load the data files shipped under playbooks/ (target profiles, distro facts, API deprecations,
declarative rules, translation tables), validated by migrate.models.profiles.

User overlays ADD to the built-in data and never override it (Pluto's rule: a duplicate entry is an
error), except target profiles, which a user may supply whole with --profile. Every problem in a
file is one InputError naming the file and the field.
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any, Iterable, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from migrate.errors import InputError
from migrate.models.profiles import (
    AnnotationTable,
    Deprecation,
    DeprecationsFile,
    DistroProfile,
    ProvisionerTable,
    RulesFile,
    TargetProfile,
)

__all__ = [
    "load_yaml_file",
    "load_model_file",
    "builtin_path",
    "target_profile_ids",
    "load_target_profile",
    "distro_profile_ids",
    "load_distro_profile",
    "load_deprecations",
    "Deprecations",
    "builtin_rule_files",
    "load_rules_file",
    "load_annotation_tables",
    "load_provisioners",
]

M = TypeVar("M", bound=BaseModel)
_PKG = "playbooks"


def builtin_path(*parts: str) -> Path:
    """Path of a file shipped in the playbooks package (a real directory for an installed wheel too)."""
    return Path(str(resources.files(_PKG).joinpath(*parts)))


def load_yaml_file(path: str | Path) -> Any:
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError("file not found", path=str(p)) from None
    except (IsADirectoryError, PermissionError, UnicodeDecodeError) as e:
        raise InputError(f"cannot read ({e.__class__.__name__})", path=str(p)) from None
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        where = f"line {mark.line + 1}: " if mark is not None else ""
        problem = getattr(e, "problem", None) or str(e).splitlines()[0]
        raise InputError(f"{where}not valid YAML ({problem})", path=str(p)) from None


def validation_to_input_error(e: ValidationError, path: str | Path, data: Any = None) -> InputError:
    """First pydantic error -> InputError(path, field) with the field as a dotted path (names, not indexes, where possible)."""
    err = e.errors()[0]
    loc: list[str] = []
    node = data
    for part in err["loc"]:
        if isinstance(part, int) and isinstance(node, list) and part < len(node):
            item = node[part]
            label = item.get("id") or item.get("name") if isinstance(item, dict) else None
            loc[-1:] = [f"{loc[-1] if loc else ''}[{label if label else part}]"]
            node = item
            continue
        loc.append(str(part))
        node = node.get(part) if isinstance(node, dict) else None
    msg = err["msg"]
    if err["type"] == "extra_forbidden":
        msg = "unknown field"
    elif err["type"] == "missing":
        msg = "required field is missing"
    return InputError(msg, path=str(path), field=".".join(loc) or None)


def load_model_file(path: str | Path, cls: type[M]) -> M:
    data = load_yaml_file(path)
    if not isinstance(data, dict):
        raise InputError(f"expected a mapping at the top level, found {type(data).__name__}", path=str(path))
    try:
        return cls.model_validate(data)
    except ValidationError as e:
        raise validation_to_input_error(e, path, data) from None


# ---------------------------------------------------------------- target profiles
def target_profile_ids() -> list[str]:
    return sorted(p.stem for p in builtin_path("profiles", "targets").glob("*.yaml"))


def load_target_profile(target: str | None = None, profile_file: str | Path | None = None) -> tuple[TargetProfile, str]:
    """A built-in profile by id, or a user's whole profile file. Returns (profile, where it came from)."""
    if profile_file:
        prof = load_model_file(profile_file, TargetProfile)
        if target and prof.id != target:
            raise InputError(f"profile id {prof.id!r} does not match --target {target!r}", path=str(profile_file), field="id")
        return prof, str(profile_file)
    if not target:
        raise InputError("give --target (one of " + ", ".join(target_profile_ids()) + ") or --profile FILE", field="--target")
    if target not in target_profile_ids():
        raise InputError(f"unknown target {target!r}; built-in targets: {', '.join(target_profile_ids())}", field="--target")
    return _builtin_target(target), f"builtin:playbooks/profiles/targets/{target}.yaml"


@lru_cache(maxsize=None)
def _builtin_target(target: str) -> TargetProfile:
    return load_model_file(builtin_path("profiles", "targets", f"{target}.yaml"), TargetProfile)


# ---------------------------------------------------------------- source distro facts
def distro_profile_ids() -> list[str]:
    return sorted(p.stem for p in builtin_path("profiles", "distros").glob("*.yaml"))


@lru_cache(maxsize=None)
def load_distro_profile(distro_id: str) -> DistroProfile | None:
    """Facts of a source distro; None when we ship none for it (generic Kubernetes facts still apply)."""
    if distro_id not in distro_profile_ids():
        return None
    return load_model_file(builtin_path("profiles", "distros", f"{distro_id}.yaml"), DistroProfile)


# ---------------------------------------------------------------- API deprecations
class Deprecations:
    """Lookup over deprecation entries, keyed by (group/version, kind)."""

    def __init__(self, entries: Iterable[Deprecation]):
        self.entries = list(entries)
        self._by_key = {(e.version, e.kind): e for e in self.entries}

    def get(self, api_version: str, kind: str) -> Deprecation | None:
        return self._by_key.get((api_version, kind))

    def removed_at(self, api_version: str, kind: str, minor: int) -> Deprecation | None:
        e = self.get(api_version, kind)
        if e and e.removed_minor() is not None and minor >= e.removed_minor():  # type: ignore[operator]
            return e
        return None

    def deprecated_at(self, api_version: str, kind: str, minor: int) -> Deprecation | None:
        e = self.get(api_version, kind)
        if e and e.deprecated_minor() is not None and minor >= e.deprecated_minor():  # type: ignore[operator]
            return e
        return None

    def __len__(self) -> int:
        return len(self.entries)


def load_deprecations(extra_files: Iterable[str | Path] = ()) -> Deprecations:
    base = _builtin_deprecations()
    entries = list(base)
    seen = {(e.version, e.kind) for e in entries}
    for f in extra_files:
        model = load_model_file(f, DeprecationsFile)
        for i, e in enumerate(model.deprecated_versions):
            if (e.version, e.kind) in seen:
                raise InputError(
                    f"{e.version} {e.kind} is already defined; overlays may add entries, not override them",
                    path=str(f),
                    field=f"deprecated-versions[{i}]",
                )
            seen.add((e.version, e.kind))
            entries.append(e)
    return Deprecations(entries)


@lru_cache(maxsize=1)
def _builtin_deprecations() -> tuple[Deprecation, ...]:
    return tuple(load_model_file(builtin_path("apis", "deprecations.yaml"), DeprecationsFile).deprecated_versions)


# ---------------------------------------------------------------- declarative rules and tables
def builtin_rule_files() -> list[Path]:
    return sorted(builtin_path("rules").glob("*.yaml"))


def load_rules_file(path: str | Path) -> RulesFile:
    return load_model_file(path, RulesFile)


@lru_cache(maxsize=1)
def load_annotation_tables() -> tuple[AnnotationTable, ...]:
    return tuple(load_model_file(p, AnnotationTable) for p in sorted(builtin_path("rules", "tables").glob("*.yaml")) if p.stem != "provisioners")


@lru_cache(maxsize=1)
def load_provisioners() -> ProvisionerTable:
    return load_model_file(builtin_path("rules", "tables", "provisioners.yaml"), ProvisionerTable)
