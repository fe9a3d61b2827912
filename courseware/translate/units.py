"""A content model as translation units and back: every text a learner reads, in reading order,
with what must not be translated held as placeholders.

A unit's text is its inline markdown with protected spans replaced: `<x1/>` stands for a code
span, inline math, an autolink, a cloze blank or anything that looks like a placeholder itself;
`<g2>label</g2>` is a link, whose label translates and whose target is kept. Emphasis stays as
markdown (`*`, `**`), which translators and models move with the words. Code blocks, display
math, citations, which option is right and each item's objective are structure: `rebuild` takes
them from the source, so a translation cannot change them.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from courseware.content.blocks import Callout, Figure, ListBlock, ListItem, Paragraph, Quote, Table, clean_line, _no_footnote_refs
from courseware.content.model import BLANK, Article, Quiz, Section, Slide, SlideDeck
from courseware.translate.facts import Facts

Translatable = Article | Quiz | SlideDeck | Facts
PLACEHOLDER = re.compile(r"<x(\d+)/>|<g(\d+)>|</g(\d+)>")


@dataclass(frozen=True)
class Unit:
    """One text to translate: `id` ("1".."N", reading order within its file), the masked `text`,
    what each placeholder stands for (`codes`: x -> the original markdown, g -> the link's
    closing `](target)`), and `where` it stands, for a translator's context."""

    id: str
    text: str
    codes: dict[str, str] = field(default_factory=dict)
    where: str = ""

    @property
    def standalone(self) -> list[str]:
        """The numbers of the `<xN/>` placeholders, in order."""
        return [n for n, m in self._marks() if m == "x"]

    @property
    def paired(self) -> list[str]:
        """The numbers of the `<gN>…</gN>` pairs, in order."""
        return [n for n, m in self._marks() if m == "g"]

    def _marks(self) -> list[tuple[str, str]]:
        return [(x or g, "x" if x else "g") for x, g, _ in PLACEHOLDER.findall(self.text) if x or g]


def units(content: Translatable) -> list[Unit]:
    """Every text of `content` as a unit, in reading order."""
    found: list[Unit] = []

    def take(text: str, where: str) -> str:
        masked, codes = mask(text)
        found.append(Unit(str(len(found) + 1), masked, codes, where))
        return text

    _walk(content, take, lambda src: src)
    return found


def rebuild(content: Translatable, translated: dict[str, str], repoint: Callable[[str], str] = lambda src: src) -> Translatable:
    """`content` with each unit's text replaced by its translation (by unit id), placeholders
    restored; `repoint` maps a figure's image path to where the translated file sees it. A
    missing unit or a broken placeholder raises UnitError naming the unit."""
    source = {u.id: u for u in units(content)}
    counter = iter(range(1, len(source) + 1))

    def put(text: str, where: str) -> str:
        unit = source[str(next(counter))]
        if unit.id not in translated:
            raise UnitError(unit, "no translation")
        value = translated[unit.id]
        problem = check_placeholders(unit, value)
        if problem:
            raise UnitError(unit, problem)
        restored = restore(unit, value)
        try:
            _no_footnote_refs(clean_line(restored))
        except ValueError as exc:
            raise UnitError(unit, str(exc)) from None
        return restored

    rebuilt = _walk(content, put, repoint)
    return type(rebuilt).model_validate(rebuilt.model_dump()) if not isinstance(rebuilt, Facts) else rebuilt


class UnitError(ValueError):
    """A translated unit that cannot go back into its place: `unit` says which, the message what."""

    def __init__(self, unit: Unit, message: str):
        super().__init__(message)
        self.unit = unit


# --- placeholders -----------------------------------------------------------------------------

_AUTOLINK = re.compile(r"<(?:[A-Za-z][A-Za-z0-9+.-]{1,31}:[^\s<>]*|[^\s<>@]+@[^\s<>@]+)>")
_LINK_END = re.compile(r"\]\((?:<[^<>\n]*>|(?:[^()\s\\]|\\.|\((?:[^()\s\\]|\\.)*\))*)(?:\s+(?:\"(?:[^\"\\]|\\.)*\"|'(?:[^'\\]|\\.)*'|\((?:[^()\\]|\\.)*\)))?\s*\)")
_MATH = re.compile(r"\$(?![\s$])((?:[^$\\]|\\.)+?)(?<![\s\\])\$(?![0-9])")


