"""An HTML element tree as pieces: headings and blocks with their line and role (the HTML and Word readers share it)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from lxml import etree
from pydantic import ValidationError

from courseware.content.blocks import LANGUAGE, Callout, Code, ListBlock, ListItem, Math, Paragraph, Quote, Table, clean_cell
from courseware.markdown.inline import literal
from courseware.readers.base import BOX, EXERCISE, INSTRUCTOR, NARRATIVE, OVERVIEW, SOLUTION, Heading, Piece
from courseware.readers.html_inline import BLOCKS, HEADINGS, LISTS, Inline, span_of, tex

# Class names of boxes -> (role, callout style), the first that matches in this order winning
# ("callout challenge" is an exercise, "admonition warning" a warning).
BOX_CLASSES = (
    ({"instructor", "instructor-note", "instructor-notes", "instructor_note", "teacher-note"}, INSTRUCTOR, "note"),
    ({"solution", "hint", "challenge-accordion"}, SOLUTION, "note"),  # the Workbench folds a solution in a challenge-accordion
    ({"exercise", "challenge", "discussion"}, EXERCISE, "activity"),
    ({"objectives", "questions"}, OVERVIEW, "note"),
    ({"warning", "caution", "danger", "important", "attention", "alert-warning", "alert-danger"}, BOX, "warning"),
    ({"tip", "tips"}, BOX, "tip"),
    ({"keypoints", "key-points", "takeaway", "takeaways"}, BOX, "takeaway"),
    ({"example"}, BOX, "example"),
    ({"note", "notes", "callout", "admonition", "info", "seealso", "prereq", "checklist", "overview", "spoiler-accordion"}, BOX, "note"),
)
BOXED = frozenset(("div", "aside", "section", "blockquote", "details", "p"))
LANGUAGE_CLASS = re.compile(r"^(?:language|lang|highlight|brush)-([A-Za-z0-9_+#.-]+)$")
TITLE_CLASS = re.compile(r"(?:^|[-_])title$")
ROWS = etree.XPath("./tr|./thead/tr|./tbody/tr|./tfoot/tr")


def _display_math(element) -> bool:
    """<math display="block">, MathJax 2's <script type="math/tex; mode=display">, class="math display"."""
    if element.tag == "math":
        return element.get("display") == "block"
    if element.tag == "script":
        return "mode=display" in (element.get("type") or "")
    classes = element.get("class", "").split()
    return "math" in classes and "display" in classes


def box_kind(element) -> tuple[str, str] | None:
    """The role and callout style a box element stands for, by its class names (or <details>)."""
    if element.tag not in BOXED:
        return None
    classes = set(element.get("class", "").lower().split())
    for names, role, style in BOX_CLASSES:
        if classes & names:
            return role, style
    return (SOLUTION, "note") if element.tag == "details" else None


@dataclass
class _Box:
    """A callout being read: its role, style and title, the blocks in it, and the boxes of
    another role nested in it (an exercise's solution), which follow it as pieces of their own."""

    role: str
    style: str
    title: str | None
    line: int
    blocks: list = field(default_factory=list)
    after: list[Piece] = field(default_factory=list)


