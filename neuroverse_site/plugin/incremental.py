"""Incremental builds: pages whose inputs did not change since the build that wrote them are
neither read, rendered nor written again by MkDocs' dirty mode (`mkdocs serve --dirty`,
`mkdocs build --dirty`), and what that mode gets wrong is put right here.

MkDocs asks each page's `File.is_modified()`; a generated file always says yes and a
hand-written one compares times, which ignores everything else a page's HTML depends on.
Here every page gets a digest of all its inputs:

- the build's fingerprint: mkdocs.yml, the resolved configuration, every installed
  distribution's version (MkDocs, the theme, plugins, Markdown extensions), our own code,
  the templates folder, a custom theme folder, the build date: any change rebuilds all;
- the navigation as MkDocs built it (every entry's title and URL; a hand-written page in it
  counts with its whole text, as its title comes from it): a nav change rebuilds all;
- the page's own text: a generated page's Markdown and its notebook body; a hand-written
  page's source, the names of every file it could link to, and for the home page the
  blocks and notice the plugin adds to it.

A page is modified when its digest differs from the one recorded after the last build into
the same site folder, or its output is missing. Dirty mode leaves two more things wrong,
both fixed after the build: the search index (the search plugin indexes only the pages it
built, so each page's entries are kept here and the index is written whole again, in the
order a clean build writes it), and files of pages or assets that no longer exist (removed).
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import pickle
import re
import stat
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

from jinja2 import FileSystemBytecodeCache
from jinja2.bccache import Bucket
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File, Files
from mkdocs.structure.nav import Link, Navigation, Section
from mkdocs.structure.pages import Page
from mkdocs.utils import get_build_date

from ..build.cache import environment_fingerprint, installed_stamp
from ..build.notebooks import IMAGE_FOLDER
from ..build.render import ASSETS_DIR, PageMemo
from ..core.archive_files import SKIPPED_DIR_NAMES, SKIPPED_TOP_DIRS, is_markdown
from ..core.checks import CheckOptions, _named_files, check_file
from ..core.loader import LoadResult

STATE_VERSION = 1
SEARCH_INDEX = "search/search_index.json"
_PACKAGE_DIR = Path(__file__).resolve().parent.parent
_ADDRESS = re.compile(r" at 0x[0-9a-fA-F]+")
# Notebook images are named by their content and shown only by their own notebook's page.
NOTEBOOK_IMAGES = f"{ASSETS_DIR}/{IMAGE_FOLDER}/"


class TrackedFile(File):
    """A documentation page that knows whether its inputs changed since the last build."""

    modified: bool = True

    def is_modified(self) -> bool:
        return self.modified


def tracked(file: File) -> TrackedFile:
    """The same hand-written page as a TrackedFile (MkDocs found it as a plain File)."""
    if isinstance(file, TrackedFile):
        return file
    copy = TrackedFile(file.src_uri, file.src_dir, file.dest_dir, file.use_directory_urls,
                       dest_uri=file.dest_uri, inclusion=file.inclusion)
    copy.generated_by = file.generated_by
    return copy


def digest(*parts: str | bytes) -> str:
    digest = hashlib.sha256()
    for part in parts:
        data = part.encode() if isinstance(part, str) else part
        digest.update(len(data).to_bytes(8, "big"))
        digest.update(data)
    return digest.hexdigest()


def page_inputs(*parts: str | bytes, handwritten: bool = False) -> str:
    """The digest of one page's own inputs; a hand-written page's is marked, since its
    title comes from its text and so belongs to the navigation."""
    return ("h" if handwritten else "g") + digest(*parts)


def _tree_digest(folder: Path) -> str:
    """Names, sizes and contents of every file under `folder` (a user's templates)."""
    parts: list[str | bytes] = []
    if folder.is_dir():
        for path in sorted(p for p in folder.rglob("*") if p.is_file()):
            parts += [path.relative_to(folder).as_posix(), path.read_bytes()]
    return digest(*parts)


def _distributions() -> str:
    """What is installed, each distribution with its version (see cache.installed_stamp):
    an upgrade of the theme, MkDocs, a Markdown extension or another plugin rebuilds
    everything."""
    return installed_stamp()


def _own_code() -> str:
    parts: list[str | bytes] = []
    for path in sorted(_PACKAGE_DIR.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            parts += [path.relative_to(_PACKAGE_DIR).as_posix(), path.read_bytes()]
    return digest(*parts)


def build_fingerprint(config: MkDocsConfig, templates_dir: Path | None) -> str:
    """Everything that, changed, makes every page's HTML possibly different."""
    # Strictness and the preview server's address change what a build checks, not its pages.
    settings = {key: value for key, value in config.items()
                if key not in ("plugins", "theme", "strict", "dev_addr", "watch")}
    theme = config.theme
    custom = [d for d in theme.dirs if "site-packages" not in Path(d).parts
              and "dist-packages" not in Path(d).parts]
    config_path = Path(config.config_file_path or "")
    return digest(
        str(STATE_VERSION),
        config_path.read_bytes() if config_path.is_file() else b"",
        _ADDRESS.sub("", json.dumps(settings, sort_keys=True, default=repr)),
        _ADDRESS.sub("", json.dumps({"name": theme.name, "dirs": theme.dirs,
                                     **dict(theme.items())}, sort_keys=True, default=repr)),
        json.dumps([f"{name}:{type(plugin).__module__}" for name, plugin
                    in config.plugins.items()]),
        _distributions(), environment_fingerprint(), _own_code(),
        _tree_digest(templates_dir) if templates_dir is not None else "",
        *(_tree_digest(Path(d)) for d in custom),
        get_build_date(),
    )


def navigation_digest(nav: Navigation, titles: dict[str, str]) -> str:
    """Every entry of the navigation: kind, title, URL, nesting. A page whose title comes
    from its own text counts with what its title comes from (`titles`)."""
    parts: list[str] = []

    def walk(items: Iterable[Any], depth: int) -> None:
        for item in items:
            if isinstance(item, Page):
                parts.append(f"{depth} page {item.file.src_uri} {item.file.url} "
                             f"{item.__dict__.get('title')!r} "
                             f"{titles.get(item.file.src_uri, '')}")
            elif isinstance(item, Section):
                parts.append(f"{depth} section {item.title!r}")
                walk(item.children, depth + 1)
            elif isinstance(item, Link):
                parts.append(f"{depth} link {item.title!r} {item.url}")
    walk(nav.items, 0)
    return digest(*parts)


@dataclass
class PageState:
    digest: str
    title: str | None
    search: list[Any]  # the search plugin's entries for this page


@dataclass
class SiteState:
    """What the last build into a site folder wrote: page digests, titles and search
    entries, and the files it wrote."""

    site_dir: str
    pages: dict[str, PageState] = field(default_factory=dict)
    outputs: list[str] = field(default_factory=list)
    fingerprint: str = ""

    def to_json(self) -> str:
        return json.dumps({
            "version": STATE_VERSION, "site_dir": self.site_dir, "outputs": self.outputs,
            "fingerprint": self.fingerprint,
            "pages": {uri: [p.digest, p.title, p.search] for uri, p in self.pages.items()},
        }, ensure_ascii=False, default=str)

    @classmethod
    def read(cls, path: Path, site_dir: str) -> SiteState:
        empty = cls(site_dir)
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError):
            return empty
        if (not isinstance(data, dict) or data.get("version") != STATE_VERSION
                or data.get("site_dir") != site_dir):
            return empty
        try:
            pages = {str(uri): PageState(str(p[0]), None if p[1] is None else str(p[1]),
                                         list(p[2]))
                     for uri, p in data["pages"].items()}
            outputs = [str(o) for o in data["outputs"]]
            fingerprint = str(data["fingerprint"])
        except (KeyError, TypeError, ValueError, IndexError, AttributeError):
            return empty
        return cls(site_dir, pages, outputs, fingerprint)


def state_path(cache_dir: Path, site_dir: str) -> Path:
    """One record per site folder: `mkdocs serve` builds into its own temporary one."""
    return cache_dir / "incremental" / f"{digest(site_dir)[:20]}.json"


# The record this process last wrote to or read from each state file, with the file's
# identity then: the next build of a serve session (and a build's second look, to leave an
# unchanged record unwritten) reads it from here, not from its JSON, while the file is
# still the one written or read (another process writing it changes its inode and times).
_WRITTEN: dict[Path, tuple[tuple[int, int, int, int], SiteState]] = {}


def _identity(path: Path) -> tuple[int, int, int, int] | None:
    try:
        info = path.stat()
    except OSError:
        return None
    return info.st_ino, info.st_size, info.st_mtime_ns, info.st_ctime_ns


def read_state(path: Path, site_dir: str) -> SiteState:
    known = _WRITTEN.get(path)
    if known is not None and known[0] == _identity(path) and known[1].site_dir == site_dir:
        state = known[1]
        state = SiteState(state.site_dir, dict(state.pages), list(state.outputs),
                          state.fingerprint)
    else:
        # What was read is remembered as what was written is: the next build of this
        # process (a serve session) does not parse the same record again.
        before = _identity(path)
        state = SiteState.read(path, site_dir)
        if before is not None and before == _identity(path) and state.fingerprint:
            _WRITTEN[path] = (before, SiteState(state.site_dir, dict(state.pages),
                                                list(state.outputs), state.fingerprint))
    return _unfinished(path, state)


def _same_record(record: SiteState, recorded: SiteState) -> bool:
    """Whether writing `record` would leave the state file saying what it says now."""
    return (record.site_dir == recorded.site_dir and record.fingerprint == recorded.fingerprint
            and record.outputs == recorded.outputs and record.pages == recorded.pages)


def write_state(path: Path, state: SiteState) -> None:
    """The record of a finished build; it replaces the note of a build under way. A
    record the file already holds (a build with nothing to write) is not written again:
    writing it costs as much as reading it."""
    known = _WRITTEN.get(path)
    if known is not None and known[0] == _identity(path) and _same_record(state, known[1]):
        with contextlib.suppress(FileNotFoundError):
            _building_path(path).unlink()
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    temp = path.with_name(f".tmp-{os.getpid()}-{path.name}")
    temp.write_text(state.to_json(), encoding="utf-8")
    os.replace(temp, path)
    identity = _identity(path)
    if identity is not None:
        _WRITTEN[path] = (identity, SiteState(state.site_dir, dict(state.pages),
                                              list(state.outputs), state.fingerprint))
    with contextlib.suppress(FileNotFoundError):
        _building_path(path).unlink()


# A build about to write pages notes which, beside the record, before it writes any: one
# that stops half-way (an exception in a plugin, the server stopped) leaves the note, and
# the next build trusts none of those pages, whose files may be the new ones, half-written
# or none, while the record still holds the digests of the old. The note is small (a save
# under `mkdocs serve` builds one page); the record, every page's search entries, is
# written once, when the build is done.


def _building_path(path: Path) -> Path:
    return path.with_name(f"{path.stem}.building.json")


def note_building(path: Path, state: SiteState, pages: Iterable[str],
                  outputs: Iterable[str]) -> None:
    """Before a build writes `pages` and `outputs` into the site of record `path` (whose
    last record is `state`): what a build that never finishes leaves untrusted."""
    pages, outputs = sorted(pages), sorted(set(outputs).difference(state.outputs))
    building = _building_path(path)
    if not pages and not outputs:
        # Nothing to write that the record does not already account for.
        with contextlib.suppress(FileNotFoundError):
            building.unlink()
        return
    note = json.dumps({"version": STATE_VERSION, "site_dir": state.site_dir,
                       "pages": pages, "outputs": outputs})
    building.parent.mkdir(parents=True, exist_ok=True)
    temp = building.with_name(f".tmp-{os.getpid()}-{building.name}")
    temp.write_text(note, encoding="utf-8")
    os.replace(temp, building)


def _unfinished(path: Path, state: SiteState) -> SiteState:
    """`state` without the pages a build that did not finish may have written, and with the
    files it may have written among the outputs (so they are removed when stale)."""
    building = _building_path(path)
    try:
        text = building.read_text(encoding="utf-8")
    except FileNotFoundError:
        return state
    except (OSError, UnicodeDecodeError):
        return SiteState(state.site_dir)  # trust nothing: the next build starts afresh
    try:
        note = json.loads(text)
        if note["version"] != STATE_VERSION or note["site_dir"] != state.site_dir:
            return SiteState(state.site_dir)
        pages = {str(uri) for uri in note["pages"]}
        outputs = [str(name) for name in note["outputs"]]
    except (json.JSONDecodeError, KeyError, TypeError, ValueError):
        return SiteState(state.site_dir)
    return SiteState(state.site_dir,
                     {uri: page for uri, page in state.pages.items() if uri not in pages},
                     sorted({*state.outputs, *outputs}), state.fingerprint)


def search_entries_of(plugin: Any) -> list[Any] | None:
    """The list Material's search plugin appends each built page's entries to, or None for
    a search plugin whose entries cannot be read (then every page is built)."""
    index = getattr(plugin, "search_index", None)
    entries = getattr(index, "entries", None)
    return entries if isinstance(entries, list) else None


def merged_search_index(written: str, order: list[str], pages: dict[str, PageState]) -> str:
    """The search index as a clean build writes it: the search plugin's settings from the
    file it just wrote, then every page's entries in build order."""
    data = json.loads(written)
    docs = [entry for uri in order for entry in pages[uri].search]
    # The separators Material's search plugin writes with, so the bytes match a clean build.
    return json.dumps({"config": data["config"], "docs": docs}, separators=(",", ":"),
                      default=str)


def remove_stale(site_dir: Path, before: Iterable[str], now: set[str]) -> None:
    """Remove files the previous build wrote and this one does not (a deleted page, an
    image of an old notebook version), and folders left empty."""
    for relative in before:
        if relative in now:
            continue
        path = site_dir / relative
        with contextlib.suppress(OSError):
            path.unlink()
            for parent in path.parents:
                if parent == site_dir or not parent.is_relative_to(site_dir):
                    break
                parent.rmdir()  # stops (OSError) at the first folder not empty


# The catalogue check, remembered -----------------------------------------------------------
#
# Checking the catalogue (YAML, schema, references, the files it names, files it leaves
# out) is the same work for every rebuild that does not touch it, and every save of a
# notebook under `mkdocs serve` is such a rebuild. Its result is kept, with what it read:
# the catalogue's bytes, the settings, our code and libraries, and the archive as the
# check sees it. It is used again only while all of that is unchanged.


def _kind(path: Path) -> str | None:
    """What `path` is, not following a link; None for a link (whose target, perhaps
    outside the archive, is not watched here: such an archive is checked every time)."""
    try:
        mode = os.lstat(path).st_mode
    except OSError as exc:
        return f"error {exc.errno}"
    except ValueError:  # a NUL byte: refused by the check by its text
        return "invalid"
    if stat.S_ISLNK(mode):
        return None
    return f"mode {stat.S_IFMT(mode)}"


def _archive_listing(root: Path, excluded: Iterable[Path] = ()) -> list[str] | None:
    """Every file the check may list (core.archive_files: hidden names, tools' folders and
    `excluded` skipped) with what it is; a Markdown file with its size and time too, since
    its links decide whether it is a note (archive_files.is_note_candidate); and the
    .gitignore files and git's index, which decide what a git checkout lists. None when a
    link is among them."""
    skipped = {os.path.realpath(folder) for folder in excluded}
    found: list[str] = []
    for folder, dirs, names in os.walk(root):
        depth = 0 if os.path.samefile(folder, root) else 1
        dirs[:] = sorted(d for d in dirs if not d.startswith(".")
                         and d not in SKIPPED_DIR_NAMES
                         and not (depth == 0 and d in SKIPPED_TOP_DIRS)
                         and os.path.realpath(os.path.join(folder, d)) not in skipped)
        base = os.path.relpath(folder, root)
        for name in [*dirs, *sorted(n for n in names if not n.startswith("."))]:
            kind = _kind(Path(folder, name))
            if kind is None:
                return None
            if is_markdown(name):
                kind += f" {_stamp(Path(folder, name))}"
            found.append(f"{base}/{name} {kind}")
        if ".gitignore" in names:
            found.append(f"{base}/.gitignore {_stamp(Path(folder, '.gitignore'))}")
    git = _git_dir(root)
    if git is not None:
        found += [f"git {name} {_stamp(git / name)}" for name in ("index", "info/exclude")]
    return found


def _stamp(path: Path) -> str:
    try:
        status = path.stat()
    except (OSError, ValueError):
        return "-"
    return f"{status.st_size} {status.st_mtime_ns}"


def _git_dir(root: Path) -> Path | None:
    """The .git folder of the work tree holding `root`, if it has one as a folder."""
    for folder in (root.resolve(), *root.resolve().parents):
        candidate = folder / ".git"
        if candidate.exists():
            return candidate if candidate.is_dir() else None
    return None


def _named_state(root: Path, relatives: Iterable[str], limit: int) -> str | None:
    """What each file the catalogue names is, one step of its path at a time (so a
    folder made unreadable or a file replaced by a folder counts), and whether it is over
    the size limit; None when a link is on the way."""
    parts: list[str] = []
    for relative in relatives:
        path = root
        for part in Path(relative).parts:
            path = path / part
            kind = _kind(path)
            if kind is None:
                return None
            parts.append(f"{path} {kind}")
        try:
            parts.append(str(path.stat().st_size > limit))
        except (OSError, ValueError):
            parts.append("-")
    return digest(*parts)


@dataclass
class CheckMemo:
    key: str
    named: list[str]
    named_state: str
    result: bytes  # the pickled LoadResult: each build gets its own copy

    def matches(self, key: str, root: Path, limit: int) -> bool:
        return key == self.key and _named_state(root, self.named, limit) == self.named_state


def check_key(path: Path, root: Path, options: CheckOptions) -> str | None:
    """Everything the check of `path` reads, but the named files' states; None when the
    catalogue cannot be read (the check reports that) or the archive holds links."""
    try:
        data = path.read_bytes()
    except OSError:
        return None
    listing = _archive_listing(root, options.excluded_dirs or ())
    if listing is None:
        return None
    return digest(str(STATE_VERSION), data, str(path), str(root), str(root.resolve()),
                  repr(options), environment_fingerprint(), *listing)


def remembered_check(path: Path, root: Path, options: CheckOptions,
                     memo: CheckMemo | None, memo_file: Path | None
                     ) -> tuple[LoadResult, CheckMemo | None]:
    """`check_file(path, root, options)`, from `memo` (this process's) or `memo_file`
    when they were made from the same inputs; the memo to keep for the next build."""
    limit = int(options.max_file_size_mb * 1024 * 1024)
    key = check_key(path, root, options)
    if key is None:
        return check_file(path, root, options), None
    if memo is None and memo_file is not None:
        memo = _read_memo(memo_file)
    if memo is not None and memo.matches(key, root, limit):
        with contextlib.suppress(pickle.UnpicklingError, EOFError, AttributeError,
                                 TypeError, ValueError, ImportError):
            result = pickle.loads(memo.result)
            if isinstance(result, LoadResult):
                return result, memo
    result = check_file(path, root, options)
    named = ([relative for relative, *_ in _named_files(result.catalogue)]
             if result.catalogue is not None else [])
    state = _named_state(root, named, limit)
    if state is None:
        return result, None
    memo = CheckMemo(key, named, state, _pickled(result))
    if memo_file is not None:
        with contextlib.suppress(OSError):  # a read-only cache only costs time
            memo_file.parent.mkdir(parents=True, exist_ok=True)
            temp = memo_file.with_name(f".tmp-{os.getpid()}-{memo_file.name}")
            temp.write_bytes(_pickled(memo))
            os.replace(temp, memo_file)
    return result, memo


class _Pickler(pickle.Pickler):
    """The catalogue model keeps read-only views of dicts (MappingProxyType), which
    pickle cannot save as they are: saved as the dict they show, read back as a view."""

    def reducer_override(self, obj: Any) -> Any:
        if isinstance(obj, MappingProxyType):
            return _read_only, (dict(obj),)
        return NotImplemented


def _read_only(mapping: dict[Any, Any]) -> MappingProxyType[Any, Any]:
    return MappingProxyType(mapping)


def _pickled(value: Any) -> bytes:
    buffer = io.BytesIO()
    _Pickler(buffer, pickle.HIGHEST_PROTOCOL).dump(value)
    return buffer.getvalue()


def _read_memo(path: Path) -> CheckMemo | None:
    try:
        memo = pickle.loads(path.read_bytes())
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, TypeError,
            ValueError, ImportError):
        return None  # missing, damaged or from other code: checked again
    return memo if isinstance(memo, CheckMemo) else None


