"""Read markdown into located content blocks (courseware/content/blocks.py) with markdown-it-py.

The syntax (docs/formats.md): CommonMark with GFM pipe tables, fenced code (an ```output fence
right after a code block is its output), `$$` display math, `::: figure` and `::: <callout>`
containers, `[^n]` footnotes. Texts keep the inline markdown as written, one line, so a writer
that puts a model's text in gets exactly that text back; only the escapes a writer adds at the
start of a line (see `unescape_start`) are removed.

Two readings of the same tokens:
- reviewed (lessons, quizzes, slides): `read_nodes`; anything that is not a block of the model
  is a `MarkdownProblem` at its line, and trailing `[^label]` citations resolve to numbers.
- sources (`read_source_blocks`, streamed with bounded memory, and `read_blocks`/`stream_blocks`):
  lenient, a block that is not one of the model's is left out (reported to `problem`), the
  source's own footnote references are dropped from texts and nothing cites.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import cache
from typing import NamedTuple

from markdown_it import MarkdownIt
from markdown_it.token import Token
from pydantic import ValidationError

from courseware.content.blocks import (
    CALLOUT_STYLES, AnyBlock, Callout, Code, Figure, ListBlock, ListItem, Math, Paragraph, Quote, Table, fold_whitespace,
)

FOOTNOTE_REF = re.compile(r"\[\^[^\]]*\]")
TRAILING_CITES = re.compile(r"((?:\[\^[^\]\[\s^]+\])+)$")
# An image alone in its paragraph: ![alt](path "credit"); brackets in the alt and quotes in the
# credit are backslash-escaped (see image_markdown).
IMAGE = re.compile(
    r'^!\[(?P<alt>(?:\\.|[^\\\[\]])*)\]\(\s*(?:<(?P<angled>[^<>\n]*)>|(?P<src>[^\s<>()]*))'
    r'(?:\s+"(?P<credit>(?:\\.|[^\\"])*)")?\s*\)$'
)
CAPTION = "Table: "

# A backslash at the start of a text followed by one of these is an escape a writer added (the
# old writer put one before any of `\#>+*_`~<[|:=-`; this one before what would start a block).
_ESCAPED_START = set("\\#>+*_`~<[|:=-$!")
_OLD_NUMBER = re.compile(r"^\\\d{1,9}[.)](?:\s|$)")  # the old writer's "\1. text"
_NUMBER = re.compile(r"^(\d{1,9})\\(\\*[.)])")  # "1\. text"
_CAPTION_ESCAPED = re.compile(r"^Table\\(\\*): ")  # "Table\: text", a paragraph that is no caption


def unescape_start(text: str) -> str:
    """A text as written at the start of a line, without the escape a writer put there."""
    if text[:1] == "\\" and text[1:2] in _ESCAPED_START or _OLD_NUMBER.match(text):
        return text[1:]
    if match := _NUMBER.match(text):
        return match[1] + text[len(match[1]) + 1 :]
    if match := _CAPTION_ESCAPED.match(text):
        return "Table" + text[6:]
    return text


def _source_unescape(text: str) -> str:
    """In a source, only the escapes that change nothing inline are undone (`\\#` reads "#"
    wherever it stands), so the text reads the same in a lesson without a backslash."""
    if text[:1] == "\\" and text[1:2] in "#>+=|:-":
        return text[1:]
    if match := _NUMBER.match(text):
        return match[1] + text[len(match[1]) + 1 :]
    return text


class MarkdownProblem(ValueError):
    """Markdown that is not a block of the content model: the body line and what to do."""

    def __init__(self, line: int, message: str):
        super().__init__(message)
        self.line = line
        self.message = message


@dataclass(frozen=True)
class Node:
    """One top-level piece of a file: kind is heading (text, level), block (block), footnote
    (label, text), notes (text of a `::: notes` container) or other (text: the markdown-it name,
    like html_block or hr). `lines` are the lines of a list's items (top level)."""

    kind: str
    line: int
    text: str = ""
    level: int = 0
    label: str = ""
    block: AnyBlock | None = None
    lines: tuple[int, ...] = field(default=(), compare=False)


