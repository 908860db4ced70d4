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

import fnmatch
import os
import re
import subprocess
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from urllib.parse import unquote

from .paths import VCS_FOLDERS

MAX_ENTRIES = 50_000
# Folder names that are tools' output or installed packages wherever they appear.
# Version-control folders without a leading dot (CVS, RCS...) too: the site never
# publishes what they hold (core.paths.publishable_inside), so nothing there is missing.
SKIPPED_DIR_NAMES = frozenset({"node_modules", "__pycache__", "venv", "env", "virtualenv",
                               "site-packages"}) | VCS_FOLDERS
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
                  ignore: Sequence[str] = (), limit: int = MAX_ENTRIES,
                  use_git: bool = True) -> ArchiveListing:
    """Every file of the archive at `root` that belongs to its owner, as root-relative
    POSIX paths in sorted order. `excluded` are further folders to leave out, relative to
    `root` or absolute (folders outside `root` are ignored); `ignore` are the catalogue's
    `ignore:` patterns (see `is_ignored`). Dot-files are left out too."""
    root = Path(root)
    skipped = _excluded_prefixes(root, excluded)
    patterns = tuple(p for p in ignore if p.strip())
    if use_git:
        listed = _git_files(root)
        if listed is not None:
            return _filter_listing(root, listed, skipped, patterns, limit)
    return _walk(root, skipped, patterns, limit)


def is_ignored(relative: str, patterns: Sequence[str]) -> bool:
    """Whether the root-relative path `relative` (a file or folder) is matched by one of
    the `ignore:` patterns, read as .gitignore reads them: a pattern with no `/` except a
    trailing one matches a file or folder name at any depth (`drafts/`, `*.tmp.pdf`); one
    with a `/` at its start or inside matches from the root (`/bench`, `notes/old-*.md`);
    a trailing `/` matches folders only (`relative` ends in `/` when it names a folder).
    Whatever is inside a matched folder is matched too."""
    parts = PurePosixPath(relative).parts
    for raw in patterns:
        pattern = raw.strip()
        folder_only = pattern.endswith("/")
        anchored = "/" in pattern.rstrip("/")
        pattern = pattern.strip("/")
        if not pattern:
            continue
        # Every ancestor folder of the path, then the path itself (a file or a folder).
        for end in range(1, len(parts) + 1):
            if folder_only and end == len(parts) and not _is_folder_hint(relative):
                continue
            candidate = "/".join(parts[:end]) if anchored else parts[end - 1]
            if fnmatch.fnmatchcase(candidate, pattern):
                return True
    return False


def _is_folder_hint(relative: str) -> bool:
    return relative.endswith("/")


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
                    patterns: tuple[str, ...], limit: int) -> ArchiveListing:
    # A virtual environment committed by mistake shows itself by its marker file.
    venvs = tuple(name.rpartition("/")[0] for name in listed
                  if name.rpartition("/")[2] == VENV_MARKER)
    kept: list[str] = []
    folders: dict[str, bool] = {"": True}  # folder -> whether its files may be listed
    base = str(root)
    truncated = False
    for count, name in enumerate(listed):
        if count >= limit:
            truncated = True
            break
        folder, _, file_name = name.rpartition("/")
        if file_name.startswith("."):
            continue
        allowed = folders.get(folder)
        if allowed is None:
            allowed = folders[folder] = _folder_allowed(root, folder, skipped, venvs, patterns)
        if not allowed or (patterns and is_ignored(name, patterns)):
            continue
        # Not deleted since it was committed, not a submodule, not a dead link.
        if os.path.isfile(os.path.join(base, name)):
            kept.append(name)
    kept.sort()
    return ArchiveListing(tuple(kept), truncated, from_git=True)


def _folder_allowed(root: Path, folder: str, skipped: tuple[str, ...],
                    venvs: tuple[str, ...], patterns: tuple[str, ...]) -> bool:
    """Whether files in `folder` (root-relative, non-empty) belong to the archive: no
    folder on the way is a tool's, excluded, ignored or a symlink (git records a symlinked
    folder as one link, so that only happens when the link was made after a commit)."""
    parts = folder.split("/")
    if any(_skipped_dir(part, depth) for depth, part in enumerate(parts)):
        return False
    if _under(folder, skipped) or _under(folder, venvs):
        return False
    if patterns and is_ignored(folder + "/", patterns):
        return False
    path = root
    for part in parts:
        path = path / part
        if path.is_symlink():
            return False
    return True


