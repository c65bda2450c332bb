"""The per-resource index: objects in etcd key order, a per-namespace name index, cached JSON and the event log."""
from __future__ import annotations

import bisect


class _Table:
    EVENT_LOG = 2000

    def __init__(self, namespaced: bool) -> None:
        self.namespaced = namespaced
        self.objs: dict[str, dict] = {}
        self.keys: list[str] = []
        self.by_ns: dict[str, list[str]] = {}
        self.raw: dict[str, bytes] = {}
        self.events: list[tuple[int, str, dict, dict | None]] = []
        self.event_rvs: list[int] = []
        self.compacted = 0  # newest revision dropped from the event log

    @staticmethod
    def key(ns: str, name: str, namespaced: bool) -> str:
        return f"{ns}/{name}" if namespaced else name

    def put(self, key: str, obj: dict) -> None:
        if key not in self.objs:
            bisect.insort(self.keys, key)
            if self.namespaced:
                ns, name = key.split("/", 1)
                bisect.insort(self.by_ns.setdefault(ns, []), name)
        self.objs[key] = obj
        self.raw.pop(key, None)

    def remove(self, key: str) -> None:
        if key in self.objs:
            del self.objs[key]
            self.raw.pop(key, None)
            i = bisect.bisect_left(self.keys, key)
            if i < len(self.keys) and self.keys[i] == key:
                self.keys.pop(i)
            if self.namespaced:
                ns, name = key.split("/", 1)
                names = self.by_ns.get(ns, [])
                j = bisect.bisect_left(names, name)
                if j < len(names) and names[j] == name:
                    names.pop(j)

    def log(self, rv: int, etype: str, obj: dict, old: dict | None) -> None:
        self.events.append((rv, etype, obj, old))
        self.event_rvs.append(rv)
        if len(self.events) > 2 * self.EVENT_LOG:
            cut = len(self.events) - self.EVENT_LOG
            self.compacted = self.event_rvs[cut - 1]
            del self.events[:cut]
            del self.event_rvs[:cut]
