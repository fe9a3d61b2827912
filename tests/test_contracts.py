"""The output contracts: per-task models, the schemas derived from them for each server, the
re-asks that name the place of a problem, and the checks no schema can state."""

from __future__ import annotations

import json
import re
from collections import Counter

import jsonschema
import pytest
from hypothesis import given, settings, strategies as st

from courseware.content.blocks import CALLOUT_STYLES, Callout, Code, Figure, ListBlock, ListItem, Paragraph, Table, cites
from courseware.content.model import FOOTNOTE_REF, Reference
from courseware.generate import contracts, patterns, schema
from courseware.generate.contracts import DISTRACTORS, LENGTHS, AnswerError, Terms, json_schema, parse, terms, to_article, to_quiz, to_slides
from courseware.generate.figures import SourceFigure, offered
from courseware.spec.model import QUIZ_KINDS, SERVERS

LABELS = ("True", "False")
SAME = "the options must all differ (after ignoring case, punctuation, invisible characters and look-alike letters)"
PASSAGES = [{"source": "a.md", "section": "A"}, {"source": "b.md", "section": "B"}]
QUIZ = Terms("quiz", 3, 0, ("LO1", "LO2"), QUIZ_KINDS)
LESSON = Terms("lesson", 2, 2)
ILLUSTRATED = Terms("lesson", 2, 2, figures=("F1", "F2"))
TERMS = [
    QUIZ, Terms("quiz", 2, 0, ("LO3",), ("cloze",)), LESSON, ILLUSTRATED, Terms("lesson", 1, 0), Terms("overview", 3, 5),
    Terms("slides", 4), Terms("slides", 4, figures=("F1",)),
]  # fmt: skip
FIGURES = [
    SourceFigure("F1", "../../course_specs/sources/figures/scores.svg", "A bar chart of scores", "Scores by group.", "Course team, CC BY 4.0", "b.md", "B"),
    SourceFigure("F2", "../../course_specs/sources/figures/box.png", "A box plot", None, None, "c.md", "C"),
]
CORE = {"type", "properties", "required", "additionalProperties", "items", "enum", "anyOf"}
SCHEMA_ERROR = "the answer does not match the JSON schema: "


def walk(node):
    """Every schema in a schema (property mappings are not schemas themselves)."""
    yield node
    for name, sub in (node.get("properties") or {}).items():
        yield from walk(sub)
    if "items" in node:
        yield from walk(node["items"])
    for branch in node.get("anyOf", []):
        yield from walk(branch)


def item(kind: str = "multiple_choice", n: int = 1, **changes) -> dict:
    base = {"kind": kind, "objective": "LO1", "prompt": "Which model moves first exposure out of class?", "correct_answer": "flipped classroom", "distractors": ["station rotation", "lab rotation", "enriched virtual model"], "feedback": "Passage 2 defines it."}
    if kind == "true_false":
        base |= {"prompt": "A flipped classroom moves lectures online.", "correct_answer": "true", "distractors": []}
    if kind == "cloze":
        base |= {"prompt": f"A ____ moves first exposure out of class ({n}).", "distractors": []}
    return base | changes


def sample(t: Terms) -> dict:
    """A valid answer for terms `t`."""
    if t.kind == "quiz":
        return {"items": [item(t.kinds[n % len(t.kinds)], n, objective=t.objectives[n % len(t.objectives)]) for n in range(t.parts)]}
    if t.kind == "slides":  # every kind of visual, and slides without one
        visuals = [{"type": "code", "language": "python", "code": "print(1)"}, {"type": "table", "header": ["a", "b", "c"], "rows": [["1", "2", "3"]]}, None]
        visuals += [{"type": "figure", "figure": t.figures[-1]}] if t.figures else []
        slides = [{"title": f"Slide {n}", "bullets": ["A short bullet."], "visual": visuals[n % len(visuals)], "notes": "What the presenter says."} for n in range(t.parts)]
        return json.loads(json.dumps({"slides": slides}))  # no dict shared between slides
    cite = (lambda n: [1 + n % t.passages]) if t.passages else (lambda n: [])
    sections = [{"heading": f"H{n}", "blocks": [{"type": "paragraph", "text": "Some grounded text.", "sources": cite(n)}]} for n in range(t.parts)]
    sections[0]["blocks"] += [  # every kind of block
        {"type": "list", "ordered": True, "items": ["First `step`.", "Second step."], "sources": cite(1)},
        {"type": "table", "header": ["Group", "Mean $\\bar{x}$"], "rows": [["A", "3.2"], ["B", "4.1"]], "caption": "Means by group.", "sources": cite(0)},
        {"type": "code", "language": "r", "code": "mean(x)\n  # indented", "output": "[1] 3.2"},
        {"type": "callout", "style": "tip", "title": None, "text": "Check the units.", "sources": []},
    ]
    if t.figures:
        sections[-1]["blocks"].append({"type": "figure", "figure": t.figures[0]})
    return {"title": "T", "introduction": [{"type": "paragraph", "text": "Intro.", "sources": cite(0)}], "sections": sections}


