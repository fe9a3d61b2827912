"""A build whose tasks are shared among forked processes (COURSEWARE_PROCESSES, generate/forked.py)
writes exactly what a one-process build writes, asking each call once."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys

from conftest import REPO, SPECS
from fake_openai import FakeOpenAI

SPEC = "course_specs/blended-teaching.yaml"


def tree(folder) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_a_build_shared_among_processes_writes_what_one_process_writes(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("COURSEWARE_", "OPENAI_"))}
    env.update(PYTHONPATH=str(REPO), OPENAI_API_KEY="sk-test-forked")
    server = FakeOpenAI(latency=0.02).start()
    try:
        built = {}
        for processes in ("1", "3"):
            root = tmp_path / processes
            shutil.copytree(SPECS, root / "course_specs")
            server.reset_counters()
            result = subprocess.run([sys.executable, "-m", "courseware", "build", SPEC, "--provider", "openai", "--model", "fake-model", "--base-url", server.base_url, "--jobs", "6", "--formats", "markdown"],
                                    cwd=root, env={**env, "COURSEWARE_PROCESSES": processes}, capture_output=True, text=True, timeout=120)  # fmt: skip
            assert result.returncode == 0, result.stderr
            assert "Traceback" not in result.stderr
            asked = sorted(hashlib.sha256(repr(r["messages"]).encode()).hexdigest() for r in server.requests)
            assert len(asked) == 25 and len(set(asked)) == 25  # every task asked once
            summary = next(line for line in result.stdout.splitlines() if "calls " in line)
            built[processes] = (tree(root / "output/blended-teaching/content"), asked, summary.split(";")[0])
    finally:
        server.stop()
    assert built["1"][0] == built["3"][0]  # the same files, byte for byte (the kept copies too)
    assert built["1"][1] == built["3"][1]  # the same requests
    assert built["1"][2] == built["3"][2] == "blended-teaching: calls 25, retries 0, re-asks 0, cache hits 0, failures 0"


def test_a_forked_process_keeps_the_client_only_while_it_has_sent_nothing(tmp_path, monkeypatch):
    """A client that has sent nothing holds no connection, so a child keeps it (no CA bundle
    loaded again before its first call); once it has sent a request, its pool may hold the
    parent's connections and a child gets a client of its own."""
    from courseware.build import Options, plan_course

    monkeypatch.setenv("OPENAI_API_KEY", "sk-test-forked")
    server = FakeOpenAI().start()
    try:
        planned = plan_course(SPECS / "blended-teaching.yaml", Options(output=tmp_path, llm={"provider": "openai", "model": "fake-model", "base_url": server.base_url, "cache_dir": tmp_path / "cache"}))
        provider = planned.provider
        provider.prepare()
        unused = provider.client
        provider.forked()
        assert provider.client is unused and not unused.used
        task = planned.tasks[0]
        provider.generate(task)
        assert server.calls == 1 and unused.used
        provider.forked()
        assert provider.client is not unused and not provider.client.used
    finally:
        server.stop()


def test_each_process_takes_whole_lessons_in_task_order():
    """A lesson's three tasks share their passages: one process retrieves and ranks them once."""
    from pathlib import Path

    from courseware.build import Options, plan_course
    from courseware.generate.forked import deal

    tasks = plan_course(SPECS / "blended-teaching.yaml", Options(output=Path("unused"))).tasks
    shares = deal(tasks, 3)
    assert len(shares) == 3 and sorted(t.id for share in shares for t in share) == sorted(t.id for t in tasks)
    for share in shares:
        assert [tasks.index(t) for t in share] == sorted(tasks.index(t) for t in share)
        assert len(share) in range(len(tasks) // 3 - 3, len(tasks) // 3 + 4)
    owner = {t.id: n for n, share in enumerate(shares) for t in share}
    for task in tasks:
        assert owner[task.id] == owner[f"{task.lesson_id}/lesson" if task.lesson_id else task.id]
    one_lesson = [t for t in tasks if t.lesson_id == "m1-l2"]
    assert deal(one_lesson, 3) == [one_lesson]  # --regenerate m1-l2: one process, none idle


COUNTING = """
import sys
from courseware.grounding.select import Grounding
from courseware.cli import app
calls = []
original = Grounding.lesson_pool
Grounding.lesson_pool = lambda self, *args: calls.append(1) or original(self, *args)
try:
    app(sys.argv[1:])
finally:
    print(f"the parent retrieved {len(calls)} lesson pool(s)", file=sys.stderr)
"""


def test_the_parent_of_a_forked_build_leaves_retrieval_to_the_processes(tmp_path):
    """A build with nothing written yet sends its first calls before every task's passages are
    retrieved: each process retrieves its own lessons', and sends back each task's key with its
    content, so the parent, which writes the files, retrieves none."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("COURSEWARE_", "OPENAI_"))}
    env.update(PYTHONPATH=str(REPO), OPENAI_API_KEY="sk-test-forked", COURSEWARE_PROCESSES="2")
    shutil.copytree(SPECS, tmp_path / "course_specs")
    server = FakeOpenAI(latency=0.01).start()
    try:
        args = [SPEC, "--provider", "openai", "--model", "fake-model", "--base-url", server.base_url, "--jobs", "4", "--formats", "markdown"]
        result = subprocess.run([sys.executable, "-c", COUNTING, "build", *args], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)
        assert result.returncode == 0, result.stderr
        assert "the parent retrieved 0 lesson pool(s)" in result.stderr
        assert server.calls == 25
        planned = subprocess.run([sys.executable, "-m", "courseware", "plan", SPEC, "--json", *args[1:7]], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)
        assert planned.returncode == 0, planned.stderr
        assert '"status": "current"' in planned.stdout and '"status": "new"' not in planned.stdout  # the keys the processes sent back are the plan's
    finally:
        server.stop()
