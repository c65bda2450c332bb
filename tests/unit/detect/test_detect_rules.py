"""Rule files: built-in data loads, a user file adds and overrides by id (and says so), bad files fail in one line."""

from __future__ import annotations

import pytest

from migrate.detect import load_rules
from migrate.errors import InputError


def test_builtin_rules_load_with_unique_ids():
    rs = load_rules()
    for sec in (rs.distros, rs.infrastructure, rs.addons):
        ids = [r["id"] for r in sec]
        assert len(ids) == len(set(ids))
    assert {"dkp", "tkg", "tkgs", "openshift", "rke", "rke2", "k3s", "microk8s", "eks", "aks", "gke", "kubeadm"} <= {r["id"] for r in rs.distros}
    assert {"vsphere", "aws", "azure", "gcp", "nutanix", "baremetal"} <= {r["id"] for r in rs.infrastructure}
    assert all(s.startswith("builtin:") for s in rs.sources)


def test_user_rules_add_and_override_by_id(tmp_path):
    f = tmp_path / "mine.yaml"
    f.write_text(
        "addons:\n"
        "  - id: traefik\n    name: Traefik (ours)\n    category: ingress\n    evidence: [{image: 'my-traefik:', weight: 0.9}]\n"
        "  - id: acme-agent\n    name: ACME agent\n    category: other\n    evidence: [{workload: acme-agent, weight: 0.9}]\n"
    )
    rs = load_rules([f])
    by_id = {r["id"]: r for r in rs.addons}
    assert by_id["traefik"]["name"] == "Traefik (ours)"
    assert "acme-agent" in by_id
    assert rs.sources[-1] == f"user:{f} (overrides addons/traefik)"


@pytest.mark.parametrize(
    "text, fragment",
    [
        ("addons: [{id: x, category: nope, evidence: []}]", "unknown category"),
        ("addons: [{id: x, category: other, evidence: [{image: '(['}]}]", "bad regex"),
        ("addons: [{id: x, category: other, evidence: [{image: a, workload: b}]}]", "exactly one of"),
        ("distros: [{id: x, evidence: [{image: a, weight: 3}]}]", "weight"),
        ("addons: [x: [", "not valid YAML"),
        ("colours: []", "unknown section"),
    ],
)
def test_bad_user_rules_are_one_line_input_errors(tmp_path, text, fragment):
    f = tmp_path / "bad.yaml"
    f.write_text(text)
    with pytest.raises(InputError) as e:
        load_rules([f])
    assert fragment in str(e.value) and str(f) in str(e.value) and "\n" not in str(e.value)


def test_missing_rules_file(tmp_path):
    with pytest.raises(InputError, match="rules file not found"):
        load_rules([tmp_path / "nope.yaml"])
