"""XLIFF for human translators, from the user's side: `courseware translations export` writes XLIFF
1.2 that the OASIS strict schema and translate-toolkit accept, a test plays the translator, and
`courseware translations import` writes the reviewed translations or names every problem."""

from __future__ import annotations

import copy
import json
import re
import shutil
from functools import cache
from pathlib import Path

import pytest
from lxml import etree

from conftest import SPECS, run_cli, snapshot
from courseware.markdown.frontmatter import body_hash, split
from courseware.spec.load import load_spec
from courseware.translate.plan import parse_translation, read_translation
from courseware.translate.units import Unit
from courseware.translate.xliff import translation_tasks
from courseware.translate.xliff_format import NS, rich

SCHEMAS = Path("/usr/share/php/Symfony/Component/Translation/Resources/schemas")  # Debian: php-symfony-translation
COURSE = "describing-data"
GLOSSARY = {"fr": {"mean": "moyenne", "median": "médiane", "histogram": "histogramme"}, "ar": {"mean": "المتوسط", "median": "الوسيط", "histogram": "المدرج التكراري"}}
MARK = {"fr": "[traduit]", "ar": "[مترجم]"}
LINK = "see [the course notes on *spread*](https://example.org/notes \"Notes\") and call `statistics.mean()`"


def q(name: str) -> str:
    return f"{{{NS}}}{name}"


@cache
def strict_schema() -> etree.XMLSchema:
    """xliff-core-1.2-strict.xsd, its import of the XML namespace's schema resolved to the copy beside it."""

    class Local(etree.Resolver):
        def resolve(self, url, pubid, context):
            if url == "http://www.w3.org/2001/xml.xsd":  # the schema's schemaLocation: never fetched
                return self.resolve_filename(str(SCHEMAS / "xml.xsd"), context)
            return None

    parser = etree.XMLParser(no_network=True, resolve_entities=False)
    parser.resolvers.add(Local())
    return etree.XMLSchema(etree.parse(str(SCHEMAS / "xliff-core-1.2-strict.xsd"), parser))


def schema_errors(path: Path) -> list[str]:
    schema = strict_schema()
    document = etree.parse(str(path), etree.XMLParser(no_network=True, resolve_entities=False))
    return [] if schema.validate(document) else [f"line {e.line}: {e.message}" for e in schema.error_log]


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    """The statistics sample course built offline, translated into fr and ar with a glossary; its
    first lesson edited by hand to hold a link and a code span too."""
    root = tmp_path_factory.mktemp("xliff")
    shutil.copytree(SPECS, root / "course_specs")
    spec = root / "course_specs" / f"{COURSE}.yaml"
    glossary = "".join(f"  - {{term: {term}, fr: {fr}, ar: {GLOSSARY['ar'][term]}}}\n" for term, fr in GLOSSARY["fr"].items())
    spec.write_text(spec.read_text("utf-8") + f"\ntranslations: [fr, ar]\nglossary:\n{glossary}", "utf-8")
    result = run_cli("build", spec, "--provider", "offline", "--formats", "gift", "--output", root / "output")
    assert result.exit_code == 0, result.stderr
    lesson = root / "output" / COURSE / "content" / "m1-l1" / "lesson.md"
    text = lesson.read_text("utf-8")
    lesson.write_text(text.replace("to the next class.[^1]", f"to the next class; {LINK}.[^1]", 1), "utf-8")
    return root


@pytest.fixture
def course(built, tmp_path) -> dict:
    """A fresh copy of the built course for one test."""
    root = tmp_path / "c"
    shutil.copytree(built, root)
    output = root / "output"
    return {"root": root, "spec": root / "course_specs" / f"{COURSE}.yaml", "output": output, "content": output / COURSE / "content"}


def export(course: dict, language: str, *more: str) -> Path:
    result = run_cli("translations", "export", course["spec"], "--to", language, "--output", course["output"], *more)
    assert result.exit_code == 0, result.stderr
    return course["output"] / COURSE / "translations" / f"{COURSE}.{language}.xlf"


