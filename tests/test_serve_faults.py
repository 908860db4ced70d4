"""`mkdocs serve` keeps answering while files that once crashed a build come and go, and
shows the fixed file once it is fixed."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from hostile_files import notebook_nested, notebook_with_missing_attachment, pdf_with_page

from archive_factory import write_notebook, write_pdf
from conftest import MKDOCS_YML
from served import Server, fetch, mkdocs_serve, wait_for

CATALOGUE = """\
site:
  title: Served archive
sections:
  - id: cnn
    title: Convolutional Neural Networks
    status: active
experiments:
  - id: filters
    title: Visualising filters
    section: cnn
    notebook: {notebook}
articles:
  - id: paper
    title: A paper
    summary: One page.
    sections: [cnn]
    pdf: papers/paper.pdf
"""
NOTEBOOK = "notebooks/filters.ipynb"
GOOD_TEXT = "Filters respond to edges."


def _good_notebook(root: Path) -> None:
    write_notebook(root / NOTEBOOK, "Visualising filters", markdown=GOOD_TEXT)


def _answers(server: Server) -> None:
    assert server.process.poll() is None, "mkdocs serve stopped"
    assert fetch(server.base_url) is not None, "mkdocs serve stopped answering"


def test_serve_survives_each_crashing_file_and_recovers(tmp_path: Path) -> None:
    root = tmp_path / "archive"
    (root / "docs").mkdir(parents=True)
    (root / "docs" / "index.md").write_text("# Served archive\n")
    (root / "catalogue.yml").write_text(CATALOGUE.format(notebook=NOTEBOOK))
    (root / "mkdocs.yml").write_text(MKDOCS_YML.format(plugin_options=""))
    _good_notebook(root)
    write_pdf(root / "papers/paper.pdf")
    experiment = "experiments/filters/"

    broken_notebooks: list[tuple[str, Callable[[Path], object], str]] = [
        ("a missing attachment", notebook_with_missing_attachment, "chart.png"),
        ("deep metadata", lambda p: notebook_nested(p, 950), "levels deep"),
        ("deep outputs", lambda p: notebook_nested(p, 5000, where="output"), "levels deep"),
    ]
    with mkdocs_serve(root) as server:
        base = server.base_url
        wait_for(base + experiment, GOOD_TEXT)
        for what, write, shown in broken_notebooks:
            write(root / NOTEBOOK)
            page = wait_for(base + experiment, "cannot be shown")
            assert shown in page, what
            _answers(server)
            _good_notebook(root)
            wait_for(base + experiment, GOOD_TEXT)

        # Link loops anywhere under a watched folder, named by no entry...
        os.symlink("loop-b", root / "notebooks/loop-a")
        os.symlink("loop-a", root / "notebooks/loop-b")
        os.symlink(".", root / "notebooks/itself")
        os.symlink("self.ipynb", root / "notebooks/self.ipynb")
        (root / "docs" / "index.md").write_text("# Served archive\n\nAfter the loops.\n")
        wait_for(base, "After the loops.")
        _answers(server)
        # ...and one the catalogue names.
        for bad_path, shown in [("notebooks/self.ipynb", "loop of symbolic links"),
                                ("notebooks/a\\0b.ipynb", "NUL byte"),
                                ("notebooks/" + "x" * 5000 + ".ipynb", "characters long")]:
            (root / "catalogue.yml").write_text(
                CATALOGUE.format(notebook=f'"{bad_path}"'))
            page = wait_for(base + experiment, "cannot be shown")
            assert shown in page, bad_path
            problems = wait_for(base + "catalogue-problems/", "NV306")
            assert shown in problems
            _answers(server)
            (root / "catalogue.yml").write_text(CATALOGUE.format(notebook=NOTEBOOK))
            wait_for(base + experiment, GOOD_TEXT)

        # A page 1 pt wide and 200,000 pt tall: the thumbnail stays small, the site answers.
        pdf_with_page(root / "papers/paper.pdf", 1, 200_000)
        wait_for(base + "articles/paper/", "<strong>Pages:</strong> 1<")
        _answers(server)
        write_pdf(root / "papers/paper.pdf", pages=3)
        wait_for(base + "articles/paper/", "<strong>Pages:</strong> 3<")
    assert "Traceback" not in server.output
