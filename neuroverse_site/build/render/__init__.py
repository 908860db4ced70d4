"""Catalogue + facts -> Markdown pages, through Jinja templates the user can override.

The renderer is pure: it reads no files and logs nothing. Everything it shows arrives as
arguments (the catalogue, and facts about notebooks and PDFs gathered beforehand).
"""

from __future__ import annotations

import functools
import json
import posixpath
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

from jinja2 import ChoiceLoader, Environment, FileSystemLoader, PackageLoader, StrictUndefined
from markupsafe import escape

from ...core.diagnostics import Diagnostic, Severity
from ...core.model import Article, Catalogue, Experiment, Section, Status

NOTEBOOK_MARKER = "<!-- neuroverse:notebook -->"
STATUS_TABLE_MARKER = "<!-- neuroverse:status-table -->"
RECENT_MARKER = "<!-- neuroverse:recent -->"
ASSETS_DIR = "assets/neuroverse"
RECENT_LIMIT = 6


# ---------------------------------------------------------------------------------------
# Where generated things live (src_uri, relative to the virtual docs folder)


def section_uri(section: Section | str) -> str:
    return f"sections/{section if isinstance(section, str) else section.id}/index.md"


def experiment_uri(experiment: Experiment | str) -> str:
    return f"experiments/{experiment if isinstance(experiment, str) else experiment.id}.md"


def experiment_id_of(src_uri: str) -> str | None:
    """The id of the experiment whose page `src_uri` is, or None for any other page."""
    folder, _, name = src_uri.rpartition("/")
    if folder != "experiments" or not name.endswith(".md") or src_uri == EXPERIMENT_LOG_URI:
        return None
    experiment_id = name.removesuffix(".md")
    return experiment_id if experiment_uri(experiment_id) == src_uri else None


def article_id_of(src_uri: str) -> str | None:
    """The id of the article whose page `src_uri` is, or None for any other page."""
    folder, _, name = src_uri.rpartition("/")
    if folder != "articles" or not name.endswith(".md") or src_uri == ARTICLES_URI:
        return None
    article_id = name.removesuffix(".md")
    return article_id if article_uri(article_id) == src_uri else None


def article_uri(article: Article | str) -> str:
    return f"articles/{article if isinstance(article, str) else article.id}.md"


def thumbnail_uri(article: Article) -> str:
    return f"{ASSETS_DIR}/thumbs/{article.id}.png"


def page_image_uri(article: Article | str, number: int, density: int = 1) -> str:
    """Where page `number` of an article's PDF is published, drawn for `density` device
    pixels per CSS pixel (1 or 2)."""
    article_id = article if isinstance(article, str) else article.id
    return f"{ASSETS_DIR}/pages/{article_id}/page-{number}{'-2x' if density == 2 else ''}.jpg"


def page_text_marker(number: int) -> str:
    """Where page `number`'s text goes: filled by the plugin after Markdown (see
    PAGE_TEXT_MARKER), so text from a PDF is never read as Markdown."""
    return f"<!-- neuroverse:page-text {number} -->"


SECTIONS_URI = "sections/index.md"
EXPERIMENT_LOG_URI = "experiments/index.md"
ARTICLES_URI = "articles/index.md"
RESOURCES_URI = "resources.md"
PROBLEMS_URI = "catalogue-problems.md"
STYLESHEET_URI = f"{ASSETS_DIR}/neuroverse.css"
# The stylesheet the generated pages are written for, published at STYLESHEET_URI.
STYLESHEET_PATH = Path(__file__).resolve().parent.parent / "assets" / "neuroverse.css"


def page_url(src_uri: str, use_directory_urls: bool) -> str:
    """The URL path MkDocs gives a file, relative to the site root."""
    if not src_uri.endswith(".md"):
        return src_uri
    stem = src_uri[: -len(".md")]
    if stem == "index" or stem.endswith("/index"):
        return stem[: -len("index")]
    return f"{stem}/" if use_directory_urls else f"{stem}.html"