# The schema of a task ---------------------------------------------------------------------------


@pytest.mark.parametrize("server", SERVERS)
@pytest.mark.parametrize("t", TERMS, ids=str)
def test_schemas_are_strict_and_use_only_the_keywords_the_server_honours(t, server):
    nodes = list(walk(json_schema(t, server)))
    for node in nodes:
        assert set(node) <= CORE | schema.HONOURED[server], set(node) - CORE
        if node.get("type") == "object":
            assert node["additionalProperties"] is False and node["required"] == list(node["properties"])
        if node.get("type") == "integer":  # an unbounded integer runs away on llama.cpp
            assert {"minimum", "maximum"} <= set(node)
        if node.get("type") == "array":
            assert "maxItems" in node
    if "minLength" in schema.HONOURED[server]:
        strings = [n for n in nodes if n.get("type") == "string" and "enum" not in n]
        assert strings and all(n["minLength"] == 1 and n["maxLength"] <= max(LENGTHS.values()) for n in strings)


def test_each_server_gets_the_keywords_it_honours():
    text = json.dumps(json_schema(QUIZ, "openai"))
    assert '"pattern"' in text and '"minItems"' in text and '"maxLength"' not in text and '"minLength"' not in text
    assert '"pattern"' not in json.dumps(json_schema(QUIZ, "ollama")) and '"maxLength"' in json.dumps(json_schema(QUIZ, "ollama"))
    assert json_schema(QUIZ, "other") == json_schema(QUIZ, "ollama")
    assert '"pattern"' not in json.dumps(json_schema(QUIZ, "llama.cpp", in_prompt=True))  # a schema in a prompt is read, not enforced


def test_requests_with_the_same_terms_carry_one_schema_that_a_llama_cpp_request_leaves_unchanged():
    from pathlib import Path

    from courseware.generate.chat import Chat
    from courseware.generate.settings import resolve
    from courseware.generate.stats import Stats
    from courseware.spec.model import LLMSettings

    shared = contracts.request_schema(QUIZ, "llama.cpp")
    assert shared is contracts.request_schema(QUIZ, "llama.cpp") and shared == json_schema(QUIZ, "llama.cpp")
    before = json.dumps(shared, sort_keys=True)
    config = resolve(LLMSettings(), Path("."), {"provider": "openai", "model": "m", "base_url": "http://127.0.0.1:1/v1", "server": "llama.cpp"}, env={})
    chat = Chat(None, config.base_url, config.model, config, Stats(), 0.0)
    sent = chat.request([{"role": "user", "content": "x"}], {"type": "json_schema", "json_schema": {"name": "quiz", "schema": shared, "strict": True}}, "")
    assert "x-guidance" in sent["response_format"]["json_schema"]["schema"]  # what llama.cpp gets added ...
    assert json.dumps(shared, sort_keys=True) == before  # ... to a copy: the shared schema is as it was


def test_a_quiz_schema_has_one_branch_per_kind_asked_for():
    root = json_schema(QUIZ, "llama.cpp")
    items = root["properties"]["items"]
    assert (items["minItems"], items["maxItems"]) == (3, 3)
    branches = {b["properties"]["kind"]["enum"][0]: b["properties"] for b in items["items"]["anyOf"]}
    assert list(branches) == list(QUIZ_KINDS)
    for kind, props in branches.items():
        assert props["objective"]["enum"] == ["LO1", "LO2"]
        wanted = DISTRACTORS if kind == "multiple_choice" else 0
        assert (props["distractors"]["minItems"], props["distractors"]["maxItems"]) == (wanted, wanted)
    assert branches["true_false"]["correct_answer"] == {"enum": ["true", "false"], "type": "string"}
    assert branches["cloze"]["prompt"]["pattern"] == patterns.CLOZE
    assert branches["multiple_choice"]["prompt"]["pattern"] == patterns.PROSE
    only = json_schema(Terms("quiz", 2, 0, ("LO3",), ("cloze",)), "llama.cpp")["properties"]["items"]["items"]
    assert "anyOf" not in only and only["properties"]["kind"]["enum"] == ["cloze"] and only["properties"]["objective"]["enum"] == ["LO3"]


def bounds(node: dict) -> tuple:
    return (node.get("minItems", node.get("minLength")), node.get("maxItems", node.get("maxLength")))


