"""The PPTX decks, reopened with python-pptx and converted by LibreOffice."""

from __future__ import annotations

import io
import os
import resource
import shutil
import struct
import subprocess
import sys
import time
import zipfile
import zlib
from pathlib import Path

import pytest
from pptx import Presentation

from conftest import SPECS, run_cli
from samples import copy_samples
from courseware.markdown.frontmatter import split
from courseware.markdown.parse import parse_quiz, parse_slides
from courseware.render.fit import BULLET_INDENT_PT, Box, fits, height, pages, points
from courseware.render.pptx import stacked
from courseware.render.sanitize import plain

A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"


@pytest.fixture(scope="module")
def decks(samples) -> Path:
    """The sample courses' output folder (tests/samples.py): blended-teaching and the Arabic course are read here."""
    return samples / "output"


def read(path: Path, parse):
    front, body, first = split(path.read_text("utf-8"), str(path))
    return parse(body, str(path), first)


def texts(shape) -> list[str]:
    return [p.text for p in shape.text_frame.paragraphs if p.text]


def test_one_deck_per_module_and_one_for_the_course(decks):
    assert sorted(p.name for p in (decks / "blended-teaching/dist").glob("*.pptx")) == [
        "blended-teaching-m1.pptx", "blended-teaching-m2.pptx", "blended-teaching-m3.pptx", "blended-teaching.pptx",
    ]


def test_deck_matches_the_markdown(decks):
    content = decks / "blended-teaching/content"
    prs = Presentation(str(decks / "blended-teaching/dist/blended-teaching-m1.pptx"))
    slides = list(prs.slides)
    assert slides[0].shapes.title.text == "Foundations of Blended Design"  # the module's title
    assert slides[1].shapes.title.text == "Learning objectives"
    assert prs.core_properties.title == slides[0].shapes.title.text and prs.core_properties.language == "en"
    position = 2
    for lesson_id in ("m1-l1", "m1-l2", "m1-l3"):
        deck = read(content / lesson_id / "slides.md", parse_slides)
        quiz = read(content / lesson_id / "quiz.md", parse_quiz)
        assert slides[position].shapes.title.text == plain(deck.title)  # the lesson's section slide
        position += 1
        for outline in deck.slides:
            slide = slides[position]
            assert slide.shapes.title.text == plain(outline.title)
            body = next(s for s in slide.placeholders if s.placeholder_format.idx == 1)
            assert texts(body) == [plain(b) for b in outline.bullets]
            assert slide.notes_slide.notes_text_frame.text == plain(outline.notes)
            position += 1
        for n, item in enumerate(quiz.items, start=1):
            slide = slides[position]
            assert slide.shapes.title.text == f"Question {n}/{len(quiz.items)} · {plain(deck.title)}"  # unique in the deck
            answer = ", ".join(plain(o.text) for o in item.options if o.correct)
            assert slide.notes_slide.notes_text_frame.text.startswith(f"Correct: {answer}. ")
            position += 1
        closing = slides[position]  # the lesson's key takeaways close it
        assert closing.shapes.title.text == f"Key takeaways · {plain(deck.title)}" and closing.slide_layout.name == "Closing"
        position += 1
    assert position == len(slides)


def test_every_content_slide_has_notes_and_fits(decks):
    for path in (decks / "blended-teaching/dist").glob("*.pptx"):
        prs = Presentation(str(path))
        for k, slide in enumerate(prs.slides):
            for shape in slide.placeholders:
                if not shape.has_text_frame or not shape.text_frame.text or shape.placeholder_format.idx >= 10:
                    continue  # the footer and the number: one short line in the layout's size
                paragraphs = [p.text for p in shape.text_frame.paragraphs]
                sizes = [p.runs[0].font.size.pt for p in shape.text_frame.paragraphs]
                box = Box(points(shape.width) - 14.4, points(shape.height) - 7.2)
                bulleted = shape.text_frame.paragraphs[0]._p.find(f"{A}pPr/{A}buNone") is None  # a quiz question has none
                indent = BULLET_INDENT_PT if shape.placeholder_format.idx == 1 and slide.slide_layout.name == "Title and Content" and bulleted else 0
                if len(set(sizes)) > 1:  # the title slide's facts: a size per line
                    assert stacked(paragraphs, sizes, box) <= box.height, (path.name, k, paragraphs)
                else:
                    assert height(paragraphs, box, sizes[0], indent) <= box.height, (path.name, k, paragraphs)
            if slide.slide_layout.name == "Title and Content" and k > 1:
                assert slide.has_notes_slide and slide.notes_slide.notes_text_frame.text, (path.name, k)


