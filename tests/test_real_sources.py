"""A course grounded in sources of every format the tests write themselves (Carpentries and
kramdown markdown, PDF, Word, PowerPoint, HTML), built offline into every output: each lesson
cites its own source, PDF and PowerPoint citations name the page or slide, no dialect syntax
and no instructor note reaches any file a learner gets."""

from __future__ import annotations

import importlib
import os
import re
import zipfile
from pathlib import Path

import pytest
import yaml
from pptx import Presentation

from courseware.content.blocks import texts
from courseware.content.model import Reference
from courseware.markdown.inline import plain
from courseware.grounding.sources import SourceDocument
from courseware.readers.base import INSTRUCTOR, Heading

FORMATS = ("carpentries", "kramdown", "pdf", "docx", "pptx", "html")
OUTPUTS = ["markdown", "html", "pptx", "scorm12", "scorm2004", "qti21", "moodle_xml", "gift"]
# What a reader must never let through as text: fenced divs, kramdown attribute lists, Pandoc
# attributes, Liquid, reference links, footnote markers of Word ("[1]"), raw HTML tags.
RAW = {
    "fenced div": re.compile(r"^\s*:{3,}", re.M),
    "kramdown attribute list": re.compile(r"\{:\s*[.#]"),
    "pandoc attributes": re.compile(r"\{(?:alt|width|height|\.[a-z])[^}]*\}"),
    "liquid": re.compile(r"\{%|\{\{"),
    "reference link": re.compile(r"\]\[[^\]\s]*\]"),
}

OWN_CONTAINERS = re.compile(r"^:::(?: (?:figure|notes|note|tip|warning|example|activity|takeaway)\b.*)?$", re.M)


def read(path: Path) -> SourceDocument:
    data = path.read_bytes()
    return SourceDocument(path.name, data, len(data), path.resolve())


@pytest.fixture(scope="module")
def course(tmp_path_factory) -> dict:
    """One lesson per format, each grounded in its own source, key points from its headings."""
    root = tmp_path_factory.mktemp("real")
    sources = root / "sources"
    sources.mkdir()
    files = {fmt: importlib.import_module(f"source_fixtures.{fmt}").make(sources) for fmt in FORMATS}
    lessons = []
    for n, (fmt, file) in enumerate(files.items(), start=1):
        doc = read(file)
        headings = list(dict.fromkeys(p.section for p in doc.passages() if p.section and p.section != doc.title))
        assert len(headings) >= 2, (fmt, headings)
        lessons.append({
            "id": f"l{n}", "title": f"{doc.title or fmt}", "objectives": ["LO1"], "key_points": headings[:2],
            "sources": [file.relative_to(root).as_posix()], "quiz": {"questions": 3}, "slides": {"max": 4},
        })
    spec = {
        "course": {"id": "real-sources", "title": "Real sources", "language": "en", "audience": "testers"},
        "sources": [f.relative_to(root).as_posix() for f in files.values()],
        "objectives": [{"id": "LO1", "text": "Explain the topics of the sources"}],
        "modules": [{"id": "m1", "title": "Every format", "lessons": lessons}],
        "outputs": OUTPUTS,
    }
    (root / "course.yaml").write_text(yaml.safe_dump(spec, sort_keys=False), "utf-8")
    return {"root": root, "files": files, "spec": root / "course.yaml"}


@pytest.fixture(scope="module")
def built(course, run_module_cli) -> Path:
    result = run_module_cli("build", course["spec"], "--provider", "offline", "--output", course["root"] / "output")
    assert result.exit_code == 0, result.stderr + result.stdout
    return course["root"] / "output" / "real-sources"


@pytest.fixture(scope="module")
def run_module_cli():
    from conftest import run_cli

    return run_cli


def learner_texts(course_dir: Path) -> dict[str, str]:
    """Every file a learner gets (and the reviewed markdown), as text: zip entries and deck
    slides and notes read out."""
    found = {}
    for path in sorted(course_dir.rglob("*")):
        if not path.is_file() or ".courseware" in path.parts:
            continue
        name = str(path.relative_to(course_dir))
        if path.suffix == ".zip":
            with zipfile.ZipFile(path) as archive:
                for entry in archive.namelist():
                    if entry.endswith((".html", ".xml", ".js", ".txt")):
                        found[f"{name}!{entry}"] = archive.read(entry).decode("utf-8", "replace")
        elif path.suffix == ".pptx":
            deck = Presentation(str(path))
            parts = []
            for slide in deck.slides:
                parts += [shape.text_frame.text for shape in slide.shapes if shape.has_text_frame]
                if slide.has_notes_slide:
                    parts.append(slide.notes_slide.notes_text_frame.text)
            found[name] = "\n".join(parts)
        elif path.suffix in (".md", ".html", ".xml", ".txt", ".gift", ".json"):
            found[name] = path.read_text("utf-8")
    return found


def test_every_lesson_cites_its_own_source_with_page_or_slide(course, built):
    for n, (fmt, file) in enumerate(course["files"].items(), start=1):
        lesson = (built / "content" / f"l{n}" / "lesson.md").read_text("utf-8")
        refs = [Reference.parse(line.split(": ", 1)[1]) for line in lesson.splitlines() if re.match(r"\[\^\d+\]: ", line)]
        assert refs, fmt
        assert {r.source for r in refs} == {file.relative_to(course["root"]).as_posix()}, fmt
        if fmt == "pdf":
            assert all(r.page for r in refs), lesson
        if fmt == "pptx":
            assert all(r.slide for r in refs), lesson


