"""The output contracts with a model: pydantic models, the JSON schema derived from them, the
checks code makes on an answer, and the conversion of an answer into content.

A failed check raises AnswerError, whose text goes back to the model as a re-ask.
"""

from __future__ import annotations

import copy
import re
import unicodedata
from collections.abc import Callable
from functools import cache, partial
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, ValidationError

from courseware.content.model import BLANK, Article, Option, Paragraph, Quiz, QuizItem, Reference, Section, Slide, SlideDeck, numbered
from courseware.generate.positions import answer_position


class AnswerError(ValueError):
    """An answer that parsed but breaks the contract; its message is the re-ask."""


class _Answer(BaseModel):
    model_config = ConfigDict(extra="forbid")


class CitedParagraph(_Answer):
    text: str
    sources: list[int]


class AnswerSection(_Answer):
    heading: str
    paragraphs: list[CitedParagraph]


class ArticleAnswer(_Answer):
    title: str
    introduction: list[CitedParagraph]
    sections: list[AnswerSection]


class QuizItemAnswer(_Answer):
    kind: Literal["multiple_choice", "true_false", "cloze"]
    objective: str
    prompt: str
    correct_answer: str
    distractors: list[str]
    feedback: str


class QuizAnswer(_Answer):
    items: list[QuizItemAnswer]


class SlideAnswer(_Answer):
    title: str
    bullets: list[str]
    notes: str


class SlidesAnswer(_Answer):
    slides: list[SlideAnswer]


CONTRACTS: dict[str, type[_Answer]] = {"overview": ArticleAnswer, "lesson": ArticleAnswer, "quiz": QuizAnswer, "slides": SlidesAnswer}


def json_schema(kind: str, sizes: dict[str, tuple[int, int]] | None = None) -> dict[str, Any]:
    """The strict JSON schema for a task kind, derived from its contract model.

    `sizes` bounds the top-level lists of one task (e.g. {"items": (5, 5)} for a 5-question quiz).
    """
    base = _base_schema(kind)
    schema = {**base, "properties": dict(base["properties"])}  # the cached base stays untouched
    for name, (least, most) in (sizes or {}).items():
        schema["properties"][name] = {**base["properties"][name], "minItems": least, "maxItems": most}
    return schema


@cache
def _base_schema(kind: str) -> dict[str, Any]:
    schema = copy.deepcopy(CONTRACTS[kind].model_json_schema())
    _strict(schema)
    return schema


def sizes(kind: str, inputs: dict[str, Any]) -> dict[str, tuple[int, int]]:
    """The list sizes a task asks for: one section per module or key point, N questions, at most M slides."""
    if kind == "overview":
        count = len(inputs["modules"])
        return {"introduction": (1, 2), "sections": (count, count)}
    if kind == "lesson":
        count = len(inputs["lesson"]["key_points"])
        return {"introduction": (1, 2), "sections": (count, count)}
    if kind == "quiz":
        count = inputs["quiz"]["questions"]
        return {"items": (count, count)}
    return {"slides": (1, inputs["slides"]["max"])}


def _strict(node: Any) -> None:
    """Every object closed and every property required, as strict structured outputs demand."""
    if isinstance(node, dict):
        if node.get("type") == "object" and "properties" in node:
            node["additionalProperties"] = False
            node["required"] = list(node["properties"])
        if isinstance(node.get("title"), str):  # a schema's own title, not a property called title
            del node["title"]
        for value in node.values():
            _strict(value)
    elif isinstance(node, list):
        for value in node:
            _strict(value)


def parse(kind: str, text: str, bounds: dict[str, tuple[int, int]] | None = None) -> _Answer:
    """Validate an answer's JSON text against its contract and list sizes, whatever the server
    claims to enforce; AnswerError says what is wrong."""
    cleaned = _unfence(text)
    try:
        answer = CONTRACTS[kind].model_validate_json(cleaned)
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(str(p) for p in e['loc']) or 'answer'}: {e['msg']}" for e in exc.errors()[:8])
        raise AnswerError(f"the answer does not match the JSON schema: {problems}") from None
    for name, (least, most) in (bounds or {}).items():
        count = len(getattr(answer, name))
        if not least <= count <= most:
            wanted = f"exactly {least}" if least == most else f"{least} to {most}"
            raise AnswerError(f"'{name}' must have {wanted} entries; the answer has {count}")
    return answer


def _unfence(text: str) -> str:
    match = re.fullmatch(r"\s*```(?:json)?\s*\n(.*)\n\s*```\s*", text, re.DOTALL)
    return match.group(1) if match else text


def to_article(answer: ArticleAnswer, passages: list[dict]) -> Article:
    """An Article whose references are the cited passages; checks the citation numbers, and that
    every paragraph of a text grounded in passages cites one."""
    references = [Reference(source=p["source"], section=p["section"]) for p in passages]

    def paragraphs(items: list[CitedParagraph], place: str) -> list[Paragraph]:
        out = []
        for n, item in enumerate(items, start=1):
            bad = [number for number in item.sources if not 1 <= number <= len(passages)]
            if bad:
                raise AnswerError(f"{place}, paragraph {n}: source numbers {bad} do not exist; cite passages 1 to {len(passages)}")
            if passages and not item.sources:  # grounded text says where it comes from, paragraph by paragraph
                raise AnswerError(f"{place}, paragraph {n}: cite at least one passage")
            out.append(Paragraph(text=item.text, cites=list(dict.fromkeys(item.sources))))
        return out

    # Every model is built inside _valid: a text the content model refuses (a footnote reference,
    # nothing left once control characters are dropped) is a re-ask, not a crash of the build.
    return _valid(lambda: numbered(
        answer.title,
        paragraphs(answer.introduction, "introduction"),
        [Section(heading=s.heading, paragraphs=paragraphs(s.paragraphs, f"section {n}")) for n, s in enumerate(answer.sections, start=1)],
        references,
    ))