def play_translator(path: Path, language: str, use_glossary: bool = True) -> None:
    """What a translator's tool does: every target filled, the source's inline codes kept where they
    stand, the words 'translated' (marked, glossary terms replaced), the file saved."""
    terms = GLOSSARY[language] if use_glossary else {}

    def words(text: str | None) -> str | None:
        for term, target in terms.items():
            text = re.sub(term, target, text, flags=re.IGNORECASE) if text else text  # "histograms" too, as the check reads it
        return text

    tree = etree.parse(str(path))
    for unit in tree.iter(q("trans-unit")):
        source, target = unit.find(q("source")), unit.find(q("target"))
        filled = copy.deepcopy(source)
        filled.tag = q("target")
        filled.set("state", "translated")
        for element in filled.iter():
            if element is filled or element.tag == q("g"):
                element.text = words(element.text)
            if element is not filled:
                element.tail = words(element.tail)
        filled.text = f"{MARK[language]} {filled.text or ''}"
        unit.replace(target, filled)
    tree.write(str(path), xml_declaration=True, encoding="UTF-8")


def units_of(path: Path) -> dict[tuple[str, str], etree._Element]:
    """Every trans-unit of an XLIFF by (original, id)."""
    tree = etree.parse(str(path))
    return {(u.getparent().getparent().get("original"), u.get("id")): u for u in tree.iter(q("trans-unit"))}


def body(path: Path) -> str:
    return split(path.read_text("utf-8"), str(path))[1]


# --- export -------------------------------------------------------------------------------------


def test_export_writes_strict_xliff_12_with_a_file_per_content_file_and_inline_codes(course):
    result = run_cli("translations", "export", course["spec"], "--to", "fr", "-o", course["output"])
    xlf = course["output"] / COURSE / "translations" / f"{COURSE}.fr.xlf"
    assert result.exit_code == 0, result.stderr
    tree = etree.parse(str(xlf))
    units = list(tree.iter(q("trans-unit")))
    files = list(tree.iter(q("file")))
    words = int(re.search(r"(\d+) word\(s\)", result.stdout).group(1))
    assert result.stdout.splitlines() == [
        f"wrote {xlf}: {len(files)} file(s), {len(units)} text(s), {words} word(s) to translate into fr",
        f"next: translate it in your CAT tool, then run 'courseware translations import {xlf}'",
    ]
    assert result.stderr == ""
    assert schema_errors(xlf) == []
    content = course["content"]
    expected = ["facts.md", "course.md"] + sorted(p.relative_to(content).as_posix() for p in content.glob("m*/*.md"))
    assert sorted(f.get("original") for f in files) == sorted(expected)
    lesson = next(f for f in files if f.get("original") == "m1-l1/lesson.md")
    assert (lesson.get("source-language"), lesson.get("target-language"), lesson.get("datatype"), lesson.get("product-name")) == ("en", "fr", "x-markdown", COURSE)
    assert lesson.get("build-num") == body_hash(body(content / "m1-l1" / "lesson.md"))  # what import checks the source against
    spec_href = lesson.find(f"{q('header')}/{q('reference')}/{q('external-file')}").get("href")
    assert (xlf.parent / spec_href).resolve() == course["spec"].resolve()
    assert 300 < len(units) and 4000 < words  # the whole course: every lesson, quiz and deck

    # The link and the code span: <g> around the link's words (the emphasis inside stays markdown), <x> for the code.
    linked = next(u for u in lesson.iter(q("trans-unit")) if u.find(q("source")).find(q("g")) is not None)
    source = etree.tostring(linked.find(q("source")), encoding="unicode", with_tail=False)
    assert '<g id="1" ctype="link">the course notes on *spread*</g> and call <x id="2" ctype="x-code" equiv-text="`statistics.mean()`"/>.' in source
    assert linked.find(q("target")).get("state") == "new" and len(linked.find(q("target"))) == 0 and not linked.find(q("target")).text
    notes = [n.text for n in linked.iter(q("note"))]
    assert notes[0].startswith("Lesson m1-l1 “Variables, Frequency Tables and Histograms”, lesson text: introduction: paragraph")
    assert "Inline codes: 1 = a link to https://example.org/notes \"Notes\"; 2 = `statistics.mean()`" in notes
    math = next(u for u in tree.iter(q("trans-unit")) if u.find(f"{q('source')}/{q('x')}[@ctype='x-math']") is not None)
    assert math.find(f"{q('source')}/{q('x')}").get("equiv-text").startswith("$")
    mean = next(u for u in tree.iter(q("trans-unit")) if re.search(r"\bmean\b", "".join(u.find(q("source")).itertext())) and u.find(q("source")).find(q("x")) is None)
    glossary = [n.text for n in mean.iter(q("note")) if n.text.startswith("Glossary: ")]
    assert len(glossary) == 1 and "mean → moyenne" in glossary[0].removeprefix("Glossary: ").split("; ")
    blank = next(u for u in tree.iter(q("trans-unit")) if u.find(f"{q('source')}/{q('x')}[@ctype='x-blank']") is not None)
    assert blank.getparent().getparent().get("original").endswith("/quiz.md")