# ---------------------------------------------------------------------------------------
# Facts gathered from files before rendering


@dataclass(frozen=True)
class ExperimentFacts:
    has_body: bool = False  # a rendered notebook or script will replace NOTEBOOK_MARKER
    size_bytes: int | None = None
    problem: str | None = None  # why the notebook or script could not be shown


@dataclass(frozen=True)
class PageView:
    """One rendered PDF page, as its article page shows it."""

    number: int
    width: int  # CSS pixels; 0 when the page has no image (too thin to draw)
    height: int
    text: str


@dataclass(frozen=True)
class ArticleFacts:
    pages: int | None = None
    size_bytes: int | None = None
    has_thumbnail: bool = False
    problem: str | None = None
    page_views: tuple[PageView, ...] = ()  # the pages shown, the first `pdf_pages`
    active: tuple[str, ...] = ()  # what in the PDF could run when opened


@dataclass(frozen=True)
class Facts:
    experiments: Mapping[str, ExperimentFacts]
    articles: Mapping[str, ArticleFacts]

    def experiment(self, experiment: Experiment) -> ExperimentFacts:
        return self.experiments.get(experiment.id, ExperimentFacts())

    def article(self, article: Article) -> ArticleFacts:
        return self.articles.get(article.id, ArticleFacts())


@dataclass(frozen=True)
class GeneratedPage:
    src_uri: str
    title: str
    markdown: str


# ---------------------------------------------------------------------------------------
# Escaping. Catalogue text is data: it must read as written and never become markup.

