"""The output contracts with a model: pydantic models built per task, the JSON schema derived
from them, the checks code makes on an answer, and the conversion of an answer into content.

A task's contract states all it can: its objective ids, question kinds and offered figures as
enums, citation numbers within its passages, every list and every string bounded, text rules as
patterns, a table's rows as wide as its header (one schema branch per width). The same model
validates the answer locally, whatever the server enforced. A few rules no JSON schema can state
(distinct options, the right answer not the one longest) are checked in code. A failed check
raises AnswerError, whose text goes back to the model as a re-ask.

An article's answer is an introduction of paragraphs and sections of typed blocks, each tagged
by its "type": paragraph, list, table, code, callout, and figure (by id, only when the lesson's
passages offer figures). A slide may show one visual: code, a table or a figure.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache, partial
from typing import Annotated, Any, Literal, Union

from pydantic import BaseModel, BeforeValidator, ConfigDict, Discriminator, Field, StrictBool, StringConstraints, Tag, ValidationError, create_model

from courseware.content.blocks import CALLOUT_STYLES, Callout, Code, Figure, ListBlock, ListItem, Table
from courseware.content.options import option_key
from courseware.content.model import Article, Option, Paragraph, Quiz, QuizItem, Reference, Section, Slide, SlideDeck, numbered
from courseware.generate import patterns, schema
from courseware.generate.figures import SourceFigure
from courseware.generate.positions import answer_position
from courseware.spec.model import QUIZ_KINDS

# How long each text may be, in characters, and how many entries each list may have: generous
# for what the prompts ask, tight enough that a runaway cannot fill a context window.
LENGTHS = {
    "title": 500, "heading": 500, "paragraph": 2000, "item": 500, "cell": 200, "caption": 500, "language": 40, "code": 2000,
    "output": 1000, "callout": 1000, "prompt": 1000, "option": 500, "feedback": 1000, "bullet": 500, "notes": 1500,
}  # fmt: skip
INTRODUCTION = (1, 2)  # paragraphs
SECTION_BLOCKS = (1, 5)  # a few blocks a section: a small model keeps to the point, a grammar stays small
LIST_ITEMS = (2, 8)
COLUMNS = (2, 4)  # a table's width; one schema branch per width says "every row as wide as the header"
ROWS = (1, 8)
DISTRACTORS = 3  # what the quiz prompt asks for: four options in all
BULLETS = (1, 6)  # per slide


class AnswerError(ValueError):
    """An answer that parsed but breaks the contract; its message is the re-ask."""


class _Answer(BaseModel):
    model_config = ConfigDict(extra="forbid")


@dataclass(frozen=True)
class Terms:
    """What decides one task's contract: its kind, how many parts (sections, questions or at most
    how many slides), how many passages it may cite, and for a quiz its objectives and kinds."""

    kind: str
    parts: int
    passages: int = 0
    objectives: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()
    figures: tuple[str, ...] = ()  # the ids of the figures offered (lessons and slides)


def terms(kind: str, inputs: dict[str, Any], passages: int, figures: tuple[str, ...] = ()) -> Terms:
    """The terms of a task from its inputs, the number of passages it is grounded in and the ids
    of the figures offered with them."""
    if kind == "overview":
        return Terms(kind, len(inputs["modules"]), passages)
    if kind == "lesson":
        return Terms(kind, len(inputs["lesson"]["key_points"]), passages, figures=figures)
    if kind == "quiz":  # quizzes and slides cite nothing: their terms leave the passages out
        kinds = tuple(k for k in QUIZ_KINDS if k in inputs["quiz"]["kinds"])
        return Terms(kind, inputs["quiz"]["questions"], 0, tuple(o["id"] for o in inputs["lesson"]["objectives"]), kinds)
    return Terms(kind, inputs["slides"]["max"], figures=figures)


def _text(length: str, pattern: str = patterns.PROSE) -> Any:
    return Annotated[str, StringConstraints(min_length=1, max_length=LENGTHS[length], pattern=pattern)]


def _list(item: Any, least: int, most: int) -> Any:
    return Annotated[list[item], Field(min_length=least, max_length=most)]


def _true_false(value: Any) -> Any:
    return value.strip().casefold() if isinstance(value, str) else value  # "True" means true


def _block_tag(value: Any) -> str | None:
    """Which branch a block is: its type, and for a table its width ("table3")."""
    if not isinstance(value, dict):
        return None
    if value.get("type") == "table":
        header = value.get("header")
        return f"table{len(header)}" if isinstance(header, list) else f"table{COLUMNS[0]}"  # the branch then names what is wrong
    kind = value.get("type")
    return kind if isinstance(kind, str) else None


def _union(branches: dict[str, type[_Answer]]) -> Any:
    """A tagged union of blocks (the schema: a plain anyOf; the local check: by _block_tag)."""
    return Annotated[Union[tuple(Annotated[model, Tag(tag)] for tag, model in branches.items())], Discriminator(_block_tag)]


def _model(name: str, type_: str, **fields: Any) -> type[_Answer]:
    """A block's model: its type tag first, then its fields, every one required (None where optional)."""
    return create_model(name, __base__=_Answer, type=(Literal[type_], ...), **{k: (v, ...) for k, v in fields.items()})


