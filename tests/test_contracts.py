"""The output contracts: strict schemas derived from the models, and the checks code makes."""

from __future__ import annotations

import json
from collections import Counter

import pytest

from courseware.generate.contracts import AnswerError, QuizAnswer, json_schema, parse, sizes, to_article, to_quiz

LABELS = ("True", "False")


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
    ({"distractors": ["Flipped classroom!", "lab rotation"]}, "item 1: the options must all differ (after ignoring case and punctuation)"),
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
    made = quiz(item(kind="true_false", prompt="A flipped classroom moves lectures online.", correct_answer="TRUE", distractors=[]), item(kind="cloze", prompt="A ____ moves first exposure out of class.", distractors=[]))
    assert [(o.text, o.correct) for o in made.items[0].options] == [("True", True), ("False", False)]
    assert [(o.text, o.correct) for o in made.items[1].options] == [("flipped classroom", True)]


def test_answer_position_comes_from_a_seeded_shuffle():
    positions = Counter()
    for n in range(40):
        made = quiz(item(correct_answer=f"answer number {n:02d}", distractors=[f"wrong answer one {n:02d}", f"wrong answer two {n:02d}", f"wrong answer three {n:02d}"]))
        again = quiz(item(correct_answer=f"answer number {n:02d}", distractors=[f"wrong answer one {n:02d}", f"wrong answer two {n:02d}", f"wrong answer three {n:02d}"]))
        assert made == again  # deterministic
        positions[[o.correct for o in made.items[0].options].index(True)] += 1
    assert len(positions) == 4 and min(positions.values()) >= 4, positions


def test_citations_must_name_given_passages():
    answer = parse("lesson", json.dumps({"title": "T", "introduction": [{"text": "Intro.", "sources": [3]}], "sections": []}))
    with pytest.raises(AnswerError, match=r"source numbers \[3\] do not exist; cite passages 1 to 2"):
        to_article(answer, [{"source": "a.md", "section": "A"}, {"source": "b.md", "section": "B"}])


def test_fenced_answers_are_accepted():
    assert parse("slides", '```json\n{"slides": [{"title": "T", "bullets": ["b"], "notes": "n"}]}\n```').slides[0].title == "T"
