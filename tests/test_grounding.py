"""Grounding: lesson-scoped sources, the pool of passages each task is grounded in, and content
keys over those passages (a typo fixed in one paragraph makes stale only the tasks that use it)."""

from __future__ import annotations

import json
import re
import shutil
import textwrap
from pathlib import Path

import pytest

from conftest import SPECS

SAMPLE = "course_specs/blended-teaching.yaml"
SOURCE = "course_specs/sources/blended-teaching/02-designing-aligned-blended-lessons.md"
TYPO, FIXED = "when the electrcity is on", "when the electricity is on"


def statuses(cli, spec: Path | str, output: Path) -> dict[str, str]:
    return {t["id"]: t["status"] for t in json.loads(cli("plan", spec, "--json", "--output", output).stdout)["tasks"]}


def pools(spec: Path, output: Path) -> dict[str, list[str]]:
    """Each task's pool as the plan chose it: the texts of its passages."""
    from courseware.build import Options, plan_course

    return {t.id: [p.text for p in t.pool] for t in plan_course(spec, Options(output=output)).tasks}


# The one-typo test, from the user's side --------------------------------------------------------


@pytest.fixture
def typo_course(tmp_path, monkeypatch):
    """The sample course built offline from a source with a typo in one paragraph."""
    shutil.copytree(SPECS, tmp_path / "course_specs")
    monkeypatch.chdir(tmp_path)
    source = tmp_path / SOURCE
    text = source.read_text("utf-8")
    assert text.count(FIXED) == 1
    source.write_text(text.replace(FIXED, TYPO), "utf-8")
    return tmp_path


def test_fixing_a_typo_in_one_paragraph_makes_stale_only_the_tasks_grounded_in_it(cli, typo_course):
    out = typo_course / "out"
    first = cli("build", SAMPLE, "--output", out, "--formats", "markdown")
    assert first.exit_code == 0, first.stderr
    assert "25 tasks (25 new); generated 25," in first.stdout
    holding = sorted(task for task, texts in pools(Path(SAMPLE), out).items() if any(TYPO in t for t in texts))
    assert holding == ["m1-l3/lesson", "m1-l3/quiz", "m1-l3/slides"]  # the lesson on synchronous and asynchronous activities

    source = typo_course / SOURCE
    source.write_text(source.read_text("utf-8").replace(TYPO, FIXED), "utf-8")
    changed = {task: state for task, state in statuses(cli, SAMPLE, out).items() if state != "current"}
    assert changed == {task: "stale" for task in holding}  # was: all 25 tasks stale

    second = cli("build", SAMPLE, "--output", out, "--formats", "markdown")
    assert second.exit_code == 0, second.stderr
    assert "25 tasks (22 current, 3 stale); generated 3," in second.stdout
    assert set(statuses(cli, SAMPLE, out).values()) == {"current"}
    assert FIXED in (out / "blended-teaching/content/m1-l3/lesson.md").read_text("utf-8")


# Lesson-scoped sources ----------------------------------------------------------------------


A_MD = """\
# Study skills

## Taking notes

Good **note taking** turns a lecture into a short summary in your own words. Students who write
notes by hand tend to rephrase, which helps them remember the ideas of the lecture.

## Spaced practice

**Spaced practice** spreads study sessions over days instead of one long session. Spacing the
sessions lets students forget a little, and remembering again makes the memory stronger.
"""

B_MD = """\
# Working in groups

## Roles in a group

Each group member takes a **role**, such as the facilitator who keeps the discussion moving or
the recorder who writes down decisions. Roles rotate each week so that every member practises them.

### The facilitator

The **facilitator** asks quiet members for their view and keeps the group to its agenda, so that
the discussion of the group moves on and every voice is heard in the time the group has.

## Peer assessment

In **peer assessment** group members rate each other's contribution with a short rubric, which
makes free riding visible and rewards the members who carry the group work.
"""


def scoped_spec(folder: Path, lesson_sources: str, module_sources: str = "", course_sources: str = "[sources/a.md]", notes_sources: str = "[]") -> Path:
    """A two-lesson course whose second lesson (and module) may list sources of its own."""
    (folder / "sources").mkdir(parents=True, exist_ok=True)
    (folder / "sources/a.md").write_text(A_MD, "utf-8")
    (folder / "sources/b.md").write_text(B_MD, "utf-8")
    spec = folder / "course.yaml"
    spec.write_text(textwrap.dedent(f"""\
        course: {{id: skills, title: Study skills, language: en, audience: first-year students}}
        sources: {course_sources}
        objectives:
          - {{id: o1, text: Use note taking and spaced practice.}}
          - {{id: o2, text: Take a role in group work.}}
        modules:
          - id: m1
            title: Studying
            {"sources: " + module_sources if module_sources else "summary: How to study."}
            lessons:
              - id: notes
                title: Taking notes and spaced practice
                objectives: [o1]
                key_points: [note taking turns a lecture into a summary, spaced practice spreads study sessions]
                quiz: {{questions: 2}}
                sources: {notes_sources}
              - id: groups
                title: Roles in a group
                objectives: [o2]
                key_points: [each group member takes a role, the facilitator keeps the discussion moving]
                quiz: {{questions: 2}}
                sources: {lesson_sources}
        """), "utf-8")
    return spec


