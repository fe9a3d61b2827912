"""Editable PowerPoint decks: one per module and one for the whole course, built with python-pptx
from templates/pptx/template.pptx. Layouts are found by name; text is fitted by rule; the language
is set on every run and right-to-left paragraphs are marked; rebuilds are byte-identical."""

from __future__ import annotations

import io
import os
import zipfile
from datetime import datetime, timezone
from typing import Any

from courseware.course import Course, LessonContent
from courseware.errors import CoursewareError
from courseware.redact import one_line
from courseware.render import register
from courseware.render.fit import Box, pages, points, title_size
from courseware.render.sanitize import plain, xml_text
from courseware.render.strings import strings
from courseware.render.templates import find
from courseware.writer import Writer
from courseware.zipcheck import check_zip

LAYOUTS = ("Title Slide", "Title and Content", "Section Header")
TITLE_SIZES = (36.0, 32.0, 28.0, 24.0, 20.0)
BODY_SIZES = (24.0, 20.0, 18.0, 16.0)
# Zip entries get this time; SOURCE_DATE_EPOCH sets the document dates (default: 2000-01-01).
ZIP_TIME = (1980, 1, 1, 0, 0, 0)


@register("pptx")
def render_pptx(course: Course, writer: Writer) -> None:
    """Write dist/<course>.pptx and dist/<course>-<module>.pptx."""
    spec = course.loaded.spec
    template = find(course, "pptx/template.pptx")
    writer.write_bytes(f"{spec.course.id}.pptx", Deck(course, template, spec.course.title, course.lessons, sections=True).build())
    for module in spec.modules:
        lessons = [item for item in course.lessons if item.module.id == module.id]
        writer.write_bytes(f"{spec.course.id}-{module.id}.pptx", Deck(course, template, module.title, lessons, sections=False).build())


TEMPLATE_FIX = "save it from PowerPoint or LibreOffice as a .pptx, or use templates/pptx/template.pptx"


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

    def __init__(self, course: Course, template, title: str, lessons: list[LessonContent], sections: bool):
        self.course, self.title, self.lessons, self.sections = course, title, lessons, sections
        self.spec = course.loaded.spec
        self.language = self.spec.course.language
        self.rtl = course.direction == "rtl"
        self.words = strings(self.language)
        self.prs = _open(template)
        _linear(self.prs)
        names = {layout.name: layout for layout in self.prs.slide_layouts}
        missing = [name for name in LAYOUTS if name not in names]
        if missing:
            raise CoursewareError(f"{template}: the template has no slide layout named {', '.join(repr(m) for m in missing)}; add it in PowerPoint (View > Slide Master) or use templates/pptx/template.pptx")
        self.layouts = names
        self.boxes: dict[tuple[str, int], Box] = {}  # text box sizes per layout placeholder
        ids = [int(s.get("id")) for s in self.prs.slides._sldIdLst.sldId_lst]
        self.next_slide_id = max([255, *ids]) + 1

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
        self.content_slide(self.words["objectives"], [f"{o.id}: {o.text}" for o in chosen], "; ".join(f"{o.id} ({o.bloom}): {o.text}" for o in chosen))
        module_id = None
        for item in self.lessons:
            if self.sections and item.module.id != module_id:
                module_id = item.module.id
                self.section_slide(item.module.title, item.module.summary)
            self.section_slide(plain(item.slides.title), f"{self.words['lesson']} · {item.lesson.duration} {self.words['minutes']}")
            for slide in item.slides.slides:
                self.content_slide(plain(slide.title), [plain(b) for b in slide.bullets], plain(slide.notes) if slide.notes else plain(slide.title))
            if item.lesson.slides.quiz:
                for n, question in enumerate(item.quiz.items, start=1):
                    letters = "ABCDEFGHIJ"
                    options = [f"{letters[k]}. {plain(o.text)}" for k, o in enumerate(question.options)] if question.kind != "cloze" else []
                    answer = ", ".join(plain(o.text) for o in question.options if o.correct)
                    notes = f"{self.words['correct']}: {answer}. {plain(question.feedback)}"
                    self.content_slide(f"{self.words['question']} {n}", [plain(question.prompt), *options], notes)
        self._properties()
        return _deterministic(self.prs)

    # Slides -----------------------------------------------------------------------------------

    def title_slide(self, title: str, subtitle: str) -> None:
        slide = self.add_slide("Title Slide")
        self._title(slide, title)
        self._body(slide, [subtitle], title_style=True)

    def section_slide(self, title: str, subtitle: str) -> None:
        slide = self.add_slide("Section Header")
        self._title(slide, title)
        if subtitle:
            self._body(slide, [subtitle], title_style=True)
        else:
            self._drop_empty(slide)

    def content_slide(self, title: str, bullets: list[str], notes: str | None) -> None:
        layout = self.layouts["Title and Content"]
        body = next(p for p in layout.placeholders if p.placeholder_format.idx == 1)
        box = Box(points(body.width) - 14.4, points(body.height) - 7.2)  # less the default insets
        chunks = pages(bullets, box, BODY_SIZES)
        for k, (chunk, size) in enumerate(chunks, start=1):
            slide = self.add_slide("Title and Content")
            self._title(slide, title if len(chunks) == 1 else f"{title} ({k}/{len(chunks)})")
            self._body(slide, chunk, size=size)
            if notes:
                self._set_text(slide.notes_slide.notes_text_frame, [notes], None)

    # Text -------------------------------------------------------------------------------------

    def _title(self, slide: Any, text: str) -> None:
        shape = slide.shapes.title
        self._set_text(shape.text_frame, [text], title_size(text, self.box(slide, shape), TITLE_SIZES))

    def _body(self, slide: Any, paragraphs: list[str], size: float | None = None, title_style: bool = False) -> None:
        shape = next((p for p in slide.placeholders if p.placeholder_format.idx == 1), None)
        if shape is None:
            return
        if title_style:
            size = title_size(" ".join(paragraphs), self.box(slide, shape), BODY_SIZES)
        self._set_text(shape.text_frame, paragraphs, size)

    def _drop_empty(self, slide: Any) -> None:
        for shape in list(slide.placeholders):
            if shape.placeholder_format.idx == 1:
                shape._element.getparent().remove(shape._element)

    def _set_text(self, frame: Any, paragraphs: list[str], size: float | None) -> None:
        from pptx.enum.text import MSO_AUTO_SIZE, PP_ALIGN
        from pptx.util import Pt

        frame.word_wrap = True
        frame.auto_size = MSO_AUTO_SIZE.NONE
        frame.clear()
        for k, text in enumerate(paragraphs):
            paragraph = frame.paragraphs[0] if k == 0 else frame.add_paragraph()
            run = paragraph.add_run()
            run.text = xml_text(text)  # a deck is XML: U+FFFF in a text would stop the build
            if size is not None:
                run.font.size = Pt(size)
            run._r.get_or_add_rPr().set("lang", self.language)
            if self.rtl:
                paragraph._p.get_or_add_pPr().set("rtl", "1")
                paragraph.alignment = PP_ALIGN.RIGHT

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
