"""What every slide of a deck carries besides its content: the footer (course title · licence) and
the slide number in the layout's own placeholders, the brand (the theme's accent colours, a logo),
titles unique within the deck, the language as the presentation's default, and quiz options drawn
as cards. Colours are theme colours, so a template of the user's keeps its own look."""

from __future__ import annotations

from typing import Any

from courseware.render.fit import Box, fits
from courseware.render.pptx_visuals import Rect, emu
from courseware.render.runs import Run, fill, shown

A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
SLIDE_NUMBER_FIELD = "{B6F15528-21DE-4FAA-801E-634DDDAF4B2B}"  # any fixed GUID: PowerPoint renumbers the field
OPTION_SIZES = (24.0, 20.0, 18.0, 16.0, 14.0)
CARD_GAP = 14.0  # points between option cards
CARD_INSETS = (28.8, 14.4)  # left+right, top+bottom
LOGO_HEIGHT = 24.0  # points, in the footer band; the title slide shows it twice as tall


def brand_colours(prs: Any, colours: list[str]) -> None:
    """Set the theme's accent1 (primary) and accent2 (accent) of every master to the brand's."""
    from lxml import etree
    from pptx.opc.constants import RELATIONSHIP_TYPE as RT

    for master in prs.slide_masters:
        part = master.part.part_related_by(RT.THEME)
        root = etree.fromstring(part.blob)
        scheme = root.find(f"{A}themeElements/{A}clrScheme")
        for name, colour in zip(("accent1", "accent2"), colours):
            slot = scheme.find(f"{A}{name}")
            for old in list(slot):
                slot.remove(old)
            etree.SubElement(slot, f"{A}srgbClr").set("val", colour)
        part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def mirror(prs: Any) -> None:
    """Mirror the drawn design of the master and layouts (bars, rules, the footer and the number;
    not the content placeholders) for a right-to-left deck, so the rule under a right-aligned title
    starts at its right and the slide number sits where a right-to-left reader ends."""
    width = prs.slide_width
    P = "{http://schemas.openxmlformats.org/presentationml/2006/main}"
    for master in prs.slide_masters:
        for element in [master._element, *(layout._element for layout in master.slide_layouts)]:
            tree = element.find(f"{P}cSld/{P}spTree")
            for shape in tree:
                ph = shape.find(f".//{P}nvPr/{P}ph")
                if ph is not None and ph.get("type") not in ("ftr", "sldNum", "dt"):
                    continue
                off, ext = shape.find(f".//{A}xfrm/{A}off"), shape.find(f".//{A}xfrm/{A}ext")
                if off is not None and ext is not None:
                    off.set("x", str(width - int(off.get("x")) - int(ext.get("cx"))))


def default_language(prs: Any, language: str) -> None:
    """The presentation's default text language (what PowerPoint's checker and spell checker read)."""
    style = prs.part._element.find("{http://schemas.openxmlformats.org/presentationml/2006/main}defaultTextStyle")
    if style is None:
        return
    for level in style:
        rpr = level.find(f"{A}defRPr")
        if rpr is not None:
            rpr.set("lang", language)


def furniture(layout: Any) -> tuple[Any, Any]:
    """A layout's footer and slide-number placeholders (None where it has none)."""
    from pptx.enum.shapes import PP_PLACEHOLDER

    ours = {PP_PLACEHOLDER.FOOTER: None, PP_PLACEHOLDER.SLIDE_NUMBER: None}
    for shape in layout.placeholders:
        kind = shape.placeholder_format.type
        if kind in ours and ours[kind] is None:
            ours[kind] = shape
    return ours[PP_PLACEHOLDER.FOOTER], ours[PP_PLACEHOLDER.SLIDE_NUMBER]


def chrome(slide: Any, placeholders: tuple[Any, Any], number: int, footer: str, language: str, rtl: bool, logo: tuple[bytes, str, float] | None = None) -> None:
    """The footer text and the slide number in the layout's placeholders (`furniture`; none where
    the layout has none), the title moved first in the reading order, and the logo at the footer's start."""
    foot, number_shape = placeholders
    if foot is not None:
        placed = _clone(slide, foot)
        frame = placed.text_frame
        fill(frame.paragraphs[0], [Run(footer)], None, language, rtl)
        if not rtl:  # LibreOffice centres a footer whose paragraph does not say otherwise
            from pptx.enum.text import PP_ALIGN

            frame.paragraphs[0].alignment = PP_ALIGN.LEFT
        if logo is not None:
            data, alt, ratio = logo
            height = emu(LOGO_HEIGHT)
            width = round(height * ratio)
            top = foot.top + (foot.height - height) // 2
            picture = slide.shapes.add_picture(_stream(data), foot.left, top, width, height)
            picture._element.nvPicPr.cNvPr.set("descr", alt)
            placed.left, placed.top = foot.left + width + emu(8), foot.top  # all four: a slide's own xfrm replaces the layout's
            placed.width, placed.height = max(0, foot.width - width - emu(8)), foot.height
    if number_shape is not None:
        paragraph = _clone(slide, number_shape).text_frame.paragraphs[0]
        _number(paragraph, number, language)
        if rtl:  # mirrored with the footer band (mirror): the number ends the line on the left
            from pptx.enum.text import PP_ALIGN

            paragraph.alignment = PP_ALIGN.LEFT
    _title_first(slide)


