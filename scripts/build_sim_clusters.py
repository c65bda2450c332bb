#!/usr/bin/env python3
"""Regenerate the simulated-cluster snapshots in migrate/sim/clusters/ (plain YAML, committed).

    python scripts/build_sim_clusters.py            # all clusters
    python scripts/build_sim_clusters.py dkp tkg    # some

Deterministic: the same script gives byte-identical files. Facts and their realdata sources are
listed in migrate/sim/clusters/README.md and in each module's docstring.
"""
from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from sim_clusters import BUILDERS  # noqa: E402


def main(argv: list[str]) -> int:
    names = argv or list(BUILDERS)
    unknown = [n for n in names if n not in BUILDERS]
    if unknown:
        print(f"unknown cluster(s): {', '.join(unknown)}; known: {', '.join(BUILDERS)}", file=sys.stderr)
        return 2
    for n in names:
        snap = BUILDERS[n]()
        out = snap.write()
        print(f"{n}: {len(snap.all_objects())} objects -> {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
