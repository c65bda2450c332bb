"""Fault injection for the simulated apiserver: make chosen requests fail the way a real cluster does.

A test switches a fault on for a request pattern (method + regex on the URL path) and, optionally,
for a number of hits::

    sim.faults.add(method="GET", path=r"^/api/v1/secrets", status=403)        # RBAC denies listing
    sim.faults.add(path=r"/deployments", status=429, retry_after=1, times=2) # throttled twice
    sim.faults.add(path=r"/pods", status=500, times=1)
    sim.faults.add(path=r"/configmaps", delay=0.5)                          # slow, then served
    sim.faults.add(path=r"/services", drop=True, times=1)                   # connection closed
    sim.faults.add(path=r"/configmaps", expire_continue=True, times=1)      # 410 on the next continue

The bodies are the Status objects kube-apiserver v1.36 sends for the same conditions.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass, field
from typing import Pattern

__all__ = ["Fault", "Faults", "RequestFacts", "forbidden_status", "status_for"]


@dataclass(frozen=True)
class RequestFacts:
    """What the server knows about a request when rendering a fault (kube's RequestInfo, in short)."""

    method: str
    path: str
    verb: str = ""  # get, list, watch, create, update, patch, delete, deletecollection ("" = non-resource)
    group: str = ""
    resource: str = ""
    subresource: str = ""
    namespace: str = ""
    name: str = ""
    has_continue: bool = False


@dataclass
class Fault:
    path: Pattern[str]
    method: str | None = None
    status: int | None = None
    retry_after: int | None = None
    delay: float = 0.0
    drop: bool = False
    expire_continue: bool = False
    times: int | None = None  # None = every matching request
    message: str | None = None
    user: str = "admin"
    hits: int = field(default=0)

    def matches(self, facts: RequestFacts) -> bool:
        if self.method and self.method.upper() != facts.method:
            return False
        if self.expire_continue and not facts.has_continue:
            return False  # only a continue request can be answered with an expired token
        return bool(self.path.search(facts.path))

    @property
    def exhausted(self) -> bool:
        return self.times is not None and self.hits >= self.times


class Faults:
    """The active fault rules of one simulator; thread-safe. The first matching rule wins."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._rules: list[Fault] = []

    def add(
        self,
        method: str | None = None,
        path: str = ".*",
        status: int | None = None,
        *,
        retry_after: int | None = None,
        delay: float = 0.0,
        drop: bool = False,
        expire_continue: bool = False,
        times: int | None = None,
        message: str | None = None,
        user: str = "admin",
    ) -> Fault:
        if status is None and not (delay or drop or expire_continue):
            raise ValueError("a fault needs status=, delay=, drop=True or expire_continue=True")
        if status is not None and not 400 <= status <= 599:
            raise ValueError(f"fault status must be 4xx/5xx, got {status}")
        if status == 429 and retry_after is None:
            retry_after = 1
        fault = Fault(
            path=re.compile(path), method=method, status=status, retry_after=retry_after, delay=delay,
            drop=drop, expire_continue=expire_continue, times=times, message=message, user=user,
        )
        with self._lock:
            self._rules.append(fault)
        return fault

    def clear(self) -> None:
        with self._lock:
            self._rules.clear()

    def remove(self, fault: Fault) -> None:
        with self._lock:
            if fault in self._rules:
                self._rules.remove(fault)

    def __len__(self) -> int:
        with self._lock:
            return len(self._rules)

    def take(self, facts: RequestFacts) -> Fault | None:
        """The first live rule matching the request, counting the hit."""
        with self._lock:
            for rule in self._rules:
                if not rule.exhausted and rule.matches(facts):
                    rule.hits += 1
                    return rule
        return None


def _status(code: int, reason: str | None, message: str, details: dict | None) -> dict:
    body: dict = {"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure", "message": message}
    if reason:
        body["reason"] = reason
    if details is not None:
        body["details"] = details
    body["code"] = code
    return body


def forbidden_status(user: str, facts: RequestFacts) -> dict:
    """kube-apiserver's RBAC denial, e.g. 'secrets is forbidden: User "x" cannot list resource ...'."""
    if not facts.verb:
        return _status(403, "Forbidden", f'forbidden: User "{user}" cannot {facts.method.lower()} path "{facts.path}"', {})
    res = facts.resource + (f"/{facts.subresource}" if facts.subresource else "")
    gr = f"{facts.resource}.{facts.group}" if facts.group else facts.resource
    what = f'{gr} "{facts.name}"' if facts.name else gr
    scope = f'in the namespace "{facts.namespace}"' if facts.namespace else "at the cluster scope"
    msg = f'{what} is forbidden: User "{user}" cannot {facts.verb} resource "{res}" in API group "{facts.group}" {scope}'
    details: dict = {}
    if facts.name:
        details["name"] = facts.name
    if facts.group:
        details["group"] = facts.group
    details["kind"] = facts.resource
    return _status(403, "Forbidden", msg, details)


def status_for(fault: Fault, facts: RequestFacts) -> dict:
    """The Status body the real server sends for ``fault.status``."""
    code = fault.status or 500
    if code == 403:
        body = forbidden_status(fault.user, facts)
        if fault.message:
            body["message"] = fault.message
        return body
    if code == 429:
        return _status(
            429, "TooManyRequests", fault.message or "Too many requests, please try again later.",
            {"retryAfterSeconds": int(fault.retry_after or 1)},
        )
    if code == 500:
        msg = fault.message or "injected fault"
        return _status(500, "InternalError", f"Internal error occurred: {msg}", {"causes": [{"message": msg}]})
    if code == 503:
        return _status(503, "ServiceUnavailable", fault.message or "the server is currently unable to handle the request", {})
    if code == 504:
        return _status(504, "Timeout", fault.message or "Timeout: request did not complete within the allowed duration", {})
    if code == 404:
        return _status(404, "NotFound", fault.message or "the server could not find the requested resource", {})
    if code == 401:
        return _status(401, "Unauthorized", "Unauthorized", None)
    if code == 409:
        return _status(409, "Conflict", fault.message or "Operation cannot be fulfilled: injected conflict", {})
    if code == 410:
        return _status(410, "Expired", fault.message or "too old resource version", {})
    return _status(code, None, fault.message or f"injected fault ({code})", {})
