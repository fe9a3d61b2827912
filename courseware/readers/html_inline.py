"""Inline HTML as one line of inline markdown: text escaped, emphasis, code, links, math; images pulled out as figures."""

from __future__ import annotations

import posixpath
import re
from urllib.parse import unquote, urlsplit

from courseware.content.blocks import IMAGE_TYPES, Figure, clean_cell
from courseware.markdown.inline import SAFE_LINK, literal

HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")
LISTS = ("ul", "ol")
# Elements that stand as blocks; any other element is inline unless it holds one of these.
BLOCKS = frozenset((*HEADINGS, *LISTS, "p", "div", "section", "article", "main", "body", "header", "table", "pre",
                    "blockquote", "figure", "figcaption", "aside", "details", "summary", "hr", "dl", "address",
                    "fieldset", "center", "li", "dd", "dt", "caption", "tr", "td", "th", "thead", "tbody"))
DELIMITED_TEX = re.compile(r"^\s*(?:\\\(|\\\[|\$\$?)(.*?)(?:\\\)|\\\]|\$\$?)\s*$", re.S)


def image_src(value: str | None) -> str | None:
    """An img src as a Figure's relative path (query and fragment dropped, %20 decoded), or None
    for what a figure cannot show: a URL, a data: URI, a site-absolute path, not an image file."""
    value = (value or "").strip()
    if not value or value.startswith(("/", "\\")) or re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:", value):
        return None
    path = posixpath.normpath(unquote(urlsplit(value).path))
    suffix = posixpath.splitext(path)[1].lower()
    return path if suffix in IMAGE_TYPES and not any(c in path for c in "\n\r\t<>") else None


class Inline:
    """The inline half of the converter: the text of an element, with the figures found in it
    (`_figures`, read after its block), the footnotes it cites (`_cited`) and the images left out
    (`skipped`: no alt text, caption or title; or not a relative image file)."""

    def __init__(self, lines: bool = True, notes: dict | None = None):
        self.skipped = 0
        self.lines = lines
        self.notes = notes or {}
        self._cited: list[str] = []
        self._figures: list[tuple[Figure, int]] = []
        self._strong = self._em = 0
        self._flat: tuple = (False, None, None, False)

    def _line(self, element) -> int:
        return (element.sourceline or 0) if self.lines else 0

    def _image(self, img, caption: str = "") -> Figure | None:
        """An img as a figure: its alt text, else the caption or title; None (and counted) when
        it has neither or is not a relative image file; an empty alt marks it decorative."""
        alt = clean_cell(img.get("alt") or "")
        src = image_src(img.get("src"))
        if (not alt and img.get("alt") is not None and not caption) or img.get("role") == "presentation":
            return None
        alt = literal(alt) if alt else caption or literal(clean_cell(img.get("title") or ""))
        if not alt or src is None:
            self.skipped += 1
            return None
        return Figure(src=src, alt=alt, caption=caption or None)

    def _inline(self, element, flat: bool = False, nested: list | None = None, extra: list | None = None, alt: bool = False) -> str:
        """The inline markdown of `element`'s content on one line; with `flat`, the blocks in it
        are joined by spaces (nested lists go to `nested`, code, tables and figures to `extra`)."""
        self._flat = (flat, nested, extra, alt)
        return clean_cell(self._inner(element))

    def _inline_run(self, run: list) -> str:
        self._flat = (False, None, None, False)
        return clean_cell("".join(literal(node) if isinstance(node, str) else self._node(node) for node in run))

    def _inner(self, element) -> str:
        parts = [literal(element.text or "")]
        for child in element:
            if isinstance(child.tag, str):
                parts.append(self._node(child))
            parts.append(literal(child.tail or ""))
        return "".join(parts)

    def _node(self, element) -> str:
        tag = element.tag
        flat, nested, extra, alt = self._flat
        if flat and nested is not None and tag in LISTS:
            nested.append(element)
            return " "
        if flat and extra is not None and tag in ("pre", "table", "figure"):
            extra.append(element)
            return " "
        if tag == "br":
            return " "
        if tag in BLOCKS or tag == "li":
            return f" {self._inner(element)} "
        if tag == "img":
            return self._inline_image(element, alt)
        if tag in ("em", "i", "cite", "dfn", "var"):
            return self._wrapped(element, "*", "_em")
        if tag in ("strong", "b"):
            return self._wrapped(element, "**", "_strong")
        if tag in ("code", "kbd", "samp", "tt"):
            return _code_span(clean_cell(element.text_content()))
        if tag == "a":
            return self._link(element)
        if tag == "math" or tag == "script" or "math" in element.get("class", "").split():
            latex = tex(element)  # as $...$ where that reads back: one line, no dollar, no "[^" (a footnote marker to the model)
            return f"${latex}$" if latex and "$" not in latex and "\n" not in latex and "[^" not in latex else literal(element.text_content())
        if tag in ("input", "button", "select", "textarea", "style", "template", "svg", "iframe"):
            return ""
        return self._inner(element)

    def _wrapped(self, element, mark: str, depth: str) -> str:
        if getattr(self, depth):  # already inside one: no doubled markers
            return self._inner(element)
        setattr(self, depth, getattr(self, depth) + 1)
        try:
            text = self._inner(element)
        finally:
            setattr(self, depth, getattr(self, depth) - 1)
        core = text.strip()
        if not core:
            return text
        lead, trail = text[: len(text) - len(text.lstrip())], text[len(text.rstrip()) :]
        return f"{lead}{mark}{core}{mark}{trail}"

    def _link(self, element) -> str:
        href = (element.get("href") or "").strip()
        if href.startswith("#") and href[1:] in self.notes:
            self._cited.append(href[1:])
            return ""
        text = self._inner(element)
        if not clean_cell(text) or not href or href.startswith("#") or not SAFE_LINK.match(href) or any(c in href for c in "<>\n\r"):
            return text
        target = f"<{href}>" if any(c in href for c in " ()") else href
        return f"[{clean_cell(text)}]({target})"

    def _inline_image(self, img, alt_only: bool) -> str:
        """An img inside text: an icon or emoji reads as its alt text; a picture (in a table
        cell, its alt text) becomes a figure after the block."""
        small = any(span_of(img.get(attr), 0) and span_of(img.get(attr)) <= 32 for attr in ("width", "height"))
        if alt_only or small or "emoji" in img.get("class", ""):
            return literal(img.get("alt") or "")
        figure = self._image(img)
        if figure:
            self._figures.append((figure, self._line(img)))
        return " "


def span_of(value: str | None, default: int = 1) -> int:
    if value is None:
        return default
    try:
        return max(1, min(int(str(value).strip().rstrip("px")), 1000))
    except (TypeError, ValueError):
        return default


def _code_span(code: str) -> str:
    if not code:
        return ""
    fence = "`" * (max((len(run) for run in re.findall(r"`+", code)), default=0) + 1)
    pad = " " if code.startswith("`") or code.endswith("`") else ""
    return f"{fence}{pad}{code}{pad}{fence}"


def tex(element) -> str:
    """The LaTeX of a math element: a MathML TeX annotation, or the text of a class="math"
    element without its \\( \\) or $ delimiters."""
    for annotation in element.iter("annotation", "{*}annotation"):
        if "tex" in (annotation.get("encoding") or "").lower() and (annotation.text or "").strip():
            return annotation.text.strip()
    if element.tag == "math" or element.tag.endswith("}math"):
        return ""
    if element.tag == "script":  # MathJax 2: <script type="math/tex">
        return (element.text or "").strip()
    text = element.text_content()
    found = DELIMITED_TEX.match(text)
    return (found.group(1) if found else text).strip()
