"""Text that fits its box, by rule: estimate wrapped lines from the box size and font size,
then pick a font size or split bullets over continuation slides. Measured, not left to chance."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

# Average advance of a character, as a share of the font size, for proportional sans fonts.
# Wide characters (CJK) count double. Kept on the safe side so estimates overshoot, not undershoot.
CHAR_WIDTH = 0.55
LINE_HEIGHT = 1.2
PARAGRAPH_GAP = 0.35  # extra lines' worth of space between bullets
BULLET_INDENT_PT = 27


@dataclass(frozen=True)
class Box:
    """A text box's inner size in points."""

    width: float
    height: float


def text_width(text: str) -> float:
    """The width of `text` in em, approximately."""
    if text.isascii():  # no wide characters: the same sum, without a Python loop
        return len(text) * CHAR_WIDTH
    return sum(2.0 if unicodedata.east_asian_width(ch) in ("W", "F") else 1.0 for ch in text) * CHAR_WIDTH


def lines(text: str, width_pt: float, size: float) -> int:
    """How many lines `text` wraps to in a box `width_pt` wide at `size` points."""
    per_line = max(1.0, width_pt / size)  # in em
    total, current = 0, 0.0
    for word in text.split(" "):
        total, current = _add_word(total, current, text_width(word + " "), per_line)
    return _rows(total, current)


def _add_word(total: int, current: float, width: float, per_line: float) -> tuple[int, float]:
    """(full lines, width used on the last line) after a word `width` em wide."""
    if current and current + width > per_line:
        total += 1
        current = 0.0
    current += width
    while current > per_line:  # a word longer than the line breaks
        total += 1
        current -= per_line
    return total, current


def _rows(total: int, current: float) -> int:
    return total + (1 if current > 0 or total == 0 else 0)


def height(paragraphs: list[str], box: Box, size: float, indent: float = 0.0) -> float:
    """The height in points the paragraphs take at `size`."""
    rows = sum(lines(p, box.width - indent, size) for p in paragraphs)
    gaps = max(0, len(paragraphs) - 1) * PARAGRAPH_GAP
    return (rows + gaps) * size * LINE_HEIGHT


def fits(paragraphs: list[str], box: Box, size: float, indent: float = 0.0) -> bool:
    return height(paragraphs, box, size, indent) <= box.height


def title_size(title: str, box: Box, sizes: tuple[float, ...]) -> float:
    """The largest size at which the title fits; the smallest if none does."""
    return next((s for s in sizes if fits([title], box, s)), sizes[-1])


