"""The HTML site as a learner meets it: loaded in headless Chromium, audited with axe-core."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from browser import PageWatch, axe_violations, browser, serve
from conftest import REPO, SPECS, run_cli
from courseware.render.sanitize import inline

HOSTILE = [
    "<script>window.__pwned = 1; alert('script')</script> plain words",
    "<img src=x onerror=\"window.__pwned = 2; alert('img')\"> after image",
    "[click me](javascript:window.__pwned=3) and [data](data:text/html,<script>alert(4)</script>)",
    "<svg><script>window.__pwned = 5</script><circle onload=\"alert(6)\"/></svg> svg text",
    "<iframe src=\"https://evil.example/\"></iframe> framed",
    "**bold** <a href=\"http://127.0.0.1:1/x\" onclick=\"alert(7)\">link</a> end",
]


@pytest.fixture(scope="module")
def sites(samples) -> dict[str, Path]:
    """The sample courses and the Arabic course, built offline (tests/samples.py): their dist/html folders."""
    return {name: samples / "output" / name / "dist" / "html" for name in ("blended-teaching", "evaluation-formative", "taallum-mudmaj")}


def pages(site: Path) -> list[str]:
    return sorted(p.name for p in site.glob("*.html"))


def test_site_has_every_page(sites):
    assert pages(sites["blended-teaching"]) == ["credential.html", "index.html", "m1-l1.html", "m1-l2.html", "m1-l3.html", "m2-l1.html", "m2-l2.html", "m2-l3.html", "m3-l1.html", "m3-l2.html", "search.html", "sources.html"]
    assert sorted(p.name for p in (sites["blended-teaching"] / "assets").iterdir()) == ["icon.svg", "quiz.js", "search.js", "site.js", "style.css", "theme.js"]
    assert (sites["blended-teaching"] / "search-index.js").is_file()


def test_pages_are_light_and_self_contained(sites):
    site = sites["blended-teaching"]
    assets = sum(p.stat().st_size for p in (site / "assets").iterdir())
    for name in pages(site):
        html = (site / name).read_text("utf-8")
        assert not re.search(r"""(src|href)=["']?(https?:)?//""", html), name  # nothing loaded from elsewhere
        assert "@import" not in html and "url(" not in (site / "assets/style.css").read_text()
        if name.startswith("m"):
            assert (site / name).stat().st_size + assets < 100_000, name


def test_language_and_direction(sites):
    assert '<html lang="en" dir="ltr">' in (sites["blended-teaching"] / "index.html").read_text("utf-8")
    assert '<html lang="fr" dir="ltr">' in (sites["evaluation-formative"] / "m1-l1.html").read_text("utf-8")
    arabic = (sites["taallum-mudmaj"] / "m1-l1.html").read_text("utf-8")
    assert '<html lang="ar" dir="rtl">' in arabic and "تحقق من فهمك" in arabic


def test_the_home_page_speaks_the_course_language(sites):
    """Labels and the course level from the language's catalogue (courseware/locale/), not the spec's raw value."""
    assert "<dt>Level</dt><dd>Introductory</dd>" in (sites["blended-teaching"] / "index.html").read_text("utf-8")
    french = (sites["evaluation-formative"] / "index.html").read_text("utf-8")
    assert "<dt>Niveau</dt><dd>Initiation</dd>" in french and "Accueil du cours" in french
    arabic = (sites["taallum-mudmaj"] / "index.html").read_text("utf-8")
    assert "<dt>المستوى</dt><dd>تمهيدي</dd>" in arabic and ">الصفحة الرئيسية للمقرر</a>" in arabic


@pytest.mark.parametrize("text", HOSTILE)
def test_sanitizer_removes_active_content(text):
    html = str(inline(text))
    assert not re.search(r"<(script|iframe|svg|img|object|embed)\b", html, re.I)
    assert not re.search(r"<[^>]*\son\w+\s*=", html, re.I)  # no event handler inside a tag
    assert not re.search(r"href=\"(javascript|data):", html, re.I)


