"""Wrapper around the `velero` CLI: version and storage-location checks, backup and restore.

Everything runs through a migrate.execs Runner as an argv list. Velero's exit code says only
whether the request was *submitted* (`backup create --wait` exits 0 on Failed), so outcomes are
read back with `velero <noun> get NAME -o json` and ONLY `status.phase` decides.

Names are deterministic (run id + step) and every create is preceded by a get, so a resumed run
adopts the backup/restore it already started instead of creating a duplicate.
"""

from __future__ import annotations

import hashlib
import json
import re
import time
from dataclasses import dataclass, field
from typing import Callable, Mapping, Sequence

from migrate.errors import GateFailed, InputError, ToolError
from migrate.execs import Completed, Runner, SubprocessRunner, redact_argv

__all__ = [
    "VeleroCluster",
    "VeleroVersion",
    "BackupLocation",
    "BackupRequest",
    "RestoreRequest",
    "Outcome",
    "Velero",
    "resource_name",
    "TERMINAL_OK",
    "STOP_PHASES",
]

TERMINAL_OK = "Completed"
# Phases that can never end Completed: stop at once, listing errors and warnings.
STOP_PHASES = frozenset(
    {
        "Failed",
        "FailedValidation",
        "PartiallyFailed",
        "FinalizingPartiallyFailed",
        "WaitingForPluginOperationsPartiallyFailed",
    }
)
# Still running and may yet complete: keep polling.
RUNNING_PHASES = frozenset({"", "New", "InProgress", "WaitingForPluginOperations", "Finalizing"})

_DNS_BAD = re.compile(r"[^a-z0-9-]+")


def resource_name(run_id: str, step_id: str, kind: str = "") -> str:
    """A DNS-1123 name unique to (run, step): the same inputs always give the same name.

    Too-long names keep a readable prefix and end in a short hash of the full name, so two
    different steps never collide after truncation.
    """
    parts = [p for p in ("ds", run_id, step_id, kind) if p]
    raw = "-".join(parts).lower()
    name = _DNS_BAD.sub("-", raw).strip("-")
    name = re.sub(r"-{2,}", "-", name)
    if len(name) > 63:
        digest = hashlib.sha256(raw.encode()).hexdigest()[:8]
        name = name[:54].rstrip("-") + "-" + digest
    return name


@dataclass(frozen=True)
class VeleroCluster:
    """Where a velero command is pointed: kubeconfig + context + the velero namespace."""

    label: str  # "source" / "target", for messages
    kubeconfig: str | None = None
    context: str | None = None
    namespace: str = "velero"

    def flags(self) -> list[str]:
        out: list[str] = []
        if self.kubeconfig:
            out += ["--kubeconfig", self.kubeconfig]
        if self.context:
            out += ["--kubecontext", self.context]
        out += ["--namespace", self.namespace]
        return out


@dataclass(frozen=True)
class VeleroVersion:
    client: str
    server: str | None
    warning: str = ""

    @property
    def server_minor(self) -> tuple[int, int] | None:
        return _minor(self.server)


def _minor(v: str | None) -> tuple[int, int] | None:
    m = re.match(r"v?(\d+)\.(\d+)", v or "")
    return (int(m.group(1)), int(m.group(2))) if m else None


@dataclass(frozen=True)
class BackupLocation:
    name: str
    provider: str
    bucket: str
    prefix: str
    access_mode: str
    default: bool
    phase: str

    @property
    def where(self) -> str:
        return f"{self.provider}:{self.bucket}/{self.prefix}".rstrip("/")


@dataclass
class BackupRequest:
    name: str
    include_namespaces: Sequence[str] = ()
    exclude_namespaces: Sequence[str] = ()
    selector: Mapping[str, str] | None = None  # matchLabels
    # "fs": --default-volumes-to-fs-backup (portable across clouds), "snapshot": --snapshot-volumes,
    # "none": --snapshot-volumes=false (manifests only)
    volumes: str = "fs"
    storage_location: str | None = None
    ttl: str | None = None
    include_cluster_resources: bool | None = None
    labels: Mapping[str, str] = field(default_factory=dict)

    def argv(self) -> list[str]:
        a = ["backup", "create", self.name]
        if self.include_namespaces:
            a += ["--include-namespaces", ",".join(self.include_namespaces)]
        if self.exclude_namespaces:
            a += ["--exclude-namespaces", ",".join(self.exclude_namespaces)]
        if self.selector:
            a += ["--selector", ",".join(f"{k}={v}" for k, v in sorted(self.selector.items()))]
        if self.volumes == "fs":
            a += ["--default-volumes-to-fs-backup"]
        elif self.volumes == "snapshot":
            a += ["--snapshot-volumes"]
        elif self.volumes == "none":
            a += ["--snapshot-volumes=false"]
        else:
            raise InputError(f"unknown volume mode {self.volumes!r} (fs, snapshot or none)", field="volumes")
        if self.include_cluster_resources is not None:
            a += [f"--include-cluster-resources={str(self.include_cluster_resources).lower()}"]
        if self.storage_location:
            a += ["--storage-location", self.storage_location]
        if self.ttl:
            a += ["--ttl", self.ttl]
        if self.labels:
            a += ["--labels", ",".join(f"{k}={v}" for k, v in sorted(self.labels.items()))]
        return a + ["--wait"]