def _walk(root: Path, skipped: tuple[str, ...], patterns: tuple[str, ...],
          limit: int) -> ArchiveListing:
    found: list[str] = []
    for seen, relative in enumerate(_walk_entries(root, skipped, patterns), start=1):
        if seen > limit:
            return ArchiveListing(tuple(sorted(found)), truncated=True)
        if relative is not None:
            found.append(relative)
    return ArchiveListing(tuple(sorted(found)))


def _walk_entries(root: Path, skipped: tuple[str, ...],
                  patterns: tuple[str, ...]) -> Iterator[str | None]:
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
            and not (patterns and is_ignored((base / d).as_posix() + "/", patterns))
            and not (Path(folder) / d).is_symlink()
        )
        yield None
        for name in sorted(names):
            relative = (base / name).as_posix()
            if not name.startswith(".") and not (patterns and is_ignored(relative, patterns)):
                yield relative


def mkdocs_folders(config_file: Path) -> tuple[Path, ...]:
    """The docs_dir and site_dir an mkdocs.yml names (absolute), or () when there is no
    such file or it cannot be read. Read without MkDocs (core does not import it): only
    these two keys are looked at, and tags such as `!ENV` are read as empty values."""
    import yaml

    class _Tolerant(yaml.SafeLoader):
        pass

    def any_tag(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> None:
        return None

    # A SafeLoader that reads unknown tags (`!ENV`, `!!python/name:`) as nothing.
    _Tolerant.add_multi_constructor("", any_tag)
    try:
        data = yaml.load(config_file.read_text(encoding="utf-8"), Loader=_Tolerant)
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return ()
    if not isinstance(data, dict):
        return ()
    base = config_file.parent
    folders = []
    for key, default in (("docs_dir", "docs"), ("site_dir", "site")):
        value = data.get(key)
        folders.append(base / (value if isinstance(value, str) and value.strip() else default))
    return tuple(folders)


# ---------------------------------------------------------------------------------------
# Which Markdown files are notes

# Files every repository has that describe the repository, not a topic: never notes.
_REPOSITORY_FILES = frozenset({
    "readme", "changelog", "changes", "history", "news", "license", "licence", "copying",
    "contributing", "code_of_conduct", "code-of-conduct", "security", "authors",
    "contributors", "notice", "support", "citation", "maintainers", "governance",
    "funding", "pull_request_template", "issue_template", "todo",
})
# A Markdown file linking this many of the archive's notebooks, PDFs, notes or scripts
# is an index of the archive (a learning log, a table of contents), not a note.
INDEX_MIN_LINKS = 2
_INDEX_SUFFIXES = (".ipynb", ".pdf", ".md", ".markdown", ".py")
_READ_AT_MOST = 256 * 1024
_LINK_TARGET = re.compile(r"\]\(\s*<?([^)\s>]+)|^\s{0,3}\[[^\]]+\]:\s*<?(\S+?)>?\s*$"
                          r"|\bhref=[\"']([^\"']+)", re.MULTILINE)


def is_markdown(relative: str) -> bool:
    return PurePosixPath(relative).suffix.lower() in (".md", ".markdown")


def is_repository_file(relative: str) -> bool:
    """README.md, CHANGELOG, LICENSE.md and the like, in any case and any folder."""
    first = PurePosixPath(relative).name.split(".", 1)[0].lower()
    return first in _REPOSITORY_FILES


def is_note_candidate(root: Path, relative: str) -> bool:
    """Whether the Markdown file `relative` reads as a note that could be an article: not
    a repository file (README, LICENSE, ...) and not an index that links
    `INDEX_MIN_LINKS` or more of the archive's notebooks, PDFs, notes or scripts (such a
    file is what `neuroverse import` reads, like a README)."""
    if not is_markdown(relative) or is_repository_file(relative):
        return False
    try:
        with (root / relative).open("rb") as stream:
            text = stream.read(_READ_AT_MOST).decode("utf-8", "replace")
    except OSError:
        return True  # the check says what is wrong with it once it is in the catalogue
    linked: set[str] = set()
    for match in _LINK_TARGET.finditer(text):
        target = next(group for group in match.groups() if group)
        # A link into a repository page (github.com/.../blob/...) names a file too.
        elsewhere = "://" in target or target.startswith(("#", "mailto:"))
        if elsewhere and "/blob/" not in target and "/raw/" not in target:
            continue
        path = unquote(target.split("#", 1)[0].split("?", 1)[0])
        if path.lower().endswith(_INDEX_SUFFIXES):
            linked.add(path)
            if len(linked) >= INDEX_MIN_LINKS:
                return False
    return True
