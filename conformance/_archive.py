"""Safe access to a sonobuoy results tarball: every member is vetted before anything is read.

Rejected (the whole archive, with one line naming the member): absolute paths, `..` components,
symlinks/hardlinks pointing outside the archive, devices/fifos, a member over the per-file limit,
a total over the total limit, too many members. Links that stay inside are tolerated but never
followed or extracted (sonobuoy itself writes none).
"""

from __future__ import annotations

import posixpath
import tarfile
import zlib
from dataclasses import dataclass
from pathlib import Path

from migrate.errors import InputError

__all__ = ["Limits", "UnsafeArchive", "TarIndex", "safe_extract", "normalize"]


@dataclass(frozen=True)
class Limits:
    # Real runs with systemd-logs on big clusters reach hundreds of MB; these bound a hostile archive.
    max_file_bytes: int = 1 << 30  # 1 GiB per member
    max_total_bytes: int = 8 << 30  # 8 GiB in all
    max_members: int = 200_000


class UnsafeArchive(InputError):
    """The archive is unreadable or tries to escape / exhaust; raised before anything is written."""


def normalize(name: str) -> str:
    """'./plugins/e2e/x' -> 'plugins/e2e/x' (old sonobuoy tarballs prefix './')."""
    n = name.replace("\\", "/")
    while n.startswith("./"):
        n = n[2:]
    return n.rstrip("/")


def _escapes(name: str) -> bool:
    if name.startswith("/") or (len(name) > 1 and name[1] == ":"):
        return True
    return ".." in name.split("/")


class TarIndex:
    """Vetted table of contents of a tarball; read members by their normalized name."""

    def __init__(self, path: str | Path, limits: Limits = Limits()):
        self.path = str(path)
        self.limits = limits
        self.files: dict[str, tarfile.TarInfo] = {}
        self._vet()

    def _bad(self, msg: str) -> UnsafeArchive:
        return UnsafeArchive(msg, path=self.path)

    def _vet(self) -> None:
        total = 0
        count = 0
        try:
            with tarfile.open(self.path, "r:*") as tf:
                for m in tf:
                    count += 1
                    if count > self.limits.max_members:
                        raise self._bad(f"more than {self.limits.max_members} members; refusing")
                    raw = m.name
                    if _escapes(raw.replace("\\", "/")):
                        raise self._bad(f"member {raw!r} has an absolute or '..' path; refusing to read this archive")
                    name = normalize(raw)
                    if m.issym() or m.islnk():
                        target = m.linkname.replace("\\", "/")
                        # symlink targets are relative to the link's directory; hardlinks to the archive root
                        resolved = posixpath.normpath(posixpath.join(posixpath.dirname(name), target)) if m.issym() else normalize(target)
                        if target.startswith("/") or _escapes(resolved):
                            kind = "symlink" if m.issym() else "hardlink"
                            raise self._bad(f"member {raw!r} is a {kind} pointing outside the archive ({m.linkname!r}); refusing")
                        continue  # inside links are never followed
                    if m.isdir():
                        continue
                    if not m.isfile():
                        raise self._bad(f"member {raw!r} is a device, fifo or other special file; refusing")
                    if m.size > self.limits.max_file_bytes:
                        raise self._bad(f"member {raw!r} is {m.size} bytes, over the {self.limits.max_file_bytes}-byte per-file limit")
                    total += m.size
                    if total > self.limits.max_total_bytes:
                        raise self._bad(f"archive expands to over {self.limits.max_total_bytes} bytes; refusing")
                    self.files[name] = m
        except UnsafeArchive:
            raise
        except FileNotFoundError:
            raise InputError("file not found", path=self.path) from None
        except IsADirectoryError:
            raise InputError("is a directory, expected a tarball", path=self.path) from None
        except (tarfile.TarError, EOFError, zlib.error, OSError) as e:
            raise self._bad(f"not a readable tar.gz ({type(e).__name__}: {e})") from None
        if not self.files:
            raise self._bad("archive holds no files")

    def read(self, name: str) -> bytes | None:
        info = self.files.get(name)
        if info is None:
            return None
        try:
            with tarfile.open(self.path, "r:*") as tf:
                f = tf.extractfile(info)
                if f is None:
                    return None
                data = f.read(self.limits.max_file_bytes + 1)
        except (tarfile.TarError, EOFError, zlib.error, OSError) as e:
            raise self._bad(f"member {name!r} cannot be read ({type(e).__name__}: {e})") from None
        if len(data) > self.limits.max_file_bytes:
            raise self._bad(f"member {name!r} is larger than its header says")
        return data

    def read_many(self, names: list[str]) -> dict[str, bytes]:
        """One pass over the (gzip) stream for several members: much faster than one open per member."""
        wanted = {n: self.files[n] for n in names if n in self.files}
        out: dict[str, bytes] = {}
        if not wanted:
            return out
        by_offset = {info.offset: n for n, info in wanted.items()}
        try:
            with tarfile.open(self.path, "r:*") as tf:
                for m in tf:
                    n = by_offset.get(m.offset)
                    if n is None:
                        continue
                    f = tf.extractfile(m)
                    if f is not None:
                        data = f.read(self.limits.max_file_bytes + 1)
                        if len(data) > self.limits.max_file_bytes:
                            raise self._bad(f"member {n!r} is larger than its header says")
                        out[n] = data
                    if len(out) == len(wanted):
                        break
        except UnsafeArchive:
            raise
        except (tarfile.TarError, EOFError, zlib.error, OSError) as e:
            raise self._bad(f"archive cannot be read to the end ({type(e).__name__}: {e})") from None
        return out


def safe_extract(tarball: str | Path, dest: str | Path, limits: Limits = Limits()) -> list[str]:
    """Extract regular files and directories only, after vetting the whole archive. Returns the names."""
    index = TarIndex(tarball, limits)
    root = Path(dest).resolve()
    root.mkdir(parents=True, exist_ok=True)
    names = sorted(index.files)
    data = index.read_many(names)
    for name in names:
        target = (root / name).resolve()
        if root not in target.parents:  # belt and braces after the name checks
            raise UnsafeArchive(f"member {name!r} would land outside {root}", path=str(tarball))
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data.get(name, b""))
    return names