def pages(bullets: list[str], box: Box, sizes: tuple[float, ...]) -> list[tuple[list[str], float]]:
    """Bullets on as few slides as fit: the largest size that holds them all, else chunks at the
    middle size; a bullet too long for a slide on its own gets the smallest size (and is split
    at sentence or word boundaries if even that is too small)."""
    if not bullets:
        return [([], sizes[0])]
    for size in sizes:
        if fits(bullets, box, size, BULLET_INDENT_PT):
            return [(bullets, size)]
    size = sizes[len(sizes) // 2]
    chunks: list[tuple[list[str], float]] = []
    current: list[str] = []
    for bullet in _pieces(bullets, box, sizes[-1]):
        if current and not fits([*current, bullet], box, size, BULLET_INDENT_PT):
            chunks.append((current, size))
            current = []
        current.append(bullet)
    chunks.append((current, size))
    return [(chunk, s if fits(chunk, box, s, BULLET_INDENT_PT) else sizes[-1]) for chunk, s in chunks]


def _pieces(bullets: list[str], box: Box, smallest: float) -> list[str]:
    """Bullets, with any that cannot fit a slide even at the smallest size cut into parts that do.

    One pass per bullet, wrapping word by word as `lines` does: re-measuring the growing part
    at each word would cost the square of its length (minutes for a megabyte-long bullet).
    """
    out = []
    per_line = max(1.0, (box.width - BULLET_INDENT_PT) / smallest)
    for bullet in bullets:
        if fits([bullet], box, smallest, BULLET_INDENT_PT):
            out.append(bullet)
            continue
        part: list[str] = []
        total, current = 0, 0.0
        for word in bullet.split(" "):
            if not word:
                continue
            width = text_width(word + " ")
            grown = _add_word(total, current, width, per_line)
            if part and _rows(*grown) * smallest * LINE_HEIGHT > box.height:  # as `fits` measures
                out.append(" ".join(part))
                part, grown = [], _add_word(0, 0.0, width, per_line)
            part.append(word)
            total, current = grown
        out.append(" ".join(part))
    return out


def points(emu: int) -> float:
    return emu / 12700



# Code: monospace lines that keep their breaks ----------------------------------------------------

MONO_WIDTH = 0.61  # DejaVu Sans Mono's advance (Consolas: 0.55): the wider, so estimates overshoot
TAB = 4


def mono_rows(line: str, width_pt: float, size: float) -> int:
    """How many rows a code line takes in a box `width_pt` wide: wrapped at spaces as PowerPoint
    does, a word longer than a row broken."""
    per_row = max(1, int(width_pt // (MONO_WIDTH * size)))
    if len(line) <= per_row:
        return 1
    rows, used = 1, 0
    for k, word in enumerate(line.split(" ")):
        need = len(word) + (1 if k else 0)
        if used and used + need > per_row:
            rows, used, need = rows + 1, 0, len(word)
        used += need
        while used > per_row:
            rows, used = rows + 1, used - per_row
    return rows


def mono_height(lines_: list[str], width_pt: float, size: float) -> float:
    return sum(mono_rows(line, width_pt, size) for line in lines_) * size * LINE_HEIGHT


def wraps(lines_: list[str], width_pt: float, size: float) -> bool:
    """Whether any line is wider than the box at `size` (it would wrap)."""
    return any(mono_rows(line, width_pt, size) > 1 for line in lines_)


@dataclass(frozen=True)
class Listing:
    """One slide's share of a code block: code lines, output lines, and the size of both."""

    code: list[str]
    output: list[str]
    size: float


LABEL_SHARE = 0.75  # the "Output" label's size, as a share of the code's
GAP_PT = 8.0  # between the code box, the label and the output box
MONO_INSETS = (14.4, 7.2)  # a text box's default insets, left+right and top+bottom, in points


def listing_height(code: list[str], output: list[str], width: float, size: float) -> float:
    """Code box, and if there is output, a label and the output box, stacked."""
    inner = width - MONO_INSETS[0]
    total = mono_height(code, inner, size) + MONO_INSETS[1] if code else 0.0
    if output:
        total += (GAP_PT if code else 0.0) + size * LABEL_SHARE * LINE_HEIGHT + mono_height(output, inner, size) + MONO_INSETS[1]
    return total


def listings(code: list[str], output: list[str], box: Box, sizes: tuple[float, ...]) -> list[Listing]:
    """A code block (and its output) on as few slides as fit, never cut: the largest size at which
    all of it fits without wrapping a line, else the largest that fits at all; else, at the smallest
    size, the code split over slides (at a blank line when one is near), the output after the last
    piece or on slides of its own."""
    for no_wrap in (True, False):
        for size in sizes:
            if (not no_wrap or not wraps(code + output, box.width - MONO_INSETS[0], size)) and listing_height(code, output, box.width, size) <= box.height:
                return [Listing(code, output, size)]
    size = sizes[-1]
    pieces = _split(code, box, size, lambda part: listing_height(part, [], box.width, size))
    last = pieces.pop()
    if listing_height(last, output, box.width, size) <= box.height:
        return [*(Listing(p, [], size) for p in pieces), Listing(last, output, size)]
    outs = _split(output, box, size, lambda part: listing_height([], part, box.width, size))
    return [*(Listing(p, [], size) for p in [*pieces, last]), *(Listing([], o, size) for o in outs)]


def _split(lines_: list[str], box: Box, size: float, measure) -> list[list[str]]:
    """Lines in consecutive parts that each fit `box` as `measure` says; a part ends at a blank line
    in its last third when there is one. Every part holds at least one line."""
    parts: list[list[str]] = []
    current: list[str] = []
    for line in lines_:
        if current and measure([*current, line]) > box.height:
            blank = max((k for k, text in enumerate(current) if not text.strip()), default=-1)
            cut = blank + 1 if blank >= len(current) * 2 // 3 else len(current)
            parts.append(current[:cut])
            current = current[cut:]
        current.append(line)
    if current:
        parts.append(current)
    return [[*p] for p in parts if p] or [[]]


def code_lines(text: str) -> list[str]:
    """A code block's lines as a slide shows them: tabs expanded, nothing else changed."""
    return [line.expandtabs(TAB) for line in text.split("\n")]


# Tables: columns by content, rows over slides ------------------------------------------------------

CELL_INSETS = (14.4, 7.2)  # a table cell's default margins, left+right and top+bottom, in points
MIN_COLUMN_EM = 4.0


def column_widths(cells: list[list[str]], width: float, size: float) -> list[float]:
    """Column widths that add up to `width`: each column's share follows its longest text, no column
    narrower than its longest word (when that fits) nor than a few characters."""
    columns = len(cells[0])
    longest = [max(text_width(row[c]) for row in cells) for c in range(columns)]
    word = [max((text_width(w) for row in cells for w in row[c].split()), default=0.0) for c in range(columns)]
    floor = [max(MIN_COLUMN_EM, w) * size + CELL_INSETS[0] for w in word]
    if sum(floor) > width:
        floor = [width / columns] * columns
    natural = [max(f, n * size + CELL_INSETS[0]) for f, n in zip(floor, longest)]
    if sum(natural) <= width:
        extra = width - sum(natural)
        return [n + extra * n / sum(natural) for n in natural]
    spare = width - sum(floor)
    over = [n - f for n, f in zip(natural, floor)]
    return [f + spare * o / sum(over) if sum(over) else f for f, o in zip(floor, over)]


# Table rows grow to their text in every app, with the font's own line gap: 1.36 em for Noto Sans,
# which LibreOffice puts in for Calibri where Carlito is missing. Measured rows are never shorter.
ROW_LINE_HEIGHT = 1.4


def row_height(row: list[str], widths: list[float], size: float) -> float:
    return max(lines(cell, w - CELL_INSETS[0], size) for cell, w in zip(row, widths)) * size * ROW_LINE_HEIGHT + CELL_INSETS[1]


@dataclass(frozen=True)
class TablePage:
    """One slide's share of a table: the body rows (indexes) under the repeated header."""

    rows: list[int]
    size: float
    widths: list[float]


def table_pages(header: list[str], rows: list[list[str]], box: Box, sizes: tuple[float, ...]) -> list[TablePage]:
    """A table on as few slides as fit: the largest size at which it all fits; else at the smallest
    size, its rows split over slides, each slide repeating the header."""
    for size in sizes:
        widths = column_widths([header, *rows], box.width, size)
        if sum(row_height(r, widths, size) for r in [header, *rows]) <= box.height:
            return [TablePage(list(range(len(rows))), size, widths)]
    size = sizes[-1]
    widths = column_widths([header, *rows], box.width, size)
    pages_: list[TablePage] = []
    used, current = row_height(header, widths, size), []
    for k, row in enumerate(rows):
        need = row_height(row, widths, size)
        if current and used + need > box.height:
            pages_.append(TablePage(current, size, widths))
            used, current = row_height(header, widths, size), []
        current.append(k)
        used += need
    pages_.append(TablePage(current, size, widths))
    return pages_


# Pictures -----------------------------------------------------------------------------------------


def contain(width: float, height: float, box: Box, largest: float | None = None) -> tuple[float, float]:
    """The size of a `width` x `height` picture scaled to fit `box`, aspect ratio kept; never
    larger than `largest` times its own size when that is given."""
    scale = min(box.width / width, box.height / height)
    if largest is not None:
        scale = min(scale, largest)
    return width * scale, height * scale
