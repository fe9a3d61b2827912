"""The course's quizzes as a Moodle XML question bank (dist/moodle.xml), in the shape Moodle's
importer (question/format/xml/format.php) reads: a question category per module and per lesson,
then the lesson's questions as multichoice, truefalse and shortanswer (the cloze items).

The question bank itself (category paths, names, id numbers, the HTML of each text) is defined
here once and shared with the GIFT renderer, so that both formats import as the same bank.
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Iterator
from contextlib import contextmanager

from lxml import etree
from markupsafe import Markup

from courseware import catalogue
from courseware.content.model import BLANK, QuizItem, clean_line
from courseware.course import Course, LessonContent
from courseware.render import register
from courseware.render.quiztext import Degraded, mathjax_html, typed_answer
from courseware.render.sanitize import plain, xml_text
from courseware.writer import Writer

QTYPES = {"multiple_choice": "multichoice", "true_false": "truefalse", "cloze": "shortanswer"}
PENALTIES = {"multiple_choice": "0.3333333", "true_false": "1", "cloze": "0.3333333"}
# lxml writes its declaration with single quotes; this is the one Moodle itself writes.
DECLARATION = b'<?xml version="1.0" encoding="UTF-8"?>\n'
# The blank of a cloze prompt as the learner sees it: a line long enough to read as a gap.
LINE = "__________"
# Moodle stores a question's and a category's id number in a column of 100 characters.
IDNUMBER_LENGTH = 100
# A question's name shows the start of its stem, cut at a word to about this many characters:
# the bank's list stays readable, and each name stays well inside Moodle's 255.
STEM_LENGTH = 60


@register("moodle_xml")
def render_moodle_xml(course: Course, writer: Writer) -> None:
    """Write dist/moodle.xml: every lesson's quiz, in lesson order, below its own category."""
    buffer = io.BytesIO()
    buffer.write(DECLARATION)
    degraded = Degraded("moodle_xml")
    # lxml's incremental writer, unlike a tree, can split a CDATA section around "]]>".
    with etree.xmlfile(buffer, encoding="UTF-8") as xf:
        xml = _Xml(xf)
        with xml.element("quiz"):
            for path, number, item in categories(course):
                _category(xml, path, number)
                if item is not None:
                    for n, question in enumerate(item.quiz.items, start=1):
                        _question(xml, course, item, n, question, degraded)
    buffer.write(b"\n")
    writer.write_bytes("moodle.xml", buffer.getvalue())
    degraded.say(course)


# The bank, shared with the GIFT renderer.

def categories(course: Course) -> Iterator[tuple[str, str, LessonContent | None]]:
    """Each category in order as (path, id number, lesson): a module's (lesson None), then each of
    its lessons'. Moodle finds a category by its path on a re-import; the id number, set when the
    category is made, names it for good (a quiz's random questions can name it)."""
    title = course.loaded.spec.course.title
    module_id = None
    for item in course.lessons:
        if item.module.id != module_id:
            module_id = item.module.id
            yield category_path(title, item.module.title), _numbered(course, item.module.id), None
        yield category_path(title, item.module.title, item.lesson.title), _numbered(course, item.lesson.id), item


def category_path(*names: str) -> str:
    """A category path below the course's top category, each name escaped as Moodle expects."""
    return "/".join(["$course$", "top", *(_category_name(name) for name in names)])


def _category_name(name: str) -> str:
    # As Moodle's assemble_category_path: '/' doubled, and a name never starts or ends with one.
    escaped = clean_line(name).replace("/", "//")
    if escaped.startswith("/"):
        escaped = " " + escaped
    if escaped.endswith("/"):
        escaped += " "
    return escaped


def question_name(course: Course, item: LessonContent, n: int) -> str:
    """The question's name in the bank, what a teacher browses it by: '<lesson-id> Q<n> · <the start
    of its stem>…' ('m1-l1 Q2 · The flipped classroom is a variant of the smart…'), unique in the
    bank by its lesson and number. The offline provider's opening phrase ("True or false?") is left
    out: every such question starts with it."""
    stem = plain(item.quiz.items[n - 1].prompt)
    words = catalogue.words(course.language)
    for lead in (words["which_term"], words["true_or_false"], words["fill_blank"]):
        stem = stem.removeprefix(lead).strip() if stem.startswith(lead) and stem != lead else stem
    return f"{item.lesson.id} Q{n} · {_shortened(' '.join(stem.split()), STEM_LENGTH)}"


def _shortened(text: str, length: int) -> str:
    """`text` cut at the last word that ends within `length` characters, with '…' when cut; never
    inside a formula ($...$): before it."""
    if len(text) <= length:
        return text
    cut = text[: length + 1].rsplit(" ", 1)[0] if " " in text[:length] else text[:length]
    if cut.count("$") % 2:
        cut = cut[: cut.rindex("$")]
    return cut.rstrip(" ,;:.") + "…"


def idnumber(course: Course, item: LessonContent, n: int) -> str:
    """The question's stable id number: '<course-id>-<lesson-id>-q<n>' ('<course-id>-fr-<lesson-id>-q<n>'
    in a translation, so that banks of two languages imported side by side never share one),
    hashed short if too long for Moodle."""
    return _numbered(course, f"{item.lesson.id}-q{n}")


def _numbered(course: Course, ident: str) -> str:
    """'<course-id>-[<language>-]<ident>', hashed short if too long for Moodle's id number column."""
    language = f"{course.language}-" if course.language != course.original_language else ""
    full = f"{course.loaded.spec.course.id}-{language}{ident}"
    if len(full) <= IDNUMBER_LENGTH:
        return full
    digest = hashlib.sha256(full.encode("utf-8")).hexdigest()[:16]
    return f"{full[: IDNUMBER_LENGTH - len(digest) - 1]}-{digest}"


