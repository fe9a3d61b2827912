"""Building a course from the user's side: CLI in, reviewed markdown out."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import CONTENT_ONLY, SAMPLE, SPECS, snapshot

SPEC = f"course_specs/{SAMPLE}.yaml"
CONTENT = Path("output") / SAMPLE / "content"
LESSON_IDS = ["m1-l1", "m1-l2", "m1-l3", "m2-l1", "m2-l2", "m2-l3", "m3-l1", "m3-l2"]


def statuses(cli, *extra) -> dict[str, str]:
    result = cli("plan", SPEC, "--json", *extra)
    assert result.exit_code == 0, result.stderr
    return {t["id"]: t["status"] for t in json.loads(result.stdout)["tasks"]}


def edit_key_point(lesson_id: str, new_point: str) -> None:
    spec = Path(SPEC)
    text = spec.read_text("utf-8")
    marker = f"- id: {lesson_id}\n"
    start = text.index(marker)
    at = text.index("key_points:\n", start) + len("key_points:\n")
    indent = text[at : text.index("-", at)]
    spec.write_text(text[:at] + f"{indent}- {new_point}\n" + text[at:], "utf-8")


def test_build_writes_every_lesson_with_cited_text(cli, project):
    result = cli("build", SPEC)
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines() == [
        f"{SAMPLE}: 25 tasks (25 new); generated 25, wrote 25 file(s) in {CONTENT}",
        f"{SAMPLE}: rendered markdown, html, pptx, scorm12, scorm2004, qti21, moodle_xml, gift, badge",
    ]
    assert (CONTENT / "course.md").is_file()
    for lesson_id in LESSON_IDS:
        for name in ("lesson.md", "quiz.md", "slides.md"):
            text = (CONTENT / lesson_id / name).read_text("utf-8")
            assert text.startswith(f"---\ntask: {lesson_id}/{name[:-3]}\nkey: ")
        lesson = (CONTENT / lesson_id / "lesson.md").read_text("utf-8")
        assert "[^1]: sources/blended-teaching/" in lesson


def test_rebuild_is_byte_identical_and_touches_nothing(cli, project):
    assert cli("build", SPEC, *CONTENT_ONLY).exit_code == 0
    before = snapshot(CONTENT)
    result = cli("build", SPEC, *CONTENT_ONLY)
    assert result.exit_code == 0
    assert result.stdout.splitlines()[0] == f"{SAMPLE}: 25 tasks (25 current); generated 0, wrote 0 file(s) in {CONTENT}"
    assert snapshot(CONTENT) == before  # same bytes and same mtimes
    assert set(statuses(cli).values()) == {"current"}


def test_two_builds_in_different_places_are_identical(cli, project):
    assert cli("build", SPEC, "--output", "a").exit_code == 0
    assert cli("build", SPEC, "--output", "b").exit_code == 0
    a = {k: v[0] for k, v in snapshot(Path("a")).items()}
    b = {k: v[0] for k, v in snapshot(Path("b")).items()}
    assert a == b and len([k for k in a if "/content/" in k]) == 25 and any(k.endswith(".pptx") for k in a)


def test_editing_one_lesson_makes_only_its_tasks_stale(cli, project):
    assert cli("build", SPEC, *CONTENT_ONLY).exit_code == 0
    edit_key_point("m2-l1", "the community of inquiry has teaching, social and cognitive presence")
    changed = {task: state for task, state in statuses(cli).items() if state != "current"}
    # And the offline quizzes of the lessons whose passages it now ranks higher or lower: no two
    # quizzes of a course share a passage, each going to the lesson that ranks it highest
    # (courseware/grounding/select.py); the openai provider's quizzes stay the lesson's own.
    quizzes = {"m1-l2/quiz", "m2-l2/quiz"}
    assert changed == {"m2-l1/lesson": "stale", "m2-l1/quiz": "stale", "m2-l1/slides": "stale"} | dict.fromkeys(quizzes, "stale")
    before = snapshot(CONTENT)
    result = cli("build", SPEC, *CONTENT_ONLY)
    assert result.exit_code == 0
    assert "generated 5, wrote" in result.stdout
    after = snapshot(CONTENT)
    assert {k for k in after if after[k] != before[k]} <= {"m2-l1/lesson.md", "m2-l1/quiz.md", "m2-l1/slides.md"} | {f"{q}.md" for q in quizzes}
    assert "## the community of inquiry has teaching, social and cognitive presence" in (CONTENT / "m2-l1/lesson.md").read_text("utf-8")


def test_hand_edit_survives_a_rebuild(cli, project):
    assert cli("build", SPEC, *CONTENT_ONLY).exit_code == 0
    quiz = CONTENT / "m1-l2" / "quiz.md"
    edited = quiz.read_text("utf-8").replace("\n> ", "\n> Reviewed by the course team. ", 1)
    quiz.write_text(edited, "utf-8")
    assert statuses(cli)["m1-l2/quiz"] == "edited"
    result = cli("build", SPEC, *CONTENT_ONLY)
    assert result.exit_code == 0
    assert quiz.read_text("utf-8") == edited
    assert "(24 current, 1 edited)" in result.stdout


def test_conflicting_hand_edit_stops_the_build_and_is_kept(cli, project):
    assert cli("build", SPEC, *CONTENT_ONLY).exit_code == 0
    lesson = CONTENT / "m1-l1" / "lesson.md"
    edited = lesson.read_text("utf-8").replace("\n\n## ", "\n\nA sentence the reviewer added.\n\n## ", 1)
    lesson.write_text(edited, "utf-8")
    edit_key_point("m1-l1", "blended learning combines face-to-face and online learning")
    assert statuses(cli)["m1-l1/lesson"] == "conflict"
    result = cli("build", SPEC, *CONTENT_ONLY)
    assert result.exit_code == 1
    assert result.stderr == (
        f"{CONTENT}: conflict: m1-l1/lesson was edited by hand and its inputs changed; kept it. "
        f"See your edit with 'courseware diff {SPEC} m1-l1/lesson', merge by hand and run 'courseware resolve {SPEC} m1-l1/lesson', "
        "or rerun with --regenerate m1-l1/lesson (or --force) to replace it (your version is backed up)\n"
    )
    assert lesson.read_text("utf-8") == edited
    assert statuses(cli)["m1-l1/quiz"] == "current"  # the rest of the lesson was regenerated
    result = cli("build", SPEC, *CONTENT_ONLY, "--regenerate", "m1-l1/lesson")
    assert result.exit_code == 0, result.stderr
    assert "A sentence the reviewer added." not in lesson.read_text("utf-8")
    assert set(statuses(cli).values()) == {"current"}


def test_force_replaces_conflicts(cli, project):
    assert cli("build", SPEC, *CONTENT_ONLY).exit_code == 0
    slides = CONTENT / "m3-l1" / "slides.md"
    slides.write_text(slides.read_text("utf-8").replace("::: notes\n", "::: notes\nMy own words. ", 1), "utf-8")
    edit_key_point("m3-l1", "teaching presence is the design and facilitation of the course")
    assert cli("build", SPEC, *CONTENT_ONLY).exit_code == 1
    assert cli("build", SPEC, *CONTENT_ONLY, "--force").exit_code == 0
    assert "My own words." not in slides.read_text("utf-8")


def test_regenerate_unknown_task_is_a_clear_error(cli, project):
    result = cli("build", SPEC, "--regenerate", "m9-l9")
    assert (result.exit_code, result.stderr) == (1, "--regenerate m9-l9: no such task or lesson; see 'courseware plan' for task ids\n")
    assert not Path("output").exists()


def test_frozen_build_fails_on_stale_content_and_writes_nothing(cli, project):
    result = cli("build", SPEC, *CONTENT_ONLY, "--frozen")
    assert result.exit_code == 1
    assert result.stderr.startswith(f"course_specs/{SAMPLE}.yaml: frozen build, but 25 task(s) would be generated: course/overview (new), m1-l1/lesson (new),")
    assert not Path("output").exists()
    assert cli("build", SPEC, *CONTENT_ONLY).exit_code == 0
    assert cli("build", SPEC, *CONTENT_ONLY, "--frozen").exit_code == 0
    edit_key_point("m3-l2", "completion tracking shows who finished each activity")
    before = snapshot(CONTENT)
    result = cli("build", SPEC, *CONTENT_ONLY, "--frozen")
    assert result.exit_code == 1
    # m3-l1's offline quiz too: the edited key point ranks one of its passages higher (see above).
    assert result.stderr.endswith("4 task(s) would be generated: m3-l1/quiz (stale), m3-l2/lesson (stale), m3-l2/quiz (stale), m3-l2/slides (stale); run 'courseware build' and commit the content\n")
    assert snapshot(CONTENT) == before


def test_broken_hand_edit_is_a_located_error(cli, project):
    assert cli("build", SPEC, *CONTENT_ONLY).exit_code == 0
    quiz = CONTENT / "m2-l2" / "quiz.md"
    text = quiz.read_text("utf-8")
    lines = text.splitlines()
    first_option = next(i for i, line in enumerate(lines) if line.startswith("- [ ]"))
    lines[first_option] = lines[first_option].replace("- [ ]", "- [x]", 1)
    quiz.write_text("\n".join(lines) + "\n", "utf-8")
    edit_key_point("m1-l3", "a new point that makes another lesson stale")
    before = snapshot(CONTENT)
    for command in ("build", "render"):
        result = cli(command, SPEC)
        assert result.exit_code == 1
        heading = max(i for i in range(first_option) if lines[i].startswith("## Q"))
        assert result.stderr == f"{CONTENT / 'm2-l2' / 'quiz.md'}:{heading + 1}:1: exactly one option must be marked [x], found 2\n"
        assert snapshot(CONTENT) == before  # nothing half-written


def test_render_needs_no_provider_and_reads_hand_edits(cli, project):
    assert cli("build", SPEC).exit_code == 0
    result = cli("render", SPEC, "--formats", "markdown,gift")
    assert result.exit_code == 0
    # dist/ is exactly what the last render made: the formats not asked for this time are gone
    assert result.stdout == f"{SAMPLE}: read 25 content files in {CONTENT}\n{SAMPLE}: rendered markdown, gift; removed 28 file(s) an earlier render left in dist/\n"
    assert sorted(p.name for p in (CONTENT.parent / "dist").iterdir()) == ["gift.txt"]


def test_render_before_build_says_what_to_do(cli, project):
    result = cli("render", SPEC)
    assert result.exit_code == 1
    assert result.stderr == f"{CONTENT / 'course.md'}:1:1: no content for task course/overview; run 'courseware build' first\n"


def test_build_a_folder_of_specs(cli, project):
    result = cli("build", "course_specs/", *CONTENT_ONLY)
    assert result.exit_code == 0, result.stderr
    assert sorted(p.name for p in Path("output").iterdir()) == ["blended-teaching", "describing-data", "evaluation-formative"]


def test_plan_lists_tasks_with_keys(cli, project):
    result = cli("plan", SPEC, "--json")
    plan = json.loads(result.stdout)
    assert plan["provider"] == {"provider": "offline", "model": "extractive-bm25-v2"}
    assert [t["id"] for t in plan["tasks"]][:4] == ["course/overview", "m1-l1/lesson", "m1-l1/quiz", "m1-l1/slides"]
    assert len(plan["tasks"]) == 25 and len({t["key"] for t in plan["tasks"]}) == 25
    assert not Path("output").exists()  # planning writes nothing
    table = cli("plan", SPEC).stdout
    assert "m1-l1/quiz" in table and table.rstrip().endswith("25 tasks: 25 new")


def test_unknown_provider_is_a_clear_error(cli, project):
    result = cli("build", SPEC, "--provider", "magic")
    assert (result.exit_code, result.stderr) == (1, "unknown provider 'magic'; available: offline, openai\n")


def test_validating_a_spec_names_the_providers_without_importing_them():
    """A spec's provider is checked against the providers' names alone: their modules (an HTTP
    client, the offline generators) are imported when a build makes one, and each registers
    the name it is listed under."""
    import subprocess
    import sys

    code = ("import sys; from courseware.cli import app; from courseware.spec.load import load_spec; load_spec(__import__('pathlib').Path(sys.argv[1])); "
            "print(sorted(m for m in sys.modules if m.startswith(('courseware.generate.offline', 'courseware.generate.openai_provider', 'openai'))))")  # fmt: skip
    shown = subprocess.run([sys.executable, "-c", code, str(SPECS / f"{SAMPLE}.yaml")], capture_output=True, text=True, check=True).stdout
    assert shown.strip() == "[]"
    from courseware.generate.provider import MODULES, PROVIDERS, available_providers

    for module in MODULES.values():
        __import__(module)
    assert sorted(PROVIDERS) == available_providers() == ["offline", "openai"]


def test_committed_sample_content_is_current(cli, project):
    """The repository's committed content matches its specs and this generator (what CI's frozen job checks)."""
    import shutil

    from conftest import REPO

    for course in ("blended-teaching", "describing-data", "evaluation-formative"):
        shutil.copytree(REPO / "output" / course / "content", Path("output") / course / "content")
    result = cli("build", "course_specs/", "--frozen", *CONTENT_ONLY)
    assert result.exit_code == 0, result.stderr
    assert "blended-teaching: 25 tasks (25 current); generated 0, wrote 0 file(s)" in result.stdout
    assert "describing-data: 13 tasks (13 current); generated 0, wrote 0 file(s)" in result.stdout
    assert "evaluation-formative: 10 tasks (10 current); generated 0, wrote 0 file(s)" in result.stdout
