"""Rebuilds in a fresh process (`mkdocs build --dirty`, as `make serve`'s first build and the
benchmark run it) pay for nothing they do not use: a build whose notebooks and PDFs all come
from the cache imports no converter, and a notebook rendered again finds nbconvert's
templates compiled already. Each shortcut is shown to give the site a clean build gives."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from importlib import resources
from pathlib import Path
from typing import Any

from test_incremental import CATALOGUE, FILES, Archive, assert_same_site

from neuroverse_site.build.cache import environment_fingerprint

from archive_factory import text_pdf_bytes, write_notebook
from conftest import BuiltSite, SiteBuilder

# Libraries only drawing, converting or validating needs, and MkDocs' preview server.
RENDERING_ONLY = ("nbconvert", "nbformat", "pypdfium2", "jsonschema", "latex2mathml",
                  "mkdocs.livereload")

_BUILD_AND_LIST_MODULES = """
import json, runpy, sys
sys.argv = ["mkdocs", "build", "--dirty", "-f", sys.argv[1], "-d", sys.argv[2]]
try:
    runpy.run_module("mkdocs", run_name="__main__", alter_sys=True)
except SystemExit as exit:
    if exit.code:
        raise
print(json.dumps(sorted(sys.modules)))
"""


def modules_of_a_dirty_build(root: Path, site_dir: Path) -> set[str]:
    done = subprocess.run(
        [sys.executable, "-c", _BUILD_AND_LIST_MODULES, str(root / "mkdocs.yml"),
         str(site_dir)],
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"}, capture_output=True, text=True,
        check=False)
    assert done.returncode == 0, done.stderr
    return set(json.loads(done.stdout.splitlines()[-1]))


def imported(modules: set[str], name: str) -> bool:
    return any(module == name or module.startswith(name + ".") for module in modules)


def test_a_no_change_rebuild_imports_no_converter(build_site: SiteBuilder,
                                                   tmp_path: Path) -> None:
    archive = Archive(build_site, tmp_path)
    modules = modules_of_a_dirty_build(archive.root, archive.first.site_dir)
    assert [name for name in RENDERING_ONLY if imported(modules, name)] == []
    # The build did run our plugin and leave the site whole.
    assert imported(modules, "neuroverse_site.plugin")
    assert_same_site(archive.dirty(), archive.clean())


def test_a_notebook_edit_is_converted_with_the_templates_compiled_before(
        build_site: SiteBuilder, tmp_path: Path) -> None:
    archive = Archive(build_site, tmp_path)
    compiled = archive.root / ".cache" / "neuroverse" / "templates" / "notebooks"
    kept = sorted(compiled.rglob("*.cache"))
    assert kept, "the first build kept no compiled notebook template"
    # A damaged compiled template is compiled again, never used (Jinja checks each one).
    for path in kept[: len(kept) // 2]:
        path.write_bytes(b"not a compiled template")
    write_notebook(archive.root / "notebooks/filters.ipynb", "Digit filters, edited",
                   heading="Kernels again")
    edited = archive.dirty()
    assert "Kernels again" in edited.text("experiments/filters/")
    assert_same_site(edited, archive.clean())


def test_an_edit_in_a_process_that_imported_nothing_of_the_converters_renders_it(
        build_site: SiteBuilder, tmp_path: Path) -> None:
    """A PDF and a notebook edit (with a formula) after a no-change rebuild: what that
    rebuild never imported is imported when it is needed (each is rendered, the site
    equals a clean build's)."""
    archive = Archive(build_site, tmp_path, CATALOGUE, FILES)
    archive.dirty()
    write_notebook(archive.root / "notebooks/lstm.ipynb", "Long memories", image=False,
                   markdown="The gate is $\\sigma(x)$.")
    pdf = archive.root / "papers/lenet.pdf"
    pdf.write_bytes(pdf.read_bytes() + b"\n% edited\n")
    edited = archive.dirty()
    assert "<math" in edited.text("experiments/lstm/")
    assert_same_site(edited, archive.clean())


def test_a_rebuild_with_nothing_to_write_leaves_the_build_record_as_it_was(
        build_site: SiteBuilder, tmp_path: Path) -> None:
    archive = Archive(build_site, tmp_path)
    records = sorted((archive.root / ".cache" / "neuroverse" / "incremental").glob("*.json"))
    assert len(records) == 1
    record = records[0]
    archive.dirty()  # the first dirty build may record what a clean one did not
    before = record.stat()
    archive.dirty()
    after = record.stat()
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)
    # The record it kept still tells the next build the truth.
    write_notebook(archive.root / "notebooks/pooling.ipynb", "Pooling", heading="Max pooling")
    edited = archive.dirty()
    assert record.stat().st_mtime_ns != before.st_mtime_ns  # the edit was recorded
    assert "Max pooling" in edited.text("experiments/pooling/")
    assert_same_site(edited, archive.clean())


