"""A PDF's lines in reading order rebuilt as blocks: paragraphs joined (end-of-line hyphens
undone), list items, headings; bold runs as **strong** text."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from courseware.content.blocks import Figure, ListBlock, ListItem, Paragraph
from courseware.markdown.inline import literal
from courseware.readers.base import Heading, Piece
from courseware.readers.pdf_layout import BULLETS, SOFT_HYPHEN, Line

HYPHENS = "-\u2010\u00ad"
NUMBER = re.compile(r"^(\(?\d{1,3}[.)]|\(?[a-z][.)])$")
SENTENCE_END = re.compile(r"[.!?:;][\"'”’)]*$")
CAPTION = re.compile(r"^(Figure|Fig\.|Illustration|Image|Photo|Plate|Diagram|Chart)\s*\d+[.:]?\s", re.IGNORECASE)


@dataclass
class Placed:
    """A piece found apart from the text lines (a heading from the outline, a table, a figure)
    and where on its page it stands."""

    page: int
    top: float
    item: object


def compounds(lines: list[Line]) -> set[str]:
    """The hyphenated words the text uses inside its lines ('well-known'): a line break after
    their hyphen keeps it."""
    return {w.strip(".,;:!?()\"'“”‘’").casefold() for l in lines for w in l.text.split() if "-" in w.strip("-")}


def joined(lines: list[Line], keep: set[str] = frozenset()) -> list[tuple[str, bool]]:
    """The lines' characters as one run: a word broken by a hyphen at a line's end made whole
    again (only when the next line goes on in lower case, and the text does not use the word
    with its hyphen elsewhere), other line breaks a space."""
    out: list[tuple[str, bool]] = []
    for line in lines:
        chars = [c for c in line.chars if c[0] != SOFT_HYPHEN or c is line.chars[-1]]
        while chars and chars[0][0] == " ":
            chars.pop(0)
        if out:
            while out and out[-1][0] == " ":
                out.pop()
            first = chars[0][0] if chars else ""
            if len(out) > 1 and out[-1][0] in HYPHENS and out[-2][0].isalpha() and first.islower():
                if _word_before(out) + "-" + _word_after(chars) not in keep:
                    out.pop()
            else:
                out.append((" ", False))
        out += chars
    return [c for c in out if c[0] != SOFT_HYPHEN]


def _word_before(chars: list[tuple[str, bool]]) -> str:
    text = "".join(c for c, _ in chars[-40:-1])
    return re.split(r"[\s\"'“‘(]", text)[-1].casefold()


def _word_after(chars: list[tuple[str, bool]]) -> str:
    text = "".join(c for c, _ in chars[:40])
    return re.split(r"[\s.,;:!?)\"'”’]", text)[0].casefold()


def plain(chars: list[tuple[str, bool]]) -> str:
    return " ".join("".join(c for c, _ in chars).split())


def markdown(chars: list[tuple[str, bool]]) -> str:
    """Characters as one line of inline markdown: plain text escaped, bold runs (trimmed to
    start and end on a letter or digit) as **strong**, unless all of it is bold."""
    text = [(" " if c.isspace() else c, b) for c, b in chars]
    if all(b for c, b in text if c.isalnum()):
        return literal(plain(text))
    out, n = [], 0
    while n < len(text):
        if text[n][1] and text[n][0].isalnum():
            end = n
            while end < len(text) and (text[end][1] or text[end][0] == " "):
                end += 1
            while not text[end - 1][0].isalnum():
                end -= 1
            out.append("**" + literal("".join(c for c, _ in text[n:end])) + "**")
            n = end
        else:
            out.append(literal(text[n][0]))
            n += 1
    return " ".join("".join(out).split())


def _marker(line: Line, after_break: bool) -> tuple[str, list[tuple[str, bool]]] | None:
    """The list marker a line starts with and the text after it, or None."""
    if line.marker:
        return line.marker, line.chars
    text = "".join(c for c, _ in line.chars)
    word = text.lstrip().split(" ", 1)[0]
    rest = line.chars[len(text) - len(text.lstrip()) + len(word):]
    if not rest or not "".join(c for c, _ in rest).strip():
        return None
    if len(word) == 1 and word in BULLETS:
        return word, rest
    if NUMBER.match(word) and after_break:
        return word, rest
    return None


def line_pitch(lines: list[Line]) -> dict[float, float]:
    """Per font size, the usual distance from one line's top to the next one's in a paragraph."""
    steps: dict[float, Counter[float]] = {}
    for prev, line in zip(lines, lines[1:]):
        step = line.top - prev.top
        if line.page == prev.page and line.size == prev.size and line.column == prev.column and 0.9 * line.size < step < 2.2 * line.size:
            steps.setdefault(line.size, Counter())[round(step, 0)] += 1
    return {size: counter.most_common(1)[0][0] for size, counter in steps.items()}


def build(entries: list[Line | Placed], headings: dict[int, Heading | None], pitch: dict[float, float]) -> list[Piece]:
    """The pieces of a document from its lines and placed items in reading order; `headings`
    names the lines (by id) that are headings (None: the second line of a heading)."""
    pieces: list[Piece] = []
    keep = compounds([e for e in entries if isinstance(e, Line)])
    para: list[Line] = []
    items: list[tuple[float, bool, list[Line], list[tuple[str, bool]]]] = []  # marker x, ordered, lines, first chars
    right: dict[tuple[int, int], float] = {}
    for entry in entries:
        if isinstance(entry, Line):
            key = (entry.page, entry.column)
            right[key] = max(right.get(key, 0), entry.x1)

    def flush() -> None:
        nonlocal para, items
        if para:
            text = markdown(joined(para, keep))
            if text:
                pieces.append(Piece(Paragraph(text=text), page=para[0].page))
        if items:
            pieces.append(Piece(_list(items, keep), page=items[0][2][0].page))
        para, items = [], []

    def breaks(prev: Line, line: Line, left: float | None) -> bool:
        """Whether `line` starts a new paragraph (or list item) after `prev`; `left` is the
        paragraph's left edge (None in a list item, whose later lines stand indented)."""
        if abs(prev.size - line.size) > 0.5:
            return True
        if line.page != prev.page or line.column != prev.column or line.top < prev.top:
            return bool(SENTENCE_END.search(prev.text))  # a page or column turned mid-sentence goes on
        if line.top - prev.top > 1.25 * pitch.get(line.size, 1.2 * line.size):
            return True
        if left is not None and line.x0 - left > 0.8 * line.size:
            return True  # an indented first line
        edge = right.get((prev.page, prev.column), prev.x1)
        return bool(SENTENCE_END.search(prev.text)) and prev.x1 < edge - 4 * prev.size

    last: Line | None = None
    for entry in entries:
        if isinstance(entry, Placed):
            flush()
            last = None
            pieces.append(Piece(entry.item, page=entry.page))
            continue
        line = entry
        if id(line) in headings:
            heading = headings[id(line)]
            if heading is not None:  # None: a later line of the heading above
                flush()
                pieces.append(Piece(heading, page=line.page))
            last = None
            continue
        after_break = last is None or breaks(last, line, min(l.x0 for l in para) if para else None)
        found = _marker(line, after_break or bool(items))
        if found:
            if para:
                flush()
            marker, rest = found
            items.append((line.x0 if not line.marker else line.x0 - 1, marker not in BULLETS, [line], rest))
        elif items and not after_break and line.x0 > items[-1][0] + 0.5 * line.size:
            items[-1][2].append(line)
        elif para and not after_break:
            para.append(line)
        else:
            flush()
            para = [line]
        last = line
    flush()
    return _captions(pieces)


