"""Editable PowerPoint decks: one per module and one for the whole course, built with python-pptx
from templates/pptx/template.pptx. Layouts are found by name (the design is the template's; the
optional ones fall back to "Title and Content"); text is fitted by rule; every slide has a unique
title, the footer and its number (pptx_design.py); the language is set on every run and
right-to-left paragraphs are marked; rebuilds are byte-identical."""

from __future__ import annotations

import zipfile
from typing import Any

from courseware.catalogue import words
from courseware.clause import key_clause
from courseware.course import Course, LessonContent
from courseware.errors import CoursewareError
from courseware.redact import one_line
from courseware.render import register
from courseware.render.notices import notice
from courseware.render.fit import BULLET_INDENT_PT, LINE_HEIGHT, PARAGRAPH_GAP, Box, fits, height, pages, points, title_size
from courseware.render.archive import source_date
from courseware.render.pptx_package import _deterministic, _linear
from courseware.render.pptx_design import Titles, brand_colours, chrome, default_language, draw_card, furniture, logo_on_title, mirror, option_cards
from courseware.render.pptx_visuals import Rect, Visuals, emu
from courseware.render.runs import Run, fill, literal, runs, shown
from courseware.render.sanitize import plain
from courseware.render.templates import find
from courseware.writer import Writer
from courseware.zipcheck import check_zip

LAYOUTS = ("Title Slide", "Title and Content", "Section Header")
OPTIONAL = ("Two Content", "Key Point", "Closing")  # without them, "Title and Content" is used
TITLE_SIZES = (36.0, 32.0, 28.0, 24.0, 20.0)
BODY_SIZES = (28.0, 24.0, 20.0, 18.0, 16.0)  # a few short bullets fill the slide at 28 pt
KEY_SIZES = (36.0, 32.0, 28.0, 24.0, 20.0)  # one statement on a Key Point slide
PROMPT_SHARE = 0.35  # a quiz question takes at most this share of the body; its options the rest
INSETS = (14.4, 7.2)  # a placeholder's default insets, left+right and top+bottom, in points
GAP_PT = 12.0  # between the bullets and the visual
BULLETS_SHARE = 0.4  # bullets sharing a slide with a visual take at most this share of its height
# SOURCE_DATE_EPOCH sets the document dates (default: 2000-01-01); pptx_package.py the zip's.


@register("pptx")
def render_pptx(course: Course, writer: Writer) -> None:
    """Write dist/<course>.pptx and dist/<course>-<module>.pptx."""
    spec = course.loaded.spec
    template = find(course, "pptx/template.pptx")
    said: dict[str, None] = {}  # what the decks could not show, in order, each once
    deck = Deck(course, template, spec.course.title, course.lessons, sections=True, notices=said)
    writer.write_bytes(f"{spec.course.id}.pptx", deck.build())
    for module in spec.modules:
        lessons = [item for item in course.lessons if item.module.id == module.id]
        writer.write_bytes(f"{spec.course.id}-{module.id}.pptx", Deck(course, template, module.title, lessons, sections=False, notices=said).build())
    _tell(list(said))


def _tell(lines: list[str]) -> None:
    """Say in the build output what the decks show differently (render/notices.py)."""
    for line in lines:
        notice(f"pptx: {line}")


TEMPLATE_FIX = "save it from PowerPoint or LibreOffice as a .pptx, or start from the pptx/template.pptx that 'courseware templates copy DIR' writes"


def _open(template) -> Any:
    """The template as a python-pptx Presentation, once its zip directory shows bounded sizes;
    a file that is no PowerPoint file is a one-line error naming it."""
    from lxml import etree
    from pptx import Presentation
    from pptx.exc import PythonPptxError

    check_zip(template, "a PowerPoint file", TEMPLATE_FIX)
    try:
        return Presentation(str(template))
    except (PythonPptxError, KeyError, ValueError, zipfile.BadZipFile, etree.XMLSyntaxError) as exc:
        reason = exc.args[0] if isinstance(exc, KeyError) and exc.args else exc
        raise CoursewareError(f"{template}: not a PowerPoint file ({one_line(str(reason))}); {TEMPLATE_FIX}") from None


