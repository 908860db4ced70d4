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
import json
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File, Files
from mkdocs.structure.nav import Link, Navigation, Section
from mkdocs.structure.pages import Page
from mkdocs.utils import get_build_date

from ..build.cache import environment_fingerprint
from ..build.notebooks import IMAGE_FOLDER
from ..build.render import ASSETS_DIR

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


_DISTRIBUTIONS: str | None = None


def _distributions() -> str:
    """Every installed distribution and its version: an upgrade of the theme, MkDocs, a
    Markdown extension or another plugin rebuilds everything. Computed once per process."""
    global _DISTRIBUTIONS
    if _DISTRIBUTIONS is None:
        _DISTRIBUTIONS = json.dumps(sorted(
            f"{dist.metadata['Name']}=={dist.version}" for dist in metadata.distributions()))
    return _DISTRIBUTIONS


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


def write_state(path: Path, state: SiteState) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    temp = path.with_name(f".tmp-{os.getpid()}-{path.name}")
    temp.write_text(state.to_json(), encoding="utf-8")
    os.replace(temp, path)


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
