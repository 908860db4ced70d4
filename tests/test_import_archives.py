"""Whole archives through `neuroverse import`: the owner's two real ones (read from
../shared/archives, copied into tmp_path; skipped when absent) and invented archives of
other shapes. Each must end with every notebook and PDF in the catalogue (>= 95% for the
invented ones, as for archives nobody on the project has seen), a catalogue that passes
the check, and a site that builds strictly from what import wrote (but for a broken link
in the archive's own notes, which the build reports, NV342)."""

from __future__ import annotations

import re
import shutil
import stat
from pathlib import Path
from typing import Any

import pytest

from neuroverse_site.core.checks import check_file

from conftest import SHARED_ARCHIVES
from import_helpers import build_strict, imported, notes_of, run_import, write_archive

SHARED = SHARED_ARCHIVES


def copy_archive(name: str, tmp_path: Path) -> Path:
    source = SHARED / name
    if not source.is_dir():
        pytest.skip(f"../shared/archives/{name} is not present")
    target = tmp_path / name
    shutil.copytree(source, target)
    for path in [target, *target.rglob("*")]:  # the shared copy is read-only
        path.chmod(path.stat().st_mode | stat.S_IWUSR)
    return target


def files_in_tree(root: Path) -> set[str]:
    return {p.relative_to(root).as_posix() for p in root.rglob("*")
            if p.suffix in (".ipynb", ".pdf") and ".ipynb_checkpoints" not in p.parts
            and not any(part.startswith(".") or part in ("node_modules", "site", "venv")
                        for part in p.relative_to(root).parts[:-1])}


def catalogue_files(root: Path) -> set[str]:
    catalogue = imported(root)
    return {e.source for e in catalogue.experiments if e.source} | {
        a.source for a in catalogue.articles if a.source}


def local_links(text: str) -> list[str]:
    targets = re.findall(r"\]\(([^)\s]+)\)", text)
    return [t for t in targets if not t.startswith(("http://", "https://", "#", "mailto:"))]


def assert_checked_and_built(root: Path) -> None:
    checked = check_file(root / "catalogue.yml", root=root)
    assert [d.format() for d in checked.diagnostics] == []
    assert build_strict(root) == []


def test_the_neuroverse_archive(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                monkeypatch: pytest.MonkeyPatch) -> None:
    root = copy_archive("neuroverse", tmp_path)
    code, err = run_import(root, ["README.md"], capsys, monkeypatch)
    assert code == 0, err
    assert not any("Traceback" in line for line in err)
    catalogue = imported(root)
    assert catalogue_files(root) == files_in_tree(root)
    assert len(files_in_tree(root)) == 11
    assert [(s.id, s.status.value) for s in catalogue.sections] == [
        ("fundamentals", "completed"), ("cnn", "in-progress"), ("rnn", "active"),
        ("transformers-attention-mechanisms", "upcoming"), ("generative", "upcoming"),
        ("research-articles-notes", "updating")]
    assert catalogue.site.title == "NeuroVerse"
    assert catalogue.site.tagline.startswith("Exploring the universe of neural networks")
    assert catalogue.site.repository_url == "https://github.com/KartikSaroop-AI/NeuroVerse"
    # Titles exist only in the README: every PDF gets the README's.
    titles = {a.pdf: a.title for a in catalogue.articles if a.pdf}
    assert titles["Docs/padding.pdf"] == ("Preserving Spatial Information: The Importance of "
                                          "Padding in Convolutional Neural Networks")
    assert titles["TRANSFORMERS.pdf"].startswith("Transformers Demystified")
    remember = next(a for a in catalogue.articles if a.title.startswith("How Do Recurrent"))
    assert remember.sections == ("rnn", "research-articles-notes")
    assert remember.summary == "Explores memory retention and gradient dynamics in RNNs."

    # Every local link of the README: an entry's file, or a warning and a planned entry.
    notes = notes_of(err)
    warned = {m.group(1) for line in notes
              if (m := re.search(r"warning: '([^']+)' does not exist", line))}
    links = set(local_links((root / "README.md").read_text(encoding="utf-8")))
    assert len(links) == 21
    assert links == (links & catalogue_files(root)) | warned
    assert len(warned) == 10
    planned = [e for e in (*catalogue.experiments, *catalogue.articles) if e.source is None]
    assert len(planned) >= 10
    # The text left out, each piece with its line.
    assert [line.split(": note: ")[0] for line in notes if ": note: " in line] == [
        "README.md:1:1", "README.md:24:1", "README.md:25:1", "README.md:27:1",
        "README.md:32:1", "README.md:136:1", "README.md:137:1", "README.md:145:1",
        "README.md:146:1", "README.md:148:1", "README.md:152:1"]
    config = (root / "mkdocs.yml").read_text(encoding="utf-8")
    assert 'docs_dir: "site-docs"' in config  # Docs/ holds the PDFs
    assert_checked_and_built(root)


