"""Show run progress on stderr: a live rich status line on a TTY, plain lines (only on change) otherwise."""

from __future__ import annotations

import sys
from typing import TextIO

from conformance.sonobuoy import Progress

__all__ = ["ProgressView"]


class ProgressView:
    def __init__(self, stream: TextIO | None = None, tty: bool | None = None):
        self.stream = stream or sys.stderr
        self.tty = self.stream.isatty() if tty is None else tty
        self._last = ""
        self._status = None

    def __enter__(self) -> "ProgressView":
        if self.tty:
            from rich.console import Console

            self._status = Console(file=self.stream).status("starting sonobuoy…")
            self._status.__enter__()
        return self

    def __exit__(self, *exc) -> None:
        if self._status is not None:
            self._status.__exit__(*exc)
            self._status = None

    def __call__(self, p: Progress) -> None:
        line = p.line()
        if self._status is not None:
            self._status.update(line)
            return
        # CI logs: one line per change of state/counts, not one per poll (elapsed always changes)
        key = (p.run_status, p.completed, p.total, len(p.failures))
        if key != self._last:
            self._last = key
            self.stream.write(line + "\n")
            self.stream.flush()

    def warn(self, msg: str) -> None:
        self.stream.write(f"warning: {msg}\n")
        self.stream.flush()
