"""How `mkdocs serve` hears of a saved file: the system's own file watching (inotify here)
in place of MkDocs' polling, and MkDocs' polling back when that cannot be used."""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from mkdocs.livereload import LiveReloadServer
from watchdog.observers import Observer
from watchdog.observers.polling import PollingObserver

from neuroverse_site.plugin.watching import use_native_watching

from archive_factory import write_notebook
from conftest import MKDOCS_YML
from served import fetch, free_port, mkdocs_serve, wait_for

pytestmark = pytest.mark.skipif(Observer is PollingObserver,
                                reason="this system has no native file watching")

CATALOGUE = """\
site:
  title: Watched archive
sections:
  - id: cnn
    title: Convolutional Neural Networks
    status: active
experiments:
  - id: filters
    title: Visualising filters
    goal: GOAL
    section: cnn
    notebook: notebooks/cnn/filters.ipynb
"""


def _archive(root: Path, plugin_options: str = "") -> Path:
    (root / "docs").mkdir(parents=True)
    (root / "docs" / "index.md").write_text("# Watched archive\n")
    (root / "catalogue.yml").write_text(CATALOGUE.replace("GOAL", "Goal number one."))
    options = f":\n      {plugin_options}" if plugin_options else ""
    (root / "mkdocs.yml").write_text(MKDOCS_YML.format(plugin_options=options))
    write_notebook(root / "notebooks/cnn/filters.ipynb", "Visualising filters",
                   markdown="Version AAAA of the text.")
    return root


def _unseen_by_polling(notebook: Path, markdown: str) -> None:
    """Rewrite the notebook in place with text of the same length and put its mtime back:
    its size, inode and mtime are as before, all that a polling observer compares."""
    before = notebook.stat()
    write_notebook(notebook, "Visualising filters", markdown=markdown)
    os.utime(notebook, ns=(before.st_atime_ns, before.st_mtime_ns))
    after = notebook.stat()
    assert (after.st_size, after.st_ino, after.st_mtime_ns) == (
        before.st_size, before.st_ino, before.st_mtime_ns)


def _save_by_rename(path: Path, text: str) -> None:
    """How many editors save: a new file beside it, renamed over the old one."""
    temporary = path.with_name(f".{path.name}.swp")
    temporary.write_text(text)
    os.replace(temporary, path)


def test_serve_hears_of_saves_from_the_system_not_by_polling(tmp_path: Path) -> None:
    root = _archive(tmp_path / "archive")
    notebook = root / "notebooks/cnn/filters.ipynb"
    with mkdocs_serve(root) as server:
        base = server.base_url.rstrip("/")
        page = f"{base}/experiments/filters/"
        wait_for(page, "Version AAAA of the text.")
        # Polling cannot see this edit at all; only the system's report of the write can.
        _unseen_by_polling(notebook, "Version BBBB of the text.")
        wait_for(page, "Version BBBB of the text.", timeout=30)
        # A notebook saved by rename.
        staged = tmp_path / "staged.ipynb"
        write_notebook(staged, "Visualising filters", markdown="Version CCCC of the text.")
        _save_by_rename(notebook, staged.read_text())
        wait_for(page, "Version CCCC of the text.", timeout=30)
        # catalogue.yml, a watched file rather than a folder, saved by rename twice: the
        # second save is heard although the file the watch started on is gone.
        for goal in ("Goal number two.", "Goal number three."):
            _save_by_rename(root / "catalogue.yml", CATALOGUE.replace("GOAL", goal))
            wait_for(page, goal, timeout=30)
        time.sleep(1.5)  # a build that started the next (by reading its files) would show
    output = server.output
    assert "looked for every 0.5 s" not in output, output
    assert "looked for as this MkDocs server does" not in output, output
    # One first build and at most two per save (an editor's save may straddle MkDocs'
    # 0.1 s wait); a build that caused the next would never stop.
    assert 5 <= output.count("Building documentation") <= 9, output


def test_serve_watch_polling_keeps_mkdocs_polling(tmp_path: Path) -> None:
    root = _archive(tmp_path / "archive", "serve_watch: polling")
    notebook = root / "notebooks/cnn/filters.ipynb"
    with mkdocs_serve(root) as server:
        base = server.base_url.rstrip("/")
        page = f"{base}/experiments/filters/"
        wait_for(page, "Version AAAA of the text.")
        _unseen_by_polling(notebook, "Version BBBB of the text.")
        time.sleep(2.0)  # four polls
        assert "Version BBBB" not in (fetch(page) or "")
        write_notebook(notebook, "Visualising filters", markdown="Version CCCC, a new length.")
        wait_for(page, "Version CCCC, a new length.", timeout=30)
    assert server.output.count("Building documentation") == 2, server.output


