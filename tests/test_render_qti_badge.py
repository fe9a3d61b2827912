"""The QTI 2.1 package and the Open Badges 3.0 Achievement, checked against the official schemas
(shared/standards: lxml for the XSDs, jsonschema for OB 3.0) and against the reviewed markdown."""

from __future__ import annotations

import base64
import json
import posixpath
import re
import shutil
import uuid
import zipfile
from pathlib import Path

import pytest
from jsonschema import Draft201909Validator
from lxml import etree
from referencing import Registry, Resource

import qti_schema
from conftest import SPECS, run_cli
from samples import copy_samples
from courseware.content.model import BLANK, Option, QuizItem
from courseware.markdown.frontmatter import split
from courseware.markdown.parse import parse_quiz
from courseware.markdown.inline import plain as inline_plain
from courseware.render.qti import assessment_item
from courseware.render.quiztext import typed
from courseware.spec.load import load_spec
from standards import standards

SPEC_FILES = {
    "blended-teaching": "course_specs/blended-teaching.yaml",
    "evaluation-formative": "course_specs/evaluation-formative.yaml",
    "taallum-mudmaj": "arabic/course.yaml",
}
LANGUAGES = {"blended-teaching": "en", "evaluation-formative": "fr", "taallum-mudmaj": "ar"}
WITH_BADGE = ("blended-teaching", "evaluation-formative")
QTI = "http://www.imsglobal.org/xsd/imsqti_v2p1"
CP = "http://www.imsglobal.org/xsd/imscp_v1p1"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
MATHML = "http://www.w3.org/1998/Math/MathML"
XSI_LOCATION = "{http://www.w3.org/2001/XMLSchema-instance}schemaLocation"
QTI_XSD = "http://www.imsglobal.org/xsd/qti/qtiv2p1/imsqti_v2p1.xsd"
OB_CONTEXT = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
# Everything an item body may hold: the interactions we write and QTI's XHTML subset for inline text.
BODY_ELEMENTS = {"itemBody", "choiceInteraction", "prompt", "simpleChoice", "textEntryInteraction", "modalFeedback",
                 "p", "span", "em", "strong", "code", "sub", "sup", "br", "a"}
HOSTILE = [
    "<script>alert('prompt')</script> plain words",
    "<img src=x onerror=\"alert('img')\"> after image",
    "[click me](javascript:alert(3)) and [data](data:text/html,<script>alert(4)</script>)",
    "<svg><script>alert(5)</script><circle onload=\"alert(6)\"/></svg> svg text",
    "[ftp link](ftp://example.org/file) and [relative](../../etc/passwd) links",
    "**bold** <a href=\"http://127.0.0.1:1/x\" onclick=\"alert(7)\">link</a> end ]]> & &amp; &nbsp; <![CDATA[x]]>",
]


def q(name: str) -> str:
    return f"{{{QTI}}}{name}"


def local(element) -> str:
    return etree.QName(element).localname


@pytest.fixture(scope="module")
def built(samples) -> Path:
    """The sample courses and the Arabic course, built offline (tests/samples.py)."""
    return samples


def package(root: Path, course: str) -> dict[str, bytes]:
    with zipfile.ZipFile(root / "output" / course / "dist/qti21.zip") as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def quizzes(root: Path, course: str) -> dict[str, list[QuizItem]]:
    """Each lesson's quiz items, read from the reviewed markdown."""
    found = {}
    for path in sorted((root / "output" / course / "content").glob("*/quiz.md")):
        front, body, first = split(path.read_text("utf-8"), str(path))
        found[path.parent.name] = parse_quiz(body, str(path), first).items
    return found


def text_of(element) -> str:
    """The text a learner reads, with a text entry shown as the blank it replaces and a formula
    as its LaTeX between dollars (as inline.plain writes it)."""
    parts = [element.text or ""]
    for child in element:
        if local(child) == "textEntryInteraction":
            parts.append(BLANK)
        elif etree.QName(child).namespace == MATHML:
            parts.append(f"${child.findtext('.//{*}annotation')}$")
        else:
            parts.append(text_of(child))
        parts.append(child.tail or "")
    return "".join(parts)