# The generated pages, remembered between processes -----------------------------------------
#
# A rebuild in a fresh process (`mkdocs build --dirty`, a plain rebuild) rendered every
# generated page's Markdown again only to find most of it unchanged. The serve session's
# page memo (build.render.PageMemo: each page with every fact its rendering read, used
# again only while the catalogue, the settings, the template files and those facts are
# equal) is kept in the cache too, under the environment fingerprint, which covers our
# code (the templates' filters and helpers) and every library's version.


@dataclass
class _KeptPages:
    environment: str
    memo: PageMemo


def page_memo_path(cache_dir: Path, catalogue: Path) -> Path:
    return cache_dir / "incremental" / f"pages-{digest(str(catalogue.resolve()))[:20]}.pickle"


def read_page_memo(path: Path) -> PageMemo:
    """The memo the last build kept at `path`; an empty one when there is none, it is
    damaged, or other code or libraries made it."""
    try:
        kept = pickle.loads(path.read_bytes())
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, TypeError,
            ValueError, ImportError, IndexError):
        return PageMemo()
    if (not isinstance(kept, _KeptPages) or kept.environment != environment_fingerprint()
            or not isinstance(kept.memo, PageMemo)):
        return PageMemo()
    kept.memo.used = kept.memo.rendered = 0
    return kept.memo