def test_an_article_schema_bounds_sections_blocks_and_citations():
    props = json_schema(Terms("lesson", 3, 4), "llama.cpp")["properties"]
    assert bounds(props["sections"]) == (3, 3)
    assert bounds(props["introduction"]) == contracts.INTRODUCTION
    assert props["introduction"]["items"]["properties"]["type"] == {"enum": ["paragraph"], "type": "string"}  # an introduction is paragraphs
    blocks = props["sections"]["items"]["properties"]["blocks"]
    assert bounds(blocks) == contracts.SECTION_BLOCKS
    sources = blocks["items"]["anyOf"][0]["properties"]["sources"]
    assert bounds(sources) == (1, 4)  # at least one citation per paragraph
    assert sources["items"] == {"maximum": 4, "minimum": 1, "type": "integer"}
    ungrounded = json_schema(Terms("lesson", 3, 0), "llama.cpp")["properties"]["introduction"]["items"]["properties"]["sources"]
    assert bounds(ungrounded) == (0, 0)


def branches(node: dict) -> dict[str, dict]:
    """The branches of a union of blocks by type (a table's by width: table2, table3, ...)."""
    found = {}
    for branch in node["anyOf"]:
        if branch.get("type") == "null":
            found["null"] = branch
            continue
        props = branch["properties"]
        kind = props["type"]["enum"][0]
        found[kind + (str(props["header"]["minItems"]) if kind == "table" else "")] = props
    return found


def test_an_article_block_is_one_of_its_kinds_each_with_its_bounds():
    blocks = branches(json_schema(ILLUSTRATED, "llama.cpp")["properties"]["sections"]["items"]["properties"]["blocks"]["items"])
    assert list(blocks) == ["paragraph", "list", "table2", "table3", "table4", "code", "callout", "figure"]  # the paragraph first
    assert bounds(blocks["paragraph"]["text"]) == (1, LENGTHS["paragraph"]) and blocks["paragraph"]["text"]["pattern"] == patterns.PROSE
    assert blocks["list"]["ordered"] == {"type": "boolean"}
    assert bounds(blocks["list"]["items"]) == contracts.LIST_ITEMS and bounds(blocks["list"]["items"]["items"]) == (1, LENGTHS["item"])
    assert bounds(blocks["list"]["sources"]) == (1, 2)
    for width in (2, 3, 4):  # every row as wide as the header: one branch per width
        table = blocks[f"table{width}"]
        assert bounds(table["header"]) == (width, width) and bounds(table["rows"]) == contracts.ROWS and bounds(table["rows"]["items"]) == (width, width)
        assert bounds(table["rows"]["items"]["items"]) == (1, LENGTHS["cell"]) and bounds(table["caption"]) == (1, LENGTHS["caption"])
        assert bounds(table["sources"]) == (1, 2)
    code = blocks["code"]
    assert code["language"]["pattern"] == patterns.LANGUAGE and bounds(code["language"]) == (1, LENGTHS["language"])
    assert code["code"]["pattern"] == patterns.LINE and bounds(code["code"]) == (1, LENGTHS["code"])
    assert [b.get("type") for b in code["output"]["anyOf"]] == ["string", "null"] and "sources" not in code  # code cites nothing
    callout = blocks["callout"]
    assert callout["style"] == {"enum": list(CALLOUT_STYLES), "type": "string"}
    assert [b.get("type") for b in callout["title"]["anyOf"]] == ["string", "null"] and bounds(callout["text"]) == (1, LENGTHS["callout"])
    assert bounds(callout["sources"]) == (0, 2)  # a tip or an activity may be the writer's own
    assert blocks["figure"] == {"type": {"enum": ["figure"], "type": "string"}, "figure": {"enum": ["F1", "F2"], "type": "string"}}
    unillustrated = branches(json_schema(LESSON, "llama.cpp")["properties"]["sections"]["items"]["properties"]["blocks"]["items"])
    assert "figure" not in unillustrated and len(unillustrated) == 7  # no figure offered: no figure branch


def test_a_slides_schema_bounds_slides_bullets_and_visuals():
    props = json_schema(Terms("slides", 6), "llama.cpp")["properties"]
    assert bounds(props["slides"]) == (1, 6)
    slide = props["slides"]["items"]["properties"]
    assert bounds(slide["bullets"]) == contracts.BULLETS and slide["bullets"]["items"]["maxLength"] == LENGTHS["bullet"]
    assert slide["bullets"]["items"]["pattern"] == patterns.PROSE  # inline formatting: `code`, $math$, *emphasis*
    visuals = branches(slide["visual"])
    assert list(visuals) == ["code", "table2", "table3", "table4", "null"]
    assert set(visuals["code"]) == {"type", "language", "code"} and set(visuals["table3"]) == {"type", "header", "rows"}
    assert list(branches(json_schema(Terms("slides", 6, figures=("F1",)), "llama.cpp")["properties"]["slides"]["items"]["properties"]["visual"]))[-2:] == ["figure", "null"]


