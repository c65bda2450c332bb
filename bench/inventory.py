#!/usr/bin/env python3
"""Benchmark `distroshift inventory` on a generated scale cluster. Prints figures only (no pass/fail).

    python bench/inventory.py                       # 100k objects in 2,000 namespaces
    python bench/inventory.py --objects 20000 --namespaces 400

The simulator runs in its own process (so its CPU does not share a GIL with the clients measured).
Figures, for the same resource types:
- inventory: wall time, objects/s and peak RSS of `distroshift inventory -o table --out ...` as a subprocess
  (the artifact is written; the summary goes to /dev/null);
- floor: a plain paged raw list (limit=500, same worker count, JSON parsed and dropped) from this process;
- kubectl: `kubectl get <type> -A -o json` looped over the types (kubectl-1.35).
Aims (from the brief): inventory within 1.3x of the floor, >= 3x faster than kubectl, RSS < 400 MB.
"""

from __future__ import annotations

import argparse
import concurrent.futures as cf
import multiprocessing as mp
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def _serve(objects: int, namespaces: int, kubeconfig: str, ready, stop) -> None:  # child process
    from migrate.sim import serve
    from migrate.sim.generate import generate_scale_objects

    with serve(None, workload_sim=False, name="scale") as sim:
        sim.store.load_objects(list(generate_scale_objects(namespaces=namespaces, objects=objects)))
        Path(kubeconfig).write_text(Path(sim.kubeconfig).read_text())
        ready.set()
        stop.wait()


def _floor(kubeconfig: str, workers: int) -> tuple[float, int, int]:
    from migrate.cluster import connect
    from migrate.inventory.live import select_types

    client = connect(kubeconfig)
    types = select_types(client.discover())
    t0 = time.perf_counter()

    def one(r) -> int:
        n = 0
        for page in client.list_pages(r.path(), limit=500):
            n += len(page.get("items") or [])
        return n

    with cf.ThreadPoolExecutor(workers) as pool:
        total = sum(pool.map(one, types))
    return time.perf_counter() - t0, total, len(types)


def _kubectl(kubectl: str, kubeconfig: str) -> float:
    from migrate.cluster import connect
    from migrate.inventory.live import select_types

    types = select_types(connect(kubeconfig).discover())
    t0 = time.perf_counter()
    for r in types:
        name = f"{r.resource}.{r.group}" if r.group else r.resource
        subprocess.run([kubectl, "--kubeconfig", kubeconfig, "get", name, "-A", "-o", "json"], stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL, check=False)
    return time.perf_counter() - t0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--objects", type=int, default=100_000)
    ap.add_argument("--namespaces", type=int, default=2_000)
    ap.add_argument("--workers", type=int, default=8)
    ap.add_argument("--kubectl", default=str(ROOT / ".tools" / "bin" / "kubectl-1.35"))
    ap.add_argument("--skip-kubectl", action="store_true")
    a = ap.parse_args()

    with tempfile.TemporaryDirectory(prefix="bench-inv-") as tmp:
        kc = str(Path(tmp) / "kubeconfig")
        ctx = mp.get_context("fork")
        ready, stop = ctx.Event(), ctx.Event()
        t0 = time.perf_counter()
        proc = ctx.Process(target=_serve, args=(a.objects, a.namespaces, kc, ready, stop), daemon=True)
        proc.start()
        try:
            if not ready.wait(timeout=1800):
                sys.exit("simulator did not come up")
            print(f"simulator: {a.objects} objects in {a.namespaces} namespaces loaded in {time.perf_counter() - t0:.1f}s")

            out = Path(tmp) / "inventory.json"
            t0 = time.perf_counter()
            r = subprocess.run([sys.executable, "-m", "migrate.cli.main", "inventory", "--kubeconfig", kc, "-o", "table",
                                "--out", str(out), "--workers", str(a.workers)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
            inv_s = time.perf_counter() - t0
            rss_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024  # KiB on Linux; only this child so far
            if r.returncode != 0:
                sys.exit(f"inventory failed ({r.returncode}): {r.stderr.strip()[-400:]}")
            import json

            inv = json.loads(out.read_text())
            n = sum(inv["counts"].values())
            print(f"inventory: {inv_s:.2f}s  {n / inv_s:,.0f} objects/s  peak RSS {rss_mb:.0f} MB  "
                  f"({n} objects, {inv['object_count']} stored, complete={inv['complete']})")

            floor_s, floor_n, ntypes = _floor(kc, a.workers)
            print(f"floor (raw paged list, {ntypes} types, {a.workers} workers): {floor_s:.2f}s  {floor_n / floor_s:,.0f} objects/s"
                  f"  -> inventory/floor = {inv_s / floor_s:.2f}x")
            if not a.skip_kubectl and os.path.exists(a.kubectl):
                k_s = _kubectl(a.kubectl, kc)
                print(f"kubectl get <type> -A -o json x {ntypes} types: {k_s:.2f}s  -> kubectl/inventory = {k_s / inv_s:.2f}x")
        finally:
            stop.set()
            proc.join(timeout=30)


if __name__ == "__main__":
    main()