def test_every_page_in_chromium_is_clean_and_accessible(sites, tmp_path):
    problems = []
    with browser(bypass_csp=True) as context:
        for course, site in sites.items():
            with serve(site) as base:
                for name in pages(site):
                    page = context.new_page()
                    watch = PageWatch(page)
                    page.goto(f"{base}/{name}", wait_until="load")
                    violations = axe_violations(page)
                    if watch.errors or watch.failed or violations:
                        problems.append((course, name, watch.errors, watch.failed, violations))
                    page.close()
        assert context.outside == []
    assert problems == []


def answer(page, right: bool) -> None:
    """Answer every question of the page's quiz, right or (for the first question) wrong."""
    key = page.evaluate("JSON.parse(document.querySelector('script.quiz-key').textContent)")
    for n, item in enumerate(key["items"]):
        fieldset = page.locator("fieldset.item").nth(n)
        wrong = not right and n == 0
        if item["kind"] == "cloze":
            fieldset.locator("input[type=text]").fill("not the answer" if wrong else item["accepted"][0].upper() + "  ")
        else:
            options = fieldset.locator("input[type=radio]")
            choice = item["correct"][0] if not wrong else next(k for k in range(options.count()) if k not in item["correct"])
            options.nth(choice).check()
    page.locator("form.quiz-form button[type=submit]").click()


def test_quiz_can_be_answered_and_scored(sites, tmp_path):
    site = sites["blended-teaching"]
    with browser() as context, serve(site) as base:
        page = context.new_page()
        watch = PageWatch(page)
        page.goto(f"{base}/m1-l1.html")
        page.locator("form.quiz-form button[type=submit]").click()
        assert page.locator(".result").text_content() == "Answer every question first."
        answer(page, right=True)
        assert page.locator(".result").text_content() == "Score: 5/5 (100%) · Passed"
        assert page.locator(".feedback:not([hidden]) .verdict").all_text_contents() == ["Correct"] * 5
        page.screenshot(path=str(tmp_path / "lesson.png"), full_page=True)
        assert (tmp_path / "lesson.png").stat().st_size > 10_000
        page.reload()
        answer(page, right=False)
        assert page.locator(".result").text_content() == "Score: 4/5 (80%) · Passed"
        assert page.locator(".feedback .verdict").first.text_content() == "Not quite"
        assert watch.errors == [] and watch.failed == []


def test_site_works_from_file_urls(sites, tmp_path):
    site = sites["evaluation-formative"]
    with browser() as context:
        page = context.new_page()
        watch = PageWatch(page)
        page.goto((site / "m1-l1.html").as_uri())
        answer(page, right=True)
        assert page.locator(".result").text_content() == "Score: 4/4 (100%) · Réussi"
        assert watch.errors == [] and context.outside == []


def test_hostile_text_in_the_markdown_never_runs(tmp_path):
    shutil.copytree(SPECS, tmp_path / "course_specs")
    out = tmp_path / "output"
    spec = tmp_path / "course_specs/evaluation-formative.yaml"
    assert run_cli("build", spec, "--output", out, "--formats", "markdown").exit_code == 0
    content = out / "evaluation-formative/content"
    lesson = content / "m1-l1/lesson.md"
    hostile = "\n\n".join(f"Hostile text: {h}" for h in HOSTILE)  # at a line start, raw HTML is refused as a block
    text = lesson.read_text("utf-8").replace("\n## ", "\n" + hostile + "\n\n## ", 1)
    lesson.write_text(text, "utf-8")
    quiz = content / "m1-l1/quiz.md"
    quiz.write_text(quiz.read_text("utf-8").replace("\n> ", "\n> Hostile: <script>alert('feedback')</script> ", 1), "utf-8")
    assert run_cli("render", spec, "--output", out, "--formats", "html").exit_code == 0
    site = out / "evaluation-formative/dist/html"
    with browser() as context, serve(site) as base:
        page = context.new_page()
        watch = PageWatch(page)
        page.goto(f"{base}/m1-l1.html")
        answer(page, right=True)
        assert page.evaluate("window.__pwned === undefined")
        assert watch.dialogs == []
        assert page.evaluate("document.querySelectorAll('script:not([src]):not([type=\"application/json\"]), iframe, svg, img, [onerror], [onclick], [onload]').length") == 0
        assert page.evaluate("[...document.querySelectorAll('a')].filter(a => /^(javascript|data):/i.test(a.getAttribute('href') || '')).length") == 0
        assert "plain words" in page.content()
    assert context.outside == []
