"""The HTTP face of the simulated kube-apiserver: HTTPS, bearer auth, routing, negotiation, watch.

Why not kmock: kmock (PyPI "HTTP/API/Kubernetes Mock Server") is an asyncio/aiohttp request-
matching mock whose Kubernetes emulator merges plain dicts: it has no strategic-merge or
server-side apply, no continue tokens or selectors, no TLS or bearer-token authentication, no
recorded discovery/OpenAPI documents and keeps every object's history in memory. Wrapping it
would have meant replacing nearly all of it, so the simulator is a focused, threaded stdlib
HTTP/1.1 server over TLS that delegates object semantics to ``migrate.sim.store`` and copies the
wire behaviour recorded from kube-apiserver v1.36.2 (statuses, Status bodies, headers).

Layers, in request order: TLS + keep-alive connection -> body limits (413) -> authentication
(401 for a wrong token; no token = ``system:anonymous``, 403 outside /version and health) ->
fault injection -> routing (discovery, OpenAPI, resources) -> content negotiation (JSON, YAML,
Table, PartialObjectMetadata; 406/415) -> the store -> serialisation (one write per response)
or a chunked watch stream.
"""

from __future__ import annotations

import base64
import binascii
import datetime as _dt
import hashlib
import hmac
import json
import logging
import secrets
import selectors
import socket
import ssl
import threading
import time
import uuid
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable, Iterable, Iterator
from urllib.parse import parse_qs, urlsplit

import yaml

from migrate.sim.faults import Faults, RequestFacts, forbidden_status, status_for

__all__ = ["ApiServer", "ADMIN_USER", "MAX_BODY"]

log = logging.getLogger(__name__)

ADMIN_USER = "admin"
MAX_BODY = 3 * 1024 * 1024  # kube-apiserver's request-body limit (3 MiB)
DEFAULT_WATCH_TIMEOUT = 1800.0  # the real server picks 30-60 min when the client gives none
_PUBLIC_PATHS = ("/version", "/healthz", "/livez", "/readyz")
_AGG_CT = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList"
_PATCH_TYPES = {
    "application/json-patch+json", "application/merge-patch+json",
    "application/strategic-merge-patch+json", "application/apply-patch+yaml",
}
_NOT_ACCEPTABLE = (
    "406: Not Acceptable\n\nAvailable representations: application/json, application/yaml, "
    "application/vnd.kubernetes.protobuf"
)
_HEALTH_CHECKS = (
    "ping", "log", "etcd", "etcd-readiness", "informer-sync", "poststarthook/start-apiserver-admission-initializer",
    "poststarthook/generic-apiserver-start-informers", "poststarthook/priority-and-fairness-config-consumer",
    "poststarthook/start-apiextensions-informers", "poststarthook/start-apiextensions-controllers",
    "poststarthook/crd-informer-synced", "poststarthook/start-system-namespaces-controller",
    "poststarthook/bootstrap-controller", "poststarthook/rbac/bootstrap-roles",
    "poststarthook/scheduling/bootstrap-system-priority-classes", "shutdown",
)


def status_body(code: int, reason: str | None, message: str, details: dict | None = None) -> dict:
    body: dict = {"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure", "message": message}
    if reason:
        body["reason"] = reason
    if details is not None:
        body["details"] = details
    body["code"] = code
    return body


class HttpError(Exception):
    """A response decided before the store is involved (routing, negotiation, options)."""

    def __init__(self, code: int, body: dict | str, headers: dict[str, str] | None = None):
        super().__init__(code)
        self.code = code
        self.body = body
        self.headers = headers or {}


def _not_found_resource() -> HttpError:
    return HttpError(404, status_body(404, "NotFound", "the server could not find the requested resource", {}))


def _method_not_allowed() -> HttpError:
    return HttpError(
        405, status_body(405, "MethodNotAllowed", "the server does not allow this method on the requested resource", {})
    )


def _page_not_found() -> HttpError:
    return HttpError(404, "404 page not found\n")


def _invalid_options(kind: str, causes: list[tuple[str, str, str]]) -> HttpError:
    """422 on CreateOptions/PatchOptions/... with the real message layout."""
    parts = [f"{field}: {msg}" for _, field, msg in causes]
    summary = parts[0] if len(parts) == 1 else "[" + ", ".join(parts) + "]"
    return HttpError(
        422,
        status_body(
            422, "Invalid", f'{kind}.meta.k8s.io "" is invalid: {summary}',
            {"group": "meta.k8s.io", "kind": kind,
             "causes": [{"reason": r, "message": m, "field": f} for r, f, m in causes]},
        ),
    )


# ---------------------------------------------------------------------------------------------
# Accept / Content-Type negotiation
# ---------------------------------------------------------------------------------------------
def parse_media_list(header: str | None) -> list[tuple[str, dict[str, str]]]:
    out: list[tuple[float, int, str, dict[str, str]]] = []
    for i, part in enumerate((header or "").split(",")):
        bits = [b.strip() for b in part.split(";")]
        if not bits or not bits[0]:
            continue
        params: dict[str, str] = {}
        for b in bits[1:]:
            if "=" in b:
                k, v = b.split("=", 1)
                params[k.strip().lower()] = v.strip().strip('"')
        try:
            q = float(params.pop("q", "1"))
        except ValueError:
            q = 1.0
        out.append((-q, i, bits[0].lower(), params))
    out.sort()
    return [(m, p) for _, _, m, p in out]


def negotiate(header: str | None, *, allow_transform: bool) -> tuple[str, str]:
    """(format, version) for a resource response: json | yaml | table | pom | pomlist; 406 otherwise."""
    media = parse_media_list(header)
    if not media:
        return "json", ""
    for mt, params in media:
        as_ = params.get("as")
        if as_:
            if mt != "application/json" or params.get("g") != "meta.k8s.io":
                continue
            ver = params.get("v", "")
            if ver not in ("v1", "v1beta1") or not allow_transform:
                continue
            if as_ == "Table":
                return "table", ver
            if as_ in ("PartialObjectMetadata", "PartialObjectMetadataList"):
                return "pom", ver
            continue
        if mt in ("application/json", "application/*", "*/*", "*"):
            return "json", ""
        if mt in ("application/yaml", "text/yaml"):
            return "yaml", ""
    raise HttpError(406, status_body(406, "NotAcceptable", _NOT_ACCEPTABLE, {}))


def wants_aggregated(header: str | None) -> bool | None:
    """True for APIGroupDiscoveryList v2, False for plain JSON, None when nothing we serve fits."""
    for mt, params in parse_media_list(header) or [("application/json", {})]:
        if params.get("as") == "APIGroupDiscoveryList":
            if params.get("g") == "apidiscovery.k8s.io" and params.get("v") == "v2" and mt == "application/json":
                return True
            continue
        if params.get("as"):
            continue
        if mt in ("application/json", "application/*", "*/*", "*", "application/yaml"):
            return False
    return None


# ---------------------------------------------------------------------------------------------
# Request facts: kube's RequestInfo, syntactic (used for RBAC-style messages and fault matching)
# ---------------------------------------------------------------------------------------------
_NS_SUBRESOURCES = {"status", "finalize"}


