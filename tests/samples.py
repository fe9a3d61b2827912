"""The four sample courses (the three of course_specs/ and the Arabic test course) rendered in every
output format once per test session, for the tests that only read what was rendered.

    def test_x(samples):
        deck = samples / "output" / "blended-teaching" / "dist" / "blended-teaching.pptx"

The three samples start from their committed reviewed markdown (test_build checks it is what the
offline provider writes), so only the Arabic course is generated. The folder is shared by the
xdist workers of a session (built by the first that asks, under a file lock) and made read-only:
a test that changes a file needs its own copy (`copy_samples`), and one that tries fails at once
instead of changing what the next test reads.
"""

from __future__ import annotations

import os
import shutil
import stat
from pathlib import Path

import pytest
from filelock import FileLock

REPO = Path(__file__).resolve().parent.parent
ARABIC = REPO / "tests" / "data" / "arabic"
COMMITTED = ("blended-teaching", "describing-data", "evaluation-formative")
SPECS = ("course_specs/blended-teaching.yaml", "course_specs/describing-data.yaml", "course_specs/evaluation-formative.yaml", "arabic/course.yaml")
COURSES = {"blended-teaching": SPECS[0], "describing-data": SPECS[1], "evaluation-formative": SPECS[2], "taallum-mudmaj": SPECS[3]}


def build_samples(root: Path, formats: str | None = None) -> Path:
    """Copy the specs and the committed content into `root` and build every sample offline into
    root/output in `formats` (default: every format this version renders); returns `root`."""
    from conftest import run_cli
    from courseware.spec.model import OUTPUTS

    shutil.copytree(REPO / "course_specs", root / "course_specs")
    shutil.copytree(ARABIC, root / "arabic")
    for course in COMMITTED:
        shutil.copytree(REPO / "output" / course / "content", root / "output" / course / "content")
    for spec in SPECS:
        result = run_cli("build", root / spec, "--provider", "offline", "--output", root / "output", "--formats", formats or ",".join(OUTPUTS))
        assert result.exit_code == 0, result.stderr
    return root


def _read_only(root: Path) -> None:
    for folder, dirs, files in os.walk(root):
        for name in files:
            path = Path(folder, name)
            path.chmod(path.stat().st_mode & ~(stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH))
    for folder, dirs, files in os.walk(root, topdown=False):
        Path(folder).chmod(0o555)


@pytest.fixture(scope="session")
def samples(tmp_path_factory, worker_id) -> Path:
    """The sample courses built in every format, read-only: `samples / "output" / <course> / "dist"`."""
    if worker_id == "master":  # one process: its own session folder
        root = tmp_path_factory.getbasetemp() / "samples"
        if not root.exists():
            root.mkdir()
            build_samples(root)
            _read_only(root)
        return root
    shared = tmp_path_factory.getbasetemp().parent  # this session's folder, above each worker's
    root, done = shared / "samples", shared / "samples.done"
    with FileLock(str(shared / "samples.lock")):
        if not done.exists():
            shutil.rmtree(root, ignore_errors=True)
            root.mkdir()
            build_samples(root)
            _read_only(root)
            done.touch()
    return root


def copy_samples(source: Path, target: Path) -> Path:
    """A writable copy at `target` of the built samples or a folder in them."""
    shutil.copytree(source, target, copy_function=shutil.copy, dirs_exist_ok=True)
    for folder, dirs, files in os.walk(target):
        Path(folder).chmod(0o755)
        for name in files:
            Path(folder, name).chmod(0o644)
    return target
