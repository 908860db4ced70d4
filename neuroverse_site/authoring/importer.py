"""`neuroverse import`: a hand-maintained archive README -> a catalogue.

The README style this reads is the NeuroVerse seed's: numbered section headings with emoji
(`## 2️⃣ Convolutional Neural Networks (CNNs)`), a status table, experiment bullets with
notebook links, numbered article lines with PDF links and quoted summaries underneath.
Such READMEs are written by hand and drift, so the importer is forgiving about layout but
strict about honesty: every link to a missing file is reported, and so is every line it
could not place. Nothing is dropped silently.

Decisions where the README is ambiguous:
- A link to a file that does not exist is left out of the catalogue and the entry is marked
  `planned`, with a comment saying what the README linked; the catalogue therefore passes
  `neuroverse check` and the site builds straight away.
- An article listed in several sections (by title) becomes one article in all of them.
- Ids come from the file name when there is a file (stable when titles are edited), else
  from the title; section ids from an acronym in the title, else its first distinctive word.
"""

from __future__ import annotations

import datetime as dt
import re
import sys
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import unquote

from ..core.checks import CheckOptions, check_catalogue
from ..core.diagnostics import EXIT_OK, EXIT_PROBLEMS, Severity
from ..core.ids import QUOTES, RESERVED_IDS, slugify, unique_id
from ..core.loader import load_catalogue
from ..core.model import Status
from .safefile import FileChangedError, replace_file
from .yamltext import DEFAULT_LAYOUT, format_entry, format_mapping

_LINK = re.compile(r"\[([^\]]*)\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
_HTML_LINK = re.compile(r"""(?:src|href)\s*=\s*["']([^"']+)["']""", re.IGNORECASE)
_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_NUMBERED = re.compile(r"^(\d{1,2})(?:\ufe0f?\u20e3|[.)]|\s)\s*(.+)$")
_BULLET = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+(.*)$")
_EMPTY_BULLET = re.compile(r"^\s*[-*+]\s*$")
_HTML_H1 = re.compile(r"<h1[^>]*>(.*?)</h1>", re.IGNORECASE)
_HTML_P = re.compile(r"^\s*<p[^>]*>([^<]+)</p>\s*$", re.IGNORECASE)
_GITHUB_REPO = re.compile(r"https://github\.com/([\w.-]+/[\w.-]+)")
_ARTICLE_NUMBER = re.compile(r"^\*\*\s*\d+\s*[:.]?\s*\*\*\s*[:.]?")
_EXPERIMENT_PREFIX = re.compile(r"^\*?\s*experiment\s*\d*\s*[:.\-\u2013]\s*\*?", re.IGNORECASE)
_LINK_PREFIX = re.compile(r"^(notebook|article|notes?|paper|pdf)\s*:\s*", re.IGNORECASE)
_GENERIC_LINK_TEXT = re.compile(r"^(read|open|view|download)?\s*(the\s+)?(pdf|notes?|paper)"
                                r"(\s*\(pdf\))?$", re.IGNORECASE)
# Lines with no content of their own: rules, spacing tags, empty bullets.
_FILLER = re.compile(r"^\s*(?:-{3,}|\*{3,}|_{3,}|</?small>|<br\s*/?>|&nbsp;|</?div[^>]*>)\s*$",
                     re.IGNORECASE)
_GENERIC_WORDS = frozenset({"neural", "network", "networks", "deep", "learning", "the", "and",
                            "a", "an", "of", "models", "model", "intro", "introduction", "to"})

_LABELS = {
    "experiments": ("experiment", "experiments", "hands-on", "notebooks", "projects"),
    "articles": ("articles", "articles & notes", "articles and notes", "notes", "papers",
                 "featured research articles", "research articles", "articles & papers"),
    "planned": ("planned", "planned topics", "focus", "upcoming", "coming soon", "roadmap",
                "to do", "todo", "next"),
}


def strip_emoji(text: str) -> str:
    """Remove pictographs and the joiners that build them; keep letters, digits, quotes."""
    kept = [ch for ch in text
            if unicodedata.category(ch) != "So" and ch not in "\ufe0f\ufe0e\u200d\u20e3"]
    return " ".join("".join(kept).split())


def _plain(text: str) -> str:
    """Markdown inline text -> plain words: links become their text, emphasis and HTML go."""
    text = _LINK.sub(lambda m: m.group(1), text)
    text = re.sub(r"<[^>]+>", " ", text).replace("&nbsp;", " ").replace("&amp;", "&")
    text = re.sub(r"(\*\*|__|\*|`)", "", text)
    return strip_emoji(text).strip(" :\u2013\u2014-")


def status_from_text(text: str) -> Status | None:
    for status in Status:
        if status.symbol.replace("\ufe0f", "") in text.replace("\ufe0f", ""):
            return status
    words = " ".join(strip_emoji(text).lower().replace("-", " ").split())
    for status in Status:
        if words in (status.label.lower(), status.value.replace("-", " ")):
            return status
    return None


# ---------------------------------------------------------------------------------------
# What the README says


@dataclass(frozen=True)
class Note:
    line: int
    column: int
    severity: str  # "warning" (a link to nothing) or "note" (text left out)
    message: str

    def format(self, path: str) -> str:
        return f"{path}:{self.line}:{self.column}: {self.severity}: {self.message}"


@dataclass
class Link:
    text: str
    target: str
    line: int
    column: int


@dataclass
class ImportedSection:
    number: int
    title: str
    line: int
    status: Status | None = None
    focus: str = ""
    planned: list[str] = field(default_factory=list)
    id: str = ""


@dataclass
class ImportedEntry:
    kind: str  # "experiment" or "article"
    title: str
    line: int
    sections: list[str]  # section numbers as text until ids are known
    link: Link | None = None
    path: str | None = None  # resolved, relative to the catalogue; None when missing
    summary: str = ""
    comments: list[str] = field(default_factory=list)


@dataclass
class ImportResult:
    title: str
    tagline: str = ""
    repository_url: str | None = None
    sections: list[ImportedSection] = field(default_factory=list)
    experiments: list[ImportedEntry] = field(default_factory=list)
    articles: list[ImportedEntry] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)


