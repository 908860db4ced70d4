"""Gather facts from the archive's files, then render every generated page and asset.

This is the one place that reads notebooks and PDFs for the site; the renderer it hands
them to is pure. The plugin turns the result into MkDocs files.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from PIL import Image

from ..core.checks import resolve_inside, unreadable_file
from ..core.diagnostics import Diagnostic, has_errors, sorted_diagnostics
from ..core.ids import blob_name
from ..core.model import Article, Catalogue, Experiment, Location, Section
from .batch import BatchRenderer, Deferred, Failure, Job, Outcome, Progress
from .notebooks import IMAGE_FOLDER, CellNote, RenderedNotebook
from .pdfs import PdfFacts
from .render import (
    ASSETS_DIR,
    ArticleFacts,
    ExperimentFacts,
    Facts,
    GeneratedPage,
    Picture,
    Renderer,
    article_uri,
    experiment_uri,
    section_uri,
    thumbnail_uri,
)
from .thumbnails import NotebookThumbnail, thumbnail_from_bytes
from .untrusted import clean_generated_page, describe_removed


@dataclass(frozen=True)
class GeneratedAsset:
    src_uri: str
    content: bytes | None = None
    source_path: Path | None = None  # served as is, never copied into docs_dir
    cached_path: Path | None = None  # the same bytes as `content`, in the cache


@dataclass(frozen=True)
class _Source:
    """An experiment whose notebook or script exists, with where it is."""

    experiment: Experiment
    uri: str
    path: Path


@dataclass(frozen=True)
class Settled:
    """A deferred notebook, now rendered: what the build still has to add for it."""

    assets: list[GeneratedAsset]  # its images, those not published already
    problem: Diagnostic | None = None  # it could not be rendered...
    page: GeneratedPage | None = None  # ...and its page, rendered again to say why
    notes: list[Diagnostic] = field(default_factory=list)  # warnings about its cells


@dataclass
class SiteContent:
    renderer: Renderer
    pages: list[GeneratedPage]
    assets: list[GeneratedAsset]
    bodies: dict[str, RenderedNotebook] = field(default_factory=dict)  # experiment id ->
    progress: Progress = field(default_factory=Progress)
    cache_keys: set[str] = field(default_factory=set)  # cache entries this build used
    problems: list[Diagnostic] = field(default_factory=list)  # the catalogue's and the files'
    # Experiments whose notebook is still rendering in a worker (see BatchRenderer.run).
    pending: dict[str, tuple[_Source, Deferred]] = field(default_factory=dict)
    published: set[str] = field(default_factory=set)  # src_uri of every asset handed out

    def settle(self, batch: BatchRenderer, experiment_id: str) -> Settled | None:
        """Wait for the experiment's deferred notebook, if it has one, and say what its
        page needs: a body to show (kept in `bodies`), images, or a note on what is wrong."""
        waiting = self.pending.pop(experiment_id, None)
        if waiting is None:
            return None
        source, deferred = waiting
        outcome, key = batch.settle(deferred)
        if key:
            self.cache_keys.add(key)
        facts, body, assets, problem = _experiment_result(source, outcome, batch)
        if body is not None:
            self.bodies[experiment_id] = body
        fresh = [a for a in assets if a.src_uri not in self.published]
        self.published.update(a.src_uri for a in fresh)
        if problem is None:
            notes = cell_diagnostics(source.uri, body.notes if body is not None else ())
            self.problems.extend(notes)
            return Settled(fresh, notes=notes)
        self.problems.append(problem)
        return Settled(fresh, problem, self.renderer.experiment_page(source.experiment, facts))


def build_site_content(catalogue: Catalogue, root: Path, batch: BatchRenderer, *,
                       use_directory_urls: bool = True,
                       templates_dir: Path | None = None,
                       report: Callable[[Progress], None] | None = None,
                       problems: Sequence[Diagnostic] = (),
                       defer: bool = False) -> SiteContent:
    """Render every notebook, script and PDF the catalogue names (through `batch`, which
    caches and parallelises), then every generated page, in catalogue order. `problems` are
    the catalogue's; with those of files that cannot be rendered, errors get a page. With
    `defer`, a few notebooks may still be rendering: `SiteContent.settle` each before its
    page is built."""
    assets: list[GeneratedAsset] = []
    seen_assets: set[str] = set()

    def add_asset(asset: GeneratedAsset) -> None:
        if asset.src_uri not in seen_assets:
            seen_assets.add(asset.src_uri)
            assets.append(asset)

    experiments = []
    for experiment in catalogue.experiments:
        source = experiment.source
        path = resolve_inside(root, source) if source else None
        if source is not None and path is not None and path.is_file():
            experiments.append(_Source(experiment, source, path))
    articles = []
    for article in catalogue.articles:
        path = resolve_inside(root, article.pdf) if article.pdf else None
        if article.pdf is not None and path is not None and path.is_file():
            articles.append((article, article.pdf, path))

    jobs = [Job("notebook" if f.experiment.notebook else "script", f.path) for f in experiments]
    jobs += [Job("pdf", path) for _, _, path in articles]
    result = batch.run(jobs, report, defer=defer)
    outcomes = iter(result.outcomes)

    file_problems: list[Diagnostic] = []
    experiment_facts: dict[str, ExperimentFacts] = {}
    bodies: dict[str, RenderedNotebook] = {}
    pending: dict[str, tuple[_Source, Deferred]] = {}
    for found in experiments:
        add_asset(GeneratedAsset(found.uri, source_path=found.path))
        outcome = next(outcomes)
        experiment_id = found.experiment.id
        if isinstance(outcome, Deferred):
            # Shown as rendered; settled before its page is (see SiteContent.settle). The
            # cards listing it are rendered before that, so its picture is made here: that
            # needs only the notebook's JSON, not the conversion the worker is doing.
            pending[experiment_id] = (found, outcome)
            thumbnail = (_read_thumbnail(found.path) if found.experiment.notebook else None)
            if thumbnail is not None:
                add_asset(_thumbnail_asset(thumbnail, batch))
            experiment_facts[experiment_id] = ExperimentFacts(
                has_body=True, size_bytes=found.path.stat().st_size,
                thumbnail=_picture(thumbnail))
            continue
        facts, body, body_assets, problem = _experiment_result(found, outcome, batch)
        experiment_facts[experiment_id] = facts
        if body is not None:
            bodies[experiment_id] = body
            file_problems.extend(cell_diagnostics(found.uri, body.notes))
        for asset in body_assets:
            add_asset(asset)
        if problem is not None:
            file_problems.append(problem)

    article_facts: dict[str, ArticleFacts] = {}
    for article, pdf_uri, path in articles:
        add_asset(GeneratedAsset(pdf_uri, source_path=path))
        pdf = next(outcomes)
        assert not isinstance(pdf, Deferred)  # PDFs are never deferred
        if not isinstance(pdf, PdfFacts):
            file_problems.append(unreadable_file(
                "pdf", pdf_uri, _problem(pdf), article.fields.get("pdf", article.location),
                f"{article.key_path}.pdf"))
            article_facts[article.id] = ArticleFacts(size_bytes=path.stat().st_size,
                                                     problem=_problem(pdf))
            continue
        add_asset(GeneratedAsset(thumbnail_uri(article), pdf.thumbnail_png, cached_path=_in_cache(
            batch, blob_name(pdf.thumbnail_png, ".png"))))
        article_facts[article.id] = ArticleFacts(
            pages=pdf.pages, size_bytes=pdf.size_bytes, has_thumbnail=True,
            thumbnail_size=_image_size(pdf.thumbnail_png))

    renderer = Renderer(catalogue, Facts(experiment_facts, article_facts),
                        use_directory_urls=use_directory_urls, templates_dir=templates_dir)
    everything = sorted_diagnostics([*problems, *file_problems])
    pages = renderer.pages()
    if has_errors(everything):
        pages.append(renderer.problems_page(everything))
    return SiteContent(renderer, pages, assets, bodies, result.progress, result.used_keys,
                       everything, pending, seen_assets)


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


def _read_thumbnail(path: Path) -> NotebookThumbnail | None:
    try:
        return thumbnail_from_bytes(path.read_bytes())
    except OSError:
        return None  # the worker reports the unreadable file on the page


def _image_size(data: bytes) -> tuple[int, int] | None:
    """Width and height of an image we made ourselves (read from its header only)."""
    try:
        with Image.open(io.BytesIO(data)) as image:
            return image.width, image.height
    except (OSError, ValueError):
        return None


def _in_cache(batch: BatchRenderer, name: str) -> Path | None:
    return batch.cache.blob_path(name) if batch.cache is not None else None


def _problem(outcome: object) -> str:
    return outcome.message if isinstance(outcome, Failure) else "cannot be rendered"


def cell_diagnostics(uri: str, notes: Sequence[CellNote]) -> list[Diagnostic]:
    """A notebook's notes as diagnostics at its cells, in the .ipynb file."""
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