# The package -----------------------------------------------------------------------------------


@pytest.mark.parametrize("course", SPEC_FILES)
def test_zip_entries_are_safe_sorted_and_timeless(built, course):
    with zipfile.ZipFile(built / "output" / course / "dist/qti21.zip") as archive:
        assert archive.testzip() is None
        infos = archive.infolist()
    names = [info.filename for info in infos]
    assert names[0] == "imsmanifest.xml" and names[1:] == sorted(names[1:])
    for info in infos:
        assert info.date_time == (1980, 1, 1, 0, 0, 0)
        assert not info.filename.startswith("/") and ".." not in info.filename.split("/") and "\\" not in info.filename
        assert re.fullmatch(r"imsmanifest\.xml|items/[A-Za-z0-9_.-]+-q\d+\.xml|tests/[A-Za-z0-9_.-]+\.xml", info.filename)


@pytest.mark.parametrize("course", SPEC_FILES)
def test_every_item_and_test_validates_against_qti_2_1(built, course):
    schema = qti_schema.qti()
    files = package(built, course)
    checked = 0
    for name, data in files.items():
        if name == "imsmanifest.xml":
            continue
        document = qti_schema.parse(data)
        assert qti_schema.errors(schema, document) == [], name
        root = document.getroot()
        assert root.get(XSI_LOCATION) == f"{QTI} {QTI_XSD}"
        if name.startswith("items/"):
            assert root.tag == q("assessmentItem")
            assert root.get("identifier") == Path(name).stem and root.get("title")
            assert (root.get("adaptive"), root.get("timeDependent"), root.get(XML_LANG)) == ("false", "false", LANGUAGES[course])
        else:
            assert root.tag == q("assessmentTest")
        checked += 1
    assert checked == len(files) - 1 > 0


@pytest.mark.parametrize("course", SPEC_FILES)
def test_manifest_validates_and_lists_exactly_the_files(built, course):
    files = package(built, course)
    manifest = qti_schema.parse(files["imsmanifest.xml"])
    assert qti_schema.errors(qti_schema.content_package(), manifest) == []
    root = manifest.getroot()
    assert root.tag == f"{{{CP}}}manifest" and len(root.find(f"{{{CP}}}organizations")) == 0
    resources = root.findall(f"{{{CP}}}resources/{{{CP}}}resource")
    listed = [file.get("href") for resource in resources for file in resource.findall(f"{{{CP}}}file")]
    assert sorted(listed) == sorted(set(listed)) == sorted(name for name in files if name != "imsmanifest.xml")
    by_id = {resource.get("identifier"): resource for resource in resources}
    items = [r for r in resources if r.get("type") == "imsqti_item_xmlv2p1"]
    tests = [r for r in resources if r.get("type") == "imsqti_test_xmlv2p1"]
    assert len(items) + len(tests) == len(resources)
    assert sorted(r.get("href") for r in items) == sorted(name for name in files if name.startswith("items/"))
    assert len(tests) == len(quizzes(built, course))
    for test in tests:
        assert [f.get("href") for f in test.findall(f"{{{CP}}}file")] == [test.get("href")]
        document = qti_schema.parse(files[test.get("href")]).getroot()
        refs = document.findall(f"{q('testPart')}/{q('assessmentSection')}/{q('assessmentItemRef')}")
        hrefs = [posixpath.normpath(posixpath.join(posixpath.dirname(test.get("href")), ref.get("href"))) for ref in refs]
        dependencies = [by_id[d.get("identifierref")].get("href") for d in test.findall(f"{{{CP}}}dependency")]
        assert hrefs == dependencies and all(h in files for h in hrefs)
        for ref, href in zip(refs, hrefs):  # each reference names the item it points at
            assert ref.get("identifier") == qti_schema.parse(files[href]).getroot().get("identifier")


