"""Diagnostics: every problem the user can fix, with a stable code, a place and a hint."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from .model import Location

# What every command of `neuroverse` exits with: done; problems found (or nothing written);
# the command was used wrongly.
EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE = 0, 1, 2


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True)
class Code:
    code: str
    severity: Severity
    summary: str


def _codes(*codes: Code) -> dict[str, Code]:
    return {c.code: c for c in codes}


_E, _W = Severity.ERROR, Severity.WARNING

# The one table of codes. Codes are stable: never renumber, only add.
CODES: dict[str, Code] = _codes(
    Code("NV001", _E, "the catalogue is not valid YAML"),
    Code("NV002", _E, "a key appears twice in one mapping"),
    Code("NV003", _E, "the catalogue cannot be read (missing, not UTF-8, empty)"),
    Code("NV004", _E, "the top level of the catalogue is not a mapping"),
    Code("NV005", _E, "a tab character where YAML expects spaces"),
    Code("NV006", _W, "the file starts with a byte-order mark"),
    Code("NV007", _E, "a YAML tag (!!binary, !ENV, !!python/..., !custom); tags are not supported"),
    Code("NV100", _E, "unknown key"),
    Code("NV101", _E, "a required field is missing"),
    Code("NV102", _E, "a value has the wrong type"),
    Code("NV103", _E, "a value is not one of the allowed values"),
    Code("NV104", _E, "an id cannot be used in a URL"),
    Code("NV105", _E, "a value is not valid (date, URL, text)"),
    Code("NV106", _E, "a link uses a scheme that could run code (javascript:, data:, ...)"),
    Code("NV107", _W, "a link or image in Markdown text was removed from the page (a scheme "
                      "that could run code, or an image on another host)"),
    Code("NV108", _W, "text holds invisible or direction-changing characters"),
    Code("NV200", _E, "an id is used twice"),
    Code("NV201", _E, "unknown section"),
    Code("NV202", _E, "unknown related article"),
    Code("NV203", _E, "an article belongs to no section"),
    Code("NV204", _W, "two entries in one section have the same title"),
    Code("NV205", _E, "an id is reserved for a generated page"),
    Code("NV300", _E, "a file named in the catalogue does not exist"),
    Code("NV301", _E, "a file has the wrong extension for its field"),
    Code("NV302", _E, "a path leaves the archive"),
    Code("NV303", _E, "a notebook cannot be read"),
    Code("NV304", _E, "a PDF cannot be read (empty, truncated, encrypted, not a PDF)"),
    Code("NV305", _W, "a file is larger than the size limit"),
    Code("NV306", _E, "a path cannot name a file (NUL byte, too long, a loop of links)"),
    Code("NV307", _W, "a notebook has so many cells or so much output that its page is unusable"),
    Code("NV310", _W, "a notebook, PDF or Markdown note in the archive is not in the catalogue"),
    Code("NV330", _W, "a PDF carries JavaScript or Launch, SubmitForm or ImportData actions"),
    Code("NV340", _E, "a Markdown note cannot be read (not UTF-8 text)"),
    Code("NV341", _W, "the archive is too large to look through whole for unlisted files"),
    Code("NV342", _W, "a link or image in a Markdown note leads to nothing the site can show "
                      "(missing, outside the archive, hidden, not an image)"),
    Code("NV350", _W, "a hand-written page has the address of a generated page"),
    Code("NV370", _W, "a PDF's page images could not be drawn after its page was made"),
    Code("NV375", _W, "a notebook changed or vanished while the site was built: its page "
                      "is built without it"),
    Code("NV400", _W, "a notebook cell leaves a tag or comment unclosed"),
    Code("NV401", _W, "a notebook image is outside the archive, hidden or in a "
                      "version-control folder"),
    Code("NV402", _W, "a notebook image file does not exist"),
    Code("NV403", _W, "a notebook image is not a raster image or SVG"),
    Code("NV404", _W, "a notebook SVG image carried script, links or foreign content"),
    Code("NV405", _W, "a notebook image on another host is shown as a link"),
    Code("NV420", _W, "a large archive is built without Material's navigation.prune"),
    Code("NV500", _W, "the site is built with Zensical, which skips the plugin: export it first"),
    Code("NV501", _E, "the export folder cannot be used (not empty, holds the project, inside docs)"),
    Code("NV502", _E, "mkdocs.yml cannot be exported (unreadable, no neuroverse plugin, a bad option)"),
    Code("NV503", _E, "a hand-written file in docs/ has the path of a generated page or asset"),
)


@dataclass(frozen=True)
class Diagnostic:
    code: str
    message: str
    location: Location | None = None
    key_path: str = ""
    hint: str = ""

    @property
    def severity(self) -> Severity:
        return CODES[self.code].severity

    def format(self) -> str:
        """One line as compilers print them, then the hint indented below it."""
        where = f"{self.location}: " if self.location else ""
        subject = f"{self.key_path}: " if self.key_path else ""
        line = f"{where}{self.severity} {self.code} {subject}{self.message}"
        if self.hint:
            line += f"\n    hint: {self.hint}"
        return line


def sort_key(diagnostic: Diagnostic) -> tuple[str, int, int, str]:
    loc = diagnostic.location
    return (loc.path, loc.line, loc.column, diagnostic.code) if loc else ("", 0, 0, diagnostic.code)


def sorted_diagnostics(diagnostics: Iterable[Diagnostic]) -> list[Diagnostic]:
    return sorted(diagnostics, key=sort_key)


def has_errors(diagnostics: Iterable[Diagnostic]) -> bool:
    return any(d.severity is Severity.ERROR for d in diagnostics)
