"""Replacing a file the user edits by hand, without ever leaving half of it behind.

A command reads the file once (`read_snapshot`), works on the text in memory and hands the
result to `replace_file`. The new bytes go to a temporary file in the same folder, are
flushed to disk, and only then renamed over the original: a crash or Ctrl-C at any moment
leaves either the old file or the new one, never a truncated mix. Just before the rename
the original is compared with the snapshot, so an edit saved in the meantime (an editor,
another `neuroverse add`) is never overwritten.
"""

from __future__ import annotations

import errno
import hashlib
import os
import stat
import tempfile
from dataclasses import dataclass
from pathlib import Path

_ANY_WRITE = stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH


class FileChangedError(Exception):
    """The file on disk is no longer the one that was read."""


@dataclass(frozen=True)
class Snapshot:
    path: Path
    data: bytes
    digest: str
    size: int
    mtime_ns: int

    @property
    def text(self) -> str:
        return self.data.decode("utf-8-sig")


def read_snapshot(path: Path) -> Snapshot:
    """Read a file and remember exactly what was read. Raises OSError like `read_bytes`."""
    data = path.read_bytes()
    info = path.stat()
    return Snapshot(path, data, hashlib.sha256(data).hexdigest(), info.st_size, info.st_mtime_ns)


def changed_since(snapshot: Snapshot) -> bool:
    """Whether the file differs from the snapshot. The hash decides, so touching a file
    without changing it does not count, and a same-size edit in the same tick still does."""
    try:
        data = snapshot.path.read_bytes()
    except FileNotFoundError:
        return True
    return hashlib.sha256(data).hexdigest() != snapshot.digest


def write_temporary(folder: Path, name: str, data: bytes, mode: int | None) -> Path:
    """Write `data` to a new hidden file next to the target and flush it to disk."""
    handle, temporary = tempfile.mkstemp(dir=folder, prefix=f".{name}.", suffix=".tmp")
    path = Path(temporary)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        if mode is not None:
            path.chmod(mode)
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return path


def replace_file(snapshot: Snapshot | None, target: Path, data: bytes) -> None:
    """Atomically replace `target` with `data`.

    With a snapshot, refuse (FileChangedError) when the file changed since it was read.
    Without one, refuse when the target already exists: the caller meant to create it.
    """
    # Through a symbolic link to the file it names: renaming over the link itself would
    # turn it into a copy and leave the real file behind.
    target = target.resolve() if target.is_symlink() else target
    mode = stat.S_IMODE(target.stat().st_mode) if target.exists() else None
    if mode is not None and (not mode & _ANY_WRITE or not os.access(target, os.W_OK)):
        # The rename would succeed (it needs only the folder), silently defeating the mode;
        # a file nobody may write is left alone even by a user who could.
        raise PermissionError(errno.EACCES, "the file is read-only", str(target))
    temporary = write_temporary(target.parent, target.name, data, mode)
    try:
        if snapshot is None:
            if target.exists():
                raise FileChangedError(f"{target} appeared while it was being written")
        elif changed_since(snapshot):
            raise FileChangedError(f"{target} changed on disk since it was read")
        os.replace(temporary, target)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
