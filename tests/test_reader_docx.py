"""The Word reader: a .docx that LibreOffice saved read into headings, blocks, footnotes and
embedded images; comments and tracked deletions never reach a passage; a damaged, protected or
foreign file is a one-line error."""

from __future__ import annotations

import io
import re
import zipfile

import pytest
import yaml

from courseware.content.blocks import Callout, Code, Figure, ListBlock, ListItem, Paragraph, Table, texts
from courseware.grounding.sources import SourceDocument
from courseware.readers import SourceUnreadable, reader_for
from courseware.readers.base import BOX, INSTRUCTOR, NARRATIVE, Heading, Piece
from courseware.readers.docx import DocxReader

from source_fixtures import docx as fixture
from source_fixtures.html import png

P = Paragraph


@pytest.fixture(scope="module")
def data() -> bytes:
    return fixture.docx()  # LibreOffice runs once a session (functools.cache)


def edited(data: bytes, change) -> bytes:
    """The .docx with its word/document.xml passed through `change`."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for entry in source.infolist():
            body = source.read(entry)
            target.writestr(entry, change(body.decode("utf-8")).encode("utf-8") if entry.filename == "word/document.xml" else body)
    return out.getvalue()


def test_the_handout_reads_as_headings_blocks_footnotes_and_its_image(data):
    assert reader_for(fixture.NAME).label == "Word document"
    document = DocxReader().read(data)
    assert document.title == "Volcanoes"
    assert document.media == {"image-1.png": png()}
    assert document.pieces == [
        Piece(Heading(1, "Volcanoes")),
        Piece(Heading(1, "How volcanoes form")),
        Piece(P(text="A **volcano** is an opening in the crust of the Earth through which molten rock escapes. Below the surface the molten rock is called magma; once it reaches the surface it is called lava.")),
        Piece(Callout(style="note", blocks=[P(text="Definitions after the Global Volcanism Program, 2024.")]), role=BOX),
        Piece(P(text="Most volcanoes stand where **tectonic plates** meet. Where one plate sinks beneath another, the rock melts and the magma rises through cracks in the crust.")),
        Piece(P(text="Some volcanoes grow far from any plate boundary, above a **hotspot** where hot rock rises from deep in the mantle, as under the islands of Hawaii.")),
        Piece(ListBlock(items=[ListItem(text="Magma rises because it is lighter than the rock around it."), ListItem(text="Gas dissolved in the magma drives eruptions.")])),
        Piece(Figure(src="image-1.png", alt=fixture.ALT, caption="A volcano in eruption.")),
        Piece(Heading(2, "Kinds of eruption")),
        Piece(P(text="Runny lava flows far and builds broad **shield volcanoes**, while thick, sticky magma traps gas until it explodes and builds steep cones.")),
        Piece(Table(header=["Kind", "Lava", "Example"], rows=[["Effusive", "runny", "Kilauea"], ["Explosive", "sticky", "Mount St Helens"]])),
        Piece(Heading(1, "Staying safe")),
        Piece(P(text="Scientists watch active volcanoes for warning signs. A swarm of small earthquakes or a bulge in the ground can mean that magma is moving, and an **evacuation plan** tells people where to go.")),
        Piece(P(text="A seismometer near the crater logs the tremor every ten minutes:")),
        Piece(Code(code="08:00  tremor 0.2\n08:10  tremor 0.9")),
        Piece(ListBlock(ordered=True, items=[ListItem(text="Listen to the local authorities."), ListItem(text="Leave the area by the planned route."), ListItem(text="Protect your lungs from the ash.")])),
        Piece(Callout(style="tip", blocks=[P(text="Keep a dust mask and a torch in your emergency bag.")]), role=BOX),
        Piece(Callout(style="note", blocks=[P(text="Show the class a short video of a lava flow before the reading, and pause it at the first explosion.")]), role=INSTRUCTOR),
    ]
    assert all(p.page is None and p.slide is None and p.line == 0 for p in document.pieces)


def test_passages_have_sections_and_no_comment_deletion_contents_or_footnote_marker(tmp_path):
    path = fixture.make(tmp_path)
    source = SourceDocument(path.name, path.read_bytes(), path.stat().st_size, path)
    passages = source.passages()
    assert [(p.trail, p.role, p.block.kind) for p in passages] == [
        *[(("How volcanoes form",), role, kind) for role, kind in [(NARRATIVE, "paragraph"), (BOX, "callout"), (NARRATIVE, "paragraph"), (NARRATIVE, "paragraph"), (NARRATIVE, "list"), (NARRATIVE, "figure")]],
        *[(("How volcanoes form", "Kinds of eruption"), NARRATIVE, kind) for kind in ("paragraph", "table")],
        *[(("Staying safe",), role, kind) for role, kind in [(NARRATIVE, "paragraph"), (NARRATIVE, "paragraph"), (NARRATIVE, "code"), (NARRATIVE, "list"), (BOX, "callout")]],
    ]
    assert source.images == ()  # the picture is embedded, in media: not a file beside the document
    words = " ".join(t for p in source.document.pieces if not isinstance(p.item, Heading) for t in texts(p.item))
    for absent in (fixture.COMMENT, "Reviewer", fixture.DELETED, "always dangerous", "[1]", "↑", "Contents", "form\t1"):
        assert absent not in words


def test_without_a_title_paragraph_the_title_is_the_documents_property(data):
    document = DocxReader().read(edited(data, lambda xml: re.sub(r'<w:pStyle w:val="Title"/>', "", xml)))
    assert document.title == "Volcanoes handout"
    assert document.pieces[:2] == [Piece(P(text="Volcanoes")), Piece(Heading(1, "How volcanoes form"))]


def test_an_image_without_a_description_gets_an_honest_alt_text(data):
    document = DocxReader().read(edited(data, lambda xml: re.sub(r' descr="[^"]*"| title="[^"]*"', "", xml)))
    [figure] = [p.item for p in document.pieces if isinstance(p.item, Figure)]
    assert (figure.alt, figure.caption) == ("A volcano in eruption.", "A volcano in eruption.")  # the caption stands in
    bare = DocxReader().read(edited(data, lambda xml: re.sub(r' descr="[^"]*"| title="[^"]*"', "", xml).replace("A volcano in eruption.", "")))
    [figure] = [p.item for p in bare.pieces if isinstance(p.item, Figure)]
    assert (figure.alt, figure.caption) == ("Image 1 of the document (it has no description)", None)


def archive(**entries: bytes) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for name, body in entries.items():
            target.writestr(name.replace("__", "/"), body)
    return out.getvalue()


@pytest.mark.parametrize("bad, message", [
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(500), "is password-protected or an old Word 97-2003 file; save an unprotected copy as .docx (Word document)"),
    (archive(content__xml=b"<x/>"), "is a zip file without word/document.xml, not a Word document; save it from Word or LibreOffice as .docx"),
    (b"Plain words in a file called .docx", "is not a Word document (not a complete zip file: damaged or cut short?); open it in Word or LibreOffice and save it again as .docx"),
])
def test_a_file_that_is_no_word_document_says_what_to_do(bad, message):
    with pytest.raises(SourceUnreadable) as raised:
        DocxReader().read(bad)
    assert raised.value.detail == message


def test_a_docx_with_damaged_bytes_inside_is_no_complete_zip(data):
    damaged = bytearray(data)
    start = damaged.find(b"word/document.xml") + 200  # inside the compressed text of the document
    damaged[start : start + 50] = bytes(b ^ 0x55 for b in damaged[start : start + 50])
    with pytest.raises(SourceUnreadable) as raised:
        DocxReader().read(bytes(damaged))
    assert raised.value.detail == "is not a Word document (not a complete zip file: damaged or cut short?); open it in Word or LibreOffice and save it again as .docx"


def test_a_document_xml_that_is_not_xml_is_a_damaged_document(data):
    with pytest.raises(SourceUnreadable) as raised:
        DocxReader().read(edited(data, lambda xml: xml[: len(xml) // 2]))
    assert raised.value.detail.startswith("is a damaged Word document (")
    assert raised.value.detail.endswith("); open it in Word or LibreOffice and save it again")


def test_a_truncated_docx_is_a_one_line_error_from_the_cli(cli, data, tmp_path, monkeypatch):
    (tmp_path / "sources").mkdir()
    (tmp_path / "sources" / "handout.docx").write_bytes(data[: len(data) // 2])
    spec = {
        "course": {"id": "t", "title": "T", "language": "en", "audience": "testers"},
        "sources": ["sources/handout.docx"],
        "objectives": [{"id": "LO1", "text": "Explain the topic"}],
        "modules": [{"id": "m1", "title": "M", "lessons": [{"id": "l1", "title": "L", "objectives": ["LO1"], "key_points": ["volcanoes"]}]}],
        "outputs": ["markdown"],
    }
    (tmp_path / "course.yaml").write_text(yaml.safe_dump(spec), "utf-8")
    monkeypatch.chdir(tmp_path)
    result = cli("build", "course.yaml", "--provider", "offline", "--output", "out")
    assert (result.exit_code, result.stderr) == (1, "sources/handout.docx: is not a Word document (not a complete zip file: damaged or cut short?); open it in Word or LibreOffice and save it again as .docx\n")
    assert not (tmp_path / "out").exists()
