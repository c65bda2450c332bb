"""Faults from the simulator leave a complete inventory or an explicitly partial one — never a silent gap."""

from __future__ import annotations

import json
from collections import Counter

import pytest

from migrate.cli.main import run
from migrate.cluster import RetryPolicy, connect
from migrate.inventory import collect_inventory
from migrate.sim import serve


@pytest.fixture(scope="module")
def sim():
    with serve("dkp", workload_sim=False) as s:
        yield s


@pytest.fixture(scope="module")
def baseline(sim, tmp_path_factory):
    inv, objs = collect_inventory(connect(str(sim.kubeconfig)), objects_path=tmp_path_factory.mktemp("base") / "o.jsonl")
    return inv, objs.read_bytes()


def _client(sim):
    # short backoff keeps the test quick; Retry-After is still honoured (capped by max_delay)
    return connect(str(sim.kubeconfig), retry=RetryPolicy(attempts=6, base_delay=0.01, max_delay=1.5))


def _keys(path):
    out = []
    for line in path.read_text().splitlines():
        o = json.loads(line)
        out.append((o["apiVersion"], o["kind"], o["metadata"].get("namespace"), o["metadata"]["name"]))
    return out


@pytest.mark.parametrize(
    "fault",
    [
        dict(method="GET", path=r"/configmaps$", status=429, retry_after=1, times=2),
        dict(method="GET", path=r"/deployments$", status=500, times=2),
        dict(method="GET", path=r"/services$", drop=True, times=2),
    ],
    ids=["429-retry-after", "500", "dropped-connection"],
)
def test_transient_faults_leave_a_complete_identical_inventory(sim, baseline, tmp_path, fault):
    sim.faults.clear()
    f = sim.faults.add(**fault)
    try:
        inv, objs = collect_inventory(_client(sim), objects_path=tmp_path / "o.jsonl")
    finally:
        sim.faults.clear()
    assert f.hits == fault["times"], "the fault never fired, so this test proved nothing"
    assert inv.complete and not inv.warnings
    assert inv.counts == baseline[0].counts
    assert objs.read_bytes() == baseline[1]


def test_expired_continue_restarts_without_double_counting(sim, baseline, tmp_path):
    sim.faults.clear()
    # page size 10 forces continue tokens on every type with more than 10 objects; the first continue expires
    f = sim.faults.add(method="GET", path=r"/configmaps$", expire_continue=True, times=1)
    try:
        inv, objs = collect_inventory(_client(sim), objects_path=tmp_path / "o.jsonl", page_size=10)
    finally:
        sim.faults.clear()
    assert f.hits == 1
    keys = _keys(objs)
    dups = [k for k, n in Counter(keys).items() if n > 1]
    assert not dups
    assert inv.complete
    assert inv.counts == baseline[0].counts and inv.counts["/ConfigMap"] > 10
    assert objs.read_bytes() == baseline[1]


def test_forbidden_secrets_give_an_explicitly_partial_inventory(sim, baseline, tmp_path):
    sim.faults.clear()
    sim.faults.add(method="GET", path=r"^/api/v1/secrets", status=403)
    try:
        inv, objs = collect_inventory(_client(sim), objects_path=tmp_path / "o.jsonl")
    finally:
        sim.faults.clear()
    assert not inv.complete
    secrets = [t for t in inv.resource_types if t.resource == "secrets" and t.group == ""]
    assert len(secrets) == 1 and not secrets[0].complete and secrets[0].error.startswith("403 Forbidden")
    assert [w.code for w in inv.warnings] == ["INVENTORY_INCOMPLETE"] and "secrets" in inv.warnings[0].message
    assert "/Secret" not in inv.counts and not inv.secrets
    assert not any(k[1] == "Secret" for k in _keys(objs))
    # everything else is still there
    assert inv.counts["/ConfigMap"] == baseline[0].counts["/ConfigMap"]


def test_cli_exits_0_but_warns_loudly_when_partial(sim, tmp_path, capsys):
    sim.faults.clear()
    sim.faults.add(method="GET", path=r"^/api/v1/secrets", status=403)
    try:
        rc = run(["inventory", "--kubeconfig", str(sim.kubeconfig), "-o", "json", "--out", str(tmp_path / "inv.json")])
    finally:
        sim.faults.clear()
    cap = capsys.readouterr()
    assert rc == 0
    assert "warning:" in cap.err and "secrets" in cap.err and "PARTIAL" in cap.err
    doc = json.loads(cap.out)
    assert doc["complete"] is False and doc["objects_file"] == "inv.objects.jsonl"
    assert (tmp_path / "inv.objects.jsonl").is_file()


def test_persistent_500_marks_type_incomplete_after_retries(sim, tmp_path):
    sim.faults.clear()
    sim.faults.add(method="GET", path=r"/apis/apps/v1/daemonsets$", status=500)
    try:
        inv, _ = collect_inventory(_client(sim), objects_path=tmp_path / "o.jsonl")
    finally:
        sim.faults.clear()
    ds = next(t for t in inv.resource_types if t.resource == "daemonsets")
    assert not ds.complete and "after 6 attempts" in ds.error and not inv.complete