@pytest.mark.parametrize("course", SPEC_FILES)
def test_items_match_the_markdown(built, course):
    files = package(built, course)
    lessons = quizzes(built, course)
    assert sum(len(items) for items in lessons.values()) == sum(name.startswith("items/") for name in files)
    for lesson, questions in lessons.items():
        assert sum(name.startswith(f"items/{lesson}-q") for name in files) == len(questions)
        for n, question in enumerate(questions, start=1):
            item = qti_schema.parse(files[f"items/{lesson}-q{n}.xml"]).getroot()
            check_item(item, question)


def check_item(item, question: QuizItem) -> None:
    """The item asks what the markdown asks, accepts exactly its right answers and shows its feedback."""
    response = item.find(q("responseDeclaration"))
    correct = [v.text for v in response.iterfind(f"{q('correctResponse')}/{q('value')}")]
    body = item.find(q("itemBody"))
    assert {local(e) for e in body.iter() if etree.QName(e).namespace != MATHML} <= BODY_ELEMENTS
    if question.kind == "cloze":
        (entry,) = body.iter(q("textEntryInteraction"))
        paragraph = next(e for e in entry.iterancestors() if local(e) == "p")
        assert text_of(paragraph) == inline_plain(question.prompt)
        keys = [(e.get("mapKey"), e.get("mappedValue"), e.get("caseSensitive")) for e in response.iterfind(f"{q('mapping')}/{q('mapEntry')}")]
        answers = list(dict.fromkeys(typed(o.text) for o in question.options))
        assert keys == [(a, "1", "false") for a in answers]
        assert response.get("baseType") == "string" and correct == answers[:1]
        assert item.find(f"{q('responseProcessing')}//{q('mapResponse')}") is not None
    else:
        (interaction,) = body.iter(q("choiceInteraction"))
        assert (interaction.get("maxChoices"), interaction.get("shuffle")) == ("1", "false")
        assert text_of(interaction.find(q("prompt"))) == inline_plain(question.prompt)
        choices = interaction.findall(q("simpleChoice"))
        assert [text_of(c) for c in choices] == [inline_plain(o.text) for o in question.options]
        right = [c for c in choices if c.get("identifier") in correct]
        assert len(correct) == 1 and [text_of(c) for c in right] == [inline_plain(question.answer.text)]
        assert response.get("baseType") == "identifier"
        assert item.find(f"{q('responseProcessing')}//{q('match')}/{q('correct')}") is not None
    outcomes = {o.get("identifier"): o.get("baseType") for o in item.iterfind(q("outcomeDeclaration"))}
    assert outcomes["SCORE"] == "float" and outcomes["FEEDBACK"] == "identifier"
    set_outcomes = {s.get("identifier") for s in item.iter(q("setOutcomeValue"))}
    assert set_outcomes == {"SCORE", "FEEDBACK"}
    (feedback,) = item.findall(q("modalFeedback"))
    assert (feedback.get("outcomeIdentifier"), feedback.get("showHide")) == ("FEEDBACK", "show")
    assert feedback.get("identifier") in {b.text for b in item.iter(q("baseValue")) if b.get("baseType") == "identifier"}
    assert text_of(feedback).strip() == inline_plain(question.feedback)


def test_a_lesson_test_passes_at_the_pass_mark(built):
    files = package(built, "evaluation-formative")
    test = qti_schema.parse(files["tests/m1-l1.xml"]).getroot()
    refs = list(test.iter(q("assessmentItemRef")))
    assert len(refs) == 4 and len(test.findall(q("testPart"))) == 1
    assert test.find(f"{q('testPart')}/{q('itemSessionControl')}").get("showFeedback") == "true"
    threshold = test.find(f"{q('outcomeProcessing')}//{q('gte')}/{q('baseValue')}")
    assert float(threshold.text) == pytest.approx(0.75 * 4)  # the lesson's pass_score times its questions


