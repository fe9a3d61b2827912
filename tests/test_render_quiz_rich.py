"""Quiz items with inline code and math, edited by hand into quiz.md and rendered into every quiz
format: QTI 2.1 (checked against the official XSD, math as m:math), Moodle XML (read with lxml,
the HTML carrying <code> and TeX for Moodle's MathJax filter) and GIFT (parsed by gift-pegjs)."""

from __future__ import annotations

import json
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from lxml import etree

import qti_schema
from conftest import SPECS, run_cli
from courseware.content.model import BLANK, Option, QuizItem
from courseware.markdown.frontmatter import split
from courseware.markdown.parse import parse_quiz
from courseware.render.mathml2 import to_mathml2
from courseware.render.qti import assessment_item, math_element
from courseware.render.quiztext import Degraded, mathjax_html, typed
from test_render_qti_badge import check_item

SPEC = "course_specs/blended-teaching.yaml"
FORMATS = "markdown,qti21,moodle_xml,gift"
GIFT_CHECK = Path(__file__).parent / "js" / "gift_check.js"
QTI = "http://www.imsglobal.org/xsd/imsqti_v2p1"
M = "http://www.w3.org/1998/Math/MathML"
NS = {"q": QTI, "m": M}
MEAN = r"\bar{x} = \frac{1}{n}\sum x_i"
VARIANCE = r"s^2 = \frac{\sum (x - \bar{x})^2}{n-1}"
RICH = rf"""# Rich quiz

## Q1 · multiple-choice · LO1

Which call prints `pwd`, and what is ${MEAN}$ for $x_i$? It costs $5 and $6.

- [ ] `ls -a` and $x^2$
- [x] `print(pwd)` with $\sigma^2$
- [ ] `cd ..` ~ {{x}} = #
- [ ] $a < b$ *and* `a<b`

> Because `mean(x)` is $\bar{{x}}$, and $5 and $6 stay money.

## Q2 · true-false · LO1

Is ${VARIANCE}$ what `var(x)` computes?

- [x] True
- [ ] False

> Yes: `var` divides by $n-1$.

## Q3 · cloze · LO1

The sample variance divides by ____ where `n = len(x)`.

- [x] $n-1$
- [x] `n - 1`

> Dividing by $n-1$ is Bessel's correction.
"""
# The HTML both banks carry: code as <code>, a formula as TeX between \( \) (HTML-escaped).
PROMPT_HTML = rf'<div lang="en" dir="ltr">Which call prints <code>pwd</code>, and what is \({MEAN}\) for \(x_i\)? It costs $5 and $6.</div>'
OPTIONS_HTML = [
    r'<span lang="en" dir="ltr"><code>ls -a</code> and \(x^2\)</span>',
    r'<span lang="en" dir="ltr"><code>print(pwd)</code> with \(\sigma^2\)</span>',
    r'<span lang="en" dir="ltr"><code>cd ..</code> ~ {x} = #</span>',
    r'<span lang="en" dir="ltr">\(a &lt; b\) <em>and</em> <code>a&lt;b</code></span>',
]
FEEDBACK_HTML = r'<div lang="en" dir="ltr">Because <code>mean(x)</code> is \(\bar{x}\), and $5 and $6 stay money.</div>'
TF_HTML = rf'<div lang="en" dir="ltr">Is \({VARIANCE}\) what <code>var(x)</code> computes?</div>'
NAMES = ["m1-l1 Q1 · Which call prints pwd, and what is…", r"m1-l1 Q2 · Is $s^2 = \frac{\sum (x - \bar{x})^2}{n-1}$ what var(x)…", "m1-l1 Q3 · The sample variance divides by ____ where n = len(x)."]  # the bank names: a formula is never cut
CLOZE_HTML = '<div lang="en" dir="ltr">The sample variance divides by __________ where <code>n = len(x)</code>.</div>'
NOTICE = "warning: blended-teaching: {}: a typed (cloze) answer holds a formula: it is accepted as its LaTeX, typed without the dollars: once, first 'n-1' in m1-l1 question 3"


