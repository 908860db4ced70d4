"""The site end to end: real builds into tmp_path, read back as HTML and search index."""

from __future__ import annotations

import io
import os
import re
import stat
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from PIL import Image

from archive_factory import write_notebook, write_pdf
from conftest import BuiltSite, SiteBuilder

CATALOGUE = """\
# yaml-language-server: $schema=neuroverse_site/core/schema/catalogue.schema.json
site:
  title: Test archive
  tagline: A small archive for tests.
sections:
  - id: fundamentals
    title: Neural Network Fundamentals
    focus: Basic architecture and backpropagation
    status: completed
  - id: cnn
    title: Convolutional Neural Networks
    focus: Image classification and feature extraction
    status: in-progress
    description: |
      Convolutions and **pooling**, shown on digits.
    planned: [Dilated convolutions, Depthwise separable convolutions]
  - id: research
    title: Research Articles
    focus: Papers and summaries
    status: updating
experiments:
  - id: perceptron
    title: The perceptron from scratch
    section: fundamentals
    notebook: notebooks/fundamentals/perceptron.ipynb
    goal: Build the oldest learning rule by hand.
    frameworks: [numpy]
    dataset: Synthetic points
    tags: [linear]
    added: 2025-11-01
  - id: filters
    title: Visualising convolution filters
    section: cnn
    notebook: notebooks/cnn/filters.ipynb
    goal: See what a kernel responds to.
    frameworks: [numpy, matplotlib]
    articles: [padding]
    added: 2025-11-10
  - id: edge-script
    title: Edge detection as a script
    section: cnn
    script: notebooks/cnn/edges.py
    added: 2025-11-11
  - id: dilated
    title: Dilated convolutions
    section: cnn
    status: planned
articles:
  - id: padding
    title: Padding in convolutional networks
    pdf: papers/cnn/padding.pdf
    summary: Why padding keeps borders and sizes under control.
    sections: [cnn, research]
    added: 2025-11-12
  - id: pooling
    title: Pooling layers
    pdf: papers/cnn/pooling.pdf
    summary: Downsampling that keeps the strongest response.
    sections: [cnn]
    added: 2025-11-09
resources:
  - topic: Foundations
    title: Neural Networks and Deep Learning
    url: http://neuralnetworksanddeeplearning.com/
    type: book
    note: Backpropagation derived step by step.
  - topic: Sequence models
    title: Understanding LSTM Networks
    url: https://colah.github.io/posts/2015-08-Understanding-LSTMs/
    type: blog
"""


def archive_files() -> dict[str, object]:
    return {
        "notebooks/fundamentals/perceptron.ipynb": lambda p: write_notebook(
            p, "The perceptron from scratch", heading="Updating the weights",
            markdown="The rule nudges weights towards misclassified zyxwarbler points:"
                     " $w \\leftarrow w + \\eta\\, y\\, x$, and $\\frac{1}{$ stays TeX.",
            code="weights = weights + rate * quillfeather_error * x", stream="epoch 1 loss 0.5\n",
        ),
        "notebooks/cnn/filters.ipynb": lambda p: write_notebook(
            p, "Visualising convolution filters", heading="Sobel kernels",
            markdown="A Sobel kernel responds to vertical edges.",
        ),
        "notebooks/cnn/edges.py": "import numpy as np\n\nKERNEL = np.array([[1, 0, -1]] * 3)\n",
        "papers/cnn/padding.pdf": lambda p: write_pdf(p, pages=3),
        "papers/cnn/pooling.pdf": lambda p: write_pdf(p, pages=2, colour="#ffeecc"),
    }


@pytest.fixture(scope="module")
def site(build_module_site: SiteBuilder) -> BuiltSite:
    return build_module_site(CATALOGUE, archive_files())  # type: ignore[arg-type]


def cell_texts(node: object) -> list[str]:
    return [" ".join(td.text().split()) for td in node.css("td")]  # type: ignore[attr-defined]


# --- every entry has its page ---------------------------------------------------------