def test_hostile_text_in_a_quiz_gives_valid_xml_and_no_script(tmp_path):
    shutil.copytree(SPECS, tmp_path / "course_specs")
    out = tmp_path / "output"
    spec = tmp_path / "course_specs/evaluation-formative.yaml"
    assert run_cli("build", spec, "--output", out, "--formats", "markdown").exit_code == 0
    quiz = out / "evaluation-formative/content/m1-l1/quiz.md"
    text = quiz.read_text("utf-8")
    hostile = " ".join(HOSTILE)  # after a word: at a line start raw HTML is refused as a block
    text = re.sub(r"(## Q1 [^\n]*\n\n)", lambda m: m.group(1) + "Hostile: " + hostile + " ", text, count=1)  # a prompt
    text = text.replace("\n- [ ] ", f"\n- [ ] Hostile: {HOSTILE[1]} & ", 1)  # an option
    text = text.replace("\n> ", f"\n> Hostile: {HOSTILE[0]} {HOSTILE[4]} ", 1)  # a feedback
    cloze = text.index("· cloze")
    blank = text.index(BLANK, cloze)  # the blank inside bold inside a link, beside a javascript: link
    text = text[:blank] + f"[**{BLANK}**](https://example.org/a_b) [x](javascript:alert(8)) ]]> &" + text[blank + len(BLANK):]
    quiz.write_text(text, "utf-8")
    result = run_cli("render", spec, "--output", out, "--formats", "qti21")
    assert result.exit_code == 0, result.stderr

    files = package(tmp_path, "evaluation-formative")
    questions = quizzes(tmp_path, "evaluation-formative")["m1-l1"]
    assert "<script>" in questions[0].prompt and any(q.kind == "cloze" and "javascript:" in q.prompt for q in questions)
    for n, question in enumerate(questions, start=1):
        data = files[f"items/m1-l1-q{n}.xml"]
        document = qti_schema.parse(data)
        assert qti_schema.errors(qti_schema.qti(), document) == []
        assert not re.search(rb"<(script|img|svg|iframe|circle)\b", data, re.I)
        for element in document.iter():
            assert local(element) not in {"script", "img", "svg", "object", "iframe"}
            assert not any(name.lower().startswith("on") for name in element.attrib)
            assert not re.match(r"\s*(javascript|data):", element.get("href", ""), re.I)
        check_item(document.getroot(), question)  # every hostile character survives as text
    cloze = next(n for n, question in enumerate(questions, start=1) if question.kind == "cloze")
    link = qti_schema.parse(files[f"items/m1-l1-q{cloze}.xml"]).getroot().find(f".//{q('a')}")
    assert link.get("href") == "https://example.org/a_b" and link.find(f"{q('strong')}/{q('textEntryInteraction')}") is not None


def make_item(kind: str, prompt: str, options: list[tuple[str, bool]], feedback: str = "Because.") -> QuizItem:
    return QuizItem(kind=kind, objective="LO1", prompt=prompt, options=[Option(text=t, correct=c) for t, c in options], feedback=feedback)


def test_a_blank_hidden_in_a_link_target_still_gets_its_text_entry():
    question = make_item("cloze", f"See [the guide](https://example.org/{BLANK}) then type ____ here", [("Answer", True), ("answer", True)])
    item = assessment_item(question, "x-q1", "Title", "en")
    assert qti_schema.errors(qti_schema.qti(), etree.ElementTree(item)) == []
    paragraph = item.find(f"{q('itemBody')}/{q('p')}")
    assert paragraph.find(q("a")).get("href") == f"https://example.org/{BLANK}"
    assert text_of(paragraph) == f"See the guide then type {BLANK} here {BLANK}"  # a second blank stays text; the entry comes last
    assert [e.get("mapKey") for e in item.iter(q("mapEntry"))] == ["Answer"]  # case-insensitive duplicates map once