# The generated pages a fresh process takes from the last build's (the page memo kept in
# the cache): the rebuild must equal a build that rendered every page afresh.

MEMO_LINE = re.compile(r"generated pages: (\d+) as the last build made them, (\d+) rendered")


def memo_files(archive: Archive) -> list[Path]:
    return sorted((archive.root / ".cache" / "neuroverse" / "incremental").glob("pages-*"))


def dirty_build_counting_pages(archive: Archive) -> tuple[BuiltSite, int, int]:
    """A `--dirty` build in its own process; the pages it took from the last build's and
    the pages it rendered."""
    done = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--dirty", "-v", "-f",
         str(archive.root / "mkdocs.yml"), "-d", str(archive.first.site_dir)],
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"}, capture_output=True, text=True,
        check=False)
    assert done.returncode == 0, done.stderr
    found = MEMO_LINE.search(done.stderr)
    assert found is not None, done.stderr[-2000:]
    return (BuiltSite(archive.root, archive.first.site_dir, done.stderr.splitlines()),
            int(found[1]), int(found[2]))


def fresh_clean_build(archive: Archive) -> BuiltSite:
    """A clean build that renders every generated page: no memo to take them from."""
    for path in memo_files(archive):
        path.unlink()
    return archive.clean()


def test_a_fresh_process_takes_unchanged_generated_pages_from_the_last_build(
        build_site: SiteBuilder, tmp_path: Path) -> None:
    archive = Archive(build_site, tmp_path)
    assert len(memo_files(archive)) == 1
    site, taken, rendered = dirty_build_counting_pages(archive)
    assert taken > 5 and rendered == 0
    assert_same_site(site, fresh_clean_build(archive))


def test_pages_that_read_an_edited_notebook_or_pdf_are_rendered_again(
        build_site: SiteBuilder, tmp_path: Path) -> None:
    archive = Archive(build_site, tmp_path)
    write_notebook(archive.root / "notebooks/pooling.ipynb", "Pooling", heading="Max pooling",
                   image=False)  # its card loses its picture: other pages show that
    pdf = archive.root / "papers/lenet.pdf"
    pdf.write_bytes(text_pdf_bytes(["Gradient-based learning", "Page two, edited.",
                                    "A third page."]))
    site, taken, rendered = dirty_build_counting_pages(archive)
    assert taken > 0 and rendered > 0
    assert "A third page" in site.text("articles/lenet/")
    assert_same_site(site, fresh_clean_build(archive))


def test_a_catalogue_edit_renders_every_generated_page_again(
        build_site: SiteBuilder, tmp_path: Path) -> None:
    archive = Archive(build_site, tmp_path)
    catalogue = archive.root / "catalogue.yml"
    catalogue.write_text(catalogue.read_text(encoding="utf-8").replace(
        "title: Pooling", "title: Pooling layers"), encoding="utf-8")
    site, taken, rendered = dirty_build_counting_pages(archive)
    assert taken == 0 and rendered > 5
    assert "Pooling layers" in site.text("experiments/pooling/")
    assert_same_site(site, fresh_clean_build(archive))


def test_a_template_override_added_between_builds_is_used(
        build_site: SiteBuilder, tmp_path: Path) -> None:
    def with_overrides(catalogue: str, files: dict[str, Any]) -> BuiltSite:
        return build_site(catalogue, {**files, "overrides/README.txt": "Page templates.\n"},
                          plugin_options="templates_dir: overrides")

    archive = Archive(with_overrides, tmp_path)  # type: ignore[arg-type]
    ours = resources.files("neuroverse_site") / "build" / "render" / "templates"
    (archive.root / "overrides" / "experiment.md.j2").write_text(
        (ours / "experiment.md.j2").read_text(encoding="utf-8")
        + "\nKept by the lab of the overrides.\n", encoding="utf-8")
    site, taken, rendered = dirty_build_counting_pages(archive)
    assert taken == 0 and rendered > 5
    assert "Kept by the lab of the overrides." in site.text("experiments/pooling/")
    assert_same_site(site, fresh_clean_build(archive))


def test_pages_kept_by_other_code_are_not_used(build_site: SiteBuilder,
                                                tmp_path: Path) -> None:
    archive = Archive(build_site, tmp_path)
    (kept,) = memo_files(archive)
    data = kept.read_bytes()
    fingerprint = environment_fingerprint().encode()
    assert fingerprint in data
    kept.write_bytes(data.replace(fingerprint, fingerprint.replace(b"format", b"formaT")))
    _, taken, rendered = dirty_build_counting_pages(archive)
    assert taken == 0 and rendered > 5
    kept.write_bytes(b"\x80\x05damaged")
    site, taken, _ = dirty_build_counting_pages(archive)
    assert taken == 0
    assert_same_site(site, fresh_clean_build(archive))
