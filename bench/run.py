"""Benchmark: this project's site against plain MkDocs + Material + mkdocs-jupyter.

    python bench/run.py --n 250 --runs 3 --growth 1000 --out bench/results/latest

Generates, under a temporary folder, an archive of N notebooks and N PDFs copied from real
ones (this repository's notebooks/ and papers/, and ../shared/archives/neuroverse when it is
there), every copy made unique (a changed Markdown cell, every PNG output re-encoded with one
pixel changed, a distinct trailing comment in each PDF) so no cache can reuse another copy's
work. From the same notebooks it makes two sites:

  baseline  docs/ holds the notebooks, nav lists them; plugins: search, mkdocs-jupyter (its
            own cache on, the 0.26.3 default)
  ours      catalogue.yml lists the notebooks (and the PDFs as articles); plugins: search,
            neuroverse (its cache on, the default)

Both use the same Material theme features and Markdown extensions, and are built by
`mkdocs build` in a fresh process every time, alternating which goes first. Each run does,
for each site: a cold build (site and caches deleted), a no-change rebuild, a rebuild after
editing catalogue.yml (ours only: the baseline has no catalogue; the target compares it
with the baseline's no-change rebuild), and a rebuild after editing one notebook. Medians
over the runs and the ratios ours/baseline go to <out>.json and <out>.md. Nothing here
asserts a timing; the numbers are for people.

Sizes are counted after the cold build:
  site bytes        every file the build wrote, except the archive's own files a site
                    publishes verbatim (PDFs, notebook downloads), which are the same bytes
                    whatever renders the site and which the baseline does not publish, and
                    the images of article pages (the baseline shows no PDF; they are
                    lazy-loaded, reported apart as notebook images are); the total with
                    them is reported too
  page bytes        what a reader downloads to open a notebook page: its HTML plus the
                    local stylesheets and scripts it loads, a file shared by pages counted
                    once (browsers cache it): (all notebook pages' HTML + the CSS/JS they
                    load) / pages. The first-visit figure (every CSS/JS file counted for
                    each page) is reported too. Our images are separate files loaded
                    lazily, reported apart; the baseline's are inside its HTML
  search bytes      search/search_index.json
  peak memory       the largest proportional set size (PSS) summed over the build's
                    process tree (workers included), sampled every 50 ms from /proc; PSS
                    splits pages that forked workers share, where summed RSS counts them
                    once per process (that sum is reported too)
"""

from __future__ import annotations

import argparse
import base64
import compileall
import importlib.util
import io
import json
import os
import platform
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import textwrap
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from PIL import Image, ImageDraw

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared" / "archives" / "neuroverse"
SECTION_SIZE = 25  # experiments per section: an archive of hundreds grows more sections

THEME = """\
theme:
  name: material
  font: false
  features:
    - navigation.indexes
    - navigation.tabs
    - navigation.top
    - navigation.prune
    - search.highlight
    - search.suggest
    - content.code.copy
    - toc.follow
markdown_extensions:
  - tables
  - attr_list
  - md_in_html
  - admonition
  - toc:
      permalink: true
  - pymdownx.highlight
  - pymdownx.superfences
"""


# ---------------------------------------------------------------------------------------
# Inputs


def source_notebooks(shared: Path) -> list[Path]:
    found = sorted((REPO / "notebooks").rglob("*.ipynb"))
    if (shared / "Python").is_dir():
        found += sorted((shared / "Python").glob("*.ipynb"))
    return [p for p in found if ".ipynb_checkpoints" not in p.parts]


def source_pdfs(shared: Path) -> list[Path]:
    found = sorted((REPO / "papers").rglob("*.pdf")) if (REPO / "papers").is_dir() else []
    if shared.is_dir():
        found += sorted((shared / "Docs").glob("*.pdf")) + sorted(shared.glob("*.pdf"))
    return found


def drawn_pdf(number: int) -> bytes:
    """A small real PDF, for when no PDFs are at hand."""
    pages = []
    for page in range(3):
        image = Image.new("RGB", (420, 595), "#f4f4f4")
        draw = ImageDraw.Draw(image)
        draw.text((40, 50), f"Bench article {number}, page {page + 1}", fill="black")
        pages.append(image)
    buffer = io.BytesIO()
    pages[0].save(buffer, format="PDF", save_all=True, append_images=pages[1:])
    return buffer.getvalue()


