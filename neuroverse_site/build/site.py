"""Gather facts from the archive's files, then render every generated page and asset.

This is the one place that reads notebooks and PDFs for the site; the renderer it hands
them to is pure. The plugin turns the result into MkDocs files.
"""

from __future__ import annotations

import base64
import html as html_text
import io
import mimetypes
import posixpath
import re
import struct
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

from PIL import Image
from selectolax.lexbor import LexborHTMLParser as HTMLParser

from ..core.checks import active_pdf, heavy_notebook, unreadable_file
from ..core.diagnostics import Diagnostic, has_errors, sorted_diagnostics
from ..core.ids import blob_name, slugify
from ..core.model import Article, Catalogue, Experiment, Location, Section, SiteInfo
from ..core.paths import is_regular_file, lookup_problem, resolve_inside, what_is_there
from ..core.probes import note_text_problem, notebook_weight_problem
from .batch import BatchRenderer, Failure, Job, Outcome, Progress
from .navigation import HOME_URI
from .notebooks import ASSET_PLACEHOLDER, IMAGE_FOLDER, CellNote, RenderedNotebook
from .notes import NoteLinks, RenderedNote, render_note
from .pdfs import PdfFacts, search_terms
from .render import (
    ASSETS_DIR,
    ArticleFacts,
    ExperimentFacts,
    Facts,
    GeneratedPage,
    PageMemo,
    PageView,
    Picture,
    Renderer,
    article_uri,
    experiment_uri,
    located,
    page_image_uri,
    page_text_marker,
    section_uri,
    thumbnail_uri,
)
from .thumbnails import NotebookThumbnail
from .untrusted import clean_generated_page, describe_removed


@dataclass(frozen=True)
class LaterImage:
    """An image of a PDF that workers draw while the site's pages are built (see
    BatchRenderer's `defer_drawing`): the page shows it by address and size, which are
    known before it is drawn; its file is published once it is."""

    pdf: Path  # as the batch's job named it
    page: int  # from 1; 0 is the thumbnail
    density: int = 1  # 1 or 2 (the 1x or 2x page image)

    def name_in(self, facts: PdfFacts) -> str:
        """The cache's name of this image among the drawn facts of its PDF ("" if none)."""
        if self.page == 0:
            return blob_name(facts.thumbnail_png, ".png") if facts.thumbnail_png else ""
        for page in facts.rendered:
            if page.number == self.page:
                return next((name for density, name, _ in page.names()
                             if density == self.density), "")
        return ""


@dataclass(frozen=True)
class LaterPdf:
    """Where to say that a PDF's images could not be drawn after all."""

    uri: str  # the PDF, in the archive
    location: Location | None
    key_path: str


@dataclass(frozen=True)
class GeneratedAsset:
    src_uri: str
    content: bytes | None = None
    source_path: Path | None = None  # served as is, never copied into docs_dir
    cached_path: Path | None = None  # the same bytes as `content`, in the cache
    later: LaterImage | None = None  # drawn while the pages are built, then published


@dataclass(frozen=True)
class _Source:
    """An experiment whose notebook or script exists, with where it is."""

    experiment: Experiment
    uri: str
    path: Path


@dataclass
class SiteContent:
    renderer: Renderer
    pages: list[GeneratedPage]
    assets: list[GeneratedAsset]
    bodies: dict[str, RenderedNotebook] = field(default_factory=dict)  # experiment id ->
    progress: Progress = field(default_factory=Progress)
    cache_keys: set[str] = field(default_factory=set)  # cache entries this build used
    problems: list[Diagnostic] = field(default_factory=list)  # the catalogue's and the files'
    notes: dict[str, RenderedNote] = field(default_factory=dict)  # article id -> its note
    # PDFs whose images are still being drawn (see LaterImage), by the path drawn from.
    drawn_later: dict[Path, LaterPdf] = field(default_factory=dict)


