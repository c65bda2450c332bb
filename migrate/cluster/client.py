"""A small, fast JSON client for the Kubernetes API built on the official client's configuration."""

from __future__ import annotations

import json
import logging
import os
import random
import threading
import time
from dataclasses import dataclass, field
from typing import Any, Callable, Iterator, Mapping
from urllib.parse import urlencode, urlsplit

import orjson
import urllib3

from migrate.errors import ApiError, InputError

__all__ = ["ApiResource", "ClusterClient", "RetryPolicy", "connect", "Response"]

log = logging.getLogger(__name__)

JSON = "application/json"
PATCH_TYPES = {
    "merge": "application/merge-patch+json",
    "json": "application/json-patch+json",
    "strategic": "application/strategic-merge-patch+json",
    "apply": "application/apply-patch+yaml",
}


@dataclass(frozen=True)
class RetryPolicy:
    """Retry 429 (honouring Retry-After), 5xx, timeouts and dropped connections, with backoff."""

    attempts: int = 6
    base_delay: float = 0.2
    max_delay: float = 10.0
    sleep: Callable[[float], None] = time.sleep

    def delay(self, attempt: int, retry_after: str | None) -> float:
        if retry_after:
            try:
                return min(float(retry_after), self.max_delay)
            except ValueError:
                pass
        # full jitter keeps parallel listers from retrying in lockstep
        return random.uniform(0, min(self.max_delay, self.base_delay * (2**attempt)))


@dataclass
class Response:
    status: int
    headers: Mapping[str, str]
    data: bytes

    def json(self) -> Any:
        # orjson: parsing list pages is most of a lister's CPU (2-3x faster than json). It turns integers
        # beyond 64 bits into floats, which is exactly what the apiserver does before serving them
        # (sigs.k8s.io/json: int64, else float64), so nothing a server sends is changed.
        return orjson.loads(self.data) if self.data else None


@dataclass(frozen=True)
class ApiResource:
    group: str
    version: str
    resource: str  # plural
    kind: str
    namespaced: bool
    verbs: tuple[str, ...] = ()
    short_names: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    preferred: bool = True

    @property
    def api_version(self) -> str:
        return f"{self.group}/{self.version}" if self.group else self.version

    def path(self, namespace: str | None = None, name: str | None = None) -> str:
        base = f"/apis/{self.group}/{self.version}" if self.group else f"/api/{self.version}"
        if self.namespaced and namespace:
            base += f"/namespaces/{namespace}"
        base += f"/{self.resource}"
        return f"{base}/{name}" if name else base


