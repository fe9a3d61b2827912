"""The decks' design, read back as a user would: the sample courses built offline, every slide
titled, numbered and footed, the slide kinds where they belong, short bullets, the brand from the
spec, the accessibility basics PowerPoint's checker looks for, and LibreOffice's rendering."""

from __future__ import annotations

import importlib.util
import io
import shutil
import subprocess
from pathlib import Path

import pytest
from PIL import Image
from pptx import Presentation

from conftest import SPECS, run_cli
from samples import copy_samples
from courseware.clause import balanced, key_clause
from courseware.grounding.text import word_count

A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
P = "{http://schemas.openxmlformats.org/presentationml/2006/main}"
COURSES = ("blended-teaching", "describing-data", "evaluation-formative")
TEMPLATE = Path(__file__).parent.parent / "courseware/templates/pptx"


@pytest.fixture(scope="module")
def built(samples) -> Path:
    """The four sample courses built offline in every format (tests/samples.py)."""
    return samples


def decks(built: Path) -> list[Path]:
    return sorted((built / "output").glob("*/dist/*.pptx"))


def placeholder(slide, kind: str):
    return next((s for s in slide.placeholders if s.placeholder_format.type is not None and s.placeholder_format.type.name == kind), None)


def test_every_slide_has_a_unique_title_first_a_number_and_the_footer(built):
    for path in decks(built):
        prs = Presentation(str(path))
        titles = [s.shapes.title.text for s in prs.slides]
        assert all(t.strip() for t in titles) and len(set(t.casefold() for t in titles)) == len(titles), path.name
        footer = None
        for number, slide in enumerate(prs.slides, start=1):
            first = next(iter(slide.shapes._spTree.iter_shape_elms()))
            assert first is slide.shapes.title._element, (path.name, number)  # the reading order starts with the title
            field = placeholder(slide, "SLIDE_NUMBER")._element.find(f".//{A}fld")
            assert field.get("type") == "slidenum" and field.find(f"{A}t").text == str(number)
            footer = placeholder(slide, "FOOTER").text_frame.text
            assert " · " in footer, (path.name, number)
        if path.parent.parent.name == "describing-data":
            assert footer == "Describing Data: A First Course in Statistics · CC-BY-4.0"


def test_the_slide_kinds_are_where_they_belong(built):
    prs = Presentation(str(built / "output/describing-data/dist/describing-data-m1.pptx"))
    layouts = [s.slide_layout.name for s in prs.slides]
    titles = [s.shapes.title.text for s in prs.slides]
    assert layouts[0] == "Title Slide" and titles[0] == "Distributions and Their Centre"
    facts = prs.slides[0].placeholders[1].text_frame.text
    for fact in ("Describing Data: A First Course in Statistics", "Audience: first-year", "Level: Introductory", "License: CC-BY-4.0", "90 minutes"):
        assert fact in facts
    assert layouts.count("Section Header") == 2 and layouts.count("Closing") == 2  # a divider and takeaways per lesson
    assert titles[layouts.index("Closing")] == "Key takeaways · Variables, Frequency Tables and Histograms"
    beside = [s for s in prs.slides if s.slide_layout.name == "Two Content"]
    assert beside and all(any(p.shape_type == 13 for p in s.shapes) for s in beside)  # the histogram, the formula
    quote = next(s for s in prs.slides if s.slide_layout.name == "Key Point")
    assert quote.placeholders[1].text_frame.text == "“The greatest value of a picture is when it forces us to notice what we never expected to see.”"
    assert quote.notes_slide.notes_text_frame.text.startswith("The greatest value of a picture")  # and the passages around it


def test_quiz_slides_show_the_options_on_cards_and_the_answer_only_in_the_notes(built):
    content = built / "output/describing-data/content/m1-l1/quiz.md"
    from courseware.markdown.frontmatter import split
    from courseware.markdown.parse import parse_quiz
    from courseware.render.sanitize import plain

    _, body, first = split(content.read_text("utf-8"), str(content))
    quiz = parse_quiz(body, str(content), first)
    prs = Presentation(str(built / "output/describing-data/dist/describing-data-m1.pptx"))
    slides = [s for s in prs.slides if s.shapes.title.text.startswith("Question ") and "Variables" in s.shapes.title.text]
    assert [s.shapes.title.text for s in slides] == [f"Question {n}/5 · Variables, Frequency Tables and Histograms" for n in range(1, 6)]
    for slide, item in zip(slides, quiz.items):
        cards = [s.text_frame.text for s in slide.shapes if not s.is_placeholder and s.has_text_frame]
        letters = "ABCDE"
        expected = [] if item.kind == "cloze" else [f"{letters[k]}. {plain(o.text)}" for k, o in enumerate(item.options)]
        assert cards == expected
        answer = ", ".join(plain(o.text) for o in item.options if o.correct)
        assert slide.notes_slide.notes_text_frame.text.startswith(f"Correct: {answer}. ")
        shown = " ".join(s.text_frame.text for s in slide.shapes if s.has_text_frame)
        assert "Correct" not in shown


