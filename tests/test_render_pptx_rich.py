"""Rich slides in the PPTX decks: inline formatting, code with output, native tables, figures and
display math, read back with python-pptx and converted by LibreOffice."""

from __future__ import annotations

import io
import subprocess
from pathlib import Path

import pytest
from pptx import Presentation
from pptx.util import Emu

from courseware.content.model import Code
from courseware.render.fit import (
    MONO_INSETS, Box, code_lines, contain, listing_height, listings, mono_height, mono_rows, row_height, table_pages,
)
from courseware.render.pptx import Deck, render_pptx
from courseware.render.runs import linear
from courseware.render.templates import BUILT_IN
from courseware.render.notices import collected
from courseware.writer import Writer
from rich_deck import CODE, LONG, OUTPUT, rich_course

A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
P = "{http://schemas.openxmlformats.org/presentationml/2006/main}"
MATRIX = "\\begin{pmatrix} a & b \\\\ c & d \\end{pmatrix}"
VARIANCE = "s^2 = \\frac{1}{n-1}\\sum_{i=1}^{n} (x_i - \\bar{x})^2"


def build(folder: Path, language: str = "en") -> tuple[bytes, dict[str, None]]:
    course = rich_course(folder, language)
    said: dict[str, None] = {}
    data = Deck(course, BUILT_IN / "pptx/template.pptx", "Describing data", course.lessons, sections=False, notices=said).build()
    return data, said


@pytest.fixture(scope="module")
def rich(tmp_path_factory) -> tuple[bytes, dict[str, None], Path]:
    folder = tmp_path_factory.mktemp("rich")
    data, said = build(folder / "course")
    (folder / "rich.pptx").write_bytes(data)
    return data, said, folder / "rich.pptx"


def slides_titled(data: bytes, title: str) -> list:
    prs = Presentation(io.BytesIO(data))
    return [s for s in prs.slides if s.shapes.title.text == title or s.shapes.title.text.startswith(title + " (")]


def boxes(slide) -> list:
    """The text boxes we added (not the layout's placeholders), in order."""
    return [s for s in slide.shapes if s.has_text_frame and not s.is_placeholder]


def lines_of(shape) -> list[str]:
    return [p.text for p in shape.text_frame.paragraphs]


def is_mono(run) -> bool:
    latin = run._r.find(f"{A}rPr/{A}latin")
    return latin is not None and latin.get("typeface") == "Consolas" and latin.get("pitchFamily") == "49"


def test_bullets_carry_bold_italic_code_links_and_math(rich):
    data = rich[0]
    slide = slides_titled(data, "Reading a summary")[0]
    body = next(s for s in slide.placeholders if s.placeholder_format.idx == 1)
    first, second, third = body.text_frame.paragraphs
    assert first.text == "The mean is the balance point: x̄ = 1/n ∑ xᵢ"
    assert [(r.text, r.font.bold) for r in first.runs if r.font.bold] == [("mean", True)]
    assert [r.text for r in second.runs if is_mono(r)] == ["statistics.mean(scores)"]
    assert [r.text for r in second.runs if r.font.italic] == ["Python"]
    link = next(r for r in third.runs if r.text == "documentation")
    assert link.hyperlink.address == "https://docs.python.org/3/library/statistics.html"
    assert all(r._r.find(f"{A}rPr").get("lang") == "en" for p in (first, second, third) for r in p.runs)


def test_code_keeps_its_lines_and_indentation_in_monospace_with_its_output_labelled(rich):
    slide = slides_titled(rich[0], "The mean in Python")[0]
    code, label, output = boxes(slide)
    assert lines_of(code) == CODE.split("\n") and lines_of(output) == OUTPUT.split("\n")
    assert lines_of(code)[6] == '        print(f"{score} is above the mean")'
    assert lines_of(label) == ["Output"] and label.text_frame.paragraphs[0].runs[0].font.bold
    runs = [r for box in (code, output) for p in box.text_frame.paragraphs for r in p.runs]
    assert runs and all(is_mono(r) for r in runs)
    for box in (code, output):  # no autofit: the size is chosen by rule, and the lines fit the box
        assert box.text_frame._bodyPr.find(f"{A}normAutofit") is None and box.text_frame._bodyPr.find(f"{A}noAutofit") is not None
        size = box.text_frame.paragraphs[0].runs[0].font.size.pt
        assert mono_height(lines_of(box), Emu(box.width).pt - MONO_INSETS[0], size) + MONO_INSETS[1] <= Emu(box.height).pt + 0.01
    assert code.top + code.height <= label.top and label.top + label.height <= output.top


