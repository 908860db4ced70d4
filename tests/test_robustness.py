"""Broken and hostile files: one diagnostic each, at its entry; the rest of the site builds,
and the entry's own page says what is wrong. Sites built for real, the CLI run by main()."""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest
from authoring_helpers import make_archive
from hostile_files import (
    notebook_nested,
    notebook_with_missing_attachment,
    pdf_with_page,
)
from PIL import Image

from neuroverse_site.build import pdfs
from neuroverse_site.cli import main
from neuroverse_site.core import probes
from neuroverse_site.plugin import CJK_SEARCH_SEPARATOR

from archive_factory import write_notebook
from conftest import MKDOCS_YML, SiteBuilder

SECTION = """\
site:
  title: Robust archive
sections:
  - id: cnn
    title: Convolutional networks
    status: active
"""


def _experiments(*entries: tuple[str, str]) -> str:
    return SECTION + "experiments:\n" + "".join(
        f"  - id: {entry_id}\n    title: Experiment {entry_id}\n    section: cnn\n"
        f"    notebook: {path}\n" for entry_id, path in entries)


def _note(site_html: str) -> str:
    """The text of the "cannot be shown" note on a page, or "" when it has none."""
    if "cannot be shown" not in site_html:
        return ""
    return site_html.split("cannot be shown", 1)[1].split("</div>", 1)[0]


def test_each_broken_notebook_breaks_only_its_own_page(build_site: SiteBuilder) -> None:
    files = {
        "notebooks/good.ipynb": lambda p: write_notebook(p, "Good", markdown="Still here."),
        "notebooks/attach.ipynb": notebook_with_missing_attachment,
        "notebooks/deep.ipynb": lambda p: notebook_nested(p, 950),
        "notebooks/deeper.ipynb": lambda p: notebook_nested(p, 5000, where="output"),
        "notebooks/loop.ipynb": lambda p: os.symlink("loop.ipynb", p),
        "notebooks/folder.ipynb": lambda p: p.mkdir(),
        "notebooks/pipe.ipynb": lambda p: os.mkfifo(p),
    }
    catalogue = _experiments(
        ("good", "notebooks/good.ipynb"), ("attach", "notebooks/attach.ipynb"),
        ("deep", "notebooks/deep.ipynb"), ("deeper", "notebooks/deeper.ipynb"),
        ("loop", "notebooks/loop.ipynb"), ("folder", "notebooks/folder.ipynb"),
        ("pipe", "notebooks/pipe.ipynb"), ("missing", "notebooks/missing.ipynb"),
        ("nul", '"notebooks/a\\0b.ipynb"'), ("long", "notebooks/" + "x" * 5000 + ".ipynb"))
    site = build_site(catalogue, files, strict=False)
    assert site.error is None
    assert "Still here." in site.text("experiments/good/")
    expected = {
        "attach": ("NV303", "attachment 'chart.png' in cell 4"),
        "deep": ("NV303", "more than 100 levels deep"),
        "deeper": ("NV303", "more than 100 levels deep"),
        "loop": ("NV306", "loop of symbolic links"),
        "folder": ("NV300", "is a folder, not a file"),
        "pipe": ("NV300", "is a named pipe (FIFO), not a file"),
        "missing": ("NV300", "does not exist"),
        "nul": ("NV306", "NUL byte"),
        "long": ("NV306", "characters long"),
    }
    log = "\n".join(site.warnings())
    assert "Traceback" not in log
    for entry_id, (code, words) in expected.items():
        # One coded diagnostic at the entry's line...
        own = f"'notebooks/{entry_id}.ipynb'" if entry_id not in ("nul", "long") else ""
        lines = [line for line in site.warnings()
                 if f"{code} experiments[" in line and words in line and own in line]
        assert len(lines) == 1, (entry_id, lines)
        # ...and a note on the entry's own page, saying the same.
        assert words in _note(site.text(f"experiments/{entry_id}/")), entry_id
    problems = site.text("catalogue-problems/")
    assert all(code in problems for code, _ in expected.values())


