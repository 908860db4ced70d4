"""Markdown note -> HTML fragment, TOC and the images it shows. No MkDocs types here.

A note is rendered the way a notebook's Markdown cells are (the same Markdown dialect, math
typeset as MathML, code highlighted) and is as untrusted as a notebook: raw HTML goes
through the same sanitizer, and every link and image is resolved here, against the archive:

- a link to a file that has a page on the site (a catalogued notebook, script, PDF or
  note) points at that page, keeping its `#fragment`;
- an image inside the archive (not in a dot-folder, not a dot-file, not a link leading
  out) is published under `assets/neuroverse/files/` and shown from there; any other
  image keeps only its alt text;
- a link to any other file of the archive points at that file in the repository when
  the catalogue names one (`site.repository_url`), and is plain text otherwise;
- web and mail links stay; any other scheme (`javascript:`, `data:`, ...) becomes text.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from urllib.parse import quote, unquote, urlsplit

from selectolax.lexbor import LexborHTMLParser as HTMLParser

from ..core.model import line_and_column
from ..core.paths import is_hidden_part, publishable_inside, resolve_inside, safe_resolve
from ..core.probes import strip_front_matter
from .images import MAX_IMAGE_BYTES, ImageRefused, publishable_image
from .mathml import mathml_renderer_class
from .notebooks import CellNote, TocEntry, heading_toc, take_title
from .render import page_url, repository_file_url
from .untrusted import UNTRUSTED_ID_PREFIX, clean_untrusted

NOTE_ASSETS = "assets/neuroverse/files"
IMAGE_SUFFIXES = frozenset({".png", ".jpg", ".jpeg", ".gif", ".webp", ".avif", ".bmp", ".svg",
                            ".ico"})
_SAFE_SCHEMES = ("http", "https", "mailto")


@dataclass(frozen=True)
class NoteLinks:
    """What a note's links can lead to, for the page that shows it."""

    root: Path  # the archive
    pages: Mapping[str, str]  # archive path (normalised) -> src_uri of the page showing it
    page_uri: str  # src_uri of the note's own page
    use_directory_urls: bool = True
    repository_url: str | None = None
    repository_folder: str | None = ""  # where the archive lies in that repository
    # Ids the page already uses (its title's), which the note's headings must not take.
    taken_ids: frozenset[str] = frozenset()


@dataclass(frozen=True)
class RenderedNote:
    html: str
    toc: tuple[TocEntry, ...] = ()
    # Images to publish: (src_uri under NOTE_ASSETS, their checked content).
    images: tuple[tuple[str, bytes], ...] = ()
    title: str | None = None  # the note's own opening `# ` heading, taken off the page
    # Links and images the page could not keep, placed in the note (code NV342).
    notes: tuple[CellNote, ...] = ()


def render_note(text: str, note_path: str, links: NoteLinks) -> RenderedNote:
    """Render the note's text (`note_path` is where it lies in the archive)."""
    from nbconvert.filters.markdown_mistune import MarkdownWithMath

    renderer = mathml_renderer_class()(
        escape=False, attachments={}, embed_images=False, path="",
        anchor_link_text="¶", exclude_anchor_links=True)
    html = str(MarkdownWithMath(renderer=renderer).render(strip_front_matter(text)))
    # Cleaned as a notebook's Markdown cell is: nothing that runs, classes and ids namespaced.
    page = HTMLParser(f"<div>{clean_untrusted(html)}</div>")
    resolver = _Resolver(note_path, links)
    for anchor in page.css("a"):
        href = anchor.attributes.get("href")
        target = resolver.link(href) if href is not None else None
        if target is None:
            anchor.unwrap()  # its text stays, as plain text
        else:
            anchor.attrs["href"] = target
    for image in page.css("img"):
        original = image.attributes.get("src") or ""
        src = resolver.image(original, shown_as_link=_scheme(original) in ("http", "https"))
        if src is not None:
            image.attrs["src"] = src
            image.attrs["loading"] = "lazy"
            if image.attributes.get("alt") is None:
                # Screen readers otherwise read out the file's address.
                stem = PurePosixPath(urlsplit(original).path).stem
                image.attrs["alt"] = " ".join(re.sub(r"[_\-]+", " ", unquote(stem)).split())
            continue
        alt = " ".join((image.attributes.get("alt") or "").split())
        if _scheme(original) in ("http", "https"):
            # A web image would be a request to another host each time the page is read:
            # the reader gets a link to it instead.
            link = HTMLParser("<a></a>").css_first("a")
            if link is not None:
                link.attrs["href"] = original.strip()
                link.insert_child(alt or "image")
                image.replace_with(link)
                continue
        image.replace_with(alt)
    # Ids are the headings' (given below); one in the note's raw HTML could clash with
    # the theme's own (`__search`) or the page's.
    for node in page.css("[id]"):
        del node.attrs["id"]
    title = take_title(page)
    toc = heading_toc(page, prefix="", taken=set(links.taken_ids))
    body = page.css_first("body > div")
    fragment = (body.inner_html or "") if body is not None else ""
    return RenderedNote(fragment, toc, tuple(sorted(resolver.images.items())), title,
                        _placed_in(text, resolver.dropped))


