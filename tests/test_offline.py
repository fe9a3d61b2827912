"""The offline provider: honest, cited, Unicode-aware content from the spec's sources alone."""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import pytest

from courseware.build import Options, plan_course
from courseware.content.blocks import Figure, cites
from courseware.content.model import BLANK, Article, Quiz, Reference, SlideDeck
from courseware.grounding.text import sentences, stands_alone, words
from courseware.grounding.sources import read_sources

from conftest import SPECS

ARABIC = Path(__file__).parent / "data" / "arabic" / "course.yaml"
STATS = SPECS / "describing-data.yaml"
COURSES = [SPECS / "blended-teaching.yaml", SPECS / "evaluation-formative.yaml", STATS, ARABIC]
PLACEHOLDERS = re.compile(r"lorem|ipsum|\bTODO\b|\bTBD\b|placeholder|\bxxx\b", re.IGNORECASE)


def generate_all(spec: Path, tmp_path: Path) -> tuple[object, dict]:
    planned = plan_course(spec, Options(output=tmp_path))
    return planned, {task.id: planned.provider.generate(task) for task in planned.tasks}


@pytest.fixture(scope="module", params=COURSES, ids=lambda p: p.stem)
def course(request, tmp_path_factory):
    return generate_all(request.param, tmp_path_factory.mktemp("out"))


def test_every_block_is_taken_from_the_section_it_cites(course):
    planned, content = course
    passages = [p for doc in read_sources(planned.loaded.spec.sources, planned.loaded.root) for p in doc.passages()]
    articles = {task: c for task, c in content.items() if isinstance(c, Article)}
    assert len(articles) == 1 + len(planned.loaded.spec.lessons())
    for task, article in articles.items():
        lesson_md = planned.content_dir / next(t.path for t in planned.tasks if t.id == task)
        for block in article.blocks():
            found = [p for p in passages if without_cites(p.placed(lesson_md)) == without_cites(block)]
            assert found, block
            if cites(block):  # one reference, the section the block stands in
                assert [article.references[n - 1] for n in cites(block)] in ([Reference(source=p.source, section=p.section)] for p in found)
            else:
                assert block.kind in ("code", "math"), block


def without_cites(block):
    """A block as its source holds it: no citations, and a caption the provider did not add."""
    data = block.model_dump()
    strip(data)
    return data


def strip(data):
    if isinstance(data, dict):
        data.pop("cites", None)
        for value in data.values():
            strip(value)
    elif isinstance(data, list):
        for value in data:
            strip(value)


def test_lessons_have_a_section_per_key_point(course):
    planned, content = course
    for lesson in planned.loaded.spec.lessons():
        article = content[f"{lesson.id}/lesson"]
        assert [s.heading for s in article.sections] == list(lesson.key_points)
        assert article.intro, "each lesson opens with an introductory passage"


def test_quiz_items_are_well_formed(course):
    planned, content = course
    for lesson in planned.loaded.spec.lessons():
        quiz: Quiz = content[f"{lesson.id}/quiz"]
        assert len(quiz.items) == lesson.quiz.questions
        assert {item.objective for item in quiz.items} == set(lesson.objectives)  # each objective assessed
        for n, item in enumerate(quiz.items):
            assert item.kind == lesson.quiz.kinds[n % len(lesson.quiz.kinds)]
            assert item.objective in lesson.objectives
            texts = [o.text.casefold() for o in item.options]
            assert len(set(texts)) == len(texts)
            if item.kind == "multiple_choice":
                assert len(item.options) == 4 and sum(o.correct for o in item.options) == 1
                assert BLANK in item.prompt and item.answer.text.casefold() not in item.prompt.casefold()
                longest = max(len(o.text) for o in item.options)
                assert not (len(item.answer.text) == longest and [len(o.text) for o in item.options].count(longest) == 1)
                assert not any(p in " ".join(texts) for p in ("all of the above", "none of the above"))
            if item.kind == "cloze":
                assert item.prompt.count(BLANK) == 1 and all(o.correct for o in item.options)
            assert item.answer.text  # feedback quotes the source sentence
            assert planned.loaded.spec.sources[0].split("/")[0] in item.feedback


def test_quiz_sentences_stand_alone(course):
    planned, content = course
    for quiz in (c for c in content.values() if isinstance(c, Quiz)):
        for item in quiz.items:
            quoted = re.search(r"[“«]\s?(.*?)\s?[”»]", item.feedback).group(1)
            assert stands_alone(quoted, planned.loaded.spec.course.language)