def test_no_bullet_of_the_offline_decks_has_over_15_words(built):
    checked = 0
    for path in decks(built):
        for slide in Presentation(str(path)).slides:
            if slide.slide_layout.name not in ("Title and Content", "Two Content", "Closing") or slide.shapes.title.text.startswith(("Question ", "سؤال")):
                continue
            body = next((s for s in slide.placeholders if s.placeholder_format.idx == 1), None)
            for paragraph in body.text_frame.paragraphs if body is not None else []:
                checked += 1
                assert word_count(paragraph.text) <= 15, (path.name, slide.shapes.title.text, paragraph.text)
    assert checked > 200


def test_the_full_sentences_stay_in_the_speaker_notes(built):
    from courseware.markdown.frontmatter import split
    from courseware.markdown.parse import parse_slides

    path = built / "output/describing-data/content/m1-l2/slides.md"
    _, body, first = split(path.read_text("utf-8"), str(path))
    deck = parse_slides(body, str(path), first)
    cut = [(b, s.notes) for s in deck.slides for b in s.bullets if b.endswith("…") or b.rstrip(".") + "." not in (s.notes or "")]
    assert cut  # some bullets were shortened ...
    for bullet, notes in cut:  # ... and what each was cut from is in its notes
        assert bullet.rstrip("….") in notes


def test_accessibility_basics(built):
    for path in decks(built):
        prs = Presentation(str(path))
        language = prs.core_properties.language
        default = prs.part._element.find(f"{P}defaultTextStyle/{A}lvl1pPr/{A}defRPr")
        assert default.get("lang") == language
        for slide in prs.slides:
            for picture in (s for s in slide.shapes if s.shape_type == 13):
                assert picture._element.nvPicPr.cNvPr.get("descr"), (path.name, slide.shapes.title.text)
            for shape in slide.shapes:
                for paragraph in shape.text_frame.paragraphs if shape.has_text_frame else []:
                    assert all(r._r.find(f"{A}rPr").get("lang") == language for r in paragraph.runs)


def test_the_arabic_deck_reads_right_to_left_with_arabic_fonts(built):
    prs = Presentation(str(built / "output/taallum-mudmaj/dist/taallum-mudmaj.pptx"))
    from pptx.opc.constants import RELATIONSHIP_TYPE as RT

    theme = prs.slide_master.part.part_related_by(RT.THEME).blob.decode()
    assert '<a:cs typeface="Noto Sans Arabic"/>' in theme and '<a:font script="Arab" typeface="Noto Sans Arabic"/>' in theme
    for slide in prs.slides:
        footer = placeholder(slide, "FOOTER").text_frame.paragraphs[0]
        assert footer._p.find(f"{A}pPr").get("rtl") == "1"
    cards = [s for slide in prs.slides for s in slide.shapes if s.shape_type == 1]  # the quiz options
    assert cards and all(p._p.find(f"{A}pPr").get("rtl") == "1" for c in cards for p in c.text_frame.paragraphs)
    assert prs.slides[-1].shapes.title.text == "أهم النقاط · التقويم التكويني مع ضعف الاتصال"


# Brand --------------------------------------------------------------------------------------------


def branded(built: Path, tmp_path: Path, brand: str) -> tuple[Path, object]:
    shutil.copytree(SPECS, tmp_path / "course_specs")
    Image.new("RGB", (300, 100), (200, 30, 60)).save(tmp_path / "course_specs/logo.png")
    spec = tmp_path / "course_specs/describing-data.yaml"
    spec.write_text(spec.read_text("utf-8") + brand, "utf-8")
    copy_samples(built / "output/describing-data/content", tmp_path / "output/describing-data/content")
    return spec, run_cli("render", spec, "--output", tmp_path / "output", "--formats", "pptx")


def test_brand_colours_and_logo_apply_without_editing_the_template(built, tmp_path):
    from pptx.opc.constants import RELATIONSHIP_TYPE as RT

    before = (TEMPLATE / "template.pptx").read_bytes()
    spec, result = branded(built, tmp_path, "brand: {logo: logo.png, logo_alt: Stats Lab, colors: ['#7B1E3A', 'ffb000']}\n")
    assert result.exit_code == 0, result.stderr
    prs = Presentation(str(tmp_path / "output/describing-data/dist/describing-data.pptx"))
    theme = prs.slide_master.part.part_related_by(RT.THEME).blob.decode()
    assert '<a:accent1><a:srgbClr val="7B1E3A"/></a:accent1>' in theme and '<a:accent2><a:srgbClr val="FFB000"/></a:accent2>' in theme
    for slide in prs.slides:
        logos = [s for s in slide.shapes if s.shape_type == 13 and s._element.nvPicPr.cNvPr.get("descr") == "Stats Lab"]
        assert logos and all(abs(s.width / s.height - 3) < 0.01 for s in logos)
    assert (TEMPLATE / "template.pptx").read_bytes() == before