# Characters with a meaning anywhere in a line of Markdown: emphasis, code, attribute lists,
# links, tables, escapes. Only characters Markdown accepts a backslash before belong here;
# any other would show the backslash on the page.
_MARKDOWN_SPECIALS = re.compile(r"([\\`*_{}\[\]|])")
# ...and those that mean something only where a block starts: headings, list items.
_BLOCK_START = re.compile(r"^(\d*)([#+.)-])")
# An ampersand is only markup when it starts an entity such as &lt; or &#60;.
_ENTITY_START = re.compile(r"&(?=#?\w+;)")
_HTML_SPECIALS = {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;"}
_SCHEME = re.compile(r"^([a-z][a-z0-9+.-]*):", re.IGNORECASE)


def _html_escape(text: str) -> str:
    return "".join(_HTML_SPECIALS.get(ch, ch) for ch in text)


def text_filter(value: object) -> str:
    """Plain text, shown literally: no Markdown, no HTML, on one line."""
    flat = " ".join(str(value).split())
    html_safe = _ENTITY_START.sub("&amp;", flat).replace("<", "&lt;").replace(">", "&gt;")
    inline_safe = _MARKDOWN_SPECIALS.sub(r"\\\1", html_safe)
    return _BLOCK_START.sub(r"\1\\\2", inline_safe)


def cell_filter(value: object) -> str:
    """Plain text for a table cell; `text` already escapes the pipe."""
    return text_filter(value)


def attr_filter(value: object) -> str:
    """Text inside a double-quoted HTML attribute."""
    return str(escape(" ".join(str(value).split())))


def markdown_filter(value: object) -> str:
    """Markdown from the catalogue (descriptions): formatting and links are kept, raw HTML
    and attribute lists are shown as text. Which links survive is decided on the page
    Markdown makes, as the browser reads it (build.site.checked_page_html), not here: the
    source can spell a scheme in too many ways."""
    return _html_escape(str(value)).replace("{", "\\{").replace("}", "\\}")


def yaml_string_filter(value: object) -> str:
    """A YAML scalar for front matter; JSON strings are valid YAML."""
    return json.dumps(" ".join(str(value).split()), ensure_ascii=False)


def page_title_filter(value: object) -> str:
    """A page title for front matter. MkDocs and the theme put titles into the navigation,
    the browser tab and search results without escaping them, so the escaping is done here."""
    return yaml_string_filter(_html_escape(str(value)))


def href_filter(value: object) -> str:
    """A URL inside a Markdown link: characters that would end the link are percent-encoded,
    and a link that is not to the web, mail or a relative path goes nowhere. The check
    reports such links; this keeps them dead in a build that goes on despite errors."""
    # Browsers drop control characters and spaces inside a scheme ("java\tscript:").
    scheme = _SCHEME.match(re.sub(r"[\x00-\x20]", "", str(value)))
    if scheme is not None and scheme.group(1).lower() not in ("http", "https", "mailto"):
        return "#"
    return "".join(f"%{ord(ch):02X}" if ch in '()<> "' else ch for ch in str(value).strip())


def size_filter(size: int | None) -> str:
    if size is None:
        return "unknown size"
    value = float(size)
    for unit in ("bytes", "KB", "MB", "GB"):
        if value < 1024 or unit == "GB":
            return f"{int(value)} {unit}" if unit == "bytes" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{size} bytes"


# ---------------------------------------------------------------------------------------


@functools.lru_cache(maxsize=4)
def _environment(templates_dir: str | None) -> Environment:
    """One Jinja environment per templates folder for the whole process: `mkdocs serve`
    rebuilds then reuse its compiled templates (compiling them was most of the time a
    rebuild spent rendering pages). Jinja checks each template's file for changes before
    reusing it, so an edited template is compiled again."""
    loaders: list[Any] = [PackageLoader("neuroverse_site", "build/render/templates")]
    if templates_dir is not None:
        loaders.insert(0, FileSystemLoader(templates_dir))
    env = Environment(
        loader=ChoiceLoader(loaders),
        undefined=StrictUndefined,
        autoescape=False,  # templates produce Markdown; fields are escaped by named filters
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(
        text=text_filter, cell=cell_filter, attr=attr_filter, markdown=markdown_filter,
        yaml_string=yaml_string_filter, size=size_filter, href=href_filter,
        page_title=page_title_filter,
    )
    # What every template, the README's included, may name.
    env.globals.update(
        Status=Status, section_uri=section_uri, experiment_uri=experiment_uri,
        article_uri=article_uri, thumbnail_uri=thumbnail_uri, page_image_uri=page_image_uri,
        page_text_marker=page_text_marker, experiment_log_uri=EXPERIMENT_LOG_URI, articles_uri=ARTICLES_URI,
        resources_uri=RESOURCES_URI,
    )
    return env


class Renderer:
    """Renders every generated page for one catalogue."""

    def __init__(self, catalogue: Catalogue, facts: Facts, *, use_directory_urls: bool = True,
                 templates_dir: Path | None = None) -> None:
        self.catalogue = catalogue
        self.facts = facts
        self.use_directory_urls = use_directory_urls
        self.env = _environment(str(templates_dir) if templates_dir is not None else None)

    # Links ------------------------------------------------------------------------------

    def _helpers(self, from_uri: str) -> dict[str, Callable[..., Any]]:
        from_dir = posixpath.dirname(from_uri)
        from_url_dir = posixpath.dirname(page_url(from_uri, self.use_directory_urls).rstrip("/")
                                         + "/x") if from_uri.endswith(".md") else from_dir

        def link(target_uri: str) -> str:
            """A Markdown link target, relative to this page's source; MkDocs checks it."""
            # Percent-encoded: a file name with `)`, `<` or spaces must not end the link
            # early and spill into the page as Markdown or HTML.
            return quote(posixpath.relpath(target_uri, from_dir or "."), safe="/")

        def url(target_uri: str) -> str:
            """A raw-HTML URL relative to this page's URL, for tags MkDocs does not rewrite."""
            target = page_url(target_uri, self.use_directory_urls)
            relative = quote(posixpath.relpath(target or ".", from_url_dir or "."), safe="/")
            return relative + ("/" if target.endswith("/") and relative != "." else "")

        return {"link": link, "url": url}

    def _render(self, template: str, from_uri: str, **context: Any) -> str:
        context.setdefault("facts", self.facts)
        return self.env.get_template(template).render(
            catalogue=self.catalogue, **self._helpers(from_uri), **context)

    # Pages ------------------------------------------------------------------------------

    def pages(self) -> list[GeneratedPage]:
        catalogue = self.catalogue
        pages = [
            GeneratedPage(section_uri(s), f"{s.number}. {s.title}",
                          self._render("section.md.j2", section_uri(s), section=s))
            for s in catalogue.sections
        ]
        pages += [self.experiment_page(e) for e in catalogue.experiments]
        pages += [
            GeneratedPage(article_uri(a), a.title,
                          self._render("article.md.j2", article_uri(a), article=a))
            for a in catalogue.articles
        ]
        pages.append(GeneratedPage(SECTIONS_URI, "Sections", self._render(
            "sections.md.j2", SECTIONS_URI, status_table=self.status_table(SECTIONS_URI))))
        pages.append(GeneratedPage(EXPERIMENT_LOG_URI, "Experiment log",
                                   self._render("experiment_log.md.j2", EXPERIMENT_LOG_URI)))
        pages.append(GeneratedPage(ARTICLES_URI, "Articles",
                                   self._render("articles.md.j2", ARTICLES_URI)))
        pages.append(GeneratedPage(RESOURCES_URI, "Resources",
                                   self._render("resources.md.j2", RESOURCES_URI)))
        return pages

    def experiment_page(self, experiment: Experiment,
                        facts: ExperimentFacts | None = None) -> GeneratedPage:
        """The experiment's page; `facts`, when given, replace what is known of its file
        (a notebook found broken only after the other pages were rendered)."""
        context: dict[str, Any] = {}
        if facts is not None:
            context["facts"] = Facts({**self.facts.experiments, experiment.id: facts},
                                     self.facts.articles)
        uri = experiment_uri(experiment)
        return GeneratedPage(uri, experiment.title, self._render(
            "experiment.md.j2", uri, experiment=experiment,
            section=self.catalogue.section(experiment.section), marker=NOTEBOOK_MARKER,
            **context))

    def problems_page(self, problems: Sequence[Diagnostic]) -> GeneratedPage:
        """A page listing the catalogue's problems, for builds that go on despite errors."""
        errors = sum(p.severity is Severity.ERROR for p in problems)
        return GeneratedPage(PROBLEMS_URI, "Catalogue problems", self._render(
            "problems.md.j2", PROBLEMS_URI, problems=problems, errors=errors,
            warnings=len(problems) - errors))

    def problems_notice(self, problems: Sequence[Diagnostic], from_uri: str) -> str:
        """An admonition for the home page pointing at the problems page."""
        errors = sum(p.severity is Severity.ERROR for p in problems)
        return (f'!!! failure "The catalogue has {errors} error{"s" * (errors != 1)}"\n\n'
                f"    This build shows what could be read. "
                f"[See the list of problems]({self._helpers(from_uri)['link'](PROBLEMS_URI)}).\n\n")

    def status_table(self, from_uri: str) -> str:
        return self._render("status_table.md.j2", from_uri)

    def recent(self, from_uri: str, limit: int = RECENT_LIMIT) -> str:
        return self._render("recent.md.j2", from_uri, entries=self.catalogue.recent(limit))

    def home_blocks(self, markdown: str, from_uri: str) -> str:
        """Fill the home page's markers; a page without markers gets both after its text."""
        if STATUS_TABLE_MARKER not in markdown and RECENT_MARKER not in markdown:
            markdown = (f"{markdown.rstrip()}\n\n## Sections\n\n{STATUS_TABLE_MARKER}\n\n"
                        f"{RECENT_MARKER}\n")
        return (markdown
                .replace(STATUS_TABLE_MARKER, self.status_table(from_uri))
                .replace(RECENT_MARKER, self.recent(from_uri)))
