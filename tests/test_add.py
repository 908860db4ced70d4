"""`neuroverse add`, run through main() on archives in tmp_path, files read back."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from authoring_helpers import CATALOGUE, added_lines, make_archive
from PIL import Image

from neuroverse_site.authoring import commands as authoring_cli
from neuroverse_site.authoring import safefile
from neuroverse_site.authoring.add import choose_section, title_from_page_text
from neuroverse_site.cli import main
from neuroverse_site.core.loader import load_catalogue_file

from archive_factory import write_notebook


@pytest.fixture
def archive(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    make_archive(tmp_path)
    return tmp_path


def test_add_experiment_only_adds_lines_after_its_section(archive: Path) -> None:
    write_notebook(archive / "notebooks/cnn/filters.ipynb", "Visualising *filters*")
    before = (archive / "catalogue.yml").read_text()

    code = main(["add", "experiment", "notebooks/cnn/filters.ipynb", "--section", "cnn",
                 "--tag", "filters,cnn", "--framework", "numpy"])

    after = (archive / "catalogue.yml").read_text()
    assert code == 0
    today = dt.date.today().isoformat()
    assert added_lines(before, after) == [
        "  - id: visualising-filters\n",
        "    title: Visualising filters\n",
        "    section: cnn\n",
        "    notebook: notebooks/cnn/filters.ipynb\n",
        "    frameworks: [numpy]\n",
        "    tags: [filters, cnn]\n",
        f"    added: {today}\n",
    ]
    # after the last cnn experiment, not at the end of the list, blank lines as around it
    assert "notebooks/cnn/digits.ipynb\n\n  - id: visualising-filters\n" in after
    assert f"added: {today}\n\n  - id: backprop\n" in after
    assert len(after.splitlines()) == len(before.splitlines()) + 8
    experiments = load_catalogue_file(archive / "catalogue.yml").catalogue.experiments
    assert [(e.id, e.number) for e in experiments if e.section == "cnn"] == [
        ("digits", 1), ("visualising-filters", 2)]


def test_failing_add_leaves_the_catalogue_byte_identical(
        archive: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_notebook(archive / "notebooks/cnn/filters.ipynb", "Filters")
    before = (archive / "catalogue.yml").read_bytes()

    code = main(["add", "experiment", "notebooks/cnn/filters.ipynb", "--section", "cnnn"])

    assert code == 1
    assert (archive / "catalogue.yml").read_bytes() == before
    err = capsys.readouterr().err
    assert "catalogue.yml (new entry):3:" in err
    assert "error NV201 experiments[3].section: unknown section 'cnnn'" in err
    assert "did you mean 'cnn'?" in err
    assert "nothing was written" in err
    assert "Traceback" not in err


def test_errors_already_in_the_catalogue_do_not_block_an_unrelated_addition(
        archive: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # A notebook not pulled yet: the catalogue already has an error the addition does not touch.
    (archive / "notebooks/cnn/digits.ipynb").unlink()
    before = (archive / "catalogue.yml").read_text()

    assert main(["add", "experiment", "--title", "Dropout", "--section", "basics"]) == 0

    after = (archive / "catalogue.yml").read_text()
    assert added_lines(before, after)[:2] == ["  - id: dropout\n", "    title: Dropout\n"]
    err = capsys.readouterr().err
    assert "already has 1 error this experiment does not touch" in err
    assert "added experiment 'dropout'" in err


def test_an_addition_that_brings_its_own_error_is_refused_beside_old_ones(
        archive: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (archive / "notebooks/cnn/digits.ipynb").unlink()
    before = (archive / "catalogue.yml").read_bytes()

    assert main(["add", "experiment", "--title", "Dropout", "--section", "cnnn"]) == 1

    assert (archive / "catalogue.yml").read_bytes() == before
    err = capsys.readouterr().err
    assert "unknown section 'cnnn'" in err
    assert "this experiment would bring 1 error into the catalogue" in err
    assert "digits.ipynb" not in err  # the old error is not blamed on the new entry


def test_an_id_already_taken_is_refused_with_the_checks_message(
        archive: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before = (archive / "catalogue.yml").read_bytes()
    code = main(["add", "section", "Another basics", "--id", "basics"])
    assert code == 1
    assert (archive / "catalogue.yml").read_bytes() == before
    assert "NV200" in capsys.readouterr().err


def test_ids_are_made_unique(archive: Path) -> None:
    assert main(["add", "experiment", "--title", "The perceptron", "--section", "basics"]) == 0
    text = (archive / "catalogue.yml").read_text()
    assert "  - id: the-perceptron\n    title: The perceptron\n" in text
    assert main(["add", "experiment", "--title", "The perceptron", "--section", "basics"]) == 0
    assert "id: the-perceptron-2" in (archive / "catalogue.yml").read_text()


def test_a_file_already_in_the_catalogue_is_refused(
        archive: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["add", "experiment", "notebooks/basics/perceptron.ipynb", "--section", "basics"])
    assert code == 1
    assert ("catalogue.yml:23:5: notebooks/basics/perceptron.ipynb is already in the catalogue "
            "as experiment 'perceptron'") in capsys.readouterr().err


@pytest.mark.parametrize(("args", "message"), [
    (["experiment", "notebooks/nope.ipynb", "--section", "cnn"],
     "notebooks/nope.ipynb: no such file"),
    (["experiment", "catalogue.yml", "--section", "cnn"], "expected a .ipynb or .py file"),
    (["article", "--title", "T", "--section", "cnn"], "needs a one-line summary"),
    (["experiment", "--section", "cnn"], "needs a title"),
    (["experiment", "--title", "T"], "say which section with --section ID (known: basics, cnn)"),
])
def test_user_mistakes_get_one_clear_line(archive: Path, capsys: pytest.CaptureFixture[str],
                                          args: list[str], message: str) -> None:
    before = (archive / "catalogue.yml").read_bytes()
    assert main(["add", *args]) == 1
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err
    assert (archive / "catalogue.yml").read_bytes() == before


def test_a_file_outside_the_archive_is_refused(
        archive: Path, tmp_path_factory: pytest.TempPathFactory,
        capsys: pytest.CaptureFixture[str]) -> None:
    elsewhere = write_notebook(tmp_path_factory.mktemp("elsewhere") / "x.ipynb", "X")
    assert main(["add", "experiment", str(elsewhere), "--section", "cnn"]) == 1
    assert "is outside the archive" in capsys.readouterr().err


def test_add_article_creates_the_missing_list_before_resources(archive: Path) -> None:
    pdf = archive / "papers/cnn/pooling.pdf"
    pdf.parent.mkdir(parents=True)
    Image.new("RGB", (200, 280), "white").save(pdf, format="PDF", title="Pooling, briefly")
    before = (archive / "catalogue.yml").read_text()

    code = main(["add", "article", "papers/cnn/pooling.pdf", "--section", "cnn", "--section",
                 "basics", "--summary", "Why max-pooling: shrinks maps, keeps features",
                 "--added", "2025-11-20"])

    after = (archive / "catalogue.yml").read_text()
    assert code == 0
    assert added_lines(before, after) == [
        "articles:\n",
        "  - id: pooling-briefly\n",
        "    title: Pooling, briefly\n",
        "    pdf: papers/cnn/pooling.pdf\n",
        "    summary: 'Why max-pooling: shrinks maps, keeps features'\n",
        "    sections: [cnn, basics]\n",
        "    added: 2025-11-20\n",
    ]
    # the comment that introduces `resources:` stays right above it
    assert "    added: 2025-11-20\n\n# Resources close the file.\nresources:" in after
    assert main(["check", "catalogue.yml"]) == 0


def test_add_section_and_resource(archive: Path) -> None:
    before = (archive / "catalogue.yml").read_text()
    assert main(["add", "section", "Sequence models: RNNs & LSTMs", "--focus", "Text",
                 "--planned", "LSTM", "--planned", "GRU"]) == 0
    assert main(["add", "resource", "https://colah.github.io/", "--title", "Olah on LSTMs",
                 "--topic", "Foundations", "--type", "blog"]) == 0
    after = (archive / "catalogue.yml").read_text()
    assert added_lines(before, after) == [
        "  - id: sequence-models-rnns-lstms\n",
        "    title: 'Sequence models: RNNs & LSTMs'\n",
        "    focus: Text\n",
        "    status: planned\n",
        "    planned: [LSTM, GRU]\n",
        # resources have no blank lines between them, and go after the same topic
        "  - topic: Foundations\n",
        "    title: Olah on LSTMs\n",
        "    url: https://colah.github.io/\n",
        "    type: blog\n",
    ]
    assert after.index("Olah on LSTMs") < after.index("CS231n notes")


def test_dry_run_prints_the_entry_and_writes_nothing(
        archive: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before = (archive / "catalogue.yml").read_bytes()
    assert main(["add", "experiment", "--title", "Pooling", "--section", "cnn", "--added",
                 "2025-12-01", "--dry-run"]) == 0
    out, err = capsys.readouterr()
    assert out == ("  - id: pooling\n    title: Pooling\n    section: cnn\n"
                   "    status: planned\n    added: 2025-12-01\n")
    assert "dry run" in err
    assert (archive / "catalogue.yml").read_bytes() == before


def test_a_concurrent_edit_is_never_overwritten(
        archive: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    catalogue = archive / "catalogue.yml"
    theirs = CATALOGUE.replace("title: Basics", "title: Basics, renamed in an editor")
    original = safefile.write_temporary

    def edit_while_writing(folder: Path, name: str, data: bytes, mode: int | None) -> Path:
        catalogue.write_text(theirs)  # someone saves between our read and our rename
        return original(folder, name, data, mode)

    monkeypatch.setattr(safefile, "write_temporary", edit_while_writing)
    assert main(["add", "experiment", "--title", "T", "--section", "cnn"]) == 1
    assert catalogue.read_text() == theirs
    assert "changed on disk" in capsys.readouterr().err
    assert sorted(p.name for p in archive.iterdir() if p.name.startswith(".")) == []


def test_an_interrupted_write_leaves_the_old_catalogue_and_no_temporary_file(
        archive: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    before = (archive / "catalogue.yml").read_bytes()

    def interrupted(snapshot: safefile.Snapshot) -> bool:
        raise KeyboardInterrupt  # Ctrl-C after the new file is written, before the rename

    monkeypatch.setattr(safefile, "changed_since", interrupted)
    with pytest.raises(KeyboardInterrupt):
        main(["add", "experiment", "--title", "T", "--section", "cnn"])
    assert (archive / "catalogue.yml").read_bytes() == before
    assert [p.name for p in archive.iterdir() if p.name.startswith(".")] == []


def test_the_section_is_asked_for_at_a_terminal(
        archive: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    answers = iter(["7", "cnn"])
    prompts: list[str] = []

    def ask(prompt: str) -> str:
        prompts.append(prompt)
        return next(answers)

    monkeypatch.setattr(authoring_cli, "terminal_prompt", lambda: ask)
    assert main(["add", "experiment", "--title", "Asked"]) == 0
    assert "  2. Convolutional networks (cnn)" in prompts[0]
    assert "'7' is not one of the sections" in prompts[1]
    assert "id: asked\n    title: Asked\n    section: cnn\n" in (
        archive / "catalogue.yml").read_text()


def test_choose_section_by_number() -> None:
    from neuroverse_site.core.model import Section, Status

    sections = [Section("a", 1, "A", Status.ACTIVE), Section("b", 2, "B", Status.ACTIVE)]
    assert choose_section(sections, lambda _: " 2 ") == "b"


def test_add_keeps_zero_indented_lists_crlf_and_a_missing_final_newline(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    text = ("site:\r\n  title: T\r\nsections:\r\n- id: a\r\n  title: A\r\n  status: active\r\n"
            "experiments:\r\n- id: one\r\n  title: One\r\n  section: a\r\n  status: planned")
    (tmp_path / "catalogue.yml").write_bytes(text.encode())
    assert main(["add", "experiment", "--title", "Two", "--section", "a", "--added",
                 "2025-01-02"]) == 0
    # one item gives no evidence about blank lines between items: the default is one
    assert (tmp_path / "catalogue.yml").read_bytes().decode() == text + (
        "\r\n\r\n- id: two\r\n  title: Two\r\n  section: a\r\n  status: planned\r\n"
        "  added: 2025-01-02\r\n")


def test_add_into_an_empty_flow_list(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "catalogue.yml").write_text(
        "site:\n  title: T\nsections:\n  - id: a\n    title: A\n    status: active\n"
        "experiments: []   # none yet\n")
    assert main(["add", "experiment", "--title", "One", "--section", "a", "--added",
                 "2025-01-02"]) == 0
    assert (tmp_path / "catalogue.yml").read_text().endswith(
        "experiments:   # none yet\n  - id: one\n    title: One\n    section: a\n"
        "    status: planned\n    added: 2025-01-02\n")


def test_add_refreshes_a_readme_that_has_markers(archive: Path) -> None:
    readme = archive / "README.md"
    readme.write_text("# Mine\n\n<!-- neuroverse:readme:start -->\n"
                      "<!-- neuroverse:readme:end -->\n\nMy words.\n")
    assert main(["add", "experiment", "--title", "Fresh one", "--section", "cnn"]) == 0
    text = readme.read_text()
    assert "[Fresh one](https://example.org/archive/experiments/fresh-one/)" in text
    assert text.startswith("# Mine\n\n") and text.endswith("\n\nMy words.\n")
    assert main(["readme", "--check"]) == 0


def test_a_readme_that_cannot_follow_is_a_warning_once_the_entry_is_written(
        archive: Path, capsys: pytest.CaptureFixture[str]) -> None:
    readme = archive / "README.md"
    broken = ("<!-- neuroverse:readme:start -->\n<!-- neuroverse:readme:start -->\n"
              "<!-- neuroverse:readme:end -->\n")
    readme.write_text(broken)
    assert main(["add", "experiment", "--title", "Fresh one", "--section", "cnn"]) == 0
    assert "id: fresh-one" in (archive / "catalogue.yml").read_text()
    assert readme.read_text() == broken
    assert "catalogue.yml was updated but README.md was not" in capsys.readouterr().err


def test_title_from_wrapped_first_line() -> None:
    word_export = ("\u201cFrom Pixels to Perception: Why Convolutional Neural \r\n"
                   "Networks Outperform Traditional ANNs in Vision Tasks\u201d\r\n"
                   "Convolutional networks are...")
    assert title_from_page_text(word_export) == (
        "From Pixels to Perception: Why Convolutional Neural Networks Outperform "
        "Traditional ANNs in Vision Tasks")
    assert title_from_page_text("\n  TRANSFORMERS\r\nTransformers are a type of") == "TRANSFORMERS"


@pytest.mark.parametrize("interruption", [EOFError, KeyboardInterrupt])
def test_ending_the_section_prompt_is_a_clear_refusal(
        archive: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
        interruption: type[BaseException]) -> None:
    def ask(prompt: str) -> str:
        raise interruption

    monkeypatch.setattr(authoring_cli, "terminal_prompt", lambda: ask)
    before = (archive / "catalogue.yml").read_bytes()
    assert main(["add", "experiment", "--title", "Asked"]) == 1
    assert (archive / "catalogue.yml").read_bytes() == before
    err = capsys.readouterr().err
    assert "no section chosen; pass --section ID" in err and "Traceback" not in err


def test_a_known_file_is_refused_before_the_section_is_asked(
        archive: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    asked: list[str] = []
    monkeypatch.setattr(authoring_cli, "terminal_prompt", lambda: asked.append)
    assert main(["add", "experiment", "notebooks/basics/perceptron.ipynb"]) == 1
    assert asked == []
    assert "already in the catalogue" in capsys.readouterr().err


def test_a_catalogue_reached_through_a_link_is_edited_where_it_lives(archive: Path) -> None:
    (archive / "linked.yml").symlink_to("catalogue.yml")
    assert main(["add", "section", "Graphs", "--catalogue", "linked.yml", "--no-readme"]) == 0
    assert (archive / "linked.yml").is_symlink()
    assert "title: Graphs" in (archive / "catalogue.yml").read_text()


def test_a_read_only_catalogue_is_not_replaced(
        archive: Path, capsys: pytest.CaptureFixture[str]) -> None:
    catalogue = archive / "catalogue.yml"
    before = catalogue.read_bytes()
    catalogue.chmod(0o444)
    assert main(["add", "section", "Graphs", "--no-readme"]) == 1
    assert catalogue.read_bytes() == before
    assert "the file is read-only" in capsys.readouterr().err


def test_a_catalogue_that_does_not_load_is_reported_once_per_problem(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "catalogue.yml").write_text("site:\n  title: [unclosed\n")
    assert main(["add", "section", "Graphs"]) == 1
    err = capsys.readouterr().err.splitlines()
    assert err[0].startswith("catalogue.yml:") and " error NV001 " in err[0]
    assert not err[0].startswith("error:")
    assert err[-1] == "error: catalogue.yml must load before anything can be added to it"


def test_add_article_from_a_markdown_note(archive: Path) -> None:
    note = archive / "notes/rnn.md"
    note.parent.mkdir(parents=True)
    note.write_text("---\ntags: [x]\n---\n```\n# not a heading\n```\n# Recurrent *networks*, "
                    "remembered\n\nText.\n", encoding="utf-8")
    before = (archive / "catalogue.yml").read_text()

    code = main(["add", "article", "notes/rnn.md", "--section", "cnn", "--summary",
                 "What an RNN keeps", "--added", "2025-11-21"])

    after = (archive / "catalogue.yml").read_text()
    assert code == 0
    assert added_lines(before, after) == [
        "articles:\n",
        "  - id: recurrent-networks-remembered\n",
        "    title: Recurrent networks, remembered\n",
        "    note: notes/rnn.md\n",
        "    summary: What an RNN keeps\n",
        "    sections: [cnn]\n",
        "    added: 2025-11-21\n",
    ]
    assert main(["check", "catalogue.yml"]) == 0
    # Added once: the same note again is refused, named by where it already is.
    assert main(["add", "article", "notes/rnn.md", "--section", "cnn", "--summary", "x"]) == 1


def test_a_note_without_a_heading_is_titled_from_its_name(archive: Path) -> None:
    note = archive / "Sections/day1_intro-to-gradients.markdown"
    note.parent.mkdir(parents=True)
    note.write_text("Just text, no heading.\n## A second-level heading is not a title\n")
    assert main(["add", "article", str(note), "--section", "basics", "--summary", "S"]) == 0
    catalogue = load_catalogue_file(archive / "catalogue.yml").catalogue
    assert catalogue is not None
    added = catalogue.articles[-1]
    assert (added.title, added.note, added.pdf) == (
        "Day1 intro to gradients", "Sections/day1_intro-to-gradients.markdown", None)


def test_add_article_refuses_a_file_that_is_neither_pdf_nor_note(
        archive: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (archive / "notes.txt").write_text("x")
    assert main(["add", "article", "notes.txt", "--section", "cnn", "--summary", "S"]) == 1
    assert "expected a .pdf or .md or .markdown file" in capsys.readouterr().err


def test_a_notes_summary_defaults_to_its_first_paragraph(archive: Path) -> None:
    note = archive / "notes/lstm.md"
    note.parent.mkdir(parents=True)
    note.write_text("# LSTMs\n\n![diagram](img/lstm.png)\n\nAn *LSTM* keeps a [cell state]"
                    "(https://example.org) that gates\nread and write.\n\nSecond paragraph.\n")
    assert main(["add", "article", "notes/lstm.md", "--section", "cnn"]) == 0
    catalogue = load_catalogue_file(archive / "catalogue.yml").catalogue
    assert catalogue is not None
    assert catalogue.articles[-1].summary == "An LSTM keeps a cell state that gates read and write."
    long = archive / "notes/long.md"
    long.write_text("word " * 100)
    assert main(["add", "article", "notes/long.md", "--section", "cnn"]) == 0
    catalogue = load_catalogue_file(archive / "catalogue.yml").catalogue
    assert catalogue is not None
    summary = catalogue.articles[-1].summary
    assert summary.endswith("word…") and len(summary) <= 161
