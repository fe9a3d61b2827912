"""BM25 ranking of source passages: which paragraphs best match a key point."""

from __future__ import annotations

import math
from collections import Counter

from courseware.generate.offline.text import terms
from courseware.sources import Passage

K1, B = 1.5, 0.75


class PassageIndex:
    """Okapi BM25 over the passages of a course's sources."""

    def __init__(self, passages: list[Passage], language: str):
        self.passages = passages
        self.language = language
        self.counts = [Counter(terms(p.text, language)) for p in passages]
        self.lengths = [sum(c.values()) for c in self.counts]
        self.average = (sum(self.lengths) / len(self.lengths)) if self.lengths else 0.0
        frequency: Counter[str] = Counter()
        for counts in self.counts:
            frequency.update(counts.keys())
        n = len(passages)
        self.idf = {t: math.log(1 + (n - df + 0.5) / (df + 0.5)) for t, df in frequency.items()}

    def query(self, weighted: dict[str, float]) -> list[tuple[float, int]]:
        """(score, passage index) for every passage that matches, best first, ties in source order."""
        scored = []
        for i, counts in enumerate(self.counts):
            score = 0.0
            norm = K1 * (1 - B + B * self.lengths[i] / (self.average or 1))
            for term, weight in weighted.items():
                tf = counts.get(term, 0)
                if tf:
                    score += weight * self.idf[term] * tf * (K1 + 1) / (tf + norm)
            if score > 0:
                scored.append((score, i))
        return sorted(scored, key=lambda pair: (-round(pair[0], 9), pair[1]))

    def weights(self, *texts: tuple[str, float]) -> dict[str, float]:
        """A weighted query from (text, weight) pairs."""
        weighted: dict[str, float] = {}
        for text, weight in texts:
            for term in terms(text, self.language):
                weighted[term] = weighted.get(term, 0.0) + weight
        return weighted