def test_terms_come_from_the_task_inputs_and_its_passages():
    lesson = {"objectives": [{"id": "LO2"}, {"id": "LO1"}], "key_points": ["a", "b", "c"]}
    assert terms("quiz", {"lesson": lesson, "quiz": {"questions": 4, "kinds": ["cloze", "multiple_choice", "cloze"]}}, 7) == Terms("quiz", 4, 0, ("LO2", "LO1"), ("multiple_choice", "cloze"))
    assert terms("lesson", {"lesson": lesson}, 7) == Terms("lesson", 3, 7)
    assert terms("overview", {"modules": [{}, {}]}, 5) == Terms("overview", 2, 5)
    assert terms("slides", {"lesson": lesson, "slides": {"max": 8}}, 7) == Terms("slides", 8)
    assert terms("lesson", {"lesson": lesson}, 7, ("F1",)) == Terms("lesson", 3, 7, figures=("F1",))
    assert terms("slides", {"lesson": lesson, "slides": {"max": 8}}, 7, ("F1",)) == Terms("slides", 8, figures=("F1",))
    assert terms("overview", {"modules": [{}]}, 5, ("F1",)) == Terms("overview", 1, 5)  # the overview is offered no figure


@pytest.mark.parametrize("server", SERVERS)
@pytest.mark.parametrize("t", TERMS, ids=str)
def test_every_schema_validates_its_own_sample_answers(t, server):
    answer = sample(t)
    jsonschema.Draft202012Validator(json_schema(t, server)).validate(answer)
    parse(t, json.dumps(answer))  # and the local check agrees


