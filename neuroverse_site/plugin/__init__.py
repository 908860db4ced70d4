"""The MkDocs plugin `neuroverse`: event glue over the catalogue core, nothing more."""

from __future__ import annotations

import re
import time
from collections.abc import Sequence
from html import unescape as unescape_html
from pathlib import Path
from typing import TYPE_CHECKING, Any

from jinja2 import Environment
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, CombinedEvent, event_priority, get_plugin_logger
from mkdocs.structure.files import File, Files
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import AnchorLink
from mkdocs.utils import clean_directory

from ..build.batch import BatchRenderer, Failure, Progress
from ..build.cache import Cache, environment_fingerprint
from ..build.feed import atom_feed
from ..build.navigation import HOME_URI, TocNode, nest_toc, prune_advice, site_navigation
from ..build.notebooks import NotebookOptions, RenderedNotebook, TocEntry, body_digest
from ..build.notes import RenderedNote
from ..build.pdfs import PdfFacts
from ..build.project import REQUIRED_EXTENSIONS
from ..build.render import (
    FEED_URI,
    NOTE_MARKER,
    NOTEBOOK_MARKER,
    STYLESHEET_PATH,
    STYLESHEET_URI,
    ArticleFacts,
    PageMemo,
    Picture,
    Preview,
    article_id_of,
    experiment_id_of,
    pages_environment,
)
from ..build.scrolling import mark_page
from ..build.site import (
    SiteContent,
    build_site_content,
    checked_page_html,
    home_page,
    narrow,
    note_block,
    notebook_block,
    settings_from_catalogue,
    widen,
    with_page_texts,
)
from ..core.checks import (
    NOTEBOOK_DIR,
    PAPER_DIR,
    CheckOptions,
    publishable,
    resolve_inside,
)
from ..core.diagnostics import Diagnostic, Severity, has_errors
from ..core.loader import LoadResult
from ..core.model import Catalogue, Location, SiteInfo
from . import incremental
from .config import NeuroverseConfig
from .files import LaterFile, PublishedFiles, published_file
from .incremental import PageState, SiteState, TrackedFile
from .watching import use_native_watching

if TYPE_CHECKING:
    # Only `mkdocs serve` has one; importing its module (an HTTP server) costs every build.
    from mkdocs.livereload import LiveReloadServer

log = get_plugin_logger(__name__)

