"""`neuroverse readme`: the block between the markers, and nothing else, follows the catalogue."""

from __future__ import annotations

from pathlib import Path

import pytest
from authoring_helpers import CATALOGUE, make_archive

from neuroverse_site.authoring.readme import END_MARKER, START_MARKER, render_archive_block
from neuroverse_site.cli import main
from neuroverse_site.core.loader import load_catalogue

BEFORE = "# My archive\n\nHand-written words.\n\n"
AFTER = "\n## Licence\n\nMIT, my own words too.\n"
STALE = f"{BEFORE}{START_MARKER}\nan old table\n{END_MARKER}\n{AFTER}"


@pytest.fixture
def archive(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    make_archive(tmp_path)
    (tmp_path / "README.md").write_text(STALE, encoding="utf-8")
    return tmp_path


def test_check_fails_on_a_stale_readme_and_passes_after_readme(
        archive: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["readme", "--check"]) == 1
    out, err = capsys.readouterr()
    assert "-an old table" in out and "+| No. | Section |" in out  # a unified diff
    assert "README.md is out of date with catalogue.yml; run `neuroverse readme`" in err
    assert (archive / "README.md").read_text() == STALE  # --check writes nothing

    assert main(["readme"]) == 0
    assert main(["readme", "--check"]) == 0
    text = (archive / "README.md").read_text()
    assert text.startswith(BEFORE + START_MARKER + "\n")
    assert text.endswith(END_MARKER + "\n" + AFTER)


def test_the_block_lists_sections_experiments_and_counts(archive: Path) -> None:
    assert main(["readme"]) == 0
    text = (archive / "README.md").read_text()
    site = "https://example.org/archive/"
    assert "**2 sections · 3 experiments · 0 articles**" in text
    assert (f"| 1 | [Basics]({site}sections/basics/) | Neurons and gradients | ✅ Completed "
            "| 2 | 0 |") in text
    assert (f"1. [The perceptron]({site}experiments/perceptron/) · "
            "[perceptron.ipynb](notebooks/basics/perceptron.ipynb)") in text
    assert f"2. [Backpropagation]({site}experiments/backprop/) · 📝 Planned" in text
    assert "**Planned:** U-Net · Mask R-CNN" in text


def test_file_links_are_relative_to_the_readme(archive: Path) -> None:
    (archive / "docs").mkdir()
    (archive / "docs/ARCHIVE.md").write_text(f"{START_MARKER}\n{END_MARKER}\n")
    assert main(["readme", "docs/ARCHIVE.md"]) == 0
    assert "(../notebooks/basics/perceptron.ipynb)" in (archive / "docs/ARCHIVE.md").read_text()


def test_without_a_site_url_titles_are_plain_text() -> None:
    catalogue = load_catalogue(CATALOGUE.replace("  url: https://example.org/archive/\n", ""))
    assert catalogue.catalogue is not None
    block = render_archive_block(catalogue.catalogue)
    assert "| 1 | Basics |" in block
    assert "1. The perceptron · [perceptron.ipynb]" in block
    assert "https://" not in block


def test_catalogue_text_cannot_break_the_table_or_inject_html() -> None:
    hostile = CATALOGUE.replace("title: Basics", "title: 'A | B <script>x</script> [y](z)'")
    loaded = load_catalogue(hostile)
    assert loaded.catalogue is not None
    block = render_archive_block(loaded.catalogue)
    assert "<script>" not in block
    assert "A \\| B &lt;script&gt;x&lt;/script&gt; \\[y\\](z)" in block


@pytest.mark.parametrize(("readme", "message"), [
    ("# No markers\n", "README.md: error: no neuroverse markers; add these two lines"),
    (f"x\n{START_MARKER}\n", f"README.md:2:1: error: {START_MARKER} is never closed"),
    (f"{END_MARKER}\n{START_MARKER}\n", "README.md:1:1: error: the end marker comes before"),
    (f"{START_MARKER}\n{END_MARKER}\n{START_MARKER}\n{END_MARKER}\n",
     "README.md:3:1: error: the markers appear more than once"),
])
def test_marker_mistakes(archive: Path, capsys: pytest.CaptureFixture[str], readme: str,
                         message: str) -> None:
    (archive / "README.md").write_text(readme)
    assert main(["readme"]) == 1
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err
    assert (archive / "README.md").read_text() == readme


def test_a_catalogue_with_errors_is_not_copied_into_the_readme(
        archive: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (archive / "catalogue.yml").write_text(CATALOGUE.replace("section: cnn", "section: cnnn"))
    assert main(["readme"]) == 1
    err = capsys.readouterr().err
    assert "error NV201" in err and "catalogue.yml has errors" in err
    assert (archive / "README.md").read_text() == STALE


def test_missing_readme(archive: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["readme", "NOPE.md"]) == 1
    assert "error: cannot read NOPE.md" in capsys.readouterr().err


def test_crlf_readme_keeps_its_line_endings(archive: Path) -> None:
    (archive / "README.md").write_bytes(STALE.replace("\n", "\r\n").encode())
    assert main(["readme"]) == 0
    data = (archive / "README.md").read_bytes()
    assert b"\r\n" in data and data.count(b"\n") == data.count(b"\r\n")
    assert main(["readme", "--check"]) == 0
