"""Helm release Secrets (type helm.sh/release.v1) decoded in memory to HelmReleaseInfo.

Storage format (helm's secrets driver): data.release = base64(base64(gzip(json(release)))) — the outer
base64 is the Secret's own encoding. Only name, chart, versions, status and the apiVersion/Kind pairs
of the rendered manifest are kept; values, templates and the manifest text are dropped right here.
"""

from __future__ import annotations

import base64
import binascii
import gzip
import io
import json
import zlib
from typing import Any

import yaml

from migrate.models.inventory import HelmReleaseInfo

__all__ = ["HELM_SECRET_TYPE", "decode_release", "release_info", "manifest_objects"]

HELM_SECRET_TYPE = "helm.sh/release.v1"
MAX_RELEASE_BYTES = 64 * 1024 * 1024  # decompressed; a gzip bomb stops here

try:  # the C loader is ~10x faster on big manifests
    _Loader: Any = yaml.CSafeLoader
except AttributeError:  # pragma: no cover
    _Loader = yaml.SafeLoader


class HelmDecodeError(ValueError):
    pass


def decode_release(secret_value_b64: str) -> dict[str, Any]:
    """The release JSON from the Secret's data.release value (as the API returns it)."""
    try:
        inner = base64.b64decode(secret_value_b64, validate=False)
        raw = base64.b64decode(inner, validate=False)
    except (binascii.Error, ValueError) as e:
        raise HelmDecodeError(f"release is not base64 ({e})") from None
    if raw[:2] == b"\x1f\x8b":
        try:
            with gzip.GzipFile(fileobj=io.BytesIO(raw)) as g:
                raw = g.read(MAX_RELEASE_BYTES + 1)
        except (OSError, EOFError, zlib.error) as e:
            raise HelmDecodeError(f"release is not valid gzip ({e})") from None
        if len(raw) > MAX_RELEASE_BYTES:
            raise HelmDecodeError("release is larger than 64 MiB decompressed")
    try:
        rel = json.loads(raw)
    except (ValueError, UnicodeDecodeError) as e:
        raise HelmDecodeError(f"release is not JSON ({e})") from None
    if not isinstance(rel, dict):
        raise HelmDecodeError("release is not a JSON object")
    return rel


def manifest_objects(manifest: str) -> list[tuple[str, str, str, str | None]]:
    """(apiVersion, kind, name, namespace) of every document of a rendered manifest."""
    out = []
    try:
        docs = list(yaml.load_all(manifest or "", Loader=_Loader))
    except yaml.YAMLError:
        return out
    for d in docs:
        if isinstance(d, dict) and d.get("apiVersion") and d.get("kind"):
            md = d.get("metadata") or {}
            out.append((str(d["apiVersion"]), str(d["kind"]), str(md.get("name", "")), md.get("namespace")))
    return out


def release_info(secret: dict[str, Any]) -> tuple[HelmReleaseInfo, list[tuple[str, str, str, str | None]]] | None:
    """HelmReleaseInfo + the manifest's objects for a helm release Secret; None if it is not one or is unreadable."""
    if secret.get("type") != HELM_SECRET_TYPE:
        return None
    value = (secret.get("data") or {}).get("release")
    if not isinstance(value, str):
        return None
    rel = decode_release(value)
    md = secret.get("metadata") or {}
    labels = md.get("labels") or {}
    chart_md = ((rel.get("chart") or {}).get("metadata")) or {}
    info = rel.get("info") or {}
    objs = manifest_objects(rel.get("manifest") or "")
    pairs = sorted({f"{a} {k}" for a, k, _, _ in objs})
    hri = HelmReleaseInfo(
        name=str(rel.get("name") or labels.get("name") or ""),
        namespace=str(rel.get("namespace") or md.get("namespace") or ""),
        revision=int(rel.get("version") or labels.get("version") or 0),
        status=str(info.get("status") or labels.get("status") or "unknown"),
        chart=str(chart_md.get("name") or ""),
        chart_version=str(chart_md.get("version") or ""),
        app_version=(str(chart_md["appVersion"]) if chart_md.get("appVersion") else None),
        secret=str(md.get("name", "")),
        api_versions=pairs,
    )
    return hri, objs