def test_characters_xml_refuses_are_dropped():
    question = make_item("multiple_choice", "Pick \uffff one", [("yes\ufffe", True), ("no", False)])
    item = assessment_item(question, "1st", "T\uffff", "en")
    data = etree.tostring(item, encoding="UTF-8")
    assert qti_schema.errors(qti_schema.qti(), qti_schema.parse(data)) == []
    assert text_of(item.find(f".//{q('prompt')}")) == "Pick  one"


def test_the_schemas_really_check():
    """A broken item and a manifest with a misplaced LOM element fail: the validators are not vacuous."""
    item = assessment_item(make_item("true_false", "Sky is blue?", [("True", True), ("False", False)]), "i1", "T", "en")
    etree.SubElement(item.find(q("itemBody")), q("script")).text = "alert(1)"
    assert qti_schema.errors(qti_schema.qti(), etree.ElementTree(item)) != []
    md = "http://www.imsglobal.org/xsd/imsmd_v1p2"
    manifest = etree.fromstring(
        f'<manifest xmlns="{CP}" xmlns:imsmd="{md}" identifier="M"><metadata><imsmd:lom><imsmd:general>'
        f'<imsmd:language>en</imsmd:language><imsmd:title>not a langstring</imsmd:title></imsmd:general></imsmd:lom>'
        f'</metadata><organizations/><resources/></manifest>'
    )
    messages = qti_schema.errors(qti_schema.content_package(), etree.ElementTree(manifest))
    assert any("imsmd" in m or md in m for m in messages)


# The badge -------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def ob3() -> dict:
    return json.loads((standards() / "openbadges3/achievementcredential.json").read_text("utf-8"))


def achievement_validator(schema: dict) -> Draft201909Validator:
    """$defs/Achievement of the official schema, every $ref resolved inside that file (no retrieval)."""
    Draft201909Validator.check_schema(schema)
    registry = Registry().with_resource(schema["$id"], Resource.from_contents(schema))
    return Draft201909Validator({"$schema": schema["$schema"], "$ref": f"{schema['$id']}#/$defs/Achievement"}, registry=registry)


def read_badge(root: Path, course: str) -> dict:
    return json.loads((root / "output" / course / "dist/badge.json").read_text("utf-8"))


@pytest.mark.parametrize("course", WITH_BADGE)
def test_badge_validates_against_open_badges_3(built, course, ob3):
    badge = read_badge(built, course)
    errors = [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in achievement_validator(ob3).iter_errors(badge)]
    assert errors == []
    # The @context sub-schema refers to #/$defs/Context; validate it in the schema's own document.
    context = Draft201909Validator({"$ref": f"{ob3['$id']}#/properties/@context"}, registry=Registry().with_resource(ob3["$id"], Resource.from_contents(ob3)))
    assert list(context.iter_errors(badge["@context"])) == []
    assert badge["@context"] == ["https://www.w3.org/ns/credentials/v2", OB_CONTEXT]
    assert (standards() / "openbadges3" / OB_CONTEXT.rsplit("/", 1)[1]).is_file()  # the context we name is the one we ship
    assert badge["type"] == ["Achievement"]


@pytest.mark.parametrize("course", WITH_BADGE)
def test_badge_uses_only_terms_the_ob3_context_defines(built, course):
    """Every property is a term of the OB 3.0 JSON-LD context, top level or scoped to its type."""
    context = json.loads((standards() / "openbadges3" / OB_CONTEXT.rsplit("/", 1)[1]).read_text("utf-8"))["@context"]

    def terms(kind: str) -> set[str]:
        return set(context) | set(context.get(kind, {}).get("@context", {}))

    badge = read_badge(built, course)
    assert set(badge) - {"@context"} <= terms("Achievement")
    assert set(badge["criteria"]) <= terms("Criteria")
    assert set(badge["image"]) <= terms("Image")
    for alignment in badge["alignment"]:
        assert set(alignment) <= terms("Alignment")


