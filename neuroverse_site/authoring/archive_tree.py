"""The files an archive holds, as `neuroverse import` sees them: the listing the checks
use (core.archive_files), the repository it is a checkout of, and files by name for
"did you mean" hints."""

from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from ..core.archive_files import archive_files, mkdocs_folders
from ..core.paths import folder_in_checkout

_GIT_TIMEOUT = 10


def listed_files(root: Path, excluded: tuple[Path, ...] = ()) -> list[str]:
    """The archive's files as `neuroverse check` sees them (core.archive_files: git's
    listing in a checkout, else a walk, without tools' folders), so that what import puts
    in the catalogue is exactly what the check then looks for. An existing mkdocs.yml's
    docs_dir and site_dir are the site's, not the archive's."""
    folders = excluded or mkdocs_folders(root / "mkdocs.yml")
    return list(archive_files(root, excluded=folders).files)


def git_remote_url(root: Path) -> str | None:
    """The https address of the checkout's `origin` remote on a forge, or None. The
    archive may be a folder of the checkout, not its top."""
    git = shutil.which("git")
    if git is None or folder_in_checkout(root) is None:
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

    def same_but_case(self, relative: str) -> list[str]:
        """The files whose path is `relative` in another case (several when the tree holds
        names that differ only in case)."""
        wanted = relative.lower()
        return [f for f in self.files if f.lower() == wanted]

    def similar(self, relative: str) -> list[str]:
        """Files elsewhere in the tree with the same name as `relative`, in any case."""
        same_case = self.lowered.get(relative.lower())
        if same_case is not None and same_case != relative:
            return [same_case]
        return [f for f in self.by_name.get(_name_key(PurePosixPath(relative).name), [])
                if f != relative]
