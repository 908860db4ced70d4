"""Catalogue + facts -> Markdown pages, through Jinja templates the user can override.

The renderer is pure: it reads no files and logs nothing. Everything it shows arrives as
arguments (the catalogue, and facts about notebooks and PDFs gathered beforehand).
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import posixpath
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

from jinja2 import ChoiceLoader, Environment, FileSystemLoader, PackageLoader, StrictUndefined
from markupsafe import escape

from ...core.diagnostics import Diagnostic, Severity
from ...core.ids import slugify, unique_id
from ...core.model import Article, Catalogue, Experiment, Section, SiteInfo, Status, same_words
from ...core.paths import folder_in_checkout

NOTEBOOK_MARKER = "<!-- neuroverse:notebook -->"
NOTE_MARKER = "<!-- neuroverse:note -->"
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
TAGS_URI = "tags.md"
FEED_URI = "feed.xml"
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


def repository_file_url(repository_url: str | None, relative: str, folder: str | None = ""
                        ) -> str | None:
    """Where a file of the archive is shown in its repository: `blob/HEAD/<path>`, which
    GitHub serves and GitLab redirects to its own form (`folder`: where the archive lies in
    the repository). None without a repository."""
    if not repository_url:
        return None
    return f"{repository_url.rstrip('/')}/blob/HEAD/{quote(in_repository(folder, relative), safe='/')}"


def in_repository(folder: str | None, relative: str) -> str:
    """An archive path as a path of the repository whose `folder` holds the archive."""
    return posixpath.join(folder, relative) if folder else relative


def located(catalogue: Catalogue, root: Path) -> Catalogue:
    """The catalogue with `site.repository_folder` filled in from the git checkout that
    holds the archive at `root`, when the catalogue does not say it: an archive kept in a
    folder of a larger repository links its files there, not at the repository's top."""
    if catalogue.site.repository_folder is not None:
        return catalogue
    folder = folder_in_checkout(root) or ""
    return replace(catalogue, site=replace(catalogue.site, repository_folder=folder))


# ---------------------------------------------------------------------------------------
# Facts gathered from files before rendering


@dataclass(frozen=True)
class Picture:
    """A published image and its size in pixels (so the page keeps its place for it)."""

    uri: str  # relative to the site root
    width: int
    height: int


