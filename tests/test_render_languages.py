"""One course in English, French and Arabic, every format of every language checked by the real
clients the original is checked by: the site (lang/dir, the language switcher, axe-core, the
keyboard) in Chromium, SCORM manifests against their XSDs and a SCO in scorm-again, QTI items
and manifest against QTI 2.1, moodle.xml read back, gift.txt parsed by gift-pegjs, the decks read
back and converted by LibreOffice, the badge against the OB 3.0 schema.

From the user's side: build the course offline, make its translations as a translator would
(the translation tasks' units answered, put back into the source's structure, written as the
translation files), then render every language."""

from __future__ import annotations

import base64
import json
import re
import shutil
import subprocess
import uuid
import zipfile
from pathlib import Path

import lxml.html
import pytest
from jsonschema import Draft201909Validator
from lxml import etree
from pptx import Presentation
from referencing import Registry, Resource

import qti_schema
from browser import PageWatch, axe_violations, browser, serve
from conftest import SPECS, run_cli
from scorm_schema import errors, scorm12, scorm2004
from standards import standards
from test_render_scorm import run_sco
from translator import translate_all
from courseware.catalogue import words
from courseware.render.search import tokens
from courseware.spec.load import load_spec
from courseware.spec.model import Spec

SPEC = "describing-data.yaml"
COURSE = "describing-data"
LANGUAGES = ("en", "fr", "ar")
TRANSLATIONS = ("fr", "ar")
NAMES = {"en": "English", "fr": "Français", "ar": "العربية"}
DIRECTION = {"en": "ltr", "fr": "ltr", "ar": "rtl"}
FORMATS = ["markdown", "html", "pptx", "scorm12", "scorm2004", "qti21", "moodle_xml", "gift", "badge"]
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
PLACEHOLDERS = re.compile(r"(<x\d+/>|</?g\d+>)")
FRENCH = {
    "the": "le", "a": "un", "an": "un", "and": "et", "of": "de", "is": "est", "are": "sont", "in": "dans", "to": "à", "on": "sur",
    "with": "avec", "for": "pour", "that": "que", "it": "il", "by": "par", "or": "ou", "not": "pas", "data": "données",
    "mean": "moyenne", "median": "médiane", "which": "quel", "what": "quoi", "true": "vrai", "false": "faux", "students": "étudiants",
}
ARABIC = dict(zip("abcdefghijklmnopqrstuvwxyz", "ابتثجحخدذرزسشصضطظعغفقكلمنه"))


def stand_in(text: str, language: str) -> str:
    """A translator's answer: French words for French (the rest kept), Arabic letters for every
    Latin one in Arabic; placeholders, digits and markdown marks as they were."""

    def words(part: str) -> str:
        if language == "fr":
            return re.sub(r"[A-Za-z]+", lambda m: FRENCH.get(m.group().lower(), m.group()), part)
        return re.sub(r"[A-Za-z]", lambda m: ARABIC[m.group().lower()], part)

    return "".join(part if PLACEHOLDERS.fullmatch(part) else words(part) for part in PLACEHOLDERS.split(text))


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    """The sample statistics course built offline, translated into French and Arabic by the
    stand-in, then `courseware render`: every language; returns its dist/."""
    root = tmp_path_factory.mktemp("languages")
    shutil.copytree(SPECS, root / "course_specs")
    spec = root / "course_specs" / SPEC
    spec.write_text(spec.read_text("utf-8") + "\ntranslations: [fr, ar]\n", "utf-8")
    result = run_cli("build", spec, "--output", root / "output", "--formats", "markdown")
    assert result.exit_code == 0, result.stderr
    content = root / "output" / COURSE / "content"
    # A figure kept beside the lesson: its translations show the original's file (../../m1-l2/).
    shutil.copy(root / "course_specs/sources/describing-data/figures/commute-times.svg", content / "m1-l2" / "chart.svg")
    lesson = content / "m1-l2" / "lesson.md"
    lesson.write_text(lesson.read_text("utf-8").rstrip("\n") + "\n\n![A chart of commute times](chart.svg)\n", "utf-8")

    translate_all(spec, root / "output", answer=lambda unit, task: stand_in(unit.text, task.language))

    result = run_cli("render", spec, "--output", root / "output", "--formats", ",".join(FORMATS))
    assert (result.exit_code, result.stderr) == (0, ""), result.stderr
    assert result.stdout.splitlines()[1:] == [
        f"{COURSE}: fr: 14 translations (14 current)", f"{COURSE}: ar: 14 translations (14 current)", f"{COURSE}: rendered {', '.join(FORMATS)} in en, fr, ar",
    ]
    return content.parent / "dist"


