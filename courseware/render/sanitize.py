"""Untrusted inline markdown (from a model or a hand edit) to safe HTML: the one inline reader
(courseware/markdown/inline.py), `$math$` as MathML, then nh3 keeps only the elements we emit."""

from __future__ import annotations

import re
from functools import cache

import nh3
from markdown_it.renderer import RendererHTML
from markupsafe import Markup, escape

from courseware.markdown.inline import MathError, mathml, parser
from courseware.markdown.inline import plain as words
from courseware.render.notices import notice

# What latex2mathml emits (MathML Core, which Chromium and Firefox render), and nothing else.
MATH_TAGS = {
    "math", "semantics", "annotation", "mrow", "mi", "mn", "mo", "ms", "mtext", "mspace", "msub", "msup", "msubsup",
    "munder", "mover", "munderover", "mfrac", "msqrt", "mroot", "mstyle", "mpadded", "mphantom", "menclose",
    "mtable", "mtr", "mtd",
}
MATH_ATTRIBUTES = {
    "mathvariant", "mathsize", "stretchy", "fence", "separator", "lspace", "rspace", "form", "largeop", "movablelimits",
    "accent", "accentunder", "minsize", "maxsize", "symmetric", "displaystyle", "scriptlevel", "width", "height",
    "depth", "voffset", "linethickness", "notation", "columnalign", "columnspacing", "columnlines", "rowalign",
    "rowspacing", "rowlines", "frame", "framespacing", "columnspan", "rowspan",
}
TAGS = {"a", "em", "strong", "code", "sub", "sup", "br", "span", *MATH_TAGS}
ATTRIBUTES = {
    "a": {"href", "title"},
    "span": {"lang", "dir"},
    **{tag: MATH_ATTRIBUTES for tag in MATH_TAGS},
    "math": {"xmlns", "display", "alttext", "aria-label", *MATH_ATTRIBUTES},
    "annotation": {"encoding"},
}
CLASSES = {"code": {"math-tex"}}
SCHEMES = {"http", "https", "mailto"}


class _Renderer(RendererHTML):
    """markdown-it's HTML renderer, with inline math as MathML (or, if it cannot be read, its LaTeX
    as code, and the error kept in `env` to be said once)."""

    def math_inline(self, tokens, idx, options, env) -> str:
        latex = tokens[idx].content
        try:
            return labelled(mathml(latex), latex)
        except MathError as exc:
            env.setdefault("math_errors", []).append(str(exc))
            return f'<code class="math-tex">{escape("$" + latex + "$")}</code>'


def labelled(math: str, latex: str) -> str:
    """MathML with its LaTeX as its accessible name too: Chromium names a radio button, a legend
    or a heading from their text but not from MathML, so a formula there would be left silent."""
    return math.replace("<math ", f'<math aria-label="{escape(latex)}" ', 1)


@cache
def _renderer() -> _Renderer:
    return _Renderer(parser())


def clean(rendered: str) -> Markup:
    """HTML we rendered, with only the allowed elements, attributes and link schemes left."""
    return Markup(nh3.clean(rendered, tags=TAGS, attributes=ATTRIBUTES, allowed_classes=CLASSES, url_schemes=SCHEMES, link_rel="noopener noreferrer", strip_comments=True))


def inline(text: str, where: str = "") -> Markup:
    """Render one line of inline markdown to sanitized HTML; `where` (a file) names the place in
    the notice a formula that cannot be shown gets."""
    env: dict = {}
    rendered = _renderer().render(parser().parseInline(text, env), parser().options, env)
    say_math_errors(env.get("math_errors", []), where)
    return clean(rendered)


def say_math_errors(errors: list[str], where: str) -> None:
    """Say once in the build output that each of these formulas is shown as its LaTeX."""
    for error in errors:
        notice(f"{where + ': ' if where else ''}{error}; shown as its LaTeX")


def plain(text: str) -> str:
    """The text of inline markdown without markup (for titles, alt texts and slides); math as its
    LaTeX between dollars."""
    return words(text)


# XML 1.0 refuses these code points even as character references; lxml raises on them.
NOT_XML = re.compile("[^\u0009\u000a\u000d\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def xml_text(text: str) -> str:
    """`text` without the characters an XML file cannot hold (U+FFFE, U+FFFF, stray controls)."""
    return NOT_XML.sub("", text)