def _tables(caption: bool, sources: Any = None) -> dict[str, type[_Answer]]:
    """One table branch per width: the header and every row have exactly that many cells."""
    found = {}
    for width in range(COLUMNS[0], COLUMNS[1] + 1):
        cells = _list(_text("cell"), width, width)
        extra = {"caption": _text("caption"), "sources": sources} if caption else {}
        found[f"table{width}"] = _model(f"Table{width}", "table", header=cells, rows=_list(cells, *ROWS), **extra)
    return found


def _figure(terms: Terms) -> dict[str, type[_Answer]]:
    """The figure branch: one of the offered ids; absent when nothing is offered."""
    return {"figure": _model("FigureChoice", "figure", figure=Literal[terms.figures])} if terms.figures else {}


@cache
def contract(terms: Terms) -> type[_Answer]:
    """The pydantic model of one task's answer (cached: tasks with the same terms share it)."""
    if terms.kind in ("overview", "lesson"):
        count = terms.passages
        cite = Annotated[int, Field(ge=1, le=max(count, 1))]
        sources, optional = _list(cite, 1 if count else 0, count), _list(cite, 0, count)  # a tip or an activity may be the writer's own
        paragraph = _model("ParagraphBlock", "paragraph", text=_text("paragraph"), sources=sources)
        blocks = {  # the paragraph first: the branch a section starts with
            "paragraph": paragraph,
            "list": _model("ListBlock", "list", ordered=StrictBool, items=_list(_text("item"), *LIST_ITEMS), sources=sources),
            **_tables(True, sources),
            "code": _model("CodeBlock", "code", language=_text("language", patterns.LANGUAGE), code=_text("code", patterns.LINE), output=_text("output", patterns.LINE) | None),
            "callout": _model("CalloutBlock", "callout", style=Literal[CALLOUT_STYLES], title=_text("title") | None, text=_text("callout"), sources=optional),
            **_figure(terms),
        }  # fmt: skip
        section = create_model("AnswerSection", __base__=_Answer, heading=(_text("heading"), ...), blocks=(_list(_union(blocks), *SECTION_BLOCKS), ...))
        return create_model("ArticleAnswer", __base__=_Answer, title=(_text("title"), ...), introduction=(_list(paragraph, *INTRODUCTION), ...), sections=(_list(section, terms.parts, terms.parts), ...))
    if terms.kind == "quiz":
        branches = tuple(_item(kind, terms.objectives) for kind in terms.kinds)
        item = branches[0] if len(branches) == 1 else Annotated[Union[branches], Field(discriminator="kind")]
        return create_model("QuizAnswer", __base__=_Answer, items=(_list(item, terms.parts, terms.parts), ...))
    visuals = {"code": _model("CodeVisual", "code", language=_text("language", patterns.LANGUAGE), code=_text("code", patterns.LINE)), **_tables(False), **_figure(terms)}
    slide = create_model(
        "SlideAnswer", __base__=_Answer, title=(_text("title"), ...), bullets=(_list(_text("bullet"), *BULLETS), ...),
        visual=(_union(visuals) | None, ...), notes=(_text("notes", patterns.LINE), ...),
    )  # fmt: skip
    return create_model("SlidesAnswer", __base__=_Answer, slides=(_list(slide, 1, terms.parts), ...))


