"""Boxes that scroll are named focus stops, on every kind of page, and untrusted HTML can
neither make nor name one; notebook text colours are drawn per palette."""

from __future__ import annotations

from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output
from selectolax.lexbor import LexborHTMLParser

from neuroverse_site.build.notebooks import NotebookConverter, render_script
from neuroverse_site.build.scrolling import mark_page
from neuroverse_site.build.untrusted import clean_assembled, clean_style, clean_untrusted

from conftest import SiteBuilder

CATALOGUE = """\
site:
  title: Scrolling archive
sections:
  - id: maths
    title: Maths
    status: active
experiments:
  - id: wide
    title: Wide things
    section: maths
    status: active
    notebook: notebooks/wide.ipynb
articles:
  - id: wide-note
    title: A wide note
    sections: [maths]
    note: notes/wide.md
"""

WIDE_TABLE = "| " + " | ".join(f"column {i}" for i in range(30)) + " |\n" + \
    "|" + "---|" * 30 + "\n| " + " | ".join(str(i) for i in range(30)) + " |\n"


FENCED = ("\n```python\ndef train(model):\n    return model\n```\n\n"
          "```nosuchlanguage\nmystery\n```\n\n```\nplain\n```\n")


def regions(tree: LexborHTMLParser) -> list[tuple[str, str, str]]:
    """(tag, role, name) of every focus stop with a name."""
    return [(str(node.tag), node.attributes.get("role") or "",
             node.attributes.get("aria-label") or "")
            for node in tree.css('[tabindex="0"][aria-label]')]


def write_wide_notebook(path: Path) -> Path:
    notebook = new_notebook(cells=[
        new_markdown_cell("# Wide things\n\nThe loss is\n\n$$L = \\sum_i (y_i - \\hat y_i)^2$$\n\n"
                          "inline $x^2$ stays inline.\n\n" + WIDE_TABLE
                          + "\n```python\nloss = sum((y - p) ** 2 for y, p in pairs)\n```\n"),
        new_markdown_cell('<div tabindex="0" role="region" aria-label="Trust me" '
                          'data-nv-cell="1" class="nv-scroll">planted</div>'),
        new_code_cell("print('x' * 500)", execution_count=1, outputs=[
            new_output("stream", name="stdout", text="x" * 500 + "\n"),
            new_output("display_data", data={
                "text/html": '<table><tr><td>1</td></tr></table>'
                             '<span tabindex="0" role="button" aria-label="Click">no</span>',
                "text/plain": "table"}),
        ]),
        new_code_cell("y = 1", execution_count=2),
    ], metadata={"language_info": {"name": "python"}})
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(notebook, str(path))
    return path


def test_a_notebook_names_each_scrolling_box_after_its_cell(tmp_path: Path) -> None:
    rendered = NotebookConverter().convert(write_wide_notebook(tmp_path / "wide.ipynb"))
    tree = LexborHTMLParser(rendered.html)
    assert regions(tree) == [
        ("span", "group", "Equation"),
        ("div", "group", "Table"),
        ("code", "group", "Code"),
        ("code", "group", "Code of cell 3"),
        ("div", "group", "Output 1 of cell 3"),
        ("div", "group", "Output 2 of cell 3"),
        ("code", "group", "Code of cell 4"),
    ]
    # The equation's box sits in its paragraph (a span: a div would end the paragraph), and
    # the math inline stays unboxed.
    equation = tree.css_first("span.nv-scroll.nv-equation")
    assert equation is not None and equation.parent is not None
    assert equation.parent.tag == "p"
    assert [m.attributes.get("display") for m in tree.css("math")] == ["block", "inline"]
    # The table in an output scrolls with its output: no second box inside it.
    output = tree.css('[aria-label="Output 2 of cell 3"]')[0]
    assert len(output.css("table")) == 1 and tree.css(".nv-scroll .nv-scroll") == []
    # Nothing the notebook wrote keeps a focus stop, a role, a name or a cell number.
    assert "data-nv-cell" not in rendered.html
    planted = next(n for n in tree.css("div") if n.text(deep=False).strip() == "planted")
    assert planted.attributes == {"class": "nv-u-nv-scroll"}
    fake = next(n for n in tree.css("span") if n.text() == "no")
    assert "tabindex" not in fake.attributes and "role" not in fake.attributes
    assert "aria-label" not in fake.attributes


