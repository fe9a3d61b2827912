"""A whole course through a real OpenAI-compatible server: llama.cpp (xllamacpp) serving a real
model (Gemma 3 270M, a base model), its real structured-output grammar and real sampling.

Content quality is not the point (the model is tiny); that every task comes back valid through
the schema alone, and that a rebuild calls nothing, is. Its time is bounded by the build's own
settings (max_tokens, the timeout) rather than by a timed assertion; the closing note of the
issue gives the measured duration.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from conftest import REPO

SMALL = REPO / "tests" / "data" / "small"


def test_a_small_course_builds_through_a_real_llama_cpp_server(cli, tmp_path, monkeypatch, llama_server):
    shutil.copytree(SMALL, tmp_path / "small")
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)  # a local server needs none
    monkeypatch.setenv("COURSEWARE_TIMEOUT", "300")
    args = ("build", "small/course.yaml", "--model", "gemma-3-270m", "--base-url", llama_server, "--jobs", "1")
    result = cli(*args)
    assert result.exit_code == 0, result.stderr
    summary = next(line for line in result.stdout.splitlines() if "calls" in line)
    calls, retries, reasks, failures = (int(re.search(rf"{name} (\d+)", summary).group(1)) for name in ("calls", "retries", "re-asks", "failures"))
    print(f"real server build: 4 tasks, {summary}")  # shown with -s; the closing note quotes it
    assert failures == 0 and calls == 4 + retries + reasks  # every task valid (a runaway is retried once)
    assert "estimated cost $0 (a server on this machine)" in summary
    content = Path("output/water-cycle/content")
    quiz = (content / "m1-l1" / "quiz.md").read_text("utf-8")
    assert quiz.count("\n## Q") == 2 and "model: gemma-3-270m\n" in quiz
    slides = (content / "m1-l1" / "slides.md").read_text("utf-8")
    assert 1 <= slides.count("\n## ") <= 2
    assert "[^1]: sources/water-cycle.md" in (content / "m1-l1" / "lesson.md").read_text("utf-8")
    assert Path("output/water-cycle/dist/html/m1-l1.html").is_file()

    again = cli(*args)
    assert again.exit_code == 0, again.stderr
    assert "generated 0, wrote 0 file(s)" in again.stdout and "calls 0, " in again.stdout  # nothing asked again