class _Reader:
    """One pass over the README's lines; every line is either used, filler or reported."""

    def __init__(self, text: str, readme_dir: Path, catalogue_dir: Path) -> None:
        self.lines = text.splitlines()
        self.readme_dir = readme_dir
        self.catalogue_dir = catalogue_dir
        self.used: set[int] = set()
        self.result = ImportResult(title=readme_dir.resolve().name or "Archive")
        self.sections_by_number: dict[int, ImportedSection] = {}

    # Helpers ----------------------------------------------------------------------------

    def use(self, *indices: int) -> None:
        self.used.update(indices)

    def links(self, index: int) -> list[Link]:
        line = self.lines[index]
        return [Link(m.group(1), m.group(2), index + 1, m.start(2) + 1)
                for m in _LINK.finditer(line)]

    def local_target(self, target: str) -> Path | None:
        if re.match(r"^[a-z][a-z0-9+.-]*:", target, re.IGNORECASE) or target.startswith("#"):
            return None
        return self.readme_dir / unquote(target.split("#")[0].split("?")[0])

    # Pass -------------------------------------------------------------------------------

    def read(self) -> ImportResult:
        self.read_title()
        self.read_status_table()
        headings = [(i, m) for i, line in enumerate(self.lines)
                    if (m := _HEADING.match(line))]
        for position, (index, match) in enumerate(headings):
            end = next((i for i, m in headings[position + 1:]
                        if len(m.group(1)) <= len(match.group(1))), len(self.lines))
            numbered = _NUMBERED.match(strip_emoji(match.group(2)).strip()) \
                if len(match.group(1)) >= 2 else None
            if numbered is None:
                numbered = _NUMBERED.match(match.group(2).strip()) \
                    if len(match.group(1)) >= 2 else None
            if numbered:
                self.read_section(index, end, int(numbered.group(1)), _plain(numbered.group(2)))
        self.check_links()
        self.report_unplaced()
        return self.result

    def read_title(self) -> None:
        for index, line in enumerate(self.lines):
            html = _HTML_H1.search(line)
            heading = _HEADING.match(line)
            if html or (heading and len(heading.group(1)) == 1):
                title = _plain(html.group(1) if html else heading.group(2) if heading else "")
                if title:
                    self.result.title = title
                    self.use(index)
                    self.read_tagline(index + 1)
                break
        for line in self.lines:
            repo = _GITHUB_REPO.search(line)
            if repo:
                self.result.repository_url = f"https://github.com/{repo.group(1)}"
                break

    def read_tagline(self, start: int) -> None:
        for index in range(start, min(start + 4, len(self.lines))):
            line = self.lines[index]
            if not line.strip():
                continue
            paragraph = _HTML_P.match(line)
            if paragraph or not re.match(r"^\s*[<#|!\[>-]", line):
                self.result.tagline = _plain(paragraph.group(1) if paragraph else line)
                self.use(index)
            return

    def read_status_table(self) -> None:
        for index, line in enumerate(self.lines):
            cells = _cells(line)
            lowered = [c.lower() for c in cells]
            if not (any("section" in c for c in lowered) and any("status" in c for c in lowered)):
                continue
            if index + 1 >= len(self.lines) or not re.match(r"^\s*\|?\s*:?-{2,}",
                                                             self.lines[index + 1]):
                continue
            column = {name: next((i for i, c in enumerate(lowered) if name in c), None)
                      for name in ("no", "section", "focus", "status")}
            self.use(index, index + 1)
            self.use_heading_above(index)
            row = index + 2
            while row < len(self.lines) and self.lines[row].lstrip().startswith("|"):
                self.read_table_row(row, _cells(self.lines[row]), column)
                row += 1
            return

    def use_heading_above(self, index: int) -> None:
        above = index - 1
        while above >= 0 and not self.lines[above].strip():
            above -= 1
        if above >= 0 and _HEADING.match(self.lines[above]):
            self.use(above)

    def read_table_row(self, row: int, cells: list[str], column: dict[str, int | None]) -> None:
        def cell(name: str) -> str:
            at = column[name]
            return cells[at] if at is not None and at < len(cells) else ""

        number_text = re.sub(r"\D", "", strip_emoji(cell("no")))
        title = _plain(cell("section"))
        if not number_text or not title:
            return  # left unused: reported with the other unplaced text
        number = int(number_text)
        section = ImportedSection(number, title, row + 1, status_from_text(cell("status")),
                                  _plain(cell("focus")))
        if section.status is None:
            self.result.notes.append(Note(row + 1, 1, "warning",
                                          f"status '{strip_emoji(cell('status')).strip()}' of "
                                          f"section {number} is not one the catalogue knows; "
                                          "imported as planned"))
        self.sections_by_number[number] = section
        self.result.sections.append(section)
        self.use(row)

    # Sections ---------------------------------------------------------------------------

    def read_section(self, heading: int, end: int, number: int, title: str) -> None:
        self.use(heading)
        section = self.sections_by_number.get(number)
        if section is None:
            section = ImportedSection(number, title, heading + 1)
            self.sections_by_number[number] = section
            self.result.sections.append(section)
            self.result.notes.append(Note(heading + 1, 1, "warning",
                                          f"section {number} '{title}' is not in the status "
                                          "table; imported as planned"))
        kind: str | None = None
        index = heading + 1
        while index < end:
            line = self.lines[index]
            label = _label(line)
            if not line.strip() or _FILLER.match(line) or _EMPTY_BULLET.match(line):
                self.use(index)
            elif label:
                kind = label
                self.use(index)
            elif any(PurePosixPath(_path_part(lk.target)).suffix.lower() == ".pdf"
                     for lk in self.links(index)) or (kind == "articles" and _BULLET.match(line)):
                index = self.read_article(index, end, section)
                continue
            elif kind == "experiments" and _BULLET.match(line):
                self.read_experiment(index, section)
            elif kind == "planned" and _BULLET.match(line):
                topic = _plain(_BULLET.match(line).group(1))  # type: ignore[union-attr]
                if topic:
                    section.planned.append(topic)
                self.use(index)
            elif any(_is_code(lk.target) for lk in self.links(index)) and not _BULLET.match(line):
                self.read_experiment(index, section)
            index += 1

    def read_experiment(self, index: int, section: ImportedSection) -> None:
        line = self.lines[index]
        bullet = _BULLET.match(line)
        body = bullet.group(1) if bullet else line
        code_links = [lk for lk in self.links(index) if _is_code(lk.target)]
        link = code_links[0] if code_links else None
        if link and not bullet:
            title = _title_from_link(link)  # a line of its own: "📓 [Notebook: x.ipynb](...)"
        else:
            text = _LINK.sub("", body) if link else body
            title = _plain(_EXPERIMENT_PREFIX.sub("", strip_emoji(text)))
            if not title and link:
                title = _title_from_link(link)
        if not title:
            return
        self.result.experiments.append(ImportedEntry(
            "experiment", title, index + 1, [str(section.number)], link))
        self.use(index)

    def read_article(self, index: int, end: int, section: ImportedSection) -> int:
        line = self.lines[index]
        pdf_links = [lk for lk in self.links(index)
                     if PurePosixPath(_path_part(lk.target)).suffix.lower() == ".pdf"]
        link = pdf_links[0] if pdf_links else None
        title = _quoted_title(line) or (_title_from_link(link) if link else "")
        self.use(index)
        following = index + 1
        summary: list[str] = []
        while following < end and self.lines[following].lstrip().startswith(">"):
            summary.append(_plain(self.lines[following].lstrip()[1:]))
            self.use(following)
            following += 1
        if title:
            self.add_article(ImportedEntry("article", title, index + 1, [str(section.number)],
                                           link, summary=" ".join(s for s in summary if s)))
        else:
            self.used.discard(index)
        return following

    def add_article(self, entry: ImportedEntry) -> None:
        key = _title_key(entry.title)
        for existing in self.result.articles:
            if _title_key(existing.title) == key:
                for number in entry.sections:
                    if number not in existing.sections:
                        existing.sections.append(number)
                existing.summary = existing.summary or entry.summary
                if existing.link is None or (entry.link is not None and not self.exists(
                        existing.link) and self.exists(entry.link)):
                    existing.link = entry.link
                return
        self.result.articles.append(entry)

    def exists(self, link: Link) -> bool:
        target = self.local_target(link.target)
        return target is not None and target.is_file()

    # Reporting --------------------------------------------------------------------------

    def check_links(self) -> None:
        """Every local link in the README whose file is missing, one warning per link."""
        for index, line in enumerate(self.lines):
            targets = [(m.group(2), m.start(2)) for m in _LINK.finditer(line)]
            targets += [(m.group(1), m.start(1)) for m in _HTML_LINK.finditer(line)]
            for target, start in targets:
                path = self.local_target(target)
                if path is not None and not path.exists():
                    self.result.notes.append(Note(
                        index + 1, start + 1, "warning",
                        f"'{target}' does not exist; imported without the file"))

    def report_unplaced(self) -> None:
        run: list[int] = []
        for index in range(len(self.lines) + 1):
            line = self.lines[index] if index < len(self.lines) else ""
            placed = index in self.used or not line.strip() or bool(_FILLER.match(line))
            if index < len(self.lines) and not placed and not (
                    _HEADING.match(line) and run):
                run.append(index)
                continue
            if run:
                first = self.lines[run[0]].strip()
                excerpt = first if len(first) <= 60 else first[:57] + "..."
                more = f" (+{len(run) - 1} more line{'s' * (len(run) != 2)})" if len(run) > 1 \
                    else ""
                self.result.notes.append(Note(run[0] + 1, 1, "note",
                                              f"not imported: {excerpt}{more}"))
                run = []
            if index < len(self.lines) and not placed:
                run.append(index)


