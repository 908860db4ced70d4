"""Render many notebooks, scripts and PDFs: from the disk cache when it has them, otherwise in
worker processes when enough are missing to pay for starting them. No MkDocs types here.

Outcomes come back in the order of the jobs, whatever order the workers finish in, so a
build's output never depends on timing.
"""

from __future__ import annotations

import base64
import contextlib
import dataclasses
import gc
import io
import json
import multiprocessing
import os
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from jinja2 import BytecodeCache
from PIL import Image

from ..core.probes import PdfProblem
from .cache import Cache, cache_key, key_from_digest
from .drawing import Drawn, draw_file, draw_in_worker, release_freed_memory, start_drawer
from .notebooks import (
    NotebookAsset,
    NotebookConverter,
    NotebookOptions,
    NotebookProblem,
    RenderedNotebook,
    StoredBody,
    body_digest,
    render_script,
)
from .pdfs import ImageStore, PdfFacts, read_pdf

Kind = Literal["notebook", "script", "pdf"]

# Below this many cache misses, starting workers (each imports nbconvert and builds its
# exporter, ~1 s) costs more than it saves.
MIN_PARALLEL = 8
# Long builds log a progress line at each tenth done, but not more often than this.
PROGRESS_INTERVAL = 2.0


@dataclass(frozen=True)
class Job:
    kind: Kind
    path: Path


@dataclass(frozen=True)
class Failure:
    """Why a file cannot be shown, in the user's terms (it becomes part of the page)."""

    message: str


Outcome = RenderedNotebook | PdfFacts | Failure
Rendered = tuple[Outcome, str]  # and the cache key of the bytes it was rendered from


@dataclass
class Progress:
    notebooks_total: int = 0
    notebooks_done: int = 0
    notebooks_cached: int = 0
    pdfs_total: int = 0
    pdfs_done: int = 0
    pdfs_cached: int = 0

    @property
    def done(self) -> int:
        return self.notebooks_done + self.pdfs_done

    @property
    def total(self) -> int:
        return self.notebooks_total + self.pdfs_total

    def count(self, kind: Kind, *, cached: bool) -> None:
        if kind == "pdf":
            self.pdfs_done += 1
            self.pdfs_cached += cached
        else:
            self.notebooks_done += 1
            self.notebooks_cached += cached

    def message(self) -> str:
        """'rendered 120/250 notebooks, 38 from cache; read 80/250 PDFs, 80 from cache'."""
        parts = []
        if self.notebooks_total:
            parts.append(f"rendered {self.notebooks_done}/{self.notebooks_total} notebooks, "
                         f"{self.notebooks_cached} from cache")
        if self.pdfs_total:
            parts.append(f"read {self.pdfs_done}/{self.pdfs_total} PDFs, "
                         f"{self.pdfs_cached} from cache")
        return "; ".join(parts) or "no notebooks or PDFs to render"


