"""Cross-reference and file checks over a loaded catalogue.

One function, `check_file`, serves the plugin and `neuroverse check` alike: it loads the
catalogue, runs every check and returns all problems in one sorted list. `publishable` then
says which entries the site can show despite them.
"""

from __future__ import annotations

import dataclasses
import difflib
import posixpath
import re
import shlex
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import TypeVar

from .archive_files import (
    MAX_ENTRIES,
    ArchiveListing,
    archive_files,
    is_markdown,
    is_note_candidate,
    mkdocs_folders,
)
from .diagnostics import Diagnostic, sorted_diagnostics
from .ids import RESERVED_IDS
from .loader import LoadResult, load_catalogue_file
from .model import Article, Catalogue, Experiment, Location, Section
from .paths import (
    is_regular_file,
    lookup_problem,
    safe_resolve,
    what_is_there,
)
from .paths import (
    resolve_inside as resolve_inside,  # re-exported: front ends import it from here
)
from .probes import (
    NotebookFacts,
    examine_notebook,
    note_problem,
    notebook_weight_problem,
    pdf_active_content,
    pdf_problem,
)

NOTEBOOK_DIR = "notebooks"
PAPER_DIR = "papers"
DEFAULT_MAX_FILE_SIZE_MB = 25.0

# Experiment and article pages live under experiments/ and articles/, next to these
# generated listings; an entry with the same id would take the listing's place.
ID_PATTERN = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")


@dataclass(frozen=True)
class CheckOptions:
    report_orphans: bool = True
    max_file_size_mb: float = DEFAULT_MAX_FILE_SIZE_MB
    # Open every notebook and PDF to see that it can be read. A site build turns this off:
    # it renders the files anyway (only those that changed, the rest come from its cache)
    # and reports the same problems from there, see `unreadable_file`.
    read_contents: bool = True
    # Folders that are not the archive's content: MkDocs' docs_dir (hand-written pages)
    # and site_dir, the build cache. None: those an mkdocs.yml beside the catalogue names.
    excluded_dirs: tuple[Path, ...] | None = None
    # Files and folders looked at, at most, for files missing from the catalogue (NV341).
    listing_limit: int = MAX_ENTRIES


def check_file(path: Path, root: Path | None = None,
               options: CheckOptions = CheckOptions(), *,
               display_path: str | None = None) -> LoadResult:
    """Load and check a catalogue file: the one entry point for every front end. Problems
    name the file as `display_path` (the command line prints it as it was typed)."""
    root = root or path.parent
    result = load_catalogue_file(path, display_path or _display(path, path.parent))
    if result.catalogue is not None:
        result.diagnostics.extend(check_catalogue(result.catalogue, root, options))
    result.diagnostics = sorted_diagnostics(result.diagnostics)
    return result


def _display(path: Path, root: Path) -> str:
    resolved, base = safe_resolve(path), safe_resolve(root)
    if resolved is not None and base is not None and resolved.is_relative_to(base):
        return resolved.relative_to(base).as_posix()
    return str(path)


def check_catalogue(catalogue: Catalogue, root: Path,
                    options: CheckOptions = CheckOptions()) -> list[Diagnostic]:
    excluded = (options.excluded_dirs if options.excluded_dirs is not None
                else mkdocs_folders(root / "mkdocs.yml"))
    archive = _Archive(root, excluded, catalogue.ignore, options.listing_limit)
    found: list[Diagnostic] = []
    found += _duplicate_ids(catalogue)
    found += _reserved_ids(catalogue)
    found += _duplicate_titles(catalogue)
    found += _references(catalogue)
    found += _files(catalogue, archive, options)
    if options.report_orphans:
        found += _orphans(catalogue, archive)
    return found


# ---------------------------------------------------------------------------------------
# Ids and titles

_Entry = TypeVar("_Entry", Section, Experiment, Article)


def _groups(catalogue: Catalogue) -> list[tuple[str, Sequence[Section | Experiment | Article]]]:
    return [("section", catalogue.sections), ("experiment", catalogue.experiments),
            ("article", catalogue.articles)]


