"""The PDF course book, read back with poppler (pdftotext, pdfinfo, pdftoppm) and pdfplumber as a
reader's PDF viewer would: every lesson where the contents say, the answer key against the quiz
markdown, the metadata, Arabic right to left, formulas drawn, nothing fetched, identical rebuilds."""

from __future__ import annotations

import re
import shutil
import subprocess
import threading
import unicodedata
from functools import cache
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from conftest import REPO, run_cli
from courseware import catalogue
from courseware.markdown.frontmatter import split
from courseware.markdown.inline import mathml
from courseware.markdown.parse import parse_quiz
from courseware.render.notices import collected
from courseware.render.sanitize import plain
from samples import COURSES

LANGUAGES = {"evaluation-formative": "fr", "taallum-mudmaj": "ar"}
RTL = {"taallum-mudmaj"}
TITLES = {"blended-teaching": "Foundations of Blended Teaching", "describing-data": "Describing Data: A First Course in Statistics", "taallum-mudmaj": "مدخل إلى التعلم المدمج"}
MARKS = dict.fromkeys(map(ord, "\u200e\u200f\u202a\u202b\u202c\u202d\u202e"))  # the bidi controls pdftotext puts around runs


def fold(text: str) -> str:
    """Text as pdftotext gives it back, comparable: bidi controls gone, presentation forms
    normalised, whitespace single, and the Arabic lam dropped: pdftotext returns a lam-alef
    ligature's two letters in the wrong order (الإنترنت as اإلنترنت)."""
    return " ".join(unicodedata.normalize("NFKC", text.translate(MARKS)).replace("ل", "").split())


@cache
def pages(pdf: Path) -> tuple[list[str], ...]:
    """Each page's non-empty lines."""
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return tuple([line for line in (fold(l) for l in page.splitlines()) if line] for page in text.split("\f")[:-1])


def book(samples: Path, course: str) -> Path:
    return samples / "output" / course / "dist" / f"{course}.pdf"


def content(samples: Path, course: str) -> Path:
    return samples / "output" / course / "content"


def lessons(samples: Path, course: str) -> list[Path]:
    """The course's lesson folders in course order (m1-l1, m1-l2, m2-l1 ...)."""
    return sorted(p for p in content(samples, course).iterdir() if (p / "lesson.md").is_file())


def heading(path: Path) -> str:
    _, body, _ = split(path.read_text("utf-8"), str(path))
    return plain(body.lstrip().splitlines()[0].removeprefix("# "))


def contents(lines: list[str]) -> dict[str, int]:
    """The contents page's entries: title -> page number (an Arabic line has its number first)."""
    found = {}
    for line in lines:
        match = re.fullmatch(r"(.*?) ?(?:\.{3,} ?(\d+)|(\d+) ?\.{3,})", line)
        if match:
            found[match.group(1)] = int(match.group(2) or match.group(3))
    return found


@pytest.mark.parametrize("course", sorted(COURSES))
def test_the_contents_send_the_reader_to_the_page_each_lesson_starts_on(samples, course):
    text = pages(book(samples, course))
    assert text[0][-1] != "1"  # the title page has no number
    toc = contents(text[1])
    titles = [fold(heading(folder / "lesson.md")) for folder in lessons(samples, course)]
    assert [t for t in toc if t in titles] == titles  # every lesson, in course order
    for title in titles:
        start = toc[title]
        # The running header names the chapter that starts on the page (string-set, first on the page).
        assert title in text[start - 1][:3], (title, text[start - 1][:3])
        assert title not in text[start - 2][:3]
        assert str(start) in text[start - 1]  # the footer holds the page number the contents print
    assert list(toc.values()) == sorted(toc.values())


