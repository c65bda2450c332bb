"""Helpers for the simulator's integration tests: a raw HTTPS session and a kubectl runner."""

from __future__ import annotations

import subprocess
from typing import Any

import pytest
import requests


class Raw:
    """requests.Session bound to one target: verifies the CA and sends the bearer token."""

    def __init__(self, url: str, token: str | None, ca_file: str):
        self.url = url
        self.s = requests.Session()
        self.s.trust_env = False  # REQUESTS_CA_BUNDLE would otherwise replace our CA
        self.s.verify = ca_file
        if token:
            self.s.headers["Authorization"] = f"Bearer {token}"

    def __call__(self, method: str, path: str, **kw: Any) -> requests.Response:
        return self.s.request(method, self.url + path, timeout=30, **kw)

    def get(self, path: str, **kw: Any) -> requests.Response:
        return self("GET", path, **kw)


def run_kubectl(binary: str, kubeconfig_args: list[str], *args: str, stdin: str | None = None,
                check: bool = True, timeout: float = 60) -> subprocess.CompletedProcess:
    """kubectl/helm as argv (never a shell string); fails the test with stderr on error."""
    cp = subprocess.run([binary, *kubeconfig_args, *args], input=stdin, capture_output=True, text=True,
                        timeout=timeout)
    if check and cp.returncode != 0:
        pytest.fail(f"{' '.join([binary.rsplit('/', 1)[-1], *args])} exited {cp.returncode}:\n{cp.stderr[-2000:]}")
    return cp
