"""The blocks a lesson, an overview or a slide is made of, and the inline text inside them.

One model for every stage: the reviewed markdown reads into it and is written from it, the
model's answers and the offline provider's extracts convert into it, and every renderer renders
it. `Block` is the union; each kind is tagged by its `kind` field.

Inline text (`Text`) is one line of inline markdown: emphasis, strong, code spans, links
(http, https, mailto or relative) and inline math written `$...$`. Code and display math keep
their line breaks (`Verbatim`).

Citations: a block that states facts carries the numbers of the references it cites (`cites`,
1-based into its article's references). A list cites per item, a table and a figure by their
caption, a callout through the blocks inside it; code and display math cite nothing themselves.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from typing import Annotated, Literal, Union

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

FOOTNOTE_REF = re.compile(r"\[\^[^\]]*\]")
# Only breaking white space folds: no-break spaces are typography (French « », "10 %").
BREAKING_SPACE = re.compile(r"[ \t\n\r\f\v\u2028\u2029\u0085]+")
BIDI_CONTROLS = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"


def fold_whitespace(text: str) -> str:
    """Runs of breaking white space to one space; any white space trimmed at both ends."""
    return BREAKING_SPACE.sub(" ", text).strip()


# What clean_line changes besides white space: a text without any (most texts) is only folded.
_UNCLEAN = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def clean_line(value: str) -> str:
    """Fold whitespace to single spaces and drop control and format-override characters."""
    if value and not _UNCLEAN.search(value):
        text = fold_whitespace(value)
        if text:
            return text
    kept = []
    for char in value:
        category = unicodedata.category(char)
        if char in "\t\n\r\f\v\u2028\u2029\u0085":
            kept.append(" ")
        elif category == "Cc" or char in BIDI_CONTROLS:
            continue  # C0/C1 controls and bidi overrides never belong in course text
        else:
            kept.append(char)
    text = fold_whitespace("".join(kept))
    if not text:
        raise ValueError("must not be empty")
    return text


def clean_cell(value: str) -> str:
    """A table cell: inline text like any other, but it may be empty."""
    try:
        return clean_line(value)
    except ValueError:
        return ""


def clean_verbatim(value: str) -> str:
    """Code or LaTeX: line breaks and indentation kept (tabs too), line ends normalised, trailing
    spaces and blank lines at both ends dropped, other control characters removed."""
    lines = []
    for line in value.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        kept = "".join(c for c in line if c == "\t" or (unicodedata.category(c) != "Cc" and c not in BIDI_CONTROLS))
        lines.append(kept.rstrip())
    text = "\n".join(lines).strip("\n")
    if not text.strip():
        raise ValueError("must not be empty")
    return text


CODE_SPAN = re.compile(r"(`+)(?!`).*?(?<!`)\1(?!`)")  # "`[^1]`" shows the marker as code: no reference


def _no_footnote_refs(value: str) -> str:
    if "[^" in value and FOOTNOTE_REF.search(CODE_SPAN.sub("", value)):
        raise ValueError("footnote references like [^1] belong at the end of a paragraph")
    return value


Line = Annotated[str, AfterValidator(clean_line)]
"""One line of text (ids, sources, notes)."""
Text = Annotated[str, AfterValidator(clean_line), AfterValidator(_no_footnote_refs)]
"""One line of inline markdown, citations kept apart (in `cites`)."""
Verbatim = Annotated[str, AfterValidator(clean_verbatim)]
"""Code or LaTeX, line breaks kept."""
Cites = list[Annotated[int, Field(ge=1)]]

IMAGE_TYPES = {".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".gif": "image/gif", ".svg": "image/svg+xml", ".webp": "image/webp"}
LANGUAGE = re.compile(r"^[A-Za-z0-9_+#.-]{1,40}$")


def _image_path(value: str) -> str:
    """A figure's image: a relative path (to the markdown file it is written in), never a URL."""
    value = value.strip()
    if not value or re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:", value) or value.startswith(("/", "\\", "//")):
        raise ValueError(f"a figure's image is a relative path to a file beside the course, not {value!r}")
    if any(c in value for c in "\n\r\t<>") or any(unicodedata.category(c) == "Cc" for c in value):
        raise ValueError("a figure's image path has no line breaks, tabs or angle brackets")
    suffix = value[value.rfind(".") :].lower() if "." in value.rsplit("/", 1)[-1] else ""
    if suffix not in IMAGE_TYPES:
        raise ValueError(f"a figure's image is one of {', '.join(sorted(IMAGE_TYPES))}, not {value!r}")
    return value


def _language(value: str) -> str:
    if value and not LANGUAGE.match(value):
        raise ValueError(f"a code block's language is a name like python or r, not {value!r}")
    if value == "output":  # in markdown, a block marked output is the output of the code before it
        raise ValueError("'output' is not a code block's language: it marks the output of the code block before it")
    return value


def _latex(value: str) -> str:
    if any(line.strip().endswith("$$") or line.strip().startswith("$$") for line in value.split("\n")):
        raise ValueError("display math is LaTeX without $$ (the markdown puts them around it)")
    return value


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Paragraph(_Model):
    kind: Literal["paragraph"] = "paragraph"
    text: Text
    cites: Cites = []


class ListItem(_Model):
    """One item: its text, what it cites, and an optional nested list."""

    text: Text
    cites: Cites = []
    children: ListBlock | None = None


class ListBlock(_Model):
    kind: Literal["list"] = "list"
    ordered: bool = False
    items: Annotated[list[ListItem], Field(min_length=1)]


Align = Literal["", "left", "center", "right"]


