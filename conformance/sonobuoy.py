"""Wrapper around the real `sonobuoy` CLI (never re-implemented): version, run, poll status, retrieve, delete.

Exit codes of sonobuoy are not trusted for results (`sonobuoy results` exits 0 on failures): we poll
`status --json`, retrieve the tarball and read it ourselves. `delete --wait` always runs once a run
was launched: on success, failure, our timeout and Ctrl-C (try/finally).
"""

from __future__ import annotations

import json
import re
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from migrate.errors import InputError, ToolError
from migrate.execs import Completed, Runner, SubprocessRunner, find_tool, redact_argv

__all__ = [
    "MODES",
    "RunOptions",
    "SonobuoyVersion",
    "Progress",
    "RunOutcome",
    "Sonobuoy",
    "parse_version",
    "parse_status",
    "run_and_retrieve",
]

MODES = ("quick", "non-disruptive-conformance", "certified-conformance")
DEFAULT_MODE = "non-disruptive-conformance"  # sonobuoy's own default: safe on a cluster that carries workloads
TERMINAL = ("complete", "failed")
MAX_STATUS_ERRORS = 6  # consecutive failed `status` calls tolerated (aggregator pod starting, API blips)

# per-call limits for the CLI itself (the run as a whole is bounded by RunOptions.timeout)
T_SHORT = 120.0
T_RUN = 600.0
T_RETRIEVE = 1800.0
T_DELETE = 3700.0  # `delete --wait` itself waits up to an hour


@dataclass
class RunOptions:
    mode: str = DEFAULT_MODE
    plugins: list[str] = field(default_factory=list)
    e2e_focus: str | None = None
    e2e_skip: str | None = None
    sonobuoy_image: str | None = None
    kube_conformance_image: str | None = None
    systemd_logs_image: str | None = None
    e2e_repo_config: str | None = None
    rerun_failed: str | None = None
    timeout: float = 3 * 3600.0
    poll_interval: float = 10.0

    def validate(self) -> None:
        if self.mode not in MODES:
            raise InputError(f"unknown mode {self.mode!r}; one of {', '.join(MODES)}", field="--mode")
        if self.rerun_failed and (self.e2e_focus or self.e2e_skip):
            raise InputError("--rerun-failed picks the tests itself; drop --e2e-focus/--e2e-skip", field="--rerun-failed")
        for flag, path in (("--e2e-repo-config", self.e2e_repo_config), ("--rerun-failed", self.rerun_failed)):
            if path and not Path(path).is_file():
                raise InputError("file not found", path=path, field=flag)
        if self.timeout <= 0:
            raise InputError("must be positive", field="--timeout")
        if self.poll_interval <= 0:
            raise InputError("must be positive", field="--poll-interval")

    def run_args(self) -> list[str]:
        args = ["run", "--mode", self.mode]
        for p in self.plugins:
            args += ["--plugin", p]
        pairs = (
            ("--e2e-focus", self.e2e_focus),
            ("--e2e-skip", self.e2e_skip),
            ("--sonobuoy-image", self.sonobuoy_image),
            ("--kube-conformance-image", self.kube_conformance_image),
            ("--systemd-logs-image", self.systemd_logs_image),
            ("--e2e-repo-config", self.e2e_repo_config),
            ("--rerun-failed", self.rerun_failed),
        )
        for flag, val in pairs:
            if val:
                args += [flag, val]
        return args


@dataclass(frozen=True)
class SonobuoyVersion:
    version: str
    api_version: str = ""
    git_sha: str = ""


def parse_version(text: str) -> SonobuoyVersion:
    """`sonobuoy version` prints 'Sonobuoy Version: v0.57.3', ..., 'API Version:  v1.31.6+1.el8'."""
    fields: dict[str, str] = {}
    for line in text.splitlines():
        k, sep, v = line.partition(":")
        if sep:
            fields[k.strip().lower()] = v.strip()
    ver = fields.get("sonobuoy version", "")
    if not ver:
        m = re.search(r"\bv?\d+\.\d+\.\d+\S*", text.strip())  # `version --short`
        ver = m.group(0) if m and len(text.strip().split()) == 1 else ""
    return SonobuoyVersion(version=ver, api_version=fields.get("api version", ""), git_sha=fields.get("gitsha", ""))


