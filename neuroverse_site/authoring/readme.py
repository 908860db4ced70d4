"""`neuroverse readme`: the catalogue part of README.md, regenerated between two markers.

The block is rendered with the site's own Jinja environment and escaping filters, from the
template `readme/archive.md.j2` (a `templates_dir` may override it like any other). Links
to pages point at the published site (`site.url` in the catalogue); links to notebooks and
PDFs are relative to the README, so GitHub resolves them. Text outside the markers is never
touched.
"""

from __future__ import annotations

import difflib
import os
import posixpath
import sys
from dataclasses import dataclass
from pathlib import Path

from ..build.render import (
    Facts,
    Renderer,
    page_url,
)
from ..core.checks import CheckOptions, check_file
from ..core.diagnostics import EXIT_OK, EXIT_PROBLEMS, Severity
from ..core.model import Catalogue
from .safefile import FileChangedError, Snapshot, read_snapshot, replace_file

START_MARKER = "<!-- neuroverse:readme:start -->"
END_MARKER = "<!-- neuroverse:readme:end -->"
TEMPLATE = "readme/archive.md.j2"



class ReadmeError(Exception):
    """The README cannot be updated; the message says where and how to fix it."""


def render_archive_block(catalogue: Catalogue, *, root_from_readme: str = ".",
                         catalogue_name: str = "catalogue.yml") -> str:
    """The Markdown that goes between the markers.

    `root_from_readme` is the archive root relative to the README's folder, so file links
    work from wherever the README lives.
    """
    site_url = catalogue.site.url
    base = site_url.rstrip("/") + "/" if site_url else ""

    def page(src_uri: str) -> str:
        return base + page_url(src_uri, use_directory_urls=True)

    def file(path: str) -> str:
        return posixpath.normpath(posixpath.join(root_from_readme, path))

    env = Renderer(catalogue, Facts({}, {})).env
    return env.get_template(TEMPLATE).render(
        catalogue=catalogue, catalogue_name=catalogue_name, site_url=site_url,
        page=page, file=file)


@dataclass(frozen=True)
class _Block:
    start: int  # index of the start marker line
    end: int  # index of the end marker line


def _find_block(lines: list[str], shown: str) -> _Block:
    starts = [i for i, line in enumerate(lines) if line.strip() == START_MARKER]
    ends = [i for i, line in enumerate(lines) if line.strip() == END_MARKER]
    example = f"add these two lines where the archive should appear:\n    {START_MARKER}\n    " \
              f"{END_MARKER}"
    if not starts and not ends:
        raise ReadmeError(f"{shown}: error: no neuroverse markers; {example}")
    if not starts:
        raise ReadmeError(f"{shown}:{ends[0] + 1}:1: error: an end marker without "
                          f"{START_MARKER} before it")
    if not ends:
        raise ReadmeError(f"{shown}:{starts[0] + 1}:1: error: {START_MARKER} is never "
                          f"closed; add {END_MARKER} after it")
    if len(starts) > 1 or len(ends) > 1:
        extra = (starts[1:] or ends[1:])[0]
        raise ReadmeError(f"{shown}:{extra + 1}:1: error: the markers appear more than once; "
                          "keep one start and one end marker")
    if ends[0] < starts[0]:
        raise ReadmeError(f"{shown}:{ends[0] + 1}:1: error: the end marker comes before the "
                          f"start marker (line {starts[0] + 1})")
    return _Block(starts[0], ends[0])


def replace_block(readme: str, block: str, shown: str = "README.md") -> str:
    """`readme` with the lines between the markers replaced by `block`."""
    lines = readme.splitlines(keepends=True)
    found = _find_block(lines, shown)
    newline = "\r\n" if lines[found.start].endswith("\r\n") else "\n"
    # A blank line before the end marker keeps the last list or paragraph apart from it.
    body = block.rstrip("\n") + "\n\n" if block.strip() else ""
    if newline != "\n":
        body = body.replace("\n", newline)
    return "".join(lines[:found.start + 1]) + body + "".join(lines[found.end:])


def has_markers(readme: str) -> bool:
    return START_MARKER in readme and END_MARKER in readme


def regenerate(readme_path: Path, catalogue_path: Path) -> tuple[Snapshot, str, str]:
    """Read both files and return the README snapshot, its text and what it should be."""
    try:
        snapshot = read_snapshot(readme_path)
    except OSError as exc:
        raise ReadmeError(f"error: cannot read {readme_path} ({exc.strerror or exc})") from None
    try:
        text = snapshot.text
    except UnicodeDecodeError:
        raise ReadmeError(f"error: {readme_path} is not UTF-8 text") from None
    result = check_file(catalogue_path, catalogue_path.resolve().parent,
                        CheckOptions(report_orphans=False))
    errors = [d for d in result.diagnostics if d.severity is Severity.ERROR]
    if errors or result.catalogue is None:
        raise ReadmeError("\n".join(d.format() for d in errors)
                          + f"\nerror: {catalogue_path.name} has errors; fix them, then run "
                          "`neuroverse readme` again")
    root = os.path.relpath(catalogue_path.resolve().parent, readme_path.resolve().parent)
    block = render_archive_block(result.catalogue, root_from_readme=Path(root).as_posix(),
                                 catalogue_name=catalogue_path.name)
    return snapshot, text, replace_block(text, block, readme_path.name)


def run_readme(readme_path: Path, catalogue_path: Path, *, check_only: bool) -> int:
    try:
        snapshot, current, wanted = regenerate(readme_path, catalogue_path)
    except ReadmeError as exc:
        print(exc, file=sys.stderr)
        return EXIT_PROBLEMS
    if current == wanted:
        print(f"{readme_path.name}: up to date with {catalogue_path.name}", file=sys.stderr)
        return EXIT_OK
    if check_only:
        sys.stdout.writelines(difflib.unified_diff(
            current.splitlines(keepends=True), wanted.splitlines(keepends=True),
            f"{readme_path.name} (now)", f"{readme_path.name} (from {catalogue_path.name})"))
        print(f"error: {readme_path.name} is out of date with {catalogue_path.name}; "
              "run `neuroverse readme` to update it", file=sys.stderr)
        return EXIT_PROBLEMS
    bom = b"\xef\xbb\xbf" if snapshot.data.startswith(b"\xef\xbb\xbf") else b""
    try:
        replace_file(snapshot, readme_path, bom + wanted.encode("utf-8"))
    except FileChangedError:
        print(f"error: {readme_path} changed on disk while it was being updated; "
              "nothing was written, run `neuroverse readme` again", file=sys.stderr)
        return EXIT_PROBLEMS
    except OSError as exc:
        print(f"error: cannot write {readme_path}: {exc.strerror or exc}", file=sys.stderr)
        return EXIT_PROBLEMS
    print(f"{readme_path.name}: updated from {catalogue_path.name}", file=sys.stderr)
    return EXIT_OK


def update_readme_after_add(catalogue_path: Path) -> int:
    """After `neuroverse add`: refresh the README next to the catalogue if it opted in."""
    readme_path = catalogue_path.parent / "README.md"
    try:
        if not has_markers(readme_path.read_text(encoding="utf-8-sig")):
            return EXIT_OK
    except (OSError, UnicodeDecodeError):
        return EXIT_OK
    return run_readme(readme_path, catalogue_path, check_only=False)