def _item(kind: str, objectives: tuple[str, ...]) -> type[_Answer]:
    """One schema branch per question kind: only multiple choice has distractors, exactly DISTRACTORS."""
    right: Any = _text("option")
    prompt: Any = _text("prompt", patterns.CLOZE if kind == "cloze" else patterns.PROSE)
    if kind == "true_false":
        right = Annotated[Literal["true", "false"], BeforeValidator(_true_false)]
    distractors = DISTRACTORS if kind == "multiple_choice" else 0
    return create_model(
        kind.title().replace("_", "") + "Item", __base__=_Answer,
        kind=(Literal[kind], ...), objective=(Literal[objectives], ...), prompt=(prompt, ...), correct_answer=(right, ...),
        distractors=(_list(_text("option"), distractors, distractors), ...), feedback=(_text("feedback"), ...),
    )  # fmt: skip


def json_schema(terms: Terms, server: str, in_prompt: bool = False) -> dict[str, Any]:
    """The JSON schema of a task's answer for a server profile (a fresh copy each call)."""
    return json.loads(_schema_text(terms, server, in_prompt))


@cache
def request_schema(terms: Terms, server: str) -> dict[str, Any]:
    """The JSON schema a request carries as its response format: one object for all the requests
    with these terms, never changed (Chat._for_server and the SDK copy what they send)."""
    return json_schema(terms, server)


@cache
def _schema_text(terms: Terms, server: str, in_prompt: bool) -> str:
    return json.dumps(schema.derive(contract(terms), server, in_prompt), ensure_ascii=False)


# Terms that reach every branch of the builder: a change to any bound, pattern or branch
# changes this digest, and with it every content key of the kind (see digest()).
SAMPLES = {
    "overview": (Terms("overview", 2, 0), Terms("overview", 3, 4)),
    "lesson": (Terms("lesson", 2, 0), Terms("lesson", 3, 4, figures=("F1", "F2"))),
    "quiz": (Terms("quiz", 3, 0, ("LO1", "LO2"), QUIZ_KINDS), Terms("quiz", 1, 0, ("LO1",), ("cloze",))),
    "slides": (Terms("slides", 4), Terms("slides", 4, figures=("F1",))),
}


@cache
def digest(kind: str, server: str) -> str:
    """A hash of how this version builds a kind's schemas for a server, for the content key.

    A task's own schema follows from its inputs (already in its key) and its passages (which
    follow from its inputs and the sources, as its prompt does), so hashing the builder's output
    on fixed sample terms is enough for the key to change whenever the schema would."""
    texts = [_schema_text(t, server, in_prompt) for t in SAMPLES[kind] for in_prompt in (False, True)]
    return hashlib.sha256("\n".join(texts).encode("utf-8")).hexdigest()


def parse(terms: Terms, text: str) -> _Answer:
    """Validate an answer's JSON text against its task's contract, whatever the server claims
    to enforce; AnswerError names the place of each problem ("section 2, paragraph 1: ...")."""
    try:
        return contract(terms).model_validate_json(_unfence(text))
    except ValidationError as exc:
        problems = "; ".join(_problem(error, terms) for error in exc.errors()[:8])
        raise AnswerError(f"the answer does not match the JSON schema: {problems}") from None


def _unfence(text: str) -> str:
    match = re.fullmatch(r"\s*```(?:json)?\s*\n(.*)\n\s*```\s*", text, re.DOTALL)
    return match.group(1) if match else text