class ClusterClient:
    """Raw JSON access to one cluster. Thread-safe (urllib3 pools are)."""

    def __init__(self, api_client: Any, *, context: str = "", retry: RetryPolicy | None = None, timeout: float = 60.0):
        self._api = api_client
        self._cfg = api_client.configuration
        self.server = self._cfg.host.rstrip("/")
        self.context = context
        self.retry = retry or RetryPolicy()
        self.timeout = timeout
        self._pool = api_client.rest_client.pool_manager
        self._lock = threading.Lock()
        self._discovery: list[ApiResource] | None = None

    # ---- low level -------------------------------------------------------------------------
    def _headers(self, accept: str, content_type: str | None) -> dict[str, str]:
        headers = {"Accept": accept, "User-Agent": "distroshift"}
        if content_type:
            headers["Content-Type"] = content_type
        # fills Authorization from the kubeconfig (refreshing exec-plugin tokens when needed)
        self._api.update_params_for_auth(headers, [], ["BearerToken"], "", "GET", None)
        return headers

    def request(
        self,
        method: str,
        path: str,
        *,
        query: Mapping[str, Any] | None = None,
        body: Any = None,
        content_type: str | None = None,
        accept: str = JSON,
        retry: bool = True,
        timeout: float | None = None,
    ) -> Response:
        """One API call with retries; returns the response whatever its status (no raise on 4xx)."""
        url = self.server + path
        q = {k: v for k, v in (query or {}).items() if v is not None}
        if q:
            url += "?" + urlencode({k: str(v).lower() if isinstance(v, bool) else v for k, v in q.items()})
        raw: bytes | None = None
        if body is not None:
            if isinstance(body, (bytes, str)):
                raw = body.encode() if isinstance(body, str) else body
            else:
                raw = json.dumps(body).encode()
            content_type = content_type or JSON
        attempts = self.retry.attempts if retry else 1
        last_exc: Exception | None = None
        for attempt in range(attempts):
            try:
                r = self._pool.request(
                    method,
                    url,
                    body=raw,
                    headers=self._headers(accept, content_type),
                    timeout=urllib3.Timeout(connect=10.0, read=timeout or self.timeout),
                    retries=False,
                    preload_content=True,
                )
            except (urllib3.exceptions.HTTPError, OSError) as e:  # reset, timeout, refused
                last_exc = e
                if attempt + 1 < attempts:
                    self.retry.sleep(self.retry.delay(attempt, None))
                    continue
                raise ApiError(0, {"reason": "ConnectionError", "message": _one_line(e)}, method=method, path=path) from None
            if (r.status == 429 or r.status >= 500) and attempt + 1 < attempts and r.status != 501:
                self.retry.sleep(self.retry.delay(attempt, r.headers.get("Retry-After")))
                continue
            return Response(r.status, r.headers, r.data)
        raise ApiError(0, {"message": _one_line(last_exc)}, method=method, path=path)  # pragma: no cover

    def call(self, method: str, path: str, **kw: Any) -> Any:
        """Like request() but returns parsed JSON and raises ApiError (with the Status body) on >= 400."""
        r = self.request(method, path, **kw)
        _raise_for(r, method, path)
        return r.json()

    def get(self, path: str, query: Mapping[str, Any] | None = None) -> Any:
        return self.call("GET", path, query=query)

    # ---- lists -----------------------------------------------------------------------------
    def list_pages(
        self,
        path: str,
        *,
        limit: int = 500,
        label_selector: str | None = None,
        field_selector: str | None = None,
        restart_on_expired: bool = True,
    ) -> Iterator[dict]:
        """Yield list pages following `continue`.

        On 410 Expired the list restarts from scratch *and* yields a marker page
        {"restarted": True} first, so a consumer can discard what it collected (nothing is counted twice).
        Like client-go's pager (FullListIfExpired) the restart is one unpaged list: paging again could
        hit the same compaction.
        """
        cont: str | None = None
        restarts = 0
        page_limit: int | None = limit
        while True:
            q = {"limit": page_limit, "labelSelector": label_selector, "fieldSelector": field_selector, "continue": cont}
            r = self.request("GET", path, query=q)
            if r.status == 410 and cont and restart_on_expired and restarts < 3:
                restarts += 1
                cont = None
                page_limit = None
                yield {"restarted": True}
                continue
            _raise_for(r, "GET", path)
            page = r.json()
            yield page
            cont = (page.get("metadata") or {}).get("continue")
            if not cont:
                return

    # ---- discovery -------------------------------------------------------------------------
    def version(self) -> dict:
        return self.get("/version")

    def ensure_reachable(self) -> dict:
        """GET /version once, without long retries; an unreachable or refusing cluster is an InputError."""
        try:
            r = self.request("GET", "/version", retry=False, timeout=15)
        except ApiError as e:
            raise InputError(f"cluster unreachable: {e.body.get('message', e)}", path=self.server, field=f"context {self.context}") from None
        if r.status == 401:
            raise InputError("the cluster rejected the credentials (401 Unauthorized)", path=self.server, field=f"context {self.context}")
        _raise_for(r, "GET", "/version")
        return r.json()

    def discover(self, refresh: bool = False) -> list[ApiResource]:
        """Every served resource (top-level, not subresources), preferred versions first per group."""
        with self._lock:
            if self._discovery is not None and not refresh:
                return self._discovery
        out: list[ApiResource] = []
        core = self.get("/api/v1")
        out += _resources("", "v1", core, preferred=True)
        groups = self.get("/apis").get("groups", [])
        for g in groups:
            pref = (g.get("preferredVersion") or {}).get("version")
            for v in g.get("versions", []):
                try:
                    rl = self.get(f"/apis/{g['name']}/{v['version']}")
                except ApiError as e:  # an unavailable aggregated API must not sink discovery
                    log.warning("discovery of %s/%s failed: %s", g["name"], v["version"], e)
                    continue
                out += _resources(g["name"], v["version"], rl, preferred=(v["version"] == pref))
        with self._lock:
            self._discovery = out
        return out

    def resource_for(self, api_version: str, kind: str) -> ApiResource | None:
        group, _, version = api_version.rpartition("/")
        for refresh in (False, True):
            for r in self.discover(refresh=refresh):
                if r.group == group and r.version == version and r.kind == kind:
                    return r
        return None

    # ---- writes ----------------------------------------------------------------------------
    def apply(self, obj: dict, *, field_manager: str = "distroshift", force: bool = False, dry_run: bool = False) -> dict:
        """Server-side apply one object (creates it when missing)."""
        md = obj.get("metadata") or {}
        res = self.resource_for(obj.get("apiVersion", ""), obj.get("kind", ""))
        if res is None:
            raise ApiError(404, {"reason": "NotFound", "message": f"{obj.get('apiVersion')} {obj.get('kind')} is not served by the cluster"}, method="PATCH", path="")
        path = res.path(md.get("namespace"), md["name"])
        q: dict[str, Any] = {"fieldManager": field_manager}
        if force:
            q["force"] = True
        if dry_run:
            q["dryRun"] = "All"
        return self.call("PATCH", path, query=q, body=json.dumps(obj), content_type=PATCH_TYPES["apply"])

    def patch(self, path: str, patch: Any, *, kind: str = "merge", dry_run: bool = False, field_manager: str = "distroshift") -> dict:
        q: dict[str, Any] = {"fieldManager": field_manager}
        if dry_run:
            q["dryRun"] = "All"
        return self.call("PATCH", path, query=q, body=patch, content_type=PATCH_TYPES[kind])