@dataclass(frozen=True)
class _Dropped:
    """A link or image the page could not keep, and what the page shows instead."""

    kind: str  # "link" or "image"
    target: str  # as the note wrote it
    why: str
    shown: str


def _placed_in(text: str, dropped: list[_Dropped]) -> tuple[CellNote, ...]:
    """Each dropped link or image as a warning at the first place the note names its
    target from where the previous one was found (links come in the order the note has
    them)."""
    placed: list[CellNote] = []
    cursor = 0
    for item in dropped:
        target = item.target
        offset = -1
        for spelling in dict.fromkeys((target, unquote(target), target.strip())):
            if spelling:
                offset = text.find(spelling, cursor)
                if offset < 0:
                    offset = text.find(spelling)
            if offset >= 0:
                break
        line, column = 1, 1
        if offset >= 0:
            cursor = offset + 1
            line, column = line_and_column(text, offset)
        # The end of a long path names the file: kept whole.
        quoted = target if len(target) <= 80 else f"{target[:20]}...{target[-57:]}"
        hint = ("link an image saved inside the archive by a relative path"
                if item.kind == "image" else
                "fix the path (relative to the note), or link a page or file of the archive")
        note = CellNote("NV342", 0, f"the {item.kind} '{quoted}' {item.why}; the page shows "
                        f"{item.shown}", hint, line, column)
        if note not in placed:
            placed.append(note)
    return tuple(placed)


