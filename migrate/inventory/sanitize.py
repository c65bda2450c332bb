"""Secret stripping: Secret values never leave this module; only names, keys, type and size do."""

from __future__ import annotations

import base64
from typing import Any

__all__ = ["LAST_APPLIED", "is_secret", "secret_keys_and_size", "strip_secret", "sanitize"]

LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration"


def is_secret(obj: dict[str, Any]) -> bool:
    return obj.get("kind") == "Secret" and obj.get("apiVersion") == "v1"


def _decoded_len(b64: Any) -> int:
    if not isinstance(b64, str):
        return 0
    s = b64.strip()
    # length arithmetic, not decoding: the value itself never has to exist in memory as plaintext
    pad = len(s) - len(s.rstrip("="))
    return max(0, (len(s) * 3) // 4 - pad)


def secret_keys_and_size(obj: dict[str, Any]) -> tuple[list[str], int]:
    data = obj.get("data") or {}
    sdata = obj.get("stringData") or {}
    keys = sorted(set(data) | set(sdata)) if isinstance(data, dict) and isinstance(sdata, dict) else []
    size = sum(_decoded_len(v) for v in data.values()) if isinstance(data, dict) else 0
    if isinstance(sdata, dict):
        size += sum(len(str(v).encode()) for v in sdata.values())
    return keys, size


def strip_secret(obj: dict[str, Any]) -> dict[str, Any]:
    """Remove data, stringData and the last-applied annotation (which embeds the data), in place."""
    obj.pop("data", None)
    obj.pop("stringData", None)
    md = obj.get("metadata")
    if isinstance(md, dict):
        ann = md.get("annotations")
        if isinstance(ann, dict) and LAST_APPLIED in ann:
            ann = {k: v for k, v in ann.items() if k != LAST_APPLIED}
            if ann:
                md["annotations"] = ann
            else:
                md.pop("annotations", None)
        # managedFields name the data keys only, but they are noise in the objects file anyway
    return obj


def sanitize(obj: dict[str, Any]) -> dict[str, Any]:
    """What goes into the objects file: managedFields dropped (bulky, and kubectl hides them too), Secrets stripped."""
    md = obj.get("metadata")
    if isinstance(md, dict):
        md.pop("managedFields", None)
    if is_secret(obj):
        strip_secret(obj)
    return obj


def b64decode(value: str) -> bytes:
    return base64.b64decode(value + "=" * (-len(value) % 4))
