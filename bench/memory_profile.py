"""Where a cold build's peak memory is: PSS of each process of the build, over time.

    PYTHONPATH=$PWD .venv/bin/python bench/memory_profile.py --n 200 [--keep DIR]

Generates the benchmark's archive (bench/run.py's make_archive, same notebooks and PDFs),
runs a cold `mkdocs build` of our site and reads /proc/<pid>/smaps_rollup of every process
in its tree every 0.1 s (the measure bench/run.py takes, per process instead of summed).
Prints the peak of the sum, each process's share at that moment, each process's own peak,
and a timeline (one line a second: the sum, each process, and the last log line seen, which
names the build's phase). Nothing here asserts; the numbers are for people.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from run import SHARED, _descendants, clean, make_archive

MiB = 1024 * 1024


FIELDS = ("Pss", "Pss_Anon", "Pss_File", "Shared_Clean", "Shared_Dirty", "Private_Clean",
          "Private_Dirty")


def rollup(pid: int) -> dict[str, int]:
    """The fields of /proc/<pid>/smaps_rollup this report shows, in bytes."""
    found: dict[str, int] = {}
    try:
        with open(f"/proc/{pid}/smaps_rollup", encoding="ascii") as stream:
            for line in stream:
                key, _, rest = line.partition(":")
                if key in FIELDS:
                    found[key] = int(rest.split()[0]) * 1024
    except OSError:
        pass
    return found


def pss_of(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/smaps_rollup", encoding="ascii") as stream:
            for line in stream:
                if line.startswith("Pss:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=50)
    parser.add_argument("--shared", type=Path, default=SHARED)
    parser.add_argument("--keep", type=Path, default=None,
                        help="make (or reuse) the archive here and keep it")
    parser.add_argument("--interval", type=float, default=0.1)
    parser.add_argument("--tail", type=float, default=0.0,
                        help="also print every sample of each worker's last TAIL seconds")
    args = parser.parse_args(argv)
    if args.keep is not None:
        where = args.keep
        project = where / f"n{args.n}" / "ours"
        if not (project / "catalogue.yml").is_file():
            make_archive(args.n, where / f"n{args.n}", args.shared)
        work = None
    else:
        work = Path(tempfile.mkdtemp(prefix="neuroverse-mem-"))
        project = make_archive(args.n, work / f"n{args.n}", args.shared).ours
    try:
        clean(project)
        mkdocs = Path(sys.executable).parent / "mkdocs"
        env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
        start = time.monotonic()
        process = subprocess.Popen([str(mkdocs), "build"], cwd=project, env=env,
                                   stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        last_line = ["(starting)"]
        lines: list[tuple[float, str]] = []

        def read() -> None:
            assert process.stdout is not None
            for line in process.stdout:
                last_line[0] = line.strip()[:90]
                lines.append((time.monotonic() - start, line.rstrip()))

        reader = threading.Thread(target=read, daemon=True)
        reader.start()
        samples: list[tuple[float, dict[int, int], str]] = []
        details: dict[int, dict[str, int]] = {}  # each process's rollup at the highest sum
        first_seen: dict[int, float] = {}
        members = {process.pid}
        last_scan = 0.0
        while process.poll() is None:
            now = time.monotonic() - start
            if now - last_scan > 0.3:
                members, last_scan = _descendants(process.pid), now
            sample = {pid: pss for pid in members if (pss := pss_of(pid))}
            for pid in sample:
                first_seen.setdefault(pid, now)
            samples.append((now, sample, last_line[0]))
            if sum(sample.values()) >= max((sum(s[1].values()) for s in samples), default=0):
                details = {pid: rollup(pid) for pid in sample}
            time.sleep(args.interval)
        reader.join(5)
        total = time.monotonic() - start
        if process.returncode != 0:
            print("\n".join(line for _, line in lines[-30:]))
            return 1
        order = sorted(first_seen, key=first_seen.__getitem__)
        name = {pid: ("main" if pid == process.pid else f"w{i}")
                for i, pid in enumerate(order)}
        peak_t, peak, peak_line = max(samples, key=lambda s: sum(s[1].values()))
        print(f"N = {args.n}: cold build {total:.1f} s wall, {len(samples)} samples")
        print(f"peak PSS {sum(peak.values()) / MiB:.1f} MiB at {peak_t:.1f} s "
              f"({peak_line})")
        for pid in order:
            if pid in peak:
                print(f"  {name[pid]:>5} pid {pid}: {peak[pid] / MiB:6.1f} MiB at the peak; "
                      + ", ".join(f"{k} {v / MiB:.1f}" for k, v in
                                  details.get(pid, {}).items()))
        for pid in order:
            own = max(s[1].get(pid, 0) for s in samples)
            seen = [t for t, s, _ in samples if pid in s]
            print(f"  {name[pid]:>5} own peak {own / MiB:6.1f} MiB, alive "
                  f"{seen[0]:.1f}-{seen[-1]:.1f} s")
        for pid in order[1:] if args.tail else []:
            seen = [t for t, s, _ in samples if pid in s]
            print(f"last {args.tail:g} s of {name[pid]}:")
            for t, sample, line in samples:
                if seen[-1] - args.tail <= t <= seen[-1] + 0.5:
                    parts = " ".join(f"{name[p]}={v / MiB:.1f}" for p, v in sample.items())
                    print(f"  {t:6.1f} s {sum(sample.values()) / MiB:6.1f}  {parts:<30} | "
                          f"{line[:60]}")
        print("timeline (max of the sum in each second; processes at that sample):")
        second = -1
        best: tuple[float, dict[int, int], str] | None = None
        for entry in [*samples, (-1.0, {}, "")]:
            if entry[0] < 0 or int(entry[0]) != second:
                if best is not None:
                    parts = " ".join(f"{name[p]}={v / MiB:.0f}" for p, v in best[1].items())
                    print(f"  {best[0]:6.1f} s {sum(best[1].values()) / MiB:6.1f}  {parts:<34}"
                          f" | {best[2][:70]}")
                second, best = int(entry[0]), None
            if best is None or sum(entry[1].values()) > sum(best[1].values()):
                best = entry
        return 0
    finally:
        if work is not None:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
