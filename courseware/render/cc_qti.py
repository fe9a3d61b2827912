"""A lesson's quiz as a Common Cartridge 1.1 assessment: QTI 1.2.1 in the cartridge's profile
(ccv1p1_qtiasiv1p2p1_v1p0.xsd), in the shape Moodle's importer (backup/cc) and Canvas read.

Each question is an item whose `cc_profile` names its kind: cc.multiple_choice.v0p1 (one right
option; cc.multiple_response.v0p1 where several are right), cc.true_false.v0p1 (its options
labelled `true` and `false`, the identifiers Moodle requires) and cc.fib.v0p1 for a cloze item
(every accepted answer a `varequal` of the one condition that scores 100, which is how Moodle and
Canvas read the alternatives). The question's feedback is general feedback, shown whatever was
answered (a `continue="Yes"` condition on `<other/>`). Texts are the same HTML as the Moodle XML
bank's: lang and dir on each, code as <code>, a formula as TeX for Moodle's MathJax filter.
"""

from __future__ import annotations

from lxml import etree

from courseware.catalogue import words
from courseware.content.model import QuizItem
from courseware.course import Course, LessonContent
from courseware.render.moodle import html, prompt_html, question_name
from courseware.render.quiztext import Degraded, typed_answer
from courseware.render.qti import _unique
from courseware.render.sanitize import plain, xml_text

ASI = "http://www.imsglobal.org/xsd/ims_qtiasiv1p2"
ASI_XSD = "http://www.imsglobal.org/profile/cc/ccv1p1/ccv1p1_qtiasiv1p2p1_v1p0.xsd"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
RESPONSE = "response1"
TWO_OPTIONS = "a multiple-choice question with two options is written as one, though the profile asks for three or more (Moodle and Canvas import it)"
FEEDBACK = "general_fb"  # the identifier Canvas's own cartridges give general feedback
# The assessment's settings, in the profile's vocabulary: any number of attempts, feedback shown.
SETTINGS = (
    ("cc_profile", "cc.exam.v0p1"),
    ("qmd_assessmenttype", "Examination"),
    ("qmd_scoretype", "Percentage"),
    ("qmd_feedbackpermitted", "Yes"),
    ("qmd_solutionspermitted", "Yes"),
    ("cc_maxattempts", "unlimited"),
)


def quiz_title(course: Course, lesson: LessonContent) -> str:
    """What the LMS lists the quiz as: 'Quiz · <lesson title>' in the course's language."""
    return f"{words(course.language)['quiz']} · {lesson.lesson.title}"


def assessment(course: Course, lesson: LessonContent, degraded: Degraded) -> etree._Element:
    """The questestinterop document of one lesson's quiz: one section, an item per question."""
    root = etree.Element(f"{{{ASI}}}questestinterop", nsmap={None: ASI, "xsi": XSI})
    root.set(f"{{{XSI}}}schemaLocation", f"{ASI} {ASI_XSD}")
    test = _sub(root, "assessment", ident=f"quiz-{lesson.lesson.id}", title=quiz_title(course, lesson))
    test.set(XML_LANG, course.language)
    _metadata(test, SETTINGS)
    section = _sub(test, "section", ident="root_section", title=xml_text(plain(lesson.quiz.title)))
    for n, question in enumerate(lesson.quiz.items, start=1):
        _item(section, course, lesson, n, question, degraded)
    return root


def profile(question: QuizItem) -> str:
    """The item's cc_profile."""
    if question.kind == "cloze":
        return "cc.fib.v0p1"
    if question.kind == "true_false":
        return "cc.true_false.v0p1"
    return "cc.multiple_response.v0p1" if sum(o.correct for o in question.options) > 1 else "cc.multiple_choice.v0p1"


def labels(question: QuizItem) -> list[str]:
    """The identifiers of a choice item's options: `true` and `false` (the options are written
    [true, false]), else choice1, choice2 ..."""
    if question.kind == "true_false":
        return ["true", "false"]
    return [f"choice{k}" for k in range(1, len(question.options) + 1)]


