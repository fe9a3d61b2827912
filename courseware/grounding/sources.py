"""Source documents: the files a spec lists, read by their format's reader into cited passages of blocks."""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from courseware.content.blocks import AnyBlock, Callout, Figure, figures, texts
from courseware.content.model import Reference
from courseware.markdown.inline import plain
from courseware.names import MEDIA_DIR
from courseware.readers import Document, Heading, SourceUnreadable, reader_for, supported
from courseware.readers.base import INSTRUCTOR, NARRATIVE

# A source over LARGE_BYTES gets a warning on validate and build, and its sources page shows only
# the sections the course cites; one over MAX_BYTES is refused by validation (never read). The
# offline build of a 50 MB source takes about half a minute and 300 MB (bench/big_source.py),
# time and memory growing with the size; at MAX_BYTES that is minutes and over a gigabyte. growing with the size; at MAX_BYTES that is minutes and over a gigabyte.
LARGE_BYTES = 5_000_000
MAX_BYTES = 200_000_000


@dataclass(frozen=True)
class Passage:
    """One block of a source (paragraph, list, table, code, math, figure, quote or callout) with
    where it stands: the heading trail above it (`section` the nearest), its line, page (PDF) or
    slide (PowerPoint), and its role (narrative, box, exercise, solution: readers/base.py).
    `text` is its prose as plain words (for ranking and quoting; empty for code and display
    math, which are found through the paragraph that introduces them)."""

    source: str  # the source's path as written in the spec
    section: str
    text: str
    block: AnyBlock
    line: int = 0  # where the block starts in the source file (text formats)
    file: Path | None = field(default=None, compare=False, repr=False)  # the source file, to place its figures
    trail: tuple[str, ...] = ()  # the headings above the block, outermost first (the title not included)
    page: int | None = None
    slide: int | None = None
    role: str = NARRATIVE
    media: Mapping[str, bytes] = field(default_factory=dict, compare=False, repr=False)  # the source's embedded images

    @property
    def reference(self) -> Reference:
        """How content cites this passage: 'file § section, p. 12'."""
        return Reference(source=self.source, section=self.section, page=self.page, slide=self.slide)

    def placed(self, markdown_file: Path, content_dir: Path | None = None) -> AnyBlock:
        """The block as written in `markdown_file`: each figure's image path, relative to the
        source file (or, for an image embedded in a PDF, Word or PowerPoint file, to its copy
        under `content_dir`/_media/), made relative to that file's folder."""
        if not self.file:
            return self.block
        return relocated(self.block, self.file, markdown_file, self.media, media_folder(content_dir, self.source) if content_dir else None)


def media_folder(content_dir: Path, source: str) -> Path:
    """Where the images embedded in `source` are copied when content shows them: one folder per
    source under the content folder (a name no lesson id can take)."""
    return content_dir / MEDIA_DIR / re.sub(r"[^A-Za-z0-9._-]+", "-", source).strip("-.")


@dataclass(frozen=True)
class SourceDocument:
    path: str  # as written in the spec, relative to the spec's folder
    data: bytes = field(repr=False)
    size: int = field(default=0, compare=False)  # bytes on disk
    file: Path | None = field(default=None, compare=False)  # where it was read from (absolute)

    @property
    def large(self) -> bool:
        """Over LARGE_BYTES: warned about, and shown by its cited sections only."""
        return self.size > LARGE_BYTES

    @cached_property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()

    @cached_property
    def document(self) -> Document:
        """The source as its reader reads it; a file it cannot read is one located error."""
        reader = reader_for(self.path)
        shown = _shown(self.file) if self.file else self.path
        if reader is None:
            raise SourceUnreadable(f"{shown}: no reader for this kind of file; sources may be {supported()}")
        try:
            return reader.read(self.data)
        except SourceUnreadable as exc:
            raise SourceUnreadable(f"{shown}:{'' if exc.detail[:1].isdigit() else ' '}{exc.detail}") from None

    @property
    def title(self) -> str:
        return self.document.title

    @cached_property
    def images(self) -> tuple[str, ...]:
        """The linked image paths the blocks name (relative to the source file), each once;
        images embedded in the file are in `media`."""
        media = self.document.media
        return tuple(dict.fromkeys(f.src for p in self.passages() for f in figures(p.block) if f.src not in media))

    def passages(self) -> tuple[Passage, ...]:
        """Every block a learner may see (instructor notes are left out), each with its place."""
        return self._passages

    @cached_property
    def _passages(self) -> tuple[Passage, ...]:
        # Read once per document: the provider's index and every renderer's sources page share it.
        document = self.document
        found: list[Passage] = []
        trail: list[tuple[int, str]] = []
        for piece in document.pieces:
            item = piece.item
            if isinstance(item, Heading):
                if item.level == 1 and item.text == document.title and not trail:
                    continue  # the title heads the document, not a section of it
                while trail and trail[-1][0] >= item.level:
                    trail.pop()
                trail.append((item.level, item.text))
                continue
            if piece.role == INSTRUCTOR:
                continue
            words = " ".join(_plain(t) for t in texts(item))
            headings = tuple(text for _, text in trail)
            found.append(Passage(
                self.path, headings[-1] if headings else document.title,
                item.text if words == getattr(item, "text", None) else words, item, piece.line, self.file,
                headings, piece.page, piece.slide, piece.role, document.media,
            ))
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


def relocated(block: AnyBlock, source_file: Path, markdown_file: Path, media: Mapping[str, bytes] = {}, media_dir: Path | None = None) -> AnyBlock:
    """`block` with each figure's src (relative to `source_file`, or an embedded image's copy in
    `media_dir`) made relative to `markdown_file`."""
    if not any(True for _ in figures(block)):
        return block

    def moved(figure: Figure) -> Figure:
        if figure.src in media and media_dir is not None:
            image = os.path.join(os.path.abspath(media_dir), figure.src)
        else:
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
            known = (hashlib.sha256(data).hexdigest(), SourceDocument(path, data, len(data), Path(os.path.abspath(root / path))))
        documents.append(known[1])
        seen[file] = known
    _last_read.clear()
    _last_read.update(seen)
    return documents


def _shown(file: Path) -> str:
    """A source file's path as messages name it: from the working folder when it is below it."""
    try:
        return Path(os.path.relpath(file)).as_posix()
    except ValueError:  # another drive (Windows)
        return str(file)


def _file_sha256(file: Path) -> str:
    with file.open("rb") as stream:
        return hashlib.file_digest(stream, "sha256").hexdigest()


def source_media(sources: list[SourceDocument]) -> dict[str, bytes]:
    """The images embedded in the sources, each by its path under the content folder
    (`_media/<source>/<name>`): what the build writes when content shows one."""
    found = {}
    for doc in sources:
        for name, data in doc.document.media.items():
            found[media_folder(Path(), doc.path).joinpath(name).as_posix()] = data
    return found