@dataclass(frozen=True)
class ExperimentFacts:
    has_body: bool = False  # a rendered notebook or script will replace NOTEBOOK_MARKER
    size_bytes: int | None = None
    problem: str | None = None  # why the notebook or script could not be shown
    thumbnail: Picture | None = None  # the notebook's chosen figure, made small


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
    problem: str | None = None  # why the PDF or note could not be shown
    has_body: bool = False  # a rendered Markdown note will replace NOTE_MARKER
    page_views: tuple[PageView, ...] = ()  # the pages shown, the first `pdf_pages`
    active: tuple[str, ...] = ()  # what in the PDF could run when opened
    thumbnail_size: tuple[int, int] | None = None  # width, height in pixels


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
    source can spell a scheme in too many ways.

    Inline code is left as typed: Markdown escapes a code span's `<`, `&` and `"` itself, so
    escaping them here first would show `&lt;` to the reader. Only spans closed on their
    own line count: a line inside a span that spilled over lines could start a raw HTML
    block before Markdown ever sees the span."""
    return "".join(chunk if is_code else
                   _html_escape(chunk).replace("{", "\\{").replace("}", "\\}")
                   for is_code, chunk in _code_spans(str(value)))


def _code_spans(text: str) -> list[tuple[bool, str]]:
    """Split Markdown into (is a code span, text) pieces: a run of n backticks opens a span
    that the next run of exactly n backticks on the same line closes (CommonMark's rule,
    kept to one line); an unclosed or backslash-escaped run is plain text."""
    pieces: list[tuple[bool, str]] = []
    start = index = 0
    while index < len(text):
        if text[index] != "`":
            index += 1
            continue
        run_end = index
        while run_end < len(text) and text[run_end] == "`":
            run_end += 1
        backslashes = len(text[:index]) - len(text[:index].rstrip("\\"))
        close = -1 if backslashes % 2 else _closing_run(text, run_end, run_end - index)
        if close < 0:
            index = run_end
            continue
        if index > start:
            pieces.append((False, text[start:index]))
        pieces.append((True, text[index:close]))
        start = index = close
    if start < len(text):
        pieces.append((False, text[start:]))
    return pieces


def _closing_run(text: str, position: int, length: int) -> int:
    """Where a run of exactly `length` backticks ends, searching from `position` to the end
    of the line; -1 when there is none."""
    while position < len(text) and text[position] != "\n":
        if text[position] != "`":
            position += 1
            continue
        end = position
        while end < len(text) and text[end] == "`":
            end += 1
        if end - position == length:
            return end
        position = end
    return -1


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
# Words that would only repeat the title

def distinct_text(text: str, title: str) -> str:
    """`text` (a summary or goal), or "" when it only says the title again: an imported
    article's summary is often its title, and a card that says the same thing twice
    tells the reader nothing. Case, spacing and punctuation do not count."""
    return "" if same_words(text, title) else text


# ---------------------------------------------------------------------------------------
# Where an experiment's file can be opened: on the forge that hosts it, in Colab, or here

COLAB_URL = "https://colab.research.google.com/github"
# Forges whose file pages have a known address: host -> (name, path between repo and branch).
_FORGES = {"github.com": ("GitHub", "blob"), "gitlab.com": ("GitLab", "-/blob")}
_REPOSITORY_SEGMENT = re.compile(r"^[A-Za-z0-9_.-]+$")


@dataclass(frozen=True)
class Repository:
    forge: str  # "GitHub", "GitLab"
    base: str  # https://github.com/OWNER/REPO
    path: str  # OWNER/REPO


def repository_of(site: SiteInfo) -> Repository | None:
    """The catalogue's repository when it is a repository's home on a forge we know the
    file addresses of; None for anything else (another host, a sub-page, a typo)."""
    if not site.repository_url:
        return None
    parts = urlsplit(site.repository_url.strip())
    host = (parts.hostname or "").lower().removeprefix("www.")
    if parts.scheme not in ("http", "https") or host not in _FORGES or parts.query:
        return None
    segments = [s for s in parts.path.split("/") if s]
    if segments:
        segments[-1] = segments[-1].removesuffix(".git")
    # GitHub: exactly owner/repo. GitLab: groups may nest, so owner/.../repo.
    if len(segments) < 2 or (host == "github.com" and len(segments) != 2):
        return None
    if not all(_REPOSITORY_SEGMENT.match(s) and s not in (".", "..") for s in segments):
        return None
    path = "/".join(segments)
    return Repository(_FORGES[host][0], f"https://{host}/{path}", path)


@dataclass(frozen=True)
class SourceLinks:
    """The buttons of an experiment page; each is None where it would not work."""

    download: str | None = None  # the published file, relative to the site root
    view: str | None = None  # the file on its forge
    forge: str = ""  # the forge's name, for the button's label
    colab: str | None = None  # the notebook opened in Google Colab


def source_links(site: SiteInfo, experiment: Experiment, published: bool) -> SourceLinks:
    """Links to an experiment's file. Colab opens only notebooks, and only from GitHub;
    nothing links to a file the build did not publish (missing, or a planned entry)."""
    source = experiment.source
    if source is None or not published:
        return SourceLinks()
    repository = repository_of(site)
    if repository is None:
        return SourceLinks(download=source)
    host = urlsplit(repository.base).hostname or ""
    branch = quote(site.branch, safe="/")
    file_path = quote(in_repository(site.repository_folder, source), safe="/")
    view = f"{repository.base}/{_FORGES[host][1]}/{branch}/{file_path}"
    colab = (f"{COLAB_URL}/{repository.path}/blob/{branch}/{file_path}"
             if repository.forge == "GitHub" and experiment.notebook else None)
    return SourceLinks(download=source, view=view, forge=repository.forge, colab=colab)


# ---------------------------------------------------------------------------------------
# Tags


def tag_anchors(catalogue: Catalogue) -> dict[str, str]:
    """Every tag of the catalogue -> its anchor on the tags page, in the order the page
    lists them. An anchor depends only on the tag itself and on which other tags make the
    same slug, never on order, so links to it survive new entries. Tags whose slugs clash
    ("C", "c", "C++") are told apart by a short hash of the tag, except the one that is
    its own slug already."""
    entries: tuple[Experiment | Article, ...] = (*catalogue.experiments, *catalogue.articles)
    tags = sorted({tag for entry in entries for tag in entry.tags},
                  key=lambda tag: (tag.casefold(), tag))
    slugs = {tag: slugify(tag, max_length=60) for tag in tags}
    sharing: dict[str, int] = {}
    for slug in slugs.values():
        sharing[slug] = sharing.get(slug, 0) + 1
    anchors: dict[str, str] = {}
    for tag in tags:
        slug = slugs[tag]
        if slug and (sharing[slug] == 1 or tag == slug):
            base = f"tag-{slug}"
        else:
            digest = hashlib.sha256(tag.encode()).hexdigest()[:8]
            base = f"tag-{slug}-{digest}" if slug else f"tag-{digest}"
        anchors[tag] = unique_id(base, set(anchors.values()))
    return anchors


# ---------------------------------------------------------------------------------------
# Link previews


@dataclass(frozen=True)
class Preview:
    """What a shared link to a generated page shows."""

    title: str
    description: str
    kind: str = "website"  # og:type
    image: Picture | None = None
    image_alt: str = ""


# ---------------------------------------------------------------------------------------
# Pages remembered between the builds of one `mkdocs serve` session

class _Missing:
    """What a facts lookup of an id without facts read. One object, also once a memo kept
    between processes is read back (pickle names it instead of copying it)."""

    def __reduce__(self) -> str:
        return "_MISSING"


_MISSING = _Missing()


class _ReadFacts(Mapping[str, Any]):
    """One kind of facts as one page's rendering sees them, noting what it read: each id
    looked up (with the value it got), or that it went over all of them."""

    def __init__(self, facts: Mapping[str, Any]) -> None:
        self.facts = facts
        self.read: dict[str, Any] = {}
        self.whole = False

    def __getitem__(self, key: str) -> Any:
        value = self.facts.get(key, _MISSING)
        self.read[key] = value
        if value is _MISSING:
            raise KeyError(key)
        return value

    def __iter__(self) -> Iterator[str]:
        self.whole = True
        return iter(self.facts)

    def __len__(self) -> int:
        self.whole = True
        return len(self.facts)


@dataclass(frozen=True)
class _Remembered:
    markdown: str
    experiments: Mapping[str, Any]  # id -> the facts read (_MISSING: none)
    articles: Mapping[str, Any]
    all_experiments: Mapping[str, Any] | None  # every experiment's, when it went over all
    all_articles: Mapping[str, Any] | None

    def still_true(self, facts: Facts) -> bool:
        return (_same(self.experiments, self.all_experiments, facts.experiments)
                and _same(self.articles, self.all_articles, facts.articles))


def _same(read: Mapping[str, Any], whole: Mapping[str, Any] | None,
          facts: Mapping[str, Any]) -> bool:
    if whole is not None and dict(facts) != whole:
        return False
    return all(facts.get(key, _MISSING) == value for key, value in read.items())


@dataclass
class PageMemo:
    """The Markdown of each generated page as the last build rendered it, with what its
    rendering read, kept by a process that builds again (`mkdocs serve`): a page is used
    again only while the catalogue, the renderer's settings and every template file are
    the same and each fact its rendering looked up (or all of them, when it went over
    all) is equal. The catalogue and its site settings are compared whole: templates
    may read any of it. Only the last build's pages are kept."""

    inputs: tuple[object, ...] | None = None
    pages: dict[tuple[str, str], _Remembered] = field(default_factory=dict)
    used: int = 0  # pages the last build took from here (for tests and profiles)
    rendered: int = 0  # pages the last build rendered and put here

    def begin(self, inputs: tuple[object, ...]) -> None:
        if inputs != self.inputs:
            self.pages = {}
        self.inputs = inputs
        self.used = 0
        self.rendered = 0