def request_facts(method: str, path: str, query: dict[str, str]) -> RequestFacts:
    parts = [p for p in path.split("/") if p]
    has_continue = bool(query.get("continue"))
    if not parts or parts[0] not in ("api", "apis"):
        return RequestFacts(method, path, has_continue=has_continue)
    if parts[0] == "api":
        group, rest = "", parts[2:]
        if len(parts) < 2:
            return RequestFacts(method, path, has_continue=has_continue)
    else:
        if len(parts) < 3:
            return RequestFacts(method, path, has_continue=has_continue)
        group, rest = parts[1], parts[3:]
    if not rest:
        return RequestFacts(method, path, has_continue=has_continue)
    watch = False
    if rest[0] == "watch":
        watch, rest = True, rest[1:]
    namespace = ""
    if rest and rest[0] == "namespaces" and len(rest) > 1:
        namespace = rest[1]
        if len(rest) > 2 and rest[2] not in _NS_SUBRESOURCES:
            rest = rest[2:]
    if not rest:
        return RequestFacts(method, path, has_continue=has_continue)
    resource = rest[0]
    name = rest[1] if len(rest) > 1 else ""
    sub = rest[2] if len(rest) > 2 else ""
    if resource == "namespaces":
        namespace = name  # kube's RequestInfo: /namespaces/<ns> is in the namespace <ns> (a list is cluster-wide)
    if query.get("watch") in ("true", "1"):
        watch = True
    verb = {
        "GET": "watch" if watch else ("get" if name else "list"),
        "POST": "create", "PUT": "update", "PATCH": "patch",
        "DELETE": "delete" if name else "deletecollection",
    }.get(method, method.lower())
    return RequestFacts(method, path, verb=verb, group=group, resource=resource, subresource=sub,
                        namespace=namespace, name=name, has_continue=has_continue)


# ---------------------------------------------------------------------------------------------
# Body decoding (JSON with duplicate detection, YAML)
# ---------------------------------------------------------------------------------------------
def _decode_json_dupes(raw: bytes) -> tuple[Any, list[str]]:
    dupes: list[str] = []

    def hook(pairs: list[tuple[str, Any]]) -> dict:
        d: dict = {}
        for k, v in pairs:
            if k in d:
                dupes.append(k)
            d[k] = v
        return d

    return json.loads(raw, object_pairs_hook=hook), dupes


def _dupe_paths(obj: Any, raw: bytes) -> list[str]:
    """Full dotted paths of duplicated keys (second pass only when duplicates exist)."""
    out: list[str] = []

    def walk(pairs_obj: Any, prefix: str) -> None:
        if isinstance(pairs_obj, list) and pairs_obj and isinstance(pairs_obj[0], tuple):
            seen: set[str] = set()
            for k, v in pairs_obj:
                p = f"{prefix}.{k}" if prefix else k
                if k in seen:
                    out.append(p)
                seen.add(k)
                walk(v, p)
        elif isinstance(pairs_obj, list):
            for v in pairs_obj:
                walk(v, prefix)

    walk(json.loads(raw, object_pairs_hook=lambda pairs: pairs), "")
    return out


def decode_body(raw: bytes, ctype: str, rt: Any) -> tuple[dict, list[str]]:
    """The request object and any duplicate-field paths; 400/415 like the real decoder."""
    mt = (ctype or "application/json").split(";")[0].strip().lower()
    kind = getattr(rt, "kind", "")
    if mt in ("application/yaml", "text/yaml"):
        try:
            obj = yaml.safe_load(raw.decode("utf-8")) if raw.strip() else None
        except (yaml.YAMLError, UnicodeDecodeError) as e:
            raise HttpError(400, status_body(400, "BadRequest", f"error converting YAML to JSON: {e}"))
        if not isinstance(obj, dict):
            raise HttpError(400, status_body(
                400, "BadRequest",
                f"the object provided is unrecognized (must be of type {kind}): couldn't get version/kind; "
                f"json parse error: json: cannot unmarshal {type(obj).__name__} into Go value",
            ))
        return obj, []
    if mt == "application/vnd.kubernetes.protobuf":
        from migrate.sim._protobuf import ProtobufUnsupported, decode_k8s_protobuf

        try:
            return decode_k8s_protobuf(raw), []
        except ProtobufUnsupported:
            pass  # the kinds the simulator cannot decode get the real 415 below
    if mt != "application/json":
        raise HttpError(415, status_body(
            415, "UnsupportedMediaType",
            "the body of the request was in an unknown format - accepted media types include: "
            "application/json, application/yaml, application/vnd.kubernetes.protobuf",
        ))
    if not raw.strip():
        raise HttpError(400, status_body(
            400, "BadRequest",
            f"the object provided is unrecognized (must be of type {kind}): couldn't get version/kind; "
            "json parse error: unexpected end of JSON input (<empty>)",
        ))
    try:
        obj, dupes = _decode_json_dupes(raw)
    except (ValueError, UnicodeDecodeError):
        snippet = raw[:30].decode("utf-8", "replace")
        raise HttpError(400, status_body(
            400, "BadRequest",
            f"the object provided is unrecognized (must be of type {kind}): couldn't get version/kind; "
            f"json parse error: unexpected end of JSON input ({snippet} ...)",
        ))
    if not isinstance(obj, dict):
        what = "array" if isinstance(obj, list) else "string" if isinstance(obj, str) else "number"
        raise HttpError(400, status_body(
            400, "BadRequest",
            f"the object provided is unrecognized (must be of type {kind}): couldn't get version/kind; "
            f"json parse error: json: cannot unmarshal {what} into Go value of type struct "
            '{ APIVersion string "json:\\"apiVersion,omitempty\\""; Kind string "json:\\"kind,omitempty\\"" }',
        ))
    return obj, (_dupe_paths(obj, raw) if dupes else [])


def _b(flag: str | None) -> bool:
    return (flag or "").lower() in ("true", "1")


def _now_rfc1123() -> str:
    return time.strftime("%a, %d %b %Y %H:%M:%S GMT", time.gmtime())


def _dumps(obj: Any, pretty: bool = False) -> bytes:
    if pretty:
        return (json.dumps(obj, indent=2, ensure_ascii=False) + "\n").encode()
    return (json.dumps(obj, separators=(",", ":"), ensure_ascii=False) + "\n").encode()


# ---------------------------------------------------------------------------------------------
# The server
# ---------------------------------------------------------------------------------------------
class _TLSServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128

    def __init__(self, addr: tuple[str, int], api: "ApiServer", ctx: ssl.SSLContext):
        self.api = api
        self.ctx = ctx
        self.conns: set[socket.socket] = set()
        self.conns_lock = threading.Lock()
        super().__init__(addr, _Handler)

    def finish_request(self, request: Any, client_address: Any) -> None:
        # TLS handshake in the connection's own thread, so a slow client cannot stall accept()
        request.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        request.settimeout(30)
        try:
            tls = self.ctx.wrap_socket(request, server_side=True)
        except (ssl.SSLError, OSError):
            return
        with self.conns_lock:
            self.conns.add(tls)
        try:
            self.RequestHandlerClass(tls, client_address, self)
        finally:
            with self.conns_lock:
                self.conns.discard(tls)

    def handle_error(self, request: Any, client_address: Any) -> None:  # keep tests quiet
        log.debug("connection error from %s", client_address, exc_info=True)

    def server_close(self) -> None:
        # like ThreadingMixIn.server_close, but a wedged connection cannot hang the caller for ever
        self.socket.close()
        for t in list(vars(self).get("_threads") or ()):  # the class default (_NoThreads) holds none
            t.join(timeout=5)

    def close_all(self) -> None:
        with self.conns_lock:
            conns = list(self.conns)
        for c in conns:
            try:
                c.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass


