"""Hardening: a model build killed with SIGKILL at five random (seeded) moments, one in each fifth
of the build, each time rerun to the end. No rerun repeats a call whose answer was cached before
the kill, nothing is left half-written, and the content (and site) come out byte-identical to an
uninterrupted build's."""

from __future__ import annotations

import json
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import REPO, SPECS, run_cli, snapshot
from courseware.markdown.frontmatter import body_hash, split
from fake_openai import FakeOpenAI

SPEC = "course_specs/blended-teaching.yaml"
TASKS = 25
LATENCY = 0.075
KILLS = 5  # one kill in each fifth of the build: together they span it from start to end
SEED = 20240611


def task_of(request: dict) -> str:
    """The task a chat request is for: its schema's name and the lesson its prompt names."""
    kind = request["response_format"]["json_schema"]["name"]
    found = re.match(r"Lesson (\S+): \"", request["messages"][1]["content"])
    return f"{found.group(1)}/{kind}" if found else "course/overview"


def command(server: FakeOpenAI) -> list[str]:
    return [sys.executable, "-m", "courseware", "build", SPEC, "--provider", "openai", "--model", "fake-model", "--base-url", server.base_url, "--formats", "markdown,html"]


def environment() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("COURSEWARE_", "OPENAI_"))}
    return {**env, "PYTHONPATH": str(REPO), "OPENAI_API_KEY": "sk-test-hardening", "COURSEWARE_RETRY_BASE": "0.01"}


def settle(server: FakeOpenAI) -> None:
    """Wait until the killed client's last requests have reached the server's log."""
    while True:
        calls = server.calls
        time.sleep(2 * LATENCY + 0.05)
        if server.calls == calls and server._in_flight == 0:
            return


def contents(root: Path) -> dict[str, bytes]:
    """The course's content and dist (not .courseware/, the local state of the machine that built it)."""
    return {name: data for name, (data, _) in snapshot(root / "output/blended-teaching").items() if not name.startswith(".courseware/")}


def cached_keys(root: Path) -> set[str]:
    return {p.stem for p in (root / ".courseware/cache").glob("*/*.json")}


def leftovers(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.name.endswith(".tmp")]


@pytest.fixture
def server():
    fake = FakeOpenAI(latency=LATENCY).start()
    try:
        yield fake
    finally:
        fake.stop()


@pytest.mark.slow  # a stress test: left out of `make test-fast`
def test_killed_builds_resume_without_repeating_a_finished_call(server, tmp_path):
    env = environment()
    baseline = tmp_path / "baseline"
    shutil.copytree(SPECS, baseline / "course_specs")
    started = time.monotonic()
    result = subprocess.run(command(server), cwd=baseline, env=env, capture_output=True, text=True, timeout=120)
    full = time.monotonic() - started
    assert result.returncode == 0, result.stderr
    assert server.completed == TASKS
    expected = contents(baseline)
    planned = run_cli("plan", baseline / SPEC, "--json", "--output", baseline / "output", "--provider", "openai", "--model", "fake-model", "--base-url", server.base_url)
    task_by_key = {t["key"]: t["id"] for t in json.loads(planned.stdout)["tasks"]}
    assert len(task_by_key) == TASKS

    rng = random.Random(SEED)
    interrupted = []
    for cycle in range(KILLS):
        root = tmp_path / f"run-{cycle}"
        shutil.copytree(SPECS, root / "course_specs")
        # The moment: after N answers, and a little; N in this cycle's fifth of the build.
        answers, delay = rng.randint(cycle * TASKS // KILLS, (cycle + 1) * TASKS // KILLS), rng.uniform(0, 2 * LATENCY)
        server.reset_counters()
        process = subprocess.Popen(command(server), cwd=root, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 10 * full + 30
        while server.completed < answers and process.poll() is None and time.monotonic() < deadline:
            time.sleep(0.005)
        time.sleep(delay)
        alive = process.poll() is None
        process.send_signal(signal.SIGKILL)
        process.wait()
        settle(server)
        if answers < TASKS - 2:  # answers still to come: the build cannot have ended
            assert alive, f"kill {cycle} came after the build had ended"
        interrupted.append(alive)

        cached = cached_keys(root)
        assert cached <= set(task_by_key)  # every entry there is whole and named by its key
        for path in (root / "output/blended-teaching/content").rglob("*.md"):  # no half-written file
            front, body, _ = split(path.read_text("utf-8"), str(path))
            assert front.body_sha256 == body_hash(body) and front.key in cached, path

        server.reset_counters()
        rerun = subprocess.run(command(server), cwd=root, env=env, capture_output=True, text=True, timeout=120)
        assert rerun.returncode == 0, (cycle, rerun.stderr)
        asked = [task_of(request) for request in server.requests]
        done_before = {task_by_key[key] for key in cached}
        assert not set(asked) & done_before, (cycle, sorted(set(asked) & done_before))
        assert sorted(asked) == sorted(set(task_by_key.values()) - done_before)  # the rest, each once
        assert contents(root) == expected, cycle
        assert leftovers(root) == [], cycle
    assert sum(interrupted) >= KILLS - 1  # the kills hit running builds (the last may find it done)