def test_the_strict_schema_does_reject_what_it_should(course, tmp_path):
    """The validation above can fail: an unknown attribute and a datatype outside the list are caught."""
    xlf = export(course, "fr")
    tree = etree.parse(str(xlf))
    first = next(tree.iter(q("file")))
    first.set("datatype", "markdown")
    next(tree.iter(q("trans-unit"))).set("colour", "red")
    broken = tmp_path / "broken.xlf"
    tree.write(str(broken))
    errors = schema_errors(broken)
    assert any("datatype" in e for e in errors) and any("colour" in e for e in errors)


def test_export_asks_only_for_what_a_translator_must_do_and_all_exports_the_rest_translated(course):
    xlf = export(course, "fr")
    play_translator(xlf, "fr")
    assert run_cli("translations", "import", xlf, "-o", course["output"]).exit_code == 0
    again = run_cli("translations", "export", course["spec"], "--to", "fr", "-o", course["output"])
    assert (again.exit_code, again.stdout) == (0, f"{course['spec']}: every fr translation is current or edited; nothing to export (--all exports them for review)\n")

    # One English lesson edited by hand: exactly its translation is stale and exported; only the
    # new paragraph waits for the translator, the texts that did not change keep their translation.
    lesson = course["content"] / "m2-l1" / "lesson.md"
    lesson.write_text(lesson.read_text("utf-8").replace("\n\n", "\n\nA new first paragraph.\n\n", 1), "utf-8")
    stale = run_cli("translations", "export", course["spec"], "--to", "fr", "-o", course["output"])
    assert stale.exit_code == 0
    assert re.search(r": 1 file\(s\), (\d+) text\(s\), (\d+) with their current translation, 4 word\(s\) to translate into fr$", stale.stdout.splitlines()[0])
    assert [f.get("original") for f in etree.parse(str(xlf)).iter(q("file"))] == ["m2-l1/lesson.md"]
    exported = list(etree.parse(str(xlf)).iter(q("trans-unit")))
    waiting = [u for u in exported if u.find(q("target")).get("state") == "new"]
    assert ["".join(u.find(q("source")).itertext()) for u in waiting] == ["A new first paragraph."]
    assert all("".join(u.find(q("target")).itertext()).startswith(MARK["fr"]) for u in exported if u not in waiting)
    assert schema_errors(xlf) == []

    # --all: every file, the current ones with their translation as the target, state translated.
    everything = run_cli("translations", "export", course["spec"], "--to", "fr", "-o", course["output"], "--all")
    assert everything.exit_code == 0
    assert re.search(r": \d+ file\(s\), \d+ text\(s\), \d+ with their current translation, \d+ word\(s\) to translate into fr$", everything.stdout.splitlines()[0])
    tree = etree.parse(str(xlf))
    states = {(u.getparent().getparent().get("original"), u.find(q("target")).get("state")) for u in tree.iter(q("trans-unit"))}
    assert ("m2-l1/lesson.md", "new") in states and ("m1-l1/lesson.md", "translated") in states
    assert schema_errors(xlf) == []
    linked = next(u for u in tree.iter(q("trans-unit")) if u.find(q("source")).find(q("g")) is not None)
    target = etree.tostring(linked.find(q("target")), encoding="unicode", with_tail=False)
    assert '<g id="1" ctype="link">' in target and '<x id="2" ctype="x-code" equiv-text="`statistics.mean()`"/>' in target
    assert "approved" not in linked.attrib  # a reviewer decides that, not the export


