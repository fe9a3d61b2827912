"""The package as a user installs it: build the wheel, `pipx install` it into a clean virtual
environment in a temporary folder, and use it from a folder outside the repository: the built-in
prompts and templates come from the wheel, nothing is read from the source tree, nothing is
written into the (read-only) package. Slow (30 to 60 s): `-m "not slow"` leaves it out."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

from conftest import REPO
from fake_openai import FakeOpenAI

pytestmark = pytest.mark.slow

MARKER = "Wheel test marker: answer in the course's language."


def _source_tree(target: Path) -> Path:
    """What the wheel is built from, as git holds it: building in the worktree would leave build/,
    whose stale files (a template since removed) setuptools would put in the next wheel."""
    shutil.copy2(REPO / "pyproject.toml", target / "pyproject.toml")
    shutil.copy2(REPO / "README.md", target / "README.md")
    shutil.copytree(REPO / "courseware", target / "courseware", ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    return target


def _run(args: list, cwd: Path, env: dict, timeout: int = 300) -> subprocess.CompletedProcess:
    result = subprocess.run([str(a) for a in args], cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    assert result.returncode == 0, f"{' '.join(map(str, args))} exited {result.returncode}:\n{result.stdout}\n{result.stderr}"
    assert "Traceback" not in result.stdout + result.stderr
    return result


def _snapshot(folder: Path) -> dict[str, bytes]:
    # __pycache__ is the interpreter's, written only where it may (not into a read-only install)
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file() and "__pycache__" not in p.parts}


def test_the_wheel_installs_with_pipx_and_builds_a_course_outside_the_repository(tmp_path):
    started = time.perf_counter()
    (tmp_path / "src").mkdir()
    source = _source_tree(tmp_path / "src")
    home = tmp_path / "home"
    home.mkdir()
    # Nothing of the repository or this session: no PYTHONPATH, a fresh HOME (pip config and
    # pip's cache stay as the machine has them, so the dependencies come from its cache).
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "COURSEWARE_", "OPENAI_", "PIPX_", "VIRTUAL_ENV"))}
    env.update(PIP_CACHE_DIR=os.environ.get("PIP_CACHE_DIR", str(Path.home() / ".cache" / "pip")), HOME=str(home))
    env.update(PIPX_HOME=str(tmp_path / "pipx"), PIPX_BIN_DIR=str(tmp_path / "bin"), PIPX_MAN_DIR=str(tmp_path / "man"))

    # Build isolation fetches the build backend pyproject asks for (setuptools>=68).
    _run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", tmp_path / "dist", source], tmp_path, env)
    (wheel,) = (tmp_path / "dist").glob("courseware-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
    # Every file of the package is in the wheel: a template, catalogue or font added later that
    # package-data does not cover would be missing only outside the repository.
    shipped = {p.relative_to(source).as_posix() for p in (source / "courseware").rglob("*") if p.is_file()}
    assert sorted(shipped - names) == []
    assert {"courseware/prompts/prompts.lock", "courseware/templates/pptx/template.pptx", "courseware/scaffold/spec.yaml", "courseware/locale/fr.po"} <= names
    built = time.perf_counter()

    # pipx's uv backend (its default where uv is installed, as `make` installs it): pip fetches and
    # compiles every dependency again (there is no pip cache here), 20 s more than uv from its cache.
    _run([sys.executable, "-m", "pipx", "install", "--backend", "uv", wheel], tmp_path, env)
    installed = time.perf_counter()
    courseware = tmp_path / "bin" / "courseware"
    python = tmp_path / "pipx" / "venvs" / "courseware" / "bin" / "python"
    package = Path(_run([python, "-c", "import courseware; print(courseware.__file__)"], tmp_path, env).stdout.strip()).parent
    assert package.is_relative_to(tmp_path / "pipx") and (package / "templates" / "html" / "base.html").is_file()
    for path in [package, *package.rglob("*")]:  # as a system-wide install would be
        path.chmod(path.stat().st_mode & ~0o222)
    before = _snapshot(package)

    work = tmp_path / "work"  # a user's folder, far from the repository
    work.mkdir()
    version = _run([courseware, "--version"], work, env).stdout
    assert version == f"courseware {wheel.name.split('-')[1]}\n"

    init = _run([courseware, "init", "first-course"], work, env).stdout.splitlines()
    assert init[3] == "then open output/first-course/dist/html/index.html (the site) and output/first-course/dist/first-course.pptx (the deck)"
    build = _run([courseware, "build", "course_specs/first-course.yaml", "--provider", "offline"], work, env).stdout
    assert "first-course: 7 tasks (7 new); generated 7" in build
    site, deck = work / "output/first-course/dist/html/index.html", work / "output/first-course/dist/first-course.pptx"
    assert "<html" in site.read_text("utf-8") and (site.parent / "assets" / "style.css").is_file()
    with zipfile.ZipFile(deck) as archive:
        assert "ppt/presentation.xml" in archive.namelist()

    # Own prompts started from the wheel's: edited, approved, and what the model is sent.
    copied = _run([courseware, "prompts", "copy", "course_specs/my-prompts"], work, env).stdout
    assert copied.startswith("copied the built-in prompts to course_specs/my-prompts: ")
    _run([courseware, "prompts", "check", "--prompts", "course_specs/my-prompts"], work, env)
    system = work / "course_specs/my-prompts/system.j2"
    system.write_text(system.read_text("utf-8") + MARKER + "\n", "utf-8")
    _run([courseware, "prompts", "approve", "--prompts", "course_specs/my-prompts"], work, env)
    templates = _run([courseware, "templates", "copy", "course_specs/my-look"], work, env).stdout
    assert "set `templates: my-look` in a spec in course_specs/" in templates
    with FakeOpenAI() as server:
        model_env = {**env, "OPENAI_API_KEY": "sk-test-0123456789abcdef"}
        _run([courseware, "build", "course_specs/first-course.yaml", "--provider", "openai", "--model", "fake-model", "--base-url", server.base_url,
              "--prompts", "course_specs/my-prompts", "--templates", "course_specs/my-look", "--output", "model-output", "--formats", "markdown,html,pptx"], work, model_env)
        sent = [m["content"] for body in server.requests for m in body["messages"] if m["role"] in ("system", "developer")]
    assert sent and all(MARKER in text for text in sent)
    assert (work / "model-output/first-course/dist/html/index.html").is_file()
    assert (work / "model-output/first-course/dist/first-course.pptx").is_file()

    assert _snapshot(package) == before
    finished = time.perf_counter()
    print(f"wheel test: wheel {built - started:.1f} s, pipx install {installed - built:.1f} s, commands {finished - installed:.1f} s")