def _cells(line: str) -> list[str]:
    if not line.lstrip().startswith("|"):
        return []
    return [c.strip() for c in line.strip().strip("|").split("|")]


def _label(line: str) -> str | None:
    if _BULLET.match(line) or _LINK.search(line):
        return None
    text = _plain(line.lstrip("#").strip()).rstrip(":").strip().lower()
    for kind, words in _LABELS.items():
        if text in words:
            return kind
    return None


def _path_part(target: str) -> str:
    return unquote(target.split("#")[0].split("?")[0])


def _is_code(target: str) -> bool:
    return PurePosixPath(_path_part(target)).suffix.lower() in (".ipynb", ".py")


def _quoted_title(line: str) -> str:
    text = _ARTICLE_NUMBER.sub("", strip_emoji(line.strip().lstrip("-*+ ").strip()))
    text = re.sub(r"^\*\*\s*\d+\s*[:.]?\s*\*\*\s*[:.]?", "", text).strip()
    quoted = re.search(r"[\u201c\"]([^\u201d\"]+)[\u201d\"]", text)
    if quoted:
        return " ".join(quoted.group(1).split())
    emphasised = re.search(r"\*([^*]+)\*", text)
    if emphasised:
        return _plain(emphasised.group(1)).strip(QUOTES)
    return ""


