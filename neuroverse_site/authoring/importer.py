"""`neuroverse import`: an archive as its owner keeps it -> a catalogue, and a site around it.

The archive's own files are the ground truth: every notebook and PDF in it lands in the
catalogue. READMEs (the root one, any given on the command line, and the sub-folder
READMEs they link) add what files cannot say: order, sections, titles, statuses and
summaries. Where no README places a file, it goes to a section named after its top-level
folder. So a README that is wrong, partial or absent costs structure, never files.

Decisions where the archive is ambiguous:
- A README link to a missing file keeps its entry, marked planned, with a comment in the
  catalogue and a "did you mean" from files of the same name elsewhere. The catalogue
  passes `neuroverse check` and the site builds straight away.
- A file linked twice is one entry (the first place it is linked), an article linked in
  several sections belongs to all of them; articles with the same title are one article.
- Titles: the README's words, else the notebook's first heading, else the PDF's title,
  else the file name made readable. Ids: the meaningful words of the title.
- Sections without a stated status are `active` when they hold files, else `planned`.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from ..core.archive_files import is_markdown, is_note_candidate
from ..core.checks import (
    DEFAULT_MAX_FILE_SIZE_MB,
    CheckOptions,
    check_catalogue,
    notebook_problem,
    unlisted_files,
)
from ..core.diagnostics import EXIT_OK, EXIT_PROBLEMS, Severity
from ..core.ids import is_transliterated
from ..core.loader import load_catalogue
from ..core.model import Status, same_words
from ..core.paths import folder_in_checkout
from ..core.probes import note_problem, pdf_problem
from .add import note_summary, notebook_title, pdf_summary, pdf_title
from .archive_tree import FileIndex, git_remote_url, listed_files
from .naming import ACRONYMS, entry_id, readable_filename, section_id
from .readme_reader import (
    README_NAMES,
    DocumentReader,
    EntryDraft,
    Note,
    Repository,
    ResourceDraft,
    SectionDraft,
    Target,
    clean_heading,
    folder_from_links,
    repository_from_links,
    repository_from_url,
    status_from_text,
    strip_emoji,
    title_key,
)
from .safefile import FileChangedError, LockTimeout, locked, replace_file
from .yamltext import DEFAULT_LAYOUT, format_entry, format_mapping

__all__ = ["catalogue_text", "import_archive", "run_import", "section_id", "status_from_text",
           "strip_emoji"]

# Files the tree alone brings in; notes and scripts only when a README links them.
TREE_SUFFIXES = (".ipynb", ".pdf")
_MAX_FILE_TITLE = 120


@dataclass
class ImportResult:
    root: Path
    title: str = ""
    tagline: str = ""
    repository_url: str | None = None
    # Where the archive lies in its repository, when no git checkout can say it at build.
    repository_folder: str | None = None
    sections: list[SectionDraft] = field(default_factory=list)
    entries: list[EntryDraft] = field(default_factory=list)
    resources: list[ResourceDraft] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)
    readmes: list[str] = field(default_factory=list)
    files: list[str] = field(default_factory=list)  # the notebooks and PDFs in the tree
    notes_in_tree: list[str] = field(default_factory=list)  # Markdown that reads as notes
    ignored: dict[str, str] = field(default_factory=dict)  # path -> why it is left out
    # A linked folder without a README: its files belong to the section that linked it.
    folder_sections: dict[str, SectionDraft] = field(default_factory=dict)

    @property
    def experiments(self) -> list[EntryDraft]:
        return [e for e in self.entries if e.kind == "experiment"]

    @property
    def articles(self) -> list[EntryDraft]:
        return [e for e in self.entries if e.kind == "article"]


def find_readme(folder: Path, files: FileIndex, prefix: str) -> str | None:
    """The README of an archive folder (`prefix`, archive-relative), in any case."""
    for relative in files.files:
        parent = str(PurePosixPath(relative).parent)
        if (parent if parent != "." else "") == prefix and \
                PurePosixPath(relative).name.lower() in README_NAMES[:2]:
            return relative
    for name in ("README.md", "readme.md", "Readme.md", "README.markdown"):
        if (folder / prefix / name).is_file():
            return posix(prefix, name)
    return None


def posix(folder: str, name: str) -> str:
    return f"{folder}/{name}" if folder else name


def import_archive(root: Path, readmes: list[Path],
                   site_folders: tuple[Path, ...] = ()) -> ImportResult:
    """Read the archive at `root`: its files, then the READMEs (given, else its own).
    `site_folders`: the docs_dir and site_dir of the site import is about to write."""
    root = root.resolve()
    result = ImportResult(root)
    index = FileIndex(listed_files(root, site_folders))
    remote = git_remote_url(root)
    result.repository_url = remote
    queue: list[tuple[str, SectionDraft | None, bool]] = []
    given = [relative_to_root(p, root) for p in readmes]
    if not given:
        own = find_readme(root, index, "")
        given = [own] if own else []
    for position, relative in enumerate(given):
        if relative is not None:
            queue.append((relative, None, position == 0 and
                          PurePosixPath(relative).name.lower() in README_NAMES[:2]))
    texts: dict[str, str] = {}
    for relative, _, _ in queue:
        texts[relative] = readme_text(root, relative, result)
    repository: Repository | None = repository_from_url(remote) or next(
        (r for r in (repository_from_links(t, index) for t in texts.values()) if r), None)
    if result.repository_url is None and repository is not None:
        result.repository_url = f"https://{repository.host}/{repository.slug}"
    if repository is not None:
        # An archive in a folder of a larger repository: its links name files by their
        # place in the repository, the catalogue by their place in the archive.
        inside = folder_in_checkout(root)
        if inside is None:
            inside = folder_from_links(repository, list(texts.values()), index)
            # The site finds the folder from the checkout; a copy without one is told.
            result.repository_folder = inside or None
        repository = repository.at(inside)
    seen: set[str] = set()
    first = True
    while queue:
        relative, context, is_root = queue.pop(0)
        if relative.lower() in seen:
            continue
        seen.add(relative.lower())
        if not relative:
            continue
        try:
            text = texts[relative] if relative in texts else readme_text(root, relative, result)
        except OSError as exc:
            result.notes.append(Note(relative, 1, 1, "warning",
                                     f"cannot read it: {exc.strerror or exc}"))
            continue
        folder = str(PurePosixPath(relative).parent)
        reader = DocumentReader(
            text, relative, "" if folder == "." else folder, index, repository,
            context=context, is_root=is_root,
            fallback_title=readable_filename(PurePosixPath(relative).parent.name
                                             if is_readme(relative) else relative))
        reading = reader.read()
        result.readmes.append(relative)
        if first:
            result.title, result.tagline = reading.title, reading.tagline
            first = False
        result.sections += reading.sections
        result.entries += reading.entries
        result.resources += reading.resources
        result.notes += reading.notes
        for found, section in reading.sub_readmes:
            queue.append(sub_readme(found, section, index, root, result))
    result.title = result.title or readable_filename(root.name) or "Archive"
    result.files = [f for f in index.files if f.endswith(TREE_SUFFIXES)]
    for odd in (f for f in index.files if f.lower().endswith(TREE_SUFFIXES) and
                not f.endswith(TREE_SUFFIXES)):
        suffix = PurePosixPath(odd).suffix
        result.notes.append(Note(odd, 1, 1, "warning", f"not imported: the site takes "
                                 f"'{suffix.lower()}' files, this one ends in '{suffix}'",
                                 hint=f"rename it to end in {suffix.lower()}, then "
                                 "`neuroverse add`"))
        result.ignored[odd] = f"ends in {suffix}, not {suffix.lower()}"
    read = {r.lower() for r in result.readmes}
    for relative in index.files:
        if not is_markdown(relative) or not is_note_candidate(root, relative):
            continue
        if relative.lower() in read:
            result.ignored[relative] = "read as a README by import"
        else:
            result.notes_in_tree.append(relative)
    vet_files(result)
    merge_entries(result)
    add_tree_files(result, index)
    name_entries(result)
    return result


def readme_text(root: Path, relative: str, result: ImportResult) -> str:
    """A README's text. One saved in a legacy encoding is still read (as Latin-1, which
    decodes any bytes) rather than costing the whole import, with a warning."""
    data = (root / relative).read_bytes()
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        result.notes.append(Note(relative, line, 1, "warning", "is not UTF-8 text; read as "
                                 "Latin-1, so some characters may be wrong",
                                 hint="save it as UTF-8"))
        return data.decode("latin-1")


def is_readme(relative: str) -> bool:
    return PurePosixPath(relative).name.lower() in README_NAMES[:2]


def relative_to_root(path: Path, root: Path) -> str | None:
    try:
        return path.resolve().relative_to(root).as_posix()
    except ValueError:
        return None


def sub_readme(found: Target, section: SectionDraft | None, index: FileIndex, root: Path,
               result: ImportResult) -> tuple[str, SectionDraft | None, bool]:
    path = found.path or ""
    if found.is_dir:
        readme = find_readme(root, index, path)
        if readme is None:
            if section is not None and path:
                result.folder_sections.setdefault(path, section)
                message = f"the folder '{path}' has no README; its files go to '{section.title}'"
            else:
                message = f"the folder '{path or '.'}' has no README; its files are imported " \
                    "by folder"
            result.notes.append(Note(found.source, found.line, found.column, "note", message))
            return ("", section, False)
        path = readme
    return (path, section, False)


def vet_files(result: ImportResult) -> None:
    """A notebook, PDF or note the site cannot show (broken, not UTF-8, over the size limit)
    would fail the strict build: it is left out, under `ignore:`, with a warning saying why;
    a README entry for it stays, as planned."""
    limit = DEFAULT_MAX_FILE_SIZE_MB * 1024 * 1024
    linked = {e.path for e in result.entries if e.path}
    candidates = sorted({*result.files, *result.notes_in_tree, *linked})
    broken: dict[str, str] = {}
    for relative in candidates:
        path = result.root / relative
        lowered = relative.lower()
        probe = notebook_problem if lowered.endswith(".ipynb") else pdf_problem if \
            lowered.endswith(".pdf") else note_problem if is_markdown(relative) else None
        problem = probe(path) if probe is not None else None
        if problem is None and path.is_file() and path.stat().st_size > limit:
            problem = f"is over the {DEFAULT_MAX_FILE_SIZE_MB:g} MB size limit"
        if problem:
            broken[relative] = problem
    for relative, problem in broken.items():
        result.notes.append(Note(relative, 1, 1, "warning", f"not imported: it {problem}",
                                 hint="fix it, then `neuroverse add` it and take it out of "
                                 "`ignore:`"))
        result.ignored[relative] = f"{problem.split(' (')[0]}"
    result.files = [f for f in result.files if f not in broken]
    result.notes_in_tree = [f for f in result.notes_in_tree if f not in broken]
    for entry in result.entries:
        if entry.path in broken and entry.target is not None:
            entry.unreadable = broken[entry.path]
            entry.target.exists = False


# ---------------------------------------------------------------------------------------
# One entry per file


def merge_entries(result: ImportResult) -> None:
    """A file linked twice is one entry; an article titled twice is one article."""
    kept: list[EntryDraft] = []
    by_path: dict[tuple[str, str], EntryDraft] = {}
    by_title: dict[str, EntryDraft] = {}
    for entry in result.entries:
        key = (entry.kind, entry.path) if entry.path else None
        same = by_path.get(key) if key else None
        if same is None and entry.kind == "article" and entry.titled_by_readme and entry.title:
            same = by_title.get(title_key(entry.title))
            if same is not None and same.path and entry.path and same.path != entry.path:
                same = None  # two files with one title stay two articles
        if same is not None:
            absorb(same, entry)
            continue
        kept.append(entry)
        if key:
            by_path[key] = entry
        if entry.kind == "article" and entry.titled_by_readme and entry.title:
            by_title.setdefault(title_key(entry.title), entry)
    result.entries = kept


def absorb(kept: EntryDraft, other: EntryDraft) -> None:
    if other.section is not None and other.section is not kept.section and \
            other.section not in kept.extra_sections:
        kept.extra_sections.append(other.section)
    kept.summary = kept.summary or other.summary
    kept.description += [line for line in other.description if line not in kept.description]
    if kept.path is None and other.path is not None:
        kept.target = other.target
    if not kept.titled_by_readme and other.titled_by_readme and other.title:
        kept.title, kept.titled_by_readme = other.title, True
    for related in other.related:
        if related not in kept.related:
            kept.related.append(related)


def add_tree_files(result: ImportResult, index: FileIndex) -> None:
    """Every notebook and PDF no README placed: into a section named after its folder."""
    placed = {e.path for e in result.entries if e.path}
    folders: dict[str, SectionDraft] = {}
    for section in result.sections:
        folders.setdefault(title_key(section.title), section)
    for entry in result.entries:
        if entry.section is None:
            entry.section = folder_section(entry.path or (entry.target.path if entry.target
                                                          else None), result, folders)
    for relative in [*result.files, *result.notes_in_tree]:
        if relative in placed:
            continue
        kind = "experiment" if relative.lower().endswith(".ipynb") else "article"
        target = Target("", relative, 0, 0, relative, exists=True)
        result.entries.append(EntryDraft(
            kind, "", folder_section(relative, result, folders), "", 0, target,
            titled_by_readme=False))


def folder_section(relative: str | None, result: ImportResult,
                   folders: dict[str, SectionDraft]) -> SectionDraft:
    for folder, linked in result.folder_sections.items():
        if relative and relative.startswith(folder + "/"):
            return linked
    parts = PurePosixPath(relative or "").parts
    name = parts[0] if len(parts) > 1 else ""
    title = readable_filename(name) if name else result.title
    key = title_key(title)
    section = folders.get(key)
    if section is None:
        section = SectionDraft(title, "", 0, folder=name)
        folders[key] = section
        result.sections.append(section)
    return section


def name_entries(result: ImportResult) -> None:
    for entry in result.entries:
        if entry.title and entry.titled_by_readme:
            continue
        path = entry.path
        title = ""
        if path is not None:
            full = result.root / path
            if path.lower().endswith(".ipynb"):
                title = notebook_title(full) or ""
            elif path.lower().endswith(".pdf"):
                title = pdf_title(full) or ""
            elif is_markdown(path):
                title = markdown_title(full)
            if len(title) > _MAX_FILE_TITLE or len(re.sub(r"\W", "", title)) < 3 or \
                    looks_like_file_name(title, path):
                title = ""
            if title.isupper() and len(title) > 12:  # a PDF title set in capitals
                title = " ".join(w if w.lower() in ACRONYMS else w.capitalize()
                                 for w in title.split())
            title = title or readable_filename(path)
        entry.title = title or entry.title or readable_filename(
            entry.target.href if entry.target else "") or "Untitled"
    distinct_titles(result)
    summarise_articles(result)


def summarise_articles(result: ImportResult) -> None:
    """An article's card line: the README's words, else what the file says of itself (a
    note's first paragraph, a PDF's subject or first line of prose), never the title
    again; none at all when nothing says more than the title."""
    for entry in result.entries:
        if entry.kind != "article":
            continue
        if entry.summary and adds_nothing(entry.summary, entry.title):
            entry.summary = ""
        if entry.summary or entry.path is None or entry.unreadable:
            continue
        full = result.root / entry.path
        found = pdf_summary(full, entry.title) if entry.path.lower().endswith(".pdf") \
            else note_summary(full)
        if found and not adds_nothing(found, entry.title):
            entry.summary = found


# Words a README puts beside a link that say what kind of file it is, not what it is about.
_FILE_WORDS = frozenset({"note", "notes", "pdf", "paper", "notebook", "slides", "code", "link",
                         "read", "here", "open", "view", "see", "the", "a", "an", "my",
                         "colab", "ipynb", "md"})


def adds_nothing(text: str, title: str) -> bool:
    """Whether a README's summary or goal only repeats the entry's title (maybe with
    "notes", "PDF" and the like): a card line that says nothing more."""
    if same_words(text, title):
        return True
    title_words = set(re.findall(r"\w+", title.casefold()))
    return not set(re.findall(r"\w+", text.casefold())) - title_words - _FILE_WORDS


def distinct_titles(result: ImportResult) -> None:
    """Two entries of a kind with one title in one section are two cards nobody can tell
    apart (the check warns, NV204): the later one says which file, or that it is planned."""
    seen: set[tuple[str, int, str]] = set()
    for entry in result.entries:
        sections = [entry.section, *entry.extra_sections]
        keys = [(entry.kind, id(s), title_key(entry.title)) for s in sections]
        if any(key in seen for key in keys):
            which = PurePosixPath(entry.path).name if entry.path else "planned"
            entry.title = f"{entry.title} ({which})"
            keys = [(entry.kind, id(s), title_key(entry.title)) for s in sections]
        seen.update(keys)


def markdown_title(path: Path) -> str:
    """The first `# ` heading of a Markdown note, without emoji and emphasis."""
    try:
        with path.open(encoding="utf-8") as stream:
            for line in stream:
                match = re.match(r"^#\s+(.+?)\s*#*\s*$", line)
                if match:
                    return clean_heading(match.group(1))
    except (OSError, UnicodeDecodeError):
        return ""
    return ""


def looks_like_file_name(title: str, path: str) -> bool:
    """PDF tools often store the file's own name as its title: not a title at all. The
    name cased by hand ('# ResNet' in resnet.ipynb) is the author's title, though."""
    name = PurePosixPath(path).name
    if title.lower() not in (name.lower(), name.split(".")[0].lower()):
        return bool(re.fullmatch(r"\S+\.(pdf|docx?|pptx?|tex|odt|key|pages)", title,
                                 re.IGNORECASE))
    return title in (name, name.split(".")[0]) or title.islower() or "." in title


