"""`neuroverse init DIR`: a new archive that builds with `mkdocs build --strict` at once.

Text files come from the templates in `scaffold/`; the example notebook (plain JSON) and
PDF (drawn by Pillow) are made here, so the package ships no binaries. The README's archive
block is generated from the new catalogue, so `neuroverse readme --check` passes at once.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from dataclasses import dataclass
from pathlib import Path

from jinja2 import Environment, PackageLoader, StrictUndefined
from PIL import Image, ImageDraw

from ..build.render import text_filter, yaml_string_filter
from ..core.diagnostics import EXIT_OK, EXIT_PROBLEMS
from ..core.loader import load_catalogue
from .readme import render_archive_block, replace_block

NOTEBOOK = "notebooks/getting-started/first-experiment.ipynb"
PDF = "papers/getting-started/first-article.pdf"

# scaffold template -> file in the new archive
TEMPLATES = {
    "catalogue.yml.j2": "catalogue.yml",
    "mkdocs.yml.j2": "mkdocs.yml",
    "index.md.j2": "docs/index.md",
    "README.md.j2": "README.md",
    "gitignore": ".gitignore",
}


# mkdocs.yml's settings when nothing in the folder asks for others (see sitefiles.py).
SITE_DEFAULTS = {"description": "", "repo_url": None, "docs_dir": "docs", "site_dir": "site",
                 "catalogue": "catalogue.yml"}


class ScaffoldError(Exception):
    pass


@dataclass(frozen=True)
class Scaffolded:
    root: Path
    files: list[str]


def environment() -> Environment:
    env = Environment(loader=PackageLoader("neuroverse_site", "authoring/scaffold"),
                      undefined=StrictUndefined, keep_trailing_newline=True,
                      autoescape=False)
    env.filters.update(text=text_filter, yaml_string=yaml_string_filter)
    return env


def example_notebook() -> str:
    """A small nbformat 4.5 notebook with one output, as Jupyter saves it."""

    def lines(text: str) -> list[str]:
        return text.splitlines(keepends=True)

    code = ("xs = [0, 1, 2, 3]\nys = [1, 3, 5, 7]\nn = len(xs)\n"
            "slope = (n * sum(x * y for x, y in zip(xs, ys)) - sum(xs) * sum(ys)) / (\n"
            "    n * sum(x * x for x in xs) - sum(xs) ** 2)\n"
            "print(f'slope {slope:.1f}')")
    notebook = {
        "cells": [
            {"cell_type": "markdown", "id": "title", "metadata": {},
             "source": lines("# A first experiment\n\nEvery notebook's first `# ` heading is "
                             "the title `neuroverse add` suggests for it.")},
            {"cell_type": "markdown", "id": "method", "metadata": {},
             "source": lines("## Fitting a line\n\nLeast squares by hand, no libraries.")},
            {"cell_type": "code", "id": "fit", "metadata": {}, "execution_count": 1,
             "source": lines(code),
             "outputs": [{"output_type": "stream", "name": "stdout", "text": ["slope 2.0\n"]}]},
        ],
        "metadata": {
            "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
            "language_info": {"name": "python"},
        },
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    return json.dumps(notebook, indent=1, ensure_ascii=False) + "\n"


def write_example_pdf(path: Path, title: str) -> None:
    page = Image.new("RGB", (595, 842), "white")
    draw = ImageDraw.Draw(page)
    draw.text((60, 80), title, fill="black", font_size=28)
    draw.line((60, 125, 535, 125), fill="#673ab7", width=3)
    for number, line in enumerate((
        "An example article. Replace this PDF with your own notes",
        "and run `neuroverse add article papers/.../notes.pdf`.",
    )):
        draw.text((60, 160 + 24 * number), line, fill="#333333", font_size=16)
    path.parent.mkdir(parents=True, exist_ok=True)
    page.save(path, format="PDF", title=title, resolution=72)


def scaffold(root: Path, title: str, today: dt.date | None = None) -> Scaffolded:
    if root.exists() and not root.is_dir():
        raise ScaffoldError(f"{root} is a file; `neuroverse init` needs a new or empty folder")
    if root.exists() and any(root.iterdir()):
        raise ScaffoldError(f"{root} already exists and is not empty; `neuroverse init` only "
                            "writes into a new or empty folder (to turn an archive's README "
                            "into a catalogue, use `neuroverse import README.md`)")
    if not title.strip():
        raise ScaffoldError("the archive needs a title: pass --title TEXT")
    env = environment()
    context = {"title": title.strip(), "today": (today or dt.date.today()).isoformat(),
               **SITE_DEFAULTS}
    rendered = {target: env.get_template(name).render(**context)
                for name, target in TEMPLATES.items()}

    loaded = load_catalogue(rendered["catalogue.yml"])
    if loaded.catalogue is None or loaded.diagnostics:  # the templates are ours: a bug
        raise ScaffoldError("the scaffold catalogue does not load: "
                            + "; ".join(d.format() for d in loaded.diagnostics))
    rendered["README.md"] = replace_block(rendered["README.md"],
                                          render_archive_block(loaded.catalogue))

    root.mkdir(parents=True, exist_ok=True)
    for target, text in rendered.items():
        path = root / target
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    (root / NOTEBOOK).parent.mkdir(parents=True, exist_ok=True)
    (root / NOTEBOOK).write_text(example_notebook(), encoding="utf-8")
    write_example_pdf(root / PDF, "A first article")
    return Scaffolded(root, sorted([*rendered, NOTEBOOK, PDF]))


def run_init(root: Path, title: str) -> int:
    try:
        made = scaffold(root, title)
    except ScaffoldError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_PROBLEMS
    except OSError as exc:
        print(f"error: cannot write into {root}: {exc.strerror or exc}", file=sys.stderr)
        return EXIT_PROBLEMS
    for name in made.files:
        print(f"  created {(root / name).as_posix()}", file=sys.stderr)
    print(f"{root}: a new archive. Next: cd {root} && mkdocs serve", file=sys.stderr)
    return EXIT_OK