# The end of a page's <head>: the first closing tag, which in a page MkDocs rendered comes
# before <body> (catalogue text in the head, the title, is escaped and cannot contain it).
_HEAD_END = re.compile(r"</head\s*>", re.IGNORECASE)
_BODY_START = re.compile(r"<body[\s>]", re.IGNORECASE)
# Images a link preview can show; SVG logos are not fetched by most sites that preview.
_PREVIEW_IMAGE_TYPES = (".png", ".jpg", ".jpeg", ".gif", ".webp")
# Seconds before a build's start during which cache entries count as in use by another build.
EVICTION_MARGIN = 5.0
# Seconds between two evictions by the dirty builds of one process (`mkdocs serve --dirty`).
EVICTION_INTERVAL = 600.0


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
        # page -> its notebook, not held (BatchRenderer.hold_bodies): search's copy is read
        # back when the page is built
        self._stored_bodies: dict[str, RenderedNotebook] = {}
        self._narrowed: set[str] = set()  # pages whose notebook is narrowed (site.narrow)
        self.has_feed = False
        self._generated: set[str] = set()  # src_uri of every page made from the catalogue
        self.dirty = False  # MkDocs' dirty mode: unmodified pages are not built
        self.serving = False
        self._page_memo = PageMemo()
        self._published = PublishedFiles()  # a serve session's asset files, kept
        self._inputs: dict[str, str] = {}  # page -> digest of its own inputs
        self._title_sources: dict[str, str] = {}  # hand-written page -> digest of its text
        self._digests: dict[str, str] = {}  # page -> digest of everything its HTML reads
        self._previous = SiteState("")  # what the last build into this site folder wrote
        self._searched: dict[str, list[Any]] = {}  # page -> its search entries, this build
        self._search_mark = 0
        self._files: Files | None = None
        self._later: list[LaterFile] = []  # PDF images published once drawn
        self._fingerprint = ""
        self._theme_env: tuple[str, Environment] | None = None
        self._check_memo: incremental.CheckMemo | None = None
        self._evicted_at = -EVICTION_INTERVAL  # the first build evicts

    def on_startup(self, *, command: str, dirty: bool) -> None:
        self.dirty = dirty
        # A serve session keeps the cache entries it loaded for its next build.
        self.serving = command == "serve"

    # Before the search plugin's own on_config, which fills in the language's default
    # separator when none is set (see _search_separator_for_cjk).
    @event_priority(50)
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
        # Beside mkdocs.yml, never in the archive folder, which may be read-only or not ours.
        # Made first: it knows the library versions every cache key (and the check's) has.
        cache = (Cache(Path(self.config.cache_dir), remember=self.serving)
                 if self.config.cache else None)
        # Files are opened by the rendering in on_files (or answered by the cache), which
        # reports one that cannot be read; the check need not open them all again.
        # Hand-written pages, the built site and the cache are not archive content: a
        # Markdown page in docs_dir is not an orphan note (NV310).
        excluded = (Path(config.docs_dir), Path(config.site_dir), Path(self.config.cache_dir))
        # Remembered while the catalogue, the archive's files and our code are unchanged:
        # a save of a notebook under `mkdocs serve` need not check the catalogue again.
        self.checked, self._check_memo = incremental.remembered_check(
            self.catalogue_path, self.root, CheckOptions(
                max_file_size_mb=self.config.max_file_size_mb, read_contents=False,
                excluded_dirs=excluded),
            self._check_memo,
            incremental.check_memo_path(Path(self.config.cache_dir), self.catalogue_path)
            if self.config.cache else None)
        if self.checked.catalogue is not None:
            _fill_site_settings(config, self.checked.catalogue.site)
        if self.checked.text is not None and CJK_TEXT.search(self.checked.text):
            _search_separator_for_cjk(config)
        self.build_started = time.time()
        self.batch = BatchRenderer(
            NotebookOptions(trust_outputs=self.config.trust_notebook_outputs,
                            allow_remote_images=self.config.allow_remote_images,
                            archive_root=str(self.root), pdf_pages=self.config.pdf_pages),
            cache,
            workers=self.config.workers,
            # Images are published from the cache's files (files.LinkedFile), and each
            # notebook's HTML is read back from the cache when its page is made.
            hold_images=False, hold_bodies=False,
            # nbconvert's templates compiled once, not by each process that renders.
            template_cache=(incremental.template_cache(Path(self.config.cache_dir), "notebooks",
                                                       environment_fingerprint())
                            if cache is not None else None),
            # PDF images drawn while MkDocs builds the pages, published at the end.
            defer_drawing=self.config.background_drawing)
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
        # Our pages' environment is one per process (see render.pages_environment); its compiled
        # templates are kept between processes too. Its settings are our code's, which the
        # environment fingerprint covers with Jinja's version.
        pages_environment(str(Path(templates)) if templates else None).bytecode_cache = (
            incremental.template_cache(Path(self.config.cache_dir), "pages",
                                       environment_fingerprint())
            if self.config.cache else None)
        # A serve session's rebuilds take the generated pages whose inputs did not change
        # from its last build; a fresh process takes them from the last build's, kept in
        # the cache (see incremental.read_page_memo).
        memo_file = (incremental.page_memo_path(Path(self.config.cache_dir),
                                                self.catalogue_path)
                     if self.config.cache and not self.serving else None)
        memo = (self._page_memo if memo_file is None
                else incremental.read_page_memo(memo_file))
        self.content = build_site_content(
            catalogue, self.root, self.batch,
            use_directory_urls=config.use_directory_urls,
            templates_dir=Path(templates) if templates else None,
            report=_log_progress,
            problems=result.diagnostics,
            memo=memo if self.serving or memo_file is not None else None,
        )
        log.debug(f"generated pages: {memo.used} as the last build made them, "
                  f"{memo.rendered} rendered")
        if memo_file is not None and memo.rendered:
            incremental.write_page_memo(memo_file, memo)
        for problem in self.content.problems:
            _log(problem, config)
        self.problems = self.content.problems if has_errors(self.content.problems) else []
        self._inputs = {}
        self._title_sources = {}
        self._generated = {page.src_uri for page in self.content.pages}
        for page in self.content.pages:
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
            files.append(TrackedFile.generated(config, page.src_uri, content=page.markdown))
            body = self.content.bodies.get(experiment_id_of(page.src_uri) or "")
            note = self.content.notes.get(article_id_of(page.src_uri) or "")
            article = self.content.renderer.facts.articles.get(
                article_id_of(page.src_uri) or "")
            # An article's page texts are filled in after Markdown (see _fill_page_texts).
            texts = "\0".join(v.text for v in article.page_views) if article else ""
            self._inputs[page.src_uri] = incremental.page_inputs(
                page.markdown, _body_identity(body), repr(body.toc) if body else "", texts,
                # What its <head> says when shared (see on_post_page).
                repr(self.content.renderer.preview(page.src_uri)), *_note_inputs(note))
        # A serve session's rebuilds take the asset files that are as they were.
        self._later = []
        self._published.begin()
        for asset in self.content.assets:
            file = (self._published.file(config, asset) if self.serving
                    else published_file(config, asset))
            files.append(file)
            if isinstance(file, LaterFile):
                self._later.append(file)
        self._published.end()
        self.content.assets = []  # the files have what they need; images are not held twice
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
            advice = prune_advice(self.content.renderer.catalogue, config.theme.name,
                                  list(config.theme.get("features") or []),
                                  Path(config.config_file_path or "mkdocs.yml").name)
            if advice is not None:
                _log(advice)
        self._track_handwritten(files, config)
        return files

    def _track_handwritten(self, files: Files, config: MkDocsConfig) -> None:
        """Hand-written pages become TrackedFiles too; their inputs are their text, the
        names of the files they could link to and, for the home page, what it is given."""
        assert self.content is not None
        linkable = sorted(f.src_uri for f in files
                          if not f.src_uri.startswith(incremental.NOTEBOOK_IMAGES))
        for file in list(files.documentation_pages()):
            if file.src_uri in self._inputs:
                continue
            extra = ""
            if file.src_uri == "index.md":
                extra = self.content.renderer.home_blocks("", file.src_uri)
                if self.problems:
                    extra += self.content.renderer.problems_notice(self.problems, file.src_uri)
            self._inputs[file.src_uri] = incremental.page_inputs(
                file.content_bytes, "\n".join(linkable), extra, handwritten=True)
            # Its title is in its own text (front matter or first heading); what the home
            # page is given (recent entries, their pictures) is not, and must not count as
            # a navigation change that rebuilds every page.
            self._title_sources[file.src_uri] = incremental.digest(file.content_bytes)
            replacement = incremental.tracked(file)
            if replacement is not file:
                files.remove(file)
                files.append(replacement)

    @event_priority(100)  # before any other plugin reads the pages
    def on_nav(self, nav: Navigation, /, *, config: MkDocsConfig, files: Files) -> Navigation:
        """Decide which pages this build must build (see plugin/incremental.py)."""
        self._searched = {}
        self._digests = {}
        self._stored_bodies = {}
        self._narrowed = set()
        self._files = files
        state_file = self._state_file(config)
        search = _search_plugin(config)
        readable = search is None or incremental.search_entries_of(search) is not None
        fingerprint = incremental.build_fingerprint(
            config, Path(self.config.templates_dir) if self.config.templates_dir else None)
        previous = (incremental.read_state(state_file, config.site_dir) if state_file is not None
                    else SiteState(config.site_dir))
        if self.dirty and previous.fingerprint != fingerprint:
            # Another theme, configuration or version: nothing of the old site can stay.
            clean_directory(config.site_dir)
            previous = SiteState(config.site_dir, fingerprint=fingerprint)
        self._previous = previous
        self._fingerprint = fingerprint
        # What each page's title comes from: a generated page's is known, a hand-written
        # page's is somewhere in its text.
        titles = dict(self._title_sources)
        if self.content is not None:
            titles.update((page.src_uri, page.title) for page in self.content.pages)
        # Every page's <head> announces the feed when there is one (see on_post_page).
        site = incremental.digest(fingerprint, incremental.navigation_digest(nav, titles),
                                  f"feed={self.has_feed}")
        kept: dict[str, PageState] = {}
        for file in files.documentation_pages():
            if not isinstance(file, TrackedFile) or file.src_uri not in self._inputs:
                continue
            digest = self._digests[file.src_uri] = incremental.digest(
                site, self._inputs[file.src_uri])
            before = previous.pages.get(file.src_uri)
            file.modified = not (self.dirty and readable and before is not None
                                 and before.digest == digest
                                 and Path(file.abs_dest_path).is_file())
            if not file.modified and before is not None:
                kept[file.src_uri] = before
                experiment_id = experiment_id_of(file.src_uri)
                if self.content is not None and experiment_id is not None:
                    self.content.bodies.pop(experiment_id, None)  # not built: not needed
                if file.page is not None:  # other pages' nav shows its title and meta
                    file.page.read_source(config)
                    if "title" not in file.page.__dict__:
                        file.page.title = before.title
        if state_file is not None:
            # Noted before any page is written: a build that fails half-way leaves a note
            # that the next build trusts none of the pages it was about to write.
            incremental.note_building(
                state_file, previous,
                [uri for uri in self._digests if uri not in kept],
                incremental.outputs_of(files, config))
            self._previous = SiteState(config.site_dir, kept, previous.outputs, fingerprint)
        return nav

    @event_priority(100)  # before other plugins add to the environment
    def on_env(self, env: Environment, /, *, config: MkDocsConfig, files: Files) -> Environment:
        """Under `mkdocs serve`, the theme's template environment of the previous build,
        while nothing it depends on changed (the build fingerprint covers the theme, its
        custom folder, mkdocs.yml and every version): MkDocs makes a new one each build and
        compiling Material's templates again was most of what a one-page rebuild cost."""
        if self._theme_env is not None and self._theme_env[0] == self._fingerprint:
            return self._theme_env[1]
        if self.config.cache and self._fingerprint:
            # The fingerprint covers the theme, its settings and every installed version.
            env.bytecode_cache = incremental.template_cache(
                Path(self.config.cache_dir), "theme", self._fingerprint)
        self._theme_env = (self._fingerprint, env) if self._fingerprint else None
        return env

    def _state_file(self, config: MkDocsConfig) -> Path | None:
        if not self.config.cache:
            return None
        return incremental.state_path(Path(self.config.cache_dir), config.site_dir)

    def on_page_markdown(self, markdown: str, /, *, page: Page, config: MkDocsConfig,
                         files: Files) -> str:
        if self.content is not None and page.file.src_uri == HOME_URI:
            return home_page(self.content.renderer, markdown, self.problems)
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
        # Every box that can scroll (code, equations, tables) becomes a named focus stop, on
        # every page; the notebook, which joins below, was marked when it was rendered.
        html = mark_page(html)
        note = self._note_for(page)
        if note is not None and NOTE_MARKER in html:
            # Search reads the page after this: the note's headings are found like any.
            _extend_toc(page, note.toc)
            # The note joins after the page was marked: its own boxes are marked here.
            return html.replace(NOTE_MARKER, mark_page(note_block(note, page.url)), 1)
        article = self._article_for(page)
        if article is not None:
            return self._fill_page_texts(html, page, article)
        body = self._take_body(page)
        if body is None or NOTEBOOK_MARKER not in html:
            return html
        slim = body
        body = self._full_body(body, page)
        if body is None:
            return html.replace(NOTEBOOK_MARKER, "", 1)
        # Held by MkDocs until the build ends: narrowed (see site.narrow), widened again
        # in the finished page (on_post_page).
        full = narrow(notebook_block(body, page.url))
        self._narrowed.add(page.file.src_uri)
        _extend_toc(page, body.toc)
        if body.search_html:
            if slim.stored is not None:
                # Search reads the lean copy only when this page is built: until then the
                # page holds the one copy, and the copies are read back then (see
                # _show_search_the_lean_notebook), not held for every page at once.
                self._stored_bodies[page.file.src_uri] = slim
            else:
                lean = narrow(notebook_block(body, page.url, search=True))
                self._swaps[page.file.src_uri] = [(lean, full)]
        return html.replace(NOTEBOOK_MARKER, full)

    def _full_body(self, body: RenderedNotebook, page: Page) -> RenderedNotebook | None:
        assert self.batch is not None
        full = self.batch.body(body)
        if full is None:
            _log(Diagnostic(
                "NV375", "the notebook of this page changed or vanished while the site was "
                "built: the page is built without it",
                Location(page.file.src_uri, 1, 1),
                hint="the notebook was removed or changed during the build: build again"))
        return full

    def _fill_page_texts(self, html: str, page: Page, article: ArticleFacts) -> str:
        """Each PDF page's text, after Markdown (see site.with_page_texts); search reads
        each page's search terms instead (see on_page_context)."""
        html, swaps = with_page_texts(html, article)
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
        entries = incremental.search_entries_of(_search_plugin(config))
        self._search_mark = len(entries) if entries is not None else 0
        stored = self._stored_bodies.pop(page.file.src_uri, None)
        if stored is not None and self.batch is not None:
            body = self.batch.body(stored)
            if body is not None:
                self._swaps[page.file.src_uri] = [
                    (narrow(notebook_block(body, page.url, search=True)),
                     narrow(notebook_block(body, page.url)))]
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
        entries = incremental.search_entries_of(_search_plugin(config))
        if entries is not None:
            added = entries[self._search_mark:]
            if page.file.src_uri in self._generated:
                # The search plugin copies a page's tags into every entry it makes of the
                # page (one per heading, one per PDF page); the tags stay on the page's
                # first entry, and the others hold only their words: a tag search lists
                # the experiment or article once, and the index every reader downloads
                # does not carry each tag once per heading.
                for entry in added[1:]:
                    if isinstance(entry, dict):
                        entry.pop("tags", None)
            self._searched[page.file.src_uri] = added
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

    def _record_build(self, config: MkDocsConfig) -> None:
        """After a build: put the whole search index back (dirty mode indexes only the pages
        it built), remove files of what no longer exists, and record what was built."""
        state_file = self._state_file(config)
        if state_file is None:
            return
        previous = self._previous
        pages: dict[str, PageState] = {}
        order: list[str] = []
        files = self._files
        for file in files.documentation_pages() if files is not None else []:
            uri = file.src_uri
            if uri in self._searched and uri in self._digests:
                title = file.page.title if file.page is not None else None
                pages[uri] = PageState(self._digests[uri], title, self._searched[uri])
            elif uri in previous.pages:
                pages[uri] = previous.pages[uri]
            else:
                continue
            order.append(uri)
        site_dir = Path(config.site_dir)
        outputs = incremental.outputs_of(files, config) if files is not None else set()
        index = site_dir / incremental.SEARCH_INDEX
        readable = incremental.search_entries_of(_search_plugin(config)) is not None
        if self.dirty and readable and index.is_file():
            index.write_text(incremental.merged_search_index(
                index.read_text(encoding="utf-8"), order, pages), encoding="utf-8")
        if self.dirty:
            incremental.remove_stale(site_dir, previous.outputs, outputs)
        incremental.write_state(state_file, SiteState(config.site_dir, pages, sorted(outputs),
                                                      previous.fingerprint))

    @event_priority(100)  # before plugins that rewrite finished pages (e.g. Material's privacy)
    def on_post_page(self, output: str, /, *, page: Page, config: MkDocsConfig) -> str:
        if page.file.src_uri in self._narrowed:
            output = widen(output)
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

    def _take_body(self, page: Page) -> RenderedNotebook | None:
        """The page's notebook, handed over once: the build no longer holds it (or its
        images) after the page has it, so a large archive's bodies are not all in memory
        at once until the build ends."""
        experiment_id = _experiment_id(page)
        if self.content is None or experiment_id is None:
            return None
        return self.content.bodies.pop(experiment_id, None)

    def _note_for(self, page: Page) -> RenderedNote | None:
        article_id = article_id_of(page.file.src_uri)
        if self.content is None or article_id is None:
            return None
        return self.content.notes.get(article_id)

    @event_priority(-100)  # after the search plugin has written its index
    def on_post_build(self, *, config: MkDocsConfig) -> None:
        self._publish_drawn()
        self._record_build(config)
        # Only a complete build knows every entry still in use. The margin keeps what a
        # build running alongside touched just before this one started. A serve session's
        # rebuilds evict at most every EVICTION_INTERVAL: reading every entry's list of
        # images each time a notebook is saved costs more than the few entries it frees.
        now = time.monotonic()
        due = not self.dirty or now - self._evicted_at >= EVICTION_INTERVAL
        if (due and self.batch is not None and self.batch.cache is not None
                and self.content is not None):
            self.batch.cache.evict(self.content.cache_keys,
                                   older_than=self.build_started - EVICTION_MARGIN)
            self._evicted_at = now

    def on_build_error(self, *, error: Exception) -> None:
        if self.batch is not None:
            self.batch.abandon_drawing()
        self._later = []

    def _publish_drawn(self) -> None:
        """Publish the PDF images drawn while the pages were built (LaterFile); a PDF
        that changed or broke meanwhile publishes none, with a warning (NV370)."""
        later, self._later = self._later, []
        if self.batch is None or not self.batch.drawing:
            return
        started = time.monotonic()
        drawn = self.batch.finish_drawing()
        log.debug(f"page images of {len(drawn)} PDFs drawn beside the pages; "
                  f"{time.monotonic() - started:.2f} s to finish them here, "
                  f"{self.batch.waited:.2f} s waiting for workers in this build")
        pdfs = self.content.drawn_later if self.content is not None else {}
        told: set[Path] = set()
        for file in later:
            facts = drawn.get(file.later.pdf)
            name = file.later.name_in(facts) if isinstance(facts, PdfFacts) else ""
            if name and self.batch.cache is not None:
                file.publish(self.batch.cache.blob_path(name), self.dirty)
                continue
            if file.later.pdf in told:
                continue
            told.add(file.later.pdf)
            where = pdfs.get(file.later.pdf)
            why = facts.message if isinstance(facts, Failure) else "were not drawn"
            _log(Diagnostic(
                "NV370", f"the page images of '{where.uri if where else file.later.pdf.name}' "
                f"could not be drawn after its page was made: {why}",
                where.location if where else None, where.key_path if where else "",
                hint="the page shows the PDF's text without its images; build again"))

    def on_serve(self, server: LiveReloadServer, /, *, config: MkDocsConfig,
                 builder: Any) -> LiveReloadServer:
        server.watch(str(self.catalogue_path))
        for path in self._watched_paths(Path(config.site_dir)):
            server.watch(str(path))
        if self.config.templates_dir:
            server.watch(self.config.templates_dir)
        if self.batch is not None:
            # Once, before the server answers (the site is built by now): a warm cache
            # rendered nothing in this process, and the owner's first save of a notebook
            # would wait over a second for nbconvert to be imported and set up.
            self.batch.prepare()
        # Last: the watches registered so far (MkDocs' and ours) move to the system's own
        # file watching, and those added after this hook follow (see plugin/watching.py).
        use_native_watching(server, self.config.serve_watch)
        return server


    def _watched_paths(self, site_dir: Path) -> list[Path]:
        """notebooks/, papers/ and the folder of every file the catalogue names (an archive
        may keep them elsewhere, like the seed's Python/ and Docs/, and a note's images
        usually sit beside it), so a new or edited file rebuilds the site. A folder holding
        the built site or the cache would make each build start the next, so a file there
        is watched on its own."""
        files: list[Path] = []
        if self.content is not None:
            catalogue = self.content.renderer.catalogue
            named = ([e.source for e in catalogue.experiments]
                     + [a.source for a in catalogue.articles])
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


