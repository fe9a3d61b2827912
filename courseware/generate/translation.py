"""The contract of a model's translation: a file's units in batches a small model's context holds,
one required string per unit as the schema, and the checks an answer must pass (every unit, its
placeholders, the glossary's terms, the target language); a failed check is a re-ask."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, StringConstraints, ValidationError, create_model

from courseware.generate import language, patterns, schema
from courseware.generate.contracts import AnswerError
from courseware.translate.terms import occurs, used
from courseware.translate.units import Unit, check_placeholders

# A call holds at most this many units and characters of source text (texts and places): about
# 1,400 prompt tokens with the instructions and 1,000 for the answer (from the sample facts
# through llama.cpp and Gemma 3: 970 tokens for 1,342 characters), so that the first ask and a
# re-ask (which carries the first answer) fit a 4k context.
MAX_UNITS = 40
MAX_CHARS = 2500
PREFIX = "t"  # a unit's property in the answer: "t1", "t2" ... (a name, not a number, for every grammar)


@dataclass(frozen=True)
class Batch:
    """Consecutive units of one file translated in one call, with the glossary pairs whose term
    occurs in their texts; `number` of `count` when a file takes several calls."""

    units: tuple[Unit, ...]
    glossary: tuple[tuple[str, str], ...]
    number: int = 1
    count: int = 1

    def name(self, unit: Unit) -> str:
        """A unit's property in the answer."""
        return PREFIX + unit.id


def batches(units: list[Unit], glossary: tuple[tuple[str, str], ...], max_units: int = MAX_UNITS, max_chars: int = MAX_CHARS) -> list[Batch]:
    """`units` in consecutive runs of at most `max_units` units and `max_chars` characters (a
    longer unit alone), each with the glossary pairs it needs."""
    runs: list[list[Unit]] = []
    size = 0
    for unit in units:
        if not runs or len(runs[-1]) >= max_units or size + len(unit.text) + len(unit.where) > max_chars:
            runs.append([])
            size = 0
        size += len(unit.text) + (len(unit.where) if not runs[-1] or runs[-1][-1].where != unit.where else 0)  # a run of texts in one place names it once
        runs[-1].append(unit)
    return [Batch(tuple(run), terms_in(run, glossary), n, len(runs)) for n, run in enumerate(runs, start=1)]


def terms_in(units: list[Unit] | tuple[Unit, ...], glossary: tuple[tuple[str, str], ...]) -> tuple[tuple[str, str], ...]:
    """The glossary pairs whose term occurs in one of the texts (outside code and placeholders)."""
    return tuple(pair for pair in glossary if any(occurs(pair[0], u.text) for u in units))


# --- the schema -----------------------------------------------------------------------------------


class _Answer(BaseModel):
    model_config = ConfigDict(extra="forbid")


def bound(unit: Unit) -> int:
    """The longest translation a unit may have: room for a language that takes three times the
    characters, short enough that a runaway is cut."""
    return 3 * len(unit.text) + 100


@cache
def _contract(fields: tuple[tuple[str, int], ...]) -> type[_Answer]:
    text = lambda most: Annotated[str, StringConstraints(min_length=1, max_length=most, pattern=patterns.PROSE)]  # noqa: E731
    return create_model("TranslationAnswer", __base__=_Answer, **{name: (text(most), ...) for name, most in fields})


def contract(batch: Batch) -> type[_Answer]:
    """The pydantic model of a batch's answer: one required, non-empty, bounded text per unit, nothing else."""
    return _contract(tuple((batch.name(u), bound(u)) for u in batch.units))


def json_schema(batch: Batch, server: str, in_prompt: bool = False) -> dict[str, Any]:
    """The JSON schema of a batch's answer for a server profile (as contracts.json_schema)."""
    return schema.derive(contract(batch), server, in_prompt)


def source_texts(batch: Batch) -> str:
    """The texts to translate as the JSON object the answer mirrors."""
    return json.dumps({batch.name(u): u.text for u in batch.units}, ensure_ascii=False, indent=1)


def places(batch: Batch) -> list[dict[str, str]]:
    """Where the texts stand, runs of texts in the same place together: `{ids: "t4-t8", where}`."""
    runs: list[list[Unit]] = []
    for unit in batch.units:
        if runs and runs[-1][-1].where == unit.where:
            runs[-1].append(unit)
        else:
            runs.append([unit])
    return [{"ids": batch.name(r[0]) + (f"-{batch.name(r[-1])}" if len(r) > 1 else ""), "where": r[0].where} for r in runs]


# --- the checks ------------------------------------------------------------------------------------


def parse(batch: Batch, text: str) -> dict[str, str]:
    """An answer's translations by unit id, or AnswerError saying what is wrong, unit by unit."""
    try:
        answer = contract(batch).model_validate_json(_unfence(text))
    except ValidationError as exc:
        problems = "; ".join(_problem(batch, error) for error in exc.errors()[:8])
        raise AnswerError(f"the answer does not match the JSON schema: {problems}") from None
    return {u.id: getattr(answer, batch.name(u)) for u in batch.units}


def check(batch: Batch, answers: dict[str, str], tag: str) -> None:
    """Raise AnswerError naming the first unit whose translation loses a placeholder or an
    approved term, or a text (or the whole answer) written in another language than `tag`."""
    for unit in batch.units:
        value = answers[unit.id]
        problem = check_placeholders(unit, value)
        if problem:
            raise AnswerError(f"{_place(batch, unit)}: {problem}")
        for term, target in batch.glossary:
            if occurs(term, unit.text) and not used(target, value):
                raise AnswerError(f"{_place(batch, unit)}: translate “{term}” as “{target}”, the glossary's approved term")
    texts = [(_place(batch, u), answers[u.id]) for u in batch.units]
    whole = " ".join(answers[u.id] for u in batch.units)
    language.check_texts([*texts, ("the answer as a whole", whole)], tag, "the language to translate into")


def _place(batch: Batch, unit: Unit) -> str:
    return f"{batch.name(unit)} ({unit.where})"


def _unfence(text: str) -> str:
    match = re.fullmatch(r"\s*```(?:json)?\s*\n(.*)\n\s*```\s*", text, re.DOTALL)
    return match.group(1) if match else text


def _problem(batch: Batch, error: dict) -> str:
    kind, ctx, value = error["type"], error.get("ctx") or {}, error.get("input")
    name = str(error["loc"][0]) if error["loc"] else ""
    if kind == "missing":
        return f"{name} is missing; give every text its translation"
    if kind == "extra_forbidden":
        names = [batch.name(u) for u in batch.units]
        return f"{name!r} is not one of the texts; answer exactly {names[0]}" + (f" to {names[-1]}" if len(names) > 1 else "")
    if kind == "string_too_short":
        return f"{name} must not be empty"
    if kind == "string_too_long":
        return f"{name} has {len(value)} characters, at most {ctx.get('max_length')}; translate the text, add nothing"
    if kind == "string_pattern_mismatch":
        return f"{name}: {patterns.explain(ctx.get('pattern', ''), value)}"
    if kind == "string_type":
        return f"{name} must be a string of text"
    if kind in ("model_type", "model_attributes_type"):
        return "the answer must be one JSON object"
    if kind == "json_invalid":
        return f"the answer is not valid JSON ({ctx.get('error', error['msg'])})"
    return f"{name + ': ' if name else ''}{error['msg']}"
