"""Markdown bodies back to content models; a problem names the file and line to fix."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from pydantic import BaseModel, ValidationError

from courseware.content.model import Article, Option, Paragraph, Quiz, QuizItem, Reference, Section, Slide, SlideDeck
from courseware.errors import ContentError, Problem
from courseware.markdown.blocks import Block, read_blocks, unescape_line
from courseware.markdown.write import KIND_SLUGS

TRAILING_CITES = re.compile(r"((?:\[\^[^\]\[\s^]+\])+)$")
QUESTION_HEADING = re.compile(r"^Q\d+\s+·\s+(?P<kind>[a-z-]+)\s+·\s+(?P<objective>\S+)$")
OPTION = re.compile(r"^\[(?P<mark>[ xX])\]\s+(?P<text>.*)$")
KINDS_BY_SLUG = {slug: kind for kind, slug in KIND_SLUGS.items()}

M = TypeVar("M", bound=BaseModel)


class _Reader:
    """Walks the blocks of one file and builds located models."""

    def __init__(self, body: str, name: str, first_line: int):
        self.name = name
        self.blocks = read_blocks(body, first_line)
        self.first_line = first_line

    def fail(self, line: int, message: str) -> ContentError:
        return ContentError(problems=[Problem(self.name, line, 1, "", message)])

    def build(self, line: int, make: Callable[[], M]) -> M:
        try:
            return make()
        except ValidationError as exc:
            err = exc.errors()[0]
            where = ".".join(str(s) for s in err["loc"])
            if err["type"] == "value_error":
                message = str(err["ctx"]["error"])
            elif err["type"] == "too_short":
                message = f"needs at least {err['ctx']['min_length']} entry"
            else:
                message = err["msg"][0].lower() + err["msg"][1:]
            raise self.fail(line, f"{where + ': ' if where else ''}{message}") from None

    def title(self) -> tuple[str, list[Block]]:
        if not self.blocks or self.blocks[0].kind != "heading" or self.blocks[0].level != 1:
            line = self.blocks[0].line if self.blocks else self.first_line
            raise self.fail(line, "the file must start with a '# Title' heading")
        return heading_text(self.blocks[0]), self.blocks[1:]

    def unexpected(self, block: Block, allowed: str) -> ContentError:
        what = f"level-{block.level} heading" if block.kind == "heading" else (block.text if block.kind == "other" else block.kind)
        return self.fail(block.line, f"unexpected {what.replace('_', ' ')} here; this file holds {allowed}")


def heading_text(block: Block) -> str:
    text = unescape_line(block.text)
    return text[:-2] + "#" if text.endswith("\\#") else text


def parse_article(body: str, name: str, first_line: int = 1) -> Article:
    """Read a lesson or course overview."""
    reader = _Reader(body, name, first_line)
    title, rest = reader.title()
    labels = {b.label: n for n, b in enumerate((b for b in rest if b.kind == "footnote"), start=1)}
    intro: list[Paragraph] = []
    sections: list[tuple[Block, list[Paragraph]]] = []
    references: list[Reference] = []
    allowed = "paragraphs, '## Section' headings and '[^n]: source § section' references"
    for block in rest:
        if block.kind == "heading" and block.level == 2:
            sections.append((block, []))
        elif block.kind == "paragraph":
            (sections[-1][1] if sections else intro).append(_paragraph(reader, block, labels))
        elif block.kind == "footnote":
            source, _, section = block.text.partition(" § ")
            references.append(reader.build(block.line, lambda: Reference(source=source, section=section)))
        else:
            raise reader.unexpected(block, allowed)
    built = [reader.build(h.line, lambda: Section(heading=heading_text(h), blocks=ps)) for h, ps in sections]
    return reader.build(reader.blocks[0].line, lambda: Article(title=title, intro=intro, sections=built, references=references))


def _paragraph(reader: _Reader, block: Block, labels: dict[str, int]) -> Paragraph:
    text, cites = block.text, []
    match = TRAILING_CITES.search(text)
    if match:
        for label in re.findall(r"\[\^([^\]]+)\]", match.group(1)):
            if label not in labels:
                raise reader.fail(block.line, f"reference [^{label}] is not defined; add '[^{label}]: source § section' at the end")
            cites.append(labels[label])
        text = text[: match.start()].rstrip()
    return reader.build(block.line, lambda: Paragraph(text=text, cites=cites))


@dataclass(frozen=True)
class QuizLines:
    """Where a quiz is written in its file: the title line, and per question its heading line
    and the line of each option (what `courseware lint` points at)."""

    title: int
    questions: list[tuple[int, list[int]]]


def parse_quiz(body: str, name: str, first_line: int = 1) -> Quiz:
    """Read a quiz."""
    return parse_quiz_lines(body, name, first_line)[0]


def parse_quiz_lines(body: str, name: str, first_line: int = 1) -> tuple[Quiz, QuizLines]:
    """Read a quiz, with the lines its title, questions and options are on."""
    reader = _Reader(body, name, first_line)
    title, rest = reader.title()
    groups: list[tuple[Block, list[Block]]] = []
    for block in rest:
        if block.kind == "heading" and block.level == 2:
            groups.append((block, []))
        elif groups and block.kind in ("paragraph", "list", "quote"):
            groups[-1][1].append(block)
        else:
            raise reader.unexpected(block, "'## Qn · kind · objective' questions, each with a prompt, a '- [x]' option list and a '> feedback' line")
    quiz = reader.build(first_line, lambda: Quiz(title=title, items=[_item(reader, h, bs) for h, bs in groups]))
    # Each question read has exactly one option list (_item checks it).
    questions = [(h.line, [line for line, _ in next(b for b in bs if b.kind == "list").items]) for h, bs in groups]
    return quiz, QuizLines(reader.blocks[0].line, questions)


def _item(reader: _Reader, head: Block, blocks: list[Block]) -> QuizItem:
    match = QUESTION_HEADING.match(head.text)
    if not match or match["kind"] not in KINDS_BY_SLUG:
        raise reader.fail(head.line, f"a question heading reads '## Q1 · <{' | '.join(KINDS_BY_SLUG)}> · <objective id>'")
    by_kind = {kind: [b for b in blocks if b.kind == kind] for kind in ("paragraph", "list", "quote")}
    for kind, what in (("paragraph", "one prompt paragraph"), ("list", "one option list"), ("quote", "one '> feedback' line")):
        if len(by_kind[kind]) != 1:
            raise reader.fail(head.line, f"this question needs exactly {what}, found {len(by_kind[kind])}")
    options = []
    for line, text in by_kind["list"][0].items:
        option = OPTION.match(text)
        if not option:
            raise reader.fail(line, "an option reads '- [x] right answer' or '- [ ] wrong answer'")
        options.append(reader.build(line, lambda: Option(text=option["text"], correct=option["mark"] != " ")))
    return reader.build(
        head.line,
        lambda: QuizItem(
            kind=KINDS_BY_SLUG[match["kind"]],
            objective=match["objective"],
            prompt=by_kind["paragraph"][0].text,
            options=options,
            feedback=by_kind["quote"][0].text,
        ),
    )


def parse_slides(body: str, name: str, first_line: int = 1) -> SlideDeck:
    """Read a slide outline."""
    reader = _Reader(body, name, first_line)
    title, rest = reader.title()
    slides: list[tuple[Block, list[str], list[str]]] = []
    for block in rest:
        if block.kind == "heading" and block.level == 2:
            slides.append((block, [], []))
        elif slides and block.kind == "list" and not slides[-1][1]:
            slides[-1][1].extend(text for _, text in block.items)
        elif slides and block.kind == "notes" and not slides[-1][2]:
            slides[-1][2].append(block.text)
        else:
            raise reader.unexpected(block, "'## Slide title' headings, each with one bullet list and one '::: notes' block")
    built = [reader.build(h.line, lambda: Slide(title=heading_text(h), bullets=bs, notes=ns[0] if ns else None)) for h, bs, ns in slides]
    return reader.build(first_line, lambda: SlideDeck(title=title, slides=built))