def unique_png(data: bytes, copy: int) -> bytes:
    image = Image.open(io.BytesIO(data))
    image.load()
    if image.mode not in ("RGB", "RGBA", "L"):
        image = image.convert("RGBA")
    value = copy % 251
    pixel: Any = value if image.mode == "L" else (value, 255 - value, copy % 7, 255)[
        : len(image.getbands())]
    image.putpixel((0, 0), pixel)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def unique_notebook(source: dict[str, Any], copy: int, name: str) -> str:
    notebook = json.loads(json.dumps(source))
    marked = False
    for cell in notebook["cells"]:
        if cell["cell_type"] == "markdown" and not marked:
            text = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
            cell["source"] = f"{text}\n\nBench copy {copy} of {name}."
            marked = True
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if "image/png" in data:
                raw = data["image/png"]
                png = base64.b64decode("".join(raw) if isinstance(raw, list) else raw)
                data["image/png"] = base64.b64encode(unique_png(png, copy)).decode()
    if not marked:
        notebook["cells"].insert(0, {"cell_type": "markdown", "metadata": {},
                                     "source": f"Bench copy {copy} of {name}."})
    return json.dumps(notebook, indent=1, ensure_ascii=False) + "\n"


def unique_pdf(data: bytes, copy: int) -> bytes:
    # A comment after %%EOF: readers ignore it, the bytes (and so every cache key) differ.
    return data + f"\n% NeuroVerse bench copy {copy}\n".encode()