@pytest.mark.parametrize("course", WITH_BADGE)
def test_badge_says_what_the_spec_says(built, course, ob3):
    spec = load_spec(built / SPEC_FILES[course]).spec
    badge = read_badge(built, course)
    assert badge["id"] == f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, f'urn:courseware:{course}')}"
    assert uuid.UUID(badge["id"].removeprefix("urn:uuid:")).version == 5
    assert (badge["name"], badge["criteria"]["narrative"]) == (spec.credential.name, spec.credential.criteria)
    assert badge["description"] == spec.credential.description
    assert badge["inLanguage"] == spec.course.language == LANGUAGES[course]
    # The schema's own pattern for an achievement's language (it names the property "@language").
    assert re.match(ob3["$defs"]["Achievement"]["properties"]["@language"]["pattern"], badge["inLanguage"])
    alignments = badge["alignment"]
    assert [a["targetCode"] for a in alignments] == [o.id for o in spec.objectives]
    assert [a["targetName"] for a in alignments] == [o.text for o in spec.objectives]
    assert [a["targetUrl"] for a in alignments] == [f"urn:courseware:{course}:objective:{o.id}" for o in spec.objectives]
    assert all(a["type"] == ["Alignment"] and a["targetDescription"] for a in alignments)


@pytest.mark.parametrize("course", WITH_BADGE)
def test_badge_image_is_an_embedded_accessible_svg(built, course):
    spec = load_spec(built / SPEC_FILES[course]).spec
    image = read_badge(built, course)["image"]
    assert image["type"] == "Image" and image["id"].startswith("data:image/svg+xml;base64,")
    svg = etree.fromstring(base64.b64decode(image["id"].split(",", 1)[1], validate=True), qti_schema.parser())
    S = "{http://www.w3.org/2000/svg}"
    assert svg.tag == f"{S}svg" and svg.get("role") == "img" and svg.get(XML_LANG) == spec.course.language
    labels = {e.get("id"): e.text for e in svg if e.tag in (f"{S}title", f"{S}desc")}
    assert [labels[i] for i in svg.get("aria-labelledby").split()] == [spec.credential.name, spec.course.title]
    assert " ".join(t.text for t in svg.iter(f"{S}tspan")) == spec.course.title
    for element in svg.iter():  # nothing to fetch, nothing to run
        assert etree.QName(element).localname not in {"image", "script", "foreignObject", "use", "style"}
        assert not any("href" in name or name.startswith("on") for name in element.attrib)
        assert not any("url(" in value or "//" in value for value in element.attrib.values())


def test_no_badge_without_a_credential(built):
    assert not (built / "output/taallum-mudmaj/dist/badge.json").exists()
    assert (built / "output/taallum-mudmaj/dist/qti21.zip").is_file()


def test_outputs_are_byte_identical_across_renders_and_folders(built, tmp_path):
    shutil.copytree(SPECS, tmp_path / "again/course_specs")
    dist = copy_samples(built / "output/evaluation-formative", tmp_path / "again/output/evaluation-formative") / "dist"
    before = {name: ((dist / name).read_bytes(), (dist / name).stat().st_mtime_ns) for name in ("badge.json", "qti21.zip")}
    assert run_cli("render", tmp_path / "again" / SPEC_FILES["evaluation-formative"], "--output", tmp_path / "again/output", "--formats", "qti21,badge").exit_code == 0
    assert {name: ((dist / name).read_bytes(), (dist / name).stat().st_mtime_ns) for name in before} == before  # not even rewritten
    shutil.copytree(SPECS, tmp_path / "course_specs")
    spec = tmp_path / "course_specs/evaluation-formative.yaml"
    assert run_cli("build", spec, "--output", tmp_path / "output", "--formats", "markdown,qti21,badge").exit_code == 0
    for name, (data, _) in before.items():
        assert (tmp_path / "output/evaluation-formative/dist" / name).read_bytes() == data, name
    assert json.loads(before["badge.json"][0]) == read_badge(built, "evaluation-formative")
    assert before["badge.json"][0].decode("utf-8").endswith("}\n") and list(json.loads(before["badge.json"][0])) == sorted(json.loads(before["badge.json"][0]))
