"""`neuroverse import`: a hand-written README in the seed's style -> a catalogue that builds."""

from __future__ import annotations

import shutil
import textwrap
from pathlib import Path

import pytest

from neuroverse_site.authoring.importer import section_id, status_from_text, strip_emoji
from neuroverse_site.cli import main
from neuroverse_site.core.loader import load_catalogue_file
from neuroverse_site.core.model import Status

from archive_factory import write_notebook, write_pdf
from conftest import SiteBuilder

SEED_STYLE = textwrap.dedent("""\
    <h1 align="center">🧠 Tiny Verse</h1>
    <p align="center">Neural networks, one notebook at a time.</p>

    ## 🗂️ Table of Contents

    | No. | Section | Focus Area | Status |
    |:---:|:--------|:------------|:--------|
    | 1 | [Convolutional Neural Networks (CNNs)](#1) | Images | 🟡 In Progress |
    | 2 | [Research Articles](#2) | Papers | 🧾 Updating |

    ---

    ## 1️⃣ Convolutional Neural Networks (CNNs)

    **Experiments:**
    - 🧩 *Experiment 1:* U-Net on “custom” images  [unet.ipynb](Python/unet.ipynb)
    - 🧩 *Experiment 2:* Pooling by hand  [pool.ipynb](Python/pool.ipynb)
    - Filters without a notebook

    **Articles & Notes**
    - **01:** 🧾 *“Padding: Why It Matters”* &nbsp; 📘 [Read PDF](Docs/padding.pdf)
    - **02:** 🧾 *“Memory in RNNs — A Journey”* &nbsp; 📘 [Read PDF](rnn.pdf)
    -

    This line is in no list the importer knows.

    ## 2️⃣ Research Articles & Notes
    <small>

    **01:** 🧾 *“Memory in RNNs — A Journey”* &nbsp; 📘 [Read PDF](Docs/rnn.pdf)
    > 🧠 How recurrent networks keep state.

    </small>

    ## 🧰 Tools
    [![Python](https://img.shields.io/badge/Python-blue)](https://www.python.org/)
    """)


@pytest.fixture
def seed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "README.md").write_text(SEED_STYLE, encoding="utf-8")
    write_notebook(tmp_path / "Python/unet.ipynb", "U-Net", image=False)
    write_pdf(tmp_path / "Docs/padding.pdf", pages=1)
    write_pdf(tmp_path / "Docs/rnn.pdf", pages=1)
    return tmp_path


def test_import_places_everything_and_reports_the_rest(
        seed: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["import", "README.md", "-o", "catalogue.yml"]) == 0
    err = capsys.readouterr().err.splitlines()

    catalogue = load_catalogue_file(seed / "catalogue.yml").catalogue
    assert catalogue is not None
    assert catalogue.site.title == "Tiny Verse"
    assert catalogue.site.tagline == "Neural networks, one notebook at a time."
    assert [(s.id, s.title, s.status, s.focus) for s in catalogue.sections] == [
        ("cnn", "Convolutional Neural Networks (CNNs)", Status.IN_PROGRESS, "Images"),
        ("research", "Research Articles", Status.UPDATING, "Papers"),
    ]
    assert [(e.id, e.title, e.notebook, e.status) for e in catalogue.experiments] == [
        ("unet", "U-Net on “custom” images", "Python/unet.ipynb", Status.COMPLETED),
        ("pool", "Pooling by hand", None, Status.PLANNED),  # its notebook is missing
        ("filters-without-a-notebook", "Filters without a notebook", None, Status.PLANNED),
    ]
    # the article listed in two sections is one article in both, with the PDF that exists
    assert [(a.id, a.title, a.pdf, a.sections, a.summary) for a in catalogue.articles] == [
        ("padding", "Padding: Why It Matters", "Docs/padding.pdf", ("cnn",),
         "Padding: Why It Matters"),
        ("rnn", "Memory in RNNs — A Journey", "Docs/rnn.pdf", ("cnn", "research"),
         "How recurrent networks keep state."),
    ]
    assert err[:4] == [
        "README.md:17:51: warning: 'Python/pool.ipynb' does not exist; imported without the file",
        "README.md:22:64: warning: 'rnn.pdf' does not exist; imported without the file",
        "README.md:25:1: note: not imported: This line is in no list the importer knows.",
        "README.md:35:1: note: not imported: ## 🧰 Tools (+1 more line)",
    ]
    assert err[4].startswith("catalogue.yml: written from README.md (2 sections, "
                             "3 experiments, 2 articles; 2 warnings, 2 notes)")
    text = (seed / "catalogue.yml").read_text()
    assert "  # README line 17 linked Python/pool.ipynb, which does not exist" in text
    assert main(["check", "--strict", "catalogue.yml"]) == 0


def test_import_prints_to_stdout_without_o(seed: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["import", "README.md"]) == 0
    assert "sections:\n  - id: cnn\n" in capsys.readouterr().out
    assert not (seed / "catalogue.yml").exists()


