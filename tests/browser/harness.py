"""What the browser tests share: the archives they read, a served site, a watched tab.

The fixtures in conftest.py put these together; the tests import the names they assert on.
"""

from __future__ import annotations

import functools
import http.server
import os
import re
import textwrap
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mkdocs.commands.build import build
from mkdocs.config import load_config

from archive_factory import png_bytes, text_pdf_bytes, write_notebook, write_pdf

REPO = Path(__file__).resolve().parents[2]
CHROMIUM = Path(os.environ.get("NEUROVERSE_CHROMIUM", "/usr/bin/chromium"))
# Chromium's own background connections (updates, sync, safe browsing) would be refused by a
# closed network and show up as noise; none of them is the site's.
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
TIMEOUT_MS = 10_000
NETWORK_SCHEMES = ("http:", "https:", "ws:", "wss:", "ftp:")

# Words that occur in exactly one place in the archive, for the search tests.
NOTEBOOK_WORD = "quokkafold"  # in one notebook's markdown cell
OUTPUT_WORD = "zebrafinch"  # only in a stream output, which search leaves out
ARTICLE_WORD = "marzipanic"  # in one article's summary
NOTE_WORD = "wombatrix"  # in a Markdown note's text, under its second heading
ARTICLE_BODY_WORD = "hornwrack"  # only in the text of page 2 of that article's PDF
# On page 1 as itself, on page 3 only with a plural -s (search has no stemmer: it must still
# find the plural, on page 3).
ARTICLE_PLURAL_WORD = "tallowfern"
ARTICLE_PAGES = [
    f"The chain rule, slowly\nA derivative of a composition is a product: {ARTICLE_PLURAL_WORD}.",
    f"Bookkeeping\nEach node keeps its local {ARTICLE_BODY_WORD} gradient.\nThen multiply.",
    f"Summary\nBackpropagation is the chain rule applied in order, like {ARTICLE_PLURAL_WORD}s.",
]

ARCHIVE_CATALOGUE = f"""\
site:
  title: Browser archive
  tagline: A small archive read by a real browser.
sections:
  - id: fundamentals
    title: Fundamentals
    focus: Neurons and gradients
    status: completed
    description: Where every model starts.
  - id: cnn
    title: Convolutions
    focus: Images
    status: in-progress
  - id: research
    title: Research notes
    focus: Papers
    status: updating
  - id: generative
    title: Generative models
    focus: GANs and VAEs
    status: upcoming
    planned: [A variational autoencoder]
experiments:
  - id: perceptron
    title: The perceptron
    section: fundamentals
    status: completed
    notebook: notebooks/perceptron.ipynb
    goal: Train the oldest learning rule by hand.
    frameworks: [numpy]
    articles: [chain-rule]
    added: 2025-01-01
  - id: gradient-descent
    title: Gradient descent
    section: fundamentals
    status: active
    notebook: notebooks/gradient_descent.ipynb
    goal: Walk down a loss surface.
    frameworks: [numpy, matplotlib]
    added: 2025-01-02
  - id: filters
    title: Convolution filters
    section: cnn
    status: in-progress
    notebook: notebooks/filters.ipynb
    goal: See what each filter responds to.
    frameworks: [pytorch]
    added: 2025-01-03
articles:
  - id: chain-rule
    title: The chain rule, slowly
    summary: Backpropagation as bookkeeping, with a {ARTICLE_WORD} worked example.
    sections: [fundamentals, research]
    pdf: papers/chain_rule.pdf
    added: 2025-01-04
  - id: backprop-notes
    title: Backpropagation, in my words
    summary: A Markdown note on the chain rule.
    sections: [research]
    note: notes/backprop.md
resources:
  - topic: Foundations
    title: A free book
    url: https://example.org/book
    type: book
"""

