"""Source documents: the markdown or text files a spec lists, read as cited passages of blocks."""

from __future__ import annotations

import hashlib
import os
import re
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from courseware.content.blocks import AnyBlock, Callout, Figure, figures, texts
from courseware.markdown.blocks import SourceBlock, read_source_blocks
from courseware.markdown.inline import plain

FOOTNOTE_REF = re.compile(r"\[\^[^\]]*\]")
# Image references, found cheaply in the raw text (no parse) for the sources' digest: a match
# inside a code block only adds a file to the digest, which costs nothing but a hash.
IMAGE_REF = re.compile(r"!\[(?:[^\]\\\n]|\\.)*\]\(\s*<?([^)\s>]+)")

# A source over LARGE_BYTES gets a warning on validate and build, and its sources page shows only
# the sections the course cites; one over MAX_BYTES is refused by validation (never read). The
# offline build of a 50 MB source takes about half a minute and 300 MB (bench/big_source.py),
# time and memory growing with the size; at MAX_BYTES that is minutes and over a gigabyte.
LARGE_BYTES = 5_000_000
MAX_BYTES = 200_000_000


@dataclass(frozen=True)
class Passage:
    """One block of a source (paragraph, list, table, code, math, figure, quote or callout) with
    the section it stands in: `text` is its prose as plain words (for ranking and quoting; empty
    for code and display math, which are found through the paragraph that introduces them)."""

    source: str  # the source's path as written in the spec
    section: str
    text: str
    block: AnyBlock
    line: int = 0  # where the block starts in the source file
    file: Path | None = field(default=None, compare=False, repr=False)  # the source file, to place its figures

    def placed(self, markdown_file: Path) -> AnyBlock:
        """The block as written in `markdown_file`: each figure's image path, relative to the
        source file, made relative to that file's folder."""
        return relocated(self.block, self.file, markdown_file) if self.file else self.block


@dataclass(frozen=True)
class SourceDocument:
    path: str  # as written in the spec, relative to the spec's folder
    text: str
    size: int = field(default=0, compare=False)  # bytes on disk
    file: Path | None = field(default=None, compare=False)  # where it was read from (absolute)

    @property
    def large(self) -> bool:
        """Over LARGE_BYTES: warned about, and shown by its cited sections only."""
        return self.size > LARGE_BYTES

    @cached_property
    def sha256(self) -> str:
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()

    @cached_property
    def images(self) -> tuple[str, ...]:
        """The image paths the text names (relative to the source file), each once."""
        return tuple(dict.fromkeys(m.group(1) for m in IMAGE_REF.finditer(self.text)))

    def passages(self) -> tuple[Passage, ...]:
        """Every block, each under its nearest heading."""
        return self._passages

    @cached_property
    def _passages(self) -> tuple[Passage, ...]:
        # Parsed once per document, block by block: the provider's index and every renderer's
        # sources page share it, and no token list of the whole text is ever held.
        found: list[Passage] = []
        title = section = ""

        def take(batch: list[SourceBlock]) -> None:
            nonlocal title, section
            for line, level, item in batch:
                if isinstance(item, str):  # a heading: the section of the blocks after it
                    if level == 1 and not title:
                        title = item
                    else:
                        section = item
                    continue
                words = " ".join(_plain(t) for t in texts(item))
                found.append(Passage(self.path, section or title, item.text if words == getattr(item, "text", None) else words, item, line, self.file))

        read_source_blocks(self.text, take)
        return tuple(found)


# Characters that may make inline markdown differ from its plain words; a text without any is
# its own plain text (most of a long source), and is not parsed again to find that out.
MARKUP = re.compile(r"[\\`*_\[\]$<>&!~]")
BOLD = re.compile(r"\*\*(?=\S)(.+?)(?<=\S)\*\*")


def _plain(text: str) -> str:
    """inline.plain(text), without parsing the text when it has no markup but **bold** terms."""
    if not MARKUP.search(text):
        return text
    unbolded = BOLD.sub(r"\1", text)
    return unbolded if not MARKUP.search(unbolded) else plain(text)


def relocated(block: AnyBlock, source_file: Path, markdown_file: Path) -> AnyBlock:
    """`block` with each figure's src (relative to `source_file`) made relative to `markdown_file`."""
    if not any(True for _ in figures(block)):
        return block

    def moved(figure: Figure) -> Figure:
        image = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(source_file)), figure.src))
        return figure.model_copy(update={"src": Path(os.path.relpath(image, os.path.dirname(os.path.abspath(markdown_file)))).as_posix()})

    if isinstance(block, Figure):
        return moved(block)
    assert isinstance(block, Callout)
    return block.model_copy(update={"blocks": [moved(b) if isinstance(b, Figure) else b for b in block.blocks]})


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
            text = data.decode("utf-8-sig").replace("\r\n", "\n")
            known = (hashlib.sha256(data).hexdigest(), SourceDocument(path, text, len(data), Path(os.path.abspath(root / path))))
        documents.append(known[1])
        seen[file] = known
    _last_read.clear()
    _last_read.update(seen)
    return documents


def _file_sha256(file: Path) -> str:
    with file.open("rb") as stream:
        return hashlib.file_digest(stream, "sha256").hexdigest()


def sources_digest(sources: list[SourceDocument]) -> dict[str, str]:
    """Each source path with the hash of its text, and each image a source names (its path from
    the spec's folder) with the hash of its bytes: what content keys record of the sources, so
    that a changed figure makes the content that shows it stale."""
    digest = {doc.path: doc.sha256 for doc in sources}
    for doc in sources:
        if doc.file is None:
            continue
        for src in doc.images:
            name = Path(os.path.normpath(Path(doc.path).parent / src)).as_posix()
            image = doc.file.parent / src
            if name not in digest and not name.startswith("../") and image.is_file():
                digest[name] = _file_sha256(image)
    return digest

