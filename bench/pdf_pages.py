"""What drawing PDF pages costs: the CPU time of `read_pdf` (thumbnail, every page's text,
1x and 2x JPEG images) on the real PDFs of this repository and the shared archive, per
page, and a digest of every image it made, so two versions of the code can be compared
for speed and for identical output.

    python bench/pdf_pages.py [--shared ../shared/archives/neuroverse] [--repeat 3]
    PYTHONPATH=/some/other/checkout python bench/pdf_pages.py   # the same for other code

CPU time (time.process_time), the best of `--repeat` runs per PDF: the machine is shared,
and the best run is the one least disturbed by others.
"""

from __future__ import annotations

import argparse
import hashlib
import sys
import time
from pathlib import Path

from neuroverse_site.build.pdfs import read_pdf

sys.path.insert(0, str(Path(__file__).resolve().parent))
import run as bench


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--shared", type=Path, default=bench.SHARED)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    pdfs = bench.source_pdfs(args.shared)
    if not pdfs:
        raise SystemExit("no PDFs found under papers/ or the shared archive")
    total_cpu = 0.0
    total_pages = 0
    images = hashlib.sha256()
    image_bytes = 0
    for path in pdfs:
        data = path.read_bytes()
        best = float("inf")
        for _ in range(args.repeat):
            start = time.process_time()
            facts = read_pdf(path, data=data)
            best = min(best, time.process_time() - start)
        images.update(facts.thumbnail_png)
        for page in facts.rendered:
            images.update(page.image + page.image_2x)
            image_bytes += len(page.image) + len(page.image_2x)
        total_cpu += best
        total_pages += len(facts.rendered)
        print(f"{path.name:32s} {len(facts.rendered):3d} pages  {best * 1000:8.1f} ms  "
              f"{best * 1000 / max(len(facts.rendered), 1):6.1f} ms/page")
    print(f"{len(pdfs)} PDFs, {total_pages} pages: {total_cpu:.3f} s CPU, "
          f"{total_cpu * 1000 / total_pages:.1f} ms per page (thumbnail included); "
          f"page images {image_bytes / 2**20:.2f} MiB, digest {images.hexdigest()[:16]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
