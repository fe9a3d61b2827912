"""Content models to markdown bodies: the formats documented in docs/formats.md.

Deterministic: the same model always gives the same bytes. Texts are written as the inline
markdown they are; the only escapes added are at the start of a line, where a text would
otherwise start a block (`\\#`, `\\-`, `1\\.` ...: CommonMark escapes that GitHub shows as the
plain character), and these the reader removes again (markdown/blocks.py `unescape_start`).
"""

from __future__ import annotations

import re
from functools import lru_cache

from courseware.content.blocks import AnyBlock, Callout, Code, Figure, ListBlock, Math, Paragraph, Quote, Table
from courseware.content.model import Article, Quiz, SlideDeck
from courseware.markdown.blocks import CAPTION, IMAGE, _parser, unescape_start

KIND_SLUGS = {"multiple_choice": "multiple-choice", "true_false": "true-false", "cloze": "cloze"}
_NUMBERED = re.compile(r"^(\d{1,9})(\\*)([.)])")


@lru_cache(maxsize=4096)
def _plain_paragraph(text: str) -> bool:
    """Whether a one-line text, alone, reads as a paragraph holding exactly that text."""
    if text[:1].isalpha() and text.isprintable() and not text.endswith(" ") and "^[" not in text:
        # No block starts with a letter, and a single line without line breaks, tabs or other
        # whitespace than inner spaces is its paragraph's text as it is, unless an inline
        # footnote (^[...]) adds a footnote block after it: most texts, read without a parse.
        return True
    tokens = _parser().parse(text)
    return [t.type for t in tokens] == ["paragraph_open", "inline", "paragraph_close"] and tokens[1].content == text


def _escaped(text: str) -> str:
    """The text with one backslash added where `unescape_start` takes one away."""
    if text.startswith("Table"):  # "Table: " right after a table, or "Table\: "
        return "Table\\" + text[5:]
    if _NUMBERED.match(text):
        return _NUMBERED.sub(r"\1\\\2\3", text, count=1)  # "1\. text": a number, not a list
    return "\\" + text


_TASK = re.compile(r"^\[[ xX]\](?:\s|$)")


def escape_start(text: str, after_table: bool = False, item: bool = False) -> str:
    """A one-line text made safe to start a line: it reads back (through `unescape_start`) as
    itself, and an escape is added only where the text would otherwise start a block (or, in a
    list `item`, a GitHub task box); a text that begins as an escape would (`\\*`, rare) gets
    one backslash more."""
    if unescape_start(text) != text or (after_table and text.startswith(CAPTION)) or (item and _TASK.match(text)):
        return _escaped(text)
    if _plain_paragraph(text) and not IMAGE.match(text):
        return text
    return _escaped(text)


def heading(level: int, text: str) -> str:
    """An ATX heading whose text reads back unchanged: nothing in a heading starts a block, so
    only a text that begins like an escape and a last '#' (a closing sequence) are escaped."""
    if unescape_start(text) != text:
        text = _escaped(text)
    if text.endswith("#"):
        text = text[:-1] + "\\#"
    return "#" * level + " " + text


def _cited(text: str, cites: list[int]) -> str:
    if cites and text.endswith(("\\", "^", "!", "[", "]")):
        text += " "  # these right before [^1] would escape it or make it an inline note, image or link
    return text + "".join(f"[^{n}]" for n in cites)


def _fence(text: str, char: str = "`") -> str:
    """A fence longer than any run of the fence character in `text` (at least three)."""
    runs = [len(m) for m in re.findall(re.escape(char) + "+", text)]
    return char * max(3, max(runs, default=0) + 1)


def _image(figure: Figure) -> str:
    alt = re.sub(r"([\\\[\]])", r"\\\1", figure.alt)
    src = f"<{figure.src}>" if re.search(r"[\s()]", figure.src) or not figure.src else figure.src
    credit = ' "' + re.sub(r'([\\"])', r"\\\1", figure.credit) + '"' if figure.credit else ""
    return f"![{alt}]({src}{credit})"


def _list(block: ListBlock, alternate: bool = False, indent: str = "") -> str:
    lines = []
    for n, item in enumerate(block.items, start=1):
        marker = (f"{n})" if alternate else f"{n}.") if block.ordered else ("*" if alternate else "-")
        lines.append(f"{indent}{marker} {_cited(escape_start(item.text, item=True), item.cites)}")
        if item.children:
            lines.append(_list(item.children, False, indent + " " * (len(marker) + 1)))
    return "\n".join(lines)