class _Resolver:
    def __init__(self, note_path: str, links: NoteLinks) -> None:
        self.note_dir = posixpath.dirname(note_path)
        self.links = links
        self.images: dict[str, bytes] = {}
        # The author's mistakes to report, in the order the note has them.
        self.dropped: list[_Dropped] = []
        self._refused: dict[str, str] = {}  # archive path -> why its image was not published
        page = _page_url(links.page_uri, links.use_directory_urls)
        self.page_dir = posixpath.dirname(page.rstrip("/") + "/x") if page else ""

    def _relative_url(self, site_path: str) -> str:
        relative = posixpath.relpath(site_path or ".", self.page_dir or ".")
        slash = "/" if site_path.endswith("/") and relative != "." else ""
        return quote(relative, safe="/") + slash

    def _archive_path(self, target: str) -> str | None:
        """The archive path a relative link names, or None when it leaves the archive."""
        path = unquote(target)
        if not path or path.startswith(("/", "\\")) or re.match(r"^[A-Za-z]:", path):
            return None
        joined = posixpath.normpath(posixpath.join(self.note_dir, path))
        if joined == ".." or joined.startswith("../"):
            return None
        return joined

    def _drop(self, kind: str, target: str, why: str, shown: str | None = None) -> None:
        self.dropped.append(_Dropped(kind, target, why, shown or (
            "its alt text" if kind == "image" else "its text without a link")))

    def link(self, href: str) -> str | None:
        written = href
        href = href.strip()
        scheme = _scheme(href)
        if scheme is not None:
            if scheme in _SAFE_SCHEMES:
                return href
            self._drop("link", written, f"uses the scheme '{scheme}:', which could run code")
            return None
        if href.startswith("#"):
            # The cleaner namespaced the anchor; the note's headings get our own ids.
            return "#" + href[1:].removeprefix(UNTRUSTED_ID_PREFIX)
        parts = urlsplit(href)
        fragment = f"#{parts.fragment}" if parts.fragment else ""
        relative = self._archive_path(parts.path)
        if relative is None:
            self._drop("link", written, "leads outside the archive")
            return None
        page = self.links.pages.get(relative)
        if page is not None:
            return self._relative_url(_page_url(page, self.links.use_directory_urls)) + fragment
        if relative == ".":
            return None
        published = self._publish_image(relative)
        if published is not None:
            return published
        # A folder is linked as the repository shows it; a file only when it may be
        # published (inside, not hidden, not reached through a link into a hidden folder).
        if not self._linkable(relative):
            self._drop("link", written, self._missing_or_hidden(relative))
            return None
        # A file that is there, with no repository to show it in: plain text, as the
        # module says, and no mistake of the author's.
        in_repository = repository_file_url(self.links.repository_url, relative,
                                            self.links.repository_folder)
        return None if in_repository is None else in_repository + fragment

    def _missing_or_hidden(self, relative: str) -> str:
        if resolve_inside(self.links.root, relative) is None:
            return "leads outside the archive (through a symbolic link)"
        path = self.links.root / relative
        if not path.exists():
            return "names no file or folder of the archive"
        return "is hidden, in a version-control folder or reached through a link"

    def _linkable(self, relative: str) -> bool:
        if publishable_inside(self.links.root, relative) is not None:
            return True
        if any(is_hidden_part(part) for part in PurePosixPath(relative).parts):
            return False
        folder = resolve_inside(self.links.root, relative)
        base = safe_resolve(self.links.root)
        return folder is not None and base is not None and folder.is_dir() and not any(
            is_hidden_part(part) for part in folder.relative_to(base).parts)

    def image(self, src: str, *, shown_as_link: bool = False) -> str | None:
        written = src
        src = src.strip()
        if _scheme(src) is not None:
            # Only images the site itself serves.
            if shown_as_link:
                self._drop("image", written, "is on another host", "a link to it instead")
            else:
                self._drop("image", written, "is not a file of the archive")
            return None
        relative = self._archive_path(urlsplit(src).path)
        if relative is None:
            self._drop("image", written, "lies outside the archive")
            return None
        published = self._publish_image(relative)
        if published is None:
            self._drop("image", written, self._refused.pop(relative, "")
                       or self._missing_or_hidden(relative))
        return published

    def _publish_image(self, relative: str) -> str | None:
        if PurePosixPath(relative).suffix.lower() not in IMAGE_SUFFIXES:
            self._refused[relative] = "is not an image file"
            return None
        on_disk = publishable_inside(self.links.root, relative)
        uri = f"{NOTE_ASSETS}/{relative}"
        if uri not in self.images:
            try:
                if on_disk is None:
                    return None
                if on_disk.stat().st_size > MAX_IMAGE_BYTES:
                    self._refused[relative] = "is larger than an image the site publishes"
                    return None
                # Checked by content, as notebook images are: a raster image, or an SVG
                # published without script, handlers or outside links.
                self.images[uri] = publishable_image(on_disk.read_bytes()).data
            except ImageRefused as exc:
                self._refused[relative] = f"is refused ({exc})"
                return None
            except OSError as exc:
                self._refused[relative] = f"cannot be read ({exc.strerror or exc})"
                return None
        return self._relative_url(uri)


def _scheme(url: str) -> str | None:
    # Browsers drop control characters and spaces inside a scheme ("java\tscript:").
    match = re.match(r"^([a-z][a-z0-9+.-]*):", re.sub(r"[\x00-\x20]", "", url), re.IGNORECASE)
    return match.group(1).lower() if match else None


def _page_url(src_uri: str, use_directory_urls: bool) -> str:
    return page_url(src_uri, use_directory_urls)
