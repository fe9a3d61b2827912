"""The PDF reader on a PDF printed by a browser: headings with their pages (from the bookmarks,
or from the type sizes when there are none), paragraphs rebuilt from lines, lists, a table, a
figure with its alt text, columns in order, running headers and footers gone; and the one-line
errors a user gets for a PDF that cannot be read."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pdfplumber
import pypdf
import pytest
from PIL import Image

from courseware.content.blocks import Figure, ListBlock, Paragraph, Table
from courseware.grounding.sources import SourceDocument
from courseware.readers import reader_for
from courseware.readers.base import Heading
from courseware.readers.pdf import PdfReader
from courseware.readers.pdf_headings import sensible_title
from source_fixtures import pdf as fixture


@pytest.fixture(scope="session")
def printed(tmp_path_factory) -> dict:
    """The fixture printed once per session, with bookmarks and without."""
    folder = tmp_path_factory.mktemp("pdf")
    return {"outlined": fixture.make(folder), "plain": fixture.make(folder, outline=False)}


def read(path):
    return PdfReader().read(path.read_bytes())


def blocks(document, kind):
    return [p.item for p in document.pieces if isinstance(p.item, kind)]


@pytest.mark.parametrize("kind", ["outlined", "plain"])
def test_headings_come_with_their_levels_and_pages_from_the_bookmarks_or_the_type_sizes(printed, kind):
    outline = pypdf.PdfReader(printed[kind]).outline
    assert bool(outline) == (kind == "outlined")  # the two fixtures differ where they should
    document = read(printed[kind])
    headings = [(p.item.level, p.item.text, p.page) for p in document.pieces if isinstance(p.item, Heading)]
    assert headings == [(1, fixture.TITLE, 1), *fixture.HEADINGS]
    assert document.title == fixture.TITLE


@pytest.mark.parametrize("kind", ["outlined", "plain"])
def test_paragraphs_are_rebuilt_from_lines_with_end_of_line_hyphens_undone_and_bold_terms_kept(printed, kind):
    with pdfplumber.open(printed[kind]) as pdf:
        raw = "\n".join(page.extract_text() for page in pdf.pages)
    assert raw.count("\u2010\n") >= 3  # words really break at line ends in the fixture
    assert [b.text for b in blocks(read(printed[kind]), Paragraph)] == fixture.PARAGRAPHS


def test_two_columns_are_read_one_after_the_other(printed):
    texts = [b.text for b in blocks(read(printed["outlined"]), Paragraph)]
    # Side by side on page 3: read line by line across, they would interleave.
    assert texts[-2:] == fixture.PARAGRAPHS[-2:]


def test_bulleted_and_numbered_lists_are_lists(printed):
    lists = blocks(read(printed["outlined"]), ListBlock)
    assert [(b.ordered, [i.text for i in b.items]) for b in lists] == [(False, fixture.BULLETS), (True, fixture.STEPS)]


def test_a_ruled_table_is_a_table_with_its_header_row(printed):
    document = read(printed["outlined"])
    (table,) = blocks(document, Table)
    assert (table.header, table.rows) == fixture.TABLE
    assert [p.page for p in document.pieces if p.item is table] == [2]
    # Its cells are not read again as text lines.
    assert not any("Amazon basin" in b.text for b in blocks(document, Paragraph))


def test_the_image_is_a_figure_with_its_alt_text_and_caption_and_its_bytes_in_media(printed):
    document = read(printed["outlined"])
    (figure,) = blocks(document, Figure)
    assert (figure.src, figure.alt, figure.caption) == ("page-3-image-1.png", fixture.ALT, fixture.CAPTION)
    assert [p.page for p in document.pieces if p.item is figure] == [3]
    assert list(document.media) == ["page-3-image-1.png"]
    image = Image.open(io.BytesIO(document.media["page-3-image-1.png"]))
    assert (image.format, image.size) == ("PNG", (240, 160))
    assert not any(b.text.startswith("Figure 1") for b in blocks(document, Paragraph))  # the caption is the figure's


def test_running_header_footer_and_page_numbers_reach_no_passage_and_every_passage_has_its_page(printed):
    data = printed["outlined"].read_bytes()
    passages = SourceDocument("sources/water-cycle.pdf", data, len(data), printed["outlined"]).passages()
    assert len(passages) == 11
    assert all(p.page in (1, 2, 3) for p in passages)
    for passage in passages:
        assert fixture.HEADER not in passage.text and "Page " not in passage.text and " of 3" not in passage.text
    assert {p.section for p in passages} == {text for _, text, _ in fixture.HEADINGS}
    assert passages[0].reference.text == "sources/water-cycle.pdf § Evaporation and Condensation, p. 1"


def test_a_pdf_whose_password_is_empty_is_read(printed, tmp_path):
    writer = pypdf.PdfWriter(clone_from=str(printed["outlined"]))
    writer.encrypt("", "owner-secret", algorithm="AES-128")
    buffer = io.BytesIO()
    writer.write(buffer)
    assert pypdf.PdfReader(io.BytesIO(buffer.getvalue())).is_encrypted
    assert [b.text for b in blocks(PdfReader().read(buffer.getvalue()), Paragraph)] == fixture.PARAGRAPHS


def test_the_pdf_reader_is_the_one_for_pdf_files_whatever_the_case_of_the_ending():
    assert isinstance(reader_for("sources/Chapter 3.PDF"), PdfReader)


def test_a_tool_s_placeholder_is_no_title():
    assert [sensible_title(t) for t in ("Microsoft Word - ch3.docx", "untitled", "slides.pptx", " The  Water Cycle ", None)] == ["", "", "", "The Water Cycle", ""]


# The CLI on a course whose one source is a PDF it cannot read: exit 1, one line, no traceback.
SPEC = (
    "course: {id: c, title: Water, language: en, audience: a}\nobjectives: [{id: O1, text: Explain}]\n"
    "modules: [{id: m, title: Water, lessons: [{id: l1, title: Water, objectives: [O1], key_points: [water evaporates]}]}]\n"
    "sources: [sources/x.pdf]\n"
)


def _truncated(good: bytes) -> bytes:
    return good[: len(good) // 2]


def _locked(good: bytes) -> bytes:
    writer = pypdf.PdfWriter(clone_from=io.BytesIO(good))
    writer.encrypt("secret", algorithm="AES-128")
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def _scanned(good: bytes) -> bytes:
    buffer = io.BytesIO()  # Pillow writes a PDF that is one picture of a page: no text in it
    Image.new("RGB", (600, 800), "white").save(buffer, "PDF")
    return buffer.getvalue()


def _damaged(good: bytes) -> bytes:
    return good[:-300] + b"garbage where the cross-reference table ended\n%%EOF\n"


def _html(good: bytes) -> bytes:
    return b"<!doctype html><html><body><p>Saved from the browser with the wrong ending.</p></body></html>"


@pytest.mark.parametrize(("make", "message"), [
    (_truncated, "the PDF is cut short (it does not end with %%EOF); download or export it again"),
    (_locked, "the PDF is locked with a password; save a copy without the password and use that"),
    (_scanned, "has no text layer (a scan?); run OCR on it first (for example with ocrmypdf), or use its text as markdown"),
    (_damaged, "the PDF is damaged (PdfReadError: startxref not found); download or export it again"),
    (_html, "not a PDF (it does not begin with %PDF-); export it as PDF again, or give it its real file ending"),
])
def test_a_pdf_that_cannot_be_read_is_one_located_line_from_the_cli(cli, printed, tmp_path, monkeypatch, make, message):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "sources").mkdir()
    (tmp_path / "sources" / "x.pdf").write_bytes(make(printed["outlined"].read_bytes()))
    (tmp_path / "c.yaml").write_text(SPEC, "utf-8")
    result = cli("build", "c.yaml", "--provider", "offline")
    assert (result.exit_code, result.stderr) == (1, f"sources/x.pdf: {message}\n")
    assert not (tmp_path / "output").exists()  # nothing half-written


def test_a_drawn_pdf_without_bookmarks_or_tags_is_read_from_its_type(tmp_path):
    document = PdfReader().read(fixture.drawn(tmp_path).read_bytes())
    assert [(p.page, p.item) for p in document.pieces] == [
        (1, Heading(1, "Soil and Water")),
        (1, Heading(2, "Why soil matters")),  # a short line all in bold
        (1, Paragraph(text="Soil holds water like a sponge, and a well-known example is peat, which keeps the waterlogged "
                           "ground wet all year round. A well-known rule says that clay drains slowly.")),
        (1, ListBlock(items=[{"text": "Sand drains fast."}, {"text": "Clay holds water and swells when it is wet."}])),
        (1, Figure(src="page-1-image-1.png", alt="An image on page 1 (the PDF gives no description of it)")),
        (2, Paragraph(text="Roots hold the soil in place.")),
    ]
    assert document.title == "Soil and Water"  # not the metadata's "Microsoft Word - soil.docx"
    assert list(document.media) == ["page-1-image-1.png"]  # the 20 px image is left out


def test_a_pdf_damaged_inside_is_one_line_without_the_libraries_own_warnings(printed, tmp_path):
    good = printed["outlined"].read_bytes()
    (tmp_path / "sources").mkdir()
    # Objects overwritten in the middle: pypdf and pdfminer log what they repair before a page
    # fails. A real process, as a user runs it: their loggers would write to its stderr.
    (tmp_path / "sources" / "x.pdf").write_bytes(good[:2000] + b"\0" * 5000 + good[7000:])
    (tmp_path / "c.yaml").write_text(SPEC, "utf-8")
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent)}
    result = subprocess.run([sys.executable, "-m", "courseware", "build", "c.yaml", "--provider", "offline"],
                            cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 1
    assert len(result.stderr.splitlines()) == 1, result.stderr
    assert result.stderr.startswith("sources/x.pdf: ") and result.stderr.endswith(" is damaged; download or export it again\n"), result.stderr
