"""The quiz banks: moodle.xml read back with lxml as Moodle's importer reads it, gift.txt parsed
by the real GIFT parser gift-pegjs (tests/js/node_modules), both checked against the markdown."""

from __future__ import annotations

import io
import json
import shutil
import subprocess
from pathlib import Path
from types import SimpleNamespace

import pytest
import yaml
from lxml import etree
from markupsafe import Markup

from conftest import SPECS, run_cli
from courseware.markdown.frontmatter import split
from courseware.markdown.parse import parse_quiz
from courseware.render import moodle
from courseware.render.moodle import category_path, cdata, idnumber
from courseware.render.quiztext import mathjax_html, typed
from courseware.render.sanitize import plain

ARABIC = Path(__file__).parent / "data" / "arabic" / "course.yaml"
GIFT_CHECK = Path(__file__).parent / "js" / "gift_check.js"
COURSES = {
    "blended-teaching": "course_specs/blended-teaching.yaml",
    "evaluation-formative": "course_specs/evaluation-formative.yaml",
    "taallum-mudmaj": "arabic/course.yaml",
}
FORMATS = "markdown,moodle_xml,gift"
SPECIAL = "~ = # { } : \\"
# A hand-edited quiz.md body: every GIFT special character, a CDATA end, raw HTML, Arabic,
# answers that look like GIFT weights, formats and matching pairs.
TRICKY = f"""# Tricky quiz

## Q1 · multiple-choice · LO1

Which is right? {SPECIAL} then ]]> & <script>alert(1)</script> and مرحبا بكم

- [ ] %50% of the class
- [x] right {SPECIAL} answer
- [ ] [html] not a format
- [ ] a -> b

> Because {SPECIAL} & ]]> <b>bold</b>.

## Q2 · true-false · LO1

True or false? 2 + 2 = 4 {{always}} #1 : yes \\ no ~ maybe

- [ ] True
- [x] False

> It is true: {SPECIAL}

## Q3 · cloze · LO1

In C:\\Users the ____ {{x}} = y # z ~ w

- [x] a->b ~ c
- [x] %50% #1 = {{z}}
- [x] x*y

> Accepted: {SPECIAL}
"""
TRICKY_LESSON = "Blended/Hybrid Learning: Its Models"


def build(root: Path, *specs: str) -> Path:
    out = root / "output"
    for spec in specs:
        result = run_cli("build", root / spec, "--output", out, "--formats", FORMATS)
        assert result.exit_code == 0, result.stderr
    return out


@pytest.fixture(scope="module")
def banks(tmp_path_factory) -> Path:
    """The two sample courses and the Arabic course, built offline with both banks."""
    root = tmp_path_factory.mktemp("banks")
    shutil.copytree(SPECS, root / "course_specs")
    shutil.copytree(ARABIC.parent, root / "arabic")
    return build(root, *COURSES.values())


@pytest.fixture(scope="module")
def tricky(tmp_path_factory) -> Path:
    """The sample course with a slash in a lesson title and m1-l1/quiz.md edited by hand."""
    root = tmp_path_factory.mktemp("tricky")
    shutil.copytree(SPECS, root / "course_specs")
    spec = root / COURSES["blended-teaching"]
    spec.write_text(spec.read_text("utf-8").replace("title: Blended Learning and Its Models", f"title: '{TRICKY_LESSON}'"), "utf-8")
    out = build(root, COURSES["blended-teaching"])
    quiz = out / "blended-teaching/content/m1-l1/quiz.md"
    text = quiz.read_text("utf-8")
    quiz.write_text(text[: text.index("\n---\n", 3) + 5] + TRICKY, "utf-8")
    assert run_cli("render", spec, "--output", out, "--formats", FORMATS).exit_code == 0
    return out


# What the markdown says, read independently of the renderers.

def course_facts(out: Path, course_id: str) -> dict:
    spec = yaml.safe_load((out.parent / COURSES[course_id]).read_text("utf-8"))
    return spec["course"] | {"dir": "rtl" if spec["course"]["language"] == "ar" else "ltr", "modules": spec["modules"]}


def expected_bank(out: Path, course_id: str) -> list[tuple[str, str | None, list]]:
    """(category path, lesson id or None, quiz items) in the order the banks must list them."""
    facts = course_facts(out, course_id)
    bank = []
    for module in facts["modules"]:
        bank.append((category_path(facts["title"], module["title"]), None, []))
        for lesson in module["lessons"]:
            path = out / course_id / "content" / lesson["id"] / "quiz.md"
            _, body, first = split(path.read_text("utf-8"), str(path))
            items = parse_quiz(body, str(path), first).items
            bank.append((category_path(facts["title"], module["title"], lesson["title"]), lesson["id"], list(items)))
    return bank


