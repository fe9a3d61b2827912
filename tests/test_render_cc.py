"""Common Cartridge 1.1 (cc.imscc) as the LMSs read it: the manifest and every assessment against
the unmodified CC 1.1 schemas Moodle's importer uses (XSD and the Schematron rules inside them),
the checks neither can make (files, identifiers, links), Moodle's way of recognising and reading
a cartridge, and the answers against the reviewed quiz markdown."""

from __future__ import annotations

import posixpath
import re
import shutil
import zipfile
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import unquote, urlsplit

import pytest
import yaml
from lxml import etree

from cc_schema import manifest_errors, parse, qti_errors
from conftest import run_cli
from courseware.content.model import Option, QuizItem
from courseware.markdown.frontmatter import split
from courseware.markdown.parse import parse_quiz
from courseware.render.cc_qti import assessment
from courseware.render.quiztext import Degraded, mathjax_html, typed
from samples import COURSES

CP = "http://www.imsglobal.org/xsd/imsccv1p1/imscp_v1p1"
LOM = "http://ltsc.ieee.org/xsd/imsccv1p1/LOM/manifest"
ASI = "http://www.imsglobal.org/xsd/ims_qtiasiv1p2"
NS = {"cp": CP, "lom": LOM, "asi": ASI}
ASSESSMENT = "imsqti_xmlv1p2/imscc_xmlv1p1/assessment"
PROFILES = {"multiple_choice": "cc.multiple_choice.v0p1", "true_false": "cc.true_false.v0p1", "cloze": "cc.fib.v0p1"}


def cartridge(samples: Path, course_id: str) -> zipfile.ZipFile:
    return zipfile.ZipFile(samples / "output" / course_id / "dist" / "cc.imscc")


def spec(samples: Path, course_id: str) -> dict:
    return yaml.safe_load((samples / COURSES[course_id]).read_text("utf-8"))


def quizzes(samples: Path, course_id: str) -> dict[str, list[QuizItem]]:
    """Each lesson's quiz items, read from its reviewed quiz.md independently of the renderer."""
    found = {}
    for module in spec(samples, course_id)["modules"]:
        for lesson in module["lessons"]:
            path = samples / "output" / course_id / "content" / lesson["id"] / "quiz.md"
            _, body, first = split(path.read_text("utf-8"), str(path))
            found[lesson["id"]] = list(parse_quiz(body, str(path), first).items)
    return found


@pytest.mark.parametrize("course_id", COURSES)
def test_cartridge_validates_and_every_reference_resolves(samples, course_id):
    archive = cartridge(samples, course_id)
    names = archive.namelist()
    assert names[0] == "imsmanifest.xml"
    data = archive.read("imsmanifest.xml")
    assert manifest_errors(data) == []
    # Moodle's detect_format: the CC 1.1 namespace as the default one, in the first 500 bytes.
    head = re.sub(rb"\s", b"", data[:500].lower()).replace(b"'", b"").replace(b'"', b"")
    assert b"xmlns=http://www.imsglobal.org/xsd/imsccv1p1/imscp_v1p1" in head
    root = parse(data).getroot()
    identifiers = [e.get("identifier") for e in root.iter() if e.get("identifier") is not None]
    assert len(identifiers) == len(set(identifiers))
    resources = {r.get("identifier"): r for r in root.iterfind("cp:resources/cp:resource", NS)}
    refs = [e.get("identifierref") for e in root.iterfind(".//cp:item[@identifierref]", NS)]
    refs += [e.get("identifierref") for e in root.iterfind(".//cp:dependency", NS)]
    assert refs and all(ref in resources for ref in refs)
    listed = [f.get("href") for f in root.iterfind(".//cp:file", NS)]
    assert sorted(listed) == sorted(set(names) - {"imsmanifest.xml"})  # every file listed once, and the reverse
    for resource in resources.values():
        files = [f.get("href") for f in resource.iterfind("cp:file", NS)]
        if resource.get("type") == ASSESSMENT:  # the profile: one file, no href, no dependency on web content
            assert resource.get("href") is None and len(files) == 1 and resource.find("cp:dependency", NS) is None
            assert qti_errors(archive.read(files[0])) == [], files[0]
        elif resource.get("href"):
            assert resource.get("href") in files
    pages = {name: archive.read(name).decode("utf-8") for name in names if name.endswith(".html")}
    for name, html in pages.items():  # every relative link of every page resolves inside the cartridge
        for ref in re.findall(r'(?:src|href)="([^"]+)"', html):
            parts = urlsplit(ref)
            if parts.scheme:
                assert parts.scheme in {"http", "https", "mailto", "data"}, (name, ref)  # the text's own links out
                continue
            target = posixpath.normpath(posixpath.join(posixpath.dirname(name), unquote(parts.path))) if parts.path else name
            assert target in names, (name, ref)
            if parts.fragment and target in pages:
                assert f'id="{parts.fragment}"' in pages[target], (name, ref)
        assert "<script" not in html  # an LMS keeping the page's HTML keeps no script
        assert 'class="quiz"' not in html  # the quiz is the assessment