def test_every_pdf_and_pptx_passage_knows_its_page_or_slide(course):
    for fmt, attr in (("pdf", "page"), ("pptx", "slide")):
        passages = read(course["files"][fmt]).passages()
        assert passages and all(getattr(p, attr) for p in passages), fmt


def test_no_dialect_syntax_reaches_any_output(built):
    found = learner_texts(built)
    assert any(name.endswith("lesson.md") for name in found)
    for name, text in found.items():
        if name.endswith(".md"):  # the reviewed markdown's own containers are ours, not a dialect's
            text = OWN_CONTAINERS.sub("", text)
        for what, pattern in RAW.items():
            found = pattern.search(text)
            assert found is None, f"{name}: {what}: {text[max(0, found.start() - 60): found.end() + 60]!r}"


def test_no_instructor_note_reaches_any_output(course, built):
    notes = []
    for fmt, file in course["files"].items():
        for piece in read(file).document.pieces:
            if piece.role == INSTRUCTOR and not isinstance(piece.item, Heading):
                text = " ".join(plain(t) for t in texts(piece.item))
                notes += [t for t in re.split(r"(?<=[.!?])\s+", text) if len(t.split()) >= 4]
    assert len(notes) >= 3, notes  # the fixtures hold instructor notes to leave out
    found = learner_texts(built)
    for note in notes:
        words = re.sub(r"[*_`\\]", "", note)[:60]
        for name, text in found.items():
            assert words not in re.sub(r"[*_`\\]", "", text), f"{name} holds the instructor note {note!r}"


def test_validate_reads_every_source_and_names_each_it_cannot_read(tmp_path, run_module_cli):
    (tmp_path / "sources").mkdir()
    (tmp_path / "sources/bad.pdf").write_bytes(b"not a pdf at all")
    (tmp_path / "sources/bad.docx").write_bytes(b"PK\x03\x04broken")
    spec = tmp_path / "c.yaml"
    spec.write_text(yaml.safe_dump({
        "course": {"id": "v", "title": "V", "language": "en", "audience": "testers"},
        "sources": ["sources/bad.pdf", "sources/bad.docx"],
        "objectives": [{"id": "LO1", "text": "Know things"}],
        "modules": [{"id": "m1", "title": "M", "lessons": [{"id": "l1", "title": "L", "objectives": ["LO1"], "key_points": ["things"]}]}],
    }), "utf-8")
    result = run_module_cli("validate", spec)
    pdf, docx = (Path(os.path.relpath(tmp_path / f"sources/bad.{e}")).as_posix() for e in ("pdf", "docx"))
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr == (
        f"{pdf}: not a PDF (it does not begin with %PDF-); export it as PDF again, or give it its real file ending\n"
        f"{docx}: is not a Word document (not a complete zip file: damaged or cut short?); open it in Word or LibreOffice and save it again as .docx\n"
    )


@pytest.mark.parametrize("name, entry, message", [
    ("bomb.docx", "word/document.xml", "word/document.xml would expand {ratio}-fold to 20.0 MB, more than the 100-fold allowed (a zip bomb?); save it again from Word or LibreOffice as .docx"),
    ("bomb.pptx", "ppt/presentation.xml", "ppt/presentation.xml would expand {ratio}-fold to 20.0 MB, more than the 100-fold allowed (a zip bomb?); export it again from PowerPoint or LibreOffice"),
])
def test_a_zip_bomb_named_docx_or_pptx_is_refused_before_it_is_unpacked(tmp_path, run_module_cli, name, entry, message):
    (tmp_path / "sources").mkdir()
    with zipfile.ZipFile(tmp_path / "sources" / name, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(entry, bytes(20 << 20))
    with zipfile.ZipFile(tmp_path / "sources" / name) as archive:
        info = archive.getinfo(entry)
    message = message.format(ratio=info.file_size // info.compress_size)  # zlib's own ratio
    spec = tmp_path / "c.yaml"
    spec.write_text(yaml.safe_dump({
        "course": {"id": "v", "title": "V", "language": "en", "audience": "testers"},
        "sources": [f"sources/{name}"],
        "objectives": [{"id": "LO1", "text": "Know things"}],
        "modules": [{"id": "m1", "title": "M", "lessons": [{"id": "l1", "title": "L", "objectives": ["LO1"], "key_points": ["things"]}]}],
    }), "utf-8")
    result = run_module_cli("build", spec, "--output", tmp_path / "out")
    shown = Path(os.path.relpath(tmp_path / "sources" / name)).as_posix()
    assert (result.exit_code, result.stdout, result.stderr) == (1, "", f"{shown}: {message}\n")
    assert not (tmp_path / "out").exists()


def test_the_sources_page_shows_each_block_as_its_source_writes_it(built):
    page = (built / "dist" / "html" / "sources.html").read_text("utf-8")
    assert "<p><strong>Questions:</strong> How can I find the lines of a file that contain a word?" in page  # a box's title
    assert "Option · What it does; <code>-i</code> · ignores the case of letters; <code>-n</code>" in page  # a table's rows
    assert "<p></p>" not in page  # code and display math are shown where lessons use them
