"""The printable course book, dist/<course-id>.pdf: a title page, the contents with page numbers,
every lesson (its text, references, slide outline and quiz) and an answer key at the end.

It is the site's HTML (the same block views and blocks.html) put in the print template
templates/pdf/book.html with pdf/print.css, and laid out by WeasyPrint. WeasyPrint cannot
typeset MathML, so each formula becomes an SVG drawn by matplotlib (pdf_math.py). It reads
nothing but what this module hands it: the template's stylesheet, the course's figures and
those formulas; any other URL (an http:// image in an SVG or a user's stylesheet) is refused,
never fetched. The bytes are the same on every run: the PDF's dates come from SOURCE_DATE_EPOCH
and its identifier from the book's own HTML.
"""

from __future__ import annotations

import hashlib
import logging
import mimetypes
import os
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cached_property
from pathlib import Path

from courseware.content.model import Quiz
from courseware.course import Course
from courseware.errors import CoursewareError
from courseware.render import register
from courseware.render.archive import source_date
from courseware.render.html import Site
from courseware.render.notices import notice
from courseware.render.pdf_math import formulas
from courseware.render.sanitize import inline
from courseware.render.templates import ConfinedLoader, find, folders
from courseware.writer import Writer

BASE = "file:///courseware-book/"  # no such folder: only the fetcher below answers for it
STYLESHEET = "print.css"
VISUALS = ("table", "figure", "code", "math")


@register("pdf")
def render_pdf(course: Course, writer: Writer) -> None:
    """Write dist/<course-id>.pdf, the printable course book."""
    writer.write_bytes(f"{course.loaded.spec.course.id}.pdf", book(course))


def book(course: Course) -> bytes:
    """The course book as PDF bytes."""
    view = Book(course)
    page, drawn = formulas(view.html(), view.where)
    files = {STYLESHEET: find(course, f"pdf/{STYLESHEET}").read_bytes()}
    files |= {name: figure.data for name, figure in view.views.figures.items()}
    files |= drawn
    return print_pdf(page, files, view.where, _shown(find(course, f"pdf/{STYLESHEET}")))


def print_pdf(page: str, files: dict[str, bytes], where: str = "book.pdf", stylesheet_file: str = STYLESHEET) -> bytes:
    """`page` laid out by WeasyPrint, its relative URLs served from `files` and nothing else;
    `where` and `stylesheet_file` name the book and its stylesheet in the notices."""
    try:
        import weasyprint
    except OSError as exc:  # WeasyPrint loads the system's Pango when imported
        raise CoursewareError(f"the pdf format needs the Pango library, which WeasyPrint could not load ({exc}); install it (Debian and Ubuntu: apt-get install libpango-1.0-0 libpangoft2-1.0-0; macOS: brew install pango)") from None

    fetcher = _fetcher(files)
    with _weasyprint_messages(where, stylesheet_file):
        document = weasyprint.HTML(string=page, base_url=BASE, url_fetcher=fetcher)
        # The identifier says "this book": the same HTML always gets the same one.
        identifier = hashlib.sha256(page.encode("utf-8")).hexdigest()[:32].encode("ascii")
        data = document.write_pdf(pdf_identifier=identifier)
    for url in fetcher.refused:
        notice(f"{where}: the course book does not fetch {url}; it is left out (put the file in the course and refer to it there)")
    return data