# Templates folder -> the digest of its files when this process last rendered from it.
_templates_seen: dict[str | None, str] = {}


def templates_digest(templates_dir: str | None) -> str:
    """A digest of every file the pages' environment could load: our templates and the
    override folder's files, names and bytes (a file's time says too little: two saves
    within one tick of the clock)."""
    digest = hashlib.sha256()
    folders = [str(Path(__file__).parent / "templates")]
    if templates_dir is not None:
        folders.insert(0, templates_dir)
    for folder in folders:
        digest.update(b"folder\0" + os.fsencode(folder) + b"\0")
        for top, dirs, names in sorted(os.walk(folder, followlinks=True)):
            dirs.sort()
            for name in sorted(names):
                path = os.path.join(top, name)
                try:
                    with open(path, "rb") as handle:
                        data = handle.read()
                except OSError as error:  # Jinja will say what is wrong when it loads it
                    data = f"unreadable: {error}".encode()
                digest.update(os.fsencode(os.path.relpath(path, folder)) + b"\0")
                digest.update(hashlib.sha256(data).digest())
    return digest.hexdigest()


# ---------------------------------------------------------------------------------------


@functools.lru_cache(maxsize=65536)
def _relative(target: str, start: str) -> str:
    """posixpath.relpath of two site-relative paths (which never depends on the working
    folder), remembered: pages link to the same few hundred targets from the same few
    folders thousands of times a build, and relpath is slow."""
    return posixpath.relpath(target, start)


