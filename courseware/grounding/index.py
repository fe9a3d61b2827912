"""BM25 ranking of source passages: which paragraphs best match a key point."""

from __future__ import annotations

import heapq
import math
from array import array

from courseware.grounding.text import index_counts, index_terms
from courseware.grounding.sources import Passage

K1, B = 1.5, 0.75
ROUNDING = 1e-8  # more than the 9-place rounding of scores can reorder


class PassageIndex:
    """Okapi BM25 over the passages of a course's sources, matching on index tokens (stemmed,
    normalised words: text.index_terms), so "évaluations formatives" finds "l'évaluation
    formative" and التقييم finds تقييم.

    Kept as postings (each term with the passages that use it, in compact arrays) rather than a
    term count per passage: a query then reads only the passages that share a term with it, and
    a 50 MB source indexes in tens of megabytes instead of hundreds.
    """

    def __init__(self, passages: list[Passage], language: str):
        self.passages = passages
        self.language = language
        postings: dict[str, tuple[array, array]] = {}
        lengths = array("q")
        for i, passage in enumerate(passages):
            counts = index_counts(passage.text, language)
            lengths.append(sum(counts.values()))
            for term, tf in counts.items():
                entry = postings.get(term)
                if entry is None:
                    entry = postings[term] = (array("q"), array("q"))
                entry[0].append(i)
                entry[1].append(tf)
        self.postings = postings
        self.average = (sum(lengths) / len(lengths)) if lengths else 0.0
        self.norms = array("d", (K1 * (1 - B + B * length / (self.average or 1)) for length in lengths))
        n = len(passages)
        self.idf = {t: math.log(1 + (n - len(ids) + 0.5) / (len(ids) + 0.5)) for t, (ids, _) in postings.items()}
        self._saturation: dict[str, array] = {}

    def query(self, weighted: dict[str, float], limit: int | None = None, skip: set[int] = frozenset()) -> list[tuple[float, int]]:
        """(score, passage index) for every passage that matches (the best `limit` of them),
        best first, ties in source order, leaving out `skip`."""
        entries = [(weight * self.idf[term], self.postings[term][0], self._saturated(term)) for term, weight in weighted.items() if term in self.postings]
        # Each passage adds its terms in query order, as BM25 sums them, with the same operations
        # in the same order whichever way they are kept: a list over every passage when the
        # query's terms reach many of them, else a dict of only the passages they reach.
        if 2 * sum(len(ids) for _, ids, _ in entries) >= len(self.norms):
            scores = [0.0] * len(self.norms)
            for scale, ids, saturated in entries:
                for i, s in zip(ids, saturated):
                    scores[i] += scale * s
            pairs = [(score, i) for i, score in enumerate(scores) if score > 0 and i not in skip]
        else:
            found: dict[int, float] = {}
            get = found.get
            for scale, ids, saturated in entries:
                for i, s in zip(ids, saturated):
                    found[i] = get(i, 0.0) + scale * s
            pairs = [(score, i) for i, score in found.items() if score > 0 and i not in skip]
        if limit is not None and len(pairs) > limit:
            # Scores are ranked rounded to 9 places (ties in source order), and any pair of the
            # rounded top `limit` scores within ROUNDING of the limit-th best raw score: only
            # those few are rounded and sorted, not every passage that matched.
            floor = heapq.nlargest(limit, pairs)[-1][0] - ROUNDING
            pairs = [pair for pair in pairs if pair[0] >= floor]
        ranked = sorted(pairs, key=lambda pair: (-round(pair[0], 9), pair[1]))
        return ranked if limit is None else ranked[:limit]

    def _saturated(self, term: str) -> array:
        """The term's BM25 term-frequency part in each passage that uses it, tf (K1 + 1) / (tf +
        K1 (1 - B + B length / average)), in posting order: made at the term's first query (a
        course's queries share most of their terms), not for every term of the sources."""
        saturated = self._saturation.get(term)
        if saturated is None:
            ids, tfs = self.postings[term]
            norms, boost = self.norms, K1 + 1
            saturated = self._saturation[term] = array("d", [tf * boost / (tf + norms[i]) for i, tf in zip(ids, tfs)])
        return saturated

    def weights(self, *texts: tuple[str, float]) -> dict[str, float]:
        """A weighted query from (text, weight) pairs."""
        weighted: dict[str, float] = {}
        for text, weight in texts:
            for term in index_terms(text, self.language):
                weighted[term] = weighted.get(term, 0.0) + weight
        return weighted
