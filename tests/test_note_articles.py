"""Markdown notes as articles: real site builds, read back as HTML and search index."""

from __future__ import annotations

import re
from pathlib import Path

from archive_factory import png_bytes, write_notebook, write_pdf
from conftest import MKDOCS_YML, BuiltSite, SiteBuilder

CATALOGUE = """\
site:
  title: Notes archive
  repository_url: https://github.com/someone/notes-archive
sections:
  - id: rnn
    title: Recurrent networks
    status: active
  - id: cnn
    title: Convolutional networks
    status: active
experiments:
  - id: sequence
    title: A sequence model
    section: rnn
    notebook: Python/sequence.ipynb
articles:
  - id: rnn-notes
    title: Notes on RNNs
    summary: What a recurrent network remembers.
    sections: [rnn, cnn]
    tags: [memory]
    note: notes/rnn.md
  - id: padding
    title: Padding
    summary: Borders.
    sections: [cnn]
    pdf: papers/padding.pdf
  - id: gates
    title: Gates
    summary: LSTM and GRU gates.
    sections: [rnn]
    note: notes/deeper/gates.markdown
"""

RNN_NOTE = """\
---
author: someone
---
# Notes on RNNs

A recurrent network keeps a **hidden state** $h_t$ between steps.

![An unrolled RNN](img/unrolled.png)

See [the notebook](../Python/sequence.ipynb#training), the [padding article](../papers/padding.pdf),
[the gates](deeper/gates.markdown#update-gate), [the data](../data/train.csv) and
[Wikipedia](https://en.wikipedia.org/wiki/Recurrent_neural_network).

## Vanishing gradients

Products of many small factors.

### Truncated backpropagation

```python
for step in range(10):
    loss = loss + step < 3
```
"""

GATES_NOTE = """\
# Gates

## Update gate

Decides what to keep. Back to [the RNN notes](../rnn.md).
"""


def note_warnings(site: BuiltSite) -> list[str]:
    """Each NV342 warning as `path:line:col: message`, cut after the reason's first words."""
    found = []
    for line in site.warnings():
        if " NV342 " in line:
            where, message = line.split("neuroverse_site: ", 1)[1].split(": warning NV342 ")
            found.append(f"{where}: {message.split(';')[0]}")
    return [re.sub(r" (is hidden|leads outside the archive|uses the scheme '[a-z]+:'|lies "
                   r"outside the archive|is on another host).*", r" \1", line) for line in found]


def note_archive() -> dict[str, object]:
    return {
        "notes/rnn.md": RNN_NOTE,
        "notes/img/unrolled.png": png_bytes(),
        "notes/deeper/gates.markdown": GATES_NOTE,
        "data/train.csv": "x,y\n1,2\n",
        "Python/sequence.ipynb": lambda p: write_notebook(p, "A sequence model"),
        "papers/padding.pdf": lambda p: write_pdf(p),
    }


def test_a_note_is_an_article_page_with_its_content(build_site: SiteBuilder) -> None:
    site = build_site(CATALOGUE, note_archive())  # type: ignore[arg-type]
    page = site.article("articles/rnn-notes/")
    text = " ".join(page.text().split())
    # The catalogue title once: the note's own `# ` heading is not shown again.
    assert [h.text(deep=True).replace("¶", "").strip() for h in page.css("h1")] == [
        "Notes on RNNs"]
    assert "hidden state" in text
    assert page.css_first(".nv-note strong").text() == "hidden state"
    assert page.css_first(".nv-note math") is not None  # $h_t$ typeset as MathML
    assert "author: someone" not in text  # front matter is not content
    code = page.css_first(".nv-note .highlight")
    assert code is not None and "range" in code.text()
    # Same facts as a PDF article: sections, tags; and a link to the note's source.
    assert "Recurrent networks" in text and "Convolutional networks" in text
    assert "memory" in text
    source = [a.attributes["href"] for a in page.css("a") if a.text().strip() == "rnn.md"]
    assert source == ["https://github.com/someone/notes-archive/blob/HEAD/notes/rnn.md"]


