"""The MkDocs plugin `neuroverse`: event glue over the catalogue core, nothing more."""

from __future__ import annotations

import posixpath
import re
import time
from html import unescape as unescape_html
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
from ..build.feed import atom_feed
from ..build.navigation import TocNode, nest_toc, site_navigation
from ..build.notebooks import ASSET_PLACEHOLDER, NotebookOptions, RenderedNotebook
from ..build.render import (
    ASSETS_DIR,
    FEED_URI,
    NOTEBOOK_MARKER,
    STYLESHEET_PATH,
    STYLESHEET_URI,
    Picture,
    Preview,
    experiment_id_of,
    experiment_uri,
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
from ..core.model import Catalogue, Location, SiteInfo
from .config import NeuroverseConfig
from .files import published_file

log = get_plugin_logger(__name__)

# Generated Markdown uses these; enabling them silently would change the user's other pages.
REQUIRED_EXTENSIONS = ("tables", "attr_list", "md_in_html", "admonition")
# The end of a page's <head>: the first closing tag, which in a page MkDocs rendered comes
# before <body> (catalogue text in the head, the title, is escaped and cannot contain it).
_HEAD_END = re.compile(r"</head\s*>", re.IGNORECASE)
_BODY_START = re.compile(r"<body[\s>]", re.IGNORECASE)
# Images a link preview can show; SVG logos are not fetched by most sites that preview.
_PREVIEW_IMAGE_TYPES = (".png", ".jpg", ".jpeg", ".gif", ".webp")
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
        self._swaps: dict[str, tuple[str, str]] = {}  # page -> (lean notebook, full notebook)
        self.has_feed = False
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
                            archive_root=str(self.root)), cache,
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
            taken = files.get_file_from_path(page.src_uri)
            if taken is not None:
                # The generated page wins (links and the navigation point at it); the
                # owner hears which of their pages is left out instead of losing it unseen.
                files.remove(taken)
                _log(Diagnostic(
                    "NV350", f"this page has the address of the generated page "
                    f"'{page.title}' and is left out of the site",
                    Location(f"{Path(config.docs_dir).name}/{page.src_uri}", 1, 1),
                    hint="rename the file; the generated page takes its place in the "
                         "navigation"))
            files.append(File.generated(config, page.src_uri, content=page.markdown))
        for asset in self.content.assets:
            files.append(published_file(config, asset))
        files.append(File.generated(config, STYLESHEET_URI, abs_src_path=str(STYLESHEET_PATH)))
        self.has_feed = False
        if config.site_url:
            feed = atom_feed(catalogue, config.site_url,
                             use_directory_urls=config.use_directory_urls)
            if feed is not None:
                files.append(File.generated(config, FEED_URI, content=feed))
                self.has_feed = True
            else:
                log.info("no feed.xml: no experiment or article has an `added` date")
        else:
            # Feed readers and link previews need absolute addresses; a relative feed
            # would break the moment it is read anywhere but on the site itself.
            log.info("no feed.xml and no link-preview addresses: mkdocs.yml sets no "
                     "site_url")
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
            self._swaps[page.file.src_uri] = (lean, full)
        return html.replace(NOTEBOOK_MARKER, full)

    # Search reads a lean copy of the notebook (see notebooks.lean_copy), readers the full
    # one. The swap brackets the search plugin's own on_page_context: the lean copy goes in
    # just before it indexes the page and the full notebook back just after, before the
    # theme renders it. Where another plugin changed the notebook's HTML in between, the
    # copy is not found and search indexes the full page: slower, never wrong.
    @event_priority(50)
    def _show_search_the_lean_notebook(self, context: Any, /, *, page: Page,
                                       config: MkDocsConfig, nav: Any) -> Any:
        swap = self._swaps.get(page.file.src_uri)
        if swap is not None and page.content is not None:
            lean, full = swap
            if full in page.content:
                page.content = page.content.replace(full, lean, 1)
            else:
                del self._swaps[page.file.src_uri]
        return context

    @event_priority(-50)
    def _show_readers_the_full_notebook(self, context: Any, /, *, page: Page,
                                        config: MkDocsConfig, nav: Any) -> Any:
        swap = self._swaps.pop(page.file.src_uri, None)
        if swap is not None and page.content is not None:
            lean, full = swap
            page.content = page.content.replace(lean, full, 1)
        return context

    on_page_context = CombinedEvent(_show_search_the_lean_notebook,
                                    _show_readers_the_full_notebook)

    @event_priority(100)  # before plugins that rewrite finished pages (e.g. Material's privacy)
    def on_post_page(self, output: str, /, *, page: Page, config: MkDocsConfig) -> str:
        return self._with_head_tags(output, page, config)

    def _with_head_tags(self, output: str, page: Page, config: MkDocsConfig) -> str:
        """Link previews and the feed's <link>, added to the finished page's <head>.

        Added here rather than through a template block: overriding the theme's templates
        (theme.custom_dir, or a `main.html` with `extrahead`) belongs to the site's owner,
        and one of ours would take that place or be lost behind theirs. The tags go before
        the first </head>, checked to come before <body>."""
        if self.content is None:
            return output
        head_end = _HEAD_END.search(output)
        body_start = _BODY_START.search(output)
        if head_end is None or (body_start is not None and body_start.start() < head_end.start()):
            return output
        renderer = self.content.renderer
        preview = renderer.preview(page.file.src_uri) or Preview(
            unescape_html(page.title or config.site_name),
            str(page.meta.get("description") or config.site_description or ""))
        tags = renderer.head_tags(
            preview, from_url=page.url, page_url=page.canonical_url, site_url=config.site_url,
            site_name=config.site_name, image=preview.image or _site_image(config),
            feed=self.has_feed)
        return output[:head_end.start()] + tags + output[head_end.start():]

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


def _site_image(config: MkDocsConfig) -> Picture | None:
    """The theme's logo, when it is a picture a link preview can show."""
    logo = config.theme.get("logo")
    if not isinstance(logo, str) or not logo.lower().endswith(_PREVIEW_IMAGE_TYPES):
        return None
    if "://" in logo or logo.startswith("/"):
        return None  # not a file of this site
    return Picture(logo, 0, 0)  # size unknown; the tags leave it out


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
