"""Source documents: the markdown or text files a spec lists, read as cited passages of blocks."""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache, cached_property
from pathlib import Path

from pydantic import ValidationError

from courseware.content.blocks import CALLOUT_STYLES, AnyBlock, Callout, Code, Figure, ListBlock, ListItem, Math, Paragraph, Quote, Table, figures, fold_whitespace, texts
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
        def take(batch: list[tuple[str, int, AnyBlock]]) -> None:
            for section, line, block in batch:
                words = " ".join(_plain(t) for t in texts(block))
                found.append(Passage(self.path, section, block.text if words == getattr(block, "text", None) else words, block, line, self.file))

        stream_blocks(self.text, take)
        return tuple(found)


# Characters that may make inline markdown differ from its plain words; a text without any is
# its own plain text (most of a long source), and is not parsed again to find that out.
MARKUP = re.compile(r"[\\`*_\[\]$<>&!~]")
# What courseware.content.blocks.clean_line would change in a folded line.
UNCLEAN = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


BOLD = re.compile(r"\*\*(?=\S)(.+?)(?<=\S)\*\*")


def _plain(text: str) -> str:
    """inline.plain(text), without parsing the text when it has no markup but **bold** terms."""
    if not MARKUP.search(text):
        return text
    unbolded = BOLD.sub(r"\1", text)
    return unbolded if not MARKUP.search(unbolded) else plain(text)


def _paragraph(text: str) -> Paragraph:
    """Paragraph(text=text), without re-checking a text that is already clean: a long source is
    mostly paragraphs, and validating each character of them doubled its reading time."""
    if text and not UNCLEAN.search(text) and not FOOTNOTE_REF.search(text) and text == fold_whitespace(text):
        return Paragraph.model_construct(text=text, cites=[])
    return Paragraph(text=text)


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


# --- Reading a source into content blocks, with bounded memory -------------------------------
# Provisional: the markdown reader of the reviewed markdown (courseware/markdown) will read the
# same syntax; until then sources are read here with the same markdown-it parser and plugins.

CONTAINERS = ("figure", *CALLOUT_STYLES)
IMAGE_ONLY = re.compile(r"^!\[(?P<alt>(?:[^\]\\]|\\.)*)\]\(\s*<?(?P<src>[^)\s>]+)>?(?:\s+\"(?P<credit>(?:[^\"\\]|\\.)*)\")?\s*\)$", re.DOTALL)
CAPTION = "Table: "


@cache
def _parser():
    from markdown_it import MarkdownIt
    from mdit_py_plugins.container import container_plugin
    from mdit_py_plugins.dollarmath import dollarmath_plugin
    from mdit_py_plugins.footnote import footnote_plugin

    md = MarkdownIt("commonmark").enable("table").use(footnote_plugin).use(dollarmath_plugin, allow_space=False, allow_digits=False)
    for name in CONTAINERS:
        md.use(container_plugin, name)
    # Blocks keep the raw inline markdown of each block (token.content): no inline phase.
    md.disable(["inline", "footnote_tail"])
    md.block.ruler.before(md.block.ruler.get_all_rules()[0], "courseware_flush", _flush)
    return md


def _flush(state, start_line: int, end_line: int, silent: bool) -> bool:
    """A block rule that matches nothing: tried first at every block start, it hands the tokens
    of the finished top-level blocks to env["flush"] and forgets them."""
    if state.level == 0 and state.tokens and not silent:
        state.env["flush"](list(state.tokens))
        state.tokens.clear()
    return False


def stream_blocks(text: str, handle: Callable[[list[tuple[str, int, AnyBlock]]], None]) -> None:
    """Read a source a few top-level blocks at a time: `handle` gets (section, line, block) for
    each block, the section being the nearest heading (the document's title before the first).
    A block is handed on once the next one has begun: a table's caption or a code block's
    output, read after it, is joined to it first."""
    reader = _Reader(handle)
    tokens = _parser().parse(text, {"flush": reader.feed})
    reader.feed(tokens)
    reader.finish()


def source_blocks(text: str) -> list[tuple[str, int, AnyBlock]]:
    """Every (section, line, block) of a source text, in order."""
    found: list[tuple[str, int, AnyBlock]] = []
    stream_blocks(text, found.extend)
    return found


class _Reader:
    def __init__(self, handle: Callable[[list[tuple[str, int, AnyBlock]]], None]):
        self.handle = handle
        self.title = self.section = ""
        self.pending: tuple[str, int, AnyBlock] | None = None

    def feed(self, tokens) -> None:
        out: list[tuple[str, int, AnyBlock]] = []
        i = 0
        while i < len(tokens):
            token, end = tokens[i], _closing(tokens, i)
            if token.type == "heading_open":
                out += self._take()
                heading = _inline(tokens[i + 1 : end])
                if token.tag == "h1" and not self.title:
                    self.title = heading
                else:
                    self.section = heading
            else:
                block = _block(tokens, i, end)
                joined = _attach(self.pending[2], block) if self.pending and block else None
                if joined is not None:
                    self.pending = (self.pending[0], self.pending[1], joined)
                elif block is not None:
                    out += self._take()
                    self.pending = (self.section or self.title, token.map[0] + 1 if token.map else 0, block)
            i = end + 1
        if out:
            self.handle(out)

    def finish(self) -> None:
        self.handle(self._take())

    def _take(self) -> list[tuple[str, int, AnyBlock]]:
        taken, self.pending = ([self.pending] if self.pending else []), None
        return taken