def _item(section: etree._Element, course: Course, lesson: LessonContent, n: int, question: QuizItem, degraded: Degraded) -> None:
    kind = profile(question)
    if kind == "cc.multiple_choice.v0p1" and len(question.options) < 3:
        degraded.add(TWO_OPTIONS, f"{lesson.lesson.id} question {n}")
    item = _sub(section, "item", ident=f"{lesson.lesson.id}-q{n}", title=question_name(course, lesson, n))
    _metadata(_sub(item, "itemmetadata"), (("cc_profile", kind),))
    presentation = _sub(item, "presentation")
    _mattext(_sub(presentation, "material"), prompt_html(course, question))
    if question.kind == "cloze":
        answers = _unique(typed_answer(o.text, degraded, f"{lesson.lesson.id} question {n}") for o in question.options)
        box = _sub(_sub(presentation, "response_str", ident=RESPONSE, rcardinality="Single"), "render_fib", fibtype="String", prompt="Box")
        box.set("columns", str(max(20, (max(len(a) for a in answers) // 10 + 1) * 10)))  # its width gives nothing away
        _sub(box, "response_label", ident="answer1", rshuffle="No")
        right = [("varequal", answer) for answer in answers]
    else:
        idents = labels(question)
        choices = _sub(_sub(presentation, "response_lid", ident=RESPONSE, rcardinality="Multiple" if kind == "cc.multiple_response.v0p1" else "Single"), "render_choice", shuffle="No")
        for ident, option in zip(idents, question.options):
            _mattext(_sub(_sub(choices, "response_label", ident=ident), "material"), html(course, option.text, "span"))
        right = [("varequal" if o.correct else "not", ident) for ident, o in zip(idents, question.options) if o.correct or kind == "cc.multiple_response.v0p1"]
    _processing(item, right, several=kind == "cc.multiple_response.v0p1")
    feedback = _sub(_sub(item, "itemfeedback", ident=FEEDBACK), "flow_mat")
    _mattext(_sub(feedback, "material"), html(course, question.feedback))


def _processing(item: etree._Element, right: list[tuple[str, str]], several: bool) -> None:
    """SCORE 100 for the right answer (every right option and no other, for multiple response),
    else 0; the general feedback whatever the answer."""
    processing = _sub(item, "resprocessing")
    _sub(_sub(processing, "outcomes"), "decvar", varname="SCORE", vartype="Decimal", minvalue="0", maxvalue="100")
    shown = _sub(processing, "respcondition", title="feedback")
    shown.set("continue", "Yes")
    _sub(_sub(shown, "conditionvar"), "other")
    _sub(shown, "displayfeedback", feedbacktype="Response", linkrefid=FEEDBACK)
    scored = _sub(processing, "respcondition", title="correct")
    scored.set("continue", "No")
    condition = _sub(scored, "conditionvar")
    if several:
        condition = _sub(condition, "and")
    for test, value in right:
        parent = _sub(condition, "not") if test == "not" else condition
        _sub(parent, "varequal", respident=RESPONSE, case="No").text = xml_text(value)
    _sub(scored, "setvar", varname="SCORE", action="Set").text = "100"


def _metadata(parent: etree._Element, fields) -> None:
    metadata = _sub(parent, "qtimetadata")
    for label, entry in fields:
        field = _sub(metadata, "qtimetadatafield")
        _sub(field, "fieldlabel").text = label
        _sub(field, "fieldentry").text = entry


def _mattext(material: etree._Element, text: str) -> None:
    _sub(material, "mattext", texttype="text/html").text = xml_text(text)


def _sub(parent: etree._Element, tag: str, **attributes: str) -> etree._Element:
    return etree.SubElement(parent, f"{{{ASI}}}{tag}", attributes)

