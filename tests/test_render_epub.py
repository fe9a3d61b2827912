"""The EPUB 3 course books of the four sample courses, read back as a reading system would: EPUBCheck
(0 errors, 0 warnings), the spine and the table of contents in course order, every quiz answer
of the markdown at its chapter's end, the Arabic book right to left, figures packaged and
referenced, metadata, and a byte-identical rebuild."""

from __future__ import annotations

import io
import os
import shutil
import uuid
import zipfile
from pathlib import Path, PurePosixPath

import pytest
from lxml import etree

from conftest import run_cli
from courseware.markdown.frontmatter import split
from courseware.markdown.parse import parse_quiz
from courseware.render.sanitize import plain
from courseware.spec.load import load_spec
from epub_check import epubcheck, problems
from samples import COURSES

NS = {
    "opf": "http://www.idpf.org/2007/opf", "dc": "http://purl.org/dc/elements/1.1/", "x": "http://www.w3.org/1999/xhtml",
    "epub": "http://www.idpf.org/2007/ops", "m": "http://www.w3.org/1998/Math/MathML", "c": "urn:oasis:names:tc:opendocument:xmlns:container",
}
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def book_path(root: Path, course: str) -> Path:
    return root / "output" / course / "dist" / f"{course}.epub"


class Book:
    """An .epub opened as a reading system opens it: container.xml, then the package document."""

    def __init__(self, path: Path):
        self.zip = zipfile.ZipFile(path)
        container = etree.fromstring(self.zip.read("META-INF/container.xml"))
        self.opf_name = container.find(".//c:rootfile", NS).get("full-path")
        self.base = PurePosixPath(self.opf_name).parent
        self.opf = etree.fromstring(self.zip.read(self.opf_name))
        self.items = {i.get("id"): i for i in self.opf.iterfind("opf:manifest/opf:item", NS)}

    def read(self, href: str) -> bytes:
        return self.zip.read(str(self.base / href))

    def doc(self, href: str) -> etree._Element:
        return etree.fromstring(self.read(href))  # XML, not HTML: a content document must be well-formed

    def spine(self) -> list[str]:
        return [self.items[ref.get("idref")].get("href") for ref in self.opf.iterfind("opf:spine/opf:itemref", NS)]

    def meta(self, prop: str) -> list[str]:
        return [m.text for m in self.opf.iterfind(f"opf:metadata/opf:meta[@property='{prop}']", NS)]


def text_of(element: etree._Element) -> str:
    """An element's text as the markdown's plain text has it: a formula as its LaTeX between dollars."""
    parts = [element.text or ""]
    for child in element:
        parts.append(f"${child.get('alttext')}$" if child.tag == f"{{{NS['m']}}}math" else text_of(child))
        parts.append(child.tail or "")
    return " ".join("".join(parts).split())


def render_copy(samples: Path, target: Path) -> Path:
    """A writable copy of what rendering describing-data needs (its spec folder and reviewed
    markdown): cheaper than copy_samples, which copies every format of every sample."""
    shutil.copytree(samples / "course_specs", target / "course_specs", copy_function=shutil.copy)
    shutil.copytree(samples / "output" / "describing-data" / "content", target / "output" / "describing-data" / "content", copy_function=shutil.copy)
    for folder, dirs, files in os.walk(target):
        Path(folder).chmod(0o755)
        for name in files:
            Path(folder, name).chmod(0o644)
    return target


def specs(root: Path) -> dict:
    return {course: load_spec(root / spec).spec for course, spec in COURSES.items()}


def test_every_sample_book_passes_epubcheck(samples, tmp_path):
    books = [book_path(samples, course) for course in COURSES]
    reports = epubcheck(books, tmp_path / "reports")
    for book, report in reports.items():
        checker = report["checker"]
        assert (checker["nFatal"], checker["nError"], checker["nWarning"]) == (0, 0, 0), (book.name, problems(report))
        assert problems(report) == [], book.name
        assert report["publication"]["ePubVersion"].startswith("3"), book.name


def test_mimetype_comes_first_stored_without_extra_field(samples):
    with zipfile.ZipFile(book_path(samples, "blended-teaching")) as archive:
        first = archive.infolist()[0]
        assert (first.filename, first.compress_type, first.extra) == ("mimetype", zipfile.ZIP_STORED, b"")
        assert archive.read("mimetype") == b"application/epub+zip"
        assert all(info.compress_type == zipfile.ZIP_DEFLATED and info.date_time == (1980, 1, 1, 0, 0, 0) for info in archive.infolist()[1:])
    raw = book_path(samples, "blended-teaching").read_bytes()
    assert raw[30:38] == b"mimetype" and raw[38:58] == b"application/epub+zip"  # what readers sniff at offset 30


