"""A course's sources made searchable: passages, their BM25 index and the key terms."""

from __future__ import annotations

from pathlib import Path

from courseware.content.blocks import AnyBlock, Callout, Code, Figure, ListBlock, Math, Paragraph, Quote, Table, items
from courseware.content.model import Reference
from courseware.grounding.index import PassageIndex
from courseware.generate.offline.terms import key_terms
from courseware.grounding.sources import Passage, SourceDocument

VISUALS = (Code, Table, Figure, Math)  # what a slide shows beside its bullets, in the lesson's words
INTRODUCED = (Code, Math)  # blocks that need the sentence before them: "`pwd` shows you where you are:"
PROSE = (Paragraph, ListBlock, Quote, Callout)  # blocks with sentences to quote in quizzes and slides


class Corpus:
    def __init__(self, sources: list[SourceDocument], language: str):
        self.language = language
        self.passages = [p for doc in sources for p in doc.passages()]
        self.index = PassageIndex(self.passages, language)
        self.terms = key_terms(self.passages, language)
        # Overviews and lesson intros open with a paragraph, never a table or a callout.
        self.not_paragraphs = frozenset(i for i, p in enumerate(self.passages) if not isinstance(p.block, Paragraph))

    def ranked(self, *texts: tuple[str, float], skip: set[int] = frozenset(), limit: int | None = None) -> list[tuple[float, int]]:
        """Passages matching the weighted texts (the best `limit`), best first, leaving out `skip`."""
        return self.index.query(self.index.weights(*texts), limit, skip)

    def unit(self, i: int) -> list[int]:
        """Passage i with what belongs with it, in source order: a code block or display math
        with the paragraph right before it that introduces it, and a paragraph ending in a colon
        with the block it announces (a list of steps, a table), and the other way round."""
        found = [i]
        if i + 1 < len(self.passages) and _introduces(self.passages[i], self.passages[i + 1]):
            found.append(i + 1)
        if i > 0 and _introduces(self.passages[i - 1], self.passages[i]):
            found.insert(0, i - 1)
        return found


def _introduces(first: Passage, second: Passage) -> bool:
    """Whether paragraph `first` introduces the block `second` right after it."""
    if not isinstance(first.block, Paragraph) or (first.source, first.section) != (second.source, second.section):
        return False
    return isinstance(second.block, INTRODUCED) or (first.block.text.endswith(":") and not isinstance(second.block, Paragraph))


def prose(passage: Passage) -> list[str]:
    """The inline texts of a passage that hold sentences: paragraphs, list items, quotes and the
    paragraphs and lists of a callout; tables, figures, code and math have none to quote."""
    block = passage.block
    if isinstance(block, Callout):
        return [t for inner in block.blocks for t in _texts(inner)]
    return _texts(block)


def _texts(block: AnyBlock) -> list[str]:
    if isinstance(block, (Paragraph, Quote)):
        return [block.text]
    if isinstance(block, ListBlock):
        return [item.text for item in items(block)]
    return []


def cited(block: AnyBlock, n: int, section: str) -> AnyBlock:
    """The block citing reference n wherever it states facts: a paragraph or quote, a list at
    its last item, a table or figure by its caption (the section's name when it has none), the
    blocks of a callout; code and display math state nothing themselves."""
    if isinstance(block, (Paragraph, Quote)):
        return block.model_copy(update={"cites": [n]})
    if isinstance(block, ListBlock):
        last = block.items[-1]
        return block.model_copy(update={"items": [*block.items[:-1], last.model_copy(update={"cites": [n]})]})
    if isinstance(block, (Table, Figure)):
        return block.model_copy(update={"cites": [n], "caption": block.caption or section})
    if isinstance(block, Callout):
        return block.model_copy(update={"blocks": [cited(inner, n, section) for inner in block.blocks]})
    return block


def uncited(block: AnyBlock) -> AnyBlock:
    """The block without citations (a slide has no references to point at)."""
    if isinstance(block, (Table, Figure)):
        return block.model_copy(update={"cites": []})
    return block


class Citations:
    """The references of one article, numbered in order of first use."""

    def __init__(self) -> None:
        self.references: list[Reference] = []

    def cite(self, passage: Passage) -> int:
        ref = passage.reference
        if ref not in self.references:
            self.references.append(ref)
        return self.references.index(ref) + 1


def placed(passage: Passage, markdown_file: Path | None) -> AnyBlock:
    """The passage's block with its figures' paths relative to the file it is written in."""
    return passage.placed(markdown_file, markdown_file.parent.parent) if markdown_file is not None else passage.block
