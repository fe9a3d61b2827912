"""The QTI 2.1 content package qti21.zip: an assessmentItem per quiz question, an assessmentTest
per lesson and an IMS CP 1.1.4 manifest listing them. All XML is built with lxml; the untrusted
inline markdown goes through the sanitizer, then into QTI's XHTML elements, never as raw text."""

from __future__ import annotations

import re
from html.parser import HTMLParser

from lxml import etree

from courseware.catalogue import words
from courseware.content.model import BLANK, QuizItem
from courseware.course import Course, LessonContent
from courseware.markdown.inline import MathError, mathml
from courseware.render import register
from courseware.render.archive import deterministic_zip
from courseware.render.mathml2 import MATHML, Unsupported, to_mathml2
from courseware.render.quiztext import Degraded, has_math, marked, typed_answer
from courseware.render.sanitize import plain
from courseware.writer import Writer

QTI = "http://www.imsglobal.org/xsd/imsqti_v2p1"
QTI_XSD = "http://www.imsglobal.org/xsd/qti/qtiv2p1/imsqti_v2p1.xsd"
CP = "http://www.imsglobal.org/xsd/imscp_v1p1"
CP_XSD = "http://www.imsglobal.org/xsd/imscp_v1p1.xsd"
MD = "http://www.imsglobal.org/xsd/imsmd_v1p2"
MD_XSD = "http://www.imsglobal.org/xsd/imsmd_v1p2p4.xsd"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
MANIFEST = "imsmanifest.xml"

