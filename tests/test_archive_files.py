"""Files left off the site are found anywhere in the archive (NV310), and only the owner's
files count: tools' folders, the site, the cache and hand-written pages never do."""

from __future__ import annotations

import os
import shutil
import subprocess
import textwrap
from pathlib import Path

import pytest

from neuroverse_site.cli import main
from neuroverse_site.core.archive_files import archive_files, is_ignored, is_note_candidate
from neuroverse_site.core.checks import CheckOptions, check_file, unlisted_files
from neuroverse_site.core.loader import load_catalogue_file

from archive_factory import write_notebook, write_pdf
from conftest import SiteBuilder

CATALOGUE = """\
site:
  title: Orphans
sections:
  - id: cnn
    title: Convolutional networks
    status: active
  - id: rnn
    title: Recurrent networks
    status: active
experiments:
  - id: unet
    title: U-Net
    section: cnn
    notebook: Python/Unet.ipynb
articles:
  - id: memory
    title: Memory
    summary: What RNNs keep.
    sections: [rnn]
    pdf: Docs/memory.pdf
"""


def make(root: Path, files: dict[str, str], catalogue: str = CATALOGUE) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "catalogue.yml").write_text(catalogue, encoding="utf-8")
    for relative, kind in {"Python/Unet.ipynb": "notebook", "Docs/memory.pdf": "pdf",
                           **files}.items():
        target = root / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        if kind == "notebook":
            write_notebook(target, "A notebook")
        elif kind == "pdf":
            write_pdf(target)
        else:
            target.write_text(kind, encoding="utf-8")
    return root / "catalogue.yml"


def orphans(catalogue: Path) -> list[str]:
    result = check_file(catalogue, catalogue.parent, CheckOptions(read_contents=False))
    return [d.message.split("'")[1] for d in result.diagnostics if d.code == "NV310"]


def test_orphans_are_found_anywhere_with_the_entry_to_add(tmp_path: Path) -> None:
    catalogue = make(tmp_path, {
        "mnist.ipynb": "notebook",                      # at the root
        "Python/maskcnn.ipynb": "notebook",             # beside a catalogued notebook
        "Experiments/deep/callbacks.ipynb": "notebook",  # any depth
        "Docs/GAN.pdf": "pdf",
        "TRANSFORMERS.PDF": "pdf",                      # any case
        "notes/rnn.md": "# RNN\n\nA note.\n",
        "Sections/Day1 Intro.markdown": "Day one.\n",
    })
    result = check_file(catalogue, tmp_path, CheckOptions(read_contents=False))
    hints = {d.message.split("'")[1]: d.hint for d in result.diagnostics if d.code == "NV310"}
    assert sorted(hints) == sorted([
        "mnist.ipynb", "Python/maskcnn.ipynb", "Experiments/deep/callbacks.ipynb",
        "Docs/GAN.pdf", "TRANSFORMERS.PDF", "notes/rnn.md", "Sections/Day1 Intro.markdown"])
    assert all(d.severity == "warning" for d in result.diagnostics)
    # The section of the entries beside the file, when there are some.
    assert "`neuroverse add experiment Python/maskcnn.ipynb --section cnn`" in hints[
        "Python/maskcnn.ipynb"]
    assert '`neuroverse add article Docs/GAN.pdf --section rnn --summary "..."`' in hints[
        "Docs/GAN.pdf"]
    assert "neuroverse add experiment mnist.ipynb --section ID" in hints["mnist.ipynb"]
    assert "neuroverse add article notes/rnn.md --section ID" in hints["notes/rnn.md"]
    assert "'Sections/Day1 Intro.markdown' --section" in hints["Sections/Day1 Intro.markdown"]
    assert all("ignore:" in hint for hint in hints.values())