# A list name followed by an index is a place: ("sections", 1, "blocks", 0) is "section 2, block 1".
PLACES = {
    "items": "item", "sections": "section", "blocks": "block", "paragraphs": "paragraph", "introduction": "introduction, paragraph",
    "slides": "slide", "bullets": "bullet", "distractors": "distractor", "rows": "row", "header": "header cell",
}  # fmt: skip
BLOCK_TYPES = ("paragraph", "list", "table", "code", "callout", "figure")


def _problem(error: dict, terms: Terms) -> str:
    """One validation error as the re-ask says it: where, then what."""
    loc, places, field, tag = error["loc"], [], "", ""
    i = 0
    while i < len(loc):
        name = loc[i]
        if name in PLACES and i + 1 < len(loc) and isinstance(loc[i + 1], int):
            places.append(f"{PLACES[name] if name != 'items' or terms.kind == 'quiz' else 'list item'} {loc[i + 1] + 1}")
            field, i = "", i + 2
            if name == "rows" and i < len(loc) and isinstance(loc[i], int):  # a cell of a row
                places.append(f"cell {loc[i] + 1}")
                i += 1
            if i < len(loc) and isinstance(loc[i], str) and _is_tag(loc[i]):  # a tagged union puts the tag in the path
                tag, i = loc[i], i + 1
            continue
        if name == "visual" and (i + 1 < len(loc) or error["type"] != "missing"):
            places.append("visual")
            field, i = "", i + 1
            if i < len(loc) and isinstance(loc[i], str) and _is_tag(loc[i]):
                tag, i = loc[i], i + 1
            continue
        if isinstance(name, str) and name not in QUIZ_KINDS:
            field = name
        i += 1
    message = _message(error, field, terms, tag, places)
    where = ", ".join(places) or ("answer" if not field else "")
    return f"{where + ': ' if where else ''}{message}"


def _is_tag(name: str) -> bool:
    return name in QUIZ_KINDS or name in BLOCK_TYPES or re.fullmatch(r"table\d", name) is not None


def _message(error: dict, field: str, terms: Terms, tag: str = "", places: list[str] = ()) -> str:
    kind, ctx, value = error["type"], error.get("ctx") or {}, error.get("input")
    named = f"{field}: " if field else ""
    if kind in ("union_tag_not_found", "union_tag_invalid") and "_block_tag" in str(ctx.get("discriminator", "")):
        return _block_type_message(kind, ctx, terms)
    if kind == "union_tag_not_found":
        return "kind is missing"
    if kind == "union_tag_invalid" or (field == "kind" and kind == "literal_error"):
        tag = ctx.get("tag", value)
        return f"kind {tag!r} was not asked for; use {', '.join(terms.kinds)}"
    if field == "objective" and kind == "literal_error":
        return f"objective {value!r} is not one of this lesson's objectives ({', '.join(terms.objectives)})"
    if field == "correct_answer" and kind == "literal_error":
        return "a true_false item's correct_answer is exactly 'true' or 'false'"
    if field == "figure" and kind == "literal_error":
        return f"figure {value!r} is not one of the figures offered ({', '.join(terms.figures)})"
    if field == "style" and kind == "literal_error":
        return f"style {value!r} is not a callout style; use {', '.join(CALLOUT_STYLES)}"
    if field == "sources" and kind in ("greater_than_equal", "less_than_equal"):
        return f"source number {value} does not exist; " + (f"cite passages 1 to {terms.passages}" if terms.passages else "there are no passages to cite")
    if field == "sources" and kind == "too_short":
        return "cite at least one passage"
    if field == "distractors" and kind in ("too_short", "too_long"):
        wanted = f"exactly {DISTRACTORS} distractors" if ctx.get("min_length") else "no distractors"
        return f"this kind of item has {wanted}; the answer has {ctx.get('actual_length')}"
    if kind in ("too_short", "too_long") and not field and places and places[-1].startswith("row ") and tag.startswith("table"):
        return f"has {ctx.get('actual_length')} cell(s); every row has as many cells as the header ({tag.removeprefix('table')})"
    if kind in ("too_short", "too_long"):
        least, most = _sizes(terms).get(field, (ctx.get("min_length"), ctx.get("max_length")))
        wanted = f"exactly {least}" if least == most else (f"{least} to {most}" if least is not None and most is not None else f"at least {least}" if most is None else f"at most {most}")
        return f"{named}must have {wanted} entries; the answer has {ctx.get('actual_length')}"
    if kind == "string_too_long":
        return f"{named}has {len(value)} characters; at most {ctx.get('max_length')}"
    if kind == "string_too_short":
        return f"{named}must not be empty"
    if kind == "string_pattern_mismatch":
        return f"{named}{patterns.explain(ctx.get('pattern', ''), value)}"
    if kind == "missing":
        return f"{field} is missing"
    if kind == "extra_forbidden":
        return f"{field!r} is not in the schema"
    return f"{named}{error['msg']}"


