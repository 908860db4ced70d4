"""TeX in notebook Markdown -> MathML, at build time.

Browsers render MathML Core natively, so formulas need no script and no network, and the
HTML stays the same for every reader. A formula the converter cannot handle is shown as its
TeX source rather than dropped.
"""

from __future__ import annotations

from functools import lru_cache
from html import escape
from typing import Any

from .highlight import highlight_block, known_language

# What the sanitizer must let through for the MathML the converter writes.
MATHML_TAGS = frozenset({
    "math", "semantics", "annotation", "mrow", "mi", "mo", "mn", "ms", "mtext", "mspace",
    "msup", "msub", "msubsup", "mfrac", "msqrt", "mroot", "mover", "munder", "munderover",
    "mtable", "mtr", "mtd", "mstyle", "mpadded", "mphantom", "menclose", "mmultiscripts",
    "mprescripts", "none",
})
MATHML_ATTRIBUTES = frozenset({
    "display", "mathvariant", "stretchy", "fence", "separator", "accent", "accentunder",
    "lspace", "rspace", "form", "columnalign", "columnlines", "columnspacing", "rowspacing",
    "rowlines", "displaystyle", "scriptlevel", "width", "height", "depth", "linethickness",
    "notation", "minsize", "maxsize", "movablelimits", "symmetric", "largeop", "encoding",
    "frame", "framespacing", "equalrows", "equalcolumns",
})


@lru_cache(maxsize=1)
def _converter() -> tuple[Any, tuple[type[Exception], ...]]:
    """latex2mathml's converter and what it raises on TeX it cannot handle, imported on the
    first formula: a build whose pages all come from the cache draws none."""
    from latex2mathml.converter import convert
    from latex2mathml.exceptions import (
        DenominatorNotFoundError,
        DoubleSubscriptsError,
        DoubleSuperscriptsError,
        ExtraLeftOrMissingRightError,
        InvalidAlignmentError,
        InvalidStyleForGenfracError,
        InvalidWidthError,
        LimitsMustFollowMathOperatorError,
        MissingEndError,
        MissingSuperScriptOrSubscriptError,
        NoAvailableTokensError,
        NumeratorNotFoundError,
    )

    return convert, (
        DenominatorNotFoundError, DoubleSubscriptsError, DoubleSuperscriptsError,
        ExtraLeftOrMissingRightError, InvalidAlignmentError, InvalidStyleForGenfracError,
        InvalidWidthError, LimitsMustFollowMathOperatorError, MissingEndError,
        MissingSuperScriptOrSubscriptError, NoAvailableTokensError, NumeratorNotFoundError,
        IndexError, KeyError, ValueError,
    )


def tex_to_mathml(tex: str, display: str) -> str:
    convert, errors = _converter()
    try:
        mathml: str = convert(tex, display=display)
    except errors:
        return f'<code class="nv-tex">{escape(tex)}</code>'
    # Keep the source for copy and assistive technology.
    annotation = f'<annotation encoding="application/x-tex">{escape(tex)}</annotation>'
    inner = mathml.split(">", 1)[1].rsplit("</math>", 1)[0]
    return (f'<math display="{display}"><semantics><mrow>{inner}</mrow>{annotation}'
            f"</semantics></math>")


@lru_cache(maxsize=1)
def mathml_renderer_class() -> type[Any]:
    """nbconvert's Markdown renderer, with math typeset instead of left for MathJax. Built on
    first use: nbconvert is imported only when a notebook is actually converted."""
    from nbconvert.filters.markdown_mistune import IPythonRenderer

    class MathMLRenderer(IPythonRenderer):
        def inline_math(self, body: str) -> str:
            return tex_to_mathml(body, "inline")

        def block_math(self, body: str) -> str:
            return tex_to_mathml(body, "block")

        def latex_environment(self, name: str, body: str) -> str:
            return tex_to_mathml(f"\\begin{{{name}}}{body}\\end{{{name}}}", "block")

        def multiline_math(self, text: Any) -> str:
            return str(text)

        def block_code(self, code: str, info: str | None = None) -> str:
            # nbconvert highlights a fenced block with a language as a bare `<pre>`: no
            # `<code>`, so Material neither scrolls nor styles it and it cannot take focus.
            # Ours is the markup code cells have. A mermaid block nbconvert passes on as raw
            # HTML for a script to draw, and no script runs here: it is shown as its text.
            words = (info or "").split(maxsplit=1)
            if words and (words[0].startswith("mermaid") or known_language(words[0])):
                return highlight_block(code, words[0])
            return str(super().block_code(code, info=info))

    return MathMLRenderer