def test_every_section_experiment_and_article_has_a_page(site: BuiltSite) -> None:
    for url in ("sections/fundamentals/", "sections/cnn/", "sections/research/",
                "experiments/perceptron/", "experiments/filters/", "experiments/edge-script/",
                "experiments/dilated/", "articles/padding/", "articles/pooling/",
                "experiments/", "articles/", "resources/"):
        assert site.path(url).is_file(), url
    assert site.html("experiments/filters/").css_first("title").text().startswith(
        "Visualising convolution filters")


def test_nothing_is_written_into_the_docs_folder(site: BuiltSite) -> None:
    assert sorted(p.name for p in (site.root / "docs").iterdir()) == ["index.md"]


# --- home ------------------------------------------------------------------------------


def test_home_has_a_status_table_row_per_section_in_catalogue_order(site: BuiltSite) -> None:
    table = site.article("").css_first("table")
    rows = table.css("tbody tr")
    assert [" ".join(r.css("td")[1].text().split()) for r in rows] == [
        "Neural Network Fundamentals", "Convolutional Neural Networks", "Research Articles"]
    cnn = cell_texts(rows[1])
    assert cnn[0] == "2"
    assert cnn[2] == "Image classification and feature extraction"
    assert rows[1].css_first(".nv-badge--in-progress").text().strip().endswith("In progress")
    assert cnn[4:] == ["3", "2"]  # the planned experiment counts, articles in two sections too
    assert rows[1].css_first("a").attributes["href"] == "sections/cnn/"
    assert rows[2].css_first(".nv-badge--updating") is not None


def test_home_lists_recent_entries_newest_first(site: BuiltSite) -> None:
    recent = site.article("").css("ul li")
    texts = [" ".join(li.text().split()) for li in recent]
    assert texts[0].startswith("2025-11-12 · Article · Padding in convolutional networks")
    assert texts[1].startswith("2025-11-11 · Experiment · Edge detection as a script")
    assert recent[0].css_first("a").attributes["href"] == "articles/padding/"


# --- section pages -----------------------------------------------------------------------


def test_section_page_shows_numbered_experiment_and_article_cards(site: BuiltSite) -> None:
    page = site.article("sections/cnn/")
    grids = page.css(".grid.cards")
    assert len(grids) == 2
    experiments = [" ".join(li.text().split()) for li in grids[0].css_first("ul").iter()
                   if li.tag == "li"]
    assert [t.split(" ", 1)[0] for t in experiments] == ["1.", "2.", "3."]
    assert "Visualising convolution filters" in experiments[0]
    assert "See what a kernel responds to." in experiments[0]
    articles = [li for li in grids[1].css_first("ul").iter() if li.tag == "li"]
    numbers = [li.css_first("strong").text() for li in articles]
    assert numbers == ["01.", "02."]
    assert articles[0].css_first("a").attributes["href"] == "../../articles/padding/"
    assert articles[0].css_first("img.nv-card-thumb") is not None
    assert "3 pages" in articles[0].text()
    planned = [li.text() for li in page.css("h2 ~ ul li")]
    assert "Depthwise separable convolutions" in planned
    # The description's Markdown renders: emphasis as <strong>, no asterisks left.
    description = next(p for p in page.css("p") if p.text().startswith("Convolutions and"))
    assert [s.text() for s in description.css("strong")] == ["pooling"]
    assert "**" not in description.text() and "**" not in page.text()


def test_an_article_has_one_number_on_every_page(build_site: SiteBuilder) -> None:
    site = build_site("""
        site: {title: Numbers}
        sections:
          - {id: cnn, title: CNNs, status: active}
          - {id: research, title: Research, status: updating}
        articles:
          - {id: first, title: First, summary: One., sections: [cnn], status: planned}
          - {id: second, title: Second, summary: Two., sections: [cnn, research],
             status: planned}
    """)
    for url in ("sections/cnn/", "sections/research/", "articles/"):
        cards = {" ".join(li.css_first("a").text().split()): li.css_first("strong").text()
                 for li in site.article(url).css(".grid.cards li")}
        assert cards["Second"] == "02.", url