@dataclass
class Archive:
    n: int
    root: Path
    ours: Path
    baseline: Path
    notebook_names: list[str] = field(default_factory=list)
    jb1: Path | None = None  # the Jupyter Book 1 project, with --peers jb1

    def edit_catalogue(self, run: int) -> None:
        catalogue = self.ours / "catalogue.yml"
        text = catalogue.read_text(encoding="utf-8")
        text = re.sub(r"goal: Bench experiment 1\b[^\n]*",
                      f"goal: Bench experiment 1, edited in run {run}", text, count=1)
        catalogue.write_text(text, encoding="utf-8")

    def edit_notebook(self, ours: bool | str, run: int) -> None:
        """The same edit to the same notebook, in one site's copy (`ours` may name a
        peer: "jb1")."""
        name = self.notebook_names[len(self.notebook_names) // 2]
        if ours == "jb1":
            assert self.jb1 is not None
            path = self.jb1 / "notebooks" / name
        else:
            path = (self.ours / "notebooks" / "bench" / name if ours
                    else self.baseline / "docs" / "notebooks" / name)
        notebook = json.loads(path.read_text(encoding="utf-8"))
        for cell in notebook["cells"]:
            if cell["cell_type"] == "markdown":
                text = "".join(cell["source"]) if isinstance(cell["source"], list) \
                    else cell["source"]
                cell["source"] = f"{text}\n\nEdited in run {run}."
                break
        path.write_text(json.dumps(notebook, indent=1, ensure_ascii=False) + "\n",
                        encoding="utf-8")


def compile_our_code() -> None:
    """Our package's bytecode, written as `pip install` writes it for every package it
    installs (MkDocs, Material, mkdocs-jupyter, Jupyter Book's): an editable install has
    none, and with PYTHONDONTWRITEBYTECODE set (as in this project's sessions) every build
    process compiled our ~35 modules from source, ~0.15-0.2 s of CPU each time, where the
    peers load theirs compiled."""
    spec = importlib.util.find_spec("neuroverse_site")
    for folder in (spec.submodule_search_locations or []) if spec is not None else []:
        compileall.compile_dir(folder, quiet=1)


def make_archive(n: int, where: Path, shared: Path) -> Archive:
    notebooks = source_notebooks(shared)
    if not notebooks:
        raise SystemExit("no notebooks found under notebooks/ or ../shared/archives/neuroverse")
    pdfs = source_pdfs(shared)
    archive = Archive(n, where, where / "ours", where / "baseline")
    nb_dir = archive.ours / "notebooks" / "bench"
    pdf_dir = archive.ours / "papers" / "bench"
    base_docs = archive.baseline / "docs"
    for folder in (nb_dir, pdf_dir, archive.ours / "docs", base_docs / "notebooks"):
        folder.mkdir(parents=True, exist_ok=True)
    loaded = [(p.stem, json.loads(p.read_text(encoding="utf-8"))) for p in notebooks]
    pdf_bytes = [p.read_bytes() for p in pdfs]
    sections = (n + SECTION_SIZE - 1) // SECTION_SIZE
    experiments, articles, nav_sections = [], [], []
    for number in range(1, n + 1):
        stem, source = loaded[(number - 1) % len(loaded)]
        name = f"nb{number:04d}_{stem}.ipynb"
        text = unique_notebook(source, number, stem)
        (nb_dir / name).write_text(text, encoding="utf-8")
        (base_docs / "notebooks" / name).write_text(text, encoding="utf-8")
        archive.notebook_names.append(name)
        pdf = unique_pdf(pdf_bytes[(number - 1) % len(pdf_bytes)], number) if pdf_bytes \
            else drawn_pdf(number)
        (pdf_dir / f"paper{number:04d}.pdf").write_bytes(pdf)
        section = f"s{(number - 1) // SECTION_SIZE + 1:03d}"
        experiments.append(textwrap.dedent(f"""\
          - id: e{number:04d}
            title: Bench experiment {number} ({stem})
            section: {section}
            notebook: notebooks/bench/{name}
            goal: Bench experiment {number}
            frameworks: [numpy]
            articles: [a{number:04d}]
            added: 2025-01-{(number % 28) + 1:02d}
        """))
        articles.append(textwrap.dedent(f"""\
          - id: a{number:04d}
            title: Bench article {number}
            summary: A copy of a real article, made unique for the benchmark.
            sections: [{section}]
            pdf: papers/bench/paper{number:04d}.pdf
        """))
    for index in range(1, sections + 1):
        members = archive.notebook_names[(index - 1) * SECTION_SIZE: index * SECTION_SIZE]
        nav_sections.append(f"      - Section {index}:\n"
                            + "".join(f"        - notebooks/{m}\n" for m in members))
    section_yaml = "".join(
        f"  - id: s{i:03d}\n    title: Section {i}\n    status: active\n"
        for i in range(1, sections + 1))
    (archive.ours / "catalogue.yml").write_text(
        "site:\n  title: Bench archive\n\nsections:\n" + section_yaml
        + "\nexperiments:\n" + textwrap.indent("".join(experiments), "")
        + "\narticles:\n" + "".join(articles), encoding="utf-8")
    (archive.ours / "docs" / "index.md").write_text("# Bench archive\n", encoding="utf-8")
    (archive.ours / "mkdocs.yml").write_text(
        "site_name: Bench archive\nsite_url: http://127.0.0.1:8000/\n" + THEME
        + "plugins:\n  - search\n  - neuroverse\n", encoding="utf-8")
    (base_docs / "index.md").write_text("# Bench archive\n", encoding="utf-8")
    (archive.baseline / "mkdocs.yml").write_text(
        "site_name: Bench archive\nsite_url: http://127.0.0.1:8000/\n" + THEME
        + "plugins:\n  - search\n  - mkdocs-jupyter\n"
        + "nav:\n  - Home: index.md\n  - Sections:\n" + "".join(nav_sections),
        encoding="utf-8")
    return archive


def make_jb1_project(archive: Archive) -> Path:
    """The same notebooks as a Jupyter Book 1 project: one part per section, in the same
    order, nothing executed."""
    project = archive.root / "jb1"
    (project / "notebooks").mkdir(parents=True, exist_ok=True)
    source = archive.ours / "notebooks" / "bench"
    for name in archive.notebook_names:
        shutil.copyfile(source / name, project / "notebooks" / name)
    (project / "intro.md").write_text("# Bench archive\n", encoding="utf-8")
    (project / "_config.yml").write_text(textwrap.dedent("""\
        title: Bench archive
        author: Bench
        only_build_toc_files: true
        execute:
          execute_notebooks: "off"
        html:
          use_repository_button: false
        """), encoding="utf-8")
    parts = []
    for index in range(0, len(archive.notebook_names), SECTION_SIZE):
        members = archive.notebook_names[index:index + SECTION_SIZE]
        parts.append(f"  - caption: Section {index // SECTION_SIZE + 1}\n    chapters:\n"
                     + "".join(f"      - file: notebooks/{Path(m).stem}\n" for m in members))
    (project / "_toc.yml").write_text("format: jb-book\nroot: intro\nparts:\n"
                                      + "".join(parts), encoding="utf-8")
    archive.jb1 = project
    return project


def jb1_environment(venv: Path) -> Path:
    """Jupyter Book 1 in its own virtual environment (its Sphinx and docutils pins differ
    from MkDocs'), made on first use from PyPI."""
    command = venv / "bin" / "jupyter-book"
    if not command.is_file():
        print(f"installing jupyter-book<2 into {venv}", flush=True)
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        subprocess.run([str(venv / "bin" / "pip"), "install", "--quiet", "jupyter-book<2"],
                       check=True)
    return command


# ---------------------------------------------------------------------------------------
# Measuring one build


def _descendants(root_pid: int) -> set[int]:
    """A process and all its descendants, from the parent ids in /proc/*/stat."""
    parents: dict[int, int] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", encoding="ascii") as stream:
                parents[int(entry.name)] = int(stream.read().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
    members, frontier = {root_pid}, [root_pid]
    while frontier:
        current = frontier.pop()
        for pid, parent in parents.items():
            if parent == current and pid not in members:
                members.add(pid)
                frontier.append(pid)
    return members


def _memory(pids: set[int]) -> tuple[int, int]:
    """Summed resident and proportional (PSS: shared pages split between the processes
    using them) bytes of these processes."""
    rss = pss = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/smaps_rollup", encoding="ascii") as stream:
                for line in stream:
                    if line.startswith("Rss:"):
                        rss += int(line.split()[1]) * 1024
                    elif line.startswith("Pss:"):
                        pss += int(line.split()[1]) * 1024
                        break
        except OSError:
            continue
    return rss, pss


@dataclass
class Build:
    seconds: float
    cpu_seconds: float  # user + system over the process tree: steadier on a shared machine
    peak_rss: int
    peak_pss: int
    log: str


def mkdocs_build(project: Path, mkdocs: Path, *, dirty: bool = False) -> Build:
    return measured_build([str(mkdocs), "build", *(["--dirty"] if dirty else [])], project)


def jb1_build(project: Path, command: Path) -> Build:
    return measured_build([str(command), "build", "--quiet", str(project)], project)


def measured_build(command: list[str], project: Path) -> Build:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    process = subprocess.Popen(command, cwd=project, env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    peak_rss = peak_pss = 0
    done = threading.Event()

    def sample() -> None:
        # Finding the process tree scans /proc, so it is refreshed less often than the
        # memory of its members is read; both are cheap next to a build.
        nonlocal peak_rss, peak_pss
        members: set[int] = {process.pid}
        last_scan = 0.0
        while not done.is_set():
            if time.monotonic() - last_scan > 0.5:
                members, last_scan = _descendants(process.pid), time.monotonic()
            rss, pss = _memory(members)
            peak_rss, peak_pss = max(peak_rss, rss), max(peak_pss, pss)
            done.wait(0.05)

    sampler = threading.Thread(target=sample, daemon=True)
    if Path("/proc").is_dir():
        sampler.start()
    output, _ = process.communicate()
    seconds = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    done.set()
    if sampler.is_alive():
        sampler.join()
    if process.returncode != 0:
        raise SystemExit(f"{command[0]} build failed in {project}:\n{output[-4000:]}")
    return Build(seconds, cpu, peak_rss, peak_pss, output)


def clean(project: Path) -> None:
    for folder in (project / "site", project / ".cache", project / "_build"):
        shutil.rmtree(folder, ignore_errors=True)


# ---------------------------------------------------------------------------------------
# Measuring a built site


_STYLESHEET = re.compile(r'<link[^>]+rel="stylesheet"[^>]*href="([^"]+)"|'
                         r'<link[^>]+href="([^"]+)"[^>]*rel="stylesheet"')
_SCRIPT = re.compile(r'<script[^>]+src="([^"]+)"')
_IMAGE = re.compile(r'<img[^>]+src="([^"]+)"')


def page_weight(site: Path, page: Path) -> tuple[int, int, list[str], set[Path]]:
    """(HTML bytes, bytes of local images it shows, external URLs, local CSS/JS it loads)."""
    html = page.read_text(encoding="utf-8")
    loaded: set[Path] = set()
    external: list[str] = []
    for match in [*_STYLESHEET.finditer(html), *_SCRIPT.finditer(html)]:
        url = next(g for g in match.groups() if g)
        if url.startswith(("http:", "https:", "//")):
            external.append(url)
            continue
        target = (page.parent / url.split("?")[0].split("#")[0]).resolve()
        if target.is_file() and target.is_relative_to(site.resolve()):
            loaded.add(target)
    images = set()
    for match in _IMAGE.finditer(html):
        url = match.group(1)
        if url.startswith("data:") or url.startswith(("http:", "https:")):
            continue
        target = (page.parent / url).resolve()
        if target.is_file():
            images.add(target)
    return (len(html.encode()), sum(p.stat().st_size for p in images), external, loaded)


def site_sizes(site: Path, notebook_pages: list[Path]) -> dict[str, Any]:
    total = verbatim = article_images = 0
    page_images = site / "assets" / "neuroverse" / "pages"
    for path in site.rglob("*"):
        if path.is_file():
            size = path.stat().st_size
            total += size
            if path.suffix in (".pdf", ".ipynb"):
                verbatim += size
            elif path.is_relative_to(page_images):
                article_images += size
    weights = [page_weight(site, page) for page in notebook_pages]
    shared: set[Path] = set().union(*(w[3] for w in weights))
    return {
        "site_bytes": total - verbatim - article_images,
        "site_bytes_with_downloads": total,
        "article_page_image_bytes": article_images,
        "page_bytes": (sum(w[0] for w in weights) + sum(p.stat().st_size for p in shared))
        / len(weights),
        "page_bytes_first_visit": statistics.mean(
            w[0] + sum(p.stat().st_size for p in w[3]) for w in weights),
        "page_image_bytes": statistics.mean(w[1] for w in weights),
        "page_external": sorted({url for w in weights for url in w[2]}),
        "search_bytes": (site / "search" / "search_index.json").stat().st_size,
    }


def notebook_pages(project: Path, names: list[str], ours: bool) -> list[Path]:
    site = project / "site"
    if ours:
        return sorted((site / "experiments").glob("e*/index.html"))
    return [site / "notebooks" / Path(name).stem / "index.html" for name in names]


_CACHE_LINE = re.compile(r"rendered (\d+)/(\d+) notebooks, (\d+) from cache")


def cache_hits(log: str) -> str:
    found = _CACHE_LINE.findall(log)
    return f"{found[-1][2]}/{found[-1][1]}" if found else ""


# ---------------------------------------------------------------------------------------
# Runs


def run_site(archive: Archive, ours: bool, run: int, mkdocs: Path) -> dict[str, Any]:
    project = archive.ours if ours else archive.baseline
    clean(project)
    cold = mkdocs_build(project, mkdocs)
    sizes = site_sizes(project / "site", notebook_pages(project, archive.notebook_names, ours))
    warm = mkdocs_build(project, mkdocs)
    result: dict[str, Any] = {
        "cold_s": cold.seconds, "peak_rss": cold.peak_rss, "peak_pss": cold.peak_pss,
        "rebuild_s": warm.seconds, "cold_cpu_s": cold.cpu_seconds,
        "rebuild_cpu_s": warm.cpu_seconds,
        "rebuild_cache": cache_hits(warm.log), **sizes,
    }
    if ours:
        archive.edit_catalogue(run)
        edited = mkdocs_build(project, mkdocs)
        result["catalogue_edit_s"] = edited.seconds
        result["catalogue_edit_cpu_s"] = edited.cpu_seconds
        result["catalogue_edit_cache"] = cache_hits(edited.log)
    archive.edit_notebook(ours, run)
    edited = mkdocs_build(project, mkdocs)
    result["notebook_edit_s"] = edited.seconds
    result["notebook_edit_cpu_s"] = edited.cpu_seconds
    result["notebook_edit_cache"] = cache_hits(edited.log)
    if ours:
        # Incremental builds, as `make serve` makes them (`--dirty`): no change, then the
        # same notebook edited again.
        quiet = mkdocs_build(project, mkdocs, dirty=True)
        archive.edit_notebook(ours, run + 1000)
        edited = mkdocs_build(project, mkdocs, dirty=True)
        result.update({"rebuild_dirty_s": quiet.seconds, "rebuild_dirty_cpu_s": quiet.cpu_seconds,
                       "notebook_edit_dirty_s": edited.seconds,
                       "notebook_edit_dirty_cpu_s": edited.cpu_seconds})
    progress = [line for line in cold.log.splitlines() if "notebooks," in line]
    result["cold_progress_lines"] = len(progress)
    return result


def run_jb1(archive: Archive, run: int, command: Path) -> dict[str, Any]:
    """Jupyter Book 1: cold build, no-change rebuild, rebuild after the same notebook edit."""
    assert archive.jb1 is not None
    project = archive.jb1
    clean(project)
    cold = jb1_build(project, command)
    warm = jb1_build(project, command)
    archive.edit_notebook("jb1", run)
    edited = jb1_build(project, command)
    return {"cold_s": cold.seconds, "cold_cpu_s": cold.cpu_seconds,
            "peak_pss": cold.peak_pss, "peak_rss": cold.peak_rss,
            "rebuild_s": warm.seconds, "rebuild_cpu_s": warm.cpu_seconds,
            "notebook_edit_s": edited.seconds, "notebook_edit_cpu_s": edited.cpu_seconds}


PEER_TARGETS = [
    # (name, our key, the peers' key, target ratio ours / Jupyter Book 1, unit). Our
    # rebuilds are incremental ones (`mkdocs build --dirty`, as `make serve` builds);
    # mkdocs-jupyter's are plain ones, as it has no correct incremental mode.
    ("cold build", "cold_s", "cold_s", None, "s"),
    ("cold build, CPU time", "cold_cpu_s", "cold_cpu_s", None, "s"),
    ("no-change rebuild", "rebuild_dirty_s", "rebuild_s", 0.7, "s"),
    ("no-change rebuild, CPU time", "rebuild_dirty_cpu_s", "rebuild_cpu_s", 0.7, "s"),
    ("rebuild after editing one notebook", "notebook_edit_dirty_s", "notebook_edit_s", 0.7,
     "s"),
    ("one notebook edited, CPU time", "notebook_edit_dirty_cpu_s", "notebook_edit_cpu_s",
     0.7, "s"),
    ("ours, plain (not incremental) no-change rebuild", "rebuild_s", "rebuild_s", None, "s"),
    ("ours, plain rebuild after editing one notebook", "notebook_edit_s", "notebook_edit_s",
     None, "s"),
    ("peak memory (PSS summed over the process tree)", "peak_pss", "peak_pss", 1.0, "B"),
]


def summarise_jb1(ours: list[dict[str, Any]], base: list[dict[str, Any]],
                  jb1: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], list[str]]:
    lines = ["", f"## Against Jupyter Book 1 (same notebooks and sections, medians of "
             f"{len(jb1)} runs, the same alternating run)", "",
             "| metric | mkdocs-jupyter | Jupyter Book 1 | ours | ours / JB1 | target | met |",
             "|---|---|---|---|---|---|---|"]
    rows = []
    for name, key, peer_key, target, unit in PEER_TARGETS:
        a, j, b = median(base, peer_key), median(jb1, peer_key), median(ours, key)
        ratio = b / j if j else float("nan")
        if key == "cold_s":  # the target: <= 0.6 x the best peer
            target, ratio = 0.6, b / min(a, j)
            name = "cold build (ratio: ours / best peer)"
        met = None if target is None else ratio <= target
        rows.append({"metric": name, "mkdocs_jupyter": a, "jb1": j, "ours": b,
                     "ratio": ratio, "target": target, "met": met, "unit": unit})
        lines.append(f"| {name} | {_fmt(a, unit)} | {_fmt(j, unit)} | {_fmt(b, unit)} | "
                     f"{ratio:.3f} | {'' if target is None else f'<= {target}'} | "
                     f"{'' if met is None else ('yes' if met else '**no**')} |")
    return rows, lines


def median(runs: list[dict[str, Any]], key: str) -> float:
    return statistics.median(float(r[key]) for r in runs)


TARGETS = [
    # (name, ours key, baseline key, target ratio, unit)
    ("cold build", "cold_s", "cold_s", 0.35, "s"),
    ("rebuild after a catalogue edit (vs baseline no-change rebuild)", "catalogue_edit_s",
     "rebuild_s", 0.5, "s"),
    ("rebuild after editing one notebook", "notebook_edit_s", "notebook_edit_s", 0.5, "s"),
    ("no-change rebuild", "rebuild_s", "rebuild_s", None, "s"),
    ("cold build, CPU time (all processes)", "cold_cpu_s", "cold_cpu_s", None, "s"),
    ("catalogue edit, CPU time (vs baseline no-change)", "catalogue_edit_cpu_s",
     "rebuild_cpu_s", None, "s"),
    ("one notebook edited, CPU time", "notebook_edit_cpu_s", "notebook_edit_cpu_s", None, "s"),
    ("notebook page bytes (HTML + CSS/JS, shared files once)", "page_bytes", "page_bytes",
     0.2, "B"),
    ("notebook page bytes, first visit (all CSS/JS)", "page_bytes_first_visit",
     "page_bytes_first_visit", None, "B"),
    ("total site bytes", "site_bytes", "site_bytes", 0.3, "B"),
    ("search index bytes", "search_bytes", "search_bytes", 0.6, "B"),
    ("peak memory (PSS summed over the process tree)", "peak_pss", "peak_pss", 0.7, "B"),
    ("peak RSS summed over the process tree", "peak_rss", "peak_rss", None, "B"),
]


def _fmt(value: float, unit: str) -> str:
    if unit == "s":
        return f"{value:.2f} s"
    if value >= 1024 * 1024:
        return f"{value / 1024 / 1024:.1f} MiB"
    return f"{value / 1024:.0f} KiB"


def summarise(n: int, ours: list[dict[str, Any]], base: list[dict[str, Any]],
              growth: dict[str, Any] | None) -> tuple[dict[str, Any], str]:
    rows = []
    for name, our_key, base_key, target, unit in TARGETS:
        a = median(base, base_key)
        b = median(ours, our_key)
        ratio = b / a if a else float("nan")
        rows.append({"metric": name, "baseline": a, "ours": b, "ratio": ratio,
                     "target": target, "met": None if target is None else ratio <= target,
                     "unit": unit})
    lines = [f"# Benchmark: N = {n} notebooks and {n} PDFs, medians of {len(ours)} runs", "",
             "| metric | baseline (a) | ours (b) | b/a | target | met |",
             "|---|---|---|---|---|---|"]
    for row in rows:
        target = "" if row["target"] is None else f"<= {row['target']}"
        met = "" if row["met"] is None else ("yes" if row["met"] else "**no**")
        lines.append(f"| {row['metric']} | {_fmt(row['baseline'], row['unit'])} | "
                     f"{_fmt(row['ours'], row['unit'])} | {row['ratio']:.3f} | {target} | {met} |")
    extra = {
        "ours site bytes with PDFs and notebook downloads": _fmt(
            median(ours, "site_bytes_with_downloads"), "B"),
        "ours lazy images per notebook page (not counted above)": _fmt(
            median(ours, "page_image_bytes"), "B"),
        "ours article page images, 1x and 2x, all articles (not counted above)": _fmt(
            median(ours, "article_page_image_bytes"), "B"),
        "baseline external URLs a notebook page loads (not counted)": ", ".join(
            base[0]["page_external"]) or "none",
        "ours external URLs a notebook page loads (not counted)": ", ".join(
            ours[0]["page_external"]) or "none",
        "ours cache hits: no-change / catalogue edit / notebook edit": " / ".join(
            ours[-1].get(k, "") for k in ("rebuild_cache", "catalogue_edit_cache",
                                           "notebook_edit_cache")),
        "ours progress lines in a cold build": str(ours[-1]["cold_progress_lines"]),
    }
    summary: dict[str, Any] = {"n": n, "runs": len(ours), "rows": rows, "notes": extra}
    if growth is not None:
        ratio = growth["cold_s"] / median(ours, "cold_s")
        summary["growth"] = {"n": growth["n"], "cold_s": growth["cold_s"], "ratio": ratio,
                             "target": 4.4, "met": ratio <= 4.4, "build": growth}
        cpu_ratio = growth["cold_cpu_s"] / median(ours, "cold_cpu_s")
        lines += ["", f"Growth: ours, cold build at N = {growth['n']}: "
                  f"{growth['cold_s']:.2f} s = {ratio:.2f} x the cold build at N = {n} "
                  f"(CPU time {cpu_ratio:.2f} x) "
                  f"(target <= 4.4: {'met' if ratio <= 4.4 else '**not met**'}); "
                  f"peak PSS {_fmt(growth['peak_pss'], 'B')}, no-change rebuild "
                  f"{growth['rebuild_s']:.2f} s."]
    lines += [""] + [f"- {key}: {value}" for key, value in extra.items()]
    return summary, "\n".join(lines) + "\n"


def environment() -> dict[str, str]:
    from importlib import metadata

    versions = {name: metadata.version(name) for name in
                ("mkdocs", "mkdocs-material", "mkdocs-jupyter", "nbconvert", "neuroverse-site")}
    return {"python": platform.python_version(), "machine": platform.machine(),
            "cpus": str(os.cpu_count()), **versions}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=250, help="notebooks (and PDFs) per archive")
    parser.add_argument("--runs", type=int, default=3, help="runs to take medians over")
    parser.add_argument("--growth", type=int, default=0,
                        help="also time our cold build at this N (one run), e.g. 1000")
    parser.add_argument("--out", type=Path, default=REPO / "bench" / "results" / "latest",
                        help="results path without extension; .json and .md are written")
    parser.add_argument("--shared", type=Path, default=SHARED,
                        help="a folder with more real notebooks (Python/) and PDFs (Docs/)")
    parser.add_argument("--keep", action="store_true", help="keep the generated archives")
    parser.add_argument("--peers", default="", help="more tools to compare with, comma-"
                        "separated: jb1 (Jupyter Book 1, in its own virtual environment)")
    parser.add_argument("--jb1-venv", type=Path, default=REPO / "bench" / ".venv-jb1",
                        help="where Jupyter Book 1 is (installed there when missing)")
    args = parser.parse_args(argv)
    mkdocs = Path(sys.executable).parent / "mkdocs"
    compile_our_code()
    work = Path(tempfile.mkdtemp(prefix="neuroverse-bench-"))
    try:
        print(f"generating {args.n} notebooks and PDFs in {work}", flush=True)
        archive = make_archive(args.n, work / f"n{args.n}", args.shared)
        peers = [p for p in args.peers.split(",") if p]
        if any(p != "jb1" for p in peers):
            raise SystemExit(f"unknown peer in --peers {args.peers}: only jb1 is known")
        jb1_command = jb1_environment(args.jb1_venv) if "jb1" in peers else None
        if jb1_command is not None:
            make_jb1_project(archive)
        ours: list[dict[str, Any]] = []
        base: list[dict[str, Any]] = []
        jb1: list[dict[str, Any]] = []
        for run in range(1, args.runs + 1):
            order: list[bool | str] = [True, False] if run % 2 else [False, True]
            if jb1_command is not None:
                order.insert(run % 3, "jb1")  # JB1 takes each place in turn
            for is_ours in order:
                if is_ours == "jb1":
                    assert jb1_command is not None
                    jb1.append(run_jb1(archive, run, jb1_command))
                    print(f"run {run} jb1: cold {jb1[-1]['cold_s']:.1f} s, rebuild "
                          f"{jb1[-1]['rebuild_s']:.1f} s, notebook edit "
                          f"{jb1[-1]['notebook_edit_s']:.1f} s", flush=True)
                    continue
                result = run_site(archive, bool(is_ours), run, mkdocs)
                (ours if is_ours else base).append(result)
                print(f"run {run} {'ours' if is_ours else 'baseline'}: cold "
                      f"{result['cold_s']:.1f} s, rebuild {result['rebuild_s']:.1f} s, "
                      f"notebook edit {result['notebook_edit_s']:.1f} s", flush=True)
        growth = None
        if args.growth:
            print(f"generating {args.growth} notebooks and PDFs for the growth run", flush=True)
            shutil.rmtree(archive.root, ignore_errors=True)
            big = make_archive(args.growth, work / f"n{args.growth}", args.shared)
            clean(big.ours)
            cold = mkdocs_build(big.ours, mkdocs)
            warm = mkdocs_build(big.ours, mkdocs)
            growth = {"n": args.growth, "cold_s": cold.seconds, "cold_cpu_s": cold.cpu_seconds,
                      "peak_rss": cold.peak_rss, "peak_pss": cold.peak_pss,
                      "rebuild_s": warm.seconds}
            print(f"growth: cold {cold.seconds:.1f} s at N = {args.growth}", flush=True)
        summary, markdown = summarise(args.n, ours, base, growth)
        if jb1:
            rows, lines = summarise_jb1(ours, base, jb1)
            summary["jb1"] = rows
            markdown += "\n".join(lines) + "\n"
            summary["raw_jb1"] = jb1
        summary["environment"] = environment()
        summary["raw"] = {"ours": ours, "baseline": base}
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.with_suffix(".json").write_text(json.dumps(summary, indent=2) + "\n")
        args.out.with_suffix(".md").write_text(markdown)
        print(markdown)
        return 0
    finally:
        if args.keep:
            print(f"archives kept in {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
