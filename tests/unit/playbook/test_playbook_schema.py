"""Playbooks are validated before any cluster is touched; errors name the file and line."""

from __future__ import annotations

import pytest

from migrate.errors import InputError
from migrate.playbook.schema import load_playbook, parse_playbook, shipped_playbooks

GOOD = """\
name: t
steps:
  - type: preflight
  - id: q
    type: quiesce
    with:
      kinds: [Deployment]
"""


@pytest.mark.parametrize(
    "text, expected",
    [
        ("name: t\nsteps:\n  - type: preflight\n  - type: snapshot\n", "pb.yaml: line 4: step 2 (snapshot): unknown step type 'snapshot'"),
        (GOOD + "      replicas: 0\n", "pb.yaml: line 8: step 2 (q): parameter 'replicas': unknown parameter"),
        ("name: t\nsteps:\n  - type: verify\n    with: {timeout: soon}\n", "pb.yaml: line 4: step 1 (verify): parameter 'timeout'"),
        ("name: t\nsteps:\n  - type: restore\n    with:\n      existing_resource_policy: replace\n",
         "pb.yaml: line 5: step 1 (restore): parameter 'existing_resource_policy'"),
        ("name: t\nsteps:\n  - type: preflight\n  - type: preflight\n", "pb.yaml: line 4: step 2: duplicate step id 'preflight'"),
        ("name: t\nsteps:\n  - id: x\n", "pb.yaml: line 3: step 1 (x): missing 'type'"),
        ("name: t\nengine: restic\nsteps:\n  - type: preflight\n", "pb.yaml: line 2: engine:"),
        ("name: t\nsteps:\n  - type: preflight\n    wiht: {}\n", "pb.yaml: line 4: step 1 (preflight): wiht: unknown field"),
        ("name: t\nsteps: [\n", "pb.yaml: line 3: not valid YAML"),
    ],
)
def test_bad_playbook_is_one_line_with_file_and_line(text, expected):
    with pytest.raises(InputError) as e:
        parse_playbook(text, "pb.yaml")
    msg = str(e.value)
    assert msg.startswith(expected), msg
    assert "\n" not in msg


def test_good_playbook_defaults():
    pb = parse_playbook(GOOD, "pb.yaml")
    assert [s.id for s in pb.steps] == ["preflight", "q"]
    assert pb.engine == "native" and pb.steps[1].params.kinds == ["Deployment"]
    assert pb.digest() == parse_playbook(GOOD, "other.yaml").digest()
    assert pb.digest() != parse_playbook(GOOD.replace("[Deployment]", "[CronJob]"), "pb.yaml").digest()


def test_shipped_playbooks_load_by_name_and_are_safe_in_order():
    shipped = shipped_playbooks()
    assert {"generic", "dkp-to-rke2", "tkg-to-eks", "openshift-to-kubeadm"} <= set(shipped)
    for name in shipped:
        pb = load_playbook(name)
        types = [s.type for s in pb.steps]
        # a copy is made and verified before the source is frozen, and the freeze is gated
        assert types.index("pre-stage") < types.index("verify") < types.index("approval") < types.index("quiesce")
        assert types.index("quiesce") < types.index("restore") and types[-1] == "finish"


def test_missing_playbook_names_the_shipped_ones():
    with pytest.raises(InputError, match="shipped: .*generic"):
        load_playbook("nosuch")
