"""verify: the target holds what the plan says and it works.

Uses conformance.parity when present; otherwise a basic check (every planned object exists on the
target, workloads have their replicas ready) — and says so.
"""

from __future__ import annotations

import importlib
import time

from migrate.errors import ApiError, GateFailed


class _TypedLists:
    """Client proxy whose list pages carry apiVersion/kind on every item, as kubectl prints them.

    A real apiserver omits them from list items; conformance.parity compares whole objects
    (including apiVersion/kind) against list items, so without this every object "differs".
    """

    def __init__(self, client):
        self._c = client

    def __getattr__(self, name):
        return getattr(self._c, name)

    def list_pages(self, *a, **kw):
        for page in self._c.list_pages(*a, **kw):
            kind = str(page.get("kind") or "")
            if kind.endswith("List") and page.get("apiVersion"):
                for it in page.get("items") or []:
                    it.setdefault("apiVersion", page["apiVersion"])
                    it.setdefault("kind", kind[: -len("List")])
            yield page


def _basic(ctx) -> list[str]:
    problems = []
    for m in ctx.manifests:
        ref = m.ref
        res = ctx.target.resource_for(ref.api_version, ref.kind)
        if res is None:
            problems.append(f"{ref}: type not served by the target")
            continue
        try:
            live = ctx.target.get(res.path(ref.namespace if res.namespaced else None, ref.name))
        except ApiError as e:
            if e.status == 404:
                problems.append(f"{ref}: missing on the target")
                continue
            raise
        if ref.kind in ("Deployment", "StatefulSet", "ReplicaSet"):
            want = (live.get("spec") or {}).get("replicas", 1)
            ready = (live.get("status") or {}).get("readyReplicas", 0) or 0
            if ready < want:
                problems.append(f"{ref}: {ready}/{want} replicas ready")
        if ref.kind == "DaemonSet":
            s = live.get("status") or {}
            if (s.get("numberReady") or 0) < (s.get("desiredNumberScheduled") or 0):
                problems.append(f"{ref}: {s.get('numberReady', 0)}/{s.get('desiredNumberScheduled')} pods ready")
    return problems


def run(ctx, step, st) -> None:
    p = step.params
    try:
        check_parity = importlib.import_module("conformance.parity").check_parity
    except (ImportError, AttributeError):
        check_parity = None
    if ctx.dry_run:
        st.actions.append("would verify the target against the plan (" + ("conformance parity checks" if check_parity else "basic existence + readiness") + ")")
        st.message = "dry run"
        return
    deadline = time.monotonic() + p.timeout
    while True:
        if check_parity is not None:
            results = check_parity(_TypedLists(ctx.target), ctx.plan, [(m.file, m.obj) for m in ctx.manifests])
            failing = [r for r in results if r.failing]
            problems = [f"{r.title}: {r.message}" for r in failing]
            mode = f"parity: {len(results)} checks"
        else:
            problems = _basic(ctx)
            mode = f"basic existence + readiness of {len(ctx.manifests)} objects (conformance.parity not available)"
        if not p.require_ready:
            problems = [x for x in problems if "ready" not in x]
        if not problems or time.monotonic() >= deadline:
            break
        time.sleep(1.0)
    st.data.update(mode=mode, problems=len(problems))
    if problems:
        st.actions += [f"! {x}" for x in problems[:50]]
        raise GateFailed(f"verify failed ({mode}): {len(problems)} problem(s): " + "; ".join(problems[:6]))
    st.message = f"target matches the plan ({mode})"
