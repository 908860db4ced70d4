"""`mkdocs serve` as the owner runs it: edits and new files show up without a restart."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from archive_factory import write_notebook, write_pdf
from conftest import MKDOCS_YML
from served import mkdocs_serve, wait_for

SECTIONS = """\
site:
  title: Served archive
sections:
  - id: cnn
    title: Convolutional Neural Networks
    status: active
"""

CATALOGUE = SECTIONS + """\
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


SEED_LAYOUT = SECTIONS + """\
experiments:
  - id: unet
    title: U-Net
    section: cnn
    notebook: Python/unet.ipynb
  - id: top
    title: A notebook beside the catalogue
    section: cnn
    notebook: top.ipynb
articles:
  - id: padding
    title: Padding
    summary: Borders.
    sections: [cnn]
    pdf: Docs/padding.pdf
"""


def test_serve_watches_files_wherever_the_catalogue_keeps_them(tmp_path: Path) -> None:
    # The seed's layout (Python/, Docs/) and a notebook beside mkdocs.yml, whose folder also
    # holds the built site: watching that folder would rebuild for ever.
    root = tmp_path / "archive"
    (root / "docs").mkdir(parents=True)
    (root / "docs" / "index.md").write_text("# Served archive\n")
    (root / "catalogue.yml").write_text(SEED_LAYOUT)
    (root / "mkdocs.yml").write_text(MKDOCS_YML.format(plugin_options=""))
    write_notebook(root / "Python/unet.ipynb", "U-Net", markdown="Encoder first.")
    write_notebook(root / "top.ipynb", "Top", markdown="Top, first.")
    write_pdf(root / "Docs/padding.pdf", pages=1)
    with mkdocs_serve(root) as server:
        base = server.base_url.rstrip("/")
        wait_for(f"{base}/experiments/unet/", "Encoder first.")
        write_notebook(root / "Python/unet.ipynb", "U-Net", markdown="Decoder next.")
        wait_for(f"{base}/experiments/unet/", "Decoder next.")
        write_pdf(root / "Docs/padding.pdf", pages=2)
        wait_for(f"{base}/articles/padding/", "<strong>Pages:</strong> 2")
        write_notebook(root / "top.ipynb", "Top", markdown="Top, second.")
        wait_for(f"{base}/experiments/top/", "Top, second.")
    assert server.output.count("Building documentation") <= 6, server.output


NOTE_LAYOUT = SECTIONS + """\
articles:
  - id: rnn-notes
    title: RNN notes
    summary: A note.
    sections: [cnn]
    note: Sections/rnn.md
"""


def test_serve_picks_up_note_edits(tmp_path: Path) -> None:
    root = tmp_path / "archive"
    (root / "docs").mkdir(parents=True)
    (root / "docs" / "index.md").write_text("# Served archive\n")
    (root / "catalogue.yml").write_text(NOTE_LAYOUT)
    (root / "mkdocs.yml").write_text(MKDOCS_YML.format(plugin_options=""))
    (root / "Sections").mkdir()
    (root / "Sections/rnn.md").write_text("# RNN\n\nFirst draft of the note.\n")
    with mkdocs_serve(root) as server:
        base = server.base_url.rstrip("/")
        wait_for(f"{base}/articles/rnn-notes/", "First draft of the note.")
        (root / "Sections/rnn.md").write_text("# RNN\n\nSecond draft of the note.\n")
        wait_for(f"{base}/articles/rnn-notes/", "Second draft of the note.")
