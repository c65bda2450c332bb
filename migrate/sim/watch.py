"""Watches: initial events, bookmarks, label-selector transitions and too-old revisions."""
from __future__ import annotations

import bisect
import time
from typing import Any, Iterator

from .catalogue import ResourceType
from .index import _Table
from .statuses import err_method_not_allowed, status
from .selectors import FieldSelector, LabelSelector


# kube-apiserver's watch cache sends a watcher a BOOKMARK once a minute, and one last time 2 s before
# its timeoutSeconds deadline (recorded: timeoutSeconds=5 -> a BOOKMARK ~3.6 s in, the end at 5 s;
# timeoutSeconds=8 -> ~5.9 s). A watch shorter than 2 s gets none.
BOOKMARK_FREQUENCY = 60.0
BOOKMARK_BEFORE_DEADLINE = 2.0


def _next_bookmark(now: float, deadline: float | None, frequency: float) -> float | None:
    """When the next BOOKMARK is due, or None when no more will be sent before the deadline."""
    heartbeat = now + frequency
    if deadline is None:
        return heartbeat
    last_call = deadline - BOOKMARK_BEFORE_DEADLINE
    if last_call <= now:
        return None
    return min(heartbeat, last_call)


class WatchMixin:
    """Store methods: watches (mixed into ``Store``)."""

    def watch(self, rt: ResourceType, ns: str | None, *, label_selector: str | None = None,
              field_selector: str | None = None, resource_version: str | None = None,
              send_initial_events: bool | None = None, resource_version_match: str | None = None,
              allow_bookmarks: bool = False, timeout_s: float | None = None,
              bookmark_interval: float | None = None) -> Iterator[dict]:
        """Watch events ``{"type", "object"}`` until ``timeout_s`` (or forever when None).

        Option errors are raised before the first event (call ``next()`` once or use ``open_watch``).
        Without a resourceVersion (or "0") current objects come first as ADDED; with
        ``send_initial_events`` (or with bookmarks and no resourceVersion at all) they are followed by
        the ``k8s.io/initial-events-end`` BOOKMARK. With ``allow_bookmarks`` a BOOKMARK comes every
        ``bookmark_interval`` (60 s) and once 2 s before ``timeout_s``. A resourceVersion older than
        the event log gives one ERROR event (410 Expired) and the end.
        """
        it = self.open_watch(rt, ns, label_selector=label_selector, field_selector=field_selector,
                             resource_version=resource_version, send_initial_events=send_initial_events,
                             resource_version_match=resource_version_match, allow_bookmarks=allow_bookmarks,
                             timeout_s=timeout_s, bookmark_interval=bookmark_interval)
        return it

    def open_watch(self, rt: ResourceType, ns: str | None, *, label_selector: str | None = None,
                   field_selector: str | None = None, resource_version: str | None = None,
                   send_initial_events: bool | None = None, resource_version_match: str | None = None,
                   allow_bookmarks: bool = False, timeout_s: float | None = None,
                   bookmark_interval: float | None = None) -> Iterator[dict]:
        """Validate the watch options now (raising StatusError) and return the event iterator."""
        if "watch" not in rt.verbs:
            raise err_method_not_allowed()
        lsel, fsel = self._selectors(rt, label_selector, field_selector)
        self._check_list_options(resource_version, resource_version_match, send_initial_events, True)
        # Without a resourceVersion (not even "0") the real v1.36 server serves the watch like a
        # WatchList: with bookmarks allowed, the current objects end with the initial-events-end
        # BOOKMARK (recorded on a namespace watch, 08-watch.jsonl).
        initial_end = bool(send_initial_events) or (
            send_initial_events is None and resource_version in (None, "") and allow_bookmarks)
        with self._lock:
            self._check_crd_alive(rt)
            if resource_version not in (None, "", "0"):
                self._check_rv_not_too_large(int(resource_version))
            t = self._table(rt)
            initial: list[dict] = []
            too_old = None
            if resource_version in (None, "", "0") or send_initial_events:
                start_rv = self._rv
                items, _, _ = self._scan(rt, t, ns, lsel, fsel, 0, "")
                initial = [{"type": "ADDED", "object": self._out(rt, o, k, t)} for k, o in items]
            else:
                start_rv = int(resource_version)
                if start_rv < t.compacted:
                    oldest = t.event_rvs[0] if t.event_rvs else self._rv
                    too_old = {"type": "ERROR", "object": status(
                        410, "Expired", f"too old resource version: {start_rv} ({oldest - 1})")}
        return self._watch_iter(rt, t, ns, lsel, fsel, initial, start_rv, too_old, initial_end,
                                allow_bookmarks, timeout_s, bookmark_interval)

    def _bookmark(self, rt: ResourceType, rv: int, initial_end: bool = False) -> dict:
        meta: dict[str, Any] = {"resourceVersion": str(rv)}
        if initial_end:
            meta["annotations"] = {"k8s.io/initial-events-end": "true"}
        obj: dict[str, Any] = {"kind": rt.kind, "apiVersion": rt.api_version, "metadata": meta}
        if rt.kind == "Namespace":
            obj["spec"], obj["status"] = {}, {}
        return {"type": "BOOKMARK", "object": obj}

    def _watch_iter(self, rt: ResourceType, t: _Table, ns: str | None, lsel: LabelSelector, fsel: FieldSelector,
                    initial: list, start_rv: int, too_old: dict | None, send_initial: bool, bookmarks: bool,
                    timeout_s: float | None, bookmark_interval: float | None) -> Iterator[dict]:
        if too_old is not None:
            yield too_old
            return
        started = time.monotonic()
        deadline = started + timeout_s if timeout_s else None
        if bookmark_interval is None:
            bookmark_interval = BOOKMARK_FREQUENCY
        next_bookmark: float | None = _next_bookmark(started, deadline, bookmark_interval)
        yield from initial
        if send_initial and bookmarks:
            yield self._bookmark(rt, start_rv, initial_end=True)
        last = start_rv
        filtered = not (lsel.empty and fsel.empty)

        def matches(o: dict | None) -> bool:
            if o is None:
                return False
            if rt.namespaced and ns and (o.get("metadata") or {}).get("namespace") != ns:
                return False
            if not filtered:
                return True
            return lsel.matches((o.get("metadata") or {}).get("labels")) and fsel.matches(o)

        while True:
            batch: list[dict] = []
            with self._cond:
                if self._closed:
                    return
                i = bisect.bisect_right(t.event_rvs, last)
                if i >= len(t.events):
                    now = time.monotonic()
                    wait = None if deadline is None else deadline - now
                    if wait is not None and wait <= 0:
                        return
                    if bookmarks and next_bookmark is not None:
                        wait = next_bookmark - now if wait is None else min(wait, next_bookmark - now)
                    self._cond.wait(max(wait, 0.0) if wait is not None else None)
                    if self._closed:
                        return
                    i = bisect.bisect_right(t.event_rvs, last)
                for rv, etype, obj, old in t.events[i:]:
                    last = rv
                    now_m, old_m = matches(obj), matches(old)
                    if etype == "DELETED":
                        if now_m:
                            batch.append({"type": "DELETED", "object": self._out(rt, obj)})
                    elif now_m and (etype == "ADDED" or not old_m):
                        batch.append({"type": "ADDED", "object": self._out(rt, obj)})
                    elif now_m:
                        batch.append({"type": "MODIFIED", "object": self._out(rt, obj)})
                    elif old_m:
                        batch.append({"type": "DELETED", "object": self._out(rt, obj)})
                current_rv = self._rv
            yield from batch
            if bookmarks and next_bookmark is not None and time.monotonic() >= next_bookmark:
                next_bookmark = _next_bookmark(time.monotonic(), deadline, bookmark_interval)
                yield self._bookmark(rt, max(last, current_rv))
            if deadline is not None and time.monotonic() >= deadline:
                return