class ApiServer:
    """Serves one store over HTTPS. ``start()`` returns once the port is bound."""

    def __init__(
        self,
        store: Any,
        catalogue: Any,
        *,
        name: str,
        version_info: dict,
        token: str | None = None,
        host: str = "127.0.0.1",
        port: int = 0,
        ssl_context: ssl.SSLContext,
        faults: Faults | None = None,
        users: dict | None = None,
    ) -> None:
        from migrate.sim.openapi import OpenAPIDocs
        from migrate.sim.rbac import parse_users

        self.store = store
        self.cat = catalogue
        self.name = name
        self.version_info = version_info
        self.token = token or secrets.token_urlsafe(32)
        # extra identities with their allow/deny rules (migrate.sim.rbac), by bearer token
        self.users = parse_users(users)
        self.faults = faults or Faults()
        self.flowschema_uid = str(uuid.uuid4())
        self.prioritylevel_uid = str(uuid.uuid4())
        minor = int("".join(ch for ch in str(version_info.get("minor", "36")) if ch.isdigit()) or 36)
        self.minor = minor
        self.openapi = OpenAPIDocs(catalogue, minor)
        self.started_at = _dt.datetime.now(_dt.timezone.utc)
        self.stopping = threading.Event()
        self._httpd = _TLSServer((host, port), self, ssl_context)
        self._wake_r, self._wake_w = socket.socketpair()
        self._thread: threading.Thread | None = None
        self._tables = None

    @property
    def port(self) -> int:
        return self._httpd.server_address[1]

    @property
    def url(self) -> str:
        return f"https://{self._httpd.server_address[0]}:{self.port}"

    def start(self) -> "ApiServer":
        self._thread = threading.Thread(target=self._serve, name=f"sim-{self.name}", daemon=True)
        self._thread.start()
        return self

    def _serve(self) -> None:
        """Accept connections until ``stop()``; a wake-up socket ends the wait at once (no polling)."""
        with selectors.DefaultSelector() as sel:
            sel.register(self._httpd, selectors.EVENT_READ)
            sel.register(self._wake_r, selectors.EVENT_READ)
            while not self.stopping.is_set():
                for key, _ in sel.select():
                    if key.fileobj is self._httpd and not self.stopping.is_set():
                        self._httpd._handle_request_noblock()

    def stop(self) -> None:
        """Stop serving; returns once every connection thread has ended (no thread outlives the server)."""
        self.stopping.set()
        try:
            self._wake_w.send(b"x")  # ends the accept loop now
        except OSError:
            pass
        if self._thread is not None:
            self._thread.join(timeout=5)  # no new connections from here on
        close = getattr(self.store, "close", None)
        if callable(close):  # wakes blocked watchers so their threads return
            close()
        self._httpd.close_all()  # unblocks keep-alive connections waiting for their next request
        self._httpd.server_close()  # joins the connection threads
        self._thread = None
        for sock in (self._wake_r, self._wake_w):
            sock.close()

    # -- helpers used by the handler ------------------------------------------------------------
    def tables(self) -> Any:
        if self._tables is None:
            from migrate.sim import tables

            self._tables = tables
        return self._tables

    def authenticate(self, header: str | None) -> str | None:
        """The user name, "system:anonymous" without credentials, or None for a bad token (401)."""
        if not header:
            return "system:anonymous"
        scheme, _, cred = header.partition(" ")
        if scheme.lower() != "bearer":
            return None
        cred = cred.strip()
        if hmac.compare_digest(cred.encode(), self.token.encode()):
            return ADMIN_USER
        for token, user in self.users.items():
            if hmac.compare_digest(cred.encode(), token.encode()):
                return user.name
        return None

    def user(self, name: str) -> Any:
        """The rbac.User of an extra identity, or None for the admin (system:masters) and anonymous."""
        return next((u for u in self.users.values() if u.name == name), None)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = ""
    sys_version = ""
    timeout = 300  # idle keep-alive connections are closed after this long
    server: _TLSServer

    # quiet: the simulator runs inside tests
    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        log.debug("%s - %s", self.address_string(), format % args)

    def do_GET(self) -> None:
        self._dispatch()

    do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = do_OPTIONS = do_GET

    # -- plumbing ---------------------------------------------------------------------------------
    def _send(self, code: int, body: bytes, headers: dict[str, str] | None = None,
              content_type: str | None = "application/json") -> None:
        """Headers and body in one write (no Nagle stalls on keep-alive connections)."""
        api = self.server.api
        try:
            phrase = HTTPStatus(code).phrase
        except ValueError:
            phrase = ""
        lines = [f"HTTP/1.1 {code} {phrase}", f"Audit-Id: {self.audit_id}", "Cache-Control: no-cache, private"]
        hdrs = dict(headers or {})
        if "Cache-Control" in hdrs:
            lines[2] = f"Cache-Control: {hdrs.pop('Cache-Control')}"
        if content_type:
            lines.append(f"Content-Type: {content_type}")
        for k, v in hdrs.items():
            if k == "Warning" and isinstance(v, list):
                # the apiserver's warning recorder drops exact duplicates
                for w in dict.fromkeys(v):
                    lines.append(f"Warning: {w}")
            else:
                lines.append(f"{k}: {v}")
        lines.append(f"X-Kubernetes-Pf-Flowschema-Uid: {api.flowschema_uid}")
        lines.append(f"X-Kubernetes-Pf-Prioritylevel-Uid: {api.prioritylevel_uid}")
        lines.append(f"Date: {_now_rfc1123()}")
        if code != 204 and code != 304:
            lines.append(f"Content-Length: {len(body)}")
        if self.close_connection:
            lines.append("Connection: close")
        head = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1", "replace")
        payload = head if self.command == "HEAD" or code in (204, 304) else head + body
        try:
            self.wfile.write(payload)
        except OSError:
            self.close_connection = True

    def _send_status(self, body: dict, headers: dict[str, str] | None = None) -> None:
        self._send(int(body.get("code") or 500), _dumps(body), headers)

    def _send_error(self, e: HttpError) -> None:
        if isinstance(e.body, str):
            self._send(e.code, e.body.encode(), dict(e.headers, **{"X-Content-Type-Options": "nosniff"}),
                       "text/plain; charset=utf-8")
        else:
            self._send(e.code, _dumps(e.body), e.headers)

    def _read_body(self) -> bytes:
        te = (self.headers.get("Transfer-Encoding") or "").lower()
        if "chunked" in te:
            chunks, total = [], 0
            while True:
                size_line = self.rfile.readline(65537)
                size = int(size_line.split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline(65537) not in (b"\r\n", b"\n", b""):
                        pass
                    break
                total += size
                if total > MAX_BODY:
                    self.close_connection = True
                    raise HttpError(413, status_body(413, "RequestEntityTooLarge",
                                                     f"Request entity too large: limit is {MAX_BODY}"))
                chunks.append(self.rfile.read(size))
                self.rfile.readline(65537)
            return b"".join(chunks)
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_BODY:
            self.close_connection = True
            # drain what the client is still sending, so it reads our 413 instead of a reset
            left = min(length, 64 * 1024 * 1024)
            while left > 0:
                chunk = self.rfile.read(min(left, 1 << 20))
                if not chunk:
                    break
                left -= len(chunk)
            raise HttpError(413, status_body(413, "RequestEntityTooLarge",
                                             f"Request entity too large: limit is {MAX_BODY}"))
        return self.rfile.read(length) if length > 0 else b""

    # -- entry --------------------------------------------------------------------------------------
    def _dispatch(self) -> None:
        self.audit_id = str(uuid.uuid4())
        # warnings every response to this request carries, errors included (deprecated CR versions)
        self.req_warnings: list[str] = []
        api = self.server.api
        split = urlsplit(self.path)
        path = split.path or "/"
        q = {k: v[-1] for k, v in parse_qs(split.query, keep_blank_values=True).items()}
        self.qlist = parse_qs(split.query, keep_blank_values=True)
        try:
            body = self._read_body() if self.command in ("POST", "PUT", "PATCH", "DELETE") else b""
            user = api.authenticate(self.headers.get("Authorization"))
            if user is None:
                raise HttpError(401, status_body(401, "Unauthorized", "Unauthorized"))
            facts = request_facts(self.command, path, q)
            self.user = api.user(user)
            if user == "system:anonymous" and not any(
                path == p or path.startswith(p + "/") for p in _PUBLIC_PATHS
            ):
                raise HttpError(403, forbidden_status(user, facts),
                                {"X-Content-Type-Options": "nosniff"})
            if self.user is not None and not self.user.allows_request(facts):
                # authorization runs before the object is read: a missing object is 403 too, as recorded
                raise HttpError(403, forbidden_status(user, facts), {"X-Content-Type-Options": "nosniff"})
            fault = api.faults.take(facts)
            if fault is not None:
                if fault.delay:
                    time.sleep(fault.delay)
                if fault.drop:
                    self._drop()
                    return
                if fault.expire_continue:
                    expire = getattr(api.store, "expire_continue_tokens", None)
                    if not callable(expire):
                        self._send_status(self._expired_continue(q.get("continue", "")))
                        return
                    expire()  # the store answers this continue with its own 410 and inconsistent token
                if fault.status:
                    hdrs = {"X-Content-Type-Options": "nosniff"} if fault.status == 403 else {}
                    if fault.status == 429:
                        hdrs["Retry-After"] = str(int(fault.retry_after or 1))
                    self._send_status(status_for(fault, facts), hdrs)
                    return
            self._route(path, q, body)
        except HttpError as e:
            if self.req_warnings and not isinstance(e.body, str):
                e.headers = dict(e.headers or {}, Warning=list(self.req_warnings))
            self._send_error(e)
        except Exception as e:  # noqa: BLE001 - a bug must still answer like an apiserver would
            code = getattr(e, "code", None)
            sbody = getattr(e, "body", None)
            if isinstance(code, int) and isinstance(sbody, dict):  # the store's StatusError
                warns = list(self.req_warnings) + [
                    x if x.startswith("299 ") else _warning(x) for x in getattr(e, "warnings", None) or []]
                self._send_status(sbody, {"Warning": warns} if warns else None)
                return
            log.exception("simulator error on %s %s", self.command, self.path)
            self._send_status(status_body(500, "InternalError", f"Internal error occurred: {e}",
                                          {"causes": [{"message": str(e)}]}))

    def _drop(self) -> None:
        """Close the connection without a response (a load balancer reset, a crashed apiserver)."""
        self.close_connection = True
        try:
            self.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass

    def _expired_continue(self, token: str) -> dict:
        """Our own 410 for stores that cannot expire their tokens on demand."""
        new = token
        try:
            padded = token + "=" * (-len(token) % 4)
            data = json.loads(base64.urlsafe_b64decode(padded))
            data["rv"] = -1
            new = base64.urlsafe_b64encode(json.dumps(data, separators=(",", ":")).encode()).decode().rstrip("=")
        except (ValueError, binascii.Error):
            pass
        body = status_body(
            410, "Expired",
            "The provided continue parameter is too old to display a consistent list result. You can start a "
            "new list without the continue parameter, or use the continue token in this response to retrieve "
            "the remainder of the results. Continuing with the provided token results in an inconsistent list "
            "- objects that were created, modified, or deleted between the time the first chunk was returned "
            "and now may show up in the list.",
        )
        body["metadata"] = {"continue": new}
        return body

    # -- routing --------------------------------------------------------------------------------------
    def _route(self, path: str, q: dict[str, str], body: bytes) -> None:
        api = self.server.api
        parts = [p for p in path.split("/") if p]
        if not parts:
            return self._only_get(lambda: self._json(200, self._root_paths()))
        head = parts[0]
        if head == "version" and len(parts) == 1:
            return self._only_get(lambda: self._json(200, api.version_info, pretty=_b(q.get("pretty"))))
        if head in ("healthz", "livez", "readyz"):
            return self._only_get(lambda: self._health(parts, q))
        if head == "openapi":
            return self._only_get(lambda: self._openapi(parts[1:], q))
        if head == "api":
            if len(parts) == 1:
                return self._only_get(lambda: self._discovery(core=True))
            if parts[1] != "v1":
                raise _page_not_found()
            if len(parts) == 2:
                return self._only_get(lambda: self._json(200, api.cat.api_resource_list_doc("", "v1")))
            return self._resource("", "v1", parts[2:], q, body)
        if head == "apis":
            if len(parts) == 1:
                return self._only_get(lambda: self._discovery(core=False))
            group = parts[1]
            if not api.cat.has_group(group):
                raise _page_not_found()
            if len(parts) == 2:
                return self._only_get(lambda: self._json(200, api.cat.api_group_doc(group)))
            version = parts[2]
            if not api.cat.has_group_version(group, version):
                raise _not_found_resource()
            if len(parts) == 3:
                return self._only_get(lambda: self._json(200, api.cat.api_resource_list_doc(group, version)))
            return self._resource(group, version, parts[3:], q, body)
        raise _page_not_found()

    def _only_get(self, fn: Callable[[], None]) -> None:
        if self.command not in ("GET", "HEAD"):
            raise _method_not_allowed()
        fn()

    def _json(self, code: int, obj: Any, headers: dict[str, str] | None = None, pretty: bool = False) -> None:
        self._send(code, _dumps(obj, pretty), headers)

    def _root_paths(self) -> dict:
        api = self.server.api
        paths = ["/.well-known/openid-configuration", "/api", "/api/v1", "/apis", "/apis/"]
        for gv in api.cat.group_versions():
            if gv == "v1":
                continue
            g = gv.split("/")[0]
            if f"/apis/{g}" not in paths:
                paths.append(f"/apis/{g}")
            paths.append(f"/apis/{gv}")
        paths += ["/healthz", "/livez", "/openapi/v2", "/openapi/v3", "/openapi/v3/", "/readyz", "/version"]
        return {"paths": sorted(set(paths))}

    def _health(self, parts: list[str], q: dict[str, str]) -> None:
        if len(parts) > 1:
            check = "/".join(parts[1:])
            if check not in _HEALTH_CHECKS:
                raise _page_not_found()
            body = "ok"
        elif _b(q.get("verbose")) or "verbose" in q:
            lines = [f"[+]{c} ok" for c in _HEALTH_CHECKS]
            body = "\n".join(lines) + f"\n{parts[0]} check passed\n"
        else:
            body = "ok"
        self._send(200, body.encode(), {"X-Content-Type-Options": "nosniff"}, "text/plain; charset=utf-8")

    def _discovery(self, core: bool) -> None:
        api = self.server.api
        agg = wants_aggregated(self.headers.get("Accept"))
        if agg is None:
            raise HttpError(406, status_body(
                406, "NotAcceptable",
                "only the following media types are accepted: application/json, application/yaml, "
                "application/vnd.kubernetes.protobuf",
            ))
        if agg:
            raw = _dumps(api.cat.aggregated_discovery_doc(core))
            etag = '"' + hashlib.sha512(raw).hexdigest().upper() + '"'
            if self.headers.get("If-None-Match") == etag:
                self._send(304, b"", {"Cache-Control": "public", "Etag": etag, "Vary": "Accept"}, None)
                return
            self._send(200, raw, {"Cache-Control": "public", "Etag": etag, "Vary": "Accept"}, _AGG_CT)
            return
        doc = api.cat.api_versions_doc(f"127.0.0.1:{api.port}") if core else api.cat.api_group_list_doc()
        self._json(200, doc)

    def _openapi(self, rest: list[str], q: dict[str, str]) -> None:
        docs = self.server.api.openapi
        if rest == ["v2"]:
            from migrate.sim.openapi import PROTO_V2_CONTENT_TYPE, PROTO_V2_MEDIA

            media = [m for m, _ in parse_media_list(self.headers.get("Accept"))]
            proto = bool(media) and media[0] in (PROTO_V2_MEDIA.lower(), PROTO_V2_CONTENT_TYPE.lower())
            raw = docs.v2_protobuf() if proto else docs.v2()
            ctype = PROTO_V2_CONTENT_TYPE if proto else "application/json"
            etag = '"' + hashlib.sha512(raw).hexdigest().upper() + '"'
            hdrs = {"Etag": etag, "Vary": "Accept-Encoding, Accept",
                    "Last-Modified": self.server.api.started_at.strftime("%a, %d %b %Y %H:%M:%S GMT")}
            if self.headers.get("If-None-Match") == etag:
                self._send(304, b"", hdrs, None)
                return
            self._send(200, raw, hdrs, ctype)
            return
        if rest == ["v3"]:
            self._send(200, docs.v3_index(), {"Accept-Ranges": "bytes"}, "text/plain; charset=utf-8")
            return
        if len(rest) >= 2 and rest[0] == "v3":
            found = docs.v3("/".join(rest[1:]))
            if found is None:
                self._send(404, b"", {}, None)
                return
            raw, digest = found
            etag = f'"{digest}"'
            want = q.get("hash")
            if want is not None and want != digest:
                loc = f"/openapi/v3/{'/'.join(rest[1:])}?hash={digest}"
                self._send(301, b"", {"Etag": etag, "Location": loc, "Vary": "Accept"})
                return
            hdrs = {"Etag": etag, "Vary": "Accept"}
            if want is not None:
                expires = (_dt.datetime.now(_dt.timezone.utc) + _dt.timedelta(days=365)).strftime(
                    "%a, %d %b %Y %H:%M:%S GMT")
                hdrs.update({"Cache-Control": "public, immutable", "Expires": expires})
            self._send(200, raw, hdrs, "application/json")
            return
        raise _page_not_found()

    # -- resources ----------------------------------------------------------------------------------
    def _resource(self, group: str, version: str, rest: list[str], q: dict[str, str], body: bytes) -> None:
        api = self.server.api
        watch = False
        if rest and rest[0] == "watch":
            watch, rest = True, rest[1:]
            if not rest:
                raise _not_found_resource()
        namespace = ""
        if rest[0] == "namespaces" and len(rest) > 1:
            namespace = rest[1]
            if len(rest) > 2 and rest[2] not in _NS_SUBRESOURCES:
                rest = rest[2:]
        if len(rest) > 3:
            raise _not_found_resource()
        resource = rest[0]
        name = rest[1] if len(rest) > 1 else ""
        sub = rest[2] if len(rest) > 2 else ""
        rt = api.cat.lookup(group, version, resource)
        if rt is None:
            raise _not_found_resource()
        if resource == "namespaces" and rest[0] == "namespaces":
            namespace = ""
        elif namespace and not rt.namespaced:
            raise _not_found_resource()
        elif rt.namespaced and not namespace and (name or self.command in ("POST",)):
            raise _not_found_resource()
        if q.get("watch") in ("true", "1"):
            watch = True
        warnings = self._deprecation_warnings(rt)
        self.req_warnings = list(warnings)
        if sub:
            return self._subresource(rt, namespace, name, sub, q, body, warnings)
        m = self.command
        if m in ("GET", "HEAD"):
            if watch:
                self._need_verb(rt, "watch")
                return self._watch(rt, namespace, name, q, warnings)
            if name:
                self._need_verb(rt, "get")
                fmt, ver = negotiate(self.headers.get("Accept"), allow_transform=True)
                get_raw = getattr(api.store, "get_raw", None)
                if fmt == "json" and not _b(q.get("pretty")) and callable(get_raw):
                    # the store caches each object's JSON: no re-serialisation on hot GETs
                    return self._send(200, get_raw(rt, namespace, name) + b"\n",
                                      {"Warning": warnings} if warnings else None)
                obj = api.store.get(rt, namespace, name)
                return self._render_object(rt, obj, fmt, ver, q, 200, warnings)
            self._need_verb(rt, "list")
            return self._list(rt, namespace, q, warnings)
        if m == "POST":
            if name:
                raise _method_not_allowed()
            self._need_verb(rt, "create")
            return self._create(rt, namespace, q, body, warnings)
        if m == "PUT":
            if not name:
                raise _method_not_allowed()
            self._need_verb(rt, "update")
            return self._update(rt, namespace, name, q, body, warnings, None)
        if m == "PATCH":
            if not name:
                raise _method_not_allowed()
            self._need_verb(rt, "patch")
            return self._patch(rt, namespace, name, q, body, warnings, None)
        if m == "DELETE":
            if name:
                self._need_verb(rt, "delete")
                return self._delete(rt, namespace, name, q, body, warnings)
            self._need_verb(rt, "deletecollection")
            return self._delete_collection(rt, namespace, q, body, warnings)
        raise _method_not_allowed()

    def _to_table(self, rt: Any, items_or_obj: Any, **kw: Any) -> dict:
        """A Table; custom resources get their CRD version's printer columns (or the default Age)."""
        api = self.server.api
        if getattr(rt, "crd", ""):
            kw["crd_version"] = api.cat.crd_version(rt) or {}
        return api.tables().to_table(rt, items_or_obj, **kw)

    @staticmethod
    def _need_verb(rt: Any, verb: str) -> None:
        if verb not in rt.verbs:
            raise _method_not_allowed()

    def _deprecation_warnings(self, rt: Any) -> list[str]:
        if not getattr(rt, "crd", ""):
            return []
        store_warnings = getattr(self.server.api.store, "crd_warnings", None)
        if callable(store_warnings):
            return [_warning(w) for w in store_warnings(rt)]
        try:
            ver = self.server.api.cat.crd_version(rt) or {}
        except Exception:  # noqa: BLE001
            return []
        if not ver.get("deprecated"):
            return []
        msg = ver.get("deprecationWarning")
        if not msg:
            pref = self.server.api.cat.preferred(rt.group, rt.resource)
            msg = f"{rt.api_version} {rt.kind} is deprecated"
            if pref is not None and pref.version != rt.version:
                msg += f"; use {pref.api_version} {pref.kind}"
        return [_warning(msg)]

    # -- options ---------------------------------------------------------------------------------------
    def _write_options(self, kind: str, q: dict[str, str]) -> tuple[bool, str | None, str | None]:
        causes: list[tuple[str, str, str]] = []
        dry = self.qlist.get("dryRun") or []
        if dry and any(d != "All" for d in dry):
            vals = ", ".join(json.dumps(d) for d in dry)
            causes.append(("FieldValueNotSupported", "dryRun", f'Unsupported value: [{vals}]: supported values: "All"'))
        fv = q.get("fieldValidation")
        if fv not in (None, "", "Ignore", "Strict", "Warn"):
            causes.append(("FieldValueNotSupported", "fieldValidation",
                           f'Unsupported value: "{fv}": supported values: "", "Ignore", "Strict", "Warn"'))
        fm = q.get("fieldManager")
        if fm is not None and len(fm) > 128:
            causes.append(("FieldValueTooLong", "fieldManager",
                           "Too long: may not be more than 128 bytes"))
        if causes:
            raise _invalid_options(kind, causes)
        return bool(dry), fm or None, fv or None

    def _ua(self) -> str:
        return self.headers.get("User-Agent") or ""

    def _dupe_check(self, rt: Any, dupes: list[str], fv: str | None, warnings: list[str]) -> None:
        if not dupes:
            return
        if fv == "Strict":
            msg = ", ".join(f'duplicate field "{d}"' for d in dupes)
            raise HttpError(400, status_body(
                400, "BadRequest",
                f'{rt.kind} in version "{rt.version}" cannot be handled as a {rt.kind}: strict decoding error: {msg}'))
        if fv in (None, "", "Warn"):
            warnings.extend(_warning(f'duplicate field "{d}"') for d in dupes)

    def _create(self, rt: Any, ns: str, q: dict[str, str], body: bytes, warnings: list[str]) -> None:
        fmt, ver = negotiate(self.headers.get("Accept"), allow_transform=False)
        dry, fm, fv = self._write_options("CreateOptions", q)
        obj, dupes = decode_body(body, self.headers.get("Content-Type") or "", rt)
        self._dupe_check(rt, dupes, fv, warnings)
        if ns:
            mns = (obj.get("metadata") or {}).get("namespace") if isinstance(obj.get("metadata"), dict) else None
            if mns and mns != ns:
                raise HttpError(400, status_body(
                    400, "BadRequest", "the namespace of the provided object does not match the namespace sent on the request"))
        special = self._virtual_create(rt, ns, obj)
        if special is not None:
            code, out = special
        else:
            code, out, w = self.server.api.store.create(
                rt, ns, obj, dry_run=dry, field_manager=fm, field_validation=fv, user_agent=self._ua())
            warnings.extend(_warning(x) if not x.startswith("299 ") else x for x in w or [])
        self._render_object(rt, out, fmt, ver, q, code, warnings)

    def _update(self, rt: Any, ns: str, name: str, q: dict[str, str], body: bytes, warnings: list[str],
                sub: str | None) -> None:
        fmt, ver = negotiate(self.headers.get("Accept"), allow_transform=False)
        dry, fm, fv = self._write_options("UpdateOptions", q)
        obj, dupes = decode_body(body, self.headers.get("Content-Type") or "", rt)
        self._dupe_check(rt, dupes, fv, warnings)
        code, out, w = self.server.api.store.update(
            rt, ns, name, obj, subresource=sub, dry_run=dry, field_manager=fm, field_validation=fv,
            user_agent=self._ua())
        warnings.extend(_warning(x) if not x.startswith("299 ") else x for x in w or [])
        self._render_object(rt, out, fmt, ver, q, code, warnings)

    def _patch(self, rt: Any, ns: str, name: str, q: dict[str, str], body: bytes, warnings: list[str],
               sub: str | None) -> None:
        fmt, ver = negotiate(self.headers.get("Accept"), allow_transform=False)
        ctype = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
        if ctype not in _PATCH_TYPES:
            raise HttpError(415, status_body(415, "UnsupportedMediaType", "415: Unsupported Media Type", {}))
        if rt.crd and ctype == "application/strategic-merge-patch+json":
            raise HttpError(415, status_body(
                415, "UnsupportedMediaType",
                "the body of the request was in an unknown format - accepted media types include: "
                "application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml"))
        dry, fm, fv = self._write_options("PatchOptions", q)
        force_raw = q.get("force")
        causes = []
        if ctype == "application/apply-patch+yaml" and not fm:
            causes.append(("FieldValueRequired", "fieldManager", "Required value: is required for apply patch"))
        if ctype != "application/apply-patch+yaml" and force_raw is not None and force_raw != "":
            causes.append(("FieldValueForbidden", "force", "Forbidden: may not be specified for non-apply patch"))
        if causes:
            raise _invalid_options("PatchOptions", causes)
        code, out, w = self.server.api.store.patch(
            rt, ns, name, ctype, body, subresource=sub, field_manager=fm, force=_b(force_raw), dry_run=dry,
            field_validation=fv, user_agent=self._ua())
        warnings.extend(_warning(x) if not x.startswith("299 ") else x for x in w or [])
        self._render_object(rt, out, fmt, ver, q, code, warnings)

    def _delete_options(self, q: dict[str, str], body: bytes) -> tuple[dict, bool]:
        opts: dict = {}
        ctype = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
        if body.strip() and ctype == "application/vnd.kubernetes.protobuf":
            from migrate.sim._protobuf import ProtobufUnsupported, decode_k8s_protobuf

            try:
                opts.update({k: v for k, v in decode_k8s_protobuf(body).items() if k not in ("kind", "apiVersion")})
            except ProtobufUnsupported:
                raise HttpError(400, status_body(400, "BadRequest", "error decoding DeleteOptions"))
            body = b""
        if body.strip():
            try:
                parsed = json.loads(body)
            except ValueError:
                try:
                    parsed = yaml.safe_load(body)
                except yaml.YAMLError:
                    parsed = None
            if not isinstance(parsed, dict):
                raise HttpError(400, status_body(400, "BadRequest", "error decoding DeleteOptions"))
            opts.update({k: v for k, v in parsed.items() if k not in ("kind", "apiVersion")})
        if "gracePeriodSeconds" in q:
            try:
                opts["gracePeriodSeconds"] = int(q["gracePeriodSeconds"])
            except ValueError:
                raise HttpError(400, status_body(
                    400, "BadRequest", f'strconv.ParseInt: parsing "{q["gracePeriodSeconds"]}": invalid syntax'))
        if "propagationPolicy" in q:
            opts["propagationPolicy"] = q["propagationPolicy"]
        if "orphanDependents" in q:
            opts["orphanDependents"] = _b(q["orphanDependents"])
        dry_list = list(self.qlist.get("dryRun") or []) + list(opts.get("dryRun") or [])
        if dry_list:
            opts["dryRun"] = dry_list
        causes: list[tuple[str, str, str]] = []
        if dry_list and any(d != "All" for d in dry_list):
            vals = ", ".join(json.dumps(d) for d in dry_list)
            causes.append(("FieldValueNotSupported", "dryRun", f'Unsupported value: [{vals}]: supported values: "All"'))
        pp = opts.get("propagationPolicy")
        if pp is not None and pp not in ("Foreground", "Background", "Orphan"):
            causes.append(("FieldValueNotSupported", "propagationPolicy",
                           f'Unsupported value: "{pp}": supported values: "Foreground", "Background", "Orphan", "nil"'))
        elif pp is not None and opts.get("orphanDependents") is not None:
            causes.append(("FieldValueInvalid", "propagationPolicy",
                           f'Invalid value: "{pp}": orphanDependents and deletionPropagation cannot be both set'))
        if causes:
            raise _invalid_options("DeleteOptions", causes)
        return opts, bool(dry_list)

    def _delete(self, rt: Any, ns: str, name: str, q: dict[str, str], body: bytes, warnings: list[str]) -> None:
        fmt, ver = negotiate(self.headers.get("Accept"), allow_transform=False)
        opts, dry = self._delete_options(q, body)
        code, out = self.server.api.store.delete(rt, ns, name, opts, dry_run=dry)
        self._render_object(rt, out, fmt, ver, q, code, warnings)

    def _delete_collection(self, rt: Any, ns: str, q: dict[str, str], body: bytes, warnings: list[str]) -> None:
        fmt, ver = negotiate(self.headers.get("Accept"), allow_transform=False)
        opts, _ = self._delete_options(q, body)
        code, out = self.server.api.store.delete_collection(
            rt, ns, opts, label_selector=q.get("labelSelector") or None, field_selector=q.get("fieldSelector") or None)
        self._render_object(rt, out, fmt, ver, q, code, warnings)

    # -- list & watch ----------------------------------------------------------------------------------
    def _list_params(self, q: dict[str, str], *, watch: bool) -> dict:
        rv = q.get("resourceVersion")
        rvm = q.get("resourceVersionMatch")
        sie = q.get("sendInitialEvents")
        causes: list[tuple[str, str, str]] = []
        if rvm:
            if rvm not in ("Exact", "NotOlderThan"):
                causes.append(("FieldValueNotSupported", "resourceVersionMatch",
                               f'Unsupported value: "{rvm}": supported values: "Exact", "NotOlderThan", ""'))
            elif not rv and not (watch and _b(sie)):
                causes.append(("FieldValueForbidden", "resourceVersionMatch",
                               "Forbidden: resourceVersionMatch is forbidden unless resourceVersion is provided"))
            elif rvm == "Exact" and rv == "0":
                causes.append(("FieldValueForbidden", "resourceVersionMatch",
                               'Forbidden: resourceVersionMatch "exact" is forbidden for resourceVersion "0"'))
        if sie is not None and sie != "":
            if not watch:
                causes.append(("FieldValueForbidden", "sendInitialEvents", "Forbidden: sendInitialEvents is forbidden for list"))
            elif rvm != "NotOlderThan":
                causes.append(("FieldValueForbidden", "resourceVersionMatch",
                               "Forbidden: sendInitialEvents requires setting resourceVersionMatch to NotOlderThan"))
        if causes:
            raise _invalid_options("ListOptions", causes)
        out: dict[str, Any] = {
            "label_selector": q.get("labelSelector") or None,
            "field_selector": q.get("fieldSelector") or None,
            "resource_version": rv if rv not in (None, "") else None,
            "resource_version_match": rvm or None,
        }
        for key in ("limit", "timeoutSeconds"):
            if q.get(key) not in (None, ""):
                try:
                    out[key] = int(q[key])
                except ValueError:
                    raise HttpError(400, status_body(
                        400, "BadRequest", f'strconv.ParseInt: parsing "{q[key]}": invalid syntax'))
        return out

    def _list(self, rt: Any, ns: str, q: dict[str, str], warnings: list[str]) -> None:
        fmt, ver = negotiate(self.headers.get("Accept"), allow_transform=True)
        p = self._list_params(q, watch=False)
        limit = p.get("limit")
        body = self.server.api.store.list(
            rt, ns, label_selector=p["label_selector"], field_selector=p["field_selector"],
            limit=limit if limit and limit > 0 else None, continue_=q.get("continue") or None,
            resource_version=p["resource_version"], resource_version_match=p["resource_version_match"],
        )
        hdrs = {"Warning": warnings} if warnings else None
        if fmt == "table":
            table = self._to_table(
                rt, body.get("items") or [], include_object=q.get("includeObject") or "Metadata", version=ver,
                list_meta=body.get("metadata"))
            return self._json(200, table, hdrs)
        if fmt == "pom":
            out = {"kind": "PartialObjectMetadataList", "apiVersion": f"meta.k8s.io/{ver}",
                   "metadata": body.get("metadata") or {},
                   "items": [_pom(i, ver) for i in body.get("items") or []]}
            return self._json(200, out, hdrs)
        self._emit(200, body, fmt, q, hdrs)

    def _watch(self, rt: Any, ns: str, name: str, q: dict[str, str], warnings: list[str]) -> None:
        fmt, ver = negotiate(self.headers.get("Accept"), allow_transform=True)
        p = self._list_params(q, watch=True)
        fs = p["field_selector"]
        if name:  # deprecated /watch/.../<name> path
            fs = f"metadata.name={name}" + (f",{fs}" if fs else "")
        timeout = p.get("timeoutSeconds")
        timeout_s = float(timeout) if timeout and timeout > 0 else DEFAULT_WATCH_TIMEOUT
        sie = q.get("sendInitialEvents")
        store = self.server.api.store
        # open_watch validates the options before the 200 is sent, so errors stay proper Statuses
        opener = getattr(store, "open_watch", None) or store.watch
        events = opener(
            rt, ns, label_selector=p["label_selector"], field_selector=fs,
            resource_version=p["resource_version"],
            send_initial_events=None if sie in (None, "") else _b(sie),
            resource_version_match=p["resource_version_match"],
            allow_bookmarks=_b(q.get("allowWatchBookmarks")), timeout_s=timeout_s,
        )
        include = q.get("includeObject") or "Metadata"

        def convert(ev: dict) -> dict:
            obj = ev.get("object")
            if ev.get("type") in ("ADDED", "MODIFIED", "DELETED") and isinstance(obj, dict):
                if fmt == "table":
                    return {"type": ev["type"], "object": self._to_table(
                        rt, obj, include_object=include, version=ver)}
                if fmt == "pom":
                    return {"type": ev["type"], "object": _pom(obj, ver)}
            return ev

        self._stream(events, convert, warnings, timeout_s)

    def _stream(self, events: Iterable[dict], convert: Callable[[dict], dict], warnings: list[str],
                timeout_s: float) -> None:
        api = self.server.api
        lines = ["HTTP/1.1 200 OK", f"Audit-Id: {self.audit_id}", "Cache-Control: no-cache, private",
                 "Content-Type: application/json"]
        lines += [f"Warning: {w}" for w in warnings]
        lines += [f"X-Kubernetes-Pf-Flowschema-Uid: {api.flowschema_uid}",
                  f"X-Kubernetes-Pf-Prioritylevel-Uid: {api.prioritylevel_uid}",
                  f"Date: {_now_rfc1123()}", "Transfer-Encoding: chunked"]
        it: Iterator[dict] = iter(events)
        try:
            self.connection.settimeout(None)
            self.wfile.write(("\r\n".join(lines) + "\r\n\r\n").encode())
            for ev in it:
                if api.stopping.is_set():
                    break
                data = json.dumps(convert(ev), separators=(",", ":")).encode() + b"\n"
                self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))
            self.wfile.write(b"0\r\n\r\n")
        except OSError:
            self.close_connection = True
        finally:
            close = getattr(it, "close", None)
            if callable(close):
                close()

    # -- subresources ---------------------------------------------------------------------------------
    def _sub_verbs(self, rt: Any, sub: str) -> tuple[str, ...] | None:
        for e in getattr(rt, "sub_entries", ()) or ():
            if isinstance(e, dict) and e.get("name") == f"{rt.resource}/{sub}":
                return tuple(e.get("verbs") or ())
        if sub in getattr(rt, "subresources", ()):
            return ("get", "patch", "update")
        return None

    def _subresource(self, rt: Any, ns: str, name: str, sub: str, q: dict[str, str], body: bytes,
                     warnings: list[str]) -> None:
        api = self.server.api
        verbs = self._sub_verbs(rt, sub)
        if verbs is None:
            raise _not_found_resource()
        verb = {"GET": "get", "HEAD": "get", "POST": "create", "PUT": "update", "PATCH": "patch",
                "DELETE": "delete"}.get(self.command, "")
        if verb not in verbs:
            raise _method_not_allowed()
        key = f"{rt.resource}/{sub}"
        if key == "pods/log":
            pod = api.store.get(rt, ns, name)
            node = (pod.get("spec") or {}).get("nodeName")
            if node:  # no kubelet behind the simulator: the real server's answer for an absent node
                raise HttpError(404, status_body(404, "NotFound", f'pods "{node}" not found',
                                                 {"name": node, "kind": "pods"}))
            self._send(204, b"", {}, None)
            return
        if key in ("pods/exec", "pods/attach", "pods/portforward") or sub == "proxy":
            obj = api.store.get(rt, ns, name)
            host = (obj.get("spec") or {}).get("nodeName")
            msg = f"pod {name} does not have a host assigned" if not host else f"no kubelet behind node {host}"
            raise HttpError(400, status_body(400, "BadRequest", msg))
        if key == "pods/binding":
            obj, _ = decode_body(body, self.headers.get("Content-Type") or "", rt)
            target = (obj.get("target") or {}).get("name", "")
            pod = api.store.get(rt, ns, name)
            pod.setdefault("spec", {})["nodeName"] = target
            api.store.put(pod)
            self._json(201, {"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Success", "code": 201})
            return
        if key == "pods/eviction":
            api.store.delete(rt, ns, name, {})
            self._json(201, {"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Success", "code": 201})
            return
        if key == "serviceaccounts/token":
            api.store.get(rt, ns, name)
            obj, _ = decode_body(body, self.headers.get("Content-Type") or "", rt) if body.strip() else ({}, [])
            self._json(201, _token_request(ns, name, obj))
            return
        if verb == "get":
            fmt, ver = negotiate(self.headers.get("Accept"), allow_transform=True)
            obj = api.store.get_subresource(rt, ns, name, sub)
            self._render_object(rt, obj, fmt, ver, q, 200, warnings)
            return
        if verb == "update":
            return self._update(rt, ns, name, q, body, warnings, sub)
        if verb == "patch":
            return self._patch(rt, ns, name, q, body, warnings, sub)
        raise _method_not_allowed()

    def _virtual_create(self, rt: Any, ns: str, obj: dict) -> tuple[int, dict] | None:
        """Review resources are answered, never stored (the admin is system:masters)."""
        g, r = rt.group, rt.resource
        meta = {"creationTimestamp": None}
        user = getattr(self, "user", None)
        if g == "authentication.k8s.io" and r == "selfsubjectreviews":
            info = user.user_info() if user is not None else {
                "username": ADMIN_USER, "groups": ["system:masters", "system:authenticated"]}
            return 201, {"kind": "SelfSubjectReview", "apiVersion": rt.api_version,
                         "metadata": {"creationTimestamp": _dt.datetime.now(_dt.timezone.utc).strftime(
                             "%Y-%m-%dT%H:%M:%SZ")}, "status": {"userInfo": info}}
        if g == "authorization.k8s.io" and r in ("selfsubjectaccessreviews", "subjectaccessreviews",
                                                 "localsubjectaccessreviews"):
            out = dict(obj)
            out["metadata"] = dict(obj.get("metadata") or {}, creationTimestamp=None)
            subject = user if r == "selfsubjectaccessreviews" else self.server.api.user(
                str((obj.get("spec") or {}).get("user") or ""))
            out["status"] = {"allowed": True, "reason": ""} if subject is None else _access_review(subject, obj, ns)
            return 201, out
        if g == "authorization.k8s.io" and r == "selfsubjectrulesreviews":
            out = dict(obj)
            out["metadata"] = meta
            out["status"] = {
                "resourceRules": [{"verbs": ["*"], "apiGroups": ["*"], "resources": ["*"]}],
                "nonResourceRules": [{"verbs": ["*"], "nonResourceURLs": ["*"]}], "incomplete": False}
            if user is not None:
                out["status"] = _rules_review(user)
            return 201, out
        if g == "authentication.k8s.io" and r == "tokenreviews":
            out = dict(obj)
            tok = ((obj.get("spec") or {}).get("token") or "")
            ok = hmac.compare_digest(tok.encode(), self.server.api.token.encode())
            out["metadata"] = meta
            out["status"] = ({"authenticated": True, "user": {"username": ADMIN_USER, "groups": ["system:masters"]}}
                             if ok else {"authenticated": False})
            out.get("spec", {}).pop("token", None)  # never echo a credential
            return 201, out
        return None

    # -- output ---------------------------------------------------------------------------------------
    def _render_object(self, rt: Any, obj: dict, fmt: str, ver: str, q: dict[str, str], code: int,
                       warnings: list[str]) -> None:
        hdrs = {"Warning": warnings} if warnings else None
        if fmt == "table" and obj.get("kind") != "Status":
            table = self._to_table(rt, obj, include_object=q.get("includeObject") or "Metadata", version=ver)
            return self._json(code, table, hdrs)
        if fmt == "pom" and obj.get("kind") != "Status":
            return self._json(code, _pom(obj, ver), hdrs)
        self._emit(code, obj, fmt, q, hdrs)

    def _emit(self, code: int, obj: Any, fmt: str, q: dict[str, str], hdrs: dict | None) -> None:
        if fmt == "yaml":
            self._send(code, yaml.safe_dump(obj, sort_keys=False).encode(), hdrs, "application/yaml")
        else:
            self._send(code, _dumps(obj, pretty=_b(q.get("pretty"))), hdrs)