class SourceBlock(NamedTuple):
    """What `read_source_blocks` hands on: a heading (level 1-6, its text) or a block (level
    None, the block), with the line it starts on."""

    line: int
    level: int | None
    item: AnyBlock | str


@cache
def _parser(stream: bool = False) -> MarkdownIt:
    from mdit_py_plugins.container import container_plugin
    from mdit_py_plugins.dollarmath import dollarmath_plugin
    from mdit_py_plugins.footnote import footnote_plugin

    md = MarkdownIt("commonmark").enable("table").use(footnote_plugin)
    md.use(container_plugin, "div", validate=lambda params, markup: True)  # every `::: name`; the reader checks the name
    md.use(dollarmath_plugin, allow_labels=False, allow_space=False, allow_digits=False, double_inline=False)
    if stream:
        # Blocks keep the raw inline markdown of each block (token.content), so the inline phase
        # would only resolve footnote references; skipping it halves the time on a long source.
        md.disable(["inline", "footnote_tail"])
        md.block.ruler.before(md.block.ruler.get_all_rules()[0], "courseware_flush", _flush)
    return md


def read_nodes(body: str, first_line: int = 1) -> list[Node]:
    """The nodes of a reviewed markdown body, strictly; `first_line` is the file line the body
    starts on. Raises MarkdownProblem (with a file line) for what is not the model's."""
    tokens = _parser().parse(body)
    labels = {str(t.meta.get("label", "")): n for n, t in enumerate((t for t in tokens if t.type == "footnote_open"), start=1)}
    return list(_Convert(first_line, labels, body.split("\n")).nodes(tokens))


def read_blocks(body: str, first_line: int = 1) -> list[Node]:
    """The nodes of a source text read whole (what stream_blocks gives, a few at a time)."""
    return list(_Convert(first_line, None, None).nodes(_parser().parse(body)))


def stream_blocks(body: str, handle: Callable[[list[Node]], None], problem: Callable[[int, str], None] | None = None) -> None:
    """Read a long markdown text (a source document) with bounded memory: `handle` gets its nodes
    one at a time, as each top-level block ends, and the tokens of that block are dropped. The
    nodes are those of read_blocks, but for footnote definitions: in text order, referenced or
    not (resolving references needs the whole token list). `problem(line, message)` hears of each
    block left out (a figure without alt text, a list item holding a table ...)."""
    convert = _Convert(1, None, None, problem)
    pending: list[Token] = []  # a table or code block waits for its caption or output block

    def take(tokens: list[Token]) -> None:
        tokens = pending + tokens
        pending.clear()
        groups = [g for g in _groups(tokens, 0, len(tokens)) if tokens[g[0]].type != "footnote_reference_open"]
        if groups and _may_take_more(tokens[groups[-1][0]]):  # footnote definitions in between do not count
            start = groups[-1][0]
            pending.extend(tokens[start:])
            tokens = tokens[:start]
        for node in convert.nodes(tokens):
            handle([node])

    tokens = _parser(stream=True).parse(body, {_FLUSH: take})
    take(tokens)
    for node in convert.nodes(pending):
        handle([node])