EXCLUDED = {
    ".git/objects/x.ipynb": "notebook",
    ".ipynb_checkpoints/Unet-checkpoint.ipynb": "notebook",
    "Python/.ipynb_checkpoints/Unet-checkpoint.ipynb": "notebook",
    ".venv/lib/site-packages/nbformat/tests/test.ipynb": "notebook",
    "venv/share/doc.pdf": "pdf",
    "env/notes.md": "# A package's notes\n",
    "tools/my-environment/pyvenv.cfg": "home = /usr/bin\n",
    "tools/my-environment/lib/python3.12/site-packages/pkg/demo.ipynb": "notebook",
    "node_modules/pkg/README-notes.md": "# npm\n",
    "node_modules/pkg/guide.pdf": "pdf",
    "site/papers/memory.pdf": "pdf",
    ".cache/neuroverse/blob.pdf": "pdf",
    "Python/__pycache__/x.ipynb": "notebook",
    "docs/about.md": "# About this site\n",
    ".github/ISSUE_TEMPLATE.md": "# Issue\n",
    "notes/.draft.md": "# Hidden draft\n",
    "Python/CVS/old.ipynb": "notebook",
    "RCS/notes.md": "# Old revision\n",
}


@pytest.mark.parametrize("relative", sorted(EXCLUDED))
def test_tools_folders_and_site_pages_are_never_orphans(tmp_path: Path, relative: str) -> None:
    (tmp_path / "mkdocs.yml").write_text("site_name: x\n")  # docs_dir: docs, site_dir: site
    catalogue = make(tmp_path, {relative: EXCLUDED[relative], "Python/new.ipynb": "notebook"})
    assert orphans(catalogue) == ["Python/new.ipynb"]


def test_the_docs_and_site_folders_are_those_mkdocs_yml_names(tmp_path: Path) -> None:
    (tmp_path / "mkdocs.yml").write_text(
        "site_name: x\ndocs_dir: pages\nsite_dir: public\n"
        "repo_url: !ENV [REPO_URL, 'https://example.org']\n")
    catalogue = make(tmp_path, {"pages/index.md": "# Home\n", "public/x.pdf": "pdf",
                                "docs/lecture.md": "# A note kept in docs/\n"})
    assert orphans(catalogue) == ["docs/lecture.md"]


def test_repository_files_and_indexes_are_not_notes(tmp_path: Path) -> None:
    catalogue = make(tmp_path, {
        "README.md": "# Archive\n", "Python/readme.md": "# Notebooks\n",
        "LICENSE.md": "MIT\n", "CHANGELOG.md": "1.0\n", "CONTRIBUTING.md": "PRs welcome\n",
        "docs-src/TODO.markdown": "- more\n",
        # A learning log that links the archive's files is an index, as a README is.
        "Neural_Networks.md": "| 1 | [U-Net](Python/Unet.ipynb) | [notes](Docs/memory.pdf) |\n",
        "Sections/RNN.md": "[a](../Notebooks/mnist.ipynb) [b](../Docs/missing.pdf)\n",
        # One link does not make an index.
        "notes/unet.md": "# U-Net\n\nSee [the notebook](../Python/Unet.ipynb).\n",
    })
    assert orphans(catalogue) == ["notes/unet.md"]
    assert not is_note_candidate(tmp_path, "Neural_Networks.md")
    assert is_note_candidate(tmp_path, "notes/unet.md")


def test_catalogued_notes_are_not_orphans_and_ignore_patterns_leave_files_out(
        tmp_path: Path) -> None:
    catalogue = make(tmp_path, {
        "notes/rnn.md": "# RNN\n", "drafts/a.ipynb": "notebook", "x/drafts/b.pdf": "pdf",
        "bench/RESULTS.md": "# Results\n", "src/bench/keep.md": "# Kept\n",
        "papers/old-cnn.draft.pdf": "pdf", "Python/scratch.ipynb": "notebook",
    }, CATALOGUE + textwrap.dedent("""\
          - id: rnn-notes
            title: RNN notes
            summary: A note.
            sections: [rnn]
            note: notes/rnn.md
        ignore:
          - drafts/
          - /bench
          - "*.draft.pdf"
        """))
    assert orphans(catalogue) == ["Python/scratch.ipynb", "src/bench/keep.md"]


