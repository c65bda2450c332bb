"""The exception tree and its exit codes.

DistroshiftError (exit_code)
├── InputError        2  bad flag, malformed file, bad kubeconfig, unknown context, unreachable cluster
├── ToolError         3  an external tool or the cluster could not be run/reached to do the work
├── GateFailed        1  conformance failures, plan blockers, a cutover step not Completed
└── Interrupted     130  Ctrl-C

Only the CLI turns these into one stderr line and an exit code; library code never calls sys.exit.
Per-object problems never raise: they become Findings.
"""

from __future__ import annotations

from typing import Sequence

__all__ = [
    "DistroshiftError",
    "InputError",
    "ToolError",
    "GateFailed",
    "Interrupted",
    "ApiError",
    "TemporaryError",
    "PermanentError",
]


class DistroshiftError(Exception):
    exit_code = 1

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:  # one line, always
        return " ".join(self.message.split("\n"))


class InputError(DistroshiftError):
    """The user gave us something we cannot use. `path`/`field` name where."""

    exit_code = 2

    def __init__(self, message: str, *, path: str | None = None, field: str | None = None):
        where = ": ".join(p for p in (path, field) if p)
        super().__init__(f"{where}: {message}" if where else message)
        self.path = path
        self.field = field


class ToolError(DistroshiftError):
    """An external CLI (sonobuoy, velero, helm) could not do its job."""

    exit_code = 3

    def __init__(
        self,
        message: str,
        *,
        tool: str = "",
        argv: Sequence[str] = (),
        rc: int | None = None,
        stderr_tail: str = "",
    ):
        detail = f" (rc={rc})" if rc is not None else ""
        tail = f": {stderr_tail.strip().splitlines()[-1]}" if stderr_tail.strip() else ""
        super().__init__(f"{tool + ': ' if tool else ''}{message}{detail}{tail}")
        self.tool = tool
        self.argv = list(argv)
        self.rc = rc
        self.stderr_tail = stderr_tail


class GateFailed(DistroshiftError):
    """The work ran, and the answer is no."""

    exit_code = 1


class Interrupted(DistroshiftError):
    exit_code = 130


class ApiError(DistroshiftError):
    """A Kubernetes API call failed; carries the server's Status body."""

    exit_code = 3

    def __init__(self, status: int, body: dict | None = None, *, method: str = "", path: str = ""):
        body = body or {}
        self.status = status
        self.body = body
        self.reason = body.get("reason", "") if isinstance(body, dict) else ""
        msg = body.get("message") if isinstance(body, dict) else None
        super().__init__(f"{method} {path}: HTTP {status} {self.reason}: {msg or ''}".strip())


class TemporaryError(DistroshiftError):
    """A playbook step may succeed if retried after `delay` seconds."""

    def __init__(self, message: str, delay: float = 5.0):
        super().__init__(message)
        self.delay = delay


class PermanentError(DistroshiftError):
    """A playbook step failed and retrying will not help."""
