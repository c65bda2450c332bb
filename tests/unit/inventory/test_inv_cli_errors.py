"""User errors of `distroshift inventory`: one clear line on stderr, exit 2, never a traceback."""

from __future__ import annotations

import socket

import pytest

from migrate.cli.main import run

KUBECONFIG = """apiVersion: v1
kind: Config
clusters: [{name: c, cluster: {server: "https://127.0.0.1:%d", insecure-skip-tls-verify: true}}]
users: [{name: u, user: {token: abc}}]
contexts: [{name: ctx, context: {cluster: c, user: u}}]
current-context: ctx
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _check(capsys, argv, fragment):
    rc = run(argv)
    err = capsys.readouterr().err
    assert rc == 2, err
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: ") and fragment in lines[0], err
    assert "Traceback" not in err


def test_missing_kubeconfig(tmp_path, capsys):
    _check(capsys, ["inventory", "--kubeconfig", str(tmp_path / "nope"), "-o", "json"], "kubeconfig file not found")


def test_bad_kubeconfig(tmp_path, capsys):
    f = tmp_path / "kc"
    f.write_text("clusters: [unclosed\n")
    _check(capsys, ["inventory", "--kubeconfig", str(f), "-o", "json"], "invalid kubeconfig")


def test_unknown_context(tmp_path, capsys):
    f = tmp_path / "kc"
    f.write_text(KUBECONFIG % 6443)
    _check(capsys, ["inventory", "--kubeconfig", str(f), "--context", "nope", "-o", "json"], "context 'nope' not found")


def test_unreachable_cluster(tmp_path, capsys):
    f = tmp_path / "kc"
    f.write_text(KUBECONFIG % _free_port())
    _check(capsys, ["inventory", "--kubeconfig", str(f), "-o", "json"], "cluster unreachable")


@pytest.mark.parametrize("content", ["kind: List\nitems: [\n", "{}\n"])
def test_malformed_dump(tmp_path, capsys, content):
    f = tmp_path / "dump.yaml"
    f.write_text(content)
    _check(capsys, ["inventory", "--from-dump", str(f), "-o", "json"], str(f))


def test_bad_workers(capsys, tmp_path):
    _check(capsys, ["inventory", "--from-dump", str(tmp_path), "--workers", "0"], "--workers")


def test_bad_page_size(capsys, tmp_path):
    _check(capsys, ["inventory", "--from-dump", str(tmp_path), "--page-size", "0"], "--page-size")
