"""Golden plan: a small OpenShift project planned onto RKE2 with a namespace and a registry map.
Compares plan.json (header aside) and every manifest; `pytest tests/golden --update-golden` rewrites."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from factories import write_inventory
from migrate.plan import build_plan

CASES = sorted(p for p in Path(__file__).parent.iterdir() if (p / "case.yaml").is_file())


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_golden(case, tmp_path, update_golden):
    spec = yaml.safe_load((case / "case.yaml").read_text())
    objs = [o for o in yaml.safe_load_all((case / "input.yaml").read_text()) if o]
    secrets = {tuple(k.split("/", 1)): v for k, v in (spec.get("secrets") or {}).items()}
    inv = write_inventory(tmp_path / "inv", objs, distro=spec["distro"], secrets=secrets)
    build_plan(inv, target=spec["target"], target_version=spec["target_version"], out_dir=tmp_path / "out",
               namespace_map=spec.get("namespace_map"), registry_map=spec.get("registry_map"))
    plan = json.loads((tmp_path / "out" / "plan.json").read_text())
    plan.pop("header")
    plan["source"]["inventory"] = "inventory.json"  # a tmp path otherwise
    mdir = tmp_path / "out" / "manifests"
    got = {"plan": plan, "manifests": {p.relative_to(mdir).as_posix(): p.read_text() for p in sorted(mdir.rglob("*.yaml"))}}
    expected_file = case / "expected.json"
    if update_golden or not expected_file.exists():
        expected_file.write_text(json.dumps(got, indent=1, sort_keys=True) + "\n")
        if not update_golden:
            pytest.fail(f"{expected_file} did not exist; written now: review and commit it")
    expected = json.loads(expected_file.read_text())
    assert got["manifests"] == expected["manifests"]
    assert got["plan"] == expected["plan"]
