"""Which lines of a PDF are headings: the ones its outline (bookmarks) names, or else the ones
set larger than the body text, and short lines set all in bold."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from courseware.markdown.inline import literal
from courseware.readers.base import Heading
from courseware.readers.pdf_blocks import SENTENCE_END, Placed
from courseware.readers.pdf_layout import Line


@dataclass(frozen=True)
class Entry:
    """One bookmark: its level (1 the document's title), title, page (1-based) and the top of
    its target on the page (pdfplumber's top, from the page's top edge), if it says."""

    level: int
    title: str
    page: int
    top: float | None


def _norm(text: str) -> str:
    return re.sub(r"\W+", " ", text).strip().casefold()


def from_outline(entries: list[Entry], lines: list[Line]) -> tuple[dict[int, Heading | None], list[Placed]]:
    """The lines (by id) the bookmarks name, as headings (a heading's later lines map to None);
    bookmarks no line matches are placed where they point."""
    found: dict[int, Heading | None] = {}
    placed: list[Placed] = []
    by_page: dict[int, list[Line]] = {}
    for line in lines:
        by_page.setdefault(line.page, []).append(line)
    for entry in entries:
        want = _norm(entry.title)
        page = [l for l in by_page.get(entry.page, []) if id(l) not in found]
        best: tuple[float, int, int] | None = None
        for i, line in enumerate(page):
            text, j = _norm(line.text), i
            while text != want and want.startswith(text + " ") and j + 1 < len(page) and j - i < 3:
                j += 1
                text = _norm(text + " " + page[j].text)
            if text == want and want:
                distance = abs(line.top - entry.top) if entry.top is not None else i
                if best is None or distance < best[0]:
                    best = (distance, i, j)
        heading = Heading(entry.level, literal(" ".join(entry.title.split())))
        if best is None:
            placed.append(Placed(entry.page, entry.top or 0.0, heading))
            continue
        found[id(page[best[1]])] = heading
        for k in range(best[1] + 1, best[2] + 1):
            found[id(page[k])] = None
    return found, placed


def body_size(lines: list[Line]) -> float:
    """The size most of the text is set in."""
    sizes: Counter[float] = Counter()
    for line in lines:
        sizes[line.size] += len(line.chars)
    return sizes.most_common(1)[0][0] if sizes else 0.0


def from_sizes(lines: list[Line], pitch: dict[float, float]) -> dict[int, Heading | None]:
    """Headings by type: lines larger than the body text (consecutive lines of one size are
    one heading), ranked by size; short lines all in bold below them. The largest size, used
    once on page 1, is the title (level 1); otherwise the levels start at 2."""
    body = body_size(lines)
    groups: list[list[Line]] = []
    bold: list[Line] = []
    prev: Line | None = None
    for line in lines:
        large = line.size >= 1.15 * body and len(line.text) <= 150 and any(c.isalpha() for c in line.text) and not line.marker
        if large:
            last = groups[-1][-1] if groups else None
            if last is prev and last is not None and last.size == line.size and last.page == line.page and 0 < line.top - last.top <= 1.6 * line.size:
                groups[-1].append(line)
            else:
                groups.append([line])
        elif abs(line.size - body) <= 0.5 and line.bold and not line.marker and len(line.text.split()) <= 12 and not re.search(r"[.,;:!?]$", line.text):
            starts = prev is None or prev.page != line.page or line.top - prev.top > 1.25 * pitch.get(line.size, 1.2 * line.size) or bool(SENTENCE_END.search(prev.text)) or prev.size != line.size
            if starts:
                bold.append(line)
        prev = line
    # A bold line followed by more bold lines of the same paragraph is a bold paragraph.
    bold_ids = {id(l) for l in bold}
    after = {id(a): b for a, b in zip(lines, lines[1:])}
    bold = [l for l in bold if not (id(l) in after and after[id(l)].bold and after[id(l)].size == l.size and id(after[id(l)]) not in bold_ids
                                     and after[id(l)].top - l.top <= 1.25 * pitch.get(l.size, 1.2 * l.size))]
    sizes = sorted({g[0].size for g in groups}, reverse=True)
    biggest = [g for g in groups if g[0].size == sizes[0]] if sizes else []
    start = 1 if len(biggest) == 1 and biggest[0][0].page == 1 else 2
    found: dict[int, Heading | None] = {}
    for group in groups:
        text = literal(" ".join(" ".join(l.text for l in group).split()))
        found[id(group[0])] = Heading(min(6, start + sizes.index(group[0].size)), text)
        for line in group[1:]:
            found[id(line)] = None
    for line in bold:
        found[id(line)] = Heading(min(6, start + len(sizes)), literal(" ".join(line.text.split())))
    return found


JUNK_TITLE = re.compile(r"(^(untitled|microsoft (word|powerpoint) - |document\d*$|slide ?\d+$))|\.(docx?|pptx?|pdf|tex|dvi|indd|odt|rtf|txt|html?)$", re.IGNORECASE)


def sensible_title(title: str | None) -> str:
    """The metadata title, unless it is empty or a tool's placeholder ('Microsoft Word - x.docx')."""
    title = " ".join((title or "").split())
    return "" if not title or JUNK_TITLE.search(title) or not any(c.isalpha() for c in title) else title


def add_title_line(lines: list[Line], found: dict[int, Heading | None]) -> None:
    """When no heading is the title (level 1): page 1's largest text, if nothing later is as
    large and it stands well above the body text (a title page's title), becomes it."""
    if any(h is not None and h.level == 1 for h in found.values()):
        return
    first = [l for l in lines if l.page == 1 and id(l) not in found and any(c.isalpha() for c in l.text)]
    if not first:
        return
    biggest = max(l.size for l in first)
    if biggest < 1.3 * body_size(lines) or any(l.size >= biggest for l in lines if l.page > 1):
        return
    group = [l for l in first if l.size == biggest][:3]
    if any(b.top - a.top > 2 * biggest for a, b in zip(group, group[1:])):
        group = group[:1]  # a title is one block of lines
    found[id(group[0])] = Heading(1, literal(" ".join(" ".join(l.text for l in group).split())))
    for line in group[1:]:
        found[id(line)] = None
