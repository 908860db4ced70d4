"""`neuroverse add`: put a finished notebook, article, section or resource into the catalogue.

The flow is read -> infer -> insert as text -> check the whole candidate catalogue -> write
atomically. Nothing touches the disk until the candidate has passed the same checks as
`neuroverse check`; the catalogue keeps every byte it had, plus the new lines.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path, PurePosixPath
from typing import Any

from ..core.checks import CheckOptions, check_catalogue
from ..core.diagnostics import Diagnostic, Severity, sorted_diagnostics
from ..core.ids import QUOTES, RESERVED_IDS, slugify, unique_id
from ..core.loader import BOM, NOTE_SUFFIXES, LoadResult, load_catalogue
from ..core.model import Catalogue, Location, Section, same_words
from ..core.paths import is_regular_file, path_text_problem, safe_resolve, what_is_there
from ..core.probes import strip_front_matter
from .safefile import Snapshot, read_snapshot, replace_file
from .yamltext import Insertion, LayoutError, insert_entry

# Section -> entry kind -> the list it goes in
LIST_OF = {"section": "sections", "experiment": "experiments", "article": "articles",
           "resource": "resources"}


class AuthoringError(Exception):
    """A mistake the user can fix; the message is one sentence that says how, after the
    catalogue's own diagnostics when those are the reason."""

    def __init__(self, message: str, diagnostics: Sequence[Diagnostic] = ()) -> None:
        super().__init__(message)
        self.diagnostics = list(diagnostics)


# ---------------------------------------------------------------------------------------
# Titles from files


def notebook_title(path: Path) -> str | None:
    """The text of the notebook's first `# ` heading, or None."""
    try:
        data = json.loads(path.read_bytes())
    except (OSError, UnicodeDecodeError, json.JSONDecodeError, RecursionError):
        return None
    cells = data.get("cells") if isinstance(data, dict) else None
    for cell in cells if isinstance(cells, list) else []:
        if not isinstance(cell, dict) or cell.get("cell_type") != "markdown":
            continue
        source = cell.get("source", "")
        text = "".join(source) if isinstance(source, list) else str(source)
        for line in text.splitlines():
            match = re.match(r"^#\s+(.+?)\s*#*\s*$", line)
            if match:
                return _clean_title(match.group(1))
    return None


def _clean_title(text: str) -> str:
    text = re.sub(r"[*`]+", "", text)  # Markdown emphasis is not part of a title
    text = " ".join(text.split()).strip()
    return text.strip(QUOTES).strip()


_GENERIC_PDF_TITLES = re.compile(r"^(untitled|microsoft (word|powerpoint) - .*|document\d*)$",
                                 re.IGNORECASE)


def pdf_title(path: Path) -> str | None:
    """The PDF's Title metadata, else the title block at the top of its first page."""
    import pypdfium2 as pdfium  # imported here: `neuroverse add section` needs no PDF engine

    try:
        document = pdfium.PdfDocument(str(path))
    except pdfium.PdfiumError:
        return None
    try:
        title = _clean_title(str(document.get_metadata_dict().get("Title") or ""))
        if title and not _GENERIC_PDF_TITLES.match(title):
            return title
        if len(document) == 0:
            return None
        text = document[0].get_textpage().get_text_range()
    finally:
        document.close()
    return title_from_page_text(text) or None


_FENCE = re.compile(r"^\s{0,3}(```|~~~)")


