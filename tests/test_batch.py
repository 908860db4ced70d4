"""Rendering many notebooks and PDFs: workers give the same result as one process, in
catalogue order, and progress is reported without flooding the log."""

from __future__ import annotations

import itertools
from pathlib import Path

from neuroverse_site.build.batch import BatchRenderer, Failure, Job, Progress, ProgressThrottle
from neuroverse_site.build.cache import Cache
from neuroverse_site.build.notebooks import RenderedNotebook
from neuroverse_site.build.pdfs import PdfFacts

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
