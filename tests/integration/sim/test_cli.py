"""`distroshift sim serve` and `distroshift sim list` as a user runs them."""

from __future__ import annotations

import base64
import os
import signal
import subprocess
import sys
import time

import requests
import yaml

from migrate.cli.main import run


def _snapshot(tmp_path):
    d = tmp_path / "mini"
    d.mkdir()
    (d / "cluster.yaml").write_text("name: mini\ndescription: one namespace\nkubernetes: {gitVersion: v1.27.11}\n"
                                    "platform: linux/amd64\n")
    (d / "objects.yaml").write_text("apiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop\n---\n"
                                    "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n  namespace: shop\n"
                                    "data: {mode: prod}\n")
    return d


def test_sim_serve_writes_a_working_kubeconfig_and_never_prints_the_token(tmp_path):
    snap = _snapshot(tmp_path)
    kc = tmp_path / "out" / "kubeconfig"
    proc = subprocess.Popen(
        [sys.executable, "-c", "from migrate.cli.main import run; run()", "sim", "serve", str(snap),
         "--kubeconfig-out", str(kc), "--token", "s3cr3t-token-value", "--no-workload-sim"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        for _ in range(200):
            if kc.exists() or proc.poll() is not None:
                break
            time.sleep(0.05)
        assert kc.exists(), proc.stderr.read() if proc.poll() is not None else "no kubeconfig written"
        assert oct(kc.stat().st_mode & 0o777) == "0o600"
        cfg = yaml.safe_load(kc.read_text())
        assert cfg["current-context"] == "mini"
        assert [c["name"] for c in cfg["clusters"]] == ["mini"] and [u["name"] for u in cfg["users"]] == ["mini"]
        ca = tmp_path / "ca.crt"
        ca.write_bytes(base64.b64decode(cfg["clusters"][0]["cluster"]["certificate-authority-data"]))
        s = requests.Session()
        s.trust_env = False
        url = cfg["clusters"][0]["cluster"]["server"]
        hdr = {"Authorization": f"Bearer {cfg['users'][0]['user']['token']}"}
        assert s.get(url + "/version", verify=str(ca), timeout=10).json()["gitVersion"] == "v1.27.11"
        cm = s.get(url + "/api/v1/namespaces/shop/configmaps/settings", headers=hdr, verify=str(ca), timeout=10)
        assert cm.json()["data"] == {"mode": "prod"}
    finally:
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=20)
    assert "s3cr3t-token-value" not in out + err
    assert str(kc) in out and url in out


def test_sim_serve_rejects_an_unknown_cluster(tmp_path, capsys):
    assert run(["sim", "serve", str(tmp_path / "nope"), "--kubeconfig-out", str(tmp_path / "kc")]) == 2
    assert "not a shipped cluster nor a directory with cluster.yaml" in capsys.readouterr().err


def test_sim_list_shows_shipped_clusters(capsys):
    assert run(["sim", "list"]) == 0
    out = capsys.readouterr().out
    from migrate.sim import shipped_clusters

    for name, _, _ in shipped_clusters():
        assert name in out