def test_correct_answers_are_spread_over_positions(tmp_path):
    _, content = generate_all(SPECS / "blended-teaching.yaml", tmp_path)
    course_wide: Counter[int] = Counter()
    for quiz in (c for c in content.values() if isinstance(c, Quiz)):
        slots = [[o.correct for o in item.options].index(True) for item in quiz.items if item.kind == "multiple_choice"]
        assert len(set(slots[:4])) == len(slots[:4]), "one quiz uses a new slot for each of its first four items"
        course_wide.update(slots)
    # Lessons numbered in sequence tile the positions: 8 lessons of 2 items each, 4 at every position.
    assert sorted(course_wide.values()) == [4, 4, 4, 4], course_wide


def test_slides_follow_key_points_with_notes(course):
    planned, content = course
    for lesson in planned.loaded.spec.lessons():
        deck: SlideDeck = content[f"{lesson.id}/slides"]
        assert [s.title for s in deck.slides] == list(lesson.key_points)[: lesson.slides.max]
        for slide in deck.slides:
            assert 1 <= len(slide.bullets) <= 3 and slide.notes and " § " in slide.notes


def test_no_placeholder_text_anywhere(course):
    _, content = course
    for item in content.values():
        assert not PLACEHOLDERS.search(item.model_dump_json())


def test_french_and_arabic_use_their_own_words(tmp_path):
    _, french = generate_all(SPECS / "evaluation-formative.yaml", tmp_path / "fr")
    _, arabic = generate_all(ARABIC, tmp_path / "ar")
    fr_prompts = [i.prompt for q in french.values() if isinstance(q, Quiz) for i in q.items]
    ar_prompts = [i.prompt for q in arabic.values() if isinstance(q, Quiz) for i in q.items]
    assert any(p.startswith("Quel terme complète la phrase ?") for p in fr_prompts)
    assert any(p.startswith("Vrai ou faux ?") for p in fr_prompts)
    assert any(p.startswith("ما المصطلح الذي يكمل الجملة؟") for p in ar_prompts)
    assert all(re.search(r"[\u0600-\u06ff]", p) for p in ar_prompts)


def test_arabic_course_builds_and_reads_back(cli, tmp_path):
    result = cli("build", ARABIC, "--output", tmp_path)
    assert result.exit_code == 0, result.stderr
    assert "# التعلم المدمج والفصل المقلوب" in (tmp_path / "taallum-mudmaj/content/m1-l1/lesson.md").read_text("utf-8")
    assert cli("render", ARABIC, "--output", tmp_path).exit_code == 0


def test_unicode_words_and_sentences():
    assert words("L’évaluation formative, c’est **utile**.") == ["l’évaluation", "formative", "c’est", "utile"]
    assert words("التعلم المدمج") == ["التعلم", "المدمج"]
    assert sentences("Première phrase ici. Deuxième phrase ? Oui؟ نعم") == ["Première phrase ici.", "Deuxième phrase ?", "Oui؟", "نعم"]


def test_key_point_with_no_matching_source_is_a_clear_error(cli, tmp_path):
    (tmp_path / "notes.md").write_text("# Notes\n\n## Plants\n\nPlants turn light into chemical energy in **chloroplasts** through photosynthesis.\n")
    (tmp_path / "c.yaml").write_text(
        "course: {id: c, title: Plants, language: en, audience: a}\n"
        "objectives: [{id: O1, text: Explain}]\n"
        "modules: [{id: m, title: Plants, lessons: [{id: l1, title: Zebra, objectives: [O1], key_points: [quantum chromodynamics]}]}]\n"
        "sources: [notes.md]\n"
    )
    result = cli("build", tmp_path / "c.yaml", "--output", tmp_path / "out")
    assert result.exit_code == 3
    lines = result.stderr.splitlines()
    assert lines[0] == f"{tmp_path / 'c.yaml'}:3:98: modules[0].lessons[0].key_points[0]: l1/lesson: no source passage matches the key point 'quantum chromodynamics'; add a source that covers it or reword the key point"
    assert lines[-1] == "c: 3 task(s) failed; what finished is saved, rerun to do the rest"
    assert sorted(p.name for p in (tmp_path / "out/c/content").rglob("*.md")) == ["course.md"]  # the task that worked is kept


@pytest.fixture(scope="module")
def stats(tmp_path_factory):
    return generate_all(STATS, tmp_path_factory.mktemp("stats"))