@pytest.mark.parametrize("course", sorted(COURSES))
def test_the_answer_key_gives_each_question_its_right_answers(samples, course):
    words = catalogue.words(LANGUAGES.get(course, "en"))
    text = pages(book(samples, course))
    key_page = contents(text[1])[fold(words["book_answer_key"])]
    key = " ".join(line for page in text[key_page - 1:] for line in page)
    letters = words["book_letters"]
    position = 0
    for folder in lessons(samples, course):
        path = folder / "quiz.md"
        _, body, first = split(path.read_text("utf-8"), str(path))
        for n, item in enumerate(parse_quiz(body, str(path), first).items, start=1):
            right = [(letters[k] + " " if item.kind != "cloze" else "") + plain(o.text) for k, o in enumerate(item.options) if o.correct]
            # pdftotext moves a right-to-left line's number about (".1" against the letter): the answers alone, in order
            expected = ("" if course in RTL else f"{n}. ") + " · ".join(right)
            found = key.find(fold(expected), position)
            assert found >= 0, (path, n, fold(expected), key[position:position + 300])
            position = found
    quizzes = [page for page in text[:key_page - 1] if fold(words["quiz"]) in page]
    assert len(quizzes) >= len(lessons(samples, course))  # the questions are in the lessons, without their answers


def test_the_metadata_and_the_page_count(samples):
    for course, title in TITLES.items():
        info = subprocess.run(["pdfinfo", str(book(samples, course))], capture_output=True, text=True, check=True).stdout
        fields = dict(line.split(":", 1) for line in info.splitlines())
        assert fields["Title"].strip() == title
        assert fields["CreationDate"].strip() == "Sat Jan  1 00:00:00 2000 UTC"  # SOURCE_DATE_EPOCH unset: the decks' date
        assert fields["Page size"].strip().startswith("595.276 x 841.89")  # A4
        count = int(fields["Pages"])
        assert 2 * len(lessons(samples, course)) + 3 <= count <= 6 * len(lessons(samples, course)) + 6, count


def test_an_arabic_book_reads_right_to_left_in_arabic(samples):
    import pdfplumber
    from pypdf import PdfReader

    path = book(samples, "taallum-mudmaj")
    assert PdfReader(path).trailer["/Root"]["/Lang"] == "ar"
    text = pages(path)
    assert fold("المحتويات") in text[1]
    body = " ".join(" ".join(page) for page in text)
    assert len(re.findall(r"[\u0621-\u064a]", body)) > 5 * len(re.findall(r"[A-Za-z]", body))  # Latin only in file names, LO1, CC-BY-4.0
    first = lessons(samples, "taallum-mudmaj")[0]
    start = contents(text[1])[fold(heading(first / "lesson.md"))]
    with pdfplumber.open(path) as pdf:
        page = pdf.pages[start - 1]
        words = page.extract_words(extra_attrs=["size"])
        largest = max(w["size"] for w in words)
        title = [w for w in words if w["size"] == largest]
        body_words = [w for w in words if w["size"] < largest and w["top"] > max(t["bottom"] for t in title)]
    right_margin = page.width - 20 / 25.4 * 72
    assert abs(max(w["x1"] for w in title) - right_margin) < 3  # the heading starts at the right margin ...
    assert min(w["x0"] for w in title) > page.width / 3  # ... and stops short of the left
    assert abs(max(w["x1"] for w in body_words) - right_margin) < 3


def test_a_page_renders_as_an_image(samples, tmp_path):
    from PIL import Image

    subprocess.run(["pdftoppm", "-r", "40", "-f", "1", "-l", "1", "-png", str(book(samples, "blended-teaching")), str(tmp_path / "page")], check=True)
    [png] = tmp_path.glob("page*.png")
    with Image.open(png) as image:
        assert image.size == (331, 468)  # A4 at 40 dpi
        assert image.convert("L").getextrema()[0] < 80  # dark ink: the title


def test_formulas_are_drawn_not_spelled_out(samples):
    """WeasyPrint would print MathML as its bare letters; the book draws each formula (SVG paths),
    so its letters are not text at all."""
    text = " ".join(" ".join(page) for page in pages(book(samples, "describing-data")))
    assert "The mean is the sum of the values divided by the number of values" in text
    assert "\\frac" not in text and "\\bar" not in text and "x¯" not in text