def test_long_code_continues_over_slides_and_nothing_is_cut(rich):
    slides = slides_titled(rich[0], "A long listing")
    assert [s.shapes.title.text for s in slides] == [f"A long listing ({k}/{len(slides)})" for k in range(1, len(slides) + 1)]
    shown = [line for slide in slides for box in boxes(slide) for line in lines_of(box)]
    assert shown == Code(code=LONG).code.split("\n")  # as the model keeps it: no blank line at the end
    prs = Presentation(io.BytesIO(rich[0]))
    for slide in slides:
        for box in boxes(slide):
            assert box.top + box.height <= prs.slide_height and box.text_frame.paragraphs[0].runs[0].font.size.pt >= 14


def test_a_table_is_a_native_table_with_a_styled_header_and_its_alignment(rich):
    slide = slides_titled(rich[0], "Scores by group")[0]
    frames = [s for s in slide.shapes if s.has_table]
    assert len(frames) == 1 and frames[0]._element.find(f".//{A}tbl") is not None
    table = frames[0].table
    cells = [[table.cell(r, c).text for c in range(4)] for r in range(4)]
    assert cells == [["Group", "Students", "Mean score", "Note"], ["A", "40", "68.5", "morning"], ["B", "38", "74.1", "uses R"], ["C", "42", "61.0", "evening, with a long remark that wraps"]]
    header = [table.cell(0, c).text_frame.paragraphs[0] for c in range(4)]
    assert all(p.runs[0].font.bold and str(p.runs[0].font.color.rgb) == "FFFFFF" for p in header)
    assert [table.cell(1, c).text_frame.paragraphs[0]._p.find(f"{A}pPr").get("algn") if table.cell(1, c).text_frame.paragraphs[0]._p.find(f"{A}pPr") is not None else None for c in range(4)] == ["l", "r", "r", None]
    assert [r.text for r in table.cell(2, 3).text_frame.paragraphs[0].runs if is_mono(r)] == ["R"]
    body = next(s for s in slide.placeholders if s.placeholder_format.idx == 1)
    assert abs(sum(c.width for c in table.columns) - body.width) <= 4 and frames[0].left == body.left  # the body's width, shared by content
    caption = boxes(slide)
    assert [lines_of(b) for b in caption] == [["Means by group, autumn term."]] and caption[0].top >= frames[0].top + sum(r.height for r in table.rows)


def test_a_figure_is_a_fitted_picture_with_its_alt_text_and_caption(rich):
    slide = slides_titled(rich[0], "The distribution")[0]
    pictures = [s for s in slide.shapes if s.shape_type == 13]
    assert len(pictures) == 1
    picture = pictures[0]
    assert picture._element.nvPicPr.cNvPr.get("descr") == "A bar chart of exam scores: most between 50 and 80"
    assert picture.image.content_type == "image/png"  # the SVG, drawn as a PNG both apps show
    assert abs(picture.width / picture.height - 480 / 300) < 0.01
    prs = Presentation(io.BytesIO(rich[0]))
    assert picture.left >= 0 and picture.top >= 0 and picture.left + picture.width <= prs.slide_width and picture.top + picture.height <= prs.slide_height
    assert [lines_of(b) for b in boxes(slide)] == [["Exam scores of 120 students. — Course team, CC BY 4.0"]]
    portrait = next(s for s in slides_titled(rich[0], "A portrait picture")[0].shapes if s.shape_type == 13)
    assert abs(portrait.width / portrait.height - 400 / 600) < 0.01 and portrait._element.nvPicPr.cNvPr.get("descr") == "A blue framed box"


def test_display_math_is_a_picture_with_its_latex_as_alt_text(rich):
    slide = slides_titled(rich[0], "Sample variance")[0]
    picture = next(s for s in slide.shapes if s.shape_type == 13)
    assert picture._element.nvPicPr.cNvPr.get("descr") == VARIANCE and picture.image.content_type == "image/png"
    body = next(s for s in slide.placeholders if s.placeholder_format.idx == 1)
    assert body.text_frame.text == "Divide by n−1, not n"  # inline math in linear form
    assert slide.slide_layout.name == "Two Content" and body.left + body.width <= picture.left  # the formula beside the text


