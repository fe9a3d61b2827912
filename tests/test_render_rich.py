"""Rich lessons in the HTML site and the SCORM packages: every block kind rendered, figures
copied, formulas as MathML, code highlighted, the page accessible in Chromium; what cannot be
shown as written (bad LaTeX, a heavy image) said once."""

from __future__ import annotations

import re
import shutil
import zipfile
from pathlib import Path

import pytest
from lxml import etree, html

from browser import PageWatch, axe_violations, browser, serve
from courseware.content.blocks import Math, Paragraph
from courseware.content.figures import LARGE_IMAGE_BYTES
from courseware.content.model import Section
from courseware.render import render
from courseware.render.notices import collected
from courseware.writer import Writer
from rich_course import LESSON, RICH, rich_course
from scorm_schema import errors, scorm12, scorm2004

CSS = Path(__file__).resolve().parent.parent / "courseware" / "templates" / "html" / "style.css"
FORMATS = ["html", "scorm12", "scorm2004"]


def rendered(root: Path, lesson=LESSON) -> tuple[Path, list[str]]:
    """The rich course rendered to the site and both packages; the dist folder and the notices."""
    course = rich_course(root, lesson)
    dist = root / "dist"
    with collected() as notices:
        render(course, FORMATS, Writer(dist))
    return dist, notices.lines


@pytest.fixture(scope="module")
def rich(tmp_path_factory) -> tuple[Path, list[str]]:
    return rendered(tmp_path_factory.mktemp("rich"))


def lesson_page(dist: Path) -> html.HtmlElement:
    return html.fromstring((dist / "html" / "m1-l1.html").read_bytes())


def test_a_rich_course_renders_without_a_notice(rich):
    dist, notices = rich
    assert notices == []
    assert sorted(p.name for p in (dist / "html").glob("*.html")) == ["index.html", "m1-l1.html", "search.html", "sources.html"]


def shown(element: html.HtmlElement) -> str:
    """An element's text with each formula as its LaTeX between dollars."""
    copy = html.fromstring(html.tostring(element))
    for math in list(copy.iter("math")):
        math.tail = f"${math.get('alttext')}${math.tail or ''}"
        math.drop_tree()  # keeps the tail
    return copy.text_content()


def test_tables_have_column_headers_alignment_and_a_caption(rich):
    page = lesson_page(rich[0])
    table = page.cssselect("article table")[0]
    assert [(th.get("scope"), th.text_content()) for th in table.cssselect("thead th")] == [("col", "Group"), ("col", "Students"), ("col", "Mean score")]
    assert [td.get("class") for td in table.cssselect("tbody tr")[0]] == ["align-left", "align-center", "align-right"]
    assert table.cssselect("tbody tr")[2][1].cssselect("em")[0].text == "none yet"
    assert table.cssselect("caption")[0].text_content() == "Mean scores of three tutorial groups.2"
    assert table.cssselect("caption a")[0].get("href") == "#ref-2"
    region = table.getparent()
    assert (region.get("role"), region.get("aria-label"), region.get("tabindex")) == ("region", "Mean scores of three tutorial groups.", "0")


def test_code_is_highlighted_at_build_time_and_its_output_labelled(rich):
    page = lesson_page(rich[0])
    block = page.cssselect("article .code-block")[0]
    code = block.cssselect("pre.highlight > code.language-python")[0]
    assert code.text_content() == 'scores = [12, 15, 9]\nmean = sum(scores) / len(scores)  # 12.0\nprint(f"mean: {mean}")'
    classes = {(span.get("class"), span.text) for span in code.cssselect("span")}
    assert {("nb", "sum"), ("mi", "12"), ("c1", "# 12.0"), ("nb", "print")} <= classes
    output = block.cssselect("figure.output")[0]
    assert output.cssselect("figcaption")[0].text == "Output" and output.cssselect("pre > samp")[0].text == "mean: 12.0"
    before_quiz = (rich[0] / "html" / "m1-l1.html").read_text("utf-8").split("<section class=\"quiz\"")[0]
    assert re.findall(r"<script[^>]*>", before_quiz) == ['<script src="assets/theme.js">']  # no highlighter script (theme.js: light or dark)