def test_a_giant_first_page_makes_a_small_thumbnail(build_site: SiteBuilder) -> None:
    catalogue = SECTION + """\
articles:
  - {id: tall, title: Tall, summary: A tall page., sections: [cnn], pdf: papers/tall.pdf}
  - {id: wide, title: Wide, summary: A wide page., sections: [cnn], pdf: papers/wide.pdf}
  - {id: tiny, title: Tiny, summary: A tiny page., sections: [cnn], pdf: papers/tiny.pdf}
"""
    site = build_site(catalogue, {
        "papers/tall.pdf": lambda p: pdf_with_page(p, 1, 200_000),
        "papers/wide.pdf": lambda p: pdf_with_page(p, 14_400, 1),
        "papers/tiny.pdf": lambda p: pdf_with_page(p, 1, 1),
    })
    thumbnails = sorted((site.site_dir / "assets" / "neuroverse").rglob("*.png"))
    assert len(thumbnails) == 3
    for thumbnail in thumbnails:
        with Image.open(io.BytesIO(thumbnail.read_bytes())) as image:
            width, height = image.size
        assert 1 <= width <= pdfs.THUMBNAIL_WIDTH and 1 <= height <= pdfs.MAX_THUMBNAIL_HEIGHT
        assert width * height <= pdfs.MAX_THUMBNAIL_PIXELS


def test_bounded_scale_is_computed_from_the_page_size() -> None:
    assert pdfs.bounded_scale(595, 842, 320, 1280) == pytest.approx(320 / 595)
    scale = pdfs.bounded_scale(1, 200_000, 320, 1280)
    assert scale is not None and 200_000 * scale <= 1280
    assert pdfs.bounded_scale(0, 100, 320, 1280) is None
    assert pdfs.bounded_scale(float("nan"), 100, 320, 1280) is None


def test_a_notebook_too_big_to_use_is_warned_about_in_the_build(
        build_site: SiteBuilder, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(probes, "MAX_CELLS", 2)  # three cells stand in for thousands
    site = build_site(_experiments(("big", "notebooks/big.ipynb")),
                      {"notebooks/big.ipynb": lambda p: write_notebook(p, "Big")},
                      strict=False)
    warnings = [line for line in site.warnings() if "NV307" in line]
    assert len(warnings) == 1 and "has 3 cells (more than 2)" in warnings[0]
    assert "experiments[0].notebook" in warnings[0]
    assert "We fit a tiny model." in site.text("experiments/big/")  # still shown


def test_check_warns_about_outputs_too_big_to_show(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(probes, "MAX_OUTPUT_MB", 0.001)
    (tmp_path / "catalogue.yml").write_text(_experiments(("big", "notebooks/big.ipynb")))
    write_notebook(tmp_path / "notebooks/big.ipynb", "Big", stream="x" * 5000)
    assert main(["check", str(tmp_path / "catalogue.yml"), "--strict"]) == 1
    out = capsys.readouterr().out
    assert "warning NV307" in out and "MB of outputs" in out


def test_chinese_titles_get_readable_ids_and_add_says_so(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(tmp_path)
    make_archive(tmp_path)
    assert main(["add", "section", "深度学习", "--no-readme"]) == 0
    assert main(["add", "section", "Нейронные сети", "--no-readme"]) == 0
    assert main(["add", "section", "Plain title", "--no-readme"]) == 0
    text = (tmp_path / "catalogue.yml").read_text(encoding="utf-8")
    assert "id: shen-du-xue-xi\n" in text and "id: neyronnye-seti\n" in text
    assert "id: entry" not in text
    err = capsys.readouterr().err
    assert err.count("note: the id") == 2 and "'shen-du-xue-xi'" in err


def test_add_says_what_a_path_that_is_not_a_file_is(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(tmp_path)
    make_archive(tmp_path)
    (tmp_path / "notebooks/folder.ipynb").mkdir()
    os.mkfifo(tmp_path / "notebooks/pipe.ipynb")
    os.symlink("gone.ipynb", tmp_path / "notebooks/dangling.ipynb")
    for path, words in [("notebooks/folder.ipynb", "is a folder"),
                        ("notebooks/pipe.ipynb", "is a named pipe (FIFO)"),
                        ("notebooks/dangling.ipynb", "symbolic link to 'gone.ipynb'")]:
        assert main(["add", "experiment", path, "--section", "cnn"]) == 1
        err = capsys.readouterr().err
        assert words in err and "did you mean" not in err


def test_search_splits_cjk_text_only_when_the_catalogue_has_some(
        build_site: SiteBuilder, tmp_path: Path) -> None:
    chinese = build_site(SECTION.replace("Convolutional networks", "卷积神经网络"),
                         root=tmp_path / "zh")
    assert chinese.search_index_config()["separator"] == CJK_SEARCH_SEPARATOR
    plain = build_site(SECTION, root=tmp_path / "en")
    assert plain.search_index_config()["separator"] != CJK_SEARCH_SEPARATOR
    own = MKDOCS_YML.format(plugin_options="").replace(
        "  - search\n", "  - search:\n      separator: '[\\s]+'\n")
    kept = build_site(SECTION.replace("Convolutional networks", "卷积神经网络"),
                      root=tmp_path / "own", mkdocs_yml=own)
    assert kept.search_index_config()["separator"] == "[\\s]+"