def test_a_wrong_serve_watch_is_reported_by_name(tmp_path: Path) -> None:
    root = _archive(tmp_path / "archive", "serve_watch: sometimes")
    with mkdocs_serve(root) as server:
        server.process.wait(timeout=60)
    assert "serve_watch" in server.output and "sometimes" in server.output, server.output
    assert "Traceback" not in server.output


class _NoWatchesLeft:
    """A native observer that cannot start, as inotify when the watch limit is reached."""

    def __init__(self, **_: Any) -> None:
        self.inner = Observer()

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)

    def start(self) -> None:
        raise OSError(28, "inotify watch limit reached")


def _serving(server: LiveReloadServer) -> threading.Thread:
    thread = threading.Thread(target=server.serve, daemon=True)
    thread.start()
    return thread


def _wait(condition: Callable[[], bool], timeout: float = 20) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return False


def test_falls_back_to_polling_when_native_watching_cannot_start(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    watched = tmp_path / "notebooks"
    watched.mkdir()
    single = tmp_path / "catalogue.yml"
    single.write_text("first")
    builds: list[float] = []
    server = LiveReloadServer(builder=lambda: builds.append(time.monotonic()),
                              host="127.0.0.1", port=free_port(), root=str(tmp_path))
    server.watch(str(watched))
    with caplog.at_level(logging.INFO, logger="mkdocs"):
        watches = use_native_watching(server, "native", native=_NoWatchesLeft)
        assert watches is not None
        server.watch(str(single))  # after the hook, as MkDocs adds config.watch
        thread = _serving(server)
        try:
            assert _wait(lambda: watches.started)
            assert not watches.is_native
            (watched / "a.txt").write_text("new")
            assert _wait(lambda: len(builds) >= 1)
            count = len(builds)
            time.sleep(0.3)
            single.write_text("second, longer")
            assert _wait(lambda: len(builds) > count)
        finally:
            server.shutdown()
            thread.join(timeout=10)
    assert "looked for every 0.5 s" in caplog.text
    assert "inotify watch limit reached" in caplog.text


def test_native_watching_keeps_every_watch_and_passes_on_only_changes(tmp_path: Path) -> None:
    watched = tmp_path / "docs"
    watched.mkdir()
    (watched / "page.md").write_text("# Page\n")
    single = tmp_path / "mkdocs.yml"
    single.write_text("site_name: x\n")
    builds: list[float] = []
    server = LiveReloadServer(builder=lambda: builds.append(time.monotonic()),
                              host="127.0.0.1", port=free_port(), root=str(tmp_path))
    server.watch(str(watched))
    server.watch(str(watched))  # watched twice: one unwatch leaves it watched
    server.watch(str(single))
    watches = use_native_watching(server, "native")
    assert watches is not None and watches.is_native
    assert {w.path for w in watches.watches} == {str(watched), str(single)}
    thread = _serving(server)
    try:
        assert _wait(lambda: watches.started)
        time.sleep(0.3)
        # Reading watched files (as every build does) is no change.
        (watched / "page.md").read_text()
        single.read_text()
        time.sleep(0.5)
        assert builds == []
        server.unwatch(str(watched))
        (watched / "page.md").write_text("# Page, edited\n")
        assert _wait(lambda: len(builds) >= 1)
        count = len(builds)
        time.sleep(0.3)
        _save_by_rename(single, "site_name: y\n")
        assert _wait(lambda: len(builds) > count)
        count = len(builds)
        time.sleep(0.3)
        _save_by_rename(single, "site_name: z\n")
        assert _wait(lambda: len(builds) > count)
        # Two watched files of one folder share its watch: unwatching one keeps the other.
        beside = tmp_path / "catalogue.yml"
        beside.write_text("first")
        server.watch(str(beside))
        server.unwatch(str(beside))
        count = len(builds)
        time.sleep(0.3)
        _save_by_rename(single, "site_name: w\n")
        assert _wait(lambda: len(builds) > count)
        # A file beside the watched file is not the watched file.
        count = len(builds)
        time.sleep(0.3)
        (tmp_path / "other.txt").write_text("not watched")
        time.sleep(0.5)
        assert len(builds) == count
    finally:
        server.shutdown()
        thread.join(timeout=10)


def test_a_server_of_another_shape_keeps_its_own_watching(
        caplog: pytest.LogCaptureFixture) -> None:
    class Elsewhere:
        observer = PollingObserver()

        def watch(self, path: str) -> None:
            pass

    server = Elsewhere()
    with caplog.at_level(logging.INFO, logger="mkdocs"):
        assert use_native_watching(server, "native") is None
    assert isinstance(server.observer, PollingObserver)
    assert "looked for as this MkDocs server does" in caplog.text
    assert use_native_watching(server, "polling") is None
