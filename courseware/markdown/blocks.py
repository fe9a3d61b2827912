"""Read markdown into a flat list of located blocks with markdown-it-py.

Texts are the raw inline markdown of each block (as written, one line), so a parser built on
these blocks gives back exactly the strings a writer put in.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache

from markdown_it import MarkdownIt
from markdown_it.token import Token

from courseware.content.model import fold_whitespace

# A line that would otherwise start a block (heading, list, quote, fence, html, table,
# container, reference) or an escaped line; see escape_line.
_BLOCK_START = re.compile(r"^(?:[\\#>+*_`~<\[|:=-]|\d{1,9}[.)](?:\s|$))")


def escape_line(text: str) -> str:
    """Make a one-line text safe to start a markdown line: a leading backslash if needed."""
    return "\\" + text if _BLOCK_START.match(text) else text


def unescape_line(text: str) -> str:
    """Undo escape_line: every line we write that starts with a backslash was escaped."""
    return text[1:] if text.startswith("\\") else text


@dataclass
class Block:
    """One block: kind is heading, paragraph, list, quote, notes, footnote or other."""

    kind: str
    line: int
    text: str = ""
    level: int = 0
    label: str = ""
    items: list[tuple[int, str]] = field(default_factory=list)


@cache
def _parser() -> MarkdownIt:
    from mdit_py_plugins.container import container_plugin
    from mdit_py_plugins.footnote import footnote_plugin

    return MarkdownIt("commonmark").use(footnote_plugin).use(container_plugin, "notes")


def read_blocks(body: str, first_line: int = 1) -> list[Block]:
    """The blocks of a markdown body; `first_line` is the file line the body starts on."""
    tokens = _parser().parse(body)
    blocks: list[Block] = []
    i = 0
    while i < len(tokens):
        token = tokens[i]
        line = first_line + (token.map[0] if token.map else 0)
        end = _closing(tokens, i)
        inner = tokens[i + 1 : end]
        if token.type == "heading_open":
            blocks.append(Block("heading", line, _inline(inner), level=int(token.tag[1])))
        elif token.type == "paragraph_open":
            blocks.append(Block("paragraph", line, unescape_line(_inline(inner))))
        elif token.type == "bullet_list_open":
            blocks.append(Block("list", line, items=_list_items(inner, first_line)))
        elif token.type == "blockquote_open":
            blocks.append(Block("quote", line, _joined(inner)))
        elif token.type == "container_notes_open":
            blocks.append(Block("notes", line, _joined(inner)))
        elif token.type == "footnote_block_open":
            blocks.extend(_footnotes(inner, first_line))
        else:
            blocks.append(Block("other", line, token.type.removesuffix("_open")))
        i = end + 1
    return blocks


def _closing(tokens: list[Token], start: int) -> int:
    """Index of the token closing tokens[start] (itself for a self-contained token)."""
    if tokens[start].nesting != 1:
        return start
    depth = 0
    for j in range(start, len(tokens)):
        depth += tokens[j].nesting
        if depth == 0:
            return j
    return len(tokens) - 1


def _inline(tokens: list[Token]) -> str:
    return " ".join(fold_whitespace(t.content) for t in tokens if t.type == "inline")


def _joined(tokens: list[Token]) -> str:
    return " ".join(unescape_line(fold_whitespace(t.content)) for t in tokens if t.type == "inline")


def _list_items(tokens: list[Token], first_line: int) -> list[tuple[int, str]]:
    items = []
    for j, token in enumerate(tokens):
        if token.type == "list_item_open" and token.level == tokens[0].level:
            end = _closing(tokens, j)
            line = first_line + (token.map[0] if token.map else 0)
            items.append((line, unescape_line(_inline(tokens[j + 1 : end]))))
    return items


def _footnotes(tokens: list[Token], first_line: int) -> list[Block]:
    found = []
    for j, token in enumerate(tokens):
        if token.type == "footnote_open":
            end = _closing(tokens, j)
            line = first_line + (tokens[j + 1].map[0] if tokens[j + 1].map else 0)
            label = str(token.meta.get("label", ""))
            found.append(Block("footnote", line, unescape_line(_inline(tokens[j + 1 : end])), label=label))
    return found
