"""Shared pieces for the authoring tests: a small archive written like a real one, and a
line diff that says whether a file only gained lines."""

from __future__ import annotations

import difflib
import textwrap
from pathlib import Path

from archive_factory import write_notebook

# Comments, blank lines, flow lists, quoted and block text, the schema comment: everything
# `add` must leave alone.
CATALOGUE = textwrap.dedent("""\
    # yaml-language-server: $schema=neuroverse_site/core/schema/catalogue.schema.json
    #
    # A test archive. Comments like this one must survive every `neuroverse add`.

    site:
      title: "Test archive"   # quoted on purpose
      tagline: 'Single-quoted: kept as written'
      url: https://example.org/archive/

    sections:
      - id: basics
        title: Basics
        focus: Neurons and gradients
        status: completed

      - id: cnn
        title: Convolutional networks
        status: in-progress
        planned: [U-Net, "Mask R-CNN"]

    experiments:
      # The basics first.
      - id: perceptron
        title: The perceptron
        section: basics
        notebook: notebooks/basics/perceptron.ipynb
        description: |
          A single neuron.

          Trained by hand.
        tags: [perceptron]   # trailing comment
        added: 2025-11-03

      - id: digits
        title: Digits with a CNN
        section: cnn
        notebook: notebooks/cnn/digits.ipynb

      - id: backprop
        title: Backpropagation
        section: basics
        status: planned

    # Resources close the file.
    resources:
      - topic: Foundations
        title: Nielsen's book
        url: http://neuralnetworksanddeeplearning.com/
        type: book
      - topic: Vision
        title: CS231n notes
        url: https://cs231n.github.io/
        type: course-notes
    """)


def make_archive(root: Path, catalogue: str = CATALOGUE) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "catalogue.yml").write_text(catalogue, encoding="utf-8")
    write_notebook(root / "notebooks/basics/perceptron.ipynb", "The perceptron", image=False)
    write_notebook(root / "notebooks/cnn/digits.ipynb", "Digits", image=False)
    return root / "catalogue.yml"


def added_lines(before: str, after: str) -> list[str]:
    """The non-blank lines `after` adds to `before`; fails if any line was changed or removed.

    Blank lines are left out because a diff may place an added blank line before or after
    the entry equally well; tests check the separation with substrings instead.
    """
    old, new = before.splitlines(keepends=True), after.splitlines(keepends=True)
    added: list[str] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(a=old, b=new, autojunk=False).get_opcodes():
        assert tag in ("equal", "insert"), (
            f"{tag} of lines {i1 + 1}-{i2}: {old[i1:i2]!r} -> {new[j1:j2]!r}")
        if tag == "insert":
            added += [line for line in new[j1:j2] if line.strip()]
    return added
