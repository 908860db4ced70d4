"""A content-addressed disk cache for rendered notebooks and PDF facts. No MkDocs types here.

An entry is keyed by the sha256 of everything that decides its content: the input file's
bytes, the rendering options, the versions of the converting libraries and a fingerprint of
our own converting code. Layout under the cache folder:

    v4/entries/ab/<key>.json   header line, meta line, payload (one JSON document each)
    v4/blobs/<sha256-prefix>.<ext>   images, thumbnails and PDF pages, named by their own content

Safety rules, all relied on by the tests:
- every file is written to a temporary name and moved into place with os.replace, so a
  reader sees the old file, the new file or nothing, never half a file;
- an entry carries a checksum of its body and a blob's name is its content hash, so a
  damaged file reads as a miss (and is rebuilt), never as wrong content; a file this process
  already checked is trusted while its inode, size and times are unchanged (`_Known`);
- blobs are written before the entry that references them;
- eviction removes only what this build did not use *and* nobody touched since this build
  started, so a build running at the same time keeps what it just wrote or read.
Deleting the whole folder only costs time.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import sys
import tempfile
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from ..core.ids import blob_name

if TYPE_CHECKING:
    from .notebooks import RenderedNotebook
from .pdfs import PdfFacts, PdfPage
from .thumbnails import NotebookThumbnail

# 4: PDF entries hold every rendered page (images and text) and what could run in the file.
# 5: notebooks carry a thumbnail. 6: merged with the Markdown-note articles (importer).
# 7: page images are files an entry names, not blobs read back with it.
FORMAT_VERSION = 7
_HEADER_PREFIX = "NVC1 "
_TEMP_PREFIX = ".tmp-"
_STALE_TEMP_SECONDS = 3600.0

# Every library this package stands on, found by walking its own requirements, so an upgrade
# of one (nbconvert, or mistune beneath it) re-renders; no list to keep in step by hand.
_DISTRIBUTION = "neuroverse-site"
# Our own code that shapes the output: every file of the rendering layer and of the core it
# reads, so editing any of them during development never serves stale pages.
_PACKAGE_DIR = Path(__file__).resolve().parent.parent
_CODE_FOLDERS = ("build", "core")


def _requirement_names(distribution: str) -> list[str]:
    """The distributions `distribution` needs at run time (no extras), its own markers
    evaluated for this interpreter."""
    from packaging.requirements import InvalidRequirement, Requirement

    names = []
    for line in metadata.requires(distribution) or []:
        try:
            requirement = Requirement(line)
        except InvalidRequirement:
            continue
        if requirement.marker is None or requirement.marker.evaluate({"extra": ""}):
            names.append(requirement.name)
    return names


def installed_stamp() -> str:
    """A digest of what is installed where this interpreter imports from: the name (which
    carries the version) and modification time of every `*.dist-info` / `*.egg-info` entry
    on sys.path, with the Python version (not the folders' names: a test runner's extra
    folders on sys.path hold no distribution and must not change it). Installing,
    upgrading, reinstalling or removing a distribution adds or replaces such an entry, so
    the digest changes. Listing a few folders costs a millisecond, where reading every
    distribution's metadata cost ~0.3 s of each build."""
    digest = hashlib.sha256(sys.version.encode())
    for folder in sys.path:
        try:
            entries = sorted(os.scandir(folder or "."), key=lambda entry: entry.name)
        except OSError:
            continue
        for entry in entries:
            if entry.name.endswith((".dist-info", ".egg-info", ".egg-link", ".pth")):
                try:
                    modified = entry.stat().st_mtime_ns
                except OSError:
                    modified = 0
                digest.update(f"\0{entry.name}\0{modified}".encode())
    return digest.hexdigest()


def library_versions() -> dict[str, str]:
    """The version of every distribution in the run-time closure of our requirements."""
    versions: dict[str, str] = {}
    pending = [_DISTRIBUTION]
    while pending:
        name = pending.pop()
        key = name.lower().replace("_", "-").replace(".", "-")
        if key in versions:
            continue
        try:
            versions[key] = metadata.version(name)
            pending += _requirement_names(name)
        except metadata.PackageNotFoundError:
            versions[key] = "absent"
    return dict(sorted(versions.items()))


