"""Rendering many notebooks and PDFs: workers give the same result as one process, in
catalogue order, and progress is reported without flooding the log."""

from __future__ import annotations

import itertools
import pickle
from pathlib import Path

import pytest

from neuroverse_site.build import batch
from neuroverse_site.build.batch import BatchRenderer, Failure, Job, Progress, ProgressThrottle
from neuroverse_site.build.cache import Cache
from neuroverse_site.build.notebooks import NotebookOptions, RenderedNotebook
from neuroverse_site.build.pdfs import PdfFacts, read_pdf

from archive_factory import write_notebook, write_pdf


def _jobs(tmp_path: Path) -> list[Job]:
    jobs = [Job("notebook", write_notebook(tmp_path / f"nb{i}.ipynb", f"Notebook {i}",
                                           heading=f"Part {i}", code=f"print({i})"))
            for i in range(5)]
    jobs.append(Job("pdf", write_pdf(tmp_path / "paper.pdf", pages=2)))
    broken = tmp_path / "broken.ipynb"
    broken.write_text("{not json", encoding="utf-8")
    jobs.insert(2, Job("notebook", broken))
    script = tmp_path / "train.py"
    script.write_text("print('hello')\n", encoding="utf-8")
    jobs.append(Job("script", script))
    return jobs


def test_workers_render_exactly_what_one_process_renders_in_job_order(tmp_path: Path) -> None:
    jobs = _jobs(tmp_path)
    sequential = BatchRenderer(workers=1).run(jobs)
    parallel = BatchRenderer(workers=2, min_parallel=1).run(jobs)

    assert parallel.outcomes == sequential.outcomes
    kinds = [type(o) for o in parallel.outcomes]
    assert kinds == [RenderedNotebook, RenderedNotebook, Failure, RenderedNotebook,
                     RenderedNotebook, RenderedNotebook, PdfFacts, RenderedNotebook]
    titles = [o.title for o in parallel.outcomes[:2]]
    assert titles == ["Notebook 0", "Notebook 1"]


def test_a_second_run_comes_from_the_cache_and_failures_are_not_cached(tmp_path: Path) -> None:
    jobs = _jobs(tmp_path)
    cache = Cache(tmp_path / "cache")
    first = BatchRenderer(cache=cache, workers=2, min_parallel=1).run(jobs)
    reports: list[str] = []
    second = BatchRenderer(cache=cache, workers=2, min_parallel=1).run(
        jobs, lambda progress: reports.append(progress.message()))

    assert second.outcomes == first.outcomes
    assert second.used_keys == first.used_keys
    assert reports[-1] == ("rendered 7/7 notebooks, 6 from cache; "
                           "read 1/1 PDFs, 1 from cache")


def test_progress_is_logged_at_most_once_a_tenth_and_interval() -> None:
    now = [0.0]
    throttle = ProgressThrottle(250, interval=2.0, clock=lambda: now[0])
    lines = []
    for done in range(1, 251):
        now[0] += 0.1  # 25 s in all
        if throttle.due(done):
            lines.append(done)
    assert lines[-1] == 250
    assert 5 <= len(lines) <= 11
    assert all(b - a >= 20 for a, b in itertools.pairwise(lines))


def test_progress_message() -> None:
    progress = Progress(notebooks_total=250, notebooks_done=120, notebooks_cached=38)
    assert progress.message() == "rendered 120/250 notebooks, 38 from cache"


