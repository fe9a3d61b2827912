"""Offline slide outlines: a slide per key point, bullets from the best sentences cut to their key
clause (at most 15 words), the point's code, table or figure as its visual, notes from the passage
and every sentence a bullet was cut from."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from courseware import catalogue
from courseware.clause import SLIDE_WORDS, key_clause
from courseware.content.blocks import Quote
from courseware.content.model import Slide, SlideDeck
from courseware.errors import GenerationError
from courseware.generate.offline.articles import NO_MATCH, lesson_visuals
from courseware.generate.offline.corpus import Corpus, placed, prose, uncited
from courseware.grounding.select import point_query
from courseware.grounding.text import sentences, terms, word_count

BULLETS, MAX_BULLET_WORDS = 3, 30
MAX_QUOTE_WORDS = 25  # a quote is never cut: one this long is the slide's one statement
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
        visual = uncited(placed(corpus.passages[visuals[k]], markdown_file)) if k in visuals else None
        first = spoken[0]
        if isinstance(first.block, Quote) and visual is None and word_count(first.block.text) <= MAX_QUOTE_WORDS:
            # The point is best said by a quotation: a slide of its own, its context in the notes.
            quote = f"{words['open_quote']}{' '.join(first.block.text.split())}{words['close_quote']}"
            context = " ".join(text for p in spoken for text in prose(p))
            slides.append(Slide(title=point, bullets=[quote], notes=f"{context} ({words['source']} {first.reference.text})"))
            continue
        wanted = set(terms(point, corpus.language))
        pool = [s for p in spoken for text in prose(p) for s in sentences(text) if word_count(s) <= MAX_BULLET_WORDS]
        # Most key-point words first (a sentence that must be cut counts one word less); source
        # order breaks ties, so bullets read naturally.
        best = sorted(range(len(pool)), key=lambda k: (-len(wanted & set(terms(pool[k], corpus.language))) + 2 * (word_count(pool[k]) > SLIDE_WORDS), k))[:BULLETS]
        chosen = [pool[k] for k in sorted(best)]
        bullets = list(dict.fromkeys(key_clause(s) for s in chosen))
        said = " ".join(prose(spoken[0]))
        extra = [s for s in chosen if s not in said]  # the whole sentence of every bullet is in the notes
        notes = f"{' '.join([said, *extra])} ({words['source']} {spoken[0].reference.text})"
        slides.append(Slide(title=point, bullets=bullets, visual=visual, notes=notes))
    return SlideDeck(title=lesson["title"], slides=slides)