# What the schema refuses, the local check refuses too, naming the place.
REFUSALS = [
    (QUIZ, lambda a: a["items"][0].update(objective="LO9"), "item 1: objective 'LO9' is not one of this lesson's objectives (LO1, LO2)"),
    (Terms("quiz", 3, 0, ("LO1", "LO2"), ("multiple_choice", "cloze")), lambda a: a["items"][1].update(kind="true_false"), "item 2: kind 'true_false' was not asked for; use multiple_choice, cloze"),
    (Terms("quiz", 2, 0, ("LO3",), ("cloze",)), lambda a: a["items"][1].update(kind="multiple_choice"), "item 2: kind 'multiple_choice' was not asked for; use cloze"),
    (QUIZ, lambda a: a["items"][0]["distractors"].pop(), f"item 1: this kind of item has exactly {DISTRACTORS} distractors; the answer has 2"),
    (QUIZ, lambda a: a["items"][1]["distractors"].append("no"), "item 2: this kind of item has no distractors; the answer has 1"),
    (QUIZ, lambda a: a["items"][1].update(correct_answer="yes"), "item 2: a true_false item's correct_answer is exactly 'true' or 'false'"),
    (QUIZ, lambda a: a["items"][2].update(prompt="No blank here."), "item 3: prompt: a cloze prompt has exactly one blank written ____ (four underscores) and no other underscore"),
    (QUIZ, lambda a: a["items"][2].update(prompt="Two ____ and ____."), "item 3: prompt: a cloze prompt has exactly one blank written ____ (four underscores) and no other underscore"),
    (QUIZ, lambda a: a["items"][2].update(prompt="A snake_case ____."), "item 3: prompt: a cloze prompt has exactly one blank written ____ (four underscores) and no other underscore"),
    (QUIZ, lambda a: a["items"][2].update(prompt="x^2 is ____."), "item 3: prompt: a cloze prompt has no '^'"),
    (QUIZ, lambda a: a["items"][0].update(correct_answer="  "), "item 1: correct_answer: must not be empty"),
    (QUIZ, lambda a: a["items"][0]["distractors"].__setitem__(1, "x" * 501), "item 1, distractor 2: has 501 characters; at most 500"),
    (QUIZ, lambda a: a["items"].pop(), "items: must have exactly 3 entries; the answer has 2"),
    (QUIZ, lambda a: a["items"][0].pop("feedback"), "item 1: feedback is missing"),
    (QUIZ, lambda a: a["items"][0].update(hint="x"), "item 1: 'hint' is not in the schema"),
    (LESSON, lambda a: a["sections"][1]["blocks"][0].update(sources=[3]), "section 2, block 1: source number 3 does not exist; cite passages 1 to 2"),
    (LESSON, lambda a: a["sections"][1]["blocks"][0].update(sources=[]), "section 2, block 1: cite at least one passage"),
    (LESSON, lambda a: a["introduction"][0].update(text="As shown [^1]."), "introduction, paragraph 1: text: footnote references like [^1] belong at the end of a paragraph"),
    (LESSON, lambda a: a["introduction"][0].update(text="Hidden [\x01^1]."), "introduction, paragraph 1: text: footnote references like [^1] belong at the end of a paragraph"),
    (LESSON, lambda a: a["sections"][0].update(heading="\x00\u2028 "), "section 1: heading: must not be empty"),
    (LESSON, lambda a: a["sections"][0].update(heading="\u200b"), "section 1: heading: must start with a visible character (no leading space or control character)"),
    (LESSON, lambda a: a["sections"][0].update(heading=" Leading space"), "section 1: heading: must start with a visible character (no leading space or control character)"),
    (LESSON, lambda a: a["sections"].append(a["sections"][0]), "sections: must have exactly 2 entries; the answer has 3"),
    (LESSON, lambda a: a["sections"][0]["blocks"].append(a["sections"][0]["blocks"][0]), "section 1: blocks: must have 1 to 5 entries; the answer has 6"),
    (LESSON, lambda a: a["sections"][1].update(blocks=[]), "section 2: blocks: must have 1 to 5 entries; the answer has 0"),
    (LESSON, lambda a: a["introduction"][0].update(type="list"), "introduction, paragraph 1: type: Input should be 'paragraph'"),
    (LESSON, lambda a: a["sections"][0]["blocks"][1].update(items=["Only one."]), "section 1, block 2: items: must have 2 to 8 entries; the answer has 1"),
    (LESSON, lambda a: a["sections"][0]["blocks"][1]["items"].__setitem__(1, "[^1] up front"), "section 1, block 2, list item 2: footnote references like [^1] belong at the end of a paragraph"),
    (LESSON, lambda a: a["sections"][0]["blocks"][1].update(ordered="yes"), "section 1, block 2: ordered: Input should be a valid boolean"),
    (LESSON, lambda a: a["sections"][0]["blocks"][2]["rows"].append(["C", "5.0", "extra"]), "section 1, block 3, row 3: has 3 cell(s); every row has as many cells as the header (2)"),
    (LESSON, lambda a: a["sections"][0]["blocks"][2]["rows"][0].__setitem__(1, " "), "section 1, block 3, row 1, cell 2: must not be empty"),
    (LESSON, lambda a: a["sections"][0]["blocks"][2].update(header=["a", "b", "c", "d", "e"]), "section 1, block 3: a table has 2 to 4 columns; this header has 5 cells"),
    (LESSON, lambda a: a["sections"][0]["blocks"][2].update(header=["a"]), "section 1, block 3: a table has 2 to 4 columns; this header has 1 cells"),
    (LESSON, lambda a: a["sections"][0]["blocks"][2].pop("caption"), "section 1, block 3: caption is missing"),
    (LESSON, lambda a: a["sections"][0]["blocks"][2].update(rows=[]), "section 1, block 3: rows: must have 1 to 8 entries; the answer has 0"),
    (LESSON, lambda a: a["sections"][0]["blocks"][3].update(language="c sharp"), "section 1, block 4: language: a code block's language is one name like python, r, bash or text (letters, digits, _ + # . -)"),
    (LESSON, lambda a: a["sections"][0]["blocks"][3].update(code="\n  x = 1"), "section 1, block 4: code: must start with a visible character (no leading space or control character)"),
    (LESSON, lambda a: a["sections"][0]["blocks"][3].update(sources=[1]), "section 1, block 4: 'sources' is not in the schema"),
    (LESSON, lambda a: a["sections"][0]["blocks"][4].update(style="danger"), "section 1, block 5: style 'danger' is not a callout style; use note, tip, warning, example, activity, takeaway"),
    (LESSON, lambda a: a["sections"][0]["blocks"][4].update(sources=[5]), "section 1, block 5: source number 5 does not exist; cite passages 1 to 2"),
    (LESSON, lambda a: a["sections"][0]["blocks"][4].pop("type"), "section 1, block 5: type is missing; use paragraph, list, table, code, callout"),
    (LESSON, lambda a: a["sections"][0]["blocks"][4].update(type="math"), "section 1, block 5: type 'math' is not a block type here; use paragraph, list, table, code, callout"),
    (LESSON, lambda a: a["sections"][1]["blocks"].append({"type": "figure", "figure": "F1"}), "section 2, block 2: type 'figure': no figures are offered here; use paragraph, list, table, code, callout"),
    (ILLUSTRATED, lambda a: a["sections"][1]["blocks"][1].update(figure="F3"), "section 2, block 2: figure 'F3' is not one of the figures offered (F1, F2)"),
    (ILLUSTRATED, lambda a: a["sections"][1]["blocks"][1].update(src="x.png"), "section 2, block 2: 'src' is not in the schema"),
    (Terms("lesson", 1, 0), lambda a: a["introduction"][0].update(sources=[1]), "introduction, paragraph 1: sources: must have exactly 0 entries; the answer has 1"),
    (Terms("slides", 4), lambda a: a["slides"][3]["bullets"].extend(["b"] * 6), "slide 4: bullets: must have 1 to 6 entries; the answer has 7"),
    (Terms("slides", 4), lambda a: a["slides"][0].update(notes=""), "slide 1: notes: must not be empty"),
    (Terms("slides", 4), lambda a: a["slides"][0].pop("visual"), "slide 1: visual is missing"),
    (Terms("slides", 4), lambda a: a["slides"][0]["visual"].update(language=""), "slide 1, visual: language: must not be empty"),
    (Terms("slides", 4), lambda a: a["slides"][1]["visual"]["rows"][0].pop(), "slide 2, visual, row 1: has 2 cell(s); every row has as many cells as the header (3)"),
    (Terms("slides", 4), lambda a: a["slides"][2].update(visual={"type": "list", "ordered": False, "items": ["a", "b"]}), "slide 3, visual: type 'list' is not a block type here; use code, table"),
    (Terms("slides", 4), lambda a: a["slides"][2].update(visual={"type": "figure", "figure": "F1"}), "slide 3, visual: type 'figure': no figures are offered here; use code, table"),
    (Terms("slides", 4, figures=("F1",)), lambda a: a["slides"][3]["visual"].update(figure="F2"), "slide 4, visual: figure 'F2' is not one of the figures offered (F1)"),
]