class Converter(Inline):
    """Reads the content under an element into `pieces`; `skipped` counts the images left out
    (no alt text, caption or title; or not a relative image file). `notes` maps the id of a
    footnote's element to it: a link to one is dropped from the text and the note follows the
    block that cites it as a box. `lines`: whether pieces get the elements' source lines."""

    def __init__(self, lines: bool = True, notes: dict | None = None):
        super().__init__(lines, notes)
        self.pieces: list[Piece] = []
        self._box: _Box | None = None
        self._noted: set[str] = set()

    def convert(self, root) -> list[Piece]:
        """The pieces of everything under `root`, in reading order."""
        self._container(root)
        return self.pieces

    def _container(self, element) -> None:
        """The children of `element` as blocks; loose inline content between them as paragraphs."""
        run: list = [element.text] if element.text else []
        line = self._line(element)
        for child in element:
            if isinstance(child.tag, str) and self._is_block(child):
                self._paragraph(run, line)
                run = []
                self._block(child)
                line = self._line(child)
            elif isinstance(child.tag, str):
                run.append(child)
            if child.tail:
                run.append(child.tail)
        self._paragraph(run, line)

    def _is_block(self, element) -> bool:
        """A block element, display math, or an inline element that holds a block (a <span>
        around paragraphs); a link or emphasis around blocks stays inline text."""
        if element.tag in BLOCKS or _display_math(element):
            return True
        return element.tag not in ("a", "em", "strong", "b", "i", "code") and next(element.iterdescendants(*BLOCKS), None) is not None

    def _block(self, element) -> None:
        try:
            self._read_block(element)
        except ValidationError:  # what no block can hold (text of control characters only): left out
            pass

    def _read_block(self, element) -> None:
        tag, line = element.tag, self._line(element)
        kind = box_kind(element)
        if kind:
            self._boxed(element, *kind)
        elif tag in HEADINGS:
            text = self._inline(element)
            if text:
                self._heading(int(tag[1]), text, line)
        elif tag == "p" or tag in ("dt", "dd", "figcaption", "summary", "caption", "address"):
            self._paragraph([element], line)
        elif tag in LISTS:
            self._list_block(element)
        elif tag == "dl":
            self._definitions(element)
        elif tag == "table":
            self._table(element)
        elif tag == "pre":
            self._code(element)
        elif tag == "blockquote":
            text = self._inline(element, flat=True)
            if text:
                self._emit(Quote(text=text), line)
        elif tag == "figure":
            self._figure(element)
        elif tag == "math" or _display_math(element):
            self._math(element, line)
        elif tag != "hr":
            self._container(element)

    def _emit(self, block, line: int) -> None:
        """A block where it stands: inside the box being read, or a piece of its own; then the
        figures pulled out of its text and the footnotes it cites."""
        if block is not None:
            if self._box is not None:
                self._box.blocks.append(block)
            else:
                self.pieces.append(Piece(block, line, role=NARRATIVE))
        figures, self._figures = self._figures, []
        cited, self._cited = self._cited, []
        if cited:
            self._footnotes(cited, line)
        for figure, at in figures:
            self._emit(figure, at)

    def _footnotes(self, ids: list[str], line: int) -> None:
        blocks = []
        for ident in dict.fromkeys(ids):
            if ident in self._noted:  # cited again (or by itself): read once, where first cited
                continue
            self._noted.add(ident)
            note = self.notes[ident]
            text = self._inline(note, flat=True)
            if text:
                blocks.append(Paragraph(text=text))
        if not blocks:
            return
        if self._box is not None:
            self._box.blocks += blocks
        else:
            self.pieces.append(Piece(Callout(style="note", blocks=blocks), line, role=BOX))

    def _heading(self, level: int, text: str, line: int) -> None:
        if self._box is None:
            self.pieces.append(Piece(Heading(level, text), line))
        elif self._box.title is None and not self._box.blocks:
            self._box.title = text
        else:  # a heading inside a box heads no section of the document
            self._emit(Paragraph(text=text if "**" in text else f"**{text}**"), line)

    def _paragraph(self, run: list, line: int) -> None:
        text = self._inline_run(run)
        self._emit(Paragraph(text=text) if text else None, line)

    def _boxed(self, element, role: str, style: str) -> None:
        outer = self._box
        if outer is not None and (outer.role == INSTRUCTOR or role in (BOX, outer.role)):
            self._container(element)  # a box in a box of its kind (or in instructor notes) is part of it
            return
        title_element = self._title_element(element)
        title = self._inline(title_element) if title_element is not None else None
        if title_element is not None:
            title_element.drop_tree()
        box = self._box = _Box(role, style, title or None, self._line(element))
        self._container(element)
        self._box = outer
        pieces = [Piece(Callout(style=style, title=box.title, blocks=box.blocks), box.line, role=role)] if box.blocks else []
        pieces += box.after
        if outer is not None:
            outer.after += pieces
        else:
            self.pieces += pieces

    def _title_element(self, element):
        """The box's title: a <summary>, a heading or a *-title element before any of its text."""
        for node in element.iterdescendants():
            if not isinstance(node.tag, str):
                continue
            if node.tag == "summary" or node.tag in HEADINGS or any(TITLE_CLASS.search(c) for c in node.get("class", "").split()):
                return node
            if (node.text or "").strip() or (node.tag == "img"):
                return None
            if node.getparent() is not element and (node.tail or "").strip():
                return None
        return None

    def _list_block(self, element) -> None:
        extra: list = []
        block = self._list(element, extra)
        self._emit(block, self._line(element))
        for child in extra:
            self._block(child)

    def _list(self, element, extra: list) -> ListBlock | None:
        """A ul/ol as a list block: each li's text (its paragraphs joined) on one line, nested lists
        as its children; code, tables and figures in an li go to `extra`, read after the list."""
        found: list[ListItem] = []
        for li in element.iterchildren("li"):
            nested: list = []
            text = self._inline(li, flat=True, nested=nested, extra=extra)
            children = [item for sub in nested if (block := self._list(sub, extra)) for item in block.items]
            inner = ListBlock(ordered=nested[0].tag == "ol", items=children) if children else None
            if text:
                found.append(ListItem(text=text, children=inner))
            elif inner:
                found += inner.items  # an item of nothing but a list: its items stand in its place
        return ListBlock(ordered=element.tag == "ol", items=found) if found else None

    def _definitions(self, element) -> None:
        found, term = [], None
        for child in element.iterchildren("dt", "dd"):
            text = self._inline(child, flat=True)
            if child.tag == "dt":
                term = text
            elif text:
                found.append(ListItem(text=f"**{term}**: {text}" if term and "**" not in term else f"{term}: {text}" if term else text))
        self._emit(ListBlock(items=found) if found else None, self._line(element))

    def _table(self, element) -> None:
        line = self._line(element)
        if element.get("role") in ("presentation", "none") or next(element.iterdescendants("table"), None) is not None:
            return self._container(element)  # a layout table: its cells are the page's blocks
        rows = ROWS(element)
        head = [row.getparent().tag == "thead" for row in rows]
        if not any(head) and rows:  # no <thead>: the first row heads the table, th cells or not
            head[0] = True
        grid = self._grid(rows)
        width = max((len(row) for row in grid), default=0)
        kept = [(row + [""] * (width - len(row)), h) for row, h in zip(grid, head) if any(row)]
        grid = [row for row, _ in kept]
        heads = next((n for n, (_, h) in enumerate(kept) if not h), len(kept)) or (1 if kept else 0)
        header = [" ".join(dict.fromkeys(t for t in column if t)) or "—" for column in zip(*grid[:heads])]
        body = grid[heads:]
        caption = element.find("caption")
        caption_text = self._inline(caption, flat=True) if caption is not None else ""
        if not body:  # a single row is no table: its cells are read as paragraphs
            texts = [caption_text, *(t for row in grid for t in row if t)]
            for text in filter(None, texts):
                self._emit(Paragraph(text=text), line)
            return
        self._emit(Table(header=header, rows=body, caption=caption_text or None), line)

    def _grid(self, rows) -> list[list[str]]:
        """The cells' texts row by row, a cell spanning rows or columns repeated in each."""
        grid: list[list[str]] = []
        pending: dict[int, tuple[int, str]] = {}  # column -> (rows still spanned, text)
        for row in rows:
            cells, column = [], 0
            queue = list(row.iterchildren("td", "th"))
            while queue or any(c >= column for c in pending):
                if column in pending:
                    left, text = pending[column]
                    cells.append(text)
                    pending[column] = (left - 1, text)
                    if left <= 1:
                        del pending[column]
                    column += 1
                    continue
                if not queue:  # a cell spanning down from above stands further right
                    cells.append("")
                    column += 1
                    continue
                cell = queue.pop(0)
                text = self._inline(cell, flat=True, alt=True)
                span, down = span_of(cell.get("colspan")), span_of(cell.get("rowspan"))
                for _ in range(span):
                    cells.append(text)
                    if down > 1:
                        pending[column] = (down - 1, text)
                    column += 1
            grid.append(cells)
        return grid

    def _code(self, element) -> None:
        for br in element.iter("br"):
            br.tail = "\n" + (br.tail or "")
        code = element.text_content()
        if not code.strip():
            return
        line = self._line(element)
        candidates = [element, *element.iterchildren("code"), *list(element.iterancestors())[:2]]
        language = next((m.group(1).lower() for c in candidates for name in c.get("class", "").split() if (m := LANGUAGE_CLASS.match(name))), "")
        names = element.get("class", "").split()
        if not language and "sourceCode" in names and len(names) == 2:  # Pandoc: class="sourceCode python"
            language = next(n for n in names if n != "sourceCode").lower()
        language = language if LANGUAGE.match(language or "-") and language != "output" else ""
        if "output" in names:  # the output of the code block right before it, in a box or not
            blocks = self._box.blocks if self._box is not None else self.pieces
            last = blocks[-1] if blocks else None
            item = last.item if isinstance(last, Piece) else last
            if isinstance(item, Code) and item.output is None:
                shown = item.model_copy(update={"output": Code(code=code).code})
                blocks[-1] = Piece(shown, last.line, role=last.role) if isinstance(last, Piece) else shown
                return
        self._emit(Code(language=language, code=code), line)

    def _figure(self, element) -> None:
        images = [img for img in element.iter("img")]
        if not images:
            return self._container(element)
        caption_element = element.find(".//figcaption")
        caption = self._inline(caption_element, flat=True) if caption_element is not None else ""
        for img in images:
            figure = self._image(img, caption)
            if figure:
                self._emit(figure, self._line(img))

    def _math(self, element, line: int) -> None:
        latex, text = tex(element), literal(clean_cell(element.text_content()))
        self._emit(Math(latex=latex) if latex else Paragraph(text=text) if text else None, line)
