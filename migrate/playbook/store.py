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
