"""The MkDocs plugin `neuroverse`: event glue over the catalogue core, nothing more."""

from __future__ import annotations

import html as html_text
import posixpath
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.livereload import LiveReloadServer
from mkdocs.plugins import BasePlugin, CombinedEvent, event_priority, get_plugin_logger
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import AnchorLink
from mkdocs.utils.meta import get_data

from ..build.batch import BatchRenderer, Progress
from ..build.cache import Cache
from ..build.navigation import TocNode, nest_toc, site_navigation
from ..build.notebooks import ASSET_PLACEHOLDER, NotebookOptions, RenderedNotebook
from ..build.pdfs import search_terms
from ..build.render import (
    ASSETS_DIR,
    NOTEBOOK_MARKER,
    STYLESHEET_PATH,
    STYLESHEET_URI,
    ArticleFacts,
    article_id_of,
    experiment_id_of,
    experiment_uri,
    page_text_marker,
)
from ..build.site import SiteContent, build_site_content, checked_page_html
from ..core.checks import (
    NOTEBOOK_DIR,
    PAPER_DIR,
    CheckOptions,
    check_file,
    publishable,
    resolve_inside,
)
from ..core.diagnostics import Diagnostic, Severity, has_errors
from ..core.loader import LoadResult
from ..core.model import Catalogue, SiteInfo
from .config import NeuroverseConfig
from .files import published_file

log = get_plugin_logger(__name__)

# Generated Markdown uses these; enabling them silently would change the user's other pages.
REQUIRED_EXTENSIONS = ("tables", "attr_list", "md_in_html", "admonition")
# Seconds before a build's start during which cache entries count as in use by another build.
EVICTION_MARGIN = 5.0
# From this many generated pages, the few notebooks a rebuild must render again (after an
# edit) render in a worker while MkDocs reads the other pages, which hides the worker's
# start-up; a smaller site is read faster than a worker starts, so it renders them itself.
DEFER_MIN_PAGES = 100


