"""The catalogue's domain model: frozen records that remember where they were written.

Everything here is plain data. The loader builds it, the checks read it, the renderer
turns it into pages; nothing in this module touches files or MkDocs.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from types import MappingProxyType


@dataclass(frozen=True, order=True)
class Location:
    """A position in a source file; line and column count from 1, as editors show them."""

    path: str
    line: int
    column: int

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.column}"


def line_and_column(text: str, offset: int) -> tuple[int, int]:
    """The line and column (from 1) of the character at `offset` in `text`."""
    return text.count("\n", 0, offset) + 1, offset - (text.rfind("\n", 0, offset) + 1) + 1


class Status(StrEnum):
    """The archive's status vocabulary, in the owner's own words."""

    COMPLETED = "completed"
    ACTIVE = "active"
    IN_PROGRESS = "in-progress"
    UPDATING = "updating"
    UPCOMING = "upcoming"
    PLANNED = "planned"
    PAUSED = "paused"

    @property
    def label(self) -> str:
        return _STATUS_LABELS[self]

    @property
    def symbol(self) -> str:
        return _STATUS_SYMBOLS[self]


_STATUS_LABELS = {
    Status.COMPLETED: "Completed",
    Status.ACTIVE: "Active",
    Status.IN_PROGRESS: "In progress",
    Status.UPDATING: "Updating",
    Status.UPCOMING: "Upcoming",
    Status.PLANNED: "Planned",
    Status.PAUSED: "Paused",
}

# The seed README marks statuses with these; keeping them makes the README round-trip.
_STATUS_SYMBOLS = {
    Status.COMPLETED: "✅",
    Status.ACTIVE: "🟢",
    Status.IN_PROGRESS: "🟡",
    Status.UPDATING: "🧾",
    Status.UPCOMING: "🔜",
    Status.PLANNED: "📝",
    Status.PAUSED: "⏸️",
}


class ResourceKind(StrEnum):
    BOOK = "book"
    COURSE_NOTES = "course-notes"
    BLOG = "blog"
    ARTICLE = "article"
    PAPER = "paper"
    VIDEO = "video"

    @property
    def label(self) -> str:
        return self.value.replace("-", " ").capitalize()


@dataclass(frozen=True)
class SiteInfo:
    title: str
    tagline: str = ""
    repository_url: str | None = None
    url: str | None = None  # where the site is published
    # The branch of `repository_url` whose files the site shows (Colab and source links).
    branch: str = "main"
    # Where the archive lies inside that repository ("" for its root); None when the
    # catalogue does not say, and the build finds it from the git checkout.
    repository_folder: str | None = None
    location: Location | None = None


@dataclass(frozen=True)
class Section:
    id: str
    number: int
    title: str
    status: Status
    focus: str = ""
    description: str = ""
    planned: tuple[str, ...] = ()
    location: Location | None = None
    fields: Mapping[str, Location] = field(default_factory=dict)
    key_path: str = ""  # where it is written, e.g. "experiments[3]"


@dataclass(frozen=True)
class Experiment:
    id: str
    number: int  # position within its section, from 1
    title: str
    section: str
    status: Status
    notebook: str | None = None
    script: str | None = None
    goal: str = ""
    description: str = ""
    frameworks: tuple[str, ...] = ()
    dataset: str = ""
    tags: tuple[str, ...] = ()
    articles: tuple[str, ...] = ()
    added: dt.date | None = None
    location: Location | None = None
    fields: Mapping[str, Location] = field(default_factory=dict)
    key_path: str = ""  # where it is written, e.g. "experiments[3]"

    @property
    def source(self) -> str | None:
        """The experiment's file, notebook or script, relative to the archive root."""
        return self.notebook or self.script


@dataclass(frozen=True)
class Article:
    id: str
    number: int  # position among all articles, from 1
    title: str
    summary: str
    sections: tuple[str, ...]
    status: Status = Status.COMPLETED
    pdf: str | None = None
    note: str | None = None  # a Markdown note, the other kind of article
    tags: tuple[str, ...] = ()
    added: dt.date | None = None
    location: Location | None = None
    fields: Mapping[str, Location] = field(default_factory=dict)
    key_path: str = ""  # where it is written, e.g. "experiments[3]"

    @property
    def source(self) -> str | None:
        """The article's file, PDF or Markdown note, relative to the archive root; None for
        an article still planned."""
        return self.pdf or self.note


def same_words(one: str, other: str) -> bool:
    """Whether two texts say the same words, whatever their case, punctuation and markup."""
    def words(text: str) -> list[str]:
        return re.findall(r"\w+", text.casefold())
    return words(one) == words(other)


@dataclass(frozen=True)
class Resource:
    topic: str
    title: str
    url: str
    kind: ResourceKind
    note: str = ""
    location: Location | None = None
    fields: Mapping[str, Location] = field(default_factory=dict)
    key_path: str = ""  # where it is written, e.g. "experiments[3]"


@dataclass(frozen=True)
class Catalogue:
    site: SiteInfo
    sections: tuple[Section, ...] = ()
    experiments: tuple[Experiment, ...] = ()
    articles: tuple[Article, ...] = ()
    resources: tuple[Resource, ...] = ()
    # Patterns of archive files left off the site on purpose (see core.archive_files).
    ignore: tuple[str, ...] = ()
    path: str = "catalogue.yml"
    _sections_by_id: Mapping[str, Section] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        by_id = MappingProxyType({s.id: s for s in self.sections})
        object.__setattr__(self, "_sections_by_id", by_id)

    def section(self, section_id: str) -> Section | None:
        return self._sections_by_id.get(section_id)

    def experiments_in(self, section_id: str) -> tuple[Experiment, ...]:
        return tuple(e for e in self.experiments if e.section == section_id)

    def articles_in(self, section_id: str) -> tuple[Article, ...]:
        return tuple(a for a in self.articles if section_id in a.sections)

    def experiments_citing(self, article_id: str) -> tuple[Experiment, ...]:
        """Experiments that list the article among their related ones, in catalogue order."""
        return tuple(e for e in self.experiments if article_id in e.articles)

    def article(self, article_id: str) -> Article | None:
        return next((a for a in self.articles if a.id == article_id), None)

    def recent(self, limit: int) -> tuple[Experiment | Article, ...]:
        """Entries with a date, newest first; ties keep catalogue order."""
        entries: tuple[Experiment | Article, ...] = (*self.experiments, *self.articles)
        dated = [e for e in entries if e.added is not None]
        dated.sort(key=lambda e: e.added or dt.date.min, reverse=True)
        return tuple(dated[:limit])