def test_is_ignored_reads_patterns_as_gitignore_does() -> None:
    assert is_ignored("drafts/a.ipynb", ["drafts/"])
    assert is_ignored("x/drafts/a.ipynb", ["drafts/"])
    assert not is_ignored("drafts", ["drafts/"])  # a file named drafts is not a folder
    assert is_ignored("drafts/", ["drafts/"])
    assert is_ignored("bench/x.md", ["/bench"])
    assert not is_ignored("src/bench/x.md", ["/bench"])
    assert is_ignored("notes/old-1.md", ["notes/old-*.md"])
    assert not is_ignored("notes/new.md", ["notes/old-*.md"])
    assert is_ignored("a/b/c.draft.pdf", ["*.draft.pdf"])


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="needs symlinks")
def test_symlinked_folders_are_not_followed(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    write_notebook(outside / "far.ipynb", "Far")
    catalogue = make(tmp_path / "archive", {"Python/new.ipynb": "notebook"})
    os.symlink(outside, tmp_path / "archive" / "linked")
    assert orphans(catalogue) == ["Python/new.ipynb"]


def git(root: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=root, check=True, capture_output=True,
                   env={**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org",
                        "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.org"})


@pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
def test_a_git_checkout_is_listed_by_git(tmp_path: Path) -> None:
    catalogue = make(tmp_path, {
        ".gitignore": "outputs/\n*.tmp.ipynb\n",
        "outputs/run1/report.pdf": "pdf",      # ignored by git: not the archive's
        "Python/trial.tmp.ipynb": "notebook",   # ignored by git
        "Python/tracked.ipynb": "notebook",
        "Python/untracked.ipynb": "notebook",   # new, not ignored: still the owner's
    })
    git(tmp_path, "init", "-q")
    git(tmp_path, "add", "catalogue.yml", ".gitignore", "Python/Unet.ipynb",
        "Python/tracked.ipynb", "Docs/memory.pdf")
    git(tmp_path, "commit", "-q", "-m", "archive")
    listing = archive_files(tmp_path)
    assert listing.from_git
    assert "outputs/run1/report.pdf" not in listing.files
    assert orphans(catalogue) == ["Python/tracked.ipynb", "Python/untracked.ipynb"]
    # Deleted since the last commit: not a file any more.
    (tmp_path / "Python/tracked.ipynb").unlink()
    assert orphans(catalogue) == ["Python/untracked.ipynb"]
    # Without git the folder is walked, and .gitignore is not read.
    assert "outputs/run1/report.pdf" in archive_files(tmp_path, use_git=False).files


def test_the_listing_stops_at_its_limit(tmp_path: Path) -> None:
    make(tmp_path, {f"data/{n:03}.ipynb": "notebook" for n in range(30)})
    listing = archive_files(tmp_path, limit=10)
    assert listing.truncated and len(listing.files) < 10
    assert not archive_files(tmp_path).truncated


def test_unlisted_files_is_what_check_reports(tmp_path: Path) -> None:
    catalogue = make(tmp_path, {"mnist.ipynb": "notebook", "notes/a.md": "# A\n"})
    loaded = load_catalogue_file(catalogue).catalogue
    assert loaded is not None
    unlisted = unlisted_files(loaded, tmp_path)
    assert unlisted.files == (("mnist.ipynb", "experiment"), ("notes/a.md", "article"))
    assert [f for f, _ in unlisted.files] == orphans(catalogue)


def test_check_prints_the_orphans_and_strict_fails(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    make(tmp_path, {"Experiments/mnist.ipynb": "notebook"})
    monkeypatch.chdir(tmp_path)
    assert main(["check"]) == 0
    assert main(["check", "--strict"]) == 1
    out = capsys.readouterr().out
    assert "warning NV310 'Experiments/mnist.ipynb' is not in the catalogue" in out


def test_the_site_build_reports_orphans_but_not_its_own_pages(build_site: SiteBuilder) -> None:
    files = {"Python/Unet.ipynb": lambda p: write_notebook(p, "U-Net"),
             "Docs/memory.pdf": lambda p: write_pdf(p),
             "docs/about.md": "# About\n\nA hand-written page.\n",
             "Notes/loose.md": "# A loose note\n"}
    site = build_site(CATALOGUE, files, strict=False)  # type: ignore[arg-type]
    orphan_lines = [line for line in site.warnings() if "NV310" in line]
    assert len(orphan_lines) == 1 and "'Notes/loose.md'" in orphan_lines[0]
    failed = build_site(CATALOGUE, files, expect_failure=True)  # type: ignore[arg-type]
    assert failed.error is not None
