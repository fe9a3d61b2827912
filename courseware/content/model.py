"""Lessons and overviews (articles), quizzes and slide decks, validated wherever they come from.

An article is sections of blocks (courseware/content/blocks.py); quiz texts and slide bullets
are inline text. Every inline text is one line of inline markdown: whitespace is folded,
control characters are dropped, so a model answer, an offline extract and a hand edit all land
in the same shape.
"""

from __future__ import annotations

import re
from typing import Annotated, Literal, Union

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

from courseware.content.blocks import (  # noqa: F401 (the content model at a glance: blocks and documents)
    FOOTNOTE_REF, AnyBlock, Block, Callout, Code, Figure, ListBlock, ListItem, Math, Paragraph, Quote, Table, Text,
    cites, clean_line, fold_whitespace, renumber,
)

BLANK = "____"

Line = Annotated[str, AfterValidator(clean_line)]
ProseLine = Text


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


LOCATOR = re.compile(r", (?:(p\.)|slide) ([1-9][0-9]{0,5})$")  # the end of "file § section, p. 12" / ", slide 3"


class Reference(_Model):
    """Where a block comes from: a source file, a section in it, and the page (PDF) or slide
    (PowerPoint) it stands on. Written and read as "file § section, p. 12"."""

    source: Line
    section: str = ""
    page: Annotated[int, Field(ge=1)] | None = None
    slide: Annotated[int, Field(ge=1)] | None = None

    @model_validator(mode="after")
    def _clean(self) -> Reference:
        if " § " in self.source + " ":  # "a §" before " § section" would read back as source "a", section "§ section"
            raise ValueError("a source path cannot contain ' § ' or end with ' §'")
        if self.section:
            object.__setattr__(self, "section", clean_line(self.section))
        if self.page and self.slide:
            raise ValueError("a reference names a page or a slide, not both")
        return self

    @property
    def locator(self) -> str:
        """', p. 12', ', slide 3' or ''."""
        return f", p. {self.page}" if self.page else f", slide {self.slide}" if self.slide else ""

    @property
    def text(self) -> str:
        """The citation as written in markdown and shown in every format: "file § section, p. 12"."""
        return self.source + (f" § {self.section}" if self.section else "") + self.locator

    @classmethod
    def parse(cls, text: str) -> Reference:
        """The reference "file § section, p. 12" names (the section and the locator optional)."""
        found = LOCATOR.search(text)
        where: dict[str, int] = {}
        if found:
            where = {"page" if found.group(1) else "slide": int(found.group(2))}
            text = text[: found.start()]
        source, _, section = text.partition(" § ")
        return cls(source=source, section=section, **where)


class Section(_Model):
    heading: ProseLine
    blocks: Annotated[list[Block], Field(min_length=1)]


class Article(_Model):
    """A lesson text or the course overview: a title, an intro, sections of blocks and the
    references they cite."""

    title: ProseLine
    intro: list[Block] = []
    sections: list[Section] = []
    references: list[Reference] = []

    @model_validator(mode="after")
    def _check(self) -> Article:
        if not self.intro and not self.sections:
            raise ValueError("an article needs at least one block")
        count = len(self.references)
        order: list[int] = []
        for block in self.blocks():
            for cite in cites(block):
                if cite > count:
                    raise ValueError(f"a {block.kind} cites [^{cite}] but only {count} reference(s) are defined")
                if cite not in order:
                    order.append(cite)
        if order != list(range(1, count + 1)):
            raise ValueError("every reference must be cited, numbered in the order of first citation")
        return self

    def blocks(self) -> list[AnyBlock]:
        """Every top-level block, intro first, in reading order."""
        return [*self.intro, *(b for s in self.sections for b in s.blocks)]


def numbered(title: str, intro: list[AnyBlock], sections: list[Section], references: list[Reference]) -> Article:
    """An Article whose references are renumbered by first citation; uncited ones are dropped."""
    order: list[int] = []
    for block in [*intro, *(b for s in sections for b in s.blocks)]:
        for cite in cites(block):
            if cite not in order:
                order.append(cite)
    new = {old: n for n, old in enumerate(order, start=1)}
    return Article(
        title=title,
        intro=[renumber(b, new) for b in intro],
        sections=[Section(heading=s.heading, blocks=[renumber(b, new) for b in s.blocks]) for s in sections],
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


Visual = Annotated[Union[Code, Table, Figure, Math], Field(discriminator="kind")]
"""What a slide may show beside its bullets."""


class Slide(_Model):
    title: ProseLine
    bullets: list[ProseLine] = []
    visual: Visual | None = None
    notes: Annotated[str, AfterValidator(clean_line)] | None = None


class SlideDeck(_Model):
    title: ProseLine
    slides: Annotated[list[Slide], Field(min_length=1)]


Content = Article | Quiz | SlideDeck
