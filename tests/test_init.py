"""`neuroverse init`: a new archive that checks, builds strictly and can be added to."""

from __future__ import annotations

from pathlib import Path

import pytest
from mkdocs.commands.build import build
from mkdocs.config import load_config

from neuroverse_site.cli import main
from neuroverse_site.core.loader import load_catalogue_file


def test_init_builds_strictly_straight_away(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    root = tmp_path / "new-archive"
    assert main(["init", str(root), "--title", "Deep Notes: a lab"]) == 0
    assert "created" in capsys.readouterr().err
    for name in ("catalogue.yml", "mkdocs.yml", "docs/index.md", "README.md", ".gitignore",
                 "notebooks/getting-started/first-experiment.ipynb",
                 "papers/getting-started/first-article.pdf"):
        assert (root / name).is_file(), name

    catalogue = load_catalogue_file(root / "catalogue.yml").catalogue
    assert catalogue is not None
    assert catalogue.site.title == "Deep Notes: a lab"
    assert (len(catalogue.sections), len(catalogue.experiments), len(catalogue.articles),
            len(catalogue.resources)) == (1, 1, 1, 1)

    build(load_config(str(root / "mkdocs.yml"), site_dir=str(tmp_path / "site"), strict=True))
    assert (tmp_path / "site/experiments/first-experiment/index.html").is_file()
    assert "slope 2.0" in (tmp_path / "site/experiments/first-experiment/index.html").read_text()
    assert (tmp_path / "site/articles/first-article/index.html").is_file()

    monkeypatch.chdir(root)
    assert main(["check", "--strict"]) == 0
    assert main(["readme", "--check"]) == 0
    # the owner's loop works at once: a new article, titled from its PDF's metadata
    pdf = root / "papers/getting-started/first-article.pdf"
    (root / "papers/getting-started/second.pdf").write_bytes(pdf.read_bytes())
    assert main(["add", "article", "papers/getting-started/second.pdf", "--section",
                 "getting-started", "--summary", "Again."]) == 0
    assert "  - id: a-first-article\n    title: A first article\n" in (
        root / "catalogue.yml").read_text()
    assert main(["readme", "--check"]) == 0  # `add` refreshed the README


def test_init_refuses_a_folder_that_is_not_empty(tmp_path: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "notes.txt").write_text("mine")
    assert main(["init", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert "is not empty" in err and "neuroverse import README.md" in err
    assert [p.name for p in tmp_path.iterdir()] == ["notes.txt"]


def test_init_refuses_a_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "archive").write_text("")
    assert main(["init", str(tmp_path / "archive")]) == 1
    assert "is a file; `neuroverse init` needs a new or empty folder" in capsys.readouterr().err


def test_init_into_an_empty_folder(tmp_path: Path) -> None:
    assert main(["init", str(tmp_path)]) == 0
    assert (tmp_path / "catalogue.yml").is_file()