def _access_review(user: Any, review: dict, ns: str) -> dict:
    """The status of a (Self)SubjectAccessReview answered from the user's allow/deny rules."""
    attrs = (review.get("spec") or {}).get("resourceAttributes")
    if not isinstance(attrs, dict):
        return {"allowed": True}  # nonResourceAttributes: discovery-like URLs are open to every user
    resource = str(attrs.get("resource") or "") + (f"/{attrs['subresource']}" if attrs.get("subresource") else "")
    ok = user.allowed(str(attrs.get("verb") or ""), str(attrs.get("group") or ""), resource,
                      str(attrs.get("namespace") or ns or ""), str(attrs.get("name") or ""))
    return {"allowed": True} if ok else {"allowed": False}


def _rules_review(user: Any) -> dict:
    """SelfSubjectRulesReview of a modelled user: its allow rules plus what every user may do."""
    rules = [{"verbs": ["create"], "apiGroups": ["authorization.k8s.io"],
              "resources": ["selfsubjectaccessreviews", "selfsubjectrulesreviews"]},
             {"verbs": ["create"], "apiGroups": ["authentication.k8s.io"], "resources": ["selfsubjectreviews"]}]
    if user.allow is None:
        rules.insert(0, {"verbs": ["*"], "apiGroups": ["*"], "resources": ["*"]})
    else:
        rules = [r.as_resource_rule() for r in user.allow] + rules
    return {"resourceRules": rules,
            "nonResourceRules": [{"verbs": ["get"], "nonResourceURLs": [
                "/api", "/api/*", "/apis", "/apis/*", "/healthz", "/livez", "/openapi", "/openapi/*", "/readyz",
                "/version", "/version/"]}],
            "incomplete": bool(user.deny)}  # deny rules are not expressible as RBAC rules