def mask(text: str) -> tuple[str, dict[str, str]]:
    """`text` with its protected spans as placeholders, and what each stands for."""
    codes: dict[str, str] = {}
    masked = _mask(text, codes)
    return masked, codes


def _mask(text: str, codes: dict[str, str]) -> str:
    out: list[str] = []
    i, n = 0, len(text)

    def code(original: str) -> None:
        number = str(len(codes) + 1)
        codes[number] = original
        out.append(f"<x{number}/>")

    while i < n:
        char = text[i]
        if char == "\\" and i + 1 < n:
            out.append(text[i : i + 2])
            i += 2
        elif char == "`":
            run = len(text[i:]) - len(text[i:].lstrip("`"))
            end = _closing_backticks(text, i + run, run)
            if end < 0:
                out.append(text[i : i + run])
                i += run
            else:
                code(text[i : end + run])
                i = end + run
        elif char == "$" and (found := _MATH.match(text, i)) and not (i and text[i - 1].isdigit()):
            code(found.group(0))
            i = found.end()
        elif char == "<" and (found := _AUTOLINK.match(text, i) or PLACEHOLDER.match(text, i)):
            code(found.group(0))
            i = found.end()
        elif text.startswith(BLANK, i):
            end = i
            while end < n and text[end] == "_":
                end += 1
            code(text[i:end])
            i = end
        elif char == "[" and (close := _label_end(text, i)) > 0 and (found := _LINK_END.match(text, close)):
            number = str(len(codes) + 1)
            codes[number] = found.group(0)
            out.append(f"<g{number}>{_mask(text[i + 1 : close], codes)}</g{number}>")
            i = found.end()
        else:
            out.append(char)
            i += 1
    return "".join(out)


def _closing_backticks(text: str, start: int, run: int) -> int:
    """Where the backtick run of length `run` closing a code span starts, or -1."""
    i = start
    while (i := text.find("`" * run, i)) >= 0:
        after = i + run
        if (after >= len(text) or text[after] != "`") and (text[i - 1] != "`"):
            return i
        i = after + len(text[after:]) - len(text[after:].lstrip("`"))
    return -1


def _label_end(text: str, start: int) -> int:
    """The index of the `]` that closes the link label opened at `start`, or -1."""
    depth, i = 0, start
    while i < len(text):
        char = text[i]
        if char == "\\":
            i += 2
            continue
        if char == "`":  # a code span in a label: its brackets are not the label's
            run = len(text[i:]) - len(text[i:].lstrip("`"))
            end = _closing_backticks(text, i + run, run)
            i = end + run if end >= 0 else i + run
            continue
        if char == "[":
            depth += 1
        elif char == "]":
            depth -= 1
            if depth == 0:
                return i
        i += 1
    return -1


def check_placeholders(unit: Unit, text: str) -> str | None:
    """What is wrong with the placeholders of a translated text, or None: each of the unit's
    `<xN/>` once, each `<gN>…</gN>` once and in that order, nothing else."""
    seen_x: list[str] = []
    open_g: list[str] = []
    done_g: list[str] = []
    for x, g_open, g_close in PLACEHOLDER.findall(text):
        if x:
            seen_x.append(x)
        elif g_open:
            open_g.append(g_open)
        else:
            if not open_g or open_g[-1] != g_close:
                return f"</g{g_close}> closes a link that is not open there"
            done_g.append(open_g.pop())
    if open_g:
        return f"<g{open_g[-1]}> is opened but never closed with </g{open_g[-1]}>"
    for number in unit.standalone:
        if seen_x.count(number) != 1:
            return f"the placeholder <x{number}/> (for {unit.codes[number]}) must appear exactly once, as it is"
    for number in unit.paired:
        if done_g.count(number) != 1:
            return f"the link <g{number}>…</g{number}> must appear exactly once, around the words it links"
    extra = [f"<x{n}/>" for n in sorted(set(seen_x) - set(unit.standalone), key=int)] + [f"<g{n}>" for n in sorted(set(done_g) - set(unit.paired), key=int)]
    if extra:
        return f"the placeholder {extra[0]} is not in the source text; remove it"
    return None


def restore(unit: Unit, text: str) -> str:
    """A translated text with its placeholders back as the markdown they stand for."""

    def back(found: re.Match) -> str:
        x, g_open, g_close = found.groups()
        if x:
            return unit.codes[x]
        return "[" if g_open else unit.codes[g_close]

    return PLACEHOLDER.sub(back, text)


# --- walking a content model ---------------------------------------------------------------------

Text = Callable[[str, str], str]