def test_a_lesson_scoped_to_a_section_cites_only_that_section_and_its_subsections(cli, tmp_path):
    spec = scoped_spec(tmp_path, "[sources/b.md#roles-in-a-group]")
    result = cli("build", spec, "--output", tmp_path / "out", "--formats", "markdown,html")
    assert result.exit_code == 0, result.stderr
    content = tmp_path / "out/skills/content"
    for kind in ("lesson", "quiz", "slides"):
        text = (content / f"groups/{kind}.md").read_text("utf-8")
        cited = re.findall(r"sources/\w+\.md § [^\n)]+", text)
        assert cited and set(cited) <= {"sources/b.md § Roles in a group", "sources/b.md § The facilitator"}, (kind, cited)
    lesson = (content / "groups/lesson.md").read_text("utf-8")
    assert "sources/b.md § The facilitator" in lesson  # a section includes its subsections
    assert "peer assessment" not in lesson.casefold()
    assert "sources/b.md" not in (content / "notes/lesson.md").read_text("utf-8")  # the other lesson keeps the course's sources
    # A file named only by a lesson is read like the course's: it is on the sources page.
    assert "Peer assessment" in (tmp_path / "out/skills/dist/html/sources.html").read_text("utf-8")


def test_a_change_outside_every_lessons_sources_leaves_every_task_current(cli, tmp_path):
    spec = scoped_spec(tmp_path, "[sources/b.md#roles-in-a-group]")
    assert cli("build", spec, "--output", tmp_path / "out", "--formats", "markdown").exit_code == 0
    source = tmp_path / "sources/b.md"
    source.write_text(source.read_text("utf-8").replace("free riding", "free-riding"), "utf-8")  # in '## Peer assessment'
    assert set(statuses(cli, spec, tmp_path / "out").values()) == {"current"}
    source.write_text(source.read_text("utf-8").replace("practises them", "tries them"), "utf-8")  # in '## Roles in a group'
    changed = {task for task, state in statuses(cli, spec, tmp_path / "out").items() if state != "current"}
    # The lesson grounded in that section, and the overview, whose paragraph on the module comes
    # from its lessons' sources (that section among them).
    assert changed == {"groups/lesson", "groups/quiz", "groups/slides", "course/overview"}


def test_a_section_named_by_its_heading_text_in_any_case(cli, tmp_path):
    spec = scoped_spec(tmp_path, '["sources/b.md#ROLES IN A GROUP"]')
    assert cli("validate", spec).exit_code == 0


def test_a_lesson_inherits_its_modules_sources(cli, tmp_path):
    spec = scoped_spec(tmp_path, "[]", module_sources="[sources/b.md]", notes_sources="[sources/a.md]")
    assert cli("build", spec, "--output", tmp_path / "out", "--formats", "markdown").exit_code == 0
    for lesson, source in (("notes", "sources/a.md"), ("groups", "sources/b.md")):
        cited = set(re.findall(r"sources/\w+\.md", (tmp_path / f"out/skills/content/{lesson}/lesson.md").read_text("utf-8")))
        assert cited == {source}


def test_an_anchor_that_names_no_heading_is_a_located_error(cli, tmp_path):
    spec = scoped_spec(tmp_path, "[sources/b.md#intro]")
    expected = (f"{spec}:22:19: modules[0].lessons[1].sources[0]: '#intro' not found in sources/b.md; "
                "its sections: #roles-in-a-group, #the-facilitator, #peer-assessment\n")
    for command in (("validate", spec), ("build", spec, "--output", tmp_path / "out")):
        result = cli(*command)
        assert (result.exit_code, result.stdout, result.stderr) == (1, "", expected)
    assert not (tmp_path / "out").exists()


def test_a_missing_file_under_a_lesson_is_a_located_error(cli, tmp_path):
    spec = scoped_spec(tmp_path, "[sources/a.md, sources/c.md#roles]")
    result = cli("validate", spec)
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr == f"{spec}:22:33: modules[0].lessons[1].sources[1]: source file 'sources/c.md' does not exist; check the path (relative to the spec's folder)\n"


