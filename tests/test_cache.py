"""The notebook/PDF cache: hits are exact, damage reads as a miss, writers never collide,
and eviction keeps what is in use."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
import time
from importlib import metadata
from pathlib import Path

import pytest

from neuroverse_site.build import cache
from neuroverse_site.build.cache import Cache, cache_key
from neuroverse_site.build.notebooks import NotebookConverter, NotebookOptions
from neuroverse_site.build.pdfs import read_pdf

from archive_factory import png_bytes, write_notebook, write_pdf


@pytest.fixture
def converter() -> NotebookConverter:
    return NotebookConverter(NotebookOptions())


def _entries(cache_dir: Path) -> list[Path]:
    return sorted(cache_dir.rglob("entries/*/*.json"))


def _blobs(cache_dir: Path) -> list[Path]:
    return sorted(p for p in cache_dir.rglob("blobs/*") if not p.name.startswith(".tmp"))


def test_a_hit_returns_exactly_what_was_rendered(tmp_path: Path,
                                                 converter: NotebookConverter) -> None:
    path = write_notebook(tmp_path / "nb.ipynb", "Filters", heading="Training")
    data = path.read_bytes()
    rendered = converter.convert(path, data)
    cache = Cache(tmp_path / "cache")
    key = cache_key("notebook", data, NotebookOptions().key())

    assert cache.load_notebook(key) is None
    cache.store_notebook(key, rendered)

    assert rendered.assets, "the factory notebook has an image output"
    assert Cache(tmp_path / "cache").load_notebook(key) == rendered


def test_pdf_facts_round_trip(tmp_path: Path) -> None:
    path = write_pdf(tmp_path / "paper.pdf", pages=3)
    facts = read_pdf(path)
    cache = Cache(tmp_path / "cache")
    key = cache_key("pdf", path.read_bytes())
    cache.store_pdf(key, facts)
    loaded = cache.load_pdf(key)
    assert loaded is not None and loaded.rendered
    # Page images come back as the names of the cache's files, never as bytes held.
    for page, fresh in zip(loaded.rendered, facts.rendered, strict=True):
        assert (page.image, page.image_2x) == (b"", b"")
        assert [(d, n) for d, n, _ in page.names()] == [(d, n) for d, n, _ in fresh.names()]
        for density, name, data in fresh.names():
            assert cache.blob_path(name).read_bytes() == data, density
        assert (page.number, page.width, page.height, page.text) == (
            fresh.number, fresh.width, fresh.height, fresh.text)
    assert (loaded.pages, loaded.thumbnail_png, loaded.active) == (
        facts.pages, facts.thumbnail_png, facts.active)
    assert cache.load_notebook(key) is None  # the kind is part of what a hit must match
    # A page image lost from the cache is a miss (rendered again), not a broken site.
    cache.blob_path(facts.rendered[1].names()[0][1]).unlink()
    assert Cache(tmp_path / "cache").load_pdf(key) is None


def test_the_key_changes_with_bytes_options_and_kind() -> None:
    data = b'{"cells": []}'
    trusted = NotebookOptions(trust_outputs=True).key()
    keys = {cache_key("notebook", data, NotebookOptions().key()),
            cache_key("notebook", data + b" ", NotebookOptions().key()),
            cache_key("notebook", data, trusted),
            cache_key("script", data, NotebookOptions().key())}
    assert len(keys) == 4


@pytest.mark.parametrize("damage", ["truncate", "flip", "empty", "blob"])
def test_a_damaged_entry_reads_as_a_miss_and_is_rewritten(
        tmp_path: Path, converter: NotebookConverter, damage: str) -> None:
    path = write_notebook(tmp_path / "nb.ipynb", "Filters")
    data = path.read_bytes()
    rendered = converter.convert(path, data)
    cache = Cache(tmp_path / "cache")
    key = cache_key("notebook", data)
    cache.store_notebook(key, rendered)
    entry = _entries(tmp_path / "cache")[0]
    content = entry.read_bytes()
    if damage == "truncate":
        entry.write_bytes(content[: len(content) // 2])
    elif damage == "flip":
        middle = len(content) // 2
        entry.write_bytes(content[:middle] + bytes([content[middle] ^ 0x01])
                          + content[middle + 1:])
    elif damage == "empty":
        entry.write_bytes(b"")
    else:
        blob = _blobs(tmp_path / "cache")[0]
        blob.write_bytes(blob.read_bytes()[:10])

    assert cache.load_notebook(key) is None
    cache.store_notebook(key, rendered)
    assert cache.load_notebook(key) == rendered


def test_an_edited_local_image_invalidates_the_entry(tmp_path: Path,
                                                     converter: NotebookConverter) -> None:
    figure = tmp_path / "figure.png"
    figure.write_bytes(png_bytes("#112233"))
    path = write_notebook(tmp_path / "nb.ipynb", "Filters", image=False,
                          markdown="![A figure](figure.png)")
    data = path.read_bytes()
    cache = Cache(tmp_path / "cache")
    key = cache_key("notebook", data)
    cache.store_notebook(key, converter.convert(path, data))
    assert cache.load_notebook(key) is not None

    figure.write_bytes(png_bytes("#445566"))
    assert cache.load_notebook(key) is None


_WRITER = textwrap.dedent("""
    import sys
    from pathlib import Path
    from neuroverse_site.build.cache import Cache
    from neuroverse_site.core.ids import blob_name
    from neuroverse_site.build.notebooks import NotebookAsset, RenderedNotebook
    cache = Cache(Path(sys.argv[1]))
    image = b"same image bytes"
    big = "x" * 400_000
    for round in range(40):
        for key in ("a" * 64, "b" * 64):
            notebook = RenderedNotebook(html=key[0] + big, assets=(
                NotebookAsset(blob_name(image, ".png"), image),))
            cache.store_notebook(key, notebook)
            assert cache.load_notebook(key) == notebook, "read a torn or wrong entry"
