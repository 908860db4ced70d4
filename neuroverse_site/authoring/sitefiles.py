"""The site around an imported catalogue: `mkdocs.yml` and a home page, so that
`neuroverse import` then `mkdocs serve` is the whole path from an archive to a site.

Rendered from the same templates as `neuroverse init`. The docs folder is named so that it
cannot be one of the archive's own folders on a file system that ignores case (an archive
with `Docs/` of PDFs gets `site-docs/`), and so is the build folder.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .scaffold import SITE_DEFAULTS, environment

DOCS_CANDIDATES = ("docs", "site-docs", "neuroverse-docs", "neuroverse-site-docs")
SITE_CANDIDATES = ("site", "built-site", "neuroverse-site")


@dataclass
class SiteFiles:
    files: dict[str, str] = field(default_factory=dict)  # relative path -> text
    kept: list[str] = field(default_factory=list)  # already there: left alone
    docs_dir: str = "docs"


def free_name(root: Path, candidates: tuple[str, ...]) -> str:
    """The first name no entry of `root` has, in any case."""
    taken = {child.name.casefold() for child in root.iterdir()} if root.is_dir() else set()
    for name in candidates:
        if name.casefold() not in taken:
            return name
    number = 2
    while f"{candidates[-1]}-{number}" in taken:
        number += 1
    return f"{candidates[-1]}-{number}"


def plan_site_files(root: Path, result: object, catalogue_name: str,
                    folders: tuple[Path, ...] = ()) -> SiteFiles:
    """mkdocs.yml and the home page, unless the archive has a mkdocs.yml already (then it
    has a site of its own and only the catalogue is new)."""
    title = str(getattr(result, "title", "") or root.name)
    planned = SiteFiles()
    existing = [p for p in (root / "mkdocs.yml", root / "mkdocs.yaml") if p.exists()]
    if existing:
        planned.kept = [p.name for p in existing]
        return planned
    docs_dir, site_dir = (folders[0].name, folders[1].name) if len(folders) == 2 else (
        free_name(root, DOCS_CANDIDATES), free_name(root, SITE_CANDIDATES))
    context = {**SITE_DEFAULTS, "title": title,
               "description": str(getattr(result, "tagline", "") or ""),
               "repo_url": getattr(result, "repository_url", None),
               "docs_dir": docs_dir, "site_dir": site_dir, "catalogue": catalogue_name}
    env = environment()
    planned.docs_dir = docs_dir
    planned.files = {
        "mkdocs.yml": env.get_template("mkdocs.yml.j2").render(**context),
        f"{docs_dir}/index.md": env.get_template("index.md.j2").render(**context),
    }
    return planned