@dataclass
class RestoreRequest:
    name: str
    backup: str
    namespace_mappings: Mapping[str, str] = field(default_factory=dict)
    include_namespaces: Sequence[str] = ()
    existing_resource_policy: str = "none"  # none | update
    resource_modifier_configmap: str | None = None
    restore_volumes: bool | None = None
    labels: Mapping[str, str] = field(default_factory=dict)

    def argv(self) -> list[str]:
        if self.existing_resource_policy not in ("none", "update"):
            raise InputError(
                f"existing resource policy must be none or update, not {self.existing_resource_policy!r}",
                field="existing_resource_policy",
            )
        a = ["restore", "create", self.name, "--from-backup", self.backup]
        if self.include_namespaces:
            a += ["--include-namespaces", ",".join(self.include_namespaces)]
        if self.namespace_mappings:
            a += ["--namespace-mappings", ",".join(f"{k}:{v}" for k, v in sorted(self.namespace_mappings.items()))]
        a += ["--existing-resource-policy", self.existing_resource_policy]
        if self.resource_modifier_configmap:
            a += ["--resource-modifier-configmap", self.resource_modifier_configmap]
        if self.restore_volumes is not None:
            a += [f"--restore-volumes={str(self.restore_volumes).lower()}"]
        if self.labels:
            a += ["--labels", ",".join(f"{k}={v}" for k, v in sorted(self.labels.items()))]
        return a + ["--wait"]


@dataclass
class Outcome:
    """What a Backup/Restore ended as, read from its JSON status."""

    kind: str  # Backup | Restore
    name: str
    phase: str
    errors: int = 0
    warnings: int = 0
    failure_reason: str = ""
    validation_errors: list[str] = field(default_factory=list)
    items_done: int | None = None
    items_total: int | None = None
    messages: list[str] = field(default_factory=list)  # error/warning lines from describe --details
    adopted: bool = False  # found from an earlier attempt rather than created now

    @property
    def ok(self) -> bool:
        return self.phase == TERMINAL_OK

    def summary(self) -> str:
        bits = [f"{self.kind} {self.name}: phase {self.phase or '<none>'}"]
        if self.items_total is not None:
            bits.append(f"{self.items_done or 0}/{self.items_total} items")
        bits.append(f"{self.errors} errors, {self.warnings} warnings")
        if self.failure_reason:
            bits.append(f"failure reason: {self.failure_reason}")
        if self.validation_errors:
            bits.append("validation: " + "; ".join(self.validation_errors))
        return ", ".join(bits)

    @classmethod
    def from_object(cls, obj: dict, *, adopted: bool = False) -> "Outcome":
        status = obj.get("status") or {}
        progress = status.get("progress") or {}
        kind = obj.get("kind", "")
        done_key = "itemsBackedUp" if kind == "Backup" else "itemsRestored"
        return cls(
            kind=kind,
            name=(obj.get("metadata") or {}).get("name", ""),
            phase=status.get("phase") or "",
            errors=int(status.get("errors") or 0),
            warnings=int(status.get("warnings") or 0),
            failure_reason=status.get("failureReason") or "",
            validation_errors=list(status.get("validationErrors") or []),
            items_done=progress.get(done_key),
            items_total=progress.get("totalItems"),
            adopted=adopted,
        )