def as_html(facts: dict, text: str, tag: str = "div") -> str:
    # The sanitizer's HTML, formulas as TeX for Moodle's MathJax filter (pinned in test_render_quiz_rich.py).
    return f'<{tag} lang="{facts["language"]}" dir="{facts["dir"]}">{mathjax_html(text)}</{tag}>'


def prompt_html(facts: dict, text: str) -> str:
    return as_html(facts, text).replace("____", "__________")


# Moodle XML.

# Moodle's combined feedback (right, partly right, wrong) in each language of the samples.
VERDICTS = {
    "en": ("Your answer is correct.", "Your answer is partially correct.", "Your answer is incorrect."),
    "fr": ("Votre réponse est correcte.", "Votre réponse est partiellement correcte.", "Votre réponse est incorrecte."),
    "ar": ("إجابتك صحيحة.", "إجابتك صحيحة جزئيًا.", "إجابتك غير صحيحة."),
}


def read_xml(out: Path, course_id: str) -> list[tuple[str, list[etree._Element]]]:
    """(category path, questions) as Moodle's importer meets them, one category switch at a time."""
    raw = (out / course_id / "dist/moodle.xml").read_bytes()
    assert raw.startswith(b'<?xml version="1.0" encoding="UTF-8"?>\n<quiz>')
    root = etree.fromstring(raw)
    assert root.tag == "quiz" and {q.tag for q in root} == {"question"}
    grouped: list[tuple[str, list]] = []
    for question in root:
        if question.get("type") == "category":
            assert question.find("info").get("format") == "html"  # read without a default
            grouped.append((question.findtext("category/text"), []))
        else:
            grouped[-1][1].append(question)
    return grouped


LEADS = ("Which term completes the sentence?", "True or false?", "Fill in the blank:", "Quel terme complète la phrase ?", "Vrai ou faux ?", "Complétez la phrase :", "ما المصطلح الذي يكمل الجملة؟", "صواب أم خطأ؟", "أكمل الفراغ:")


def check_name(name: str, lesson_id: str, n: int, item) -> None:
    """A bank name: '<lesson> Q<n> · ' and the start of the stem (the offline provider's opening
    phrase left out), cut at a word with '…', short enough to read in the bank's list."""
    head = f"{lesson_id} Q{n} · "
    assert name.startswith(head), name
    stem = " ".join(plain(item.prompt).split())
    stem = next((stem[len(lead):].strip() for lead in LEADS if stem.startswith(lead)), stem)
    shown = name[len(head):]
    assert shown == stem or (shown.endswith("…") and stem.startswith(shown[:-1]) and stem[len(shown) - 1] in " ,;:."), (shown, stem)
    assert len(shown) <= 61


def check_xml_question(question, facts: dict, lesson_id: str, n: int, item) -> None:
    kind = {"multiple_choice": "multichoice", "true_false": "truefalse", "cloze": "shortanswer"}[item.kind]
    assert question.get("type") == kind
    check_name(question.findtext("name/text"), lesson_id, n, item)
    assert question.find("questiontext").get("format") == "html"
    assert question.findtext("questiontext/text") == prompt_html(facts, item.prompt)
    assert question.find("generalfeedback").get("format") == "html"
    assert question.findtext("generalfeedback/text") == as_html(facts, item.feedback)
    assert question.findtext("defaultgrade") == "1"
    assert question.findtext("penalty") == {"multichoice": "0.3333333", "truefalse": "1", "shortanswer": "0.3333333"}[kind]
    assert question.findtext("hidden") == "0"
    assert question.findtext("idnumber") == f"{facts['id']}-{lesson_id}-q{n}"
    answers = question.findall("answer")
    fractions = [a.get("fraction") for a in answers]
    texts = [a.findtext("text") for a in answers]
    assert all(a.find("feedback").get("format") == "html" for a in answers)
    said = VERDICTS[facts["language"]]
    if kind == "multichoice":
        assert [question.findtext(t) for t in ("single", "shuffleanswers", "answernumbering")] == ["true", "true", "abc"]
        combined = [question.find(t) for t in ("correctfeedback", "partiallycorrectfeedback", "incorrectfeedback")]
        assert [f.get("format") for f in combined] == ["html"] * 3
        assert [f.findtext("text") for f in combined] == [as_html(facts, text) for text in said]
        assert all(a.findtext("feedback/text") == "" for a in answers)  # the item's feedback is the general one
        assert fractions.count("100") == 1 and fractions.count("0") == len(answers) - 1
        assert {a.get("format") for a in answers} == {"html"}
        assert texts == [as_html(facts, o.text, "span") for o in item.options]
        assert fractions == ["100" if o.correct else "0" for o in item.options]
    elif kind == "truefalse":
        assert texts == ["true", "false"]  # Moodle matches these exact words
        assert sorted(fractions) == ["0", "100"] and (fractions[0] == "100") == item.options[0].correct
        assert [a.findtext("feedback/text") for a in answers] == [as_html(facts, said[0] if f == "100" else said[2]) for f in fractions]
    else:
        assert question.findtext("usecase") == "0"
        assert fractions == ["100"] * len(item.options)
        assert texts == [typed(o.text).replace("*", "\\*") for o in item.options]
        assert [a.findtext("feedback/text") for a in answers] == [as_html(facts, said[0])] * len(answers)