def test_article_in_two_sections_has_one_page_and_a_card_in_each(site: BuiltSite) -> None:
    for section in ("cnn", "research"):
        links = [a.attributes["href"] for a in site.article(f"sections/{section}/").css("a")]
        assert "../../articles/padding/" in links
    pages = [p for p in site.site_dir.rglob("index.html") if "padding" in p.parent.name]
    assert [p.parent.relative_to(site.site_dir).as_posix() for p in pages] == ["articles/padding"]


# --- experiment pages ------------------------------------------------------------------


def test_experiment_page_has_header_and_rendered_notebook(site: BuiltSite) -> None:
    page = site.article("experiments/perceptron/")
    facts = " ".join(page.css_first(".nv-facts").text().split())
    for expected in ("Status: Completed", "Goal: Build the oldest learning rule by hand.",
                     "Frameworks: numpy", "Dataset: Synthetic points", "Tags: linear",
                     "Added: 2025-11-01", "Download: perceptron.ipynb"):
        assert expected in facts
    notebook = page.css_first(".nv-notebook")
    assert "misclassified zyxwarbler points" in notebook.text()
    code = notebook.css_first(".jp-CodeCell .highlight code")
    assert "quillfeather_error" in code.text()
    assert code.css_first("span.p").text() == "="  # highlighted, not plain text
    assert "epoch 1 loss 0.5" in notebook.css_first("nv-output pre").text()
    # math is typeset as MathML at build time (no script, no network); broken TeX stays visible
    formula = notebook.css_first("math")
    assert formula.attributes["display"] == "inline"
    assert formula.css_first("mi").text() == "w"
    assert formula.css_first("annotation").text() == "w \\leftarrow w + \\eta\\, y\\, x"
    assert notebook.css_first("code.nv-tex").text() == "\\frac{1}{"
    # the notebook's own title heading gives way to the page's h1
    assert [h.text() for h in page.css("h1")] == ["The perceptron from scratch¶"]


def test_notebook_image_output_is_a_lazy_file_that_exists(site: BuiltSite) -> None:
    image = site.article("experiments/perceptron/").css_first(".nv-notebook img")
    assert image.attributes["loading"] == "lazy"
    src = image.attributes["src"]
    assert src.startswith("../../assets/neuroverse/nb/") and src.endswith(".png")
    target = (site.path("experiments/perceptron/").parent / src).resolve()
    assert Image.open(target).size == (40, 30)


def test_download_link_serves_the_notebook_bytes(site: BuiltSite) -> None:
    link = next(a for a in site.article("experiments/perceptron/").css("a")
                if a.attributes.get("download"))
    served = (site.path("experiments/perceptron/").parent / link.attributes["href"]).resolve()
    source = site.root / "notebooks/fundamentals/perceptron.ipynb"
    assert served.read_bytes() == source.read_bytes()


def test_experiment_links_its_related_articles_and_section(site: BuiltSite) -> None:
    page = site.article("experiments/filters/")
    hrefs = {a.text().strip(): a.attributes["href"] for a in page.css(".nv-facts a")}
    assert hrefs["Padding in convolutional networks"] == "../../articles/padding/"
    assert hrefs["2. Convolutional Neural Networks"] == "../../sections/cnn/"


def test_script_experiment_is_highlighted(site: BuiltSite) -> None:
    code = site.article("experiments/edge-script/").css_first(".nv-script .highlight code")
    assert "KERNEL" in code.text()
    assert code.css_first("span.kn").text() == "import"


def test_planned_experiment_without_file_says_so(site: BuiltSite) -> None:
    page = site.article("experiments/dilated/")
    assert "no notebook yet" in page.text()
    assert page.css_first(".nv-badge--planned") is not None