@pytest.mark.parametrize(("t", "change", "message"), REFUSALS, ids=[m for _, _, m in REFUSALS])
def test_the_schema_and_the_local_check_refuse_alike_and_the_re_ask_names_the_place(t, change, message):
    answer = sample(t)
    change(answer)
    assert not jsonschema.Draft202012Validator(json_schema(t, "llama.cpp")).is_valid(answer)
    with pytest.raises(AnswerError) as caught:
        parse(t, json.dumps(answer))
    assert str(caught.value) == SCHEMA_ERROR + message


def test_true_false_answers_ignore_case_and_spaces():
    answer = sample(QUIZ)
    answer["items"][1]["correct_answer"] = " TRUE "
    made = to_quiz(parse(QUIZ, json.dumps(answer)), "T", "m1-l1", LABELS)
    assert [(o.text, o.correct) for o in made.items[1].options] == [("True", True), ("False", False)]
    assert [(o.text, o.correct) for o in made.items[2].options] == [("flipped classroom", True)]


def test_several_problems_are_listed_and_broken_json_is_named():
    answer = sample(QUIZ)
    answer["items"][0]["objective"] = "LO9"
    answer["items"][2]["distractors"] = ["x"]
    with pytest.raises(AnswerError) as caught:
        parse(QUIZ, json.dumps(answer))
    assert str(caught.value) == SCHEMA_ERROR + "item 1: objective 'LO9' is not one of this lesson's objectives (LO1, LO2); item 3: this kind of item has no distractors; the answer has 1"
    with pytest.raises(AnswerError, match=r"^the answer does not match the JSON schema: answer: Invalid JSON"):
        parse(QUIZ, '{"items": [')


def test_fenced_answers_are_accepted():
    slides = Terms("slides", 2)
    assert parse(slides, '```json\n{"slides": [{"title": "T", "bullets": ["b"], "visual": null, "notes": "n"}]}\n```').slides[0].title == "T"


def test_the_digest_changes_with_the_builder_and_the_server(monkeypatch):
    before = {(kind, server): contracts.digest(kind, server) for kind in contracts.SAMPLES for server in SERVERS}
    for kind in contracts.SAMPLES:  # servers that honour other keywords get other schemas (the key names the server too)
        assert len({before[(kind, server)] for server in ("openai", "llama.cpp", "other")}) == 3
    assert before[("quiz", "other")] != before[("slides", "other")]
    caches = (contracts.contract, contracts._schema_text, contracts.digest)
    monkeypatch.setattr(contracts, "DISTRACTORS", DISTRACTORS + 1)
    for cached in caches:
        cached.cache_clear()
    try:
        assert contracts.digest("quiz", "llama.cpp") != before[("quiz", "llama.cpp")]
        assert contracts.digest("lesson", "llama.cpp") == before[("lesson", "llama.cpp")]
    finally:
        monkeypatch.undo()
        for cached in caches:
            cached.cache_clear()


# The patterns say exactly what the content model checks ------------------------------------------

VISIBLE = re.compile(f"[^{patterns.INVISIBLE}]")
DROPPED = re.compile(f"[{patterns.DROPPED}]")