def html(course: Course, text: str, tag: str = "div") -> str:
    """Sanitized HTML of one line of markdown, marked with the course's language and direction;
    code as <code>, a formula as TeX between \\( and \\) for Moodle's MathJax filter."""
    # An LMS shows the bank in its own interface language: without lang and dir an Arabic
    # question would be laid out left to right, and read aloud with the wrong voice.
    wrapper = Markup('<{0} lang="{1}" dir="{2}">{3}</{0}>')
    return str(wrapper.format(Markup(tag), course.loaded.spec.course.language, course.direction, mathjax_html(text)))


def prompt_html(course: Course, question: QuizItem) -> str:
    """The question text as HTML, a cloze blank drawn as a line."""
    return html(course, question.prompt).replace(BLANK, LINE)


def accepted(text: str, degraded: Degraded | None = None, place: str = "") -> str:
    """A cloze answer as a short-answer pattern: what a learner types, a literal '*' escaped (Moodle's wildcard)."""
    return typed_answer(text, degraded, place).replace("*", "\\*")


# Writing XML.

class _Xml:
    """lxml's incremental writer, indented by two spaces a level."""

    def __init__(self, xf):
        self.xf = xf
        self.depth = 0

    def _newline(self) -> None:
        self.xf.write("\n" + "  " * self.depth)

    @contextmanager
    def element(self, tag: str, **attributes: str):
        if self.depth:  # nothing may precede the root element in lxml's writer
            self._newline()
        with self.xf.element(tag, attributes):
            self.depth += 1
            yield
            self.depth -= 1
            self._newline()

    def leaf(self, tag: str, value: str = "", **attributes: str) -> None:
        self._newline()
        with self.xf.element(tag, attributes):
            if value:
                self.xf.write(value)

    def text(self, value: str, as_html: bool = False) -> None:
        """A <text> element; HTML goes into CDATA, as Moodle writes it."""
        self._newline()
        value = xml_text(value)  # U+FFFF in a text would stop lxml, and the build with it
        with self.xf.element("text"):
            if value:
                self.xf.write(*(cdata(value) if as_html else [value]))


def cdata(text: str) -> list[etree.CDATA]:
    """`text` as CDATA sections; each "]]>" is split across two of them, as Moodle's exporter does."""
    pieces = text.split("]]>")
    last = len(pieces) - 1
    return [etree.CDATA((">" if k else "") + piece + ("]]" if k < last else "")) for k, piece in enumerate(pieces)]


def _category(xml: _Xml, path: str, number: str) -> None:
    with xml.element("question", type="category"):
        with xml.element("category"):
            xml.text(path)
        with xml.element("info", format="html"):
            xml.text("")
        xml.leaf("idnumber", number)


def _question(xml: _Xml, course: Course, item: LessonContent, n: int, question: QuizItem, degraded: Degraded) -> None:
    with xml.element("question", type=QTYPES[question.kind]):
        with xml.element("name"):
            xml.text(question_name(course, item, n))
        with xml.element("questiontext", format="html"):
            xml.text(prompt_html(course, question), as_html=True)
        with xml.element("generalfeedback", format="html"):
            xml.text(html(course, question.feedback), as_html=True)
        xml.leaf("defaultgrade", "1")
        xml.leaf("penalty", PENALTIES[question.kind])
        xml.leaf("hidden", "0")
        xml.leaf("idnumber", idnumber(course, item, n))
        said = _verdicts(course)
        if question.kind == "multiple_choice":
            xml.leaf("single", "true")
            xml.leaf("shuffleanswers", "true")
            xml.leaf("answernumbering", "abc")
            # The combined feedback Moodle shows under the answer, after the learner's verdict.
            for tag, verdict in (("correctfeedback", said[True]), ("partiallycorrectfeedback", said[None]), ("incorrectfeedback", said[False])):
                with xml.element(tag, format="html"):
                    xml.text(verdict, as_html=True)
            for option in question.options:
                _answer(xml, option.correct, html(course, option.text, "span"), "html")
        elif question.kind == "true_false":
            # Moodle matches the answers by these exact words; the options are [true, false].
            true_is_right = question.options[0].correct
            _answer(xml, true_is_right, "true", "moodle_auto_format", said[true_is_right])
            _answer(xml, not true_is_right, "false", "moodle_auto_format", said[not true_is_right])
        else:
            xml.leaf("usecase", "0")
            for option in question.options:
                _answer(xml, True, accepted(option.text, degraded, f"{item.lesson.id} question {n}"), "moodle_auto_format", said[True])


def _verdicts(course: Course) -> dict[bool | None, str]:
    """What Moodle says after a right (True), partly right (None) and wrong (False) answer, in the course's language."""
    words = catalogue.words(course.language)
    return {True: html(course, words["moodle_correct"]), None: html(course, words["moodle_partially"]), False: html(course, words["moodle_incorrect"])}


def _answer(xml: _Xml, right: bool, text: str, text_format: str, feedback: str = "") -> None:
    # The item's own feedback is the general feedback, shown whatever was answered; an answer's
    # feedback says only whether it was right.
    with xml.element("answer", fraction="100" if right else "0", format=text_format):
        xml.text(text, as_html=text_format == "html")
        with xml.element("feedback", format="html"):
            xml.text(feedback, as_html=True)
