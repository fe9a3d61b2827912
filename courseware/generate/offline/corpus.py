"""A course's sources made searchable: passages, their BM25 index and the key terms."""

from __future__ import annotations

from courseware.content.model import Reference
from courseware.generate.offline.index import PassageIndex
from courseware.generate.offline.terms import key_terms
from courseware.sources import Passage, SourceDocument


class Corpus:
    def __init__(self, sources: list[SourceDocument], language: str):
        self.language = language
        self.passages = [p for doc in sources for p in doc.passages()]
        self.index = PassageIndex(self.passages, language)
        self.terms = key_terms(self.passages, language)

    def ranked(self, *texts: tuple[str, float], skip: set[int] = frozenset(), limit: int | None = None) -> list[tuple[float, int]]:
        """Passages matching the weighted texts (the best `limit`), best first, leaving out `skip`."""
        return self.index.query(self.index.weights(*texts), limit, skip)


class Citations:
    """The references of one article, numbered in order of first use."""

    def __init__(self) -> None:
        self.references: list[Reference] = []

    def cite(self, passage: Passage) -> int:
        ref = Reference(source=passage.source, section=passage.section)
        if ref not in self.references:
            self.references.append(ref)
        return self.references.index(ref) + 1
