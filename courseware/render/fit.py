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

