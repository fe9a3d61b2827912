"""A PDF page's characters as lines of words in reading order: columns one after the other,
running headers, footers and page numbers left out."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

SOFT_HYPHEN = "\u00ad"
BULLETS = "•◦▪▫‣⁃●○■□–—-*·►▸✓✔"
UNMAPPED = re.compile(r"^\(cid:\d+\)$")
LEADERS = re.compile(r"(\.\s?){4,}\s*([0-9]+|[ivxlc]+)$", re.IGNORECASE)  # a contents line: "2.1 Naming ..... 3"


@dataclass
class Line:
    """One line of text (or one column's part of it): its box, font size, and characters with
    their boldness. `marker` is a list item's bullet or number, `indent` where its text starts."""

    page: int
    top: float
    bottom: float
    x0: float
    x1: float
    size: float
    chars: list[tuple[str, bool]] = field(repr=False)
    marker: str = ""
    column: int = 0  # 0 across the page, 1 left, 2 right

    @property
    def text(self) -> str:
        return "".join(c for c, _ in self.chars).strip()

    @property
    def bold(self) -> bool:
        letters = [b for c, b in self.chars if c.isalnum()]
        return bool(letters) and all(letters)


def _bold(fontname: str) -> bool:
    name = fontname.split("+", 1)[-1].lower()
    return any(w in name for w in ("bold", "black", "heavy", "semibold", "demi")) or name.endswith(("-bd", ",bd"))


def page_lines(chars: list[dict], number: int) -> list[Line]:
    """The page's upright characters as lines, each split where a gap wider than 1.5 em
    (a column gutter) runs through it, top to bottom."""
    rows: list[list[dict]] = []
    # "(cid:12)" is pdfminer's name for a glyph the PDF gives no character for: not text.
    kept = (c for c in chars if c["upright"] and c["text"].strip(SOFT_HYPHEN) and not UNMAPPED.match(c["text"]))
    for char in sorted(kept, key=lambda c: (round(c["bottom"], 1), c["x0"])):
        if rows and abs(rows[-1][-1]["bottom"] - char["bottom"]) <= 0.3 * max(char["size"], 1):
            rows[-1].append(char)
        else:
            rows.append([char])
    lines = []
    for row in rows:
        row.sort(key=lambda c: c["x0"])
        parts: list[list[dict]] = [[]]
        for char in row:
            if parts[-1] and char["x0"] - parts[-1][-1]["x1"] > 1.5 * char["size"]:
                parts.append([])
            parts[-1].append(char)
        for part in parts:
            while part and part[0]["text"] == " ":  # a line stands where its first letter does
                part.pop(0)
            while part and part[-1]["text"] == " ":
                part.pop()
            if part:
                lines.append(_line(part, number))
    return [line for line in lines if line.text]


LIGATURES = {"\ufb00": "ff", "\ufb01": "fi", "\ufb02": "fl", "\ufb03": "ffi", "\ufb04": "ffl", "\ufb05": "st", "\ufb06": "st"}


def _line(chars: list[dict], number: int) -> Line:
    size = Counter(round(c["size"] * 2) / 2 for c in chars).most_common(1)[0][0]
    # A "space" the next glyph is drawn over takes no room: a soft hyphen some PDF makers (Chromium) map to a space.
    chars = [c for c, after in zip(chars, [*chars[1:], None]) if not (c["text"] == " " and after and after["x0"] < (c["x0"] + c["x1"]) / 2)]
    text: list[tuple[str, bool]] = []
    for prev, char in zip([None, *chars], chars):
        # A gap of a fifth of an em between glyphs is a space the PDF left out (most do).
        if prev is not None and char["x0"] - prev["x1"] > 0.2 * char["size"] and prev["text"] != " " and char["text"] != " ":
            text.append((" ", False))
        bold = _bold(char["fontname"])
        text += [(c, bold) for c in LIGATURES.get(char["text"], char["text"])]
    return Line(number, min(c["top"] for c in chars), max(c["bottom"] for c in chars), chars[0]["x0"], chars[-1]["x1"], size, text)


def add_vector_bullets(lines: list[Line], shapes: list[dict]) -> None:
    """Mark lines a small drawn dot or square stands just left of (how browsers print bullets)."""
    dots = [s for s in shapes if 1.5 <= s["width"] <= 8 and 1.5 <= s["height"] <= 8 and abs(s["width"] - s["height"]) < 1.5]
    for line in lines:
        for dot in dots:
            middle = (dot["top"] + dot["bottom"]) / 2
            if 0 < line.x0 - dot["x1"] < 2.5 * line.size and line.top <= middle <= line.bottom:
                line.marker = "•"
                break


def running_keys(pages: list[list[Line]], heights: list[float], body: float) -> set[str]:
    """The texts (digits folded) of the lines near a page's top or bottom edge, no larger than
    the body text, that repeat on most pages: running headers and footers."""
    seen: Counter[str] = Counter()
    for lines, height in zip(pages, heights):
        seen.update({_key(line) for line in _edges(lines, height) if line.size <= 1.15 * body})
    need = max(2, (len(pages) + 1) // 2)
    return {key for key, count in seen.items() if count >= need}


def _key(line: Line) -> str:
    return re.sub(r"\d+", "#", " ".join(line.text.split()).casefold())


def _edges(lines: list[Line], height: float) -> list[Line]:
    """The lines in the top and bottom 12% of a page, two rows at each edge at most."""
    top = sorted({round(l.top) for l in lines if l.bottom < 0.12 * height})[:2]
    bottom = sorted({round(l.top) for l in lines if l.top > 0.88 * height})[-2:]
    return [l for l in lines if round(l.top) in top + bottom]


PAGE_NUMBER = re.compile(r"^(page\s*)?(\d+|[ivxlc]+)(\s*(of|/)\s*\d+)?$", re.IGNORECASE)


def drop_running(lines: list[Line], height: float, keys: set[str], body: float) -> list[Line]:
    """The page's lines without its running header, footer and page number, and without the
    lines of a table of contents."""
    edge = {id(l) for l in _edges(lines, height) if l.size <= 1.15 * body}  # a title page's title repeated in the headers stays
    kept = [l for l in lines if id(l) not in edge or (_key(l) not in keys and not PAGE_NUMBER.match(l.text))]
    return [l for l in kept if not LEADERS.search(l.text)]  # a table of contents repeats the headings


def reading_order(lines: list[Line], width: float) -> list[Line]:
    """The lines top to bottom; where the page has two columns (three rows or more with a
    fifth of the page's width of text on both sides of one gutter), the left column's lines before the right's, band by band
    between the lines that run across the gutter."""
    # Only text beside text counts: a label beside its value (a form, a table without rules) is no column.
    wide = [l for l in lines if l.x1 - l.x0 > 0.2 * width]
    starts = Counter(round(l.x0 / 2) * 2 for l in wide if 0.3 * width < l.x0 < 0.7 * width
                     and any(o is not l and abs(o.top - l.top) < 2 and o.x1 < l.x0 for o in wide))
    gutter = next((x for x, count in starts.most_common(1) if count >= 3), None)
    ordered = sorted(lines, key=lambda l: (round(l.top), l.x0))
    if gutter is None:
        return ordered
    result: list[Line] = []
    left: list[Line] = []
    right: list[Line] = []
    for line in ordered:
        if line.x1 <= gutter - 2:
            line.column = 1
            left.append(line)
        elif line.x0 >= gutter - 2:
            line.column = 2
            right.append(line)
        else:  # across the gutter: what stood above it in both columns comes first
            result += left + right
            left, right = [], []
            result.append(line)
    return result + left + right