@pytest.mark.parametrize("course_id", list(COURSES))
def test_moodle_xml_holds_every_quiz_item_under_its_categories(banks, course_id):
    facts = course_facts(banks, course_id)
    expected = expected_bank(banks, course_id)
    grouped = read_xml(banks, course_id)
    assert [path for path, _ in grouped] == [path for path, _, _ in expected]
    for (_, questions), (_, lesson_id, items) in zip(grouped, expected):
        assert len(questions) == len(items)
        for n, (question, item) in enumerate(zip(questions, items), start=1):
            check_xml_question(question, facts, lesson_id, n, item)
    count = sum(len(items) for _, _, items in expected)
    assert count > 0 and len({q.findtext("idnumber") for _, qs in grouped for q in qs}) == count
    assert len({q.findtext("name/text") for _, qs in grouped for q in qs}) == count  # a teacher tells them apart
    assert {"multichoice", "truefalse", "shortanswer"} == {q.get("type") for _, qs in grouped for q in qs}


def test_moodle_xml_sample_course_categories(banks):
    paths = [path for path, _ in read_xml(banks, "blended-teaching")]
    assert paths[:3] == [
        "$course$/top/Foundations of Blended Teaching/Foundations of Blended Design",
        "$course$/top/Foundations of Blended Teaching/Foundations of Blended Design/Blended Learning and Its Models",
        "$course$/top/Foundations of Blended Teaching/Foundations of Blended Design/Designing with Constructive Alignment",
    ]
    assert len(paths) == 3 + 8  # three modules, eight lessons
    root = etree.fromstring((banks / "blended-teaching/dist/moodle.xml").read_bytes())
    numbers = [q.findtext("idnumber") for q in root if q.get("type") == "category"]
    assert numbers[:4] == ["blended-teaching-m1", "blended-teaching-m1-l1", "blended-teaching-m1-l2", "blended-teaching-m1-l3"]
    assert len(set(numbers)) == len(numbers) == 11  # a re-import finds them by path; the id numbers name them for good
    names = [q.findtext("name/text") for q in root if q.get("type") != "category"]
    assert names[:3] == [
        "m1-l1 Q1 · A ____ moves first exposure to new content out of class…",
        "m1-l1 Q2 · The flipped classroom is a variant of the smart classroom…",
        "m1-l1 Q3 · The term ____ describes a planned combination of…",
    ]


def test_moodle_xml_arabic_text_and_direction(banks):
    grouped = read_xml(banks, "taallum-mudmaj")
    assert grouped[0][0] == "$course$/top/مدخل إلى التعلم المدمج/أسس التعلم المدمج"
    text = grouped[1][1][0].findtext("questiontext/text")
    assert text.startswith('<div lang="ar" dir="rtl">ما المصطلح') and "__________" in text


def test_moodle_xml_hand_edited_hostile_text(tricky):
    raw = (tricky / "blended-teaching/dist/moodle.xml").read_bytes()
    assert b"<script" not in raw
    grouped = read_xml(tricky, "blended-teaching")
    assert grouped[1][0].endswith(f"/{TRICKY_LESSON.replace('/', '//')}")  # a literal '/' is written '//'
    mc, tf, cloze = grouped[1][1]
    prompt = mc.findtext("questiontext/text")
    assert prompt == (
        '<div lang="en" dir="ltr">Which is right? ~ = # { } : \\ then ]]&gt; &amp; '
        "&lt;script&gt;alert(1)&lt;/script&gt; and مرحبا بكم</div>"
    )
    assert mc.findtext("generalfeedback/text") == '<div lang="en" dir="ltr">Because ~ = # { } : \\ &amp; ]]&gt; &lt;b&gt;bold&lt;/b&gt;.</div>'
    right = [a.findtext("text") for a in mc.findall("answer") if a.get("fraction") == "100"]
    assert right == [f'<span lang="en" dir="ltr">right {SPECIAL} answer</span>']
    assert [a.get("fraction") for a in tf.findall("answer")] == ["0", "100"]
    assert [a.findtext("text") for a in cloze.findall("answer")] == ["a->b ~ c", "%50% #1 = {z}", "x\\*y"]
    assert cloze.findtext("questiontext/text") == '<div lang="en" dir="ltr">In C:\\Users the __________ {x} = y # z ~ w</div>'


