#!/usr/bin/env python3
"""Re-execute the archive's notebooks in place with nbclient.

Usage:
    python tools/content/run_notebooks.py                 # every notebook under notebooks/
    python tools/content/run_notebooks.py notebooks/cnn   # a folder
    python tools/content/run_notebooks.py a.ipynb b.ipynb # given files
Options:
    --timeout SECONDS   per-cell timeout (default 300)
    --max-seconds N     fail a notebook that takes longer than this in all (default 120:
                        every notebook must run in under two minutes on a 2-core machine)
    --check             execute into memory only; do not rewrite the files

Each notebook runs top to bottom in a fresh ``python3`` kernel with its own
folder as the working directory.  Any cell error aborts that notebook and the
script exits non-zero (the file is then left untouched).  Timing is printed
per notebook.  Cell-level timing metadata is not recorded, so re-running an
unchanged notebook gives (almost) identical JSON.
"""
from __future__ import annotations

import argparse
import os
import re
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = ROOT / "notebooks"

# Keep runs reproducible and quiet: fixed thread counts, no debugger chatter.
ENV_DEFAULTS = {
    "OMP_NUM_THREADS": "1",
    "MKL_NUM_THREADS": "1",
    "PYTHONHASHSEED": "0",
    "PYDEVD_DISABLE_FILE_VALIDATION": "1",
    "MPLBACKEND": "module://matplotlib_inline.backend_inline",
}


def find_notebooks(args: list[str]) -> list[Path]:
    targets = [Path(a) for a in args] or [NOTEBOOKS]
    found: list[Path] = []
    for t in targets:
        if t.is_dir():
            found.extend(p for p in sorted(t.rglob("*.ipynb")) if ".ipynb_checkpoints" not in p.parts)
        elif t.suffix == ".ipynb" and t.exists():
            found.append(t)
        else:
            raise SystemExit(f"not a notebook or folder: {t}")
    return found


def execute_notebook(nb: nbformat.NotebookNode, workdir: Path, timeout: int = 300) -> nbformat.NotebookNode:
    """Execute ``nb`` in place (in memory) and return it.  Raises on any cell error."""
    for k, v in ENV_DEFAULTS.items():
        os.environ.setdefault(k, v)
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    client = NotebookClient(
        nb,
        timeout=timeout,
        kernel_name="python3",
        allow_errors=False,
        record_timing=False,
        coalesce_streams=True,  # one stream output per cell: stable JSON whatever the flush timing
        resources={"metadata": {"path": str(workdir)}},
    )
    client.execute()
    # Belt and braces: refuse notebooks that somehow carry error outputs.
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            if out.get("output_type") == "error":
                raise RuntimeError(f"error output in cell: {cell.source[:80]!r}")
    return nb


def run_file(path: Path, timeout: int) -> tuple[nbformat.NotebookNode, float]:
    """The executed notebook (in memory) and the seconds it took."""
    nb = nbformat.read(path, as_version=4)
    t0 = time.perf_counter()
    execute_notebook(nb, path.parent, timeout)
    return nb, time.perf_counter() - t0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("paths", nargs="*")
    ap.add_argument("--timeout", type=int, default=300)
    ap.add_argument("--max-seconds", type=float, default=120.0)
    ap.add_argument("--check", action="store_true", help="do not write results back")
    ns = ap.parse_args(argv)
    failures = 0
    total = 0.0
    for path in find_notebooks(ns.paths):
        rel = path.resolve().relative_to(ROOT) if path.resolve().is_relative_to(ROOT) else path
        try:
            executed, secs = run_file(path, ns.timeout)
        except Exception as exc:  # noqa: BLE001 - report and go on with the others
            failures += 1
            msg = re.sub(r"\x1b\[[0-9;]*m", "", str(exc)).strip()  # drop ANSI colours from tracebacks
            print(f"FAIL {rel}: {type(exc).__name__}: {msg.splitlines()[-1] if msg else ''}", flush=True)
            continue
        total += secs
        if secs > ns.max_seconds:  # too slow to keep: the file is left as it was
            failures += 1
            print(f"SLOW {rel}  {secs:6.1f} s  (limit {ns.max_seconds:g} s)", flush=True)
            continue
        if not ns.check:
            nbformat.write(executed, path)
        size_kb = path.stat().st_size / 1024
        print(f"ok   {rel}  {secs:6.1f} s  {size_kb:6.0f} KB", flush=True)
    print(f"total {total:.1f} s, {failures} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
