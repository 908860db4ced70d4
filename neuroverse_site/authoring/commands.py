"""The authoring commands of `neuroverse`: add, readme, import and init.

`cli.py` owns the parser and `check`; it hands its subparsers to `register` so these
commands stay in their own module. Each `_run_*` returns an exit code: 0 done, 1 the
archive has a problem (nothing was written), 2 the command line itself was wrong.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..core.diagnostics import EXIT_OK, EXIT_PROBLEMS
from ..core.ids import is_transliterated
from ..core.model import ResourceKind, Status
from .add import (
    LIST_OF,
    AuthoringError,
    EntryText,
    OpenCatalogue,
    article_fields,
    choose_section,
    experiment_fields,
    insertion_index,
    open_catalogue,
    plan_addition,
    resource_fields,
    section_fields,
    write_addition,
)
from .safefile import FileChangedError, LockTimeout, locked

STATUSES = [s.value for s in Status]


def terminal_prompt() -> Callable[[str], str] | None:
    """`input` when a person is at the terminal, else None (CI, pipes, tests)."""
    return input if sys.stdin.isatty() and sys.stdout.isatty() else None


def _error(message: str) -> None:
    print(f"error: {message}", file=sys.stderr)


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a date; write YYYY-MM-DD") from None


def register(commands: Any) -> None:
    """Add the authoring subcommands to `neuroverse`'s subparsers."""
    _register_add(commands)
    _register_readme(commands)
    _register_import(commands)
    _register_init(commands)


# ---------------------------------------------------------------------------------------
# add


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--catalogue", default="catalogue.yml", metavar="PATH",
                        help="the catalogue to add to (default: catalogue.yml)")
    parser.add_argument("--dry-run", action="store_true",
                        help="check and print the entry, write nothing")
    parser.add_argument("--no-readme", action="store_true",
                        help="leave README.md alone even when it has neuroverse markers")


def _entry_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--title", help="default: the file's first heading or PDF title, "
                        "else its name made readable")
    parser.add_argument("--id", help="default: made from the title, unique")
    parser.add_argument("--status", choices=STATUSES, metavar="STATUS",
                        help=f"{', '.join(STATUSES)}; default: completed, or planned when "
                        "there is no file")
    parser.add_argument("--tag", action="append", default=[], metavar="TAG",
                        help="repeat or separate with commas")
    parser.add_argument("--added", type=_date, metavar="YYYY-MM-DD", help="default: today")


def _register_add(commands: Any) -> None:
    add = commands.add_parser(
        "add", help="add an experiment, article, section or resource to the catalogue",
        description="Add one entry. The whole catalogue is checked with it before anything "
        "is written, and every other line of the file stays as it was.")
    kinds = add.add_subparsers(dest="kind", metavar="KIND", required=True)

    experiment = kinds.add_parser("experiment", help="a notebook (.ipynb) or script (.py)")
    experiment.add_argument("file", nargs="?", help="the notebook or script; omit for a "
                            "planned experiment")
    experiment.add_argument("--section", help="section id; asked for at a terminal")
    _entry_options(experiment)
    experiment.add_argument("--goal", help="one line: what the experiment shows")
    experiment.add_argument("--description", help="Markdown shown on the experiment's page")
    experiment.add_argument("--framework", action="append", default=[], metavar="NAME")
    experiment.add_argument("--dataset")
    experiment.add_argument("--article", action="append", default=[], metavar="ID",
                            help="id of a related article")
    _common(experiment)

    article = kinds.add_parser("article", help="a PDF or a Markdown note (.md, .markdown)")
    article.add_argument("file", nargs="?", help="the PDF or Markdown note; omit for a planned "
                         "article")
    article.add_argument("--section", action="append", default=[], metavar="ID",
                         help="section id, repeat for several; asked for at a terminal")
    article.add_argument("--summary", help="one line shown on the article's card (required "
                         "for a PDF; a note's default is its first paragraph)")
    _entry_options(article)
    _common(article)

    section = kinds.add_parser("section", help="a new section of the archive")
    section.add_argument("title")
    section.add_argument("--id", help="default: made from the title, unique")
    section.add_argument("--status", choices=STATUSES, default="planned", metavar="STATUS",
                         help=f"{', '.join(STATUSES)}; default: planned")
    section.add_argument("--focus", help="one line: what the section covers")
    section.add_argument("--description", help="Markdown shown on the section page")
    section.add_argument("--planned", action="append", default=[], metavar="TOPIC",
                         help="a topic still to come; repeat for several")
    _common(section)

    resource = kinds.add_parser("resource", help="an external book, course or post")
    resource.add_argument("url")
    resource.add_argument("--title", required=True)
    resource.add_argument("--topic", required=True, help="resources are grouped by topic")
    resource.add_argument("--type", dest="resource_type", required=True,
                          choices=[k.value for k in ResourceKind])
    resource.add_argument("--note")
    _common(resource)

    add.set_defaults(run=_run_add)


