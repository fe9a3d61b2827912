"""Shared fixtures: run the CLI in-process like a user would, on copies of the sample courses."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest
from typer.testing import CliRunner

from courseware.cli import app
from llama_server import llama_server  # noqa: F401  (session fixture: a real llama.cpp server)
from samples import samples  # noqa: F401  (session fixture: the sample courses in every format)
from tool_marks import NAMES, ToolFinder, _in_tests
import xdist_groups
from xdist_groups import pytest_configure_node, pytest_xdist_make_scheduler  # noqa: F401  (the groups under `--dist loadgroup`)

REPO = Path(__file__).resolve().parent.parent
SPECS = REPO / "course_specs"
SAMPLE = "blended-teaching"
# For a build whose test reads only the reviewed markdown: dist/ is not rendered (a full render of
# the sample course is most of a build's time; the tests of dist/ render it).
CONTENT_ONLY = ("--formats", "markdown")


@dataclass
class Result:
    exit_code: int
    stdout: str
    stderr: str


def run_cli(*args: str) -> Result:
    """Invoke `courseware ARGS`; any exception other than a clean exit is a bug and fails the test."""
    result = CliRunner().invoke(app, [str(a) for a in args])
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    assert "Traceback" not in result.stdout + result.stderr
    return Result(result.exit_code, result.stdout, result.stderr)


@pytest.fixture
def cli():
    return run_cli


@pytest.fixture
def project(tmp_path, monkeypatch) -> Path:
    """A copy of course_specs/ in a temporary working folder; output goes to ./output there."""
    shutil.copytree(SPECS, tmp_path / "course_specs")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def snapshot(folder: Path) -> dict[str, tuple[bytes, int]]:
    """Every file below `folder` with its bytes and mtime (ns)."""
    return {str(p.relative_to(folder)): (p.read_bytes(), p.stat().st_mtime_ns) for p in sorted(folder.rglob("*")) if p.is_file()}


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark every test with the real tools it drives (`browser`, `office`, `model`; see tool_marks)
    and give it its xdist group (tests/xdist_groups.py)."""
    finder = ToolFinder()
    groups = {}
    for item in items:
        found = set(finder.tools(item.function)) if hasattr(item, "function") else set()
        info = getattr(item, "_fixtureinfo", None)
        for name, definitions in (info.name2fixturedefs.items() if info else ()):
            if name in NAMES:
                found.add(NAMES[name])
            for definition in definitions:
                if _in_tests(definition.func):
                    found |= finder.tools(definition.func)
        for mark in sorted(found):
            item.add_marker(mark)
        # A test file stays on one worker, so its module-scoped fixtures (a built course) are made
        # once; the model tests share one worker, so one llama.cpp server loads the model.
        groups[item.nodeid] = "llama-server" if "model" in found else item.nodeid.split("::")[0]
    # The real-model tests first: the longest group starts at once on one worker while the others
    # take the rest, instead of starting last and leaving that worker alone at the end. Then the
    # first file that reads the built samples (tests/samples.py): one worker builds them while the
    # others run tests that need none, instead of every worker reaching the render tests (next to
    # each other in the alphabet) together and all but one waiting for the build.
    builder = next((item.nodeid.split("::")[0] for item in items if "samples" in item.fixturenames), None)
    items.sort(key=lambda item: (item.get_closest_marker("model") is None, item.nodeid.split("::")[0] != builder))
    xdist_groups.write(config, groups)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_protocol(item, nextitem):
    """With TEST_CPU_LOG=FILE, append each test's CPU seconds (this process and the children it
    waited for) and wall seconds to FILE: where the suite's time goes, free of the other workers' load."""
    import os

    log = os.environ.get("TEST_CPU_LOG")
    if not log:
        return (yield)
    import resource
    import time

    def cpu() -> float:
        own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
        return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime

    start, wall = cpu(), time.monotonic()
    try:
        return (yield)
    finally:
        with open(log, "a", encoding="utf-8") as out:
            out.write(f"{item.nodeid}\t{cpu() - start:.2f}\t{time.monotonic() - wall:.2f}\n")
