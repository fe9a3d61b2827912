"""Editable PowerPoint decks: one per module and one for the whole course, built with python-pptx
from templates/pptx/template.pptx. Layouts are found by name; text is fitted by rule; the language
is set on every run and right-to-left paragraphs are marked; rebuilds are byte-identical."""

from __future__ import annotations

import io
import os
import zipfile
from datetime import datetime, timezone
from typing import Any

from courseware.catalogue import words
from courseware.course import Course, LessonContent
from courseware.errors import CoursewareError
from courseware.redact import one_line
from courseware.render import register
from courseware.render.notices import notice
from courseware.render.fit import BULLET_INDENT_PT, Box, fits, height, pages, points, title_size
from courseware.render.pptx_visuals import Rect, Visuals, emu
from courseware.render.runs import Run, fill, literal, runs, shown
from courseware.render.sanitize import plain
from courseware.render.templates import find
from courseware.writer import Writer
from courseware.zipcheck import check_zip

LAYOUTS = ("Title Slide", "Title and Content", "Section Header")
TITLE_SIZES = (36.0, 32.0, 28.0, 24.0, 20.0)
BODY_SIZES = (24.0, 20.0, 18.0, 16.0)
INSETS = (14.4, 7.2)  # a placeholder's default insets, left+right and top+bottom, in points
GAP_PT = 12.0  # between the bullets and the visual
BULLETS_SHARE = 0.4  # bullets sharing a slide with a visual take at most this share of its height
# Zip entries get this time; SOURCE_DATE_EPOCH sets the document dates (default: 2000-01-01).
ZIP_TIME = (1980, 1, 1, 0, 0, 0)


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
        self.boxes: dict[tuple[str, int], Box] = {}  # text box sizes per layout placeholder
        ids = [int(s.get("id")) for s in self.prs.slides._sldIdLst.sldId_lst]
        self.next_slide_id = max([255, *ids]) + 1
        self.visuals = Visuals(course, self.language, self.rtl, self.words, self.notice)

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
        """The inner size of a placeholder, looked up once per layout (sizes are inherited)."""
        key = (slide.slide_layout.name, shape.placeholder_format.idx)
        if key not in self.boxes:
            self.boxes[key] = Box(points(shape.width) - 14.4, points(shape.height) - 7.2)  # less the default insets
        return self.boxes[key]

    def build(self) -> bytes:
        """The deck as deterministic .pptx bytes."""
        spec = self.spec
        self.title_slide(self.title, spec.course.audience if self.sections else spec.course.title)
        objective_ids = {o for item in self.lessons for o in item.lesson.objectives}
        chosen = [o for o in spec.objectives if o.id in objective_ids]
        self.content_slide(self.words["objectives"], [literal(f"{o.id}: {o.text}") for o in chosen], "; ".join(f"{o.id} ({o.bloom}): {o.text}" for o in chosen))
        module_id = None
        for item in self.lessons:
            if self.sections and item.module.id != module_id:
                module_id = item.module.id
                self.section_slide(item.module.title, item.module.summary)
            self.section_slide(plain(item.slides.title), f"{self.words['lesson']} · {item.lesson.duration} {self.words['minutes']}")
            for slide in item.slides.slides:
                notes = plain(slide.notes) if slide.notes else plain(slide.title)
                self.content_slide(plain(slide.title), [self.inline(b) for b in slide.bullets], notes, slide.visual, item.lesson.id)
            if item.lesson.slides.quiz:
                for n, question in enumerate(item.quiz.items, start=1):
                    letters = "ABCDEFGHIJ"
                    options = [[Run(f"{letters[k]}. "), *self.inline(o.text)] for k, o in enumerate(question.options)] if question.kind != "cloze" else []
                    answer = ", ".join(plain(o.text) for o in question.options if o.correct)
                    notes = f"{self.words['correct']}: {answer}. {plain(question.feedback)}"
                    self.content_slide(f"{self.words['question']} {n}", [self.inline(question.prompt), *options], notes)
        self._properties()
        return _deterministic(self.prs)

    # Slides -----------------------------------------------------------------------------------

    def title_slide(self, title: str, subtitle: str) -> None:
        slide = self.add_slide("Title Slide")
        self._title(slide, title)
        self._body(slide, [literal(subtitle)], title_style=True)

    def section_slide(self, title: str, subtitle: str) -> None:
        slide = self.add_slide("Section Header")
        self._title(slide, title)
        if subtitle:
            self._body(slide, [literal(subtitle)], title_style=True)
        else:
            self._drop_empty(slide)

    def content_slide(self, title: str, bullets: list[list[Run]], notes: str | None, visual: Any = None, lesson_id: str | None = None) -> None:
        """Bullets, and a visual under them; what does not fit continues on slides titled (k/n)."""
        layout = self.layouts["Title and Content"]
        body = next(p for p in layout.placeholders if p.placeholder_format.idx == 1)
        area = Rect(points(body.left), points(body.top), points(body.width), points(body.height))
        box = Box(area.width - INSETS[0], area.height - INSETS[1])
        texts = [shown(b) for b in bullets]
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
            slide = self.add_slide("Title and Content")
            self._title(slide, title if len(planned) == 1 else f"{title} ({k}/{len(planned)})")
            if used == 0.0:
                self._drop_empty(slide)
            else:
                shape = self._body(slide, chunk, size=size)
                if used is not None and shape is not None:  # the body shrinks to its bullets; the visual has the rest
                    shape.left, shape.top, shape.width, shape.height = body.left, body.top, body.width, emu(used)
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

    def _title(self, slide: Any, text: str) -> None:
        shape = slide.shapes.title
        self._set_text(shape.text_frame, [literal(text)], title_size(text, self.box(slide, shape), TITLE_SIZES))

    def _body(self, slide: Any, paragraphs: list[list[Run]], size: float | None = None, title_style: bool = False) -> Any:
        shape = next((p for p in slide.placeholders if p.placeholder_format.idx == 1), None)
        if shape is None:
            return None
        if title_style:
            size = title_size(" ".join(shown(p) for p in paragraphs), self.box(slide, shape), BODY_SIZES)
        self._set_text(shape.text_frame, paragraphs, size)
        return shape

    def _drop_empty(self, slide: Any) -> None:
        for shape in list(slide.placeholders):
            if shape.placeholder_format.idx == 1:
                shape._element.getparent().remove(shape._element)

    def _set_text(self, frame: Any, paragraphs: list[list[Run]], size: float | None) -> None:
        from pptx.enum.text import MSO_AUTO_SIZE

        frame.word_wrap = True
        frame.auto_size = MSO_AUTO_SIZE.NONE
        frame.clear()
        for k, parts in enumerate(paragraphs):
            paragraph = frame.paragraphs[0] if k == 0 else frame.add_paragraph()
            fill(paragraph, parts, size, self.language, self.rtl)

    def _properties(self) -> None:
        props = self.prs.core_properties
        props.title = self.title
        props.author = ", ".join(self.spec.course.authors) or "courseware"
        props.subject = self.spec.course.title
        props.language = self.language
        props.last_modified_by = "courseware"
        props.revision = 1
        when = datetime.fromtimestamp(int(os.environ.get("SOURCE_DATE_EPOCH", "946684800")), tz=timezone.utc).replace(tzinfo=None)
        props.created = props.modified = when
        props.last_printed = when