def _duplicate_ids(catalogue: Catalogue) -> Iterator[Diagnostic]:
    # Each kind has its own URL folder (sections/, experiments/, articles/), so only ids
    # within one kind can collide.
    for kind, entries in _groups(catalogue):
        first_seen: dict[str, Location | None] = {}
        for entry in entries:
            if entry.id in first_seen:
                earlier = first_seen[entry.id]
                yield Diagnostic(
                    "NV200", f"{kind} id '{entry.id}' is already used",
                    entry.fields.get("id", entry.location), f"{entry.key_path}.id",
                    hint=(f"first used at line {earlier.line}; " if earlier else "")
                    + f"ids name pages, so each {kind} needs its own",
                )
            else:
                first_seen[entry.id] = entry.location


def _reserved_ids(catalogue: Catalogue) -> Iterator[Diagnostic]:
    for kind, entries in _groups(catalogue)[1:]:
        for entry in entries:
            if entry.id in RESERVED_IDS:
                yield Diagnostic(
                    "NV205", f"'{entry.id}' is the name of the {kind} list page",
                    entry.fields.get("id", entry.location), f"{entry.key_path}.id",
                    hint=f"choose another id, e.g. '{entry.id}-1' or a word from the title",
                )


def _title_key(title: str) -> str:
    return " ".join(title.casefold().split())


def _duplicate_titles(catalogue: Catalogue) -> Iterator[Diagnostic]:
    for section in catalogue.sections:
        listings: list[tuple[str, Sequence[Experiment | Article]]] = [
            ("experiment", catalogue.experiments_in(section.id)),
            ("article", catalogue.articles_in(section.id)),
        ]
        for kind, entries in listings:
            first_seen: dict[str, Experiment | Article] = {}
            for entry in entries:
                earlier = first_seen.setdefault(_title_key(entry.title), entry)
                if earlier is not entry and earlier.id != entry.id:
                    line = earlier.location.line if earlier.location else "?"
                    yield Diagnostic(
                        "NV204", f"{kind} title '{entry.title}' is already used in section "
                        f"'{section.id}'", entry.fields.get("title", entry.location),
                        f"{entry.key_path}.title",
                        hint=f"'{earlier.id}' (line {line}) has the same title; readers "
                        "cannot tell the two cards apart",
                    )


# ---------------------------------------------------------------------------------------
# References


def _suggest(name: str, known: Iterable[str], kind: str) -> str:
    options = list(dict.fromkeys(known))
    close = difflib.get_close_matches(name, options, n=1)
    listed = f"known: {', '.join(options)}" if options else f"no {kind}s are defined yet"
    return (f"did you mean '{close[0]}'? " if close else "") + listed


def _references(catalogue: Catalogue) -> Iterator[Diagnostic]:
    section_ids = [s.id for s in catalogue.sections]
    article_ids = [a.id for a in catalogue.articles]
    known_sections, known_articles = set(section_ids), set(article_ids)
    for experiment in catalogue.experiments:
        if experiment.section and experiment.section not in known_sections:
            yield Diagnostic(
                "NV201", f"unknown section '{experiment.section}'",
                experiment.fields.get("section", experiment.location),
                f"{experiment.key_path}.section",
                hint=_suggest(experiment.section, section_ids, "section"),
            )
        for index, related in enumerate(experiment.articles):
            if related not in known_articles:
                yield Diagnostic(
                    "NV202", f"unknown article '{related}'",
                    experiment.fields.get(f"articles[{index}]", experiment.location),
                    f"{experiment.key_path}.articles[{index}]",
                    hint=_suggest(related, article_ids, "article"),
                )
    for article in catalogue.articles:
        if not article.sections and "sections" in article.fields:
            yield Diagnostic(
                "NV203", f"article '{article.id}' belongs to no section",
                article.fields.get("sections", article.location), f"{article.key_path}.sections",
                hint="list at least one section id, e.g. sections: [research]",
            )
        for index, section_id in enumerate(article.sections):
            if section_id not in known_sections:
                yield Diagnostic(
                    "NV201", f"unknown section '{section_id}'",
                    article.fields.get(f"sections[{index}]", article.location),
                    f"{article.key_path}.sections[{index}]",
                    hint=_suggest(section_id, section_ids, "section"),
                )


# ---------------------------------------------------------------------------------------
# Files