@pytest.mark.parametrize("course_id", COURSES)
def test_organization_is_the_course_outline(samples, course_id):
    facts = spec(samples, course_id)
    root = parse(cartridge(samples, course_id).read("imsmanifest.xml")).getroot()
    top = root.find("cp:organizations/cp:organization/cp:item", NS)
    parts = top.findall("cp:item", NS)
    # Moodle makes a section of each item below the root, the first its general section 0.
    assert parts[0].findtext("cp:title", namespaces=NS) == facts["course"]["title"]
    assert [i.get("identifierref") for i in parts[0].findall("cp:item", NS)] == ["res-sources"]
    assert [p.findtext("cp:title", namespaces=NS) for p in parts[1:]] == [m["title"] for m in facts["modules"]]
    for part, module in zip(parts[1:], facts["modules"]):
        expected = [ref for lesson in module["lessons"] for ref in (f"res-page-{lesson['id']}", f"res-quiz-{lesson['id']}")]
        assert [i.get("identifierref") for i in part.findall("cp:item", NS)] == expected
        assert part.findall("cp:item", NS)[0].findtext("cp:title", namespaces=NS) == module["lessons"][0]["title"]


@pytest.mark.parametrize("course_id", COURSES)
def test_assessments_hold_the_reviewed_answers(samples, course_id):
    archive = cartridge(samples, course_id)
    facts = spec(samples, course_id)["course"]
    direction = "rtl" if facts["language"] == "ar" else "ltr"
    for lesson_id, items in quizzes(samples, course_id).items():
        document = parse(archive.read(f"quizzes/{lesson_id}.xml"))
        found = document.findall(".//asi:section/asi:item", NS)  # where Moodle reads the questions
        assert len(found) == len(items)
        for n, (element, item) in enumerate(zip(found, items), start=1):
            assert element.get("title").startswith(f"{lesson_id} Q{n} · ")  # the name the Moodle bank gives it
            assert element.findtext(".//asi:qtimetadatafield[asi:fieldlabel='cc_profile']/asi:fieldentry", namespaces=NS) == PROFILES[item.kind]
            prompt = element.findtext("asi:presentation/asi:material/asi:mattext", namespaces=NS)  # Moodle's question text
            assert prompt == f'<div lang="{facts["language"]}" dir="{direction}">{mathjax_html(item.prompt)}</div>'.replace("____", "__________")
            scored = element.find("asi:resprocessing/asi:respcondition[asi:setvar='100']", NS)
            right = [v.text for v in scored.iterfind("asi:conditionvar/asi:varequal", NS)]
            if item.kind == "cloze":
                assert right == list(dict.fromkeys(typed(o.text) for o in item.options))
                assert element.find("asi:presentation/asi:response_str/asi:render_fib", NS) is not None
            else:
                labels = element.findall(".//asi:response_label", NS)
                texts = [label.findtext(".//asi:mattext", namespaces=NS) for label in labels]
                assert texts == [f'<span lang="{facts["language"]}" dir="{direction}">{mathjax_html(o.text)}</span>' for o in item.options]
                assert right == [label.get("ident") for label, o in zip(labels, item.options) if o.correct]
                if item.kind == "true_false":  # Moodle takes the answers by these identifiers
                    assert [label.get("ident") for label in labels] == ["true", "false"]
            # General feedback as Moodle reads it: a continue="Yes" condition's displayfeedback.
            general = element.find("asi:resprocessing/asi:respcondition[@continue='Yes']/asi:displayfeedback", NS).get("linkrefid")
            feedback = element.findtext(f"asi:itemfeedback[@ident='{general}']/asi:flow_mat/asi:material/asi:mattext", namespaces=NS)
            assert feedback == f'<div lang="{facts["language"]}" dir="{direction}">{mathjax_html(item.feedback)}</div>'


def test_arabic_cartridge_says_its_language_and_direction(samples):
    archive = cartridge(samples, "taallum-mudmaj")
    root = parse(archive.read("imsmanifest.xml")).getroot()
    assert root.findtext("cp:metadata/lom:lom/lom:general/lom:language", namespaces=NS) == "ar"
    title = root.find("cp:metadata/lom:lom/lom:general/lom:title/lom:string", NS)
    assert title.get("language") == "ar" and title.text == spec(samples, "taallum-mudmaj")["course"]["title"]
    assert root.find("cp:metadata/lom:lom/lom:rights/lom:description/lom:string", NS).get("language") == "ar"
    for name in archive.namelist():
        if name.endswith(".html"):
            assert '<html lang="ar" dir="rtl">' in archive.read(name).decode("utf-8"), name
        if name.startswith("quizzes/"):
            test = parse(archive.read(name)).find("asi:assessment", NS)
            assert test.get("{http://www.w3.org/XML/1998/namespace}lang") == "ar"


