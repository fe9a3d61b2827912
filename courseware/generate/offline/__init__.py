"""The offline provider: a whole course from the spec and its sources, with no model and no network."""

from __future__ import annotations

import os
from functools import cached_property
from pathlib import Path

from courseware.content.model import Article, Quiz, SlideDeck
from courseware.generate.offline.articles import lesson_article, overview_article
from courseware.grounding.select import Grounding
from courseware.generate.offline.quiz import lesson_quiz
from courseware.generate.offline.slides import lesson_slides
from courseware.generate.provider import Provider, ProviderContext, register
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
    versions = {"quiz": 2}

    def __init__(self, context: ProviderContext):
        self.context = context

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

    def generate(self, task: Task) -> Article | Quiz | SlideDeck:
        """The task from its pool alone (ranked among themselves); a quiz also draws on the
        course's key terms, which its key records."""
        if task.kind == "quiz":
            return lesson_quiz(self.grounding.pool_corpus(task.pool, self.grounding.corpus.terms), task.inputs)
        return BUILDERS[task.kind](self.grounding.pool_corpus(task.pool), task.inputs, self.content_dir / task.path)
