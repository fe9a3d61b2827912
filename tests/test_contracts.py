"""The output contracts: strict schemas derived from the models, and the checks code makes."""

from __future__ import annotations

import json
from collections import Counter

import pytest

from courseware.generate.contracts import AnswerError, QuizAnswer, json_schema, parse, sizes, to_article, to_quiz

LABELS = ("True", "False")
SAME = "the options must all differ (after ignoring case, punctuation, invisible characters and look-alike letters)"
PASSAGES = [{"source": "a.md", "section": "A"}, {"source": "b.md", "section": "B"}]


def walk(node):
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from walk(value)
    elif isinstance(node, list):
        for value in node:
            yield from walk(value)


@pytest.mark.parametrize("kind", ["overview", "lesson", "quiz", "slides"])
def test_schemas_are_strict(kind):
    schema = json_schema(kind)
    objects = [n for n in walk(schema) if n.get("type") == "object"]
    assert objects
    for obj in objects:
        assert obj["additionalProperties"] is False
        assert obj["required"] == list(obj["properties"])


def test_sizes_bound_the_lists_of_a_task():
    inputs = {"quiz": {"questions": 4, "kinds": ["cloze"]}}
    assert json_schema("quiz", sizes("quiz", inputs))["properties"]["items"] | {"items": None} == {"type": "array", "minItems": 4, "maxItems": 4, "items": None}
    with pytest.raises(AnswerError, match="'items' must have exactly 4 entries; the answer has 1"):
        parse("quiz", json.dumps({"items": [item()]}), sizes("quiz", inputs))


def item(**changes) -> dict:
    base = {"kind": "multiple_choice", "objective": "LO1", "prompt": "Which model moves first exposure out of class?", "correct_answer": "flipped classroom", "distractors": ["station rotation", "lab rotation", "enriched virtual"], "feedback": "Passage 2 defines it."}
    return base | changes


def quiz(*items: dict):
    return to_quiz(QuizAnswer.model_validate({"items": list(items)}), "T", "m1-l1", ["LO1", "LO2"], ["multiple_choice", "true_false", "cloze"], LABELS)


@pytest.mark.parametrize(("changes", "message"), [
    ({"objective": "LO9"}, "item 1: objective 'LO9' is not one of this lesson's objectives (LO1, LO2)"),
    ({"distractors": ["Flipped classroom!", "lab rotation"]}, f"item 1: {SAME}"),
    ({"distractors": ["station rotation", "all of the above"]}, "item 1: no 'all of the above' or 'none of the above' options"),
    ({"distractors": ["a", "b", "c"]}, "item 1: the correct answer must not be the one longest option; make a distractor as long"),
    ({"distractors": ["lab rotation"]}, "item 1: a multiple_choice item needs at least 2 distractors"),
    ({"kind": "true_false", "correct_answer": "yes"}, "item 1: a true_false item's correct_answer is exactly 'true' or 'false'"),
    ({"kind": "cloze", "prompt": "No blank here."}, "item 1: a cloze prompt has exactly one blank written ____"),
    ({"correct_answer": "  "}, "item 1: correct_answer is empty"),
])
def test_quiz_checks_become_re_asks(changes, message):
    with pytest.raises(AnswerError) as caught:
        quiz(item(**changes))
    assert str(caught.value) == message


def test_true_false_and_cloze_items():
    made = quiz(item(kind="true_false", prompt="A flipped classroom moves lectures online.", correct_answer="TRUE", distractors=[]), item(kind="cloze", objective="LO2", prompt="A ____ moves first exposure out of class.", distractors=[]))
    assert [(o.text, o.correct) for o in made.items[0].options] == [("True", True), ("False", False)]
    assert [(o.text, o.correct) for o in made.items[1].options] == [("flipped classroom", True)]