def test_export_refuses_a_language_the_course_is_not_translated_into(course):
    result = run_cli("translations", "export", course["spec"], "--to", "de", "-o", course["output"])
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr == f"{course['spec']}: 'de' is not a translation of this course (translations: fr, ar); add it to the spec's translations\n"


def test_export_before_any_build_says_to_build_first(course):
    empty = course["root"] / "elsewhere"
    result = run_cli("translations", "export", course["spec"], "--to", "fr", "-o", empty)
    assert result.exit_code == 1
    assert result.stderr == f"{empty / COURSE / 'content'}: no content to translate yet; run 'courseware build {course['spec']}' first\n"
    assert not empty.exists()


# --- the translator's file back ----------------------------------------------------------------------


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_a_translated_xliff_becomes_the_reviewed_translation_of_every_file(course, language):
    xlf = export(course, language)
    play_translator(xlf, language)
    result = run_cli("translations", "import", xlf, "--output", course["output"])
    content = course["content"]
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""
    count = len(list(etree.parse(str(xlf)).iter(q("file"))))
    assert result.stdout == f"imported {xlf}: {count} file(s), wrote {count} translation file(s) in {content}\n"

    loaded = load_spec(course["spec"])
    tasks, _ = translation_tasks(loaded, content)
    mine = [t for t in tasks if t.language == language]
    assert len(mine) == count
    for task in mine:
        path = content / task.path
        front, text, _ = split(path.read_text("utf-8"), str(path))
        assert (front.task, front.provider, front.model, front.translation_of, front.source_sha256, front.key) == (task.id, "xliff", "translator", task.source_path, task.source_sha256, task.key)
        assert front.body_sha256 == body_hash(text)  # current, not a hand edit
        assert MARK[language] in text
        translated = parse_translation(task, read_translation(content, task))
        if task.kind == "quiz":  # which option is right, and each item's objective, kept
            assert [[o.correct for o in i.options] for i in translated.items] == [[o.correct for o in i.options] for i in task.source.items]
            assert [i.objective for i in translated.items] == [i.objective for i in task.source.items]
        if task.kind != "facts":
            source = body(content / task.source_path)
            fences = re.compile(r"^```.*?^```$|^\$\$$.*?^\$\$$", re.M | re.S)  # code blocks and display math
            assert fences.findall(text) == fences.findall(source)
            for image_src, image_tr in zip(re.findall(r"!\[.*?\]\((\S+)", source), re.findall(r"!\[.*?\]\((\S+)", text), strict=True):
                assert ((path.parent / image_tr).resolve()) == ((content / task.source_path).parent / image_src).resolve()
                assert image_tr != image_src  # re-pointed: the twin sits one folder deeper
    lesson = body(content / language / "m1-l1" / "lesson.md")
    assert "[the course notes on *spread*](https://example.org/notes \"Notes\") and call `statistics.mean()`" in lesson
    assert GLOSSARY[language]["histogram"] in lesson
    if language == "ar":
        assert re.search(r"[\u0600-\u06FF]", lesson)  # right-to-left text as it was typed
    facts = body(content / language / "facts.md")
    assert facts.startswith(f"## course.title\n\n{MARK[language]} Describing Data")

    # The build's plan sees them as the build's own: every translation of the language current.
    planned = run_cli("plan", course["spec"], "--json", "--output", course["output"])
    statuses = {t["id"]: t["status"] for t in json.loads(planned.stdout)["translations"] if t["language"] == language}
    assert statuses == {t.id: "current" for t in mine}

    # The same file again: nothing changes.
    before = snapshot(content)
    again = run_cli("translations", "import", xlf, "--output", course["output"])
    assert again.stdout == f"imported {xlf}: {count} file(s), wrote 0 translation file(s) in {content}\n"
    assert snapshot(content) == before