ARCHIVE_FILES: dict[str, Callable[[Path], Any]] = {
    "notebooks/perceptron.ipynb": lambda p: write_notebook(
        p, "The perceptron", heading="Updating the weights",
        markdown=f"Each mistake nudges the weights; we call this the {NOTEBOOK_WORD} step.",
        code="import numpy as np\n\nweights = np.zeros(2)\nprint('loss', 0.25)",
        stream=f"epoch 1 loss 0.25 {OUTPUT_WORD}\n"),
    "notebooks/gradient_descent.ipynb": lambda p: write_notebook(p, "Gradient descent"),
    "notebooks/filters.ipynb": lambda p: write_notebook(p, "Convolution filters"),
    "papers/chain_rule.pdf": lambda p: p.write_bytes(text_pdf_bytes(ARTICLE_PAGES,
                                                                     size=(420, 595))),
    "notes/backprop.md": lambda p: p.write_text(textwrap.dedent(f"""\
        # Backpropagation, in my words

        The gradient of $L$ flows back through each node of the graph.

        ![The computational graph](img/graph.png)

        ## Local gradients

        Each node multiplies what it receives by its {NOTE_WORD} local derivative, as
        [the perceptron notebook](../notebooks/perceptron.ipynb) does by hand.

        | node | local gradient |
        |------|----------------|
        | add  | 1              |
        """), encoding="utf-8"),
    "notes/img/graph.png": lambda p: p.write_bytes(png_bytes("#2b6cb0", (240, 120))),
}

# Every field a reader sees, written by someone hostile. Nothing here may run.
HOSTILE_CATALOGUE = """\
site:
  title: "<script>alert('site title')</script>"
  tagline: "<img src=x onerror=alert('tagline')>"
sections:
  - id: evil
    title: "<script>alert('section title')</script>Evil"
    focus: "<img src=x onerror=alert('focus')>"
    status: active
    description: |
      <script>alert('description')</script> [click](javascript:alert('link'))
      <img src=x onerror="alert('description image')"> {: onclick="alert('attr')" }
    planned: ["<svg onload=alert('planned')>"]
experiments:
  - id: evil-experiment
    title: "<script>alert('experiment title')</script>Hostile experiment"
    section: evil
    status: completed
    notebook: notebooks/evil.ipynb
    goal: "<img src=x onerror=alert('goal')>"
    frameworks: ["<script>alert('framework')</script>"]
    dataset: "\\"><script>alert('dataset')</script>"
    tags: ["<b onmouseover=alert('tag')>tag</b>"]
    added: 2025-02-01
articles:
  - id: evil-article
    title: "</title><script>alert('article title')</script>Hostile article"
    summary: "<script>alert('summary')</script><img src=x onerror=alert('summary image')>"
    sections: [evil]
    pdf: papers/evil.pdf
    added: 2025-02-02
  - id: evil-note
    title: Hostile note
    summary: A Markdown note written to attack its readers.
    sections: [evil]
    note: notes/evil.md
resources:
  - topic: "<script>alert('topic')</script>"
    title: "<script>alert('resource')</script>"
    url: "https://example.org/\\"><script>alert('resource-url')</script>"
    type: blog
    note: "<img src=x onerror=alert('note')>"
"""

HOSTILE_FILES: dict[str, Callable[[Path], Any]] = {
    "notebooks/evil.ipynb": lambda p: write_notebook(
        p, "Hostile notebook",
        markdown="<script>alert('notebook markdown')</script><img src=x onerror=alert('md')>",
        extra_outputs=[{
            "output_type": "display_data",
            "data": {"text/html": "<script>alert('output')</script>"
                                  "<img src=x onerror=alert('output image')>"},
        }]),
    "papers/evil.pdf": write_pdf,
    "notes/evil.md": lambda p: p.write_text(
        "# Hostile note\n\n<script>alert('note script')</script>\n"
        "<img src=x onerror=alert('note image')> <svg onload=alert('note svg')></svg>\n"
        "[click](javascript:alert('note link')) <a href='jAvAsCrIpT:alert(1)'>raw</a>\n"
        "<iframe src=\"javascript:alert('note frame')\"></iframe>\n"
        "<details open ontoggle=alert('note toggle')><summary>s</summary>x</details>\n"
        "<form action=\"javascript:alert('form')\"><button>go</button></form>\n\n"
        "## A heading <b onmouseover=alert('heading')>bold</b>\n", encoding="utf-8"),
}

