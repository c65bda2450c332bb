"""The objects sidecar: streamed to per-unit temp files, then concatenated in sorted order.

Only (namespace, name, offset, length) per object stays in memory, so 100k objects cost a few MB.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

from migrate.inventory._json import dumps_sorted

__all__ = ["ObjectStore", "UnitWriter", "WritePlan", "dumps"]


def dumps(obj: Any) -> bytes:
    # sorted keys and fixed separators: the same object always gives the same bytes
    return dumps_sorted(obj)


class UnitWriter:
    def __init__(self, directory: Path, type_key: tuple[str, str]):
        self.type_key = type_key
        fd, name = tempfile.mkstemp(prefix="unit-", suffix=".jsonl", dir=directory)
        self.path = Path(name)
        self._f: BinaryIO = os.fdopen(fd, "wb")
        self._off = 0
        self.keys: list[tuple[str, str, int, int]] = []

    def add(self, namespace: str, name: str, obj: Any) -> None:
        line = dumps(obj) + b"\n"
        self._f.write(line)
        self.keys.append((namespace, name, self._off, len(line)))
        self._off += len(line)

    def reset(self) -> None:
        """Forget everything written (a list restarted after 410 Expired)."""
        self._f.seek(0)
        self._f.truncate()
        self._off = 0
        self.keys = []

    def close(self) -> None:
        if not self._f.closed:
            self._f.close()


@dataclass
class WritePlan:
    # per type, in order: its unit files and either None (copy the one file whole) or (unit, offset, length) spans
    parts: list[tuple[list[Path], list[tuple[int, int, int]] | None]] = field(default_factory=list)
    count: int = 0
    dups: list[tuple[str, str, str, str]] = field(default_factory=list)


class ObjectStore:
    def __init__(self, directory: str | os.PathLike | None = None):
        self._own = directory is None
        self.dir = Path(tempfile.mkdtemp(prefix="distroshift-inv-")) if directory is None else Path(directory)
        self.units: list[UnitWriter] = []

    def unit(self, type_key: tuple[str, str]) -> UnitWriter:
        u = UnitWriter(self.dir, type_key)
        self.units.append(u)
        return u

    def drop(self, unit: UnitWriter) -> None:
        unit.close()
        unit.path.unlink(missing_ok=True)
        self.units.remove(unit)

    def plan(self, *, dedupe: bool = False) -> WritePlan:
        """Order every unit's objects by group/kind/namespace/name, from the in-memory keys only.

        Duplicates are (group, kind, namespace, name); with dedupe=False they are written as they are
        (a live list never yields one; a dump may).
        """
        by_type: dict[tuple[str, str], list[UnitWriter]] = {}
        for u in self.units:
            u.close()
            by_type.setdefault(u.type_key, []).append(u)
        plan = WritePlan()
        for tkey in sorted(by_type):
            units = by_type[tkey]
            paths = [u.path for u in units]
            entries = [(ns, name, ui, off, ln) for ui, u in enumerate(units) for ns, name, off, ln in u.keys]
            if len(units) == 1 and not dedupe and all(entries[i][:2] <= entries[i + 1][:2] for i in range(len(entries) - 1)):
                # already in order (a server lists in key order): straight copy
                plan.parts.append((paths, None))
                plan.count += len(entries)
                continue
            entries.sort(key=lambda e: (e[0], e[1], e[2], e[3]))
            spans: list[tuple[int, int, int]] = []
            last = None
            for ns, name, ui, off, ln in entries:
                if (ns, name) == last:
                    plan.dups.append((tkey[0], tkey[1], ns, name))
                    if dedupe:
                        continue
                last = (ns, name)
                spans.append((ui, off, ln))
            plan.parts.append((paths, spans))
            plan.count += len(spans)
        return plan

    @staticmethod
    def write_planned(out: str | os.PathLike, plan: WritePlan) -> str:
        """Write `out` (atomically) as planned; returns its sha256. Mostly I/O and hashing, which release
        the GIL, so it can run on a thread while the inventory is assembled."""
        h = hashlib.sha256()
        out = Path(out)
        tmp = out.with_name(f".{out.name}.tmp")
        with tmp.open("wb") as f:
            for paths, spans in plan.parts:
                if spans is None:
                    with paths[0].open("rb") as src:
                        while chunk := src.read(1 << 20):
                            h.update(chunk)
                            f.write(chunk)
                    continue
                files = [p.open("rb") for p in paths]
                try:
                    for ui, off, ln in spans:
                        src = files[ui]
                        src.seek(off)
                        data = src.read(ln)
                        h.update(data)
                        f.write(data)
                finally:
                    for x in files:
                        x.close()
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, out)
        return h.hexdigest()

    def write(self, out: str | os.PathLike, *, dedupe: bool = False) -> tuple[int, str, list[tuple[str, str, str, str]]]:
        """Concatenate every unit into `out` sorted by group/kind/namespace/name: (count, sha256, duplicates)."""
        plan = self.plan(dedupe=dedupe)
        return plan.count, self.write_planned(out, plan), plan.dups

    def cleanup(self) -> None:
        for u in self.units:
            u.close()
        if self._own:
            shutil.rmtree(self.dir, ignore_errors=True)
        else:
            for u in self.units:
                u.path.unlink(missing_ok=True)
        self.units = []