def _section_of(opened: OpenCatalogue, given: str | None,
                ask: Callable[[str], str] | None) -> str:
    if given:
        return given
    if ask is None:
        known = ", ".join(s.id for s in opened.catalogue.sections) or "none yet"
        raise AuthoringError(f"say which section with --section ID (known: {known})")
    return choose_section(opened.catalogue.sections, ask)


def _fields(args: argparse.Namespace, opened: OpenCatalogue,
            ask: Callable[[str], str] | None) -> dict[str, Any]:
    if args.kind == "section":
        return section_fields(opened, args.title, section_id=args.id, status=args.status,
                              focus=args.focus, description=args.description,
                              planned=args.planned)
    if args.kind == "resource":
        return resource_fields(args.url, title=args.title, topic=args.topic,
                               kind=args.resource_type, note=args.note)
    about = EntryText(args.title, args.id, args.status, args.tag,
                      args.added or dt.date.today())
    if args.kind == "experiment":
        return experiment_fields(
            opened, args.file, lambda: _section_of(opened, args.section, ask), about,
            goal=args.goal, description=args.description, frameworks=args.framework,
            dataset=args.dataset, articles=args.article)
    return article_fields(opened, args.file,
                          lambda: args.section or [_section_of(opened, None, ask)],
                          args.summary, about)


def _run_add(args: argparse.Namespace) -> int:
    catalogue = Path(args.catalogue)
    if args.dry_run or not catalogue.parent.is_dir():
        return _add(args)  # writes nothing (or cannot): nothing to serialise
    # From the read to the write, and through the README refresh after it: a second `add`
    # started meanwhile waits, then reads the catalogue with this entry in it.
    try:
        with locked(catalogue):
            return _add(args)
    except LockTimeout as exc:
        _error(f"{exc}; nothing was written")
        return EXIT_PROBLEMS
    except OSError as exc:  # the lock file cannot be created (a read-only folder)
        _error(f"cannot lock {catalogue} ({exc.strerror or exc}); nothing was written")
        return EXIT_PROBLEMS