def test_a_cat_tool_reading_and_writing_with_translate_toolkit_round_trips(course):
    """translate-toolkit as a CAT tool stand-in: it reads our file (units, ids, inline codes, notes),
    fills the targets with its own placeables and saves; the import takes that file."""
    from translate.storage import factory
    from translate.storage.placeables import StringElem, xliff as placeables

    xlf = export(course, "fr")
    store = factory.getobject(str(xlf))
    ours = units_of(xlf)
    assert len(store.units) == len(ours)
    linked = next(u for u in store.units if any(isinstance(p, placeables.G) for p in _walk(u.rich_source[0])))
    assert linked.getid() == "m1-l1/lesson.md\x04" + linked.xmlelement.get("id")
    assert "Inline codes: 1 = a link" in linked.getnotes()

    def translated(elem):
        if isinstance(elem, placeables.X):
            return placeables.X(id=elem.id, xml_attrib=dict(elem.xml_attrib))
        if isinstance(elem, placeables.G):
            return placeables.G(id=elem.id, sub=[translated(s) for s in elem.sub], xml_attrib=dict(elem.xml_attrib))
        if isinstance(elem, StringElem) and not elem.isleaf():
            return StringElem([translated(s) for s in elem.sub])
        return str(elem).upper()

    for unit in store.units:
        unit.rich_target = [StringElem(["FR ", translated(unit.rich_source[0])])]
    store.save()
    assert schema_errors(xlf) == []
    result = run_cli("translations", "import", xlf, "-o", course["output"])
    assert result.exit_code == 0, result.stderr
    assert "[THE COURSE NOTES ON *SPREAD*](https://example.org/notes \"Notes\") AND CALL `statistics.mean()`" in body(course["content"] / "fr" / "m1-l1" / "lesson.md")


def _walk(elem):
    yield elem
    for sub in getattr(elem, "sub", []):
        yield from _walk(sub)


def test_a_hand_edited_translation_is_backed_up_before_the_import_replaces_it(course):
    xlf = export(course, "fr")
    play_translator(xlf, "fr")
    assert run_cli("translations", "import", xlf, "-o", course["output"]).exit_code == 0
    edited = course["content"] / "fr" / "m1-l1" / "lesson.md"
    edited.write_text(edited.read_text("utf-8").replace("[traduit] A **frequency", "[relu] A **frequency", 1), "utf-8")
    mine = edited.read_bytes()
    export(course, "fr", "--all")
    result = run_cli("translations", "import", xlf, "-o", course["output"])
    assert result.exit_code == 0, result.stderr
    backups = list((course["output"] / COURSE / "backups" / "fr" / "m1-l1").glob("lesson.*.md"))
    assert len(backups) == 1 and backups[0].read_bytes() == mine
    assert result.stderr == f"{course['content']}: fr/m1-l1/lesson was edited by hand; replaced it with the imported translation, your version is kept in {backups[0]}\n"
    assert "[relu] A **frequency" in edited.read_text("utf-8")  # --all exported the edit as the target
    assert "wrote 1 translation file(s)" in result.stdout


