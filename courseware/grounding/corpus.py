"""Passages made searchable: their BM25 index, what belongs together, and the key terms."""

from __future__ import annotations

from collections.abc import Sequence
from functools import cached_property
from typing import TYPE_CHECKING

from courseware.content.blocks import Callout, Code, Math, Paragraph
from courseware.grounding.index import PassageIndex
from courseware.grounding.sources import Passage
from courseware.readers.base import EXERCISE, LEARNER_TEXT

if TYPE_CHECKING:
    from courseware.generate.offline.terms import Term

INTRODUCED = (Code, Math)  # blocks that need the sentence before them: "`pwd` shows you where you are:"


class Corpus:
    """Passages in source order with a BM25 index over exactly them: the course's, or the pool
    one task is grounded in (ranked among themselves, so nothing outside decides the result)."""

    def __init__(self, passages: Sequence[Passage], language: str, terms: list[Term] | None = None, positions: Sequence[int] | None = None):
        self.language = language
        self.passages = list(passages)
        # Where each passage stands among the course's: a pool keeps its gaps, so two passages
        # next to each other in the pool but not in the source never read as one unit.
        self.positions = list(positions) if positions is not None else list(range(len(self.passages)))
        self.index = PassageIndex(self.passages, language)
        if terms is not None:
            self.terms = terms
        # Overviews and lesson intros open with a paragraph, never a table or a callout.
        self.not_paragraphs = frozenset(i for i, p in enumerate(self.passages) if not isinstance(p.block, Paragraph))
        # Exercises, solutions and overview boxes are never quoted as narrative (an exercise may
        # become a lesson's activity, whole).
        self.apart = frozenset(i for i, p in enumerate(self.passages) if p.role not in LEARNER_TEXT)
        self._best_of_each: dict[tuple, list[int]] = {}

    @cached_property
    def terms(self) -> list[Term]:
        """The key terms of these passages (a quiz's pool is given the course's instead)."""
        from courseware.generate.offline.terms import key_terms  # the offline quiz's, read lazily: it imports this module

        return key_terms(self.passages, self.language)

    def ranked(self, *texts: tuple[str, float], skip: set[int] | frozenset[int] = frozenset(), limit: int | None = None) -> list[tuple[float, int]]:
        """Passages matching the weighted texts (the best `limit`), best first, leaving out `skip`."""
        return self.index.query(self.index.weights(*texts), limit, skip)

    def best_of_each(self, queries: Sequence[tuple[tuple[str, float], ...]], per_query: int) -> list[int]:
        """The best `per_query` passages of each query in turn, each passage once, in the order
        found (ranked once per corpus and queries: a lesson's tasks ask the same of one pool)."""
        key = (tuple(queries), per_query)
        if key not in self._best_of_each:
            chosen: list[int] = []
            for query in queries:
                chosen += [i for _, i in self.ranked(*query, limit=per_query) if i not in chosen]
            self._best_of_each[key] = chosen
        return list(self._best_of_each[key])

    def unit(self, i: int) -> list[int]:
        """Passage i with what belongs with it, in source order: a code block or display math
        with the paragraph right before it that introduces it, and a paragraph ending in a colon
        with the block it announces (a list of steps, a table), and the other way round."""
        found = [i]
        if self._next(i) and _introduces(self.passages[i], self.passages[i + 1]):
            found.append(i + 1)
        if self._next(i - 1) and _introduces(self.passages[i - 1], self.passages[i]):
            found.insert(0, i - 1)
        return found

    def exercise(self, i: int) -> list[int]:
        """The exercise passage i belongs to: it and the exercise passages around it, in order
        (one exercise's prompt, list and code, read as blocks), never its solution."""
        found = [i]
        while self._next(found[-1]) and self._same_exercise(found[-1], found[-1] + 1):
            found.append(found[-1] + 1)
        while self._next(found[0] - 1) and self._same_exercise(found[0] - 1, found[0]):
            found.insert(0, found[0] - 1)
        return found

    def _same_exercise(self, i: int, j: int) -> bool:
        a, b = self.passages[i], self.passages[j]
        return a.role == b.role == EXERCISE and (a.source, a.section) == (b.source, b.section) and not isinstance(b.block, Callout) and not isinstance(a.block, Callout)

    def _next(self, i: int) -> bool:
        """Whether passage i + 1 follows passage i in its source."""
        return 0 <= i and i + 1 < len(self.passages) and self.positions[i + 1] == self.positions[i] + 1

    def pool(self, indices: Sequence[int], terms: list[Term] | None = None) -> Corpus:
        """A corpus over some of these passages, in source order (a task's pool)."""
        chosen = sorted(set(indices))
        return Corpus([self.passages[i] for i in chosen], self.language, terms, [self.positions[i] for i in chosen])


def _introduces(first: Passage, second: Passage) -> bool:
    """Whether paragraph `first` introduces the block `second` right after it."""
    if not isinstance(first.block, Paragraph) or (first.source, first.section, first.role) != (second.source, second.section, second.role):
        return False
    return isinstance(second.block, INTRODUCED) or (first.block.text.endswith(":") and not isinstance(second.block, Paragraph))