# ---------------------------------------------------------------------------------------
# The catalogue text


def catalogue_text(result: ImportResult, today: dt.date | None = None) -> str:
    today = today or dt.date.today()
    sources = ", ".join(result.readmes) or "the archive's files"
    out = [
        f"# Imported from {sources} by `neuroverse import` on {today.isoformat()}.\n",
        "# Paths are relative to this file. Check it with `neuroverse check`.\n",
        "\n",
    ]
    out += format_mapping("site", {"title": result.title, "tagline": result.tagline,
                                   "repository_url": result.repository_url,
                                   "repository_folder": result.repository_folder})
    sections = [s for s in result.sections if section_used(s, result)]
    section_ids: dict[int, str] = {}
    taken: set[str] = set()
    out += ["\n", "sections:\n"]
    for position, section in enumerate(sections):
        sid = section_id(section.title, taken)
        taken.add(sid)
        section_ids[id(section)] = sid
        holds_files = any(e.path for e in result.entries if e.section is section)
        status = section.status or (Status.ACTIVE if holds_files else Status.PLANNED)
        if position:
            out.append("\n")
        if section.folder is not None:
            out.append(f"  # the files in {section.folder or 'the top folder'}/ that no "
                       "README places\n" if section.folder else
                       "  # the files at the top of the archive that no README places\n")
        if is_transliterated(section.title):
            out.append(f"  # {TRANSLITERATED}\n")
        out += format_entry({
            "id": sid, "title": section.title, "focus": section.focus, "status": status.value,
            "description": "\n".join(section.description),
            "planned": list(dict.fromkeys(section.planned)),
        }, DEFAULT_LAYOUT)
    entry_ids: dict[int, str] = {}
    used: dict[str, set[str]] = {"experiment": set(), "article": set()}  # ids are per kind
    for entry in result.entries:
        eid = entry_id(entry.title, used[entry.kind], fallback=entry.kind)
        used[entry.kind].add(eid)
        entry_ids[id(entry)] = eid
    for key, kind in (("experiments", "experiment"), ("articles", "article")):
        entries = [e for e in result.entries if e.kind == kind]
        if not entries:
            continue
        out += ["\n", f"{key}:\n"]
        for position, entry in enumerate(entries):
            if position:
                out.append("\n")
            fields, comments = entry_fields(entry, entry_ids, section_ids)
            if is_transliterated(entry.title):
                comments.append(TRANSLITERATED)
            out += [f"  # {comment}\n" for comment in comments]
            out += format_entry(fields, DEFAULT_LAYOUT)
    if result.ignored:
        out += ["\n", "# Files import leaves out, so `neuroverse check` does not report them.\n",
                "ignore:\n"]
        for relative, why in sorted(result.ignored.items()):
            out.append(f"  - {yaml_scalar('/' + glob_escape(relative))}  # {why}\n")
    if result.resources:
        out += ["\n", "resources:\n"]
        for position, resource in enumerate(result.resources):
            if position:
                out.append("\n")
            out += format_entry({"topic": resource.topic, "title": resource.title,
                                 "url": resource.url, "type": resource.kind.value,
                                 "note": resource.note}, DEFAULT_LAYOUT)
    return "".join(out)


