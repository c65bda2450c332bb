"""YAML rules in Velero's resource-modifier shape compile to the same protocol as built-ins."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from factories import pvc, rule_context
from migrate.data import load_rules_file
from migrate.errors import InputError
from migrate.models.profiles import RulesFile
from migrate.rules.base import Drop, Patch
from migrate.rules.declarative import compile_rules_file

# The shape of Velero's documented example (restore-resource-modifiers.md).
VELERO_EXAMPLE = """
version: v1
resourceModifierRules:
- conditions:
     groupResource: persistentvolumeclaims
     resourceNameRegex: "^mysql.*$"
     namespaces:
     - bar
     - foo
     labelSelector:
        matchLabels:
           foo: bar
  patches:
  - operation: replace
    path: "/spec/storageClassName"
    value: "premium"
  - operation: remove
    path: "/metadata/labels/test"
"""


def _claim(name="mysql-0", ns="foo", labels=None):
    c = pvc(name, ns, "standard")
    c["metadata"]["labels"] = labels if labels is not None else {"foo": "bar", "test": "x"}
    return c


def test_velero_example_compiles_and_applies(tmp_path):
    (r,) = compile_rules_file(RulesFile.model_validate(yaml.safe_load(VELERO_EXAMPLE)), tmp_path / "velero.yaml")
    (p,) = r.run(_claim(), rule_context())
    assert isinstance(p, Patch)
    assert p.ops == ({"op": "replace", "path": "/spec/storageClassName", "value": "premium"}, {"op": "remove", "path": "/metadata/labels/test"})
    assert r.run(_claim(name="pg-0"), rule_context()) == []  # name regex
    assert r.run(_claim(ns="other"), rule_context()) == []  # namespaces
    assert r.run(_claim(labels={"foo": "baz"}), rule_context()) == []  # label selector
    # remove of a missing path is skipped, not an error at apply time
    (p2,) = r.run(_claim(labels={"foo": "bar"}), rule_context())
    assert p2.ops == ({"op": "replace", "path": "/spec/storageClassName", "value": "premium"},)


def test_merge_patch_and_drop_extension(tmp_path):
    f = tmp_path / "mine.yaml"
    f.write_text("""
version: v1
resourceModifierRules:
- id: acme.io/cleanup/no-foo
  drop: true
  reason: legacy claims are recreated by the app
  conditions: {groupResource: persistentvolumeclaims, matches: [{path: /spec/storageClassName, value: standard}]}
  mergePatches:
  - patchData: '{"metadata": {"annotations": {"pv.kubernetes.io/bind-completed": null}}}'
""")
    (r,) = compile_rules_file(load_rules_file(f), f)
    out = r.run(_claim(), rule_context())
    assert isinstance(out[0], Drop) and out[0].reason == "legacy claims are recreated by the app"
    assert out[1].ops == ({"op": "remove", "path": "/metadata/annotations/pv.kubernetes.io~1bind-completed"},)


@pytest.mark.parametrize("body,field", [
    ("version: v2\nresourceModifierRules: []\n", "version"),
    ("version: v1\nresourceModifierRules:\n- conditions: {groupResource: pods, resourceNameRegex: '('}\n", "resourceModifierRules[0].conditions.resourceNameRegex"),
    ("version: v1\nresourceModifierRules:\n- conditions: {groupResource: pods}\n  patches: [{operation: frobnicate, path: /x}]\n", "resourceModifierRules[0].patches[0].operation"),
    ("version: v1\nresourceModifierRules:\n- conditions: {groupResource: pods}\n  pacthes: []\n", "resourceModifierRules[0].pacthes"),
])
def test_bad_rules_file_names_file_and_field(tmp_path, body, field):
    f = tmp_path / "bad.yaml"
    f.write_text(body)
    with pytest.raises(InputError) as e:
        compile_rules_file(load_rules_file(f), f)
    assert str(e.value).startswith(f"{f}: {field}:")
