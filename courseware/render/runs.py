"""Inline text as the runs a deck shows: bold, italic, code in a monospace font, web links, and
inline math in a readable linear form (UnicodeMath-like: x̄ = ∑xᵢ/n), read with markdown/inline.py.

Why linear text for inline math: PowerPoint's own equations (OMML) have no converter from LaTeX
that we can ship, LibreOffice shows OMML in a .pptx only as its fallback picture, and a picture in
the middle of a bullet does not wrap with it. The linear form is built from the same MathML the
HTML shows (latex2mathml), so both formats read one formula the same way; a formula it cannot read
shows its LaTeX between dollars in monospace, and the deck says so once.
"""

from __future__ import annotations

from dataclasses import dataclass

from courseware.markdown.inline import MathError, mathml, spans

# Consolas ships with Office on Windows and macOS; LibreOffice maps it to DejaVu Sans Mono
# through fontconfig. The pitch family (fixed pitch, modern) lets PowerPoint pick another
# monospace font where Consolas is missing, rather than the body font.
MONO = "Consolas"
MONO_PITCH = "49"
LINK_SCHEMES = ("http:", "https:", "mailto:")  # a relative link means nothing inside a .pptx


@dataclass(frozen=True)
class Run:
    """A piece of a paragraph with one style."""

    text: str
    bold: bool = False
    italic: bool = False
    mono: bool = False
    href: str | None = None


def literal(text: str) -> list[Run]:
    """Text shown as it is (titles from the spec, labels)."""
    return [Run(text)]


def runs(text: str, failed: list[str] | None = None) -> list[Run]:
    """The runs of one inline text; the LaTeX of each formula shown as LaTeX is added to `failed`."""
    out: list[Run] = []
    for span in spans(text):
        href = span.href if span.href and span.href.lower().startswith(LINK_SCHEMES) else None
        shown, mono = span.text, span.kind == "code"
        if span.kind == "math":
            try:
                shown = linear(span.text)
            except MathError:
                shown, mono = f"${span.text}$", True
                if failed is not None:
                    failed.append(span.text)
        out.append(Run(shown, span.strong, span.em, mono, href))
    return out


def shown(paragraph: list[Run]) -> str:
    """What a paragraph reads as (for measuring and for tests)."""
    return "".join(run.text for run in paragraph)


# Linear math ----------------------------------------------------------------------------------

M = "{http://www.w3.org/1998/Math/MathML}"
SUPERSCRIPT = dict(zip("0123456789+-−=()ni", "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁻⁼⁽⁾ⁿⁱ"))
SUBSCRIPT = dict(zip("0123456789+-−=()aeijkmnoprstuvx", "₀₁₂₃₄₅₆₇₈₉₊₋₋₌₍₎ₐₑᵢⱼₖₘₙₒₚᵣₛₜᵤᵥₓ"))
BIG = "∑∏∐∫∬∭∮⋃⋂⋁⋀"
ACCENTS = {"\u00af": "\u0304", "\u203e": "\u0305", "^": "\u0302", "\u02c6": "\u0302", "~": "\u0303", "\u02dc": "\u0303", "\u02d9": "\u0307", "\u2192": "\u20d7", ".": "\u0307"}


def linear(latex: str) -> str:
    """A formula as one line of Unicode text; MathError if latex2mathml cannot read it."""
    from lxml import etree

    root = etree.fromstring(mathml(latex).encode())
    semantics = root.find(f"{M}semantics")
    return " ".join(_text(semantics[0] if semantics is not None and len(semantics) else root).split())