def test_the_sanitiser_keeps_the_cell_number_only_on_the_templates_wrappers() -> None:
    untrusted = '<div data-nv-cell="7">x</div><nv-output data-nv-cell="7">y</nv-output>'
    assert "data-nv-cell" not in clean_untrusted(untrusted)
    assembled = clean_assembled(untrusted + '<span data-nv-cell="7" tabindex="0" '
                                'role="group" aria-label="x">z</span>')
    tree = LexborHTMLParser(assembled)
    assert [n.tag for n in tree.css("[data-nv-cell]")] == ["div", "nv-output"]
    assert tree.css("[tabindex], [role], [aria-label]") == []


def test_a_script_experiment_is_a_named_focus_stop(tmp_path: Path) -> None:
    script = tmp_path / "train.py"
    script.write_text("print('a very long line' * 40)\n", encoding="utf-8")
    tree = LexborHTMLParser(render_script(script).html)
    assert regions(tree) == [("code", "group", "Code of train.py")]


def test_mark_page_boxes_equations_tables_and_code_once() -> None:
    html = ('<p>Text <math display="block"><mi>x</mi></math></p>'
            '<table><tr><td>1</td></tr></table>'
            '<div class="highlight"><table class="highlighttable"><tr><td><pre><code>1'
            '</code></pre></td></tr></table></div>'
            '<pre><code>code</code></pre><!-- neuroverse:notebook -->')
    marked = mark_page(html)
    tree = LexborHTMLParser(marked)
    assert regions(tree) == [("span", "group", "Equation"), ("div", "group", "Table"),
                             ("code", "group", "Code"), ("code", "group", "Code")]
    assert "<!-- neuroverse:notebook -->" in marked
    assert mark_page(marked) == marked  # nothing is boxed twice
    plain = "<p>Nothing here scrolls.</p>"
    assert mark_page(plain) is plain


def test_every_kind_of_page_gets_its_boxes(build_site: SiteBuilder) -> None:
    site = build_site(CATALOGUE, {
        "notebooks/wide.ipynb": write_wide_notebook,
        "docs/notes.md": "# Notes\n\n" + WIDE_TABLE + "\n```python\nx = 1\n```\n",
        "notes/wide.md": "# A wide note\n\n" + WIDE_TABLE + FENCED,
    })
    notes = regions(site.html("notes/"))
    assert ("div", "group", "Table") in notes and ("code", "group", "Code") in notes
    experiment = regions(site.html("experiments/wide/"))
    assert ("span", "group", "Equation") in experiment
    assert ("code", "group", "Code of cell 3") in experiment
    # A Markdown note article: its boxes, which join the page after it was marked. Each
    # fenced block, with a language Pygments knows, one it does not, or none, is code in
    # the markup Material scrolls and styles, and a focus stop.
    note = site.html("articles/wide-note/")
    assert regions(note) == [("div", "group", "Table")] + [("code", "group", "Code")] * 3
    assert len(note.css(".highlight > pre > code")) == 1
    highlighted = note.css_first(".highlight > pre > code")
    assert highlighted is not None and "def train" in highlighted.text()
    assert note.css("pre") == [code.parent for code in note.css("pre > code")]
    # The generated home page's status table.
    assert ("div", "group", "Table") in regions(site.html(""))


def test_a_notebooks_text_colour_is_drawn_per_palette() -> None:
    assert clean_style("color: #0087ff; font-weight: bold") == \
        "--nv-u-color:#0087ff;font-weight:bold"
    # Beside its own background it is the author's pair, kept as it is.
    assert clean_style("background-color: #ffd; color: #333") == \
        "background-color:#ffd;color:#333"
    # A background alone gets the text colour it was chosen against (Jupyter's).
    assert clean_style("background-color: yellow") == \
        "background-color:yellow;color:rgba(0, 0, 0, 0.87)"
    # Writing the property directly is the same as writing `color`, and cleaning twice
    # changes nothing.
    assert clean_style("--nv-u-color: red") == "--nv-u-color:red"
    assert clean_style("--nv-u-color: url(https://e.example/x)") is None
    once = clean_untrusted('<span style="color:red">r</span>')
    assert clean_assembled(once) == once