def test_notebook_headings_join_the_page_toc(site: BuiltSite) -> None:
    toc = site.html("experiments/perceptron/").css(".md-sidebar--secondary .md-nav__link")
    assert any("Updating the weights" in a.text() for a in toc)


# --- article pages -----------------------------------------------------------------------


def test_article_page_shows_pdf_facts_pages_and_download(site: BuiltSite) -> None:
    page = site.article("articles/padding/")
    text = " ".join(page.text().split())
    assert "Why padding keeps borders and sizes under control." in text
    assert "Pages: 3" in text
    size = (site.root / "papers/cnn/padding.pdf").stat().st_size
    assert f"({size / 1024:.1f} KB)" in text
    # The pages are images (the PDF is never embedded: its scripts could run).
    images = page.css("figure.nv-page img")
    assert len(images) == 3 and page.css("object, embed, iframe") == []
    first = Image.open(site.path("articles/padding/").parent / images[0].attributes["src"])
    assert first.width == 800 and first.format == "JPEG"
    # These pages are drawn pictures without a text layer, and the page says so.
    assert text.count("This page has no text to copy or search") == 3
    download = page.css_first("a[download]")
    pdf = (site.path("articles/padding/").parent / download.attributes["href"]).resolve()
    assert len(pdfium.PdfDocument(pdf)) == 3


def test_articles_index_lists_every_article_as_a_card(site: BuiltSite) -> None:
    cards = site.article("articles/").css(".grid.cards > ul > li")
    assert [c.css_first("a").text() for c in cards] == [
        "Padding in convolutional networks", "Pooling layers"]
    assert [c.css_first("strong").text() for c in cards] == ["01.", "02."]


# --- log and resources -----------------------------------------------------------------


def test_experiment_log_has_one_row_per_experiment(site: BuiltSite) -> None:
    rows = site.article("experiments/").css("tbody tr")
    table = [cell_texts(r) for r in rows]
    assert [r[0] for r in table] == ["1.1", "2.1", "2.2", "2.3"]
    assert table[1][1:3] == ["Visualising convolution filters", "2. Convolutional Neural Networks"]
    assert table[1][4] == "filters.ipynb" and table[1][5] == "Padding in convolutional networks"
    assert table[3][4] == "—"


def test_resources_are_grouped_by_topic(site: BuiltSite) -> None:
    page = site.article("resources/")
    assert [h.text().rstrip("¶") for h in page.css("h2")] == ["Foundations", "Sequence models"]
    link = page.css_first("table a")
    assert link.attributes["href"] == "http://neuralnetworksanddeeplearning.com/"


# --- navigation and search --------------------------------------------------------------


def test_navigation_follows_catalogue_order(site: BuiltSite) -> None:
    nav = site.html("").css_first("nav.md-nav--primary")
    labels = [" ".join(a.text().split()) for a in nav.css("a.md-nav__link, label.md-nav__link")]
    order = [labels.index(t) for t in (
        "1. Neural Network Fundamentals", "2. Convolutional Neural Networks", "3. Research Articles",
        "Experiment log", "Articles", "Resources")]
    assert order == sorted(order)


def search_locations(site: BuiltSite, word: str) -> list[str]:
    return [d["location"] for d in site.search_index()
            if word in d["text"] or word in d["title"]]


def test_search_finds_entries_by_title_summary_and_notebook_content(site: BuiltSite) -> None:
    assert "experiments/perceptron/" in search_locations(site, "The perceptron from scratch")
    assert any(loc.startswith("articles/padding/")
               for loc in search_locations(site, "keeps borders and sizes"))
    assert any(loc.startswith("sections/cnn/")
               for loc in search_locations(site, "Image classification and feature extraction"))
    # a markdown cell and a code cell are findable, and land on the notebook heading
    assert search_locations(site, "zyxwarbler") == [
        "experiments/perceptron/#nb-updating-the-weights"]
    assert search_locations(site, "quillfeather_error") == [
        "experiments/perceptron/#nb-updating-the-weights"]
    # stream outputs (training logs) stay out of the index
    assert search_locations(site, "epoch 1 loss") == []