""")


def test_two_processes_writing_at_once_leave_valid_entries(tmp_path: Path) -> None:
    cache_dir = tmp_path / "cache"
    writers = [subprocess.Popen([sys.executable, "-c", _WRITER, str(cache_dir)])
               for _ in range(2)]
    assert [w.wait(timeout=120) for w in writers] == [0, 0]

    cache = Cache(cache_dir)
    for key in ("a" * 64, "b" * 64):
        loaded = cache.load_notebook(key)
        assert loaded is not None and loaded.html == key[0] + "x" * 400_000
    assert not list(cache_dir.rglob(".tmp-*")), "temporary files were left behind"
    assert len(_entries(cache_dir)) == 2


def test_eviction_removes_only_unused_entries_untouched_since_the_build_started(
        tmp_path: Path, converter: NotebookConverter) -> None:
    cache = Cache(tmp_path / "cache")
    keys = {}
    for colour, name in (("#ff0000", "kept"), ("#00ff00", "dropped")):
        path = write_notebook(tmp_path / f"{name}.ipynb", name, extra_outputs=[])
        data = path.read_bytes()
        keys[name] = cache_key("notebook", data + colour.encode())
        notebook = converter.convert(path, data)
        cache.store_notebook(keys[name], notebook)
    shared_blobs = _blobs(tmp_path / "cache")
    assert len(_entries(tmp_path / "cache")) == 2

    # Touched after the (earlier) build start: a concurrent build's entry survives.
    assert cache.evict({keys["kept"]}, older_than=time.time() - 60) == 0
    assert len(_entries(tmp_path / "cache")) == 2

    assert cache.evict({keys["kept"]}, older_than=time.time() + 1) == 1
    assert cache.load_notebook(keys["kept"]) is not None
    assert cache.load_notebook(keys["dropped"]) is None
    # Both notebooks show the same image: the blob stays for the entry still using it.
    assert _blobs(tmp_path / "cache") == shared_blobs

    assert cache.evict(set(), older_than=time.time() + 1) == 1
    assert _blobs(tmp_path / "cache") == []


def test_input_digests_are_remembered_but_any_write_is_noticed(tmp_path: Path) -> None:
    source = tmp_path / "nb.ipynb"
    source.write_bytes(b"first")
    cache = Cache(tmp_path / "cache")
    first = cache.input_digest(source)
    cache.save_input_digests()
    assert Cache(tmp_path / "cache").input_digest(source) == first

    stat = source.stat()
    source.write_bytes(b"other")  # same size; put the old modification time back
    os.utime(source, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert Cache(tmp_path / "cache").input_digest(source) != first


def test_editing_any_module_of_the_rendering_code_changes_every_key(tmp_path: Path) -> None:
    package = Path(cache.__file__).resolve().parent.parent
    copy = tmp_path / "neuroverse_site"
    shutil.copytree(package, copy, ignore=shutil.ignore_patterns("__pycache__"))
    before = cache.code_fingerprint(copy)
    assert before == cache.code_fingerprint(package)
    for module in ["build/mathml.py", "build/render/templates/article.md.j2", "core/ids.py",
                   "build/notebook_templates/neuroverse/notebook.html.j2"]:
        edited = copy / module
        original = edited.read_bytes()
        edited.write_bytes(original + b"\n# an edit\n")
        assert cache.code_fingerprint(copy) != before, module
        edited.write_bytes(original)
    assert cache.code_fingerprint(copy) == before


def test_the_key_follows_every_library_beneath_the_package() -> None:
    versions = cache.library_versions()
    # Direct requirements and what they stand on (nbconvert renders Markdown with mistune).
    for name in ["nbconvert", "latex2mathml", "mistune", "pygments", "nh3", "pypdfium2",
                 "pillow", "neuroverse-site", "jinja2", "markupsafe"]:
        assert versions.get(name, "absent") != "absent", name
    assert versions["mistune"] == metadata.version("mistune")
