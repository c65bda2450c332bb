"""state.json: atomic, refuses a state from another playbook in one line."""

from __future__ import annotations

import json

import pytest

from migrate.errors import InputError
from migrate.models.state import RunState, StepState, WorkloadRecord
from migrate.playbook.store import StateStore


def state(**kw) -> RunState:
    base = dict(run_id="r1", playbook="pb.yaml", playbook_name="pb", playbook_digest="abc", engine="native",
                steps=[StepState(id="preflight", type="preflight")])
    return RunState(**{**base, **kw})


def test_roundtrip_and_header(tmp_path):
    s = StateStore(tmp_path / "state.json")
    st = state(workloads=[WorkloadRecord(api_version="apps/v1", kind="Deployment", namespace="shop", name="web", replicas=3)])
    s.save(st)
    raw = json.loads((tmp_path / "state.json").read_text())
    assert raw["header"]["kind"] == "RunState"
    back = s.load(playbook_digest="abc")
    assert back.workloads[0].replicas == 3 and back.run_id == "r1"
    assert [p.name for p in tmp_path.iterdir()] == ["state.json"]  # no temp files left behind


def test_foreign_playbook_refused(tmp_path):
    s = StateStore(tmp_path / "state.json")
    s.save(state())
    with pytest.raises(InputError) as e:
        s.load(playbook_digest="other")
    assert "state.json" in str(e.value) and "different content" in str(e.value)


def test_not_a_state_file(tmp_path):
    p = tmp_path / "state.json"
    p.write_text(json.dumps({"header": {"kind": "Plan", "schema_version": "1.0"}}))
    with pytest.raises(InputError, match="expected 'RunState'"):
        StateStore(p).load()
