"""Moving through the course site as a learner does, from a folder (file://) in headless Chromium:
previous and next lesson, the outline, offline search, quiz results kept on the device, dark mode;
axe-core in light and dark, wide and narrow; nothing requested from elsewhere."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import lxml.html
import pytest
from playwright.sync_api import expect

from browser import PageWatch, axe_violations, browser, serve
from test_render_html import answer

NO_STORAGE = "Object.defineProperty(window, 'localStorage', {get() { throw new DOMException('refused', 'SecurityError'); }});"


@pytest.fixture(scope="module")
def sites(samples) -> dict[str, Path]:
    """The English sample course and the Arabic course, built offline (tests/samples.py): their dist/html folders."""
    return {name: samples / "output" / name / "dist" / "html" for name in ("blended-teaching", "taallum-mudmaj")}


def lessons(site: Path) -> list[str]:
    """The lesson pages in course order, as the home page lists them."""
    return [a.get("href") for a in lxml.html.fromstring((site / "index.html").read_bytes()).cssselect("ol.lessons a")]


def lesson_text(site: Path, name: str) -> str:
    return lxml.html.fromstring((site / name).read_bytes()).cssselect("article.lesson-text")[0].text_content().lower()


# The text from a section's heading to the next heading (or the lesson's text, for no section).
SECTION_TEXT = """id => {
    if (!id) { return document.querySelector('article.lesson-text').textContent; }
    let text = '', node = document.getElementById(id).nextElementSibling;
    for (; node && node.tagName !== 'H2'; node = node.nextElementSibling) { text += ' ' + node.textContent; }
    return text;
}"""


@pytest.mark.parametrize("course", ["blended-teaching", "taallum-mudmaj"])
def test_every_lesson_page_links_to_its_neighbours_and_shows_the_outline(sites, course):
    site = sites[course]
    order = lessons(site)
    assert len(order) >= 2
    for n, name in enumerate(order):
        page = lxml.html.fromstring((site / name).read_bytes())
        pager = {a.get("rel"): a.get("href") for a in page.cssselect("main nav.pager a")}
        assert pager == {k: v for k, v in (("prev", order[n - 1] if n else None), ("next", order[n + 1] if n + 1 < len(order) else None)) if v}
        (outline,) = page.cssselect("details.outline")
        assert outline.get("open") is None  # closed in the HTML: one line on a phone; site.js opens it where there is room
        links = outline.cssselect("nav a")
        assert [a.get("href") for a in links] == order and all((site / a.get("href")).is_file() for a in links)
        assert [a.get("href") for a in links if a.get("aria-current") == "page"] == [name]
        modules = [p.text_content() for p in outline.cssselect(".outline-module")]
        assert modules == [h.text_content() for h in lxml.html.fromstring((site / "index.html").read_bytes()).cssselect("section.module h3")]
    if course == "blended-teaching":  # across a module's end
        assert lxml.html.fromstring((site / "m1-l3.html").read_bytes()).cssselect("a[rel=next]")[0].get("href") == "m2-l1.html"


def test_a_learner_walks_the_course_by_next_and_back_by_the_outline(sites, tmp_path):
    site = sites["blended-teaching"]
    order = lessons(site)
    with browser() as context:
        page = context.new_page()
        watch = PageWatch(page)
        page.set_viewport_size({"width": 1280, "height": 900})
        page.goto((site / order[0]).as_uri())
        for name in order[1:]:
            page.locator("a[rel=next]").click()
            page.wait_for_url(re.compile(re.escape(name) + "$"))
        assert page.locator("a[rel=next]").count() == 0
        page.locator("a[rel=prev]").click()
        page.wait_for_url(re.compile(re.escape(order[-2]) + "$"))
        assert page.evaluate("document.getElementById('outline').open")  # wide screen: open beside the text
        outline, main = page.locator("details.outline").bounding_box(), page.locator("main").bounding_box()
        assert outline["x"] + outline["width"] <= main["x"]
        page.locator("details.outline nav a").first.click()
        page.wait_for_url(re.compile(re.escape(order[0]) + "$"))
        assert page.locator("details.outline a[aria-current=page]").get_attribute("href") == order[0]
        assert watch.errors == [] and context.outside == []


def test_on_a_phone_the_outline_is_one_line_and_the_lesson_starts_on_screen(sites, tmp_path):
    with browser() as context:
        page = context.new_page()
        page.set_viewport_size({"width": 390, "height": 844})
        page.goto((sites["blended-teaching"] / "m2-l1.html").as_uri())
        assert not page.evaluate("document.getElementById('outline').open")
        title = page.locator("main h1").bounding_box()
        assert title["y"] + title["height"] < 844 and title["x"] >= 0 and title["x"] + title["width"] <= 390
        assert page.evaluate("document.documentElement.scrollWidth") <= 390  # nothing pushes the text sideways
        page.locator("details.outline summary").click()
        assert page.locator("details.outline a[aria-current=page]").is_visible()


def test_right_to_left_pages_mirror_the_arrows_and_the_layout(sites, tmp_path):
    site = sites["taallum-mudmaj"]
    first, last = lessons(site)[0], lessons(site)[-1]
    assert lxml.html.fromstring((site / first).read_bytes()).cssselect("a[rel=next] .arrow")[0].text == "←"
    assert lxml.html.fromstring((site / last).read_bytes()).cssselect("a[rel=prev] .arrow")[0].text == "→"
    with browser() as context:
        page = context.new_page()
        page.set_viewport_size({"width": 1280, "height": 900})
        page.goto((site / first).as_uri())
        main, outline = page.locator("main").bounding_box(), page.locator("details.outline").bounding_box()
        assert outline["x"] >= main["x"] + main["width"]  # the outline on the right, where an Arabic page starts
        link = page.locator("a[rel=next]").bounding_box()
        assert link["x"] < main["x"] + main["width"] / 2  # next is on the left
        page.goto((site / last).as_uri())
        link, main = page.locator("a[rel=prev]").bounding_box(), page.locator("main").bounding_box()
        assert link["x"] + link["width"] > main["x"] + main["width"] / 2  # previous on the right


def test_search_finds_a_word_of_another_lesson_and_opens_it(sites, tmp_path):
    site = sites["blended-teaching"]
    order = lessons(site)
    elsewhere = " ".join([*(lesson_text(site, name) for name in order[:-1]), lxml.html.fromstring((site / "index.html").read_bytes()).text_content().lower()])
    word = sorted(w for w in set(re.findall(r"[a-z]{7,}", lesson_text(site, order[-1]))) if w not in elsewhere)[0]  # in the last lesson only
    with browser() as context:
        page = context.new_page()
        watch = PageWatch(page)
        page.goto((site / order[0]).as_uri())
        page.get_by_role("link", name="Search", exact=True).click()
        page.wait_for_url(re.compile("search.html$"))
        page.get_by_label("Search the course").fill(word.upper())  # as typed: capitals fold like accents
        assert re.fullmatch(r"Sections found: \d+", page.locator(".search-status").text_content())
        hrefs = page.locator(".search-results a").evaluate_all("links => links.map(a => a.getAttribute('href'))")
        assert hrefs and {h.split("#")[0] for h in hrefs} == {order[-1]}
        page.locator(".search-results a").first.click()
        page.wait_for_url(re.compile(re.escape(hrefs[0]) + "$"))
        assert word in page.evaluate(SECTION_TEXT, hrefs[0].partition("#")[2]).lower()
        page.go_back()
        page.get_by_label("Search the course").fill("zqxjv")
        assert page.locator(".search-status").text_content() == "No section has these words." and page.locator(".search-results li").count() == 0
        assert watch.errors == [] and context.outside == []


def test_arabic_search_ignores_diacritics_hamza_forms_and_the_article(sites, tmp_path):
    with browser() as context:
        page = context.new_page()
        page.goto((sites["taallum-mudmaj"] / "search.html").as_uri())
        found = {}
        for query in ("التقويم", "تقويم", "تَقْوِيمُ", "التكويني", "تكوينى"):
            page.locator("#search-q").fill(query)
            found[query] = page.locator(".search-results a").evaluate_all("links => links.map(a => a.getAttribute('href'))")
        assert found["التقويم"] and found["التقويم"] == found["تقويم"] == found["تَقْوِيمُ"]
        assert found["التكويني"] == found["تكوينى"] and found["التكويني"]  # ى typed for ي
        assert page.locator(".search-status").text_content().startswith("الأقسام التي وُجدت: ")


def test_quiz_answers_are_kept_on_the_device_and_shown_beside_the_lessons(sites, tmp_path):
    site = sites["blended-teaching"]
    with browser() as context:
        page = context.new_page()
        watch = PageWatch(page)
        page.goto((site / "m1-l1.html").as_uri())
        answer(page, right=False)
        chosen = page.evaluate("[...document.querySelectorAll('fieldset.item input')].map(i => i.type === 'radio' ? i.checked : i.value)")
        page.reload()
        assert page.evaluate("[...document.querySelectorAll('fieldset.item input')].map(i => i.type === 'radio' ? i.checked : i.value)") == chosen
        assert page.locator(".result").text_content() == "Score: 4/5 (80%) · Passed"
        assert page.locator(".feedback .verdict").first.text_content() == "Not quite"
        page.goto((site / "m1-l2.html").as_uri())
        assert page.locator("details.outline .progress[data-lesson=m1-l1]").text_content() == "Score: 4/5 · Passed"
        assert page.locator("details.outline .progress:not([hidden])").count() == 1
        page.goto((site / "index.html").as_uri())
        assert page.locator("ol.lessons .progress[data-lesson=m1-l1]").text_content() == "Score: 4/5 · Passed"
        page.get_by_role("button", name="Forget my answers").click()
        assert page.locator(".forget-status").text_content() == "Your answers were removed from this browser."
        assert page.locator("ol.lessons .progress[data-lesson=m1-l1]").is_hidden()
        page.goto((site / "m1-l1.html").as_uri())
        assert page.locator(".result").text_content() == "" and page.locator("fieldset.item input:checked").count() == 0
        assert watch.errors == [] and context.outside == []


def test_without_storage_the_quiz_and_the_toggle_still_work(sites, tmp_path):
    """Storage refused (some browsers from file://, private mode): nothing kept, nothing broken."""
    with browser() as context:
        page = context.new_page()
        page.add_init_script(NO_STORAGE)
        watch = PageWatch(page)
        page.goto((sites["blended-teaching"] / "m1-l1.html").as_uri())
        answer(page, right=True)
        assert page.locator(".result").text_content() == "Score: 5/5 (100%) · Passed"
        page.get_by_role("button", name="Dark mode").click()
        assert page.evaluate("document.documentElement.dataset.theme") == "dark"
        page.reload()
        assert page.locator(".result").text_content() == "" and page.evaluate("document.documentElement.dataset.theme") is None
        assert watch.errors == [] and context.outside == []


def test_dark_mode_follows_the_system_and_the_choice_is_kept(sites, tmp_path):
    site = sites["blended-teaching"]
    background = "getComputedStyle(document.body).backgroundColor"
    with browser() as context:
        page = context.new_page()
        page.emulate_media(color_scheme="dark")
        page.goto((site / "index.html").as_uri())
        toggle = page.get_by_role("button", name="Dark mode")
        assert toggle.get_attribute("aria-pressed") == "true" and page.evaluate(background) == "rgb(18, 20, 22)"
        page.emulate_media(color_scheme="light")  # the system changes: the button says so
        expect(toggle).to_have_attribute("aria-pressed", "false")
        assert page.evaluate(background) == "rgb(255, 255, 255)"
        toggle.click()
        assert toggle.get_attribute("aria-pressed") == "true" and page.evaluate(background) == "rgb(18, 20, 22)"
        page.goto((site / "m2-l2.html").as_uri())  # another page, and the next visit: still dark
        assert page.evaluate("document.documentElement.dataset.theme") == "dark" and page.evaluate(background) == "rgb(18, 20, 22)"
        page.get_by_role("button", name="Dark mode").click()
        page.reload()
        assert page.evaluate(background) == "rgb(255, 255, 255)" and page.get_by_role("button", name="Dark mode").get_attribute("aria-pressed") == "false"
        assert context.outside == []


def test_pages_have_no_axe_violation_in_light_and_dark_wide_and_narrow(sites, tmp_path):
    """With what scripts add shown too: the outline open, kept results, search results."""
    problems = []
    with browser(bypass_csp=True) as context:
        for course, site in sites.items():
            with serve(site) as base:
                page = context.new_page()
                page.goto(f"{base}/{lessons(site)[0]}")
                answer(page, right=True)  # kept: the outline and the home page show the result
                for scheme, width in (("dark", 1280), ("dark", 390), ("light", 390)):
                    page.emulate_media(color_scheme=scheme)
                    page.set_viewport_size({"width": width, "height": 900})
                    names = sorted(p.name for p in site.glob("*.html")) if width == 1280 else ["index.html", lessons(site)[-1], "search.html"]
                    for name in names:
                        watch = PageWatch(page)
                        page.goto(f"{base}/{name}", wait_until="load")
                        if name == "search.html":
                            page.locator("#search-q").fill("moodle" if course == "blended-teaching" else "التعلم")
                            assert page.locator(".search-results li").count() > 0
                        violations = axe_violations(page)
                        if watch.errors or watch.failed or violations:
                            problems.append((course, name, scheme, width, watch.errors, watch.failed, violations))
                page.close()
        assert context.outside == []
    assert problems == []


def test_scorm_packages_keep_their_pages_to_the_lesson(sites):
    """A SCO is launched by the LMS, which keeps the learner's results and moves between SCOs: no
    outline, previous/next, search or device storage inside one."""
    with zipfile.ZipFile(sites["blended-teaching"].parent / "scorm12.zip") as package:
        names = package.namelist()
        sco = package.read("m1-l1.html").decode("utf-8")
    assert "search-index.js" not in names and not any(n.endswith(("site.js", "search.js", "theme.js")) for n in names)
    assert not re.search(r'class="outline"|rel="next"|search\.html|data-store|theme-toggle', sco)
    assert 'class="quiz"' in sco