@dataclass
class Progress:
    """What the user sees while waiting."""

    run_status: str
    plugins: list[dict]
    completed: int | None = None
    total: int | None = None
    failures: list[str] = field(default_factory=list)
    elapsed: float = 0.0
    eta: float | None = None
    message: str = ""

    def line(self) -> str:
        parts = [f"sonobuoy {self.run_status}"]
        if self.total:
            parts.append(f"{self.completed or 0}/{self.total} tests")
        if self.failures:
            parts.append(f"{len(self.failures)} failed so far")
        parts.append(f"elapsed {_hms(self.elapsed)}")
        if self.eta is not None:
            parts.append(f"ETA {_hms(self.eta)}")
        return ", ".join(parts)


def _hms(seconds: float) -> str:
    s = int(max(seconds, 0))
    return f"{s // 3600}h{s % 3600 // 60:02d}m{s % 60:02d}s" if s >= 3600 else f"{s // 60}m{s % 60:02d}s"


def parse_status(text: str) -> dict:
    """`status --json`: {"plugins": [{plugin,node,status,result-status,result-counts,progress?}], "status": ...}."""
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as e:
        raise ValueError(f"status --json printed no JSON ({e})") from None
    if not isinstance(doc, dict) or not isinstance(doc.get("status"), str):
        raise ValueError("status --json has no top-level 'status'")
    if not isinstance(doc.get("plugins") or [], list):
        raise ValueError("status --json 'plugins' is not a list")
    return doc


@dataclass
class RunOutcome:
    run_status: str  # complete | failed | timed-out
    tarball: Path | None
    status: dict
    version: SonobuoyVersion
    message: str = ""
    deleted: bool = False


class Sonobuoy:
    """Argument building and parsing for one sonobuoy binary against one kubeconfig/context."""

    def __init__(
        self,
        binary: str | None = None,
        *,
        runner: Runner | None = None,
        kubeconfig: str | None = None,
        context: str | None = None,
    ):
        self.binary = find_tool("sonobuoy", binary)
        self.runner = runner or SubprocessRunner()
        self.kubeconfig = kubeconfig
        self.context = context

    def argv(self, *args: str) -> list[str]:
        argv = [self.binary, *args]
        if self.kubeconfig:
            argv += ["--kubeconfig", self.kubeconfig]
        if self.context:
            argv += ["--context", self.context]
        return argv

    def _call(self, *args: str, timeout: float) -> Completed:
        return self.runner(self.argv(*args), timeout=timeout)

    def _fail(self, what: str, c: Completed) -> ToolError:
        return ToolError(what, tool="sonobuoy", argv=redact_argv(c.argv), rc=c.returncode, stderr_tail=c.stderr or c.stdout)

    def version(self) -> SonobuoyVersion:
        c = self._call("version", timeout=T_SHORT)
        v = parse_version(c.stdout)
        if not v.version:
            raise self._fail("`sonobuoy version` did not report a version; is this really sonobuoy?", c)
        return v

    def run(self, opts: RunOptions) -> None:
        c = self._call(*opts.run_args(), timeout=T_RUN)
        if c.returncode != 0:
            raise self._fail("`sonobuoy run` failed", c)

    def status(self) -> dict:
        c = self._call("status", "--json", timeout=T_SHORT)
        if c.returncode != 0:
            raise self._fail("`sonobuoy status --json` failed", c)
        try:
            return parse_status(c.stdout)
        except ValueError as e:
            raise self._fail(str(e), c) from None

    def retrieve(self, dest: Path) -> Path:
        dest.mkdir(parents=True, exist_ok=True)
        before = set(dest.glob("*.tar.gz"))
        c = self._call("retrieve", str(dest), timeout=T_RETRIEVE)
        if c.returncode != 0:
            raise self._fail("`sonobuoy retrieve` failed", c)
        # it prints the tarball path it wrote (relative to the cwd or absolute)
        for line in reversed(c.stdout.strip().splitlines()):
            line = line.strip()
            if line.endswith(".tar.gz"):
                p = Path(line)
                for cand in (p, dest / p.name):
                    if cand.is_file():
                        return cand
        new = sorted(set(dest.glob("*.tar.gz")) - before)
        if len(new) == 1:
            return new[0]
        raise self._fail(f"`sonobuoy retrieve` printed no tarball path that exists under {dest}", c)

    def delete(self) -> None:
        c = self._call("delete", "--wait", timeout=T_DELETE)
        if c.returncode != 0:
            raise self._fail("`sonobuoy delete --wait` failed; clean up with `sonobuoy delete --wait`", c)


