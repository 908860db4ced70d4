"""The site's navigation and a notebook's table of contents, as plain data.

Pure functions of the catalogue (and the hand-written pages' names): the plugin hands the
navigation to MkDocs as if mkdocs.yml had written it, and turns the TOC tree into MkDocs'
anchor links. Golden tests call these directly."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from html import escape as escape_html
from typing import Any

from ..core.model import Catalogue
from .notebooks import TocEntry
from .render import (
    ARTICLES_URI,
    EXPERIMENT_LOG_URI,
    PROBLEMS_URI,
    RESOURCES_URI,
    SECTIONS_URI,
    TAGS_URI,
    article_uri,
    experiment_uri,
    section_uri,
)

# Up to this many articles, the navigation lists them flat.
FLAT_ARTICLE_NAV_LIMIT = 20
HOME_URI = "index.md"
ABOUT_URI = "about.md"


def site_navigation(catalogue: Catalogue, documentation_pages: Iterable[str], *,
                    generated: set[str], with_problems: bool = False) -> list[Any]:
    """The navigation MkDocs would read from mkdocs.yml's `nav`: Home, the sections with
    their experiments, the experiment log, the articles, the resources, then the
    hand-written pages (`documentation_pages` less the `generated` ones)."""
    sections = [
        {f"{s.number}. {escape_html(s.title)}": [section_uri(s)]
         + [experiment_uri(e) for e in catalogue.experiments_in(s.id)]}
        for s in catalogue.sections
    ]
    pages = set(documentation_pages)
    handwritten = sorted(uri for uri in pages if uri not in generated and uri != HOME_URI)
    nav: list[Any] = []
    if HOME_URI in pages:
        nav.append({"Home": HOME_URI})
    nav += [
        {"Sections": [SECTIONS_URI, *sections]},
        {"Experiment log": EXPERIMENT_LOG_URI},
        {"Articles": [ARTICLES_URI, *article_navigation(catalogue)]},
        {"Resources": RESOURCES_URI},
        *([{"Tags": TAGS_URI}] if TAGS_URI in generated else []),
        *_about(handwritten),
    ]
    if with_problems:
        nav.append({"Catalogue problems": PROBLEMS_URI})
    return nav


def article_navigation(catalogue: Catalogue) -> list[Any]:
    """Articles in catalogue order; a long list is grouped under each article's first
    section, because every article page repeats its siblings in the sidebar and a flat list
    of hundreds makes each page (and the whole build) grow with the square of the archive."""
    if len(catalogue.articles) <= FLAT_ARTICLE_NAV_LIMIT:
        return [article_uri(a) for a in catalogue.articles]
    known = {s.id: s for s in catalogue.sections}
    groups: dict[str, list[str]] = {}
    loose: list[str] = []
    for article in catalogue.articles:
        first = next((known[s] for s in article.sections if s in known), None)
        if first is None:
            loose.append(article_uri(article))
        else:
            groups.setdefault(first.id, []).append(article_uri(article))
    return [{f"{s.number}. {escape_html(s.title)}": groups[s.id]}
            for s in catalogue.sections if s.id in groups] + loose


def _about(handwritten: list[str]) -> list[Any]:
    """Hand-written pages after the archive's own. With an about.md they share its tab (About,
    then the rest: notes on accessibility, the list of check codes...), so the top level
    stays the archive's; without one, each stands on its own."""
    if ABOUT_URI not in handwritten:
        return list(handwritten)
    return [{"About": [ABOUT_URI, *(uri for uri in handwritten if uri != ABOUT_URI)]}]


@dataclass
class TocNode:
    """A heading of a notebook in the page's table of contents, with the ones under it."""

    title: str  # plain text, as the heading reads
    id: str
    level: int
    children: list[TocNode] = field(default_factory=list)

    @property
    def html_title(self) -> str:
        """The title as MkDocs' anchor links carry it: HTML, which Material prints into the
        TOC unescaped. The one place a heading's text is escaped, so "The `<img>` tag"
        reads as written and `&lt;script&gt;` stays text."""
        return escape_html(self.title, quote=True)


def nest_toc(entries: Sequence[TocEntry]) -> list[TocNode]:
    """Nest a notebook's headings under each other by level, as MkDocs does for Markdown."""
    top: list[TocNode] = []
    stack: list[TocNode] = []
    for entry in entries:
        node = TocNode(entry.title, entry.id, entry.level)
        while stack and stack[-1].level >= entry.level:
            stack.pop()
        (stack[-1].children if stack else top).append(node)
        stack.append(node)
    return top