class Velero:
    """The velero CLI, one instance per binary. Every method takes the cluster to talk to."""

    def __init__(
        self,
        runner: Runner | None = None,
        binary: str = "velero",
        *,
        timeout: float = 4 * 3600,
        poll_interval: float = 5.0,
        poll_timeout: float = 4 * 3600,
        sleep: Callable[[float], None] = time.sleep,
    ):
        self.runner = runner or SubprocessRunner()
        self.binary = binary
        self.timeout = timeout
        self.poll_interval = poll_interval
        self.poll_timeout = poll_timeout
        self.sleep = sleep

    # -- plumbing ---------------------------------------------------------------------------
    def argv(self, cluster: VeleroCluster, args: Sequence[str]) -> list[str]:
        return [self.binary, *args, *cluster.flags()]

    def shown(self, cluster: VeleroCluster, args: Sequence[str]) -> list[str]:
        """The argv as a dry run shows it (credentials redacted)."""
        return redact_argv(self.argv(cluster, args))

    def _run(self, cluster: VeleroCluster, args: Sequence[str], *, timeout: float | None = 120) -> Completed:
        argv = self.argv(cluster, args)
        return self.runner(argv, timeout=timeout)

    def _json(self, cluster: VeleroCluster, args: Sequence[str]) -> dict | None:
        """`velero ... -o json`; None when the object does not exist."""
        done = self._run(cluster, [*args, "-o", "json"])
        if done.returncode != 0:
            if "not found" in done.stderr:
                return None
            raise _failed(f"'{' '.join(args[:2])}' failed on the {cluster.label} cluster", done)
        try:
            return json.loads(done.stdout)
        except json.JSONDecodeError:
            raise ToolError(
                f"'{' '.join(args[:2])} -o json' did not print JSON on the {cluster.label} cluster",
                tool="velero",
                argv=redact_argv(done.argv),
            ) from None

    # -- checks -----------------------------------------------------------------------------
    def version(self, cluster: VeleroCluster) -> VeleroVersion:
        done = self._run(cluster, ["version", "--timeout", "15s"])
        if done.returncode != 0:
            raise _failed(f"'velero version' failed on the {cluster.label} cluster", done)
        client = server = None
        section = None
        warning = ""
        for line in done.stdout.splitlines():
            s = line.strip()
            if s in ("Client:", "Server:"):
                section = s[:-1]
            elif s.startswith("Version:"):
                v = s.split(":", 1)[1].strip()
                if section == "Client":
                    client = v
                elif section == "Server":
                    server = v
            elif s.startswith("# WARNING"):
                warning = s.lstrip("# ").strip()
            elif s.startswith("<error getting server version"):
                warning = s.strip("<>")
        return VeleroVersion(client=client or "", server=server, warning=warning)

    def locations(self, cluster: VeleroCluster) -> list[BackupLocation]:
        obj = self._json(cluster, ["backup-location", "get"])
        if obj is None:
            return []
        items = obj.get("items", []) if obj.get("kind", "").endswith("List") else [obj]
        out = []
        for it in items:
            spec = it.get("spec") or {}
            osto = spec.get("objectStorage") or {}
            out.append(
                BackupLocation(
                    name=(it.get("metadata") or {}).get("name", ""),
                    provider=spec.get("provider", ""),
                    bucket=osto.get("bucket", ""),
                    prefix=(osto.get("prefix") or "").strip("/"),
                    access_mode=spec.get("accessMode") or "ReadWrite",
                    default=bool(spec.get("default")),
                    phase=(it.get("status") or {}).get("phase", ""),
                )
            )
        return out

    def preflight(self, source: VeleroCluster, target: VeleroCluster) -> tuple[BackupLocation, BackupLocation, list[str]]:
        """Both servers answer, the target's Velero is not older than the source's, and the two
        clusters share a backup storage location (same provider, bucket and prefix).

        Returns (source location, target location, warnings). Raises GateFailed with the reason.
        """
        notes: list[str] = []
        versions = {}
        for c in (source, target):
            v = self.version(c)
            if not v.server:
                raise GateFailed(
                    f"velero server not reachable on the {c.label} cluster ({v.warning or 'no Server version reported'}); "
                    "install Velero there or use --engine native"
                )
            if v.warning:
                notes.append(f"{c.label}: {v.warning} (client {v.client}, server {v.server})")
            versions[c.label] = v
        sm, tm = versions[source.label].server_minor, versions[target.label].server_minor
        if sm and tm and tm < sm:
            raise GateFailed(
                f"velero on the target ({versions[target.label].server}) is older than on the source "
                f"({versions[source.label].server}); it may not read the source's backups — upgrade the target's Velero"
            )
        src_locs = self.locations(source)
        tgt_locs = self.locations(target)
        if not src_locs:
            raise GateFailed(f"no backup storage location on the {source.label} cluster ('velero backup-location get' is empty)")
        if not tgt_locs:
            raise GateFailed(f"no backup storage location on the {target.label} cluster ('velero backup-location get' is empty)")
        # Prefer the source's default location, then any the target shares.
        for s in sorted(src_locs, key=lambda l: not l.default):
            for t in sorted(tgt_locs, key=lambda l: not l.default):
                if (s.provider, s.bucket, s.prefix) == (t.provider, t.bucket, t.prefix):
                    for loc, c in ((s, source), (t, target)):
                        if loc.phase and loc.phase != "Available":
                            raise GateFailed(f"backup storage location {loc.name} on the {c.label} cluster is {loc.phase}")
                    if t.access_mode != "ReadOnly":
                        notes.append(
                            f"target location {t.name} is {t.access_mode}; Velero's migration guide recommends ReadOnly "
                            "so the restore side cannot delete the source's backups"
                        )
                    return s, t, notes
        raise GateFailed(
            "the clusters share no backup storage location: source has "
            + ", ".join(f"{l.name}={l.where}" for l in src_locs)
            + "; target has "
            + ", ".join(f"{l.name}={l.where}" for l in tgt_locs)
            + " (both must point at the same bucket and prefix)"
        )

    # -- backup / restore -------------------------------------------------------------------
    def get(self, cluster: VeleroCluster, noun: str, name: str) -> dict | None:
        return self._json(cluster, [noun, "get", name])

    def describe_messages(self, cluster: VeleroCluster, noun: str, name: str) -> list[str]:
        """Error and warning lines from `describe --details` (the JSON only has counts)."""
        done = self._run(cluster, [noun, "describe", name, "--details"])
        if done.returncode != 0:
            return []
        out: list[str] = []
        section = None
        for line in done.stdout.splitlines():
            head = line.strip()
            if head in ("Errors:", "Warnings:"):
                section = head[:-1]
                continue
            if section is None:
                continue
            if not line.startswith((" ", "\t")):
                section = None
                continue
            key, sep, msg = head.partition(":")
            if sep and key in ("Velero", "Cluster", "Namespaces"):
                where = key.lower()
            elif sep and msg.strip() and " " not in key:
                where = f"namespace {key}"
            else:
                where, msg = "", head
            msg = msg.strip()
            if msg and msg != "<none>":
                out.append(f"{section.lower()[:-1]} ({where}): {msg}" if where else f"{section.lower()[:-1]}: {msg}")
        return out

    def wait(self, cluster: VeleroCluster, noun: str, name: str, *, adopted: bool = False) -> Outcome:
        deadline = time.monotonic() + self.poll_timeout
        while True:
            obj = self.get(cluster, noun, name)
            if obj is None:
                raise ToolError(f"{noun} {name} vanished from the {cluster.label} cluster", tool="velero")
            out = Outcome.from_object(obj, adopted=adopted)
            if out.phase not in RUNNING_PHASES:
                if not out.ok:
                    out.messages = self.describe_messages(cluster, noun, name)
                return out
            if time.monotonic() > deadline:
                return out
            self.sleep(self.poll_interval)

    def _create(self, cluster: VeleroCluster, noun: str, name: str, args: list[str]) -> Outcome:
        existing = self.get(cluster, noun, name)
        if existing is not None:
            return self.wait(cluster, noun, name, adopted=True)
        done = self._run(cluster, args, timeout=self.timeout)
        if done.returncode != 0:
            # A crash between our get and create can leave the object behind: adopt it.
            if "already exists" in done.stderr:
                return self.wait(cluster, noun, name, adopted=True)
            raise _failed(f"'{noun} create {name}' was refused on the {cluster.label} cluster", done)
        return self.wait(cluster, noun, name)

    def backup(self, cluster: VeleroCluster, req: BackupRequest) -> Outcome:
        return self._create(cluster, "backup", req.name, req.argv())

    def restore(self, cluster: VeleroCluster, req: RestoreRequest, *, backup_wait: float = 0.0) -> Outcome:
        """Restore on the target. The backup reaches the target via BSL sync (default 1 min), so
        wait up to `backup_wait` seconds for it to appear before giving up."""
        deadline = time.monotonic() + backup_wait
        while self.get(cluster, "backup", req.backup) is None:
            if time.monotonic() >= deadline:
                raise GateFailed(
                    f"backup {req.backup} is not visible on the {cluster.label} cluster; "
                    "is its backup storage location syncing the same bucket/prefix?"
                )
            self.sleep(self.poll_interval)
        return self._create(cluster, "restore", req.name, req.argv())


def require_completed(out: Outcome) -> Outcome:
    """Completed passes; any other phase stops the playbook, listing errors and warnings."""
    if out.ok:
        return out
    detail = "; ".join(out.messages[:10])
    more = f" (+{len(out.messages) - 10} more)" if len(out.messages) > 10 else ""
    raise GateFailed(out.summary() + (f" — {detail}{more}" if detail else ""))


__all__.append("require_completed")


def _failed(message: str, done: Completed) -> ToolError:
    """A velero command that exited non-zero: its argv (credentials redacted), rc and stderr tail."""
    return ToolError(message, tool="velero", argv=redact_argv(done.argv), rc=done.returncode, stderr_tail=done.stderr)