def home_page(renderer: Renderer, markdown: str, errors: Sequence[Diagnostic],
              from_uri: str = HOME_URI) -> str:
    """The home page's Markdown (without front matter) as the site shows it: the status
    table and recent entries at their markers and, with `errors` (which then have a page),
    a notice under the title pointing at them."""
    markdown = renderer.home_blocks(markdown, from_uri)
    if not errors:
        return markdown
    notice = renderer.problems_notice(errors, from_uri)
    head, _, rest = markdown.partition("\n")
    # Under the title, so the title stays the title.
    return f"{head}\n\n{notice}{rest}" if head.startswith("# ") else notice + markdown


def notebook_block(body: RenderedNotebook, page_url: str, *, search: bool = False,
                   inline_images: bool = False) -> str:
    """A rendered notebook as its page shows it: in the stylesheet's wrapper, its images
    addressed from the page's URL (`page_url`, relative to the site root), or with
    `inline_images` carried in the page as data: URLs. `search` gives the lean copy the
    search index reads.

    The plugin puts the block into the page's HTML; the export into its Markdown, where a
    `<div>` starting a line is a raw HTML block that Markdown (md_in_html too, without a
    `markdown` attribute) leaves as it is. There relative image paths cannot work for
    every engine: MkDocs leaves links in raw HTML alone, Zensical rewrites them as if they
    were relative to the Markdown file, one folder off for `experiments/ID.md` shown at
    `experiments/ID/`. A data: URL is read the same by both."""
    page_dir = posixpath.dirname(page_url.rstrip("/") + "/x") if page_url else ""
    html = body.search_html if search else body.html
    if inline_images:
        for image in body.assets:
            kind = mimetypes.guess_type(image.name)[0] or "application/octet-stream"
            html = html.replace(f"{ASSET_PLACEHOLDER}{IMAGE_FOLDER}/{image.name}\"",
                                f'"data:{kind};base64,{base64.b64encode(image.data).decode()}"')
    assets = f'"{posixpath.relpath(ASSETS_DIR, page_dir or ".")}/'
    return f'<div class="nv-notebook">{html.replace(ASSET_PLACEHOLDER, assets)}</div>'


# Characters beyond Latin-1, and the character references `narrow` writes for them: a
# leading zero, which HTML allows and nothing else here writes, marks them as ours.
_WIDE = re.compile("[^\x00-\xff]")
_NARROWED = re.compile("&#x0([0-9a-f]{3,6});")


def narrow(html: str) -> str:
    """`html` with every character beyond Latin-1 written as a character reference, which
    HTML reads as the same character (outside the raw text of <script> and <style>, which
    a rendered notebook does not carry). Why: Python keeps a string in 1, 2 or 4 bytes a
    character, whichever its widest character needs, and one box-drawing line or bold
    maths letter makes a whole notebook page 2 or 4 times its size in memory; MkDocs holds
    every page's HTML from its Markdown until the build ends. `widen` undoes it in the
    finished page, so the site's bytes do not change."""
    return _WIDE.sub(_reference, html)


def widen(html: str) -> str:
    """The characters `narrow` wrote as references, back as themselves."""
    return _NARROWED.sub(_character, html) if "&#x0" in html else html


def _reference(match: re.Match[str]) -> str:
    return f"&#x0{ord(match[0]):x};"


def _character(match: re.Match[str]) -> str:
    point = int(match[1], 16)
    if point <= 0xFF or 0xD800 <= point <= 0xDFFF or point > 0x10FFFF:
        return match[0]  # not one `narrow` writes
    return chr(point)


def note_block(note: RenderedNote, page_url: str, *, inline_images: bool = False) -> str:
    """A rendered Markdown note as its page shows it, in the stylesheet's wrapper. With
    `inline_images` (the export: see `notebook_block` for why), the images it shows are
    carried in the page as data: URLs; the files stay published for links to them."""
    html = note.html
    if inline_images and note.images:
        page_dir = posixpath.dirname(page_url.rstrip("/") + "/x") if page_url else ""
        images = dict(note.images)
        tree = HTMLParser(f"<div>{html}</div>")
        for image in tree.css("img"):
            source = image.attributes.get("src") or ""
            uri = posixpath.normpath(posixpath.join(page_dir, unquote(source)))
            data = images.get(uri)
            if data is not None:
                kind = mimetypes.guess_type(uri)[0] or "application/octet-stream"
                image.attrs["src"] = f"data:{kind};base64,{base64.b64encode(data).decode()}"
        body = tree.css_first("body > div")
        html = (body.inner_html or "") if body is not None else html
    return f'<div class="nv-note">{html}</div>'


