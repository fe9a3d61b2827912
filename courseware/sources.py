"""Source documents: the markdown or text files a spec lists, split into cited passages."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

from courseware.markdown.blocks import read_blocks

FOOTNOTE_REF = re.compile(r"\[\^[^\]]*\]")


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

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()

    def passages(self) -> list[Passage]:
        """Paragraphs, list items and quotes, each under its nearest heading."""
        title, section, found = "", "", []
        for block in read_blocks(self.text):
            if block.kind == "heading":
                if block.level == 1 and not title:
                    title = block.text
                else:
                    section = block.text
            elif block.kind in ("paragraph", "quote", "notes"):
                found.append(Passage(self.path, section or title, block.text))
            elif block.kind == "list":
                found += [Passage(self.path, section or title, text) for _, text in block.items]
        cleaned = [Passage(p.source, p.section, FOOTNOTE_REF.sub("", p.text).strip()) for p in found]
        return [p for p in cleaned if p.text]


def read_sources(paths: list[str], root: Path) -> list[SourceDocument]:
    """Read the spec's source documents (already checked by validation) in spec order."""
    return [SourceDocument(path, (root / path).read_bytes().decode("utf-8-sig").replace("\r\n", "\n")) for path in paths]


def sources_digest(sources: list[SourceDocument]) -> dict[str, str]:
    """Each source path with the hash of its text: what content keys record of the sources."""
    return {doc.path: doc.sha256 for doc in sources}