def test_a_glossary_term_left_out_is_a_warning_not_an_error(course):
    xlf = export(course, "fr")
    play_translator(xlf, "fr", use_glossary=False)

    def copy_source(tree):  # what a tool that copies the source into an untranslated target does
        unit = next(u for u in tree.iter(q("trans-unit")) if u.getparent().getparent().get("original") == "m1-l1/lesson.md" and u.get("id") == "2")
        target = copy.deepcopy(unit.find(q("source")))
        target.tag = q("target")
        unit.replace(unit.find(q("target")), target)

    edit(xlf, copy_source)
    copied = units_of(xlf)[("m1-l1/lesson.md", "2")]
    result = run_cli("translations", "import", xlf, "-o", course["output"])
    assert result.exit_code == 0
    lines = result.stderr.splitlines()
    where = next(u.where for t in translation_tasks(load_spec(course["spec"]), course["content"])[0] if t.id == "fr/m1-l1/lesson" for u in t.units() if u.id == "2")
    assert f"warning: {xlf}:{copied.sourceline}: m1-l1/lesson.md: text 2 ({where}) is the same as its source; was it left untranslated?" in lines
    lines = [line for line in lines if "is the same as its source" not in line]
    assert lines and all(line.startswith(f"warning: {xlf}:") and "the glossary translates '" in line for line in lines)
    unit = next(u for (original, _), u in units_of(xlf).items() if original == "facts.md" and "mean" in "".join(u.find(q("source")).itertext()))
    assert f"warning: {xlf}:{unit.sourceline}: facts.md: text {unit.get('id')} ({unit.get('resname')}): the glossary translates 'mean' as 'moyenne', which this translation does not use" in lines
    assert (course["content"] / "fr" / "m1-l1" / "lesson.md").is_file()


# --- a bad file: every problem, one line each, exit 1, nothing written ---------------------------------


def bad(course: dict, xlf: Path) -> list[str]:
    """Import `xlf`, expecting a refusal that writes nothing; the error lines."""
    before = snapshot(course["output"])
    result = run_cli("translations", "import", xlf, "-o", course["output"])
    assert (result.exit_code, result.stdout) == (1, "")
    assert snapshot(course["output"]) == before
    return result.stderr.splitlines()


def edit(xlf: Path, change) -> None:
    tree = etree.parse(str(xlf))
    change(tree)
    tree.write(str(xlf), xml_declaration=True, encoding="UTF-8")


def test_every_problem_of_a_translated_file_is_named_at_its_line_and_nothing_is_written(course):
    xlf = export(course, "fr")
    play_translator(xlf, "fr")

    def break_it(tree):
        units = {(u.getparent().getparent().get("original"), u.get("id")): u for u in tree.iter(q("trans-unit"))}
        math = next(u for u in tree.iter(q("trans-unit")) if u.find(f"{q('target')}/{q('x')}[@ctype='x-math']") is not None)
        code = math.find(f"{q('target')}/{q('x')}")
        code.getparent().remove(code)  # a removed <x/> (its tail goes with it: the words do not matter here)
        quiz = units[("m1-l1/quiz.md", "3")]
        quiz.getparent().remove(quiz)  # a missing unit
        empty = units[("m2-l1/slides.md", "2")].find(q("target"))
        for child in list(empty):
            empty.remove(child)
        empty.text = "  "
        twice = units[("m1-l2/quiz.md", "4")].find(q("target"))
        twice.append(copy.deepcopy(twice.find(q("x"))) if twice.find(q("x")) is not None else etree.Element(q("x"), id="9"))
        extra = copy.deepcopy(units[("course.md", "1")])
        extra.set("id", "999")
        units[("course.md", "1")].addnext(extra)
        next(f for f in tree.iter(q("file")) if f.get("original") == "m2-l2/lesson.md").set("target-language", "de")

    edit(xlf, break_it)
    units = units_of(xlf)
    files = {f.get("original"): f for f in etree.parse(str(xlf)).iter(q("file"))}
    math = next(u for u in etree.parse(str(xlf)).iter(q("trans-unit")) if u.find(f"{q('source')}/{q('x')}[@ctype='x-math']") is not None)
    original, math_id = math.getparent().getparent().get("original"), math.get("id")
    loaded = load_spec(course["spec"])
    tasks, _ = translation_tasks(loaded, course["content"])
    source = {(t.source_path if t.kind != "facts" else "facts.md", u.id): u for t in tasks if t.language == "fr" for u in t.units()}
    lost = source[(original, math_id)]
    twice = source[("m1-l2/quiz.md", "4")]
    twice_problem = f"the placeholder <x{twice.standalone[0]}/> (for {twice.codes[twice.standalone[0]]}) must appear exactly once, as it is" if twice.standalone else "the placeholder <x9/> is not in the source text; remove it"
    assert sorted(bad(course, xlf)) == sorted([
        f"{xlf}:{units[('course.md', '999')].sourceline}: course.md: there is no text '999' in this file's source; remove that <trans-unit>",
        f"{xlf}:{units[(original, math_id)].sourceline}: {original}: text {math_id} ({lost.where}): the placeholder <x{lost.standalone[0]}/> (for {lost.codes[lost.standalone[0]]}) must appear exactly once, as it is",
        f"{xlf}:{files['m1-l1/quiz.md'].sourceline}: m1-l1/quiz.md: text 3 ({source[('m1-l1/quiz.md', '3')].where}) is missing; keep every <trans-unit> the export wrote",
        f"{xlf}:{units[('m1-l2/quiz.md', '4')].sourceline}: m1-l2/quiz.md: text 4 ({twice.where}): {twice_problem}",
        f"{xlf}:{units[('m2-l1/slides.md', '2')].sourceline}: m2-l1/slides.md: text 2 ({source[('m2-l1/slides.md', '2')].where}) has no translation; write it in its <target>",
        f"{xlf}:{files['m2-l2/lesson.md'].sourceline}: m2-l2/lesson.md: target-language 'de' is not a translation of this course (translations: fr, ar)",
    ])


