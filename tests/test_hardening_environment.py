"""Hardening: the environment fails under a build. An output folder that cannot be written (a
file where a folder must be; a read-only mount), a full disk (a small tmpfs), corrupted cache
entries. Each gives one clear line and no traceback, and the previous good output is intact.

The tests run as root, so permission bits do not stop a write: read-only and full file systems
are real tmpfs mounts made here (`mount -t tmpfs`), unmounted afterwards.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from contextlib import contextmanager
from pathlib import Path

import pytest

from conftest import SPECS, run_cli, snapshot
from fake_openai import FakeOpenAI

SPEC = "course_specs/blended-teaching.yaml"
COURSE = "blended-teaching"
HINT = "check the folder's permissions and free space"
KEY_POINT = "The rotation model and its variants of station rotation, lab rotation and individual rotation"


@contextmanager
def tmpfs(path: Path, size: str):
    """A tmpfs of `size` mounted at `path` while the block runs."""
    path.mkdir(parents=True, exist_ok=True)
    subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size},mode=0755", "tmpfs", str(path)], check=True, capture_output=True)
    try:
        yield path
    finally:
        subprocess.run(["umount", "-l", str(path)], check=True, capture_output=True)


def remount(path: Path, mode: str) -> None:
    subprocess.run(["mount", "-o", f"remount,{mode}", str(path)], check=True, capture_output=True)


@pytest.fixture
def project(tmp_path, monkeypatch) -> Path:
    shutil.copytree(SPECS, tmp_path / "course_specs")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def edit_key_point() -> None:
    spec = Path(SPEC)
    spec.write_text(spec.read_text("utf-8").replace(KEY_POINT, KEY_POINT + " in a timetabled week", 1), "utf-8")


def one_line(result, pattern: str) -> None:
    """Exit 1 and exactly one stderr line matching `pattern` (no traceback: run_cli checks that)."""
    assert result.exit_code == 1, (result.stdout, result.stderr)
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and re.fullmatch(pattern, lines[0]), lines


def everything(root: Path) -> dict:
    return {**snapshot(root), **{str(p.relative_to(root)) + "/": () for p in root.rglob("*") if p.is_dir()}}


# A file where a folder must be -----------------------------------------------------------------


def test_output_option_naming_a_file(project):
    Path("taken").write_text("not a folder\n", "utf-8")
    result = run_cli("build", SPEC, "--output", "taken", "--formats", "markdown")
    one_line(result, rf"taken/{COURSE}/(content/\S+\.md|\.courseware): cannot write \(Not a directory\); {HINT}")
    assert Path("taken").read_text("utf-8") == "not a folder\n"


def test_dist_folder_taken_by_a_file_keeps_the_content(project):
    assert run_cli("build", SPEC, "--formats", "markdown").exit_code == 0
    dist = Path("output", COURSE, "dist")
    dist.write_bytes(b"a file where the dist folder goes\n")
    before = everything(Path("output"))
    result = run_cli("render", SPEC, "--formats", "html,gift")
    one_line(result, rf"output/{COURSE}/dist/\S+: cannot write \(Not a directory\); {HINT}")
    assert everything(Path("output")) == before


def test_content_file_taken_by_a_folder_is_a_located_error(project):
    assert run_cli("build", SPEC, "--formats", "markdown").exit_code == 0
    quiz = Path("output", COURSE, "content", "m2-l2", "quiz.md")
    quiz.unlink()
    quiz.mkdir()
    before = everything(Path("output"))
    result = run_cli("build", SPEC, "--formats", "markdown")
    one_line(result, rf"{re.escape(str(quiz))}:1:1: expected a markdown file, found a folder; move the folder elsewhere")
    assert everything(Path("output")) == before


# A read-only mount -----------------------------------------------------------------------------


def test_read_only_output_refuses_clearly_and_keeps_the_output(project):
    with tmpfs(project / "mnt", "16m") as mount:
        out = mount / "output"
        assert run_cli("build", SPEC, "--output", out, "--formats", "markdown,html").exit_code == 0
        before = everything(out)
        remount(mount, "ro")
        try:
            assert run_cli("render", SPEC, "--output", out, "--formats", "markdown,html").exit_code == 0  # nothing to change: nothing written
            one_line(run_cli("render", SPEC, "--output", out, "--formats", "gift"), rf"{out}/{COURSE}/dist/gift\.txt: cannot write \(Read-only file system\); {HINT}")
            edit_key_point()
            one_line(run_cli("build", SPEC, "--output", out, "--formats", "markdown,html"), rf"{out}/{COURSE}/content/m1-l1/\w+\.md: cannot write \(Read-only file system\); {HINT}")
            assert everything(out) == before
        finally:
            remount(mount, "rw")
        assert run_cli("build", SPEC, "--output", out, "--formats", "markdown,html").exit_code == 0  # writable again: it goes through


# A full disk -----------------------------------------------------------------------------------


def fill(folder: Path) -> Path:
    """Fill the file system of `folder` to the last byte; the filler file."""
    filler = folder / "filler"
    with open(filler, "wb", buffering=0) as stream:
        for chunk in (1 << 16, 1 << 12, 1 << 8, 1):
            try:
                while True:
                    stream.write(b"\0" * chunk)
            except OSError as exc:
                assert exc.errno == 28  # ENOSPC
    return filler


def test_full_disk_refuses_clearly_and_keeps_the_output(project):
    with tmpfs(project / "mnt", "2m") as mount:
        out = mount / "output"
        assert run_cli("build", SPEC, "--output", out, "--formats", "markdown,html").exit_code == 0
        filler = fill(mount)
        before = everything(out)
        edit_key_point()
        one_line(run_cli("build", SPEC, "--output", out, "--formats", "markdown,html"), rf"{out}/{COURSE}/content/m1-l1/\w+\.md: cannot write \(No space left on device\); {HINT}")
        assert everything(out) == before  # no half-written file, no temporary file left
        shutil.copytree(SPECS / "sources", Path("course_specs/sources"), dirs_exist_ok=True)
        spec = Path(SPEC).read_text("utf-8").replace("id: blended-teaching", "id: second-course", 1)
        Path("course_specs/second.yaml").write_text(spec, "utf-8")
        one_line(run_cli("build", "course_specs/second.yaml", "--output", out, "--formats", "markdown"), rf"{out}/second-course/content/\S+\.md: cannot write \(No space left on device\); {HINT}")
        assert snapshot(out) == {k: v for k, v in before.items() if v}  # a new course: empty folders at most
        filler.unlink()
        result = run_cli("build", SPEC, "--output", out, "--formats", "markdown,html")
        assert result.exit_code == 0, result.stderr
        assert KEY_POINT + " in a timetabled week" in (out / COURSE / "content/m1-l1/slides.md").read_text("utf-8")


# Corrupted cache entries -----------------------------------------------------------------------


@pytest.fixture(scope="module")
def server():
    with FakeOpenAI() as fake:
        yield fake


@pytest.fixture(scope="module")
def cached_build(server, tmp_path_factory) -> Path:
    """A model build of the sample course: its content and its response cache."""
    root = tmp_path_factory.mktemp("cached")
    shutil.copytree(SPECS, root / "course_specs")
    with pytest.MonkeyPatch.context() as monkeypatch:
        model_env(monkeypatch)
        monkeypatch.chdir(root)
        result = run_cli("build", SPEC, *model_args(server), "--formats", "markdown,html")
    assert result.exit_code == 0, result.stderr
    return root


def model_env(monkeypatch) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test-hardening")
    monkeypatch.setenv("COURSEWARE_RETRY_BASE", "0.01")
    for name in ("OPENAI_BASE_URL", "COURSEWARE_MODEL", "COURSEWARE_BASE_URL", "COURSEWARE_PROVIDER", "COURSEWARE_CACHE"):
        monkeypatch.delenv(name, raising=False)


def model_args(server: FakeOpenAI) -> list[str]:
    return ["--provider", "openai", "--model", "fake-model", "--base-url", server.base_url]


def entry_of(server: FakeOpenAI, task: str) -> Path:
    """The cache entry that holds `task`'s answer."""
    planned = json.loads(run_cli("plan", SPEC, "--json", *model_args(server)).stdout)
    key = next(t["key"] for t in planned["tasks"] if t["id"] == task)
    return Path(".courseware/cache", key[:2], f"{key}.json")