def _title_from_link(link: Link) -> str:
    text = _plain(link.text)
    if not text or _GENERIC_LINK_TEXT.match(text):
        text = PurePosixPath(_path_part(link.target)).stem
    text = _LINK_PREFIX.sub("", text)
    text = re.sub(r"\.(ipynb|py|pdf)$", "", text, flags=re.IGNORECASE)
    return " ".join(text.replace("_", " ").split())


def _title_key(title: str) -> str:
    return re.sub(r"[^0-9a-z]+", "", title.casefold())


# ---------------------------------------------------------------------------------------
# README -> catalogue text


def section_id(title: str, taken: set[str]) -> str:
    """'Convolutional Neural Networks (CNNs)' -> 'cnn'; 'Generative Models' -> 'generative'."""
    acronym = re.search(r"\(([A-Za-z][A-Za-z0-9-]{1,10})\)", title)
    if acronym:
        base = slugify(acronym.group(1)).removesuffix("s") or slugify(acronym.group(1))
    else:
        words = [w for w in slugify(title).split("-") if w and w not in _GENERIC_WORDS]
        base = words[0] if words else slugify(title)
    return unique_id(base or "section", taken | RESERVED_IDS)


def import_readme(readme_path: Path, catalogue_dir: Path) -> ImportResult:
    text = readme_path.read_text(encoding="utf-8-sig")
    return _Reader(text, readme_path.resolve().parent, catalogue_dir.resolve()).read()