def test_a_source_changed_since_the_export_is_refused(course):
    xlf = export(course, "fr")
    play_translator(xlf, "fr")
    lesson = course["content"] / "m1-l1" / "lesson.md"
    lesson.write_text(lesson.read_text("utf-8").replace("A **frequency table**", "A **frequency table** (a table)", 1), "utf-8")
    line = next(f for f in etree.parse(str(xlf)).iter(q("file")) if f.get("original") == "m1-l1/lesson.md").sourceline
    assert bad(course, xlf) == [f"{xlf}:{line}: m1-l1/lesson.md changed since this file was exported; export again"]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b'<?xml version="1.0"?>\n<xliff version="1.2" xmlns="urn:oasis:names:tc:xliff:document:1.2">\n<file original="x"', "3: not well-formed XML: attributes construct error"),
        (b"", "1: not well-formed XML: Document is empty"),
        (b'<xliff version="2.0" xmlns="urn:oasis:names:tc:xliff:document:2.0" srcLang="en"><file id="f"/></xliff>', "1: this is XLIFF 2.0, not 1.2: courseware reads the XLIFF 1.2 it exports; export again"),
        (b'<xliff version="1.1" xmlns="urn:oasis:names:tc:xliff:document:1.1"><file original="a" source-language="en" datatype="plaintext"><body/></file></xliff>', "1: this is XLIFF 1.1, not 1.2: courseware reads the XLIFF 1.2 it exports; export again"),
        (b"<html><body>a web page</body></html>", "1: not an XLIFF file: its root element is <html>, not <xliff>"),
        (b'<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><xliff version="1.2" xmlns="urn:oasis:names:tc:xliff:document:1.2">&e;</xliff>', "1: the XLIFF holds no <file>"),
    ],
    ids=["broken", "empty", "xliff-2", "xliff-1.1", "html", "entity"],
)
def test_a_file_that_is_not_our_xliff_is_one_located_line(course, tmp_path, data, message):
    xlf = tmp_path / "in.xlf"
    xlf.write_bytes(data)
    assert bad(course, xlf) == [f"{xlf}:{message}"]