def _list(items: list[tuple[float, bool, list[Line], list[tuple[str, bool]]]], keep: set[str]) -> ListBlock:
    """List items (marker x, ordered, lines, first line's text) as a list, one level of nesting."""
    base = items[0][0]
    top: list[tuple[ListItem, list[ListItem], bool]] = []
    for x, ordered, lines, first in items:
        copy = Line(lines[0].page, lines[0].top, lines[0].bottom, lines[0].x0, lines[0].x1, lines[0].size, first)
        item = ListItem(text=markdown(joined([copy, *lines[1:]], keep)))
        if x > base + 5 and top:
            top[-1][1].append(item)
            if len(top[-1][1]) == 1:
                top[-1] = (top[-1][0], top[-1][1], ordered)
        else:
            top.append((item, [], ordered))
    return ListBlock(ordered=items[0][1], items=[
        item.model_copy(update={"children": ListBlock(ordered=sub_ordered, items=children)}) if children else item
        for item, children, sub_ordered in top
    ])


def fallback_alt(page: int | None) -> str:
    """A figure's alt text when the PDF has none and no caption names it."""
    return f"An image on page {page} (the PDF gives no description of it)"


def _captions(pieces: list[Piece]) -> list[Piece]:
    """A paragraph like 'Figure 2: ...' right after a figure is that figure's caption."""
    out: list[Piece] = []
    for piece in pieces:
        previous = out[-1].item if out else None
        if isinstance(previous, Figure) and isinstance(piece.item, Paragraph) and CAPTION.match(piece.item.text) and not previous.caption:
            update = {"caption": piece.item.text}
            if previous.alt == fallback_alt(out[-1].page):  # the caption says more than "an image"
                update["alt"] = piece.item.text
            out[-1] = Piece(previous.model_copy(update=update), page=out[-1].page)
            continue
        out.append(piece)
    return out