class _Archive:
    """The archive folder, listed at most once per check however many files are missing."""

    def __init__(self, root: Path, excluded: Sequence[Path] = (),
                 ignore: Sequence[str] = (), limit: int = MAX_ENTRIES) -> None:
        self.root = root
        self.excluded = excluded
        self.ignore = ignore
        self.limit = limit
        self._listing: ArchiveListing | None = None

    def listing(self) -> ArchiveListing:
        if self._listing is None:
            self._listing = archive_files(self.root, excluded=self.excluded,
                                          ignore=self.ignore, limit=self.limit)
        return self._listing

    def files(self) -> tuple[str, ...]:
        return self.listing().files

    def nearest(self, relative: str) -> str:
        """A hint naming the existing file most like `relative`: same folder and a similar
        name first, then the same name in any folder; else the files there are."""
        suffix = PurePosixPath(relative).suffix.lower()
        existing = [f for f in self.files() if PurePosixPath(f).suffix.lower() == suffix
                    and is_regular_file(self.root / f)]

        def stem(path: str, name_only: bool = False) -> str:
            pure = PurePosixPath(path)
            return (pure.stem if name_only else str(pure.with_suffix(""))).lower()

        for name_only in (False, True):
            candidates = {stem(f, name_only): f for f in existing}
            close = difflib.get_close_matches(stem(relative, name_only), list(candidates),
                                              n=1, cutoff=0.7)
            if close:
                return f"did you mean '{candidates[close[0]]}'?"
        if not existing:
            return f"the archive has no {suffix} files" if suffix else ""
        listed = ", ".join(existing[:5]) + (", ..." if len(existing) > 5 else "")
        return f"no similar name; the archive's {suffix} files: {listed}"


def _named_files(catalogue: Catalogue) -> Iterator[tuple[str, str, str, Location | None]]:
    """(path as written, key path, field, location) for every file the catalogue names."""
    for experiment in catalogue.experiments:
        for key in ("notebook", "script"):
            value = getattr(experiment, key)
            if value:
                yield (value, f"{experiment.key_path}.{key}", key,
                       experiment.fields.get(key, experiment.location))
    for article in catalogue.articles:
        for key in ("pdf", "note"):
            value = getattr(article, key)
            if value:
                yield (value, f"{article.key_path}.{key}", key,
                       article.fields.get(key, article.location))


def _files(catalogue: Catalogue, archive: _Archive,
           options: CheckOptions) -> Iterator[Diagnostic]:
    root = archive.root
    limit = int(options.max_file_size_mb * 1024 * 1024)
    for relative, key_path, key, location in _named_files(catalogue):
        unusable = lookup_problem(root, relative)
        if unusable is not None:
            yield Diagnostic(
                "NV306", f"the path {_shorten(relative)} {unusable}", location, key_path,
                hint="name the file by a short, plain path inside the archive, e.g. "
                f"'{_EXAMPLE_FOLDERS[key]}/name{_SUFFIXES[key]}'",
            )
            continue
        path = resolve_inside(root, relative)
        if path is None:
            link = not PurePosixPath(relative).is_absolute() and (root / relative).is_symlink()
            yield Diagnostic(
                "NV302", f"'{relative}' " + ("is a link to a file outside the archive" if link
                                             else "is outside the archive"),
                location, key_path,
                hint="paths are relative to the folder of catalogue.yml and stay inside it; "
                "copy the file into the archive" + ("" if link else " and name it from there"),
            )
            continue
        if not is_regular_file(path):
            there = what_is_there(root / relative)
            if there == "does not exist":
                yield Diagnostic("NV300", f"file '{relative}' does not exist", location,
                                 key_path, hint=archive.nearest(relative))
            else:
                yield Diagnostic("NV300", f"'{relative}' {there}", location, key_path,
                                 hint=f"name a {_SUFFIXES[key]} file here")
            continue
        if options.read_contents:
            if key == "notebook":
                facts = examine_notebook_file(path)
            else:
                checker = {"pdf": pdf_problem, "note": note_problem}.get(key)
                facts = NotebookFacts(checker(path) if checker else None)
            if facts.problem:
                yield unreadable_file(key, relative, facts.problem, location, key_path)
            elif key == "pdf" and (active := pdf_active_content(path)):
                yield active_pdf(relative, active, location, key_path)
            heavy = notebook_weight_problem(facts.cells, facts.output_bytes)
            if heavy is not None:
                yield heavy_notebook(relative, heavy, location, key_path)
        try:
            size = path.stat().st_size
        except OSError:
            continue  # removed while being checked: the next check says so
        if size > limit:
            yield Diagnostic(
                "NV305", f"'{relative}' is {_megabytes(size, above=options.max_file_size_mb)}, "
                f"over the {options.max_file_size_mb:g} MB limit", location, key_path,
                hint="large files make the site slow to download; shrink it (clear big "
                "outputs, compress images) or raise `max_file_size_mb`",
            )