class Deck:
    """One presentation: a title slide, an objectives slide, then each lesson's slides and quiz."""

    def __init__(self, course: Course, template, title: str, lessons: list[LessonContent], sections: bool, notices: dict[str, None] | None = None):
        self.course, self.title, self.lessons, self.sections = course, title, lessons, sections
        self.notices = notices if notices is not None else {}
        self.spec = course.loaded.spec
        self.language = self.spec.course.language
        self.rtl = course.direction == "rtl"
        self.words = words(self.language)
        self.prs = _open(template)
        _linear(self.prs)
        names = {layout.name: layout for layout in self.prs.slide_layouts}
        missing = [name for name in LAYOUTS if name not in names]
        if missing:
            raise CoursewareError(f"{template}: the template has no slide layout named {', '.join(repr(m) for m in missing)}; add it in PowerPoint (View > Slide Master) or start from the pptx/template.pptx that 'courseware templates copy DIR' writes")
        self.layouts = names
        self.places: dict[tuple[str, int], tuple[int, int, int, int] | None] = {}  # layout placeholder geometry
        ids = [int(s.get("id")) for s in self.prs.slides._sldIdLst.sldId_lst]
        self.next_slide_id = max([255, *ids]) + 1
        self.visuals = Visuals(course, self.language, self.rtl, self.words, self.notice)
        self.titles = Titles()
        self.context: str | None = None  # the lesson whose slides are being added: tells repeated titles apart
        brand = self.spec.brand
        if brand and brand.colors:
            brand_colours(self.prs, [c.lstrip("#").upper() for c in brand.colors])
        self.logo = _logo(course) if brand and brand.logo else None
        if self.rtl:
            mirror(self.prs)

    def notice(self, line: str) -> None:
        self.notices.setdefault(line, None)

    def inline(self, text: str) -> list[Run]:
        """Inline markdown as runs; a formula shown as its LaTeX is said once."""
        failed: list[str] = []
        found = runs(text, failed)
        for latex in failed:
            self.notice(f"the formula ${latex}$ is not LaTeX that can be shown; the deck shows it as written")
        return found

    def add_slide(self, layout_name: str) -> Any:
        """python-pptx's Slides.add_slide, but counting slide ids instead of scanning them all."""
        layout = self.layouts[layout_name]
        rId, slide = self.prs.part.add_slide(layout)
        slide.shapes.clone_layout_placeholders(layout)
        self.prs.slides._sldIdLst._add_sldId(id=self.next_slide_id, rId=rId)
        self.next_slide_id += 1
        return slide

    def box(self, slide: Any, shape: Any) -> Box:
        """The inner size of a slide's placeholder: its layout's (sizes are inherited) less the default insets."""
        _, _, width, height_ = self.place(slide.slide_layout.name, shape.placeholder_format.idx)
        return Box(points(width) - INSETS[0], points(height_) - INSETS[1])

    def place(self, layout_name: str, idx: int) -> tuple[int, int, int, int] | None:
        """(left, top, width, height) in EMU of a layout's placeholder `idx`, looked up once per
        deck (python-pptx walks the inheritance from the master on every read); None if it has none."""
        key = (layout_name, idx)
        if key not in self.places:
            shape = next((p for p in self.layouts[layout_name].placeholders if p.placeholder_format.idx == idx), None)
            self.places[key] = None if shape is None else (shape.left, shape.top, shape.width, shape.height)
        return self.places[key]

    def area(self, layout_name: str, idx: int = 1) -> Rect:
        """The layout's placeholder `idx` (the body) in points."""
        left, top, width, height = self.place(layout_name, idx)
        return Rect(points(left), points(top), points(width), points(height))

    def build(self) -> bytes:
        """The deck as deterministic .pptx bytes."""
        spec = self.spec
        self.title_slide()
        objective_ids = {o for item in self.lessons for o in item.lesson.objectives}
        chosen = [o for o in spec.objectives if o.id in objective_ids]
        self.content_slide(self.words["objectives"], [literal(key_clause(f"{o.id}: {o.text}")) for o in chosen], "; ".join(f"{o.id} ({o.bloom}): {o.text}" for o in chosen))
        module_id = None
        for item in self.lessons:
            self.context = None
            if self.sections and item.module.id != module_id:
                module_id = item.module.id
                self.section_slide(item.module.title, item.module.summary)
            self.section_slide(plain(item.slides.title), f"{self.words['lesson']} · {item.lesson.duration} {self.words['minutes']}")
            self.context = plain(item.slides.title)
            for slide in item.slides.slides:
                notes = plain(slide.notes) if slide.notes else plain(slide.title)
                bullets = [self.inline(b) for b in slide.bullets]
                if len(bullets) == 1 and slide.visual is None and "Key Point" in self.layouts:
                    self.key_point_slide(plain(slide.title), bullets[0], notes)
                else:
                    self.content_slide(plain(slide.title), bullets, notes, slide.visual, item.lesson.id)
            if item.lesson.slides.quiz:
                total = len(item.quiz.items)
                for n, question in enumerate(item.quiz.items, start=1):
                    letters = "ABCDEFGHIJ"
                    options = [[Run(f"{letters[k]}. ", bold=True), *self.inline(o.text)] for k, o in enumerate(question.options)] if question.kind != "cloze" else []
                    answer = ", ".join(plain(o.text) for o in question.options if o.correct)
                    notes = f"{self.words['correct']}: {answer}. {plain(question.feedback)}"
                    self.quiz_slide(f"{self.words['question']} {n}/{total}", self.inline(question.prompt), options, notes)
            points = item.lesson.key_points
            self.content_slide(self.words["takeaways"], [literal(key_clause(p)) for p in points], "; ".join(points), layout="Closing" if "Closing" in self.layouts else "Title and Content", per_lesson=True)
        self.context = None
        footer = " · ".join(x for x in (spec.course.title, spec.course.license) if x)
        furnished = {name: furniture(layout) for name, layout in self.layouts.items()}
        for number, slide in enumerate(self.prs.slides, start=1):
            chrome(slide, furnished[slide.slide_layout.name], number, footer, self.language, self.rtl, self.logo)
        default_language(self.prs, self.language)
        self._properties()
        return _deterministic(self.prs)

    # Slides -----------------------------------------------------------------------------------

    def title_slide(self) -> None:
        """The deck's title and the course facts: for a module's deck the course's title first."""
        course, w = self.spec.course, self.words
        slide = self.add_slide("Title Slide")
        self._title(slide, self.title)
        minutes = sum(item.lesson.duration for item in self.lessons)
        facts = [f"{w['level']}: {w['level_' + course.level]}", f"{w['license']}: {course.license}", f"{minutes} {w['minutes']}"]
        lines = [*([] if self.sections else [course.title]), f"{w['audience']}: {course.audience}", " · ".join(facts)]
        shape = next((p for p in slide.placeholders if p.placeholder_format.idx == 1), None)
        if shape is not None:
            box = self.box(slide, shape)
            sizes = next((s for s in ([24.0 * k] + [18.0 * k] * (len(lines) - 1) for k in (1.0, 0.9, 0.8, 0.7, 0.6)) if stacked(lines, s, box) <= box.height), None)
            self._set_text(shape.text_frame, [literal(line) for line in lines], sizes or [14.0] * len(lines))
        if self.logo is not None:
            logo_on_title(slide, self.logo, self.prs.slide_width)

    def section_slide(self, title: str, subtitle: str) -> None:
        slide = self.add_slide("Section Header")
        self._title(slide, title)
        if subtitle:
            self._body(slide, [literal(subtitle)], title_style=True)
        else:
            self._drop_empty(slide)

    def key_point_slide(self, title: str, statement: list[Run], notes: str) -> None:
        """One statement, large, on the Key Point layout."""
        slide = self.add_slide("Key Point")
        self._title(slide, title)
        shape = next((p for p in slide.placeholders if p.placeholder_format.idx == 1), None)
        if shape is not None:
            self._set_text(shape.text_frame, [statement], title_size(shown(statement), self.box(slide, shape), KEY_SIZES))
        self._set_text(slide.notes_slide.notes_text_frame, [literal(notes)], None)

    def quiz_slide(self, title: str, prompt: list[Run], options: list[list[Run]], notes: str) -> None:
        """The question at the top, its options on cards below (the answer only in the notes); a
        question or options too long for that go on a plain content slide."""
        area = self.area("Title and Content")
        room = Box(area.width - INSETS[0], area.height * PROMPT_SHARE - INSETS[1])
        size = next((s for s in BODY_SIZES if fits([shown(prompt)], room, s)), None)
        planned = None
        if size is not None:
            used = height([shown(prompt)], room, size) + INSETS[1]
            planned = option_cards(options, area.below(used + GAP_PT), self.rtl) if options else ([], BODY_SIZES[0])
        if planned is None:
            self.content_slide(title, [prompt, *options], notes, per_lesson=True)
            return
        cards, card_size = planned
        slide = self.add_slide("Title and Content")
        self._title(slide, title, per_lesson=True)
        shape = self._body(slide, [prompt], size=size)
        left, top, width, _ = self.place("Title and Content", 1)
        shape.left, shape.top, shape.width, shape.height = left, top, width, emu(used)
        _no_bullet(shape.text_frame.paragraphs[0])
        for where, parts in zip(cards, options):
            draw_card(slide, where, parts, card_size, self.language, self.rtl)
        self._set_text(slide.notes_slide.notes_text_frame, [literal(notes)], None)

    def _beside(self, slide_title: str, bullets: list[list[Run]], texts: list[str], notes: str | None, visual: Any, lesson_id: str | None) -> bool:
        """Bullets on the left and the visual on the right of a Two Content slide, when both fit
        there on one slide (a table, or code whose lines would wrap, goes under the bullets)."""
        halves = [self.place("Two Content", idx) for idx in (1, 2)] if "Two Content" in self.layouts else [None]
        if None in halves or not bullets:
            return False
        text, visual_half = halves[::-1] if self.rtl else halves  # the text comes first in reading direction
        box = Box(points(text[2]) - INSETS[0], points(text[3]) - INSETS[1])
        size = next((s for s in BODY_SIZES if fits(texts, box, s, BULLET_INDENT_PT)), None)
        left, top, width, height_ = visual_half
        area = Rect(points(left) + INSETS[0] / 2, points(top), points(width) - INSETS[0], points(height_))
        if size is None or not self.visuals.beside(visual, area):
            return False
        draws = self.visuals.plan(visual, lesson_id, area)
        if len(draws) != 1:
            return False
        slide = self.add_slide("Two Content")
        self._title(slide, slide_title)
        shape = self._body(slide, bullets, size=size)
        shape.left, shape.top, shape.width, shape.height = text
        self._drop_empty(slide, 2)
        draws[0](slide)
        if notes:
            self._set_text(slide.notes_slide.notes_text_frame, [literal(notes)], None)
        return True

    def content_slide(self, title: str, bullets: list[list[Run]], notes: str | None, visual: Any = None, lesson_id: str | None = None, layout: str = "Title and Content", per_lesson: bool = False) -> None:
        """Bullets, and a visual beside them (Two Content) or under them; what does not fit
        continues on slides titled (k/n)."""
        layout_name = layout
        texts = [shown(b) for b in bullets]
        if visual is not None and self._beside(title, bullets, texts, notes, visual, lesson_id):
            return
        area = self.area(layout_name)
        box = Box(area.width - INSETS[0], area.height - INSETS[1])
        # Each slide is (bullets, their size, the body's height or None for all of it, draw visual or None).
        planned: list[tuple[list[list[Run]], float, float | None, Any]] = []
        if visual is not None:
            shared = self._shared(texts, area, box) if bullets else (BODY_SIZES[0], 0.0)
            if shared is not None:
                size, used = shared
                draws = self.visuals.plan(visual, lesson_id, area.below(used + GAP_PT) if used else area)
                if len(draws) == 1 or not bullets:
                    planned = [(bullets if k == 0 else [], size, used, draw) for k, draw in enumerate(draws)]
            if not planned:  # the bullets first, then the visual on slides of its own
                planned = [(chunk, size, None, None) for chunk, size in self._chunks(bullets, texts, box)]
                planned += [([], BODY_SIZES[0], 0.0, draw) for draw in self.visuals.plan(visual, lesson_id, area)]
        else:
            planned = [(chunk, size, None, None) for chunk, size in self._chunks(bullets, texts, box)]
        for k, (chunk, size, used, draw) in enumerate(planned, start=1):
            slide = self.add_slide(layout_name)
            self._title(slide, title if len(planned) == 1 else f"{title} ({k}/{len(planned)})", per_lesson=per_lesson)
            if used == 0.0:
                self._drop_empty(slide)
            else:
                shape = self._body(slide, chunk, size=size)
                if used is not None and shape is not None:  # the body shrinks to its bullets; the visual has the rest
                    left, top, width, _ = self.place(layout_name, 1)
                    shape.left, shape.top, shape.width, shape.height = left, top, width, emu(used)
            if draw is not None:
                draw(slide)
            if notes:
                self._set_text(slide.notes_slide.notes_text_frame, [literal(notes)], None)

    def _shared(self, texts: list[str], area: Rect, box: Box) -> tuple[float, float] | None:
        """(size, height in points) at which the bullets fit in the top share of the body, leaving
        the rest to a visual; None if they do not at any size."""
        room = Box(box.width, area.height * BULLETS_SHARE - INSETS[1])
        for size in BODY_SIZES:
            if fits(texts, room, size, BULLET_INDENT_PT):
                return size, height(texts, room, size, BULLET_INDENT_PT) + INSETS[1]
        return None

    def _chunks(self, bullets: list[list[Run]], texts: list[str], box: Box) -> list[tuple[list[list[Run]], float]]:
        """fit.pages on the bullets' text, mapped back to their runs (a bullet split by pages is
        shown as plain text, its formatting lost only in that rare case)."""
        by_text = dict(zip(texts, bullets))
        return [([by_text.get(t, literal(t)) for t in chunk], size) for chunk, size in pages(texts, box, BODY_SIZES)]

    # Text -------------------------------------------------------------------------------------

    def _title(self, slide: Any, text: str, per_lesson: bool = False) -> None:
        shape = slide.shapes.title
        text = self.titles.unique(text, self.context, always=per_lesson and len(self.lessons) > 1)
        self._set_text(shape.text_frame, [literal(text)], title_size(text, self.box(slide, shape), TITLE_SIZES))

    def _body(self, slide: Any, paragraphs: list[list[Run]], size: float | None = None, title_style: bool = False) -> Any:
        shape = next((p for p in slide.placeholders if p.placeholder_format.idx == 1), None)
        if shape is None:
            return None
        if title_style:
            size = title_size(" ".join(shown(p) for p in paragraphs), self.box(slide, shape), BODY_SIZES)
        self._set_text(shape.text_frame, paragraphs, size)
        return shape

    def _drop_empty(self, slide: Any, idx: int = 1) -> None:
        for shape in list(slide.placeholders):
            if shape.placeholder_format.idx == idx:
                shape._element.getparent().remove(shape._element)

    def _set_text(self, frame: Any, paragraphs: list[list[Run]], size: float | list[float] | None) -> None:
        """The paragraphs at one size, or at one size each."""
        from pptx.enum.text import MSO_AUTO_SIZE

        frame.word_wrap = True
        frame.auto_size = MSO_AUTO_SIZE.NONE
        frame.clear()
        sizes = size if isinstance(size, list) else [size] * len(paragraphs)
        for k, parts in enumerate(paragraphs):
            paragraph = frame.paragraphs[0] if k == 0 else frame.add_paragraph()
            fill(paragraph, parts, sizes[k], self.language, self.rtl)

    def _properties(self) -> None:
        props = self.prs.core_properties
        props.title = self.title
        props.author = ", ".join(self.spec.course.authors) or "courseware"
        props.subject = self.spec.course.title
        props.language = self.language
        props.last_modified_by = "courseware"
        props.revision = 1
        when = source_date().replace(tzinfo=None)
        props.created = props.modified = when
        props.last_printed = when