NO_MATHML2 = "a formula that MathML 2 (what QTI 2.1 reads) cannot hold is shown as its LaTeX"
# The sanitizer's tags that QTI 2.1 also has; anything else keeps its text and loses its tag.
INLINE = {"a", "em", "strong", "code", "sub", "sup", "span"}
# Elements whose content is text mixed with inline markup: indenting inside them would change the text.
MIXED = INLINE | {"p", "prompt", "simpleChoice", "value", "baseValue"}
# XML 1.0 refuses these code points even as character references.
NOT_XML = re.compile("[^\u0009\u000a\u000d\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


@register("qti21")
def render_qti(course: Course, writer: Writer) -> None:
    """Write dist/qti21.zip: items/<lesson>-q<n>.xml, tests/<lesson>.xml and imsmanifest.xml."""
    files: dict[str, bytes] = {}
    lessons: list[tuple[LessonContent, list[tuple[str, str]]]] = []
    language = course.loaded.spec.course.language
    labels = words(language)
    degraded = Degraded("qti21")
    for lesson in course.lessons:
        items = []
        for n, question in enumerate(lesson.quiz.items, start=1):
            identifier = f"{lesson.lesson.id}-q{n}"  # a normalizedString in QTI; the manifest's xs:IDs get a prefix
            href = f"items/{lesson.lesson.id}-q{n}.xml"
            title = f"{lesson.lesson.title} · {labels['question']} {n}"
            place = f"{lesson.lesson.id} question {n}"
            files[href] = _serialize(assessment_item(question, identifier, title, language, degraded, place))
            items.append((identifier, href))
        files[f"tests/{lesson.lesson.id}.xml"] = _serialize(assessment_test(lesson, items))
        lessons.append((lesson, items))
    files[MANIFEST] = _serialize(manifest(course, lessons))
    writer.write_bytes("qti21.zip", deterministic_zip(files, first=(MANIFEST,)))
    degraded.say(course)


# Items -----------------------------------------------------------------------------------------


def assessment_item(question: QuizItem, identifier: str, title: str, language: str, degraded: Degraded | None = None, place: str = "") -> etree._Element:
    """One non-adaptive assessmentItem: a choice or a text entry, scored 0/1, feedback after an
    answer; code and math inline (m:math), what QTI cannot hold noted in `degraded`."""
    shown = _Shown(degraded, place)
    texts = [question.prompt, question.feedback, *(o.text for o in question.options)]
    nsmap = {"m": MATHML} if any(has_math(t) for t in texts) else None  # QTI imports MathML 2 for m:math
    item = _root(QTI, "assessmentItem", QTI_XSD, nsmap=nsmap, identifier=identifier, title=title, adaptive="false", timeDependent="false", toolName="courseware")
    item.set(XML_LANG, language)
    cloze = question.kind == "cloze"
    response = _q(item, "responseDeclaration", identifier="RESPONSE", cardinality="single", baseType="string" if cloze else "identifier")
    answers = _unique(typed_answer(o.text, degraded, place) for o in question.options) if cloze else []
    correct = answers[0] if cloze else f"choice_{next(k for k, o in enumerate(question.options, start=1) if o.correct)}"
    _q(_q(response, "correctResponse"), "value").text = _text(correct)
    if cloze:
        mapping = _q(response, "mapping", defaultValue="0", lowerBound="0", upperBound="1")
        for answer in answers:
            _q(mapping, "mapEntry", mapKey=_text(answer), mappedValue="1", caseSensitive="false")
    _outcome(item, "SCORE", "float", "0", normalMaximum="1")
    _outcome(item, "MAXSCORE", "float", "1")
    _q(item, "outcomeDeclaration", identifier="FEEDBACK", cardinality="single", baseType="identifier")

    body = _q(item, "itemBody")
    if cloze:
        _cloze_paragraph(body, question.prompt, max(len(a) for a in answers), shown)
    else:
        interaction = _q(body, "choiceInteraction", responseIdentifier="RESPONSE", shuffle="false", maxChoices="1")
        _xhtml(_q(interaction, "prompt"), question.prompt, shown)
        for k, option in enumerate(question.options, start=1):
            _xhtml(_q(interaction, "simpleChoice", identifier=f"choice_{k}"), option.text, shown)

    _response_processing(item, cloze)
    feedback = _q(item, "modalFeedback", outcomeIdentifier="FEEDBACK", identifier="SHOWN", showHide="show")
    _xhtml(_q(feedback, "p"), question.feedback, shown)
    return item


def _response_processing(item: etree._Element, cloze: bool) -> None:
    """SCORE: 1 for the right choice (or the mapped value of the typed answer), else 0; FEEDBACK once answered."""
    processing = _q(item, "responseProcessing")
    condition = _q(processing, "responseCondition")
    first = _q(condition, "responseIf")
    if cloze:  # the map_response template: a null answer scores 0, any other its mapped value
        _q(_q(first, "isNull"), "variable", identifier="RESPONSE")
        _set(first, "SCORE", "float", "0")
        _q(_q(_q(condition, "responseElse"), "setOutcomeValue", identifier="SCORE"), "mapResponse", identifier="RESPONSE")
    else:  # the match_correct template
        match = _q(first, "match")
        _q(match, "variable", identifier="RESPONSE")
        _q(match, "correct", identifier="RESPONSE")
        _set(first, "SCORE", "float", "1")
        _set(_q(condition, "responseElse"), "SCORE", "float", "0")
    answered = _q(_q(processing, "responseCondition"), "responseIf")
    _q(_q(_q(answered, "not"), "isNull"), "variable", identifier="RESPONSE")
    _set(answered, "FEEDBACK", "identifier", "SHOWN")


def _cloze_paragraph(body: etree._Element, prompt: str, longest: int, shown: _Shown) -> None:
    """The prompt as a paragraph with a textEntryInteraction where its (first) blank was."""
    marker, k = "cwblank", 0
    while marker in prompt.casefold():  # a placeholder the markdown renderer leaves alone
        k += 1
        marker = f"cwblank{k}x"
    paragraph = _q(body, "p")
    # A box a little wider than the longest answer, in steps of ten, so its width gives nothing away.
    width = max(20, (longest // 10 + 1) * 10)
    interaction = etree.Element(f"{{{QTI}}}textEntryInteraction", responseIdentifier="RESPONSE", expectedLength=str(width))
    _xhtml(paragraph, prompt.replace(BLANK, marker, 1), shown, marker, interaction)
    if interaction.getparent() is None:  # the blank sat inside a link target: ask after the text
        _append_text(paragraph, " ")
        paragraph.append(interaction)


# Tests and manifest ----------------------------------------------------------------------------


def assessment_test(lesson: LessonContent, items: list[tuple[str, str]]) -> etree._Element:
    """A lesson's quiz as a linear test: one testPart, one section, the summed SCORE and PASS at the pass mark."""
    test = _root(QTI, "assessmentTest", QTI_XSD, identifier=f"test-{lesson.lesson.id}", title=lesson.lesson.title, toolName="courseware")
    _outcome(test, "SCORE", "float", "0")
    _outcome(test, "MAXSCORE", "float", _number(len(items)))
    _q(test, "outcomeDeclaration", identifier="PASS", cardinality="single", baseType="boolean")
    part = _q(test, "testPart", identifier="part-1", navigationMode="linear", submissionMode="individual")
    _q(part, "itemSessionControl", showFeedback="true", allowReview="true", showSolution="true")  # feedback is off by default
    section = _q(part, "assessmentSection", identifier="section-1", title=plain(lesson.quiz.title), visible="true")
    for identifier, href in items:
        _q(section, "assessmentItemRef", identifier=identifier, href=f"../{href}")
    processing = _q(test, "outcomeProcessing")
    _q(_q(_q(processing, "setOutcomeValue", identifier="SCORE"), "sum"), "testVariables", variableIdentifier="SCORE")
    passed = _q(_q(processing, "setOutcomeValue", identifier="PASS"), "gte")
    _q(passed, "variable", identifier="SCORE")
    _q(passed, "baseValue", baseType="float").text = _number(lesson.lesson.quiz.pass_score * len(items))
    return test


def manifest(course: Course, lessons: list[tuple[LessonContent, list[tuple[str, str]]]]) -> etree._Element:
    """The IMS CP manifest: LOM metadata, no organization, a resource per item and per lesson test."""
    spec = course.loaded.spec
    language = spec.course.language
    root = _root(CP, "manifest", f"{CP} {CP_XSD} {MD} {MD_XSD}", nsmap={"imsmd": MD}, identifier=f"MANIFEST-{spec.course.id}")
    metadata = etree.SubElement(root, f"{{{CP}}}metadata")
    etree.SubElement(metadata, f"{{{CP}}}schema").text = "QTIv2.1 Package"
    etree.SubElement(metadata, f"{{{CP}}}schemaversion").text = "1.0.0"
    general = etree.SubElement(etree.SubElement(metadata, f"{{{MD}}}lom"), f"{{{MD}}}general")
    _langstring(etree.SubElement(general, f"{{{MD}}}title"), spec.course.title, language)
    etree.SubElement(general, f"{{{MD}}}language").text = language
    if spec.course.description:
        _langstring(etree.SubElement(general, f"{{{MD}}}description"), spec.course.description, language)
    etree.SubElement(root, f"{{{CP}}}organizations")
    resources = etree.SubElement(root, f"{{{CP}}}resources")
    for lesson, items in lessons:
        for identifier, href in items:
            resource = etree.SubElement(resources, f"{{{CP}}}resource", identifier=f"ITEM-{identifier}", type="imsqti_item_xmlv2p1", href=href)
            etree.SubElement(resource, f"{{{CP}}}file", href=href)
    for lesson, items in lessons:
        href = f"tests/{lesson.lesson.id}.xml"
        resource = etree.SubElement(resources, f"{{{CP}}}resource", identifier=f"TEST-{lesson.lesson.id}", type="imsqti_test_xmlv2p1", href=href)
        etree.SubElement(resource, f"{{{CP}}}file", href=href)
        for identifier, _ in items:
            etree.SubElement(resource, f"{{{CP}}}dependency", identifierref=f"ITEM-{identifier}")
    return root


# Inline markdown to QTI XHTML and MathML -------------------------------------------------------


class _Inline(HTMLParser):
    """Rebuilds the sanitizer's inline HTML as QTI elements under `parent`, each formula marker
    as an m:math element; unknown tags keep only their text."""

    def __init__(self, parent: etree._Element, shown: _Shown, marker: str | None, interaction: etree._Element | None, formulas: re.Pattern[str], latex: list[str]):
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, etree._Element]] = [("", parent)]
        self.shown, self.marker, self.interaction = shown, marker, interaction
        self.formulas, self.latex = formulas, latex

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        parent = self.stack[-1][1]
        if tag == "br":
            etree.SubElement(parent, f"{{{QTI}}}br")
            return
        if tag not in INLINE or (tag == "a" and not values.get("href")):
            self.stack.append((tag, parent))  # no element: the text goes to the parent
            return
        element = etree.SubElement(parent, f"{{{QTI}}}{tag}")
        if tag == "a":
            element.set("href", self._attribute(values["href"]))
        if values.get("lang"):
            element.set(XML_LANG, self._attribute(values["lang"]))
        self.stack.append((tag, element))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "br":
            self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        for depth in range(len(self.stack) - 1, 0, -1):
            if self.stack[depth][0] == tag:
                del self.stack[depth:]
                return

    def handle_data(self, data: str) -> None:
        parent = self.stack[-1][1]
        pieces = self.formulas.split(data)  # text, formula index, text, ...
        for k, piece in enumerate(pieces):
            if k % 2:
                parent.append(self.shown.math(self.latex[int(piece)]))
            else:
                self._text(parent, piece)

    def _text(self, parent: etree._Element, data: str) -> None:
        if self.marker and self.interaction is not None and self.interaction.getparent() is None and self.marker in data:
            before, after = data.split(self.marker, 1)
            _append_text(parent, before)
            parent.append(self.interaction)
            data = after
        _append_text(parent, data.replace(self.marker, BLANK) if self.marker else data)

    def _attribute(self, value: str) -> str:
        value = self.formulas.sub(lambda m: f"${self.latex[int(m.group(1))]}$", value)
        return _text(value.replace(self.marker, BLANK) if self.marker else value)


def _xhtml(parent: etree._Element, text: str, shown: _Shown, marker: str | None = None, interaction: etree._Element | None = None) -> None:
    """Append a line of inline markdown to `parent` as QTI XHTML with MathML, the interaction placed at `marker`."""
    html, formulas, latex = marked(text)
    parser = _Inline(parent, shown, marker, interaction, formulas, latex)
    parser.feed(html)
    parser.close()


class _Shown:
    """How one item shows its formulas: as m:math, or where MathML 2 cannot hold one, as its LaTeX."""

    def __init__(self, degraded: Degraded | None, place: str):
        self.degraded, self.place = degraded, place

    def math(self, latex: str) -> etree._Element:
        try:
            return math_element(latex)
        except (MathError, Unsupported, etree.XMLSyntaxError):
            if self.degraded is not None:
                self.degraded.add(NO_MATHML2, f"${latex}$ in {self.place}")
            code = etree.Element(f"{{{QTI}}}code")
            code.text = _text(f"${latex}$")
            return code


def math_element(latex: str) -> etree._Element:
    """A formula as an m:math element that QTI 2.1's MathML 2 schema accepts."""
    return to_mathml2(etree.fromstring(mathml(latex)))


def _append_text(parent: etree._Element, text: str) -> None:
    text = _text(text)
    if not text:
        return
    children = list(parent)
    if children:
        children[-1].tail = (children[-1].tail or "") + text
    else:
        parent.text = (parent.text or "") + text


# Small helpers ---------------------------------------------------------------------------------


def _root(namespace: str, tag: str, schema_location: str, nsmap: dict | None = None, **attributes: str) -> etree._Element:
    if " " not in schema_location:
        schema_location = f"{namespace} {schema_location}"
    root = etree.Element(f"{{{namespace}}}{tag}", nsmap={None: namespace, **(nsmap or {}), "xsi": XSI})
    root.set(f"{{{XSI}}}schemaLocation", schema_location)
    for name, value in attributes.items():
        root.set(name, _text(value))
    return root


def _q(parent: etree._Element, tag: str, **attributes: str) -> etree._Element:
    return etree.SubElement(parent, f"{{{QTI}}}{tag}", {name: _text(value) for name, value in attributes.items()})


def _outcome(parent: etree._Element, identifier: str, base_type: str, default: str, **extra: str) -> None:
    outcome = _q(parent, "outcomeDeclaration", identifier=identifier, cardinality="single", baseType=base_type, **extra)
    _q(_q(outcome, "defaultValue"), "value").text = default


def _set(parent: etree._Element, identifier: str, base_type: str, value: str) -> None:
    _q(_q(parent, "setOutcomeValue", identifier=identifier), "baseValue", baseType=base_type).text = value


def _langstring(parent: etree._Element, text: str, language: str) -> None:
    string = etree.SubElement(parent, f"{{{MD}}}langstring")
    string.set(XML_LANG, language)
    string.text = _text(text)


def _unique(values) -> list[str]:
    """Values in order, each once (ignoring case, since the mapping does)."""
    seen: dict[str, str] = {}
    for value in values:
        seen.setdefault(value.casefold(), value)
    return list(seen.values())


def _number(value: float) -> str:
    return format(round(value, 6), "g")


def _text(value: str) -> str:
    return NOT_XML.sub("", value)


def _indent(element: etree._Element, level: int = 0) -> None:
    """Indent the structure, never inside mixed content (where white space is text)."""
    children = list(element)
    if not children or etree.QName(element).localname in MIXED:
        return
    element.text = "\n" + "  " * (level + 1)
    for child in children:
        _indent(child, level + 1)
        child.tail = "\n" + "  " * (level + 1)
    children[-1].tail = "\n" + "  " * level


def _serialize(root: etree._Element) -> bytes:
    _indent(root)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8") + b"\n"
