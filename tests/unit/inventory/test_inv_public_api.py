"""The public surface the CLI and the cutover engine rely on stays put."""

from __future__ import annotations

import inspect

import migrate.cluster
import migrate.detect
import migrate.inventory


def test_exports():
    assert set(migrate.inventory.__all__) == {"collect_inventory", "inventory_from_dump", "write_inventory", "objects_path_for"}
    assert {"load_rules", "detect", "detect_facts", "RuleSet", "Facts"} <= set(migrate.detect.__all__)
    assert {"connect", "ClusterClient", "RetryPolicy", "ApiResource"} <= set(migrate.cluster.__all__)
    for mod in (migrate.inventory, migrate.detect, migrate.cluster):
        for name in mod.__all__:
            assert hasattr(mod, name), f"{mod.__name__}.{name}"


def test_signatures():
    p = inspect.signature(migrate.inventory.collect_inventory).parameters
    assert list(p)[:1] == ["client"] and {"namespaces", "exclude", "workers", "progress"} <= set(p)
    assert p["workers"].default == 8
    p = inspect.signature(migrate.inventory.inventory_from_dump).parameters
    assert list(p)[:1] == ["path"] and {"namespaces", "exclude", "rules"} <= set(p)
