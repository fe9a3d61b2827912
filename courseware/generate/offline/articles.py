"""Offline lesson texts and course overview: the most relevant source paragraphs, each cited."""

from __future__ import annotations

from typing import Any

from courseware.content.model import Article, Paragraph, Section, numbered
from courseware.errors import GenerationError
from courseware.generate.offline.corpus import Citations, Corpus

NO_MATCH = "no source passage matches the key point '{point}'; add a source that covers it or reword the key point"
SECOND_PARAGRAPH_RATIO = 0.6  # a second paragraph must score this share of the best one
LONG_LESSON_MINUTES = 45


def lesson_article(corpus: Corpus, inputs: dict[str, Any]) -> Article:
    """One section per key point, built from the best-matching passages not used yet."""
    lesson = inputs["lesson"]
    citations, used = Citations(), set()
    per_point = 2 if lesson["duration"] >= LONG_LESSON_MINUTES else 1
    sections = []
    for k, point in enumerate(lesson["key_points"]):
        query = ((point, 1.0), (lesson["title"], 0.3))
        ranked = corpus.ranked(*query, skip=used, limit=per_point) or corpus.ranked(*query, limit=1)  # reuse only if nothing else matches
        if not ranked:
            raise GenerationError(NO_MATCH.format(point=point), where=["key_points", k])
        chosen = [ranked[0]] + [r for r in ranked[1:per_point] if r[0] >= SECOND_PARAGRAPH_RATIO * ranked[0][0]]
        paragraphs = []
        for _, i in chosen:
            used.add(i)
            passage = corpus.passages[i]
            paragraphs.append(Paragraph(text=passage.text, cites=[citations.cite(passage)]))
        sections.append(Section(heading=point, blocks=paragraphs))
    goals = " ".join(o["text"] for o in lesson["objectives"])
    intro_ranked = corpus.ranked((lesson["title"], 1.0), (goals, 0.5), skip=used, limit=1)
    intro = []
    if intro_ranked:
        passage = corpus.passages[intro_ranked[0][1]]
        intro_cite = citations.cite(passage)
        intro = [Paragraph(text=passage.text, cites=[intro_cite])]
    # The intro is chosen last but read first: number references in reading order.
    return numbered(lesson["title"], intro, sections, citations.references)


def overview_article(corpus: Corpus, inputs: dict[str, Any]) -> Article:
    """The course introduction and a paragraph per module."""
    course = inputs["course"]
    citations, used = Citations(), set()
    goals = " ".join(o["text"] for o in inputs["objectives"])
    intro = []
    ranked = corpus.ranked((course["title"], 1.0), (course["description"], 0.7), (goals, 0.4), limit=1)
    if ranked:
        passage = corpus.passages[ranked[0][1]]
        used.add(ranked[0][1])
        intro.append(Paragraph(text=passage.text, cites=[citations.cite(passage)]))
    sections = []
    for m, module in enumerate(inputs["modules"]):
        lessons = " ".join(lesson["title"] for lesson in module["lessons"])
        query = ((module["title"], 1.0), (module["summary"], 0.7), (lessons, 0.5))
        ranked = corpus.ranked(*query, skip=used, limit=1) or corpus.ranked(*query, limit=1)
        if not ranked:
            raise GenerationError(f"no source passage matches module '{module['title']}' or its lessons; add a source that covers it", where=["modules", m, "title"])
        used.add(ranked[0][1])
        passage = corpus.passages[ranked[0][1]]
        sections.append(Section(heading=module["title"], blocks=[Paragraph(text=passage.text, cites=[citations.cite(passage)])]))
    return numbered(course["title"], intro, sections, citations.references)
