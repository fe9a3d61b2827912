"""Offline slide outlines: a slide per key point, bullets from the best sentences, notes from the passage."""

from __future__ import annotations

from typing import Any

from courseware.content.model import Slide, SlideDeck
from courseware.errors import GenerationError
from courseware.generate.offline.articles import NO_MATCH
from courseware.generate.offline.corpus import Corpus
from courseware.generate.offline.phrases import phrases
from courseware.generate.offline.text import sentences, terms, word_count

BULLETS, MAX_BULLET_WORDS = 3, 30


def lesson_slides(corpus: Corpus, inputs: dict[str, Any]) -> SlideDeck:
    """At most `max` slides, one per key point in spec order."""
    lesson, words = inputs["lesson"], phrases(inputs["course"]["language"])
    slides = []
    for k, point in enumerate(lesson["key_points"][: inputs["slides"]["max"]]):
        ranked = corpus.ranked((point, 1.0), (lesson["title"], 0.3), limit=2)
        if not ranked:
            raise GenerationError(NO_MATCH.format(point=point), where=["key_points", k])
        top = [corpus.passages[i] for _, i in ranked[:2]]
        wanted = set(terms(point, corpus.language))
        pool = [s for p in top for s in sentences(p.text) if word_count(s) <= MAX_BULLET_WORDS]
        # Most key-point words first; source order breaks ties, so bullets read naturally.
        best = sorted(range(len(pool)), key=lambda k: (-len(wanted & set(terms(pool[k], corpus.language))), k))[:BULLETS]
        bullets = [pool[k] for k in sorted(best)]
        notes = f"{top[0].text} ({words['source']} {top[0].source} § {top[0].section})"
        slides.append(Slide(title=point, bullets=bullets, notes=notes))
    return SlideDeck(title=lesson["title"], slides=slides)