def test_schemas_catch_a_broken_cartridge(samples):
    archive = cartridge(samples, "blended-teaching")
    manifest = archive.read("imsmanifest.xml")
    assert manifest_errors(manifest.replace(b"<schemaversion>1.1.0<", b"<schemaversion>1.3.0<"))
    nested = manifest.replace(b'identifierref="res-page-m1-l1">', b'identifierref="res-page-m1-l1"><item identifier="x"><title>x</title></item>', 1)
    assert any("RULE 8b" in e for e in manifest_errors(nested))  # a learning object's item has no children
    quiz = archive.read("quizzes/m1-l1.xml")
    assert any("RULE 3d" in e for e in qti_errors(quiz.replace(b'<response_label ident="false">', b'<response_label ident="maybe"/><response_label ident="false">', 1)))
    assert any("RULE 12c" in e for e in qti_errors(quiz.replace(b'linkrefid="general_fb"', b'linkrefid="elsewhere"', 1)))


def test_several_right_options_are_a_multiple_response_item():
    # The content model asks for one right option; the profile's multiple response is there for
    # a quiz that has several: every right option and no other scores.
    options = [Option(text=t, correct=c) for t, c in (("red", True), ("green", False), ("blue", True))]
    question = QuizItem.model_construct(kind="multiple_choice", objective="LO1", prompt="Which are primary colours of light?", options=options, feedback="Red, green and blue.")
    lesson = SimpleNamespace(lesson=SimpleNamespace(id="l1", title="Colour"), quiz=SimpleNamespace(title="Colour", items=[question]))
    course = SimpleNamespace(language="en", direction="ltr", loaded=SimpleNamespace(spec=SimpleNamespace(course=SimpleNamespace(language="en"))))
    data = etree.tostring(assessment(course, lesson, Degraded("cc")), xml_declaration=True, encoding="UTF-8")
    assert qti_errors(data) == []
    item = parse(data).find(".//asi:item", NS)
    assert item.find(".//asi:response_lid", NS).get("rcardinality") == "Multiple"
    condition = item.find("asi:resprocessing/asi:respcondition[asi:setvar='100']/asi:conditionvar/asi:and", NS)
    assert [v.text for v in condition.findall("asi:varequal", NS)] == ["choice1", "choice3"]
    assert [v.text for v in condition.findall("asi:not/asi:varequal", NS)] == ["choice2"]


def writable_copy(samples: Path, root: Path, *course_ids: str) -> Path:
    """The specs, their sources and the named courses' reviewed content at `root`, in the samples' layout."""
    for folder in ("course_specs", "arabic"):
        shutil.copytree(samples / folder, root / folder)
    for course_id in course_ids:
        shutil.copytree(samples / "output" / course_id / "content", root / "output" / course_id / "content")
    for path in [root, *root.rglob("*")]:
        path.chmod(0o755 if path.is_dir() else 0o644)
    return root


def test_rebuild_is_byte_identical(samples, tmp_path):
    root = writable_copy(samples, tmp_path, *COURSES)
    for course_id, spec_path in COURSES.items():
        result = run_cli("render", root / spec_path, "--output", root / "output", "--formats", "cc")
        assert result.exit_code == 0, result.stderr
        again = root / "output" / course_id / "dist" / "cc.imscc"
        assert again.read_bytes() == (samples / "output" / course_id / "dist" / "cc.imscc").read_bytes(), course_id
        assert all(info.date_time == (1980, 1, 1, 0, 0, 0) for info in zipfile.ZipFile(again).infolist())


def test_hand_edited_hostile_quiz(samples, tmp_path):
    from test_render_quizbanks import TRICKY

    root = writable_copy(samples, tmp_path, "blended-teaching")
    quiz = root / "output/blended-teaching/content/m1-l1/quiz.md"
    text = quiz.read_text("utf-8")
    quiz.write_text(text[: text.index("\n---\n", 3) + 5] + TRICKY, "utf-8")
    assert run_cli("render", root / COURSES["blended-teaching"], "--output", root / "output", "--formats", "cc").exit_code == 0
    archive = zipfile.ZipFile(root / "output/blended-teaching/dist/cc.imscc")
    data = archive.read("quizzes/m1-l1.xml")
    assert qti_errors(data) == [] and manifest_errors(archive.read("imsmanifest.xml")) == []
    items = parse(data).findall(".//asi:item", NS)
    prompt = items[0].findtext("asi:presentation/asi:material/asi:mattext", namespaces=NS)
    assert "<script" not in prompt and "&lt;script&gt;alert(1)" in prompt and "]]&gt;" in prompt and "مرحبا بكم" in prompt  # raw HTML is text
    cloze = items[2].find("asi:resprocessing/asi:respcondition[asi:setvar='100']/asi:conditionvar", NS)
    assert [v.text for v in cloze.findall("asi:varequal", NS)] == ["a->b ~ c", "%50% #1 = {z}", "x*y"]  # literal, as typed