def test_an_entry_listed_twice_in_one_list_is_an_error(cli, tmp_path):
    spec = scoped_spec(tmp_path, "[sources/b.md#peer-assessment, sources/b.md#Peer Assessment]")
    result = cli("validate", spec)
    assert result.exit_code == 1
    assert result.stderr.endswith("modules[0].lessons[1].sources[1]: source 'sources/b.md#Peer Assessment' is listed twice; remove one\n")


def test_without_course_sources_every_lesson_needs_its_own(cli, tmp_path):
    spec = scoped_spec(tmp_path, "[sources/b.md]", course_sources="[]")
    result = cli("validate", spec)
    assert (result.exit_code, result.stderr) == (1, f"{spec}:2:10: sources: the offline provider builds from source documents; list at least one under 'sources'\n")
    spec = scoped_spec(tmp_path, "[sources/b.md]", module_sources="[sources/a.md]", course_sources="[]")
    assert cli("validate", spec).exit_code == 0


# Pools --------------------------------------------------------------------------------------


def test_no_two_quizzes_of_a_course_share_a_passage():
    from courseware.build import Options, plan_course

    planned = plan_course(Path(SPECS / "blended-teaching.yaml"), Options(output=Path("unused")))
    owners: dict[int, str] = {}
    for task in planned.tasks:
        if task.kind == "quiz":
            assert task.pool
            for passage in task.pool:
                assert owners.setdefault(id(passage), task.id) == task.id


def test_lessons_that_overlap_on_a_short_handout_each_get_a_quiz_of_their_own(cli, tmp_path):
    """A review lesson asks about what the lesson before it teaches, from a short handout: it
    ranks the passages as that lesson does, so by rank alone (the first lesson on a tie) each
    would be the other's; every lesson is dealt its best passage first, so the review's offline
    quiz is made too, and no sentence is asked twice."""
    (tmp_path / "sources").mkdir()
    (tmp_path / "sources/a.md").write_text(A_MD, "utf-8")
    review = "{id: review, title: 'Taking notes and spaced practice, reviewed', objectives: [o1], key_points: [note taking turns a lecture into a summary, spaced practice spreads study sessions], quiz: {questions: 1}}"
    spec = tmp_path / "course.yaml"
    spec.write_text(textwrap.dedent(f"""\
        course: {{id: skills, title: Study skills, language: en, audience: first-year students}}
        sources: [sources/a.md]
        objectives: [{{id: o1, text: Use note taking and spaced practice.}}]
        modules:
          - id: m1
            title: Studying
            summary: How to study.
            lessons:
              - {{id: notes, title: Taking notes and spaced practice, objectives: [o1], key_points: [note taking turns a lecture into a summary, spaced practice spreads study sessions], quiz: {{questions: 1}}}}
              - {review}
        """), "utf-8")
    result = cli("build", spec, "--output", tmp_path / "out", "--formats", "markdown")
    assert result.exit_code == 0, result.stderr
    quizzes = {lesson: (tmp_path / f"out/skills/content/{lesson}/quiz.md").read_text("utf-8") for lesson in ("notes", "review")}
    quoted = {lesson: set(re.findall(r"^> (.+)$", text, re.MULTILINE)) for lesson, text in quizzes.items()}
    assert all(quoted.values()) and not quoted["notes"] & quoted["review"], quoted
    planned = pools(spec, tmp_path / "out")
    assert planned["notes/quiz"] and planned["review/quiz"] and not set(planned["notes/quiz"]) & set(planned["review/quiz"])


def test_each_lesson_is_dealt_its_best_passage_that_no_lesson_ranking_it_higher_holds():
    from courseware.grounding.select import _dealt

    assert _dealt([[7, 8, 9], [7, 8, 9], [7, 8, 9]], 1) == {7: 0, 8: 1, 9: 2}  # the same ranking: the first list's first, the next its next
    assert _dealt([[5, 6], [6, 5]], 1) == {5: 0, 6: 1}  # each its own best
    assert _dealt([[5, 6], [5]], 1) == {5: 0}  # as high in both, and the first list comes first: the second is left none
    assert _dealt([[3, 4, 5], [4, 3]], 1) == {3: 0, 4: 1}
    assert _dealt([[1, 2, 3], [9, 1], [1]], 2) == {1: 0, 2: 0, 9: 1}  # 1 at place 0 of the first list beats place 1 of the second
    assert _dealt([[1, 2], [2, 1]], 2) == {1: 0, 2: 1}  # what a list holds moves to one that ranks it higher


