"""Paths the catalogue names, looked up without ever raising.

A path in the catalogue is text the owner (or a contributor) typed: it can hold a NUL byte,
be thousands of characters long, or name a symbolic link that points at itself. The
operating system answers such paths with ValueError, OSError or (for `Path.resolve` on a
link loop) RuntimeError, each from a different call. Every lookup of a catalogue path goes
through this module, which turns all of them into one of two answers: the resolved path, or
a sentence saying what is wrong with it.
"""

from __future__ import annotations

import errno
import os
import re
import stat
from pathlib import Path, PurePosixPath

# Far longer than any sensible path inside an archive, and below every file system's limit
# (4,096 bytes on Linux, 1,024 on macOS): a longer path cannot name a file anyway.
MAX_PATH_CHARACTERS = 1000
# The longest file or folder name common file systems allow, in bytes of UTF-8.
MAX_NAME_BYTES = 255

_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def path_text_problem(relative: str) -> str | None:
    """Why `relative` cannot name a file on any system, judged from its text alone."""
    control = _CONTROL.search(relative)
    if control is not None:
        code = ord(control.group())
        name = "a NUL byte" if code == 0 else f"the control character U+{code:04X}"
        return f"contains {name} (at character {control.start() + 1}), which no file name can hold"
    if len(relative) > MAX_PATH_CHARACTERS:
        return (f"is {len(relative):,} characters long; paths longer than "
                f"{MAX_PATH_CHARACTERS:,} characters cannot name a file")
    for part in PurePosixPath(relative).parts:
        if len(part.encode("utf-8")) > MAX_NAME_BYTES:
            return (f"has a name of {len(part.encode('utf-8')):,} bytes; file systems allow "
                    f"at most {MAX_NAME_BYTES}")
    return None


def _is_outside_by_text(relative: str) -> bool:
    return (PurePosixPath(relative).is_absolute() or relative.startswith(("/", "\\", "~"))
            or re.match(r"^[A-Za-z]:", relative) is not None)


def safe_resolve(path: Path) -> Path | None:
    """`path` with every link followed, or None when that cannot be done (a link loop, a
    name the system refuses). Never raises."""
    try:
        return path.resolve()
    except (OSError, RuntimeError, ValueError):
        return None


def resolve_inside(root: Path, relative: str) -> Path | None:
    """The file `relative` names under `root`, or None when it would leave the archive
    (an absolute path, `..`, or a link that points outside) or cannot be looked up at all
    (see `path_text_problem`, `lookup_problem`)."""
    if _is_outside_by_text(relative) or path_text_problem(relative) is not None:
        return None
    candidate = safe_resolve(root / relative)
    base = safe_resolve(root)
    if candidate is None or base is None or not candidate.is_relative_to(base):
        return None
    return candidate


def lookup_problem(root: Path, relative: str) -> str | None:
    """Why `relative` (inside the archive by its text) cannot be looked up, or None when it
    can: a NUL byte, a name too long, a link loop, a folder the system will not enter."""
    problem = path_text_problem(relative)
    if problem is not None:
        return problem
    try:
        os.stat(root / relative)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return "is a loop of symbolic links (a link that leads back to itself)"
        if exc.errno == errno.ENAMETOOLONG:
            return "is longer than the file system allows"
        if exc.errno in (errno.ENOENT, errno.ENOTDIR):
            return None  # simply not there: `what_is_there` says so
        return f"cannot be looked up ({exc.strerror or exc})"
    if safe_resolve(root / relative) is None:
        return "cannot be resolved (a loop of symbolic links?)"
    return None


def what_is_there(path: Path) -> str:
    """What `path` is, when it is not a regular file: the words after the path in a message
    ("is a folder, not a file"). Never raises."""
    try:
        info = path.lstat()
    except FileNotFoundError:
        return "does not exist"
    except OSError as exc:
        return f"cannot be looked up ({exc.strerror or exc})"
    except ValueError:
        return "cannot name a file"
    if stat.S_ISLNK(info.st_mode):
        try:
            target = os.readlink(path)
        except OSError:
            target = "?"
        try:
            followed = path.stat()
        except FileNotFoundError:
            return f"is a symbolic link to '{target}', which does not exist"
        except OSError as exc:
            if exc.errno == errno.ELOOP:
                return "is a loop of symbolic links (a link that leads back to itself)"
            return f"is a symbolic link that cannot be followed ({exc.strerror or exc})"
        return f"is a symbolic link to {_kind(followed.st_mode)}, not a file"
    return f"is {_kind(info.st_mode)}, not a file"


def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    return "a regular file" if stat.S_ISREG(mode) else "a special file"


def is_regular_file(path: Path) -> bool:
    """Whether `path` (links followed) is a regular file; False for anything the system
    refuses to look up, never an exception. A FIFO is not a file: reading one would wait
    forever for a writer."""
    try:
        return stat.S_ISREG(path.stat().st_mode)
    except (OSError, ValueError):
        return False


# Version-control folders whose names do not start with a dot (CVS, RCS, SCCS, darcs).
VCS_FOLDERS = frozenset({"CVS", "RCS", "SCCS", "_darcs"})


def is_hidden_part(name: str) -> bool:
    """Whether a path component keeps its content off the site: a dot-file or dot-folder
    (.git, .env, .ipynb_checkpoints) or a version-control folder."""
    return (name.startswith(".") and name not in (".", "..")) or name in VCS_FOLDERS


def publishable_inside(root: Path, relative: str) -> Path | None:
    """The regular file `relative` names under `root` when the site may publish it, else
    None: it must stay inside the archive once every link is followed (`resolve_inside`),
    and neither the path as written nor the file a link leads to may pass through a hidden
    or version-control folder or be a dot-file. A link `img/x.png -> ../.git/x.png` is
    refused like `.git/x.png` is."""
    if any(is_hidden_part(part) for part in PurePosixPath(relative).parts):
        return None
    resolved = resolve_inside(root, relative)
    base = safe_resolve(root)
    if resolved is None or base is None or not is_regular_file(resolved):
        return None
    if any(is_hidden_part(part) for part in resolved.relative_to(base).parts):
        return None
    return resolved


def folder_in_checkout(root: Path) -> str | None:
    """Where `root` lies inside the git checkout that holds it ("" at the checkout's top,
    "courses/dl" deeper), from the nearest `.git` (a folder, or a file in a worktree or
    submodule) at or above it; None when no folder above it has one."""
    base = safe_resolve(root)
    if base is None:
        return None
    for folder in (base, *base.parents):
        try:
            if (folder / ".git").exists():
                inside = base.relative_to(folder).as_posix()
                return "" if inside == "." else inside
        except OSError:
            return None
    return None
