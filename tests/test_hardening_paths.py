"""Hardening: paths and names that try to leave the tree. Source paths (.., absolute, Windows
forms, symlinks out of the spec's folder, a pipe), ids that would name files badly (/ and \\,
dots, Windows device names, the site's own page names), `init` ids, and links inside the
output or cache folders are refused with a clear message, and nothing is written outside."""

from __future__ import annotations

import json
import os
import re
import shutil
from pathlib import Path

import pytest

from conftest import SPECS, run_cli
from fake_openai import FakeOpenAI

SPEC = "course_specs/blended-teaching.yaml"
SAMPLE = (SPECS / "blended-teaching.yaml").read_text("utf-8")
SOURCE = "sources/blended-teaching/01-blended-learning-and-its-models.md"
CONTENT = Path("output/blended-teaching/content")
DIST = Path("output/blended-teaching/dist")
RULE = "; use 1-64 letters, digits, '-', '_' or '.', starting with a letter or digit"


@pytest.fixture
def tree(tmp_path, monkeypatch) -> Path:
    """tmp/project (the working folder, a copy of course_specs/) beside tmp/outside (files that must stay untouched)."""
    project = tmp_path / "project"
    shutil.copytree(SPECS, project / "course_specs")
    outside = tmp_path / "outside"
    (outside / "notes").mkdir(parents=True)
    (outside / "secret.md").write_text("# Secret\n\nA **secret** paragraph that must never reach a course.\n", "utf-8")
    (outside / "notes" / "more.md").write_text("# More\n\nAnother paragraph from **outside**.\n", "utf-8")
    monkeypatch.chdir(project)
    return tmp_path


def everything(root: Path) -> dict:
    """Every file (bytes, mtime), folder and link below `root`, without following links."""
    found = {}
    for dirpath, dirnames, filenames in os.walk(root):
        for name in dirnames + filenames:
            path = Path(dirpath, name)
            key = str(path.relative_to(root))
            if path.is_symlink():
                found[key] = ("link", os.readlink(path))
            elif path.is_dir():
                found[key] = ("dir",)
            elif not path.is_file():  # a pipe: reading it would block
                found[key] = ("special", path.stat().st_mtime_ns)
            else:
                found[key] = (path.read_bytes(), path.stat().st_mtime_ns)
    return found


def refused(tree: Path, spec_text: str, anchor: str, expected: str) -> None:
    """validate and build both exit 1 with `expected` at the anchor's line and column; nothing is written."""
    spec = Path("course_specs/hostile.yaml")
    spec.write_text(spec_text, "utf-8")
    before = everything(tree)
    index = spec_text.index(anchor)
    line, col = spec_text.count("\n", 0, index) + 1, index - spec_text.rfind("\n", 0, index)
    for command in ("validate", "build"):
        result = run_cli(command, spec)
        assert result.exit_code == 1, (command, result.stdout)
        assert result.stderr == f"{spec}:{line}:{col}: {expected}\n", command
    assert everything(tree) == before
    assert not Path("output").exists() and not Path(".courseware").exists()


