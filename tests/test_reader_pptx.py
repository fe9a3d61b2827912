"""The PowerPoint reader, from the user's side first: a course grounded in a deck made by python-pptx
builds offline and cites slides; a damaged, foreign or encrypted deck is one located error. Then
exactly what the reader reads of each slide."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from courseware.content.blocks import Figure, ListBlock, ListItem, Paragraph, Table
from courseware.grounding.sources import SourceDocument
from courseware.readers import Heading, SourceUnreadable, reader_for
from courseware.readers.base import INSTRUCTOR, NARRATIVE
from source_fixtures import pptx as fixture

SPEC = """course:
  id: assessing
  title: Assessing While Teaching
  language: en
  audience: lecturers moving their courses online
sources: [sources/{name}]
objectives:
  - id: LO1
    text: Explain how formative assessment and exit tickets guide teaching
    bloom: understand
modules:
  - id: m1
    title: Formative assessment
    lessons:
      - id: m1-l1
        title: Assessing while teaching
        objectives: [LO1]
        key_points:
          - formative assessment checks learning while it happens
          - an exit ticket is a short written answer collected as students leave
        quiz: {{questions: 2, kinds: [multiple_choice, true_false]}}
        slides: {{max: 2, quiz: false}}
llm: {{provider: offline}}
outputs: [markdown]
"""


@pytest.fixture
def course(tmp_path, monkeypatch) -> Path:
    """A course folder whose one source is the fixture deck; the working folder is its parent."""
    (tmp_path / "c" / "sources").mkdir(parents=True)
    fixture.make(tmp_path / "c" / "sources")
    (tmp_path / "c" / "course.yaml").write_text(SPEC.format(name=fixture.NAME), "utf-8")
    monkeypatch.chdir(tmp_path)
    return tmp_path / "c"


def test_a_course_grounded_in_a_deck_builds_offline_and_cites_its_slides(cli, course):
    result = cli("build", "c/course.yaml", "--provider", "offline")
    assert result.exit_code == 0, result.stderr
    content = Path("c/output/assessing/content") if Path("c/output").exists() else Path("output/assessing/content")
    written = {p.name: p.read_text("utf-8") for p in content.rglob("*.md")}
    lesson, everything = written["lesson.md"], "\n".join(written.values())
    assert "formative-assessment.pptx § Why assess while teaching, slide 2" in lesson
    assert "formative-assessment.pptx § Exit tickets in practice, slide 4" in lesson
    assert "Instructor:" not in everything and "Teaching tip" not in everything and "ten minutes" not in everything
    assert "hidden slide" not in everything and "\\*" not in everything


@pytest.mark.parametrize("data, message", [
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504), "password-protected or an old PowerPoint 97-2003 file, not a .pptx; remove the password (or open it and 'Save As' .pptx) and build again"),
    (b"# Notes\n\nNot a deck at all.\n", "not a PowerPoint .pptx file (not a zip package); save it from PowerPoint or LibreOffice as .pptx"),
    ("truncated", "damaged (a truncated or corrupt .pptx); copy or export it again from PowerPoint"),
    ("word", "a zip package but not a PowerPoint presentation; save the deck from PowerPoint or LibreOffice as .pptx"),
])
def test_a_deck_that_cannot_be_read_is_one_located_error(cli, course, data, message):
    deck = course / "sources" / fixture.NAME
    if data == "truncated":
        data = deck.read_bytes()[:-4000]
    elif data == "word":
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w") as package:
            package.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>')
            package.writestr("word/document.xml", "<document/>")
        data = out.getvalue()
    deck.write_bytes(data)
    result = cli("build", "c/course.yaml", "--provider", "offline")
    assert result.exit_code == 1
    assert result.stderr == f"c/sources/{fixture.NAME}: {message}\n"
    assert not Path("c/output").exists() and not Path("output").exists()


def test_a_damaged_slide_is_named_by_its_number(course):
    deck = course / "sources" / fixture.NAME
    out = io.BytesIO()
    with zipfile.ZipFile(deck) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            data = source.read(info.filename)
            target.writestr(info, data[:200] if info.filename == "ppt/slides/slide3.xml" else data)
    with pytest.raises(SourceUnreadable) as raised:
        reader_for("x.pptx").read(out.getvalue())
    assert str(raised.value) == "slide 3: this slide is damaged; open the deck in PowerPoint or LibreOffice and save it again"


def read_fixture(tmp_path: Path):
    return reader_for(fixture.NAME).read(fixture.make(tmp_path).read_bytes())


def test_each_shown_slide_is_read_in_order_with_its_number_and_roles(tmp_path):
    document = read_fixture(tmp_path)
    assert document.title == fixture.TITLE
    got = [(p.slide, p.role, p.item) for p in document.pieces]
    assert got == [
        (1, NARRATIVE, Heading(1, fixture.TITLE)),
        (1, NARRATIVE, Paragraph(text="A short guide for lecturers")),
        (2, NARRATIVE, Heading(2, "Why assess while teaching")),
        (2, NARRATIVE, ListBlock(items=[
            ListItem(text="**Formative assessment** checks learning while it happens.", children=ListBlock(items=[
                ListItem(text="Short **quizzes** after each unit"),
                ListItem(text="**Peer review** of drafts", children=ListBlock(items=[ListItem(text="Students use a **rubric** to comment")])),
            ])),
            ListItem(text="**Feedback** is useful only when it comes quickly."),
        ])),
        (2, NARRATIVE, Paragraph(text="Formative assessment shows the lecturer what students understand before the exam, while there is still time to teach it again.")),
        (2, INSTRUCTOR, Paragraph(text="Instructor: allow ten minutes for this slide and ask for examples from the room.")),
        (3, NARRATIVE, Heading(2, "Two kinds of assessment")),
        (3, NARRATIVE, Table(header=["Kind", "Purpose", "When"], rows=[["Formative", "Guide the next steps of learning", "During the course"], ["Summative", "Certify what was learnt", "At the end"]])),
        (3, NARRATIVE, Paragraph(text="A **summative assessment** certifies learning; a formative one steers it.")),
        (4, NARRATIVE, Heading(2, "Exit tickets in practice")),
        (4, NARRATIVE, Figure(src="slide-4-image-1.png", alt=fixture.PICTURE_DESCRIPTION)),
        (4, NARRATIVE, Paragraph(text="An **exit ticket** is a short written answer collected as students leave; the [guide](https://example.org/exit-tickets) has templates.")),
        (4, NARRATIVE, Paragraph(text="Lecturers read the exit tickets in minutes and adjust the next session.")),
        (6, NARRATIVE, Heading(2, "Closing the loop")),  # slide 5 is hidden
        (6, NARRATIVE, Paragraph(text="Tell students what changed because of their answers: that is what **closing the loop** means.")),
        (6, INSTRUCTOR, Paragraph(text="Teaching tip: keep one exit ticket from each session to show the class next week.")),
    ]
    assert list(document.media) == ["slide-4-image-1.png"] and document.media["slide-4-image-1.png"].startswith(b"\x89PNG")


def test_passages_cite_slides_and_leave_instructor_notes_out(tmp_path):
    path = fixture.make(tmp_path)
    passages = SourceDocument(fixture.NAME, path.read_bytes(), path.stat().st_size, path).passages()
    assert [(p.reference.text, p.role) for p in passages][:2] == [
        (f"{fixture.NAME} § {fixture.TITLE}, slide 1", NARRATIVE),
        (f"{fixture.NAME} § Why assess while teaching, slide 2", NARRATIVE),
    ]
    assert len(passages) == 9 and all(p.role == NARRATIVE for p in passages)
    assert not any("Instructor" in p.text or "Teaching tip" in p.text for p in passages)


def deck_of(build) -> bytes:
    """A deck made by `build(slide)` on one title-only slide."""
    from pptx import Presentation

    deck = Presentation()
    build(deck.slides.add_slide(deck.slide_layouts[6]))  # blank: no title placeholder
    out = io.BytesIO()
    deck.save(out)
    return out.getvalue()


def test_an_untitled_slide_takes_its_first_short_line_and_pictures_fall_back_to_honest_alt_text():
    from pptx.util import Inches

    def build(slide):
        slide.shapes.add_textbox(Inches(1), Inches(3), Inches(8), Inches(1)).text_frame.text = "Lines one\nand two"
        slide.shapes.add_textbox(Inches(1), Inches(0.5), Inches(8), Inches(1)).text_frame.text = "Rain *and* snow"
        png = io.BytesIO()
        from PIL import Image
        Image.new("RGB", (4, 4)).save(png, "PNG")
        slide.shapes.add_picture(io.BytesIO(png.getvalue()), Inches(1), Inches(5))
        named = slide.shapes.add_picture(io.BytesIO(png.getvalue()), Inches(4), Inches(5))
        named.name = "Rain gauge on a roof"

    document = reader_for("x.pptx").read(deck_of(build))
    assert document.title == "Rain \\*and\\* snow"
    assert [p.item for p in document.pieces] == [
        Heading(1, "Rain \\*and\\* snow"),
        Paragraph(text="Lines one"), Paragraph(text="and two"),  # a text box's lines show no bullets
        Figure(src="slide-1-image-1.png", alt="Picture on slide 1: Rain \\*and\\* snow"),
        Figure(src="slide-1-image-2.png", alt="Rain gauge on a roof"),
    ]


def test_a_bare_instructor_marker_keeps_the_rest_of_the_notes_from_learners():
    def build(slide):
        frame = slide.notes_slide.notes_text_frame
        frame.text = "Rain falls when droplets grow heavy."
        for line in ("Instructor notes:", "Bring a rain gauge.", "Ask who has one."):
            frame.add_paragraph().text = line

    document = reader_for("x.pptx").read(deck_of(build))
    assert [(p.role, p.item.text) for p in document.pieces if isinstance(p.item, Paragraph)] == [
        (NARRATIVE, "Rain falls when droplets grow heavy."), (INSTRUCTOR, "Bring a rain gauge."), (INSTRUCTOR, "Ask who has one."),
    ]
    assert document.pieces[0].item == Heading(2, "Slide 1")  # no title and no short text: named by its number


def test_a_chart_is_read_as_a_table_of_its_data():
    from pptx.chart.data import CategoryChartData
    from pptx.enum.chart import XL_CHART_TYPE
    from pptx.util import Inches

    def build(slide):
        data = CategoryChartData()
        data.categories = ["Quiz", "Exit ticket"]
        data.add_series("Minutes", (10, 2.5))
        chart = slide.shapes.add_chart(XL_CHART_TYPE.COLUMN_CLUSTERED, Inches(1), Inches(1), Inches(6), Inches(4), data).chart
        chart.has_title = True
        chart.chart_title.text_frame.text = "Time to mark"

    document = reader_for("x.pptx").read(deck_of(build))
    assert document.pieces[1].item == Table(header=["Time to mark", "Minutes"], rows=[["Quiz", "10"], ["Exit ticket", "2.5"]])


def test_numbered_lines_are_an_ordered_list_and_a_line_without_a_bullet_ends_it():
    from lxml import etree
    from pptx.util import Inches

    def build(slide):
        frame = slide.shapes.add_textbox(Inches(1), Inches(2), Inches(8), Inches(3)).text_frame
        frame.text = "Before the lecture:"
        for text, level in (("Post the reading", 0), ("with two questions", 1), ("Open the forum", 0)):
            paragraph = frame.add_paragraph()
            paragraph.text, paragraph.level = text, level
            etree.SubElement(paragraph._p.get_or_add_pPr(), "{http://schemas.openxmlformats.org/drawingml/2006/main}buAutoNum", type="arabicPeriod")
        frame.add_paragraph().text = "Then teach."

    document = reader_for("x.pptx").read(deck_of(build))
    assert [p.item for p in document.pieces][1:] == [
        Paragraph(text="Before the lecture:"),
        ListBlock(ordered=True, items=[
            ListItem(text="Post the reading", children=ListBlock(ordered=True, items=[ListItem(text="with two questions")])),
            ListItem(text="Open the forum"),
        ]),
        Paragraph(text="Then teach."),
    ]
