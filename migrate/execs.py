"""The subprocess seam: every external CLI runs through here, as an argument list, never a shell."""

from __future__ import annotations

import os
import shutil
import subprocess
from dataclasses import dataclass, field
from typing import Mapping, Protocol, Sequence

from migrate.errors import ToolError

__all__ = ["Completed", "Runner", "SubprocessRunner", "find_tool", "redact_argv"]

SECRET_FLAGS = ("--token", "--password", "--client-key", "--secret", "--credentials-file")


@dataclass(frozen=True)
class Completed:
    argv: list[str]
    returncode: int
    stdout: str
    stderr: str = ""


class Runner(Protocol):
    def __call__(
        self,
        argv: Sequence[str],
        *,
        timeout: float | None = None,
        env: Mapping[str, str] | None = None,
        input: str | None = None,
    ) -> Completed: ...


def redact_argv(argv: Sequence[str]) -> list[str]:
    """Hide values of credential flags so an argv can be logged or shown in a dry run."""
    out: list[str] = []
    hide_next = False
    for a in argv:
        if hide_next:
            out.append("<redacted>")
            hide_next = False
            continue
        flag, eq, _ = a.partition("=")
        if flag in SECRET_FLAGS:
            if eq:
                out.append(f"{flag}=<redacted>")
            else:
                out.append(a)
                hide_next = True
            continue
        out.append(a)
    return out


@dataclass
class SubprocessRunner:
    """Runs a real executable. Raises ToolError only when it cannot run at all."""

    extra_env: dict[str, str] = field(default_factory=dict)

    def __call__(self, argv, *, timeout=None, env=None, input=None) -> Completed:
        argv = [str(a) for a in argv]
        full_env = {**os.environ, **self.extra_env, **(env or {})}
        try:
            p = subprocess.run(  # noqa: S603 - argv list, never a shell
                argv,
                capture_output=True,
                text=True,
                timeout=timeout,
                env=full_env,
                input=input,
                check=False,
            )
        except FileNotFoundError as e:
            raise ToolError("executable not found", tool=argv[0], argv=redact_argv(argv)) from e
        except subprocess.TimeoutExpired as e:
            raise ToolError(f"timed out after {timeout}s", tool=argv[0], argv=redact_argv(argv)) from e
        return Completed(argv=argv, returncode=p.returncode, stdout=p.stdout, stderr=p.stderr)


def find_tool(name: str, explicit: str | None = None) -> str:
    """Locate an executable: an explicit path wins, then PATH. One-line error otherwise."""
    if explicit:
        if os.path.isfile(explicit) and os.access(explicit, os.X_OK):
            return explicit
        raise ToolError(f"{explicit} is not an executable file", tool=name)
    found = shutil.which(name)
    if not found:
        raise ToolError(f"'{name}' not found on PATH (install it or pass --{name} PATH)", tool=name)
    return found