def folder(dist: Path, language: str) -> Path:
    return dist if language == "en" else dist / language


def spec_facts() -> Spec:
    """The spec as the original has it, for the stand-in's expected texts."""
    return load_spec(SPECS / SPEC).spec


# The site ----------------------------------------------------------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_page_has_its_language_and_links_to_the_same_page_in_each_other(built, language):
    site = folder(built, language) / "html"
    pages = sorted(site.glob("*.html"))
    assert [p.name for p in pages] == sorted(p.name for p in (built / "html").glob("*.html")) and len(pages) == 8
    spec = spec_facts()
    for page in pages:
        tree = lxml.html.fromstring(page.read_bytes())
        assert (tree.get("lang"), tree.get("dir")) == (language, DIRECTION[language]), page
        (switcher,) = tree.cssselect("header nav.languages")
        links = switcher.cssselect("a")
        assert [a.text for a in links] == [NAMES[t] for t in LANGUAGES]
        assert [(a.get("hreflang"), a.get("lang"), a.get("dir")) for a in links] == [(t, t, DIRECTION[t]) for t in LANGUAGES]
        assert [a.get("aria-current") for a in links] == ["page" if t == language else None for t in LANGUAGES]
        for tag, link in zip(LANGUAGES, links):
            target = (page.parent / link.get("href")).resolve()
            assert target == (folder(built, tag) / "html" / page.name).resolve() and target.is_file(), (page, link.get("href"))
        alternates = [(a.get("hreflang"), a.get("href")) for a in tree.cssselect("head link[rel=alternate]")]
        assert alternates == [(a.get("hreflang"), a.get("href")) for a in links]
    home = lxml.html.fromstring((site / "index.html").read_bytes())
    title = spec.course.title if language == "en" else stand_in(spec.course.title, language)
    assert home.cssselect("header .course-name a")[0].text_content() == title
    facts = {dt.text: dd.text for dt, dd in zip(home.cssselect("main dl dt"), home.cssselect("main dl dd"))}
    assert facts[words(language)["language"]] == NAMES[language]  # the course facts name the language, not its tag
    lesson = lxml.html.fromstring((site / "m1-l2.html").read_bytes())
    alt = "A chart of commute times" if language == "en" else stand_in("A chart of commute times", language)
    (figure,) = [img for img in lesson.cssselect("main img") if img.get("alt") == alt]
    assert (site / figure.get("src")).is_file()  # the original's image, copied beside the pages
    sources = lxml.html.fromstring((site / "sources.html").read_bytes()).cssselect("section.source > section")
    assert sources and {(s.get("lang"), s.get("dir")) for s in sources} == ({(None, None)} if language == "en" else {("en", "ltr")})
    index = json.loads((site / "search-index.js").read_text("utf-8").split(" = ", 1)[1].removesuffix(";\n"))
    assert tokens(stand_in("median", language) if language != "en" else "median")[0] in index["terms"]  # its own index, in its language
    assert [d[0] for d in index["docs"]] == [d[0] for d in json.loads((built / "html/search-index.js").read_text("utf-8").split(" = ", 1)[1].removesuffix(";\n"))["docs"]]


def test_pages_in_chromium_are_accessible_right_to_left_and_switch_language_by_keyboard(built, tmp_path):
    problems = []
    with browser(bypass_csp=True) as context, serve(built) as base:
        for language in LANGUAGES:
            for name in ("index.html", "m1-l2.html"):
                page = context.new_page()
                watch = PageWatch(page)
                page.goto(f"{base}/{'' if language == 'en' else language + '/'}html/{name}", wait_until="load")
                violations = axe_violations(page)
                if watch.errors or watch.failed or violations:
                    problems.append((language, name, watch.errors, watch.failed, violations))
                assert page.evaluate("getComputedStyle(document.body).direction") == DIRECTION[language]
                page.close()
        page = context.new_page()  # a keyboard user on the Arabic lesson moves to its English page
        page.goto(f"{base}/ar/html/m1-l1.html", wait_until="load")
        for _ in range(12):
            page.keyboard.press("Tab")
            if page.evaluate("document.activeElement.getAttribute('hreflang')") == "en":
                break
        assert page.evaluate("document.activeElement.textContent") == "English"
        box, header = page.locator("nav.languages").bounding_box(), page.locator("header.site").bounding_box()
        assert box["x"] < header["x"] + header["width"] / 2  # right to left: the switcher ends the header on the left
        page.keyboard.press("Enter")
        page.wait_for_url(f"{base}/html/m1-l1.html")
        assert page.evaluate("[document.documentElement.lang, document.documentElement.dir]") == ["en", "ltr"]
        assert context.outside == []
    assert problems == []


