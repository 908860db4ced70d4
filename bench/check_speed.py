"""How long `neuroverse check` takes on a large catalogue.

Generates a catalogue of N entries (default 1,000: sections, experiments and articles) in a
temporary folder and times the one check function the plugin and the CLI share, twice:
once with every entry naming a real file (small notebooks and PDFs written here, so file
checks run), and once with entries that name no files (parsing, schema and references only).

    .venv/bin/python bench/check_speed.py [--entries 1000] [--repeat 5]
"""

from __future__ import annotations

import argparse
import io
import json
import statistics
import tempfile
import time
from pathlib import Path

from PIL import Image

from neuroverse_site.core.checks import check_file

SECTIONS = 20


def small_notebook() -> str:
    return json.dumps({
        "nbformat": 4, "nbformat_minor": 5, "metadata": {},
        "cells": [{"cell_type": "code", "source": "print(1)", "metadata": {},
                   "execution_count": 1, "outputs": []}],
    })


def small_pdf() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (60, 80), "white").save(buffer, format="PDF")
    return buffer.getvalue()


def write_archive(root: Path, entries: int, with_files: bool) -> Path:
    experiments = (entries - SECTIONS) * 3 // 5
    articles = entries - SECTIONS - experiments
    lines = ["site:", "  title: Benchmark archive", "sections:"]
    for s in range(SECTIONS):
        lines += [f"  - id: section-{s}", f"    title: Section {s}", "    status: active",
                  "    focus: What this section covers", "    description: |",
                  "      Two lines of *Markdown*", "      with a [link](https://example.org)."]
    lines.append("experiments:")
    notebook, pdf = small_notebook(), small_pdf()
    for e in range(experiments):
        lines += [f"  - id: experiment-{e}", f"    title: Experiment number {e}",
                  f"    section: section-{e % SECTIONS}", "    goal: Show one idea clearly.",
                  "    frameworks: [numpy, pytorch]", "    tags: [demo, bench]",
                  f"    articles: [article-{e % articles}]", f"    added: 2025-{1 + e % 12:02d}-15"]
        if with_files:
            relative = f"notebooks/s{e % SECTIONS}/experiment_{e}.ipynb"
            lines.append(f"    notebook: {relative}")
            (root / relative).parent.mkdir(parents=True, exist_ok=True)
            (root / relative).write_text(notebook)
        else:
            lines.append("    status: planned")
    lines.append("articles:")
    for a in range(articles):
        lines += [f"  - id: article-{a}", f"    title: Article number {a}",
                  "    summary: One line about the article.",
                  f"    sections: [section-{a % SECTIONS}]", f"    added: 2025-{1 + a % 12:02d}-20"]
        if with_files:
            relative = f"papers/article_{a}.pdf"
            lines.append(f"    pdf: {relative}")
            (root / relative).parent.mkdir(parents=True, exist_ok=True)
            (root / relative).write_bytes(pdf)
        else:
            lines.append("    status: planned")
    catalogue = root / "catalogue.yml"
    catalogue.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return catalogue


def time_check(catalogue: Path, repeat: int) -> tuple[float, float, int, int]:
    """Median wall-clock and CPU seconds (CPU time is steadier on a busy machine)."""
    wall, cpu = [], []
    problems = 0
    for _ in range(repeat):
        start, start_cpu = time.perf_counter(), time.process_time()
        result = check_file(catalogue, catalogue.parent)
        wall.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
        problems = len(result.diagnostics)
    lines = catalogue.read_text().count("\n")
    return statistics.median(wall), statistics.median(cpu), problems, lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    check_file(write_archive(Path(tempfile.mkdtemp()), 30, False))  # warm imports, schema
    for with_files in (True, False):
        with tempfile.TemporaryDirectory() as folder:
            catalogue = write_archive(Path(folder), args.entries, with_files)
            wall, cpu, problems, lines = time_check(catalogue, args.repeat)
        what = "with a real file per entry" if with_files else "catalogue only (no files)"
        print(f"{args.entries} entries ({lines} lines), {what}: {wall * 1000:.0f} ms wall, "
              f"{cpu * 1000:.0f} ms CPU (median of {args.repeat}); {problems} problems")


if __name__ == "__main__":
    main()