def read_source_blocks(body: str, handle: Callable[[list[SourceBlock]], None], problem: Callable[[int, str], None] | None = None) -> None:
    """Read a source document into content blocks with bounded memory (a 50 MB source is fine):
    `handle` gets lists of SourceBlock in reading order, a block at a time: a heading as
    (line, level, text), any other block as (line, None, block). The source's footnote
    definitions, raw HTML and thematic breaks are left out, as are its own `[^n]` references
    inside texts (a source's footnotes are not the course's references, nothing cites); the
    blocks of unknown `:::` containers and of `::: notes` stand in the flow. `problem(line,
    message)` hears of each block that is not one of the model's (a figure without alt text, a
    list item holding a code block: the code block follows the list) and so was left out."""

    def take(nodes: list[Node]) -> None:
        found = [SourceBlock(n.line, n.level, n.text) if n.kind == "heading" else SourceBlock(n.line, None, n.block) for n in nodes if n.kind in ("heading", "block")]
        if found:
            handle(found)

    stream_blocks(body, take, problem)


_FLUSH = "courseware_flush"


def _may_take_more(token: Token) -> bool:
    """A table (its caption may follow) or a code block (its output may follow)."""
    return token.type in ("table_open", "code_block") or token.type == "fence" and token.info.strip() != "output"


def _flush(state, start_line: int, end_line: int, silent: bool) -> bool:
    """A block rule that matches nothing: tried first at every block start, it hands the tokens
    of the finished top-level blocks (level 0: nothing open) to env[_FLUSH] and forgets them."""
    if state.level == 0 and state.tokens and not silent:
        state.env[_FLUSH](list(state.tokens))
        state.tokens.clear()  # the core state holds this same list
    return False


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


def _groups(tokens: list[Token], start: int, end: int) -> list[tuple[int, int]]:
    """The sibling blocks in tokens[start:end], as (first, last) token indices."""
    found = []
    i = start
    while i < end:
        last = _closing(tokens, i)
        found.append((i, last))
        i = last + 1
    return found


def _fold(text: str) -> str:
    """fold_whitespace, without a regex pass over a text that has nothing to fold (line breaks
    and tabs are not printable; a no-break space is not either, and is kept by the fold)."""
    return fold_whitespace(text) if not text.isprintable() or "  " in text or text[:1] == " " or text[-1:] == " " else text


def _inline(tokens: list[Token]) -> str:
    return " ".join(_fold(t.content) for t in tokens if t.type == "inline")


def _image(tokens: list[Token]) -> re.Match | None:
    """The image of an image-only paragraph (its path may hold runs of spaces, so unfolded)."""
    return IMAGE.match(" ".join(t.content.strip() for t in tokens if t.type == "inline"))


def validation_message(exc: ValidationError) -> str:
    """The first problem pydantic found, as one line: where (field path) and what."""
    err = exc.errors()[0]
    where = ".".join(str(s) for s in err["loc"])
    if err["type"] == "value_error":
        message = str(err["ctx"]["error"])
    elif err["type"] == "too_short":
        message = f"needs at least {err['ctx']['min_length']} entry"
    else:
        message = err["msg"][0].lower() + err["msg"][1:]
    return f"{where + ': ' if where else ''}{message}"


CALLOUTS = ", ".join(CALLOUT_STYLES)
ITEM_HOLDS = "a list item holds one line of text, and optionally a nested list"


