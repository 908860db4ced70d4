"""The owner's real archive (read-only, not ours): a catalogue naming every file its
hand-kept README links to reports exactly the links that are broken, and nothing else."""

from __future__ import annotations

import re
from pathlib import Path

from neuroverse_site.core.checks import check_file

# Every local link in the README, as written, in the entry it belongs to.
NOTEBOOKS = {
    "basics": ("fundamentals", "Notebooks/Neural_Network_Basics.ipynb"),
    "mask-rcnn": ("cnn", "Python/maskcnn.ipynb"),
    "unet": ("cnn", "Python/Unet.ipynb"),
    "mnist": ("rnn", "mnist.ipynb"),
    "mnist-callbacks": ("rnn", "Experiments/mnist_callbacks.ipynb"),
    "sentiment-lstm": ("rnn", "Sentiment_analysis_LSTM.ipynb"),
}
PDFS = {
    "backpropagation": ("fundamentals", "Docs/Understanding_Backpropagation.pdf"),
    "cnn": ("cnn", "Docs/CNN.pdf"),
    "cnn-importance": ("cnn", "Docs/CNNimportance.pdf"),
    "padding": ("cnn", "Docs/padding.pdf"),
    "convolution-layers": ("cnn", "Docs/Convolutionlayers.pdf"),
    "pooling-layers": ("cnn", "Docs/Poolinglayers.pdf"),
    "mask-rcnn": ("cnn", "Docs/maskcnn.pdf"),
    "unet": ("cnn", "Docs/unet.pdf"),
    "rnn-memory": ("rnn", "How_Do_Recurrent_Neural_Networks_Remember.pdf"),
    "bptt": ("rnn", "Backpropagation_Through_Time_BPTT.pdf"),
    "transformers": ("transformers", "TRANSFORMERS.pdf"),
    "gan": ("generative", "Docs/GAN.pdf"),
    "rnn-memory-notes": ("research", "Docs/How_Do_Recurrent_Neural_Networks_Remember.pdf"),
    "bptt-notes": ("research", "Docs/Backpropagation_Through_Time_BPTT.pdf"),
    "cnn-feature-maps": ("research", "Docs/Visualizing_CNN_Feature_Maps.pdf"),
}
MISSING = {
    "Notebooks/Neural_Network_Basics.ipynb", "Docs/Understanding_Backpropagation.pdf",
    "mnist.ipynb", "Experiments/mnist_callbacks.ipynb", "Sentiment_analysis_LSTM.ipynb",
    "How_Do_Recurrent_Neural_Networks_Remember.pdf", "Backpropagation_Through_Time_BPTT.pdf",
    "Docs/How_Do_Recurrent_Neural_Networks_Remember.pdf",
    "Docs/Backpropagation_Through_Time_BPTT.pdf", "Docs/Visualizing_CNN_Feature_Maps.pdf",
}
SECTIONS = ("fundamentals", "cnn", "rnn", "transformers", "generative", "research")


def readme_local_links(archive: Path) -> list[str]:
    text = (archive / "README.md").read_text(encoding="utf-8")
    targets = re.findall(r"\]\(([^)\s]+)\)", text)
    return [t for t in targets if not t.startswith(("http://", "https://", "#", "mailto:"))]


def catalogue_text() -> str:
    lines = ["site:", "  title: NeuroVerse", "sections:"]
    lines += [f"  - {{id: {s}, title: {s.capitalize()}, status: active}}" for s in SECTIONS]
    lines.append("experiments:")
    lines += [f"  - {{id: {i}, title: {i}, section: {s}, notebook: {p}}}"
              for i, (s, p) in NOTEBOOKS.items()]
    lines.append("articles:")
    lines += [f"  - {{id: {i}, title: {i}, summary: Notes., sections: [{s}], pdf: {p}}}"
              for i, (s, p) in PDFS.items()]
    return "\n".join(lines) + "\n"


def test_the_catalogue_names_every_readme_link(shared_archive: Path) -> None:
    links = readme_local_links(shared_archive)
    assert len(links) == 21
    named = {p for _, p in NOTEBOOKS.values()} | {p for _, p in PDFS.values()}
    assert set(links) == named


def test_check_reports_exactly_the_missing_files(shared_archive: Path, tmp_path: Path) -> None:
    catalogue = tmp_path / "catalogue.yml"
    catalogue.write_text(catalogue_text(), encoding="utf-8")
    result = check_file(catalogue, root=shared_archive)
    assert {d.code for d in result.diagnostics} == {"NV300"}
    reported = {d.message.split("'")[1] for d in result.diagnostics}
    assert reported == MISSING
    assert len(result.diagnostics) == 10
    # Each is reported at the line of its own entry.
    lines = catalogue_text().splitlines()
    for diagnostic in result.diagnostics:
        assert diagnostic.location is not None
        missing = diagnostic.message.split("'")[1]
        assert missing in lines[diagnostic.location.line - 1]


def test_a_wrongly_cased_path_gets_the_real_file_as_hint(shared_archive: Path,
                                                         tmp_path: Path) -> None:
    catalogue = tmp_path / "catalogue.yml"
    catalogue.write_text(catalogue_text().replace("Python/Unet.ipynb", "Python/unet.ipynb"))
    hints = [d.hint for d in check_file(catalogue, root=shared_archive).diagnostics
             if "unet" in d.message]
    assert hints == ["did you mean 'Python/Unet.ipynb'?"]