def test_listing_pages_leave_each_entry_to_its_own_page_in_search(site: BuiltSite) -> None:
    index = {doc["location"]: doc for doc in site.search_index()}
    listings = {url: " ".join(d["text"] for loc, d in index.items() if loc.startswith(url))
                for url in ("articles/", "experiments/", "sections/cnn/")}
    # The lists' pages are still found by their own title and words...
    assert index["articles/"]["title"] == "Articles"
    assert index["experiments/"]["title"] == "Experiment log"
    assert "Every experiment in the archive" in index["experiments/"]["text"]
    assert "Convolutions and pooling, shown on digits." in listings["sections/cnn/"]
    # ...but no longer repeat the titles, goals and summaries of the entries they list,
    # which each entry's own page holds.
    for text in (index["articles/"]["text"], index["experiments/"]["text"],
                 listings["sections/cnn/"]):
        for repeated in ("Why padding keeps borders", "See what a kernel responds to",
                         "Visualising convolution filters", "Pooling layers",
                         "filters.ipynb"):
            assert repeated not in text, repeated
    assert "See what a kernel responds to." in index["experiments/filters/"]["text"]
    assert "Why padding keeps borders" in index["articles/padding/"]["text"]
    # Readers still see every card and row.
    assert "See what a kernel responds to." in site.article("sections/cnn/").text()
    assert "filters.ipynb" in site.article("experiments/").text()


def test_search_reads_code_as_its_words_and_equations_as_drawn(site: BuiltSite) -> None:
    [entry] = [doc for doc in site.search_index()
               if doc["location"] == "experiments/perceptron/#nb-updating-the-weights"]
    code = entry["text"].split("<pre><code>", 1)[1].split("</code></pre>", 1)[0]
    # "weights = weights + rate * quillfeather_error * x": each word once, no operators.
    assert code.split() == ["weights", "rate", "quillfeather_error", "x"]
    # "import numpy as np / KERNEL = np.array([[1, 0, -1]] * 3)": no stop word ("as"), no
    # small number, no word ("np") that starts a longer one search finds it by.
    [script] = [doc for doc in site.search_index()
                if doc["location"] == "experiments/edge-script/"]
    assert script["text"] == "<pre><code>import numpy KERNEL np.array([[1</code></pre>"
    # The equation's TeX stays on the page (for copying) but search reads it as drawn.
    assert "leftarrow" not in entry["text"]
    assert "w←w+ηyx" in entry["text"]
    assert "w \\leftarrow w" in site.text("experiments/perceptron/")
    # The page's tags are on its first entry only: a tag search lists the page once.
    [page] = [doc for doc in site.search_index() if doc["location"] == "experiments/perceptron/"]
    assert page["tags"] == ["linear"] and "tags" not in entry


def test_search_reads_the_facts_worth_finding_and_skips_the_rest(site: BuiltSite) -> None:
    [entry] = [doc for doc in site.search_index() if doc["location"] == "experiments/perceptron/"]
    for wanted in ("Build the oldest learning rule by hand.", "numpy", "Synthetic points",
                   "linear"):
        assert wanted in entry["text"]
    for noise in ("Status:", "Section:", "Added:", "2025-11-01", "Download:", "perceptron.ipynb"):
        assert noise not in entry["text"]
    # ...while readers still see every fact
    facts = " ".join(site.article("experiments/perceptron/").css_first(".nv-facts").text().split())
    assert "Status: Completed" in facts and "Added: 2025-11-01" in facts


# --- authoring loop ---------------------------------------------------------------------


