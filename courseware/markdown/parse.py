"""Markdown bodies back to content models; a problem names the file and line to fix."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from pydantic import BaseModel, ValidationError

from courseware.content.model import Article, ListBlock, Option, Paragraph, Quiz, QuizItem, Quote, Reference, Section, Slide, SlideDeck
from courseware.errors import ContentError, Problem
from courseware.markdown.blocks import MarkdownProblem, Node, read_nodes, validation_message
from courseware.markdown.write import KIND_SLUGS

QUESTION_HEADING = re.compile(r"^Q\d+\s+·\s+(?P<kind>[a-z-]+)\s+·\s+(?P<objective>\S+)$")
OPTION = re.compile(r"^\[(?P<mark>[ xX])\]\s+(?P<text>.*)$")
KINDS_BY_SLUG = {slug: kind for kind, slug in KIND_SLUGS.items()}
ARTICLE_HOLDS = (
    "paragraphs, lists, tables, code, $$ math, ::: figure and callout containers, quotes, "
    "'## Section' headings and '[^n]: source § section' references"
)

M = TypeVar("M", bound=BaseModel)


class _Reader:
    """Walks the nodes of one file and builds located models."""

    def __init__(self, body: str, name: str, first_line: int):
        self.name = name
        self.first_line = first_line
        try:
            self.nodes = read_nodes(body, first_line)
        except MarkdownProblem as problem:
            raise self.fail(problem.line, problem.message) from None

    def fail(self, line: int, message: str) -> ContentError:
        return ContentError(problems=[Problem(self.name, line, 1, "", message)])

    def build(self, line: int, make: Callable[[], M]) -> M:
        try:
            return make()
        except ValidationError as exc:
            raise self.fail(line, validation_message(exc)) from None

    def title(self) -> tuple[str, list[Node]]:
        if not self.nodes or self.nodes[0].kind != "heading" or self.nodes[0].level != 1:
            line = self.nodes[0].line if self.nodes else self.first_line
            raise self.fail(line, "the file must start with a '# Title' heading")
        return self.nodes[0].text, self.nodes[1:]

    def unexpected(self, node: Node, allowed: str) -> ContentError:
        if node.kind == "heading":
            what = f"level-{node.level} heading"
        elif node.kind == "block":
            what = {"list": "list", "paragraph": "paragraph"}.get(node.block.kind, f"{node.block.kind} block")
        elif node.kind == "notes":
            what = "::: notes block"
        else:
            what = {"html_block": "raw HTML", "hr": "thematic break (---)"}.get(node.text, node.text.replace("_", " "))
        return self.fail(node.line, f"unexpected {what} here; this file holds {allowed}")


def parse_article(body: str, name: str, first_line: int = 1) -> Article:
    """Read a lesson or course overview."""
    reader = _Reader(body, name, first_line)
    title, rest = reader.title()
    intro: list = []
    sections: list[tuple[Node, list]] = []
    references: list[Reference] = []
    for node in rest:
        if node.kind == "heading" and node.level == 2:
            sections.append((node, []))
        elif node.kind == "heading" and node.level > 2:
            raise reader.fail(node.line, f"a level-{node.level} heading is not read here: a lesson has one '# Title' and '## Section' headings; make it a '## Section', or a paragraph in **bold**")
        elif node.kind == "block":
            (sections[-1][1] if sections else intro).append(node.block)
        elif node.kind == "footnote":
            references.append(reader.build(node.line, lambda: Reference.parse(node.text)))
        elif node.kind == "other" and node.text == "html_block":
            raise reader.fail(node.line, "raw HTML is not read here; write it in markdown (a ::: figure for an image, a pipe table for a table)")
        elif node.kind == "notes":
            raise reader.fail(node.line, "'::: notes' (speaker notes) belongs in slides.md; here the containers are ::: figure and the callouts ::: note, tip, warning, example, activity, takeaway")
        else:
            raise reader.unexpected(node, ARTICLE_HOLDS)
    built = [reader.build(h.line, lambda: Section(heading=h.text, blocks=bs)) for h, bs in sections]
    return reader.build(reader.nodes[0].line, lambda: Article(title=title, intro=intro, sections=built, references=references))


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
    groups: list[tuple[Node, list[Node]]] = []
    for node in rest:
        if node.kind == "heading" and node.level == 2:
            groups.append((node, []))
        elif groups and node.kind == "block" and isinstance(node.block, (Paragraph, ListBlock, Quote)):
            groups[-1][1].append(node)
        else:
            raise reader.unexpected(node, "'## Qn · kind · objective' questions, each with a prompt, a '- [x]' option list and a '> feedback' line")
    quiz = reader.build(first_line, lambda: Quiz(title=title, items=[_item(reader, h, ns) for h, ns in groups]))
    # Each question read has exactly one option list (_item checks it).
    questions = [(h.line, list(next(n for n in ns if n.block.kind == "list").lines)) for h, ns in groups]
    return quiz, QuizLines(reader.nodes[0].line, questions)


def _item(reader: _Reader, head: Node, nodes: list[Node]) -> QuizItem:
    match = QUESTION_HEADING.match(head.text)
    if not match or match["kind"] not in KINDS_BY_SLUG:
        raise reader.fail(head.line, f"a question heading reads '## Q1 · <{' | '.join(KINDS_BY_SLUG)}> · <objective id>'")
    by_kind = {kind: [n for n in nodes if n.block.kind == kind] for kind in ("paragraph", "list", "quote")}
    for kind, what in (("paragraph", "one prompt paragraph"), ("list", "one option list"), ("quote", "one '> feedback' line")):
        if len(by_kind[kind]) != 1:
            raise reader.fail(head.line, f"this question needs exactly {what}, found {len(by_kind[kind])}")
    listed = by_kind["list"][0]
    options = []
    for line, item in zip(listed.lines, listed.block.items):
        option = OPTION.match(item.text)
        if not option or item.children or item.cites:
            raise reader.fail(line, "an option reads '- [x] right answer' or '- [ ] wrong answer'")
        options.append(reader.build(line, lambda: Option(text=option["text"], correct=option["mark"] != " ")))
    prompt, feedback = by_kind["paragraph"][0], by_kind["quote"][0]
    for node in (prompt, feedback):
        if node.block.cites:
            raise reader.fail(node.line, "a quiz cites nothing: the [^n] references belong in lesson.md")
    return reader.build(
        head.line,
        lambda: QuizItem(kind=KINDS_BY_SLUG[match["kind"]], objective=match["objective"], prompt=prompt.block.text, options=options, feedback=feedback.block.text),
    )


SLIDES_HOLD = "'## Slide title' headings, each with one bullet list, optionally one code block, table, ::: figure or $$ math, and one '::: notes' block"


def parse_slides(body: str, name: str, first_line: int = 1) -> SlideDeck:
    """Read a slide outline."""
    reader = _Reader(body, name, first_line)
    title, rest = reader.title()
    slides: list[dict] = []
    for node in rest:
        slide = slides[-1] if slides else None
        if node.kind == "heading" and node.level == 2:
            slides.append({"node": node, "bullets": None, "visual": None, "notes": None})
        elif slide and slide["notes"] is None and node.kind == "block" and isinstance(node.block, ListBlock) and slide["bullets"] is None and slide["visual"] is None:
            if node.block.ordered or any(item.children or item.cites for item in node.block.items):
                raise reader.fail(node.line, "a slide's bullets are one flat '- ' list, without citations")
            slide["bullets"] = [item.text for item in node.block.items]
        elif slide and slide["notes"] is None and node.kind == "block" and node.block.kind in ("code", "table", "figure", "math") and slide["visual"] is None:
            slide["visual"] = node.block
        elif slide and node.kind == "notes" and slide["notes"] is None:
            slide["notes"] = node.text
        else:
            raise reader.unexpected(node, SLIDES_HOLD)
    built = [
        reader.build(s["node"].line, lambda: Slide(title=s["node"].text, bullets=s["bullets"] or [], visual=s["visual"], notes=s["notes"]))
        for s in slides
    ]
    return reader.build(first_line, lambda: SlideDeck(title=title, slides=built))