def code_fingerprint(package_dir: Path = _PACKAGE_DIR) -> str:
    """A digest of every file of the rendering code (and the core it reads) in the package."""
    digest = hashlib.sha256()
    paths = sorted(path for folder in _CODE_FOLDERS
                   for path in (package_dir / folder).rglob("*")
                   if path.is_file() and "__pycache__" not in path.parts)
    for path in paths:
        digest.update(path.relative_to(package_dir).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


_ENVIRONMENT: str | None = None


def environment_fingerprint(remembered: Path | None = None) -> str:
    """Versions and code that every key includes; computed once per process. With
    `remembered` (a file in the cache folder), the library versions are read from there
    while `installed_stamp` is the one they were found under, and written there when not:
    walking the requirements' metadata is the slow part, and a worker process computing
    them afresh always finds the same versions for the same stamp."""
    global _ENVIRONMENT
    if _ENVIRONMENT is None:
        libraries = (_remembered_versions(remembered) if remembered is not None
                     else library_versions())
        _ENVIRONMENT = json.dumps(
            {"format": FORMAT_VERSION, "libraries": libraries, "code": code_fingerprint()},
            sort_keys=True,
        )
    return _ENVIRONMENT


def _remembered_versions(path: Path) -> dict[str, str]:
    stamp = installed_stamp()
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if (isinstance(data, dict) and data.get("stamp") == stamp
                and isinstance(data.get("libraries"), dict)):
            return {str(k): str(v) for k, v in data["libraries"].items()}
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        pass  # missing or damaged: found again below
    versions = library_versions()
    with contextlib.suppress(OSError):  # a read-only cache only costs time
        _write_atomically(path, json.dumps({"stamp": stamp, "libraries": versions}).encode())
    return versions


def cache_key(kind: str, data: bytes, options_key: str = "") -> str:
    """The key of one input: what it is, its bytes, the options and the environment."""
    return key_from_digest(kind, hashlib.sha256(data).hexdigest(), options_key)


def key_from_digest(kind: str, input_sha256: str, options_key: str = "") -> str:
    """`cache_key` for an input whose sha256 is already known."""
    digest = hashlib.sha256()
    for part in (kind, options_key, environment_fingerprint(), input_sha256):
        digest.update(len(part).to_bytes(8, "big"))
        digest.update(part.encode())
    return digest.hexdigest()


def file_digest(path: Path) -> str | None:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None


@dataclass(frozen=True)
class Dependency:
    """A file read while rendering (an image a notebook's Markdown shows), re-checked on
    every hit so editing it re-renders the notebook."""

    path: str
    sha256: str  # "" when the file did not exist

    def unchanged(self) -> bool:
        return (file_digest(Path(self.path)) or "") == self.sha256


class Cache:
    """Rendered notebooks and PDF facts on disk, keyed by `cache_key`."""

    def __init__(self, directory: Path, *, remember: bool = False) -> None:
        """`remember`: keep what is loaded in memory for the next Cache of the same folder
        in this process (a serve session's next build), see `_Remembered`."""
        self.directory = directory
        self.remember = remember
        self._entries = directory / f"v{FORMAT_VERSION}" / "entries"
        self._blobs = directory / f"v{FORMAT_VERSION}" / "blobs"
        self._digests_path = directory / f"v{FORMAT_VERSION}" / "input-digests.json"
        self._digests: dict[str, list[Any]] | None = None
        self._digests_changed = False
        environment_fingerprint(directory / f"v{FORMAT_VERSION}" / "libraries.json")

    # Inputs ------------------------------------------------------------------------------

    def input_digest(self, path: Path) -> str:
        """The sha256 of a file's bytes, remembered against its size, times and inode (as
        git's index does) so a rebuild need not read hundreds of megabytes of unchanged
        notebooks and PDFs. Any write changes the ctime, which no tool can set back."""
        stat = path.stat()  # OSError propagates: the caller reports unreadable files
        fingerprint = [stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns, stat.st_ino]
        if self._digests is None:
            self._digests = _read_digests(self._digests_path)
        known = self._digests.get(str(path))
        if known is not None and known[:4] == fingerprint:
            return str(known[4])
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        self._digests[str(path)] = [*fingerprint, digest]
        self._digests_changed = True
        return digest

    def save_input_digests(self) -> None:
        if self._digests is not None and self._digests_changed:
            _write_atomically(self._digests_path,
                              json.dumps(self._digests, sort_keys=True).encode())
            self._digests_changed = False

    # Notebooks ---------------------------------------------------------------------------

    def load_notebook(self, key: str) -> RenderedNotebook | None:
        # Here, not at the top: a process that only draws PDF images (batch's drawing
        # workers) keeps them through this module and has no use for the notebook side.
        from .notebooks import CellNote, NotebookAsset, RenderedNotebook, TocEntry

        entry = self._load(key, "notebook")
        if entry is None:
            return None
        payload, blobs, dependencies = entry
        try:
            thumbnail = None
            if payload["thumbnail"] is not None:
                name, width, height = payload["thumbnail"]
                thumbnail = NotebookThumbnail(str(name), blobs[str(name)], int(width),
                                              int(height))
            return RenderedNotebook(
                html=str(payload["html"]),
                toc=tuple(TocEntry(int(t[0]), str(t[1]), str(t[2])) for t in payload["toc"]),
                assets=tuple(NotebookAsset(name, blobs[name]) for name in payload["assets"]),
                title=None if payload["title"] is None else str(payload["title"]),
                local_files=tuple((d.path, d.sha256) for d in dependencies),
                search_html=str(payload["search_html"]),
                thumbnail=thumbnail,
                notes=tuple(CellNote(str(n[0]), int(n[1]), str(n[2]), str(n[3]), int(n[4]),
                                     int(n[5])) for n in payload.get("notes", [])),
                cells=int(payload.get("cells", 0)),
            )
        except (KeyError, TypeError, ValueError, IndexError):
            return None

    def load_body(self, key: str) -> tuple[str, str] | None:
        """A stored notebook's HTML and search copy alone, read from its entry file (its
        images and dependencies are neither read nor checked: the caller compares what it
        reads with the digest of what it stored, see BatchRenderer.body); None when the
        entry is gone or damaged."""
        try:
            text = self._entry_path(key).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            return None
        parsed = _parse_entry(text, key, "notebook")
        if parsed is None:
            return None
        payload = parsed[1]
        html, search_html = payload.get("html"), payload.get("search_html")
        if not isinstance(html, str) or not isinstance(search_html, str):
            return None
        return html, search_html

    def store_notebook(self, key: str, notebook: RenderedNotebook) -> None:
        payload: dict[str, Any] = {
            "html": notebook.html,
            "toc": [[t.level, t.id, t.title] for t in notebook.toc],
            "assets": [a.name for a in notebook.assets],
            "title": notebook.title,
            "search_html": notebook.search_html,
            "thumbnail": None,
            "notes": [[n.code, n.cell, n.message, n.hint, n.line, n.column]
                      for n in notebook.notes],
            "cells": notebook.cells,
        }
        blobs = {a.name: a.data for a in notebook.assets}
        if notebook.thumbnail is not None:
            thumbnail = notebook.thumbnail
            payload["thumbnail"] = [thumbnail.name, thumbnail.width, thumbnail.height]
            blobs[thumbnail.name] = thumbnail.data
        dependencies = [Dependency(path, digest) for path, digest in notebook.local_files]
        self._store(key, "notebook", payload, blobs, dependencies)

    # PDFs --------------------------------------------------------------------------------

    def load_pdf(self, key: str) -> PdfFacts | None:
        entry = self._load(key, "pdf")
        if entry is None:
            return None
        payload, blobs, _ = entry
        try:
            # Page images are published from their files and never read: only their names
            # are loaded (a missing file is a miss, rendered again).
            pages = tuple(
                PdfPage(int(number), int(width), int(height), b"", b"", str(text),
                        image_name=str(image), image_2x_name=str(image_2x))
                for number, width, height, image, image_2x, text in payload["rendered"])
            return PdfFacts(pages=int(payload["pages"]), size_bytes=int(payload["size_bytes"]),
                            thumbnail_png=blobs[str(payload["thumbnail"])], rendered=pages,
                            active=tuple(str(a) for a in payload["active"]))
        except (KeyError, TypeError, ValueError):
            return None

    def store_pdf(self, key: str, facts: PdfFacts) -> None:
        """Page images are written here when the facts hold their bytes; when they hold
        only names, the images were kept already (`put_file`, in the process that drew
        them) and are only checked to be there."""
        blobs = {blob_name(facts.thumbnail_png, ".png"): facts.thumbnail_png}
        files: dict[str, bytes] = {}
        rendered = []
        for page in facts.rendered:
            names = {}
            for density, name, data in page.names():
                names[density] = name
                files[name] = data
            rendered.append([page.number, page.width, page.height, names.get(1, ""),
                             names.get(2, ""), page.text])
        payload = {"pages": facts.pages, "size_bytes": facts.size_bytes,
                   "thumbnail": blob_name(facts.thumbnail_png, ".png"),
                   "rendered": rendered, "active": list(facts.active)}
        self._store(key, "pdf", payload, blobs, files=files)

    def put_file(self, data: bytes, suffix: str) -> str:
        """Keep `data` as a file of the cache, named by its content (`blob_name`), and
        return that name: a PDF page image, which is only ever published from its file.
        A worker process keeps the images it draws this way and hands back only names,
        so hundreds of megabytes of images are neither sent between processes nor
        hashed twice; the entry that names them (`store_pdf`) is written after them."""
        name = blob_name(data, suffix)
        self._keep_blob(name, data)
        return name

    def blob_path(self, name: str) -> Path:
        """Where a blob named by `blob_name` is kept (it may have been evicted since)."""
        return self._blobs / name

    # Eviction ----------------------------------------------------------------------------

    def evict(self, keep: set[str], older_than: float) -> int:
        """Remove entries not in `keep` and not touched since `older_than` (a time.time()
        value, normally when this build started), then blobs no remaining entry uses.
        Call it only after a complete build. Returns how many entries were removed."""
        removed = 0
        referenced: set[str] = set()
        for path in self._entries.glob("*/*.json") if self._entries.is_dir() else ():
            key = path.stem
            if key not in keep and _mtime(path) < older_than:
                with contextlib.suppress(FileNotFoundError):
                    path.unlink()
                    removed += 1
                continue
            meta = _read_meta(path)
            referenced.update([*meta.get("blobs", []), *meta.get("files", [])] if meta else [])
        for path in self._blobs.glob("*") if self._blobs.is_dir() else ():
            stale_temp = (path.name.startswith(_TEMP_PREFIX)
                          and _mtime(path) < time.time() - _STALE_TEMP_SECONDS)
            unused = not path.name.startswith(_TEMP_PREFIX) and path.name not in referenced
            if stale_temp or (unused and _mtime(path) < older_than):
                with contextlib.suppress(FileNotFoundError):
                    path.unlink()
        for path in self._entries.glob(f"*/{_TEMP_PREFIX}*") if self._entries.is_dir() else ():
            if _mtime(path) < time.time() - _STALE_TEMP_SECONDS:
                with contextlib.suppress(FileNotFoundError):
                    path.unlink()
        return removed

    # Storage -----------------------------------------------------------------------------

    def _entry_path(self, key: str) -> Path:
        return self._entries / key[:2] / f"{key}.json"

    def _load(self, key: str, kind: str
              ) -> tuple[Mapping[str, Any], dict[str, bytes], list[Dependency]] | None:
        path = self._entry_path(key)
        remembered = _REMEMBERED.get((str(self.directory), key)) if self.remember else None
        if remembered is not None and remembered.kind == kind:
            entry = remembered.current()
            if entry is not None:
                return entry
        loaded = self._read_entry(path, key, kind)
        if loaded is None:
            return None
        entry, files = loaded
        if self.remember:
            _REMEMBERED[(str(self.directory), key)] = _Remembered(
                kind, entry, [path, *(self._blobs / name for name in entry[1]), *files])
        return entry

    def _read_entry(self, path: Path, key: str, kind: str
                    ) -> tuple[Entry, list[Path]] | None:
        """The entry and the files it names (published, never read); None for a miss."""
        before = _identity(path)
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            return None
        parsed = _parse_entry(text, key, kind)
        if parsed is None:
            return None  # damaged or from another format: a miss, rewritten after rendering
        meta, payload = parsed
        try:
            dependencies = [Dependency(str(p), str(d)) for p, d in meta.get("dependencies", [])]
        except (TypeError, ValueError):
            return None
        if not all(dependency.unchanged() for dependency in dependencies):
            return None
        _KNOWN.checked(path, before, verified=True)
        blobs: dict[str, bytes] = {}
        for name in meta.get("blobs", []):
            data = self._read_blob(str(name))
            if data is None:
                return None
            blobs[name] = data
        # Files only published (see store_pdf's page images): there, not read.
        files = [self._blobs / str(name) for name in meta.get("files", [])]
        if not all(_KNOWN.present(file) for file in files):
            return None
        _KNOWN.touch(path, *(self._blobs / name for name in blobs), *files)
        return (payload, blobs, dependencies), files

    def _keep_blob(self, name: str, data: bytes) -> None:
        """Write a blob unless an intact one of that name is there (then mark it used)."""
        target = self._blobs / name
        if self._read_blob(name) is None:
            _write_atomically(target, data)
        else:
            _KNOWN.touch(target)

    def _read_blob(self, name: str) -> bytes | None:
        """A blob's bytes, checked against its name. A blob this process checked before is
        not hashed again while it is still the same file, unchanged (see `_Known`): the
        images of a site's notebooks and PDFs were hashed on every rebuild otherwise."""
        stem = name.split(".", 1)[0]
        if not stem:
            return None
        path = self._blobs / name
        before = _identity(path)
        try:
            data = path.read_bytes()
        except OSError:
            return None
        if _KNOWN.unchanged(path, verified=True):  # stat after the read: the bytes read
            return data
        if not hashlib.sha256(data).hexdigest().startswith(stem):
            return None
        _KNOWN.checked(path, before, verified=True)
        return data

    def _store(self, key: str, kind: str, payload: Mapping[str, Any], blobs: Mapping[str, bytes],
               dependencies: Iterable[Dependency] = (), *,
               files: Mapping[str, bytes] = MappingProxyType({})) -> None:
        """`blobs` are read back with the entry; `files` are only checked to be there (a
        caller publishes them from `blob_path` and never needs their bytes). A file given
        as b"" was kept already (`put_file`); one lost since makes the entry a miss."""
        dependencies = list(dependencies)
        for name, data in blobs.items():
            self._keep_blob(name, data)
        for name, data in files.items():
            if data:
                self._keep_blob(name, data)
            else:
                _KNOWN.touch(self._blobs / name)
        meta = {"key": key, "kind": kind, "blobs": sorted(blobs), "files": sorted(files),
                "dependencies": [[d.path, d.sha256] for d in dependencies]}
        body = (json.dumps(meta, ensure_ascii=False) + "\n"
                + json.dumps(payload, ensure_ascii=False))
        header = _HEADER_PREFIX + hashlib.sha256(body.encode()).hexdigest()
        path = self._entry_path(key)
        _write_atomically(path, (header + "\n" + body).encode())
        if self.remember:
            # A serve session's next build takes what was just written as a read would
            # load it (the payload as JSON gives it back), not reading it from disk: the
            # first save after a session's cold start read and hashed every entry.
            paths = [path, *(self._blobs / name for name in blobs)]
            for written in paths:  # bytes this process wrote or has just checked
                identity = _identity(written)
                _KNOWN.checked(written, identity, verified=True)
            if all(_KNOWN.present(self._blobs / name) for name in files):
                loaded = json.loads(json.dumps(payload, ensure_ascii=False))
                _REMEMBERED[(str(self.directory), key)] = _Remembered(
                    kind, (loaded, dict(blobs), dependencies),
                    [*paths, *(self._blobs / name for name in files)])


Entry = tuple[Mapping[str, Any], dict[str, bytes], list[Dependency]]
# inode, size, modification and change times (ns): any write changes the change time, which
# no tool can set back; a replacement (how this cache writes) changes the inode.
_Identity = tuple[int, int, int, int]


def _identity(path: Path) -> _Identity | None:
    try:
        info = path.stat()
    except OSError:
        return None
    return info.st_ino, info.st_size, info.st_mtime_ns, info.st_ctime_ns


class _Known:
    """The cache files this process checked, each with its identity (`_identity`) right
    after the check or after this process last touched it, as git's index trusts a file
    whose stat is unchanged. `verified`: its bytes were checked (a blob against its name, an
    entry against its header), not only found there (a page image, published unread).

    Kept for the whole process and shared by every Cache and entry: a blob several entries
    use (the same image in two notebooks) is touched by each, and a per-entry record of its
    times went stale at the next entry's touch, so most of a serve session's remembered
    entries were read and hashed again on every save.

    A touch sets the modification time to this process's clock reading in nanoseconds,
    which the kernel's own time stamps (of a write in place) practically never equal."""

    def __init__(self) -> None:
        self._files: dict[Path, tuple[_Identity, bool]] = {}

    def unchanged(self, path: Path, *, verified: bool) -> bool:
        known = self._files.get(path)
        return (known is not None and (known[1] or not verified)
                and _identity(path) == known[0])

    def checked(self, path: Path, before: _Identity | None, *, verified: bool) -> None:
        """Record `path` as checked, when it is still the file it was (`before`, its
        identity before it was read): a write during the read is not trusted later."""
        after = _identity(path)
        if after is not None and after == before:
            self._files[path] = (after, verified)
        else:
            self._files.pop(path, None)

    def present(self, path: Path) -> bool:
        """Whether a file that is published unread is there (recorded when it is)."""
        if self.unchanged(path, verified=False):
            return True
        identity = _identity(path)
        if identity is None:
            return False
        self._files[path] = (identity, False)
        return True

    def touch(self, *paths: Path, just_checked: bool = False) -> None:
        """Mark as used now, so a build evicting at the same time keeps it; what was known
        of each file that had not changed is kept. `just_checked`: the caller compared
        every path with what is known a moment ago (no second look before the touch)."""
        now = time.time_ns()
        for path in paths:
            known = self._files.pop(path, None)
            unchanged = known is not None and (just_checked or _identity(path) == known[0])
            with contextlib.suppress(OSError):
                os.utime(path, ns=(now, now))
                if unchanged and known is not None and (after := _identity(path)):
                    self._files[path] = (after, known[1])


_KNOWN = _Known()


@dataclass
class _Remembered:
    """An entry a serve session loaded, and its files (the entry, its blobs, the files it
    names). Used again while every one of those files is still unchanged since it was
    checked (see `_Known`): an entry or blob is only ever replaced whole (a new inode), and
    an edit in place (through a hard link in the site) changes its times. Each use touches
    the files again, as a read would, and the local files the notebook reads are checked
    each time, as on a read."""

    kind: str
    entry: Entry
    files: list[Path]

    def current(self) -> Entry | None:
        # The entry file and its blobs were read and checked; the rest was found there.
        checked = 1 + len(self.entry[1])
        if not (all(_KNOWN.unchanged(p, verified=True) for p in self.files[:checked])
                and all(_KNOWN.unchanged(p, verified=False) for p in self.files[checked:])):
            return None
        if not all(dependency.unchanged() for dependency in self.entry[2]):
            return None
        _KNOWN.touch(*self.files, just_checked=True)
        return self.entry


# Cache folder and key -> what was loaded; filled only by caches made with remember=True.
_REMEMBERED: dict[tuple[str, str], _Remembered] = {}


def _new_file_mode() -> int:
    """The mode open() gives a new file in this process: 0666 less the umask. Linux tells
    the umask in /proc; elsewhere it can only be read by setting it, which is done once,
    at import, before any thread of ours runs."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("Umask:"):
                    return 0o666 & ~int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return 0o666 & ~mask


_NEW_FILE_MODE = _new_file_mode()


def _write_atomically(target: Path, data: bytes) -> None:
    """Write to a unique temporary file beside the target, then rename it into place.
    Two writers of the same key write the same bytes; whichever rename lands last wins."""
    target.parent.mkdir(parents=True, exist_ok=True)
    descriptor, temp_name = tempfile.mkstemp(prefix=_TEMP_PREFIX, dir=target.parent)
    try:
        # mkstemp makes the file 0600; blobs are hard-linked into the published site, where
        # a web server running as another user must be able to read them.
        os.fchmod(descriptor, _NEW_FILE_MODE)
        with os.fdopen(descriptor, "wb") as stream:
            stream.write(data)
        os.replace(temp_name, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temp_name)
        raise


def _read_digests(path: Path) -> dict[str, list[Any]]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        return {}  # missing or damaged: every input is hashed again
    if not isinstance(data, dict):
        return {}
    return {str(k): v for k, v in data.items()
            if isinstance(v, list) and len(v) == 5 and isinstance(v[4], str)}


def _parse_entry(text: str, key: str, kind: str) -> tuple[dict[str, Any], dict[str, Any]] | None:
    """An entry file's (meta, payload), checked against its header's digest, its key and
    kind; None when damaged, from another format or another entry."""
    header, _, body = text.partition("\n")
    if header != _HEADER_PREFIX + hashlib.sha256(body.encode()).hexdigest():
        return None
    meta_line, _, payload_text = body.partition("\n")
    try:
        meta = json.loads(meta_line)
        payload = json.loads(payload_text)
    except json.JSONDecodeError:
        return None
    if not isinstance(meta, dict) or meta.get("key") != key or meta.get("kind") != kind:
        return None
    if not isinstance(payload, dict):
        return None
    return meta, payload


def _read_meta(path: Path) -> dict[str, Any] | None:
    try:
        with path.open(encoding="utf-8") as stream:
            stream.readline()
            meta = json.loads(stream.readline())
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        return None
    return meta if isinstance(meta, dict) else None


def _mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except FileNotFoundError:
        return float("inf")  # already gone; nothing to do