def _resolve_paths(result: ImportResult, readme_dir: Path, catalogue_dir: Path) -> None:
    for entry in (*result.experiments, *result.articles):
        link = entry.link
        if link is None:
            continue
        target = readme_dir / _path_part(link.target)
        if not target.is_file():
            entry.comments.append(f"README line {link.line} linked {link.target}, which does "
                                  "not exist; add the file and set the path")
            continue
        try:
            entry.path = target.resolve().relative_to(catalogue_dir).as_posix()
        except ValueError:
            entry.comments.append(f"README line {link.line} linked {link.target}, which is "
                                  "outside the catalogue's folder")
            result.notes.append(Note(
                link.line, link.column, "warning",
                f"{link.target} exists but is outside the catalogue's folder ({catalogue_dir}), "
                f"so the entry is imported as planned; write the catalogue beside the README "
                f"(-o {readme_dir / 'catalogue.yml'}) to keep it"))


def catalogue_text(result: ImportResult, source_name: str, today: dt.date | None = None) -> str:
    today = today or dt.date.today()
    out = [
        f"# Imported from {source_name} by `neuroverse import` on {today.isoformat()}.\n",
        "# Paths are relative to this file. Check it with `neuroverse check`.\n",
        "\n",
    ]
    site: dict[str, Any] = {"title": result.title, "tagline": result.tagline,
                            "repository_url": result.repository_url}
    out += format_mapping("site", site)
    taken: set[str] = set()
    ids: dict[str, str] = {}
    out += ["\n", "sections:\n"]
    for position, section in enumerate(sorted(result.sections, key=lambda s: s.number)):
        section.id = section_id(section.title, taken)
        taken.add(section.id)
        ids[str(section.number)] = section.id
        if position:
            out.append("\n")
        out += format_entry({
            "id": section.id, "title": section.title, "focus": section.focus,
            "status": (section.status or Status.PLANNED).value, "planned": section.planned,
        }, DEFAULT_LAYOUT)
    for key, entries in (("experiments", result.experiments), ("articles", result.articles)):
        if not entries:
            continue
        out += ["\n", f"{key}:\n"]
        used: set[str] = set()
        for position, entry in enumerate(entries):
            if position:
                out.append("\n")
            fields = _entry_fields(entry, ids, used)  # may add a comment
            out += [f"  # {comment}\n" for comment in entry.comments]
            out += format_entry(fields, DEFAULT_LAYOUT)
    return "".join(out)


