"""Which program builds the site, and what `neuroverse check` tells the user about it.

Kept apart from the export itself so the check loads no rendering library."""

from __future__ import annotations

from pathlib import Path

from ..core.diagnostics import Diagnostic
from ..core.model import Location

ZENSICAL_CONFIG = "zensical.toml"
ENGINES = ("mkdocs", "properdocs", "zensical")
DEFAULT_EXPORT_DIR = "build/export"


def engine_notice(folders: list[Path], engine: str | None) -> Diagnostic | None:
    """NV500 when the site is (or looks to be) built by Zensical, which reads mkdocs.yml
    but runs no MkDocs plugin: without the export step it publishes the hand-written pages
    and not one section, experiment or article, and says nothing about it. `engine` is the
    one named on the command line; otherwise a zensical.toml in one of `folders` (the
    catalogue's, the current one) gives it away."""
    if engine is not None and engine != "zensical":
        return None
    where: Location | None = None
    if engine is None:
        found = next((folder / ZENSICAL_CONFIG for folder in folders
                      if (folder / ZENSICAL_CONFIG).is_file()), None)
        if found is None:
            return None
        where = Location(_shown(found), 1, 1)
    return Diagnostic(
        "NV500",
        "Zensical does not run the neuroverse plugin (it skips MkDocs plugins without a "
        "word): built directly, the site has no section, experiment or article page",
        where,
        hint=f"export the site, then build the export: `neuroverse export "
        f"{DEFAULT_EXPORT_DIR} --force` and `zensical build -f {DEFAULT_EXPORT_DIR}/mkdocs.yml`"
        " (or `make zensical`)")


def _shown(path: Path) -> str:
    try:
        return path.relative_to(Path.cwd()).as_posix()
    except ValueError:
        return str(path)
