"""Replay the recorded kube-apiserver v1.36.2 exchanges against a fresh, empty simulated v1.36 cluster.

Each recorded request is sent in order; the simulator must answer with the recorded status code
and the same response shape: the same ``kind``, the same ``reason`` for Status bodies, and the
same top-level keys (uids, timestamps, resourceVersions and continue tokens differ by nature).

The recording's cluster had no kubelet, so the simulator runs with workload simulation off (its
controllers would make Pods Ready, which the recording never shows). Controller work the recording
waited for (namespace and CRD finalization) is kept pending and run with ``store.settle()`` where
the recording waited. Setup steps the recorder performed without recording them are redone from
the recorded objects (UNRECORDED_SETUP). Exchanges the simulator cannot reproduce are in SKIP with
a reason.
"""

from __future__ import annotations

import base64
import bisect
import copy
import json
import re
from pathlib import Path
from typing import Any, Callable

import pytest
from sim_helpers import Raw

pytestmark = [pytest.mark.realdata, pytest.mark.slow]

# (file prefix, title substring) -> why the exchange is not replayed
SKIP: dict[tuple[str, str], str] = {
    ("01", "OpenAPI v3 document for api/v1"): "recorded ?hash= is the real document's digest; ours differs (bodies generated)",
    ("01", "OpenAPI v3 document for apis/apps/v1 (URL"): "recorded ?hash= is the real document's digest; ours differs",
    ("01", "wrong/outdated ?hash="): "covered by test_http (301 to our own hash)",
    ("02", "while foreground deletion is in progress"):
        "the real Deployment had ReplicaSets/Pods to collect first; without controllers ours has none, so the "
        "foreground deletion finishes at once",
    ("04", "duplicate JSON field"): "the recording stores the parsed body, so the duplicate is gone",
    ("08", "too-old"): "watch-cache eviction after >75 s (timing)",
}
# The recording's ServiceAccount rec-err/nobody, played by a simulator user (migrate.sim.rbac) whose
# rules follow the recorded RBAC: nothing at first, get/list ConfigMaps after the RoleBinding.
SA_TOKEN = "replay-sa-token"
SA = {"user": "system:serviceaccount:rec-err:nobody", "allow": []}
SA_BOUND = dict(SA, allow=[{"verb": ["get", "list"], "resource": "configmaps", "namespace": "rec-err"}])
VOLATILE = {"uid", "resourceVersion", "creationTimestamp", "continue", "remainingItemCount"}
# kube-apiserver's anonymous identity: the only exchanges sent without the admin token
ANON = ("no credentials", "anonymous")
# the recording waited here for controllers (GC, namespace and CRD finalizers)
WAITED = re.compile(r"~\d+s|\d+s later|completed|finished|once the namespace controller")
# the recorder compacted etcd and waited for the watch cache to notice before this exchange
COMPACTED = "again ~15s after compaction"
# bodies the recording elides as "<N x 'c' omitted>"
OMITTED = re.compile(r"<(\d+) x '(.)' omitted>")
SEED_STRIP = ("uid", "resourceVersion", "creationTimestamp", "managedFields", "generation", "deletionTimestamp",
              "deletionGracePeriodSeconds", "ownerReferences")
PLURAL = {"ConfigMap": "configmaps", "Deployment": "deployments", "Namespace": "namespaces", "Pod": "pods"}


def _skip_reason(prefix: str, title: str) -> str | None:
    for (p, sub), why in SKIP.items():
        if p == prefix and sub in title:
            return why
    return None


def _shape_diff(want: object, got: object) -> str | None:
    if isinstance(want, dict):
        if not isinstance(got, dict):
            return f"body is {type(got).__name__}, want object"
        if want.get("kind") != got.get("kind"):
            return f"kind {got.get('kind')!r} != {want.get('kind')!r}"
        if want.get("kind") == "Status" and want.get("reason") != got.get("reason"):
            return f"reason {got.get('reason')!r} != {want.get('reason')!r}: {got.get('message')}"
        if want.get("kind") == "Table":
            names = [[c.get("name") for c in b.get("columnDefinitions") or []] for b in (want, got)]
            if names[0] != names[1]:
                return f"Table columns {names[1]} != {names[0]}"
        missing = set(want) - set(got) - VOLATILE - {"_note"}
        extra = set(got) - set(want) - VOLATILE
        if missing or extra:
            return f"keys missing {sorted(missing)} extra {sorted(extra)}"
    return None


