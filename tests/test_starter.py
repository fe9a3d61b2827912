"""`courseware --version`, `courseware prompts copy DIR` and `courseware templates copy DIR`: what a
wheel user, who has no prompts/ or templates/ folder to copy by hand, starts their own from."""

from __future__ import annotations

import stat
from importlib.metadata import version
from pathlib import Path

import courseware.generate.settings
import courseware.render.templates
from conftest import SAMPLE


def test_version_is_the_installed_distributions(cli):
    result = cli("--version")
    assert (result.exit_code, result.stdout) == (0, f"courseware {version('courseware')}\n")
    assert version("courseware")[0].isdigit()


def test_prompts_copy_passes_check_and_a_spec_can_name_it(cli, project):
    result = cli("prompts", "copy", "course_specs/my-prompts")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines() == [
        "copied the built-in prompts to course_specs/my-prompts: 9 files, approved as they are in course_specs/my-prompts/prompts.lock",
        "next: edit them, run 'courseware prompts approve --prompts course_specs/my-prompts', and use them: set `prompts: my-prompts` under `llm:` in a spec in course_specs/ (relative to the spec's folder), or pass --prompts course_specs/my-prompts",
    ]
    built_in = courseware.generate.settings.BUILT_IN_PROMPTS
    assert sorted(p.name for p in Path("course_specs/my-prompts").iterdir()) == sorted(p.name for p in built_in.iterdir() if p.is_file())
    check = cli("prompts", "check", "--prompts", "course_specs/my-prompts")
    assert (check.exit_code, check.stdout) == (0, "course_specs/my-prompts: every prompt template is approved\n")
    spec = Path(f"course_specs/{SAMPLE}.yaml")
    spec.write_text(spec.read_text("utf-8").replace("llm:\n", "llm:\n  prompts: my-prompts\n", 1), "utf-8")
    assert cli("validate", str(spec)).exit_code == 0
    assert cli("prompts", "check", str(spec)).stdout == "course_specs/my-prompts: every prompt template is approved\n"
    # An edit is caught by the copied lock, like in any reviewed folder.
    lesson = Path("course_specs/my-prompts/lesson.j2")
    lesson.write_text(lesson.read_text("utf-8") + "Keep it short.\n", "utf-8")
    changed = cli("prompts", "check", str(spec))
    assert (changed.exit_code, changed.stderr) == (1, "course_specs/my-prompts/lesson.j2: changed since it was approved; review the change, then run 'courseware prompts approve'\n")


def test_templates_copy_is_approved_and_builds(cli, project):
    result = cli("templates", "copy", "course_specs/my-look")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines()[1] == "next: edit them (course_specs/my-look/README.md says what each file gets), run 'courseware templates approve --templates course_specs/my-look', and use them: set `templates: my-look` in a spec in course_specs/ (relative to the spec's folder), or pass --templates course_specs/my-look"
    copied = sorted(p.relative_to("course_specs/my-look").as_posix() for p in Path("course_specs/my-look").rglob("*") if p.is_file())
    assert {"README.md", "templates.lock", "html/base.html", "html/style.css", "pptx/template.pptx"} <= set(copied)
    assert not [name for name in copied if "__pycache__" in name or name.endswith(".pyc")]
    assert result.stdout.splitlines()[0] == f"copied the built-in templates to course_specs/my-look: {len(copied)} files, approved as they are in course_specs/my-look/templates.lock"
    assert cli("templates", "check", "--templates", "course_specs/my-look").exit_code == 0
    spec = Path(f"course_specs/{SAMPLE}.yaml")
    spec.write_text(spec.read_text("utf-8").replace("outputs:", "templates: my-look\noutputs:", 1), "utf-8")
    style = Path("course_specs/my-look/html/style.css")
    style.write_text(style.read_text("utf-8") + "body { background: #fffbe6; }\n", "utf-8")
    refused = cli("build", str(spec), "--formats", "markdown,html")
    assert (refused.exit_code, refused.stderr) == (1, "course_specs/my-look/html/style.css:1:1: changed since it was approved; review the change, then run 'courseware templates approve'\n")
    assert cli("templates", "approve", str(spec)).exit_code == 0
    rendered = cli("build", str(spec), "--formats", "markdown,html,pptx")
    assert rendered.exit_code == 0, rendered.stderr
    assert "#fffbe6" in Path(f"output/{SAMPLE}/dist/html/assets/style.css").read_text("utf-8")


def test_copy_refuses_a_folder_in_use_and_writes_nothing(cli, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    Path("mine").mkdir()
    Path("mine/notes.txt").write_text("mine\n")
    Path("a-file").write_text("x\n")
    for command in ("prompts", "templates"):
        kept = cli(command, "copy", "mine")
        assert (kept.exit_code, kept.stdout, kept.stderr) == (1, "", "mine: already exists and is not empty; nothing was copied, choose a new folder\n")
        blocked = cli(command, "copy", "a-file")
        assert (blocked.exit_code, blocked.stderr) == (1, "a-file: a file is in the way; choose a new folder to copy into\n")
        here = cli(command, "copy", ".")
        assert (here.exit_code, here.stderr) == (1, ".: the current folder; name a new folder to copy into\n")
    assert sorted(p.name for p in tmp_path.rglob("*")) == ["a-file", "mine", "notes.txt"]  # no staging folder left behind
    Path("empty").mkdir()
    assert cli("prompts", "copy", "empty").exit_code == 0  # an empty folder is fine
    assert Path("empty/prompts.lock").is_file()


def test_copies_of_a_read_only_install_are_editable(cli, tmp_path, monkeypatch):
    # A system-wide or pipx install may leave the package read-only: the copy must not inherit that.
    installed = tmp_path / "site-packages"
    for name, folder in (("prompts", courseware.generate.settings.BUILT_IN_PROMPTS), ("templates", courseware.render.templates.BUILT_IN)):
        (installed / name).mkdir(parents=True)
        for path in folder.rglob("*"):
            if path.is_file() and "__pycache__" not in path.parts:
                target = installed / name / path.relative_to(folder)
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(path.read_bytes())
        for path in (installed / name).rglob("*"):
            path.chmod(0o555 if path.is_dir() else 0o444)
    monkeypatch.setattr(courseware.generate.settings, "BUILT_IN_PROMPTS", installed / "prompts")
    monkeypatch.setattr(courseware.render.templates, "BUILT_IN", installed / "templates")
    monkeypatch.chdir(tmp_path)
    assert cli("prompts", "copy", "p").exit_code == 0
    assert cli("templates", "copy", "t").exit_code == 0
    for path in [*Path("p").rglob("*"), *Path("t").rglob("*"), Path("p"), Path("t")]:
        assert path.stat().st_mode & stat.S_IWUSR, path


def test_a_copy_that_fails_half_way_leaves_nothing(cli, tmp_path, monkeypatch):
    import courseware.starter
    from courseware.errors import CoursewareError

    real = courseware.starter.Writer.write_bytes
    calls = []

    def disk_full(self, relative, data, *args, **kwargs):
        calls.append(relative)
        if len(calls) == 3:
            raise CoursewareError(f"{self.root / relative}: cannot write (No space left on device); check the folder's permissions and free space")
        return real(self, relative, data, *args, **kwargs)

    monkeypatch.setattr(courseware.starter.Writer, "write_bytes", disk_full)
    monkeypatch.chdir(tmp_path)
    result = cli("templates", "copy", "look")
    assert result.exit_code == 1 and result.stderr.count("\n") == 1 and "No space left on device" in result.stderr
    assert list(tmp_path.iterdir()) == []  # neither the folder nor its half-written staging copy
