"""The site's navigation and a notebook's table of contents, as plain data.

Pure functions of the catalogue (and the hand-written pages' names): the plugin hands the
navigation to MkDocs as if mkdocs.yml had written it, and turns the TOC tree into MkDocs'
anchor links. Golden tests call these directly."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from html import escape as escape_html
from typing import Any

from ..core.diagnostics import Diagnostic
from ..core.model import Catalogue, Location
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
# No level of the navigation lists more entries than this: longer lists of sections, of a
# section's experiments or of a section's articles are split into numbered groups ("Sections
# 21-40"), nested again when there are more groups than this. With Material's
# `navigation.prune`, a page carries only the open branch, so its navigation stays a few
# dozen links whatever the size of the archive.
NAV_GROUP_LIMIT = 20
_EN_DASH = "\u2013"  # ranges are set with an en dash: "Sections 21\u201340"
HOME_URI = "index.md"
ABOUT_URI = "about.md"


def site_navigation(catalogue: Catalogue, documentation_pages: Iterable[str], *,
                    generated: set[str], with_problems: bool = False) -> list[Any]:
    """The navigation MkDocs would read from mkdocs.yml's `nav`: Home, the sections with
    their experiments, the experiment log, the articles, the resources, then the
    hand-written pages (`documentation_pages` less the `generated` ones)."""
    sections = bounded([
        {f"{s.number}. {escape_html(s.title)}": [section_uri(s), *bounded(
            [experiment_uri(e) for e in catalogue.experiments_in(s.id)], "Experiments")]}
        for s in catalogue.sections
    ], "Sections")
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
    return bounded([{f"{s.number}. {escape_html(s.title)}": bounded(groups[s.id], "Articles")}
                    for s in catalogue.sections if s.id in groups]
                   + bounded(loose, "Articles"), "Sections")


def bounded(items: list[Any], noun: str, limit: int = NAV_GROUP_LIMIT) -> list[Any]:
    """`items` as they are when there are at most `limit`, else in groups of `limit`
    ("Sections 1-20", "Sections 21-40", ...), grouped again as long as there are more
    than `limit` groups, so no level lists more than `limit` entries."""
    if limit < 2:
        raise ValueError("a navigation level holds at least two entries")
    # Each entry with the first and last position (1-based) of the items it stands for.
    level = [(position, position, item) for position, item in enumerate(items, 1)]
    while len(level) > limit:
        level = [
            (chunk[0][0], chunk[-1][1],
             {f"{noun} {chunk[0][0]}{_EN_DASH}{chunk[-1][1]}": [entry for _, _, entry in chunk]})
            for chunk in (level[start:start + limit] for start in range(0, len(level), limit))
        ]
    return [entry for _, _, entry in level]


# From this many generated pages, a navigation that every page carries in full weighs more
# than the pages' own content.
PRUNE_ADVICE_PAGES = 200


def prune_advice(catalogue: Catalogue, theme: str | None, features: Sequence[str],
                 config_file: str = "mkdocs.yml") -> Diagnostic | None:
    """NV420 when a large archive is built with Material without `navigation.prune`: every
    page then carries every link of the navigation, and the site grows with the square of
    the archive (10,000 sections made pages of 5.6 MB)."""
    pages = len(catalogue.sections) + len(catalogue.experiments) + len(catalogue.articles)
    if theme != "material" or "navigation.prune" in features or pages < PRUNE_ADVICE_PAGES:
        return None
    return Diagnostic(
        "NV420", f"every page carries the whole navigation ({pages:,} generated pages) "
        "because the theme's `navigation.prune` feature is off",
        Location(config_file, 1, 1),
        hint="add `navigation.prune` under `theme: features:` in mkdocs.yml: each page then "
        "lists only its own branch of the navigation",
    )


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