def test_answer_positions_spread_over_a_course():
    """Two multiple-choice items in each of 8 lessons numbered in sequence: 4 right answers at each position."""
    positions = Counter()
    for lesson in (f"m{m}-l{n}" for m in (1, 2) for n in (1, 2, 3, 4)):
        answer = QuizAnswer.model_validate({"items": [
            item(correct_answer=f"answer {lesson} {k}", distractors=[f"wrong one {lesson} {k}", f"wrong two {lesson} {k}", f"wrong three {lesson} {k}"], objective=f"LO{k}")
            for k in (1, 2)
        ]})
        made = to_quiz(answer, "T", lesson, ["LO1", "LO2"], ["multiple_choice"], LABELS)
        assert made == to_quiz(answer, "T", lesson, ["LO1", "LO2"], ["multiple_choice"], LABELS)  # deterministic
        slots = [[o.correct for o in i.options].index(True) for i in made.items]
        assert len(set(slots)) == 2  # a lesson's items use different positions
        assert [o.text for i in made.items for o in i.options if not o.correct] == [d for a in answer.items for d in a.distractors]  # distractors keep their order
        positions.update(slots)
    assert sorted(positions.values()) == [4, 4, 4, 4], positions


# Options a learner cannot tell apart: the same text but for invisible characters or look-alike letters.
@pytest.mark.parametrize("twin", [
    "flipped class\u200broom",  # zero-width space
    "flipped\u200d classroom",  # zero-width joiner
    "flipped class\u00adroom",  # soft hyphen
    "\ufeffflipped classroom\u2060",  # byte-order mark, word joiner
    "flipped cl\u0430ssroom",  # Cyrillic а
    "flipped classr\u03bf\u03bfm",  # Greek omicrons
    "fl\u0456pped \u0421lassroom",  # Cyrillic і and С
    "\U0001d41flipped classroom",  # mathematical bold f (NFKC)
    "FLIPPED CLASSROOM.",
])
def test_options_that_only_look_different_count_as_one(twin):
    with pytest.raises(AnswerError) as caught:
        quiz(item(distractors=[twin, "station rotation", "lab rotation"]))
    assert str(caught.value) == f"item 1: {SAME}"


@pytest.mark.parametrize(("right", "other"), [
    ("la côte", "la cote"),  # accents make other French words
    ("la cote", "la coté"),
    ("1 000 heures", "100 heures"),
    ("Москва", "Мосвка"),
])
def test_options_that_differ_to_a_reader_stay_apart(right, other):
    made = quiz(item(correct_answer=right, distractors=[other, "station rotation here", "lab rotation there"]))
    assert sorted(o.text for o in made.items[0].options) == sorted([right, other, "station rotation here", "lab rotation there"])


def test_citations_must_name_given_passages():
    answer = parse("lesson", json.dumps({"title": "T", "introduction": [{"text": "Intro.", "sources": [3]}], "sections": []}))
    with pytest.raises(AnswerError, match=r"^introduction, paragraph 1: source numbers \[3\] do not exist; cite passages 1 to 2$"):
        to_article(answer, PASSAGES)


def article(intro: list[list[int]], *sections: list[list[int]]):
    paragraph = lambda cites: {"text": "Some grounded text.", "sources": cites}  # noqa: E731
    data = {"title": "T", "introduction": [paragraph(c) for c in intro], "sections": [{"heading": f"H{n}", "paragraphs": [paragraph(c) for c in s]} for n, s in enumerate(sections)]}
    return parse("lesson", json.dumps(data))


@pytest.mark.parametrize(("answer", "message"), [
    (article([[]], [[1]]), "introduction, paragraph 1: cite at least one passage"),
    (article([[1]], [[1]], [[2], []]), "section 2, paragraph 2: cite at least one passage"),
    (article([[1], [2]], [[]]), "section 1, paragraph 1: cite at least one passage"),
])
def test_a_paragraph_without_a_citation_is_a_re_ask_naming_its_place(answer, message):
    with pytest.raises(AnswerError) as caught:
        to_article(answer, PASSAGES)
    assert str(caught.value) == message


def test_without_passages_no_citation_is_asked_for():
    made = to_article(article([[]], [[]]), [])
    assert made.references == [] and [p.cites for p in made.paragraphs()] == [[], []]


def test_fenced_answers_are_accepted():
    assert parse("slides", '```json\n{"slides": [{"title": "T", "bullets": ["b"], "notes": "n"}]}\n```').slides[0].title == "T"