class _Convert:
    """Tokens to nodes and blocks; strict (reviewed markdown) when `labels` are given."""

    def __init__(self, first_line: int, labels: dict[str, int] | None, lines: list[str] | None, problem: Callable[[int, str], None] | None = None):
        self.first_line = first_line
        self.labels = labels
        self.strict = labels is not None
        self.lines = lines
        self.problem = problem

    def line(self, token: Token) -> int:
        return self.first_line + (token.map[0] if token.map else 0)

    def fail(self, line: int, message: str) -> MarkdownProblem:
        return MarkdownProblem(line, message)

    def build(self, line: int, make: Callable[[], AnyBlock]) -> AnyBlock:
        try:
            return make()
        except ValidationError as exc:
            raise self.fail(line, validation_message(exc)) from None

    # -- texts ----------------------------------------------------------------------------

    def text(self, raw: str, line: int) -> tuple[str, list[int]]:
        """A text that starts a line (folded already), and the citations at its end."""
        text, cites = self.cites(raw, line)
        return (unescape_start(text) if self.strict else _source_unescape(text)), cites

    def cites(self, raw: str, line: int) -> tuple[str, list[int]]:
        if not self.strict:  # a source's own footnotes are not the course's references
            return (fold_whitespace(FOOTNOTE_REF.sub("", raw)) if "[^" in raw else raw), []
        text, cites = raw, []
        match = TRAILING_CITES.search(text)
        if match:
            for label in re.findall(r"\[\^([^\]]+)\]", match.group(1)):
                if label not in self.labels:
                    raise self.fail(line, f"reference [^{label}] is not defined; add '[^{label}]: source § section' at the end")
                cites.append(self.labels[label])
            text = text[: match.start()].rstrip()
        return text, cites

    # -- nodes ----------------------------------------------------------------------------

    def nodes(self, tokens: list[Token]) -> Iterator[Node]:
        groups = _groups(tokens, 0, len(tokens))
        n = 0
        while n < len(groups):
            first, last = groups[n]
            token = tokens[first]
            line = self.line(token)
            n += 1
            if token.type == "heading_open":
                text = _inline(tokens[first:last])
                yield Node("heading", line, heading_text(text) if self.strict else text, level=int(token.tag[1]))
            elif token.type == "footnote_block_open":
                yield from self.footnotes(tokens, first, last)
            elif token.type == "footnote_reference_open":  # a definition left in place (stream_blocks)
                yield Node("footnote", line, unescape_start(_inline(tokens[first:last])), label=str(token.meta.get("label", "")))
            elif token.type == "container_div_open" and _style(token)[0] == "notes":
                if self.strict:
                    yield Node("notes", line, " ".join(unescape_start(fold_whitespace(t.content)) for t in tokens[first:last] if t.type == "inline"))
                else:
                    for block in self.sequence(tokens, _groups(tokens, first + 1, last), depth=0):
                        yield Node("block", block[0], block=block[1])
            elif token.type in ("html_block", "hr"):
                yield Node("other", line, token.type)
            else:
                # A block, with what belongs to it: a table's caption, a code block's output.
                taken, skipped = [groups[n - 1]], []
                while n < len(groups):
                    if tokens[groups[n][0]].type == "footnote_reference_open" and _may_take_more(tokens[taken[-1][0]]):
                        skipped.append(groups[n])  # a footnote definition left in place (stream_blocks): read past it
                    elif self.belongs(tokens, taken[-1], groups[n]):
                        taken.append(groups[n])
                    else:
                        break
                    n += 1
                for block_line, block, lines in self.blocks_with_lines(tokens, taken, depth=0):
                    yield Node("block", block_line, block=block, lines=lines)
                for first, last in skipped:
                    yield from self.nodes(tokens[first : last + 1])

    def footnotes(self, tokens: list[Token], first: int, last: int) -> Iterator[Node]:
        for j in range(first, last):
            token = tokens[j]
            if token.type == "footnote_open":
                end = _closing(tokens, j)
                line = self.line(tokens[j + 1]) if j + 1 < end else self.first_line
                yield Node("footnote", line, unescape_start(_inline(tokens[j + 1 : end])), label=str(token.meta.get("label", "")))

    def belongs(self, tokens: list[Token], previous: tuple[int, int], group: tuple[int, int]) -> bool:
        """Whether `group` is the caption of the table or the output of the code before it."""
        before, token = tokens[previous[0]], tokens[group[0]]
        if before.type == "table_open" and token.type == "paragraph_open":
            return _inline(tokens[group[0] : group[1]]).startswith(CAPTION)
        return before.type in ("fence", "code_block") and token.type == "fence" and token.info.strip() == "output" and before.info.strip() != "output"

    # -- blocks ---------------------------------------------------------------------------

    def sequence(self, tokens: list[Token], groups: list[tuple[int, int]], depth: int) -> list[tuple[int, AnyBlock]]:
        """The blocks of sibling token groups (inside a container), with their lines."""
        found: list[tuple[int, AnyBlock]] = []
        n = 0
        while n < len(groups):
            taken = [groups[n]]
            n += 1
            while n < len(groups) and self.belongs(tokens, taken[-1], groups[n]):
                taken.append(groups[n])
                n += 1
            found += [(line, block) for line, block, _ in self.blocks_with_lines(tokens, taken, depth)]
        return found

    def blocks_with_lines(self, tokens: list[Token], taken: list[tuple[int, int]], depth: int) -> list[tuple[int, AnyBlock, tuple[int, ...]]]:
        """One block (with its caption or output) as (line, block, item lines); in a source, a
        block that is not the model's is left out (or gives its inner blocks)."""
        try:
            return self.block(tokens, taken, depth)
        except MarkdownProblem as problem:
            if self.strict:
                raise
            if self.problem:
                self.problem(problem.line, problem.message)
            return []

    def block(self, tokens: list[Token], taken: list[tuple[int, int]], depth: int) -> list[tuple[int, AnyBlock, tuple[int, ...]]]:
        first, last = taken[0]
        token = tokens[first]
        line = self.line(token)
        kind = token.type
        if kind == "paragraph_open":
            if image := _image(tokens[first:last]):
                return [(line, self.figure_image(image, line, None), ())]
            if self.strict:
                self.check_not_a_table(tokens[first + 1], line)
            text, cites = self.text(_inline(tokens[first:last]), line)
            if not self.strict and not text:
                return []
            return [(line, self.build(line, lambda: Paragraph(text=text, cites=cites)), ())]
        if kind in ("bullet_list_open", "ordered_list_open"):
            block, lines, hoisted = self.list(tokens, first, last)
            return [(line, block, lines), *((l, b, ()) for l, b in hoisted)]
        if kind == "table_open":
            return [(line, self.table(tokens, first, last, taken[1] if len(taken) > 1 else None), ())]
        if kind in ("fence", "code_block"):
            return [(line, self.code(token, tokens[taken[1][0]] if len(taken) > 1 else None), ())]
        if kind == "math_block":
            return [(line, self.build(line, lambda: Math(latex=token.content)), ())]
        if kind == "blockquote_open":
            return [(line, self.quote(tokens, first, last, line), ())]
        if kind == "container_div_open":
            return self.container(tokens, first, last, depth)
        if kind == "heading_open":
            raise self.fail(line, "a heading cannot stand inside a ::: container; end the container first")
        if kind in ("html_block", "hr"):
            raise self.fail(line, _OTHER.get(kind, kind))
        raise self.fail(line, f"unexpected {kind.removesuffix('_open').replace('_', ' ')} here")

    def list(self, tokens: list[Token], first: int, last: int) -> tuple[ListBlock, tuple[int, ...], list[tuple[int, AnyBlock]]]:
        ordered = tokens[first].type == "ordered_list_open"
        items, lines, hoisted = [], [], []
        for start, end in _groups(tokens, first + 1, last):
            item_line = self.line(tokens[start])
            parts = _groups(tokens, start + 1, end)
            text, cites, children = None, [], None
            for p_first, p_last in parts:
                part = tokens[p_first]
                if part.type == "paragraph_open" and text is None:
                    text, cites = self.text(_inline(tokens[p_first:p_last]), self.line(part))
                elif part.type in ("bullet_list_open", "ordered_list_open") and children is None and text is not None:
                    children, _, more = self.list(tokens, p_first, p_last)
                    hoisted += more
                elif self.strict:
                    raise self.fail(self.line(part), f"{ITEM_HOLDS}; put this after the list")
                else:
                    hoisted += [(l, b) for l, b, _ in self.blocks_with_lines(tokens, [(p_first, p_last)], 0)]
            if text is None or (not self.strict and not text):
                if self.strict:
                    raise self.fail(item_line, f"this list item is empty; {ITEM_HOLDS}")
                continue
            items.append(self.build(item_line, lambda: ListItem(text=text, cites=cites, children=children)))
            lines.append(item_line)
        if not items:
            raise self.fail(self.line(tokens[first]), "this list has no item with text")
        return self.build(self.line(tokens[first]), lambda: ListBlock(ordered=ordered, items=items)), tuple(lines), hoisted

    def table(self, tokens: list[Token], first: int, last: int, caption: tuple[int, int] | None) -> Table:
        line = self.line(tokens[first])
        header: list[str] = []
        align: list[str] = []
        rows: list[list[str]] = []
        body = False
        for token in tokens[first:last]:
            if token.type == "th_open":
                style = str(token.attrs.get("style", ""))
                align.append(style.removeprefix("text-align:") if style.startswith("text-align:") else "")
            elif token.type == "tbody_open":
                body = True
            elif token.type == "tr_open" and body:
                rows.append([])
                self.check_row(token, len(align))
            elif token.type == "inline":
                (rows[-1] if body else header).append(fold_whitespace(token.content))
        if not rows and self.strict:
            raise self.fail(line, "a table needs at least one row under its header and delimiter rows")
        text, cites = None, []
        if caption:
            caption_line = self.line(tokens[caption[0]])
            text, cites = self.cites(_inline(tokens[caption[0] : caption[1]])[len(CAPTION) :].strip(), caption_line)
        aligns = align if any(align) else []
        return self.build(line, lambda: Table(header=header, align=aligns, rows=rows, caption=text or None, cites=cites))

    def check_not_a_table(self, token: Token, line: int) -> None:
        """A pipe table whose delimiter row does not match its header reads as a paragraph of
        pipes: say so rather than keep it."""
        rows = token.content.split("\n")
        if len(rows) >= 2 and "|" in rows[0] and _DELIMITER_ROW.match(rows[1].strip()):
            header, rule = (_cell_count(r) for r in rows[:2])
            raise self.fail(line, f"this table's header has {header} cell(s) but the row under it has {rule}; a table's second row is one '---' per column")

    def check_row(self, token: Token, width: int) -> None:
        """markdown-it pads a short row and cuts a long one: a reviewed table must be exact."""
        if not self.strict or not self.lines or not token.map:
            return
        count = _cell_count(self.lines[token.map[0]])
        if count != width:
            raise self.fail(self.line(token), f"this table row has {count} cell(s) but the header has {width}; write a '|' inside a cell as '\\|'")

    def code(self, token: Token, output: Token | None) -> Code:
        line = self.line(token)
        language = token.info.strip().split(" ", 1)[0] if token.type == "fence" else ""
        if language == "output":
            if self.strict:
                raise self.fail(line, "an ```output block follows the code block whose output it is")
            language = ""
        if not self.strict and language and not re.match(r"^[A-Za-z0-9_+#.-]{1,40}$", language):
            language = ""  # a source's {r} or python title="x": the code is what matters
        return self.build(line, lambda: Code(language=language, code=token.content, output=output.content if output else None))

    def quote(self, tokens: list[Token], first: int, last: int, line: int) -> Quote:
        parts = _groups(tokens, first + 1, last)
        if self.strict and (len(parts) != 1 or tokens[parts[0][0]].type != "paragraph_open"):
            raise self.fail(line, "a quote holds one paragraph: '> text'")
        text, cites = self.text(" ".join(fold_whitespace(t.content) for t in tokens[first:last] if t.type == "inline"), line)
        if not text:
            raise self.fail(line, "this quote is empty")
        return self.build(line, lambda: Quote(text=text, cites=cites))

    def container(self, tokens: list[Token], first: int, last: int, depth: int) -> list[tuple[int, AnyBlock, tuple[int, ...]]]:
        token = tokens[first]
        line = self.line(token)
        style, title = _style(token)
        groups = _groups(tokens, first + 1, last)
        if style == "figure":
            return [(line, self.figure(tokens, groups, line), ())]
        if style in CALLOUT_STYLES:
            if depth:
                if self.strict:
                    raise self.fail(line, "a callout cannot hold another callout; close the first one (':::') before this one")
                return [(l, b, ()) for l, b in self.sequence(tokens, groups, depth)]
            blocks = [b for _, b in self.sequence(tokens, groups, depth + 1)]
            if not blocks:
                raise self.fail(line, f"this ::: {style} is empty; write its paragraphs between '::: {style}' and ':::'")
            return [(line, self.build(line, lambda: Callout(style=style, title=title or None, blocks=blocks)), ())]
        if self.strict:
            what = f"'::: {style}'" if style else "a ':::' container without a name"
            raise self.fail(line, f"unknown container {what}; the containers are ::: figure and the callouts ::: {CALLOUTS}")
        return [(l, b, ()) for l, b in self.sequence(tokens, groups, depth)]

    def figure(self, tokens: list[Token], groups: list[tuple[int, int]], line: int) -> Figure:
        paragraphs = [g for g in groups if tokens[g[0]].type == "paragraph_open"]
        shape = 'a ::: figure holds one image written ![alt text](path "credit") and optionally a caption paragraph'
        if not paragraphs or len(paragraphs) != len(groups) or len(paragraphs) > 2:
            raise self.fail(line, shape)
        image_line = self.line(tokens[paragraphs[0][0]])
        image = _image(tokens[paragraphs[0][0] : paragraphs[0][1]])
        if not image:
            raise self.fail(image_line, shape)
        caption = None
        if len(paragraphs) == 2:
            caption_line = self.line(tokens[paragraphs[1][0]])
            caption = self.text(_inline(tokens[paragraphs[1][0] : paragraphs[1][1]]), caption_line)
        return self.figure_image(image, image_line, caption)

    def figure_image(self, match: re.Match, line: int, caption: tuple[str, list[int]] | None) -> Figure:
        alt = fold_whitespace(re.sub(r"\\([\\\[\]])", r"\1", match["alt"]))
        if not alt:
            raise self.fail(line, "a figure needs alt text: what a learner who cannot see it needs to know, written ![alt text](path)")
        src = match["angled"] if match["angled"] is not None else match["src"]
        credit = re.sub(r'\\([\\"])', r"\1", match["credit"]) if match["credit"] is not None else None
        text, cites = caption if caption else (None, [])
        return self.build(line, lambda: Figure(src=src, alt=alt, caption=text or None, credit=(fold_whitespace(credit) or None) if credit else None, cites=cites))


_DELIMITER_ROW = re.compile(r"^\|?\s*:?-+:?\s*(?:\|\s*:?-+:?\s*)*\|?$")


def _cell_count(row: str) -> int:
    """The cells of a pipe-table row: its unescaped pipes, without a leading and trailing one."""
    row = row.strip()
    row = row[1:] if row.startswith("|") else row
    row = row[:-1] if row.endswith("|") and not row.endswith("\\|") else row
    return len(re.findall(r"(?<!\\)\|", row)) + 1


_OTHER = {
    "html_block": "raw HTML is not read here; write it in markdown (a ::: figure for an image, a pipe table for a table)",
    "hr": "a thematic break (---) is not read here; start a '## Section' instead",
}


def _style(token: Token) -> tuple[str, str]:
    """A container's name and the rest of its opening line (a callout's title)."""
    name, _, rest = token.info.strip().partition(" ")
    return name, fold_whitespace(rest)


def heading_text(raw: str) -> str:
    """A heading's text without the escapes a writer adds (a leading one, a last `\\#`)."""
    text = unescape_start(raw)
    return text[:-2] + "#" if text.endswith("\\#") else text