class Table(_Model):
    """A table with one header row; every row has as many cells as the header."""

    kind: Literal["table"] = "table"
    header: Annotated[list[Text], Field(min_length=1)]
    align: list[Align] = []  # one per column, or empty for all default
    rows: Annotated[list[list[Annotated[str, AfterValidator(clean_cell)]]], Field(min_length=1)]
    caption: Text | None = None
    cites: Cites = []

    @model_validator(mode="after")
    def _check(self) -> Table:
        width = len(self.header)
        if self.align and not any(self.align):  # no alignment is one thing, however it is written
            object.__setattr__(self, "align", [])
        if self.align and len(self.align) != width:
            raise ValueError(f"a table's alignment names {len(self.align)} column(s) but its header has {width}")
        for n, row in enumerate(self.rows, start=1):
            if len(row) != width:
                raise ValueError(f"table row {n} has {len(row)} cell(s) but the header has {width}")
            for cell in row:
                _no_footnote_refs(cell)
        if self.cites and not self.caption:
            raise ValueError("a table cites its sources in its caption: add one")
        return self


class Code(_Model):
    """A code block with its language, and optionally the output it prints."""

    kind: Literal["code"] = "code"
    language: Annotated[str, AfterValidator(_language)] = ""
    code: Verbatim
    output: Verbatim | None = None


class Math(_Model):
    """Display math, in LaTeX."""

    kind: Literal["math"] = "math"
    latex: Annotated[str, AfterValidator(clean_verbatim), AfterValidator(_latex)]


class Figure(_Model):
    """An image file with its alt text (required: what a learner who cannot see it needs),
    an optional caption (which carries the figure's citations) and credit."""

    kind: Literal["figure"] = "figure"
    src: Annotated[str, AfterValidator(_image_path)]
    alt: Text
    caption: Text | None = None
    credit: Text | None = None
    cites: Cites = []

    @model_validator(mode="after")
    def _check(self) -> Figure:
        if self.cites and not self.caption:
            raise ValueError("a figure cites its sources in its caption: add one")
        return self


class Quote(_Model):
    kind: Literal["quote"] = "quote"
    text: Text
    cites: Cites = []


CALLOUT_STYLES = ("note", "tip", "warning", "example", "activity", "takeaway")
CalloutStyle = Literal["note", "tip", "warning", "example", "activity", "takeaway"]

Inner = Annotated[Union[Paragraph, ListBlock, Table, Code, Math, Figure, Quote], Field(discriminator="kind")]
"""What a callout may hold: any block but another callout."""


class Callout(_Model):
    """A boxed aside: note, tip, warning, example, activity or key takeaway."""

    kind: Literal["callout"] = "callout"
    style: CalloutStyle
    title: Text | None = None
    blocks: Annotated[list[Inner], Field(min_length=1)]


Block = Annotated[Union[Paragraph, ListBlock, Table, Code, Math, Figure, Quote, Callout], Field(discriminator="kind")]
BLOCK_KINDS = ("paragraph", "list", "table", "code", "math", "figure", "quote", "callout")

AnyBlock = Paragraph | ListBlock | Table | Code | Math | Figure | Quote | Callout


def items(block: ListBlock) -> Iterator[ListItem]:
    """Every item of a list, nested ones after their parent, in reading order."""
    for item in block.items:
        yield item
        if item.children:
            yield from items(item.children)


def cites(block: AnyBlock) -> list[int]:
    """The reference numbers a block cites, in reading order, each once."""
    found: list[int] = []
    if isinstance(block, ListBlock):
        for item in items(block):
            found += item.cites
    elif isinstance(block, Callout):
        for inner in block.blocks:
            found += cites(inner)
    elif isinstance(block, (Paragraph, Table, Figure, Quote)):
        found += block.cites
    return list(dict.fromkeys(found))


def renumber(block: AnyBlock, new: dict[int, int]) -> AnyBlock:
    """The block with every citation number n replaced by new[n]."""
    if isinstance(block, ListBlock):
        return block.model_copy(update={"items": [_renumber_item(i, new) for i in block.items]})
    if isinstance(block, Callout):
        return block.model_copy(update={"blocks": [renumber(b, new) for b in block.blocks]})
    if isinstance(block, (Paragraph, Table, Figure, Quote)):
        return block.model_copy(update={"cites": [new[c] for c in block.cites]})
    return block


def _renumber_item(item: ListItem, new: dict[int, int]) -> ListItem:
    children = item.children.model_copy(update={"items": [_renumber_item(i, new) for i in item.children.items]}) if item.children else None
    return item.model_copy(update={"cites": [new[c] for c in item.cites], "children": children})


def texts(block: AnyBlock) -> Iterator[str]:
    """Every inline text a block holds (for language checks and search), in reading order;
    code, output and LaTeX are not prose and are left out."""
    if isinstance(block, (Paragraph, Quote)):
        yield block.text
    elif isinstance(block, ListBlock):
        yield from (item.text for item in items(block))
    elif isinstance(block, Table):
        yield from block.header
        for row in block.rows:
            yield from (cell for cell in row if cell)
        if block.caption:
            yield block.caption
    elif isinstance(block, Figure):
        yield from (t for t in (block.alt, block.caption, block.credit) if t)
    elif isinstance(block, Callout):
        if block.title:
            yield block.title
        for inner in block.blocks:
            yield from texts(inner)


def figures(block: AnyBlock) -> Iterator[Figure]:
    """The figures in a block (a callout may hold some)."""
    if isinstance(block, Figure):
        yield block
    elif isinstance(block, Callout):
        for inner in block.blocks:
            yield from figures(inner)


ListItem.model_rebuild()