def _attach(previous: AnyBlock, block: AnyBlock) -> AnyBlock | None:
    """`previous` completed by `block` when `block` is its caption (a table's `Table: ...`
    paragraph) or its output (a code block's `output` block); else None."""
    try:
        if isinstance(previous, Table) and not previous.caption and isinstance(block, Paragraph) and block.text.startswith(CAPTION):
            return Table.model_validate({**previous.model_dump(), "caption": block.text[len(CAPTION) :]})
        if isinstance(previous, Code) and previous.output is None and isinstance(block, Code) and block.language == "output":
            return Code.model_validate({**previous.model_dump(), "output": block.code})
    except ValidationError:
        return None
    return None


def _block(tokens, start: int, end: int) -> AnyBlock | None:
    """The content block tokens[start:end + 1] make, or None (an html block, a rule, a footnote
    definition, or text the content model cannot hold: empty, malformed)."""
    token, inner = tokens[start], tokens[start + 1 : end]
    try:
        if token.type == "paragraph_open":
            return _paragraph(_inline(inner))
        if token.type in ("bullet_list_open", "ordered_list_open"):
            return _list(tokens, start, end)
        if token.type == "blockquote_open":
            return Quote(text=_inline(inner))
        if token.type in ("fence", "code_block"):
            return Code(language=token.info.split()[0] if token.info.strip() else "", code=token.content)
        if token.type == "math_block":
            return Math(latex=token.content)
        if token.type == "table_open":
            return _table(inner)
        if token.type == "container_figure_open":
            return _figure(inner)
        if token.type.startswith("container_") and token.type.endswith("_open"):
            style = token.type[len("container_") : -len("_open")]
            blocks: list[AnyBlock] = []
            j = 0
            while j < len(inner):
                k = _closing(inner, j)
                found = _block(inner, j, k)
                joined = _attach(blocks[-1], found) if blocks and found else None
                if joined is not None:
                    blocks[-1] = joined
                elif found is not None and not isinstance(found, Callout):
                    blocks.append(found)
                j = k + 1
            return Callout(style=style, title=token.info.strip()[len(style) :].strip() or None, blocks=blocks)
    except (ValidationError, ValueError):
        return None
    return None


def _list(tokens, start: int, end: int) -> ListBlock:
    items = []
    j = start + 1
    while j < end:
        if tokens[j].type != "list_item_open":
            j += 1
            continue
        k = _closing(tokens, j)
        text, children = "", None
        m = j + 1
        while m < k:
            n = _closing(tokens, m)
            if tokens[m].type == "paragraph_open" and not text:
                text = _inline(tokens[m + 1 : n])
            elif tokens[m].type in ("bullet_list_open", "ordered_list_open") and children is None:
                children = _list(tokens, m, n)
            m = n + 1
        items.append(ListItem(text=text, children=children))
        j = k + 1
    return ListBlock(ordered=tokens[start].type == "ordered_list_open", items=items)


def _table(inner) -> Table:
    header: list[str] = []
    align: list[str] = []
    rows: list[list[str]] = []
    row: list[str] = []
    for token in inner:
        if token.type == "tr_open":
            row = []
        elif token.type == "th_open":
            style = str(token.attrs.get("style", ""))
            align.append(style.removeprefix("text-align:") if style.startswith("text-align:") else "")
        elif token.type == "inline":
            row.append(FOOTNOTE_REF.sub("", fold_whitespace(token.content)).strip())
        elif token.type == "tr_close":
            if not header:
                header = row
            else:
                rows.append(row)
    return Table(header=header, align=align if any(align) else [], rows=rows)


def _figure(inner) -> Figure:
    paragraphs = [fold_whitespace(t.content) for t in inner if t.type == "inline"]
    image = IMAGE_ONLY.match(paragraphs[0]) if paragraphs else None
    if image is None:
        raise ValueError("a figure holds one image")
    credit = image.group("credit")
    caption = FOOTNOTE_REF.sub("", paragraphs[1]).strip() if len(paragraphs) > 1 else None
    return Figure(src=image.group("src"), alt=image.group("alt"), caption=caption or None, credit=credit.replace('\\"', '"') if credit else None)


def _closing(tokens, start: int) -> int:
    """Index of the token closing tokens[start] (itself for a self-contained token)."""
    if tokens[start].nesting != 1:
        return start
    depth = 0
    for j in range(start, len(tokens)):
        depth += tokens[j].nesting
        if depth == 0:
            return j
    return len(tokens) - 1


def _inline(tokens) -> str:
    """The inline markdown of a block's text, on one line, without footnote references (a
    source's own notes mean nothing in the course)."""
    return FOOTNOTE_REF.sub("", " ".join(fold_whitespace(t.content) for t in tokens if t.type == "inline")).strip()
