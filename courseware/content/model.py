"""Lessons and overviews (articles), quizzes and slide decks, validated wherever they come from.

Every text is one line of inline markdown: whitespace is folded, control characters are
dropped, so a model answer, an offline extract and a hand edit all land in the same shape.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

FOOTNOTE_REF = re.compile(r"\[\^[^\]]*\]")
# Only breaking white space folds: no-break spaces are typography (French « », "10 %").
BREAKING_SPACE = re.compile(r"[ \t\n\r\f\v\u2028\u2029\u0085]+")


def fold_whitespace(text: str) -> str:
    """Runs of breaking white space to one space; any white space trimmed at both ends."""
    return BREAKING_SPACE.sub(" ", text).strip()
BLANK = "____"


def clean_line(value: str) -> str:
    """Fold whitespace to single spaces and drop control and format-override characters."""
    kept = []
    for char in value:
        category = unicodedata.category(char)
        if char in "\t\n\r\f\v\u2028\u2029\u0085":
            kept.append(" ")
        elif category == "Cc" or char in "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069":
            continue  # C0/C1 controls and bidi overrides never belong in course text
        else:
            kept.append(char)
    text = fold_whitespace("".join(kept))
    if not text:
        raise ValueError("must not be empty")
    return text


def _no_footnote_refs(value: str) -> str:
    if FOOTNOTE_REF.search(value):
        raise ValueError("footnote references like [^1] belong at the end of a paragraph")
    return value


Line = Annotated[str, AfterValidator(clean_line)]
ProseLine = Annotated[str, AfterValidator(clean_line), AfterValidator(_no_footnote_refs)]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Reference(_Model):
    """Where a paragraph comes from: a source file and a section in it."""

    source: Line
    section: str = ""

    @model_validator(mode="after")
    def _clean(self) -> Reference:
        if " § " in self.source:
            raise ValueError("a source path cannot contain ' § '")
        if self.section:
            object.__setattr__(self, "section", clean_line(self.section))
        return self


class Paragraph(_Model):
    text: ProseLine
    cites: list[Annotated[int, Field(ge=1)]] = []


class Section(_Model):
    heading: ProseLine
    paragraphs: Annotated[list[Paragraph], Field(min_length=1)]


class Article(_Model):
    """A lesson text or the course overview: a title, an intro, sections and the references they cite."""

    title: ProseLine
    intro: list[Paragraph] = []
    sections: list[Section] = []
    references: list[Reference] = []

    @model_validator(mode="after")
    def _check(self) -> Article:
        if not self.intro and not self.sections:
            raise ValueError("an article needs at least one paragraph")
        count = len(self.references)
        order: list[int] = []
        for paragraph in self.paragraphs():
            for cite in paragraph.cites:
                if cite > count:
                    raise ValueError(f"paragraph cites [^{cite}] but only {count} reference(s) are defined")
                if cite not in order:
                    order.append(cite)
        if order != list(range(1, count + 1)):
            raise ValueError("every reference must be cited, numbered in the order of first citation")
        return self

    def paragraphs(self) -> list[Paragraph]:
        """Every paragraph, intro first, in reading order."""
        return [*self.intro, *(p for s in self.sections for p in s.paragraphs)]


def numbered(title: str, intro: list[Paragraph], sections: list[Section], references: list[Reference]) -> Article:
    """An Article whose references are renumbered by first citation; uncited ones are dropped."""
    order: list[int] = []
    for paragraph in [*intro, *(p for s in sections for p in s.paragraphs)]:
        for cite in paragraph.cites:
            if cite not in order:
                order.append(cite)
    new = {old: n for n, old in enumerate(order, start=1)}

    def remap(paragraphs: list[Paragraph]) -> list[Paragraph]:
        return [Paragraph(text=p.text, cites=[new[c] for c in p.cites]) for p in paragraphs]

    return Article(
        title=title,
        intro=remap(intro),
        sections=[Section(heading=s.heading, paragraphs=remap(s.paragraphs)) for s in sections],
        references=[references[old - 1] for old in order],
    )


QuizKind = Literal["multiple_choice", "true_false", "cloze"]


class Option(_Model):
    text: ProseLine
    correct: bool


class QuizItem(_Model):
    kind: QuizKind
    objective: Annotated[str, AfterValidator(clean_line)]
    prompt: ProseLine
    options: Annotated[list[Option], Field(min_length=1)]
    feedback: ProseLine

    @model_validator(mode="after")
    def _check(self) -> QuizItem:
        right = sum(o.correct for o in self.options)
        if self.kind == "cloze":
            if right != len(self.options):
                raise ValueError("a cloze item lists only accepted answers, each marked [x]")
            if BLANK not in self.prompt:
                raise ValueError(f"a cloze prompt needs a blank written as {BLANK}")
            return self
        if self.kind == "true_false" and len(self.options) != 2:
            raise ValueError("a true/false item has exactly two options")
        if self.kind == "multiple_choice" and len(self.options) < 2:
            raise ValueError("a multiple-choice item needs at least two options")
        if right != 1:
            raise ValueError(f"exactly one option must be marked [x], found {right}")
        keys = [" ".join(o.text.casefold().split()) for o in self.options]
        if len(set(keys)) != len(keys):
            raise ValueError("options must be distinct")
        return self

    @property
    def answer(self) -> Option:
        """The (first) correct option."""
        return next(o for o in self.options if o.correct)


class Quiz(_Model):
    title: ProseLine
    items: Annotated[list[QuizItem], Field(min_length=1)]


class Slide(_Model):
    title: ProseLine
    bullets: list[ProseLine] = []
    notes: Annotated[str, AfterValidator(clean_line)] | None = None


class SlideDeck(_Model):
    title: ProseLine
    slides: Annotated[list[Slide], Field(min_length=1)]


Content = Article | Quiz | SlideDeck
