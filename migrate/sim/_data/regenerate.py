"""Regenerate migrate/sim/_data/discovery-v1.36.json from the recorded v1.36 discovery.

Run once by hand (the package never reads ../shared at run time):
    python migrate/sim/_data/regenerate.py /work/shared/realdata/kube-apiserver-v1.36/exchanges/01-discovery.jsonl
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


if __name__ == "__main__":
    main(sys.argv[1])