# SCORM ----------------------------------------------------------------------------------------

LOM = {"1.2": ("http://www.imsglobal.org/xsd/imsmd_rootv1p2p1", "langstring"), "2004": ("http://ltsc.ieee.org/xsd/LOM", "string")}


@pytest.mark.parametrize("language", TRANSLATIONS)
@pytest.mark.parametrize("version", ["1.2", "2004"])
def test_scorm_package_per_language_validates_and_says_its_language(built, language, version):
    name, schema = {"1.2": ("scorm12.zip", scorm12), "2004": ("scorm2004.zip", scorm2004)}[version]
    archive = zipfile.ZipFile(folder(built, language) / name)
    manifest = archive.read("imsmanifest.xml")
    assert errors(schema(), manifest) == []
    root = etree.fromstring(manifest)
    md, string = LOM[version]
    title = stand_in(spec_facts().course.title, language)
    general = root.find(f"{{*}}metadata/{{{md}}}lom/{{{md}}}general")
    assert general.findtext(f"{{{md}}}language") == language
    (shown,) = general.findall(f"{{{md}}}title/{{{md}}}{string}")
    assert shown.text == title and (shown.get(XML_LANG) if version == "1.2" else shown.get("language")) == language
    assert root.findtext("{*}organizations/{*}organization/{*}title") == title
    for entry in archive.namelist():
        if entry.endswith(".html"):
            page = archive.read(entry).decode("utf-8")
            assert f'<html lang="{language}" dir="{DIRECTION[language]}">' in page, entry
            assert "hreflang" not in page and 'class="languages"' not in page, entry  # a package links nowhere outside itself
            for ref in re.findall(r'(?:src|href)="([^"#]+)', page):
                assert ref in archive.namelist(), (entry, ref)


@pytest.mark.parametrize(("language", "version"), [("fr", "1.2"), ("ar", "2004")])
def test_translated_sco_reports_to_scorm_again(built, tmp_path, language, version):
    data, log, commits, _ = run_sco(tmp_path, folder(built, language), version, "m1-l1", 0)
    assert [e for e in log if e["error"] != "0"] == [] and [c for c in commits if c["final"]]
    cmi = data["cmi"]
    assert (cmi["core"]["lesson_status"] if version == "1.2" else cmi["success_status"]) == "passed"


# QTI, Moodle XML, GIFT --------------------------------------------------------------------------


@pytest.mark.parametrize("language", TRANSLATIONS)
def test_qti_package_per_language_validates_with_its_language(built, language):
    with zipfile.ZipFile(folder(built, language) / "qti21.zip") as archive:
        files = {name: archive.read(name) for name in archive.namelist()}
    schema = qti_schema.qti()
    items = [name for name in files if name.startswith("items/")]
    assert items == [n for n in zipfile.ZipFile(built / "qti21.zip").namelist() if n.startswith("items/")] and items  # the original's
    for name, data in files.items():
        document = qti_schema.parse(data)
        if name == "imsmanifest.xml":
            assert qti_schema.errors(qti_schema.content_package(), document) == []
            md = "{http://www.imsglobal.org/xsd/imsmd_v1p2}"
            assert document.getroot().findtext(f".//{md}general/{md}language") == language
            assert document.getroot().find(f".//{md}general/{md}title/{md}langstring").get(XML_LANG) == language
        else:
            assert qti_schema.errors(schema, document) == [], name
            if name in items:
                assert document.getroot().get(XML_LANG) == language, name


