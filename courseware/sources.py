"""Source documents: the markdown or text files a spec lists, split into cited passages."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from courseware.content.blocks import Callout, ListBlock, Paragraph, Quote, items
from courseware.markdown.blocks import SourceBlock, read_source_blocks

FOOTNOTE_REF = re.compile(r"\[\^[^\]]*\]")

# A source over LARGE_BYTES gets a warning on validate and build, and its sources page shows only
# the sections the course cites; one over MAX_BYTES is refused by validation (never read). The
# offline build of a 50 MB source takes about half a minute and 300 MB (bench/big_source.py),
# time and memory growing with the size; at MAX_BYTES that is minutes and over a gigabyte.
LARGE_BYTES = 5_000_000
MAX_BYTES = 200_000_000


@dataclass(frozen=True)
class Passage:
    """A paragraph (or list item) of a source, with the section it stands in."""

    source: str
    section: str
    text: str


@dataclass(frozen=True)
class SourceDocument:
    path: str  # as written in the spec, relative to the spec's folder
    text: str
    size: int = field(default=0, compare=False)  # bytes on disk

    @property
    def large(self) -> bool:
        """Over LARGE_BYTES: warned about, and shown by its cited sections only."""
        return self.size > LARGE_BYTES

    @cached_property
    def sha256(self) -> str:
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()

    def passages(self) -> tuple[Passage, ...]:
        """Paragraphs, list items and quotes, each under its nearest heading."""
        return self._passages

    @cached_property
    def _passages(self) -> tuple[Passage, ...]:
        # Parsed once per document, block by block: the provider's index and every renderer's
        # sources page share it, and no token list of the whole text is ever held.
        found: list[Passage] = []
        title = section = ""

        def take(blocks: list[SourceBlock]) -> None:
            nonlocal title, section
            for _, level, item in blocks:
                if isinstance(item, str):  # a heading
                    if level == 1 and not title:
                        title = item
                    else:
                        section = item
                    continue
                for text in _passage_texts(item):
                    found.append(Passage(self.path, section or title, text))

        read_source_blocks(self.text, take)
        return tuple(found)


def _passage_texts(block) -> list[str]:
    """The prose of a block that can stand as a passage: a paragraph, a quote, each list item,
    the paragraphs and lists of a callout."""
    if isinstance(block, (Paragraph, Quote)):
        return [block.text]
    if isinstance(block, ListBlock):
        return [item.text for item in items(block)]
    if isinstance(block, Callout):
        return [text for inner in block.blocks for text in _passage_texts(inner)]
    return []


# The documents read last, by resolved path, with the hash of their bytes: a build reads its
# sources for planning, then each renderer reads them again; an unchanged file gives back the
# same document, parsed once, and is only hashed (a megabyte at a time), never held twice.
_last_read: dict[Path, tuple[str, SourceDocument]] = {}


def read_sources(paths: list[str], root: Path) -> list[SourceDocument]:
    """Read the spec's source documents (already checked by validation) in spec order."""
    documents, seen = [], {}
    for path in paths:
        file = (root / path).resolve()
        known = _last_read.get(file)
        if known is None or known[1].path != path or _file_sha256(file) != known[0]:
            data = file.read_bytes()
            known = (hashlib.sha256(data).hexdigest(), SourceDocument(path, data.decode("utf-8-sig").replace("\r\n", "\n"), len(data)))
        documents.append(known[1])
        seen[file] = known
    _last_read.clear()
    _last_read.update(seen)
    return documents


def _file_sha256(file: Path) -> str:
    with file.open("rb") as stream:
        return hashlib.file_digest(stream, "sha256").hexdigest()


def sources_digest(sources: list[SourceDocument]) -> dict[str, str]:
    """Each source path with the hash of its text: what content keys record of the sources."""
    return {doc.path: doc.sha256 for doc in sources}