@pytest.mark.parametrize(("source", "expected"), [
    ("../../outside/secret.md", "sources[0]: source '../../outside/secret.md' lies outside the spec's folder; move it under course_specs/"),
    ("sources/../../../outside/secret.md", "sources[0]: source 'sources/../../../outside/secret.md' lies outside the spec's folder; move it under course_specs/"),
    ("{outside}/secret.md", "sources[0]: source '{outside}/secret.md' is an absolute path; give a path relative to the spec's folder"),
    ("C:\\Users\\me\\secret.md", "sources[0]: source 'C:\\Users\\me\\secret.md' is an absolute path; give a path relative to the spec's folder"),
    ("\\\\server\\share\\secret.md", "sources[0]: source '\\\\server\\share\\secret.md' is an absolute path; give a path relative to the spec's folder"),
    ("//server/share/secret.md", "sources[0]: source '//server/share/secret.md' is an absolute path; give a path relative to the spec's folder"),
    ("/dev/zero", "sources[0]: source '/dev/zero' is an absolute path; give a path relative to the spec's folder"),
    ("link-to-secret.md", "sources[0]: source 'link-to-secret.md' lies outside the spec's folder; move it under course_specs/"),
    ("linked-folder/more.md", "sources[0]: source 'linked-folder/more.md' lies outside the spec's folder; move it under course_specs/"),
    ("link-to-zero.md", "sources[0]: source 'link-to-zero.md' lies outside the spec's folder; move it under course_specs/"),
    ("loop-a.md", "sources[0]: source 'loop-a.md' cannot be resolved (a symlink loop?); fix the path"),
    ("pipe.md", "sources[0]: source 'pipe.md' is not a regular file; list text files only"),
])
def test_source_paths_that_leave_the_tree_are_refused(tree, source, expected):
    outside = tree / "outside"
    specs = Path("course_specs")
    (specs / "link-to-secret.md").symlink_to(outside / "secret.md")
    (specs / "linked-folder").symlink_to(outside / "notes", target_is_directory=True)
    (specs / "link-to-zero.md").symlink_to("/dev/zero")
    (specs / "loop-a.md").symlink_to("loop-b.md")
    (specs / "loop-b.md").symlink_to("loop-a.md")
    os.mkfifo(specs / "pipe.md")
    source = source.format(outside=outside)
    quoted = "'" + source.replace("'", "''") + "'"
    refused(tree, SAMPLE.replace(SOURCE, quoted, 1), quoted, expected.format(outside=outside))


@pytest.mark.parametrize(("where", "ident", "message"), [
    ("course", "../../outside", "invalid id '../../outside'" + RULE),
    ("course", "/tmp/evil", "invalid id '/tmp/evil'" + RULE),
    ("course", "con", "id 'con' is a reserved file name on Windows; choose another id"),
    ("course", "..", "invalid id '..'" + RULE),
    ("module", "nul", "id 'nul' is a reserved file name on Windows; choose another id"),
    ("module", "sources", "id 'sources' would name the same file as the site's sources.html; choose another id"),
    ("lesson", "com1", "id 'com1' is a reserved file name on Windows; choose another id"),
    ("lesson", "LPT9.md", "id 'LPT9.md' is a reserved file name on Windows; choose another id"),
    ("lesson", "Aux", "id 'Aux' is a reserved file name on Windows; choose another id"),
    ("lesson", "m1/l1", "invalid id 'm1/l1'" + RULE),
    ("lesson", "..\\..\\outside", "invalid id '..\\\\..\\\\outside'" + RULE),
    ("lesson", "m1-l1.", "invalid id 'm1-l1.'" + RULE),
    ("lesson", ".hidden", "invalid id '.hidden'" + RULE),
    ("lesson", "x" * 65, f"invalid id '{'x' * 65}'" + RULE),
    ("lesson", "Index", "id 'Index' would name the same file as the site's index.html; choose another id"),
    ("lesson", "credential", "id 'credential' would name the same file as the site's credential.html; choose another id"),
])
def test_ids_that_would_name_files_badly_are_refused(tree, where, ident, message):
    old, path = {"course": ("  id: blended-teaching\n", "course.id"), "module": ("  - id: m1\n", "modules[0].id"), "lesson": ("      - id: m1-l1\n", "modules[0].lessons[0].id")}[where]
    quoted = "'" + ident + "'"
    text = SAMPLE.replace(old, old.replace(old.split("id: ")[1].strip(), quoted), 1)
    refused(tree, text, quoted, f"{path}: {message}")


def test_an_id_with_dots_inside_stays_inside_the_tree(tree):
    text = SAMPLE.replace("      - id: m1-l1\n", "      - id: m1..l1\n", 1)
    Path("course_specs/dots.yaml").write_text(text, "utf-8")
    result = run_cli("build", "course_specs/dots.yaml", "--formats", "markdown,html,scorm12,qti21")
    assert result.exit_code == 0, result.stderr
    assert (CONTENT / "m1..l1" / "lesson.md").is_file() and (DIST / "html" / "m1..l1.html").is_file()
    assert {p.name for p in tree.iterdir()} == {"project", "outside"}


