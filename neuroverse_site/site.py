"""Gather facts from the archive's files, then render every generated page and asset.

This is the one place that reads notebooks and PDFs for the site; the renderer it hands
them to is pure. The plugin turns the result into MkDocs files.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from .checks import notebook_problem, resolve_inside
from .diagnostics import Diagnostic
from .model import Catalogue
from .notebooks import (
    IMAGE_FOLDER,
    NotebookConverter,
    NotebookProblem,
    RenderedNotebook,
    render_script,
)
from .pdfs import PdfProblem, read_pdf
from .render import (
    ASSETS_DIR,
    ArticleFacts,
    ExperimentFacts,
    Facts,
    GeneratedPage,
    Renderer,
    thumbnail_uri,
)

# What nbconvert raises on notebooks that are JSON but damaged inside (a bad base64 image,
# an output of the wrong shape); such a notebook gets a note on its page, the build goes on.
_CONVERSION_ERRORS = (nbformat.ValidationError, ValueError, TypeError, KeyError,
                      AttributeError)


@dataclass(frozen=True)
class GeneratedAsset:
    src_uri: str
    content: bytes | None = None
    source_path: Path | None = None  # served as is, never copied into docs_dir


@dataclass
class SiteContent:
    renderer: Renderer
    pages: list[GeneratedPage]
    assets: list[GeneratedAsset]
    bodies: Mapping[str, RenderedNotebook] = field(default_factory=dict)  # experiment id ->


def build_site_content(catalogue: Catalogue, root: Path, converter: NotebookConverter, *,
                       use_directory_urls: bool = True,
                       templates_dir: Path | None = None,
                       problems: Sequence[Diagnostic] = ()) -> SiteContent:
    """Every generated page and asset; `problems`, when given, also get a page of their own."""
    assets: list[GeneratedAsset] = []
    seen_assets: set[str] = set()

    def add_asset(asset: GeneratedAsset) -> None:
        if asset.src_uri not in seen_assets:
            seen_assets.add(asset.src_uri)
            assets.append(asset)

    experiment_facts: dict[str, ExperimentFacts] = {}
    bodies: dict[str, RenderedNotebook] = {}
    for experiment in catalogue.experiments:
        source = experiment.source
        path = resolve_inside(root, source) if source else None
        if source is None or path is None or not path.is_file():
            continue
        add_asset(GeneratedAsset(source, source_path=path))
        # A damaged notebook breaks only its own page: it gets a note instead of a body.
        problem = notebook_problem(path) if experiment.notebook else None
        if problem is None:
            try:
                body = converter.convert(path) if experiment.notebook else render_script(path)
            except NotebookProblem as exc:
                problem = str(exc)
            except _CONVERSION_ERRORS as exc:  # damage the format check does not see
                problem = f"cannot be converted ({type(exc).__name__}: {exc})"
        if problem is not None:
            experiment_facts[experiment.id] = ExperimentFacts(
                size_bytes=path.stat().st_size, problem=problem)
            continue
        bodies[experiment.id] = body
        for image in body.assets:
            add_asset(GeneratedAsset(f"{ASSETS_DIR}/{IMAGE_FOLDER}/{image.name}", image.data))
        experiment_facts[experiment.id] = ExperimentFacts(
            has_body=True, size_bytes=path.stat().st_size)

    article_facts: dict[str, ArticleFacts] = {}
    for article in catalogue.articles:
        path = resolve_inside(root, article.pdf) if article.pdf else None
        if article.pdf is None or path is None or not path.is_file():
            continue
        add_asset(GeneratedAsset(article.pdf, source_path=path))
        try:
            pdf = read_pdf(path)
        except PdfProblem as exc:
            article_facts[article.id] = ArticleFacts(size_bytes=path.stat().st_size,
                                                     problem=str(exc))
            continue
        add_asset(GeneratedAsset(thumbnail_uri(article), pdf.thumbnail_png))
        article_facts[article.id] = ArticleFacts(
            pages=pdf.pages, size_bytes=pdf.size_bytes, has_thumbnail=True)

    renderer = Renderer(catalogue, Facts(experiment_facts, article_facts),
                        use_directory_urls=use_directory_urls, templates_dir=templates_dir)
    pages = renderer.pages()
    if problems:
        pages.append(renderer.problems_page(problems))
    return SiteContent(renderer, pages, assets, bodies)