def _walk(content: Translatable, text: Text, repoint: Callable[[str], str]) -> Translatable:
    """`content` with every learner-visible text passed through `text(value, where)` in reading
    order (the order `units` numbers them in) and every figure's image through `repoint`."""
    if isinstance(content, Facts):
        return Facts(tuple((key, text(value, key)) for key, value in content.items))
    if isinstance(content, Article):
        title = text(content.title, "title")
        intro = [_block(b, text, repoint, "introduction") for b in content.intro]
        sections = []
        for section in content.sections:
            heading = text(section.heading, "section heading")
            where = f"section “{section.heading}”"
            sections.append(Section.model_construct(heading=heading, blocks=[_block(b, text, repoint, where) for b in section.blocks]))
        return content.model_copy(update={"title": title, "intro": intro, "sections": sections})
    if isinstance(content, Quiz):
        title = text(content.title, "quiz title")
        items = []
        for number, item in enumerate(content.items, start=1):
            where = f"question {number} ({item.kind.replace('_', ' ')})"
            prompt = text(item.prompt, f"{where}: question")
            options = [o.model_copy(update={"text": text(o.text, f"{where}: {'right answer' if o.correct else 'wrong answer'}")}) for o in item.options]
            feedback = text(item.feedback, f"{where}: feedback")
            items.append(item.model_copy(update={"prompt": prompt, "options": options, "feedback": feedback}))
        return content.model_copy(update={"title": title, "items": items})
    title = text(content.title, "deck title")
    slides = []
    for number, slide in enumerate(content.slides, start=1):
        where = f"slide {number}"
        update: dict = {"title": text(slide.title, f"{where}: title"), "bullets": [text(b, f"{where}: bullet") for b in slide.bullets]}
        update["visual"] = _block(slide.visual, text, repoint, where) if slide.visual else None
        update["notes"] = text(slide.notes, f"{where}: speaker notes") if slide.notes else None
        slides.append(Slide.model_construct(**{**dict(slide), **update}))
    return content.model_copy(update={"title": title, "slides": slides})


def _block(block, text: Text, repoint: Callable[[str], str], where: str):
    if isinstance(block, (Paragraph, Quote)):
        return block.model_copy(update={"text": text(block.text, f"{where}: {block.kind}")})
    if isinstance(block, ListBlock):
        return block.model_copy(update={"items": [_item(i, text, where) for i in block.items]})
    if isinstance(block, Table):
        header = [text(cell, f"{where}: table header") for cell in block.header]
        rows = [[text(cell, f"{where}: table cell") if cell else cell for cell in row] for row in block.rows]
        caption = text(block.caption, f"{where}: table caption") if block.caption else None
        return block.model_copy(update={"header": header, "rows": rows, "caption": caption})
    if isinstance(block, Figure):
        alt = text(block.alt, f"{where}: figure description (alt text)")
        caption = text(block.caption, f"{where}: figure caption") if block.caption else None
        credit = text(block.credit, f"{where}: figure credit") if block.credit else None
        return block.model_copy(update={"src": repoint(block.src), "alt": alt, "caption": caption, "credit": credit})
    if isinstance(block, Callout):
        inside = f"{where}: {block.style} box"
        title = text(block.title, f"{inside} title") if block.title else None
        return block.model_copy(update={"title": title, "blocks": [_block(b, text, repoint, inside) for b in block.blocks]})
    return block  # code and display math are not translated


def _item(item: ListItem, text: Text, where: str) -> ListItem:
    value = text(item.text, f"{where}: list item")
    children = item.children.model_copy(update={"items": [_item(i, text, where) for i in item.children.items]}) if item.children else None
    return item.model_copy(update={"text": value, "children": children})


def repointer(source_file: str, translated_file: str) -> Callable[[str], str]:
    """How a figure's image path (relative to `source_file`) reads from `translated_file`, both
    relative to the content folder: the image is the original's, not a copy."""
    source_dir, target_dir = posixpath.dirname(source_file), posixpath.dirname(translated_file)

    def repoint(src: str) -> str:
        # Not posixpath.relpath: it goes through the working folder, and a path above the content
        # folder (a figure beside the spec) comes out wrong when the working folder is shallow.
        target = posixpath.normpath(posixpath.join(source_dir, src)).split("/")
        base = [part for part in target_dir.split("/") if part]
        while base and target and base[0] == target[0]:
            base.pop(0)
            target.pop(0)
        return "/".join([".."] * len(base) + target)

    return repoint