def test_language_and_right_to_left_runs(decks):
    prs = Presentation(str(decks / "taallum-mudmaj/dist/taallum-mudmaj.pptx"))
    runs = [r for slide in prs.slides for shape in slide.shapes if shape.has_text_frame for p in shape.text_frame.paragraphs for r in p.runs]
    assert runs and all(r._r.find(f"{A}rPr").get("lang") == "ar" for r in runs)
    paragraphs = [p for slide in prs.slides for shape in slide.shapes if shape.has_text_frame for p in shape.text_frame.paragraphs if p.runs]
    assert all(p._p.find(f"{A}pPr").get("rtl") == "1" for p in paragraphs)


def test_rebuild_is_byte_identical(decks, tmp_path):
    shutil.copytree(SPECS, tmp_path / "course_specs")
    out = copy_samples(decks / "blended-teaching", tmp_path / "output/blended-teaching").parent
    spec = tmp_path / "course_specs/blended-teaching.yaml"
    first = {p.name: p.read_bytes() for p in (decks / "blended-teaching/dist").glob("*.pptx")}
    time.sleep(1.1)  # a zip or document date taken from the clock would now differ
    shutil.rmtree(out / "blended-teaching/dist")
    assert run_cli("render", spec, "--output", out, "--formats", "pptx").exit_code == 0
    assert {p.name: p.read_bytes() for p in (out / "blended-teaching/dist").glob("*.pptx")} == first