class Book(Site):
    """The view of a Course that templates/pdf/book.html reads (templates/README.md, "pdf/")."""

    @cached_property
    def loader(self) -> ConfinedLoader:
        return ConfinedLoader(folders(self.course), "pdf", fallback="html")

    @property
    def where(self) -> str:
        """The book as the build output names it in a notice."""
        return f"{self.spec.course.id}.pdf"

    def html(self) -> str:
        """The whole book as one HTML page."""
        lessons = []
        for item in self.course.lessons:
            view = self.lesson_view(item, prefix=f"{item.lesson.id}-")
            # A slide's table, figure, code or formula that the text shows already is not printed twice.
            in_text = {_same(b) for top in item.text.blocks() for b in (top, *getattr(top, "blocks", ())) if b.kind in VISUALS}
            for slide, shown in zip(item.slides.slides, view["slides"]):
                if slide.visual is not None and _same(slide.visual) in in_text:
                    shown["visual"] = None
            lessons.append(view | {"anchor": f"lesson-{item.lesson.id}", "key": self.answer_key(item.quiz, item.lesson.id)})
        return self.page(
            "book.html",
            page_title=self.spec.course.title,
            lessons=lessons,
            letters=self.words["book_letters"],
            stylesheet=STYLESHEET,
            created=_created(),
        )

    def answer_key(self, quiz: Quiz, lesson_id: str) -> list[dict]:
        """Each question's right answers: `letters` (the options' letters, none for a cloze item),
        `answers` (their texts, or the accepted answers of a cloze item) and `feedback`."""
        where = self._file(lesson_id, "quiz.md")
        letters = self.words["book_letters"]
        found = []
        for n, item in enumerate(quiz.items, start=1):
            right = [(k, o) for k, o in enumerate(item.options) if o.correct or item.kind == "cloze"]
            found.append({
                "n": n,
                "kind": item.kind,
                "letters": [letters[k] if k < len(letters) else str(k + 1) for k, _ in right] if item.kind != "cloze" else [],
                "answers": [inline(o.text, where) for _, o in right],
                "feedback": inline(item.feedback, where),
            })
        return found


def _same(block) -> str:
    """What makes two visuals the same one on paper: their content, not their caption or citations."""
    return block.model_copy(update={k: v for k, v in (("cites", []), ("caption", None)) if k in type(block).model_fields}).model_dump_json()


def _created() -> str:
    """The book's date (archive.source_date), as dcterms.created wants it."""
    return source_date().strftime("%Y-%m-%dT%H:%M:%SZ")


def _fetcher(files: dict[str, bytes]):
    """WeasyPrint's URL fetcher over a dict of files (its documented way: a URLFetcher subclass
    with its own fetch): a name under BASE is served from `files`; every other URL (http:,
    https:, file: elsewhere) is refused, never opened, and kept in `refused` to be said; a data:
    URL (an image inside an SVG figure) holds its bytes and is decoded."""
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class Files(URLFetcher):
        def __init__(self) -> None:
            super().__init__(allowed_protocols={"data"})  # super().fetch decodes data: URLs and opens nothing else
            self.refused: list[str] = []

        def fetch(self, url: str, headers=None) -> URLFetcherResponse:
            if url.startswith("data:"):
                return super().fetch(url, headers)
            name = url.removeprefix(BASE).split("#")[0] if url.startswith(BASE) else None
            if name is None or name not in files:
                if url not in self.refused:
                    self.refused.append(url)
                raise ValueError(f"not part of the course book: {url}")
            kind = mimetypes.guess_type(name)[0] or "application/octet-stream"
            return URLFetcherResponse(url, files[name], headers={"Content-Type": kind})

    return Files()


@contextmanager
def _weasyprint_messages(where: str, stylesheet_file: str) -> Iterator[None]:
    """WeasyPrint's warnings (about the template's CSS: they give its line and column) as notices
    naming the stylesheet, its errors (an image it cannot read) as notices naming the book,
    instead of lines on stderr; a refused URL is said once by print_pdf."""
    logger = logging.getLogger("weasyprint")
    said: list[str] = []

    class Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            message = record.getMessage()
            if record.levelno == logging.WARNING:
                said.append(f"{stylesheet_file}: {message}")
            elif record.levelno >= logging.ERROR and "not part of the course book" not in message:
                said.append(f"{where}: {message.splitlines()[0]}")

    handler = Collect()
    propagate = logger.propagate
    logger.addHandler(handler)
    logger.propagate = False
    try:
        yield
    finally:
        logger.removeHandler(handler)
        logger.propagate = propagate
    for line in said:
        notice(line)


def _shown(path: Path) -> str:
    """A path as the build output shows it: from the working folder when it lies below it."""
    try:
        return Path(os.path.relpath(path, Path.cwd())).as_posix() if path.is_relative_to(Path.cwd()) else str(path)
    except ValueError:  # another drive (Windows)
        return str(path)
