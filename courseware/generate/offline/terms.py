"""Key terms of a course: the phrases its sources set in bold, else its most telling words."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from functools import cached_property, lru_cache

from courseware.content.blocks import texts
from courseware.grounding.text import BOLD, terms, word_count
from courseware.grounding.sources import Passage

MIN_TERMS = 8


@dataclass(frozen=True)
class Term:
    text: str  # as first written in the sources

    @cached_property
    def key(self) -> str:
        return " ".join(self.text.casefold().split())

    @cached_property
    def pattern(self) -> re.Pattern[str]:
        words = [re.escape(w) for w in self.text.split()]
        return re.compile(r"(?<!\w)" + r"\s+".join(words) + r"(?!\w)", re.IGNORECASE)

    @cached_property
    def folded(self) -> str:
        return folded(self.text)

    def count_in(self, text: str) -> int:
        # A substring test first: a quiz tries every term of the course on each sentence, and
        # a long source has tens of thousands of terms; most are not there, so no regex runs.
        if self.folded not in folded(text):
            return 0
        return len(self.pattern.findall(text))

    def blank_out(self, text: str, replacement: str) -> str:
        return self.pattern.sub(replacement, text, count=1)


@lru_cache(maxsize=64)
def folded(text: str) -> str:
    """`text` casefolded, the Turkish dotted and dotless i as i (the combining dot dropped), each
    run of white space one space. Character by character this equates at least what a
    case-insensitive regex equates, so a folded term is in the folded text of any sentence
    its pattern matches in."""
    return " ".join(text.casefold().replace("\u0307", "").replace("ı", "i").split())


def key_terms(passages: list[Passage], language: str) -> list[Term]:
    """Bold phrases of one to five words (in any block's text), in order of first use; frequent
    words if there are too few."""
    found: dict[str, Term] = {}
    for passage in passages:
        for phrase in (p for text in texts(passage.block) for p in BOLD.findall(text)):
            term = Term(" ".join(phrase.split()))
            if 1 <= word_count(term.text) <= 5 and term.key not in found:
                found[term.key] = term
    if len(found) < MIN_TERMS:
        document_frequency: Counter[str] = Counter()
        for passage in passages:
            document_frequency.update({w for w in terms(passage.text, language) if len(w) >= 5 and not w.isdigit()})
        for word, df in document_frequency.most_common():
            if df < 2 or len(found) >= 4 * MIN_TERMS:
                break
            found.setdefault(word, Term(word))
    return list(found.values())
