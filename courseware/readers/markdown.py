"""Markdown sources: headings and blocks through the course's own markdown reader."""

from __future__ import annotations

from courseware.markdown.blocks import SourceBlock, read_source_blocks
from courseware.readers.base import Document, Heading, Piece, Reader, SourceUnreadable


class MarkdownReader(Reader):
    """CommonMark with GFM tables, `$` math and `:::` containers, read block by block (a
    50 MB source never becomes one token list)."""

    suffixes = (".md", ".markdown", ".txt")
    label = "markdown"
    text = True

    def read(self, data: bytes) -> Document:
        try:
            text = data.decode("utf-8-sig").replace("\r\n", "\n")
        except UnicodeDecodeError as exc:
            line = data[: exc.start].count(b"\n") + 1
            raise SourceUnreadable("not UTF-8 text; save it as UTF-8", line=line) from None
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
