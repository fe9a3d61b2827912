"""A slide's visual in a PowerPoint deck: code in a monospace box that keeps its lines (its output
below, labelled), a native table, a figure as a picture fitted to the free area with its alt text,
display math as a picture with its LaTeX as alt text. Each is planned into pages (a long listing or
table continues on the next slide, never cut) and drawn by rule, measured with fit.py."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from courseware.content.model import Code, Figure, Math, Table
from courseware.markdown.inline import MathError, plain
from courseware.render.fit import (
    CELL_INSETS, GAP_PT, LABEL_SHARE, LINE_HEIGHT, MONO_INSETS, Box, code_lines, contain, height, listings,
    mono_height, mono_rows, row_height, table_pages,
)
from courseware.render.raster import ImageError, math_png, pixel_size, plain_png, svg_png
from courseware.render.runs import Run, fill, literal, runs, shown

CODE_SIZES = (20.0, 18.0, 16.0, 14.0)
TABLE_SIZES = (20.0, 18.0, 16.0, 14.0, 12.0)
CAPTION_SIZE = 14.0
CODE_FILL, OUTPUT_FILL, BORDER = "F2F2F2", "FFFFFF", "A6A6A6"
HEADER_FILL, HEADER_TEXT, BAND_FILL = "1F4E79", "FFFFFF", "E9EEF5"
NATIVE = {"image/png", "image/jpeg", "image/gif"}  # what python-pptx embeds and both apps show

Draw = Callable[[Any], None]


@dataclass(frozen=True)
class Rect:
    """An area of a slide, in points."""

    left: float
    top: float
    width: float
    height: float

    @property
    def box(self) -> Box:
        return Box(self.width, self.height)

    def below(self, used: float) -> Rect:
        return Rect(self.left, self.top + used, self.width, max(0.0, self.height - used))

    def above(self, used: float) -> Rect:
        return Rect(self.left, self.top, self.width, max(0.0, self.height - used))


def emu(points: float) -> int:
    return round(points * 12700)


class Visuals:
    """Plans and draws the visuals of one deck; `notice` says once what a deck could not show."""

    def __init__(self, course: Any, language: str, rtl: bool, words: dict[str, str], notice: Callable[[str], None]):
        self.course, self.language, self.rtl, self.words, self.notice = course, language, rtl, words, notice

    def plan(self, visual: Code | Table | Figure | Math, lesson_id: str | None, area: Rect) -> list[Draw]:
        """One drawing function per slide the visual needs in `area`."""
        if isinstance(visual, Code):
            return self.code(visual.code, visual.output, area)
        if isinstance(visual, Table):
            return self.table(visual, area)
        if isinstance(visual, Figure):
            return [self.figure(visual, lesson_id, area)]
        return self.math(visual.latex, area)

    def beside(self, visual: Code | Table | Figure | Math, area: Rect) -> bool:
        """Whether the visual reads well in a column `area` beside the bullets: a figure or formula
        always (it is scaled), code when it fits on one slide without wrapping a line, a table never."""
        if isinstance(visual, Table):
            return False
        if isinstance(visual, Code):
            code, output = code_lines(visual.code), code_lines(visual.output) if visual.output else []
            pages = listings(code, output, area.box, CODE_SIZES)
            inner = area.width - MONO_INSETS[0]
            return len(pages) == 1 and all(mono_rows(line, inner, pages[0].size) == 1 for line in [*code, *output])
        return True

    # Code -------------------------------------------------------------------------------------

    def code(self, code: str, output: str | None, area: Rect) -> list[Draw]:
        pages = listings(code_lines(code), code_lines(output) if output else [], area.box, CODE_SIZES)
        return [lambda slide, page=page: self._listing(slide, page.code, page.output, page.size, area) for page in pages]

    def _listing(self, slide: Any, code: list[str], output: list[str], size: float, area: Rect) -> None:
        top = area.top
        inner = area.width - MONO_INSETS[0]
        if code:
            used = mono_height(code, inner, size) + MONO_INSETS[1]
            self._mono_box(slide, code, size, Rect(area.left, top, area.width, used), CODE_FILL)
            top += used + GAP_PT
        if output:
            label = size * LABEL_SHARE
            self._text_box(slide, [literal(self.words["output"])], label, Rect(area.left, top, area.width, label * LINE_HEIGHT), bold=True, insets=False)
            top += label * LINE_HEIGHT
            used = mono_height(output, inner, size) + MONO_INSETS[1]
            self._mono_box(slide, output, size, Rect(area.left, top, area.width, used), OUTPUT_FILL)

    def _mono_box(self, slide: Any, lines: list[str], size: float, where: Rect, fill_color: str) -> None:
        from pptx.dml.color import RGBColor
        from pptx.enum.text import MSO_AUTO_SIZE

        shape = slide.shapes.add_textbox(emu(where.left), emu(where.top), emu(where.width), emu(where.height))
        shape.fill.solid()
        shape.fill.fore_color.rgb = RGBColor.from_string(fill_color)
        shape.line.color.rgb = RGBColor.from_string(BORDER)
        frame = shape.text_frame
        frame.word_wrap = True  # a line too long even at the smallest size wraps; fit.py counted it
        frame.auto_size = MSO_AUTO_SIZE.NONE
        for k, line in enumerate(lines):  # one paragraph per line keeps breaks and indentation
            paragraph = frame.paragraphs[0] if k == 0 else frame.add_paragraph()
            fill(paragraph, [Run(line)] if line else [], size, self.language, self.rtl, mono=True)

    def _text_box(self, slide: Any, paragraphs: list[list[Run]], size: float, where: Rect, bold: bool = False, insets: bool = True, center: bool = False) -> Any:
        from pptx.enum.text import MSO_AUTO_SIZE, PP_ALIGN

        shape = slide.shapes.add_textbox(emu(where.left), emu(where.top), emu(where.width), emu(where.height))
        frame = shape.text_frame
        frame.word_wrap = True
        frame.auto_size = MSO_AUTO_SIZE.NONE
        if not insets:
            frame.margin_left = frame.margin_right = frame.margin_top = frame.margin_bottom = 0
        for k, parts in enumerate(paragraphs):
            paragraph = frame.paragraphs[0] if k == 0 else frame.add_paragraph()
            fill(paragraph, [Run(r.text, r.bold or bold, r.italic, r.mono, r.href) for r in parts], size, self.language, self.rtl)
            if center and not self.rtl:
                paragraph.alignment = PP_ALIGN.CENTER
        return shape

    def _caption(self, slide: Any, parts: list[Run], area: Rect, top: float) -> None:
        """A small line right under a table or figure (whose bottom is at `top`): caption, then credit."""
        self._text_box(slide, [parts], CAPTION_SIZE, Rect(area.left, top + GAP_PT / 2, area.width, self._caption_height(parts, area)), insets=False, center=True)

    def _caption_height(self, parts: list[Run] | None, area: Rect) -> float:
        return height([shown(parts)], Box(area.width, area.height), CAPTION_SIZE) + 4.0 if parts else 0.0

    # Tables -----------------------------------------------------------------------------------

    def table(self, table: Table, area: Rect) -> list[Draw]:
        header = [runs(cell) for cell in table.header]
        body = [[runs(cell) for cell in row] for row in table.rows]
        caption = runs(table.caption) if table.caption else None
        room = area.above(self._caption_height(caption, area) + (GAP_PT if caption else 0.0))
        pages = table_pages([shown(c) for c in header], [[shown(c) for c in row] for row in body], room.box, TABLE_SIZES)
        draws = []
        for page in pages:
            def draw(slide: Any, page=page) -> None:
                bottom = self._table(slide, table, header, [body[k] for k in page.rows], page.size, page.widths, room)
                if caption:
                    self._caption(slide, caption, area, bottom)
            draws.append(draw)
        return draws

    def _table(self, slide: Any, table: Table, header: list[list[Run]], body: list[list[list[Run]]], size: float, widths: list[float], area: Rect) -> float:
        """Draw the table at the top of `area`; returns its bottom edge."""
        from pptx.dml.color import RGBColor
        from pptx.enum.text import PP_ALIGN

        heights = [row_height([shown(c) for c in row], widths, size) for row in [header, *body]]
        frame = slide.shapes.add_table(len(body) + 1, len(header), emu(area.left), emu(area.top), emu(sum(widths)), emu(sum(heights)))
        grid = frame.table
        grid.first_row, grid.horz_banding = True, False  # our fills, not the style's, so every app shows the same
        if self.rtl:
            grid._tbl.tblPr.set("rtl", "1")
        for c, width in enumerate(widths):
            grid.columns[c].width = emu(width)
        align = {"left": PP_ALIGN.LEFT, "center": PP_ALIGN.CENTER, "right": PP_ALIGN.RIGHT}
        for r, (row, row_h) in enumerate(zip([header, *body], heights)):
            grid.rows[r].height = emu(row_h)
            for c, parts in enumerate(row):
                cell = grid.cell(r, c)
                cell.fill.solid()
                cell.fill.fore_color.rgb = RGBColor.from_string(HEADER_FILL if r == 0 else BAND_FILL if r % 2 == 0 else "FFFFFF")
                cell.margin_left = cell.margin_right = emu(CELL_INSETS[0] / 2)
                cell.margin_top = cell.margin_bottom = emu(CELL_INSETS[1] / 2)
                paragraph = cell.text_frame.paragraphs[0]
                fill(paragraph, [Run(p.text, p.bold or r == 0, p.italic, p.mono, p.href) for p in parts], size, self.language, self.rtl)
                if r == 0:
                    for run in paragraph.runs:
                        run.font.color.rgb = RGBColor.from_string(HEADER_TEXT)
                if table.align and table.align[c]:
                    paragraph.alignment = align[table.align[c]]
        return area.top + sum(heights)

    # Figures ----------------------------------------------------------------------------------

    def figure(self, figure: Figure, lesson_id: str | None, area: Rect) -> Draw:
        file = self.course.figure(lesson_id, figure)
        alt = plain(figure.alt)
        parts = [*(runs(figure.caption) if figure.caption else []), *([Run(" — ")] if figure.caption and figure.credit else []), *(runs(figure.credit) if figure.credit else [])]
        room = area.above(self._caption_height(parts, area) + (GAP_PT if parts else 0.0))
        try:
            data = svg_png(file.data) if file.media_type == "image/svg+xml" else file.data if file.media_type in NATIVE else plain_png(file.data)
            width, height_ = pixel_size(data)
        except ImageError as exc:
            self.notice(f"{file.path}: the deck cannot show this image ({exc}); its slide shows the alt text instead")

            def placeholder(slide: Any) -> None:
                self._text_box(slide, [literal(alt)], 20.0, room)
                if parts:
                    self._caption(slide, parts, area, room.top + room.height)
            return placeholder

        def draw(slide: Any) -> None:
            picture = self.picture(slide, data, contain(width, height_, room.box), room, alt)
            if parts:
                self._caption(slide, parts, area, (picture.top + picture.height) / 12700)
        return draw

    def picture(self, slide: Any, data: bytes, size: tuple[float, float], area: Rect, descr: str, center: bool = False) -> Any:
        """A picture at the top of `area` (or its middle), centred across it, its alt text in
        cNvPr/@descr (what screen readers read)."""
        import io

        from courseware.render.sanitize import xml_text

        width, height_ = size
        left = area.left + (area.width - width) / 2
        top = area.top + (area.height - height_) / 2 if center else area.top
        picture = slide.shapes.add_picture(io.BytesIO(data), emu(left), emu(top), emu(width), emu(height_))
        picture._element.nvPicPr.cNvPr.set("descr", xml_text(descr))
        return picture

    # Display math -----------------------------------------------------------------------------

    def math(self, latex: str, area: Rect) -> list[Draw]:
        try:
            data, width, height_ = math_png(latex)
        except MathError as exc:
            self.notice(f"{exc}; the deck shows its LaTeX in monospace")
            return self.code(latex, None, area)
        size = contain(width, height_, area.box, largest=1.25)  # drawn at 4 pixels a point: still sharp

        def draw(slide: Any) -> None:
            self.picture(slide, data, size, area, latex, center=True)
        return [draw]