def _warning(text: str) -> str:
    return "299 - " + json.dumps(text)


def _pom(obj: dict, ver: str) -> dict:
    return {"kind": "PartialObjectMetadata", "apiVersion": f"meta.k8s.io/{ver or 'v1'}",
            "metadata": obj.get("metadata") or {}}


def _token_request(ns: str, name: str, req: dict) -> dict:
    spec = dict((req or {}).get("spec") or {})
    secs = int(spec.get("expirationSeconds") or 3600)
    spec.setdefault("audiences", ["https://kubernetes.default.svc.cluster.local"])
    spec["expirationSeconds"] = secs
    exp = (_dt.datetime.now(_dt.timezone.utc) + _dt.timedelta(seconds=secs)).strftime("%Y-%m-%dT%H:%M:%SZ")
    # an opaque, useless-elsewhere token: the simulator never mints real credentials
    fake = "sim." + secrets.token_urlsafe(24)
    return {"kind": "TokenRequest", "apiVersion": "authentication.k8s.io/v1",
            "metadata": {"name": name, "namespace": ns, "creationTimestamp": None},
            "spec": spec, "status": {"token": fake, "expirationTimestamp": exp}}


def load_version(cluster_yaml: dict, fallback: dict) -> dict:
    """The /version body for a snapshot: its ``kubernetes`` fields over defaults derived from gitVersion."""
    k = dict(cluster_yaml.get("kubernetes") or {})
    git = str(k.get("gitVersion") or fallback.get("gitVersion") or "v1.36.2")
    if git == fallback.get("gitVersion"):
        out = dict(fallback)
    else:
        bits = git.lstrip("v").split("+")[0].split("-")[0].split(".")
        major, minor = (bits + ["1", "36"])[0], (bits + ["1", "36"])[1]
        out = {"major": major, "minor": minor}
        if minor.isdigit() and int(minor) >= 33:  # emulation/minCompatibility exist since v1.33
            out.update({"emulationMajor": major, "emulationMinor": minor,
                        "minCompatibilityMajor": major, "minCompatibilityMinor": str(int(minor) - 1)})
        out.update({"gitVersion": git, "gitCommit": hashlib.sha1(git.encode()).hexdigest(),
                    "gitTreeState": "clean", "buildDate": "2024-01-01T00:00:00Z", "goVersion": "go1.22.0",
                    "compiler": "gc", "platform": "linux/amd64"})
    if cluster_yaml.get("platform"):
        out["platform"] = cluster_yaml["platform"]
    out.update({kk: str(v) for kk, v in k.items() if kk != "gitVersion" and v is not None})
    return out
