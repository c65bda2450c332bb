#!/usr/bin/env python3
"""Build the recorded conformance result the demo replays (conformance/data/demo/*.tar.gz).

The demo has no nodes to run sonobuoy on, so it replays a REAL certified-conformance result: the
RKE2 v1.28.1 (rke-government) CNCF submission (cncf/k8s-conformance, Apache-2.0), repackaged in
sonobuoy's results layout:

  meta/info.json, meta/config.json            sonobuoy run metadata (from the submission's facts)
  serverversion.json                          the server version the run reported
  plugins/e2e/results/global/junit_01.xml     the submission's junit, skipped cases kept as names only
  plugins/e2e/results/global/e2e.log         the log's head (versions) and its summary tail
  plugins/e2e/sonobuoy_results.yaml           sonobuoy's summary tree, computed from the junit

Run once with the shared sample data beside the repo; the output is committed:
  python scripts/build_demo_conformance.py ../shared/realdata
"""

from __future__ import annotations

import io
import json
import sys
import tarfile
import xml.etree.ElementTree as ET
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "conformance" / "data" / "demo" / "rke2-v1.28.1-certified-conformance.tar.gz"
SUBMISSION = "sonobuoy/k8s-conformance/v1.28/rke-government"
MTIME = 1693526400  # fixed, so the tarball is byte-identical on every build


def _junit(src: Path) -> tuple[bytes, list[dict]]:
    tree = ET.parse(src)
    items = []
    for tc in tree.iter("testcase"):
        skipped = tc.find("skipped") is not None
        failed = tc.find("failure") is not None
        if skipped:  # keep the case (totals stay true) but drop its body
            for child in list(tc):
                tc.remove(child)
            ET.SubElement(tc, "skipped")
        items.append({"name": tc.get("name", "").removeprefix("[It] "),
                      "status": "failed" if failed else "skipped" if skipped else "passed"})
    buf = io.BytesIO()
    tree.write(buf, encoding="utf-8", xml_declaration=True)
    return buf.getvalue(), items


def _e2e_log(src: Path) -> bytes:
    lines = src.read_text(encoding="utf-8", errors="replace").splitlines()
    head = lines[:60]
    tail = lines[-40:]
    return ("\n".join(head + ["", "... (middle of the log omitted by distroshift's demo packaging) ...", ""] + tail) + "\n").encode()


def _add(tar: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mtime = MTIME
    info.mode = 0o644
    tar.addfile(info, io.BytesIO(data))


def main(realdata: Path) -> None:
    sub = realdata / SUBMISSION
    product = yaml.safe_load((sub / "PRODUCT.yaml").read_text())
    junit, items = _junit(sub / "junit_01.xml")
    log = _e2e_log(sub / "e2e.log")
    status = "failed" if any(i["status"] == "failed" for i in items) else "passed"
    results = {
        "name": "e2e", "status": status, "meta": {"type": "summary"},
        "items": [{"name": "junit_01.xml", "status": status,
                   "meta": {"file": "results/global/junit_01.xml", "type": "file"},
                   "items": [{"name": "Kubernetes e2e suite", "status": status, "items": items}]}],
    }
    OUT.parent.mkdir(parents=True, exist_ok=True)
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w", format=tarfile.PAX_FORMAT) as tar:
        _add(tar, "meta/info.json", json.dumps({"plugins": ["e2e"]}).encode())
        _add(tar, "meta/config.json", json.dumps({"Description": f"replayed: {product.get('name')} {product.get('version')} CNCF submission",
                                                  "UUID": "00000000-0000-0000-0000-000000000128", "Version": "v0.56.17",  # the submission's README: "Run sonobuoy v0.56.17"
                                                  "ResultsDir": "/tmp/sonobuoy"}).encode())
        _add(tar, "serverversion.json", json.dumps({"major": "1", "minor": "28", "gitVersion": "v1.28.1+rke2r1",
                                                     "platform": "linux/amd64"}).encode())
        _add(tar, "plugins/e2e/results/global/junit_01.xml", junit)
        _add(tar, "plugins/e2e/results/global/e2e.log", log)
        _add(tar, "plugins/e2e/sonobuoy_results.yaml", yaml.safe_dump(results, sort_keys=False).encode())
    import gzip

    OUT.write_bytes(gzip.compress(raw.getvalue(), compresslevel=9, mtime=0))
    print(f"wrote {OUT.relative_to(ROOT)} ({OUT.stat().st_size} bytes, {len(items)} test cases, {status})")


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else ROOT.parent / "shared" / "realdata"))
