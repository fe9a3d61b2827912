"""Inline text (courseware/content/blocks.py `Text`) read the one way every renderer reads it.

`spans` gives the runs of a text (plain, emphasis, strong, code, math, link) for formats that
build their own markup (PPTX runs, GIFT, plain text); `mathml` turns LaTeX into MathML for the
formats that show it (HTML, SCORM, QTI, Moodle). Links keep http, https, mailto and relative
targets only; inline images are not inline text (a figure is a block).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from markdown_it import MarkdownIt
from markdown_it.token import Token

SAFE_LINK = re.compile(r"^(?:https?:|mailto:|(?![A-Za-z][A-Za-z0-9+.-]*:)[^\\]*$)", re.IGNORECASE)


@cache
def parser() -> MarkdownIt:
    """CommonMark inline syntax with `$math$` (no space inside the dollars, none next to a
    digit: "$5 and $6" stays money), raw HTML shown as text, no inline images."""
    from mdit_py_plugins.dollarmath import dollarmath_plugin

    md = MarkdownIt("commonmark", {"html": False, "linkify": False}).disable("image")
    return md.use(dollarmath_plugin, allow_space=False, allow_digits=False, allow_labels=False, double_inline=False)


@dataclass(frozen=True)
class Span:
    """A run of inline text: `kind` is text, code or math; emphasis, strong and link apply to it."""

    text: str
    kind: str = "text"
    em: bool = False
    strong: bool = False
    href: str | None = None


def spans(text: str) -> list[Span]:
    """The runs of one inline text, in order; soft and hard breaks read as a space."""
    tokens = parser().parseInline(text)
    found: list[Span] = []
    em = strong = 0
    href: str | None = None
    for token in _children(tokens):
        kind = token.type
        if kind == "em_open":
            em += 1
        elif kind == "em_close":
            em -= 1
        elif kind == "strong_open":
            strong += 1
        elif kind == "strong_close":
            strong -= 1
        elif kind == "link_open":
            target = str(token.attrs.get("href", ""))
            href = target if SAFE_LINK.match(target) else None
        elif kind == "link_close":
            href = None
        elif kind in ("text", "softbreak", "hardbreak", "html_inline"):
            value = token.content if kind in ("text", "html_inline") else " "
            found.append(Span(value, "text", em > 0, strong > 0, href))
        elif kind == "code_inline":
            found.append(Span(token.content, "code", em > 0, strong > 0, href))
        elif kind == "math_inline":
            found.append(Span(token.content, "math", em > 0, strong > 0, href))
    return _merged(found)


def _children(tokens: list[Token]) -> list[Token]:
    return [child for token in tokens for child in (token.children or [])]


def _merged(found: list[Span]) -> list[Span]:
    """Neighbouring plain runs with the same styles joined into one."""
    merged: list[Span] = []
    for span in found:
        last = merged[-1] if merged else None
        if last and span.kind == last.kind == "text" and (span.em, span.strong, span.href) == (last.em, last.strong, last.href):
            merged[-1] = Span(last.text + span.text, "text", span.em, span.strong, span.href)
        else:
            merged.append(span)
    return merged


def plain(text: str) -> str:
    """The words of an inline text without markup; math as its LaTeX between dollars."""
    return "".join(f"${s.text}$" if s.kind == "math" else s.text for s in spans(text))


class MathError(ValueError):
    """LaTeX that cannot be converted; the message says what."""


@cache
def mathml(latex: str, display: bool = False) -> str:
    """MathML (in the MathML namespace) for a LaTeX formula, with the LaTeX as its annotation
    (what a screen reader without MathML support and a copy-paste get). Always well-formed XML:
    the text of `\\text{...}` is escaped (latex2mathml's own string output does not)."""
    import xml.etree.ElementTree as ET

    import latex2mathml.converter

    try:
        root = latex2mathml.converter.convert_to_element(latex, display="block" if display else "inline")
    except Exception as exc:  # latex2mathml raises many kinds for malformed input
        raise MathError(f"the formula ${latex}$ is not LaTeX that can be shown ({type(exc).__name__})") from None
    children = list(root)
    for child in children:
        root.remove(child)
    root.set("alttext", latex)
    semantics = ET.SubElement(root, "semantics")
    if len(children) == 1 and children[0].tag == "mrow":
        semantics.append(children[0])
    else:  # <semantics> takes one presentation child
        ET.SubElement(semantics, "mrow").extend(children)
    annotation = ET.SubElement(semantics, "annotation", encoding="application/x-tex")
    annotation.text = latex
    # latex2mathml writes characters as references ("&#x0003D;") in text; kept as references.
    return re.sub(r"&amp;(#x[0-9A-Fa-f]+;)", r"&\1", ET.tostring(root, encoding="unicode"))


# ASCII punctuation that inline markdown may read as markup (CommonMark lets a backslash escape
# any of it); `#`, `>`, `-`, `+`, digits at a block's start are the writer's (escape_start).
_LITERAL = re.compile(r"([\\`*_\[\]<>&$~!|^])")


def literal(text: str) -> str:
    """Plain text (a PDF's words, a slide's run) as inline markdown that reads back as the same
    words: every character that could start markup is escaped."""
    return _LITERAL.sub(r"\\\1", text)
