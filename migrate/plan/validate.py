"""Validate manifests against the target version's schemas (kubernetes-validate, strict: unknown
fields are errors). Custom resources are validated against their CRD's schema when the CRD is known,
and otherwise skipped with an Info finding. An invalid manifest is a Blocker, never written."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any, Mapping

import jsonschema
from kubernetes_validate import utils as kv
from referencing import Registry, Resource

from migrate.models.common import Finding, ObjectRef, Severity

__all__ = ["Validator", "BUILTIN_GROUP"]

BUILTIN_GROUP = re.compile(r"^$|^[a-z0-9]+$|\.k8s\.io$")  # core, apps, batch, policy, autoscaling, *.k8s.io


@lru_cache(maxsize=None)
def _schema_version(desired: str) -> str:
    versions = [v for v in kv.all_versions() if tuple(map(int, kv.major_minor(v).split("."))) <= tuple(map(int, desired.split(".")))]
    if not versions:
        raise ValueError(f"kubernetes-validate has no schemas for {desired} or older (oldest: {kv.all_versions()[0]})")
    return versions[-1]


@lru_cache(maxsize=None)
def _definitions(version: str) -> Resource:
    return Resource.from_contents(kv.schema_contents(f"kubernetes-json-schema/v{version}-local-strict/_definitions.json", version))


@lru_cache(maxsize=None)
def _validator(version: str, api_version: str, kind: str) -> jsonschema.Validator | None:
    av = re.sub(r"^([^./]*)(?:\.[^/]*)?/", r"\1-", api_version)
    try:
        schema = kv.schema_contents(f"kubernetes-json-schema/v{version}-local-strict/{kind.lower()}-{av}.json", version)
    except FileNotFoundError:
        return None
    registry = Resource.from_contents(schema) @ (_definitions(version) @ Registry())
    return jsonschema.validators.Draft202012Validator(schema, registry=registry)


def _crd_schemas(crd: Mapping[str, Any]) -> dict[tuple[str, str], dict[str, Any]]:
    spec = crd.get("spec") or {}
    group, kind = spec.get("group", ""), (spec.get("names") or {}).get("kind", "")
    out = {}
    for v in spec.get("versions") or []:
        schema = ((v.get("schema") or {}).get("openAPIV3Schema"))
        if schema and v.get("served", True):
            out[(f"{group}/{v.get('name')}", kind)] = schema
    return out


class Validator:
    """Validates objects for one target Kubernetes version."""

    def __init__(self, target_version: str, crds: list[Mapping[str, Any]] = ()):  # type: ignore[assignment]
        self.target_version = target_version
        self.schema_version = _schema_version(target_version)
        self._crd: dict[tuple[str, str], jsonschema.Validator] = {}
        self._crd_kinds: set[tuple[str, str]] = set()
        for crd in crds:
            self.add_crd(crd)

    def add_crd(self, crd: Mapping[str, Any]) -> None:
        spec = crd.get("spec") or {}
        self._crd_kinds.add((spec.get("group", ""), (spec.get("names") or {}).get("kind", "")))
        for key, schema in _crd_schemas(crd).items():
            # CRD schemas are OpenAPI v3 (draft-4-like); metadata is checked by the API server.
            s = dict(schema)
            props = dict(s.get("properties") or {})
            props.pop("metadata", None)
            s["properties"] = props
            self._crd[key] = jsonschema.validators.Draft4Validator(s)

    def validate(self, obj: Mapping[str, Any], ref: ObjectRef) -> list[Finding]:
        av, kind = obj.get("apiVersion", ""), obj.get("kind", "")
        group = av.rpartition("/")[0]
        if BUILTIN_GROUP.search(group) and (group, kind) not in self._crd_kinds:
            v = _validator(self.schema_version, av, kind)
            if v is None:
                return [Finding(code="API_NOT_SERVED", severity=Severity.Blocker, ref=ref, path="/apiVersion",
                                message=f"{av} {kind} is not served by Kubernetes {self.target_version}",
                                resolution="convert it to a served version (see playbooks/apis/deprecations.yaml)")]
            return self._errors(v, obj, ref, f"Kubernetes {self.target_version} schema")
        crd_v = self._crd.get((av, kind))
        if crd_v is not None:
            return self._errors(crd_v, obj, ref, f"the {kind} CRD schema")
        if (group, kind) in self._crd_kinds:
            return [Finding(code="CR_VERSION_NOT_SERVED", severity=Severity.Blocker, ref=ref, path="/apiVersion",
                            message=f"the {kind} CRD does not serve {av}")]
        return [Finding(code="CR_NOT_VALIDATED", severity=Severity.Info, ref=ref,
                        message=f"{av} {kind}: no schema known (its CRD is installed by an add-on); not validated")]

    @staticmethod
    def _errors(v: jsonschema.Validator, obj: Mapping[str, Any], ref: ObjectRef, what: str) -> list[Finding]:
        errs = sorted(v.iter_errors(obj), key=lambda e: list(map(str, e.absolute_path)))
        out = []
        for e in errs[:5]:
            path = "/" + "/".join(str(p) for p in e.absolute_path)
            out.append(Finding(code="MANIFEST_INVALID", severity=Severity.Blocker, ref=ref, path=path,
                               message=f"invalid against {what}: {e.message[:300]}",
                               resolution="fix the object (or add a rule that does); it was not written to manifests/"))
        return out
