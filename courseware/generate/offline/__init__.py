"""The offline provider: a whole course from the spec and its sources, with no model and no network."""

from __future__ import annotations

import os
import threading
from functools import cached_property
from pathlib import Path

from courseware.content.model import Article, Quiz, SlideDeck
from courseware.generate.offline.articles import lesson_article, overview_article
from courseware.generate.offline.quiz import lesson_quiz, owners
from courseware.generate.offline.slides import lesson_slides
from courseware.generate.provider import Provider, ProviderContext, register
from courseware.grounding.select import Grounding
from courseware.plan import Task

BUILDERS = {"overview": overview_article, "lesson": lesson_article, "slides": lesson_slides}
PLACED = ("lesson", "slides")  # the kinds that may show a source's figure


@register("offline")
class OfflineProvider(Provider):
    """Extractive generation: BM25-ranked source blocks, key-term quiz items, cited throughout."""

    name = "offline"
    # v2: source blocks of every kind (lists, tables, code with the sentence that introduces
    # it, display math, figures, quotes, callouts), not only paragraphs; slides show a visual.
    model = "extractive-bm25-v2"
    # A kind's number goes up when its generator makes something else from the same inputs, so
    # content made by the old one turns stale instead of passing for current. Quiz 2: objectives
    # assigned by shared words with every objective covered, right answers tiled over a course.
    # Quiz 3: no stop words or fragments as terms, stems only complete narrative statements,
    # distractors and swaps of the answer's kind, no sentence asked twice in a course.
    versions = {"quiz": 3}

    def __init__(self, context: ProviderContext):
        self.context = context
        self._lock = threading.Lock()  # quiz tasks run in parallel threads
        self._owners: dict[str, str] | None = None
        self._short: dict[str, str] = {}  # task id -> what the build says about its quiz

    @cached_property
    def grounding(self) -> Grounding:
        """The course's passages: each task's pool is some of them."""
        return self.context.grounding or Grounding(self.context.spec, self.context.sources)

    @cached_property
    def content_dir(self) -> Path:
        return Path(os.path.abspath(self.context.content_dir or Path("output") / self.context.spec.course.id / "content"))

    def identity(self, kind: str) -> dict:
        """The provider and model, the generator's version for the kinds that have one, and
        for lessons and slides where the sources' images lie seen from a lesson's folder: the
        paths written in the content, which change when the output folder moves; for quizzes
        the course's key terms, which wrong answers are taken from (a model provider's quizzes
        do not depend on them, so they are the offline provider's part of the key)."""
        found = {**super().identity(kind), **({"version": self.versions[kind]} if kind in self.versions else {})}
        if kind == "quiz":
            found["terms"] = self.grounding.terms()
        folders = sorted({Path(os.path.relpath(doc.file.parent, self.content_dir / "lesson")).as_posix() for doc in self.context.sources if doc.file and doc.images})
        if kind in PLACED and folders:
            found["figures_from"] = folders
        return found

    def prepare(self) -> None:
        self.grounding.corpus.terms  # found once, before tasks run in parallel

    def owners(self) -> dict[str, str]:
        """Which lesson's quiz may ask about each sentence (quiz.owners), worked out once."""
        with self._lock:
            if self._owners is None:
                lessons = [{"id": l.id, "title": l.title, "key_points": list(l.key_points), "questions": l.quiz.questions} for l in self.context.spec.lessons()]
                # Each lesson's quiz pool: pools share no passage (grounding/select.py), so this
                # only settles a sentence written word for word in two lessons' passages.
                self._owners = owners(lessons, lambda lesson: self.grounding.pool_corpus(self.grounding.passages(self.grounding.quiz_pool(lesson["id"])), self.grounding.corpus.terms))
            return self._owners

    def generate(self, task: Task) -> Article | Quiz | SlideDeck:
        """The task from its pool alone (ranked among themselves); a quiz also draws on the
        course's key terms, which its key records."""
        if task.kind == "quiz":
            quiz = lesson_quiz(self.grounding.pool_corpus(task.pool, self.grounding.corpus.terms), task.inputs, self.owners())
            asked = task.inputs["quiz"]["questions"]
            if len(quiz.items) < asked:
                with self._lock:
                    self._short[task.id] = f"{task.id}: {len(quiz.items)} of {asked} questions made; the sources near this lesson have too few key terms: **bold** more terms in them"
            return quiz
        return BUILDERS[task.kind](self.grounding.pool_corpus(task.pool), task.inputs, self.content_dir / task.path)

    def notes(self) -> list[str]:
        """One line per quiz with fewer questions than its lesson asks for, in lesson order."""
        order = [f"{lesson.id}/quiz" for lesson in self.context.spec.lessons()]
        return [self._short[t] for t in sorted(self._short, key=lambda t: order.index(t) if t in order else len(order))]
