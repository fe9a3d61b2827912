"""Slide text as blocks: runs as inline markdown, bulleted lines as nested lists, tables, charts' data, SmartArt text."""

from __future__ import annotations

import re

from courseware.content.blocks import AnyBlock, ListBlock, ListItem, Paragraph, Table
from courseware.markdown.inline import literal

DIAGRAM = "http://schemas.openxmlformats.org/drawingml/2006/diagram"
NS = {"a": "http://schemas.openxmlformats.org/drawingml/2006/main", "dgm": DIAGRAM,
      "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships"}
BULLET, NUMBERED = "bullet", "number"


def text_frame(frame, part, bulleted: bool) -> list[AnyBlock]:
    """A frame of one line is a paragraph; of bulleted lines, a list nested by their levels; of
    unbulleted lines, a paragraph each."""
    lines = [(p.level, inline(p, part), _bullet(p, bulleted)) for p in frame.paragraphs]
    lines = [line for line in lines if line[1]]
    if len(lines) == 1 or not any(bullet for *_, bullet in lines):
        return [Paragraph(text=text) for _, text, _ in lines]
    blocks: list[AnyBlock] = []
    run: list[tuple[int, str]] = []
    numbered = False
    for level, text, bullet in lines + [(0, "", "")]:
        if bullet:
            run.append((level, text))
            numbered = numbered or (bullet == NUMBERED and level == run[0][0])
            continue
        if run:
            blocks.append(_nested(run, ordered=numbered))
            run, numbered = [], False
        if text:
            blocks.append(Paragraph(text=text))
    return blocks


def _bullet(paragraph, default: bool) -> str:
    """What a line shows before it: a number, a bullet or nothing (""), by its own settings, else
    by its frame's kind (body text is bulleted)."""
    ppr = paragraph._p.pPr
    if ppr is not None:
        if ppr.find("a:buNone", NS) is not None:
            return ""
        if ppr.find("a:buAutoNum", NS) is not None:
            return NUMBERED
        if ppr.find("a:buChar", NS) is not None:
            return BULLET
    return BULLET if default else ""


def _nested(lines: list[tuple[int, str]], ordered: bool) -> ListBlock:
    """A list of (level, text) lines, a deeper line nested under the line before it."""
    root: list[list] = []
    stack: list[tuple[int, list]] = [(-1, root)]
    for level, text in lines:
        while len(stack) > 1 and stack[-1][0] >= level:
            stack.pop()
        entry = [text, []]
        stack[-1][1].append(entry)
        stack.append((level, entry[1]))

    def build(entries: list[list]) -> ListBlock:
        return ListBlock(ordered=ordered, items=[ListItem(text=t, children=build(kids) if kids else None) for t, kids in entries])

    return build(root)


def inline(paragraph, part) -> str:
    """A paragraph's runs as one line of inline markdown: bold runs **strong**, links [text](url)."""
    from pptx.oxml.ns import qn

    spans: list[tuple[str, bool, str]] = []  # text, bold, link
    for child in paragraph._p.iterchildren():
        if child.tag == qn("a:br"):
            spans.append((" ", False, ""))
        elif child.tag in (qn("a:r"), qn("a:fld")):
            rpr = child.find("a:rPr", NS)
            bold = rpr is not None and rpr.get("b") in ("1", "true")
            link = rpr.find("a:hlinkClick", NS) if rpr is not None else None
            rid = link.get(qn("r:id")) if link is not None else None
            url = part.target_ref(rid) if rid else ""
            spans.append(("".join(t.text or "" for t in child.iter(qn("a:t"))), bold, url if re.match(r"^(https?|mailto):", url) else ""))
    merged: list[list] = []
    for text, bold, url in spans:  # neighbouring runs set alike read as one
        if merged and (merged[-1][1], merged[-1][2]) == (bold, url) or (merged and not text.strip()):
            merged[-1][0] += text
        else:
            merged.append([text, bold, url])
    return one_line("".join(_span(*span) for span in merged))


def _span(text: str, bold: bool, url: str) -> str:
    core = text.strip()
    if not core:
        return text
    shown = literal(one_line(core))
    if bold:
        shown = f"**{shown}**"
    if url:
        shown = f"[{shown}]({url.replace(' ', '%20').replace('(', '%28').replace(')', '%29')})"
    # White space stays outside the markers: "** term**" would not read as bold.
    return text[: len(text) - len(text.lstrip())] + shown + text[len(text.rstrip()):]


def table(grid, part) -> AnyBlock | None:
    """The table, its first row the header (an empty header cell shows a dash)."""
    rows = [[one_line(" ".join(inline(p, part) for p in cell.text_frame.paragraphs)) for cell in row.cells] for row in grid.rows]
    rows = [row for row in rows if any(row)]
    if not rows:
        return None
    if len(rows) == 1:
        return Paragraph(text="; ".join(c for c in rows[0] if c))
    return Table(header=[c or "—" for c in rows[0]], rows=rows[1:])


def chart(graph) -> AnyBlock | None:
    """A category chart's data as a table: categories down (the chart's title over them), a
    column for each series."""
    try:
        plot = graph.plots[0]
        categories = [str(c) for c in plot.categories]
        series = list(plot.series)
        if not categories or not series:
            return None
        header = [literal(one_line(graph.chart_title.text_frame.text)) if graph.has_title and graph.chart_title.has_text_frame else "—"]
        header += [literal(one_line(s.name or f"Series {n}")) for n, s in enumerate(series, start=1)]
        rows = [[literal(one_line(c))] + [_number(s.values[k]) for s in series] for k, c in enumerate(categories)]
        return Table(header=[h or "—" for h in header], rows=rows)
    except Exception:  # charts without categories (scatter, bubble) or with broken data: left out
        return None


def _number(value) -> str:
    return "" if value is None else f"{value:g}" if isinstance(value, float) else str(value)


def diagram(shape, part) -> AnyBlock | None:
    """A SmartArt diagram's node texts as a flat list (its layout, and so its structure, is lost)."""
    from lxml import etree

    ids = shape._element.xpath(".//dgm:relIds", namespaces=NS)
    rid = ids[0].get(f"{{{NS['r']}}}dm") if ids else None
    if not rid:
        return None
    root = etree.fromstring(part.related_part(rid).blob)
    texts = []
    for point in root.iter(f"{{{DIAGRAM}}}pt"):
        if point.get("type", "node") == "node":
            text = one_line("".join(t.text or "" for t in point.iter(f"{{{NS['a']}}}t")))
            if text:
                texts.append(ListItem(text=literal(text)))
    return ListBlock(items=texts) if texts else None


def one_line(text: str) -> str:
    """White space folded to single spaces, none at either end."""
    return " ".join(str(text).split())
