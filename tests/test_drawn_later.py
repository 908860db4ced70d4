"""PDF images drawn while the pages are built (BatchRenderer's `defer_drawing`): a cold
build with workers reads each PDF's facts first and draws its images in the background,
publishing them at the end. What comes out must be what drawing everything first gives:
the same facts, the same cache entries, the same site, byte for byte."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

from PIL import Image

from neuroverse_site.build.batch import BatchRenderer, Failure, Job
from neuroverse_site.build.cache import Cache
from neuroverse_site.build.pdfs import PdfFacts, read_pdf

from archive_factory import write_notebook, write_pdf
from conftest import SiteBuilder

# Page shapes that round differently (odd pixel sides at 2x, a landscape page, a tall
# one): the sizes a page is written with are predicted before anything is drawn.
SHAPES = [(420, 595), (595, 420), (333, 777), (601, 401), (100, 1000)]


def shaped_pdf(path: Path, size: tuple[int, int], pages: int, colour: str) -> Path:
    images = [Image.new("RGB", size, colour) for _ in range(pages)]
    path.parent.mkdir(parents=True, exist_ok=True)
    images[0].save(path, format="PDF", save_all=True, append_images=images[1:],
                   resolution=72.0)
    return path


def pdfs(folder: Path, count: int = 10) -> list[Path]:
    return [shaped_pdf(folder / f"paper{i}.pdf", SHAPES[i % len(SHAPES)], 1 + i % 3,
                       f"#{(40 * i) % 256:02x}80c0") for i in range(count)]


def test_undrawn_facts_say_what_drawing_gives_and_the_drawing_completes_them(
        tmp_path: Path) -> None:
    papers = pdfs(tmp_path / "papers")
    cache = Cache(tmp_path / "cache")
    batch = BatchRenderer(cache=cache, workers=2, min_parallel=1, defer_drawing=True)
    result = batch.run([Job("pdf", path) for path in papers])
    assert batch.drawing
    for path, facts in zip(papers, result.outcomes, strict=True):
        whole = read_pdf(path)
        assert isinstance(facts, PdfFacts) and not facts.drawn and facts.thumbnail_png == b""
        with Image.open(io.BytesIO(whole.thumbnail_png)) as thumbnail:
            assert facts.thumbnail_size == thumbnail.size
        assert [(p.number, p.width, p.height, p.text) for p in facts.rendered] == [
            (p.number, p.width, p.height, p.text) for p in whole.rendered]
    assert result.progress.pdfs_done == len(papers)
    drawn = batch.finish_drawing()
    assert not batch.drawing and set(drawn) == set(papers)
    for path in papers:
        facts, whole = drawn[path], read_pdf(path)
        assert isinstance(facts, PdfFacts) and facts.drawn
        assert facts.thumbnail_png == whole.thumbnail_png
        for page, same in zip(facts.rendered, whole.rendered, strict=True):
            assert cache.blob_path(page.image_name).read_bytes() == same.image
            assert cache.blob_path(page.image_2x_name).read_bytes() == same.image_2x
            assert page.text == same.text
    # The entries written once drawn are the ones a build that draws first writes.
    first = BatchRenderer(cache=Cache(tmp_path / "other"), workers=1).run(
        [Job("pdf", path) for path in papers])
    again = BatchRenderer(cache=cache, workers=2, min_parallel=1, defer_drawing=True)
    warm = again.run([Job("pdf", path) for path in papers])
    assert warm.progress.pdfs_cached == len(papers) and not again.drawing
    assert warm.outcomes == first.outcomes


def test_a_pdf_that_changes_before_it_is_drawn_is_neither_drawn_nor_cached(
        tmp_path: Path) -> None:
    papers = pdfs(tmp_path / "papers", 12)
    cache = Cache(tmp_path / "cache")
    batch = BatchRenderer(cache=cache, workers=2, min_parallel=1, defer_drawing=True)
    result = batch.run([Job("pdf", path) for path in papers])
    # The last PDF is drawn last by the worker, and first by this process (from the back),
    # long after this edit.
    write_pdf(papers[-1], pages=4)
    drawn = batch.finish_drawing()
    assert isinstance(drawn[papers[-1]], Failure)
    assert "changed while the site was being built" in drawn[papers[-1]].message
    assert all(isinstance(drawn[path], PdfFacts) for path in papers[:-1])
    assert sum(isinstance(o, PdfFacts) and o.drawn for o in result.outcomes) == 0
    fresh = BatchRenderer(cache=cache, workers=1).run([Job("pdf", papers[-1])])
    assert fresh.progress.pdfs_cached == 0  # its old bytes' entry was never written


def test_a_failed_build_stops_the_drawing(tmp_path: Path) -> None:
    batch = BatchRenderer(cache=Cache(tmp_path / "cache"), workers=2, min_parallel=1,
                          defer_drawing=True)
    batch.run([Job("pdf", path) for path in pdfs(tmp_path / "papers")])
    batch.abandon_drawing()
    assert not batch.drawing and batch.finish_drawing() == {}


CATALOGUE_HEAD = """\
site:
  title: Test archive