@pytest.mark.parametrize(("ident", "message"), [
    ("../outside/evil", "invalid course id '../outside/evil'; use letters, digits, '-', '_' or '.'"),
    ("a/b", "invalid course id 'a/b'; use letters, digits, '-', '_' or '.'"),
    ("a\\b", "invalid course id 'a\\\\b'; use letters, digits, '-', '_' or '.'"),
    ("x.", "invalid course id 'x.'; use letters, digits, '-', '_' or '.'"),
    ("con", "course id 'con' is a reserved file name on Windows; choose another id"),
    ("NUL.yaml", "course id 'NUL.yaml' is a reserved file name on Windows; choose another id"),
    ("com9", "course id 'com9' is a reserved file name on Windows; choose another id"),
])
def test_init_refuses_ids_that_make_a_spec_that_cannot_validate(tree, ident, message):
    before = everything(tree)
    result = run_cli("init", ident, "--dir", "new-specs")
    assert (result.exit_code, result.stdout, result.stderr) == (1, "", message + "\n")
    assert everything(tree) == before


def test_init_with_a_good_id_builds_as_it_is(tree):
    result = run_cli("init", "con-tinuing.ed", "--dir", "new-specs")
    assert result.exit_code == 0, result.stderr
    assert run_cli("validate", "new-specs/con-tinuing.ed.yaml").exit_code == 0


def good_build() -> None:
    result = run_cli("build", SPEC, "--formats", "markdown,html")
    assert result.exit_code == 0, result.stderr


@pytest.mark.parametrize("link", ["lesson folder", "content file", "html folder", "assets folder"])
def test_links_in_the_output_that_lead_out_are_not_written_through(tree, link):
    good_build()
    outside = tree / "outside"
    moved = {
        "lesson folder": CONTENT / "m1-l1",
        "content file": CONTENT / "m1-l1" / "quiz.md",
        "html folder": DIST / "html",
        "assets folder": DIST / "html" / "assets",
    }[link]
    target = outside / moved.name
    shutil.move(moved, target)
    moved.symlink_to(target, target_is_directory=target.is_dir())
    if link in ("html folder", "assets folder"):
        for path in [target, *target.rglob("*")]:
            if path.is_file():
                path.write_bytes(b"stale")  # stale output out there: a build would rewrite it
    before = everything(tree / "outside")
    result = run_cli("build", SPEC, "--formats", "markdown,html", "--regenerate", "m1-l1")
    assert result.exit_code == 1
    (line,) = result.stderr.splitlines()
    root = "output/blended-teaching/content" if link in ("lesson folder", "content file") else "output/blended-teaching/dist"
    assert re.fullmatch(rf"{re.escape(str(moved))}/?\S*: refusing to write through a link that leads outside {root}", line), line
    assert everything(tree / "outside") == before


def test_a_cache_folder_linked_out_of_the_tree_is_not_written_through(tree, monkeypatch):
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test-hardening")
    monkeypatch.setenv("COURSEWARE_RETRY_BASE", "0.01")
    with FakeOpenAI() as server:
        args = ["--provider", "openai", "--model", "fake-model", "--base-url", server.base_url]
        planned = run_cli("plan", SPEC, "--json", *args)
        keys = {t["id"]: t["key"] for t in json.loads(planned.stdout)["tasks"]}
        prefix = keys["m2-l1/quiz"][:2]
        hit = sorted(task for task, key in keys.items() if key.startswith(prefix))
        Path(".courseware/cache").mkdir(parents=True)
        Path(".courseware/cache", prefix).symlink_to(tree / "outside", target_is_directory=True)
        before = everything(tree / "outside")
        result = run_cli("build", SPEC, *args, "--formats", "markdown")
    assert result.exit_code == 3
    lines = result.stderr.splitlines()
    assert lines[-1] == f"blended-teaching: {len(hit)} task(s) failed; what finished is saved, rerun to do the rest"
    assert len(lines) == len(hit) + 1
    for line, task in zip(lines, hit):  # the line names the entry (and, before it, the task)
        assert line.removeprefix(f"{task}: ") == f".courseware/cache/{prefix}/{keys[task]}.json: refusing to write through a link that leads outside .courseware/cache", line
    assert everything(tree / "outside") == before
    assert len(list(CONTENT.rglob("*.md"))) == 25 - len(hit)
