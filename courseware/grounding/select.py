"""The passages each task is grounded in (its pool), chosen the same way for every provider.

A pool is what the task's generator could pick: the best passages of the course-wide BM25 index
for each of the task's queries, among the passages its lesson's `sources` allow, with what
belongs with them (the sentence that introduces a code block). The content key hashes the pool,
and the generator ranks inside it only, so a change elsewhere in the sources leaves it current.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable
from functools import cached_property
from pathlib import Path
from typing import Any

from courseware.content.blocks import figures
from courseware.grounding.corpus import Corpus
from courseware.grounding.scope import section_passages
from courseware.grounding.sources import Passage, SourceDocument
from courseware.readers.base import EXERCISE
from courseware.spec.model import Lesson, Module, Spec, source_anchor, source_path

PER_QUERY = 4  # a lesson's passages per key point: its visual is looked for among its best four
OVERVIEW_PER_QUERY = 2  # the overview's paragraphs per module: a spare when two modules want one
QUIZ_PASSAGES = 12  # a quiz's sentences come from its lesson's best twelve passages
QUIZ_CANDIDATES = 5 * QUIZ_PASSAGES  # ranked per lesson, for the lessons to claim theirs from
QUIZ_FIRST = 1  # the passages every lesson's quiz is dealt before the rest go by rank alone

Query = tuple[tuple[str, float], ...]
Pool = tuple[int, ...]  # indices into the course corpus, in source order


def point_query(point: str, lesson: dict[str, Any]) -> Query:
    """What a key point's passages are ranked by: the point, and the lesson title a little."""
    return ((point, 1.0), (lesson["title"], 0.3))


def intro_query(lesson: dict[str, Any]) -> Query:
    """What a lesson's opening paragraph is ranked by: its title and objectives."""
    return ((lesson["title"], 1.0), (" ".join(o["text"] for o in lesson["objectives"]), 0.5))


def lesson_queries(lesson: dict[str, Any]) -> list[Query]:
    """A lesson's queries: its intro's, then one per key point (its text and slides use them all)."""
    return [intro_query(lesson), *(point_query(point, lesson) for point in lesson["key_points"])]


def quiz_query(lesson: dict[str, Any]) -> Query:
    """What a quiz's passages are ranked by: the lesson title and all its key points."""
    return ((lesson["title"], 1.0), (" ".join(lesson["key_points"]), 1.0))


def course_query(inputs: dict[str, Any]) -> Query:
    """What the overview's introduction is ranked by."""
    course = inputs["course"]
    return ((course["title"], 1.0), (course["description"], 0.7), (" ".join(o["text"] for o in inputs["objectives"]), 0.4))


def module_query(module: dict[str, Any]) -> Query:
    """What the overview's paragraph on a module is ranked by."""
    return ((module["title"], 1.0), (module["summary"], 0.7), (" ".join(lesson["title"] for lesson in module["lessons"]), 0.5))