_SUFFIXES = {"notebook": ".ipynb", "script": ".py", "pdf": ".pdf", "note": ".md"}
_EXAMPLE_FOLDERS = {"notebook": NOTEBOOK_DIR, "script": NOTEBOOK_DIR, "pdf": PAPER_DIR,
                    "note": "notes"}


def _shorten(relative: str, limit: int = 60) -> str:
    """The path quoted for a message, cut in the middle when long and with control
    characters shown as escapes, so the message stays one readable line."""
    shown = relative.encode("unicode_escape").decode("ascii") if any(
        ord(ch) < 32 or ord(ch) == 127 for ch in relative) else relative
    if len(shown) > limit:
        shown = f"{shown[:limit // 2]}...{shown[-limit // 2:]}"
    return f"'{shown}'"


def unreadable_file(key: str, relative: str, problem: str, location: Location | None,
                    key_path: str) -> Diagnostic:
    """The diagnostic for a notebook, PDF or Markdown note (`key` as the catalogue field)
    that cannot be read."""
    if key == "notebook":
        return Diagnostic("NV303", f"'{relative}' {problem}", location, key_path,
                          hint="open and save it again in Jupyter, or fix the JSON")
    if key == "note":
        return Diagnostic("NV340", f"'{relative}' {problem}", location, key_path,
                          hint="save the note as UTF-8 text (most editors offer it under "
                          "'Save with encoding')")
    return Diagnostic("NV304", f"'{relative}' {problem}", location, key_path,
                      hint="export or download the PDF again")


def active_pdf(relative: str, active: Sequence[str], location: Location | None,
               key_path: str) -> Diagnostic:
    """The warning for a PDF that carries JavaScript or actions that act when it opens."""
    return Diagnostic(
        "NV330", f"'{relative}' carries {', '.join(active)}", location, key_path,
        hint="the site shows it as page images and text, where nothing runs, but a reader "
        "who downloads it may open it in a viewer that does; export it again without "
        "scripts and actions (e.g. print it to PDF)")


def _megabytes(size: int, above: float) -> str:
    """The size in MB with as many decimals as it takes to read larger than `above` (in KB
    when under a tenth of a megabyte)."""
    megabytes = size / 1024 / 1024
    if megabytes < 0.1:
        return f"{size / 1024:.1f} KB"
    for decimals in (1, 2, 3):
        shown = f"{megabytes:.{decimals}f}"
        if float(shown) > above:
            break
    return f"{shown} MB"


