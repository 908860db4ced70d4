"""Notebook -> HTML fragment, TOC and image files. No MkDocs types here.

One exporter is built per converter and reused for every notebook (nbconvert otherwise
recompiles its Jinja templates each time), the TOC is read from the same HTML pass, and
images leave the HTML as content-addressed files so pages stay light and browsers cache them.
nbconvert is imported only when a notebook is actually converted, so a build served entirely
from the cache never pays for it.
"""

from __future__ import annotations

import hashlib
import html as html_text
import io
import json
import mimetypes
import warnings
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any

import nh3
from jinja2 import pass_context
from PIL import Image
from pygments import format as format_tokens
from pygments.formatters import HtmlFormatter
from pygments.lexer import Lexer
from pygments.lexers import get_lexer_by_name
from pygments.token import Token, _TokenType, is_token_subtype
from pygments.util import ClassNotFound
from selectolax.lexbor import LexborHTMLParser as HTMLParser
from selectolax.lexbor import LexborNode as Node

from ..core.ids import blob_name, slugify, unique_id
from ..core.probes import notebook_format_problem
from .mathml import MATHML_ATTRIBUTES, MATHML_TAGS, mathml_renderer_class
from .thumbnails import NotebookThumbnail, notebook_thumbnail

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

    def key(self) -> str:
        return json.dumps({"trust": self.trust_outputs})


@dataclass(frozen=True)
class TocEntry:
    level: int
    id: str
    title: str


@dataclass(frozen=True)
class NotebookAsset:
    name: str  # content-addressed file name under IMAGE_FOLDER
    data: bytes


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


@dataclass
class _Collected:
    assets: dict[str, NotebookAsset] = field(default_factory=dict)
    local_files: dict[str, str] = field(default_factory=dict)

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
            return str(MarkdownWithMath(renderer=renderer).render(source))

    return PageExporter


def _highlighter(language: str) -> Any:
    # Material styles `.highlight > pre > code` in both palettes and adds copy buttons.
    formatter = HtmlFormatter(cssclass="highlight", wrapcode=True)

    def highlight_code(source: str, language: str | None = language,
                       metadata: Mapping[str, Any] | None = None) -> str:
        tokens = _lexer(language or "text").get_tokens(source)
        return str(highlight_tokens(tokens, formatter))

    return highlight_code


@lru_cache(maxsize=64)
def _lexer(language: str) -> Lexer:
    try:
        return get_lexer_by_name(language)
    except ClassNotFound:
        return get_lexer_by_name("text")


def highlight_tokens(tokens: Iterable[tuple[_TokenType, str]], formatter: HtmlFormatter[str]
                     ) -> str:
    """Format tokens with as few spans as Material's colours allow.

    Material draws `.n` in the code colour and does not style `.w`, so plain names and
    whitespace become bare text; it draws operators (`.o`, `.ow`) in the punctuation colour,
    so they become punctuation and merge with the brackets beside them. Nothing changes on
    screen, yet these spans were half the markup, and every tag costs the search indexer
    and the reader's browser."""

    def fewer_spans() -> Iterator[tuple[_TokenType, str]]:
        for token_type, value in tokens:
            if token_type is Token.Name or is_token_subtype(token_type, Token.Text):
                yield Token.Text, value
            elif is_token_subtype(token_type, Token.Operator):
                yield Token.Punctuation, value
            else:
                yield token_type, value

    return str(format_tokens(fewer_spans(), formatter))


class NotebookConverter:
    """Turns notebooks into page fragments with one reused exporter."""

    def __init__(self, options: NotebookOptions | None = None) -> None:
        self.options = options or NotebookOptions()
        self._exporters: dict[str, HTMLExporter] = {}

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
                filters={"highlight_code": _highlighter(language)},
                exclude_anchor_links=True,
                embed_images=False,
            )
            self._exporters[language] = exporter
        return exporter

    def convert(self, path: Path, data: bytes | None = None) -> RenderedNotebook:
        """Render the notebook at `path`; `data`, when given, is its content already read
        (the bytes a cache key was computed from)."""
        import nbformat
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
        try:
            html, resources = self._exporter(language).from_notebook_node(
                notebook,
                resources={"unique_key": "output", "mkdocs": {"include_requirejs": False}},
            )
        # What nbconvert raises on notebooks that are JSON but damaged inside (a bad base64
        # image, an output of the wrong shape): the notebook's own page says so, and the
        # build goes on.
        except (ValueError, TypeError, KeyError, AttributeError) as exc:
            raise NotebookProblem(f"cannot be converted ({type(exc).__name__}: {exc})") from exc
        if not self.options.trust_outputs:
            html = sanitize(html)
        collected = _Collected()
        extracted: Mapping[str, bytes] = resources.get("outputs", {})
        page = HTMLParser(html)
        _rewrite_images(page, extracted, path.parent, collected)
        title = _take_title(page)
        toc = _headings(page)
        _mark_focusable(page)
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
        )