def with_page_texts(text: str, article: ArticleFacts) -> tuple[str, list[tuple[str, str]]]:
    """`text` (a page's HTML, or the Markdown an export writes) with each PDF page's text
    put where its marker is, escaped here, so nothing in a PDF is ever read as markup; and,
    per page, (what search reads, what readers get): search reads each page's search terms
    (see pdfs.search_terms). The marker stays in front of the text, which makes each page's
    text unique in the page. A template override that leaves a marker out leaves that
    page's text out."""
    views = article.page_views
    swaps = []
    for view, terms in zip(views, search_terms([v.text for v in views]), strict=True):
        marker = page_text_marker(view.number)
        if marker not in text:
            continue
        full = f"{marker}{html_text.escape(view.text)}"
        swaps.append((f"{marker}{html_text.escape(terms)}", full))
        text = text.replace(marker, full, 1)
    return text, swaps


def settings_from_catalogue(site: SiteInfo, *, repo_url: bool, repo_name: bool,
                            site_description: bool) -> dict[str, str]:
    """What mkdocs.yml leaves unset (each flag: whether it sets that key) comes from the
    catalogue: its repository (the header link, with the label MkDocs gives well-known hosts)
    and its tagline (the pages' description). mkdocs.yml, when it says, wins."""
    settings: dict[str, str] = {}
    repository = urlsplit(site.repository_url or "")
    if (not repo_url and site.repository_url and repository.scheme in ("http", "https")
            and repository.hostname):
        settings["repo_url"] = site.repository_url
        if not repo_name:
            host = repository.hostname
            settings["repo_name"] = next(
                (name for known, name in _REPOSITORY_HOSTS.items() if host.endswith(known)), host)
    if not site_description and site.tagline:
        settings["site_description"] = site.tagline
    return settings


# Labels MkDocs itself gives these hosts' repository links.
_REPOSITORY_HOSTS = {"github.com": "GitHub", "gitlab.com": "GitLab", "bitbucket.org": "Bitbucket"}