def test_a_new_experiment_appears_everywhere_after_a_rebuild(
        build_site: SiteBuilder, tmp_path: Path) -> None:
    files = archive_files()
    build_site(CATALOGUE, files)  # type: ignore[arg-type]
    added = CATALOGUE.replace("articles:\n", """\
  - id: pooling-demo
    title: Max pooling on digit images
    section: cnn
    notebook: notebooks/cnn/pooling_demo.ipynb
    goal: Watch a feature map shrink.
    added: 2025-11-20
articles:
""", 1)
    site = build_site(added, {"notebooks/cnn/pooling_demo.ipynb": lambda p: write_notebook(
        p, "Max pooling on digit images", markdown="Pooling keeps the plumbago maximum.")})
    section = site.article("sections/cnn/")
    assert "Max pooling on digit images" in section.text()
    assert "4." in [li.css_first("strong").text() for li in section.css(".grid.cards li")]
    log_titles = [cell_texts(r)[1] for r in site.article("experiments/").css("tbody tr")]
    assert "Max pooling on digit images" in log_titles
    first_recent = " ".join(site.article("").css("ul li")[0].text().split())
    assert first_recent.startswith("2025-11-20 · Experiment · Max pooling on digit images")
    assert site.path("experiments/pooling-demo/").is_file()
    assert search_locations(site, "plumbago") == ["experiments/pooling-demo/#nb-training-the-model"]


# --- bad catalogues -------------------------------------------------------------------


def build_output(site: BuiltSite) -> str:
    return "\n".join([site.error or "", *site.log])


def test_yaml_syntax_error_is_one_clear_line(build_site: SiteBuilder) -> None:
    broken = CATALOGUE.replace("    focus: Papers and summaries\n",
                               "    focus: [Papers and summaries\n")
    site = build_site(broken, archive_files(), expect_failure=True)  # type: ignore[arg-type]
    output = build_output(site)
    assert re.search(r"catalogue\.yml:\d+:\d+: error NV001 ", output)
    assert "Traceback" not in output


def test_unknown_section_names_file_line_and_suggestion(build_site: SiteBuilder) -> None:
    broken = CATALOGUE.replace("    section: fundamentals\n", "    section: fundamentalz\n")
    site = build_site(broken, archive_files(), expect_failure=True)  # type: ignore[arg-type]
    line = CATALOGUE.splitlines().index("    section: fundamentals") + 1
    assert (f"catalogue.yml:{line}:14: error NV201 experiments[0].section: unknown section "
            "'fundamentalz'") in build_output(site)
    assert "did you mean 'fundamentals'?" in build_output(site)


def test_missing_markdown_extension_is_named(build_site: SiteBuilder) -> None:
    from conftest import MKDOCS_YML

    config = MKDOCS_YML.format(plugin_options="").replace("  - md_in_html\n", "")
    site = build_site(CATALOGUE, archive_files(), mkdocs_yml=config,  # type: ignore[arg-type]
                      expect_failure=True)
    assert "- md_in_html" in build_output(site)


# --- the repository's own site ----------------------------------------------------------


def test_the_repository_site_builds_strictly(tmp_path: Path) -> None:
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    root = Path(__file__).resolve().parents[1]
    config = load_config(str(root / "mkdocs.yml"), site_dir=str(tmp_path / "site"), strict=True)
    build(config)
    from neuroverse_site.core.checks import check_file

    catalogue = check_file(root / "catalogue.yml").catalogue
    assert catalogue is not None
    for experiment in catalogue.experiments:
        assert (tmp_path / "site/experiments" / experiment.id / "index.html").is_file()
    for article in catalogue.articles:
        assert (tmp_path / "site/articles" / article.id / "index.html").is_file()
    assert not (root / "docs" / "experiments").exists()


# --- the owner's real archive ------------------------------------------------------------

REAL_PDFS = ["Docs/CNN.pdf", "Docs/CNNimportance.pdf", "Docs/padding.pdf",
             "Docs/Convolutionlayers.pdf", "Docs/Poolinglayers.pdf", "Docs/maskcnn.pdf",
             "Docs/unet.pdf", "Docs/GAN.pdf", "TRANSFORMERS.pdf"]