def stacked(paragraphs: list[str], sizes: list[float], box: Box) -> float:
    """The height of paragraphs at one size each (fit.height's measure, gaps at the largest size)."""
    gaps = max(0, len(paragraphs) - 1) * PARAGRAPH_GAP * max(sizes, default=0.0) * LINE_HEIGHT
    return sum(height([p], box, s) for p, s in zip(paragraphs, sizes)) + gaps


def _no_bullet(paragraph: Any) -> None:
    """A paragraph of a body placeholder shown without the bullet the master gives it."""
    from lxml import etree
    from pptx.oxml.ns import qn

    pPr = paragraph._p.get_or_add_pPr()
    pPr.set("marL", "0")
    pPr.set("indent", "0")
    if pPr.find(qn("a:buNone")) is None:
        pPr.insert(0, etree.Element(qn("a:buNone")))


def _logo(course: Course) -> tuple[bytes, str, float]:
    """The brand's logo as (picture bytes both apps show, alt text, width / height)."""
    from courseware.render.pptx_visuals import NATIVE
    from courseware.render.raster import ImageError, pixel_size, plain_png, svg_png

    brand = course.loaded.spec.brand
    path = course.loaded.root / brand.logo
    try:
        data = path.read_bytes()
        suffix = path.suffix.lower()
        data = svg_png(data) if suffix == ".svg" else data if {".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".gif": "image/gif"}.get(suffix) in NATIVE else plain_png(data)
        width, height_ = pixel_size(data)
    except (OSError, ImageError) as exc:
        raise CoursewareError(f"{path}: the brand logo cannot be shown ({one_line(str(exc))}); give a PNG, JPEG, GIF or SVG file") from None
    alt = brand.logo_alt or path.stem.replace("-", " ").replace("_", " ")
    return data, alt, width / max(1, height_)