class NeuroversePlugin(BasePlugin[NeuroverseConfig]):  # type: ignore[no-untyped-call,unused-ignore]
    supports_multiple_instances = False

    def __init__(self) -> None:
        self.root = Path()
        self.config_dir = Path()
        self.catalogue_path = Path()
        self.content: SiteContent | None = None
        self.batch: BatchRenderer | None = None
        self.problems: list[Diagnostic] = []
        self.checked = LoadResult(None, [])
        self.build_started = 0.0
        # page -> [(what search reads, what readers get)]: see on_page_context
        self._swaps: dict[str, list[tuple[str, str]]] = {}
        self._generated: set[str] = set()  # src_uri of every page made from the catalogue

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        self.config_dir = Path(config.config_file_path or ".").resolve().parent
        self.catalogue_path = Path(self.config.catalogue)
        archive_dir = self.config.archive_dir
        self.root = Path(archive_dir).resolve() if archive_dir else self.catalogue_path.parent
        missing = [ext for ext in REQUIRED_EXTENSIONS if ext not in config.markdown_extensions]
        if missing:
            raise PluginError(
                "neuroverse: the generated pages need these Markdown extensions; add them to "
                "mkdocs.yml:\n  markdown_extensions:\n" + "".join(f"    - {m}\n" for m in missing)
            )
        if STYLESHEET_URI not in config.extra_css:
            config.extra_css.append(STYLESHEET_URI)
        # Files are opened by the rendering in on_files (or answered by the cache), which
        # reports one that cannot be read; the check need not open them all again.
        self.checked = check_file(self.catalogue_path, self.root, CheckOptions(
            max_file_size_mb=self.config.max_file_size_mb, read_contents=False))
        if self.checked.catalogue is not None:
            _fill_site_settings(config, self.checked.catalogue.site)
        self.build_started = time.time()
        # Beside mkdocs.yml, never in the archive folder, which may be read-only or not ours.
        cache = Cache(Path(self.config.cache_dir)) if self.config.cache else None
        self.batch = BatchRenderer(
            NotebookOptions(trust_outputs=self.config.trust_notebook_outputs,
                            allow_remote_images=self.config.allow_remote_images,
                            archive_root=str(self.root), pdf_pages=self.config.pdf_pages),
            cache,
            workers=self.config.workers)
        return config

    def on_files(self, files: Files, /, *, config: MkDocsConfig) -> Files:
        # Problems are logged, not raised: `mkdocs build --strict` fails on them, a plain
        # build and `mkdocs serve` go on with what could be read and list them on a page,
        # so a half-typed catalogue never stops the preview server.
        result = self.checked
        catalogue = (publishable(result.catalogue) if result.catalogue is not None
                     else Catalogue(SiteInfo("NeuroVerse"), path=self.catalogue_path.name))
        assert self.batch is not None
        templates = self.config.templates_dir
        pages = (len(catalogue.sections) + len(catalogue.experiments)
                 + len(catalogue.articles))
        self.content = build_site_content(
            catalogue, self.root, self.batch,
            use_directory_urls=config.use_directory_urls,
            templates_dir=Path(templates) if templates else None,
            report=_log_progress,
            problems=result.diagnostics,
            defer=pages >= DEFER_MIN_PAGES,
        )
        for problem in self.content.problems:
            _log(problem)
        self.problems = self.content.problems if has_errors(self.content.problems) else []
        # Pages whose notebook is still rendering are read last, so the worker has the time
        # MkDocs spends on every other page.
        pending = {experiment_uri(experiment_id) for experiment_id in self.content.pending}
        if pending:
            log.info(f"rendering {len(pending)} notebook{'s' * (len(pending) != 1)} while "
                     "the other pages are read")
        self._generated = {page.src_uri for page in self.content.pages}
        for page in sorted(self.content.pages, key=lambda page: page.src_uri in pending):
            files.append(File.generated(config, page.src_uri, content=page.markdown))
        for asset in self.content.assets:
            files.append(published_file(config, asset))
        files.append(File.generated(config, STYLESHEET_URI, abs_src_path=str(STYLESHEET_PATH)))
        if self.config.navigation and config.nav is None:
            handwritten = [f.src_uri for f in files.documentation_pages()]
            config.nav = site_navigation(self.content.renderer.catalogue, handwritten,
                                         generated={p.src_uri for p in self.content.pages},
                                         with_problems=bool(self.problems))
        return files

    def on_page_markdown(self, markdown: str, /, *, page: Page, config: MkDocsConfig,
                         files: Files) -> str:
        experiment_id = _experiment_id(page)
        if self.content is not None and self.batch is not None and experiment_id is not None:
            settled = self.content.settle(self.batch, experiment_id)
            if settled is not None:
                for asset in settled.assets:
                    files.append(published_file(config, asset))
                if settled.problem is not None:
                    _log(settled.problem)
                for note in settled.notes:
                    _log(note)
                if settled.page is not None:  # the page as it reads with the problem
                    markdown, _ = get_data(settled.page.markdown)
        if self.content is not None and page.file.src_uri == "index.md":
            markdown = self.content.renderer.home_blocks(markdown, page.file.src_uri)
            if self.problems:  # under the page's title, so the title stays the title
                notice = self.content.renderer.problems_notice(self.problems, page.file.src_uri)
                head, _, rest = markdown.partition("\n")
                return (f"{head}\n\n{notice}{rest}" if head.startswith("# ")
                        else notice + markdown)
        return markdown

    def on_page_content(self, html: str, /, *, page: Page, config: MkDocsConfig,
                        files: Files) -> str:
        if self.content is not None and page.file.src_uri in self._generated:
            # The final word on every URL catalogue text became, after Markdown made it
            # (and before the notebook, which was cleaned on its own, joins the page).
            html, removed = checked_page_html(
                self.content.renderer.catalogue, page.file.src_uri, html,
                allow_remote_images=self.config.allow_remote_images)
            for problem in removed:
                _log(problem)
        article = self._article_for(page)
        if article is not None:
            return self._fill_page_texts(html, page, article)
        body = self._body_for(page)
        if body is None or NOTEBOOK_MARKER not in html:
            return html
        page_dir = posixpath.dirname(page.url.rstrip("/") + "/x") if page.url else ""
        assets = f'"{posixpath.relpath(ASSETS_DIR, page_dir or ".")}/'
        full = f'<div class="nv-notebook">{body.html.replace(ASSET_PLACEHOLDER, assets)}</div>'
        if page.toc is not None:
            # Material lists the h1's children as the page TOC, so headings go under it.
            items = page.toc.items
            first = items[0] if items else None
            (first.children if first is not None and first.level == 1 else items).extend(
                _anchor_links(nest_toc(body.toc)))
        if body.search_html:
            lean = (f'<div class="nv-notebook">'
                    f'{body.search_html.replace(ASSET_PLACEHOLDER, assets)}</div>')
            self._swaps[page.file.src_uri] = [(lean, full)]
        return html.replace(NOTEBOOK_MARKER, full)

    def _fill_page_texts(self, html: str, page: Page, article: ArticleFacts) -> str:
        """Put each PDF page's text where its marker is, escaped here, after Markdown, so
        nothing in a PDF is ever read as markup. Search reads each page's search terms
        instead (see pdfs.search_terms and on_page_context)."""
        views = article.page_views
        swaps = []
        for view, terms in zip(views, search_terms([v.text for v in views]), strict=True):
            marker = page_text_marker(view.number)
            if marker not in html:
                continue  # a template override that leaves the text out
            # The marker stays in front of the text: it makes each page's text unique.
            full = f"{marker}{html_text.escape(view.text)}"
            swaps.append((f"{marker}{html_text.escape(terms)}", full))
            html = html.replace(marker, full, 1)
        if swaps:
            self._swaps[page.file.src_uri] = swaps
        return html

    # Search reads a lean copy of the notebook (see notebooks.lean_copy), readers the full
    # one. The swap brackets the search plugin's own on_page_context: the lean copy goes in
    # just before it indexes the page and the full notebook back just after, before the
    # theme renders it. Where another plugin changed the notebook's HTML in between, the
    # copy is not found and search indexes the full page: slower, never wrong.
    @event_priority(50)
    def _show_search_the_lean_notebook(self, context: Any, /, *, page: Page,
                                       config: MkDocsConfig, nav: Any) -> Any:
        swaps = self._swaps.get(page.file.src_uri, [])
        if page.content is not None and swaps and all(full in page.content
                                                      for _, full in swaps):
            for lean, full in swaps:
                page.content = page.content.replace(full, lean, 1)
        else:
            self._swaps.pop(page.file.src_uri, None)
        return context

    @event_priority(-50)
    def _show_readers_the_full_notebook(self, context: Any, /, *, page: Page,
                                        config: MkDocsConfig, nav: Any) -> Any:
        for lean, full in self._swaps.pop(page.file.src_uri, []):
            if page.content is not None:
                page.content = page.content.replace(lean, full, 1)
        return context

    on_page_context = CombinedEvent(_show_search_the_lean_notebook,
                                    _show_readers_the_full_notebook)

    def _article_for(self, page: Page) -> ArticleFacts | None:
        article_id = article_id_of(page.file.src_uri)
        if self.content is None or article_id is None:
            return None
        facts = self.content.renderer.facts.articles.get(article_id)
        return facts if facts is not None and facts.page_views else None

    def _body_for(self, page: Page) -> RenderedNotebook | None:
        experiment_id = _experiment_id(page)
        if self.content is None or experiment_id is None:
            return None
        return self.content.bodies.get(experiment_id)

    def on_post_build(self, *, config: MkDocsConfig) -> None:
        if self.batch is not None and self.content is not None:
            for experiment_id in list(self.content.pending):  # pages no build step read
                self.content.settle(self.batch, experiment_id)
        if self.batch is not None:
            self.batch.close()
        # Only a complete build knows every entry still in use. The margin keeps what a
        # build running alongside touched just before this one started.
        if self.batch is not None and self.batch.cache is not None and self.content is not None:
            self.batch.cache.evict(self.content.cache_keys,
                                   older_than=self.build_started - EVICTION_MARGIN)

    def on_build_error(self, *, error: Exception) -> None:
        if self.batch is not None:
            self.batch.close()

    def on_serve(self, server: LiveReloadServer, /, *, config: MkDocsConfig,
                 builder: Any) -> LiveReloadServer:
        server.watch(str(self.catalogue_path))
        for path in self._watched_paths(Path(config.site_dir)):
            server.watch(str(path))
        if self.config.templates_dir:
            server.watch(self.config.templates_dir)
        return server


    def _watched_paths(self, site_dir: Path) -> list[Path]:
        """notebooks/, papers/ and the folder of every file the catalogue names (an archive
        may keep them elsewhere, like the seed's Python/ and Docs/), so a new or edited file
        rebuilds the site. A folder holding the built site or the cache would make each
        build start the next, so a file there is watched on its own."""
        files: list[Path] = []
        if self.content is not None:
            catalogue = self.content.renderer.catalogue
            named = [e.source for e in catalogue.experiments] + [a.pdf for a in catalogue.articles]
            files = [path for name in named if name is not None
                     and (path := resolve_inside(self.root, name)) is not None and path.is_file()]
        outputs = [site_dir.resolve(), Path(self.config.cache_dir).resolve()]
        watched: dict[Path, None] = {}
        for folder in [self.root / NOTEBOOK_DIR, self.root / PAPER_DIR,
                       *(path.parent for path in files)]:
            if folder.is_dir() and not any(out.is_relative_to(folder) for out in outputs):
                watched.setdefault(folder)
        for path in files:
            if not any(path.is_relative_to(folder) for folder in watched):
                watched.setdefault(path)
        return list(watched)