def real_archive_catalogue() -> str:
    articles = "".join(f"""\
  - id: {Path(pdf).stem.lower()}
    title: Article {Path(pdf).stem}
    pdf: {pdf}
    summary: Notes from the owner's archive.
    sections: [{'generative' if 'GAN' in pdf else 'cnn'}]
""" for pdf in REAL_PDFS)
    return f"""\
site:
  title: NeuroVerse
sections:
  - id: cnn
    title: Convolutional Neural Networks (CNNs)
    status: in-progress
  - id: generative
    title: Generative Models
    status: upcoming
experiments:
  - id: maskcnn
    title: Mask R-CNN instance segmentation on a static image
    section: cnn
    notebook: Python/maskcnn.ipynb
  - id: unet
    title: U-Net image segmentation on custom images
    section: cnn
    notebook: Python/Unet.ipynb
articles:
{articles}"""


def test_the_real_archive_renders_notebooks_with_images_and_pdf_cards(
        build_site: SiteBuilder, shared_archive: Path, tmp_path: Path) -> None:
    # The real files are read where they are; only the catalogue and config live in tmp_path.
    site = build_site(real_archive_catalogue(), plugin_options=f"archive_dir: {shared_archive}")
    for experiment, images in (("unet", 2), ("maskcnn", 1)):
        notebook = site.article(f"experiments/{experiment}/").css_first(".nv-notebook")
        sources = [img.attributes["src"] for img in notebook.css("img")]
        assert len(sources) >= images
        for src in sources:
            image = site.path(f"experiments/{experiment}/").parent / src
            assert Image.open(image.resolve()).width > 100
    cards = {c.css_first("a").text(): c for c in site.article("articles/").css(".grid.cards li")}
    assert len(cards) == len(REAL_PDFS)
    for pdf in REAL_PDFS:
        card = cards[f"Article {Path(pdf).stem}"]
        pages = len(pdfium.PdfDocument(shared_archive / pdf))
        assert f"{pages} page" in card.text()
        thumb = card.css_first("img").attributes["src"]
        png = (site.path("articles/").parent / thumb).resolve().read_bytes()
        assert Image.open(io.BytesIO(png)).format == "PNG"


def test_hand_written_pages_share_the_about_tab(build_site: SiteBuilder) -> None:
    files = {**archive_files(), "docs/about.md": "# About\n\nWho keeps this archive.\n",
             "docs/notes.md": "# Notes on the site\n\nHow it is made.\n"}
    site = build_site(CATALOGUE, files)  # type: ignore[arg-type]
    top = site.html("").css(".md-nav--primary > .md-nav__list > .md-nav__item")
    labels = [" ".join(item.css_first(".md-nav__link").text().split()) for item in top]
    assert labels == ["Home", "Sections", "Experiment log", "Articles", "Resources", "Tags",
                      "About"]
    sidebar = site.html("notes/").css_first("nav.md-nav--primary")
    about = [" ".join(a.text().split()) for a in sidebar.css("a.md-nav__link")]
    assert about.index("About") < about.index("Notes on the site")


SITE_SETTINGS = """
    site:
      title: Settings
      tagline: Notes on neural networks, one notebook at a time.
      repository_url: https://gitlab.com/someone/notes
    sections:
      - {id: cnn, title: CNNs, status: active}
"""


def test_repository_and_tagline_come_from_the_catalogue(build_site: SiteBuilder) -> None:
    page = build_site(SITE_SETTINGS).html("")
    repository = page.css_first("a.md-source")
    assert repository is not None
    assert repository.attributes["href"] == "https://gitlab.com/someone/notes"
    assert "GitLab" in repository.text()
    description = page.css_first("meta[name=description]")
    assert description is not None
    assert description.attributes["content"] == "Notes on neural networks, one notebook at a time."


def test_mkdocs_yml_wins_over_the_catalogue(build_site: SiteBuilder) -> None:
    from conftest import MKDOCS_YML

    config = MKDOCS_YML.format(plugin_options="") + (
        "repo_url: https://github.com/owner/archive\nsite_description: Said in mkdocs.yml.\n")
    page = build_site(SITE_SETTINGS, mkdocs_yml=config).html("")
    repository = page.css_first("a.md-source")
    assert repository is not None
    assert repository.attributes["href"] == "https://github.com/owner/archive"
    description = page.css_first("meta[name=description]")
    assert description is not None and description.attributes["content"] == "Said in mkdocs.yml."


