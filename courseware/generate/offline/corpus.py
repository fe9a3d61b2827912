"""What the offline generators do with passages: quote their sentences, cite them, place them.
The Corpus they search is the shared one (courseware/grounding/corpus.py), over a task's pool."""

from __future__ import annotations

from pathlib import Path

from courseware.content.blocks import AnyBlock, Callout, Code, Figure, ListBlock, Math, Paragraph, Quote, Table, items
from courseware.content.model import Reference
from courseware.grounding.corpus import INTRODUCED, Corpus  # noqa: F401  (the quiz and terms modules import them from here)
from courseware.grounding.sources import Passage

VISUALS = (Code, Table, Figure, Math)  # what a slide shows beside its bullets, in the lesson's words
PROSE = (Paragraph, ListBlock, Quote, Callout)  # blocks with sentences to quote in quizzes and slides


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
