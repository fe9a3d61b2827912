"""Two builds at once: of the same course folder (one waits, or the second stops at once naming
the first), or of two folders sharing a response cache (no paid call is made twice)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import REPO, SAMPLE
from fake_openai import FakeOpenAI

SPEC = f"course_specs/{SAMPLE}.yaml"
TASKS = 25
KEY = "sk-test-0123456789abcdef"


def command(server: FakeOpenAI, output: str, *extra: str) -> list[str]:
    return [sys.executable, "-m", "courseware", "build", SPEC, "--provider", "openai", "--model", "fake-model",
            "--base-url", server.base_url, "--output", output, "--formats", "markdown,html", *extra]


def environment() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(REPO), "OPENAI_API_KEY": KEY, "COURSEWARE_RETRY_BASE": "0.01"}


def wait_for(condition, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)


def test_a_second_build_says_at_once_which_process_holds_the_course(cli, project, monkeypatch):
    monkeypatch.setenv("OPENAI_API_KEY", KEY)
    with FakeOpenAI(latency=0.5) as server:
        first = subprocess.Popen(command(server, "output", "--jobs", "1"), env=environment(), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        try:
            owner = Path("output") / SAMPLE / ".courseware" / "build.owner.json"
            wait_for(lambda: owner.is_file() and server.calls > 0)
            result = cli("build", SPEC, "--provider", "openai", "--model", "fake-model", "--base-url", server.base_url)
            assert result.exit_code == 1
            line = result.stderr.strip()
            assert line.startswith(f"output/{SAMPLE}: another courseware process (pid {first.pid} on ")
            assert line.endswith("is building this course; wait for it to finish, or rerun with --wait")
            assert f"'courseware build {SPEC} --provider openai" in line
        finally:
            first.kill()
            first.wait()


@pytest.mark.slow  # a stress test: left out of `make test-fast`
@pytest.mark.parametrize("outputs", [("a", "a"), ("a", "b")], ids=["one-folder", "two-folders-one-cache"])
def test_two_concurrent_builds_make_every_paid_call_once(project, outputs):
    """The same course folder (the second waits), or two folders sharing one response cache (they
    run side by side): every paid call is made exactly once, and every file comes out whole."""
    with FakeOpenAI(latency=0.02) as server:
        builds = [subprocess.Popen(command(server, out, "--wait", "--jobs", "4"), env=environment(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for out in outputs]
        results = [(b.wait(timeout=120), b.stdout.read(), b.stderr.read()) for b in builds]
        for build in builds:
            build.stdout.close()
            build.stderr.close()
        for code, stdout, stderr in results:
            assert code == 0, stderr
            assert "cannot write" not in stderr and "conflict" not in stderr
        assert server.calls == TASKS, f"{server.calls} calls for {TASKS} tasks"
        entries = list(Path(".courseware/cache").rglob("*.json"))
        assert len(entries) == TASKS and all(json.loads(p.read_text("utf-8"))["answer"] for p in entries)
        for out in set(outputs):
            frozen = subprocess.run(command(server, out, "--frozen"), env=environment(), capture_output=True, text=True, timeout=120)
            assert frozen.returncode == 0, frozen.stderr  # every file is whole and current
            assert not list(Path(out).rglob("*.tmp"))
        assert server.calls == TASKS