def _experiment_id(page: Page) -> str | None:
    return experiment_id_of(page.file.src_uri)


def _log(problem: Diagnostic) -> None:
    (log.error if problem.severity is Severity.ERROR else log.warning)(problem.format())


def _fill_site_settings(config: MkDocsConfig, site: SiteInfo) -> None:
    """What mkdocs.yml leaves unset comes from the catalogue: its repository (the header
    link) and its tagline (the pages' description). mkdocs.yml, when it says, wins."""
    repository = urlsplit(site.repository_url or "")
    if not config.repo_url and repository.scheme in ("http", "https") and repository.hostname:
        config.repo_url = site.repository_url
        if not config.repo_name:
            host = repository.hostname
            config.repo_name = next(
                (name for known, name in _REPOSITORY_HOSTS.items() if host.endswith(known)),
                host)
    if not config.site_description and site.tagline:
        config.site_description = site.tagline


# Labels MkDocs itself gives these hosts' repository links.
_REPOSITORY_HOSTS = {"github.com": "GitHub", "gitlab.com": "GitLab", "bitbucket.org": "Bitbucket"}


def _log_progress(progress: Progress) -> None:
    log.info(progress.message())


def _anchor_links(nodes: list[TocNode]) -> list[AnchorLink]:
    links = []
    for node in nodes:
        link = AnchorLink(node.html_title, node.id, node.level)
        link.children = _anchor_links(node.children)
        links.append(link)
    return links