def test_formulas_become_svg_pictures_and_unreadable_latex_is_shown_as_itself():
    from courseware.render.pdf_math import formulas

    inline, display, unreadable = mathml("x^2"), mathml(r"\bar{x} = \frac{1}{n}", display=True), mathml(r"\begin{pmatrix}a\end{pmatrix}")
    page = f"<p>Inline {inline} and</p><div>{display}</div><p>{unreadable}</p>"
    with collected() as notices:
        out, drawn = formulas(page, "book.pdf")
    assert "<math" not in out
    assert out.count('<img class="math"') == 1 and out.count('<img class="math display"') == 1
    assert 'alt="x^2"' in out and "vertical-align: -" in out
    assert '<code class="math-tex">\\begin{pmatrix}a\\end{pmatrix}</code>' in out
    assert len(drawn) == 2 and all(data.startswith(b"<?xml") and b"<svg" in data for data in drawn.values())
    assert [line for line in notices.lines] == [notices.lines[0]] and notices.lines[0].startswith("book.pdf: the formula $\\begin{pmatrix}a\\end{pmatrix}$ cannot be drawn")


def test_the_book_fetches_nothing(tmp_path):
    """A stylesheet, an image or a link to http(s) or to a file elsewhere is refused, never opened."""
    from PIL import Image

    from courseware.render.pdf import print_pdf

    asked = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            asked.append(self.path)
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    secret = tmp_path / "secret.png"
    Image.new("RGB", (4, 4), "red").save(secret)
    url = f"http://127.0.0.1:{server.server_port}"
    page = (
        f'<html><head><link rel="stylesheet" href="{url}/a.css"><link rel="stylesheet" href="print.css"></head>'
        f'<body><p>Hello</p><img src="{url}/b.png"><img src="file://{secret}"><svg width="10" height="10"><image href="{url}/c.png"/></svg></body></html>'
    )
    try:
        with collected() as notices:
            data = print_pdf(page, {"print.css": f"p {{ background: url({url}/d.png); colour: red }}".encode()}, "my-course.pdf", "my-look/pdf/print.css")
    finally:
        server.shutdown()
    assert data.startswith(b"%PDF-") and asked == []
    warning, *lines = notices.lines
    assert re.fullmatch(r"my-look/pdf/print\.css: Ignored `colour: red ?` at 1:\d+, unknown property\.", warning), warning  # WeasyPrint's, said as a notice
    refused = sorted(re.findall(r"does not fetch (\S+);", " ".join(lines)))
    assert refused == sorted([f"{url}/a.css", f"{url}/b.png", f"file://{secret}", f"{url}/c.png", f"{url}/d.png"])
    assert all(line.startswith("my-course.pdf: the course book does not fetch ") for line in lines), lines


def test_a_rebuild_elsewhere_is_byte_identical(samples, tmp_path):
    course = "evaluation-formative"
    shutil.copytree(REPO / "course_specs", tmp_path / "course_specs")
    shutil.copytree(REPO / "output" / course / "content", tmp_path / "output" / course / "content")
    result = run_cli("render", tmp_path / COURSES[course], "--output", tmp_path / "output", "--formats", "pdf")
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""  # no WeasyPrint warning about the built-in stylesheet
    assert (tmp_path / "output" / course / "dist" / f"{course}.pdf").read_bytes() == book(samples, course).read_bytes()


def test_a_template_folder_overrides_the_book_and_its_errors_are_located(cli, project):
    assert cli("templates", "copy", "my-look").exit_code == 0
    book_html = project / "my-look" / "pdf" / "book.html"
    assert book_html.is_file() and (project / "my-look" / "pdf" / "print.css").is_file()
    book_html.write_text(book_html.read_text("utf-8").replace("{% for l in lessons %}", "{% for l in lessons %", 1), "utf-8")
    result = cli("templates", "approve", "--templates", "my-look")
    assert result.exit_code == 1
    assert re.fullmatch(r"my-look/pdf/book\.html:\d+: template syntax error: unexpected '%'\n", result.stderr), result.stderr
