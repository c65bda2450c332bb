"""Generated OpenAPI documents are built once per (minor, CRD set) and shared by every simulator."""
from __future__ import annotations

import copy
import json

from migrate.sim.catalogue import Catalogue
from migrate.sim.openapi import OpenAPIDocs
from test_tables_crds import CRD


def test_documents_are_shared_per_minor_and_crd_set():
    a, b = OpenAPIDocs(Catalogue.builtin(36), 36), OpenAPIDocs(Catalogue.builtin(36), 36)
    assert a.v2() is b.v2()  # the same bytes object: built once
    assert OpenAPIDocs(Catalogue.builtin(30), 30).v2() is not a.v2()
    with_crd = Catalogue.builtin(36)
    with_crd.add_crd(copy.deepcopy(CRD))
    c = OpenAPIDocs(with_crd, 36)
    assert c.v3("apis/stable.example.com/v1") is not None and a.v3("apis/stable.example.com/v1") is None
    # a changed CRD schema is a different document
    changed = copy.deepcopy(CRD)
    changed["spec"]["versions"][0]["schema"]["openAPIV3Schema"]["properties"]["spec"]["properties"]["extra"] = {
        "type": "string"}
    other = Catalogue.builtin(36)
    other.add_crd(changed)
    body, _ = OpenAPIDocs(other, 36).v3("apis/stable.example.com/v1")
    assert "extra" in json.dumps(json.loads(body)["components"]["schemas"])
    assert body != c.v3("apis/stable.example.com/v1")[0]
