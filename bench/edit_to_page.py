"""Save-to-served: how long after saving an edit its page shows it, under `make serve`'s own
command (`mkdocs serve --dirty`), on the benchmark's generated archive.

    python bench/edit_to_page.py --n 200 --edits 3

Starts the server on 127.0.0.1, waits for its first build, then edits one notebook (the
same one the build benchmark edits) `--edits` times and polls that experiment's page over
HTTP until the edit shows; then the same for catalogue.yml (an experiment's goal, shown on
its page). Reports each time and the medians, and the CPU seconds the server process
spent on each (steadier than wall time on a loaded machine; includes the server's idle
polling over the same seconds, a few hundredths). Afterwards it checks the served search index:
every page the first build indexed is still there, once, and the last edit is searchable.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
import run as bench

POLL = 0.02  # seconds between two requests
TIMEOUT = 120.0
FIRST_BUILD_TIMEOUT = 1800.0  # a cold build of hundreds of notebooks on a loaded machine


def serve_command(mkdocs: Path, port: int) -> list[str]:
    """`make serve` runs `mkdocs serve --dirty`; the address is the benchmark's own."""
    return [str(mkdocs), "serve", "--dirty", "-a", f"127.0.0.1:{port}"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def fetch(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return str(response.read().decode("utf-8"))
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return None


def wait_for(url: str, needle: str, since: float, timeout: float = TIMEOUT) -> float:
    """Seconds from `since` until the page at `url` contains `needle`."""
    while time.perf_counter() - since < timeout:
        text = fetch(url)
        if text is not None and needle in text:
            return time.perf_counter() - since
        time.sleep(POLL)
    raise SystemExit(f"{url} did not show {needle!r} within {timeout:.0f} s")


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of a process and its children (those still running and
    those it has waited for), from /proc: what a rebuild costs whatever else the machine
    runs, where save-to-served wall time grows with the load."""
    total = 0.0
    ticks = os.sysconf("SC_CLK_TCK")
    for member in bench._descendants(pid):
        try:
            with open(f"/proc/{member}/stat", encoding="ascii") as stream:
                fields = stream.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        # utime, stime, cutime, cstime: fields 14-17 of proc(5), 12-15 after the name.
        total += sum(int(value) for value in fields[11:15]) / ticks
    return total


def page_locations(index_text: str) -> list[str]:
    return [doc["location"] for doc in json.loads(index_text)["docs"]]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=200)
    parser.add_argument("--edits", type=int, default=3)
    parser.add_argument("--shared", type=Path, default=bench.SHARED)
    parser.add_argument("--out", type=Path, default=None, help="write the figures as JSON")
    args = parser.parse_args(argv)
    mkdocs = Path(sys.executable).parent / "mkdocs"
    work = Path(tempfile.mkdtemp(prefix="neuroverse-edit-"))
    server = None
    try:
        bench.compile_our_code()
        archive = bench.make_archive(args.n, work / f"n{args.n}", args.shared)
        port = free_port()
        base = f"http://127.0.0.1:{port}/"
        log = (work / "serve.log").open("w")
        server = subprocess.Popen(serve_command(mkdocs, port), cwd=archive.ours,
                                  env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
                                  stdout=log, stderr=subprocess.STDOUT)
        started = time.perf_counter()
        wait_for(base + "search/search_index.json", '"docs"', started, FIRST_BUILD_TIMEOUT)
        print(f"first build served after {time.perf_counter() - started:.1f} s", flush=True)
        before = page_locations(fetch(base + "search/search_index.json") or "")
        number = len(archive.notebook_names) // 2 + 1
        notebook_times, catalogue_times = [], []
        notebook_cpu, catalogue_cpu = [], []
        for edit in range(1, args.edits + 1):
            time.sleep(2.0)  # let the server settle after the previous build
            cpu = cpu_seconds(server.pid)
            since = time.perf_counter()
            archive.edit_notebook(True, edit)
            notebook_times.append(wait_for(f"{base}experiments/e{number:04d}/",
                                           f"Edited in run {edit}.", since))
            time.sleep(0.5)  # the build's last steps (search index, record) after the page
            notebook_cpu.append(cpu_seconds(server.pid) - cpu)
            print(f"notebook edit {edit}: {notebook_times[-1]:.2f} s "
                  f"(server CPU {notebook_cpu[-1]:.2f} s)", flush=True)
        for edit in range(1, args.edits + 1):
            time.sleep(2.0)
            cpu = cpu_seconds(server.pid)
            since = time.perf_counter()
            archive.edit_catalogue(edit)
            catalogue_times.append(wait_for(f"{base}experiments/e0001/",
                                            f"edited in run {edit}", since))
            time.sleep(0.5)
            catalogue_cpu.append(cpu_seconds(server.pid) - cpu)
            print(f"catalogue edit {edit}: {catalogue_times[-1]:.2f} s "
                  f"(server CPU {catalogue_cpu[-1]:.2f} s)", flush=True)
        time.sleep(2.0)
        index = fetch(base + "search/search_index.json") or ""
        after = page_locations(index)
        pages = {location.split("#")[0] for location in before}
        problems = []
        if {location.split("#")[0] for location in after} != pages:
            problems.append("the pages in the search index changed")
        if len(set(after)) != len(after):
            problems.append("the search index holds an entry twice")
        if not re.search(rf"Edited in run {args.edits}\.", index):
            problems.append("the last notebook edit is not searchable")
        result: dict[str, Any] = {
            "n": args.n, "notebook_edit_s": notebook_times,
            "catalogue_edit_s": catalogue_times,
            "notebook_edit_median_s": statistics.median(notebook_times),
            "catalogue_edit_median_s": statistics.median(catalogue_times),
            "notebook_edit_cpu_s": notebook_cpu, "catalogue_edit_cpu_s": catalogue_cpu,
            "notebook_edit_cpu_median_s": statistics.median(notebook_cpu),
            "catalogue_edit_cpu_median_s": statistics.median(catalogue_cpu),
            "search_pages_before": len(pages), "search_entries_before": len(before),
            "search_entries_after": len(after), "search_problems": problems,
            "command": " ".join(serve_command(Path("mkdocs"), port)),
            "load_average": os.getloadavg(),
        }
        print(json.dumps(result, indent=2))
        if args.out is not None:
            args.out.parent.mkdir(parents=True, exist_ok=True)
            args.out.write_text(json.dumps(result, indent=2) + "\n")
        return 1 if problems else 0
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=30)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