@pytest.fixture(scope="module")
def rich(tmp_path_factory) -> tuple[Path, str]:
    """The sample course with m1-l1/quiz.md edited by hand to hold code and math, rendered again."""
    root = tmp_path_factory.mktemp("rich")
    shutil.copytree(SPECS, root / "course_specs")
    out = root / "output"
    assert run_cli("build", root / SPEC, "--output", out, "--formats", "markdown").exit_code == 0
    quiz = out / "blended-teaching/content/m1-l1/quiz.md"
    text = quiz.read_text("utf-8")
    quiz.write_text(text[: text.index("\n---\n", 3) + 5] + RICH, "utf-8")
    result = run_cli("render", root / SPEC, "--output", out, "--formats", FORMATS)
    assert result.exit_code == 0, result.stderr
    return out / "blended-teaching/dist", result.stderr


def first_items(dist: Path) -> list[etree._ElementTree]:
    with zipfile.ZipFile(dist / "qti21.zip") as archive:
        return [qti_schema.parse(archive.read(f"items/m1-l1-q{n}.xml")) for n in (1, 2, 3)]


def annotations(element) -> list[str]:
    return [a.text for a in element.iterfind(".//m:math/m:semantics/m:annotation", NS)]


# From the user's side: one render, every quiz format.

def test_qti_items_with_code_and_math_validate_and_hold_mathml(rich):
    dist, _ = rich
    mc, tf, cloze = first_items(dist)
    for item in (mc, tf, cloze):
        assert qti_schema.errors(qti_schema.qti(), item) == []
    interaction = mc.find(".//q:choiceInteraction", NS)
    prompt = interaction.find("q:prompt", NS)
    assert annotations(prompt) == [MEAN, "x_i"]  # "$5 and $6" is money, not a formula
    assert [c.text for c in prompt.iterfind("q:code", NS)] == ["pwd"]
    assert "".join(prompt.itertext()).endswith("? It costs $5 and $6.")
    assert prompt.find("m:math", NS).get("alttext") == MEAN
    choices = interaction.findall("q:simpleChoice", NS)
    assert [annotations(c) for c in choices] == [["x^2"], [r"\sigma^2"], [], ["a < b"]]
    assert [[c.text for c in choice.iterfind("q:code", NS)] for choice in choices] == [["ls -a"], ["print(pwd)"], ["cd .."], ["a<b"]]
    assert choices[3].find("q:em", NS).text == "and"
    feedback = mc.find("q:modalFeedback/q:p", NS)
    assert annotations(feedback) == [r"\bar{x}"] and feedback.find("q:code", NS).text == "mean(x)"
    assert annotations(tf.find(".//q:prompt", NS)) == [VARIANCE]
    # A typed answer is what a learner can type: the formula's LaTeX, code as written.
    assert [e.get("mapKey") for e in cloze.iterfind(".//q:mapEntry", NS)] == ["n-1", "n - 1"]
    paragraph = cloze.find("q:itemBody/q:p", NS)
    assert paragraph.find("q:textEntryInteraction", NS) is not None and paragraph.find("q:code", NS).text == "n = len(x)"
    assert annotations(cloze.find("q:modalFeedback", NS)) == ["n-1"]
    # And the checks every sample course's items pass: the text a learner reads, formulas as $LaTeX$.
    markdown = dist.parent / "content/m1-l1/quiz.md"
    _, body, first = split(markdown.read_text("utf-8"), str(markdown))
    for item, question in zip((mc, tf, cloze), parse_quiz(body, str(markdown), first).items):
        check_item(item.getroot(), question)


def test_qti_package_still_validates_with_rich_items(rich):
    dist, _ = rich
    with zipfile.ZipFile(dist / "qti21.zip") as archive:
        names = [n for n in archive.namelist() if n.endswith(".xml") and n != "imsmanifest.xml"]
        for name in names:
            assert qti_schema.errors(qti_schema.qti(), qti_schema.parse(archive.read(name))) == [], name
        assert qti_schema.errors(qti_schema.content_package(), qti_schema.parse(archive.read("imsmanifest.xml"))) == []