def test_reading_order_and_contents_follow_the_course(samples):
    for course, spec in specs(samples).items():
        book = Book(book_path(samples, course))
        lessons = [f"lesson-{lesson.id}.xhtml" for module in spec.modules for lesson in module.lessons]
        assert book.spine() == ["title.xhtml", "nav.xhtml", "intro.xhtml", *lessons, "sources.xhtml"], course
        nav = book.doc("nav.xhtml")
        toc = nav.find(".//x:nav[@epub:type='toc']", NS)
        linked = [a.get("href") for a in toc.iterfind(".//x:a", NS)]
        assert [h for h in linked if h.startswith("lesson-")] == [h for m in spec.modules for h in (f"lesson-{m.lessons[0].id}.xhtml", *(f"lesson-{x.id}.xhtml" for x in m.lessons))]
        modules = toc.findall("x:ol/x:li/x:ol", NS)
        assert [[text_of(a) for a in ol.iterfind("x:li/x:a", NS)] for ol in modules] == [[plain(x.title) for x in m.lessons] for m in spec.modules], course
        landmarks = {a.get(f"{{{NS['epub']}}}type"): a.get("href") for a in nav.iterfind(".//x:nav[@epub:type='landmarks']//x:a", NS)}
        assert landmarks == {"titlepage": "title.xhtml", "toc": "nav.xhtml#toc", "bodymatter": "intro.xhtml", "bibliography": "sources.xhtml"}
        assert book.items["nav"].get("properties") == "nav"


def test_every_quiz_answer_is_at_the_end_of_its_chapter(samples):
    for course, spec in specs(samples).items():
        book = Book(book_path(samples, course))
        content = samples / "output" / course / "content"
        for lesson in (x for m in spec.modules for x in m.lessons):
            path = content / lesson.id / "quiz.md"
            _, body, first = split(path.read_text("utf-8"), str(path))
            quiz = parse_quiz(body, str(path), first)
            chapter = book.doc(f"lesson-{lesson.id}.xhtml")
            questions = chapter.findall(".//x:section[@epub:type='assessment']/x:ol/x:li", NS)
            answers = chapter.findall(".//x:section[@epub:type='answers']/x:ol/x:li", NS)
            assert len(questions) == len(answers) == len(quiz.items), (course, lesson.id)
            sections = [s.get(f"{{{NS['epub']}}}type") for s in chapter.iterfind(".//x:section", NS)]
            assert sections[-2:] == ["assessment", "answers"], (course, lesson.id)  # the answers close the chapter
            for n, (item, question, answer) in enumerate(zip(quiz.items, questions, answers), start=1):
                where = (course, lesson.id, n)
                assert text_of(question.find("x:p[@class='prompt']", NS)) == plain(item.prompt), where
                shown = [text_of(li) for li in question.iterfind("x:ol[@class='options']/x:li", NS)]
                assert shown == ([] if item.kind == "cloze" else [plain(o.text) for o in item.options]), where
                # the link to the answer and back: no script
                assert question.find(".//x:a[@class]", NS) is None and question.find(".//x:p[@class='to-answer']/x:a", NS).get("href") == f"#{answer.get('id')}", where
                assert answer.find(".//x:p[@class='back']/x:a", NS).get("href") == f"#{question.get('id')}", where
                correct = [text_of(s) for s in answer.iterfind("x:p[@class='answer']/x:strong", NS)]
                assert correct == [plain(o.text) for o in item.options if o.correct], where
                assert text_of(answer.find("x:p[@class='feedback']", NS)) == plain(item.feedback), where
            assert chapter.find(".//x:script", NS) is None and b"<script" not in book.read(f"lesson-{lesson.id}.xhtml")


def test_the_arabic_book_reads_right_to_left(samples):
    book = Book(book_path(samples, "taallum-mudmaj"))
    assert book.opf.find("opf:spine", NS).get("page-progression-direction") == "rtl"
    assert book.opf.find("opf:metadata/dc:language", NS).text == "ar"
    assert (book.opf.get(XML_LANG), book.opf.get("dir")) == ("ar", "rtl")
    for href in book.spine():
        root = book.doc(href)
        assert (root.get("lang"), root.get(XML_LANG), root.get("dir")) == ("ar", "ar", "rtl"), href
        assert all(e.get("lang") == e.get(XML_LANG) for e in root.iter() if e.get("lang")), href
    english = Book(book_path(samples, "blended-teaching"))
    assert english.opf.find("opf:spine", NS).get("page-progression-direction") is None
    assert {(english.doc(h).get(XML_LANG), english.doc(h).get("dir")) for h in english.spine()} == {("en", "ltr")}


