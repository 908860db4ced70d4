"""Photograph the project's home page for README.md: `python tools/readme_screenshot.py`.

Builds the site into a temporary folder, serves it on 127.0.0.1, and has Debian's Chromium
(the browser tests' one) capture the top of the home page into docs/images/site-home.png.
Requests to any other host are refused, as in the browser tests.
"""

from __future__ import annotations

import functools
import http.server
import sys
import tempfile
import threading
from pathlib import Path

from mkdocs.commands.build import build
from mkdocs.config import load_config
from playwright.sync_api import Route, sync_playwright

REPO = Path(__file__).resolve().parents[1]
TARGET = REPO / "docs" / "images" / "site-home.png"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]


def main() -> int:
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
                page = browser.new_page(viewport={"width": 1280, "height": 1000})
                page.route("**/*", local_only)
                page.goto(base, wait_until="load")
                page.screenshot(path=str(TARGET))
                browser.close()
        finally:
            server.shutdown()
    print(f"wrote {TARGET.relative_to(REPO)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
