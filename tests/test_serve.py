"""`mkdocs serve` as the owner runs it: edits and new files show up without a restart."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from archive_factory import write_notebook
from conftest import MKDOCS_YML
from served import mkdocs_serve, wait_for

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
    notebook: notebooks/cnn/filters.ipynb
"""

NEW_ENTRY = """\
  - id: pooling
    title: Max pooling
    section: cnn
    notebook: notebooks/cnn/pooling.ipynb
"""


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[Path, str]]:
    root = tmp_path / "archive"
    (root / "docs").mkdir(parents=True)
    (root / "docs" / "index.md").write_text("# Served archive\n")
    (root / "catalogue.yml").write_text(CATALOGUE)
    (root / "mkdocs.yml").write_text(MKDOCS_YML.format(plugin_options=""))
    write_notebook(root / "notebooks/cnn/filters.ipynb", "Visualising filters",
                   markdown="First version of the text.")
    with mkdocs_serve(root) as server:
        yield root, server.base_url.rstrip("/")


def test_serve_picks_up_notebook_edits_and_entries_added_after_start(
        served: tuple[Path, str]) -> None:
    root, base = served
    wait_for(f"{base}/experiments/filters/", "First version of the text.")

    write_notebook(root / "notebooks/cnn/filters.ipynb", "Visualising filters",
                   markdown="Second version of the text.")
    wait_for(f"{base}/experiments/filters/", "Second version of the text.")

    # A notebook in a folder that did not exist when the server started, then its entry.
    write_notebook(root / "notebooks/new/pooling.ipynb", "Max pooling",
                   markdown="Pooling keeps the largest value.")
    (root / "catalogue.yml").write_text(
        CATALOGUE + NEW_ENTRY.replace("notebooks/cnn/pooling", "notebooks/new/pooling"))
    wait_for(f"{base}/experiments/pooling/", "Pooling keeps the largest value.")
    wait_for(f"{base}/sections/cnn/", "Max pooling")