TRANSLITERATED = "id spelled in Latin letters from the title; rename it at will"


def glob_escape(relative: str) -> str:
    """A path as an `ignore:` pattern that matches only itself."""
    return re.sub(r"([\[\]*?])", r"[\1]", relative)


def yaml_scalar(text: str) -> str:
    return text if re.fullmatch(r"[\w./\-\[\]*?]+", text) and not text.startswith("[") \
        else "'" + text.replace("'", "''") + "'"


def section_used(section: SectionDraft, result: ImportResult) -> bool:
    """Folder sections exist for their files; README sections always."""
    return section.folder is None or any(e.section is section for e in result.entries) or \
        any(section in e.extra_sections for e in result.entries)


def entry_fields(entry: EntryDraft, entry_ids: dict[int, str],
                 section_ids: dict[int, str]) -> tuple[dict[str, Any], list[str]]:
    comments: list[str] = []
    target = entry.target
    if entry.unreadable and target is not None:
        comments.append(f"{target.path} {entry.unreadable}; fix it, then set the path")
    elif target is not None and not target.exists and target.path is not None:
        comment = f"{entry.source} line {target.line} links {target.shown}, which does not exist"
        comments.append(comment + "; add the file and set the path")
    path = entry.path
    status = entry.status if path else Status.PLANNED
    if path and status in (None, Status.PLANNED, Status.UPCOMING):
        status = entry.status if entry.status is not None else None
    section = section_ids[id(entry.section)] if entry.section is not None else ""
    status_value = status.value if status is not None and status is not Status.COMPLETED \
        else None
    if entry.kind == "experiment":
        is_script = bool(path and path.lower().endswith(".py"))
        related = [entry_ids[id(r)] for r in entry.related if id(r) in entry_ids]
        return {"id": entry_ids[id(entry)], "title": entry.title, "section": section,
                "notebook": None if is_script else path, "script": path if is_script else None,
                "goal": None if adds_nothing(entry.summary, entry.title) else entry.summary,
                "description": "\n".join(entry.description),
                "articles": related, "status": status_value}, comments
    if not entry.summary:
        comments.append("no summary in the README or the file; write one for the card")
    sections = [section] + [section_ids[id(s)] for s in entry.extra_sections
                            if id(s) in section_ids and section_ids[id(s)] != section]
    is_note = bool(path and not path.lower().endswith(".pdf"))
    return {"id": entry_ids[id(entry)], "title": entry.title,
            "pdf": None if is_note else path, "note": path if is_note else None,
            "summary": entry.summary or None, "sections": sections,
            "status": status_value}, comments


