"""Offline lesson texts and course overview: the source blocks that best match, each cited."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from courseware.content.model import Article, Callout, Paragraph, Section, numbered
from courseware.errors import GenerationError
from courseware.generate.offline.corpus import VISUALS, Citations, Corpus, cited, placed
from courseware.readers.base import EXERCISE
from courseware.grounding.select import PER_QUERY, course_query, intro_query, module_query, point_query

NO_MATCH = "no source passage matches the key point '{point}'; add a source that covers it or reword the key point"
SECOND_PARAGRAPH_RATIO = 0.6  # a second passage must score this share of the best one
LONG_LESSON_MINUTES = 45
VISUAL_CANDIDATES = PER_QUERY  # a key point's code, table or figure is looked for among its best passages (all its pool has)


def lesson_visuals(corpus: Corpus, lesson: dict[str, Any]) -> dict[int, int]:
    """The code block, table or figure each key point shows (key point index -> passage index):
    each visual found among a point's best passages goes to the point it matches best, and a
    point shows the best-matching visual it got. Lessons and slides show the same ones."""
    best: dict[int, tuple[float, int]] = {}  # visual -> (score, key point)
    for k, point in enumerate(lesson["key_points"]):
        for score, i in corpus.ranked(*point_query(point, lesson), skip=corpus.apart, limit=VISUAL_CANDIDATES):
            for j in corpus.unit(i):
                if isinstance(corpus.passages[j].block, VISUALS) and (j not in best or score > best[j][0]):
                    best[j] = (score, k)
    shown: dict[int, tuple[float, int]] = {}
    for j, (score, k) in sorted(best.items()):
        if k not in shown or score > shown[k][0]:
            shown[k] = (score, j)
    return {k: j for k, (_, j) in shown.items()}


def lesson_article(corpus: Corpus, inputs: dict[str, Any], markdown_file: Path | None = None) -> Article:
    """One section per key point: its best-matching blocks not used yet, a code block or display
    math with the sentence that introduces it, and the point's code, table or figure, in source
    order. Figures' paths are written relative to `markdown_file` (the lesson.md)."""
    lesson = inputs["lesson"]
    citations, used = Citations(), set()
    per_point = 2 if lesson["duration"] >= LONG_LESSON_MINUTES else 1
    sections = []
    visuals = lesson_visuals(corpus, lesson)
    for k, point in enumerate(lesson["key_points"]):
        query = point_query(point, lesson)
        # Another point's visual (and the sentence introducing it) stays for that point.
        reserved = {j for other, v in visuals.items() if other != k for j in corpus.unit(v)}
        ranked = corpus.ranked(*query, skip=used | reserved | corpus.apart, limit=per_point) or corpus.ranked(*query, skip=corpus.apart, limit=1)  # reuse only if nothing else matches
        if not ranked:
            raise GenerationError(NO_MATCH.format(point=point), where=["key_points", k])
        chosen = [ranked[0][1]] + [i for score, i in ranked[1:per_point] if score >= SECOND_PARAGRAPH_RATIO * ranked[0][0]]
        if k in visuals and visuals[k] not in used:
            chosen.append(visuals[k])
        indices = sorted({j for i in chosen for j in corpus.unit(i) if j not in used or j in chosen})
        used.update(indices)
        blocks = []
        for i in indices:
            passage = corpus.passages[i]
            blocks.append(cited(placed(passage, markdown_file), citations.cite(passage), passage.section))
        sections.append(Section(heading=point, blocks=blocks))
    _add_activity(corpus, lesson, sections, citations, markdown_file)
    intro_ranked = corpus.ranked(*intro_query(lesson), skip=used | corpus.not_paragraphs | corpus.apart, limit=1)
    intro = []
    if intro_ranked:
        passage = corpus.passages[intro_ranked[0][1]]
        intro = [Paragraph(text=passage.block.text, cites=[citations.cite(passage)])]
    # The intro is chosen last but read first: number references in reading order.
    return numbered(lesson["title"], intro, sections, citations.references)


def _add_activity(corpus: Corpus, lesson: dict[str, Any], sections: list[Section], citations: Citations, markdown_file: Path | None) -> None:
    """The source's exercise that best fits the lesson, whole, as an activity at the end of the
    section of the key point it matches best (its solution stays in the source)."""
    exercises = [i for i, p in enumerate(corpus.passages) if p.role == EXERCISE]
    if not exercises or not sections:
        return
    scores = [{i: s for s, i in corpus.ranked(*point_query(point, lesson))} for point in lesson["key_points"]]
    k, first = max(((k, i) for k in range(len(sections)) for i in exercises), key=lambda pair: (scores[pair[0]].get(pair[1], 0.0), -pair[0], -pair[1]))
    passages = [corpus.passages[j] for j in corpus.exercise(first)]
    n = citations.cite(passages[0])
    blocks = []
    for passage in passages:
        block = placed(passage, markdown_file)
        blocks += list(block.blocks) if isinstance(block, Callout) else [block]
    title = blocks[0].text.strip("*") if isinstance(blocks[0], Paragraph) and len(blocks) > 1 and blocks[0].text.startswith("**") and blocks[0].text.endswith("**") else None
    if title is not None:
        blocks = blocks[1:]
    activity = cited(Callout(style="activity", title=title, blocks=blocks), n, passages[0].section)
    sections[k] = sections[k].model_copy(update={"blocks": [*sections[k].blocks, activity]})


def overview_article(corpus: Corpus, inputs: dict[str, Any], markdown_file: Path | None = None) -> Article:
    """The course introduction and a paragraph per module."""
    course = inputs["course"]
    citations, used = Citations(), set(corpus.not_paragraphs)
    intro = []
    ranked = corpus.ranked(*course_query(inputs), skip=used, limit=1)
    if ranked:
        passage = corpus.passages[ranked[0][1]]
        used.add(ranked[0][1])
        intro.append(Paragraph(text=passage.block.text, cites=[citations.cite(passage)]))
    sections = []
    for m, module in enumerate(inputs["modules"]):
        query = module_query(module)
        ranked = corpus.ranked(*query, skip=used, limit=1) or corpus.ranked(*query, skip=corpus.not_paragraphs, limit=1)
        if not ranked:
            raise GenerationError(f"no source passage matches module '{module['title']}' or its lessons; add a source that covers it", where=["modules", m, "title"])
        used.add(ranked[0][1])
        passage = corpus.passages[ranked[0][1]]
        sections.append(Section(heading=module["title"], blocks=[Paragraph(text=passage.block.text, cites=[citations.cite(passage)])]))
    return numbered(course["title"], intro, sections, citations.references)