@settings(max_examples=3000, deadline=None)
@given(st.text(alphabet="[^]a _\x01\u202e\t\u00a0", min_size=1, max_size=10))
def test_the_prose_pattern_is_a_visible_start_and_no_footnote_reference_once_cleaned(text):
    wanted = bool(VISIBLE.fullmatch(text[0])) and not FOOTNOTE_REF.search(DROPPED.sub("", text))
    assert (re.fullmatch(patterns.PROSE, text) is not None) == wanted


@settings(max_examples=3000, deadline=None)
@given(st.text(alphabet="_^a[]", min_size=1, max_size=14))
def test_the_cloze_pattern_is_exactly_one_blank_and_no_caret(text):
    wanted = "^" not in text and re.findall("_+", text) == ["____"]
    assert (re.fullmatch(patterns.CLOZE, text) is not None) == wanted


# What no schema can say: checked in code ---------------------------------------------------------


def quiz(*items: dict):
    t = Terms("quiz", len(items), 0, ("LO1", "LO2"), QUIZ_KINDS)
    return to_quiz(parse(t, json.dumps({"items": list(items)})), "T", "m1-l1", LABELS)


@pytest.mark.parametrize(("changes", "message"), [
    ({"distractors": ["Flipped classroom!", "lab rotation", "station rotation"]}, f"item 1: {SAME}"),
    ({"distractors": ["station rotation", "all of the above", "lab rotation"]}, "item 1: no 'all of the above' or 'none of the above' options"),
    ({"distractors": ["a", "b", "c"]}, "item 1: the correct answer must not be the one longest option; make a distractor as long"),
    ({"distractors": ["flipped\x01 classroom", "b", "c"]}, f"item 1: {SAME}"),  # a control character is dropped, not a difference
])
def test_quiz_checks_the_schema_cannot_carry_become_re_asks(changes, message):
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
    t = Terms("quiz", 2, 0, ("LO1", "LO2"), ("multiple_choice",))
    for lesson in (f"m{m}-l{n}" for m in (1, 2) for n in (1, 2, 3, 4)):
        items = [
            item(correct_answer=f"answer {lesson} {k}", distractors=[f"wrong one {lesson} {k}", f"wrong two {lesson} {k}", f"wrong three {lesson} {k}"], objective=f"LO{k}")
            for k in (1, 2)
        ]
        answer = parse(t, json.dumps({"items": items}))
        made = to_quiz(answer, "T", lesson, LABELS, ("LO1", "LO2"))
        assert made == to_quiz(answer, "T", lesson, LABELS, ("LO1", "LO2"))  # deterministic
        slots = [[o.correct for o in i.options].index(True) for i in made.items]
        assert len(set(slots)) == 2  # a lesson's items use different positions
        assert [o.text for i in made.items for o in i.options if not o.correct] == [d for a in items for d in a["distractors"]]  # distractors keep their order
        positions.update(slots)
    assert sorted(positions.values()) == [4, 4, 4, 4], positions


def test_an_objective_without_a_question_is_a_re_ask():
    t = Terms("quiz", 2, 0, ("LO1", "LO2"), ("multiple_choice",))
    answer = parse(t, json.dumps({"items": [item(), item(correct_answer="station rotation", distractors=["flipped classroom", "lab rotation", "flex model"])]}))
    with pytest.raises(AnswerError, match="^objective\\(s\\) LO2 have no question; give every objective at least one$"):
        to_quiz(answer, "T", "m1-l1", LABELS, ("LO1", "LO2"))


# Options a learner cannot tell apart: the same text but for invisible characters or look-alike letters.
@pytest.mark.parametrize("twin", [
    "flipped class\u200broom",  # zero-width space
    "flipped\u200d classroom",  # zero-width joiner
    "flipped class\u00adroom",  # soft hyphen
    "flipped classroom\u2060",  # word joiner
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
    ("$x^2$", "$x_2$"),  # formulas and code are compared as written
    ("`a == b`", "`a = b`"),
])
def test_options_that_differ_to_a_reader_stay_apart(right, other):
    made = quiz(item(correct_answer=right, distractors=[other, "station rotation here", "lab rotation there"]))
    assert sorted(o.text for o in made.items[0].options) == sorted([right, other, "station rotation here", "lab rotation there"])


@settings(max_examples=2000, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("ab AB.,;:-'\"?()éÉ\u0430\u200b\u00ad\t\n`$\\&<>*_[]!#~|0123456789")), max_size=24))
def test_an_option_without_markup_gets_the_key_its_parse_would_give(text):
    """option_key skips the inline parse for prose alone; the key is the parse's, markup or not."""
    from courseware.content.options import _parsed_key, option_key

    assert option_key(text) == _parsed_key(text)