def _raise_for(r: Response, method: str, path: str) -> None:
    if r.status < 400:
        return
    try:
        body = json.loads(r.data) if r.data else {}
    except ValueError:  # plain-text errors such as "404 page not found"
        body = {"message": r.data.decode("utf-8", "replace").strip()}
    raise ApiError(r.status, body if isinstance(body, dict) else {}, method=method, path=path)


def _resources(group: str, version: str, doc: dict, *, preferred: bool) -> list[ApiResource]:
    out = []
    for r in doc.get("resources", []):
        if "/" in r["name"]:
            continue
        out.append(
            ApiResource(
                group=group,
                version=version,
                resource=r["name"],
                kind=r["kind"],
                namespaced=bool(r.get("namespaced")),
                verbs=tuple(r.get("verbs", [])),
                short_names=tuple(r.get("shortNames", []) or []),
                categories=tuple(r.get("categories", []) or []),
                preferred=preferred,
            )
        )
    return out


def _one_line(e: object) -> str:
    return " ".join(str(e).split())[:300]


def connect(kubeconfig: str | os.PathLike[str] | None = None, context: str | None = None, *, retry: RetryPolicy | None = None) -> ClusterClient:
    """Build a client from a kubeconfig/context; bad config is an InputError (exit 2), one line."""
    from kubernetes import client as kclient
    from kubernetes import config as kconfig
    from kubernetes.config.config_exception import ConfigException

    path = os.fspath(kubeconfig) if kubeconfig else (os.environ.get("KUBECONFIG") or os.path.expanduser("~/.kube/config"))
    first = path.split(os.pathsep)[0]
    if not kubeconfig and not os.environ.get("KUBECONFIG") and not os.path.exists(first) and os.environ.get("KUBERNETES_SERVICE_HOST"):
        return _in_cluster(context, retry)  # running as a Pod (e.g. a fleet Job): its ServiceAccount
    if os.pathsep not in path and not os.path.exists(first):
        raise InputError("kubeconfig file not found", path=first)
    cfg = kclient.Configuration()
    try:
        kconfig.load_kube_config(config_file=path, context=context, client_configuration=cfg, persist_config=False)
        _, active = kconfig.list_kube_config_contexts(config_file=path)
        ctx_name = context or (active or {}).get("name", "")
    except ConfigException as e:
        msg = _one_line(e)
        if context and ("not found" in msg.lower() or "context" in msg.lower()):
            raise InputError(f"context {context!r} not found in kubeconfig", path=path, field="contexts") from None
        raise InputError(f"invalid kubeconfig: {msg}", path=path) from None
    except Exception as e:  # yaml errors, bad base64 in certs ...
        raise InputError(f"invalid kubeconfig: {type(e).__name__}: {_one_line(e)}", path=path) from None
    cfg.connection_pool_maxsize = 16
    return ClusterClient(kclient.ApiClient(cfg), context=ctx_name, retry=retry)


SERVICE_ACCOUNT_DIR = "/var/run/secrets/kubernetes.io/serviceaccount"


def _in_cluster(context: str | None, retry: RetryPolicy | None) -> ClusterClient:
    """In-cluster credentials: the Pod's ServiceAccount token (re-read as it rotates) and CA."""
    from kubernetes import client as kclient
    from kubernetes.config.config_exception import ConfigException
    from kubernetes.config.incluster_config import InClusterConfigLoader

    if context:
        raise InputError("--context needs a kubeconfig; inside a Pod distroshift uses the ServiceAccount", field="--context")
    cfg = kclient.Configuration()
    try:
        InClusterConfigLoader(token_filename=os.path.join(SERVICE_ACCOUNT_DIR, "token"),
                              cert_filename=os.path.join(SERVICE_ACCOUNT_DIR, "ca.crt"),
                              try_refresh_token=True).load_and_set(cfg)
    except ConfigException as e:
        raise InputError(f"in-cluster configuration unusable: {_one_line(e)}", path=SERVICE_ACCOUNT_DIR) from None
    cfg.connection_pool_maxsize = 16
    return ClusterClient(kclient.ApiClient(cfg), context="in-cluster", retry=retry)

