"""`neuroverse import` as a command: what it writes, what it never overwrites, where the
site's files go, git checkouts, and the small pure pieces (numbering, statuses, ids, titles).
The README shapes themselves are golden cases (tests/test_import_cases.py)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from neuroverse_site.authoring.naming import entry_id, readable_filename, section_id
from neuroverse_site.authoring.readme_reader import numbered, status_from_badge, status_from_text
from neuroverse_site.cli import main
from neuroverse_site.core.model import Status

from import_helpers import imported, run_import, write_archive

SMALL = {
    "README.md": "# Tiny Verse\n\nNeural networks, one notebook at a time.\n\n"
                 "## 1. CNNs\n- [U-Net](Python/unet.ipynb)\n- [Padding](Docs/padding.pdf)\n",
    "Python/unet.ipynb": "U-Net",
    "Python/extra.ipynb": "",
    "Docs/padding.pdf": "",
}


@pytest.fixture
def small(tmp_path: Path) -> Path:
    root = tmp_path / "tiny"
    root.mkdir()
    write_archive(root, SMALL)
    return root


def test_import_writes_the_catalogue_mkdocs_yml_and_a_home_page(
        small: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    code, err = run_import(small, ["README.md"], capsys, monkeypatch)
    assert code == 0, err
    catalogue = imported(small)
    assert {e.notebook for e in catalogue.experiments} == {"Python/unet.ipynb",
                                                           "Python/extra.ipynb"}
    config = yaml.safe_load((small / "mkdocs.yml").read_text(encoding="utf-8"))
    assert config["site_name"] == "Tiny Verse"
    assert config["site_description"] == "Neural networks, one notebook at a time."
    # The archive keeps PDFs in Docs/: docs/ would be the same folder on macOS and Windows.
    assert config["docs_dir"] == "site-docs"
    assert config["theme"] == {"name": "material", "font": False, "features": [
        "navigation.indexes", "navigation.tabs", "navigation.prune", "search.highlight"]}
    assert {"neuroverse": {"catalogue": "catalogue.yml"}} in config["plugins"]
    assert (small / "site-docs" / "index.md").is_file()
    assert not (small / "docs").exists()
    assert "catalogue.yml: written (2 sections, 2 experiments, 1 article, 0 resources; 3 of 3 "\
           "notebooks and PDFs in the tree; 0 warnings, 0 notes)" in err
    assert "  created mkdocs.yml" in err and "  created site-docs/index.md" in err


def test_the_docs_folder_avoids_every_folder_of_the_archive_in_any_case(
        small: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    (small / "SITE-DOCS").mkdir()
    (small / "Site").mkdir()
    assert run_import(small, [], capsys, monkeypatch)[0] == 0
    config = yaml.safe_load((small / "mkdocs.yml").read_text(encoding="utf-8"))
    assert config["docs_dir"] == "neuroverse-docs"
    assert config["site_dir"] == "built-site"


def test_an_existing_mkdocs_yml_and_home_page_are_kept(
        small: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    (small / "mkdocs.yml").write_text("site_name: Mine\n", encoding="utf-8")
    code, err = run_import(small, [], capsys, monkeypatch)
    assert code == 0
    assert (small / "mkdocs.yml").read_text(encoding="utf-8") == "site_name: Mine\n"
    assert not (small / "site-docs").exists()
    assert not any("created" in line for line in err)
    assert any(line.startswith("note: mkdocs.yml is kept as it is; to publish the catalogue, "
                               "add the plugin") for line in err)


def test_an_existing_catalogue_is_never_overwritten_and_the_diff_is_shown(
        small: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    mine = "site:\n  title: Mine\nsections: []\n"
    (small / "catalogue.yml").write_text(mine, encoding="utf-8")
    monkeypatch.chdir(small)
    assert main(["import"]) == 1
    out, err = capsys.readouterr()
    assert (small / "catalogue.yml").read_text(encoding="utf-8") == mine
    assert out.startswith("--- catalogue.yml (yours)\n+++ catalogue.yml (imported now)\n")
    assert "+    notebook: Python/unet.ipynb\n" in out
    assert ("error: catalogue.yml already exists, so nothing was written; it lacks 3 files the "
            "archive holds: Python/unet.ipynb, Docs/padding.pdf, Python/extra.ipynb") in err
    assert not (small / "mkdocs.yml").exists()
    # Written elsewhere, the fresh import is kept beside the owner's own.
    assert main(["import", "-o", "imported.yml"]) == 0
    assert imported(small, "imported.yml").site.title == "Tiny Verse"


def test_dash_prints_the_catalogue_and_writes_nothing(
        small: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(small)
    assert main(["import", "README.md", "-o", "-"]) == 0
    assert "notebook: Python/unet.ipynb" in capsys.readouterr().out
    assert sorted(p.name for p in small.iterdir()) == ["Docs", "Python", "README.md"]


def test_a_readme_given_from_elsewhere_reads_its_own_archive(
        small: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["import", str(small / "README.md")]) == 0
    assert imported(small).experiments[0].notebook == "Python/unet.ipynb"


@pytest.mark.parametrize(("args", "message"), [
    (["NOPE.md"], "error: cannot read NOPE.md: no such file"),
    (["README.md", "-o", "nowhere/catalogue.yml"], "nowhere is not a folder"),
    (["README.md", "-o", "Python/catalogue.yml"], "the catalogue must sit at the archive's root"),
])
def test_command_line_mistakes(small: Path, args: list[str], message: str,
                               capsys: pytest.CaptureFixture[str],
                               monkeypatch: pytest.MonkeyPatch) -> None:
    code, err = run_import(small, args, capsys, monkeypatch)
    assert code == 1
    assert any(message in line for line in err), err
    assert not (small / "catalogue.yml").exists()


def test_a_readme_that_is_not_utf8_is_read_with_a_warning(
        small: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    (small / "README.md").write_bytes(b"# Caf\xe9 notes\n\n## 1. CNNs\n- [U-Net](Python/unet.ipynb)\n")
    code, err = run_import(small, ["README.md"], capsys, monkeypatch)
    assert code == 0, err
    assert ("README.md:1:1: warning: is not UTF-8 text; read as Latin-1, so some characters "
            "may be wrong (hint: save it as UTF-8)") in err
    catalogue = imported(small)
    assert catalogue.site.title == "Caf\u00e9 notes"
    assert catalogue.experiments[0].title == "U-Net"


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_a_git_checkout_imports_its_files_but_not_ignored_ones_and_maps_its_own_urls(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "repo"
    root.mkdir()
    write_archive(root, {
        "README.md": "# Repo\n\n## 1. Basics\n"
                     "- [Tensors](https://github.com/Me/Repo/blob/main/nb/tensors.ipynb)\n",
        "nb/tensors.ipynb": "Tensors",
        "nb/tracked.ipynb": "Tracked",
        "nb/scratch.ipynb": "Scratch",
        ".gitignore": "scratch.ipynb\n",
    })

    def git(*args: str) -> None:
        subprocess.run(["git", "-C", str(root), *args], check=True, capture_output=True)

    git("init", "-q")
    git("add", "README.md", "nb/tensors.ipynb", "nb/tracked.ipynb")
    git("remote", "add", "origin", "git@github.com:me/repo.git")
    assert run_import(root, [], capsys, monkeypatch)[0] == 0
    catalogue = imported(root)
    assert catalogue.site.repository_url == "https://github.com/me/repo"
    assert [(e.title, e.section, e.notebook) for e in catalogue.experiments] == [
        ("Tensors", "basics", "nb/tensors.ipynb"), ("Tracked", "nb", "nb/tracked.ipynb")]
    assert "repo_url: \"https://github.com/me/repo\"" in (root / "mkdocs.yml").read_text()


def test_numbering_in_every_style() -> None:
    assert numbered("1️⃣ Neural Network Fundamentals") == (1, "Neural Network Fundamentals")
    assert numbered("🔟 Diffusion") == (10, "Diffusion")
    assert numbered("1️⃣0️⃣ Ten") == (10, "Ten")
    assert numbered("🔹 Module 3: CNNs") == (3, "CNNs")
    assert numbered("Part IV - RNNs") == (4, "RNNs")
    assert numbered("IV. RNNs") == (4, "RNNs")
    assert numbered("2. CNNs") == (2, "CNNs")
    assert numbered("Week 2") == (2, "Week 2")
    assert numbered("1.2 LSTM") is None  # a sub-point, not a section
    assert numbered("3D vision") is None
    assert numbered("C programming") is None
    assert numbered("About") is None


def test_statuses_in_every_style() -> None:
    assert status_from_text("🟡 In Progress") is Status.IN_PROGRESS
    assert status_from_text("Completed") is Status.COMPLETED
    assert status_from_text("✅ Done") is Status.COMPLETED
    assert status_from_text("🚧 WIP") is Status.IN_PROGRESS
    assert status_from_text("Not started") is Status.PLANNED
    assert status_from_text("🧾") is Status.UPDATING
    assert status_from_text("someday") is None
    assert status_from_badge("status", "https://img.shields.io/badge/status-completed-green") \
        is Status.COMPLETED
    assert status_from_badge("", "https://img.shields.io/badge/progress-40%25-yellow") \
        is Status.IN_PROGRESS
    assert status_from_badge("Python", "https://img.shields.io/badge/Python-3.10-blue") is None


def test_ids_are_the_meaningful_words_never_a_bad_cut() -> None:
    assert entry_id("Image Processing Fundamentals", set()) == "image-processing-fundamentals"
    taken: set[str] = set()
    ids = []
    for title in ("Image classification with CNNs", "Image segmentation with U-Net",
                  "Image captioning", "Fine-tuning BERT", "Parameter-efficient fine-tuning"):
        ids.append(entry_id(title, taken))
        taken.add(ids[-1])
    assert ids == ["image-classification-cnns", "image-segmentation-u-net", "image-captioning",
                   "fine-tuning-bert", "parameter-efficient-fine-tuning"]
    assert entry_id("Mask R-CNN\u2013Based Instance Segmentation and Object Detection on a "
                    "Static Image", set()) == "mask-r-cnn-instance-segmentation"
    assert entry_id("Experiment 3: The End", set()) == "end"
    assert entry_id("Callbacks", {"callbacks"}) == "callbacks-2"
    assert entry_id("DCGAN notebook", {"dcgan"}) == "dcgan-notebook"
    assert section_id("Recurrent Neural Networks (RNNs) & LSTMs", set()) == "rnn"
    assert section_id("Neural Network Fundamentals", set()) == "fundamentals"
    assert section_id("Classical Machine Learning", set()) == "classical-machine-learning"
    assert section_id("Generative Models (GANs & Autoencoders)", set()) == "generative"
    assert section_id("Generative Models", {"generative"}) == "generative-models"


def test_a_title_that_is_only_numbering_keeps_its_number_in_the_id() -> None:
    # Weeks and parts are told apart by their numbers, not by 'section', 'section-2'.
    assert [section_id(t, set()) for t in ("Week 1", "Week 12", "Module 3", "Part II", "7")] \
        == ["week-1", "week-12", "module-3", "part-ii", "section-7"]
    assert [entry_id(t, set()) for t in ("Day 4", "Part IV")] == ["day-4", "part-iv"]
    # A numeral after a numbering word is numbering; a word that looks like one is a word.
    assert section_id("Part IV - RNNs", set()) == "rnns"
    assert section_id("Xi and Yu", set()) == "xi-yu"
    assert entry_id("Mix", set()) == "mix"


def test_file_names_made_readable() -> None:
    assert readable_filename("Experiments/mnist_callbacks.ipynb") == "MNIST callbacks"
    assert readable_filename("TensorFlow_Callbacks.pdf.pdf") == "TensorFlow Callbacks"
    assert readable_filename("CNNimportance.pdf") == "CNN importance"
    assert readable_filename("Sentiment_analysis_LSTM.ipynb") == "Sentiment analysis LSTM"
    assert readable_filename("maskcnn.ipynb") == "Mask CNN"
    assert readable_filename("02-intro-to-nlp.ipynb") == "02 intro to NLP"
    assert readable_filename("imageSegmentation.ipynb") == "Image Segmentation"


FOLDER_README = (
    "# Deep learning course notes\n\n## 1. Basics\n"
    "- [Tensors](https://github.com/Me/Repo/blob/main/courses/dl/nb/tensors.ipynb)\n"
    "- [Autograd](https://colab.research.google.com/github/Me/Repo/blob/main/courses/dl/"
    "nb/autograd.ipynb)\n"
    "- [Another course's notebook](https://github.com/Me/Repo/blob/main/courses/ml/"
    "nb/tensors.ipynb)\n")
FOLDER_FILES = {"README.md": FOLDER_README, "nb/tensors.ipynb": "Tensors",
                "nb/autograd.ipynb": "Autograd"}


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_an_archive_in_a_folder_of_its_checkout_maps_repository_links_to_its_own_files(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    checkout = tmp_path / "repo"
    root = checkout / "courses" / "dl"
    root.mkdir(parents=True)
    write_archive(root, FOLDER_FILES)
    write_archive(checkout, {"courses/ml/nb/tensors.ipynb": "ML tensors"})

    def git(*args: str) -> None:
        subprocess.run(["git", "-C", str(checkout), *args], check=True, capture_output=True)

    git("init", "-q")
    git("add", ".")
    git("remote", "add", "origin", "git@github.com:me/repo.git")
    assert run_import(root, [], capsys, monkeypatch)[0] == 0
    catalogue = imported(root)
    # The remote is found from a folder of the checkout too.
    assert catalogue.site.repository_url == "https://github.com/me/repo"
    placed = {(e.title, e.section, e.notebook) for e in catalogue.experiments}
    assert ("Tensors", "basics", "nb/tensors.ipynb") in placed
    assert ("Autograd", "basics", "nb/autograd.ipynb") in placed
    # A file of the repository outside the archive is not one of the archive's files.
    assert not any(e.notebook and "ml" in e.notebook for e in catalogue.experiments)
    # The checkout says where the archive is at every build: the catalogue need not.
    assert catalogue.site.repository_folder is None


def test_without_a_checkout_the_archive_folder_is_read_from_the_links(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    # A downloaded copy of the same folder: no git to say where it lay in the repository.
    root = tmp_path / "dl"
    root.mkdir()
    write_archive(root, FOLDER_FILES)
    assert run_import(root, [], capsys, monkeypatch)[0] == 0
    catalogue = imported(root)
    placed = {(e.title, e.section, e.notebook) for e in catalogue.experiments}
    assert {("Tensors", "basics", "nb/tensors.ipynb"),
            ("Autograd", "basics", "nb/autograd.ipynb")} <= placed
    # The site's Colab and GitHub links need the folder too, and no checkout will say it.
    assert catalogue.site.repository_folder == "courses/dl"


def test_a_table_column_linking_off_the_archive_keeps_its_links_and_numbers_are_dropped(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "a"
    root.mkdir()
    write_archive(root, {
        "README.md": "# A\n\n## Basics\n\n| # | Topic | Notebook | Paper |\n|---|---|---|---|\n"
                     "| 01 | Perceptron | [nb](p.ipynb) | [Rosenblatt 1958](https://example.org/r.pdf) |\n"
                     "| 02 | MLP | [nb](m.ipynb) | — |\n",
        "p.ipynb": "", "m.ipynb": ""})
    assert run_import(root, [], capsys, monkeypatch)[0] == 0
    described = {e.title: e.description for e in imported(root).experiments}
    assert described == {
        "Perceptron": "**Paper:** [Rosenblatt 1958](https://example.org/r.pdf)", "MLP": ""}
