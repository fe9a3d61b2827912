"""Offline slide outlines: a slide per key point, bullets from the best sentences, the point's
code, table or figure as its visual, notes from the passage."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from courseware import catalogue
from courseware.content.model import Slide, SlideDeck
from courseware.errors import GenerationError
from courseware.generate.offline.articles import NO_MATCH, lesson_visuals
from courseware.generate.offline.corpus import Corpus, placed, prose, uncited
from courseware.grounding.select import point_query
from courseware.grounding.text import sentences, terms, word_count

BULLETS, MAX_BULLET_WORDS = 3, 30
SLIDE_PASSAGES = 2


def lesson_slides(corpus: Corpus, inputs: dict[str, Any], markdown_file: Path | None = None) -> SlideDeck:
    """At most `max` slides, one per key point in spec order; a figure's path is written
    relative to `markdown_file` (slides.md, beside the lesson.md)."""
    lesson, words = inputs["lesson"], catalogue.words(inputs["course"]["language"])
    slides, visuals = [], lesson_visuals(corpus, lesson)
    for k, point in enumerate(lesson["key_points"][: inputs["slides"]["max"]]):
        query = point_query(point, lesson)
        ranked = corpus.ranked(*query, skip=corpus.apart, limit=2 * SLIDE_PASSAGES)
        spoken = [corpus.passages[i] for _, i in ranked if prose(corpus.passages[i])][:SLIDE_PASSAGES]
        if not spoken:
            raise GenerationError(NO_MATCH.format(point=point), where=["key_points", k])
        wanted = set(terms(point, corpus.language))
        pool = [s for p in spoken for text in prose(p) for s in sentences(text) if word_count(s) <= MAX_BULLET_WORDS]
        # Most key-point words first; source order breaks ties, so bullets read naturally.
        best = sorted(range(len(pool)), key=lambda k: (-len(wanted & set(terms(pool[k], corpus.language))), k))[:BULLETS]
        bullets = [pool[k] for k in sorted(best)]
        notes = f"{' '.join(prose(spoken[0]))} ({words['source']} {spoken[0].reference.text})"
        # The visual the lesson's section for this point carries.
        visual = uncited(placed(corpus.passages[visuals[k]], markdown_file)) if k in visuals else None
        slides.append(Slide(title=point, bullets=bullets, visual=visual, notes=notes))
    return SlideDeck(title=lesson["title"], slides=slides)