def test_a_notes_links_lead_to_the_pages_of_what_they_name(build_site: SiteBuilder) -> None:
    site = build_site(CATALOGUE, note_archive())  # type: ignore[arg-type]
    note = site.article("articles/rnn-notes/").css_first(".nv-note")
    links = {a.text().strip(): a.attributes.get("href") for a in note.css("a")
             if "headerlink" not in (a.attributes.get("class") or "")}
    assert links["the notebook"] == "../../experiments/sequence/#training"
    assert links["padding article"] == "../padding/"
    assert links["the gates"] == "../gates/#update-gate"
    # Not on the site, but in the repository the catalogue names.
    assert links["the data"] == "https://github.com/someone/notes-archive/blob/HEAD/data/train.csv"
    assert links["Wikipedia"] == "https://en.wikipedia.org/wiki/Recurrent_neural_network"
    for href in links.values():
        assert href is not None
        if not href.startswith("https://"):
            assert site.path("articles/rnn-notes/").parent.joinpath(
                href.split("#")[0], "index.html").resolve().is_file()
    # The second note's anchor exists on its page, and links back.
    gates = site.article("articles/gates/")
    assert gates.css_first("h2#update-gate") is not None
    back = [a.attributes["href"] for a in gates.css(".nv-note a") if a.text() == "the RNN notes"]
    assert back == ["../rnn-notes/"]


def test_a_notes_images_are_published(build_site: SiteBuilder) -> None:
    files = {**note_archive(), "notes/rnn.md": RNN_NOTE + '\n<img src="img/hidden_state.png">\n',
             "notes/img/hidden_state.png": png_bytes("#123456")}
    site = build_site(CATALOGUE, files)  # type: ignore[arg-type]
    image, raw = site.article("articles/rnn-notes/").css(".nv-note img")
    assert image.attributes["alt"] == "An unrolled RNN"
    assert raw.attributes["alt"] == "hidden state"  # none written: the file's name
    assert (site.path("articles/rnn-notes/").parent / raw.attributes["src"]).resolve(
    ).read_bytes() == png_bytes("#123456")
    published = (site.path("articles/rnn-notes/").parent / image.attributes["src"]).resolve()
    assert published.is_relative_to(site.site_dir.resolve())
    assert published.read_bytes() == png_bytes()


def test_a_notes_headings_are_in_the_toc_and_in_search(build_site: SiteBuilder) -> None:
    site = build_site(CATALOGUE, note_archive())  # type: ignore[arg-type]
    toc = [a.text().strip() for a in site.html("articles/rnn-notes/").css(
        "nav.md-nav--secondary a.md-nav__link")]
    assert "Vanishing gradients" in toc and "Truncated backpropagation" in toc
    entries = {d["location"]: d for d in site.search_index()}
    heading = entries["articles/rnn-notes/#vanishing-gradients"]
    assert heading["title"] == "Vanishing gradients"
    assert "small factors" in heading["text"]


def test_a_note_article_has_the_same_card_and_readme_line(build_site: SiteBuilder,
                                                          tmp_path: Path) -> None:
    site = build_site(CATALOGUE, note_archive())  # type: ignore[arg-type]
    cards = {c.css_first("a").text(): c for c in site.article("articles/").css(".grid.cards li")}
    card = cards["Notes on RNNs"]
    assert "What a recurrent network remembers." in card.text()
    assert "Note" in [chip.text() for chip in card.css(".nv-chip")]
    assert "01." in card.text()
    for section in ("rnn", "cnn"):
        titles = [a.text() for a in site.article(f"sections/{section}/").css(".grid.cards a")]
        assert "Notes on RNNs" in titles

    from neuroverse_site.cli import main

    readme = site.root / "README.md"
    readme.write_text("# Notes\n\n<!-- neuroverse:readme:start -->\n<!-- neuroverse:readme:end -->\n")
    assert main(["readme", str(readme), "--catalogue", str(site.root / "catalogue.yml")]) == 0
    text = readme.read_text()
    assert "Notes on RNNs" in text and "[Note](notes/rnn.md)" in text
    assert "[Note](notes/deeper/gates.markdown)" in text


