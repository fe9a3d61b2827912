"""The command line as a user meets it: help with examples, exit codes, init, no tracebacks."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from conftest import REPO

COMMANDS = ["init", "validate", "plan", "build", "render"]


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_help_has_an_example(cli, command):
    result = cli(command, "--help")
    assert result.exit_code == 0
    assert f"Example: courseware {command} " in result.stdout


def test_top_level_help_documents_exit_codes(cli):
    result = cli("--help")
    assert result.exit_code == 0
    assert "Exit codes: 0 success; 1 invalid input" in result.stdout
    for command in COMMANDS:
        assert command in result.stdout


def test_usage_error_exits_2(cli):
    assert cli("build").exit_code == 2
    assert cli("frobnicate").exit_code == 2


def test_unknown_format_is_a_usage_error(cli, project):
    result = cli("render", "course_specs/blended-teaching.yaml", "--formats", "html,docx")
    assert (result.exit_code, result.stderr) == (2, "--formats: unknown format(s) docx; choose from markdown, html, pptx, scorm12, scorm2004, qti21, moodle_xml, gift, badge, cc, epub, kolibri, pdf\n")


def test_init_scaffolds_a_spec_that_builds(cli, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = cli("init", "my-course", "--title", "My Course")
    assert result.exit_code == 0
    assert result.stdout.splitlines() == [
        "created course_specs/my-course.yaml",
        "created course_specs/sources/my-course/getting-started.md",
        "next: run 'courseware build course_specs/my-course.yaml' (offline: no model, no key, a few seconds)",
        "then open output/my-course/dist/html/index.html (the site) and output/my-course/dist/my-course.pptx (the deck)",
        "review the markdown in output/my-course/content/, edit course_specs/my-course.yaml and course_specs/sources/my-course/getting-started.md, and build again",
    ]
    spec = Path("course_specs/my-course.yaml").read_text("utf-8")
    assert 'title: "My Course"' in spec and "# " in spec  # commented
    assert cli("validate", "course_specs/my-course.yaml").exit_code == 0
    built = cli("build", "course_specs/my-course.yaml", "--provider", "offline")
    assert built.exit_code == 0, built.stderr
    assert "my-course: rendered markdown, html, pptx, scorm12, scorm2004, qti21, moodle_xml, gift, badge" in built.stdout
    # What init said to open is there, and is the site and the deck.
    assert "<h1" in Path("output/my-course/dist/html/index.html").read_text("utf-8")
    assert zipfile.ZipFile("output/my-course/dist/my-course.pptx").namelist().count("ppt/presentation.xml") == 1
    assert Path("output/my-course/content/m1-l2/quiz.md").is_file()
    again = cli("init", "my-course")
    assert (again.exit_code, again.stderr) == (1, "course_specs/my-course.yaml: already exists and is kept; choose another course id or another folder (--dir)\n")


def test_init_in_another_folder_says_where_the_spec_is(cli, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = cli("init", "stats", "--dir", "specs")
    assert result.exit_code == 0
    assert result.stdout.splitlines()[2:4] == [
        "next: run 'courseware build specs/stats.yaml' (offline: no model, no key, a few seconds)",
        "then open output/stats/dist/html/index.html (the site) and output/stats/dist/stats.pptx (the deck)",
    ]


@pytest.mark.parametrize(("args", "message"), [
    (["init", "bad id!"], "invalid course id 'bad id!'; use letters, digits, '-', '_' or '.'\n"),
    (["init", "ok", "--language", "english"], "--language: invalid language tag 'english'; use a BCP 47 tag such as 'en', 'fr', 'ar' or 'sw-KE'\n"),
])
def test_init_refuses_bad_values(cli, tmp_path, monkeypatch, args, message):
    monkeypatch.chdir(tmp_path)
    result = cli(*args)
    assert (result.exit_code, result.stderr) == (1, message)
    assert not Path("course_specs").exists()


def _run(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.run([sys.executable, "-m", "courseware", *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=120)


def test_installed_entry_point_prints_errors_without_traceback(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("course: [\n")
    result = _run("validate", str(bad), cwd=tmp_path)
    assert result.returncode == 1
    assert result.stderr.startswith(f"{bad}:2:1: YAML syntax error:")
    assert "Traceback" not in result.stderr and len(result.stderr.splitlines()) == 1
    unreadable = tmp_path / "output"
    unreadable.write_text("a file where the output folder should be")
    (tmp_path / "s").mkdir()
    (tmp_path / "s" / "n.md").write_text("# N\n\n## Plants\n\nPlants turn light into energy with **chlorophyll** in their leaves.\n")
    (tmp_path / "s" / "c.yaml").write_text(
        "course: {id: c, title: Plants, language: en, audience: a}\nobjectives: [{id: O1, text: Explain}]\n"
        "modules: [{id: m, title: Plants, lessons: [{id: l1, title: Plants, objectives: [O1], key_points: [plants turn light into energy]}]}]\n"
        "sources: [n.md]\n"
    )
    result = _run("build", "s/c.yaml", cwd=tmp_path)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "cannot write" in result.stderr and "check the folder's permissions and free space" in result.stderr
