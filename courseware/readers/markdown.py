"""Markdown sources: headings and blocks through the course's own markdown reader, lesson
dialects (Carpentries Workbench, Jekyll/kramdown) rewritten first (readers/dialects.py)."""

from __future__ import annotations

from bisect import bisect_right

from pydantic import ValidationError

from courseware.content.blocks import AnyBlock, Callout, Figure, ListBlock, ListItem, Paragraph
from courseware.markdown.blocks import SourceBlock, read_source_blocks
from courseware.readers import dialects
from courseware.readers.base import CALLOUTS, NARRATIVE, ROLES, Document, Heading, Piece, Reader, SourceUnreadable
from courseware.readers.dialects import Box, Rewritten

# Titles that say only what kind of box it is: an exercise or a solution headed "Solution" gets
# no paragraph of that word.
GENERIC_TITLES = {"solution", "solutions", "hint", "hints", "challenge", "exercise", "discussion", "instructor note", "instructor notes"}


class MarkdownReader(Reader):
    """CommonMark with GFM tables, `$` math and `:::` containers, read block by block (a
    50 MB source never becomes one token list); a file in a lesson dialect is rewritten into
    that markdown line for line first, its boxes read as callouts, exercises, solutions and
    instructor notes."""

    suffixes = (".md", ".markdown", ".txt")
    label = "markdown"
    text = True

    def read(self, data: bytes) -> Document:
        try:
            text = data.decode("utf-8-sig").replace("\r\n", "\n")
        except UnicodeDecodeError as exc:
            line = data[: exc.start].count(b"\n") + 1
            raise SourceUnreadable("not UTF-8 text; save it as UTF-8", line=line) from None
        if dialects.is_dialect(data):
            return _Assembly(dialects.rewrite(text)).read()
        document = Document()

        def take(batch: list[SourceBlock]) -> None:
            for line, level, item in batch:
                if isinstance(item, str):
                    if level == 1 and not document.title:
                        document.title = item
                    document.pieces.append(Piece(Heading(level, item), line))
                else:
                    document.pieces.append(Piece(item, line))

        read_source_blocks(text, take)
        return document


class _Assembly:
    """The pieces of a rewritten dialect source: each block with the role of the boxes it
    stands in; the blocks of a callout box gathered into one Callout; a heading inside a box
    its title or a paragraph, never a section."""

    def __init__(self, rewritten: Rewritten):
        self.rewritten = rewritten
        self.document = Document(title=rewritten.title)
        self.lines, self.chains = _segments(rewritten.boxes)
        self.open: tuple[Box, str] | None = None  # the callout box being gathered, and its role
        self.title: str | None = None
        self.blocks: list[AnyBlock] = []
        self.titled: set[int] = set()  # the boxes whose title attribute was given as a paragraph

    def read(self) -> Document:
        for line, name, items in self.rewritten.front:
            role, style, title = dialects.CLASSES[name]
            block = ListBlock(items=[ListItem(text=text) for text in items])
            self.document.pieces.append(Piece(Callout(style=style, title=title, blocks=[block]), line, role=role))
        read_source_blocks(self.rewritten.text, self.take)
        self.close()
        return self.document

    def take(self, batch: list[SourceBlock]) -> None:
        for line, level, item in batch:
            chain = self.chains[bisect_right(self.lines, line) - 1] if self.lines and line >= self.lines[0] else ()
            role, box = _placed(chain)
            if self.open and self.open[0] is not box:
                self.close()
            if box is not None:
                self.gather(box, role, line, item)
            elif isinstance(item, str):
                if not chain:
                    if level == 1 and not self.document.title:
                        self.document.title = item
                    self.document.pieces.append(Piece(Heading(level or 1, item), line))
                elif item.casefold().rstrip(":") not in GENERIC_TITLES:
                    self.add(Paragraph(text=_bold(item)), line, role)
            else:
                self.give_title(chain, role)
                self.add(self.captioned(item, line), line, role)

    def give_title(self, chain: tuple[Box, ...], role: str) -> None:
        """An exercise's title attribute, as its first paragraph."""
        owner = next((b for b in reversed(chain) if b.role not in (None, *CALLOUTS)), None)
        if owner and owner.title and id(owner) not in self.titled:
            self.titled.add(id(owner))
            self.add(Paragraph(text=_bold(owner.title)), owner.start, role)

    def gather(self, box: Box, role: str, line: int, item: AnyBlock | str) -> None:
        if self.open is None:
            self.open, self.title, self.blocks = (box, role), box.title, []
        if isinstance(item, str):
            if self.title is None and not self.blocks:
                self.title = item
            else:
                self.blocks.append(Paragraph(text=item))
        elif isinstance(item, Callout):  # a box in a box: its blocks stand in the outer one
            self.blocks += ([Paragraph(text=item.title)] if item.title else []) + list(item.blocks)
        else:
            self.blocks.append(self.captioned(item, line))

    def close(self) -> None:
        if self.open and self.blocks:
            box, role = self.open
            self.add(Callout(style=box.style or "note", title=self.title, blocks=self.blocks), box.start, role)
        self.open, self.title, self.blocks = None, None, []

    def add(self, block: AnyBlock, line: int, role: str) -> None:
        self.document.pieces.append(Piece(block, line, role=role))

    def captioned(self, block: AnyBlock, line: int) -> AnyBlock:
        caption = self.rewritten.captions.get(line) if line else None
        if isinstance(block, Figure) and caption and not block.caption:
            try:
                return block.model_copy(update={"caption": Figure(src=block.src, alt=block.alt, caption=caption).caption})
            except ValidationError:
                return block
        return block


def _placed(chain: tuple[Box, ...]) -> tuple[str, Box | None]:
    """The role of a block inside the boxes `chain` (outermost first), and the callout box that
    gathers it: the strongest role wins (an instructor note inside an exercise is an
    instructor note); a box inside an exercise is a callout of that exercise."""
    role, box = NARRATIVE, None
    for b in chain:
        if b.role is None:
            continue
        if b.role in CALLOUTS:
            box = box or b
        else:
            role = max(role, b.role, key=ROLES.index)
            box = None
    return (box.role if role == NARRATIVE and box else role), box


def _segments(boxes: list[Box]) -> tuple[list[int], list[tuple[Box, ...]]]:
    """The lines where the set of boxes around a line changes, and that set (outermost first)
    from each of those lines on: a block's boxes are one bisection away."""
    events = sorted([(b.start, 1, n) for n, b in enumerate(boxes)] + [(b.end + 1, 0, n) for n, b in enumerate(boxes)])
    lines: list[int] = []
    chains: list[tuple[Box, ...]] = []
    active: list[int] = []
    for line, kind, n in events:
        if kind:
            active.append(n)
        else:
            active.remove(n)
        chain = tuple(boxes[k] for k in active)
        if lines and lines[-1] == line:
            chains[-1] = chain
        else:
            lines.append(line)
            chains.append(chain)
    return lines, chains


def _bold(title: str) -> str:
    """An exercise's title as the bold paragraph it opens with (an activity's title, later)."""
    return title if "**" in title else f"**{title}**"