def _linear(prs: Any) -> None:
    """Make adding a slide cost the same at slide 1,000 as at slide 1.

    python-pptx walks the whole package to name each new notes page, and scans every relationship
    of the presentation for each new slide and each notes-master lookup, so a deck's build time
    grows with the square of its size. Parts and relationships are only added while a deck is
    built, so counters and dictionaries started from one walk give the same names and ids.
    """
    _fast_partnames(prs)
    _indexed_relationships(prs.part.rels)


def _indexed_relationships(rels: Any) -> None:
    """get_or_add and part_with_reltype by dictionary lookup instead of a scan of every relationship."""
    index = {(rel.reltype, id(rel.target_part)): rId for rId, rel in rels._rels.items() if not rel.is_external}
    add, find = rels._add_relationship, rels.part_with_reltype
    found: dict[str, Any] = {}

    def get_or_add(reltype: str, target_part: Any) -> str:
        key = (reltype, id(target_part))
        if key not in index:
            index[key] = add(reltype, target_part)
        return index[key]

    def part_with_reltype(reltype: str) -> Any:
        if reltype not in found:
            found[reltype] = find(reltype)  # a KeyError (none yet) is not remembered
        return found[reltype]

    rels.get_or_add = get_or_add
    rels.part_with_reltype = part_with_reltype


def _fast_partnames(prs: Any) -> None:
    """A next_partname that counts instead of walking every part of the package."""
    package = prs.part.package
    walk = package.next_partname
    counters: dict[str, int] = {}

    def next_partname(tmpl: str):
        from pptx.opc.packuri import PackURI

        if tmpl in counters:
            counters[tmpl] += 1
        else:
            prefix, suffix = tmpl.split("%d")
            first = str(walk(tmpl))
            counters[tmpl] = int(first[len(prefix) : len(first) - len(suffix)])
        return PackURI(tmpl % counters[tmpl])

    package.next_partname = next_partname


def _deterministic(prs: Any) -> bytes:
    """The .pptx bytes with fixed entry times, python-pptx's entry order kept ([Content_Types].xml
    first), compressed once: python-pptx's package writer fills our sink instead of its zip."""
    from pptx.opc.serialized import PackageWriter

    class _Entries(PackageWriter):
        def __init__(self, package: Any):
            super().__init__("", package._rels, tuple(package.iter_parts()))
            self.entries: list[tuple[str, bytes]] = []

        def write(self, pack_uri: Any, blob: bytes) -> None:  # the physical writer's one method
            self.entries.append((pack_uri.membername, blob))

        def collect(self) -> list[tuple[str, bytes]]:
            self._write_content_types_stream(self)
            self._write_pkg_rels(self)
            self._write_parts(self)
            return self.entries

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for name, blob in _Entries(prs.part.package).collect():
            entry = zipfile.ZipInfo(name, date_time=ZIP_TIME)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            target.writestr(entry, blob)
    return out.getvalue()
