"""The final-plan drift names fields by path; a Secret's keys by name (never by list index, never values)."""

from __future__ import annotations

from types import SimpleNamespace as NS

from migrate.playbook.steps._final_plan import changed_paths, drift


def secret(**data):
    return NS(obj={"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "s", "namespace": "shop"},
                   "data": {k: "" for k in data}})


def test_a_new_secret_key_is_named():
    first, final = [secret(a=1, b=1)], [secret(a=1, b=1, NEW_SECRET_KEY=1)]
    d = drift(first, final)
    assert d["changed"] == ["Secret shop/s"]
    assert changed_paths(first, final, d["changed"]) == [("Secret shop/s", ["+/data/NEW_SECRET_KEY"])]


def test_a_removed_secret_key_and_a_dotted_key_are_named():
    first, final = [secret(**{"tls.crt": 1, "old": 1})], [secret(**{"tls.crt": 1, "ca/x": 1})]
    paths = changed_paths(first, final, ["Secret shop/s"])[0][1]
    assert sorted(paths) == ["+/data/ca/x", "-/data/old"]