def _block_type_message(kind: str, ctx: dict, terms: Terms) -> str:
    """A block whose type is missing or not one of its union's (a table: of a width it has no branch for)."""
    types = ["code", "table"] if terms.kind == "slides" else ["paragraph", "list", "table", "code", "callout"]
    types += ["figure"] if terms.figures else []
    if kind == "union_tag_not_found":
        return f"type is missing; use {', '.join(types)}"
    tag = str(ctx.get("tag", ""))
    if re.fullmatch(r"table\d+", tag):
        return f"a table has {COLUMNS[0]} to {COLUMNS[1]} columns; this header has {tag.removeprefix('table')} cells"
    if tag == "figure":
        return f"type 'figure': no figures are offered here; use {', '.join(types)}"
    return f"type {tag!r} is not a block type here; use {', '.join(types)}"


def _sizes(terms: Terms) -> dict[str, tuple[int, int]]:
    """The bounds of each list of a contract, for re-asks (pydantic names only the one crossed)."""
    return {
        "items": (terms.parts, terms.parts) if terms.kind == "quiz" else LIST_ITEMS, "sections": (terms.parts, terms.parts),
        "slides": (1, terms.parts), "introduction": INTRODUCTION, "blocks": SECTION_BLOCKS, "bullets": BULLETS, "rows": ROWS,
        "sources": (0, terms.passages),
    }  # fmt: skip


def to_article(answer: Any, passages: list[dict], figures: list[SourceFigure] = ()) -> Article:
    """An Article whose references are the cited passages, renumbered by first citation; a chosen
    figure is the offered one, citing the place it comes from when it has a caption to cite in."""
    references = [Reference(source=p["source"], section=p["section"], page=p.get("page"), slide=p.get("slide")) for p in passages]
    offered = {f.id: f for f in figures}

    def reference(figure: SourceFigure) -> int:
        place = Reference(source=figure.source, section=figure.section)
        if place not in references:
            references.append(place)
        return references.index(place) + 1

    def block(item: Any) -> Any:
        cites = list(dict.fromkeys(getattr(item, "sources", ())))
        if item.type == "paragraph":
            return Paragraph(text=item.text, cites=cites)
        if item.type == "list":  # the list's citations at its end, where the reviewed markdown puts an item's
            return ListBlock(ordered=item.ordered, items=[ListItem(text=t, cites=cites if n == len(item.items) else []) for n, t in enumerate(item.items, start=1)])
        if item.type == "table":
            return Table(header=item.header, rows=item.rows, caption=item.caption, cites=cites)
        if item.type == "code":
            return Code(language=_language(item.language), code=item.code, output=item.output)
        if item.type == "callout":
            return Callout(style=item.style, title=item.title, blocks=[Paragraph(text=item.text, cites=cites)])
        return _figure_block(offered[item.figure], reference)

    # Every model is built inside _valid: a text the content model refuses is a re-ask, not a
    # crash of the build (the contract's patterns keep such texts out, but the content model
    # is the last word).
    return _valid(lambda: numbered(
        answer.title,
        [block(p) for p in answer.introduction],
        [Section(heading=s.heading, blocks=[block(b) for b in s.blocks]) for s in answer.sections],
        references,
    ))