def _add(args: argparse.Namespace) -> int:
    from .readme import update_readme_after_add

    try:
        opened = open_catalogue(Path(args.catalogue))
        fields = _fields(args, opened, terminal_prompt())
        key = LIST_OF[args.kind]
        plan = plan_addition(opened, key, fields, insertion_index(opened, key, fields))
    except AuthoringError as exc:
        for diagnostic in exc.diagnostics:
            print(diagnostic.format(), file=sys.stderr)
        _error(str(exc))
        return EXIT_PROBLEMS
    if plan.errors:
        for diagnostic in plan.errors:
            print(diagnostic.format(), file=sys.stderr)
        count = len(plan.errors)
        _error(f"nothing was written: this {args.kind} would bring {count} "
               f"error{'s' * (count != 1)} into the catalogue")
        return EXIT_PROBLEMS
    if plan.existing_errors:
        count = len(plan.existing_errors)
        print(f"warning: {opened.display} already has {count} error{'s' * (count != 1)} this "
              f"{args.kind} does not touch; `neuroverse check` lists them", file=sys.stderr)
    where = f"{opened.display}:{plan.insertion.first_line}"
    if args.dry_run:
        print(plan.entry_text, end="")
        print(f"{where}: would add this {args.kind} (dry run, nothing written)",
              file=sys.stderr)
        return EXIT_OK
    try:
        write_addition(plan)
    except FileChangedError:
        _error(f"{opened.path} changed on disk while this command ran; nothing was written, "
               "run it again")
        return EXIT_PROBLEMS
    except OSError as exc:
        _error(f"cannot write {opened.path}: {exc.strerror or exc}; nothing was changed")
        return EXIT_PROBLEMS
    print(f"{where}: added {args.kind} '{fields.get('id') or fields.get('title')}'",
          file=sys.stderr)
    title = str(fields.get("title") or "")
    if fields.get("id") and not getattr(args, "id", None) and is_transliterated(title):
        print(f"note: the id '{fields['id']}' spells the title '{title}' in Latin letters, "
              "for its URL; pass --id to choose another", file=sys.stderr)
    # The entry is in the catalogue now: a README that cannot follow is worth a warning,
    # not an exit code that would say nothing was written.
    if not args.no_readme and update_readme_after_add(opened.path) != EXIT_OK:
        print(f"warning: {opened.display} was updated but README.md was not (see above); "
              "run `neuroverse readme` once that is fixed", file=sys.stderr)
    return EXIT_OK


# ---------------------------------------------------------------------------------------
# readme


def _register_readme(commands: Any) -> None:
    readme = commands.add_parser(
        "readme", help="regenerate the catalogue part of README.md",
        description="Rewrite the lines between <!-- neuroverse:readme:start --> and "
        "<!-- neuroverse:readme:end --> in README.md from the catalogue; text outside the "
        "markers is never touched.")
    readme.add_argument("readme", nargs="?", default="README.md",
                        help="the README to update (default: README.md)")
    readme.add_argument("--catalogue", default="catalogue.yml", metavar="PATH")
    readme.add_argument("--check", action="store_true",
                        help="write nothing; exit 1 with a diff when the README is stale")
    readme.set_defaults(run=_run_readme)


def _run_readme(args: argparse.Namespace) -> int:
    from .readme import run_readme

    return run_readme(Path(args.readme), Path(args.catalogue), check_only=args.check)


# ---------------------------------------------------------------------------------------
# import


def _register_import(commands: Any) -> None:
    importer = commands.add_parser(
        "import", help="turn an archive as you keep it (files + READMEs) into a site",
        description="Run at an archive's root. Every notebook and PDF in it goes into a new "
        "catalogue; the README (or the Markdown files given) adds sections, titles, statuses "
        "and summaries, and every link to a missing file and every piece of text that could "
        "not be placed is reported. Without a mkdocs.yml, one is written too, with a home "
        "page, so `mkdocs serve` shows the site next. Nothing is ever overwritten.")
    importer.add_argument("readme", nargs="*", metavar="README",
                          help="README(s) to read, the first one names the site; default: "
                          "the root's README.md, if any")
    importer.add_argument("-o", "--output", metavar="PATH",
                          help="the catalogue to write (default: catalogue.yml at the "
                          "archive's root; never overwritten); '-' prints it instead")
    importer.set_defaults(run=_run_import)


def _run_import(args: argparse.Namespace) -> int:
    from .importer import run_import

    readmes = [Path(r) for r in args.readme]
    if args.output == "-":
        return run_import(readmes, None, to_stdout=True)
    return run_import(readmes, Path(args.output) if args.output else None)


# ---------------------------------------------------------------------------------------
# init


def _register_init(commands: Any) -> None:
    init = commands.add_parser(
        "init", help="start a new archive that builds straight away",
        description="Create a catalogue with one example of each kind, mkdocs.yml, "
        "docs/index.md, a README, and an example notebook and PDF.")
    init.add_argument("directory", help="where to create it (new or empty)")
    init.add_argument("--title", default="My deep-learning archive",
                      help="the archive's name")
    init.set_defaults(run=_run_init)


def _run_init(args: argparse.Namespace) -> int:
    from .scaffold import run_init

    return run_init(Path(args.directory), args.title)