def test_figures_are_packaged_referenced_and_described(samples):
    book = Book(book_path(samples, "describing-data"))
    images = {i.get("href"): i.get("media-type") for i in book.items.values() if i.get("media-type").startswith("image/")}
    assert images and all(t == "image/svg+xml" for t in images.values())
    shown = {}
    for href in book.spine():
        for img in book.doc(href).iter(f"{{{NS['x']}}}img"):
            assert img.get("alt", "").strip(), href
            shown[img.get("src")] = href
    assert set(shown) == set(images)  # each image listed is shown, and each shown is listed
    assert all(book.read(name).lstrip().startswith((b"<svg", b"<?xml")) for name in images)
    assert "visual" in book.meta("schema:accessMode") and "alternativeText" in book.meta("schema:accessibilityFeature")
    math = [i.get("href") for i in book.items.values() if "mathml" in (i.get("properties") or "").split()]
    assert math and all(book.doc(h).find(".//m:math", NS) is not None for h in math)
    assert all(book.doc(h).find(".//m:math", NS) is None for h in book.spine() if h not in math)


def test_metadata(samples):
    for course, spec in specs(samples).items():
        book = Book(book_path(samples, course))
        metadata = book.opf.find("opf:metadata", NS)
        ident = metadata.find("dc:identifier", NS)
        assert ident.get("id") == book.opf.get("unique-identifier")
        assert ident.text == f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, f'urn:courseware:{spec.course.id}:epub')}"
        assert metadata.find("dc:title", NS).text == spec.course.title
        assert metadata.find("dc:rights", NS).text == spec.course.license
        assert [c.text for c in metadata.iterfind("dc:creator", NS)] == spec.course.authors
        assert book.meta("dcterms:modified") == ["2000-01-01T00:00:00Z"]  # SOURCE_DATE_EPOCH unset
        for prop in ("schema:accessMode", "schema:accessModeSufficient", "schema:accessibilityFeature", "schema:accessibilityHazard", "schema:accessibilitySummary"):
            assert book.meta(prop), (course, prop)
        assert book.meta("dcterms:conformsTo") == []  # no WCAG audit of the book: no conformance claimed


def test_a_rebuild_is_byte_identical(samples, tmp_path, monkeypatch):
    root = render_copy(samples, tmp_path / "copy")
    monkeypatch.chdir(root)
    target = book_path(root, "describing-data")
    result = run_cli("render", root / COURSES["describing-data"], "--formats", "epub", "--output", root / "output")
    assert result.exit_code == 0, result.stderr
    first = target.read_bytes()
    assert first == book_path(samples, "describing-data").read_bytes()  # same as the samples' build, in another folder
    target.unlink()
    assert run_cli("render", root / COURSES["describing-data"], "--formats", "epub", "--output", root / "output").exit_code == 0
    assert target.read_bytes() == first
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")
    assert run_cli("render", root / COURSES["describing-data"], "--formats", "epub", "--output", root / "output").exit_code == 0
    assert Book(target).meta("dcterms:modified") == ["2026-01-01T00:00:00Z"]


@pytest.mark.parametrize("bad", ["<package", "{{ nope }}"])
def test_a_broken_package_template_is_one_line(samples, tmp_path, monkeypatch, bad):
    root = render_copy(samples, tmp_path / "copy")
    folder = root / "my-look"
    (folder / "epub").mkdir(parents=True)
    (folder / "epub" / "package.opf").write_text(bad, "utf-8")
    assert run_cli("templates", "approve", "--templates", folder).exit_code == 0  # both compile: they fail when rendered
    result = run_cli("render", root / COURSES["describing-data"], "--formats", "epub", "--output", root / "output", "--templates", folder)
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and str(folder / "epub" / "package.opf") in lines[0], result.stderr


def test_a_webp_figure_goes_into_the_book_as_png(tmp_path):
    from PIL import Image

    from courseware.content.figures import FigureFile
    from courseware.render.epub import book_image

    path = tmp_path / "chart.webp"
    Image.new("RGB", (8, 4), (200, 30, 30)).save(path, "WEBP", lossless=True)
    name, media_type, data = book_image(FigureFile(path))
    assert (name.startswith("figures/") and name.endswith("-chart.png"), media_type) == (True, "image/png")
    with Image.open(io.BytesIO(data)) as image:
        assert (image.format, image.size, image.getpixel((0, 0))) == ("PNG", (8, 4), (200, 30, 30))
    png = tmp_path / "chart.png"
    png.write_bytes(data)
    assert book_image(FigureFile(png)) == (FigureFile(png).name, "image/png", data)  # the core types go in as they are
