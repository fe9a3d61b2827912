"""The offline provider: a whole course from the spec and its sources, with no model and no network."""

from __future__ import annotations

from functools import cached_property

from courseware.content.model import Article, Quiz, SlideDeck
from courseware.generate.offline.articles import lesson_article, overview_article
from courseware.generate.offline.corpus import Corpus
from courseware.generate.offline.quiz import lesson_quiz
from courseware.generate.offline.slides import lesson_slides
from courseware.generate.provider import Provider, ProviderContext, register
from courseware.plan import Task

BUILDERS = {"overview": overview_article, "lesson": lesson_article, "quiz": lesson_quiz, "slides": lesson_slides}


@register("offline")
class OfflineProvider(Provider):
    """Extractive generation: BM25-ranked source passages, key-term quiz items, cited throughout."""

    name = "offline"
    model = "extractive-bm25-v1"
    # A kind's number goes up when its generator makes something else from the same inputs, so
    # content made by the old one turns stale instead of passing for current. Quiz 2: objectives
    # assigned by shared words with every objective covered, right answers tiled over a course.
    versions = {"quiz": 2}

    def __init__(self, context: ProviderContext):
        self.context = context

    @cached_property
    def corpus(self) -> Corpus:
        return Corpus(self.context.sources, self.context.spec.course.language)

    def identity(self, kind: str) -> dict:
        """The provider and model, and the generator's version for the kinds that have one."""
        return {**super().identity(kind), **({"version": self.versions[kind]} if kind in self.versions else {})}

    def prepare(self) -> None:
        self.corpus  # build the index once, before tasks run in parallel

    def generate(self, task: Task) -> Article | Quiz | SlideDeck:
        return BUILDERS[task.kind](self.corpus, task.inputs)