class Grounding:
    """The course's passages, where each lesson may take them from, and each task's pool."""

    def __init__(self, spec: Spec, sources: list[SourceDocument]):
        self.spec = spec
        self.documents = {doc.path: doc for doc in sources}
        passages = [p for doc in sources for p in doc.passages()]
        self.corpus = Corpus(passages, spec.course.language)
        self._ids = {id(p): i for i, p in enumerate(passages)}  # passage -> its index (passages compare by value)
        self._skips: dict[frozenset[int] | None, frozenset[int]] = {}
        self._left_outs: dict[tuple[frozenset[int] | None, bool, bool], frozenset[int]] = {}
        self._images: dict[str, str | None] = {}
        self._digests: dict[Pool, list[dict[str, Any]]] = {}  # a lesson's text and slides share one
        self._pool_corpora: dict[tuple[int, ...], Corpus] = {}

    # Where passages may come from -------------------------------------------------------------

    def scope(self, entries: Iterable[str]) -> frozenset[int] | None:
        """The passages `sources` entries allow (None: every passage of the course)."""
        entries = list(entries)
        if not entries:
            return None
        return frozenset(self._ids[id(p)] for entry in entries for p in section_passages(self.documents[source_path(entry)], source_anchor(entry)))

    def lesson_scope(self, module: Module, lesson: Lesson) -> frozenset[int] | None:
        """A lesson's own `sources`, else its module's, else the course's."""
        return self.scope(lesson.sources or module.sources or self.spec.sources)

    def module_scope(self, module: Module) -> frozenset[int] | None:
        """What the overview says of a module comes from its `sources`, else from its lessons'."""
        if module.sources:
            return self.scope(module.sources)
        scopes = [self.lesson_scope(module, lesson) for lesson in module.lessons]
        return None if any(s is None for s in scopes) else frozenset().union(*scopes)

    def _skip(self, scope: frozenset[int] | None) -> frozenset[int]:
        if scope not in self._skips:
            self._skips[scope] = frozenset() if scope is None else frozenset(range(len(self.corpus.passages))) - scope
        return self._skips[scope]

    def best(self, query: Query, scope: frozenset[int] | None, limit: int, paragraphs: bool = False, exercises: bool = False) -> list[tuple[float, int]]:
        """The best `limit` passages for `query` by the course-wide index, inside `scope`: of
        the text a lesson may quote (narrative and boxes), or of its exercises."""
        return self.corpus.ranked(*query, skip=self._left_out(scope, paragraphs, exercises), limit=limit)

    def _left_out(self, scope: frozenset[int] | None, paragraphs: bool, exercises: bool) -> frozenset[int]:
        """The passages a query inside `scope` leaves out: made once per scope and kind (a
        lesson's queries share one), not once per query."""
        key = (scope, paragraphs, exercises)
        if key not in self._left_outs:
            skip = self._skip(scope) | (self._not_exercises if exercises else self.corpus.apart)
            self._left_outs[key] = skip | self.corpus.not_paragraphs if paragraphs else skip
        return self._left_outs[key]

    @cached_property
    def _not_exercises(self) -> frozenset[int]:
        return frozenset(i for i, p in enumerate(self.corpus.passages) if p.role != EXERCISE)

    # Pools ------------------------------------------------------------------------------------

    def overview_pool(self, inputs: dict[str, Any]) -> Pool:
        """The paragraphs the overview may open with and say of each module."""
        chosen = [i for _, i in self.best(course_query(inputs), self.scope(self.spec.sources), OVERVIEW_PER_QUERY, paragraphs=True)]
        for module, facts in zip(self.spec.modules, inputs["modules"]):
            chosen += [i for _, i in self.best(module_query(facts), self.module_scope(module), OVERVIEW_PER_QUERY, paragraphs=True)]
        return tuple(sorted(set(chosen)))

    def lesson_pool(self, lesson_id: str, facts: dict[str, Any]) -> Pool:
        """What a lesson's text and slides may show: each key point's best passages, the intro's
        best paragraphs, and what belongs with them."""
        scope = self._lesson_scopes[lesson_id]
        chosen = [i for _, i in self.best(intro_query(facts), scope, PER_QUERY, paragraphs=True)]
        for query in lesson_queries(facts)[1:]:
            chosen += [i for _, i in self.best(query, scope, PER_QUERY)]
        activity = [j for _, i in self.best(quiz_query(facts), scope, 1, exercises=True) for j in self.corpus.exercise(i)]
        return tuple(sorted(set(self._with_units(chosen)) | set(activity)))

    def quiz_pool(self, lesson_id: str) -> Pool:
        """The passages a lesson's quiz may ask about: its best ones that no lesson ranking them
        higher holds, so no sentence is asked about twice in a course."""
        return self._quiz_pools[lesson_id]

    @cached_property
    def _lesson_scopes(self) -> dict[str, frozenset[int] | None]:
        return {lesson.id: self.lesson_scope(module, lesson) for module in self.spec.modules for lesson in module.lessons}

    @cached_property
    def _quiz_pools(self) -> dict[str, Pool]:
        # No passage is in two quizzes' pools. Every lesson is first dealt its best QUIZ_FIRST
        # passages that no lesson ranking them higher holds (_dealt); each passage left then
        # belongs to the lesson that ranks it highest by place in its own list (the first lesson
        # on a tie). So a lesson's own best passages stay its own whatever other lessons ask (an
        # edit to one lesson changes only the quizzes of the lessons whose passages it now ranks
        # higher or lower), and where lessons overlap on few sources each still gets one, unless
        # every passage it ranks is dealt to a lesson that ranks it at least as high.
        spec_lessons = self.spec.lessons()
        lessons = [lesson.id for lesson in spec_lessons]
        ranked = [[i for _, i in self.best(quiz_query({"title": lesson.title, "key_points": lesson.key_points}), self._lesson_scopes[lesson.id], QUIZ_CANDIDATES)] for lesson in spec_lessons]
        dealt = _dealt(ranked, QUIZ_FIRST)
        best: dict[int, tuple[int, int]] = {}  # passage left -> (place, lesson) of the lesson ranking it highest
        for n, found in enumerate(ranked):
            for place, i in enumerate(found):
                if i not in dealt and (i not in best or (place, n) < best[i]):
                    best[i] = (place, n)
        owner = dealt | {i: n for i, (_, n) in best.items()}
        claimed: dict[int, str] = {}  # what belongs with a passage and no lesson ranks: the first to need it

        def allowed(j: int, lesson_id: str) -> bool:
            return lessons[owner[j]] == lesson_id if j in owner else claimed.setdefault(j, lesson_id) == lesson_id

        pools = {}
        for n, (lesson_id, found) in enumerate(zip(lessons, ranked)):
            mine = [i for i in found if owner[i] == n][:QUIZ_PASSAGES]
            pools[lesson_id] = self._with_units(mine, lambda j, lesson_id=lesson_id: allowed(j, lesson_id))
        return pools

    def _with_units(self, chosen: list[int], allowed: Any = None) -> Pool:
        found = {j for i in chosen for j in self.corpus.unit(i) if j == i or allowed is None or allowed(j)}
        return tuple(sorted(found))

    # What a pool is ---------------------------------------------------------------------------

    def passages(self, pool: Pool) -> tuple[Passage, ...]:
        """The passages of a pool, for its task."""
        return tuple(self.corpus.passages[i] for i in pool)

    def pool_corpus(self, passages: Iterable[Passage], terms: list[Any] | None = None) -> Corpus:
        """A corpus over a task's passages alone, that knows which stand next to each other: one
        a pool (a lesson's text, slides and, with the openai provider, quiz share theirs)."""
        indices = tuple(self._ids[id(p)] for p in passages)
        if terms is not None:
            return self.corpus.pool(indices, terms)
        if indices not in self._pool_corpora:  # two threads may both build it: the same corpus
            self._pool_corpora[indices] = self.corpus.pool(indices)
        return self._pool_corpora[indices]

    def digest(self, pool: Pool) -> list[dict[str, Any]]:
        """What a content key records of a pool: each passage's place, role and block, and the
        bytes hash of each image it shows (a changed figure makes the content stale)."""
        if pool not in self._digests:
            # `joined`: whether it follows the pool's previous passage in the source, which
            # decides what reads as one unit (a paragraph and the list it announces).
            self._digests[pool] = [{**self._describe(self.corpus.passages[i]), "joined": n > 0 and pool[n - 1] == i - 1} for n, i in enumerate(pool)]
        return self._digests[pool]

    @cached_property
    def _terms(self) -> list[str]:
        return [term.text for term in self.corpus.terms]

    def terms(self) -> list[str]:
        """The course's key terms (as written), which offline quizzes take wrong answers from."""
        return self._terms

    def _describe(self, passage: Passage) -> dict[str, Any]:
        found = {
            "source": passage.source, "section": passage.section, "trail": list(passage.trail),
            "page": passage.page, "slide": passage.slide, "role": passage.role,
            "block": passage.block.model_dump(mode="json"),
        }
        images = {f.src: self._image(passage, f.src) for f in figures(passage.block)}
        if images:
            found["images"] = images
        return found

    def _image(self, passage: Passage, src: str) -> str | None:
        """The sha256 of an image a passage shows: embedded in its file, or a file beside it
        inside the spec's folder (None when there is none to read)."""
        if src in passage.media:
            return hashlib.sha256(passage.media[src]).hexdigest()
        name = Path(os.path.normpath(Path(passage.source).parent / src)).as_posix()
        if passage.file is None or name.startswith("../") or "://" in src:
            return None
        if name not in self._images:
            image = passage.file.parent / src
            self._images[name] = hashlib.sha256(image.read_bytes()).hexdigest() if image.is_file() else None
        return self._images[name]


def _dealt(ranked: list[list[int]], share: int) -> dict[int, int]:
    """Passage -> the list it is dealt to, when each list (a lesson's passages, best first) is
    dealt at most `share` and a passage goes to the list that ranks it higher by place (the
    earlier list on a tie). Lists ask for their passages in order; a passage held by a list that
    ranks it lower moves, and the list it left asks for its next one (deferred acceptance, Gale
    and Shapley): the stable matching best for every list, whatever order they ask in."""
    held: dict[int, tuple[int, int]] = {}  # passage -> (its place in the holder's list, the holder)
    counts, asked = [0] * len(ranked), [0] * len(ranked)
    asking = list(range(len(ranked)))
    while asking:
        n = asking.pop()
        while counts[n] < share and asked[n] < len(ranked[n]):
            place = asked[n]
            i = ranked[n][place]
            asked[n] += 1
            if i in held and held[i] < (place, n):
                continue  # dealt to a list that ranks it higher
            if i in held:
                left = held[i][1]
                counts[left] -= 1
                asking.append(left)
            held[i] = (place, n)
            counts[n] += 1
    return {i: n for i, (_, n) in held.items()}