@functools.lru_cache(maxsize=4)
def pages_environment(templates_dir: str | None) -> Environment:
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
        page_text_marker=page_text_marker, experiment_log_uri=EXPERIMENT_LOG_URI,
        articles_uri=ARTICLES_URI, resources_uri=RESOURCES_URI, tags_uri=TAGS_URI,
        distinct=distinct_text,
    )
    return env


class Renderer:
    """Renders every generated page for one catalogue."""

    def __init__(self, catalogue: Catalogue, facts: Facts, *, use_directory_urls: bool = True,
                 templates_dir: Path | None = None, memo: PageMemo | None = None) -> None:
        self.catalogue = catalogue
        self.facts = facts
        self.use_directory_urls = use_directory_urls
        folder = str(templates_dir) if templates_dir is not None else None
        self.env = pages_environment(folder)
        digest = templates_digest(folder)
        if _templates_seen.get(folder, digest) != digest and self.env.cache is not None:
            # Jinja checks only the file a template was loaded from: an override added
            # beside (or a file removed from) the folder since would go unseen.
            self.env.cache.clear()
        _templates_seen[folder] = digest
        self.memo = memo
        if memo is not None:
            memo.begin((catalogue, use_directory_urls, folder, digest))
        self.tag_anchors = tag_anchors(catalogue)
        self._by_uri: dict[str, Experiment | Article | Section] = {
            **{section_uri(s): s for s in catalogue.sections},
            **{experiment_uri(e): e for e in catalogue.experiments},
            **{article_uri(a): a for a in catalogue.articles},
        }

    # Links ------------------------------------------------------------------------------

    def _helpers(self, from_uri: str) -> dict[str, Callable[..., Any]]:
        from_dir = posixpath.dirname(from_uri)
        from_url_dir = posixpath.dirname(page_url(from_uri, self.use_directory_urls).rstrip("/")
                                         + "/x") if from_uri.endswith(".md") else from_dir

        def link(target_uri: str) -> str:
            """A Markdown link target, relative to this page's source; MkDocs checks it."""
            # Percent-encoded: a file name with `)`, `<` or spaces must not end the link
            # early and spill into the page as Markdown or HTML.
            return quote(_relative(target_uri, from_dir or "."), safe="/")

        def url(target_uri: str) -> str:
            """A raw-HTML URL relative to this page's URL, for tags MkDocs does not rewrite."""
            target = page_url(target_uri, self.use_directory_urls)
            relative = quote(_relative(target or ".", from_url_dir or "."), safe="/")
            return relative + ("/" if target.endswith("/") and relative != "." else "")

        return {"link": link, "url": url}

    def _render(self, template: str, from_uri: str, **context: Any) -> str:
        facts: Facts = context.setdefault("facts", self.facts)
        return self.env.get_template(template).render(
            catalogue=self.catalogue, tag_anchors=self.tag_anchors,
            source_links=functools.partial(self._source_links, facts=facts),
            tagged=self.tagged,
            article_picture=functools.partial(self.article_picture, facts=facts),
            **self._helpers(from_uri), **context)

    def _page(self, template: str, uri: str, title: str, **context: Any) -> GeneratedPage:
        return self._remembered(template, uri, title, lambda facts: self._render(
            template, uri, facts=facts, **context))

    def _remembered(self, template: str, uri: str, title: str,
                    render: Callable[[Facts], str]) -> GeneratedPage:
        """The page `render` gives with this build's facts, or the memo's copy while every
        fact its last rendering read is unchanged."""
        memo = self.memo
        if memo is None:
            return GeneratedPage(uri, title, render(self.facts))
        remembered = memo.pages.get((template, uri))
        if remembered is not None and remembered.still_true(self.facts):
            memo.used += 1
            return GeneratedPage(uri, title, remembered.markdown)
        experiments = _ReadFacts(self.facts.experiments)
        articles = _ReadFacts(self.facts.articles)
        markdown = render(Facts(experiments, articles))
        memo.rendered += 1
        memo.pages[(template, uri)] = _Remembered(
            markdown, experiments.read, articles.read,
            dict(self.facts.experiments) if experiments.whole else None,
            dict(self.facts.articles) if articles.whole else None)
        return GeneratedPage(uri, title, markdown)

    # Pages ------------------------------------------------------------------------------

    def pages(self) -> list[GeneratedPage]:
        catalogue = self.catalogue
        pages = [self._page("section.md.j2", section_uri(s), f"{s.number}. {s.title}", section=s)
                 for s in catalogue.sections]
        pages += [self._page("experiment.md.j2", experiment_uri(e), e.title, experiment=e,
                             section=catalogue.section(e.section), marker=NOTEBOOK_MARKER)
                  for e in catalogue.experiments]
        pages += [self._page("article.md.j2", article_uri(a), a.title, article=a,
                             marker=NOTE_MARKER, repository_file=self.repository_file)
                  for a in catalogue.articles]
        pages.append(self._sections_page())
        pages.append(self._page("experiment_log.md.j2", EXPERIMENT_LOG_URI, "Experiment log"))
        pages.append(self._page("articles.md.j2", ARTICLES_URI, "Articles"))
        pages.append(self._page("resources.md.j2", RESOURCES_URI, "Resources"))
        if self.tag_anchors:  # an archive without tags has no tags page to show
            pages.append(self._page("tags.md.j2", TAGS_URI, "Tags"))
        return pages

    def _sections_page(self) -> GeneratedPage:
        # Its status table comes from another template, read with the same facts.
        def render(facts: Facts) -> str:
            table = self._render("status_table.md.j2", SECTIONS_URI, facts=facts)
            return self._render("sections.md.j2", SECTIONS_URI, facts=facts, status_table=table)

        return self._remembered("sections.md.j2", SECTIONS_URI, "Sections", render)

    def _source_links(self, experiment: Experiment, facts: Facts | None = None) -> SourceLinks:
        published = (facts or self.facts).experiment(experiment).size_bytes is not None
        return source_links(self.catalogue.site, experiment, published)

    def tagged(self, tag: str) -> tuple[list[Experiment], list[Article]]:
        """The experiments and articles carrying `tag`, in catalogue order."""
        return ([e for e in self.catalogue.experiments if tag in e.tags],
                [a for a in self.catalogue.articles if tag in a.tags])

    # Link previews and the feed ---------------------------------------------------------

    def preview(self, src_uri: str) -> Preview | None:
        """What a link to a generated page shows when shared; None for other pages."""
        tagline = self.catalogue.site.tagline
        entry = self._by_uri.get(src_uri)
        if isinstance(entry, Experiment):
            return Preview(entry.title, distinct_text(entry.goal, entry.title) or tagline,
                           "article", self.facts.experiment(entry).thumbnail,
                           f"A figure from {entry.title}")
        if isinstance(entry, Article):
            return Preview(entry.title, distinct_text(entry.summary, entry.title) or tagline,
                           "article", self.article_picture(entry),
                           f"The first page of {entry.title}")
        if isinstance(entry, Section):
            return Preview(f"{entry.number}. {entry.title}", entry.focus or tagline)
        listings = {SECTIONS_URI: "Sections", EXPERIMENT_LOG_URI: "Experiment log",
                    ARTICLES_URI: "Articles", RESOURCES_URI: "Resources", TAGS_URI: "Tags"}
        if src_uri in listings:
            return Preview(listings[src_uri], tagline)
        return None

    def article_picture(self, article: Article, facts: Facts | None = None) -> Picture | None:
        shown = (facts or self.facts).article(article)
        if not shown.has_thumbnail or not shown.thumbnail_size:
            return None
        return Picture(thumbnail_uri(article), *shown.thumbnail_size)

    def head_tags(self, preview: Preview, *, from_url: str, page_url: str | None,
                  site_url: str | None, site_name: str, image: Picture | None,
                  feed: bool) -> str:
        """The link-preview <meta> tags and the feed's <link> for the <head> of the page at
        `from_url` (its URL path from the site root). Preview URLs are absolute (they are
        fetched from elsewhere), so without `site_url` only the words are given. The feed's
        <link> is relative, as browsers and feed readers resolve it: Material fetches the
        sitemap beside every alternate link, which must then be this site's own."""
        base = site_url.rstrip("/") + "/" if site_url else None
        from_dir = posixpath.dirname(from_url.rstrip("/") + "/x") if from_url else ""
        feed_href = quote(posixpath.relpath(FEED_URI, from_dir or "."), safe="/")
        return self.env.get_template("head.html.j2").render(
            preview=preview, page_url=page_url if base else None, site_name=site_name,
            image=image, image_url=(base + quote(image.uri, safe="/")) if base and image else None,
            feed_url=feed_href if feed else None)

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

    def repository_file(self, relative: str) -> str | None:
        """The file's address in the archive's repository, when the catalogue names one."""
        site = self.catalogue.site
        return repository_file_url(site.repository_url, relative, site.repository_folder)

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
