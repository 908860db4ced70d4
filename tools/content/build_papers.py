#!/usr/bin/env python3
"""Build the archive's articles (papers/<section>/<name>.pdf) from Markdown-ish sources.

Sources: papers/src/<name>.md, each starting with a front-matter block::

    ---
    title: Pooling Layers in Convolutional Neural Networks
    author: NeuroVerse
    date: 2026-11-21
    section: cnn            # output folder: papers/cnn/<name>.pdf
    also: research          # optional, other sections the article fits (informational)
    summary: One line used as the PDF subject and in listings.
    ---

Body syntax (deliberately small):

* ``## Heading`` and ``### Subheading``
* paragraphs separated by blank lines; inline ``**bold**``, ``*italic*``, ```code```
  and inline maths ``$\\sigma(z)$`` (matplotlib mathtext, a large subset of TeX)
* ``- item`` bullets and ``1. item`` numbered lists (one line per item)
* ``$$ TeX $$`` on its own line: a numbered display equation
* ``![Caption text](figure:name)``: a figure drawn by ``name()`` in paper_figures.py
* ``> text``: a highlighted "key idea" box

Text must be Latin-1/cp1252 (the PDF uses the standard, non-embedded Times and
Helvetica fonts, which keeps files small); put Greek letters and symbols in maths.

Usage:
    python tools/content/build_papers.py             # build every source
    python tools/content/build_papers.py pooling gans  # only these names
    python tools/content/build_papers.py --list        # print title/section/summary table

Builds are byte-for-byte reproducible for a given set of library versions
(reportlab ``invariant=1``; PNGs written without timestamps).
"""
from __future__ import annotations