# The project's own theme configuration, so the tested pages look and behave like the
# published ones; only the repository link is dropped, because Material fetches its star
# count from the repository host, and these tests allow no request to leave the machine.
MKDOCS_YML = f"""\
INHERIT: {REPO / "mkdocs.yml"}
site_name: Browser archive
site_url: http://127.0.0.1/
repo_url: null
plugins:
  - search
  - neuroverse:
      catalogue: catalogue.yml
"""


def eventually(condition: Callable[[], bool], message: str, seconds: float = 10) -> None:
    """Wait for something the browser does in its own time (a viewer loading, a worker)."""
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"{message} (waited {seconds} s)")
        time.sleep(0.1)


PDF_VIEWER_PREFIX = "chrome-extension://mhjfbmdgcfjbbpaeojofohoefgiehjai/"  # Chromium's own


def wait_for_frame(page: Any, url_prefix: str) -> Any:
    for _ in range(50):
        for frame in page.frames:
            if frame.url.startswith(url_prefix):
                return frame
        page.wait_for_timeout(100)
    raise AssertionError(f"no frame from {url_prefix}: {[f.url for f in page.frames]}")


# axe-core ----------------------------------------------------------------------------

FAILING_IMPACTS = ("critical", "serious")

# (rule id, CSS selector of the node) -> why it stays; each is explained in
# docs/accessibility.md. Keep this empty unless the fix is out of this project's hands.
ACCEPTED: dict[tuple[str, str], str] = {
    ("aria-dialog-name", ".md-search"):
        "Material's search overlay has role=dialog and no name; its input is labelled "
        "'Search' inside a role=search form, and naming the dialog means forking a theme "
        "template",
}


def axe_script() -> str:
    """axe-core as the axe-playwright-python wheel ships it: no download at test time."""
    from axe_playwright_python.base import AXE_SCRIPT

    return str(AXE_SCRIPT)


def run_axe(page: Any, rules: list[str] | None = None) -> list[dict[str, Any]]:
    """axe's violations on the page as it is now (every rule, or only `rules`)."""
    if not page.evaluate("typeof window.axe === 'object'"):
        page.evaluate(axe_script())
    options: dict[str, Any] = {"resultTypes": ["violations"]}
    if rules is not None:
        options["runOnly"] = {"type": "rule", "values": rules}
    violations: list[dict[str, Any]] = page.evaluate(
        "options => axe.run(options).then(results => results.violations)", options)
    return violations


# Material fades its tabs and header in; axe measuring mid-fade on a busy machine reads a
# colour no reader is left with. Contrast is judged on the page at rest.
_AT_REST = "*, *::before, *::after { transition: none !important; animation: none !important; }"


def at_rest(page: Any) -> None:
    page.add_style_tag(content=_AT_REST)
    page.wait_for_timeout(50)


def serious_violations(page: Any, rules: list[str] | None = None) -> list[str]:
    """Critical and serious axe findings on the page at rest, less the accepted ones."""
    at_rest(page)
    return serious_findings(run_axe(page, rules))


def serious_findings(violations: list[dict[str, Any]]) -> list[str]:
    problems = []
    for violation in violations:
        if violation["impact"] not in FAILING_IMPACTS:
            continue
        nodes = [n for n in violation["nodes"]
                 if (violation["id"], ", ".join(n["target"])) not in ACCEPTED]
        if nodes:
            problems.append(describe({**violation, "nodes": nodes}))
    return problems


# Every page of a site ---------------------------------------------------------------

def site_pages(site_dir: Path) -> list[str]:
    """Every HTML page a build wrote, as paths relative to the site: whatever produced it
    (generated, hand-written, a page another feature adds), it is found here."""
    return sorted(path.relative_to(site_dir).as_posix() for path in site_dir.rglob("*.html"))