def _body_identity(body: RenderedNotebook | None) -> str:
    """What a page's notebook is, for its inputs: its fragments, or their digest when they
    are not held."""
    if body is None:
        return ""
    if body.stored is not None:
        return body.stored.digest
    return body_digest(body.html, body.search_html)


def _note_inputs(note: RenderedNote | None) -> tuple[str | bytes, ...]:
    """What a note article's page is made of besides its Markdown: the note as rendered
    (its text, and where its links lead now) and the bytes of every image it publishes,
    so an edited note or image rebuilds its page under `--dirty`."""
    if note is None:
        return ()
    parts: list[str | bytes] = [note.html, repr(note.toc)]
    for uri, data in note.images:
        parts += [uri, data]
    return tuple(parts)


def _experiment_id(page: Page) -> str | None:
    return experiment_id_of(page.file.src_uri)


def _search_plugin(config: MkDocsConfig) -> Any:
    plugins = config.plugins
    return plugins.get("material/search") or plugins.get("search")


def _site_image(config: MkDocsConfig) -> Picture | None:
    """The theme's logo, when it is a picture a link preview can show."""
    logo = config.theme.get("logo")
    if not isinstance(logo, str) or not logo.lower().endswith(_PREVIEW_IMAGE_TYPES):
        return None
    if "://" in logo or logo.startswith("/"):
        return None  # not a file of this site
    return Picture(logo, 0, 0)  # size unknown; the tags leave it out


