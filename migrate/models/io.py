"""Atomic read/write of JSON artifacts, with a schema-version check."""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from pathlib import Path
from typing import IO, Any, Iterator, TypeVar

from pydantic import BaseModel, ValidationError

from migrate.errors import InputError

__all__ = ["atomic_open", "write_atomic", "write_artifact", "read_artifact", "SUPPORTED_MAJOR"]

SUPPORTED_MAJOR = "1"
M = TypeVar("M", bound=BaseModel)


@contextlib.contextmanager
def atomic_open(path: str | os.PathLike, mode: str = "wb") -> Iterator[IO[Any]]:
    """Write through a temp file in the same directory, then fsync and rename: a crash (or an
    exception in the block) never leaves half a file at `path`."""
    p = Path(path)
    p.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{p.name}.", dir=p.parent)
    try:
        with os.fdopen(fd, mode, **({} if "b" in mode else {"encoding": "utf-8", "newline": ""})) as f:
            yield f
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, p)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise


def write_atomic(path: str | os.PathLike, data: str | bytes) -> Path:
    """The whole of `data` at `path`, atomically (see atomic_open)."""
    with atomic_open(path) as f:
        f.write(data.encode() if isinstance(data, str) else data)
    return Path(path)


def write_artifact(path: str | os.PathLike, model: BaseModel) -> Path:
    return write_atomic(path, model.model_dump_json(indent=1, exclude_none=False) + "\n")


def read_artifact(path: str | os.PathLike, cls: type[M]) -> M:
    p = Path(path)
    try:
        raw = json.loads(p.read_text())
    except FileNotFoundError:
        raise InputError("file not found", path=str(p)) from None
    except (json.JSONDecodeError, UnicodeDecodeError) as e:
        raise InputError(f"not valid JSON ({e})", path=str(p)) from None
    header = raw.get("header") if isinstance(raw, dict) else None
    if not isinstance(header, dict):
        raise InputError("missing artifact header; not a distroshift file", path=str(p), field="header")
    expected = getattr(cls, "ARTIFACT_KIND", None)
    if expected and header.get("kind") != expected:
        raise InputError(f"is a {header.get('kind')!r} artifact, expected {expected!r}", path=str(p), field="header.kind")
    major = str(header.get("schema_version", "")).split(".")[0]
    if major != SUPPORTED_MAJOR:
        raise InputError(
            f"schema_version {header.get('schema_version')!r} is not supported (this distroshift reads {SUPPORTED_MAJOR}.x)",
            path=str(p),
            field="header.schema_version",
        )
    try:
        return cls.model_validate(raw)
    except ValidationError as e:
        err = e.errors()[0]
        loc = ".".join(str(x) for x in err["loc"])
        raise InputError(err["msg"], path=str(p), field=loc) from None