# ---------------------------------------------------------------------------------------
# The command


def run_import(readmes: list[Path], output: Path | None, *, to_stdout: bool = False,
               root: Path | None = None) -> int:
    from .sitefiles import plan_site_files

    for readme in readmes:
        if not readme.is_file():
            print(f"error: cannot read {readme}: no such file", file=sys.stderr)
            return EXIT_PROBLEMS
    root = (root or archive_root(readmes)).resolve()
    catalogue_path = (output if output is not None else root / "catalogue.yml")
    catalogue_dir = catalogue_path.parent.resolve()
    if not to_stdout and not catalogue_dir.is_dir():
        print(f"error: {catalogue_path.parent} is not a folder; create it or choose another "
              "-o path", file=sys.stderr)
        return EXIT_PROBLEMS
    if to_stdout:
        catalogue_dir = root
    if catalogue_dir != root:
        print(f"error: the catalogue must sit at the archive's root ({root}), since its paths "
              f"are relative to its folder; write it there with -o {root / 'catalogue.yml'}",
              file=sys.stderr)
        return EXIT_PROBLEMS
    outside = [r for r in readmes if relative_to_root(r, root) is None]
    if outside:
        print(f"error: {outside[0]} is outside the archive at {root}; run import at the "
              "archive's root", file=sys.stderr)
        return EXIT_PROBLEMS
    folders = site_folders(root)
    try:
        result = import_archive(root, readmes, folders)
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        print(f"error: cannot read the archive: {reason}", file=sys.stderr)
        return EXIT_PROBLEMS
    text = catalogue_text(result)
    loaded = load_catalogue(text, catalogue_path.name)
    if loaded.catalogue is not None:
        # What the check would still call an orphan (it lists files the same way) is left
        # out explicitly, so that the strict build passes on what import wrote.
        leftover = unlisted_files(loaded.catalogue, root, folders or None).files
        if leftover:
            for relative, _kind in leftover:
                result.ignored.setdefault(relative, "not placed by import")
            text = catalogue_text(result)
            loaded = load_catalogue(text, catalogue_path.name)
    for note in sorted(result.notes, key=note_order(result)):
        print(note.format(), file=sys.stderr)
    problems = list(loaded.diagnostics)
    if loaded.catalogue is not None:
        problems += check_catalogue(loaded.catalogue, root, CheckOptions(
            report_orphans=False, read_contents=False))  # `check` reads the files themselves
    errors = [d for d in problems if d.severity is Severity.ERROR]
    if errors or loaded.catalogue is None:
        for diagnostic in errors:
            print(diagnostic.format(), file=sys.stderr)
        print("error: the imported catalogue does not pass its own check (a bug in import: "
              "please report it with the README); nothing was written", file=sys.stderr)
        return EXIT_PROBLEMS
    summary = summary_line(result, loaded.catalogue)
    if to_stdout:
        sys.stdout.write(text)
        print(f"{summary}", file=sys.stderr)
        return EXIT_OK
    if catalogue_path.exists():
        return report_existing(catalogue_path, text, result)
    site = plan_site_files(root, result, catalogue_path.name, folders)
    try:
        with locked(catalogue_path):
            replace_file(None, catalogue_path, text.encode("utf-8"))
    except (FileChangedError, LockTimeout, OSError) as exc:
        print(f"error: cannot write {catalogue_path}: {exc}", file=sys.stderr)
        return EXIT_PROBLEMS
    written = write_site(site, root)
    print(f"{display(catalogue_path)}: written ({summary})", file=sys.stderr)
    for name in written:
        print(f"  created {name}", file=sys.stderr)
    for kept in site.kept:
        text_of_kept = (root / kept).read_text(encoding="utf-8", errors="replace")
        if not re.search(r"^\s*-\s*neuroverse\b", text_of_kept, re.MULTILINE):
            print(f"note: {kept} is kept as it is; to publish the catalogue, add the plugin to "
                  f"it:\n  plugins:\n    - search\n    - neuroverse:\n        catalogue: "
                  f"{catalogue_path.name}", file=sys.stderr)
    print("Next: `neuroverse check`, then `mkdocs serve` to see the site", file=sys.stderr)
    return EXIT_OK