sections:
  - id: papers
    title: Papers
    status: active
experiments:
  - id: filters
    title: Digit filters
    section: papers
    notebook: notebooks/filters.ipynb
articles:
"""


def catalogue(count: int) -> str:
    return CATALOGUE_HEAD + "".join(
        f"  - id: p{i}\n    title: Paper {i}\n    sections: [papers]\n"
        f"    pdf: papers/paper{i}.pdf\n" for i in range(count))


def files(count: int) -> dict[str, object]:
    made: dict[str, object] = {
        "notebooks/filters.ipynb": lambda p: write_notebook(p, "Digit filters")}
    for i in range(count):
        made[f"papers/paper{i}.pdf"] = (lambda size, pages, colour: lambda p: shaped_pdf(
            p, size, pages, colour))(SHAPES[i % len(SHAPES)], 1 + i % 3, f"#{(40 * i) % 256:02x}8080")
    return made


def site_files(site_dir: Path) -> dict[str, bytes]:
    return {p.relative_to(site_dir).as_posix(): p.read_bytes()
            for p in sorted(site_dir.rglob("*")) if p.is_file()}


def test_a_site_drawn_in_the_background_is_the_site_drawn_first(
        build_site: SiteBuilder, tmp_path: Path) -> None:
    count = 10  # with the notebook, more misses than batch.MIN_PARALLEL: workers start
    background = build_site(catalogue(count), files(count),
                            plugin_options="workers: 2\n      background_drawing: true")
    ours = site_files(background.site_dir)
    assert any("p9/page-1-2x.jpg" in path for path in ours)
    # The same archive, drawn first by one process, with a cache of its own.
    first = build_site(None, root=background.root,
                       plugin_options="workers: 1\n      cache_dir: .cache/first")
    theirs = site_files(first.site_dir)
    assert sorted(ours) == sorted(theirs)
    assert [name for name in ours if ours[name] != theirs[name]] == []


HOOK = """\
from pathlib import Path

from mkdocs.plugins import event_priority


@event_priority(-100)  # after the plugin read every PDF's facts and started the drawing
def on_files(files, config):
    # The drawing process is only starting (it imports PDFium first): each PDF it has not
    # drawn yet is broken before it is, and is read again when it is drawn.
    for target in (Path(config.config_file_path).parent / "papers").glob("*.pdf"):
        target.write_bytes(b"%PDF-1.4 this is no longer a PDF")
    return files
"""


def test_a_pdf_broken_while_its_images_are_drawn_warns_and_publishes_no_images_of_it(
        build_site: SiteBuilder) -> None:
    count = 12
    site = build_site(catalogue(count), files(count),
                      plugin_options="workers: 2\n      background_drawing: true")
    (site.root / "hook.py").write_text(HOOK, encoding="utf-8")
    mkdocs_yml = (site.root / "mkdocs.yml").read_text(encoding="utf-8")
    (site.root / "mkdocs.yml").write_text(mkdocs_yml + "hooks:\n  - hook.py\n",
                                          encoding="utf-8")
    for folder in (site.root / "site", site.root / ".cache"):
        subprocess.run(["rm", "-rf", str(folder)], check=True)
    done = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict"],
                          cwd=site.root, capture_output=True, text=True, timeout=300,
                          env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})
    assert done.returncode != 0
    pages = site.root / "site" / "assets" / "neuroverse" / "pages"
    warned = [i for i in range(count) if
              f"warning NV370 articles[{i}].pdf: the page images of 'papers/paper{i}.pdf' "
              "could not be drawn" in done.stderr]
    # Which PDFs the drawing reached before the hook broke them depends on the machine;
    # that each one is either drawn whole or warned about, with nothing of it published,
    # does not. The drawing cannot have reached them all: it had to start a process first.
    assert warned
    for i in range(count):
        if i in warned:
            assert not (pages / f"p{i}").exists()
        else:
            assert (pages / f"p{i}" / "page-1-2x.jpg").is_file()
    assert f"Aborted with {len(warned)} warnings in strict mode" in done.stdout + done.stderr