def test_the_ai_research_journey_archive(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    root = copy_archive("ai-research-journey", tmp_path)
    code, err = run_import(root, ["Neural_Networks.md", "NLP.md"], capsys, monkeypatch)
    assert code == 0, err
    catalogue = imported(root)
    assert catalogue_files(root) == files_in_tree(root)
    assert len(files_in_tree(root)) == 6
    rnn = [(e.title, e.notebook, e.goal) for e in catalogue.experiments if e.section == "rnn"]
    assert rnn == [
        ("MNIST Classification (Baseline)", "mnist.ipynb",
         "Understand data representation without sequential modeling."),
        ("TensorFlow Callbacks (EarlyStopping & ModelCheckpoint)",
         "Experiments/mnist_callbacks.ipynb",
         "Use EarlyStopping and ModelCheckpoint in TensorFlow/Keras."),
        ("Sentiment Analysis using LSTM", "Sentiment_analysis_LSTM.ipynb", "")]
    callbacks = next(e for e in catalogue.experiments if e.notebook and "callbacks" in e.notebook)
    notes_pdf = catalogue.article(callbacks.articles[0])  # type: ignore[attr-defined]
    assert notes_pdf is not None and notes_pdf.pdf == "TensorFlow_Callbacks.pdf.pdf"
    # The log row holding a notebook and its notes: one experiment and its related article.
    logged = [e for e in catalogue.experiments if e.section == "logs"]
    assert [(e.title, e.status.value, len(e.articles)) for e in logged] == [
        ("Feedforward Neural Network", "planned", 0), ("TensorFlow Callbacks", "planned", 1),
        ("CNN on CIFAR-10", "planned", 0)]
    assert not any("Your" in a.title for a in catalogue.articles)
    assert [r.kind.value for r in catalogue.resources] == ["book", "course-notes", "blog",
                                                           "article"]
    nlp = [(e.title, e.status.value) for e in catalogue.experiments if e.section == "nlp"]
    assert nlp == [("NLP Foundations (Tokenization, Stemming, Lemmatization)", "planned"),
                   ("Text Classification using Naive Bayes", "planned")]
    notes = notes_of(err)
    assert ("Neural_Networks.md:96:73: warning: 'Notebooks/mnist.ipynb' does not exist; "
            "imported as planned (hint: did you mean 'mnist.ipynb'?)") in notes
    assert ("Neural_Networks.md:97:135: warning: 'Docs/TensorFlow_Callbacks.pdf' does not "
            "exist; imported as planned (hint: did you mean 'TensorFlow_Callbacks.pdf.pdf'?)"
            ) in notes
    assert any(line.startswith("Neural_Networks.md:74:1: note: template placeholder")
               for line in notes)
    assert any(line.startswith("NLP.md:8:29: warning: 'Experiments/Experiment-2-Text-"
                               "Classification-NaiveBayes/Text_Classification_NaiveBayes.py'")
               for line in notes)
    assert any(line.startswith("NLP.md:26:1: note: not imported (a code block)")
               for line in notes)
    assert_checked_and_built(root)


def test_the_ai_research_journey_tree_alone(tmp_path: Path,
                                            capsys: pytest.CaptureFixture[str],
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    root = copy_archive("ai-research-journey", tmp_path)
    code, err = run_import(root, [], capsys, monkeypatch)
    assert code == 0, err
    # NLP.md reads as a note (it links one file); Neural_Networks.md as an index.
    assert catalogue_files(root) == files_in_tree(root) | {"NLP.md"}
    titles = {e.notebook: e.title for e in imported(root).experiments}
    assert titles["Experiments/mnist_callbacks.ipynb"] == "MNIST callbacks"
    checked = check_file(root / "catalogue.yml", root=root)
    assert [d.format() for d in checked.diagnostics] == []
    # NLP.md links a script the archive does not hold: the one thing a strict build
    # reports, at its place in the note, as MkDocs reports a page's broken link.
    complaints = build_strict(root)
    broken = [line for line in complaints if " NV342 " in line]
    assert [line.split("neuroverse_site: ")[1].split(": warning")[0] for line in broken] == [
        "NLP.md:8:29"]
    assert "NaiveBayes.py" in broken[0]
    assert [line for line in complaints if line not in broken and "strict mode" not in line
            ] == []


# ---------------------------------------------------------------------------------------
# Archives of other shapes, invented here


LESSONS: dict[str, Any] = {
    "README.md": """\
# Practical Deep Learning — my notes
[![Progress](https://img.shields.io/badge/progress-60%25-yellow)](#)

Notes and notebooks from the course, lesson by lesson.

## Lesson 1 — Getting started
- Notebook: [lesson1.ipynb](https://nbviewer.org/github/learner/pdl-notes/blob/master/lessons/01/lesson1.ipynb)
- [Slides (PDF)](lessons/01/slides.pdf)

## Lesson 2 — Deployment
- [Bear classifier](https://colab.research.google.com/github/learner/pdl-notes/blob/master/lessons/02/bears.ipynb)

## Lesson 3 — Neural net foundations
TODO

## Lesson 4 — NLP
- `lessons/04/nlp.ipynb`
""",
    "lessons/01/lesson1.ipynb": "Is it a bird?",
    "lessons/01/slides.pdf": "",
    "lessons/01/extra_exercises.ipynb": "",
    "lessons/02/bears.ipynb": "Bears",
    "lessons/03/mnist_basics.ipynb": "",
    "lessons/04/nlp.ipynb": "NLP",
    "lessons/04/.ipynb_checkpoints/nlp-checkpoint.ipynb": "",
    "references/fastbook.pdf": "",
}

READING_GROUP: dict[str, Any] = {
    "README.md": """\
# Paper Reading Group

| Date | Paper | Notes | Code | Status |
|------|-------|-------|------|--------|
| 01-10 | Attention Is All You Need | [notes](notes/attention.pdf) | [colab](code/attention.ipynb) | ✅ |
| 01-24 | BERT | [notes](notes/BERT.pdf) | — | ✅ |
| 02-07 | GPT-3 | — | — | 🔜 |
""",
    "notes/attention.pdf": "",
    "notes/bert.pdf": "",
    "code/attention.ipynb": "Attention from scratch",
    "code/bert_finetune.ipynb": "",
    "papers/vaswani2017.pdf": "",
    "papers/devlin2018.pdf": "",
    "papers/brown2020.pdf": "",
}

PROJECTS: dict[str, Any] = {
    "README.md": """\
# Kaggle Projects

Competitions I entered, one folder each.

- [Titanic survival](titanic/) — my first competition
- [House prices](house-prices/)
- [Digit recognizer](digits)
""",
    "titanic/README.md": "# Titanic\n\n1. [EDA](eda.ipynb)\n2. [Model](model.ipynb)\n",
    "titanic/eda.ipynb": "Titanic EDA",
    "titanic/model.ipynb": "",
    "house-prices/README.md": """\
# House prices

| Step | Notebook | Status |
|---|---|---|
| Cleaning | [clean.ipynb](clean.ipynb) | done |
| Gradient boosting | [gbm.ipynb](gbm.ipynb) | wip |
""",
    "house-prices/clean.ipynb": "",
    "house-prices/gbm.ipynb": "",
    "house-prices/report.pdf": "",
    "digits/cnn.ipynb": "Digits with a CNN",
    "node_modules/pkg/readme.pdf": "",
}

DAYS: dict[str, Any] = {
    "README.md": """\
# 100 Days of ML Code

### Day 1: Data preprocessing
Today I cleaned a dataset. Code: `Day1/preprocessing.ipynb`
![plot](Day1/plot.png)

### Day 2: Simple linear regression
- [notebook](Day2/linear_regression.ipynb)
- [my notes](Day2/notes.md)

### Day 3: Multiple linear regression
Notebook coming soon.
""",
    "Day1/preprocessing.ipynb": "",
    "Day1/plot.png": "not really a PNG",
    "Day2/linear_regression.ipynb": "Linear regression",
    "Day2/notes.md": "# What I learned on day 2\n\nLeast squares.\n",
    "Day4/logistic.ipynb": "",
    "Day5:Introduction.md": "# Introduction to classification\n\nNotes.\n",
    "venv/pyvenv.cfg": "home = /usr\n",
    "venv/lib/x.ipynb": "",
}


@pytest.mark.parametrize("files", [LESSONS, READING_GROUP, PROJECTS, DAYS],
                         ids=["lessons", "reading-group", "projects", "days"])
def test_invented_archives(files: dict[str, Any], tmp_path: Path,
                           capsys: pytest.CaptureFixture[str],
                           monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "archive"
    root.mkdir()
    write_archive(root, files)
    code, err = run_import(root, [], capsys, monkeypatch)
    assert code == 0, err
    assert not any("Traceback" in line for line in err)
    in_tree = files_in_tree(root)
    found = catalogue_files(root) & in_tree
    assert len(found) >= 0.95 * len(in_tree), sorted(in_tree - found)
    assert_checked_and_built(root)