def _entry_fields(entry: ImportedEntry, ids: dict[str, str], used: set[str]) -> dict[str, Any]:
    named = entry.path or (_path_part(entry.link.target) if entry.link else "")
    base = slugify(PurePosixPath(named).stem) if named else ""
    entry_id = unique_id(base or slugify(entry.title) or entry.kind, used | RESERVED_IDS)
    used.add(entry_id)
    status = None if entry.path else Status.PLANNED.value
    sections = [ids[n] for n in entry.sections if n in ids]
    if entry.kind == "experiment":
        is_script = bool(entry.path and entry.path.endswith(".py"))
        return {"id": entry_id, "title": entry.title, "section": sections[0],
                "notebook": None if is_script else entry.path,
                "script": entry.path if is_script else None, "status": status}
    if not entry.summary:
        entry.comments.append("the README gives no summary; the title stands in for one")
    return {"id": entry_id, "title": entry.title, "pdf": entry.path,
            "summary": entry.summary or entry.title, "sections": sections, "status": status}


# ---------------------------------------------------------------------------------------


def run_import(readme_path: Path, output: Path | None) -> int:
    if output is not None and output.exists():
        print(f"error: {output} already exists; choose another -o path or move it away",
              file=sys.stderr)
        return EXIT_PROBLEMS
    # Paths in a catalogue are relative to its own folder; printed, it is meant to sit
    # beside the README it came from.
    catalogue_dir = (output.parent if output else readme_path.parent).resolve()
    if not catalogue_dir.is_dir():
        print(f"error: {output.parent if output else catalogue_dir} is not a folder; create it "
              "or choose another -o path", file=sys.stderr)
        return EXIT_PROBLEMS
    try:
        result = import_readme(readme_path, catalogue_dir)
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        print(f"error: cannot read {readme_path}: {reason}", file=sys.stderr)
        return EXIT_PROBLEMS
    _resolve_paths(result, readme_path.resolve().parent, catalogue_dir)
    text = catalogue_text(result, readme_path.name) if result.sections else ""
    for note in sorted(result.notes, key=lambda n: (n.line, n.column)):
        print(note.format(readme_path.name), file=sys.stderr)
    if not result.sections:
        print(f"error: {readme_path.name} has no numbered section headings, so there is nothing "
              "to import; sections are read from headings such as `## 1️⃣ Neural Network "
              "Fundamentals` or `## 2. CNNs`; nothing was written", file=sys.stderr)
        return EXIT_PROBLEMS
    loaded = load_catalogue(text, output.name if output else "catalogue.yml")
    problems = list(loaded.diagnostics)
    if loaded.catalogue is not None:
        problems += check_catalogue(loaded.catalogue, catalogue_dir,
                                    CheckOptions(report_orphans=False))
    errors = [d for d in problems if d.severity is Severity.ERROR]
    if errors or loaded.catalogue is None:
        for diagnostic in errors:
            print(diagnostic.format(), file=sys.stderr)
        print("error: the imported catalogue does not pass its own check; nothing was written",
              file=sys.stderr)
        return EXIT_PROBLEMS
    catalogue = loaded.catalogue
    summary = ", ".join([_count(len(catalogue.sections), "section"),
                         _count(len(catalogue.experiments), "experiment"),
                         _count(len(catalogue.articles), "article")]) + "; " + ", ".join(
        [_count(sum(n.severity == "warning" for n in result.notes), "warning"),
         _count(sum(n.severity == "note" for n in result.notes), "note")])
    if output is None:
        sys.stdout.write(text)
        print(f"{readme_path.name}: {summary}", file=sys.stderr)
        return EXIT_OK
    try:
        replace_file(None, output, text.encode("utf-8"))
    except (FileChangedError, OSError) as exc:
        print(f"error: cannot write {output}: {exc}", file=sys.stderr)
        return EXIT_PROBLEMS
    print(f"{output}: written from {readme_path.name} ({summary})", file=sys.stderr)
    return EXIT_OK


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'s' * (number != 1)}"
