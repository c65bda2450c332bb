"""Inside a Pod (a fleet Job) distroshift uses the ServiceAccount when no kubeconfig exists."""

from __future__ import annotations

import pytest
import yaml

import migrate.cluster.client as client_mod
from migrate.cluster import connect
from migrate.errors import InputError
from migrate.sim import serve


def test_connects_with_the_pods_service_account(tmp_path, monkeypatch):
    with serve(None) as sim:
        kc = yaml.safe_load(sim.kubeconfig.read_text())
        sa = tmp_path / "sa"
        sa.mkdir()
        (sa / "token").write_text(sim.token)
        (sa / "ca.crt").write_text(sim.ca_file.read_text())
        host, port = sim.url.removeprefix("https://").rsplit(":", 1)
        monkeypatch.setattr(client_mod, "SERVICE_ACCOUNT_DIR", str(sa))
        monkeypatch.delenv("KUBECONFIG", raising=False)
        monkeypatch.setenv("HOME", str(tmp_path))  # no ~/.kube/config
        monkeypatch.setenv("KUBERNETES_SERVICE_HOST", host)
        monkeypatch.setenv("KUBERNETES_SERVICE_PORT", port)
        c = connect()
        assert c.context == "in-cluster"
        assert c.version()["gitVersion"] == sim.version["gitVersion"]
        assert kc["users"]  # the kubeconfig was not used: HOME has none and KUBECONFIG is unset

        with pytest.raises(InputError, match="--context needs a kubeconfig"):
            connect(context="prod")


def test_missing_service_account_files_are_one_line(tmp_path, monkeypatch):
    monkeypatch.setattr(client_mod, "SERVICE_ACCOUNT_DIR", str(tmp_path / "none"))
    monkeypatch.delenv("KUBECONFIG", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("KUBERNETES_SERVICE_HOST", "127.0.0.1")
    monkeypatch.setenv("KUBERNETES_SERVICE_PORT", "1")
    with pytest.raises(InputError, match="in-cluster configuration unusable"):
        connect()