class Revisions:
    """Recorded resourceVersions -> the simulator's for the same state, learnt from responses."""

    def __init__(self) -> None:
        self.map: dict[int, str] = {}

    def learn(self, want: Any, got: Any) -> None:
        if not (isinstance(want, dict) and isinstance(got, dict)):
            return
        w, g = (want.get("metadata") or {}).get("resourceVersion"), (got.get("metadata") or {}).get("resourceVersion")
        if isinstance(w, str) and w.isdigit() and isinstance(g, str) and g:
            self.map.setdefault(int(w), g)
        by_key = {_key(i): i for i in got.get("items") or [] if isinstance(i, dict)}
        for item in want.get("items") or []:
            if isinstance(item, dict) and _key(item) in by_key:
                self.learn(item, by_key[_key(item)])

    def known(self, rv: str) -> bool:
        return rv.isdigit() and int(rv) in self.map

    def translate(self, rv: str, current: int) -> str:
        """A known revision maps exactly; an unknown one (read by an unrecorded request) to the state
        just before it, or to "now" when it is newer than anything seen; one far beyond everything
        (a deliberately future revision) stays that far beyond ours."""
        if not rv.isdigit() or int(rv) == 0:
            return rv
        r = int(rv)
        if r in self.map:
            return self.map[r]
        seen = sorted(self.map)
        if not seen:
            return str(current)
        if r > seen[-1]:
            return str(current + r - seen[-1]) if r - seen[-1] > 10_000 else str(current)
        i = bisect.bisect_right(seen, r) - 1
        return self.map[seen[i]] if i >= 0 else rv


def _key(obj: dict) -> tuple[str, str]:
    meta = obj.get("metadata") or {}
    return meta.get("namespace", ""), meta.get("name", "")


def _remap_continue(token: str, revs: Revisions, current: int) -> str:
    """Recorded continue tokens carry recorded revisions; re-issue them with ours."""
    try:
        data = json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
    except ValueError:
        return token
    if not isinstance(data, dict) or not isinstance(data.get("rv"), int) or data["rv"] <= 0:
        return token
    data["rv"] = int(revs.translate(str(data["rv"]), current))
    return base64.urlsafe_b64encode(json.dumps(data, separators=(",", ":")).encode()).decode().rstrip("=")


def _expand(body: Any) -> Any:
    if isinstance(body, dict):
        return {k: _expand(v) for k, v in body.items()}
    if isinstance(body, str):
        m = OMITTED.fullmatch(body)
        return m.group(2) * int(m.group(1)) if m else body
    return body


# --- setup the recorder did without recording it ------------------------------------------------
def _seed(admin: Raw, obj: dict) -> None:
    obj = copy.deepcopy(obj)
    obj.pop("status", None)
    meta = obj.setdefault("metadata", {})
    for k in SEED_STRIP:
        meta.pop(k, None)
    ns = meta.get("namespace")
    group_version = obj["apiVersion"]
    base = "/api/" + group_version if "/" not in group_version else "/apis/" + group_version
    path = f"{base}/namespaces/{ns}/{PLURAL[obj['kind']]}" if ns else f"{base}/{PLURAL[obj['kind']]}"
    r = admin("POST", path, json=obj)
    assert r.status_code == 201, f"seeding {obj['kind']} {meta.get('name')}: {r.status_code} {r.text[:200]}"


def _response(exchanges: list[dict], title: str) -> Any:
    return next(ex["response"]["body"] for ex in exchanges if title in ex["title"])


def _request(exchanges: list[dict], title: str) -> Any:
    return next(ex["request"]["body"] for ex in exchanges if title in ex["title"])


def _deployments(*names: str) -> Callable[[Raw, list[dict]], None]:
    def seed(admin: Raw, exchanges: list[dict]) -> None:
        for name in names:
            body = copy.deepcopy(_request(exchanges, "Deployment create ->"))
            body["metadata"] = dict(body["metadata"], name=name, namespace="rec-crud")
            _seed(admin, body)
    return seed


def _list_items(*titles: str) -> Callable[[Raw, list[dict]], None]:
    def seed(admin: Raw, exchanges: list[dict]) -> None:
        for title in titles:
            for item in _response(exchanges, title)["items"]:
                if item["metadata"]["name"] != "kube-root-ca.crt":  # published by the controller
                    _seed(admin, dict(item, apiVersion="v1", kind="ConfigMap"))
    return seed


def _held_configmap(admin: Raw, exchanges: list[dict]) -> None:
    held = copy.deepcopy(_response(exchanges, "update an existing ConfigMap in the terminating namespace"))
    held.pop("data", None)  # the recorded exchange is the merge-patch that adds it
    _seed(admin, held)


def _pods(admin: Raw, exchanges: list[dict]) -> None:
    for title in ("pods/status GET", "pods/ephemeralcontainers GET"):
        _seed(admin, _response(exchanges, title))


# (file prefix, title of the first exchange that needs it) -> the unrecorded setup
UNRECORDED_SETUP: dict[tuple[str, str], Callable[[Raw, list[dict]], None]] = {
    ("02", "propagationPolicy=Foreground -> 200 wi"): _deployments("web-fg", "web-orphan", "web-od"),
    ("03", "list all ConfigMaps in rec-list"): _list_items("list all ConfigMaps in rec-list",
                                                           "metadata.namespace=rec-list2 on a cluster-wide list"),
    ("09", "delete namespace -> 200"): _held_configmap,
    ("09", "delete namespace with dryRun=All"): lambda admin, _: _seed(
        admin, {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "rec-ns-dry"}}),
    ("06", "pods/log of a Pending pod"): _pods,
}