def test_cdata_is_split_around_its_end_marker():
    for text in ("a ]]> b", "]]>]]>", "]]", "x]]]>y", 'ok <b>"&"</b> نص'):
        buffer = io.BytesIO()
        with etree.xmlfile(buffer, encoding="UTF-8") as xf, xf.element("text"):
            xf.write(*cdata(text))
        raw = buffer.getvalue()
        assert raw.count(b"<![CDATA[") == text.count("]]>") + 1
        assert etree.fromstring(raw).text == text


def test_moodle_xml_round_trips_a_cdata_end_in_html(tricky, monkeypatch):
    """nh3 escapes every '>', so force one through to check the whole writer splits CDATA."""
    monkeypatch.setattr(moodle, "mathjax_html", lambda text: Markup(text.replace("<", "&lt;")))
    spec = tricky.parent / COURSES["blended-teaching"]
    out = tricky.parent / "raw-output"
    shutil.copytree(tricky / "blended-teaching/content", out / "blended-teaching/content")
    assert run_cli("render", spec, "--output", out, "--formats", "moodle_xml").exit_code == 0
    raw = (out / "blended-teaching/dist/moodle.xml").read_bytes()
    assert b"]]]]><![CDATA[>" in raw
    mc = read_xml(out, "blended-teaching")[1][1][0]
    assert mc.findtext("questiontext/text") == f'<div lang="en" dir="ltr">Which is right? {SPECIAL} then ]]> & &lt;script>alert(1)&lt;/script> and مرحبا بكم</div>'


# GIFT, read by gift-pegjs.