def test_citations_are_renumbered_by_first_use():
    answer = sample(LESSON)
    answer["introduction"][0]["sources"] = [2, 2]
    answer["sections"][0]["blocks"][0]["sources"] = [1, 2]
    made = to_article(parse(LESSON, json.dumps(answer)), PASSAGES)
    assert [r.source for r in made.references] == ["b.md", "a.md"]
    assert [cites(b) for b in made.blocks()] == [[1], [2, 1], [1], [2], [], [], [1]]


def test_without_passages_no_citation_is_asked_for():
    t = Terms("lesson", 1, 0)
    made = to_article(parse(t, json.dumps(sample(t))), [])
    assert made.references == [] and all(cites(b) == [] for b in made.blocks())


def test_every_kind_of_block_becomes_its_content_block():
    made = to_article(parse(ILLUSTRATED, json.dumps(sample(ILLUSTRATED))), PASSAGES, FIGURES)
    assert made.intro == [Paragraph(text="Intro.", cites=[1])]
    assert made.sections[0].blocks == [
        Paragraph(text="Some grounded text.", cites=[1]),
        ListBlock(ordered=True, items=[ListItem(text="First `step`."), ListItem(text="Second step.", cites=[2])]),  # the list's citations at its end
        Table(header=["Group", "Mean $\\bar{x}$"], rows=[["A", "3.2"], ["B", "4.1"]], caption="Means by group.", cites=[1]),
        Code(language="r", code="mean(x)\n  # indented", output="[1] 3.2"),
        Callout(style="tip", blocks=[Paragraph(text="Check the units.")]),
    ]
    assert made.sections[1].blocks == [
        Paragraph(text="Some grounded text.", cites=[2]),
        Figure(src=FIGURES[0].src, alt="A bar chart of scores", caption="Scores by group.", credit="Course team, CC BY 4.0", cites=[2]),
    ]
    assert made.references == [Reference(source="a.md", section="A"), Reference(source="b.md", section="B")]  # the figure's place is passage 2's


def test_a_figure_cites_its_own_place_and_one_without_caption_cites_nothing():
    answer = sample(ILLUSTRATED)
    answer["sections"][1]["blocks"] = [answer["sections"][1]["blocks"][0], {"type": "figure", "figure": "F2"}, {"type": "figure", "figure": "F1"}]
    other = [SourceFigure("F1", "f.svg", "Alt", "A caption.", None, "other.md", "Elsewhere"), FIGURES[1]]
    made = to_article(parse(ILLUSTRATED, json.dumps(answer)), PASSAGES, other)
    assert made.sections[1].blocks[1:] == [Figure(src=FIGURES[1].src, alt="A box plot"), Figure(src="f.svg", alt="Alt", caption="A caption.", cites=[3])]
    assert made.references[2] == Reference(source="other.md", section="Elsewhere")  # not a passage: a reference of its own


def test_slides_show_their_visual():
    t = Terms("slides", 4, figures=("F1",))
    deck = to_slides(parse(t, json.dumps(sample(t))), "Deck", FIGURES[:1])
    assert [s.visual for s in deck.slides] == [
        Code(language="python", code="print(1)"),
        Table(header=["a", "b", "c"], rows=[["1", "2", "3"]]),
        None,
        Figure(src=FIGURES[0].src, alt="A bar chart of scores", caption="Scores by group.", credit="Course team, CC BY 4.0"),  # a slide cites nothing
    ]


def test_quiz_texts_may_hold_inline_code_and_math():
    answer = {"items": [
        item(prompt="What does `mean(x)` return for $x = (1, 2, 3)$?", correct_answer="`2`", distractors=["`1.5`", "$\\sqrt{2}$", "`NA` here"], feedback="The mean is $\\bar{x} = 2$."),
        item("true_false", prompt="The median of `c(1, 9)` is $5$."),
        item("cloze", prompt="In R, `mean(x)` gives the ____ of $x$."),
    ]}
    made = to_quiz(parse(QUIZ, json.dumps(answer)), "T", "m1-l1", LABELS)
    assert made.items[0].prompt == "What does `mean(x)` return for $x = (1, 2, 3)$?" and made.items[0].answer.text == "`2`"
    assert made.items[0].feedback == "The mean is $\\bar{x} = 2$." and made.items[2].prompt == "In R, `mean(x)` gives the ____ of $x$."


def test_offered_figures_are_those_in_the_passages_sections_numbered_in_order():
    found = [SourceFigure("", "x.svg", "X", source="a.md", section="A"), SourceFigure("", "y.svg", "Y", source="z.md", section="Z"), SourceFigure("", "w.svg", "W", source="b.md", section="B")]
    assert [(f.id, f.src) for f in offered(found, PASSAGES)] == [("F1", "x.svg"), ("F2", "w.svg")]
    assert offered(found, []) == []
