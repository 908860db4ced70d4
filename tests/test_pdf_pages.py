"""Article pages read everywhere: each PDF page as an image and as text, found by search,
and no PDF ever embedded (its JavaScript must not run)."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from PIL import Image

from neuroverse_site.build import batch
from neuroverse_site.build.pdfs import (
    MAX_PIXELS,
    MAX_SIDE,
    PAGE_WIDTH,
    bounded_scale,
    read_pdf,
    search_terms,
)
from neuroverse_site.cli import main
from neuroverse_site.core.ids import blob_name

from archive_factory import javascript_action, text_pdf_bytes, write_pdf
from conftest import BuiltSite, SiteBuilder, site_builder

BODY_WORD = "quillwort"  # only in the body of page 2: not in any title or summary

CATALOGUE = """\
    site:
      title: Test archive
    sections:
      - id: cnn
        title: Convolutional networks
        status: active
    articles:
      - id: padding
        title: Padding & borders
        summary: How padding keeps the borders.
        sections: [cnn]
        pdf: papers/padding.pdf
        tags: [convolution]
"""

PAGES = [
    "Padding in convolutional networks\nZero padding keeps the output size.",
    f"Border pixels\nThe {BODY_WORD} effect: corners are seen less often.\nSecond line here.",
    "Summary\n<script>alert(1)</script> & **not bold** [x](javascript:alert(1))",
]


def _pdf(target: Path) -> None:
    target.write_bytes(text_pdf_bytes(PAGES))


@pytest.fixture
def site(build_site: SiteBuilder) -> BuiltSite:
    return build_site(CATALOGUE, {"papers/padding.pdf": _pdf})


def _image_size(site: BuiltSite, page_url: str, src: str) -> tuple[int, int]:
    path = (site.path(page_url).parent / src).resolve()
    assert path.is_file() and site.site_dir in path.parents, src
    with Image.open(path) as image:
        return image.size


def test_every_page_is_an_image_with_a_2x_variant_and_its_text(site: BuiltSite) -> None:
    article = site.article("articles/padding/")
    sections = article.css("h2[id^='page-']")
    assert [h.attributes["id"] for h in sections] == ["page-1", "page-2", "page-3"]
    images = article.css("figure.nv-page img")
    assert len(images) == 3
    for number, image in enumerate(images, 1):
        attributes = image.attributes
        assert attributes["alt"] == f"Page {number} of Padding & borders"
        assert attributes["loading"] == "lazy"
        src, srcset = attributes["src"] or "", attributes["srcset"] or ""
        # The 2x image only: a browser takes `src` as the 1x one.
        [two_x] = (part.strip().rsplit(" ", 1) for part in srcset.split(","))
        assert two_x[1] == "2x" and two_x[0] != src
        width, height = _image_size(site, "articles/padding/", src)
        assert (str(width), str(height)) == (attributes["width"], attributes["height"])
        assert width == 800  # the content column
        assert _image_size(site, "articles/padding/", two_x[0]) == (1600, 2 * height)
    texts = article.css("details.nv-page-text .nv-page-text__body")
    assert len(texts) == 3
    assert texts[1].text().split("\n") == [
        "Border pixels", f"The {BODY_WORD} effect: corners are seen less often.",
        "Second line here."]
    # The text follows its own page's heading, not another's.
    page_two = site.text("articles/padding/")
    assert page_two.index('id="page-2"') < page_two.index(BODY_WORD) < page_two.index(
        'id="page-3"')


def test_pdf_text_is_shown_as_text_never_as_markup(site: BuiltSite) -> None:
    article = site.article("articles/padding/")
    assert article.css("script") == []
    assert all("javascript:" not in (a.attributes.get("href") or "") for a in article.css("a"))
    third = article.css(".nv-page-text__body")[2]
    # No element inside, text only (a comment marks where the plugin put it).
    assert [n.tag for n in third.iter(include_text=False)] in ([], ["-comment"])
    assert "<script>alert(1)</script> & **not bold** [x](javascript:alert(1))" \
        in third.text()


def test_no_pdf_is_embedded_and_the_download_link_stays(site: BuiltSite) -> None:
    article = site.article("articles/padding/")
    assert article.css("object, embed, iframe") == []
    link = article.css_first("a[download]")
    assert link is not None and link.attributes["href"] == "../../papers/padding.pdf"
    assert (site.site_dir / "papers/padding.pdf").read_bytes().startswith(b"%PDF")


def test_search_has_one_entry_per_page_with_its_words(site: BuiltSite) -> None:
    entries = {doc["location"]: doc for doc in site.search_index()
               if doc["location"].startswith("articles/padding/")}
    pages = [f"articles/padding/#page-{n}" for n in (1, 2, 3)]
    assert all(location in entries for location in pages)
    assert [entries[p]["title"] for p in pages] == ["Page 1", "Page 2", "Page 3"]
    with_word = [location for location, doc in entries.items() if BODY_WORD in doc["text"]]
    assert with_word == ["articles/padding/#page-2"]
    # Search reads each page's words, not its prose: stop words and repeats are left out.
    assert "effect:" not in entries[pages[1]]["text"]
    assert "Text of page" not in json.dumps(entries)
    # The article's tag is on its first entry, not repeated on every page's.
    assert entries["articles/padding/"]["tags"] == ["convolution"]
    assert all("tags" not in entries[p] for p in pages)
    # ...while readers get the whole text.
    assert "The quillwort effect: corners" in site.text("articles/padding/")


def test_pages_beyond_the_bound_are_left_to_the_download(build_site: SiteBuilder) -> None:
    site = build_site(CATALOGUE, {"papers/padding.pdf": _pdf}, plugin_options="pdf_pages: 2")
    article = site.article("articles/padding/")
    assert [h.attributes["id"] for h in article.css("h2[id^='page-']")] == ["page-1", "page-2"]
    assert len(article.css("figure.nv-page img")) == 2
    note = article.css_first(".admonition.note")
    assert note is not None and "The first 2 of 3 pages" in note.text()
    assert "pages 3 to 3" in note.text()
    assert note.css_first("a[download]") is not None
    assert not (site.site_dir / "assets/neuroverse/pages/padding/page-3.jpg").exists()
    assert "Summary" not in site.text("articles/padding/")  # page 3's text


def test_a_negative_page_bound_is_refused(build_site: SiteBuilder) -> None:
    site = build_site(CATALOGUE, {"papers/padding.pdf": _pdf}, plugin_options="pdf_pages: -1",
                      expect_failure=True)
    assert "option 'pdf_pages': must be a whole number from 0, not -1" in "\n".join(site.log)


# Active content ---------------------------------------------------------------------------

# Catalogue 1, page tree 2, font 3, page and content 4 and 5: the action is object 6.
OPEN_ACTION = {"catalogue_extra": b"/OpenAction 6 0 R",
               "extra_objects": (javascript_action("app.alert('from the pdf')"),)}
ACTIVE_PDFS = {
    "open-action-javascript": text_pdf_bytes(["Hostile page"], **OPEN_ACTION),  # type: ignore[arg-type]
    "in-a-compressed-object-stream": text_pdf_bytes(
        ["Hostile page"], object_stream=True, **OPEN_ACTION),  # type: ignore[arg-type]
    "page-additional-action": text_pdf_bytes(
        ["Hostile page"], catalogue_extra=b"/AA << /WC 6 0 R >>",
        extra_objects=(b"<< /S /JavaScript /JS 7 0 R >>", b"(app.alert\\(2\\))")),
    "escaped-launch-name": text_pdf_bytes(
        ["Hostile page"], catalogue_extra=b"/OpenAction 6 0 R",
        extra_objects=(b"<< /S /L#61unch /F (calc.exe) >>",)),
    "submit-form": text_pdf_bytes(
        ["Hostile page"], catalogue_extra=b"/OpenAction 6 0 R",
        extra_objects=(b"<< /S /SubmitForm /F (https://example.org/) >>",)),
}


@pytest.mark.parametrize("name", list(ACTIVE_PDFS))
def test_pdf_with_active_content_warns_and_is_never_embedded(
        build_site: SiteBuilder, name: str) -> None:
    site = build_site(CATALOGUE, {"papers/padding.pdf": ACTIVE_PDFS[name]}, strict=False)
    warnings = [w for w in site.warnings() if "NV330" in w]
    assert len(warnings) == 1, site.warnings()
    assert "catalogue.yml:12:10: warning NV330 articles[0].pdf:" in warnings[0]
    assert "papers/padding.pdf" in warnings[0]
    article = site.article("articles/padding/")
    assert article.css("object, embed, iframe") == []
    assert len(article.css("figure.nv-page img")) == 1  # still read, as an image
    warning = article.css_first(".admonition.warning")
    assert warning is not None and "active content" in warning.text()


def test_check_reports_active_content(tmp_path: Path, capsys: pytest.CaptureFixture[str]
                                      ) -> None:
    (tmp_path / "papers").mkdir()
    (tmp_path / "papers/padding.pdf").write_bytes(ACTIVE_PDFS["in-a-compressed-object-stream"])
    (tmp_path / "catalogue.yml").write_text(
        "\n".join(line[4:] for line in CATALOGUE.splitlines()) + "\n", encoding="utf-8")
    assert main(["check", str(tmp_path / "catalogue.yml")]) == 0
    assert main(["check", "--strict", str(tmp_path / "catalogue.yml")]) == 1
    output = capsys.readouterr().out
    assert "warning NV330 articles[0].pdf: 'papers/padding.pdf' carries JavaScript" in output


def test_text_about_javascript_is_not_active_content(build_site: SiteBuilder) -> None:
    writes_about_it = text_pdf_bytes(["Never trust /JavaScript or /Launch in a PDF (/JS)."])
    site = build_site(CATALOGUE, {"papers/padding.pdf": writes_about_it})  # strict: no warning
    assert site.article("articles/padding/").css_first(".admonition.warning") is None


# Sizes -----------------------------------------------------------------------------------

@pytest.mark.parametrize("size", [(1, 14_400), (1, 200_000), (14_400, 1), (3, 3),
                                  (14_400, 14_400)])
def test_page_images_stay_within_the_pixel_bounds(size: tuple[int, int]) -> None:
    facts = read_pdf(Path("odd.pdf"), data=text_pdf_bytes(["Odd page"], size=size))
    for image in (facts.thumbnail_png, *(p.image for p in facts.rendered),
                  *(p.image_2x for p in facts.rendered)):
        if not image:
            continue
        with Image.open(io.BytesIO(image)) as opened:
            width, height = opened.size
        assert width * height <= MAX_PIXELS and max(width, height) <= MAX_SIDE
    assert facts.rendered[0].text == "Odd page" or size[0] < 10


def test_page_images_keep_the_pages_colours(tmp_path: Path) -> None:
    # PDFium draws in its own byte order unless asked: a swap of red and blue would turn
    # this page blue and still pass every size check.
    red = (200, 30, 20)
    facts = read_pdf(write_pdf(tmp_path / "red.pdf", pages=1, colour="#c81e14"))
    page = facts.rendered[0]
    for data, width in ((page.image, PAGE_WIDTH), (page.image_2x, 2 * PAGE_WIDTH),
                        (facts.thumbnail_png, None)):
        with Image.open(io.BytesIO(data)) as opened:
            image = opened.convert("RGB")
        assert width is None or image.width == width
        if width is not None:
            assert opened.mode == "RGB"
        # Below the drawn box and its text: the page's own colour (JPEG is near, not exact).
        pixel = image.getpixel((image.width // 2, image.height * 9 // 10))
        assert isinstance(pixel, tuple)
        assert all(abs(a - b) <= 12 for a, b in zip(pixel, red, strict=True)), pixel


def test_a_store_takes_each_page_image_and_the_facts_keep_its_name(tmp_path: Path) -> None:
    path = write_pdf(tmp_path / "paper.pdf", pages=3)
    kept: dict[str, bytes] = {}

    def store(data: bytes, suffix: str) -> str:
        kept[blob_name(data, suffix)] = data
        return blob_name(data, suffix)

    stored = read_pdf(path, store=store)
    held = read_pdf(path)
    assert len(kept) == 6  # 1x and 2x of three different pages
    for page, same in zip(stored.rendered, held.rendered, strict=True):
        assert (page.image, page.image_2x) == (b"", b"")  # not held once stored
        assert kept[page.image_name] == same.image and kept[page.image_2x_name] == same.image_2x
        assert [(d, n) for d, n, _ in page.names()] == [(d, n) for d, n, _ in same.names()]
        assert (page.width, page.height, page.text) == (same.width, same.height, same.text)
    assert stored.thumbnail_png == held.thumbnail_png


def test_pages_of_different_sizes_are_drawn_as_if_each_were_alone() -> None:
    # Every page of a document is drawn into one reused buffer: a smaller page after a
    # larger one must not keep any of it, nor take its row length.
    document = pdfium.PdfDocument.new()
    for size in [(200, 300), (600, 900), (300, 200), (612, 792)]:
        document.import_pages(pdfium.PdfDocument(text_pdf_bytes([f"Page {size}"], size=size)))
    buffer = io.BytesIO()
    document.save(buffer)
    facts = read_pdf(Path("mixed.pdf"), data=buffer.getvalue())
    assert [(p.width, p.height) for p in facts.rendered] == [
        (800, 1200), (800, 1200), (800, 534), (800, 1036)]
    for page in facts.rendered:
        alone = read_pdf(Path("one.pdf"), data=text_pdf_bytes(
            [page.text], size=[(200, 300), (600, 900), (300, 200), (612, 792)][page.number - 1]))
        assert (page.image, page.image_2x) == (alone.rendered[0].image,
                                               alone.rendered[0].image_2x), page.number


def test_page_images_are_the_same_cold_warm_and_without_a_cache(
        build_site: SiteBuilder, tmp_path: Path) -> None:
    def images(site: BuiltSite) -> dict[str, bytes]:
        folder = site.site_dir / "assets/neuroverse/pages/padding"
        return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}

    cold = images(build_site(CATALOGUE, {"papers/padding.pdf": _pdf}))
    assert sorted(cold) == ["page-1-2x.jpg", "page-1.jpg", "page-2-2x.jpg", "page-2.jpg",
                            "page-3-2x.jpg", "page-3.jpg"]
    warm = images(build_site(CATALOGUE, root=tmp_path / "archive"))
    uncached = images(site_builder(tmp_path / "uncached")(
        CATALOGUE, {"papers/padding.pdf": _pdf}, plugin_options="cache: false"))
    assert warm == cold and uncached == cold


def test_bounded_scale_refuses_pages_without_a_size() -> None:
    assert bounded_scale(0, 100, 800, MAX_SIDE, MAX_PIXELS) is None
    assert bounded_scale(float("nan"), 100, 800, MAX_SIDE, MAX_PIXELS) is None
    assert bounded_scale(-5, 100, 800, MAX_SIDE, MAX_PIXELS) is None
    assert bounded_scale(600, 800, 800, MAX_SIDE, MAX_PIXELS) == pytest.approx(800 / 600)


def test_a_second_build_takes_pages_from_the_cache(build_site: SiteBuilder,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    first = build_site(CATALOGUE, {"papers/padding.pdf": _pdf})
    before = first.text("articles/padding/")
    image = (first.site_dir / "assets/neuroverse/pages/padding/page-2-2x.jpg").read_bytes()

    def not_again(*args: object, **kwargs: object) -> None:
        raise AssertionError("the PDF was read again instead of taken from the cache")

    monkeypatch.setattr(batch, "read_pdf", not_again)
    second = build_site(CATALOGUE, root=first.root)
    assert second.text("articles/padding/") == before
    assert (second.site_dir / "assets/neuroverse/pages/padding/page-2-2x.jpg").read_bytes() \
        == image
    assert len(pdfium.PdfDocument(second.site_dir / "papers/padding.pdf")) == 3


def test_no_pages_shown_leaves_the_thumbnail_and_the_download(build_site: SiteBuilder) -> None:
    site = build_site(CATALOGUE, {"papers/padding.pdf": _pdf}, plugin_options="pdf_pages: 0")
    article = site.article("articles/padding/")
    assert article.css("h2[id^='page-']") == [] and article.css("figure.nv-page") == []
    assert article.css_first("img.nv-thumb") is not None
    note = article.css_first(".admonition.note")
    assert note is not None and "The pages are not shown here" in note.text()
    assert "all 3 pages" in note.text()
    assert not any(doc["location"].startswith("articles/padding/#page-")
                   for doc in site.search_index())


def test_search_terms_count_words_as_search_does() -> None:
    first, second, third = search_terms([
        "Layers of layer norms: cross-entropy (3) in 1986; the class and its classes.",
        "Layer series, entropy, Cross, norm and a new word.",
        "Normalisation of wordy layers; a (new) quillwort.",
    ])
    # Split at hyphens, each word once per article, stop words and short numbers left out,
    # and a word that starts a longer one ("layer" in "Layers", "class" in "classes")
    # left to the longer: search looks every query word up as a prefix.
    assert first.split() == ["Layers", "norms", "cross", "entropy", "1986", "classes"]
    assert second.split() == ["series", "new", "word"]
    # Longer than any earlier word that it starts with: kept, edges trimmed.
    assert third.split() == ["Normalisation", "wordy", "quillwort"]


def _found_on(entries: list[str], query: str) -> list[int]:
    """The entries Material's search finds a one-word query on: split as lunr splits, lower
    case, no stemmer or trimmer (its default pipeline), the query word a prefix."""
    return [number for number, text in enumerate(entries)
            if any(token.startswith(query.lower()) for token in text.lower().split())]


def test_every_word_of_a_page_is_found_on_the_first_page_that_has_it() -> None:
    texts = [
        "The layer: convolution, (padding) and layers' sizes. Stride-2 filters",
        "A layer again; Layers, padded borders and the filter's size (see 3.2).",
        "Convolutional filters: borders, strides and paddings (1998) layered",
    ]
    terms = search_terms(texts)
    for number, text in enumerate(texts):
        for raw in text.replace("-", " ").split():
            word = raw.strip(".,:;()'").lower()
            short_number = word.replace(".", "").isdigit() and len(word) <= 3
            if word in {"the", "and", "a", "see"} or short_number:
                continue
            first = next(n for n, t in enumerate(texts)
                         if any(w.strip(".,:;()'").lower().startswith(word)
                                for w in t.replace("-", " ").split()))
            assert first <= number
            assert _found_on(terms, word)[:1] == [first], (word, terms)
