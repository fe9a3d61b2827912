"""Read markdown into a flat list of located blocks with markdown-it-py.

Texts are the raw inline markdown of each block (as written, one line), so a parser built on
these blocks gives back exactly the strings a writer put in.
"""

from __future__ import annotations

import re
from collections.abc import Callable
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
def _parser(stream: bool = False) -> MarkdownIt:
    from mdit_py_plugins.container import container_plugin
    from mdit_py_plugins.footnote import footnote_plugin

    md = MarkdownIt("commonmark").use(footnote_plugin).use(container_plugin, "notes")
    if stream:
        # Blocks keep the raw inline markdown of each block (token.content), so the inline phase
        # would only resolve footnote references; skipping it halves the time on a long source.
        md.disable(["inline", "footnote_tail"])
        md.block.ruler.before(md.block.ruler.get_all_rules()[0], "courseware_flush", _flush)
    return md


def read_blocks(body: str, first_line: int = 1) -> list[Block]:
    """The blocks of a markdown body; `first_line` is the file line the body starts on."""
    return _blocks(_parser().parse(body), first_line)


def stream_blocks(body: str, handle: Callable[[list[Block]], None]) -> None:
    """Read a long markdown text (a source document) with bounded memory: `handle` gets its
    blocks a few at a time, as each top-level block ends, and the tokens of those blocks are
    dropped. The blocks are those of read_blocks, but for footnote definitions: kind footnote
    in text order, referenced or not (resolving references needs the whole token list)."""
    tokens = _parser(stream=True).parse(body, {_FLUSH: lambda done: handle(_blocks(done, 1))})
    handle(_blocks(tokens, 1))


_FLUSH = "courseware_flush"


def _flush(state, start_line: int, end_line: int, silent: bool) -> bool:
    """A block rule that matches nothing: tried first at every block start, it hands the tokens
    of the finished top-level blocks (level 0: nothing open) to env[_FLUSH] and forgets them."""
    if state.level == 0 and state.tokens and not silent:
        state.env[_FLUSH](list(state.tokens))
        state.tokens.clear()  # the core state holds this same list
    return False


def _blocks(tokens: list[Token], first_line: int) -> list[Block]:
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
        elif token.type == "footnote_reference_open":  # a definition left in place (stream_blocks)
            blocks.append(Block("footnote", line, unescape_line(_inline(inner)), label=str(token.meta.get("label", ""))))
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
