#!/usr/bin/env python3
"""Benchmark the offline stages on a generated scale cluster: inventory --from-dump, plan, report.

    python bench/pipeline.py                                   # 100k objects in 2,000 namespaces
    python bench/pipeline.py --objects 20000 --namespaces 400  # a smaller run
    python bench/pipeline.py --plan-output table               # plan without printing the whole plan

Each stage runs as its own `distroshift` subprocess, as a consultant would run it on a customer's
dump; the script prints wall time, objects/s and peak RSS per stage, and the report's size.
Figures only, no pass/fail.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def _stage(argv: list[str]) -> tuple[float, float]:
    """Run a stage in a fresh Python wrapper so its peak RSS is its own."""
    code = ("import sys,json,resource,subprocess,time;t=time.perf_counter();"
            "p=subprocess.run(sys.argv[1:],stdout=subprocess.DEVNULL,stderr=subprocess.PIPE,text=True);"
            "print(json.dumps([time.perf_counter()-t,resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss/1024,p.returncode,p.stderr[-400:]]))")
    exe = str(Path(sys.executable).with_name("distroshift"))
    out = subprocess.run([sys.executable, "-c", code, exe, *argv], capture_output=True, text=True, check=True).stdout
    wall, rss, rc, err = json.loads(out)
    if rc not in (0, 1):
        sys.exit(f"{argv[0]} failed ({rc}): {err.strip()}")
    return wall, rss


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--objects", type=int, default=100_000)
    ap.add_argument("--namespaces", type=int, default=2_000)
    ap.add_argument("--target", default="kubeadm")
    ap.add_argument("--plan-output", default="json", choices=("json", "table"),
                    help="plan's -o: json prints the whole plan to stdout (as CI does), table only a summary")
    args = ap.parse_args()
    from migrate.sim.generate import generate_scale_objects

    with tempfile.TemporaryDirectory(prefix="distroshift-bench-") as tmp:
        d = Path(tmp)
        dump = d / "dump.json"
        with dump.open("w") as f:  # a `kubectl get -A -o json`-style List, streamed
            f.write('{"apiVersion":"v1","kind":"List","items":[')
            for i, o in enumerate(generate_scale_objects(namespaces=args.namespaces, objects=args.objects)):
                f.write(("," if i else "") + json.dumps(o))
            f.write("]}")
        print(f"dump: {args.objects:,} objects in {args.namespaces:,} namespaces, {dump.stat().st_size / 2**20:.1f} MiB")
        stages = [
            ("inventory --from-dump", ["inventory", "--from-dump", str(dump), "--out", str(d / "inventory.json"), "-o", "json"]),
            (f"plan --target {args.target} -o {args.plan_output}", ["plan", "--inventory", str(d / "inventory.json"), "--target", args.target,
                                              "--out", str(d / "plan"), "-o", args.plan_output]),
            ("report (assessment)", ["report", str(d / "inventory.json"), str(d / "plan" / "plan.json"),
                                     "--kind", "assessment", "--out", str(d / "assessment.html")]),
        ]
        print(f"{'stage':36} {'wall s':>8} {'objects/s':>10} {'peak RSS MB':>12}")
        for label, argv in stages:
            wall, rss = _stage(argv)
            print(f"{label:36} {wall:8.2f} {args.objects / wall:10,.0f} {rss:12.0f}")
        print(f"assessment.html: {(d / 'assessment.html').stat().st_size / 2**20:.2f} MiB; "
              f"manifests: {sum(1 for _ in (d / 'plan' / 'manifests').rglob('*.yaml')):,} files")


if __name__ == "__main__":
    main()