def test_moodle_xml_carries_code_and_tex_in_its_html(rich):
    dist, _ = rich
    root = etree.fromstring((dist / "moodle.xml").read_bytes())
    mc, tf, cloze = root.findall("question")[2:5]  # after the module's and the lesson's categories
    assert [q.findtext("name/text") for q in (mc, tf, cloze)] == NAMES
    assert mc.find("questiontext").get("format") == "html"
    assert mc.findtext("questiontext/text") == PROMPT_HTML
    assert [a.findtext("text") for a in mc.findall("answer")] == OPTIONS_HTML
    assert {a.get("format") for a in mc.findall("answer")} == {"html"}
    assert mc.findtext("generalfeedback/text") == FEEDBACK_HTML
    assert tf.findtext("questiontext/text") == TF_HTML
    assert cloze.findtext("questiontext/text") == CLOZE_HTML
    assert [a.findtext("text") for a in cloze.findall("answer")] == ["n-1", "n - 1"]
    assert b"<![CDATA[" in (dist / "moodle.xml").read_bytes()  # the HTML stays HTML, as Moodle writes it


def test_gift_parses_and_round_trips_code_and_math(rich):
    dist, _ = rich
    text = (dist / "gift.txt").read_text("utf-8")
    # GIFT's own characters inside TeX are escaped: \( is \\(, braces \{ \}.
    assert r"\\(\\bar\{x\} \= \\frac\{1\}\{n\}\\sum x_i\\)" in text
    result = subprocess.run(["node", str(GIFT_CHECK), str(dist / "gift.txt")], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    questions = [q for q in json.loads(result.stdout) if q["type"] != "Category"]
    mc, tf, cloze = (q for q in questions if q["title"] in NAMES)
    assert mc["stem"] == {"format": "html", "text": PROMPT_HTML}
    assert [c["text"] for c in mc["choices"]] == [{"format": "html", "text": t} for t in OPTIONS_HTML]
    assert [c["isCorrect"] for c in mc["choices"]] == [False, True, False, False]
    assert mc["globalFeedback"] == {"format": "html", "text": FEEDBACK_HTML}
    assert tf["stem"]["text"] == TF_HTML and tf["isTrue"] is True
    assert cloze["stem"]["text"] == CLOZE_HTML
    assert [c["text"]["text"] for c in cloze["choices"]] == ["n-1", "n - 1"]


def test_what_a_format_cannot_hold_is_said_once_per_format(rich):
    _, stderr = rich
    lines = stderr.splitlines()
    for fmt in ("qti21", "moodle_xml", "gift"):
        assert lines.count(NOTICE.format(fmt)) == 1, stderr
    assert len([line for line in lines if "typed (cloze) answer" in line]) == 3


# Units: the pieces each format relies on.

def test_money_stays_text_and_formulas_become_tex():
    assert mathjax_html("It costs $5 and $6, or $x_1$ and $*a*$") == r"It costs $5 and $6, or \(x_1\) and \(*a*\)"
    assert mathjax_html("no $ x $ here") == "no $ x $ here"  # a space inside the dollars: not a formula
    assert mathjax_html("`$x$` is code") == "<code>$x$</code> is code"
    assert typed("$n-1$ or `n - 1` or **n**") == "n-1 or n - 1 or n"


def test_a_text_that_spells_the_marker_keeps_its_words():
    text = "cwmath0x and &#99;wmath0x then $y$"
    assert mathjax_html(text) == r"cwmath0x and cwmath0x then \(y\)"


@pytest.mark.parametrize("latex", [
    r"\bar{x}", r"\frac{a}{b}", r"\sum_{i=1}^{n} x_i", r"\sqrt[3]{x}", r"\mathbb{R}", r"\hat{\beta}_1", r"\binom{n}{k}",
    r"\left( \frac{a}{b} \right)", r"\begin{pmatrix} 1 & 2 \\ 3 & 4 \end{pmatrix}", r"\begin{cases} 1 & x > 0 \\ 0 & \text{else} \end{cases}",
    r"a \! b \, c \quad d", r"\xrightarrow{f}", r"\xcancel{x}", r"\mathbin{\#}", r"\colorbox{yellow}{x}", r"\LaTeX", r"\hphantom{x}",
    r"\mathrm{Var}(X) = E[X^2] - E[X]^2", r"\int_0^\infty e^{-x} \, dx", r"\lim_{n \to \infty} \left(1 + \frac{1}{n}\right)^n",
    r"P(A \mid B) = \frac{P(B \mid A) P(A)}{P(B)}", r"\underbrace{a + b}_{n}", r"\overset{!}{=}", r"\displaystyle\sum x",
])
def test_every_formula_validates_as_qti_mathml(latex):
    item = QuizItem(kind="multiple_choice", objective="LO1", prompt=f"Is ${latex}$ right?", options=[Option(text=f"yes, ${latex}$", correct=True), Option(text="no", correct=False)], feedback=f"See ${latex}$.")
    degraded = Degraded("qti21")
    document = qti_schema.parse(etree.tostring(assessment_item(item, "i1", "t", "en", degraded, "here")))
    assert qti_schema.errors(qti_schema.qti(), document) == []
    assert annotations(document.getroot()) == [latex] * 3 and degraded.seen == {}


def test_mathml3_attributes_become_mathml2():
    space = math_element(r"a \! b").find(".//m:mspace", NS)
    assert space.get("width") == "-0.1667em"  # MathML 2 has no negative named spaces
    padded = math_element(r"\xrightarrow{f}").find(".//m:mpadded", NS)
    assert padded is not None and padded.get("voffset") is None  # MathML 3 only
    notations = [e.get("notation") for e in math_element(r"\xcancel{x}").iterfind(".//m:menclose", NS)]
    assert notations == ["updiagonalstrike", "downdiagonalstrike"]  # one notation per menclose
    assert math_element(r"\mathbin{a}").find(".//m:mo", NS).text == "a"  # tokens hold text only
    assert etree.QName(to_mathml2(etree.fromstring('<math xmlns="http://www.w3.org/1998/Math/MathML"><mi>x</mi></math>'))).namespace == M


def test_a_formula_mathml2_cannot_hold_is_its_latex_and_said():
    item = QuizItem(kind="multiple_choice", objective="LO1", prompt=r"Is $\frac{a}$ or $\begin{aligned} a &= b \end{aligned}$ right?", options=[Option(text="yes", correct=True), Option(text="no", correct=False)], feedback=r"See $x$.")
    degraded = Degraded("qti21")
    document = qti_schema.parse(etree.tostring(assessment_item(item, "i1", "t", "en", degraded, "m1-l1 question 1")))
    assert qti_schema.errors(qti_schema.qti(), document) == []
    prompt = document.find(".//q:prompt", NS)
    assert [c.text for c in prompt.iterfind("q:code", NS)] == [r"$\frac{a}$"]
    assert len(prompt.findall(".//m:math", NS)) == 1  # aligned equations (their & kept as XML) are MathML
    assert degraded.seen == {"a formula that MathML 2 (what QTI 2.1 reads) cannot hold is shown as its LaTeX": [1, r"$\frac{a}$ in m1-l1 question 1"]}


def test_an_item_without_math_declares_no_mathml_namespace():
    item = QuizItem(kind="cloze", objective="LO1", prompt=f"Type {BLANK} with `code`", options=[Option(text="`ls`", correct=True)], feedback="It costs $5 and $6.")
    raw = etree.tostring(assessment_item(item, "i1", "t", "en"))
    assert b"MathML" not in raw and b"<code>code</code>" in raw