def examine_notebook_file(path: Path) -> NotebookFacts:
    """What `examine_notebook` finds in the notebook at `path`."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        return NotebookFacts(f"cannot be read ({exc.strerror or exc})")
    return examine_notebook(data)


def notebook_problem(path: Path) -> str | None:
    """Why the notebook at `path` cannot be rendered, or None when it is sound nbformat 4."""
    return examine_notebook_file(path).problem


def heavy_notebook(relative: str, problem: str, location: Location | None,
                   key_path: str) -> Diagnostic:
    """The warning for a notebook whose page will be too big to use."""
    return Diagnostic("NV307", f"'{relative}' {problem}", location, key_path,
                      hint="split it into several notebooks, or clear long outputs "
                      "(Cell > All Output > Clear) before saving")


# What kind of entry an orphan file would become, by its (lower-case) extension.
_ORPHAN_KINDS = {".ipynb": "experiment", ".pdf": "article", ".md": "article",
                 ".markdown": "article"}


@dataclass(frozen=True)
class Unlisted:
    """Archive files no entry names (see `unlisted_files`)."""

    files: tuple[tuple[str, str], ...]  # (root-relative path, "experiment" or "article")
    truncated: bool = False  # the archive was too large to list whole


def unlisted_files(catalogue: Catalogue, root: Path,
                   excluded_dirs: Sequence[Path] | None = None) -> Unlisted:
    """Exactly the files `check` reports as NV310: notebooks, PDFs and Markdown notes
    anywhere in the archive that no entry names, except what the catalogue's `ignore:`
    patterns match. `excluded_dirs` as in CheckOptions. `import` calls this to leave
    nothing that the strict build would then warn about."""
    excluded = excluded_dirs if excluded_dirs is not None else mkdocs_folders(
        root / "mkdocs.yml")
    return _unlisted(catalogue, _Archive(root, excluded, catalogue.ignore))


def _unlisted(catalogue: Catalogue, archive: _Archive) -> Unlisted:
    root = archive.root
    named = [relative for relative, *_ in _named_files(catalogue)]
    referenced = {resolve_inside(root, relative) for relative in named}
    referenced.discard(None)
    # As written, too: a named link that leads outside is NV302's, not an orphan as well.
    written = {posixpath.normpath(relative) for relative in named}
    listing = archive.listing()
    found: list[tuple[str, str]] = []
    for relative in listing.files:
        kind = _ORPHAN_KINDS.get(PurePosixPath(relative).suffix.lower())
        if kind is None or relative in written:
            continue
        if not is_regular_file(root / relative):
            continue  # a link loop, a dangling link, a pipe: nothing the site could show
        resolved = safe_resolve(root / relative)
        if resolved is not None and resolved in referenced:
            continue
        if is_markdown(relative) and not is_note_candidate(root, relative):
            continue
        found.append((relative, kind))
    return Unlisted(tuple(found), listing.truncated)


def _orphans(catalogue: Catalogue, archive: _Archive) -> Iterator[Diagnostic]:
    """Notebooks, PDFs and Markdown notes anywhere in the archive that no entry names
    (see core.archive_files for what is not looked at, and which Markdown is a note)."""
    unlisted = _unlisted(catalogue, archive)
    sections = _SectionGuess(catalogue)
    for relative, kind in unlisted.files:
        section = sections.for_file(relative)
        command = (f"neuroverse add {kind} {shlex.quote(relative)} --section "
                   f"{section or 'ID'}" + (' --summary "..."' if kind == "article" else ""))
        yield Diagnostic(
            "NV310", f"'{relative}' is not in the catalogue, so the site leaves it out",
            Location(catalogue.path, 1, 1),
            hint=f"add it with `{command}`, or list it under `ignore:` in the catalogue "
            "to leave it out on purpose",
        )
    if unlisted.truncated:
        yield Diagnostic(
            "NV341", f"the archive holds more than {archive.limit:,} files and folders; only "
            "the first were looked at for files missing from the catalogue",
            Location(catalogue.path, 1, 1),
            hint="list folders that are not the archive's content (data sets, outputs) "
            "under `ignore:` in the catalogue, or in .gitignore",
        )


class _SectionGuess:
    """The section an orphan most likely belongs to: that of the entries whose files sit
    in the same folder, else in the same top-level folder; None when nothing tells."""

    def __init__(self, catalogue: Catalogue) -> None:
        self.by_folder: dict[str, list[str]] = {}
        known = {s.id for s in catalogue.sections}
        entries: list[tuple[str | None, Sequence[str]]] = [
            (e.source, (e.section,)) for e in catalogue.experiments]
        entries += [(a.source, a.sections[:1]) for a in catalogue.articles]
        for source, section_ids in entries:
            if source is None:
                continue
            for section_id in section_ids:
                if section_id in known:
                    for folder in _folders(source):
                        self.by_folder.setdefault(folder, []).append(section_id)

    def for_file(self, relative: str) -> str | None:
        for folder in _folders(relative):
            votes = self.by_folder.get(folder)
            if votes:
                # The most common; among equals, the first in catalogue order.
                return max(dict.fromkeys(votes), key=votes.count)
        return None


def _folders(relative: str) -> tuple[str, str]:
    """Keys for the file's folder and for its top-level folder ("" at the root)."""
    parent = posixpath.dirname(posixpath.normpath(relative))
    return f"folder:{parent}", f"top:{parent.split('/', 1)[0]}"


# ---------------------------------------------------------------------------------------
# What the site shows despite errors


def publishable(catalogue: Catalogue) -> Catalogue:
    """The catalogue without entries that cannot have a page of their own: ids that cannot
    be URLs, reserved ids, and later entries reusing an id. Everything else is shown, with
    a note on its page where a file is missing or broken."""
    return dataclasses.replace(
        catalogue,
        sections=_keep(catalogue.sections, reserved=frozenset()),
        experiments=_keep(catalogue.experiments, reserved=RESERVED_IDS),
        articles=_keep(catalogue.articles, reserved=RESERVED_IDS),
    )


def _keep(entries: Sequence[_Entry], reserved: frozenset[str]) -> tuple[_Entry, ...]:
    seen: set[str] = set()
    kept: list[_Entry] = []
    for entry in entries:
        if entry.id in seen or entry.id in reserved or not ID_PATTERN.match(entry.id):
            continue
        seen.add(entry.id)
        kept.append(entry)
    return tuple(kept)