def test_each_task_key_records_its_pool_and_a_lessons_text_and_slides_share_one():
    from courseware.build import Options, plan_course

    planned = plan_course(Path(SPECS / "blended-teaching.yaml"), Options(output=Path("unused")))
    tasks = {t.id: t for t in planned.tasks}
    for task in planned.tasks:
        assert [p["block"] for p in task.inputs["grounding"]] == [p.block.model_dump(mode="json") for p in task.pool]
        assert "sources" not in task.inputs
    assert tasks["m1-l1/lesson"].pool == tasks["m1-l1/slides"].pool != tasks["m1-l1/quiz"].pool


def test_a_plan_retrieves_nothing_until_a_task_is_asked_for_its_pool_or_key(monkeypatch):
    """Planning lists the tasks at once; each one's passages are retrieved (and its key made)
    when first asked for, once whichever threads ask, with the keys an eager plan would make."""
    import threading

    from courseware.build import Options, plan_course
    from courseware.grounding.select import Grounding
    from courseware.plan import content_key

    spec = Path(SPECS / "blended-teaching.yaml")
    eager = {t.id: (t.key, [p.text for p in t.pool]) for t in plan_course(spec, Options(output=Path("unused"))).tasks}
    calls: list[str] = []
    original = Grounding.lesson_pool

    def counted(self, lesson_id, facts):
        calls.append(lesson_id)
        return original(self, lesson_id, facts)

    monkeypatch.setattr(Grounding, "lesson_pool", counted)
    planned = plan_course(spec, Options(output=Path("unused")))
    assert len(planned.tasks) == len(eager) and calls == []  # listed, nothing retrieved
    lesson, slides = (next(t for t in planned.tasks if t.id == f"m1-l1/{kind}") for kind in ("lesson", "slides"))
    keys: list[str] = []
    threads = [threading.Thread(target=lambda task=task: keys.append(task.key)) for task in (lesson, slides) * 4]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert calls == ["m1-l1"]  # eight askers, two tasks sharing one pool: retrieved once
    assert sorted(set(keys)) == sorted({eager[lesson.id][0], eager[slides.id][0]})
    assert {t.id: (t.key, [p.text for p in t.pool]) for t in planned.tasks} == eager
    assert content_key(lesson.kind, lesson.inputs, planned.provider.identity) == lesson.key


def test_a_pool_corpus_keeps_the_gaps_of_the_source():
    from courseware.content.blocks import ListBlock, ListItem, Paragraph
    from courseware.grounding.corpus import Corpus
    from courseware.grounding.sources import Passage

    intro = Passage("a.md", "S", "Three steps:", Paragraph(text="Three steps:"))
    other = Passage("a.md", "S", "A paragraph between.", Paragraph(text="A paragraph between."))
    steps = Passage("a.md", "S", "one two", ListBlock(ordered=True, items=[ListItem(text="one"), ListItem(text="two")]))
    course = Corpus([intro, other, steps], "en")
    assert course.unit(0) == [0]
    pool = course.pool([0, 2])
    assert pool.passages == [intro, steps] and pool.unit(0) == [0] and pool.unit(1) == [1]  # not next to each other in a.md
    joined = Corpus([intro, steps], "en")
    assert joined.unit(0) == [0, 1] and joined.pool([0, 1]).unit(1) == [0, 1]


def test_slugs_follow_github():
    from courseware.grounding.scope import matches, slug

    assert slug("Key ideas: an overview") == "key-ideas-an-overview"
    assert slug("Évaluer l’apprentissage") == "évaluer-lapprentissage"
    assert slug("C++ & you") == "c--you"
    assert matches("KEY IDEAS: an overview", "Key ideas: an overview") and not matches("key", "Key ideas")


def test_the_openai_provider_is_grounded_in_the_same_scoped_pools(cli, tmp_path, monkeypatch):
    from fake_openai import FakeOpenAI

    spec = scoped_spec(tmp_path, "[sources/b.md#roles-in-a-group]")
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test-key")
    monkeypatch.setenv("COURSEWARE_RETRY_BASE", "0.01")
    with FakeOpenAI() as server:
        result = cli("build", spec, "--output", tmp_path / "out", "--formats", "markdown", "--provider", "openai", "--model", "fake-model", "--base-url", server.base_url)
        assert result.exit_code == 0, result.stderr
        prompts = [r["messages"][1]["content"] for r in server.requests if r["messages"][1]["content"].startswith("Lesson groups:")]
    assert len(prompts) == 3
    contexts = {p[: p.index("\nTask: ")] for p in prompts}
    assert len(contexts) == 1  # the lesson's text, quiz and slides share its passages (one cached prefix)
    cited = re.findall(r"^\[\d+\] \(([^)]*)\)", contexts.pop(), re.M)
    assert cited and set(cited) <= {"sources/b.md § Roles in a group", "sources/b.md § The facilitator"}