def test_an_output_folder_without_the_course_is_named(course, tmp_path):
    xlf = export(course, "fr")
    result = run_cli("translations", "import", xlf, "-o", tmp_path / "nowhere")
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr == f"{tmp_path / 'nowhere' / COURSE / 'content'}: no content of the course '{COURSE}' here; give the folder it was built into with --output\n"
    assert not (tmp_path / "nowhere").exists()


def test_a_file_moved_away_from_its_spec_names_the_spec_to_give(course, tmp_path):
    xlf = export(course, "fr")
    play_translator(xlf, "fr")
    moved = tmp_path / "mail" / "from-translator.xlf"
    moved.parent.mkdir()
    shutil.move(xlf, moved)
    href = next(etree.parse(str(moved)).iter(q("external-file"))).get("href")
    assert bad(course, moved) == [f"{moved}:3: the spec {href} this file was exported from is not there (from the file's folder); name it with --spec SPEC"]
    result = run_cli("translations", "import", moved, "-o", course["output"], "--spec", course["spec"])
    assert result.exit_code == 0, result.stderr
    assert (course["content"] / "fr" / "facts.md").is_file()


# --- inline codes, unit level --------------------------------------------------------------------------


def test_placeholders_become_x_and_g_and_read_back_as_they_were(tmp_path):
    from translate.storage.placeables import xliff as placeables

    from courseware.translate.xliff_format import Store, _target_text

    unit = Unit("1", "Use <x1/> in <g2>the <x3/> notes</g2>, then <x4/>.", {"1": "`mean()`", "2": "](https://e.org)", "3": "$n$", "4": "____"})
    tree = rich(unit.text, unit)
    kinds = [type(e).__name__ for e in _walk(tree) if isinstance(e, (placeables.X, placeables.G))]
    assert kinds == ["X", "G", "X", "X"]
    store = Store()
    xunit = store.UnitClass("")
    xunit.setid("1")
    xunit.rich_target = [tree]
    assert _target_text(xunit) == (unit.text, None)


def test_segment_markers_and_line_breaks_of_a_tool_are_taken_other_inline_codes_are_refused(course):
    xlf = export(course, "fr")
    play_translator(xlf, "fr")
    unit = {}

    def tool_like(tree):
        units = {(u.getparent().getparent().get("original"), u.get("id")): u for u in tree.iter(q("trans-unit"))}
        segmented = units[("m1-l1/slides.md", "1")].find(q("target"))  # Okapi/Trados style: <mrk mtype="seg">
        mark = etree.SubElement(segmented, q("mrk"), mtype="seg", mid="0")
        mark.text, segmented.text = segmented.text, None
        wrapped = units[("m1-l1/slides.md", "2")].find(q("target"))
        wrapped.text = "\n            " + wrapped.text.replace(" ", "\n            ", 2) + "\n          "
        etree.SubElement(units[("m1-l1/slides.md", "3")].find(q("target")), q("ph"), id="7").text = "{b}"
        unit["ph"] = units[("m1-l1/slides.md", "3")]

    edit(xlf, tool_like)
    line = units_of(xlf)[("m1-l1/slides.md", "3")].sourceline
    where = next(u.where for t in translation_tasks(load_spec(course["spec"]), course["content"])[0] if t.id == "fr/m1-l1/slides" for u in t.units() if u.id == "3")
    assert bad(course, xlf) == [f"{xlf}:{line}: m1-l1/slides.md: text 3 ({where}): <ph> is not an inline code of the source; keep only its <x/> and <g> codes"]

    edit(xlf, lambda tree: [ph.getparent().remove(ph) for ph in list(tree.iter(q("ph")))])
    result = run_cli("translations", "import", xlf, "-o", course["output"])
    assert result.exit_code == 0, result.stderr
    deck = course["content"] / "fr" / "m1-l1" / "slides.md"
    slides = body(deck)
    assert slides.startswith("# [traduit] Variables, Frequency Tables and histogrammes\n")  # the unit inside <mrk>
    assert "\n            " not in slides
