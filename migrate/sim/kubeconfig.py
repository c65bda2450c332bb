"""Kubeconfig files pointing at a simulated cluster.

Cluster, user and context all carry the simulated cluster's name, so several simulators can be
merged with ``KUBECONFIG=a:b`` and addressed with ``--context <name>``.
"""

from __future__ import annotations

import base64
import os
from pathlib import Path

import yaml

__all__ = ["kubeconfig_dict", "write_kubeconfig"]


def kubeconfig_dict(name: str, url: str, ca_pem: bytes, token: str, namespace: str | None = None) -> dict:
    context: dict = {"cluster": name, "user": name}
    if namespace:
        context["namespace"] = namespace
    return {
        "apiVersion": "v1",
        "kind": "Config",
        "clusters": [
            {
                "name": name,
                "cluster": {
                    "server": url,
                    "certificate-authority-data": base64.b64encode(ca_pem).decode(),
                },
            }
        ],
        "users": [{"name": name, "user": {"token": token}}],
        "contexts": [{"name": name, "context": context}],
        "current-context": name,
        "preferences": {},
    }


def write_kubeconfig(path: Path, name: str, url: str, ca_pem: bytes, token: str) -> Path:
    """Write the kubeconfig with mode 0600 (it holds the bearer token); atomic replace."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp{os.getpid()}")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as f:
        yaml.safe_dump(kubeconfig_dict(name, url, ca_pem, token), f, sort_keys=False)
    os.replace(tmp, path)
    return path
