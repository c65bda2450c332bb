"""Helpers shared by the simulator store unit tests."""
from __future__ import annotations

from migrate.sim.store import Store

UA = "python-requests/2.34.2"


def rt(store: Store, group: str, version: str, resource: str):
    t = store.catalogue.lookup(group, version, resource)
    assert t is not None
    return t


def make_ns(store: Store, name: str) -> dict:
    return store.create(rt(store, "", "v1", "namespaces"), None,
                        {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": name}}, user_agent=UA)[1]


def deployment(name: str, replicas: int = 2, image: str = "nginx:1.27", labels: dict | None = None) -> dict:
    labels = labels or {"app": name}
    return {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": name, "labels": dict(labels)},
            "spec": {"replicas": replicas, "selector": {"matchLabels": dict(labels)},
                     "template": {"metadata": {"labels": dict(labels)},
                                  "spec": {"containers": [{"name": "app", "image": image,
                                                           "ports": [{"containerPort": 80}]}]}}}}


def cm(name: str, labels: dict | None = None, **data: str) -> dict:
    meta: dict = {"name": name}
    if labels:
        meta["labels"] = labels
    return {"apiVersion": "v1", "kind": "ConfigMap", "metadata": meta, "data": dict(data)}