def test_replay_recorded_exchanges(realdata_dir, sim_cluster, capsys):
    exchanges_dir = realdata_dir / "kube-apiserver-v1.36" / "exchanges"
    from migrate.sim.rbac import parse_users

    sim = sim_cluster(None, workload_sim=False, users={SA_TOKEN: SA})
    store = sim.store
    store.namespace_finalize_delay = store.crd_cleanup_delay = 3600  # run by settle() where the recording waited
    admin = Raw(sim.url, sim.token, str(sim.ca_file))
    anon = Raw(sim.url, None, str(sim.ca_file))
    bad = Raw(sim.url, "not-the-token", str(sim.ca_file))
    sa = Raw(sim.url, SA_TOKEN, str(sim.ca_file))
    passed, failed, skipped = [], [], []
    revs = Revisions()
    for f in sorted(Path(exchanges_dir).glob("*.jsonl")):
        prefix = f.name[:2]
        exchanges = [json.loads(line) for line in f.read_text().splitlines()]
        for ex in exchanges:
            title, req, resp = ex["title"], ex["request"], ex["response"]
            why = _skip_reason(prefix, title)
            if why:
                skipped.append((prefix, title, why))
                continue
            for (p, sub), seed in UNRECORDED_SETUP.items():
                if p == prefix and sub in title:
                    seed(admin, exchanges)
            if WAITED.search(title):
                store.settle()
            if COMPACTED in title:
                store.expire_continue_tokens()
            who = bad if "invalid bearer token" in title else anon if any(a in title for a in ANON) else admin
            if prefix == "04" and title.startswith(("403 SA ", "SA ")):  # requests made with the SA's token
                who = sa
            if prefix == "04" and title.startswith("SA after RoleBinding"):
                sim.users.update(parse_users({SA_TOKEN: SA_BOUND}))
            headers = {k: v for k, v in (req.get("headers") or {}).items() if k in ("accept", "content-type")}
            body = _expand(req.get("body"))
            meta = body.get("metadata") if isinstance(body, dict) else None
            if isinstance(meta, dict) and isinstance(meta.get("resourceVersion"), str):
                rv = meta["resourceVersion"]
                if not revs.known(rv) and resp["status"] != 409:
                    # the recorder read the object in a request it did not record: read ours
                    current = admin.get(req["path"].rsplit("/", 1)[0] if req["path"].endswith(
                        ("/status", "/scale")) else req["path"]).json()
                    rv = (current.get("metadata") or {}).get("resourceVersion", rv)
                body = dict(body, metadata=dict(meta, resourceVersion=revs.translate(rv, store.rv)))
            query = dict(req.get("query") or {})
            if "resourceVersion" in query:
                query["resourceVersion"] = revs.translate(query["resourceVersion"], store.rv)
            if query.get("continue"):
                query["continue"] = _remap_continue(query["continue"], revs, store.rv)
            if isinstance(body, (dict, list)):
                data = json.dumps(body).encode()
            elif isinstance(body, str):
                data = body.encode()
            else:
                data = None
            is_watch = query.get("watch") in ("true", "1") or "/watch/" in req["path"]
            r = who(req["method"], req["path"], params=query or None, headers=headers, data=data,
                    stream=is_watch, allow_redirects=False)
            if is_watch:
                r.close()
                got_body = None
            else:
                try:
                    got_body = r.json()
                except ValueError:
                    got_body = r.text
            revs.learn(resp.get("body"), got_body)
            problem = None
            if r.status_code != resp["status"]:
                problem = f"status {r.status_code} != {resp['status']}"
                if isinstance(got_body, dict):
                    problem += f": {got_body.get('message')}"
            elif not is_watch:
                problem = _shape_diff(resp.get("body"), got_body)
            # Warning headers are exact (deprecated CR versions warn on every response, errors included)
            want_warning, got_warning = resp["headers"].get("Warning"), r.headers.get("Warning")
            if problem is None and want_warning != got_warning:
                problem = f"Warning {got_warning!r} != {want_warning!r}"
            (failed if problem else passed).append((prefix, title, problem))
    total = len(passed) + len(failed)
    with capsys.disabled():
        print(f"\nreplay: {len(passed)}/{total} recorded exchanges matched, {len(skipped)} skipped")
        for p, t, why in failed:
            print(f"  MISMATCH {p} {t[:70]}: {why}")
    # every replayed exchange matches; what cannot is in SKIP with its reason
    assert not failed, f"only {len(passed)}/{total} exchanges matched"
