"""Cross-reference and file checks over a loaded catalogue.

One function, `check_catalogue`, serves the plugin and `neuroverse check` alike.
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from .diagnostics import Diagnostic, sorted_diagnostics
from .loader import LoadResult, load_catalogue_file
from .model import Catalogue, Location

NOTEBOOK_DIR = "notebooks"
PAPER_DIR = "papers"


@dataclass(frozen=True)
class CheckOptions:
    report_orphans: bool = True


def check_file(path: Path, root: Path | None = None,
               options: CheckOptions = CheckOptions()) -> LoadResult:
    """Load and check a catalogue file: the one entry point for every front end.

    `root` is the archive folder that notebook and PDF paths are relative to; it defaults to
    the catalogue's own folder."""
    root = root or path.parent
    result = load_catalogue_file(path, _display(path, path.parent))
    if result.catalogue is not None:
        result.diagnostics.extend(check_catalogue(result.catalogue, root, options))
    result.diagnostics = sorted_diagnostics(result.diagnostics)
    return result


def _display(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return str(path)


def check_catalogue(catalogue: Catalogue, root: Path,
                    options: CheckOptions = CheckOptions()) -> list[Diagnostic]:
    found: list[Diagnostic] = []
    found += _duplicate_ids(catalogue)
    found += _references(catalogue)
    found += _files(catalogue, root)
    if options.report_orphans:
        found += _orphans(catalogue, root)
    return found


def _duplicate_ids(catalogue: Catalogue) -> Iterator[Diagnostic]:
    groups: list[tuple[str, Iterable[tuple[str, Location | None]]]] = [
        ("sections", ((s.id, s.location) for s in catalogue.sections)),
        ("experiments", ((e.id, e.location) for e in catalogue.experiments)),
        ("articles", ((a.id, a.location) for a in catalogue.articles)),
    ]
    for kind, items in groups:
        first_seen: dict[str, Location | None] = {}
        for index, (item_id, location) in enumerate(items):
            if item_id in first_seen:
                earlier = first_seen[item_id]
                yield Diagnostic(
                    "NV200", f"id '{item_id}' is already used", location, f"{kind}[{index}].id",
                    hint=f"first used at line {earlier.line}; ids name pages, so each must be unique"
                    if earlier else "",
                )
            else:
                first_seen[item_id] = location


def _suggest(name: str, known: Iterable[str]) -> str:
    options = list(known)
    close = difflib.get_close_matches(name, options, n=1)
    listed = f"known: {', '.join(options)}" if options else "no sections are defined yet"
    return (f"did you mean '{close[0]}'? " if close else "") + listed


def _references(catalogue: Catalogue) -> Iterator[Diagnostic]:
    section_ids = [s.id for s in catalogue.sections]
    article_ids = [a.id for a in catalogue.articles]
    for index, experiment in enumerate(catalogue.experiments):
        if experiment.section not in section_ids:
            yield Diagnostic(
                "NV201", f"unknown section '{experiment.section}'",
                experiment.fields.get("section", experiment.location),
                f"experiments[{index}].section", hint=_suggest(experiment.section, section_ids),
            )
        for related in experiment.articles:
            if related not in article_ids:
                yield Diagnostic(
                    "NV202", f"unknown article '{related}'",
                    experiment.fields.get("articles", experiment.location),
                    f"experiments[{index}].articles", hint=_suggest(related, article_ids),
                )
    for index, article in enumerate(catalogue.articles):
        if not article.sections:
            yield Diagnostic(
                "NV203", f"article '{article.id}' belongs to no section",
                article.fields.get("sections", article.location), f"articles[{index}].sections",
                hint="list at least one section id, e.g. sections: [research]",
            )
        for section_id in article.sections:
            if section_id not in section_ids:
                yield Diagnostic(
                    "NV201", f"unknown section '{section_id}'",
                    article.fields.get("sections", article.location),
                    f"articles[{index}].sections", hint=_suggest(section_id, section_ids),
                )


def resolve_inside(root: Path, relative: str) -> Path | None:
    """The file `relative` names under `root`, or None when it would leave the archive."""
    if PurePosixPath(relative).is_absolute() or relative.startswith(("/", "\\")):
        return None
    candidate = (root / relative).resolve()
    try:
        candidate.relative_to(root.resolve())
    except ValueError:
        return None
    return candidate


def _nearest_file(root: Path, relative: str) -> str:
    suffix = PurePosixPath(relative).suffix
    existing = [
        p.relative_to(root).as_posix()
        for p in sorted(root.rglob(f"*{suffix}"))
        if not any(part.startswith(".") for part in p.relative_to(root).parts)
    ] if suffix else []
    close = difflib.get_close_matches(relative, existing, n=1, cutoff=0.5)
    if not close:
        names = {PurePosixPath(p).name.lower(): p for p in existing}
        close = difflib.get_close_matches(PurePosixPath(relative).name.lower(), list(names), n=1)
        close = [names[c] for c in close]
    return f"did you mean '{close[0]}'?" if close else f"no {suffix or ''} file exists in the archive"


def _files(catalogue: Catalogue, root: Path) -> Iterator[Diagnostic]:
    named: list[tuple[str, str, str, Location | None]] = []
    for index, experiment in enumerate(catalogue.experiments):
        for key in ("notebook", "script"):
            value = getattr(experiment, key)
            if value:
                named.append((value, f"experiments[{index}].{key}", key,
                              experiment.fields.get(key, experiment.location)))
    for index, article in enumerate(catalogue.articles):
        if article.pdf:
            named.append((article.pdf, f"articles[{index}].pdf", "pdf",
                          article.fields.get("pdf", article.location)))

    for relative, key_path, key, location in named:
        path = resolve_inside(root, relative)
        if path is None:
            yield Diagnostic("NV302", f"'{relative}' is outside the archive", location, key_path,
                             hint="paths are relative to the folder of catalogue.yml and stay inside it")
        elif not path.is_file():
            yield Diagnostic("NV300", f"file '{relative}' does not exist", location, key_path,
                             hint=_nearest_file(root, relative))
        elif key == "notebook":
            problem = notebook_problem(path)
            if problem:
                yield Diagnostic("NV303", f"'{relative}' {problem}", location, key_path,
                                 hint="open and save it again in Jupyter, or fix the JSON")


def notebook_problem(path: Path) -> str | None:
    """Why a notebook cannot be rendered, or None when it looks like nbformat 4."""
    try:
        data = json.loads(path.read_bytes())
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        return f"is not valid JSON ({exc})"
    if not isinstance(data, dict) or not isinstance(data.get("cells"), list):
        return "is not a Jupyter notebook (no cells)"
    if data.get("nbformat") != 4:
        return f"is nbformat {data.get('nbformat')}, not 4"
    return None


def _orphans(catalogue: Catalogue, root: Path) -> Iterator[Diagnostic]:
    referenced = {
        p for e in catalogue.experiments for p in (e.notebook, e.script) if p
    } | {a.pdf for a in catalogue.articles if a.pdf}
    referenced_resolved = {resolve_inside(root, p) for p in referenced}
    for folder, pattern, kind in ((NOTEBOOK_DIR, "*.ipynb", "experiment"),
                                  (PAPER_DIR, "*.pdf", "article")):
        base = root / folder
        if not base.is_dir():
            continue
        for path in sorted(base.rglob(pattern)):
            relative = path.relative_to(root)
            if any(part.startswith(".") for part in relative.parts):
                continue  # .ipynb_checkpoints and friends
            if path.resolve() not in referenced_resolved:
                yield Diagnostic(
                    "NV310", f"'{relative.as_posix()}' is not in the catalogue",
                    Location(catalogue.path, 1, 1),
                    hint=f"add it with `neuroverse add {kind} {relative.as_posix()}`",
                )
