"""Replacing a file the user edits by hand, without ever leaving half of it behind.

A command reads the file once (`read_snapshot`), works on the text in memory and hands the
result to `replace_file`. The new bytes go to a temporary file in the same folder, are
flushed to disk, and only then renamed over the original: a crash or Ctrl-C at any moment
leaves either the old file or the new one, never a truncated mix. Just before the rename
the original is compared with the snapshot, so an edit saved in the meantime (an editor,
another `neuroverse add`) is never overwritten.

Commands that rewrite a file hold its lock (`locked`) from the moment they read it until the
new bytes are on disk: two `neuroverse add` started together then run one after the other,
and neither's entry is lost. The lock is advisory, an empty file beside the target
(`.catalogue.yml.lock`, there only while a command holds it) that only neuroverse commands
look at; an editor's save is still caught by the comparison with the snapshot.
"""

from __future__ import annotations

import errno
import hashlib
import os
import stat
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

try:
    import fcntl
except ImportError:  # Windows: an exclusively created lock file instead, see _ExclusiveFile
    fcntl = None  # type: ignore[assignment]

# A command waits this long in silence for another to finish with the file, then says it is
# waiting, and gives up after LOCK_TIMEOUT seconds (another command that takes this long
# is stuck, or waiting at a prompt).
LOCK_NOTICE_AFTER = 1.0
LOCK_TIMEOUT = 60.0
# Without fcntl, a lock file older than this whose process is gone was left by a crash.
STALE_LOCK_SECONDS = 600.0
_POLL = 0.02

_ANY_WRITE = stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH


class FileChangedError(Exception):
    """The file on disk is no longer the one that was read."""


class LockTimeout(Exception):
    """Another command held the file's lock for longer than the timeout."""


def lock_path(target: Path) -> Path:
    """The lock file of `target`: hidden, beside it, e.g. `.catalogue.yml.lock`."""
    return target.parent / f".{target.name}.lock"


def _say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


@contextmanager
def locked(target: Path, *, timeout: float | None = None,
           notice_after: float | None = None,
           notice: Callable[[str], None] = _say) -> Iterator[None]:
    """Hold `target`'s lock for the block: wait for another neuroverse command that holds
    it (saying so after `notice_after` seconds), raise LockTimeout after `timeout`. The
    lock is released when the block ends, however it ends, and by the system when the
    process dies (fcntl), so a crash never leaves the file locked."""
    timeout = LOCK_TIMEOUT if timeout is None else timeout
    notice_after = LOCK_NOTICE_AFTER if notice_after is None else notice_after
    path = lock_path(target)
    holder = _FlockFile(path) if fcntl is not None else _ExclusiveFile(path)
    started = time.monotonic()
    told = False
    while not holder.try_acquire():
        waited = time.monotonic() - started
        if waited >= timeout:
            raise LockTimeout(
                f"{target.name} is still in use by another neuroverse command after "
                f"{timeout:g} s; if none is running, delete {path}")
        if not told and waited >= notice_after:
            notice(f"waiting for another neuroverse command to finish with {target.name} "
                   f"(lock: {path.name})...")
            told = True
        time.sleep(_POLL)
    try:
        yield
    finally:
        holder.release()


class _FlockFile:
    """An fcntl lock on a lock file that exists only while it is held. The holder deletes
    it before unlocking; a waiter that then gets the lock on the deleted file sees that the
    path no longer leads to the file it locked, and starts again on the new one."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.handle: int | None = None

    def try_acquire(self) -> bool:
        if self.handle is None:
            self.handle = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(self.handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        try:
            current = os.stat(self.path)
        except FileNotFoundError:
            current = None
        locked_file = os.fstat(self.handle)
        if current is None or (current.st_dev, current.st_ino) != (locked_file.st_dev,
                                                                   locked_file.st_ino):
            os.close(self.handle)  # the previous holder deleted it: lock the new one
            self.handle = None
            return False
        return True

    def release(self) -> None:
        if self.handle is not None:
            self.path.unlink(missing_ok=True)
            fcntl.flock(self.handle, fcntl.LOCK_UN)
            os.close(self.handle)
            self.handle = None


class _ExclusiveFile:
    """Where fcntl is missing: the lock is the existence of the file, created exclusively
    and holding the owner's process id; one left by a process that no longer runs, or
    older than STALE_LOCK_SECONDS, is taken over."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def try_acquire(self) -> bool:
        try:
            handle = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
        except FileExistsError:
            if self._stale():
                self.path.unlink(missing_ok=True)
            return False
        with os.fdopen(handle, "w") as stream:
            stream.write(str(os.getpid()))
        return True

    def _stale(self) -> bool:
        try:
            age = time.time() - self.path.stat().st_mtime
            owner = int(self.path.read_text() or "0")
        except (OSError, ValueError):
            return False  # being written or just removed: look again on the next poll
        return age > STALE_LOCK_SECONDS or (owner > 0 and not _running(owner))

    def release(self) -> None:
        self.path.unlink(missing_ok=True)


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # someone else's process: it runs
    return True


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
    _sync_folder(target.parent)


def _sync_folder(folder: Path) -> None:
    """Flush the folder's entry for the renamed file, so "added" is said of a file that is
    on disk even after a power cut. Not possible (nor needed) on every system."""
    try:
        handle = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(handle)
    except OSError:
        pass
    finally:
        os.close(handle)