def archive_root(readmes: list[Path]) -> Path:
    """The archive is the folder import runs in when that is a git checkout holding the
    READMEs (`neuroverse import notes/NLP.md` at the root), else the first README's folder
    (or the current folder, with no README)."""
    here = Path.cwd().resolve()
    if not readmes:
        return here
    if (here / ".git").exists() and all(relative_to_root(r, here) for r in readmes):
        return here
    return readmes[0].parent


def site_folders(root: Path) -> tuple[Path, ...]:
    """The docs_dir and site_dir of the site import will write (none when the archive
    has a mkdocs.yml: the listing then reads that file's folders)."""
    from .sitefiles import DOCS_CANDIDATES, SITE_CANDIDATES, free_name

    if (root / "mkdocs.yml").exists() or (root / "mkdocs.yaml").exists():
        return ()
    return (root / free_name(root, DOCS_CANDIDATES), root / free_name(root, SITE_CANDIDATES))


def write_site(site: Any, root: Path) -> list[str]:
    written: list[str] = []
    for relative, content in site.files.items():
        path = root / relative
        if path.exists():
            continue  # never overwrite: the owner's file wins
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            with path.open("x", encoding="utf-8") as stream:
                stream.write(content)
        except OSError as exc:
            print(f"warning: cannot write {relative}: {exc.strerror or exc}", file=sys.stderr)
            continue
        written.append(relative)
    return written