@pytest.mark.parametrize("language", TRANSLATIONS)
def test_quiz_banks_per_language_mark_every_text_with_its_language(built, language):
    bank = etree.parse(str(folder(built, language) / "moodle.xml"))
    questions = bank.xpath("question[@type!='category']")
    assert len(questions) == len(etree.parse(str(built / "moodle.xml")).xpath("question[@type!='category']")) > 0
    wrapper = f'lang="{language}" dir="{DIRECTION[language]}"'
    for question in questions:
        assert wrapper in question.findtext("questiontext/text")
        assert all(wrapper in a.findtext("text") for a in question.findall("answer") if question.get("type") == "multichoice")
    ids = [q.findtext("idnumber") for q in questions]
    assert ids == [i.replace(f"{COURSE}-", f"{COURSE}-{language}-", 1) for i in etree.parse(str(built / "moodle.xml")).xpath("question[@type!='category']/idnumber/text()")]
    result = subprocess.run(["node", str(Path(__file__).parent / "js" / "gift_check.js"), str(folder(built, language) / "gift.txt")], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    parsed = [q for q in json.loads(result.stdout) if q["type"] != "Category"]
    assert len(parsed) == len(questions) and all(wrapper in q["stem"]["text"] for q in parsed)
    assert [q["id"] for q in parsed] == ids
    assert any(stand_in("the", language) in q["stem"]["text"] for q in parsed)  # the translation's words, not the original's


# Decks ----------------------------------------------------------------------------------------


def test_decks_per_language_mark_every_run_and_open_in_libreoffice(built, tmp_path):
    decks = [deck for language in TRANSLATIONS for deck in sorted(folder(built, language).glob("*.pptx"))]
    assert [d.relative_to(built).as_posix() for d in decks] == [f"{t}/{COURSE}{m}.pptx" for t in TRANSLATIONS for m in ("-m1", "-m2", "")]
    for deck in decks:
        language = deck.parent.name
        paragraphs = [p for slide in Presentation(str(deck)).slides for shape in slide.shapes if shape.has_text_frame for p in shape.text_frame.paragraphs if p.runs]
        langs = {r._r.find("{*}rPr").get("lang") for p in paragraphs for r in p.runs}
        assert langs == {language}, deck
        if language == "ar":
            for p in paragraphs:  # right to left, except a code block's lines: code reads left to right
                code = all(r.font.name == "Consolas" for r in p.runs)
                assert p._p.find("{*}pPr").get("rtl") == ("0" if code else "1"), (deck, p.text)
    named = []  # the French and the Arabic decks share their names: one folder for LibreOffice
    for deck in decks:
        named.append(tmp_path / f"{deck.parent.name}-{deck.name}")
        shutil.copy(deck, named[-1])
    result = subprocess.run(
        ["soffice", f"-env:UserInstallation=file://{tmp_path}/lo", "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path / "pdf"), *map(str, named)],
        capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 0, result.stderr
    for deck in named:
        info = subprocess.run(["pdfinfo", str(tmp_path / "pdf" / (deck.stem + ".pdf"))], capture_output=True, text=True, check=True).stdout
        pages = next(line for line in info.splitlines() if line.startswith("Pages:"))
        assert int(pages.split()[1]) == len(Presentation(str(deck)).slides), deck.name


# The badge ------------------------------------------------------------------------------------


def test_badge_per_language_validates_and_names_its_other_editions(built):
    schema = json.loads((standards() / "openbadges3/achievementcredential.json").read_text("utf-8"))
    validator = Draft201909Validator({"$schema": schema["$schema"], "$ref": f"{schema['$id']}#/$defs/Achievement"}, registry=Registry().with_resource(schema["$id"], Resource.from_contents(schema)))
    credential = spec_facts().credential
    badges = {language: json.loads((folder(built, language) / "badge.json").read_text("utf-8")) for language in LANGUAGES}
    ids = {language: badge["id"] for language, badge in badges.items()}
    assert ids["en"] == f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, f'urn:courseware:{COURSE}')}" and len(set(ids.values())) == 3
    for language, badge in badges.items():
        assert [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(badge)] == []
        texts = (credential.name, credential.description, credential.criteria)
        assert (badge["name"], badge["description"], badge["criteria"]["narrative"]) == (texts if language == "en" else tuple(stand_in(t, language) for t in texts))
        assert badge["inLanguage"] == language
        assert badge["related"] == [{"id": ids[other], "type": ["Related"], "@language": other} for other in LANGUAGES if other != language]
        svg = etree.fromstring(base64.b64decode(badge["image"]["id"].split(",", 1)[1]))
        assert (svg.get(XML_LANG), svg.find("{*}text").get("direction")) == (language, DIRECTION[language])