def test_math_that_cannot_be_drawn_shows_its_latex_in_monospace_and_is_said_once(rich):
    data, said, _ = rich
    slide = slides_titled(data, "A matrix")[0]
    (box,) = boxes(slide)
    assert lines_of(box) == [MATRIX] and all(is_mono(r) for r in box.text_frame.paragraphs[0].runs)
    assert list(said) == [f"the formula ${MATRIX}$ cannot be drawn (Unknown symbol: \\begin, found '\\'); the deck shows its LaTeX in monospace"]


def test_quiz_slides_show_code_and_math_in_stems_and_options(rich):
    slide = slides_titled(rich[0], "Question 1/1")[0]
    body = next(s for s in slide.placeholders if s.placeholder_format.idx == 1)
    (prompt,) = body.text_frame.paragraphs
    assert prompt.text == "What does statistics.mean([2, 4]) return?" and [r.text for r in prompt.runs if is_mono(r)] == ["statistics.mean([2, 4])"]
    assert prompt._p.find(f"{A}pPr/{A}buNone") is not None  # the question is no bullet
    first, second = boxes(slide)  # the options, on cards side by side under the question
    assert (first.text, second.text) == ("A. 3", "B. 6") and [r.text for r in second.text_frame.paragraphs[0].runs if is_mono(r)] == ["6"]
    assert first.top >= body.top + body.height and first.top == second.top and first.left + first.width < second.left
    assert slide.notes_slide.notes_text_frame.text == "Correct: $3$. It adds and divides."


def test_the_rich_deck_is_byte_identical_when_rebuilt(rich, tmp_path):
    again, _ = build(tmp_path / "course")
    assert again == rich[0]


def test_right_to_left_decks_keep_code_left_to_right(tmp_path):
    data, _ = build(tmp_path / "course", language="ar")
    prs = Presentation(io.BytesIO(data))
    code = boxes(slides_titled(data, "The mean in Python")[0])[0]
    assert all(p._p.find(f"{A}pPr").get("rtl") == "0" for p in code.text_frame.paragraphs)
    body = next(s for s in slides_titled(data, "Reading a summary")[0].placeholders if s.placeholder_format.idx == 1)
    assert all(p._p.find(f"{A}pPr").get("rtl") == "1" for p in body.text_frame.paragraphs)
    table = next(s for s in slides_titled(data, "Scores by group")[0].shapes if s.has_table)
    assert table._element.find(f".//{A}tblPr").get("rtl") == "1"
    assert all(r._r.find(f"{A}rPr").get("lang") == "ar" for s in prs.slides for shape in s.shapes if shape.has_text_frame for p in shape.text_frame.paragraphs for r in p.runs)


def test_the_renderer_says_once_what_both_decks_could_not_show(tmp_path):
    course = rich_course(tmp_path / "course")
    writer = Writer(tmp_path / "dist")
    with collected() as notices:
        render_pptx(course, writer)
    assert sorted(writer.written) == ["stats-m1.pptx", "stats.pptx"]
    assert notices.lines == [f"pptx: the formula ${MATRIX}$ cannot be drawn (Unknown symbol: \\begin, found '\\'); the deck shows its LaTeX in monospace"]


