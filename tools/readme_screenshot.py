"""Photograph the project's site for README.md.

    python tools/readme_screenshot.py                    # the home page -> docs/images/site-home.png
    python tools/readme_screenshot.py section            # a section's picture cards
    python tools/readme_screenshot.py article --phone    # an article page on a phone
    python tools/readme_screenshot.py section --id cnn --out /tmp/cnn.png

Builds the site into a temporary folder, serves it on 127.0.0.1, and has Debian's Chromium
(the browser tests' one) capture the page. Requests to any other host are refused, as in the
browser tests. Pictures below the fold load lazily, so the page is scrolled to the shot and
the tool waits for every image in view. The PNG is reduced to a 256-colour palette, which
keeps a screenshot of text and flat colours sharp at a fraction of the bytes.
"""

from __future__ import annotations

import argparse
import functools
import http.server
import io
import sys
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path

from mkdocs.commands.build import build
from mkdocs.config import load_config
from PIL import Image
from playwright.sync_api import Page, Route, sync_playwright

REPO = Path(__file__).resolve().parents[1]
IMAGES = REPO / "docs" / "images"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
DESKTOP = {"viewport": {"width": 1280, "height": 1000}}
# Tall enough for a section's title, description and first row of cards.
DESKTOP_TALL = {"viewport": {"width": 1280, "height": 1150}}
# A common phone: 390 CSS pixels wide, drawn at twice that.
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True,
         "device_scale_factor": 2}
IMAGES_IN_VIEW = """() => [...document.images]
  .filter(img => { const r = img.getBoundingClientRect();
                   return r.bottom > 0 && r.top < innerHeight && r.width > 0; })
  .every(img => img.complete && img.naturalWidth > 0)"""


@dataclass(frozen=True)
class Shot:
    path: str  # the page, relative to the site root
    scroll_to: str | None  # a selector brought to the top of the view first
    target: Path


def shot_for(kind: str, entry_id: str | None, phone: bool, out: Path | None) -> Shot:
    suffix = "-phone" if phone else ""
    if kind == "home":
        return Shot("", None, out or IMAGES / f"site-home{suffix}.png")
    if kind == "section":
        section = entry_id or "fundamentals"
        return Shot(f"sections/{section}/", None,
                    out or IMAGES / f"site-section-cards{suffix}.png")
    if kind == "experiment":
        experiment = entry_id or "perceptron"
        return Shot(f"experiments/{experiment}/", None,
                    out or IMAGES / f"site-experiment{suffix}.png")
    article = entry_id or "backpropagation"
    # On a phone the facts fill the first screen: show the article itself, its first page
    # drawn and its text one tap away.
    return Shot(f"articles/{article}/", "#page-1" if phone else None,
                out or IMAGES / f"site-article{suffix}.png")


def capture(page: Page, base: str, shot: Shot) -> bytes:
    page.goto(base + shot.path, wait_until="load")
    if shot.scroll_to is not None:
        # Below Material's fixed header, not under it.
        page.locator(shot.scroll_to).first.evaluate(
            "el => window.scrollTo(0, el.getBoundingClientRect().top + window.scrollY - 64)")
    page.wait_for_function(IMAGES_IN_VIEW, timeout=10_000)
    page.wait_for_timeout(300)  # Material's header settles after a scroll
    data: bytes = page.screenshot()
    return data


def palette_png(data: bytes) -> bytes:
    with Image.open(io.BytesIO(data)) as image:
        reduced = image.convert("RGB").quantize(256, dither=Image.Dither.NONE)
    buffer = io.BytesIO()
    reduced.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("kind", nargs="?", choices=("home", "section", "experiment", "article"),
                        default="home", help="which page to photograph (default: home)")
    parser.add_argument("--id", help="the section, experiment or article id (default: "
                                     "fundamentals, perceptron, backpropagation)")
    parser.add_argument("--phone", action="store_true", help="a phone-sized screen")
    parser.add_argument("--out", type=Path, help="where to write the PNG")
    args = parser.parse_args(argv)
    shot = shot_for(args.kind, args.id, args.phone, args.out)

    with tempfile.TemporaryDirectory() as temporary:
        site = Path(temporary) / "site"
        build(load_config(str(REPO / "mkdocs.yml"), site_dir=str(site)))
        handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(site))
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        base = f"http://127.0.0.1:{server.server_port}/"

        def local_only(route: Route) -> None:
            (route.continue_ if route.request.url.startswith(base) else route.abort)()

        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path="/usr/bin/chromium",
                                                     args=CHROMIUM_ARGS)
                screen = PHONE if args.phone else DESKTOP_TALL if args.kind == "section" else DESKTOP
                page = browser.new_page(**screen)  # type: ignore[arg-type]
                page.route("**/*", local_only)
                data = capture(page, base, shot)
                browser.close()
        finally:
            server.shutdown()
    shot.target.parent.mkdir(parents=True, exist_ok=True)
    png = palette_png(data)
    shot.target.write_bytes(png)
    shown = shot.target.relative_to(REPO) if shot.target.is_relative_to(REPO) else shot.target
    print(f"wrote {shown} ({len(png) // 1024} KB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