def _language(notebook: Any) -> str:
    metadata = notebook.get("metadata", {})
    info = metadata.get("language_info", {}) or {}
    kernel = metadata.get("kernelspec", {}) or {}
    return str(info.get("pygments_lexer") or info.get("name") or kernel.get("language") or "python")


_ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "caption", "code", "col", "colgroup", "dd", "del",
    "details", "div", "dl", "dt", "em", "figcaption", "figure", "h1", "h2", "h3", "h4", "h5",
    "h6", "hr", "i", "img", "ins", "kbd", "li", "mark", "ol", "p", "pre", "q", "s", "samp",
    "small", "span", "strong", "sub", "summary", "sup", "table", "tbody", "td", "tfoot", "th",
    "thead", "tr", "u", "ul", "var", "nv-output", *MATHML_TAGS,
}
_ALLOWED_ATTRIBUTES = {
    "*": {"class", "id", "title", "lang", "dir", "data-mime-type", "data-type",
          "data-search-exclude", "align"},
    "a": {"href"},
    "img": {"src", "alt", "width", "height"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan", "scope"},
    "ol": {"start"},
    **{tag: set(MATHML_ATTRIBUTES) for tag in MATHML_TAGS},
}


def sanitize(html: str) -> str:
    """Keep the notebook's structure and content, drop anything that could run."""
    cleaned: str = nh3.clean(
        html,
        tags=_ALLOWED_TAGS,
        attributes=_ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto", "data"},
        link_rel="noopener noreferrer",
        strip_comments=True,
    )
    return cleaned


def _rewrite_images(page: HTMLParser, extracted: Mapping[str, bytes], notebook_dir: Path,
                    collected: _Collected) -> None:
    for anchor in page.css("a[href^='data:']"):
        anchor.attrs["href"] = "#"  # a data: link navigates to attacker-chosen content
    for image in page.css("img"):
        src = image.attributes.get("src") or ""
        data: bytes | None = None
        suffix = PurePosixPath(src).suffix.lower() or ".png"
        if src in extracted:
            data = extracted[src]
            if suffix == ".png":
                data = _without_opaque_alpha(data)
        elif src and not src.startswith(("data:", "http://", "https://", "/")):
            local = (notebook_dir / src).resolve()
            if local.is_relative_to(notebook_dir.resolve().parent.parent):
                if local.is_file():
                    data = local.read_bytes()
                # An absent file is remembered too ("" as its digest): adding it later
                # must re-render the notebook.
                digest = hashlib.sha256(data).hexdigest() if data is not None else ""
                collected.local_files[str(local)] = digest
        if data is not None:
            name = collected.add(data, suffix if mimetypes.guess_type("x" + suffix)[0] else ".png")
            image.attrs["src"] = f"__NV_ASSETS__/{IMAGE_FOLDER}/{name}"
        image.attrs["loading"] = "lazy"
        image.attrs["decoding"] = "async"
        if not image.attributes.get("alt"):
            image.attrs["alt"] = "Notebook output"


def _take_title(page: HTMLParser) -> str | None:
    """Remove the notebook's opening h1: the page shows the catalogue title in its place."""
    first = page.css_first(_HEADINGS)
    if first is None or first.tag != "h1":
        return None
    title = " ".join(first.text(deep=True, separator=" ").replace("¶", "").split())
    first.decompose()
    return title or None


def _headings(page: HTMLParser) -> tuple[TocEntry, ...]:
    """Give every heading a readable, unique id and a permalink, and list them for the TOC."""
    entries = []
    taken: set[str] = set()
    for heading in page.css(_HEADINGS):
        title = " ".join(heading.text(deep=True, separator=" ").replace("¶", "").split())
        if not title:
            continue
        heading_id = unique_id("nb-" + (slugify(title, max_length=60) or "section"), taken)
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


def _mark_focusable(page: HTMLParser) -> None:
    # Scrollable code and output areas need a focus stop for keyboard users.
    for area in page.css("div.jp-OutputArea-output, div.highlight"):
        area.attrs["tabindex"] = "0"


def render_script(path: Path, data: bytes | None = None) -> RenderedNotebook:
    """A .py experiment shown as one highlighted block, in the same frame as notebooks."""
    try:
        source = (path.read_bytes() if data is None else data).decode("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise NotebookProblem(f"cannot be read as UTF-8 text: {exc}") from exc
    code = _highlighter("python")(source)
    page = HTMLParser(f'<div class="jupyter-wrapper nv-script">{code}</div>')
    _mark_focusable(page)
    body = page.body
    fragment = (body.inner_html or "") if body is not None else ""
    return RenderedNotebook(html=fragment, search_html=lean_copy(fragment))


def lean_copy(fragment: str) -> str:
    """What search needs from a rendered notebook: headings (ids, permalinks), Markdown and
    code as plain text; outputs (excluded from search anyway), highlighting spans and
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
    for wrapper in tree.css("div"):
        wrapper.unwrap()
    body = tree.body
    return (body.inner_html or "") if body is not None else ""