def test_a_worker_keeps_page_images_in_the_cache_and_sends_back_names(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # What a worker returns crosses a pipe: page images (most of a site's bytes) stay in
    # the cache it writes them to, and only their names travel.
    monkeypatch.setattr(batch, "_WORKER_CONVERTER", None)
    monkeypatch.setattr(batch, "_WORKER_CACHE", None)
    path = write_pdf(tmp_path / "paper.pdf", pages=3)
    batch._start_worker(NotebookOptions(), tmp_path / "cache")
    facts, key, *_ = batch._render_in_worker("pdf", path)
    assert isinstance(facts, PdfFacts) and key
    drawn = read_pdf(path)
    cache = Cache(tmp_path / "cache")
    for page, same in zip(facts.rendered, drawn.rendered, strict=True):
        assert (page.image, page.image_2x) == (b"", b"")
        assert cache.blob_path(page.image_name).read_bytes() == same.image
        assert cache.blob_path(page.image_2x_name).read_bytes() == same.image_2x
    images = sum(len(p.image) + len(p.image_2x) for p in drawn.rendered)
    assert len(pickle.dumps((facts, key))) < images // 4
    # The worker wrote the entry itself: a hit, images and all.
    assert Cache(tmp_path / "cache").load_pdf(key) == facts


def test_pdf_page_images_rendered_by_workers_are_cached_and_published_by_name(
        tmp_path: Path) -> None:
    pdfs = [write_pdf(tmp_path / f"paper{i}.pdf", pages=2, colour=f"#e0e8{i}0")
            for i in range(4)]
    cache = Cache(tmp_path / "cache")
    result = BatchRenderer(cache=cache, workers=2, min_parallel=1).run(
        [Job("pdf", path) for path in pdfs])
    for path, facts in zip(pdfs, result.outcomes, strict=True):
        assert isinstance(facts, PdfFacts)
        for page, same in zip(facts.rendered, read_pdf(path).rendered, strict=True):
            assert (page.image, page.image_2x) == (b"", b"")
            assert cache.blob_path(page.image_name).read_bytes() == same.image
            assert cache.blob_path(page.image_2x_name).read_bytes() == same.image_2x
    again = BatchRenderer(cache=cache, workers=2, min_parallel=1).run(
        [Job("pdf", path) for path in pdfs])
    assert again.outcomes == result.outcomes and again.progress.pdfs_cached == 4


def test_bodies_not_held_are_read_back_the_same_from_workers_and_one_process(
        tmp_path: Path) -> None:
    # `hold_bodies=False`: a notebook's HTML and search copy stay in the cache (a worker
    # writes them there itself) and come back, unchanged, when a page needs them.
    jobs = _jobs(tmp_path / "in")
    held = BatchRenderer(workers=1).run(jobs).outcomes
    for workers, where in ((1, "one"), (2, "two")):
        renderer = BatchRenderer(cache=Cache(tmp_path / where), workers=workers,
                                 min_parallel=1, hold_images=False, hold_bodies=False)
        outcomes = renderer.run(jobs).outcomes
        for outcome, whole in zip(outcomes, held, strict=True):
            if isinstance(whole, PdfFacts):  # page images are kept by name in a cache
                assert isinstance(outcome, PdfFacts) and outcome.pages == whole.pages
                assert [p.text for p in outcome.rendered] == [p.text for p in whole.rendered]
                continue
            if not isinstance(whole, RenderedNotebook):
                assert outcome == whole
                continue
            assert isinstance(outcome, RenderedNotebook) and outcome.stored is not None
            assert (outcome.html, outcome.search_html) == ("", "")
            assert all(asset.data == b"" for asset in outcome.assets)
            back = renderer.body(outcome)
            assert back is not None
            assert (back.html, back.search_html, back.toc) == (
                whole.html, whole.search_html, whole.toc)
            assert outcome.stored.html_bytes == len(whole.html.encode())


def test_a_body_whose_cache_entry_is_gone_is_rendered_again_or_reported(
        tmp_path: Path) -> None:
    path = write_notebook(tmp_path / "nb.ipynb", "Notebook", heading="Part", code="print(1)")
    cache = Cache(tmp_path / "cache")
    renderer = BatchRenderer(cache=cache, workers=1, hold_bodies=False)
    (outcome,) = renderer.run([Job("notebook", path)]).outcomes
    assert isinstance(outcome, RenderedNotebook) and outcome.stored is not None
    whole = BatchRenderer(workers=1).run([Job("notebook", path)]).outcomes[0]
    assert isinstance(whole, RenderedNotebook)
    # Another build evicted the entry meanwhile: rendered again from the file.
    for entry in (tmp_path / "cache").rglob("entries/*/*.json"):
        entry.unlink()
    back = renderer.body(outcome)
    assert back is not None and back.html == whole.html
    # A copy in the cache that is not the one rendered is not shown either.
    cache.store_notebook(outcome.stored.key, RenderedNotebook(html="<p>other</p>"))
    back = renderer.body(outcome)
    assert back is not None and back.html == whole.html
    # The file is gone too: nothing to show (the plugin reports NV375).
    for entry in (tmp_path / "cache").rglob("entries/*/*.json"):
        entry.unlink()
    path.unlink()
    assert renderer.body(outcome) is None