def write_page_memo(path: Path, memo: PageMemo) -> None:
    with contextlib.suppress(OSError):  # a read-only cache only costs time
        path.parent.mkdir(parents=True, exist_ok=True)
        temp = path.with_name(f".tmp-{os.getpid()}-{path.name}")
        temp.write_bytes(_pickled(_KeptPages(environment_fingerprint(), memo)))
        os.replace(temp, path)


def check_memo_path(cache_dir: Path, catalogue: Path) -> Path:
    return cache_dir / "incremental" / f"check-{digest(str(catalogue.resolve()))[:20]}.pickle"


class TemplateCache(FileSystemBytecodeCache):
    """Compiled templates kept on disk between builds: a fresh `mkdocs build` process
    otherwise compiles Material's templates (for its 404 page and sitemap even when no page
    is built) and ours again. Jinja checks each entry against its template's source and
    the Python version; the folder is named by what else the compiled code depends on
    (Jinja's version, the environment's settings: see `template_cache`). Best effort: a
    folder removed meanwhile only means compiling again."""

    def dump_bytecode(self, bucket: Bucket) -> None:
        with contextlib.suppress(OSError):
            super().dump_bytecode(bucket)


def template_cache(cache_dir: Path, kind: str, key: str) -> TemplateCache:
    """The compiled-template cache for one kind of environment ("theme", "pages") under
    `key`, a digest covering the installed versions and the settings the environment is
    made with; folders of other keys of the same kind are removed (they would only grow)."""
    parent = cache_dir / "templates" / kind
    folder = parent / digest(key)[:24]
    folder.mkdir(parents=True, exist_ok=True)
    with contextlib.suppress(OSError):
        for old in parent.iterdir():
            if old != folder and old.is_dir():
                for entry in old.iterdir():
                    entry.unlink(missing_ok=True)
                old.rmdir()
    return TemplateCache(str(folder), "%s.cache")


def outputs_of(files: Files, config: MkDocsConfig) -> set[str]:
    """Every file a build writes into the site folder, relative to it."""
    outputs = {file.dest_uri for file in files if file.inclusion.is_included()}
    for template in config.theme.static_templates:
        outputs.add(template)
        if template == "sitemap.xml":
            outputs.add("sitemap.xml.gz")
    outputs.update(config.extra_templates)
    outputs.add(SEARCH_INDEX)
    return outputs
