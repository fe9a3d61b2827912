"""Reviewed markdown round-trips: writing any content model and reading it back gives it back."""

from __future__ import annotations

import os

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from courseware.content.model import BLANK, Article, Option, Paragraph, Quiz, QuizItem, Reference, Section, Slide, SlideDeck, clean_line, numbered
from courseware.markdown.blocks import unescape_start
from courseware.markdown.parse import parse_article, parse_quiz, parse_slides
from courseware.markdown.write import escape_start, to_markdown

# Markdown's own punctuation, several scripts, no-break spaces and stray control characters.
ALPHABET = st.one_of(
    st.sampled_from(list("#>-+*_`~<[]|:=\\!^()&;.,?0123456789 \t\n§«»“”’") + ["\u00a0", "\u202f", "\u202e", "\x07"]),
    st.characters(codec="utf-8", categories=("Lu", "Ll", "Lo", "Nd", "Po", "Ps", "Pe", "Sm", "So", "Zs")),
)


def _line(raw: str) -> str | None:
    try:
        return clean_line(raw)
    except ValueError:
        return None


lines = st.text(ALPHABET, min_size=1, max_size=40).map(_line).filter(lambda s: s is not None and "[^" not in s)
ids = st.from_regex(r"\A[A-Za-z0-9][A-Za-z0-9_.-]{0,8}\Z")


@st.composite
def articles(draw) -> Article:
    references = draw(st.lists(st.builds(Reference, source=lines.filter(lambda s: " § " not in s), section=st.one_of(st.just(""), lines)), max_size=4))
    cites = st.lists(st.integers(1, len(references)), max_size=3) if references else st.just([])
    paragraphs = st.lists(st.builds(Paragraph, text=lines, cites=cites), min_size=1, max_size=3)
    intro = draw(st.one_of(st.just([]), paragraphs))
    sections = draw(st.lists(st.builds(Section, heading=lines, blocks=paragraphs), min_size=0 if intro else 1, max_size=3))
    return numbered(draw(lines), intro, sections, references)


@st.composite
def quiz_items(draw) -> QuizItem:
    kind = draw(st.sampled_from(["multiple_choice", "true_false", "cloze"]))
    count = {"multiple_choice": draw(st.integers(2, 5)), "true_false": 2, "cloze": draw(st.integers(1, 3))}[kind]
    texts = draw(st.lists(lines, min_size=count, max_size=count, unique_by=lambda s: " ".join(s.casefold().split())))
    right = draw(st.integers(0, count - 1))
    options = [Option(text=t, correct=(kind == "cloze" or i == right)) for i, t in enumerate(texts)]
    prompt = draw(lines) + (f" {BLANK} " + draw(lines) if kind == "cloze" else "")
    return QuizItem(kind=kind, objective=draw(ids), prompt=prompt, options=options, feedback=draw(lines))


quizzes = st.builds(Quiz, title=lines, items=st.lists(quiz_items(), min_size=1, max_size=4))
decks = st.builds(
    SlideDeck,
    title=lines,
    slides=st.lists(st.builds(Slide, title=lines, bullets=st.lists(lines, max_size=4), notes=st.one_of(st.none(), lines)), min_size=1, max_size=4),
)

# ROUNDTRIP_EXAMPLES=5000 for a longer local hunt; CI runs 300 examples a test.
FAST = settings(max_examples=int(os.environ.get("ROUNDTRIP_EXAMPLES", "300")), deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])


@FAST
@given(articles())
def test_article_round_trip(article):
    assert parse_article(to_markdown(article), "lesson.md") == article


@FAST
@given(quizzes)
def test_quiz_round_trip(quiz):
    assert parse_quiz(to_markdown(quiz), "quiz.md") == quiz


@FAST
@given(decks)
def test_slides_round_trip(deck):
    assert parse_slides(to_markdown(deck), "slides.md") == deck


@FAST
@given(lines)
def test_escape_is_undone_exactly(text):
    assert unescape_start(escape_start(text)) == text


def test_markdown_reads_well():
    deck = SlideDeck(title="Flipped classroom", slides=[Slide(title="Why flip", bullets=["Class time for practice", "1. Not a list"], notes="Ask who watched the video.")])
    assert to_markdown(deck) == (
        "# Flipped classroom\n\n## Why flip\n\n- Class time for practice\n- 1\\. Not a list\n\n::: notes\nAsk who watched the video.\n:::\n"
    )