def read_gift(out: Path, course_id: str) -> list[tuple[str, list[dict]]]:
    """(category, questions) as gift-pegjs parses dist/gift.txt; a syntax error fails the test."""
    path = out / course_id / "dist/gift.txt"
    result = subprocess.run(["node", str(GIFT_CHECK), str(path)], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, f"gift-pegjs rejected {path}: {result.stderr}"
    grouped: list[tuple[str, list]] = []
    for question in json.loads(result.stdout):
        if question["type"] == "Category":
            grouped.append((question["title"], []))
        else:
            grouped[-1][1].append(question)
    return grouped


def check_gift_question(question: dict, facts: dict, lesson_id: str, n: int, item) -> None:
    assert question["type"] == {"multiple_choice": "MC", "true_false": "TF", "cloze": "Short"}[item.kind]
    check_name(question["title"], lesson_id, n, item)
    assert question["id"] == f"{facts['id']}-{lesson_id}-q{n}"
    assert question["stem"] == {"format": "html", "text": prompt_html(facts, item.prompt)}
    assert question["hasEmbeddedAnswers"] is False
    assert question["globalFeedback"] == {"format": "html", "text": as_html(facts, item.feedback)}
    if item.kind == "true_false":
        assert question["isTrue"] is item.options[0].correct
        assert question["trueFeedback"] is None and question["falseFeedback"] is None
        return
    choices = question["choices"]
    assert all(c["feedback"] is None for c in choices)
    if item.kind == "multiple_choice":
        assert [c["isCorrect"] for c in choices] == [o.correct for o in item.options]
        assert [c["text"] for c in choices] == [{"format": "html", "text": as_html(facts, o.text, "span")} for o in item.options]
    else:
        assert all(c["isCorrect"] for c in choices)
        assert [c["text"]["text"] for c in choices] == [typed(o.text).replace("*", "\\*").replace("->", "-*>") for o in item.options]


@pytest.mark.parametrize("course_id", list(COURSES))
def test_gift_parses_with_every_quiz_item_under_its_categories(banks, course_id):
    facts = course_facts(banks, course_id)
    expected = expected_bank(banks, course_id)
    grouped = read_gift(banks, course_id)
    assert [path for path, _ in grouped] == [path for path, _, _ in expected]
    for (_, questions), (_, lesson_id, items) in zip(grouped, expected):
        assert len(questions) == len(items)
        for n, (question, item) in enumerate(zip(questions, items), start=1):
            check_gift_question(question, facts, lesson_id, n, item)
    assert {"MC", "TF", "Short"} == {q["type"] for _, qs in grouped for q in qs}


def test_gift_is_the_same_bank_as_moodle_xml(banks):
    for course_id in COURSES:
        xml = read_xml(banks, course_id)
        gift = read_gift(banks, course_id)
        assert [p for p, _ in xml] == [p for p, _ in gift]
        assert [q.findtext("idnumber") for _, qs in xml for q in qs] == [q["id"] for _, qs in gift for q in qs]


def test_gift_escapes_every_special_character(tricky):
    text = (tricky / "blended-teaching/dist/gift.txt").read_text("utf-8")
    assert "right \\~ \\= \\# \\{ \\} \\: \\\\ answer" in text
    grouped = read_gift(tricky, "blended-teaching")
    assert grouped[1][0].endswith(f"/{TRICKY_LESSON.replace('/', '//')}")
    mc, tf, cloze = grouped[1][1]
    assert [q["type"] for q in (mc, tf, cloze)] == ["MC", "TF", "Short"]
    assert mc["stem"]["text"] == (
        '<div lang="en" dir="ltr">Which is right? ~ = # { } : \\ then ]]&gt; &amp; '
        "&lt;script&gt;alert(1)&lt;/script&gt; and مرحبا بكم</div>"
    )
    assert [(c["isCorrect"], c["weight"], c["text"]["text"]) for c in mc["choices"]] == [
        (False, None, '<span lang="en" dir="ltr">%50% of the class</span>'),
        (True, None, f'<span lang="en" dir="ltr">right {SPECIAL} answer</span>'),
        (False, None, '<span lang="en" dir="ltr">[html] not a format</span>'),
        (False, None, '<span lang="en" dir="ltr">a -&gt; b</span>'),
    ]
    assert mc["globalFeedback"]["text"] == '<div lang="en" dir="ltr">Because ~ = # { } : \\ &amp; ]]&gt; &lt;b&gt;bold&lt;/b&gt;.</div>'
    assert tf["isTrue"] is False
    assert tf["stem"]["text"] == '<div lang="en" dir="ltr">True or false? 2 + 2 = 4 {always} #1 : yes \\ no ~ maybe</div>'
    assert tf["globalFeedback"]["text"] == f'<div lang="en" dir="ltr">It is true: {SPECIAL}</div>'
    assert cloze["stem"]["text"] == '<div lang="en" dir="ltr">In C:\\Users the __________ {x} = y # z ~ w</div>'
    # '->' would make a matching question: Moodle's wildcard stands in; a leading '%n%' gets an explicit weight.
    assert [(c["weight"], c["text"]["text"]) for c in cloze["choices"]] == [(None, "a-*>b ~ c"), (100, "%50% #1 = {z}"), (None, "x\\*y")]


def test_idnumber_fits_moodle_column():
    course = SimpleNamespace(loaded=SimpleNamespace(spec=SimpleNamespace(course=SimpleNamespace(id="c" * 64))), language="en", original_language="en")
    lesson = SimpleNamespace(lesson=SimpleNamespace(id="l" * 64))
    ids = [idnumber(course, lesson, n) for n in (1, 2, 1)]
    assert all(len(i) == 100 and i.startswith("c" * 64 + "-" + "l" * 18) for i in ids)
    assert ids[0] == ids[2] != ids[1]
    french = SimpleNamespace(loaded=course.loaded, language="fr", original_language="en")
    assert idnumber(french, lesson, 1).startswith("c" * 64 + "-fr-" + "l" * 15) and len(idnumber(french, lesson, 1)) == 100


def test_category_path_escapes_slashes_as_moodle_does():
    assert category_path("A/B", "/lead", "trail/", "C") == "$course$/top/A//B/ //lead/trail// /C"


# Determinism.

def test_banks_are_byte_identical_across_renders(banks, tmp_path):
    for course_id, spec in COURSES.items():
        out = tmp_path / "again"
        shutil.copytree(banks / course_id / "content", out / course_id / "content")
        assert run_cli("render", banks.parent / spec, "--output", out, "--formats", FORMATS).exit_code == 0
        for name in ("moodle.xml", "gift.txt"):
            assert (out / course_id / "dist" / name).read_bytes() == (banks / course_id / "dist" / name).read_bytes()