CORRUPTIONS = {
    "truncated": lambda data: data[: len(data) // 2],
    "empty": lambda data: b"",
    "binary junk": lambda data: bytes(range(256)) * 8,
    "not utf-8": lambda data: data.replace(b'"answer"', b'"answ\xe9r"'),
    "nul bytes": lambda data: data[:40] + b"\0\0\0" + data[40:],
    "another key": lambda data: json.dumps({**json.loads(data), "key": "0" * 64}).encode(),
    "answer not text": lambda data: json.dumps({**json.loads(data), "answer": {"title": "x"}}).encode(),
    "answer breaks the contract": lambda data: json.dumps({**json.loads(data), "answer": "{\"items\": []}"}).encode(),
    "a list": lambda data: b"[1, 2, 3]\n",
}


@pytest.mark.parametrize("corruption", CORRUPTIONS)
def test_corrupted_cache_entry_is_a_miss_and_the_output_comes_back_the_same(corruption, server, cached_build, tmp_path, monkeypatch):
    model_env(monkeypatch)
    root = tmp_path / "copy"
    shutil.copytree(cached_build, root, symlinks=True)
    monkeypatch.chdir(root)
    before = {name: data for name, (data, _) in snapshot(Path("output")).items()}
    entry = entry_of(server, "m2-l2/quiz")
    good = entry.read_bytes()
    entry.write_bytes(CORRUPTIONS[corruption](good))
    shutil.rmtree(Path("output", COURSE, "content"))  # a fresh checkout without the content: the cache must answer
    server.reset_counters()
    result = run_cli("build", SPEC, *model_args(server), "--formats", "markdown,html")
    assert (result.exit_code, result.stderr) == (0, "")
    assert "calls 1, retries 0, re-asks 0, cache hits 24, failures 0;" in result.stdout
    assert [r["response_format"]["json_schema"]["name"] for r in server.requests] == ["quiz"]
    assert server.requests[0]["messages"][1]["content"].startswith("Lesson m2-l2:")
    assert {name: data for name, (data, _) in snapshot(Path("output")).items()} == before
    assert entry.read_bytes() == good  # the entry is whole again


def test_a_folder_where_a_cache_entry_goes_fails_only_its_task(server, cached_build, tmp_path, monkeypatch):
    model_env(monkeypatch)
    root = tmp_path / "copy"
    shutil.copytree(cached_build, root, symlinks=True)
    monkeypatch.chdir(root)
    entry = entry_of(server, "m2-l2/quiz")
    entry.unlink()
    entry.mkdir()
    (entry / "stray.txt").write_text("x", "utf-8")
    content = Path("output", COURSE, "content")
    (content / "m2-l2" / "quiz.md").unlink()
    before = everything(Path("output"))
    server.reset_counters()
    result = run_cli("build", SPEC, *model_args(server), "--formats", "markdown,html")
    assert result.exit_code == 3
    lines = result.stderr.splitlines()
    assert len(lines) == 2 and lines[1] == f"{COURSE}: 1 task(s) failed; what finished is saved, rerun to do the rest"
    assert re.fullmatch(rf"(m2-l2/quiz: )?{re.escape(str(entry))}: cannot write \(Is a directory\); {HINT}", lines[0]), lines
    assert everything(Path("output")) == before and server.calls == 1
    shutil.rmtree(entry)
    server.reset_counters()
    result = run_cli("build", SPEC, *model_args(server), "--formats", "markdown,html")
    assert result.exit_code == 0 and server.calls == 1 and (content / "m2-l2" / "quiz.md").is_file()