def lesson_blocks(content: dict) -> list:
    return [b for task, c in content.items() if task.endswith("/lesson") for b in c.blocks()]


def test_the_statistics_lessons_carry_every_kind_of_block(stats):
    _, content = stats
    blocks = lesson_blocks(content)
    assert {b.kind for b in blocks} == {"paragraph", "list", "table", "code", "math", "figure", "quote", "callout"}
    assert {b.style for b in blocks if b.kind == "callout"} >= {"warning", "activity", "takeaway"}
    assert all(b.output for b in blocks if b.kind == "code"), "each code block keeps the output it prints"
    assert {b.caption for b in blocks if b.kind == "table"} >= {"Frequency table of the commute times of 30 first-year students, in classes ten minutes wide."}
    figure = next(b for b in blocks if b.kind == "figure")
    assert figure.alt.startswith("Histogram of commute times") and figure.credit == "Credit: courseware contributors, CC BY 4.0" and figure.cites


def test_a_key_point_about_code_gets_the_code_and_the_sentence_that_introduces_it(stats):
    _, content = stats
    section = next(s for s in content["m1-l2/lesson"].sections if s.heading.startswith("Python's built-in statistics module"))
    kinds = [b.kind for b in section.blocks]
    n = kinds.index("code")
    intro, code = section.blocks[n - 1], section.blocks[n]
    assert intro.text.startswith("Python's built-in `statistics` module computes the mean") and intro.text.endswith("checks the hand calculations above:")
    assert code.language == "python" and "statistics.median(times)" in code.code and code.output == "mean: 25.6\nmedian: 21.5\nmodes: [12, 15, 25]"


def test_a_sentence_ending_in_a_colon_comes_with_the_list_it_announces(stats):
    _, content = stats
    section = next(s for s in content["m1-l2/lesson"].sections if s.heading.startswith("The median is the middle value"))
    n = next(k for k, b in enumerate(section.blocks) if b.kind == "paragraph" and b.text.endswith("To find the median of $n$ values:"))
    steps = section.blocks[n + 1]
    assert steps.kind == "list" and steps.ordered and [i.text for i in steps.items][0] == "Sort the values from smallest to largest."


def test_figure_paths_are_relative_to_the_file_they_are_written_in(stats):
    planned, content = stats
    svg = (STATS.parent / "sources/describing-data/figures/commute-times.svg").resolve()
    for task in planned.tasks:
        item = content[task.id]
        found = [b for b in item.blocks() if isinstance(b, Figure)] if isinstance(item, Article) else [s.visual for s in getattr(item, "slides", []) if isinstance(s.visual, Figure)]
        for figure in found:
            assert (planned.content_dir / task.path).parent.joinpath(figure.src).resolve() == svg, (task.id, figure.src)
    assert any(isinstance(s.visual, Figure) for s in content["m1-l1/slides"].slides)


def test_slides_show_the_code_table_figure_or_formula_of_their_lesson_section(stats):
    planned, content = stats
    shown = set()
    for lesson in planned.loaded.spec.lessons():
        article, deck = content[f"{lesson.id}/lesson"], content[f"{lesson.id}/slides"]
        for section, slide in zip(article.sections, deck.slides):
            if slide.visual is not None:
                shown.add(slide.visual.kind)
                assert slide.visual.model_dump(exclude={"cites"}) in [b.model_dump(exclude={"cites"}) for b in article.blocks()]
                assert not getattr(slide.visual, "cites", [])
    assert shown == {"code", "table", "figure", "math"}


def test_a_changed_figure_image_changes_the_keys_of_lessons_and_slides(cli, tmp_path):
    import shutil

    shutil.copytree(SPECS, tmp_path / "course_specs")
    spec = tmp_path / "course_specs/describing-data.yaml"
    before = {t["id"]: t["key"] for t in json.loads(cli("plan", spec, "--json", "--output", tmp_path / "out").stdout)["tasks"]}
    svg = tmp_path / "course_specs/sources/describing-data/figures/commute-times.svg"
    svg.write_text(svg.read_text("utf-8").replace("#2b6cb0", "#c05621"), "utf-8")
    after = {t["id"]: t["key"] for t in json.loads(cli("plan", spec, "--json", "--output", tmp_path / "out").stdout)["tasks"]}
    # Only the tasks grounded in the figure's passage (the lesson that shows it) change.
    assert before.keys() == after.keys()
    assert sorted(task for task in before if before[task] != after[task]) == ["m1-l1/lesson", "m1-l1/quiz", "m1-l1/slides"]
