"""What the cache trusts without reading again (build/cache.py `_Known`, `_Remembered`): a
blob or entry this process checked is not hashed again while it is the same file with the
same size and times, and a serve session's loaded entries are reused while all of their
files are. Every test changes one file the way a person or a tool could and shows the
stale answer is not given."""

from __future__ import annotations

import hashlib
import os
import sys
import time
from pathlib import Path

import pytest

from neuroverse_site.build import cache as cache_module
from neuroverse_site.build.cache import Cache, cache_key
from neuroverse_site.build.notebooks import NotebookConverter, NotebookOptions
from neuroverse_site.build.pdfs import PdfFacts, PdfPage

from archive_factory import png_bytes, write_notebook

TICK = 0.05  # past the file system's clock tick: a write gets a new time


def two_notebooks_sharing_an_image(tmp_path: Path) -> tuple[Path, list[str]]:
    """Two notebooks whose Markdown shows the same picture: one blob, two entries."""
    (tmp_path / "figure.png").write_bytes(png_bytes("#112233"))
    cache_dir = tmp_path / "cache"
    keys = []
    for name in ("one", "two"):
        path = write_notebook(tmp_path / f"{name}.ipynb", name.title(),
                              markdown="![A figure](figure.png)")
        data = path.read_bytes()
        rendered = NotebookConverter(NotebookOptions()).convert(path, data)
        key = cache_key("notebook", data)
        Cache(cache_dir).store_notebook(key, rendered)
        keys.append(key)
    blobs = [p for p in (cache_dir).rglob("blobs/*") if not p.name.startswith(".tmp")]
    assert blobs, "the shared picture is a blob"
    return cache_dir, keys


def a_blob(cache_dir: Path) -> Path:
    return next(p for p in cache_dir.rglob("blobs/*") if not p.name.startswith(".tmp"))


def count_entry_reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    reads: list[str] = []
    original = Cache._read_entry

    def counted(self: Cache, path: Path, key: str, kind: str) -> object:
        reads.append(key)
        return original(self, path, key, kind)

    monkeypatch.setattr(Cache, "_read_entry", counted)
    return reads


