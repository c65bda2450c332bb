"""The simulated Kubernetes API server (imported only by the CLI and tests).

    from migrate.sim import serve

    with serve("dkp") as sim:          # a shipped cluster, a snapshot directory, or None (empty v1.36)
        subprocess.run(["kubectl", "--kubeconfig", str(sim.kubeconfig), "get", "ns"])
        sim.faults.add(method="GET", path=r"^/api/v1/secrets", status=403)

The simulator speaks HTTPS with a throw-away CA and bearer-token auth; its kubeconfig names the
cluster, user and context after the simulated cluster.
"""

from __future__ import annotations

import contextlib
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator

__all__ = ["SimServer", "serve", "start", "shipped_clusters", "resolve_cluster", "CLUSTERS_DIR", "Faults"]

from migrate.sim.faults import Faults

CLUSTERS_DIR = Path(__file__).resolve().parent / "clusters"
EMPTY_NAME = "sim"


def shipped_clusters() -> list[tuple[str, str, str]]:
    """(name, kubernetes gitVersion, description) of each cluster under migrate/sim/clusters/."""
    import yaml

    out = []
    if CLUSTERS_DIR.is_dir():
        for d in sorted(CLUSTERS_DIR.iterdir()):
            meta = d / "cluster.yaml"
            if not meta.is_file():
                continue
            try:
                data = yaml.safe_load(meta.read_text()) or {}
            except yaml.YAMLError:
                data = {}
            out.append((str(data.get("name") or d.name), str((data.get("kubernetes") or {}).get("gitVersion", "")),
                        str(data.get("description") or "").strip().splitlines()[0] if data.get("description") else ""))
    return out


def resolve_cluster(cluster: str | Path | None) -> tuple[str, Path | None, dict]:
    """(name, snapshot directory or None, cluster.yaml contents) for a cluster name or path."""
    import yaml

    from migrate.errors import InputError

    if cluster is None:
        return EMPTY_NAME, None, {}
    cand = Path(cluster)
    if not (cand / "cluster.yaml").is_file():
        shipped = CLUSTERS_DIR / str(cluster)
        if "/" not in str(cluster) and (shipped / "cluster.yaml").is_file():
            cand = shipped
        else:
            names = ", ".join(n for n, _, _ in shipped_clusters()) or "none"
            raise InputError(f"not a shipped cluster nor a directory with cluster.yaml (shipped: {names})",
                             path=str(cluster))
    meta_path = cand / "cluster.yaml"
    try:
        meta = yaml.safe_load(meta_path.read_text()) or {}
    except yaml.YAMLError as e:
        raise InputError(f"invalid YAML: {str(e).splitlines()[0]}", path=str(meta_path))
    if not isinstance(meta, dict):
        raise InputError("expected a mapping", path=str(meta_path))
    name = str(meta.get("name") or cand.name)
    return name, cand, meta


def _minor_of(git_version: str) -> int:
    try:
        return int(git_version.lstrip("v").split(".")[1].rstrip("+"))
    except (IndexError, ValueError):
        return 36


@dataclass
class SimServer:
    """A running simulated cluster."""

    name: str
    url: str
    token: str
    kubeconfig: Path
    ca_file: Path
    store: Any
    catalogue: Any
    faults: Faults
    version: dict
    workdir: Path
    _api: Any = field(repr=False, default=None)
    _owns_workdir: bool = field(repr=False, default=True)

    @property
    def port(self) -> int:
        return int(self.url.rsplit(":", 1)[1])

    @property
    def users(self) -> dict:
        """The extra identities by token (``migrate.sim.rbac.User``); replace entries to change rules live."""
        return self._api.users if self._api is not None else {}

    def stop(self) -> None:
        if self._api is not None:
            self._api.stop()
            self._api = None
        if self._owns_workdir:
            shutil.rmtree(self.workdir, ignore_errors=True)

    def __enter__(self) -> "SimServer":
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def start(
    cluster: str | Path | None = None,
    *,
    workload_sim: bool = True,
    never_ready: list[str] | tuple[str, ...] = (),
    token: str | None = None,
    port: int = 0,
    host: str = "127.0.0.1",
    kubeconfig_out: str | Path | None = None,
    name: str | None = None,
    users: dict | None = None,
) -> SimServer:
    """Load ``cluster`` and serve it; the caller must ``stop()`` the result (or use ``serve``).

    ``users``: extra bearer tokens with an identity and allow/deny rules, e.g.
    ``{"token-x": {"user": "system:serviceaccount:shop:reader", "deny": [{"verb": "list", "resource": "secrets"}]}}``
    (see ``migrate.sim.rbac``); requests they may not make get the real 403 Forbidden.
    """
    from migrate.errors import InputError
    from migrate.sim.catalogue import Catalogue
    from migrate.sim.kubeconfig import write_kubeconfig
    from migrate.sim.server import ApiServer, load_version
    from migrate.sim.store import Store
    from migrate.sim.tls import make_certs

    cname, snapshot, meta = resolve_cluster(cluster)
    cname = name or cname
    base = Catalogue.builtin(36)
    version = load_version(meta, dict(base.version_info or {}))
    minor = max(20, min(36, _minor_of(version.get("gitVersion", "v1.36.2"))))
    catalogue = base if minor == 36 else Catalogue.builtin(minor)
    store = Store(catalogue, workload_sim=workload_sim)
    if snapshot is not None:
        store.load_snapshot(snapshot)
    else:
        bootstrap = getattr(store, "bootstrap", None)
        if callable(bootstrap):
            bootstrap()
    for pattern in never_ready:
        store.never_ready(pattern)

    workdir = Path(tempfile.mkdtemp(prefix=f"distroshift-sim-{cname}-"))
    certs = make_certs(cname, ("127.0.0.1", "localhost") if host in ("127.0.0.1", "localhost") else (host,))
    ctx = certs.server_context(workdir)
    try:
        api = ApiServer(store, catalogue, name=cname, version_info=version, token=token, host=host, port=port,
                        ssl_context=ctx, users=users)
    except ValueError as e:
        shutil.rmtree(workdir, ignore_errors=True)
        raise InputError(str(e)) from None
    api.start()
    kc = Path(kubeconfig_out) if kubeconfig_out else workdir / "kubeconfig"
    write_kubeconfig(kc, cname, api.url, certs.ca_pem, api.token)
    return SimServer(name=cname, url=api.url, token=api.token, kubeconfig=kc.resolve(), ca_file=workdir / "ca.crt",
                     store=store, catalogue=catalogue, faults=api.faults, version=version, workdir=workdir, _api=api)


@contextlib.contextmanager
def serve(cluster: str | Path | None = None, **kwargs: Any) -> Iterator[SimServer]:
    """Context manager around :func:`start`; the server stops and its temp files go on exit."""
    sim = start(cluster, **kwargs)
    try:
        yield sim
    finally:
        sim.stop()