HOSTILE_NOTE = """\
# Hostile

<script>document.title = "owned"</script>
<img src="img/ok.png" onerror="alert(1)" alt="fine">
[click](javascript:alert(1)) [also](JaVa&#x09;Script:alert(2)) [data](data:text/html,hi)
<a href="javascript:alert(3)">raw</a> <iframe src="https://evil.example"></iframe>
<h2 id="__search">Theme clash</h2>

![outside](../../secret.png) ![absolute](/etc/hidden.png) ![dot](../.private/face.png)
![remote](https://tracker.example/pixel.png)

## Tricky <b onmouseover=alert('heading')>heading</b>
"""


def test_a_hostile_note_is_neutralised(build_site: SiteBuilder, tmp_path: Path) -> None:
    catalogue = CATALOGUE.replace("note: notes/rnn.md", "note: notes/hostile.md")
    (tmp_path / "secret.png").write_bytes(png_bytes("#ff0000"))
    files = {**note_archive(), "notes/hostile.md": HOSTILE_NOTE,
             "notes/img/ok.png": png_bytes("#00ff00"),
             ".private/face.png": png_bytes("#0000ff")}
    site = build_site(catalogue, files, strict=False)  # type: ignore[arg-type]
    html = site.text("articles/rnn-notes/")
    # What the page could not keep is reported where the note says it (NV342). Links with
    # a scheme that runs code never reach the page: the sanitiser takes them first.
    assert note_warnings(site) == [
        "notes/hostile.md:9:12: the image '../../secret.png' lies outside the archive",
        "notes/hostile.md:9:42: the image '/etc/hidden.png' lies outside the archive",
        "notes/hostile.md:9:66: the image '../.private/face.png' is hidden",
        "notes/hostile.md:10:11: the image 'https://tracker.example/pixel.png' is on another host",
    ]
    note = site.article("articles/rnn-notes/").css_first(".nv-note")
    assert note.css("script, iframe") == []
    assert "owned" not in html and "evil.example" not in html
    for node in note.css("*"):
        for name, value in node.attributes.items():
            assert not name.startswith("on")
            assert "javascript" not in (value or "").lower().replace("\t", "")
            assert not (value or "").startswith("data:")
    assert note.css_first("#__search") is None
    # Nowhere on the page either: the heading's text is in the TOC as text.
    for node in site.html("articles/rnn-notes/").css("*"):
        assert not any(name.startswith("on") for name in node.attributes), node.html
    toc = site.html("articles/rnn-notes/").css_first("nav.md-nav--secondary")
    assert "Tricky" in toc.text()
    assert "click" in note.text() and "raw" in note.text()  # the text stays, the link goes
    # Only the image inside the archive is published; the others keep their alt text.
    sources = [img.attributes.get("src") for img in note.css("img")]
    assert len(sources) == 1 and sources[0] is not None and sources[0].endswith("notes/img/ok.png")
    assert note.css_first("img").attributes["alt"] == "fine"
    assert "outside" in note.text() and "dot" in note.text()
    published = {p.name for p in site.site_dir.rglob("*.png")}
    assert "secret.png" not in published and "face.png" not in published
    assert not (site.site_dir / "assets" / "neuroverse" / "files" / ".private").exists()
    # A web image is not loaded from its host: the reader gets a link to it instead.
    remote = [a for a in note.css("a") if a.text() == "remote"]
    assert [a.attributes["href"] for a in remote] == ["https://tracker.example/pixel.png"]


def test_a_note_that_is_not_utf8_says_so_on_its_page(build_site: SiteBuilder) -> None:
    files = {**note_archive(), "notes/rnn.md": "# Réseaux".encode("latin-1")}
    site = build_site(CATALOGUE, files, strict=False)  # type: ignore[arg-type]
    assert any("NV340" in line and "notes/rnn.md" in line for line in site.warnings())
    page = site.article("articles/rnn-notes/")
    assert "This note cannot be shown" in page.text()
    assert "not UTF-8" in page.text()
    # The other note still renders.
    assert site.article("articles/gates/").css_first(".nv-note") is not None


