"""Blocks (courseware/content/blocks.py) as the views templates/html/blocks.html renders: every
text already sanitized HTML, code highlighted at build time with Pygments, math as MathML, a
figure named by the file it gets in the output (and collected, so that the renderer copies it)."""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path

from markupsafe import Markup

from courseware.content.blocks import AnyBlock, Callout, Code, Figure, ListBlock, Math, Paragraph, Quote, Table
from courseware.content.figures import LARGE_IMAGE_BYTES, FigureFile
from courseware.course import Course
from courseware.render.notices import notice
from courseware.markdown.inline import MathError, mathml
from courseware.render.sanitize import clean, inline, labelled, plain, say_math_errors


class BlockViews:
    """Makes the views of one page's blocks; `figures` gathers every image they show, by the
    name it gets in the output, for the renderer to copy beside the pages."""

    def __init__(self, course: Course, words: dict[str, str]):
        self.course = course
        self.words = words
        self.figures: dict[str, FigureFile] = {}

    def blocks(self, blocks: list[AnyBlock], lesson_id: str | None, where: str, prefix: str = "") -> list[dict]:
        """The views of `blocks` from the file `where` (of a lesson, or None: the overview);
        `prefix` is the page's id prefix that citation links point through."""
        return [self.block(b, lesson_id, where, prefix) for b in blocks]

    def block(self, block: AnyBlock, lesson_id: str | None, where: str, prefix: str = "") -> dict:
        """One block's view: a dict with `kind` and what blocks.html shows of that kind."""
        def text(value: str, cites: list[int] = ()) -> Markup:
            return Markup("{}{}").format(inline(value, where), Markup("").join(_cite(n, prefix) for n in cites))

        if isinstance(block, Paragraph):
            return {"kind": "paragraph", "html": text(block.text, block.cites)}
        if isinstance(block, Quote):
            return {"kind": "quote", "html": text(block.text, block.cites)}
        if isinstance(block, ListBlock):
            return self._list(block, text)
        if isinstance(block, Table):
            width = len(block.header)
            return {
                "kind": "table",
                "header": [text(h) for h in block.header],
                "align": list(block.align) or [""] * width,
                "rows": [[text(cell) if cell else Markup("") for cell in row] for row in block.rows],
                "caption": text(block.caption, block.cites) if block.caption else None,
                "label": plain(block.caption) if block.caption else self.words["table"],
            }
        if isinstance(block, Code):
            return {
                "kind": "code",
                "language": block.language,
                "html": highlighted(block.code, block.language),
                "output": block.output,
                "output_label": self.words["output"],
            }
        if isinstance(block, Math):
            try:
                shown = clean(labelled(mathml(block.latex, display=True), block.latex))
            except MathError as exc:  # shown as its LaTeX (blocks.html), and said once
                shown = None
                say_math_errors([str(exc)], where)
            return {"kind": "math", "html": shown, "latex": block.latex}
        if isinstance(block, Figure):
            return {
                "kind": "figure",
                "src": self.figure(lesson_id, block),
                "alt": plain(block.alt),
                "caption": text(block.caption, block.cites) if block.caption else None,
                "credit": inline(block.credit, where) if block.credit else None,
            }
        if isinstance(block, Callout):
            return {
                "kind": "callout",
                "style": block.style,
                "label": self.words[f"callout_{block.style}"],
                "title": inline(block.title, where) if block.title else None,
                "blocks": self.blocks(block.blocks, lesson_id, where, prefix),
            }
        raise TypeError(f"no HTML view for a {type(block).__name__}")  # a new block kind must get one here

    def _list(self, block: ListBlock, text) -> dict:
        return {
            "kind": "list",
            "ordered": block.ordered,
            "entries": [{"html": text(i.text, i.cites), "children": self._list(i.children, text) if i.children else None} for i in block.items],
        }

    def figure(self, lesson_id: str | None, figure: Figure) -> str:
        """The figure's image name in the output; an image over the page-weight budget is said once."""
        found = self.course.figure(lesson_id, figure)
        if found.name not in self.figures:
            self.figures[found.name] = found
            size = len(found.data)
            if size > LARGE_IMAGE_BYTES:
                notice(
                    f"{_shown(found.path)}: the figure's image is {size // 1000:,} KB, over the {LARGE_IMAGE_BYTES // 1000:,} KB "
                    "page-weight budget; every learner downloads it with the page: make it smaller (an SVG, or a PNG or JPEG at the width shown)"
                )
        return found.name


def _cite(n: int, prefix: str) -> Markup:
    return Markup('<sup class="cite"><a href="#{1}ref-{0}">{0}</a></sup>').format(n, prefix)


def _shown(path: Path) -> str:
    """A path as the build output shows it: from the working folder when it lies below it."""
    try:
        return Path(os.path.relpath(path, Path.cwd())).as_posix() if path.is_relative_to(Path.cwd()) else str(path)
    except ValueError:  # another drive (Windows)
        return str(path)


def highlighted(code: str, language: str) -> Markup:
    """The code as HTML spans with Pygments' short class names (styled in style.css); a language
    Pygments does not know is shown plain."""
    import nh3
    from pygments import highlight

    spans = highlight(code, _lexer(language.lower()), _formatter()).rstrip("\n")
    return Markup(nh3.clean(spans, tags={"span"}, attributes={"span": {"class"}}))  # Pygments escapes; nh3 is the second lock


@cache
def _lexer(language: str):
    from pygments.lexers import get_lexer_by_name
    from pygments.lexers.special import TextLexer
    from pygments.util import ClassNotFound

    try:
        return get_lexer_by_name(language, stripnl=False, ensurenl=False) if language else TextLexer()
    except ClassNotFound:
        return TextLexer()


@cache
def _formatter():
    from pygments.formatters import HtmlFormatter

    return HtmlFormatter(nowrap=True)