def _clone(slide: Any, layout_placeholder: Any) -> Any:
    """A slide placeholder inheriting from the layout's (python-pptx leaves footers out of new slides)."""
    slide.shapes.clone_placeholder(layout_placeholder)
    return slide.shapes[-1]


def _number(paragraph: Any, number: int, language: str) -> None:
    """A slide-number field showing `number` until an application renumbers it."""
    from lxml import etree

    field = etree.SubElement(paragraph._p, f"{A}fld")
    field.set("id", SLIDE_NUMBER_FIELD)
    field.set("type", "slidenum")
    etree.SubElement(field, f"{A}rPr").set("lang", language)
    etree.SubElement(field, f"{A}t").text = str(number)


def _title_first(slide: Any) -> None:
    """Screen readers follow the shape tree: the title goes first."""
    title = slide.shapes.title
    if title is None:
        return
    tree = slide.shapes._spTree
    element = title._element
    first = next(iter(tree.iter_shape_elms()), None)
    if first is not None and first is not element:
        first.addprevious(element)


def _stream(data: bytes):
    import io

    return io.BytesIO(data)


def logo_on_title(slide: Any, logo: tuple[bytes, str, float], slide_width: int) -> None:
    """The logo at the top right of the title slide, twice the footer's height."""
    data, alt, ratio = logo
    height = emu(2 * LOGO_HEIGHT)
    width = round(height * ratio)
    picture = slide.shapes.add_picture(_stream(data), slide_width - width - emu(48), emu(36), width, height)
    picture._element.nvPicPr.cNvPr.set("descr", alt)


class Titles:
    """Slide titles unique within a deck: a repeated one gets the lesson's title, then a count."""

    def __init__(self) -> None:
        self.seen: set[str] = set()

    def unique(self, title: str, context: str | None, always: bool = False) -> str:
        """`title`, else `title · context`, else with a count; `always` puts the context first
        (quiz and takeaway titles in a deck of several lessons read the same way in each)."""
        candidates = [title, *([f"{title} · {context}"] if context else [])]
        if always and context:
            candidates = candidates[1:]
        found = next((c for c in candidates if c.casefold() not in self.seen), None)
        n = 2
        while found is None:
            if f"{candidates[-1]} ({n})".casefold() not in self.seen:
                found = f"{candidates[-1]} ({n})"
            n += 1
        self.seen.add(found.casefold())
        return found


def option_cards(options: list[list[Run]], area: Rect, rtl: bool = False) -> tuple[list[Rect], float] | None:
    """Where each option's card goes in `area` and the text size: two columns when every option
    is short (the first on the right in a right-to-left deck), else one; None when they do not fit
    at any size."""
    short = len(options) in (2, 4) and all(len(shown(o)) <= 60 for o in options)
    columns = 2 if short else 1
    rows = -(-len(options) // columns)
    width = (area.width - CARD_GAP * (columns - 1)) / columns
    height = min((area.height - CARD_GAP * (rows - 1)) / rows, 96.0)
    if height <= CARD_INSETS[1]:
        return None
    box = Box(width - CARD_INSETS[0], height - CARD_INSETS[1])
    for size in OPTION_SIZES:
        if all(fits([shown(o)], box, size) for o in options):
            column = [(columns - 1 - k % columns) if rtl else k % columns for k in range(len(options))]
            cards = [Rect(area.left + column[k] * (width + CARD_GAP), area.top + (k // columns) * (height + CARD_GAP), width, height) for k in range(len(options))]
            return cards, size
    return None


def draw_card(slide: Any, where: Rect, parts: list[Run], size: float, language: str, rtl: bool) -> None:
    """One option on a rounded card in the theme's light colour, outlined in its primary."""
    from pptx.enum.dml import MSO_THEME_COLOR
    from pptx.enum.shapes import MSO_SHAPE
    from pptx.enum.text import MSO_ANCHOR, MSO_AUTO_SIZE

    shape = slide.shapes.add_shape(MSO_SHAPE.ROUNDED_RECTANGLE, emu(where.left), emu(where.top), emu(where.width), emu(where.height))
    shape.adjustments[0] = 0.12
    shape.fill.solid()
    shape.fill.fore_color.theme_color = MSO_THEME_COLOR.BACKGROUND_2
    shape.line.color.theme_color = MSO_THEME_COLOR.ACCENT_1
    shape.line.width = emu(1.5)
    shape.shadow.inherit = False
    frame = shape.text_frame
    frame.word_wrap = True
    frame.auto_size = MSO_AUTO_SIZE.NONE
    frame.vertical_anchor = MSO_ANCHOR.MIDDLE
    frame.margin_left = frame.margin_right = emu(CARD_INSETS[0] / 2)
    frame.margin_top = frame.margin_bottom = emu(CARD_INSETS[1] / 2)
    paragraph = frame.paragraphs[0]
    fill(paragraph, parts, size, language, rtl)
    for run in paragraph.runs:
        run.font.color.theme_color = MSO_THEME_COLOR.TEXT_1
    if parts and paragraph.runs:  # the letter in the primary colour
        paragraph.runs[0].font.color.theme_color = MSO_THEME_COLOR.ACCENT_1