def build_site_content(catalogue: Catalogue, root: Path, batch: BatchRenderer, *,
                       use_directory_urls: bool = True,
                       templates_dir: Path | None = None,
                       report: Callable[[Progress], None] | None = None,
                       problems: Sequence[Diagnostic] = (),
                       memo: PageMemo | None = None) -> SiteContent:
    """Render every notebook, script and PDF the catalogue names (through `batch`, which
    caches and parallelises), then every generated page, in catalogue order. `problems` are
    the catalogue's; with those of files that cannot be rendered, errors get a page. With
    `memo` (a process that builds again), pages whose inputs are unchanged since the
    memo's last build are taken from it."""
    catalogue = located(catalogue, root)
    assets: list[GeneratedAsset] = []
    seen_assets: set[str] = set()

    def add_asset(asset: GeneratedAsset) -> None:
        if asset.src_uri not in seen_assets:
            seen_assets.add(asset.src_uri)
            assets.append(asset)

    experiments = []
    # Entries whose file cannot be shown at all (missing, a folder, outside the archive):
    # their page says so in a note, as it does for a file that cannot be rendered.
    absent: dict[str, str] = {}
    for experiment in catalogue.experiments:
        source = experiment.source
        path = resolve_inside(root, source) if source else None
        if source is not None and path is not None and is_regular_file(path):
            experiments.append(_Source(experiment, source, path))
        elif source is not None:
            absent[experiment.id] = _why_absent(root, source, path)
    articles = []
    absent_articles: dict[str, str] = {}
    notes: list[tuple[Article, str, Path]] = []
    for article in catalogue.articles:
        path = resolve_inside(root, article.pdf) if article.pdf else None
        if article.pdf is not None and path is not None and is_regular_file(path):
            articles.append((article, article.pdf, path))
        elif article.pdf is not None:
            absent_articles[article.id] = _why_absent(root, article.pdf, path)
        path = resolve_inside(root, article.note) if article.note else None
        if article.note is not None and path is not None and is_regular_file(path):
            notes.append((article, article.note, path))
        elif article.note is not None:
            absent_articles[article.id] = _why_absent(root, article.note, path)

    jobs = [Job("notebook" if f.experiment.notebook else "script", f.path) for f in experiments]
    jobs += [Job("pdf", path) for _, _, path in articles]
    result = batch.run(jobs, report)
    outcomes = iter(result.outcomes)

    file_problems: list[Diagnostic] = []
    experiment_facts = {experiment_id: ExperimentFacts(problem=why)
                        for experiment_id, why in absent.items()}
    bodies: dict[str, RenderedNotebook] = {}
    for found in experiments:
        add_asset(GeneratedAsset(found.uri, source_path=found.path))
        outcome = next(outcomes)
        experiment_id = found.experiment.id
        facts, body, body_assets, problem = _experiment_result(found, outcome, batch)
        experiment_facts[experiment_id] = facts
        if body is not None:
            bodies[experiment_id] = body
            file_problems.extend(cell_diagnostics(found.uri, body.notes))
            file_problems += _weight_warnings(found, body, batch)
        for asset in body_assets:
            add_asset(asset)
        if problem is not None:
            file_problems.append(problem)

    article_facts = {article_id: ArticleFacts(problem=why)
                     for article_id, why in absent_articles.items()}
    drawn_later: dict[Path, LaterPdf] = {}
    for article, pdf_uri, path in articles:
        add_asset(GeneratedAsset(pdf_uri, source_path=path))
        pdf = next(outcomes)
        if not isinstance(pdf, PdfFacts):
            file_problems.append(unreadable_file(
                "pdf", pdf_uri, _problem(pdf), article.fields.get("pdf", article.location),
                f"{article.key_path}.pdf"))
            article_facts[article.id] = ArticleFacts(size_bytes=path.stat().st_size,
                                                     problem=_problem(pdf))
            continue
        if not pdf.drawn:
            drawn_later[path] = LaterPdf(pdf_uri, article.fields.get("pdf", article.location),
                                         f"{article.key_path}.pdf")
            add_asset(GeneratedAsset(thumbnail_uri(article), later=LaterImage(path, 0)))
            for page in pdf.rendered:
                if page.width:  # else too thin to draw: its text is the page
                    for density in (1, 2):
                        add_asset(GeneratedAsset(page_image_uri(article, page.number, density),
                                                 later=LaterImage(path, page.number, density)))
        else:
            add_asset(GeneratedAsset(thumbnail_uri(article), pdf.thumbnail_png,
                                     cached_path=_in_cache(batch, blob_name(pdf.thumbnail_png,
                                                                            ".png"))))
        for page in pdf.rendered if pdf.drawn else ():
            for density, name, image in page.names():
                # Page images are most of a site's bytes: with a cache they are published
                # from its files (the batch holds only their names), not held in memory.
                cached = _in_cache(batch, name)
                add_asset(GeneratedAsset(page_image_uri(article, page.number, density),
                                         None if cached else image, cached_path=cached))
        if pdf.active:
            file_problems.append(active_pdf(pdf_uri, pdf.active, article.fields.get(
                "pdf", article.location), f"{article.key_path}.pdf"))
        article_facts[article.id] = ArticleFacts(
            pages=pdf.pages, size_bytes=pdf.size_bytes, has_thumbnail=True,
            page_views=tuple(PageView(p.number, p.width, p.height, p.text)
                             for p in pdf.rendered),
            active=pdf.active,
            thumbnail_size=pdf.thumbnail_size or _image_size(pdf.thumbnail_png))

    rendered_notes: dict[str, RenderedNote] = {}
    pages_of_files = _pages_of_files(catalogue)
    for article, note_uri, path in notes:
        note_facts, note, problem = _note_result(article, note_uri, path, NoteLinks(
            root, pages_of_files, article_uri(article), use_directory_urls,
            catalogue.site.repository_url, catalogue.site.repository_folder,
            frozenset({slugify(article.title, 60)})))
        article_facts[article.id] = note_facts
        if problem is not None:
            file_problems.append(problem)
        if note is not None:
            rendered_notes[article.id] = note
            file_problems.extend(cell_diagnostics(note_uri, note.notes))
            for image_uri, image_data in note.images:
                add_asset(GeneratedAsset(image_uri, image_data))

    renderer = Renderer(catalogue, Facts(experiment_facts, article_facts),
                        use_directory_urls=use_directory_urls, templates_dir=templates_dir,
                        memo=memo)
    everything = sorted_diagnostics([*problems, *file_problems])
    pages = renderer.pages()
    if has_errors(everything):
        pages.append(renderer.problems_page(everything))
    return SiteContent(renderer, pages, assets, bodies, result.progress, result.used_keys,
                       everything, rendered_notes, drawn_later)


