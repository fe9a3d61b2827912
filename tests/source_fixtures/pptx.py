"""A PowerPoint deck on formative assessment, made with python-pptx: a title slide, nested bullets
with bold terms, a table, a described picture, a group, a hidden slide, speaker and instructor notes."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

NAME = "formative-assessment.pptx"
TITLE = "Formative Assessment in Blended Courses"
PICTURE_DESCRIPTION = "A student hands a paper exit ticket to the lecturer at the classroom door"


def make(folder: Path) -> Path:
    """Write the deck into `folder` (same bytes every time) and return its path."""
    from pptx import Presentation
    from pptx.util import Inches, Pt

    deck = Presentation()
    deck.core_properties.title = TITLE
    title_layout, bullets_layout, title_only = deck.slide_layouts[0], deck.slide_layouts[1], deck.slide_layouts[5]

    slide = deck.slides.add_slide(title_layout)  # 1: the title slide
    slide.shapes.title.text = TITLE
    slide.placeholders[1].text = "A short guide for lecturers"

    slide = deck.slides.add_slide(bullets_layout)  # 2: nested bullets with bold terms
    slide.shapes.title.text = "Why assess while teaching"
    body = slide.placeholders[1].text_frame
    _runs(body.paragraphs[0], ("Formative assessment", True), (" checks learning while it happens.", False))
    for level, parts in (
        (1, (("Short ", False), ("quizzes", True), (" after each unit", False))),
        (1, (("Peer review", True), (" of drafts", False))),
        (2, (("Students use a ", False), ("rubric", True), (" to comment", False))),
        (0, (("Feedback", True), (" is useful only when it comes quickly.", False))),
    ):
        paragraph = body.add_paragraph()
        paragraph.level = level
        _runs(paragraph, *parts)
    _notes(slide, [
        (("Formative assessment shows the lecturer what students understand before the exam, while there is still time to teach it again.", False),),
        (("Instructor: allow ten minutes for this slide and ask for examples from the room.", False),),
    ])

    slide = deck.slides.add_slide(title_only)  # 3: a table
    slide.shapes.title.text = "Two kinds of assessment"
    rows = [("Kind", "Purpose", "When"), ("Formative", "Guide the next steps of learning", "During the course"), ("Summative", "Certify what was learnt", "At the end")]
    table = slide.shapes.add_table(3, 3, Inches(0.5), Inches(1.5), Inches(9), Inches(2)).table
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            table.cell(r, c).text = text
    _notes(slide, [(("A ", False), ("summative assessment", True), (" certifies learning; a formative one steers it.", False))])

    slide = deck.slides.add_slide(title_only)  # 4: a picture with a description, a text box below it
    slide.shapes.title.text = "Exit tickets in practice"
    box = slide.shapes.add_textbox(Inches(0.5), Inches(5), Inches(9), Inches(1)).text_frame
    _runs(box.paragraphs[0], ("An ", False), ("exit ticket", True), (" is a short written answer collected as students leave; the ", False), ("guide", False, "https://example.org/exit-tickets"), (" has templates.", False))
    picture = slide.shapes.add_picture(io.BytesIO(_png()), Inches(3), Inches(1.5), Inches(3), Inches(3))
    picture._element.nvPicPr.cNvPr.set("descr", PICTURE_DESCRIPTION)
    _notes(slide, [(("Lecturers read the exit tickets in minutes and adjust the next session.", False),)])

    slide = deck.slides.add_slide(title_only)  # 5: hidden, never read
    slide.shapes.title.text = "Draft ideas not shown"
    slide.shapes.add_textbox(Inches(0.5), Inches(2), Inches(9), Inches(1)).text_frame.text = "This hidden slide must not be read."
    slide._element.set("show", "0")

    slide = deck.slides.add_slide(title_only)  # 6: text inside a group shape, a teaching tip
    slide.shapes.title.text = "Closing the loop"
    group = slide.shapes.add_group_shape()
    inner = group.shapes.add_textbox(Inches(0.5), Inches(2), Inches(9), Inches(1)).text_frame
    _runs(inner.paragraphs[0], ("Tell students what changed because of their answers: that is what ", False), ("closing the loop", True), (" means.", False))
    for paragraph in inner.paragraphs:
        for run in paragraph.runs:
            run.font.size = Pt(20)
    _notes(slide, [(("Teaching tip: keep one exit ticket from each session to show the class next week.", False),)])

    out = io.BytesIO()
    deck.save(out)
    path = folder / NAME
    path.write_bytes(_fixed_times(out.getvalue()))
    return path


def _runs(paragraph, *parts) -> None:
    """Add runs (text, bold[, hyperlink]) to a paragraph."""
    for text, bold, *link in parts:
        run = paragraph.add_run()
        run.text = text
        if bold:
            run.font.bold = True
        if link:
            run.hyperlink.address = link[0]


def _notes(slide, paragraphs) -> None:
    frame = slide.notes_slide.notes_text_frame
    for n, parts in enumerate(paragraphs):
        _runs(frame.paragraphs[0] if n == 0 else frame.add_paragraph(), *parts)


def _png() -> bytes:
    """A small deterministic PNG: a card on a blue ground."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (120, 80), (40, 90, 160))
    ImageDraw.Draw(image).rectangle((30, 20, 90, 60), fill=(250, 250, 240))
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def _fixed_times(data: bytes) -> bytes:
    """The package with every entry dated 1980-01-01 (python-pptx stamps the time of saving)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            target.writestr(zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0)), source.read(info.filename), zipfile.ZIP_DEFLATED)
    return out.getvalue()
