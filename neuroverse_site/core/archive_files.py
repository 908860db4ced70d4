"""Which files make up an archive: the one listing `check` (orphans, "did you mean") and
`import` (files first) both read.

A git checkout is listed by git itself (tracked files plus new ones git does not ignore),
so a `.gitignore`d dataset or build folder never counts; any other folder is walked. Both
ways leave out what belongs to tools rather than to the owner: dot-folders (`.git`,
`.ipynb_checkpoints`, `.cache`, `.venv`), virtual environments, `node_modules`,
`__pycache__`, the built site and whatever folders the caller names (the MkDocs
`docs_dir`). Symlinked folders are never followed, and the listing stops after
`limit` entries so a stray dataset folder cannot make a check take minutes.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

MAX_ENTRIES = 50_000
# Folder names that are tools' output or installed packages wherever they appear.
SKIPPED_DIR_NAMES = frozenset({"node_modules", "__pycache__", "venv", "env", "virtualenv",
                               "site-packages"})
# Folders skipped only at the top of the archive: `site` is MkDocs' default site_dir, but a
# topic folder deeper down may well be called "site".
SKIPPED_TOP_DIRS = frozenset({"site"})
# A folder holding this file is a virtual environment, whatever it is called.
VENV_MARKER = "pyvenv.cfg"
_GIT_TIMEOUT_SECONDS = 20


@dataclass(frozen=True)
class ArchiveListing:
    files: tuple[str, ...]  # paths relative to the root, with `/`, sorted
    truncated: bool = False  # the listing stopped at `limit` entries
    from_git: bool = False  # listed by `git ls-files` rather than a walk


def archive_files(root: Path, *, excluded: Iterable[str | Path] = (),
                  limit: int = MAX_ENTRIES, use_git: bool = True) -> ArchiveListing:
    """Every file of the archive at `root` that belongs to its owner, as root-relative
    POSIX paths in sorted order. `excluded` are further folders to leave out, relative to
    `root` or absolute (folders outside `root` are ignored). Dot-files are left out too."""
    root = Path(root)
    skipped = _excluded_prefixes(root, excluded)
    if use_git:
        listed = _git_files(root)
        if listed is not None:
            return _filter_listing(root, listed, skipped, limit)
    return _walk(root, skipped, limit)


def _excluded_prefixes(root: Path, excluded: Iterable[str | Path]) -> tuple[str, ...]:
    prefixes: list[str] = []
    resolved_root = root.resolve()
    for folder in excluded:
        path = Path(folder)
        absolute = (path if path.is_absolute() else root / path).resolve()
        try:
            relative = absolute.relative_to(resolved_root).as_posix()
        except ValueError:
            continue
        if relative == ".":
            continue  # excluding the root would hide the whole archive; ignore it
        prefixes.append(relative)
    return tuple(prefixes)


def _skipped_dir(name: str, depth: int) -> bool:
    return (name.startswith(".") or name in SKIPPED_DIR_NAMES
            or (depth == 0 and name in SKIPPED_TOP_DIRS))


def _under(relative: str, prefixes: tuple[str, ...]) -> bool:
    return any(relative == p or relative.startswith(p + "/") for p in prefixes)


def _git_files(root: Path) -> list[str] | None:
    """Tracked and untracked-but-not-ignored files under `root` (relative to it), or None
    when `root` is not in a git work tree or git cannot be run."""
    if not (root / ".git").exists() and not _inside_work_tree(root):
        return None
    try:
        done = subprocess.run(
            ["git", "-c", "core.quotePath=false", "ls-files", "-z", "--cached", "--others",
             "--exclude-standard"],
            cwd=root, capture_output=True, timeout=_GIT_TIMEOUT_SECONDS, check=False,
            env={**os.environ, "GIT_OPTIONAL_LOCKS": "0"},
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    if done.returncode != 0:
        return None
    names = done.stdout.decode("utf-8", "surrogateescape").split("\0")
    # --cached lists a file staged for deletion too; unique, as a merge conflict lists
    # a path once per stage.
    return list(dict.fromkeys(n for n in names if n))


def _inside_work_tree(root: Path) -> bool:
    try:
        done = subprocess.run(["git", "rev-parse", "--is-inside-work-tree"], cwd=root,
                              capture_output=True, timeout=_GIT_TIMEOUT_SECONDS, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return False
    return done.returncode == 0 and done.stdout.strip() == b"true"


def _filter_listing(root: Path, listed: list[str], skipped: tuple[str, ...],
                    limit: int) -> ArchiveListing:
    # A virtual environment committed by mistake shows itself by its marker file.
    venvs = tuple(str(PurePosixPath(name).parent) for name in listed
                  if PurePosixPath(name).name == VENV_MARKER)
    kept: list[str] = []
    links: dict[Path, bool] = {}
    truncated = False
    for count, name in enumerate(listed):
        if count >= limit:
            truncated = True
            break
        parts = PurePosixPath(name).parts
        if any(_skipped_dir(part, depth) for depth, part in enumerate(parts[:-1])):
            continue
        if parts[-1].startswith(".") or _under(name, skipped) or _under(name, venvs):
            continue
        if _behind_symlink(root, parts, links):
            continue
        if (root / name).is_file():  # not deleted since, not a submodule or dead link
            kept.append(name)
    kept.sort()
    return ArchiveListing(tuple(kept), truncated, from_git=True)


def _behind_symlink(root: Path, parts: tuple[str, ...], known: dict[Path, bool]) -> bool:
    """Whether a folder on the way to the file is a symlink (git records a symlinked
    folder as one link, so this only happens when the link was made after a commit).
    `known` remembers each folder's answer across the listing."""
    folder = root
    for part in parts[:-1]:
        folder = folder / part
        if folder not in known:
            known[folder] = folder.is_symlink()
        if known[folder]:
            return True
    return False


def _walk(root: Path, skipped: tuple[str, ...], limit: int) -> ArchiveListing:
    found: list[str] = []
    for seen, relative in enumerate(_walk_entries(root, skipped), start=1):
        if seen > limit:
            return ArchiveListing(tuple(sorted(found)), truncated=True)
        if relative is not None:
            found.append(relative)
    return ArchiveListing(tuple(sorted(found)))


def _walk_entries(root: Path, skipped: tuple[str, ...]) -> Iterator[str | None]:
    """Each file as a relative path, and None for each folder entered (both count towards
    the limit). os.walk does not follow symlinked folders (followlinks=False)."""
    for folder, dirs, names in os.walk(root, onerror=None):
        base = Path(folder).relative_to(root)
        depth = len(base.parts)
        if VENV_MARKER in names and depth > 0:
            dirs[:] = []
            continue
        dirs[:] = sorted(
            d for d in dirs
            if not _skipped_dir(d, depth)
            and not _under((base / d).as_posix(), skipped)
            and not (Path(folder) / d).is_symlink()
        )
        yield None
        for name in sorted(names):
            if not name.startswith("."):
                yield (base / name).as_posix()