def _text(node) -> str:
    tag = node.tag.removeprefix(M) if isinstance(node.tag, str) else ""
    kids = list(node)
    if tag in ("mi", "mn", "mtext", "ms"):
        return node.text or ""
    if tag == "mo":
        value = node.text or ""
        if value and value in BIG:
            return f" {value} "
        return f" {value} " if value and value in "=<>≤≥≠≈±×÷→∣" else value
    if tag == "mspace":
        return " "
    if tag in ("msup", "msub") and len(kids) == 2:
        return _text(kids[0]) + _script(_text(kids[1]), SUPERSCRIPT if tag == "msup" else SUBSCRIPT, "^" if tag == "msup" else "_")
    if tag == "msubsup" and len(kids) == 3:
        return _limits(_text(kids[0]), _text(kids[1]), _text(kids[2]))
    if tag in ("mover", "munder", "munderover") and kids:
        base = _text(kids[0])
        marks = [_text(k).strip() for k in kids[1:]]
        if tag == "mover" and len(marks) == 1 and marks[0] in ACCENTS and len(base) == 1:
            return base + ACCENTS[marks[0]]
        if tag == "munderover" and len(marks) == 2:
            return _limits(base, marks[0], marks[1])
        return base + _script(marks[0], SUBSCRIPT if tag == "munder" else SUPERSCRIPT, "_" if tag == "munder" else "^") if marks else base
    if tag == "mfrac" and len(kids) == 2:
        top, bottom = _text(kids[0]).strip(), _text(kids[1]).strip()
        if node.get("linethickness") == "0":  # a binomial coefficient's stack
            return f"{top} {bottom}"
        return f"{_grouped(top)}/{_grouped(bottom)}"
    if tag == "msqrt":
        return "√" + _grouped("".join(_text(k) for k in kids).strip())
    if tag == "mroot" and len(kids) == 2:
        return _script(_text(kids[1]), SUPERSCRIPT, "^") + "√" + _grouped(_text(kids[0]).strip())
    if tag == "mtable":
        return "; ".join(" ".join(_text(cell).strip() for cell in row) for row in kids)
    return "".join(_text(k) for k in kids)


def _limits(base: str, low: str, high: str) -> str:
    """A base with a subscript and a superscript; a big operator (∑, ∫) keeps a space after them."""
    space = " " if base.strip() in BIG else ""
    return space + base.strip() + _script(low, SUBSCRIPT, "_") + _script(high, SUPERSCRIPT, "^") + space


def _script(value: str, table: dict[str, str], mark: str) -> str:
    """A sub- or superscript in Unicode where every character has one, else ^(...) / _(...)."""
    value = value.strip().replace(" ", "")
    if value and all(c in table for c in value):
        return "".join(table[c] for c in value)
    return f"{mark}{_grouped(value)}"


def _grouped(value: str) -> str:
    """`value`, in parentheses unless it is one symbol or one number."""
    if len(value) <= 1 or value.replace(".", "").isdigit() or (value.isalpha() and len(value) <= 1):
        return value
    if value.startswith("(") and value.endswith(")") and value.count("(") == 1:
        return value
    return f"({value})"


# Writing runs into a DrawingML paragraph -------------------------------------------------------


def fill(paragraph, parts: list[Run], size: float | None, language: str, rtl: bool = False, mono: bool = False) -> None:
    """Write runs into a python-pptx paragraph: styles, links, the language on every run, and the
    paragraph marked right-to-left for RTL languages (code never is: it reads left to right)."""
    from pptx.enum.text import PP_ALIGN
    from pptx.util import Pt

    from courseware.render.sanitize import xml_text

    for part in parts:
        run = paragraph.add_run()
        run.text = xml_text(part.text)  # a deck is XML: U+FFFF in a text would stop the build
        font = run.font
        if size is not None:
            font.size = Pt(size)
        if part.bold:
            font.bold = True
        if part.italic:
            font.italic = True
        if part.mono or mono:
            _monospace(run._r.get_or_add_rPr())
        if part.href:
            run.hyperlink.address = part.href
        run._r.get_or_add_rPr().set("lang", language)
    end = paragraph._p.get_or_add_endParaRPr()  # an empty line keeps its height
    end.set("lang", language)
    if size is not None:
        end.set("sz", str(round(size * 100)))
    if rtl and not mono:
        paragraph._p.get_or_add_pPr().set("rtl", "1")
        paragraph.alignment = PP_ALIGN.RIGHT
    elif rtl:
        paragraph._p.get_or_add_pPr().set("rtl", "0")
        paragraph.alignment = PP_ALIGN.LEFT


def _monospace(rPr) -> None:
    from lxml import etree

    from pptx.oxml.ns import qn

    latin = rPr.find(qn("a:latin"))
    if latin is None:
        latin = etree.SubElement(rPr, qn("a:latin"))
        # a:latin comes after the fill and effect elements and before a:ea, a:cs, a:hlinkClick
        for tag in ("a:ea", "a:cs", "a:sym", "a:hlinkClick", "a:hlinkMouseOver", "a:rtl", "a:extLst"):
            later = rPr.find(qn(tag))
            if later is not None:
                later.addprevious(latin)
                break
    latin.set("typeface", MONO)
    latin.set("pitchFamily", MONO_PITCH)