def _table(table: Table) -> str:
    def row(cells: list[str]) -> str:
        return "| " + " | ".join(cell.replace("|", "\\|") for cell in cells) + " |"

    rule = {"": "---", "left": ":--", "center": ":-:", "right": "--:"}
    align = table.align or [""] * len(table.header)
    lines = [row(table.header), "| " + " | ".join(rule[a] for a in align) + " |", *(row(r) for r in table.rows)]
    if table.caption:
        lines += ["", CAPTION + _cited(table.caption, table.cites)]
    return "\n".join(lines)


def _code(code: Code) -> str:
    fence = _fence(code.code)
    text = f"{fence}{code.language}\n{code.code}\n{fence}"
    if code.output is not None:
        fence = _fence(code.output)
        text += f"\n\n{fence}output\n{code.output}\n{fence}"
    return text


def _container(name: str, inner: list[str]) -> str:
    """A ::: container, its marker longer than any run of colons starting a line inside."""
    body = "\n\n".join(inner)
    runs = [len(m) for m in re.findall(r"^ *(:+)", body, flags=re.M)]
    marker = ":" * max(3, max(runs, default=0) + 1)
    return f"{marker} {name}\n\n{body}\n\n{marker}"


def block_markdown(block: AnyBlock, before: AnyBlock | None = None, alternate: bool = False) -> str:
    """One block as markdown; `before` is the block written just before it (a paragraph after a
    table must not read as its caption); a list that follows a list of its kind is written with
    the other marker (`*` or `1)`, `alternate`), else the two would read as one."""
    if isinstance(block, Paragraph):
        return _cited(escape_start(block.text, after_table=isinstance(before, Table) and not before.caption), block.cites)
    if isinstance(block, ListBlock):
        return _list(block, alternate)
    if isinstance(block, Table):
        return _table(block)
    if isinstance(block, Code):
        return _code(block)
    if isinstance(block, Math):
        return f"$$\n{block.latex}\n$$"
    if isinstance(block, Figure):
        inner = [_image(block)]
        if block.caption:
            inner.append(_cited(escape_start(block.caption), block.cites))
        return _container("figure", inner)
    if isinstance(block, Quote):
        return "> " + _cited(escape_start(block.text), block.cites)
    if isinstance(block, Callout):
        return _container(block.style + (f" {block.title}" if block.title else ""), _blocks(block.blocks))
    raise TypeError(f"not a block: {block!r}")


def _blocks(blocks: list[AnyBlock]) -> list[str]:
    parts, before, alternate = [], None, False
    for block in blocks:
        alternate = isinstance(block, ListBlock) and isinstance(before, ListBlock) and before.ordered == block.ordered and not alternate
        parts.append(block_markdown(block, before, alternate))
        before = block
    return parts


def _join(parts: list[str]) -> str:
    return "\n\n".join(parts) + "\n"


def article_markdown(article: Article) -> str:
    """A lesson or overview: # title, intro blocks, ## sections of blocks, footnote references."""
    parts = [heading(1, article.title), *_blocks(article.intro)]
    for section in article.sections:
        parts.append(heading(2, section.heading))
        parts += _blocks(section.blocks)
    for n, ref in enumerate(article.references, start=1):
        parts.append(f"[^{n}]: " + escape_start(ref.text))
    return _join(parts)


def quiz_markdown(quiz: Quiz) -> str:
    """A quiz: ## Qn · kind · objective, the prompt, a checkbox list of options, > feedback."""
    parts = [heading(1, quiz.title)]
    for n, item in enumerate(quiz.items, start=1):
        parts.append(f"## Q{n} · {KIND_SLUGS[item.kind]} · {item.objective}")
        parts.append(escape_start(item.prompt))
        parts.append("\n".join(f"- [{'x' if o.correct else ' '}] {o.text}" for o in item.options))
        parts.append("> " + escape_start(item.feedback))
    return _join(parts)


def slides_markdown(deck: SlideDeck) -> str:
    """A slide outline: ## slide title, bullets, an optional visual, a ::: notes block."""
    parts = [heading(1, deck.title)]
    for slide in deck.slides:
        parts.append(heading(2, slide.title))
        if slide.bullets:
            parts.append("\n".join(f"- {escape_start(b, item=True)}" for b in slide.bullets))
        if slide.visual:
            parts.append(block_markdown(slide.visual))
        if slide.notes:
            parts.append("::: notes\n" + escape_start(slide.notes) + "\n:::")
    return _join(parts)


def to_markdown(content: Article | Quiz | SlideDeck) -> str:
    """The markdown body for any content model."""
    if isinstance(content, Article):
        return article_markdown(content)
    if isinstance(content, Quiz):
        return quiz_markdown(content)
    return slides_markdown(content)
