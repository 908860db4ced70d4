"""The `neuroverse` command line: thin front ends over the catalogue core.

Every command is `main([...])`-callable for tests, prints problems as
`path:line:col: severity CODE key: message`, and returns an exit code instead of raising.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from . import __version__
from .authoring.commands import register as register_authoring_commands
from .build import linkcheck
from .build.engines import ENGINES, engine_notice
from .core.checks import DEFAULT_MAX_FILE_SIZE_MB, CheckOptions, check_file
from .core.diagnostics import EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE, Severity

if TYPE_CHECKING:
    from .build.batch import Progress


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="neuroverse",
        description="Check and maintain a NeuroVerse archive catalogue.",
    )
    parser.add_argument("--version", action="version", version=f"neuroverse {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    check = commands.add_parser("check", help="check catalogue.yml and the files it names")
    check.add_argument("catalogue", nargs="?", default="catalogue.yml",
                       help="the catalogue to check (default: catalogue.yml)")
    check.add_argument("--strict", action="store_true", help="fail on warnings too")
    check.add_argument("--format", choices=("text", "json"), default="text")
    check.add_argument("--max-file-size-mb", type=_megabytes, default=DEFAULT_MAX_FILE_SIZE_MB,
                       metavar="MB", help="warn (NV305) about notebooks and PDFs larger than "
                       f"this (default: {DEFAULT_MAX_FILE_SIZE_MB:g})")
    check.add_argument("--engine", choices=ENGINES, default=None,
                       help="the program that builds the site; with zensical, warn (NV500) that "
                       "it needs `neuroverse export` (default: zensical when a zensical.toml "
                       "is beside the catalogue or here)")
    check.set_defaults(run=_run_check)

    export = commands.add_parser(
        "export", help="write the site as a plain MkDocs project that needs no plugin (for "
        "Zensical, or MkDocs without neuroverse)")
    export.add_argument("dir", metavar="DIR", help="the folder to write (new or empty)")
    export.add_argument("-f", "--config-file", default="mkdocs.yml", metavar="FILE",
                        help="the project's mkdocs.yml (default: mkdocs.yml)")
    export.add_argument("--force", action="store_true",
                        help="write into a non-empty DIR, first removing the files a previous "
                        "export wrote there (and nothing else)")
    export.set_defaults(run=_run_export)

    register_authoring_commands(commands)  # add, readme, import, init

    links = commands.add_parser("linkcheck", help="check every internal link in a built site")
    linkcheck.add_arguments(links)
    links.set_defaults(run=linkcheck.run)
    return parser


def _megabytes(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not math.isfinite(value) or value <= 0:
        raise argparse.ArgumentTypeError(f"'{text}' is not a size; give a number of MB above 0")
    return value


def _run_check(args: argparse.Namespace) -> int:
    path = Path(args.catalogue)
    # Named as typed, so an editor or CI log can open the file from the line.
    result = check_file(path, path.resolve().parent,
                        CheckOptions(max_file_size_mb=args.max_file_size_mb),
                        display_path=args.catalogue)
    problems = result.diagnostics
    notice = engine_notice(list(dict.fromkeys([path.resolve().parent, Path.cwd()])),
                           args.engine)
    if notice is not None:
        problems = [*problems, notice]
    errors = sum(d.severity is Severity.ERROR for d in problems)
    warnings = len(problems) - errors
    if args.format == "json":
        print(json.dumps({
            "errors": errors,
            "warnings": warnings,
            "diagnostics": [
                {
                    "code": d.code, "severity": str(d.severity), "message": d.message,
                    "key": d.key_path, "hint": d.hint,
                    "path": d.location.path if d.location else None,
                    "line": d.location.line if d.location else None,
                    "column": d.location.column if d.location else None,
                }
                for d in problems
            ],
        }, indent=2))
    else:
        for diagnostic in problems:
            print(diagnostic.format())
        summary = f"{errors} error{'s' * (errors != 1)}, {warnings} warning{'s' * (warnings != 1)}"
        print(f"{path.name}: {summary}" if problems else f"{path.name}: no problems found",
              file=sys.stderr)
    if errors or (args.strict and warnings):
        return EXIT_PROBLEMS
    return EXIT_OK


def _run_export(args: argparse.Namespace) -> int:
    # Here, not at the top: the other commands need no rendering library.
    from .build.export import export_site

    result = export_site(Path(args.config_file), Path(args.dir), force=args.force,
                         display=args.config_file, report=_print_progress)
    for diagnostic in result.problems:
        print(diagnostic.format())
    if result.failed:
        errors = sum(d.severity is Severity.ERROR for d in result.problems)
        print(f"nothing exported: {errors} error{'s' * (errors != 1)}" if errors else
              "nothing exported: catalogue text makes links or images the site removes "
              "(NV107); another engine would publish them", file=sys.stderr)
        return EXIT_PROBLEMS
    config = Path(args.dir) / "mkdocs.yml"
    print(f"exported {result.pages} pages ({len(result.written)} files) to {args.dir}\n"
          f"build it with any of:\n  zensical build -f {config}\n  mkdocs build -f {config}\n"
          "not in the export: link-preview tags and the feed's <link> in each page's head "
          "(only the plugin can add them)", file=sys.stderr)
    return EXIT_OK


def _print_progress(progress: Progress) -> None:
    print(progress.message(), file=sys.stderr)


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse exits on --help, --version and usage errors
        return int(exc.code) if isinstance(exc.code, int) else EXIT_USAGE
    try:
        code: int = args.run(args)
    except BrokenPipeError:
        # The reader went away (`neuroverse check | head`): stop quietly, as other tools do.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_PROBLEMS
    return code


if __name__ == "__main__":
    raise SystemExit(main())