def test_libreoffice_shows_the_rich_deck(rich, tmp_path):
    data, _, path = rich
    result = subprocess.run(
        ["soffice", f"-env:UserInstallation=file://{tmp_path}/lo", "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path), str(path)],
        capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 0, result.stderr
    pdf = tmp_path / "rich.pdf"
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert int(next(line for line in info.splitlines() if line.startswith("Pages:")).split()[1]) == len(Presentation(io.BytesIO(data)).slides)
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    for expected in ("x̄ = 1/n ∑ xᵢ", "import statistics", '    print(f"{score} is above the mean")', "90 is above the mean", "Output",
                     "Mean score", "74.1", "Means by group, autumn term.", "Exam scores of 120 students. — Course team, CC BY 4.0", MATRIX,
                     "x69 = 69 * 2"):
        assert expected in text, expected
    # The pictures are drawn: the variance slide's page has dark pixels in the formula's place.
    page = [s.shapes.title.text for s in Presentation(io.BytesIO(data)).slides].index("Sample variance") + 1
    subprocess.run(["pdftoppm", "-r", "30", "-gray", "-f", str(page), "-l", str(page), "-png", str(pdf), str(tmp_path / "page")], check=True)
    from PIL import Image

    (image_path,) = tmp_path.glob("page*.png")
    with Image.open(image_path) as image:
        width, height = image.size
        darkest, _ = image.convert("L").crop((0, height // 2, width, height)).getextrema()[::-1][::-1]
        assert darkest < 80


# Fitting by rule ------------------------------------------------------------------------------------


def test_code_is_shrunk_then_split_and_never_cut():
    box = Box(700, 300)
    short = code_lines("x = 1\nif x:\n\tprint(x)")
    assert short[2] == "    print(x)"  # tabs are four spaces
    assert listings(short, ["1"], box, (20.0, 14.0))[0].size == 20.0
    long = [f"line {k}" for k in range(80)]
    pages = listings(long, ["out"] * 5, box, (20.0, 16.0, 14.0))
    assert [line for p in pages for line in p.code] == long and [line for p in pages for line in p.output] == ["out"] * 5
    assert all(listing_height(p.code, p.output, box.width, p.size) <= box.height for p in pages)
    assert mono_rows("a" * 100, 61 * 10, 10) == 1 and mono_rows("a" * 101, 61 * 10, 10) == 2
    assert mono_rows("word " * 40, 61 * 10, 10) == 2


def test_a_long_table_repeats_its_header_on_each_slide():
    header = ["Name", "Value"]
    rows = [[f"row {k}", str(k)] for k in range(60)]
    pages = table_pages(header, rows, Box(700, 300), (20.0, 12.0))
    assert len(pages) > 1 and [k for p in pages for k in p.rows] == list(range(60))
    for page in pages:
        assert row_height(header, page.widths, page.size) + sum(row_height(rows[k], page.widths, page.size) for k in page.rows) <= 300
        assert abs(sum(page.widths) - 700) < 0.01


def test_pictures_keep_their_aspect_ratio():
    assert contain(400, 600, Box(800, 300)) == (200, 300)
    assert contain(1600, 900, Box(800, 600)) == (800, 450)
    assert contain(100, 50, Box(800, 600), largest=1.0) == (100, 50)


def test_inline_math_reads_as_one_line_of_unicode():
    assert linear("\\bar{x} = \\frac{1}{n}\\sum_{i=1}^{n} x_i") == "x̄ = 1/n ∑ᵢ₌₁ⁿ xᵢ"
    assert linear("s^2 = \\frac{\\sum (x_i-\\bar{x})^2}{n-1}") == "s² = (∑ (xᵢ−x̄)²)/(n−1)"
    assert linear("SE = s/\\sqrt{n}") == "SE = s/√n"
    assert linear("e^{-x^2/2}") == "e^(−x²/2)"
    assert linear("P(A \\mid B) \\le 0.05") == "P(A ∣ B) ≤ 0.05"


def test_bullets_beside_a_visual_fit_their_shrunk_box(rich):
    from courseware.render.fit import BULLET_INDENT_PT, height

    prs = Presentation(io.BytesIO(rich[0]))
    for slide in prs.slides:
        for shape in slide.placeholders:
            if shape.has_text_frame and shape.text_frame.text and shape.placeholder_format.idx < 10:  # not the footer
                size = shape.text_frame.paragraphs[0].runs[0].font.size.pt
                box = Box(Emu(shape.width).pt - 14.4, Emu(shape.height).pt - 7.2)
                indent = BULLET_INDENT_PT if shape.placeholder_format.idx == 1 and slide.slide_layout.name == "Title and Content" else 0
                assert height([p.text for p in shape.text_frame.paragraphs], box, size, indent) <= box.height + 0.01, slide.shapes.title.text
        others = [s for s in slide.shapes if not s.is_placeholder]
        body = [s for s in slide.placeholders if s.placeholder_format.idx == 1]
        for shape in others:  # a visual starts under the bullets or beside them, and ends on the slide
            assert all(shape.top >= b.top + b.height or shape.left >= b.left + b.width for b in body) and shape.top + shape.height <= prs.slide_height
