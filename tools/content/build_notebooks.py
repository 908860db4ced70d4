#!/usr/bin/env python3
"""Build notebooks/<section>/<name>.ipynb from the percent-format sources.

The sources live in tools/content/notebook_src/<section>/<name>.py and use the
"percent" cell format also understood by Jupytext, VS Code and Spyder:

    # %% [markdown]
    # # Title
    # Some prose ...

    # %%
    print("a code cell")

Markdown cells have their leading "# " stripped.  Each built notebook is then
executed top to bottom (see run_notebooks.py) and written with its outputs.

Usage:
    python tools/content/build_notebooks.py            # all sources
    python tools/content/build_notebooks.py perceptron # sources whose stem matches
    python tools/content/build_notebooks.py --no-exec  # only convert
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

sys.path.insert(0, str(Path(__file__).resolve().parent))
from run_notebooks import ROOT, execute_notebook  # noqa: E402

SRC = Path(__file__).resolve().parent / "notebook_src"
OUT = ROOT / "notebooks"


def parse_percent(text: str) -> list[nbformat.NotebookNode]:
    cells = []
    kind, buf = None, []

    def flush() -> None:
        if kind is None:
            return
        body = "\n".join(buf).strip("\n")
        if not body.strip():
            return
        if kind == "markdown":
            lines = []
            for line in body.splitlines():
                if line.startswith("# "):
                    lines.append(line[2:])
                elif line.strip() == "#":
                    lines.append("")
                else:
                    raise ValueError(f"markdown line not commented: {line!r}")
            cells.append(new_markdown_cell("\n".join(lines)))
        else:
            cells.append(new_code_cell(body))

    for line in text.splitlines():
        if line.startswith("# %%"):
            flush()
            kind = "markdown" if "[markdown]" in line else "code"
            buf = []
        elif kind is not None:
            buf.append(line)
    flush()
    return cells


def build(src: Path) -> nbformat.NotebookNode:
    nb = new_notebook(cells=parse_percent(src.read_text(encoding="utf-8")))
    for i, cell in enumerate(nb.cells):  # stable ids keep rebuilt notebooks diff-friendly
        cell.id = f"cell-{i:02d}"
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.metadata["language_info"] = {"name": "python"}
    first = nb.cells[0]
    if first.cell_type != "markdown" or not first.source.startswith("# "):
        raise ValueError(f"{src}: first cell must be a level-1 Markdown heading")
    return nb


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("names", nargs="*")
    ap.add_argument("--no-exec", action="store_true")
    ap.add_argument("--timeout", type=int, default=300)
    ns = ap.parse_args(argv)
    sources = sorted(SRC.rglob("*.py"))
    if ns.names:
        sources = [s for s in sources if any(n in s.stem for n in ns.names)]
    for src in sources:
        rel = src.relative_to(SRC)
        dest = OUT / rel.with_suffix(".ipynb")
        dest.parent.mkdir(parents=True, exist_ok=True)
        nb = build(src)
        t0 = time.perf_counter()
        if not ns.no_exec:
            execute_notebook(nb, dest.parent, ns.timeout)
        secs = time.perf_counter() - t0
        nbformat.validate(nb)
        nbformat.write(nb, dest)
        print(f"built {dest.relative_to(ROOT)}  {secs:6.1f} s  {dest.stat().st_size / 1024:6.0f} KB", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