def _pages_of_files(catalogue: Catalogue) -> dict[str, str]:
    """Archive path of each catalogued file -> the page that shows it, for notes' links."""
    pages: dict[str, str] = {}
    for experiment in catalogue.experiments:
        if experiment.source:
            pages.setdefault(posixpath.normpath(experiment.source), experiment_uri(experiment))
    for article in catalogue.articles:
        if article.source:
            pages.setdefault(posixpath.normpath(article.source), article_uri(article))
    return pages


def _note_result(article: Article, note_uri: str, path: Path, links: NoteLinks
                 ) -> tuple[ArticleFacts, RenderedNote | None, Diagnostic | None]:
    """What one Markdown note gives its page: facts, the rendered note, or the problem
    when it cannot be shown. Notes are small and quick to render: they are not cached."""
    where = (article.fields.get("note", article.location), f"{article.key_path}.note")
    try:
        data = path.read_bytes()
    except OSError as exc:
        problem = f"cannot be read ({exc.strerror or exc})"
        return ArticleFacts(problem=problem), None, unreadable_file("note", note_uri, problem,
                                                                    *where)
    problem_text = note_text_problem(data)
    if problem_text is not None:
        return (ArticleFacts(size_bytes=len(data), problem=problem_text), None,
                unreadable_file("note", note_uri, problem_text, *where))
    note = render_note(data.decode("utf-8"), note_uri, links)
    return ArticleFacts(size_bytes=len(data), has_body=True), note, None


def _experiment_result(source: _Source, outcome: Outcome, batch: BatchRenderer
                       ) -> tuple[ExperimentFacts, RenderedNotebook | None,
                                  list[GeneratedAsset], Diagnostic | None]:
    """What one rendered (or failed) notebook or script gives its page: facts, the body to
    show, the images to publish, and the problem when it cannot be shown."""
    experiment = source.experiment
    size = source.path.stat().st_size
    if not isinstance(outcome, RenderedNotebook):
        key = "notebook" if experiment.notebook else "script"
        problem = unreadable_file(key, source.uri, _problem(outcome),
                                  experiment.fields.get(key, experiment.location),
                                  f"{experiment.key_path}.{key}")
        return ExperimentFacts(size_bytes=size, problem=_problem(outcome)), None, [], problem
    assets = [GeneratedAsset(f"{ASSETS_DIR}/{IMAGE_FOLDER}/{image.name}", image.data,
                             cached_path=_in_cache(batch, image.name))
              for image in outcome.assets]
    if outcome.thumbnail is not None:
        assets.append(_thumbnail_asset(outcome.thumbnail, batch))
    return (ExperimentFacts(has_body=True, size_bytes=size, thumbnail=_picture(outcome.thumbnail)),
            outcome, assets, None)


def _thumbnail_uri(thumbnail: NotebookThumbnail) -> str:
    return f"{ASSETS_DIR}/{IMAGE_FOLDER}/{thumbnail.name}"


def _thumbnail_asset(thumbnail: NotebookThumbnail, batch: BatchRenderer) -> GeneratedAsset:
    return GeneratedAsset(_thumbnail_uri(thumbnail), thumbnail.data,
                          cached_path=_in_cache(batch, thumbnail.name))