def test_a_planned_article_has_neither_file(build_site: SiteBuilder) -> None:
    catalogue = CATALOGUE + """\
  - id: attention
    title: Attention
    summary: Soon.
    sections: [rnn]
    status: planned
"""
    site = build_site(catalogue, note_archive())  # type: ignore[arg-type]
    assert "no PDF or note yet" in site.article("articles/attention/").text()


SNEAKY_NOTE = """\
# Sneaky

![linked into git](img/linked.png) ![cvs](CVS/old.png) ![escaping](img/away.png)
![fine](img/ok.png)

[git config](../.git/config) [env](../.env) [linked config](linked-config.txt)
[the data](../data/train.csv)
"""


def test_a_notes_files_must_stay_inside_the_archive_and_out_of_hidden_folders(
        build_site: SiteBuilder, tmp_path: Path) -> None:
    """A note links or shows only what the site may publish: a link that leads into a
    dot-folder or out of the archive counts as the place it leads to, version-control
    folders are hidden too, and a link to a hidden file is text, even with a repository."""
    catalogue = CATALOGUE.replace("note: notes/rnn.md", "note: notes/sneaky.md")
    outside = tmp_path / "outside.png"
    outside.write_bytes(png_bytes("#ff0000"))
    files = {**note_archive(), "notes/sneaky.md": SNEAKY_NOTE,
             "notes/img/ok.png": png_bytes("#00ff00"),
             ".git/config": "[core]\n", ".git/shot.png": png_bytes("#0000ff"),
             ".env": "TOKEN=secret\n",
             "notes/CVS/old.png": png_bytes("#00ffff"),
             "notes/img/linked.png": lambda p: p.symlink_to("../../.git/shot.png"),
             "notes/img/away.png": lambda p: p.symlink_to(outside),
             "notes/linked-config.txt": lambda p: p.symlink_to("../.git/config")}
    site = build_site(catalogue, files, strict=False)  # type: ignore[arg-type]
    assert note_warnings(site) == [
        "notes/sneaky.md:3:20: the image 'img/linked.png' is hidden",
        "notes/sneaky.md:3:43: the image 'CVS/old.png' is hidden",
        "notes/sneaky.md:3:68: the image 'img/away.png' leads outside the archive",
        "notes/sneaky.md:6:14: the link '../.git/config' is hidden",
        "notes/sneaky.md:6:36: the link '../.env' is hidden",
        "notes/sneaky.md:6:61: the link 'linked-config.txt' is hidden",
    ]
    note = site.article("articles/rnn-notes/").css_first(".nv-note")
    sources = [img.attributes.get("src") or "" for img in note.css("img")]
    assert len(sources) == 1 and sources[0].endswith("notes/img/ok.png")
    for alt in ("linked into git", "cvs", "escaping"):
        assert alt in note.text()
    hrefs = {a.text(): a.attributes.get("href") or "" for a in note.css("a")}
    assert "git config" not in hrefs and "env" not in hrefs and "linked config" not in hrefs
    assert hrefs["the data"].endswith("/blob/HEAD/data/train.csv")
    files_dir = site.site_dir / "assets/neuroverse/files"
    published = sorted(p.relative_to(files_dir).as_posix() for p in files_dir.rglob("*"))
    assert published == ["notes", "notes/img", "notes/img/ok.png"]


