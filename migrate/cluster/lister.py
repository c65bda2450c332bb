"""Parallel paged lister: many (resource, namespace) lists at once on a bounded thread pool.

Each unit's sink gets `reset()` when its list restarts after 410 Expired (so nothing is counted
twice), `add(obj)` per item (apiVersion/kind filled in: a List's items omit them), and finally
`done()` or `fail(reason)` when it could not be read completely (403, or still failing after retries).
"""

from __future__ import annotations

import concurrent.futures as cf
import threading
from dataclasses import dataclass
from typing import Any, Callable, Protocol

from migrate.cluster.client import ApiResource, ClusterClient
from migrate.errors import ApiError

__all__ = ["ListSink", "ListUnit", "list_units", "describe_error"]


class ListSink(Protocol):
    def add(self, obj: dict[str, Any]) -> None: ...
    def reset(self) -> None: ...
    def done(self) -> None: ...
    def fail(self, error: str) -> None: ...


@dataclass
class ListUnit:
    resource: ApiResource
    namespace: str | None
    sink: ListSink

    @property
    def label(self) -> str:
        r = self.resource
        name = f"{r.resource}.{r.group}" if r.group else r.resource
        return f"{name} in {self.namespace}" if self.namespace else name


def describe_error(e: ApiError, attempts: int) -> str:
    if e.status == 0:
        return f"connection failed after {attempts} attempts ({e.body.get('message', '')})"
    reason = e.reason or {403: "Forbidden", 404: "NotFound", 410: "Expired", 429: "TooManyRequests"}.get(e.status, "")
    if e.status == 429 or e.status >= 500:
        return f"{e.status} {reason} after {attempts} attempts".replace("  ", " ")
    if e.status == 410:
        return "410 Expired: the list's continue token kept expiring"
    msg = str(e.body.get("message", ""))[:160]
    return f"{e.status} {reason}: {msg}".strip().rstrip(":")


def _run(client: ClusterClient, u: ListUnit, limit: int) -> None:
    r = u.resource
    api_version, kind = r.api_version, r.kind
    try:
        for page in client.list_pages(r.path(u.namespace), limit=limit):
            if page.get("restarted"):
                u.sink.reset()
                continue
            for it in page.get("items") or []:
                it["apiVersion"] = api_version
                it["kind"] = kind
                u.sink.add(it)
    except ApiError as e:
        u.sink.fail(describe_error(e, client.retry.attempts))
        return
    u.sink.done()


def list_units(
    client: ClusterClient,
    units: list[ListUnit],
    *,
    workers: int = 8,
    limit: int = 500,
    progress: Callable[[int, int, str], None] | None = None,
) -> None:
    """List every unit; returns when all are done or failed. Unexpected exceptions propagate."""
    total = len(units)
    done = 0
    lock = threading.Lock()
    with cf.ThreadPoolExecutor(max_workers=max(1, workers), thread_name_prefix="lister") as pool:
        futs = {pool.submit(_run, client, u, limit): u for u in units}
        try:
            for fut in cf.as_completed(futs):
                fut.result()
                with lock:
                    done += 1
                    if progress:
                        progress(done, total, futs[fut].label)
        except BaseException:
            for f in futs:
                f.cancel()
            raise