def note_title(path: Path) -> str | None:
    """The text of a Markdown note's first `# ` heading (front matter and fenced code
    skipped), or None."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    in_code = False
    for line in strip_front_matter(text).splitlines():
        if _FENCE.match(line):
            in_code = not in_code
            continue
        match = None if in_code else re.match(r"^ {0,3}#\s+(.+?)\s*#*\s*$", line)
        if match:
            return _clean_title(match.group(1)) or None
    return None


SUMMARY_MAX_LENGTH = 160
# Lines that start something other than a paragraph: headings, fences, tables, lists,
# quotes, raw HTML, images, link definitions, rules.
_NOT_PROSE = re.compile(r"^\s*(#|```|~~~|\||[-*+]\s|\d+[.)]\s|>|<|!\[|\[[^\]]+\]:|[-*_]{3,}\s*$|\$\$)")


def note_summary(path: Path) -> str | None:
    """A one-line summary for a note's card: its first paragraph of prose, as plain text,
    cut at a word before SUMMARY_MAX_LENGTH characters; None when it has none."""
    try:
        text = strip_front_matter(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError):
        return None
    paragraph: list[str] = []
    in_code = False
    for line in text.splitlines():
        if _FENCE.match(line):
            in_code = not in_code
            continue
        if in_code or not line.strip() or _NOT_PROSE.match(line):
            if paragraph:
                break
            continue
        paragraph.append(line.strip())
    plain = " ".join(" ".join(paragraph).split())
    plain = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", plain)  # links and images: their text
    plain = _cut(re.sub(r"[*_`]+", "", plain).strip())
    return plain or None


def pdf_summary(path: Path, title: str) -> str | None:
    """A one-line summary for a PDF's card: its Subject metadata, else the first line of
    prose on its first page after the title block; never the title again. None when the
    PDF says nothing more (or cannot be read)."""
    import pypdfium2 as pdfium

    try:
        document = pdfium.PdfDocument(str(path))
    except pdfium.PdfiumError:
        return None
    try:
        subject = _clean_title(str(document.get_metadata_dict().get("Subject") or ""))
        if subject and not same_words(subject, title) and len(subject) > 12:
            return _cut(subject)
        if len(document) == 0:
            return None
        text = document[0].get_textpage().get_text_range()
    except pdfium.PdfiumError:
        return None
    finally:
        document.close()
    return _first_sentence(text, title)


def _first_sentence(text: str, title: str) -> str | None:
    """The first sentence of prose in a page's text: it starts a line with a capital, has
    several words, mostly not the title's (not the title block, a byline or a page
    number), and runs on over the lines it wraps onto until its full stop."""
    title_words = set(re.findall(r"\w+", title.casefold()))
    lines = [" ".join(line.split()) for line in text.replace("\r\n", "\n").split("\n")]
    for start, line in enumerate(lines):
        words = re.findall(r"\w+", line.casefold())
        if (len(words) < 5 or not line[:1].isupper()
                or sum(w in title_words for w in words) > len(words) / 2):
            continue
        sentence = line
        for more in lines[start + 1:]:
            if re.search(r"[.!?](\s|$)", sentence) or len(sentence) > SUMMARY_MAX_LENGTH \
                    or not more:
                break
            sentence = f"{sentence} {more}"
        end = re.search(r"[.!?](\s|$)", sentence)
        if end is not None and end.end() <= SUMMARY_MAX_LENGTH + 1:
            sentence = sentence[:end.end()].strip()
        return _cut(sentence)
    return None


def _cut(text: str) -> str:
    if len(text) > SUMMARY_MAX_LENGTH:
        text = text[:SUMMARY_MAX_LENGTH].rsplit(" ", 1)[0].rstrip(",;:") + "…"
    return text


def title_from_page_text(text: str) -> str:
    """The first line of a page, joined with the lines it wraps onto.

    Word processors export a wrapped title line with a trailing space before the line
    break and a hard break without one; that is the only layout clue plain text keeps.
    """
    raw = [line for line in text.replace("\r\n", "\n").split("\n")]
    while raw and not raw[0].strip():
        raw.pop(0)
    if not raw:
        return ""
    parts = [raw[0]]
    for line in raw[1:3]:
        if not parts[-1].endswith(" ") or not line.strip():
            break
        parts.append(line)
    return _clean_title(" ".join(p.strip() for p in parts))


def title_from_filename(relative: str) -> str:
    stem = PurePosixPath(relative).stem
    words = re.sub(r"[_\-]+", " ", stem).strip()
    return words[:1].upper() + words[1:] if words else stem


# ---------------------------------------------------------------------------------------
# The catalogue being edited


@dataclass(frozen=True)
class OpenCatalogue:
    path: Path
    root: Path
    snapshot: Snapshot
    text: str
    loaded: LoadResult

    @property
    def catalogue(self) -> Catalogue:
        if self.loaded.catalogue is None:  # open_catalogue refuses such files
            raise AuthoringError(f"{self.path.name} cannot be read as a catalogue")
        return self.loaded.catalogue

    @property
    def display(self) -> str:
        return self.path.name


def open_catalogue(path: Path) -> OpenCatalogue:
    try:
        snapshot = read_snapshot(path)
    except FileNotFoundError:
        raise AuthoringError(
            f"{path}: no catalogue here; run `neuroverse init DIR` to start an archive, "
            "or pass --catalogue PATH"
        ) from None
    except OSError as exc:
        raise AuthoringError(f"{path}: cannot read the catalogue ({exc.strerror})") from None
    try:
        text = snapshot.data.removeprefix(BOM).decode("utf-8")
    except UnicodeDecodeError:
        raise AuthoringError(f"{path}: the catalogue is not UTF-8 text") from None
    loaded = load_catalogue(text, path.name)
    if loaded.catalogue is None:
        raise AuthoringError(f"{path.name} must load before anything can be added to it",
                             loaded.diagnostics)
    return OpenCatalogue(path, path.resolve().parent, snapshot, text, loaded)


def archive_path(opened: OpenCatalogue, given: str, suffixes: Sequence[str]) -> str:
    """The path of an existing file, relative to the archive root, as the catalogue writes it.

    `given` is taken relative to the current folder, or failing that to the archive root.
    """
    problem = path_text_problem(given)
    if problem is not None:
        raise AuthoringError(f"the path {problem}")
    candidate = Path(given).expanduser()
    if not candidate.is_absolute() and not os.path.lexists(candidate):
        candidate = opened.root / given
    if not is_regular_file(candidate):
        there = what_is_there(candidate)
        raise AuthoringError(f"{given}: no such file" if there == "does not exist"
                             else f"{given} {there}")
    resolved = safe_resolve(candidate)
    try:
        if resolved is None:
            raise ValueError(given)
        relative = resolved.relative_to(opened.root).as_posix()
    except ValueError:
        raise AuthoringError(
            f"{given} is outside the archive ({opened.root}); move it under the folder of "
            f"{opened.display} first"
        ) from None
    if PurePosixPath(relative).suffix.lower() not in suffixes:
        raise AuthoringError(f"{given}: expected a {' or '.join(suffixes)} file")
    return relative


# ---------------------------------------------------------------------------------------
# Entries


def new_id(title: str, taken: Iterable[str], given: str | None = None) -> str:
    if given:
        return given  # the check reports a bad or duplicate id with its usual message
    base = slugify(title) or "entry"
    return unique_id(base, set(taken) | RESERVED_IDS)


def _words(values: Iterable[str] | None) -> list[str]:
    """Repeated options, each of which may also hold a comma-separated list."""
    words: list[str] = []
    for value in values or ():
        words += [w.strip() for w in value.split(",") if w.strip()]
    return list(dict.fromkeys(words))


def choose_section(sections: Sequence[Section], ask: Callable[[str], str]) -> str:
    """Ask which section an entry belongs to, by number or id, until the answer is valid."""
    if not sections:
        raise AuthoringError("the catalogue has no sections yet; add one with "
                             "`neuroverse add section TITLE`")
    menu = "\n".join(f"  {s.number}. {s.title} ({s.id})" for s in sections)
    prompt = f"Sections:\n{menu}\nSection (number or id): "
    for _ in range(3):
        try:
            answer = ask(prompt).strip()
        except (EOFError, KeyboardInterrupt):  # Ctrl-D or Ctrl-C at the prompt
            break
        if answer.isdigit() and 1 <= int(answer) <= len(sections):
            return sections[int(answer) - 1].id
        if any(s.id == answer for s in sections):
            return answer
        prompt = f"'{answer}' is not one of the sections; number or id: "
    raise AuthoringError("no section chosen; pass --section ID")


@dataclass
class EntryText:
    """What the user said about a new experiment or article; None means "infer it"."""

    title: str | None = None
    id: str | None = None
    status: str | None = None
    tags: Sequence[str] = ()
    added: dt.date | None = None


def experiment_fields(opened: OpenCatalogue, source: str | None,
                      section: str | Callable[[], str], about: EntryText, *, goal: str | None = None,
                      description: str | None = None, frameworks: Sequence[str] = (),
                      dataset: str | None = None, articles: Sequence[str] = ()) -> dict[str, Any]:
    relative = archive_path(opened, source, (".ipynb", ".py")) if source else None
    title = about.title
    if title is None and relative is not None:
        if relative.endswith(".ipynb"):
            title = notebook_title(opened.root / relative)
        title = title or title_from_filename(relative)
    if not title:
        raise AuthoringError("an experiment without a file needs a title: pass --title TEXT")
    for existing in opened.catalogue.experiments:
        if relative is not None and existing.source == relative:
            raise AuthoringError(f"{_where(existing.location)}{relative} is already in the "
                                 f"catalogue as experiment '{existing.id}'")
    # Asked for only now, so nobody answers a question about a file that will be refused.
    section = section() if callable(section) else section
    status = about.status or (None if relative else "planned")
    taken = [e.id for e in opened.catalogue.experiments]
    is_notebook = relative is not None and relative.endswith(".ipynb")
    return {
        "id": new_id(title, taken, about.id),
        "title": title,
        "section": section,
        "notebook": relative if is_notebook else None,
        "script": relative if relative and not is_notebook else None,
        "status": status,
        "goal": goal,
        "description": description,
        "frameworks": _words(frameworks),
        "dataset": dataset,
        "tags": _words(about.tags),
        "articles": _words(articles),
        "added": about.added,
    }


def article_fields(opened: OpenCatalogue, source: str | None,
                   sections: Sequence[str] | Callable[[], Sequence[str]],
                   summary: str | None, about: EntryText) -> dict[str, Any]:
    """An article from a PDF or a Markdown note (`source`), or a planned one (None)."""
    relative = archive_path(opened, source, (".pdf", *NOTE_SUFFIXES)) if source else None
    is_note = relative is not None and relative.lower().endswith(NOTE_SUFFIXES)
    title = about.title
    if title is None and relative is not None:
        found = note_title(opened.root / relative) if is_note else pdf_title(
            opened.root / relative)
        title = found or title_from_filename(relative)
    if not title:
        raise AuthoringError("an article without a PDF or note needs a title: pass --title TEXT")
    if (not summary or not summary.strip()) and is_note and relative is not None:
        summary = note_summary(opened.root / relative)
        if summary is not None and same_words(summary, title):
            summary = None  # a card that says its title twice says nothing more
    if not summary or not summary.strip():
        raise AuthoringError("an article needs a one-line summary for its card: "
                             "pass --summary TEXT")
    for existing in opened.catalogue.articles:
        if relative is not None and existing.source == relative:
            raise AuthoringError(f"{_where(existing.location)}{relative} is already in the "
                                 f"catalogue as article '{existing.id}'")
    sections = sections() if callable(sections) else sections
    taken = [a.id for a in opened.catalogue.articles]
    return {
        "id": new_id(title, taken, about.id),
        "title": title,
        "pdf": relative if not is_note else None,
        "note": relative if is_note else None,
        "summary": summary.strip(),
        "sections": _words(sections),
        "status": about.status or (None if relative else "planned"),
        "tags": _words(about.tags),
        "added": about.added,
    }


def _where(location: Location | None) -> str:
    return f"{location}: " if location else ""


def section_fields(opened: OpenCatalogue, title: str, *, section_id: str | None,
                   status: str | None, focus: str | None, description: str | None,
                   planned: Sequence[str]) -> dict[str, Any]:
    taken = [s.id for s in opened.catalogue.sections]
    return {
        "id": new_id(title, taken, section_id),
        "title": title,
        "focus": focus,
        "status": status or "planned",
        "description": description,
        "planned": list(planned),
    }


def resource_fields(url: str, *, title: str, topic: str, kind: str,
                    note: str | None) -> dict[str, Any]:
    return {"topic": topic, "title": title, "url": url, "type": kind, "note": note}


def insertion_index(opened: OpenCatalogue, key: str, fields: Mapping[str, Any]) -> int | None:
    """Experiments go after the last one of their section and resources after the last one
    of their topic, so the file stays grouped; everything else goes at the end."""
    items = opened.loaded.document.get(key) if opened.loaded.document is not None else None
    if not isinstance(items, list):
        return None
    group = {"experiments": "section", "resources": "topic"}.get(key)
    if group is None:
        return None
    value = str(fields.get(group))
    wanted = [value]
    order = [s.id for s in opened.catalogue.sections]
    if key == "experiments" and value in order:
        # A section's first experiment goes after those of the sections before it.
        wanted = order[:order.index(value) + 1]
    for value in reversed(wanted):
        same = [i for i, item in enumerate(items)
                if isinstance(item, Mapping) and item.get(group) == value]
        if same:
            return same[-1]
    return None


# ---------------------------------------------------------------------------------------
# Checking and writing


@dataclass(frozen=True)
class PlannedAddition:
    opened: OpenCatalogue
    key: str
    fields: Mapping[str, Any]
    insertion: Insertion
    problems: list[Diagnostic]  # located in the file as it is now, or in the new entry
    # Errors the catalogue had before the entry was added, by (code, line, column): a
    # notebook not yet pulled must not stop the owner from adding another one.
    existing: frozenset[tuple[str, int, int]] = frozenset()

    @property
    def errors(self) -> list[Diagnostic]:
        """Errors the new entry brings: in it, or caused by it elsewhere."""
        return [d for d in self.problems
                if d.severity is Severity.ERROR and _error_key(d) not in self.existing]

    @property
    def existing_errors(self) -> list[Diagnostic]:
        """Errors that were in the catalogue already, which this addition leaves as they are."""
        return [d for d in self.problems
                if d.severity is Severity.ERROR and _error_key(d) in self.existing]

    @property
    def entry_text(self) -> str:
        lines = self.insertion.text.splitlines(keepends=True)
        return "".join(lines[self.insertion.first_line - 1:self.insertion.last_line])


def plan_addition(opened: OpenCatalogue, key: str, fields: Mapping[str, Any],
                  after_index: int | None = None) -> PlannedAddition:
    """Insert the entry into the text in memory and check the whole result."""
    try:
        insertion = insert_entry(opened.text, opened.loaded.document, key, fields, after_index)
    except LayoutError as exc:
        raise AuthoringError(f"{opened.display}: {exc}") from None
    relocated = [_relocate(d, insertion)
                 for d in _check_text(insertion.text, opened.display, opened.root)]
    # The file as it is needs checking (opening every notebook and PDF again) only when the
    # candidate has errors to tell apart.
    before: frozenset[tuple[str, int, int]] = frozenset()
    if any(d.severity is Severity.ERROR for d in relocated):
        before = frozenset(_error_key(d)
                           for d in _check_text(opened.text, opened.display, opened.root)
                           if d.severity is Severity.ERROR)
    return PlannedAddition(opened, key, fields, insertion, relocated, before)


def _check_text(text: str, display: str, root: Path) -> list[Diagnostic]:
    result = load_catalogue(text, display)
    problems = list(result.diagnostics)
    if result.catalogue is not None:
        problems += check_catalogue(result.catalogue, root, CheckOptions(report_orphans=False))
    return sorted_diagnostics(problems)


def _error_key(diagnostic: Diagnostic) -> tuple[str, int, int]:
    location = diagnostic.location
    if location is None or location.path.endswith(f"({NEW_ENTRY})"):
        return (diagnostic.code, -1, -1)  # never one of the file's own
    return (diagnostic.code, location.line, location.column)


NEW_ENTRY = "new entry"


def _relocate(diagnostic: Diagnostic, insertion: Insertion) -> Diagnostic:
    """Point a diagnostic of the candidate text at the file as it is, or at the new entry."""
    location = diagnostic.location
    if location is None:
        return diagnostic
    if location.line > insertion.last_line:
        return replace(diagnostic, location=replace(
            location, line=location.line - insertion.lines_added))
    if location.line > insertion.last_line - insertion.lines_added:
        return replace(diagnostic, location=Location(
            f"{location.path} ({NEW_ENTRY})", max(1, location.line - insertion.first_line + 1),
            location.column))
    return diagnostic


def write_addition(plan: PlannedAddition) -> None:
    """Write the candidate over the catalogue, unless it changed since it was read."""
    if plan.errors:
        raise AuthoringError("refusing to add an entry that brings errors")
    bom = BOM if plan.opened.snapshot.data.startswith(BOM) else b""
    replace_file(plan.opened.snapshot, plan.opened.path,
                 bom + plan.insertion.text.encode("utf-8"))