def _progress(doc: dict, started: float, now: float, first: list) -> Progress:
    plugins = [p for p in doc.get("plugins") or [] if isinstance(p, dict)]
    prog = next((p.get("progress") for p in plugins if p.get("plugin") == "e2e" and isinstance(p.get("progress"), dict)), None)
    pr = Progress(run_status=str(doc.get("status")), plugins=plugins, elapsed=now - started)
    if prog:
        pr.total = int(prog.get("total") or 0) or None
        pr.completed = int(prog.get("completed") or 0)
        pr.failures = [str(f) for f in prog.get("failures") or []]
        pr.message = str(prog.get("msg") or "")
        if not first:
            first.extend([now, pr.completed])
        t0, c0 = first
        done = pr.completed - c0
        if pr.total and done > 0 and now > t0:
            pr.eta = (pr.total - pr.completed) * (now - t0) / done
    return pr


def run_and_retrieve(
    sb: Sonobuoy,
    opts: RunOptions,
    dest: Path,
    *,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], None] = time.sleep,
    on_progress: Callable[[Progress], None] | None = None,
    on_warning: Callable[[str], None] | None = None,
) -> RunOutcome:
    """Launch, poll until complete/failed or timeout, retrieve, and always delete what we launched."""
    opts.validate()
    ver = sb.version()
    launched = False
    outcome: RunOutcome | None = None
    try:
        launched = True  # an interrupt inside `run` may leave resources behind: clean up
        try:
            sb.run(opts)
        except ToolError:
            launched = False  # e.g. a run already exists in the namespace: not ours to delete
            raise
        started = clock()
        deadline = started + opts.timeout
        errors = 0
        first: list = []
        doc: dict = {}
        while True:
            try:
                doc = sb.status()
                errors = 0
            except ToolError:
                errors += 1
                if errors >= MAX_STATUS_ERRORS:
                    raise
                doc = doc or {"status": "pending", "plugins": []}
            now = clock()
            if on_progress is not None:
                on_progress(_progress(doc, started, now, first))
            if doc.get("status") in TERMINAL:
                break
            if now >= deadline:
                outcome = RunOutcome(
                    run_status="timed-out",
                    tarball=None,
                    status=doc,
                    version=ver,
                    message=f"timed out after {_hms(opts.timeout)} with sonobuoy still {doc.get('status')!r}; the run was deleted",
                )
                return outcome
            sleep(min(opts.poll_interval, max(deadline - now, 0.0)) or opts.poll_interval)
        tarball = sb.retrieve(dest)
        outcome = RunOutcome(run_status=str(doc["status"]), tarball=tarball, status=doc, version=ver)
        return outcome
    finally:
        if launched:
            try:
                sb.delete()
                if outcome is not None:
                    outcome.deleted = True
            except ToolError as e:
                # never mask the real error; say what is left behind
                if on_warning is not None:
                    on_warning(str(e))