def test_every_highlight_colour_is_readable_on_the_code_background():
    """In light and in dark colours: each set of colours (a block that sets --code-bg) against its background."""
    css = CSS.read_text("utf-8")
    used = set(re.findall(r"\.highlight [^{]*\{ color: var\((--hl-[a-z]+)\)", css))
    assert len(re.findall(r"\.highlight [^{]*\{ color: ", css)) >= 9 and len(used) >= 7
    schemes = [block for block in re.findall(r"\{([^{}]*--code-bg:[^{}]*)\}", css)]
    assert len(schemes) == 3  # light, the system's dark, the learner's dark
    for block in schemes:
        values = dict(re.findall(r"(--[a-z-]+): (#[0-9a-f]{3,6})", block))
        assert used <= set(values)
        low = [(name, values[name], round(contrast(values[name], values["--code-bg"]), 2)) for name in sorted(used) if contrast(values[name], values["--code-bg"]) < 4.5]
        assert low == []


def contrast(a: str, b: str) -> float:
    def luminance(colour: str) -> float:
        h = colour.lstrip("#")
        h = "".join(c * 2 for c in h) if len(h) == 3 else h
        r, g, bl = (int(h[i : i + 2], 16) / 255 for i in (0, 2, 4))
        lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in (r, g, bl)]
        return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]

    light, dark = sorted((luminance(a), luminance(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def test_math_is_mathml_with_its_latex_for_screen_readers(rich):
    source = (rich[0] / "html" / "m1-l1.html").read_text("utf-8")
    display = re.findall(r'<div class="math-block" tabindex="0">(<math .*?</math>)</div>', source)
    assert len(display) == 2  # the lesson's and the slide's
    math = etree.fromstring(display[0])
    m = "{http://www.w3.org/1998/Math/MathML}"
    latex = r"\bar{x} = \frac{1}{n}\sum_{i=1}^{n} x_i"
    assert (math.tag, math.get("display"), math.get("alttext"), math.get("aria-label")) == (f"{m}math", "block", latex, latex)
    assert math.find(f"{m}semantics/{m}annotation").text == latex
    assert math.find(f".//{m}mfrac") is not None and math.find(f".//{m}munderover") is not None
    inline = lesson_page(rich[0]).cssselect("article p")[0]
    assert inline.text_content().startswith("The mean ") and 'alttext="\\bar{x}"' in html.tostring(inline, encoding="unicode")
    assert source.count('display="inline"') >= 8  # intro, list items, slide bullet, quiz prompt, options and feedback


def test_figures_have_alt_text_a_caption_with_credit_and_their_image_beside_the_page(rich):
    dist = rich[0]
    figure = lesson_page(dist).cssselect("article figure.figure")[0]
    image = figure.cssselect("img")[0]
    assert image.get("alt") == "Bar chart: group A 12, group B 15, group C 9"
    assert re.fullmatch(r"figures/[0-9a-f]{12}-scores\.svg", image.get("src"))
    assert figure.cssselect("figcaption")[0].text_content() == "The same scores as a bar chart.2 Course team, CC BY 4.0"
    assert (dist / "html" / image.get("src")).read_bytes() == (Path(__file__).parent / "data/rich/figures/scores.svg").read_bytes()
    assert sorted(p.name for p in (dist / "html" / "figures").iterdir()) == [Path(image.get("src")).name]  # lesson and slide share one copy


def test_callouts_lists_and_quotes(rich):
    page = lesson_page(rich[0])
    callouts = page.cssselect("article aside.callout")
    assert [(a.get("class"), a.get("role"), a.cssselect(".callout-title")[0].text_content()) for a in callouts] == [
        ("callout callout-tip", "note", "Tip Check your arithmetic"),
        ("callout callout-warning", "note", "Warning"),
        ("callout callout-takeaway", "note", "Key takeaway In short"),
    ]
    assert [li.text_content() for li in callouts[2].cssselect("ul > li")] == ["the mean is the sum over the count", "a table and a chart show the same scores2"]
    steps = page.cssselect("article > ol")[0]
    assert shown(steps.cssselect("li > ul > li")[0]) == "three scores give $36 / 3 = 12$"
    assert page.cssselect("article blockquote > p")[0].text_content() == "The mean is the most common summary of a set of scores.1"
    overview = html.fromstring((rich[0] / "html" / "index.html").read_bytes())
    assert [li.text_content() for li in overview.cssselect("main > ul:not(.objectives) > li")] == ["compute a mean", "read a table and a chart"]
    assert overview.cssselect(".module aside.callout-note p")[1].text == "One lesson, about an hour."


def test_slide_outline_shows_each_slide_visual(rich):
    slides = lesson_page(rich[0]).cssselect("section.slides > ol > li")
    assert len(slides) == 3 and slides[0].cssselect(".code-block pre.highlight .nb")[0].text == "sum"
    assert slides[1].cssselect("figure.figure img")[0].get("alt") == "Bar chart: group A 12, group B 15, group C 9"
    assert slides[2].cssselect(".math-block math")


@pytest.mark.parametrize("version, name, schema", [("1.2", "scorm12.zip", scorm12), ("2004", "scorm2004.zip", scorm2004)])
def test_every_package_holds_the_figure_and_lists_it(rich, version, name, schema):
    archive = zipfile.ZipFile(rich[0] / name)
    xml = archive.read("imsmanifest.xml")
    assert errors(schema(), xml) == []
    sco = archive.read("m1-l1.html").decode("utf-8")
    src = re.search(r'<img src="(figures/[^"]+)"', sco).group(1)
    assert archive.read(src) == (rich[0] / "html" / src).read_bytes()
    listed = {f.get("href") for f in etree.fromstring(xml).iter("{*}file")}
    assert listed == set(archive.namelist()) - {"imsmanifest.xml"} and src in listed
    assert '<th scope="col"' in sco and "<math " in sco and 'class="nb"' in sco


def test_the_rich_page_in_chromium_is_clean_and_accessible(rich, tmp_path):
    site = rich[0] / "html"
    with browser(bypass_csp=True) as context, serve(site) as base:
        page = context.new_page()
        page.set_viewport_size({"width": 900, "height": 900})
        watch = PageWatch(page)
        for name in ("m1-l1.html", "index.html"):
            page.goto(f"{base}/{name}", wait_until="load")
            assert axe_violations(page) == [], name
        page.goto(f"{base}/m1-l1.html", wait_until="load")
        # Chromium lays the formula out (a fraction is taller than a line) and shows the image.
        assert page.evaluate("document.querySelector('.math-block math').getBoundingClientRect().height") > 30
        assert page.evaluate("document.querySelector('figure.figure img').naturalWidth") == 320
        page.screenshot(path=str(tmp_path / "rich.png"), full_page=True)
        assert watch.errors == [] and watch.failed == [] and context.outside == []
    assert (tmp_path / "rich.png").stat().st_size > 50_000


def test_latex_that_cannot_be_shown_is_shown_as_latex_and_said_once(tmp_path):
    broken = LESSON.model_copy(update={"sections": [*LESSON.sections, Section(heading="A slip", blocks=[Math(latex="x^"), Paragraph(text="Inline too: $y_$ and again $y_$.")])]})
    dist, notices = rendered(tmp_path, broken)
    lesson = tmp_path / "course/output/describing-data/content/m1-l1/lesson.md"
    assert notices == [
        f"{lesson}: the formula $x^$ is not LaTeX that can be shown (MissingSuperScriptOrSubscriptError); shown as its LaTeX",
        f"{lesson}: the formula $y_$ is not LaTeX that can be shown (MissingSuperScriptOrSubscriptError); shown as its LaTeX",
    ]
    page = (dist / "html" / "m1-l1.html").read_text("utf-8")
    assert '<pre class="math-tex" tabindex="0"><code>x^</code></pre>' in page
    assert page.count('<code class="math-tex">$y_$</code>') == 2


def test_a_heavy_figure_is_said_once(tmp_path):
    shutil.copytree(RICH, tmp_path / "course", ignore=shutil.ignore_patterns("content"))
    image = tmp_path / "course/figures/scores.svg"
    heavy = image.read_text("utf-8").replace("</svg>", "<!--" + "x" * LARGE_IMAGE_BYTES + "--></svg>")
    image.write_text(heavy, "utf-8")
    dist, notices = rendered(tmp_path)  # shown in the lesson and on a slide, in the site and both packages
    size = len(heavy.encode()) // 1000
    assert notices == [
        f"{image}: the figure's image is {size:,} KB, over the {LARGE_IMAGE_BYTES // 1000:,} KB page-weight budget; "
        "every learner downloads it with the page: make it smaller (an SVG, or a PNG or JPEG at the width shown)"
    ]
    assert [p.stat().st_size for p in (dist / "html" / "figures").iterdir()] == [len(heavy.encode())]


HOSTILE_MATH = [
    r"$\text{<img src=x onerror=alert(1)>}$ text",
    r"$\text{<script>alert(2)</script>}$ text",
    r"$\href{javascript:alert(3)}{x}$ text",
    r'$\text{a" onmouseover="alert(4)}$ text',
    r"$\mathrm{<svg onload=alert(5)>}$ text",
]


@pytest.mark.parametrize("text", HOSTILE_MATH)
def test_formulas_cannot_carry_active_content(text):
    from courseware.render.sanitize import inline

    out = html.fragment_fromstring(str(inline(text)), create_parent="p")
    assert out.find("math") is not None and out.text_content().endswith("text")
    assert {e.tag for e in out.iter()} - {"p", "math", "semantics", "annotation", "mrow", "mi", "mo", "mn", "mtext", "mstyle"} == set()
    assert [(e.tag, name) for e in out.iter() for name in e.attrib if name.startswith("on") or name in ("href", "src", "style")] == []


def test_a_rich_lesson_md_renders_through_the_cli_and_a_bad_formula_is_said_once(tmp_path):
    from conftest import run_cli
    from courseware.markdown.write import to_markdown

    rich_course(tmp_path)  # builds the course offline; its lesson.md is then replaced by the rich one
    folder = tmp_path / "course"
    lesson = folder / "output/describing-data/content/m1-l1/lesson.md"
    text = lesson.read_text("utf-8")
    front = text[: text.index("\n---\n", 4) + 5]
    broken = LESSON.model_copy(update={"sections": [*LESSON.sections, Section(heading="A slip", blocks=[Math(latex="x^")])]})
    lesson.write_text(front + to_markdown(broken), "utf-8")
    result = run_cli("render", folder / "course.yaml", "--output", folder / "output", "--formats", "html,scorm12,scorm2004")
    assert result.exit_code == 0
    assert result.stderr.splitlines() == [f"warning: {lesson}: the formula $x^$ is not LaTeX that can be shown (MissingSuperScriptOrSubscriptError); shown as its LaTeX"]
    page = (folder / "output/describing-data/dist/html/m1-l1.html").read_text("utf-8")
    assert page.count('<th scope="col"') == 3 and page.count('<div class="math-block"') == 1 and '<span class="nb">sum</span>' in page
    assert '<pre class="math-tex" tabindex="0"><code>x^</code></pre>' in page
