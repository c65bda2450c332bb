"""state.json: load, refuse a foreign one, save atomically."""

from __future__ import annotations

from pathlib import Path

from migrate.errors import InputError
from migrate.models.common import now_utc
from migrate.models.io import read_artifact, write_artifact
from migrate.models.state import RunState

__all__ = ["StateStore"]


class StateStore:
    """One state file. Every save is atomic (temp + fsync + rename): a crash leaves the old or the new."""

    def __init__(self, path: str | Path):
        self.path = Path(path)

    def check_usable(self) -> None:
        """Before any work: the state file (and the artifacts beside it) can be written here. One
        line naming the path as given, instead of a failure (and leftovers) half-way through a step."""
        import os
        import tempfile

        p = self.path
        if p.is_dir():
            raise InputError("is a directory; --state needs a file path", path=str(p), field="--state")
        parent = p.parent if str(p.parent) else Path(".")
        if not parent.is_dir():
            raise InputError(f"cannot write the state here: directory {str(parent)!r} does not exist",
                             path=str(p), field="--state")
        if p.exists() and not os.access(p, os.R_OK | os.W_OK):
            raise InputError("cannot read and write this state file (permissions)", path=str(p), field="--state")
        try:
            fd, probe = tempfile.mkstemp(prefix=f".{p.name}.", dir=parent)
        except OSError as e:
            raise InputError(f"cannot create files in {str(parent)!r} ({e.strerror or e})", path=str(p),
                             field="--state") from None
        os.close(fd)
        os.unlink(probe)

    def exists(self) -> bool:
        return self.path.exists()

    def load(self, *, playbook_digest: str | None = None) -> RunState:
        state = read_artifact(self.path, RunState)
        if playbook_digest and state.playbook_digest != playbook_digest:
            raise InputError(
                f"belongs to playbook {state.playbook_name!r} (run {state.run_id}) with different content; "
                "use the same playbook, or a new --state file",
                path=str(self.path),
                field="playbook_digest",
            )
        return state

    def save(self, state: RunState) -> None:
        state.updated_at = now_utc()
        write_artifact(self.path, state)
