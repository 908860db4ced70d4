"""Where a build's time goes, per phase: a cProfile of our site's builds on the benchmark's
generated archive, summed by the MkDocs and plugin steps a build is made of.

    python bench/profile_build.py --n 200 [--out bench/results/profile-n200.md]

Profiles, in this order, on one archive:
  cold         `mkdocs build` with no site and no cache (the main process only: the worker
               processes that render notebooks are not profiled; their CPU time is the
               difference between the two CPU figures printed for it)
  no change    `mkdocs build --dirty` right after it, nothing edited
  notebook     `mkdocs build --dirty` after editing one notebook (the benchmark's edit)
  serve        what `mkdocs serve --dirty` does on a save: one process that has built the
               site once, then loads the configuration again and rebuilds after the same
               notebook edit; only that rebuild is profiled (the figure behind
               bench/edit_to_page.py, without the file watcher's and browser's delays)
Each fresh-process build is also run once without the profiler, for its real time.

cProfile slows Python code down unevenly (many small calls suffer most), so the shares
matter more than the seconds; the unprofiled times are printed beside them.
"""

from __future__ import annotations

import argparse
import os
import pstats
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import run as bench

# (label, file suffix, function name): the steps of mkdocs.commands.build.build and of our
# plugin, in the order a build runs them. Nested rows are indented by their label.
PHASES = [
    ("MkDocs: load mkdocs.yml (imports the plugins)", "mkdocs/config/base.py", "load_config"),
    ("on_config (all plugins)", "mkdocs/plugins.py", "on_config"),
    ("  ours: catalogue load + check", "neuroverse_site/plugin/__init__.py", "on_config"),
    ("MkDocs: find docs files", "mkdocs/structure/files.py", "get_files"),
    ("MkDocs: theme environment", "mkdocs/theme.py", "get_env"),
    ("MkDocs: add theme files", "mkdocs/structure/files.py", "add_files_from_theme"),
    ("on_files (ours)", "neuroverse_site/plugin/__init__.py", "on_files"),
    ("  notebooks + PDFs (cache or render)", "neuroverse_site/build/batch.py", "run"),
    ("  generated pages' Markdown", "neuroverse_site/build/render/__init__.py", "pages"),
    ("MkDocs: navigation", "mkdocs/structure/nav.py", "get_navigation"),
    ("on_nav (ours: page digests)", "neuroverse_site/plugin/__init__.py", "on_nav"),
    ("  build fingerprint", "neuroverse_site/plugin/incremental.py", "build_fingerprint"),
    ("pages: read + Markdown", "mkdocs/commands/build.py", "_populate_page"),
    ("MkDocs: copy static files", "mkdocs/structure/files.py", "copy_static_files"),
    ("MkDocs: 404 + sitemap", "mkdocs/commands/build.py", "_build_theme_template"),
    ("pages: template + write (incl. search)", "mkdocs/commands/build.py", "_build_page"),
    ("MkDocs: anchor check", "mkdocs/structure/pages.py", "validate_anchor_links"),
    ("on_post_build (all plugins)", "mkdocs/plugins.py", "on_post_build"),
    ("  search index written", "material/plugins/search/plugin.py", "on_post_build"),
    ("  ours: search index merged, state, eviction", "neuroverse_site/plugin/__init__.py",
     "on_post_build"),
]
BUILD = ("mkdocs/commands/build.py", "build")


def cumulative(stats: pstats.Stats, suffix: str, name: str) -> float:
    """Seconds spent in (and under) every function called `name` in a file ending `suffix`;
    recursion is counted once (cProfile's cumulative time already does that)."""
    total = 0.0
    for (filename, _line, function), row in stats.stats.items():  # type: ignore[attr-defined]
        if function == name and filename.replace(os.sep, "/").endswith(suffix):
            total += row[3]
    return total


def phase_table(stats: pstats.Stats, whole: float) -> list[tuple[str, float]]:
    build = cumulative(stats, *BUILD)
    rows = [("whole process (profiled)", whole), ("  before the build: start-up, imports, "
                                                  "config", whole - build),
            ("mkdocs build() itself", build)]
    accounted = 0.0
    for label, suffix, name in PHASES:
        seconds = cumulative(stats, suffix, name)
        rows.append((label, seconds))
        if not label.startswith(" ") and name != "load_config":
            accounted += seconds
    rows.append(("build(): the rest (logging, sets, small steps)", build - accounted))
    return rows


def top_functions(stats: pstats.Stats, count: int = 12) -> list[tuple[str, float, float]]:
    """Our own functions and the libraries' heaviest, by time spent in their own code."""
    rows = []
    for (filename, line, function), row in stats.stats.items():  # type: ignore[attr-defined]
        short = filename.split("site-packages/")[-1].split("/work/wt/")[-1]
        rows.append((f"{short}:{line}({function})", row[2], row[3]))
    rows.sort(key=lambda r: r[1], reverse=True)
    return rows[:count]


def profile_subprocess(project: Path, args: list[str], out: Path) -> tuple[float, float]:
    """Profile `mkdocs <args>` in a fresh process; returns (wall, CPU) of that run."""
    command = [sys.executable, "-m", "cProfile", "-o", str(out), "-m", "mkdocs", *args]
    return _timed(command, project)