def palettes(page: Any) -> list[dict[str, str]]:
    """The colour palettes the page offers (Material's palette toggle), as the body
    attributes Material sets for each; one unnamed palette when there is no toggle."""
    found: list[dict[str, str]] = page.evaluate("""() =>
        [...document.querySelectorAll('input[name="__palette"]')].map(input => ({
            scheme: input.dataset.mdColorScheme || "default",
            primary: input.dataset.mdColorPrimary || "",
            accent: input.dataset.mdColorAccent || "",
        }))""")
    return found or [{"scheme": page.evaluate("document.body.dataset.mdColorScheme || ''"),
                      "primary": "", "accent": ""}]


def show_palette(page: Any, palette: dict[str, str]) -> None:
    """Switch the page to `palette` as Material's toggle does: by the body's attributes,
    which every palette rule of the theme (and of neuroverse.css) keys on."""
    page.evaluate("""palette => {
        document.body.setAttribute("data-md-color-scheme", palette.scheme);
        if (palette.primary) document.body.setAttribute("data-md-color-primary", palette.primary);
        if (palette.accent) document.body.setAttribute("data-md-color-accent", palette.accent);
    }""", palette)
    shown = page.evaluate("document.body.dataset.mdColorScheme")
    assert shown == palette["scheme"], f"palette {palette['scheme']} not applied ({shown})"
    page.wait_for_timeout(20)


# Only these of axe's rules read colours; in a page's second palette nothing else can
# differ (names, roles, structure and focus are the same markup), so only they run again.
COLOUR_RULES = ["color-contrast", "link-in-text-block"]
# Checked on a phone-sized screen too: what does not scroll on a wide screen may there.
NARROW_RULES = ["scrollable-region-focusable"]
NARROW_VIEWPORT = {"width": 375, "height": 740}


def check_pages(tab: Tab, pages: list[str]) -> tuple[list[str], set[str]]:
    """Open each page once, at rest; at desktop width run every axe rule in the first
    palette it offers and the colour rules in each other one, then the scrolling rule at
    phone width. Returns the serious findings, each headed by page and palette, and the
    palettes seen."""
    problems: list[str] = []
    seen: set[str] = set()
    page = tab.page
    desktop = page.viewport_size
    for path in pages:
        if desktop is not None:
            page.set_viewport_size(desktop)
        tab.open(path)
        at_rest(page)
        for index, palette in enumerate(palettes(page)):
            show_palette(page, palette)
            seen.add(palette["scheme"])
            rules = None if index == 0 else COLOUR_RULES
            problems += [f"{path} [{palette['scheme']}] {finding}"
                         for finding in serious_findings(run_axe(page, rules))]
        page.set_viewport_size(NARROW_VIEWPORT)
        page.wait_for_timeout(50)
        problems += [f"{path} [375 px] {finding}"
                     for finding in serious_findings(run_axe(page, NARROW_RULES))]
    return problems, seen


def describe(violation: dict[str, Any]) -> str:
    nodes = "\n".join(f"    {', '.join(n['target'])}: {n['html'][:160]}"
                      for n in violation["nodes"])
    return f"{violation['id']} ({violation['impact']}): {violation['help']}\n{nodes}"


def build_project_site(site_dir: Path) -> Path:
    """The project's own site, from the repository's mkdocs.yml and catalogue."""
    build(load_config(str(REPO / "mkdocs.yml"), site_dir=str(site_dir), strict=True))
    return site_dir


