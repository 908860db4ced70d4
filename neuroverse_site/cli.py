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

from . import __version__
from .authoring.commands import register as register_authoring_commands
from .build import linkcheck
from .core.checks import DEFAULT_MAX_FILE_SIZE_MB, CheckOptions, check_file
from .core.diagnostics import EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE, Severity


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
    check.set_defaults(run=_run_check)

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