def test_printed_catalogue_is_relative_to_the_readme_wherever_it_is_run(
        seed: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    elsewhere = seed / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    assert main(["import", str(seed / "README.md")]) == 0
    assert "notebook: Python/unet.ipynb" in capsys.readouterr().out


def test_files_outside_the_output_folder_are_reported_not_dropped_quietly(
        seed: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (seed / "out").mkdir()
    assert main(["import", "README.md", "-o", "out/catalogue.yml"]) == 0
    err = capsys.readouterr().err
    assert ("README.md:16:60: warning: Python/unet.ipynb exists but is outside the catalogue's "
            f"folder ({seed / 'out'}), so the entry is imported as planned") in err
    assert f"(-o {seed / 'catalogue.yml'}) to keep it" in err


def test_a_readme_without_numbered_sections_is_refused_with_the_shapes_it_reads(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    readme = tmp_path / "README.md"
    readme.write_text("# Hello\n\nA tagline.\n\nJust prose.\n", encoding="utf-8")
    assert main(["import", str(readme), "-o", str(tmp_path / "catalogue.yml")]) == 1
    err = capsys.readouterr().err
    assert "README.md:5:1: note: not imported: Just prose." in err
    assert "has no numbered section headings" in err and "## 2. CNNs" in err
    assert "NV102" not in err
    assert not (tmp_path / "catalogue.yml").exists()


def test_an_output_folder_that_does_not_exist_is_refused_first(
        seed: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["import", "README.md", "-o", "nowhere/catalogue.yml"]) == 1
    err = capsys.readouterr().err
    assert "nowhere is not a folder" in err and ".tmp" not in err


def test_import_never_overwrites(seed: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (seed / "catalogue.yml").write_text("mine")
    assert main(["import", "README.md", "-o", "catalogue.yml"]) == 1
    assert "catalogue.yml already exists" in capsys.readouterr().err
    assert (seed / "catalogue.yml").read_text() == "mine"


def test_import_of_a_missing_readme(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["import", str(tmp_path / "NOPE.md")]) == 1
    assert "error: cannot read" in capsys.readouterr().err


def test_small_pieces() -> None:
    assert strip_emoji("1️⃣ Neural 🧠 Networks") == "1 Neural Networks"
    assert status_from_text("🟡 In Progress") is Status.IN_PROGRESS
    assert status_from_text("Completed") is Status.COMPLETED
    assert status_from_text("🧾") is Status.UPDATING
    assert status_from_text("someday") is None
    assert section_id("Recurrent Neural Networks (RNNs) & LSTMs", set()) == "rnn"
    assert section_id("Neural Network Fundamentals", set()) == "fundamentals"
    assert section_id("Generative Models", {"generative"}) == "generative-2"


def test_the_real_seed_readme(shared_archive: Path, tmp_path: Path, build_site: SiteBuilder,
                              capsys: pytest.CaptureFixture[str]) -> None:
    archive = tmp_path / "archive"
    archive.mkdir()
    for name in ("README.md", "TRANSFORMERS.pdf"):
        shutil.copy(shared_archive / name, archive / name)
    for folder in ("Docs", "Python"):
        shutil.copytree(shared_archive / folder, archive / folder)

    assert main(["import", str(archive / "README.md"), "-o",
                 str(archive / "catalogue.yml")]) == 0
    err = capsys.readouterr().err
    catalogue = load_catalogue_file(archive / "catalogue.yml").catalogue
    assert catalogue is not None

    assert [(s.id, s.status) for s in catalogue.sections] == [
        ("fundamentals", Status.COMPLETED), ("cnn", Status.IN_PROGRESS),
        ("rnn", Status.ACTIVE), ("transformers", Status.UPCOMING),
        ("generative", Status.UPCOMING), ("research", Status.UPDATING),
    ]
    notebooks = {e.id: e.notebook for e in catalogue.experiments if e.notebook}
    assert notebooks == {"maskcnn": "Python/maskcnn.ipynb", "unet": "Python/Unet.ipynb"}
    assert len(catalogue.experiments_in("rnn")) == 3
    pdfs = {a.pdf for a in catalogue.articles if a.pdf}
    assert pdfs == {f"Docs/{n}.pdf" for n in (
        "CNN", "CNNimportance", "padding", "Convolutionlayers", "Poolinglayers", "maskcnn",
        "unet", "GAN")} | {"TRANSFORMERS.pdf"}
    remember = next(a for a in catalogue.articles if a.title.startswith("How Do Recurrent"))
    assert remember.sections == ("rnn", "research")
    assert remember.summary == "Explores memory retention and gradient dynamics in RNNs."
    assert catalogue.section("transformers").planned == (  # type: ignore[union-attr]
        "Self-attention mechanism", "Encoder-decoder architecture",
        "Fine-tuning BERT for text classification")

    for missing in ("Notebooks/Neural_Network_Basics.ipynb",
                    "Docs/Understanding_Backpropagation.pdf",
                    "mnist.ipynb", "Experiments/mnist_callbacks.ipynb",
                    "Sentiment_analysis_LSTM.ipynb",
                    "How_Do_Recurrent_Neural_Networks_Remember.pdf",
                    "Docs/How_Do_Recurrent_Neural_Networks_Remember.pdf",
                    "Backpropagation_Through_Time_BPTT.pdf",
                    "Docs/Backpropagation_Through_Time_BPTT.pdf",
                    "Docs/Visualizing_CNN_Feature_Maps.pdf"):
        assert f"warning: '{missing}' does not exist" in err
    assert "note: not imported: ## 🌌 About NeuroVerse" in err

    site = build_site((archive / "catalogue.yml").read_text(encoding="utf-8"), root=archive)
    assert site.warnings() == []
    assert "Mask R-CNN" in site.text("experiments/maskcnn/")
    assert site.path("articles/gan/").is_file()