def _picture(thumbnail: NotebookThumbnail | None) -> Picture | None:
    if thumbnail is None:
        return None
    return Picture(_thumbnail_uri(thumbnail), thumbnail.width, thumbnail.height)


_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def _image_size(data: bytes) -> tuple[int, int] | None:
    """Width and height of an image we made ourselves (read from its header only)."""
    if data[:8] == _PNG_SIGNATURE and data[12:16] == b"IHDR" and len(data) >= 24:
        # A PNG's first chunk is its header, width and height first (what Pillow reads):
        # every build asks this of each article's thumbnail, and opening it with Pillow
        # cost more than the rest of the article's facts.
        width, height = struct.unpack(">II", data[16:24])
        return width, height
    try:
        with Image.open(io.BytesIO(data)) as image:
            return image.width, image.height
    except (OSError, ValueError):
        return None


def _weight_warnings(source: _Source, body: RenderedNotebook,
                     batch: BatchRenderer) -> list[Diagnostic]:
    """NV307 when the rendered notebook makes a page too big to use: the page's weight
    (its HTML and images) stands for the size of the outputs `neuroverse check` counts."""
    experiment = source.experiment
    html_bytes = (body.stored.html_bytes if body.stored is not None
                  else len(body.html.encode("utf-8")))
    weight = html_bytes + sum(batch.image_size(a) for a in body.assets)
    heavy = notebook_weight_problem(body.cells, weight)
    if heavy is None or not experiment.notebook:
        return []
    return [heavy_notebook(source.uri, heavy, experiment.fields.get("notebook",
                                                                      experiment.location),
                           f"{experiment.key_path}.notebook")]


def _why_absent(root: Path, relative: str, resolved: Path | None) -> str:
    """The words after the path in the note on the page of an entry whose file is not
    there to show, as the check reports it."""
    unusable = lookup_problem(root, relative)
    if unusable is not None:
        return unusable
    if resolved is None:
        return "is outside the archive"
    return what_is_there(root / relative)


def _in_cache(batch: BatchRenderer, name: str) -> Path | None:
    return batch.cache.blob_path(name) if batch.cache is not None else None


def _problem(outcome: object) -> str:
    return outcome.message if isinstance(outcome, Failure) else "cannot be rendered"


def cell_diagnostics(uri: str, notes: Sequence[CellNote]) -> list[Diagnostic]:
    """A notebook's notes as diagnostics at its cells, in the .ipynb file (a Markdown
    note's, cell 0, at their place in the note)."""
    return [Diagnostic(note.code, f"cell {note.cell}: {note.message}" if note.cell else
                       note.message, Location(uri, note.line, note.column), hint=note.hint)
            for note in notes]


def checked_page_html(catalogue: Catalogue, src_uri: str, html: str, *,
                      allow_remote_images: bool = False) -> tuple[str, list[Diagnostic]]:
    """A generated page's HTML with every link and image its catalogue text made checked
    as the browser will read it (see untrusted.clean_generated_page), and a warning at the
    entry's Markdown field for whatever had to go."""
    cleaned, removed = clean_generated_page(html, allow_remote_images=allow_remote_images)
    if not removed:
        return html, []
    entries: list[Section | Experiment | Article] = [
        *(s for s in catalogue.sections if section_uri(s) == src_uri),
        *(e for e in catalogue.experiments if experiment_uri(e) == src_uri),
        *(a for a in catalogue.articles if article_uri(a) == src_uri)]
    location, key_path = None, ""
    if entries:
        entry = entries[0]
        location = entry.fields.get("description", entry.location)
        key_path = entry.key_path + (".description" if "description" in entry.fields else "")
    phrases = describe_removed(removed)
    remote = all(item.reason == "remote" for item in removed)
    hint = ("save the image in the archive and link it by a relative path, or set "
            "`allow_remote_images: true`" if remote else
            "links may go to http(s):, mailto:, #anchors and relative paths only")
    return cleaned, [Diagnostic("NV107", f"removed from the page: {'; '.join(phrases[:5])}",
                                location, key_path, hint=hint)]
