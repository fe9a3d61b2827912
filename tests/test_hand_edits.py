"""A human's edit is never lost: edits saved during a build, forced regeneration, finishing a
conflict, odd line endings, ids that collide with fixed names, content a build leaves out."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import CONTENT_ONLY, SAMPLE, snapshot
from fake_openai import FakeOpenAI
from test_build import CONTENT, SPEC, edit_key_point, statuses

ADDED = "A sentence the reviewer added."


def edit(path: Path, text: str = ADDED) -> str:
    """Add a sentence to the first paragraph after a heading, as a reviewer would; the new file text."""
    edited = path.read_text("utf-8").replace("\n\n## ", f"\n\n{text}\n\n## ", 1)
    assert edited != path.read_text("utf-8")
    path.write_text(edited, "utf-8")
    return edited


@pytest.fixture
def fake(monkeypatch):
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test-0123456789abcdef")
    monkeypatch.setenv("COURSEWARE_RETRY_BASE", "0.01")
    with FakeOpenAI() as server:
        yield server


def model_build(cli, server, *extra):
    return cli("build", SPEC, "--provider", "openai", "--model", "fake-model", "--base-url", server.base_url, *extra)


def test_an_edit_saved_while_the_model_answers_is_kept(cli, project, fake):
    assert model_build(cli, fake).exit_code == 0
    edit_key_point("m1-l1", "blended learning combines face-to-face and online learning")
    lesson = CONTENT / "m1-l1" / "lesson.md"
    saved = {}

    def designer_saves_meanwhile(body, content):
        # The plan has read lesson.md; the designer saves an edit before the model's answer arrives.
        if body["response_format"]["json_schema"]["name"] == "lesson" and body["messages"][1]["content"].startswith("Lesson m1-l1:"):
            saved["text"] = edit(lesson)
        return content

    fake.answer = designer_saves_meanwhile
    result = model_build(cli, fake)
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"{CONTENT}: conflict: m1-l1/lesson was changed on disk while the build ran; kept the change, not the generated text. Rerun the build to see where it stands"
    ]
    assert lesson.read_text("utf-8") == saved["text"]
    assert "generated 2, wrote 2 file(s)" in result.stdout  # the lesson's quiz and slides were written
    assert statuses(cli, "--provider", "openai", "--model", "fake-model", "--base-url", fake.base_url)["m1-l1/lesson"] == "conflict"
    assert not list(CONTENT.rglob("*.tmp"))


def test_a_file_created_while_the_model_answers_is_kept(tmp_path):
    from courseware.writer import ChangedOnDisk, Writer

    writer = Writer(tmp_path)
    (tmp_path / "quiz.md").write_text("the designer's own\n")
    with pytest.raises(ChangedOnDisk):
        writer.write_text("quiz.md", "generated\n", expect=None)  # the plan saw no file
    assert (tmp_path / "quiz.md").read_text() == "the designer's own\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["quiz.md"]  # no temp file left


def test_force_and_regenerate_keep_a_backup_of_each_hand_edit(cli, project):
    assert cli("build", SPEC, *CONTENT_ONLY).exit_code == 0
    slides = CONTENT / "m3-l1" / "slides.md"
    edited_slides = slides.read_text("utf-8").replace("::: notes\n", "::: notes\nMy own words. ", 1)
    slides.write_text(edited_slides, "utf-8")
    edit_key_point("m3-l1", "teaching presence is the design and facilitation of the course")
    assert cli("build", SPEC, *CONTENT_ONLY).exit_code == 1  # a conflict
    result = cli("build", SPEC, *CONTENT_ONLY, "--force")
    assert result.exit_code == 0, result.stderr
    (line,) = [line for line in result.stderr.splitlines() if "m3-l1/slides" in line]
    backup = Path(line.rsplit(" kept in ", 1)[1])
    assert line == f"{CONTENT}: m3-l1/slides was edited by hand; replaced it as asked, your version is kept in {backup}"
    assert backup.parent == CONTENT.parent / "backups" / "m3-l1" and backup.read_text("utf-8") == edited_slides
    assert "My own words." not in slides.read_text("utf-8")

    quiz = CONTENT / "m1-l2" / "quiz.md"
    edited_quiz = quiz.read_text("utf-8").replace("\n> ", "\n> Reviewed. ", 1)
    quiz.write_text(edited_quiz, "utf-8")
    result = cli("build", SPEC, *CONTENT_ONLY, "--regenerate", "m1-l2")
    assert result.exit_code == 0
    (line,) = [line for line in result.stderr.splitlines() if "m1-l2/quiz" in line]
    assert Path(line.rsplit(" kept in ", 1)[1]).read_text("utf-8") == edited_quiz
    assert "m1-l2/lesson" not in result.stderr  # only hand edits are backed up


def test_diff_and_resolve_finish_a_conflict(cli, project):
    assert cli("build", SPEC, *CONTENT_ONLY).exit_code == 0
    lesson = CONTENT / "m1-l1" / "lesson.md"
    edit(lesson)
    edit_key_point("m1-l1", "blended learning combines face-to-face and online learning")
    assert statuses(cli)["m1-l1/lesson"] == "conflict"

    shown = cli("diff", SPEC, "m1-l1/lesson")
    assert shown.exit_code == 0, shown.stderr
    lines = shown.stdout.splitlines()
    assert lines[:2] == ["--- m1-l1/lesson (generated)", f"+++ m1-l1/lesson ({lesson})"]
    assert sorted(line for line in lines if line.startswith(("+", "-")) and not line.startswith(("+++", "---"))) == ["+", f"+{ADDED}"]
    assert cli("diff", SPEC, "m1-l2/quiz").stdout == "m1-l2/quiz: not edited by hand (current)\n"

    # A merge left half-done is refused at the marker's line; nothing changes.
    merged = lesson.read_text("utf-8")
    half = merged.replace(ADDED, f"<<<<<<< mine\n{ADDED}\n=======\n>>>>>>> theirs", 1)
    lesson.write_text(half, "utf-8")
    result = cli("resolve", SPEC, "m1-l1/lesson")
    marker_line = half.splitlines().index("<<<<<<< mine") + 1
    assert (result.exit_code, result.stderr) == (1, f"{lesson}:{marker_line}:1: a merge conflict marker is still here; finish the merge, then resolve again\n")
    assert lesson.read_text("utf-8") == half

    lesson.write_text(merged, "utf-8")
    result = cli("resolve", SPEC, "m1-l1/lesson")
    assert (result.exit_code, result.stdout) == (0, "m1-l1/lesson: resolved (conflict -> edited); kept as your edit, current for the spec as it is now\n")
    assert statuses(cli)["m1-l1/lesson"] == "edited"
    assert ADDED in lesson.read_text("utf-8")
    assert cli("build", SPEC, *CONTENT_ONLY).exit_code == 0 and ADDED in lesson.read_text("utf-8")
    # Still a hand edit: the next change to its inputs is a conflict again, never a silent overwrite.
    edit_key_point("m1-l1", "a blend is planned around the learning objectives")
    assert statuses(cli)["m1-l1/lesson"] == "conflict"
    assert cli("resolve", SPEC, "m1-l2/quiz").stdout == "m1-l2/quiz: already current (current); nothing to resolve\n"


def test_diff_finds_the_generated_text_in_git_history(cli, project):
    assert cli("build", SPEC, "--formats", "markdown").exit_code == 0
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.org"]
    subprocess.run([*git, "init", "-q"], check=True)
    subprocess.run([*git, "add", "output/"], check=True)
    subprocess.run([*git, "commit", "-qm", "generated"], check=True)
    shutil.rmtree(CONTENT.parent / ".courseware")  # generated on another machine (CI)
    quiz = CONTENT / "m2-l1" / "quiz.md"
    quiz.write_text(quiz.read_text("utf-8").replace("\n> ", "\n> Reviewed. ", 1), "utf-8")
    shown = cli("diff", SPEC, "m2-l1/quiz")
    assert shown.exit_code == 0, shown.stderr
    assert any(line.startswith("+> Reviewed. ") for line in shown.stdout.splitlines())
    shutil.rmtree(".git")
    result = cli("diff", SPEC, "m2-l1/quiz")
    assert result.exit_code == 1 and result.stderr.startswith(f"{quiz}: the generated text this file came from (body_sha256 ")


def test_bom_and_old_line_endings_read_correctly(cli, project):
    assert cli("build", SPEC, *CONTENT_ONLY).exit_code == 0
    lesson = CONTENT / "m2-l2" / "lesson.md"
    quiz = CONTENT / "m2-l2" / "quiz.md"
    text = lesson.read_text("utf-8")
    lesson.write_bytes(b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode("utf-8"))  # Windows Notepad
    quiz_text = quiz.read_text("utf-8")
    quiz.write_bytes(quiz_text.replace("\n", "\r").encode("utf-8"))  # classic Mac OS
    states = statuses(cli)
    assert (states["m2-l2/lesson"], states["m2-l2/quiz"]) == ("current", "current")  # same text, other bytes

    quiz.write_bytes(edit_text(quiz_text).replace("\n", "\r").encode("utf-8"))
    assert statuses(cli)["m2-l2/quiz"] == "edited"
    assert cli("render", SPEC, "--formats", "html").exit_code == 0
    page = (CONTENT.parent / "dist" / "html" / "m2-l2.html").read_text("utf-8")
    assert "Reviewed by the course team." in page


def edit_text(quiz_text: str) -> str:
    return quiz_text.replace("\n> ", "\n> Reviewed by the course team. ", 1)


@pytest.mark.parametrize("ident, why", [
    ("course", "is the --regenerate selector for the course overview"),
    ("All", "is the --regenerate selector for every task"),
    ("shared", "would give a SCORM resource the same identifier as the shared files' res-shared"),
    ("course.md", "would name the same file as the content folder's course.md"),
    ("Index", "would name the same file as the site's index.html"),
    ("sources", "would name the same file as the site's sources.html"),
])
def test_ids_that_collide_with_fixed_names_are_refused(cli, project, ident, why):
    spec = Path(SPEC)
    lines = spec.read_text("utf-8").splitlines(keepends=True)
    at = lines.index("      - id: m1-l2\n")
    lines[at] = f"      - id: {ident}\n"
    spec.write_text("".join(lines), "utf-8")
    result = cli("validate", SPEC)
    assert (result.exit_code, result.stderr) == (1, f"{SPEC}:{at + 1}:13: modules[0].lessons[1].id: id '{ident}' {why}; choose another id\n")
    assert cli("build", SPEC).exit_code == 1 and not Path("output").exists()


def test_a_removed_lesson_with_hand_edits_is_said_on_every_build(cli, project):
    assert cli("build", SPEC, *CONTENT_ONLY).exit_code == 0
    old = CONTENT / "m0-old"
    shutil.copytree(CONTENT / "m1-l1", old)  # the content of a lesson since renamed
    edit(old / "lesson.md")
    (old / "notes.md").write_text("kept\n")  # not a file courseware wrote: only a human did
    warning = (
        f"warning: {old}: no lesson 'm0-old' in the spec any more, and it holds 2 files edited by hand (lesson.md, notes.md) "
        "that this build leaves out; restore the lesson, or move the edits into the lesson that replaced it"
    )
    for command in (("plan", SPEC), ("build", SPEC, *CONTENT_ONLY), ("build", SPEC, *CONTENT_ONLY)):
        result = cli(*command)
        assert result.exit_code == 0 and warning in result.stderr.splitlines()
        assert "delete" not in result.stderr and "git rm" not in result.stderr  # never advised for a hand edit
    frozen = cli("build", SPEC, *CONTENT_ONLY, "--frozen")
    assert frozen.exit_code == 1
    assert frozen.stderr == f"{SPEC}: frozen build, but {warning.removeprefix('warning: ')}\n"
    assert (old / "notes.md").read_text() == "kept\n"

    shutil.rmtree(old)
    shutil.copytree(CONTENT / "m1-l2", old)  # no hand edit: a quieter note, frozen still fails
    note = f"warning: {old}: no lesson 'm0-old' in the spec any more; its files are left out (remove the folder with git rm if it is not wanted)"
    assert note in cli("build", SPEC, *CONTENT_ONLY).stderr.splitlines()
    assert cli("build", SPEC, *CONTENT_ONLY, "--frozen").exit_code == 1


def test_a_changed_course_id_is_said_on_every_build(cli, project):
    assert cli("build", SPEC, "--formats", "markdown").exit_code == 0
    edit(CONTENT / "m1-l1" / "lesson.md")
    spec = Path(SPEC)
    spec.write_text(spec.read_text("utf-8").replace(f"id: {SAMPLE}\n", "id: blended-teaching-2027\n", 1), "utf-8")
    warning = (
        f"warning: {CONTENT}: built from {SPEC} when the course id was '{SAMPLE}' (now 'blended-teaching-2027'); it holds 1 file edited "
        f"by hand that this build leaves out; move it with 'git mv output/{SAMPLE} output/blended-teaching-2027' (or set course.id back)"
    )
    for _ in range(2):
        result = cli("build", SPEC, "--formats", "markdown")
        assert result.exit_code == 0 and warning in result.stderr.splitlines()
    frozen = cli("build", SPEC, "--frozen")
    assert frozen.exit_code == 1 and warning.removeprefix("warning: ") in frozen.stderr
    assert ADDED in (CONTENT / "m1-l1" / "lesson.md").read_text("utf-8")


def test_dist_is_exactly_what_the_last_render_made(cli, project):
    assert cli("build", SPEC).exit_code == 0
    dist = CONTENT.parent / "dist"
    (dist / "html" / "assets" / ".style.css.x1y2.tmp").write_text("a write killed half-way")  # beside a file this render leaves as it is
    spec = Path(SPEC)
    spec.write_text(spec.read_text("utf-8").replace("- id: m3-l2\n", "- id: m3-l9\n", 1), "utf-8")  # a renamed lesson
    result = cli("build", SPEC)
    assert result.exit_code == 0, result.stderr
    assert not (dist / "html" / "m3-l2.html").exists() and (dist / "html" / "m3-l9.html").is_file()
    assert not list(dist.rglob("*.tmp"))
    assert "; removed 2 file(s) an earlier render left in dist/" in result.stdout
    before = snapshot(dist)
    assert "removed" not in cli("render", SPEC).stdout
    assert snapshot(dist) == before  # a render that changes nothing touches nothing
