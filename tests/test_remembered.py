"""What builds remember between runs to go faster (see plugin/incremental.py and
build/cache.py): the catalogue check, the installed distributions, compiled templates.
Each is used again only while what it was made from is unchanged; every test here
changes one input and shows the stale answer is not given."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

from neuroverse_site.build import cache as cache_module
from neuroverse_site.core.checks import CheckOptions, check_file
from neuroverse_site.core.loader import LoadResult
from neuroverse_site.plugin import incremental
from neuroverse_site.plugin.incremental import CheckMemo, remembered_check

from archive_factory import TWO_NOTEBOOKS, write_notebook, write_pdf

CATALOGUE = textwrap.dedent(TWO_NOTEBOOKS) + """\
articles:
  - id: lenet
    title: Gradient-based learning
    summary: The paper behind the filters.
    sections: [cnn]
    pdf: papers/lenet.pdf
"""
OPTIONS = CheckOptions(max_file_size_mb=0.5, read_contents=False)


@pytest.fixture
def archive(tmp_path: Path) -> Path:
    root = tmp_path / "archive"
    (root / "notebooks").mkdir(parents=True)
    (root / "papers").mkdir()
    (root / "catalogue.yml").write_text(CATALOGUE, encoding="utf-8")
    write_notebook(root / "notebooks" / "filters.ipynb", "Digit filters")
    write_notebook(root / "notebooks" / "pooling.ipynb", "Pooling")
    write_pdf(root / "papers" / "lenet.pdf")
    return root


def messages(result: LoadResult) -> list[str]:
    return [d.format() for d in result.diagnostics]


def check_twice(root: Path, change: Callable[[], object], memo_file: Path | None = None
                ) -> tuple[list[str], CheckMemo | None, CheckMemo | None]:
    """Check (remembering), apply `change`, check again from the memo; returns what the
    second check said, the first memo and the second."""
    catalogue = root / "catalogue.yml"
    _, memo = remembered_check(catalogue, root, OPTIONS, None, memo_file)
    assert memo is not None
    change()
    result, again = remembered_check(catalogue, root, OPTIONS, memo, memo_file)
    # Whatever the memo did, the answer is the one a fresh check gives now.
    assert messages(result) == messages(check_file(catalogue, root, OPTIONS))
    return messages(result), memo, again


def test_an_unchanged_archive_is_not_checked_again(archive: Path) -> None:
    _, memo, again = check_twice(archive, lambda: None)
    assert again is memo  # used as it was


def test_an_edited_notebook_of_the_same_kind_and_size_class_keeps_the_memo(
        archive: Path) -> None:
    # What a save under `mkdocs serve` does: the check reads nothing that changed.
    _, memo, again = check_twice(archive, lambda: write_notebook(
        archive / "notebooks" / "filters.ipynb", "Digit filters", markdown="Edited."))
    assert again is memo


@pytest.mark.parametrize("change, expected", [
    (lambda root: (root / "notebooks" / "pooling.ipynb").unlink(), "NV300"),
    (lambda root: ((root / "notebooks" / "pooling.ipynb").unlink(),
                   (root / "notebooks" / "pooling.ipynb").mkdir()), "NV300"),
    (lambda root: write_notebook(root / "notebooks" / "orphan.ipynb", "Orphan"), "NV310"),
    (lambda root: (root / "papers" / "lenet.pdf").write_bytes(b"%PDF" + b"0" * 600_000),
     "NV305"),
    (lambda root: (root / "catalogue.yml").write_text(
        CATALOGUE.replace("sections: [cnn]", "sections: [rnn]"), encoding="utf-8"), "NV2"),
])
def test_a_change_the_check_would_see_is_checked_again(
        archive: Path, change: Callable[[Path], object], expected: str) -> None:
    said, memo, again = check_twice(archive, lambda: change(archive))
    assert again is not memo
    assert any(f"error {expected}" in line or f"warning {expected}" in line
               for line in said), said


def test_a_folder_made_unreadable_on_the_way_to_a_named_file_is_seen(archive: Path) -> None:
    if os.geteuid() == 0:
        pytest.skip("root reads every folder")
    folder = archive / "notebooks"
    try:
        _, memo, again = check_twice(archive, lambda: folder.chmod(0o000))
    finally:
        folder.chmod(0o755)
    assert again is not memo


def test_an_archive_with_a_link_is_checked_every_time(archive: Path, tmp_path: Path) -> None:
    outside = tmp_path / "outside.ipynb"
    write_notebook(outside, "Outside")
    (archive / "notebooks" / "linked.ipynb").symlink_to(outside)
    _, memo = remembered_check(archive / "catalogue.yml", archive, OPTIONS, None, None)
    assert memo is None


def test_the_memo_on_disk_serves_a_new_process_and_a_damaged_one_is_ignored(
        archive: Path, tmp_path: Path) -> None:
    memo_file = tmp_path / "memo.pickle"
    catalogue = archive / "catalogue.yml"
    _, first = remembered_check(catalogue, archive, OPTIONS, None, memo_file)
    assert memo_file.is_file()
    _, from_disk = remembered_check(catalogue, archive, OPTIONS, None, memo_file)
    assert from_disk is not None and first is not None and from_disk.key == first.key
    memo_file.write_bytes(b"not a pickle")
    result, _ = remembered_check(catalogue, archive, OPTIONS, None, memo_file)
    assert messages(result) == messages(check_file(catalogue, archive, OPTIONS))
    # A file changed since the memo was written (by another process) is seen too.
    (archive / "notebooks" / "pooling.ipynb").unlink()
    result, _ = remembered_check(catalogue, archive, OPTIONS, None, memo_file)
    assert any("NV300" in line for line in messages(result))


def test_installing_upgrading_or_removing_a_distribution_changes_the_stamp(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    site = tmp_path / "site-packages"
    site.mkdir()
    monkeypatch.setattr(sys, "path", [*sys.path, str(site)])
    before = cache_module.installed_stamp()
    (site / "extra-1.0.dist-info").mkdir()
    installed = cache_module.installed_stamp()
    (site / "extra-1.0.dist-info").rename(site / "extra-1.1.dist-info")
    upgraded = cache_module.installed_stamp()
    (site / "extra-1.1.dist-info").rmdir()
    removed = cache_module.installed_stamp()
    assert len({before, installed, upgraded}) == 3
    assert removed == before
    # Folders on sys.path that hold no distribution (a test runner's) change nothing.
    (tmp_path / "tests").mkdir()
    monkeypatch.setattr(sys, "path", [*sys.path, str(tmp_path / "tests")])
    assert cache_module.installed_stamp() == before


def test_remembered_library_versions_are_used_only_under_their_stamp(tmp_path: Path) -> None:
    remembered = tmp_path / "libraries.json"
    real = cache_module.library_versions()
    assert cache_module._remembered_versions(remembered) == real  # found and written
    stamp = cache_module.installed_stamp()
    remembered.write_text(f'{{"stamp": "{stamp}", "libraries": {{"jinja2": "0.0"}}}}',
                          encoding="utf-8")
    assert cache_module._remembered_versions(remembered) == {"jinja2": "0.0"}
    remembered.write_text('{"stamp": "another", "libraries": {"jinja2": "0.0"}}',
                          encoding="utf-8")
    assert cache_module._remembered_versions(remembered) == real


def test_compiled_templates_of_an_old_key_are_removed_and_a_lost_folder_is_harmless(
        tmp_path: Path) -> None:
    from jinja2 import DictLoader, Environment

    first = incremental.template_cache(tmp_path, "pages", "key one")
    env = Environment(loader=DictLoader({"t": "{{ 1 + 1 }}"}), bytecode_cache=first)
    assert env.get_template("t").render() == "2"
    assert any(Path(first.directory).iterdir())
    second = incremental.template_cache(tmp_path, "pages", "key two")
    assert not Path(first.directory).exists() and Path(second.directory).is_dir()
    # The folder vanishing under a live environment only costs a compile.
    Path(second.directory).rmdir()
    env = Environment(loader=DictLoader({"t": "{{ 2 + 2 }}"}), bytecode_cache=second)
    assert env.get_template("t").render() == "4"


def test_an_edited_template_is_compiled_again_from_a_warm_template_cache(
        tmp_path: Path) -> None:
    from jinja2 import Environment, FileSystemLoader

    folder = tmp_path / "templates"
    folder.mkdir()
    (folder / "page.j2").write_text("old", encoding="utf-8")
    cache = incremental.template_cache(tmp_path / "cache", "pages", "key")
    assert Environment(loader=FileSystemLoader(folder),
                       bytecode_cache=cache).get_template("page.j2").render() == "old"
    (folder / "page.j2").write_text("new", encoding="utf-8")
    # A new environment, as a new process makes: the cache holds the old compile.
    assert Environment(loader=FileSystemLoader(folder),
                       bytecode_cache=cache).get_template("page.j2").render() == "new"


def test_the_state_this_process_wrote_is_reread_when_another_process_replaced_it(
        tmp_path: Path) -> None:
    path = tmp_path / "state.json"
    mine = incremental.SiteState("site", {"a.md": incremental.PageState("d1", "A", [])},
                                 ["a/index.html"], "f")
    incremental.write_state(path, mine)
    assert incremental.read_state(path, "site").pages["a.md"].digest == "d1"
    # Another build (another process) writes the same file: its record is the one read.
    theirs = incremental.SiteState("site", {"a.md": incremental.PageState("d2", "A", [])},
                                   ["a/index.html"], "f")
    other = tmp_path / "other.json"
    other.write_text(theirs.to_json(), encoding="utf-8")
    os.replace(other, path)
    assert incremental.read_state(path, "site").pages["a.md"].digest == "d2"
    # What a caller does with the record it was given does not change the next one.
    incremental.write_state(path, mine)
    incremental.read_state(path, "site").pages.clear()
    assert incremental.read_state(path, "site").pages["a.md"].digest == "d1"


@pytest.mark.parametrize("damage", ["entry", "blob", "local file", "none"])
def test_a_serve_session_reuses_loaded_entries_only_while_their_files_are_unchanged(
        tmp_path: Path, damage: str) -> None:
    import time

    from neuroverse_site.build.cache import Cache, cache_key
    from neuroverse_site.build.notebooks import NotebookConverter, NotebookOptions

    from archive_factory import png_bytes

    figure = tmp_path / "figure.png"
    figure.write_bytes(png_bytes("#112233"))
    path = write_notebook(tmp_path / "nb.ipynb", "Filters",
                          markdown="![A figure](figure.png)")
    data = path.read_bytes()
    rendered = NotebookConverter(NotebookOptions()).convert(path, data)
    assert rendered.assets
    key = cache_key("notebook", data)
    Cache(tmp_path / "cache").store_notebook(key, rendered)
    assert Cache(tmp_path / "cache", remember=True).load_notebook(key) == rendered
    time.sleep(0.05)  # past the file system's clock tick: an edit gets a new time
    if damage == "entry":  # same size, same inode: edited in place
        entry = next((tmp_path / "cache").rglob("entries/*/*.json"))
        content = bytearray(entry.read_bytes())
        content[len(content) // 2] ^= 0x01
        entry.write_bytes(bytes(content))
    elif damage == "blob":  # as an edit of the site's hard-linked image would
        blob = next(p for p in (tmp_path / "cache").rglob("blobs/*")
                    if not p.name.startswith(".tmp"))
        content = bytearray(blob.read_bytes())
        content[-1] ^= 0x01
        blob.write_bytes(bytes(content))
    elif damage == "local file":
        figure.write_bytes(png_bytes("#445566"))
    again = Cache(tmp_path / "cache", remember=True).load_notebook(key)
    assert again == (rendered if damage == "none" else None)


def test_a_renderer_that_does_not_hold_images_still_knows_their_sizes_and_caches_them(
        tmp_path: Path) -> None:
    from neuroverse_site.build.batch import BatchRenderer, Job
    from neuroverse_site.build.cache import Cache
    from neuroverse_site.build.notebooks import RenderedNotebook

    path = write_notebook(tmp_path / "nb.ipynb", "Filters")
    held = BatchRenderer(cache=None, workers=1).run([Job("notebook", path)]).outcomes[0]
    assert isinstance(held, RenderedNotebook) and held.assets
    for attempt in ("rendered", "from the cache"):
        batch = BatchRenderer(cache=Cache(tmp_path / "cache"), workers=1, hold_images=False)
        light = batch.run([Job("notebook", path)]).outcomes[0]
        assert isinstance(light, RenderedNotebook), attempt
        assert [a.name for a in light.assets] == [a.name for a in held.assets]
        assert all(a.data == b"" for a in light.assets)
        assert [batch.image_size(a) for a in light.assets] == [len(a.data) for a in held.assets]
        # The site links the cache's files: they hold the real bytes.
        assert [Cache(tmp_path / "cache").blob_path(a.name).read_bytes()
                for a in light.assets] == [a.data for a in held.assets]


INDEX = "# Log\n\n- [filters](../notebooks/filters.ipynb)\n- [pooling](../notebooks/pooling.ipynb)\n"


@pytest.mark.parametrize("change", [
    # A Markdown file that stops linking the archive's files is a note no entry names.
    lambda root: (root / "log" / "index.md").write_text("# Log\n\nNothing yet.\n",
                                                        encoding="utf-8"),
    # What .gitignore hid in a git checkout counts once the line is gone.
    lambda root: (root / ".gitignore").write_text("", encoding="utf-8"),
])
def test_what_decides_which_files_are_unlisted_is_watched(
        archive: Path, change: Callable[[Path], object]) -> None:
    (archive / "log").mkdir()
    (archive / "log" / "index.md").write_text(INDEX, encoding="utf-8")
    write_notebook(archive / "drafts" / "later.ipynb", "Later")
    (archive / ".gitignore").write_text("drafts/\n", encoding="utf-8")
    git = ["git", "-C", str(archive), "-c", "user.name=t", "-c", "user.email=t@t"]
    subprocess.run([*git, "init", "-q"], check=True)
    subprocess.run([*git, "add", "-A"], check=True)
    before = messages(check_file(archive / "catalogue.yml", archive, OPTIONS))
    assert not [line for line in before if "NV310" in line], before
    said, memo, again = check_twice(archive, lambda: change(archive))
    assert again is not memo
    assert any("warning NV310" in line for line in said), said