def test_a_summary_that_repeats_the_title_is_not_shown(build_site: SiteBuilder) -> None:
    """Issue 14, item 8: a card or page never says the title twice. A summary with the
    title's words (as old imports wrote) is not shown; an article may have none at all."""
    catalogue = (CATALOGUE.replace("summary: Borders.", "summary: padding.")
                 .replace("    summary: LSTM and GRU gates.\n", "")
                 .replace("notebook: Python/sequence.ipynb",
                          "notebook: Python/sequence.ipynb\n    goal: A sequence model!"))
    site = build_site(catalogue, note_archive())  # type: ignore[arg-type]
    for page, title in (("articles/padding/", "Padding"), ("articles/gates/", "Gates")):
        shown = [p.text(strip=True).casefold().rstrip(".") for p in site.article(page).css("p")]
        assert title.casefold() not in shown, page
    card_lines = [p.text(strip=True).casefold().rstrip(".")
                  for p in site.article("sections/cnn/").css("li p")]
    assert "padding" not in card_lines and "borders" not in card_lines
    assert "what a recurrent network remembers" in card_lines  # other summaries stay
    # An experiment's goal likewise.
    rnn_cards = [p.text(strip=True).casefold() for p in site.article("sections/rnn/").css("li p")]
    assert not any(line.startswith("a sequence model") for line in rnn_cards)
    assert "Goal:" not in site.article("experiments/sequence/").text()


def test_a_broken_link_or_image_in_a_note_is_reported_at_its_place(
        build_site: SiteBuilder) -> None:
    """A typo in a note's link or image is an author's mistake: a warning at its line and
    column (front matter counted), which --strict turns into a failed build. A link to a
    file that is there but has no page and no repository to lead to is not one."""
    catalogue = CATALOGUE.replace("  repository_url: https://github.com/someone/notes-archive\n",
                                  "")
    note = ("---\nauthor: someone\n---\n# Notes on RNNs\n\n"
            "See [the notebook](../Pyhton/sequence.ipynb) and [the data](../data/train.csv).\n"
            "\n  ![A figure](img/unroled.png)\n[not an image](../data/train.csv)\n")
    files = {**note_archive(), "notes/rnn.md": note}
    site = build_site(catalogue, files, strict=False)  # type: ignore[arg-type]
    assert note_warnings(site) == [
        "notes/rnn.md:6:20: the link '../Pyhton/sequence.ipynb' names no file or folder of "
        "the archive",
        "notes/rnn.md:8:15: the image 'img/unroled.png' names no file or folder of the "
        "archive",
    ]
    text = site.article("articles/rnn-notes/").css_first(".nv-note").text()
    assert "the notebook" in text and "A figure" in text and "the data" in text
    # Warnings count under --strict, as MkDocs' own broken-link warnings do; MkDocs'
    # setting for its pages' broken links sets how loud they are.
    failed = build_site(catalogue, files, strict=True, expect_failure=True)
    assert failed.error is not None and any(" NV342 " in line for line in failed.warnings())
    quiet = build_site(catalogue, files, strict=True, mkdocs_yml=MKDOCS_YML.format(
        plugin_options="") + "validation:\n  links:\n    not_found: info\n")
    assert quiet.error is None and not any(" NV342 " in line for line in quiet.warnings())


def test_a_broken_links_text_reaches_the_problems_page_as_text(
        build_site: SiteBuilder) -> None:
    """NV342 quotes the target as the note wrote it; with a catalogue error the build lists
    it on the problems page, where markup in it is text, never an element."""
    catalogue = CATALOGUE + """\
  - id: orphan
    title: Orphan
    sections: [nowhere]
"""
    # A raw HTML link's href is entity-decoded: it holds real angle brackets, a pipe that
    # would end a table cell and Markdown emphasis.
    target = "x&lt;b&gt;bold&lt;/b&gt;|*y*.md"
    note = f'# Notes on RNNs\n\nA <a href="{target}">hostile link</a> here.\n'
    files = {**note_archive(), "notes/rnn.md": note}
    site = build_site(catalogue, files, strict=False)  # type: ignore[arg-type]
    problems = site.article("catalogue-problems/")
    text = " ".join(problems.text().split())
    assert "NV342" in text and "x<b>bold</b>|*y*.md" in text
    assert problems.css("b, em") == []
    rows = [row for row in problems.css("tr") if "NV342" in row.text()]
    assert len(rows) == 1 and len(rows[0].css("td")) == 6  # the | stayed in its cell