@pytest.mark.parametrize("brand, message", [
    ("brand: {colors: [navy]}\n", "brand.colors[0]: 'navy' is not a colour; write it as six hex digits, e.g. '#1B6CA8'"),
    ("brand: {logo: ../logo.png}\n", "brand.logo: file '../logo.png' lies outside the spec's folder; move it under course_specs/"),
    ("brand: {logo: missing.png}\n", "brand.logo: no file 'missing.png' beside the spec; put the logo there or remove the key"),
    ("brand: {colour: [\"#000000\"]}\n", "brand.colour: unknown key 'colour'; did you mean 'colors'?"),
])
def test_a_bad_brand_is_a_located_spec_error(built, tmp_path, brand, message):
    spec, result = branded(built, tmp_path, brand)
    assert result.exit_code == 1
    line = len(spec.read_text("utf-8").splitlines())
    assert result.stderr.startswith(f"{spec}:{line}:") and message in result.stderr and len(result.stderr.splitlines()) == 1, result.stderr
    assert not (tmp_path / "output/describing-data/dist").exists()


# LibreOffice ------------------------------------------------------------------------------------


def test_libreoffice_shows_the_design(built, tmp_path):
    deck = built / "output/describing-data/dist/describing-data-m1.pptx"
    result = subprocess.run(
        ["soffice", f"-env:UserInstallation=file://{tmp_path}/lo", "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path), str(deck)],
        capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 0, result.stderr
    pdf = tmp_path / "describing-data-m1.pdf"
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert int(next(line for line in info.splitlines() if line.startswith("Pages:")).split()[1]) == len(Presentation(str(deck)).slides)
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert "NotoSans" in fonts  # the theme's font, the footer's included
    text = subprocess.run(["pdftotext", "-f", "4", "-l", "4", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "Describing Data: A First Course in Statistics · CC-BY-4.0" in text and "\n4\n" in f"\n{text}"
    subprocess.run(["pdftoppm", "-r", "20", "-f", "1", "-l", "1", "-png", str(pdf), str(tmp_path / "cover")], check=True)
    (cover,) = tmp_path.glob("cover*.png")
    with Image.open(cover) as image:  # the title slide is the theme's primary blue, not white
        red, green, blue = image.convert("RGB").getpixel((image.width // 2, image.height // 8))
    assert blue > 120 and red < 80


# The template and the key clause ------------------------------------------------------------------


def test_the_template_is_made_reproducibly_by_make_template(tmp_path):
    spec = importlib.util.spec_from_file_location("make_template", TEMPLATE / "make_template.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.main(tmp_path / "template.pptx")
    assert (tmp_path / "template.pptx").read_bytes() == (TEMPLATE / "template.pptx").read_bytes()
    layouts = [layout.name for layout in Presentation(str(tmp_path / "template.pptx")).slide_layouts]
    assert {"Title Slide", "Title and Content", "Section Header", "Two Content", "Key Point", "Closing"} <= set(layouts)


def test_key_clause_keeps_short_text_and_cuts_at_a_clause_boundary():
    assert key_clause("A short bullet stays as it is.") == "A short bullet stays as it is."
    long = "The **median** is the middle value of the data once they are sorted: half of the observations lie at or below it and half above."
    assert key_clause(long) == "The **median** is the middle value of the data once they are sorted."
    aside = "The range (the largest value minus the smallest value) is easy to compute and to explain to anyone at all."
    assert key_clause(aside) == "The range is easy to compute and to explain to anyone at all."
    run_on = " ".join(["word"] * 30)
    assert key_clause(run_on) == " ".join(["word"] * 14) + "…"
    math = "For $n$ values $x_1, x_2, x_3, x_4, x_5, x_6, x_7, x_8$ the sample mean is written with a bar over the letter"
    cut = key_clause(math)
    assert balanced(cut) and word_count(cut) <= 15 and "$x_1, x_2" in cut
    assert key_clause("التعلم المدمج يجمع بين التدريس وجهًا لوجه والتعلم عبر الإنترنت، ويمنح الطلاب مرونة في الوقت والمكان وفي طريقة الوصول إلى المحتوى كل يوم.") == "التعلم المدمج يجمع بين التدريس وجهًا لوجه والتعلم عبر الإنترنت."
