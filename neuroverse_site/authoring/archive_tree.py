"""The files an archive holds, as `neuroverse import` sees them.

The walk itself (which folders never count: `.git`, dot-folders, `.ipynb_checkpoints`,
virtual environments, `node_modules`, `site/`, caches) is one call, `walk_archive`, so the
importer and the whole-archive checks agree on what "the archive's files" are. In a git
checkout the tracked files are the ground truth instead: an untracked scratch notebook is
not part of the archive the owner publishes.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

# Folders that hold tooling, never archive content, wherever they appear.
_SKIPPED_DIRS = frozenset({
    "node_modules", "site", "__pycache__", "venv", "virtualenv", "site-packages",
})
_GIT_TIMEOUT = 10


def walk_archive(root: Path) -> list[str]:
    """Every file under `root` that belongs to the archive, relative and POSIX, sorted.

    The one place the exclusions live for the importer; swap for the core walker when the
    checks grow one, so both agree."""
    found: list[str] = []
    for path in _walk(root, root):
        found.append(path.relative_to(root).as_posix())
    return sorted(found)


def _walk(root: Path, folder: Path) -> Iterable[Path]:
    try:
        children = sorted(folder.iterdir())
    except OSError:
        return
    for child in children:
        if child.is_symlink():
            continue  # a link may lead out of the archive; its target is not ours to publish
        if child.is_dir():
            if _skipped_folder(child):
                continue
            yield from _walk(root, child)
        elif child.is_file():
            yield child


def _skipped_folder(folder: Path) -> bool:
    name = folder.name
    if name.startswith(".") or name.lower() in _SKIPPED_DIRS:
        return True
    # A virtual environment by any name: it has the interpreter's marker file.
    return (folder / "pyvenv.cfg").is_file()


def _skipped_relative(relative: str) -> bool:
    parts = PurePosixPath(relative).parts[:-1]
    return any(p.startswith(".") or p.lower() in _SKIPPED_DIRS for p in parts)


def git_tracked_files(root: Path) -> list[str] | None:
    """The files git tracks under `root` (relative, sorted), or None when `root` is not the
    top of a git checkout or git is not installed."""
    git = shutil.which("git")
    if git is None or not (root / ".git").exists():
        return None
    try:
        listed = subprocess.run(
            [git, "-C", str(root), "ls-files", "-z", "--cached"], capture_output=True,
            timeout=_GIT_TIMEOUT, check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    if listed.returncode != 0:
        return None
    names = listed.stdout.decode("utf-8", "replace").split("\0")
    # Tracked but deleted in the working tree: the file is not there to publish.
    return sorted(n for n in names if n and not _skipped_relative(n) and (root / n).is_file())


def git_remote_url(root: Path) -> str | None:
    """The https address of the checkout's `origin` remote on a forge, or None."""
    git = shutil.which("git")
    if git is None or not (root / ".git").exists():
        return None
    try:
        remote = subprocess.run([git, "-C", str(root), "config", "--get", "remote.origin.url"],
                                capture_output=True, timeout=_GIT_TIMEOUT, check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    return https_repository_url(remote.stdout.decode("utf-8", "replace").strip())


_SSH_REMOTE = re.compile(r"^(?:ssh://)?git@([\w.-]+)[:/]([\w.-]+/[\w.-]+?)(?:\.git)?/?$")
_HTTPS_REMOTE = re.compile(r"^https?://(?:[^@/]+@)?([\w.-]+)/([\w.-]+/[\w.-]+?)(?:\.git)?/?$")


def https_repository_url(remote: str) -> str | None:
    """`git@github.com:me/repo.git` or `https://token@github.com/me/repo` ->
    `https://github.com/me/repo`; None for anything else (a local path, a file: URL)."""
    for pattern in (_SSH_REMOTE, _HTTPS_REMOTE):
        match = pattern.match(remote)
        if match:
            return f"https://{match.group(1)}/{match.group(2)}"
    return None


def archive_files(root: Path) -> list[str]:
    """The archive's files: git's tracked files in a checkout, else the walked folder."""
    tracked = git_tracked_files(root)
    return tracked if tracked is not None else walk_archive(root)


# ---------------------------------------------------------------------------------------


def _name_key(name: str) -> str:
    """A file name compared loosely: any case, a doubled extension (`x.pdf.pdf`) once."""
    lowered = name.lower()
    while True:
        stem, dot, suffix = lowered.rpartition(".")
        if not dot or not stem.endswith("." + suffix):
            return lowered
        lowered = stem


@dataclass
class FileIndex:
    """The archive's files, with what a "did you mean" needs: files by loose name."""

    files: list[str]
    by_name: dict[str, list[str]] = field(default_factory=dict)
    lowered: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for relative in self.files:
            self.by_name.setdefault(_name_key(PurePosixPath(relative).name), []).append(
                relative)
            self.lowered.setdefault(relative.lower(), relative)
        self.folders = {str(p) for f in self.files for p in PurePosixPath(f).parents
                        if str(p) != "."}

        self.known = set(self.files)

    def __contains__(self, relative: object) -> bool:
        return relative in self.known

    def similar(self, relative: str) -> list[str]:
        """Files elsewhere in the tree with the same name as `relative`, in any case."""
        same_case = self.lowered.get(relative.lower())
        if same_case is not None and same_case != relative:
            return [same_case]
        return [f for f in self.by_name.get(_name_key(PurePosixPath(relative).name), [])
                if f != relative]