def _figure_block(figure: SourceFigure, reference: Callable[[SourceFigure], int] | None = None) -> Figure:
    cites = [reference(figure)] if reference and figure.caption and figure.source else []
    return Figure(src=figure.src, alt=figure.alt, caption=figure.caption, credit=figure.credit, cites=cites)


def _language(name: str) -> str:
    """A code block's language as the content model takes it: in markdown a block marked
    `output` is the output of the code before it, so a model's "output" is plain text."""
    return "text" if name == "output" else name


BANNED_OPTIONS = re.compile(
    r"\b(all|none|both|neither) of the (above|options|answers)\b|toutes les réponses|aucune des réponses|todas las anteriores|ninguna de las anteriores|todas as anteriores|nenhuma das anteriores",
    re.IGNORECASE,
)


def to_quiz(answer: Any, title: str, lesson_id: str, labels: tuple[str, str], objectives: tuple[str, ...] = ()) -> Quiz:
    """Check what the schema cannot say about each item and that every one of `objectives` has
    one, and place each right answer (courseware/generate/positions.py)."""
    count = sum(item.kind == "multiple_choice" for item in answer.items)
    items = []
    for n, item in enumerate(answer.items, start=1):
        ordinal = sum(i.kind == "multiple_choice" for i in answer.items[: n - 1])
        items.append(_quiz_item(item, f"item {n}", partial(answer_position, lesson_id, count, ordinal), labels))
    missing = [o for o in objectives if o not in {item.objective for item in answer.items}]
    if missing and len(answer.items) >= len(objectives):  # what `courseware lint` checks too
        raise AnswerError(f"objective(s) {', '.join(missing)} have no question; give every objective at least one")
    return _valid(lambda: Quiz(title=title, items=items))


def _quiz_item(item: Any, where: str, place: Callable[[int], int], labels: tuple[str, str]) -> QuizItem:
    right = item.correct_answer.strip()
    if item.kind == "true_false":
        is_true = right == "true"
        options = [Option(text=labels[0], correct=is_true), Option(text=labels[1], correct=not is_true)]
    elif item.kind == "cloze":
        options = [Option(text=right, correct=True)]
    else:
        wrong = [d.strip() for d in item.distractors]
        texts = [right, *wrong]
        if len({option_key(t) for t in texts}) != len(texts):
            raise AnswerError(f"{where}: the options must all differ (after ignoring case, punctuation, invisible characters and look-alike letters)")
        if any(BANNED_OPTIONS.search(t) for t in texts):
            raise AnswerError(f"{where}: no 'all of the above' or 'none of the above' options")
        if all(len(right) > len(w) for w in wrong):
            raise AnswerError(f"{where}: the correct answer must not be the one longest option; make a distractor as long")
        # Models favour some answer positions: code places the right answer among the distractors.
        options = [Option(text=t, correct=False) for t in wrong]
        options.insert(place(len(texts)), Option(text=right, correct=True))
    return _valid(lambda: QuizItem(kind=item.kind, objective=item.objective, prompt=item.prompt, options=options, feedback=item.feedback), where)


def to_slides(answer: Any, title: str, figures: list[SourceFigure] = ()) -> SlideDeck:
    """A slide deck with the lesson's title; a slide's visual becomes its code, table or figure."""
    offered = {f.id: f for f in figures}

    def visual(item: Any) -> Code | Table | Figure | None:
        if item is None:
            return None
        if item.type == "code":
            return Code(language=_language(item.language), code=item.code)
        if item.type == "table":
            return Table(header=item.header, rows=item.rows)
        return _figure_block(offered[item.figure])  # a slide cites nothing: its figure keeps its caption and credit

    return _valid(lambda: SlideDeck(title=title, slides=[Slide(title=s.title, bullets=s.bullets, visual=visual(s.visual), notes=s.notes) for s in answer.slides]))


def _valid(make, where: str = ""):
    try:
        return make()
    except ValidationError as exc:
        err = exc.errors()[0]
        message = str(err.get("ctx", {}).get("error", err["msg"]))
        place = ".".join(str(p) for p in err["loc"])
        raise AnswerError(f"{where + ': ' if where else ''}{place + ': ' if place else ''}{message}") from None
