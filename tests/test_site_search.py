"""The site's search index (courseware/render/search.py): how text is folded and cut into words,
what the index holds, that it is byte-identical for the same course, and that the browser's
search.js folds what a learner types exactly as the index was folded, in many scripts."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from browser import browser
from conftest import SPECS, run_cli
from courseware.render.search import build_index, fold, tokens

COURSE = "blended-teaching"
# Words as a learner may type them, and as the index holds them.
FOLDED = [
    ("Évaluation FORMATIVE", ["evaluation", "formative"]),
    ("Straße, Œuvre, Ærø", ["strasse", "oeuvre", "aero"]),
    ("İstanbul Ελληνικός ΣΟΦΟΣ", ["istanbul", "ελληνικοσ", "σοφοσ"]),
    ("Đà Nẵng, Łódź", ["da", "nang", "lodz"]),
    ("تَعَلُّمٌ مُدْمَجٌ", ["تعلم", "مدمج"]),
    ("التعلم والتقويم بالحاسوب للطلاب", ["تعلم", "تقويم", "حاسوب", "طلاب"]),
    ("أسئلة إجابة آخر مستوى مدرسة", ["اسيله", "اجابه", "اخر", "مستوي", "مدرسه"]),
    ("تـعـلـم", ["تعلم"]),
    ("ال الى", ["ال", "الي"]),  # too short to lose an article
    ("हिन्दी भाषा", ["हिनदी", "भाषा"]),  # the virama (a nonspacing mark) folds away, vowel signs stay in the word
    ("混合学习方法", ["混合学习方法"]),  # no spaces: one run, found by a part of it (search.js)
    ("co-teaching, 2024's e‑mail", ["co", "teaching", "2024", "s", "e", "mail"]),
    ("soft\u00adhyphen zero\u200bwidth", ["softhyphen", "zerowidth"]),
]


@pytest.mark.parametrize(("text", "expected"), FOLDED, ids=[t for t, _ in FOLDED])
def test_words_are_folded_for_search(text, expected):
    assert tokens(text) == expected


def test_folding_is_lowercase_without_accents_and_idempotent():
    assert fold("Ça Été ÉCOLE") == "ca ete ecole"
    for text, _ in FOLDED:
        assert fold(fold(text)) == fold(text)


def test_the_index_lists_each_word_with_its_documents_in_order():
    docs = [
        {"href": "a.html", "page": "Évaluation", "section": "", "text": "Feedback helps. Feedback again."},
        {"href": "b.html#section-1", "page": "Bandwidth", "section": "Offline first", "text": " ".join(["word"] * 30) + " feedback"},
    ]
    index = build_index(docs)
    assert index["terms"]["feedback"] == [0, 1] and index["terms"]["evaluation"] == [0] and index["terms"]["offline"] == [1]
    assert list(index["terms"]) == sorted(index["terms"]) and all(len(t) > 1 for t in index["terms"])
    assert index["docs"][0] == ["a.html", "Évaluation", "", "Feedback helps. Feedback again."]
    assert index["docs"][1][3] == " ".join(["word"] * 24) + " …"  # the snippet: the first words only


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    """The sample course, built offline, with a paragraph of words in many scripts added to its last lesson."""
    root = tmp_path_factory.mktemp("search")
    shutil.copytree(SPECS, root / "course_specs")
    spec = root / "course_specs" / f"{COURSE}.yaml"
    assert run_cli("build", spec, "--output", root / "out", "--formats", "markdown").exit_code == 0
    lesson = root / "out" / COURSE / "content" / "m3-l2" / "lesson.md"
    words = " ".join(text for text, _ in FOLDED)
    lesson.write_text(lesson.read_text("utf-8").replace("\n## ", f"\n{words}\n\n## ", 1), "utf-8")
    result = run_cli("render", spec, "--output", root / "out", "--formats", "html")
    assert result.exit_code == 0, result.stderr
    return root / "out" / COURSE / "dist" / "html"


def read_index(site: Path) -> dict:
    text = (site / "search-index.js").read_text("utf-8")
    assert text.startswith("// ") and "\nwindow.coursewareSearch = {" in text and text.endswith("};\n")
    return json.loads(text.split(" = ", 1)[1].removesuffix(";\n"))


def test_the_index_is_small_and_byte_identical_when_rendered_again(site):
    before = (site / "search-index.js").read_bytes()
    assert len(before) < 60_000  # the sample course: 8 lessons
    spec = site.parents[3] / "course_specs" / f"{COURSE}.yaml"
    assert run_cli("render", spec, "--output", site.parents[2], "--formats", "html").exit_code == 0
    assert (site / "search-index.js").read_bytes() == before
    index = read_index(site)
    pages = [d[0].split("#")[0] for d in index["docs"]]
    assert pages[0] == "index.html" and all((site / p).is_file() for p in pages)
    for href in {d[0] for d in index["docs"] if "#" in d[0]}:
        page, anchor = href.split("#")
        assert f'id="{anchor}"' in (site / page).read_text("utf-8"), href  # every result opens at its section


def test_the_browser_folds_what_is_typed_as_the_index_was_folded(site, tmp_path):
    """Each word typed in another form (capitals, accents, diacritics, the article, a part of a
    run without spaces) finds the section that holds it, and only that lesson."""
    queries = ["EVALUATION", "straße", "oeuvre", "ISTANBUL", "ελληνικος", "Da Nang", "lodz", "تعلم", "التعلم", "مدمج", "اسئلة",
               "مستوى", "हिन्दी", "学习", "co-teaching", "softhyphen"]
    with browser() as context:
        page = context.new_page()
        page.goto((site / "search.html").as_uri())
        missed = []
        for query in queries:
            page.locator("#search-q").fill(query)
            hrefs = page.locator(".search-results a").evaluate_all("links => links.map(a => a.getAttribute('href'))")
            if not any(re.fullmatch(r"m3-l2\.html(#section-\d+)?", h) for h in hrefs):
                missed.append((query, hrefs))
        assert missed == []
        assert context.outside == []
