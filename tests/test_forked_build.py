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
