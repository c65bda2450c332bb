#!/usr/bin/env python3
"""Benchmark `distroshift inventory` on a generated scale cluster. Prints figures only (no pass/fail).

    python bench/inventory.py                                   # 100k objects in 2,000 namespaces
    python bench/inventory.py --objects 20000 --namespaces 400  # a smaller run
    python bench/inventory.py --objects 20000 --namespaces 400 --repeat 3 --skip-kubectl
    python bench/inventory.py --kubeconfig ~/.kube/config       # an existing cluster instead of a simulator

The simulator runs in its own process (its CPU does not share a GIL with the clients measured, though
on a 2-core machine it does share the cores). Every figure is for the same resource types:
- inventory: wall time, objects/s and peak RSS of `distroshift inventory -o table --out ...` run as a
  subprocess (the artifact and its objects file are written; the table goes to /dev/null);
- floor: a plain paged raw list, also a subprocess with the same client setup (migrate.cluster.connect),
  the same discovery and type selection, the same worker count and page size, each page's JSON parsed
  (like any real consumer) and dropped. Its process wall time is what the inventory is compared with;
  the discovery and list part of it is printed too;
- kubectl: `kubectl get <type> -A -o json` looped over the types (kubectl-1.35), once.
With --repeat N the inventory and floor runs alternate N times and medians are reported; --compare-with
DIR adds the inventory of another checkout to each round (before/after under the same load).
Aims (from the issue): inventory within 1.3x of the floor, >= 3x faster than kubectl, RSS < 400 MB.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import os
import statistics
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


def _floor_child(kubeconfig: str, workers: int, page_size: int) -> None:
    """The floor, run in its own process: prints one JSON line of figures."""
    import concurrent.futures as cf

    from migrate.cluster import connect
    from migrate.inventory.live import select_types

    t0 = time.perf_counter()
    client = connect(kubeconfig)
    client.ensure_reachable()
    types = select_types(client.discover())
    t1 = time.perf_counter()

    def one(r) -> int:  # type: ignore[no-untyped-def]
        n = 0
        for page in client.list_pages(r.path(), limit=page_size):  # Response.json parses every page
            n += len(page.get("items") or [])
        return n

    with cf.ThreadPoolExecutor(workers) as pool:
        total = sum(pool.map(one, types))
    t2 = time.perf_counter()
    print(json.dumps({"setup_s": t1 - t0, "list_s": t2 - t1, "objects": total, "types": len(types)}))


def _run_measured(argv: list[str], stdout_path: Path | None = None, root: Path = ROOT) -> tuple[float, float, float, int, str]:
    """(wall s, CPU s, peak RSS MB, exit code, stderr) of one subprocess, via wait4 (its own rusage)."""
    err = tempfile.TemporaryFile()
    out = stdout_path.open("wb") if stdout_path else subprocess.DEVNULL
    t0 = time.perf_counter()
    env = dict(os.environ, PYTHONPATH=str(root))  # --compare-with: that checkout's migrate package, not this one
    p = subprocess.Popen(argv, stdout=out, stderr=err, cwd=root, env=env)
    _, status, ru = os.wait4(p.pid, 0)
    wall = time.perf_counter() - t0
    p.returncode = os.waitstatus_to_exitcode(status)
    if stdout_path:
        out.close()  # type: ignore[union-attr]
    err.seek(0)
    cpu = ru.ru_utime + ru.ru_stime
    return wall, cpu, ru.ru_maxrss / 1024, p.returncode, err.read().decode("utf-8", "replace")  # ru_maxrss: KiB on Linux


def _inventory(kc: str, out: Path, workers: int, page_size: int, root: Path = ROOT) -> tuple[float, float, float, dict]:
    argv = [sys.executable, "-m", "migrate.cli.main", "inventory", "--kubeconfig", kc, "-o", "table", "--out", str(out),
            "--workers", str(workers)]
    if page_size != 500:
        argv += ["--page-size", str(page_size)]
    wall, cpu, rss, rc, err = _run_measured(argv, root=root)
    if rc != 0:
        sys.exit(f"inventory ({root}) failed ({rc}): {err.strip()[-400:]}")
    inv = json.loads(out.read_text())
    return wall, cpu, rss, inv


def _floor(kc: str, workers: int, page_size: int, tmp: Path) -> tuple[float, float, float, dict]:
    res = tmp / "floor.json"
    wall, cpu, rss, rc, err = _run_measured([sys.executable, str(Path(__file__).resolve()), "--floor-child", "--kubeconfig", kc,
                                        "--workers", str(workers), "--page-size", str(page_size)], stdout_path=res)
    if rc != 0:
        sys.exit(f"floor failed ({rc}): {err.strip()[-400:]}")
    return wall, cpu, rss, json.loads(res.read_text())


def _kubectl(kubectl: str, kubeconfig: str) -> tuple[float, int]:
    from migrate.cluster import connect
    from migrate.inventory.live import select_types

    types = select_types(connect(kubeconfig).discover())
    t0 = time.perf_counter()
    for r in types:
        name = f"{r.resource}.{r.group}" if r.group else r.resource
        subprocess.run([kubectl, "--kubeconfig", kubeconfig, "get", name, "-A", "-o", "json"], stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL, check=False)
    return time.perf_counter() - t0, len(types)


def _measure(a: argparse.Namespace, kc: str, tmp: Path) -> None:
    # one unmeasured list first: the simulator caches each object's JSON on first read, and whichever
    # client came first would otherwise pay for it
    _floor(kc, a.workers, a.page_size, tmp)
    other = Path(a.compare_with).resolve() if a.compare_with else None
    inv_runs, floor_runs, other_runs = [], [], []
    inv: dict = {}
    floor: dict = {}
    for i in range(a.repeat):
        wall, cpu, rss, inv = _inventory(kc, tmp / "inventory.json", a.workers, a.page_size)
        inv_runs.append((wall, cpu, rss))
        fwall, fcpu, _, floor = _floor(kc, a.workers, a.page_size, tmp)
        floor_runs.append((fwall, fcpu, floor["setup_s"], floor["list_s"]))
        line = f"  run {i + 1}: inventory {wall:.2f}s (CPU {cpu:.2f}s, {rss:.0f} MB)   floor {fwall:.2f}s (CPU {fcpu:.2f}s)"
        if other is not None:
            owall, ocpu, orss, _ = _inventory(kc, tmp / "other.json", a.workers, 500, root=other)
            other_runs.append((owall, ocpu, orss))
            line += f"   {other.name}: {owall:.2f}s (CPU {ocpu:.2f}s, {orss:.0f} MB)"
        if a.repeat > 1 or other is not None:
            print(line)
    med = statistics.median
    inv_s, inv_cpu, rss_mb = med(r[0] for r in inv_runs), med(r[1] for r in inv_runs), max(r[2] for r in inv_runs)
    floor_s, floor_cpu = med(r[0] for r in floor_runs), med(r[1] for r in floor_runs)
    setup_s, list_s = med(r[2] for r in floor_runs), med(r[3] for r in floor_runs)
    n = sum(inv["counts"].values())
    of = "median of %d, " % a.repeat if a.repeat > 1 else ""
    print(f"inventory: {inv_s:.2f}s  {n / inv_s:,.0f} objects/s  peak RSS {rss_mb:.0f} MB  client CPU {inv_cpu:.2f}s  "
          f"({of}{n} objects, {inv['object_count']} stored, complete={inv['complete']})")
    if other_runs:
        o_s, o_cpu, o_rss = med(r[0] for r in other_runs), med(r[1] for r in other_runs), max(r[2] for r in other_runs)
        print(f"  {other}: {o_s:.2f}s  {n / o_s:,.0f} objects/s  peak RSS {o_rss:.0f} MB  client CPU {o_cpu:.2f}s  "
              f"-> {o_s / floor_s:.2f}x the floor")
    print(f"floor:     {floor_s:.2f}s  {floor['objects'] / floor_s:,.0f} objects/s  client CPU {floor_cpu:.2f}s  (connect+discovery "
          f"{setup_s:.2f}s, paged list+parse {list_s:.2f}s; {floor['objects']} objects, {floor['types']} types, "
          f"{a.workers} workers, limit {a.page_size})")
    k_s = None
    if not a.skip_kubectl and os.path.exists(a.kubectl):
        k_s, ntypes = _kubectl(a.kubectl, kc)
        print(f"kubectl:   {k_s:.2f}s  ({Path(a.kubectl).name} get <type> -A -o json x {ntypes} types)")
    # vs the floor process; and, stricter, vs only its list part (no interpreter start, imports, discovery)
    ratios = f"inventory/floor {inv_s / floor_s:.2f}x (aim <= 1.3x; {inv_s / list_s:.2f}x its list part alone)"
    if k_s is not None:
        ratios += f"   kubectl/inventory {k_s / inv_s:.2f}x (aim >= 3x)"
    print(f"ratios:    {ratios}   peak RSS {rss_mb:.0f} MB (aim < 400 MB)")
    if os.cpu_count() and os.getloadavg()[0] > os.cpu_count():  # type: ignore[operator]
        print(f"note:      load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs: wall times are noisy; compare CPU seconds too")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--objects", type=int, default=100_000)
    ap.add_argument("--namespaces", type=int, default=2_000)
    ap.add_argument("--workers", type=int, default=8)
    ap.add_argument("--page-size", type=int, default=500, help="list page size (limit) for the inventory and the floor")
    ap.add_argument("--repeat", type=int, default=1, help="alternate inventory and floor runs N times; report medians")
    ap.add_argument("--kubeconfig", help="measure this cluster instead of starting a simulator")
    ap.add_argument("--kubectl", default=str(ROOT / ".tools" / "bin" / "kubectl-1.35"))
    ap.add_argument("--skip-kubectl", action="store_true")
    ap.add_argument("--compare-with", metavar="DIR", help="also time the inventory of another checkout (e.g. a `git worktree` "
                    "of the previous commit), alternating with this one, for a before/after under the same load")
    ap.add_argument("--floor-child", action="store_true", help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.floor_child:
        _floor_child(a.kubeconfig, a.workers, a.page_size)
        return

    with tempfile.TemporaryDirectory(prefix="bench-inv-") as tmp_s:
        tmp = Path(tmp_s)
        if a.kubeconfig:
            _measure(a, a.kubeconfig, tmp)
            return
        kc = str(tmp / "kubeconfig")
        ctx = mp.get_context("fork")
        ready, stop = ctx.Event(), ctx.Event()
        t0 = time.perf_counter()
        proc = ctx.Process(target=_serve, args=(a.objects, a.namespaces, kc, ready, stop), daemon=True)
        proc.start()
        try:
            if not ready.wait(timeout=1800):
                sys.exit("simulator did not come up")
            print(f"simulator: {a.objects} objects in {a.namespaces} namespaces loaded in {time.perf_counter() - t0:.1f}s")
            _measure(a, kc, tmp)
        finally:
            stop.set()
            proc.join(timeout=30)


if __name__ == "__main__":
    main()