import argparse
import hashlib
import io
import re
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.font_manager import FontProperties  # noqa: E402
from matplotlib.mathtext import MathTextParser  # noqa: E402
from PIL import Image as PILImage  # noqa: E402
from reportlab import rl_config  # noqa: E402
from reportlab.lib import colors  # noqa: E402
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY  # noqa: E402
from reportlab.lib.pagesizes import A4  # noqa: E402
from reportlab.lib.styles import ParagraphStyle  # noqa: E402
from reportlab.lib.units import cm  # noqa: E402
from reportlab.platypus import (  # noqa: E402
    Image,
    KeepTogether,
    ListFlowable,
    ListItem,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

sys.path.insert(0, str(Path(__file__).resolve().parent))
import paper_figures  # noqa: E402

rl_config.invariant = 1
ROOT = Path(__file__).resolve().parents[2]
SRC = ROOT / "papers" / "src"
OUT = ROOT / "papers"

plt.rcParams.update({"mathtext.fontset": "cm", "svg.hashsalt": "neuroverse"})
PNG_META = {"Software": None}
ACCENT = colors.HexColor("#3b4cc0")

# ---------------------------------------------------------------- styles
BODY = ParagraphStyle("body", fontName="Times-Roman", fontSize=10.5, leading=14.2,
                      alignment=TA_JUSTIFY, spaceAfter=6)
STYLES = {
    "title": ParagraphStyle("title", fontName="Helvetica-Bold", fontSize=19, leading=23,
                            textColor=colors.HexColor("#1d2a6b"), spaceAfter=4),
    "subtitle": ParagraphStyle("subtitle", fontName="Helvetica", fontSize=11.5, leading=15,
                               textColor=colors.HexColor("#444444"), spaceAfter=4),
    "byline": ParagraphStyle("byline", fontName="Helvetica", fontSize=9, leading=12,
                             textColor=colors.HexColor("#666666"), spaceAfter=10),
    "abstract": ParagraphStyle("abstract", parent=BODY, fontName="Times-Italic", fontSize=10.5,
                               leftIndent=0.6 * cm, rightIndent=0.6 * cm, spaceAfter=10),
    "h2": ParagraphStyle("h2", fontName="Helvetica-Bold", fontSize=12.5, leading=16,
                         textColor=colors.HexColor("#1d2a6b"), spaceBefore=9, spaceAfter=4, keepWithNext=1),
    "h3": ParagraphStyle("h3", fontName="Helvetica-Bold", fontSize=10.5, leading=14,
                         spaceBefore=6, spaceAfter=3, keepWithNext=1),
    "body": BODY,
    "item": ParagraphStyle("item", parent=BODY, spaceAfter=2),
    "caption": ParagraphStyle("caption", fontName="Helvetica", fontSize=8.5, leading=11,
                              alignment=TA_CENTER, textColor=colors.HexColor("#333333"), spaceAfter=8),
    "box": ParagraphStyle("box", parent=BODY, fontName="Times-Roman", spaceAfter=0),
    "eqno": ParagraphStyle("eqno", fontName="Times-Roman", fontSize=10.5, leading=14),
}


@dataclass
class Article:
    name: str
    meta: dict
    body: list[str]
    path: Path

    @property
    def out_path(self) -> Path:
        return OUT / self.meta["section"] / f"{self.name}.pdf"


def read_article(path: Path) -> Article:
    lines = path.read_text(encoding="utf-8").splitlines()
    if not lines or lines[0].strip() != "---":
        raise ValueError(f"{path}: missing front matter")
    end = lines.index("---", 1)
    meta = {}
    for line in lines[1:end]:
        if line.strip() and not line.lstrip().startswith("#"):
            key, _, value = line.partition(":")
            value = value.split(" #")[0].strip()
            if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
                value = value[1:-1]  # allow YAML-style quoting, e.g. for titles with a colon
            meta[key.strip()] = value
    for key in ("title", "author", "date", "section", "summary"):
        if not meta.get(key):
            raise ValueError(f"{path}: front matter lacks {key!r}")
    return Article(path.stem, meta, lines[end + 1:], path)


# ---------------------------------------------------------------- maths
@dataclass
class Renderer:
    tmp: Path
    counter: int = 0
    parser: MathTextParser = field(default_factory=lambda: MathTextParser("path"))

    def _name(self, key: str, ext: str) -> Path:
        self.counter += 1
        return self.tmp / f"{self.counter:03d}-{hashlib.sha1(key.encode()).hexdigest()[:10]}.{ext}"

    def math(self, tex: str, size: float) -> tuple[Path, float, float, float]:
        """Render $tex$; return (png, width_pt, height_pt, depth_pt)."""
        expr = f"${tex}$"
        prop = FontProperties(size=size)
        width, height, depth, _, _ = self.parser.parse(expr, dpi=72, prop=prop)
        fig = plt.figure(figsize=(width / 72.0, height / 72.0))
        fig.text(0, depth / height, expr, fontproperties=prop)
        png = self.tmp / f"math-{hashlib.sha1(f'{size}:{tex}'.encode()).hexdigest()[:16]}.png"
        if not png.exists():  # identical formulas share one file, so the PDF embeds them once
            buf = io.BytesIO()
            fig.savefig(buf, dpi=250, format="png", metadata=PNG_META, facecolor="white")
            # Maths is black on white: store it as 8-bit grey, a third of the size of RGB.
            PILImage.open(buf).convert("L").save(png, optimize=True)
        plt.close(fig)
        return png, width, height, depth

    def figure(self, name: str) -> tuple[Path, float, float]:
        fn = getattr(paper_figures, name, None)
        if fn is None:
            raise ValueError(f"unknown figure {name!r} (define it in paper_figures.py)")
        fig = fn()
        png = self._name(name, "png")
        buf = io.BytesIO()
        fig.savefig(buf, dpi=160, format="png", metadata=PNG_META, facecolor="white")
        # Flatten to RGB (no alpha mask) and reduce to 128 colours: line art loses nothing
        # visible, and the PDF's Flate compression shrinks the image severalfold.
        img = PILImage.open(buf).convert("RGB").quantize(colors=128, method=PILImage.Quantize.MEDIANCUT, dither=PILImage.Dither.NONE)
        img.convert("RGB").save(png, optimize=True)
        w_in, h_in = fig.get_size_inches()
        plt.close(fig)
        return png, w_in * 72, h_in * 72


# ---------------------------------------------------------------- inline markup
INLINE_MATH = re.compile(r"(?<!\\)\$(.+?)(?<!\\)\$")


def inline(text: str, r: Renderer, size: float = 10.5) -> str:
    """Convert inline Markdown-ish markup to reportlab's paragraph XML."""
    pieces = []
    pos = 0
    for m in INLINE_MATH.finditer(text):
        pieces.append(_inline_text(text[pos:m.start()]))
        png, w, h, d = r.math(m.group(1), size)
        pieces.append(f'<img src="{png}" width="{w:.2f}" height="{h:.2f}" valign="{-d:.2f}"/>')
        pos = m.end()
    pieces.append(_inline_text(text[pos:]))
    return "".join(pieces)


def _inline_text(t: str) -> str:
    t = t.replace("\\$", "$").replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    t = re.sub(r"`([^`]+)`", r'<font face="Courier" size="9.5">\1</font>', t)
    t = re.sub(r"\*\*(.+?)\*\*", r"<b>\1</b>", t)
    t = re.sub(r"(?<![\w*])\*(?!\s)(.+?)(?<!\s)\*(?![\w*])", r"<i>\1</i>", t)
    try:
        t.encode("cp1252")
    except UnicodeEncodeError as exc:
        raise ValueError(f"character {t[exc.start]!r} is not in the PDF fonts; use maths or ASCII: {t!r}") from None
    return t


# ---------------------------------------------------------------- blocks
def blocks(lines: list[str]):
    """Yield (kind, payload) blocks from the body lines."""
    para: list[str] = []
    items: list[str] = []
    list_kind = None

    def flush_para():
        nonlocal para
        if para:
            yield ("p", " ".join(s.strip() for s in para))
            para = []

    def flush_list():
        nonlocal items, list_kind
        if items:
            yield (list_kind, items)
            items, list_kind = [], None

    for raw in lines + [""]:
        line = raw.rstrip()
        s = line.strip()
        bullet = re.match(r"^[-*] (.*)", s)
        number = re.match(r"^\d+\. (.*)", s)
        if not s:
            yield from flush_para()
            yield from flush_list()
        elif s.startswith("### "):
            yield from flush_para(); yield from flush_list()
            yield ("h3", s[4:])
        elif s.startswith("## "):
            yield from flush_para(); yield from flush_list()
            yield ("h2", s[3:])
        elif s.startswith("$$") and s.endswith("$$") and len(s) > 4:
            yield from flush_para(); yield from flush_list()
            yield ("eq", s[2:-2].strip())
        elif m := re.match(r"^!\[(.*)\]\(figure:(\w+)\)$", s):
            yield from flush_para(); yield from flush_list()
            yield ("fig", (m.group(2), m.group(1)))
        elif s.startswith("> "):
            yield from flush_para(); yield from flush_list()
            yield ("box", s[2:])
        elif bullet or number:
            yield from flush_para()
            kind = "ul" if bullet else "ol"
            if list_kind and list_kind != kind:
                yield from flush_list()
            list_kind = kind
            items.append((bullet or number).group(1))
        elif items and line.startswith("  "):
            items[-1] += " " + s  # continuation of a list item
        else:
            yield from flush_list()
            para.append(s)


def story_for(article: Article, r: Renderer) -> list:
    meta = article.meta
    story = [Paragraph(inline(meta["title"], r, 19), STYLES["title"])]
    if meta.get("subtitle"):
        story.append(Paragraph(inline(meta["subtitle"], r, 11.5), STYLES["subtitle"]))
    story.append(Paragraph(f'{_inline_text(meta["author"])} &#183; {meta["date"]} &#183; '
                           f'archive section: {_inline_text(meta["section"])}', STYLES["byline"]))
    if meta.get("abstract"):
        story.append(Paragraph(inline(meta["abstract"], r), STYLES["abstract"]))
    eq_no = 0
    fig_no = 0
    frame_w = A4[0] - 4.4 * cm
    for kind, payload in blocks(article.body):
        if kind in ("h2", "h3"):
            story.append(Paragraph(inline(payload, r, 12), STYLES[kind]))
        elif kind == "p":
            story.append(Paragraph(inline(payload, r), STYLES["body"]))
        elif kind in ("ul", "ol"):
            flow = [ListItem(Paragraph(inline(t, r), STYLES["item"]), leftIndent=14) for t in payload]
            if kind == "ul":
                lst = ListFlowable(flow, bulletType="bullet", start="\u2022", bulletFontSize=8,
                                   leftIndent=14, spaceAfter=6, bulletFontName="Times-Roman")
            else:
                lst = ListFlowable(flow, bulletType="1", bulletFormat="%s.", bulletFontSize=10.5,
                                   leftIndent=16, spaceAfter=6, bulletFontName="Times-Roman")
            story.append(lst)
        elif kind == "eq":
            eq_no += 1
            # Display style: full-size fractions, as in LaTeX's display maths.
            png, w, h, _ = r.math(re.sub(r"\\frac(?=\{)", r"\\dfrac", payload), 13)
            scale = min(1.0, (frame_w - 2.6 * cm) / w)  # shrink over-wide formulas to fit the column
            t = Table([[Spacer(1, 1), Image(str(png), width=w * scale, height=h * scale),
                        Paragraph(f"({eq_no})", STYLES["eqno"])]],
                      colWidths=[1.2 * cm, frame_w - 2.4 * cm, 1.2 * cm])
            t.setStyle(TableStyle([("ALIGN", (1, 0), (1, 0), "CENTER"), ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                                   ("ALIGN", (2, 0), (2, 0), "RIGHT"),
                                   ("TOPPADDING", (0, 0), (-1, -1), 3), ("BOTTOMPADDING", (0, 0), (-1, -1), 5)]))
            story.append(t)
        elif kind == "fig":
            fig_no += 1
            name, caption = payload
            png, w, h = r.figure(name)
            scale = min(1.0, frame_w / w)
            img = Image(str(png), width=w * scale, height=h * scale)
            cap = Paragraph(f"<b>Figure {fig_no}.</b> " + inline(caption, r, 8.5), STYLES["caption"])
            story.append(KeepTogether([Spacer(1, 4), img, Spacer(1, 3), cap]))
        elif kind == "box":
            t = Table([[Paragraph(inline(payload, r), STYLES["box"])]], colWidths=[frame_w - 0.4 * cm])
            t.setStyle(TableStyle([("BACKGROUND", (0, 0), (-1, -1), colors.HexColor("#eef1fb")),
                                   ("LINEBEFORE", (0, 0), (0, -1), 3, ACCENT),
                                   ("LEFTPADDING", (0, 0), (-1, -1), 9), ("RIGHTPADDING", (0, 0), (-1, -1), 9),
                                   ("TOPPADDING", (0, 0), (-1, -1), 6), ("BOTTOMPADDING", (0, 0), (-1, -1), 7)]))
            story.extend([Spacer(1, 3), t, Spacer(1, 8)])
    return story


def build(article: Article) -> tuple[Path, int]:
    out = article.out_path
    out.parent.mkdir(parents=True, exist_ok=True)
    meta = article.meta
    with tempfile.TemporaryDirectory(prefix="nv-papers-") as tmp:
        r = Renderer(Path(tmp))
        buf = io.BytesIO()

        def decorate(canvas, doc):
            canvas.saveState()
            canvas.setFont("Helvetica", 8)
            canvas.setFillColor(colors.HexColor("#777777"))
            canvas.drawString(2.2 * cm, 1.2 * cm, f"NeuroVerse \u00b7 {meta['title']}"[:110])
            canvas.drawRightString(A4[0] - 2.2 * cm, 1.2 * cm, str(doc.page))
            canvas.setStrokeColor(ACCENT)
            canvas.setLineWidth(1.2)
            canvas.line(2.2 * cm, A4[1] - 1.5 * cm, A4[0] - 2.2 * cm, A4[1] - 1.5 * cm)
            canvas.restoreState()

        doc = SimpleDocTemplate(
            buf, pagesize=A4, leftMargin=2.2 * cm, rightMargin=2.2 * cm, topMargin=2.0 * cm, bottomMargin=2.0 * cm,
            title=meta["title"], author=meta["author"], subject=meta["summary"],
            keywords=", ".join(filter(None, [meta["section"], meta.get("also", "")])),
            creator="NeuroVerse tools/content/build_papers.py", producer="ReportLab", invariant=1,
        )
        doc.build(story_for(article, r), onFirstPage=decorate, onLaterPages=decorate)
        out.write_bytes(buf.getvalue())
        return out, doc.page


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("names", nargs="*")
    ap.add_argument("--list", action="store_true", help="list the articles without building")
    ns = ap.parse_args(argv)
    sources = sorted(SRC.glob("*.md"))
    if ns.names:
        sources = [s for s in sources if s.stem in ns.names]
        if not sources:
            raise SystemExit(f"no sources named {ns.names}")
    for src in sources:
        art = read_article(src)
        if ns.list:
            also = f" (+{art.meta['also']})" if art.meta.get("also") else ""
            print(f"{art.out_path.relative_to(ROOT)}  [{art.meta['section']}{also}]  {art.meta['title']}\n    {art.meta['summary']}")
            continue
        out, pages = build(art)
        print(f"built {out.relative_to(ROOT)}  {pages} pages  {out.stat().st_size / 1024:.0f} KB", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