def test_libreoffice_converts_every_deck_with_a_page_per_slide(decks, tmp_path):
    files = sorted((decks / "blended-teaching/dist").glob("*.pptx")) + sorted((decks / "taallum-mudmaj/dist").glob("*.pptx"))
    result = subprocess.run(
        ["soffice", f"-env:UserInstallation=file://{tmp_path}/lo", "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path), *map(str, files)],
        capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 0, result.stderr
    for deck in files:
        pdf = tmp_path / (deck.stem + ".pdf")
        info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
        pages_line = next(line for line in info.splitlines() if line.startswith("Pages:"))
        assert int(pages_line.split()[1]) == len(Presentation(str(deck)).slides), deck.name


def test_missing_layout_is_a_clear_error(decks, tmp_path):
    shutil.copytree(SPECS, tmp_path / "course_specs")
    template = Presentation(str(Path(__file__).parent.parent / "courseware/templates/pptx/template.pptx"))
    for layout in template.slide_layouts:
        if layout.name == "Section Header":
            layout._element.cSld.set("name", "Divider")
    (tmp_path / "course_specs/my-look/pptx").mkdir(parents=True)
    template.save(str(tmp_path / "course_specs/my-look/pptx/template.pptx"))
    spec = tmp_path / "course_specs/blended-teaching.yaml"
    spec.write_text(spec.read_text("utf-8") + "templates: my-look\n", "utf-8")
    copy_samples(decks / "blended-teaching/content", tmp_path / "output/blended-teaching/content")
    assert run_cli("templates", "approve", spec).exit_code == 0
    result = run_cli("render", spec, "--output", tmp_path / "output", "--formats", "pptx")
    assert result.exit_code == 1
    assert result.stderr == f"{tmp_path}/course_specs/my-look/pptx/template.pptx: the template has no slide layout named 'Section Header'; add it in PowerPoint (View > Slide Master) or start from the pptx/template.pptx that 'courseware templates copy DIR' writes\n"


def test_long_outlines_are_split_by_rule():
    box = Box(width=700, height=300)
    bullets = [f"Bullet {n} " + "word " * 30 for n in range(12)]
    chunks = pages(bullets, box, (24.0, 20.0, 18.0, 16.0))
    assert len(chunks) > 1 and [b for chunk, _ in chunks for b in chunk] == bullets
    assert all(fits(chunk, box, size, BULLET_INDENT_PT) for chunk, size in chunks)
    assert pages(["short", "points"], box, (24.0, 20.0)) == [(["short", "points"], 24.0)]
    giant = ["word " * 2000]
    assert all(fits(chunk, box, size, BULLET_INDENT_PT) for chunk, size in pages(giant, box, (24.0, 16.0)))


def test_linear_part_naming_gives_the_same_deck_as_python_pptx(tmp_path, monkeypatch):
    import sys

    sys.path.insert(0, str(Path(__file__).parent.parent / "bench"))
    import courseware.render.pptx as renderer
    from courseware.render.templates import BUILT_IN
    from synthetic import course_with_slides

    course = course_with_slides(tmp_path, lessons=6)
    ours = renderer.Deck(course, BUILT_IN / "pptx/template.pptx", "Deck", course.lessons, sections=False).build()
    monkeypatch.setattr(renderer, "_linear", lambda prs: None)
    theirs = renderer.Deck(course, BUILT_IN / "pptx/template.pptx", "Deck", course.lessons, sections=False).build()
    assert ours == theirs and len(Presentation(io.BytesIO(ours)).slides) == 74  # 68, and each lesson's takeaways


# Templates that are not what they claim ---------------------------------------------------------

MIB = 1 << 20
FIX = "save it from PowerPoint or LibreOffice as a .pptx, or start from the pptx/template.pptx that 'courseware templates copy DIR' writes"


def own_template(decks: Path, root: Path, data: bytes) -> tuple[Path, Path]:
    """A copy of the sample course whose spec names its own template folder holding `data` as
    pptx/template.pptx; (the spec, the template)."""
    shutil.copytree(SPECS, root / "course_specs")
    template = root / "course_specs/my-look/pptx/template.pptx"
    template.parent.mkdir(parents=True)
    template.write_bytes(data)
    spec = root / "course_specs/blended-teaching.yaml"
    spec.write_text(spec.read_text("utf-8") + "templates: my-look\n", "utf-8")
    copy_samples(decks / "blended-teaching/content", root / "output/blended-teaching/content")
    assert run_cli("templates", "approve", spec).exit_code == 0  # reviewed: what is left to refuse is the file itself
    return spec, template


def deflated_zeros(size: int) -> tuple[bytes, int]:
    """(raw deflate data, CRC-32) of `size` zero bytes (a whole number of MiB), made in well under a
    second: after a full flush the compressor starts afresh, so every MiB compresses to the same bytes."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    block = compressor.compress(bytes(MIB)) + compressor.flush(zlib.Z_FULL_FLUSH)
    crc, zeros = 0, bytes(MIB)
    for _ in range(size // MIB):
        crc = zlib.crc32(zeros, crc)
    return block * (size // MIB) + compressor.flush(), crc


def zip_of(entries: list[tuple[str, bytes, int, int]]) -> bytes:
    """A zip written by hand from (name, raw deflate data, CRC-32, size) entries, so that an entry can
    declare more than we would ever hold in memory."""
    out, directory = io.BytesIO(), io.BytesIO()
    for name, data, crc, size in entries:
        offset, encoded = out.tell(), name.encode()
        out.write(struct.pack("<4s5H3L2H", b"PK\x03\x04", 20, 0, 8, 0, 33, crc, len(data), size, len(encoded), 0) + encoded + data)
        directory.write(struct.pack("<4s6H3L5H2L", b"PK\x01\x02", 20, 20, 0, 8, 0, 33, crc, len(data), size, len(encoded), 0, 0, 0, 0, 0, offset) + encoded)
    start, listing = out.tell(), directory.getvalue()
    out.write(listing + struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, len(entries), len(entries), len(listing), start, 0))
    return out.getvalue()


def bomb(zeros: int) -> bytes:
    """The built-in template plus one media entry of `zeros` zero bytes: a valid PPTX and a zip bomb."""
    entries = []
    with zipfile.ZipFile(Path(__file__).parent.parent / "courseware/templates/pptx/template.pptx") as template:
        for info in template.infolist():
            data = template.read(info)
            compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
            entries.append((info.filename, compressor.compress(data) + compressor.flush(), zlib.crc32(data), len(data)))
    return zip_of([*entries, ("ppt/media/zeros.bin", *deflated_zeros(zeros), zeros)])


def test_the_hand_made_bomb_is_a_real_zip():
    with zipfile.ZipFile(io.BytesIO(bomb(4 * MIB))) as archive:
        assert archive.testzip() is None and archive.read("ppt/media/zeros.bin") == bytes(4 * MIB)
    assert len(Presentation(io.BytesIO(bomb(MIB))).slide_layouts) >= 3  # python-pptx takes it for a template


@pytest.mark.parametrize(("data", "message"), [
    (b"Not a presentation, just text.\n", f"not a PowerPoint file (it is not a zip archive); {FIX}"),
    (b"", f"not a PowerPoint file (it is not a zip archive); {FIX}"),
    (zip_of([("notes.txt", zlib.compress(b"hello")[2:-4], zlib.crc32(b"hello"), 5)]), f"not a PowerPoint file (no member '/[Content_Types].xml' in package); {FIX}"),
])
def test_a_template_that_is_no_pptx_is_a_one_line_error(decks, tmp_path, data, message):
    spec, template = own_template(decks, tmp_path, data)
    result = run_cli("render", spec, "--output", tmp_path / "output", "--formats", "pptx")
    assert (result.exit_code, result.stderr) == (1, f"{template}: {message}\n")
    assert not (tmp_path / "output/blended-teaching/dist").exists()


BOMB_SCRIPT = """
import atexit, resource, sys
limit, peak = int(sys.argv[1]), sys.argv[2]
resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
atexit.register(lambda: open(peak, "w").write(str(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)))
from courseware.cli import main
sys.argv = ["courseware", *sys.argv[3:]]
main()
"""


def render_limited(spec: Path, output: Path, peak: Path) -> subprocess.CompletedProcess:
    """`courseware render SPEC --formats pptx` in a child limited to 1 GiB of address space, which
    writes its peak resident memory (KiB) to `peak`."""
    command = [sys.executable, "-c", BOMB_SCRIPT, str(1 << 30), str(peak), "render", str(spec), "--output", str(output), "--formats", "pptx"]
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).parent.parent)}
    return subprocess.run(command, capture_output=True, text=True, env=env, timeout=120)


def test_a_zip_bomb_template_is_refused_in_bounded_memory(decks, tmp_path):
    """2 GiB of zeros declared in one entry (2 MB on disk). The check reads only the zip directory:
    the render runs under a 1 GiB address-space limit and peaks no higher than a normal render."""
    spec, template = own_template(decks, tmp_path / "bomb", bomb(2 << 30))
    assert template.stat().st_size < 4 * MIB
    run = render_limited(spec, tmp_path / "bomb/output", tmp_path / "bomb.peak")
    assert (run.returncode, run.stderr) == (1, f"{template}: ppt/media/zeros.bin would expand 1011-fold to 2048.0 MB, more than the 100-fold allowed (a zip bomb?); {FIX}\n")
    assert not (tmp_path / "bomb/output/blended-teaching/dist").exists()
    shutil.copytree(SPECS, tmp_path / "normal/course_specs")
    copy_samples(decks / "blended-teaching/content", tmp_path / "normal/output/blended-teaching/content")
    normal = render_limited(tmp_path / "normal/course_specs/blended-teaching.yaml", tmp_path / "normal/output", tmp_path / "normal.peak")
    assert normal.returncode == 0, normal.stderr
    bomb_kib, normal_kib = (int((tmp_path / name).read_text()) for name in ("bomb.peak", "normal.peak"))
    print(f"peak memory: refusing the bomb {bomb_kib // 1024} MiB, a normal render {normal_kib // 1024} MiB")
    assert bomb_kib <= normal_kib + 16 * 1024, (bomb_kib, normal_kib)
