"""Notebook -> HTML fragment, TOC and image files. No MkDocs types here.

One exporter is built per converter and reused for every notebook (nbconvert otherwise
recompiles its Jinja templates each time), the TOC is read from the same HTML pass, and
images leave the HTML as content-addressed files so pages stay light and browsers cache them.
nbconvert is imported only when a notebook is actually converted, so a build served entirely
from the cache never pays for it.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import html as html_text
import io
import json
import re
import warnings
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, urlsplit

from jinja2 import BytecodeCache, pass_context
from PIL import Image
from selectolax.lexbor import LexborHTMLParser as HTMLParser
from selectolax.lexbor import LexborNode as Node

from ..core.ids import blob_name, slugify, unique_id
from ..core.model import line_and_column
from ..core.probes import notebook_format_problem
from .highlight import highlighter
from .images import MAX_IMAGE_BYTES, ImageRefused, publishable_image
from .mathml import mathml_renderer_class
from .scrolling import REGION_CLASS, make_region, mark_regions
from .searchwords import first_appearances
from .thumbnails import NotebookThumbnail, notebook_thumbnail
from .untrusted import (
    balanced,
    clean_assembled,
    clean_untrusted,
    is_remote,
    unclosed_elements,
    url_scheme,
)

if TYPE_CHECKING:
    from nbconvert.exporters import HTMLExporter

# Images are referenced through this prefix until the page that shows them is known; the
# plugin swaps it for the page's relative path to the assets folder. The quote in front
# makes it match only inside our own src="..." attributes.
ASSET_PLACEHOLDER = '"__NV_ASSETS__/'
IMAGE_FOLDER = "nb"

_TEMPLATE_DIR = Path(__file__).parent / "notebook_templates"
_HEADINGS = "h1, h2, h3, h4, h5, h6"


@dataclass(frozen=True)
class NotebookOptions:
    """What changes how a notebook renders; part of any cache key."""

    trust_outputs: bool = False
    allow_remote_images: bool = False
    # The archive folder: a notebook may show image files from anywhere inside it, never
    # from outside. None: only from the notebook's own folder and below.
    archive_root: str | None = None
    pdf_pages: int = 40  # pages of each PDF rendered for its article page

    def key(self, kind: str = "notebook") -> str:
        """The options that shape files of `kind` ("notebook", "script" or "pdf")."""
        if kind == "pdf":
            return json.dumps({"pdf_pages": self.pdf_pages})
        return json.dumps({"trust": self.trust_outputs,
                           "remote_images": self.allow_remote_images,
                           "root": self.archive_root})


@dataclass(frozen=True)
class TocEntry:
    level: int
    id: str
    title: str


@dataclass(frozen=True)
class CellNote:
    """Something in one cell the reader will not see as written (a diagnostic to be):
    `cell` counts from 1, `line` and `column` place the cell in the .ipynb file."""

    code: str
    cell: int
    message: str
    hint: str = ""
    line: int = 1
    column: int = 1


@dataclass(frozen=True)
class NotebookAsset:
    name: str  # content-addressed file name under IMAGE_FOLDER
    data: bytes


@dataclass(frozen=True)
class StoredBody:
    """Where a rendered notebook's HTML and search copy are kept while not held in memory
    (see BatchRenderer's `hold_bodies`): its cache entry, and what identifies them."""

    key: str  # the cache entry's key
    digest: str  # sha256 of the HTML and the search copy (see `body_digest`)
    html_bytes: int  # the HTML's UTF-8 length (the page's weight counts it)


def body_digest(html: str, search_html: str) -> str:
    """The identity of a rendered notebook's two fragments, for a page's inputs and to check
    a copy read back from the cache is the one rendered."""
    digest = hashlib.sha256(html.encode("utf-8", "surrogatepass"))
    digest.update(b"\0")
    digest.update(search_html.encode("utf-8", "surrogatepass"))
    return digest.hexdigest()


@dataclass(frozen=True)
class RenderedNotebook:
    html: str
    toc: tuple[TocEntry, ...] = ()
    assets: tuple[NotebookAsset, ...] = ()
    title: str | None = None
    # Files beside the notebook that its Markdown shows, as (absolute path, sha256): a cache
    # hit is only valid while they are unchanged.
    local_files: tuple[tuple[str, str], ...] = ()
    # The same fragment as search should read it: headings, Markdown and code as plain text,
    # no outputs, no wrappers (see `lean_copy`).
    search_html: str = ""
    # The card picture, made from the chosen figure (see thumbnails.py); a file published
    # under IMAGE_FOLDER like the other images.
    thumbnail: NotebookThumbnail | None = None
    notes: tuple[CellNote, ...] = ()
    cells: int = 0  # how many cells the notebook has (a page of thousands is unusable)
    # Set when `html` and `search_html` are not held (then empty): where they are kept.
    stored: StoredBody | None = None


@dataclass
class _Collected:
    """What one conversion gathers besides its HTML: images, files read, notes."""

    notebook_dir: Path
    archive_root: Path
    allow_remote_images: bool
    trusted_outputs: bool
    cells: dict[int, int] = field(default_factory=dict)  # id(cell node) -> index from 1
    assets: dict[str, NotebookAsset] = field(default_factory=dict)
    local_files: dict[str, str] = field(default_factory=dict)
    notes: list[CellNote] = field(default_factory=list)

    def note(self, code: str, cell: int, message: str, hint: str = "") -> None:
        found = CellNote(code, cell, message, hint)
        if found not in self.notes:
            self.notes.append(found)

    def add(self, data: bytes, suffix: str) -> str:
        name = blob_name(data, suffix)
        self.assets.setdefault(name, NotebookAsset(name, data))
        return name


class NotebookProblem(Exception):
    """The notebook cannot be rendered; the message says why in the user's terms."""


@lru_cache(maxsize=1)
def _page_exporter_class() -> type[HTMLExporter]:
    from nbconvert.exporters import HTMLExporter, TemplateExporter
    from nbconvert.filters.markdown_mistune import MarkdownWithMath
    from nbconvert.filters.widgetsdatatypefilter import WidgetsDataTypeFilter

    class PageExporter(HTMLExporter):
        """HTMLExporter without its closing BeautifulSoup pass: our own single parse adds
        the alt text and focus stops it adds, along with the TOC and image rewriting."""

        def from_notebook_node(  # type: ignore[override]  # returns text, as HTMLExporter does
            self, nb: Any, resources: dict[str, Any] | None = None, **kw: Any
        ) -> tuple[str, dict[str, Any]]:
            resources = self._init_resources(resources)
            self.register_filter(
                "filter_data_type",
                WidgetsDataTypeFilter(notebook_metadata=self._nb_metadata, parent=self,
                                      resources=resources),
            )
            output, resources = TemplateExporter.from_notebook_node(self, nb, resources, **kw)
            return str(output), resources

        @pass_context
        def markdown2html(self, context: Any, source: str) -> str:
            """Markdown cells as HTMLExporter renders them, but with math typeset as MathML."""
            cell = context.get("cell", {})
            renderer = mathml_renderer_class()(
                escape=False,
                attachments=cell.get("attachments", {}),
                embed_images=False,
                path=context.get("resources", {}).get("metadata", {}).get("path", ""),
                anchor_link_text=self.anchor_link_text,
                exclude_anchor_links=self.exclude_anchor_links,
                **self.lexer_options,
            )
            html = str(MarkdownWithMath(renderer=renderer).render(source))
            # Markdown cells, and Markdown outputs, are cleaned one at a time (see
            # NotebookConverter._fragment); without a converter they pass as rendered.
            hook = getattr(self, "nv_fragment", None)
            if hook is None:
                return html
            kind = "output" if context.get("output") is not None else "markdown"
            return str(hook(html, cell, kind))

    return PageExporter


class NotebookConverter:
    """Turns notebooks into page fragments with one reused exporter."""

    def __init__(self, options: NotebookOptions | None = None) -> None:
        self.options = options or NotebookOptions()
        self._exporters: dict[str, HTMLExporter] = {}
        self._current: _Collected | None = None  # the conversion in progress
        # Where nbconvert's templates, once compiled, are kept between processes: compiling
        # them is about a third of what the first notebook a fresh process renders costs
        # (a `mkdocs build --dirty` after one notebook is edited renders only that one).
        self.template_cache: BytecodeCache | None = None

    def _exporter(self, language: str) -> HTMLExporter:
        exporter = self._exporters.get(language)
        if exporter is None:
            from mkdocs_jupyter.config import settings as mkdocs_jupyter_settings
            from traitlets.config import Config

            config = Config()
            config.ExtractOutputPreprocessor.enabled = True
            config.CSSHTMLHeaderPreprocessor.enabled = False
            config.TemplateExporter.exclude_input_prompt = True
            config.TemplateExporter.exclude_output_prompt = True
            exporter = _page_exporter_class()(
                config=config,
                template_file="neuroverse/notebook.html.j2",
                extra_template_paths=[str(_TEMPLATE_DIR), mkdocs_jupyter_settings.templates_dir],
                filters={"highlight_code": highlighter(language),
                         # The template's own cleaning (raw cells, inline SVG) is ours too.
                         "clean_html": self._template_filter("markdown"),
                         "nv_output_html": self._template_filter("output"),
                         "nv_svg_output": self._svg_filter()},
                exclude_anchor_links=True,
                embed_images=False,
            )
            exporter.nv_fragment = self._fragment  # type: ignore[attr-defined]
            if self.template_cache is not None:
                # Read when the exporter loads its template, on its first conversion.
                exporter.environment.bytecode_cache = self.template_cache
            self._exporters[language] = exporter
        return exporter

    def convert(self, path: Path, data: bytes | None = None) -> RenderedNotebook:
        """Render the notebook at `path`; `data`, when given, is its content already read
        (the bytes a cache key was computed from)."""
        import nbformat
        from nbconvert.filters.markdown_mistune import InvalidNotebook
        from nbformat.warnings import MissingIDFieldWarning

        try:
            data = path.read_bytes() if data is None else data
        except OSError as exc:
            raise NotebookProblem(f"cannot be read ({exc.strerror or exc})") from exc
        problem = notebook_format_problem(data)
        if problem is not None:
            raise NotebookProblem(problem)
        with warnings.catch_warnings():
            # Cells without ids (notebooks saved before nbformat 4.5) render fine; the
            # warning would only repeat itself once per worker process.
            warnings.simplefilter("ignore", MissingIDFieldWarning)
            notebook = nbformat.reads(data.decode("utf-8"), as_version=4)
        language = _language(notebook)
        root = self.options.archive_root
        collected = _Collected(
            notebook_dir=path.parent.resolve(),
            archive_root=Path(root).resolve() if root else path.parent.resolve(),
            allow_remote_images=self.options.allow_remote_images,
            trusted_outputs=self.options.trust_outputs)
        # Cells are numbered for the notes; nbconvert copies the notebook, metadata and all.
        for index, cell in enumerate(notebook.cells, 1):
            cell.setdefault("metadata", {})[_CELL_NUMBER] = index
        exporter = self._exporter(language)
        self._current = collected
        try:
            html, resources = exporter.from_notebook_node(
                notebook,
                resources={"unique_key": "output", "mkdocs": {"include_requirejs": False},
                           "nv_trusted": self.options.trust_outputs},
            )
        # What nbconvert raises on notebooks that are JSON but damaged inside (a bad base64
        # image, an output of the wrong shape): the notebook's own page says so, and the
        # build goes on.
        except (ValueError, TypeError, KeyError, AttributeError) as exc:
            raise NotebookProblem(f"cannot be converted ({type(exc).__name__}: {exc})") from exc
        except RecursionError as exc:  # the depth guard in probes should have said so first
            raise NotebookProblem("nests too deeply to be converted") from exc
        except InvalidNotebook as exc:  # an attachment reference the probe did not see
            raise NotebookProblem(f"cannot be converted ({exc})") from exc
        finally:
            self._current = None
        if not self.options.trust_outputs:
            # Every fragment is clean already; this pass covers what the template itself
            # writes from the notebook (image sizes and metadata go into attributes).
            html = clean_assembled(html)
        extracted: Mapping[str, bytes] = resources.get("outputs", {})
        page = HTMLParser(html)
        _rewrite_images(page, extracted, collected)
        title = take_title(page)
        toc = heading_toc(page)
        _mark_regions(page)
        _drop_wrappers(page)
        body = page.body
        fragment = (body.inner_html or "") if body is not None else ""
        return RenderedNotebook(
            html=fragment,
            search_html=lean_copy(fragment),
            toc=toc,
            assets=tuple(collected.assets.values()),
            title=title,
            local_files=tuple(sorted(collected.local_files.items())),
            thumbnail=notebook_thumbnail(notebook),
            notes=_placed(collected.notes, data),
            cells=len(notebook.cells),
        )

    def _template_filter(self, kind: str) -> Any:
        @pass_context
        def clean(context: Any, html: Any) -> str:
            text = html.decode() if isinstance(html, bytes) else str(html)
            return self._fragment(text, context.get("cell"), kind)

        return clean

    def _svg_filter(self) -> Any:
        @pass_context
        def svg_output(context: Any, source: Any) -> str:
            # An image like any other: checked, cleaned and published as a file, so the
            # note can name its cell.
            encoded = base64.b64encode(str(source).encode("utf-8")).decode("ascii")
            return self._fragment(f'<img src="data:image/svg+xml;base64,{encoded}">',
                                  context.get("cell"), "output")

        return svg_output

    def _fragment(self, html: str, cell: Any, kind: str) -> str:
        """One Markdown cell or output, rendered on its own as Jupyter renders it: its
        unclosed tags and comments end with it, untrusted HTML is cleaned, and its images
        are published only when they pass (see `_place_image`)."""
        state = self._current
        if state is None:
            return html
        metadata = cell.get("metadata", {}) if cell is not None else {}
        index = int(metadata.get(_CELL_NUMBER, 0))
        left_open = unclosed_elements(html)
        if left_open:
            where = "this output" if kind == "output" else "this cell"
            state.note("NV400", index,
                       f"{', '.join(left_open)} is never closed; everything after it in "
                       f"{where} is cut off or shown as text",
                       hint="close it (`-->`, `</style>`, `</script>`...) in the cell; the "
                            "cells after it are not affected")
        trusted = kind == "output" and state.trusted_outputs
        html = balanced(html) if trusted else clean_untrusted(html)
        if "<img" not in html.lower():
            return html
        tree = HTMLParser(f"<!DOCTYPE html><html><head></head><body>{html}")
        for image in tree.css("img"):
            _place_image(image, state, index, remote_ok=trusted or state.allow_remote_images)
        body = tree.body
        return (body.inner_html or "") if body is not None else ""


def _language(notebook: Any) -> str:
    metadata = notebook.get("metadata", {})
    info = metadata.get("language_info", {}) or {}
    kernel = metadata.get("kernelspec", {}) or {}
    return str(info.get("pygments_lexer") or info.get("name") or kernel.get("language") or "python")


_CELL_NUMBER = "neuroverse_cell"
MISSING_IMAGE_CLASS = "nv-missing-image"


def _rewrite_images(page: HTMLParser, extracted: Mapping[str, bytes],
                    collected: _Collected) -> None:
    """The images nbconvert's template wrote itself: figures extracted from outputs (each
    checked by content: an "image/png" output may hold anything) and inline data: URIs.
    Images inside cleaned fragments were placed already."""
    for anchor in page.css("a[href]"):
        if url_scheme(anchor.attributes.get("href") or "") == "data":
            anchor.attrs["href"] = "#"  # a data: link navigates to attacker-chosen content
    for image in page.css("img"):
        src = image.attributes.get("src") or ""
        if src in extracted:
            _publish(image, extracted[src], "an image output", collected, _output_cell(src))
        elif url_scheme(src) == "data":
            _place_image(image, collected, 0, remote_ok=False)
        image.attrs["loading"] = "lazy"
        image.attrs["decoding"] = "async"
        if not image.attributes.get("alt"):
            image.attrs["alt"] = "Notebook output"


_EXTRACTED_NAME = re.compile(r"output_(\d+)_\d+\.\w+")


def _output_cell(name: str) -> int:
    """The cell an extracted output came from: nbconvert names it output_CELL_OUTPUT
    with the cell counted from 0."""
    found = _EXTRACTED_NAME.fullmatch(name)
    return int(found.group(1)) + 1 if found else 0


def _place_image(image: Node, state: _Collected, cell: int, *, remote_ok: bool) -> None:
    """Publish the image `image` shows, or put its alt text in its place and say why."""
    src = image.attributes.get("src") or ""
    if not src or src.startswith(ASSET_PLACEHOLDER[1:]):
        return
    scheme = url_scheme(src)
    if is_remote(src):
        if remote_ok:
            image.attrs["referrerpolicy"] = "no-referrer"
            return
        state.note("NV405", cell, f"the image '{_short(src)}' is on another host; it is "
                   "shown as a link, so that opening the page asks nothing of that host",
                   hint="save the image beside the notebook and show it from there, or set "
                        "`allow_remote_images: true` for the plugin in mkdocs.yml")
        _replace_image(image, src)
        return
    if scheme == "data":
        data = _data_uri_bytes(src)
        if data is None:
            state.note("NV403", cell, "an inline image (data: URI) cannot be decoded; it is "
                       "not published", hint="attach the image as PNG, JPEG, GIF or WebP")
            _replace_image(image, None)
        else:
            _publish(image, data, "an inline image", state, cell)
        return
    if scheme is not None:
        state.note("NV403", cell, f"the image '{_short(src)}' uses '{scheme}:', which the "
                   "site does not load", hint="show images from files beside the notebook")
        _replace_image(image, None)
        return
    local, problem = _archive_file(src, state)
    if problem is not None:
        state.note("NV401", cell, f"the image '{_short(src)}' {problem}; it is not published",
                   hint="keep images inside the archive folder, outside hidden and "
                        "version-control folders")
        _replace_image(image, None)
        return
    assert local is not None
    data = None
    if local.is_file():
        try:
            if local.stat().st_size > MAX_IMAGE_BYTES:  # refused unread (see publishable_image)
                state.local_files[str(local)] = ""  # re-checked on every build
                state.note("NV403", cell, f"the image '{_short(src)}' is larger than "
                           f"{MAX_IMAGE_BYTES // (1024 * 1024)} MB; it is not published",
                           hint="save a smaller image")
                _replace_image(image, None)
                return
            data = local.read_bytes()
        except OSError:
            data = None
    # An absent file is remembered too ("" as its digest): adding it later must re-render
    # the notebook.
    state.local_files[str(local)] = hashlib.sha256(data).hexdigest() if data is not None else ""
    if data is None:
        state.note("NV402", cell, f"the image '{_short(src)}' does not exist or cannot be "
                   "read", hint="check the path; it is relative to the notebook's folder")
        _replace_image(image, None)
        return
    _publish(image, data, f"'{_short(src)}'", state, cell)


def _archive_file(src: str, state: _Collected) -> tuple[Path | None, str | None]:
    """The file a relative image URL names, if the site may publish it."""
    path = unquote(urlsplit(src).path)
    if not path or path.startswith(("/", "\\")) or "\x00" in path:
        return None, "is not a path relative to the notebook"
    lexical = Path(*[part for part in path.replace("\\", "/").split("/") if part])
    try:
        resolved = (state.notebook_dir / lexical).resolve()
    except (OSError, RuntimeError, ValueError):  # a symlink loop, a name the OS refuses
        return None, "cannot be resolved"
    if not resolved.is_relative_to(state.archive_root):
        return None, "is outside the archive folder"
    # Hidden files and folders (.env, .git, .hg, .svn...) are never published, whether
    # named directly or reached through a symlink.
    named = (state.notebook_dir / lexical)
    for candidate in (resolved, named):
        try:
            parts = candidate.relative_to(state.archive_root).parts
        except ValueError:
            parts = lexical.parts
        if any(part.startswith(".") and part not in (".", "..") for part in parts):
            return None, "is in a hidden or version-control folder, or is a hidden file"
    return resolved, None


def _publish(image: Node, data: bytes, what: str, state: _Collected, cell: int) -> None:
    try:
        found = publishable_image(data)
    except ImageRefused as refused:
        state.note("NV403", cell, f"{what} {refused}; it is not published",
                   hint="images must be PNG, JPEG, GIF, WebP, AVIF, BMP or SVG files")
        _replace_image(image, None)
        return
    if found.removed:
        state.note("NV404", cell, f"the SVG image {what} carried "
                   f"{', '.join(found.removed[:4])}; it is published without them",
                   hint="an SVG is shown as a picture only: no script, links or foreign "
                        "content")
    payload = _without_opaque_alpha(found.data) if found.suffix == ".png" else found.data
    name = state.add(payload, found.suffix)
    image.attrs["src"] = f"__NV_ASSETS__/{IMAGE_FOLDER}/{name}"


def _replace_image(image: Node, remote: str | None) -> None:
    """The image's alt text in its place (a link to it when it is remote)."""
    alt = image.attributes.get("alt") or ("image" if remote else "image not shown")
    holder = HTMLParser("<span></span>").css_first("span")
    assert holder is not None
    holder.attrs["class"] = MISSING_IMAGE_CLASS
    if remote is not None:
        link = HTMLParser("<a></a>").css_first("a")
        assert link is not None
        link.attrs["href"] = remote
        link.attrs["rel"] = "noopener noreferrer nofollow"
        link.insert_child(f"{alt} (image on another site)")
        holder.insert_child(link)
    else:
        holder.insert_child(f"[{alt}]")
    image.replace_with(holder)


def _data_uri_bytes(uri: str) -> bytes | None:
    header, comma, payload = uri.partition(",")
    if not comma:
        return None
    try:
        if header.lower().endswith(";base64"):
            return base64.b64decode("".join(payload.split()), validate=True)
        return unquote(payload).encode("latin-1")
    except (binascii.Error, ValueError, UnicodeEncodeError):
        return None


def _short(text: str, limit: int = 80) -> str:
    return text if len(text) <= limit else text[:limit - 1] + "…"


_CELL_TYPE_KEY = re.compile(r'(?<!\\)"cell_type"\s*:')


def _placed(notes: list[CellNote], data: bytes) -> tuple[CellNote, ...]:
    """The notes with each cell's line and column in the .ipynb file (where its
    "cell_type" key is), so editors can jump to it."""
    if not notes:
        return ()
    text = data.decode("utf-8", errors="replace")
    starts = [match.start() for match in _CELL_TYPE_KEY.finditer(text)]
    placed = []
    for note in notes:
        line, column = 1, 1
        if 1 <= note.cell <= len(starts):
            line, column = line_and_column(text, starts[note.cell - 1])
        placed.append(CellNote(note.code, note.cell, note.message, note.hint, line, column))
    return tuple(placed)


def take_title(page: HTMLParser) -> str | None:
    """Remove the notebook's (or note's) opening h1: the page shows the catalogue title in
    its place."""
    first = page.css_first(_HEADINGS)
    if first is None or first.tag != "h1":
        return None
    title = " ".join(first.text(deep=True, separator=" ").replace("¶", "").split())
    first.decompose()
    return title or None


def heading_toc(page: HTMLParser, prefix: str = "nb-",
                taken: set[str] | None = None) -> tuple[TocEntry, ...]:
    """Give every heading a readable, unique id (`prefix` + its slug, none of `taken`) and a
    permalink, and list them for the TOC."""
    entries = []
    taken = set() if taken is None else taken
    for heading in page.css(_HEADINGS):
        title = " ".join(heading.text(deep=True, separator=" ").replace("¶", "").split())
        if not title:
            continue
        heading_id = unique_id(prefix + (slugify(title, max_length=60) or "section"), taken)
        taken.add(heading_id)
        heading.attrs["id"] = heading_id
        entries.append(TocEntry(int(str(heading.tag)[1]), heading_id, title))
        _add_permalink(heading, heading_id)
    return tuple(entries)


def _add_permalink(heading: Node, heading_id: str) -> None:
    link = HTMLParser(
        f'<a class="headerlink" href="#{heading_id}" title="Permanent link">¶</a>'
    ).css_first("a")
    if link is not None:
        heading.insert_child(link)


def _without_opaque_alpha(png: bytes) -> bytes:
    """The same pixels in fewer bytes: plotting libraries save RGBA even when every pixel
    is opaque, and dropping that channel makes most figures a tenth smaller."""
    try:
        image = Image.open(io.BytesIO(png))
        if image.mode != "RGBA" or image.getchannel("A").getextrema() != (255, 255):
            return png
        buffer = io.BytesIO()
        image.convert("RGB").save(buffer, format="PNG")
    except (OSError, ValueError, Image.DecompressionBombError):
        return png  # not a PNG Pillow can read: publish it as it came
    smaller = buffer.getvalue()
    return smaller if len(smaller) < len(png) else png


# nbconvert's lab template nests each cell in wrappers JupyterLab needs for collapsing and
# prompts; on a page they are empty or transparent boxes that cost bytes and parsing.
_EMPTY_WRAPPERS = "div.jp-Collapser"
_TRANSPARENT_WRAPPERS = ("div.jp-Cell-inputWrapper, div.jp-InputArea, div.jp-Cell-outputWrapper, "
                         "div.jp-CodeMirrorEditor")


def _drop_wrappers(page: HTMLParser) -> None:
    for node in page.css(_EMPTY_WRAPPERS):
        node.decompose()
    # mkdocs-jupyter's template wraps the lab template's code cell in a second cell div.
    for inner in page.css("div.jp-Cell > div.jp-Cell"):
        outer = inner.parent
        if outer is not None:
            outer.unwrap()
    for node in page.css(_TRANSPARENT_WRAPPERS):
        node.unwrap()


# The template writes each cell's number (from 1) on its code and on its outputs, so a focus
# stop can say which cell it belongs to; the sanitiser keeps the attribute only there.
CELL_ATTRIBUTE = "data-nv-cell"
# Outputs that are only a picture: it fits its box (max-width: 100%), so it never scrolls
# and needs no focus stop.
_PICTURE_OUTPUTS = frozenset({"jp-RenderedImage", "jp-RenderedSVG"})


def _mark_regions(page: HTMLParser) -> None:
    """Every box of the notebook that can scroll becomes a named focus stop (scrolling.py):
    code and outputs named after their cell, then equations and tables wherever they are."""
    for holder in page.css(f"[{CELL_ATTRIBUTE}]"):
        number = holder.attributes.get(CELL_ATTRIBUTE) or ""
        del holder.attrs[CELL_ATTRIBUTE]
        of_cell = f" of cell {number}" if number.isdigit() else ""
        if holder.tag != "nv-output":
            for code in holder.css("pre > code"):
                make_region(code, f"Code{of_cell}")
            continue
        outputs = [output for output in holder.css("div.jp-OutputArea-output")
                   if not _PICTURE_OUTPUTS & set((output.attributes.get("class") or "").split())]
        for index, output in enumerate(outputs, 1):
            which = f" {index}" if len(outputs) > 1 else ""
            output.attrs["class"] = f"{output.attributes.get('class') or ''} {REGION_CLASS}".strip()
            make_region(output, f"Output{which}{of_cell}")
    mark_regions(page)


def render_script(path: Path, data: bytes | None = None) -> RenderedNotebook:
    """A .py experiment shown as one highlighted block, in the same frame as notebooks."""
    try:
        source = (path.read_bytes() if data is None else data).decode("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise NotebookProblem(f"cannot be read as UTF-8 text: {exc}") from exc
    code = highlighter("python")(source)
    page = HTMLParser(f'<div class="jupyter-wrapper nv-script">{code}</div>')
    mark_regions(page, code_label=f"Code of {path.name}")
    body = page.body
    fragment = (body.inner_html or "") if body is not None else ""
    return RenderedNotebook(html=fragment, search_html=lean_copy(fragment))


def lean_copy(fragment: str) -> str:
    """What search needs from a rendered notebook: headings (ids, permalinks), Markdown as
    plain text and code as its distinct words; outputs (excluded from search anyway), highlighting spans and
    wrapper divs dropped.

    Material's search plugin walks every tag of a page in Python, and a highlighted
    notebook is thousands of spans deep in a dozen nested divs: parsing that was half of
    a rebuild. The plugin shows search this copy and readers the full fragment. With the
    wrappers gone, code also lands in the section of the heading above it."""
    tree = HTMLParser(f"<div>{fragment}</div>")
    for output in tree.css("nv-output"):
        output.decompose()
    for block in tree.css("div.highlight"):
        code = html_text.escape(block.text(deep=True))
        plain = HTMLParser(f"<pre><code>{code}</code></pre>").css_first("pre")
        if plain is not None:
            block.replace_with(plain)
    # Code reaches search as the words a search can find in it, each once per notebook,
    # under the heading where it first appears (as an article's words are; see
    # searchwords.first_appearances): search matches no better for repeats, indentation,
    # bare punctuation or a word that starts a longer one, and code was more than half of
    # the index every reader downloads.
    blocks = tree.css("pre")
    for node, words in zip(blocks, first_appearances([b.text(deep=True) for b in blocks]),
                           strict=True):
        plain = HTMLParser(f"<pre><code>{html_text.escape(words)}</code></pre>"
                           ).css_first("pre")
        if plain is not None:
            node.replace_with(plain)
    # An equation is read by search as it is drawn; its TeX source (kept on the page for
    # copying and assistive technology) would add the same words again, run together.
    for annotation in tree.css("annotation"):
        annotation.decompose()
    for wrapper in tree.css("div"):
        wrapper.unwrap()
    body = tree.body
    return (body.inner_html or "") if body is not None else ""