BANNED_OPTIONS = re.compile(
    r"\b(all|none|both|neither) of the (above|options|answers)\b|toutes les réponses|aucune des réponses|todas las anteriores|ninguna de las anteriores|todas as anteriores|nenhuma das anteriores",
    re.IGNORECASE,
)


def _normal(text: str) -> str:
    """What a learner tells apart in an option: compatibility forms folded (NFKC), format characters
    dropped (zero-width spaces and joiners, soft hyphens), look-alike letters folded to one
    prototype by the Unicode TR39 confusable skeleton (Cyrillic а reads as Latin a), case and
    punctuation ignored. Accents are kept: côte and cote are two French words."""
    from disarm import skeleton_key  # TR39 skeleton, kept current with each Unicode version

    visible = "".join(char for char in unicodedata.normalize("NFKC", text) if unicodedata.category(char) != "Cf")
    # Case first: the skeleton alone reads a capital I as l, and "FLIPPED" would differ from "flipped".
    words = re.sub(r"[^\w\s]", " ", visible.casefold())
    return " ".join(re.sub(r"[^\w\s]", " ", skeleton_key(words)).split())  # the skeleton may map letters to signs


def to_quiz(answer: QuizAnswer, title: str, lesson_id: str, objectives: list[str], kinds: list[str], labels: tuple[str, str]) -> Quiz:
    """Check every item and place each right answer (courseware/generate/positions.py)."""
    count = sum(item.kind == "multiple_choice" for item in answer.items)
    items = []
    for n, item in enumerate(answer.items, start=1):
        where = f"item {n}"
        if item.kind not in kinds:
            raise AnswerError(f"{where}: kind {item.kind!r} was not asked for; use {', '.join(kinds)}")
        if item.objective not in objectives:
            raise AnswerError(f"{where}: objective {item.objective!r} is not one of this lesson's objectives ({', '.join(objectives)})")
        ordinal = sum(i.kind == "multiple_choice" for i in answer.items[: n - 1])
        items.append(_item(item, where, partial(answer_position, lesson_id, count, ordinal), labels))
    missing = [o for o in objectives if o not in {item.objective for item in answer.items}]
    if missing and len(answer.items) >= len(objectives):  # what `courseware lint` checks too
        raise AnswerError(f"objective(s) {', '.join(missing)} have no question; give every objective at least one")
    return _valid(lambda: Quiz(title=title, items=items))


def _item(item: QuizItemAnswer, where: str, place: Callable[[int], int], labels: tuple[str, str]) -> QuizItem:
    right = item.correct_answer.strip()
    if not right:
        raise AnswerError(f"{where}: correct_answer is empty")
    if item.kind == "true_false":
        if _normal(right) not in ("true", "false"):
            raise AnswerError(f"{where}: a true_false item's correct_answer is exactly 'true' or 'false'")
        is_true = _normal(right) == "true"
        options = [Option(text=labels[0], correct=is_true), Option(text=labels[1], correct=not is_true)]
    elif item.kind == "cloze":
        if item.prompt.count(BLANK) != 1:
            raise AnswerError(f"{where}: a cloze prompt has exactly one blank written {BLANK}")
        options = [Option(text=right, correct=True)]
    else:
        wrong = [d.strip() for d in item.distractors if d.strip()]
        texts = [right, *wrong]
        if len(wrong) < 2:
            raise AnswerError(f"{where}: a multiple_choice item needs at least 2 distractors")
        if len({_normal(t) for t in texts}) != len(texts):
            raise AnswerError(f"{where}: the options must all differ (after ignoring case, punctuation, invisible characters and look-alike letters)")
        if any(BANNED_OPTIONS.search(t) for t in texts):
            raise AnswerError(f"{where}: no 'all of the above' or 'none of the above' options")
        if all(len(right) > len(w) for w in wrong):
            raise AnswerError(f"{where}: the correct answer must not be the one longest option; make a distractor as long")
        # Models favour some answer positions: code places the right answer among the distractors.
        options = [Option(text=t, correct=False) for t in wrong]
        options.insert(place(len(texts)), Option(text=right, correct=True))
    return _valid(lambda: QuizItem(kind=item.kind, objective=item.objective, prompt=item.prompt, options=options, feedback=item.feedback), where)


def to_slides(answer: SlidesAnswer, title: str) -> SlideDeck:
    """A slide deck with the lesson's title."""
    return _valid(lambda: SlideDeck(title=title, slides=[Slide(title=s.title, bullets=s.bullets, notes=s.notes or None) for s in answer.slides]))


def _valid(make, where: str = ""):
    try:
        return make()
    except ValidationError as exc:
        err = exc.errors()[0]
        message = str(err.get("ctx", {}).get("error", err["msg"]))
        place = ".".join(str(p) for p in err["loc"])
        raise AnswerError(f"{where + ': ' if where else ''}{place + ': ' if place else ''}{message}") from None