class ProgressThrottle:
    """Decides which progress updates are worth a log line: the final one always, others at
    most one per tenth of the work and per `interval` seconds (so at most ~10 lines)."""

    def __init__(self, total: int, interval: float = PROGRESS_INTERVAL,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.total = total
        self.interval = interval
        self.clock = clock
        self._last_time = clock()
        self._last_tenth = 0

    def due(self, done: int) -> bool:
        if done >= self.total:
            return True
        tenth = done * 10 // max(self.total, 1)
        now = self.clock()
        if tenth > self._last_tenth and now - self._last_time >= self.interval:
            self._last_tenth, self._last_time = tenth, now
            return True
        return False


@dataclass
class _PendingDrawing:
    """A PDF whose facts are read and whose images a worker is drawing (or will)."""

    key: str  # the cache key of the bytes the facts were read from
    facts: PdfFacts
    future: Future[Drawn]


@dataclass
class _Drawing:
    """The worker pool a build keeps while its pages are made, and what it is drawing."""

    pool: ProcessPoolExecutor
    pending: dict[Path, _PendingDrawing] = field(default_factory=dict)
    order: list[Path] = field(default_factory=list)  # as submitted: the workers' order


@dataclass
class BatchResult:
    outcomes: list[Outcome]
    progress: Progress
    used_keys: set[str] = field(default_factory=set)  # cache entries this build relies on


class BatchRenderer:
    """Renders jobs with one converter per process, the cache in front of it."""

    def __init__(self, options: NotebookOptions | None = None, cache: Cache | None = None, *,
                 workers: int | None = None, min_parallel: int = MIN_PARALLEL,
                 hold_images: bool = True, hold_bodies: bool = True,
                 template_cache: BytecodeCache | None = None,
                 defer_drawing: bool = False) -> None:
        """`hold_images=False`: a notebook's images, once in the cache (whose blob files
        the site links), are not kept in memory: their bytes are dropped from the outcome
        (`image_size` still knows their sizes). For a caller that publishes images from
        the cache's files, never from the outcome's bytes (the plugin; not the export,
        which inlines them). Rendered images were a fifth of a large build's memory.

        `hold_bodies=False`: nor are a notebook's HTML and search copy, once in the cache:
        the outcome says where they are (`stored`) and `body` reads them back when its page
        is made. Two hundred notebooks' HTML is ~25 MiB of wide strings, which a build
        otherwise holds from the first notebook rendered until its last page is written.

        `template_cache`: where the converter keeps nbconvert's compiled templates between
        processes (see NotebookConverter.template_cache).

        `defer_drawing` (with a cache, when workers render): `run` returns a PDF's facts
        undrawn (`PdfFacts.drawn` False: its texts and image sizes, what its pages are
        written from) and the workers go on drawing its images in the background, into
        the cache, while this process builds the site's pages; `finish_drawing` takes
        them. Drawing page images is most of a cold build's work, and MkDocs makes pages
        in this process alone: this way both CPUs work through the whole build."""
        self.options = options or NotebookOptions()
        self.defer_drawing = defer_drawing
        self._drawing: _Drawing | None = None
        # Seconds this process spent waiting for workers' results, doing nothing itself
        # (for the bench: the time a build's second CPU is not matched by this one).
        self.waited = 0.0
        self.cache = cache
        self.hold_images = hold_images
        self.hold_bodies = hold_bodies
        self._image_sizes: dict[str, int] = {}
        self._sources: dict[str, tuple[Kind, Path]] = {}  # cache key -> what it renders
        self.workers = workers if workers is not None else _available_cpus()
        self.min_parallel = min_parallel
        self._converter: NotebookConverter | None = None
        self.template_cache = template_cache

    def run(self, jobs: Sequence[Job], report: Callable[[Progress], None] | None = None
            ) -> BatchResult:
        """Render `jobs`, cache first. Every outcome is final when this returns, so what a
        build reports (its problems page, nav and home notice) never depends on which
        notebooks the cache happened to hold."""
        self.abandon_drawing()  # a build that failed before taking them
        progress = Progress(notebooks_total=sum(j.kind != "pdf" for j in jobs),
                            pdfs_total=sum(j.kind == "pdf" for j in jobs))
        throttle = ProgressThrottle(progress.total)
        outcomes: list[Outcome | None] = [None] * len(jobs)
        keys: list[str] = [""] * len(jobs)
        misses: list[int] = []

        def finished(index: int, rendered: Rendered | WorkerRendered, *, cached: bool) -> None:
            outcome, keys[index] = rendered[0], rendered[1]
            # A worker keeps what it rendered in the cache itself and sends back only what
            # the build needs in memory, with its images' sizes.
            stored = len(rendered) == 3
            progress.count(jobs[index].kind, cached=cached)
            undrawn = isinstance(outcome, PdfFacts) and not outcome.drawn
            if (not cached and not stored and self.cache is not None
                    and not isinstance(outcome, Failure) and not undrawn):
                self._store(keys[index], outcome)
            if self.cache is not None and isinstance(outcome, RenderedNotebook):
                outcome, sizes = _held(outcome, keys[index], images=self.hold_images,
                                       body=self.hold_bodies)
                self._image_sizes.update(rendered[2] if len(rendered) == 3 else sizes)
                if outcome.stored is not None:
                    self._sources[outcome.stored.key] = (jobs[index].kind, jobs[index].path)
            outcomes[index] = outcome
            if report is not None and throttle.due(progress.done):
                report(progress)

        # Inputs are read one at a time and not kept: an archive's PDFs and notebooks can
        # weigh hundreds of megabytes.
        for index, job in enumerate(jobs):
            if self.cache is None:
                misses.append(index)
                continue
            try:
                key = key_from_digest(job.kind, self.cache.input_digest(job.path),
                                      self.options.key(job.kind))
            except OSError as exc:
                finished(index, (_unreadable(exc), ""), cached=False)
                continue
            hit = self._load(job.kind, key)
            if hit is not None:
                finished(index, (hit, key), cached=True)
            else:
                misses.append(index)
        if self.cache is not None:
            self.cache.save_input_digests()

        helpers = min(self.workers - 1, len(misses) - 1)
        if helpers >= 1 and len(misses) >= self.min_parallel:
            # Worker processes take jobs from the front while this process takes them from
            # the back, until the two meet: every CPU renders, and no process sits idle.
            defer = self.defer_drawing and self.cache is not None
            undrawn: dict[Path, tuple[str, PdfFacts]] = {}

            def facts_of(index: int, rendered: Rendered | WorkerRendered) -> None:
                outcome, key = rendered[0], rendered[1]
                if isinstance(outcome, PdfFacts) and not outcome.drawn:
                    undrawn.setdefault(jobs[index].path, (key, outcome))
                finished(index, rendered, cached=False)

            with _worker_pool(helpers, self.options,
                              self.cache.directory if self.cache is not None else None,
                              self.template_cache, self.hold_images,
                              self.hold_bodies) as pool:
                # A future holds its result until it is dropped: each is let go once its
                # outcome is taken, not kept to the end of the batch.
                pending = {i: pool.submit(_render_in_worker, jobs[i].kind, jobs[i].path,
                                          not defer) for i in misses}
                for index in reversed(misses):
                    if index not in pending or not pending[index].cancel():
                        break  # a worker has it already (or has done it)
                    del pending[index]
                    facts_of(index, self._render_here(jobs[index], draw=not defer))
                    for done in [i for i, future in pending.items() if future.done()]:
                        facts_of(done, pending.pop(done).result())
                by_future = {future: index for index, future in pending.items()}
                pending.clear()
                waiting = set(by_future)
                started = time.monotonic()
                while waiting:
                    done_now, waiting = wait(waiting, return_when=FIRST_COMPLETED)
                    for future in done_now:
                        facts_of(by_future.pop(future), future.result())
                    del done_now
                self.waited += time.monotonic() - started
            if undrawn:
                assert self.cache is not None
                self._drawing = self._start_drawing(
                    min(helpers, len(undrawn)), undrawn, self.cache.directory)
        else:
            for index in misses:
                finished(index, self._render_here(jobs[index]), cached=False)

        assert all(outcome is not None for outcome in outcomes)
        return BatchResult([o for o in outcomes if o is not None], progress,
                           {key for key in keys if key})

    @property
    def drawing(self) -> bool:
        """Whether workers are drawing PDF images `finish_drawing` has still to take."""
        return self._drawing is not None

    def finish_drawing(self) -> dict[Path, PdfFacts | Failure]:
        """The PDFs `run` left undrawn, drawn: per PDF, its facts with the names of its
        images (kept in the cache, where the entry for its bytes is now written) or why
        they could not be drawn. The workers draw from the front of the queue while this
        process takes PDFs from the back, as in `run`; the pool is closed after."""
        drawing, self._drawing = self._drawing, None
        if drawing is None:
            return {}
        drawn: dict[Path, PdfFacts | Failure] = {}
        try:
            waiting = dict(drawing.pending)
            for path in reversed([p for p in drawing.order if p in drawing.pending]):
                item = drawing.pending[path]
                if not item.future.cancel():
                    break  # a worker has it already
                del waiting[path]
                drawn[path] = self._take_drawing(item, self._draw_here(path))
            started = time.monotonic()
            for path, item in waiting.items():
                drawn[path] = self._take_drawing(item, item.future.result())
            self.waited += time.monotonic() - started
        finally:
            drawing.pool.shutdown(cancel_futures=True)
        return drawn

    def abandon_drawing(self) -> None:
        """Stop drawing (a build that failed): nothing is published or cached."""
        drawing, self._drawing = self._drawing, None
        if drawing is not None:
            drawing.pool.shutdown(cancel_futures=True)

    def _start_drawing(self, helpers: int, undrawn: dict[Path, tuple[str, PdfFacts]],
                       cache_dir: Path) -> _Drawing:
        """Workers of their own for drawing, started afresh ('spawn'): the workers that
        rendered the notebooks are gone by now. Such a worker holds only the PDF and image
        libraries (~40 MB), where one forked from this process would come to hold a copy
        of every page of memory this process changes while it builds the site's pages."""
        pool = ProcessPoolExecutor(max_workers=helpers,
                                   mp_context=multiprocessing.get_context("spawn"),
                                   initializer=start_drawer,
                                   initargs=(self.options.key("pdf"), self.options.pdf_pages,
                                             cache_dir))
        drawing = _Drawing(pool)
        try:
            for path, (key, facts) in undrawn.items():
                drawing.pending[path] = _PendingDrawing(key, facts,
                                                        pool.submit(draw_in_worker, path))
                drawing.order.append(path)
        except BaseException:
            pool.shutdown(cancel_futures=True)
            raise
        return drawing

    def _take_drawing(self, item: _PendingDrawing, drawn: Drawn) -> PdfFacts | Failure:
        outcome, key = drawn
        if isinstance(outcome, str):
            return Failure(outcome)
        planned = item.facts
        if key != item.key or [(p.number, p.width, p.height) for p in outcome.rendered] != [
                (p.number, p.width, p.height) for p in planned.rendered]:
            return Failure("changed while the site was being built, so its page images "
                           "are not those of the pages shown; build the site again")
        facts = dataclasses.replace(planned, thumbnail_png=outcome.thumbnail_png, drawn=True,
                                    thumbnail_size=None, rendered=tuple(
            dataclasses.replace(page, image_name=image.image_name,
                                image_2x_name=image.image_2x_name)
            for page, image in zip(planned.rendered, outcome.rendered, strict=True)))
        self._store(key, facts)
        return facts

    def _draw_here(self, path: Path) -> Drawn:
        assert self.cache is not None
        drawn = draw_file(path, self.options.key("pdf"), self.options.pdf_pages,
                          self.cache.put_file)
        release_freed_memory()
        return drawn

    def body(self, notebook: RenderedNotebook) -> RenderedNotebook | None:
        """`notebook` with its HTML and search copy, read back from the cache when they are
        not held (see `hold_bodies`). A copy that is gone or not the one rendered (another
        build evicted or rewrote the entry meanwhile) is rendered again from its file;
        None when that fails too (the file was removed or broken since)."""
        stored = notebook.stored
        if stored is None:
            return notebook
        read = self.cache.load_body(stored.key) if self.cache is not None else None
        if read is not None and body_digest(*read) == stored.digest:
            return dataclasses.replace(notebook, html=read[0], search_html=read[1],
                                       stored=None)
        kind, path = self._sources[stored.key]
        if self._converter is None:
            self._converter = _converter_for(self.options, self.template_cache)
        outcome, _ = render_file(kind, path, self._converter)
        return outcome if isinstance(outcome, RenderedNotebook) else None

    def prepare(self) -> None:
        """Make this process ready to render a notebook: its converter built and used once
        on a small notebook made here, output dropped. Importing nbconvert, compiling its
        templates and the first use of the highlighter and the image library take over a
        second, which the first notebook rendered in a process otherwise waits for: under
        `mkdocs serve` on a warm cache, the owner's first save."""
        if self._converter is None:
            self._converter = _converter_for(self.options, self.template_cache)
        # The converter keeps one exporter, with its own compiled templates, per highlighting
        # language: Jupyter saves Python notebooks as "ipython3" (language_info's
        # pygments_lexer), older or hand-made ones as "python". Warming only the second left
        # the owner's first save of a real notebook compiling every template (~0.5 s).
        for language in _WARM_UP_LANGUAGES:
            with contextlib.suppress(NotebookProblem):
                self._converter.convert(Path(_WARM_UP_NAME), _warm_up_notebook(language))

    def image_size(self, asset: NotebookAsset) -> int:
        """The size of a rendered image, its bytes held or not (see `hold_images`)."""
        return self._image_sizes.get(asset.name, len(asset.data))

    def _render_here(self, job: Job, *, draw: bool = True) -> Rendered:
        if self._converter is None:
            self._converter = _converter_for(self.options, self.template_cache)
        rendered = render_file(job.kind, job.path, self._converter,
                               self.cache.put_file if self.cache is not None else None,
                               draw=draw)
        release_freed_memory()
        return rendered

    def _load(self, kind: Kind, key: str) -> Outcome | None:
        if self.cache is None:
            return None
        return self.cache.load_pdf(key) if kind == "pdf" else self.cache.load_notebook(key)

    def _store(self, key: str, outcome: RenderedNotebook | PdfFacts) -> None:
        assert self.cache is not None
        if isinstance(outcome, PdfFacts):
            self.cache.store_pdf(key, outcome)
        else:
            self.cache.store_notebook(key, outcome)


def render_file(kind: Kind, path: Path, converter: NotebookConverter,
                store: ImageStore | None = None, *, draw: bool = True) -> Rendered:
    """Read and render one file; the key returned is computed from the very bytes rendered,
    so an edit made meanwhile can never be cached under the old content's key. With
    `store` (a cache's `put_file`), a PDF's page images are kept there as each is drawn
    and the facts hold their names: a PDF's page images are most of a site's bytes
    (hundreds of MB for a few hundred papers) and are only ever published from those
    files, never held. `draw=False`: a PDF's facts only (see read_pdf)."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        return _unreadable(exc), ""
    key = cache_key(kind, data, converter.options.key(kind))
    try:
        if kind == "notebook":
            return converter.convert(path, data), key
        if kind == "script":
            return render_script(path, data), key
        return read_pdf(path, data=data, max_pages=converter.options.pdf_pages,
                        store=store, draw=draw), key
    except (NotebookProblem, PdfProblem) as exc:
        return Failure(str(exc)), key


def _held(notebook: RenderedNotebook, key: str, *, images: bool, body: bool
          ) -> tuple[RenderedNotebook, dict[str, int]]:
    """What of a notebook, once in the cache under `key`, stays in memory: its images'
    bytes unless `images` (then their sizes are returned), its HTML and search copy unless
    `body` (then where they are kept, see BatchRenderer's `hold_bodies`)."""
    sizes: dict[str, int] = {}
    if not images and any(asset.data for asset in notebook.assets):
        sizes = {asset.name: len(asset.data) for asset in notebook.assets}
        notebook = dataclasses.replace(notebook, assets=tuple(
            NotebookAsset(asset.name, b"") for asset in notebook.assets))
    if not body and key and notebook.stored is None:
        notebook = dataclasses.replace(notebook, html="", search_html="", stored=StoredBody(
            key, body_digest(notebook.html, notebook.search_html),
            len(notebook.html.encode("utf-8", "surrogatepass"))))
    return notebook, sizes


def _unreadable(exc: OSError) -> Failure:
    return Failure(f"cannot be read: {exc.strerror or exc}")


# One converter per set of options for the whole process: building one compiles nbconvert's
# templates (~0.5 s), which each `mkdocs serve` rebuild would otherwise pay again to render
# the one notebook just edited.
_CONVERTERS: dict[str, NotebookConverter] = {}


_WARM_UP_NAME = "neuroverse-warm-up.ipynb"  # never read: its bytes are given
_WARM_UP_LANGUAGES = ("ipython3", "python")


def _warm_up_notebook(language: str = "python") -> bytes:
    """A notebook with the kinds of cells and outputs most notebooks have (each is a
    template of its own to compile), its pictures made here: nothing is read from disk."""
    def picture(kind: str) -> str:
        data = io.BytesIO()
        Image.new("RGB", (64, 48), "#336699").save(data, format=kind)
        return base64.b64encode(data.getvalue()).decode("ascii")

    outputs = [
        {"output_type": "stream", "name": "stdout", "text": "loss 0.25\n"},
        {"output_type": "stream", "name": "stderr", "text": "a warning\n"},
        {"output_type": "display_data", "metadata": {},
         "data": {"image/png": picture("PNG"), "text/plain": "<Figure>"}},
        {"output_type": "display_data", "metadata": {},
         "data": {"image/jpeg": picture("JPEG"), "text/plain": "<Figure>"}},
        {"output_type": "execute_result", "execution_count": 1, "metadata": {},
         "data": {"text/html": "<table><tr><th>a</th></tr><tr><td>1</td></tr></table>",
                  "text/plain": "   a\n0  1"}},
        {"output_type": "execute_result", "execution_count": 1, "metadata": {},
         "data": {"text/latex": "$x^2$", "text/plain": "x**2"}},
        {"output_type": "error", "ename": "ValueError", "evalue": "bad",
         "traceback": ["ValueError: bad"]},
    ]
    cells = [
        {"cell_type": "markdown", "id": "warm-1", "metadata": {},
         "source": "# Warm-up\n\nA *small* notebook with $x^2$ and\n\n$$\\frac{a}{b}$$\n\n"
                   "| a | b |\n|---|---|\n| 1 | 2 |\n\n```python\nx = 1\n```\n"},
        {"cell_type": "code", "id": "warm-2", "metadata": {}, "execution_count": 1,
         "source": "import math\nprint('loss', math.sqrt(0.0625))", "outputs": outputs},
        {"cell_type": "raw", "id": "warm-3", "metadata": {}, "source": "raw text"},
    ]
    return json.dumps({"nbformat": 4, "nbformat_minor": 5, "cells": cells, "metadata": {
        "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
        "language_info": {"name": "python", "pygments_lexer": language}}}).encode()


def _converter_for(options: NotebookOptions, template_cache: BytecodeCache | None = None
                   ) -> NotebookConverter:
    key = options.key()
    if key not in _CONVERTERS:
        _CONVERTERS[key] = NotebookConverter(options)
        _CONVERTERS[key].template_cache = template_cache
    return _CONVERTERS[key]


# Worker processes ---------------------------------------------------------------------

_WORKER_CONVERTER: NotebookConverter | None = None
_WORKER_CACHE: Cache | None = None


_WORKER_HOLDS = (True, True)  # what the batch holds in memory: images, bodies


def _start_worker(options: NotebookOptions, cache_dir: Path | None = None,
                  hold_images: bool = True, hold_bodies: bool = True) -> None:
    global _WORKER_CONVERTER, _WORKER_CACHE, _WORKER_HOLDS
    _WORKER_CONVERTER = _converter_for(options)  # a forked worker has its parent's
    _WORKER_CACHE = Cache(cache_dir) if cache_dir is not None else None
    _WORKER_HOLDS = (hold_images, hold_bodies)


# (outcome, cache key, sizes of the images whose bytes it no longer holds): rendered by a
# worker and kept in the cache there.
WorkerRendered = tuple[Outcome, str, dict[str, int]]


def _render_in_worker(kind: Kind, path: Path, draw: bool = True) -> Rendered | WorkerRendered:
    """Render one file; with a cache, keep the outcome there and send back only what the
    batch holds in memory (see `_held`): a notebook's HTML and images would otherwise be
    pickled here, unpickled there and written by the parent. A PDF left undrawn (`draw`
    False) is kept once its images are (see `finish_drawing`)."""
    assert _WORKER_CONVERTER is not None, "worker started without _start_worker"
    cache = _WORKER_CACHE
    outcome, key = render_file(kind, path, _WORKER_CONVERTER,
                               cache.put_file if cache is not None else None, draw=draw)
    if cache is None or isinstance(outcome, Failure) or not key:
        release_freed_memory()
        return outcome, key
    sizes: dict[str, int] = {}
    if isinstance(outcome, PdfFacts):
        if outcome.drawn:
            cache.store_pdf(key, outcome)
    else:
        cache.store_notebook(key, outcome)
        outcome, sizes = _held(outcome, key, images=_WORKER_HOLDS[0], body=_WORKER_HOLDS[1])
    release_freed_memory()
    return outcome, key, sizes


def _worker_pool(workers: int, options: NotebookOptions, cache_dir: Path | None,
                 template_cache: BytecodeCache | None = None, hold_images: bool = True,
                 hold_bodies: bool = True) -> ProcessPoolExecutor:
    """Workers forked from this process when it runs no other thread (`mkdocs build`):
    they share the pages of everything it has imported (MkDocs, the theme, our code,
    nbconvert and the converter it made), so each costs only what its own rendering adds;
    a spawned worker imports and compiles all of it again (~1 s, tens of megabytes).
    Objects that exist at the fork are frozen out of the garbage collector's passes,
    which would otherwise touch (and so copy) every page holding one. With other threads
    running (`mkdocs serve`), forking could deadlock on a lock one of them holds: then
    'spawn', which starts each worker afresh."""
    if threading.active_count() == 1 and "fork" in multiprocessing.get_all_start_methods():
        # Built here first (this process renders too): the workers inherit it, nbconvert
        # and its compiled templates included, instead of each importing and compiling.
        _converter_for(options, template_cache)
        gc.freeze()
        try:
            pool = ProcessPoolExecutor(max_workers=workers,
                                       mp_context=multiprocessing.get_context("fork"),
                                       initializer=_start_worker,
                                       initargs=(options, cache_dir, hold_images, hold_bodies))
            # A forking pool starts every worker at its first submit: now, while the
            # objects are frozen.
            pool.submit(_started)
        finally:
            gc.unfreeze()
        return pool
    return ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn"),
                               initializer=_start_worker,
                               initargs=(options, cache_dir, hold_images, hold_bodies))


def _started() -> bool:
    return True


def _available_cpus() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1