def build_archive(root: Path, catalogue: str | None,
                  files: dict[str, Callable[[Path], Any]], *, strict: bool = True,
                  mkdocs_yml: str = MKDOCS_YML) -> Path:
    """Write an archive into `root`, build it (strictly unless told), and return the site
    folder. With no `catalogue`, the archive has its catalogue already."""
    root.mkdir(parents=True, exist_ok=True)
    if catalogue is not None:
        (root / "catalogue.yml").write_text(textwrap.dedent(catalogue), encoding="utf-8")
    (root / "docs").mkdir(exist_ok=True)
    (root / "docs" / "index.md").write_text("# Welcome\n\nAn archive for a browser.\n",
                                            encoding="utf-8")
    for relative, write in files.items():
        (root / relative).parent.mkdir(parents=True, exist_ok=True)
        write(root / relative)
    (root / "mkdocs.yml").write_text(mkdocs_yml, encoding="utf-8")
    site_dir = root / "site"
    build(load_config(str(root / "mkdocs.yml"), site_dir=str(site_dir), strict=strict))
    return site_dir


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@dataclass
class ServedSite:
    site_dir: Path
    base_url: str  # http://127.0.0.1:PORT/

    def url(self, path: str = "") -> str:
        return self.base_url + path.lstrip("/")


def serve(site_dir: Path) -> Iterator[ServedSite]:
    handler = functools.partial(_QuietHandler, directory=str(site_dir))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield ServedSite(site_dir, f"http://127.0.0.1:{server.server_port}/")
    finally:
        server.shutdown()
        server.server_close()


@dataclass
class Tab:
    """One browser tab, and everything it did that a reader should never see."""

    page: Any  # playwright.sync_api.Page
    site: ServedSite
    blocked: list[str] = field(default_factory=list)  # requests to any other host
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)
    console: list[str] = field(default_factory=list)  # every console message
    # Console errors a test expects, matched against "message @ url of its source".
    expected_console_errors: list[re.Pattern[str]] = field(default_factory=list)
    # Requests to another host that a test expects, answered here instead of by the network:
    # URL prefix -> JSON body. Each is recorded in `answered`, never in `blocked`.
    stand_ins: dict[str, str] = field(default_factory=dict)
    answered: list[str] = field(default_factory=list)

    def open(self, path: str = "") -> Any:
        self.page.goto(self.site.url(path), wait_until="load")
        return self.page

    def heading(self) -> str:
        """The page's title as a reader sees it, without the permalink sign."""
        text: str = self.page.locator("h1").first.inner_text()
        return text.rstrip("¶").strip()

    def problems(self) -> list[str]:
        return ([f"request left the machine: {url}" for url in self.blocked]
                + [f"console error: {text}" for text in self.console_errors]
                + [f"uncaught exception: {text}" for text in self.page_errors]
                + [f"dialog: {text}" for text in self.dialogs])


def open_tab(browser: Any, site: ServedSite, **context_options: Any) -> Tab:
    context = browser.new_context(**context_options)
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    tab = Tab(page, site)

    def route(route: Any) -> None:
        url = route.request.url
        # Only network requests count; chrome-extension: and chrome: are the browser's own
        # built-in PDF viewer, data: and blob: never leave the page.
        stand_in = next((body for prefix, body in tab.stand_ins.items()
                         if url.startswith(prefix)), None)
        if url.startswith(site.base_url) or not url.startswith(NETWORK_SCHEMES):
            route.continue_()
        elif stand_in is not None:
            tab.answered.append(url)
            route.fulfill(status=200, content_type="application/json", body=stand_in,
                          headers={"access-control-allow-origin": "*"})
        else:
            tab.blocked.append(url)
            route.abort()

    def on_console(message: Any) -> None:
        tab.console.append(f"{message.type}: {message.text}")
        # A failed load names its URL only in the message's location: patterns see both.
        seen = f"{message.text} @ {(message.location or {}).get('url', '')}"
        if message.type == "error" and not any(
                pattern.search(seen) for pattern in tab.expected_console_errors):
            tab.console_errors.append(seen)

    def on_dialog(dialog: Any) -> None:
        tab.dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    context.route("**/*", route)
    page.on("console", on_console)
    page.on("pageerror", lambda error: tab.page_errors.append(str(error)))
    page.on("dialog", on_dialog)
    return tab