def plain_subprocess(project: Path, args: list[str]) -> tuple[float, float]:
    return _timed([sys.executable, "-m", "mkdocs", *args], project)


def _timed(command: list[str], project: Path) -> tuple[float, float]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(command, cwd=project, check=True, capture_output=True,
                   env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (time.perf_counter() - start,
            after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)


def profile_serve(archive: bench.Archive, out: Path) -> tuple[float, float]:
    """A serve session's rebuild after a notebook edit, in a fresh process (see module
    docstring); returns the (wall, CPU) of the rebuild alone, unprofiled, then profiles the
    same rebuild after a second edit."""
    script = f"""
import cProfile, os, sys, time
from pathlib import Path
sys.path.insert(0, {str(Path(__file__).resolve().parent)!r})
import run as bench
from mkdocs.commands.build import build
from mkdocs.config import load_config
os.chdir({str(archive.ours)!r})
archive = bench.Archive({archive.n}, Path({str(archive.root)!r}), Path({str(archive.ours)!r}),
                        Path({str(archive.baseline)!r}), {archive.notebook_names!r})
def rebuild():
    config = load_config(site_dir=tempfile_site)
    build(config, serve_url="http://127.0.0.1:8000/", dirty=True)
tempfile_site = {str(archive.root / "serve-site")!r}
config = load_config(site_dir=tempfile_site)
config.plugins.on_startup(command="serve", dirty=True)
build(config, serve_url="http://127.0.0.1:8000/", dirty=True)
archive.edit_notebook(True, 9001)
start, cpu = time.perf_counter(), time.process_time()
rebuild()
print(time.perf_counter() - start, time.process_time() - cpu)
archive.edit_notebook(True, 9002)
profiler = cProfile.Profile()
profiler.enable()
rebuild()
profiler.disable()
profiler.dump_stats({str(out)!r})
"""
    result = subprocess.run([sys.executable, "-c", script], check=True, capture_output=True,
                            text=True, env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})
    wall, cpu = (float(x) for x in result.stdout.split()[-2:])
    return wall, cpu


def report(title: str, prof: Path, plain: tuple[float, float], note: str = "") -> str:
    stats = pstats.Stats(str(prof))
    whole = stats.total_tt  # type: ignore[attr-defined]
    lines = [f"### {title}", "",
             f"Unprofiled: {plain[0]:.2f} s wall, {plain[1]:.2f} s CPU{note}. "
             f"Profiled: {whole:.2f} s.", "",
             "| phase | s (profiled) | share |", "|---|---|---|"]
    for label, seconds in phase_table(stats, whole):
        indent = label.startswith(" ")
        name = ("&nbsp;&nbsp;" + label.strip()) if indent else label
        lines.append(f"| {name} | {seconds:.3f} | {seconds / whole:.0%} |")
    lines += ["", "Heaviest functions by own time:", "",
              "| function | own s | cumulative s |", "|---|---|---|"]
    for name, own, cum in top_functions(stats):
        lines.append(f"| `{name}` | {own:.3f} | {cum:.3f} |")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=200)
    parser.add_argument("--shared", type=Path, default=bench.SHARED)
    parser.add_argument("--out", type=Path, default=None, help="write the tables here (.md)")
    parser.add_argument("--skip-cold", action="store_true",
                        help="build the cold site without the profiler")
    args = parser.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="neuroverse-profile-"))
    sections = []
    try:
        bench.compile_our_code()
        archive = bench.make_archive(args.n, work / f"n{args.n}", args.shared)
        project = archive.ours
        if args.skip_cold:
            cold = plain_subprocess(project, ["build"])
        else:
            cold = profile_subprocess(project, ["build"], work / "cold.prof")
            sections.append(report(f"Cold build, N = {args.n} (main process only)",
                                   work / "cold.prof", cold,
                                   " (profiled run; CPU includes the workers)"))
        print(f"cold: {cold[0]:.1f} s", flush=True)
        quiet = plain_subprocess(project, ["build", "--dirty"])
        profile_subprocess(project, ["build", "--dirty"], work / "quiet.prof")
        sections.append(report(f"No-change rebuild, N = {args.n} (`mkdocs build --dirty`)",
                               work / "quiet.prof", quiet))
        archive.edit_notebook(True, 1)
        edited = plain_subprocess(project, ["build", "--dirty"])
        archive.edit_notebook(True, 2)
        profile_subprocess(project, ["build", "--dirty"], work / "edit.prof")
        sections.append(report(f"One notebook edited, N = {args.n} (`mkdocs build --dirty`)",
                               work / "edit.prof", edited))
        serve = profile_serve(archive, work / "serve.prof")
        sections.append(report(
            f"One notebook edited under `mkdocs serve --dirty`, N = {args.n} (the rebuild "
            "alone, in a process that built the site before)", work / "serve.prof", serve))
        text = "\n".join(sections)
        print(text)
        if args.out is not None:
            args.out.parent.mkdir(parents=True, exist_ok=True)
            args.out.write_text(text, encoding="utf-8")
        return 0
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