def test_entries_sharing_a_blob_are_both_reused_by_the_next_build(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Each load touches the shared blob; a record of its time kept per entry went stale at
    # the other entry's touch, and every build read and hashed both entries again.
    cache_dir, keys = two_notebooks_sharing_an_image(tmp_path)
    first = [Cache(cache_dir, remember=True).load_notebook(k) for k in keys]
    assert all(first)
    reads = count_entry_reads(monkeypatch)
    for _ in range(3):  # three more builds of the session
        again = [Cache(cache_dir, remember=True).load_notebook(k) for k in keys]
        assert again == first
    assert reads == []


def test_a_checked_blob_is_not_hashed_again_while_unchanged(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cache_dir, keys = two_notebooks_sharing_an_image(tmp_path)
    blob = a_blob(cache_dir)
    data = blob.read_bytes()
    hashed: list[bytes] = []

    class CountingHashlib:
        @staticmethod
        def sha256(value: bytes = b"") -> object:
            # The notebook's own picture is hashed on every hit too, as it must be (a
            # local file it reads): only the cache's checks of its blobs are counted.
            if sys._getframe(1).f_code.co_name == "_read_blob":
                hashed.append(bytes(value))
            return hashlib.sha256(value)

    monkeypatch.setattr(cache_module, "hashlib", CountingHashlib)
    for key in keys * 2:  # plain builds' caches: no entry remembered, every blob read
        assert Cache(cache_dir).load_notebook(key) is not None
    assert hashed.count(data) <= 1  # checked once at most, then trusted


@pytest.mark.parametrize("change", ["same size, new time", "same size, time put back",
                                    "replaced, time put back", "removed"])
def test_a_blob_changed_after_it_was_checked_is_checked_again(
        tmp_path: Path, change: str) -> None:
    cache_dir, keys = two_notebooks_sharing_an_image(tmp_path)
    assert Cache(cache_dir).load_notebook(keys[0]) is not None  # checked, trusted now
    assert Cache(cache_dir, remember=True).load_notebook(keys[1]) is not None
    blob = a_blob(cache_dir)
    status = blob.stat()
    time.sleep(TICK)
    damaged = bytearray(blob.read_bytes())
    damaged[-1] ^= 0x01
    if change.startswith("same size"):  # edited in place, as through the site's hard link
        with blob.open("r+b") as stream:
            stream.write(bytes(damaged))
    elif change.startswith("replaced"):
        temp = blob.with_name("replacement")
        temp.write_bytes(bytes(damaged))
        os.replace(temp, blob)
    else:
        blob.unlink()
    if change.endswith("time put back"):
        os.utime(blob, ns=(status.st_atime_ns, status.st_mtime_ns))
        assert blob.stat().st_size == status.st_size
        assert blob.stat().st_mtime_ns == status.st_mtime_ns
    # A new build's cache and the serve session's remembered entry both see the damage.
    assert Cache(cache_dir).load_notebook(keys[0]) is None
    assert Cache(cache_dir, remember=True).load_notebook(keys[1]) is None


def test_a_damaged_blob_put_right_again_is_trusted_again(tmp_path: Path) -> None:
    cache_dir, keys = two_notebooks_sharing_an_image(tmp_path)
    blob = a_blob(cache_dir)
    good = blob.read_bytes()
    time.sleep(TICK)
    blob.write_bytes(good[:-1] + bytes([good[-1] ^ 0x01]))
    assert Cache(cache_dir).load_notebook(keys[0]) is None
    time.sleep(TICK)
    blob.write_bytes(good)
    assert Cache(cache_dir).load_notebook(keys[0]) is not None


def pdf_with_page_images(cache_dir: Path) -> tuple[str, list[Path]]:
    return pdf_with_page_images_in(Cache(cache_dir))


def pdf_with_page_images_in(cache: Cache) -> tuple[str, list[Path]]:
    page = PdfPage(1, 10, 14, png_bytes("#223344"), png_bytes("#556677"), "Page one")
    facts = PdfFacts(pages=1, size_bytes=100, thumbnail_png=png_bytes("#001122"),
                     rendered=(page,))
    key = cache_key("pdf", b"%PDF a paper")
    cache.store_pdf(key, facts)
    return key, [cache.blob_path(name) for _, name, _ in page.names()]


@pytest.mark.parametrize("change", ["removed", "none"])
def test_a_remembered_pdf_entry_is_a_miss_once_a_page_image_is_gone(
        tmp_path: Path, change: str) -> None:
    # Page images are published from the cache's files and never read: a serve session's
    # remembered entry must still find them there, as a read of the entry does.
    cache_dir = tmp_path / "cache"
    key, images = pdf_with_page_images(cache_dir)
    loaded = Cache(cache_dir, remember=True).load_pdf(key)
    assert loaded is not None and loaded.rendered[0].image_name
    if change == "removed":
        images[0].unlink()
    again = Cache(cache_dir, remember=True).load_pdf(key)
    assert again == (loaded if change == "none" else None)


def test_an_entry_edited_in_place_with_its_time_put_back_is_a_miss(tmp_path: Path) -> None:
    cache_dir, keys = two_notebooks_sharing_an_image(tmp_path)
    assert Cache(cache_dir, remember=True).load_notebook(keys[0]) is not None
    entry = next(cache_dir.rglob(f"entries/*/{keys[0]}.json"))
    status = entry.stat()
    time.sleep(TICK)
    content = bytearray(entry.read_bytes())
    content[len(content) // 2] ^= 0x01
    with entry.open("r+b") as stream:
        stream.write(bytes(content))
    os.utime(entry, ns=(status.st_atime_ns, status.st_mtime_ns))
    assert Cache(cache_dir, remember=True).load_notebook(keys[0]) is None


@pytest.mark.parametrize("damage", [False, True])
def test_what_a_serve_session_stored_is_reused_as_a_read_would_load_it(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, damage: bool) -> None:
    (tmp_path / "figure.png").write_bytes(png_bytes("#112233"))
    path = write_notebook(tmp_path / "nb.ipynb", "Filters", markdown="![A figure](figure.png)")
    data = path.read_bytes()
    rendered = NotebookConverter(NotebookOptions()).convert(path, data)
    key = cache_key("notebook", data)
    cache_dir = tmp_path / "cache"
    Cache(cache_dir, remember=True).store_notebook(key, rendered)
    pdf_key, images = pdf_with_page_images_in(Cache(cache_dir, remember=True))
    if damage:
        time.sleep(TICK)
        blob = Cache(cache_dir).blob_path(rendered.assets[0].name)
        content = bytearray(blob.read_bytes())
        content[-1] ^= 0x01
        with blob.open("r+b") as stream:
            stream.write(bytes(content))
        images[0].unlink()
    reads = count_entry_reads(monkeypatch)
    remembered = Cache(cache_dir, remember=True).load_notebook(key)
    remembered_pdf = Cache(cache_dir, remember=True).load_pdf(pdf_key)
    if not damage:
        assert reads == []  # taken from memory, not read back
    monkeypatch.undo()
    assert remembered == Cache(cache_dir).load_notebook(key)  # as a plain read loads it
    assert remembered_pdf == Cache(cache_dir).load_pdf(pdf_key)
    assert (remembered is None) == (remembered_pdf is None) == damage
