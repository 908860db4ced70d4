"""Commands that rewrite catalogue.yml or README.md at the same moment: real processes,
started together, every entry on disk afterwards."""

from __future__ import annotations

import io
import multiprocessing
import os
import subprocess
import sys
from contextlib import redirect_stderr
from multiprocessing.synchronize import Barrier
from pathlib import Path

import pytest
from authoring_helpers import make_archive

from neuroverse_site.authoring import safefile
from neuroverse_site.cli import main
from neuroverse_site.core.loader import load_catalogue_file

PAIRS = 100
README = """\
# Archive

<!-- neuroverse:readme:start -->
<!-- neuroverse:readme:end -->

Written by hand.
"""


def _add_section(barrier: Barrier, catalogue: str, title: str, *options: str) -> None:
    """A child process: wait for its partner, then run `neuroverse add section`; the exit
    code is main()'s, and 3 when it exited 0 without saying "added"."""
    barrier.wait()
    stderr = io.StringIO()
    with redirect_stderr(stderr):
        code = main(["add", "section", title, "--catalogue", catalogue, *options])
    said_added = ": added section" in stderr.getvalue()
    os._exit(code if code else (0 if said_added else 3))


def _fork() -> multiprocessing.context.BaseContext:
    if "fork" not in multiprocessing.get_all_start_methods():
        pytest.skip("needs fork to start many processes quickly")
    return multiprocessing.get_context("fork")


def _run_pair(context: multiprocessing.context.BaseContext, catalogue: Path,
              titles: list[str], *options: str) -> list[int | None]:
    """Two `add` processes released at the same instant; their exit codes."""
    barrier = context.Barrier(2)  # type: ignore[attr-defined]
    processes = [context.Process(  # type: ignore[attr-defined]
        target=_add_section, args=(barrier, str(catalogue), title, *options))
        for title in titles]
    for process in processes:
        process.start()
    for process in processes:
        process.join(60)
    return [process.exitcode for process in processes]


def test_a_hundred_pairs_of_concurrent_adds_lose_no_entry(tmp_path: Path) -> None:
    # Each pair races on a fresh catalogue, so every pair is the same short race (the
    # window the lock closes is from the read to the rename) and the test stays quick.
    template = make_archive(tmp_path / "template").read_bytes()
    context = _fork()
    lost: list[str] = []
    for pair in range(PAIRS):
        archive = tmp_path / f"pair-{pair}"
        archive.mkdir()
        catalogue = archive / "catalogue.yml"
        catalogue.write_bytes(template)
        titles = [f"Pair {pair} left", f"Pair {pair} right"]
        # Both report success, so both entries must be on disk.
        assert _run_pair(context, catalogue, titles, "--no-readme") == [0, 0], titles
        loaded = load_catalogue_file(catalogue)
        assert loaded.catalogue is not None
        on_disk = [s.title for s in loaded.catalogue.sections]
        lost += [title for title in titles if title not in on_disk]
        assert len(on_disk) == 4
    assert lost == []


def test_concurrent_adds_leave_readme_matching_the_catalogue(tmp_path: Path) -> None:
    catalogue = make_archive(tmp_path)
    readme = tmp_path / "README.md"
    readme.write_text(README, encoding="utf-8")
    context = _fork()
    for pair in range(10):
        titles = [f"Topic {pair} left", f"Topic {pair} right"]
        assert _run_pair(context, catalogue, titles) == [0, 0], titles
    loaded = load_catalogue_file(catalogue)
    assert loaded.catalogue is not None
    assert len(loaded.catalogue.sections) == 2 + 20
    # Each add refreshed the README under its lock; the last refresh saw every entry.
    assert main(["readme", str(readme), "--catalogue", str(catalogue), "--check"]) == 0
    text = readme.read_text(encoding="utf-8")
    assert all(f"Topic {n} left" in text and f"Topic {n} right" in text for n in range(10))
    assert text.endswith("Written by hand.\n")


def test_a_second_add_waits_for_the_lock_then_says_so_and_gives_up(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    catalogue = make_archive(tmp_path)
    before = catalogue.read_bytes()
    monkeypatch.setattr(safefile, "LOCK_NOTICE_AFTER", 0.05)
    monkeypatch.setattr(safefile, "LOCK_TIMEOUT", 0.3)
    # Another process holds the lock for the whole attempt.
    holder = subprocess.Popen(
        [sys.executable, "-c",
         "import sys, time; from pathlib import Path; "
         "from neuroverse_site.authoring.safefile import locked; "
         "lock = locked(Path(sys.argv[1])); lock.__enter__(); print('held', flush=True); "
         "time.sleep(30)", str(catalogue)],
        stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        code = main(["add", "section", "Waiting", "--catalogue", str(catalogue)])
    finally:
        holder.kill()
        holder.wait()
    err = capsys.readouterr().err
    assert code == 1
    assert "waiting for another neuroverse command to finish with catalogue.yml" in err
    assert "still in use by another neuroverse command" in err
    assert "nothing was written" in err
    assert catalogue.read_bytes() == before
    # The holder is gone, and with it its lock: the same add now goes through.
    assert main(["add", "section", "Waiting", "--catalogue", str(catalogue)]) == 0
    assert b"title: Waiting" in catalogue.read_bytes()


def test_without_fcntl_a_lock_file_left_by_a_dead_process_is_taken_over(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    catalogue = make_archive(tmp_path)
    monkeypatch.setattr(safefile, "fcntl", None)
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True)
    safefile.lock_path(catalogue).write_text(dead.stdout.strip())
    assert main(["add", "section", "After a crash", "--catalogue", str(catalogue)]) == 0
    assert not safefile.lock_path(catalogue).exists()  # released after use
    assert b"title: After a crash" in catalogue.read_bytes()
