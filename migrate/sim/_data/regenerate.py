"""Regenerate migrate/sim/_data/discovery-v1.36.json from the recorded v1.36 discovery.

Run once by hand (the package never reads ../shared at run time):
    python migrate/sim/_data/regenerate.py /work/shared/realdata/kube-apiserver-v1.36
(writes discovery-v1.36.json from exchanges/01-discovery.jsonl and schema-v1.36.json, the
merge/list semantics of every built-in type, from openapi/openapi-v2.json.gz).
Keeps the group order of /apis, every APIResourceList entry (subresources included, in server
order) and the /version body, so discovery can be served byte-compatible with the recording.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

OUT = Path(__file__).resolve().parent / "discovery-v1.36.json"


def main(src: str) -> None:
    exchanges = [json.loads(line) for line in Path(src).read_text().splitlines() if line.strip()]
    out: dict = {"version": None, "groups": [], "resources": {}}
    for ex in exchanges:
        req, resp = ex["request"], ex["response"]
        if req["method"] != "GET" or resp["status"] != 200 or req["headers"].get("accept") != "application/json":
            continue
        body = resp["body"]
        if not isinstance(body, dict):
            continue
        kind = body.get("kind")
        if req["path"] == "/version" and out["version"] is None:
            out["version"] = body
        elif kind == "APIGroupList":
            out["groups"] = [
                {"name": g["name"], "versions": [v["version"] for v in g["versions"]],
                 "preferred": g["preferredVersion"]["version"]}
                for g in body["groups"]
            ]
        elif kind == "APIResourceList":
            out["resources"][body["groupVersion"]] = body["resources"]
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(out, separators=(",", ":"), sort_keys=False) + "\n")
    print(f"wrote {OUT} ({OUT.stat().st_size} bytes, {len(out['resources'])} group-versions)")




SCHEMA_OUT = Path(__file__).resolve().parent / "schema-v1.36.json"


def _node(spec: dict) -> dict:
    """Keep only what merges, apply and validation need from one OpenAPI v2 property."""
    out: dict = {}
    if "$ref" in spec:
        out["r"] = spec["$ref"].rsplit("/", 1)[1].removeprefix("io.k8s.")
    for src, dst in (("type", "t"), ("format", "f"), ("x-kubernetes-list-type", "lt"),
                     ("x-kubernetes-list-map-keys", "k"), ("x-kubernetes-patch-merge-key", "pmk"),
                     ("x-kubernetes-patch-strategy", "ps"), ("x-kubernetes-map-type", "mt"), ("enum", "e")):
        if src in spec:
            out[dst] = spec[src]
    if "items" in spec:
        out["i"] = _node(spec["items"])
    if isinstance(spec.get("additionalProperties"), dict):
        out["a"] = _node(spec["additionalProperties"])
    return out


def schema_main(openapi_v2_gz: str) -> None:
    import gzip

    doc = json.load(gzip.open(openapi_v2_gz))
    defs, roots = {}, {}
    for name, d in doc["definitions"].items():
        short = name.removeprefix("io.k8s.")
        entry = _node(d)
        if d.get("properties"):
            entry["p"] = {p: _node(s) for p, s in d["properties"].items()}
        if d.get("required"):
            entry["req"] = d["required"]
        defs[short] = entry
        for gvk in d.get("x-kubernetes-group-version-kind", []):
            gv = f"{gvk['group']}/{gvk['version']}" if gvk["group"] else gvk["version"]
            roots[f"{gv}/{gvk['kind']}"] = short
    SCHEMA_OUT.write_text(json.dumps({"roots": roots, "defs": defs}, separators=(",", ":")) + "\n")
    print(f"wrote {SCHEMA_OUT} ({SCHEMA_OUT.stat().st_size} bytes, {len(defs)} definitions)")


if __name__ == "__main__":
    root = Path(sys.argv[1])
    main(str(root / "exchanges" / "01-discovery.jsonl"))
    schema_main(str(root / "openapi" / "openapi-v2.json.gz"))
