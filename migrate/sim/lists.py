"""Lists: pagination with continue tokens, selectors, resourceVersion semantics and their errors."""
from __future__ import annotations

import base64
import bisect
import json
from typing import Any

from .catalogue import ResourceType
from .index import _Table
from .statuses import (
    StatusError, cause_forbidden, cause_not_supported, err_bad_request, err_method_not_allowed, err_options,
    status,
)
from .selectors import FieldSelector, LabelSelector, SelectorError


def encode_continue(rv: int, start: str) -> str:
    raw = json.dumps({"v": "meta.k8s.io/v1", "rv": rv, "start": start + "\x00"}, separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_continue(token: str) -> tuple[int, str]:
    """(rv, start key without the trailing NUL); raises StatusError 400 like the real server."""
    for i, ch in enumerate(token):
        if not (ch.isalnum() or ch in "-_"):
            raise err_bad_request(f"invalid continue token: continue key is not valid: illegal base64 data at input byte {i}")
    try:
        data = json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
    except Exception:
        raise err_bad_request("invalid continue token: continue key is not valid: illegal base64 data at input "
                              f"byte {len(token)}") from None
    if not isinstance(data, dict) or data.get("v") != "meta.k8s.io/v1":
        raise err_bad_request("invalid continue token: continue key is not valid: server does not recognize this "
                              "encoded version ")
    start = str(data.get("start", ""))
    if start.endswith("\x00"):
        start = start[:-1]
    return int(data.get("rv", 0)), start


class ListMixin:
    """Store methods: lists (mixed into ``Store``)."""

    def list(self, rt: ResourceType, ns: str | None, *, label_selector: str | None = None,
             field_selector: str | None = None, limit: int | None = None, continue_: str | None = None,
             resource_version: str | None = None, resource_version_match: str | None = None,
             send_initial_events: bool | None = None, watch: bool = False) -> dict:
        """The List body (``<Kind>List``; items without kind/apiVersion for built-ins, with them for CRs).

        Pagination: ``limit``/``continue_`` with the real token format; ``remainingItemCount`` only when
        no selector filters; ``resource_version="0"`` ignores the limit. Raises the recorded 400/410/422/504.
        """
        if "list" not in rt.verbs:
            raise err_method_not_allowed()
        lsel, fsel = self._selectors(rt, label_selector, field_selector)
        self._check_list_options(resource_version, resource_version_match, send_initial_events, watch)
        if continue_ and resource_version not in (None, ""):
            raise err_bad_request("specifying resource version is not allowed when using continue")
        limit = int(limit) if limit not in (None, "") else 0
        with self._lock:
            self._check_crd_alive(rt)
            if resource_version not in (None, "", "0"):
                self._check_rv_not_too_large(int(resource_version))
            if resource_version_match == "Exact" and resource_version not in (None, "", "0"):
                if int(resource_version) < self._expired_before:
                    raise StatusError(410, status(410, "Expired", "The resourceVersion for the provided list is too old."))
            if resource_version == "0":
                limit = 0
            t = self._table(rt)
            list_rv = self._rv
            start = ""
            if continue_:
                tok_rv, start = decode_continue(continue_)
                if self._expire_next_continue and tok_rv >= 0:
                    self._expire_next_continue = False
                    self._expired_before = max(self._expired_before, tok_rv + 1)
                if 0 <= tok_rv < self._expired_before:
                    fresh = encode_continue(-1, start.lstrip("/") if not rt.namespaced or not ns else start.lstrip("/"))
                    raise StatusError(410, status(
                        410, "Expired",
                        "The provided continue parameter is too old to display a consistent list result. You can "
                        "start a new list without the continue parameter, or use the continue token in this response "
                        "to retrieve the remainder of the results. Continuing with the provided token results in an "
                        "inconsistent list - objects that were created, modified, or deleted between the time the "
                        "first chunk was returned and now may show up in the list.",
                        metadata={"continue": fresh}))
                if tok_rv > 0:
                    list_rv = tok_rv
            items, next_key, remaining = self._scan(rt, t, ns, lsel, fsel, limit, start)
            meta: dict[str, Any] = {"resourceVersion": str(list_rv)}
            if next_key is not None:
                meta["continue"] = encode_continue(list_rv, "/" + next_key)
                if lsel.empty and fsel.empty:
                    meta["remainingItemCount"] = remaining
            out_items = []
            for key, obj in items:
                o = self._out(rt, obj, key, t)
                if not rt.is_crd:
                    o.pop("kind", None)
                    o.pop("apiVersion", None)
                out_items.append(o)
        if rt.is_crd:
            return {"apiVersion": rt.api_version, "items": out_items, "kind": rt.list_kind, "metadata": meta}
        return {"kind": rt.list_kind, "apiVersion": rt.api_version, "metadata": meta, "items": out_items}

    def list_raw(self, rt: ResourceType, ns: str | None, **kw: Any) -> bytes:
        """``list`` serialised to compact JSON bytes."""
        return json.dumps(self.list(rt, ns, **kw), separators=(",", ":")).encode()

    def _scan(self, rt: ResourceType, t: _Table, ns: str | None, lsel: LabelSelector, fsel: FieldSelector,
              limit: int, start: str) -> tuple[list, str | None, int]:
        """Matching (key, obj) pairs after ``start`` in key order, up to ``limit``."""
        if rt.namespaced and ns:
            names = t.by_ns.get(ns, [])
            prefix = ns + "/"
            seq_keys = names
            to_key = lambda n: prefix + n  # noqa: E731
            start_name = start.lstrip("/")
        else:
            seq_keys = t.keys
            to_key = lambda k: k  # noqa: E731
            start_name = start.lstrip("/")
        i = bisect.bisect_right(seq_keys, start_name) if start_name else 0
        only = fsel.name_only()
        out: list = []
        n = len(seq_keys)
        filtered = not (lsel.empty and fsel.empty)
        while i < n:
            k = to_key(seq_keys[i])
            obj = t.objs[k]
            i += 1
            if filtered:
                meta = obj.get("metadata") or {}
                if only is not None and meta.get("name") != only:
                    continue
                if not lsel.matches(meta.get("labels")) or not fsel.matches(obj):
                    continue
            out.append((k, obj))
            if limit > 0 and len(out) >= limit:
                break
        if limit > 0 and len(out) >= limit:
            # is there any further match? (the real server sets continue only then)
            j = i
            more = False
            while j < n:
                obj = t.objs[to_key(seq_keys[j])]
                meta = obj.get("metadata") or {}
                if not filtered or (lsel.matches(meta.get("labels")) and fsel.matches(obj)):
                    more = True
                    break
                j += 1
                if filtered and j - i > 100000:
                    more = True
                    break
            if more:
                last_key = out[-1][0]
                return out, (last_key.split("/", 1)[1] if rt.namespaced and ns else last_key), n - i
        return out, None, 0

    def _selectors(self, rt: ResourceType, label_selector: str | None,
                   field_selector: str | None) -> tuple[LabelSelector, FieldSelector]:
        try:
            lsel = LabelSelector.parse(label_selector)
            fsel = FieldSelector.parse(field_selector, rt.group, rt.resource if not rt.is_crd else "")
        except SelectorError as e:
            raise err_bad_request(str(e)) from None
        if rt.is_crd:
            for term in fsel.terms:
                if term.field not in ("metadata.name", "metadata.namespace"):
                    raise err_bad_request(f'"{term.field}" is not a known field selector: only "metadata.name", '
                                          '"metadata.namespace"')
        return lsel, fsel

    def _check_list_options(self, rv: str | None, rvm: str | None, sie: bool | None, watch: bool) -> None:
        if rv not in (None, ""):
            try:
                if int(rv) < 0:
                    raise ValueError
            except ValueError:
                raise err_bad_request(f'invalid resource version: resourceVersion: Invalid value: "{rv}": '
                                      f'strconv.ParseUint: parsing "{rv}": invalid syntax') from None
        if rvm not in (None, ""):
            if rvm not in ("Exact", "NotOlderThan"):
                raise err_options("ListOptions", [cause_not_supported("resourceVersionMatch", rvm,
                                                                      ["Exact", "NotOlderThan", ""])])
            if rv in (None, "") and not (watch and sie):
                raise err_options("ListOptions", [cause_forbidden(
                    "resourceVersionMatch", "resourceVersionMatch is forbidden unless resourceVersion is provided")])
            if rvm == "Exact" and rv == "0":
                raise err_options("ListOptions", [cause_forbidden(
                    "resourceVersionMatch", 'resourceVersionMatch "exact" is forbidden for resourceVersion "0"')])
        if sie:
            if not watch:
                raise err_options("ListOptions", [cause_forbidden("sendInitialEvents",
                                                                  "sendInitialEvents is forbidden for list")])
            if rvm != "NotOlderThan":
                raise err_options("ListOptions", [cause_forbidden(
                    "resourceVersionMatch", "sendInitialEvents requires setting resourceVersionMatch to NotOlderThan")])

    def _check_rv_not_too_large(self, rv: int) -> None:
        if rv > self._rv:
            if self.too_large_rv_wait:
                self._cond.wait(self.too_large_rv_wait)
            if rv > self._rv:
                raise StatusError(504, status(
                    504, "Timeout", f"Timeout: Too large resource version: {rv}, current: {self._rv}",
                    {"causes": [{"reason": "ResourceVersionTooLarge", "message": "Too large resource version"}],
                     "retryAfterSeconds": 1}))