# Codes that are a broken link in Markdown the owner wrote: MkDocs' own setting for its
# pages' broken links (`validation: links: not_found`, a warning unless set) decides how
# loud they are, so a note's links count as a page's do, under --strict too.
_BROKEN_LINK_CODES = frozenset({"NV342"})


def _log(problem: Diagnostic, config: MkDocsConfig | None = None) -> None:
    if config is not None and problem.code in _BROKEN_LINK_CODES:
        log.log(config.validation.links.not_found, problem.format())
        return
    (log.error if problem.severity is Severity.ERROR else log.warning)(problem.format())


def _fill_site_settings(config: MkDocsConfig, site: SiteInfo) -> None:
    for key, value in settings_from_catalogue(
            site, repo_url=bool(config.repo_url), repo_name=bool(config.repo_name),
            site_description=bool(config.site_description)).items():
        config[key] = value


# Chinese characters, Japanese kana and Korean syllables: scripts written without spaces
# between words.
_CJK_RANGES = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af"
CJK_TEXT = re.compile(f"[{_CJK_RANGES}]")
# Material's separator splits words on spaces and hyphens, so a Chinese phrase is one long
# "word" that only matches from its start. This one also splits around every CJK character
# (each becomes a term, as in search engines' CJK unigram indexing) and on CJK punctuation;
# a query's characters then match wherever they stand in a phrase.
CJK_SEARCH_SEPARATOR = (
    "[\\s\\-\u3000\u3001\u3002\uff0c\uff0e\uff1f\uff01\uff1b\uff1a]+"
    f"|(?=[{_CJK_RANGES}])|(?<=[{_CJK_RANGES}])"
)


def _search_separator_for_cjk(config: MkDocsConfig) -> None:
    """Let search find words inside Chinese, Japanese and Korean phrases, when the catalogue
    has such text and mkdocs.yml sets no separator of its own (one it sets is kept)."""
    search = config.plugins.get("material/search") or config.plugins.get("search")
    settings = getattr(search, "config", None)
    if settings is None or "separator" not in settings or settings["separator"]:
        return
    settings["separator"] = CJK_SEARCH_SEPARATOR
    log.info("the catalogue has Chinese, Japanese or Korean text: search splits it into "
             "single characters, so words match inside phrases")



def _log_progress(progress: Progress) -> None:
    log.info(progress.message())


def _extend_toc(page: Page, entries: Sequence[TocEntry]) -> None:
    if page.toc is None:
        return
    # Material lists the h1's children as the page TOC, so headings go under it.
    items = page.toc.items
    first = items[0] if items else None
    (first.children if first is not None and first.level == 1 else items).extend(
        _anchor_links(nest_toc(entries)))


def _anchor_links(nodes: list[TocNode]) -> list[AnchorLink]:
    links = []
    for node in nodes:
        link = AnchorLink(node.html_title, node.id, node.level)
        link.children = _anchor_links(node.children)
        links.append(link)
    return links