def display(path: Path) -> str:
    try:
        return path.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return str(path)


def note_order(result: ImportResult) -> Any:
    order = {name: position for position, name in enumerate(result.readmes)}

    def key(note: Note) -> tuple[int, str, int, int]:
        return (order.get(note.source, len(order)), note.source, note.line, note.column)

    return key


def summary_line(result: ImportResult, catalogue: Any) -> str:
    in_catalogue = {e.path for e in result.entries if e.path}
    files = sum(1 for f in result.files if f in in_catalogue)
    warnings = sum(n.severity == "warning" for n in result.notes)
    notes = sum(n.severity == "note" for n in result.notes)
    return (f"{count(len(catalogue.sections), 'section')}, "
            f"{count(len(catalogue.experiments), 'experiment')}, "
            f"{count(len(catalogue.articles), 'article')}, "
            f"{count(len(catalogue.resources), 'resource')}; {files} of "
            f"{count(len(result.files), 'notebook and PDF', 'notebooks and PDFs')} in the tree; "
            f"{count(warnings, 'warning')}, {count(notes, 'note')}")


def report_existing(path: Path, text: str, result: ImportResult) -> int:
    """A catalogue is there already: show what a fresh import would add, write nothing."""
    try:
        current = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        print(f"error: {path} already exists and cannot be read ({exc}); nothing was written",
              file=sys.stderr)
        return EXIT_PROBLEMS
    named = set(re.findall(r"^\s*-?\s*(?:notebook|script|pdf|note):\s*['\"]?([^'\"\n#]+?)['\"]?"
                           r"\s*$", current, re.MULTILINE))
    missing = [e.path for e in result.entries if e.path and e.path not in named]
    diff = difflib.unified_diff(current.splitlines(keepends=True),
                                text.splitlines(keepends=True),
                                fromfile=f"{path.name} (yours)",
                                tofile=f"{path.name} (imported now)")
    sys.stdout.writelines(diff)
    lacking = f"; it lacks {count(len(missing), 'file')} the archive holds: " + ", ".join(
        missing[:8]) + (" ..." if len(missing) > 8 else "") if missing else \
        "; it already names every file import found"
    print(f"error: {display(path)} already exists, so nothing was written{lacking}. The diff "
          "above shows what a fresh import would write; to keep it, write it elsewhere with "
          "`-o imported.yml` and compare",
          file=sys.stderr)
    return EXIT_PROBLEMS


def count(number: int, noun: str, plural: str | None = None) -> str:
    return f"{number} {noun if number == 1 else plural or noun + 's'}"