def test_an_article_page_shows_its_tags_and_the_experiments_that_cite_it(
        build_site: SiteBuilder) -> None:
    site = build_site("""
        site: {title: Citing}
        sections:
          - {id: cnn, title: CNNs, status: active}
        experiments:
          - {id: filters, title: Filters, section: cnn, status: planned, articles: [padding]}
          - {id: pooling, title: Pooling, section: cnn, status: planned}
          - {id: strides, title: Strides, section: cnn, status: planned, articles: [padding]}
        articles:
          - {id: padding, title: Padding, summary: Borders., sections: [cnn], status: planned,
             tags: [borders, convolution]}
    """)
    facts = {" ".join(li.text().split()).split(":", 1)[0]: li
             for li in site.article("articles/padding/").css(".nv-facts li")}
    assert [chip.text() for chip in facts["Tags"].css(".nv-chip")] == ["borders", "convolution"]
    links = [(a.text(), a.attributes["href"]) for a in facts["Related experiments"].css("a")]
    assert links == [("Filters", "../../experiments/filters/"),
                     ("Strides", "../../experiments/strides/")]


def test_the_sections_tab_opens_on_an_overview_of_every_section(site: BuiltSite) -> None:
    page = site.article("sections/")
    rows = [[" ".join(td.text().split()) for td in tr.css("td")] for tr in page.css("tbody tr")]
    home = [[" ".join(td.text().split()) for td in tr.css("td")]
            for tr in site.article("").css("tbody tr")]
    assert rows == home and len(rows) == 3
    assert page.css_first("tbody a").attributes["href"] == "fundamentals/"


def test_a_home_page_without_markers_gets_a_heading_over_the_table(
        build_site: SiteBuilder) -> None:
    site = build_site(CATALOGUE, {**archive_files(), "docs/index.md": "# Mine\n\nHello.\n"})
    headings = [h.text().replace("¶", "").strip() for h in site.article("").css("h2")]
    assert headings[:2] == ["Sections", "Recently added"]


def test_every_published_file_is_readable_by_a_web_server(build_site: SiteBuilder) -> None:
    """Images and thumbnails are hard-linked from the render cache into site/; a cache
    file made private (0600, as temporary files are) would be a 403 on any server that
    serves site/ as another user. Published files get the mode any new file gets."""
    previous = os.umask(0o022)
    try:
        site = build_site(CATALOGUE, archive_files())  # type: ignore[arg-type]
    finally:
        os.umask(previous)
    files = [path for path in site.site_dir.rglob("*") if path.is_file()]
    linked = [path for path in files if path.stat().st_nlink > 1]
    assert linked, "the cache's images should be linked into the site"
    private = [path.relative_to(site.site_dir).as_posix() for path in files
               if stat.S_IMODE(path.stat().st_mode) & 0o044 != 0o044]
    assert private == []


@pytest.mark.parametrize(("mode", "size", "kind"), [
    ("RGB", (792, 312), "PNG"), ("RGBA", (1, 1), "PNG"), ("P", (70000, 3), "PNG"),
    ("L", (40, 30), "JPEG"), ("RGB", (12, 9), "WEBP")])
def test_an_image_size_is_what_pillow_reads(mode: str, size: tuple[int, int],
                                            kind: str) -> None:
    from neuroverse_site.build.site import _image_size

    buffer = io.BytesIO()
    Image.new(mode, size).save(buffer, kind)
    data = buffer.getvalue()
    with Image.open(io.BytesIO(data)) as image:
        assert _image_size(data) == (image.width, image.height) == size
    assert _image_size(b"\x89PNG\r\n\x1a\n") is None  # a header cut short
    assert _image_size(b"not an image") is None
