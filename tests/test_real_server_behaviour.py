"""What real servers do that an ideal one does not, each with the right message: cut-off answers
told apart, runaways retried once with another seed, re-asks that are never the same request,
a refused connection that stops the build at once, 400 reasons passed through, the model that
really answered recorded, a local server that costs nothing, llama.cpp's whitespace switch."""

from __future__ import annotations

import re
import socket
from pathlib import Path

import pytest

from conftest import SAMPLE
from fake_openai import FakeOpenAI

SPEC = f"course_specs/{SAMPLE}.yaml"
CONTENT = Path("output") / SAMPLE / "content"
SUMMARY = f"{SAMPLE}: 1 task(s) failed; what finished is saved, rerun to do the rest"


@pytest.fixture
def server(monkeypatch):
    monkeypatch.setenv("COURSEWARE_RETRY_BASE", "0.01")
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)  # a local server needs none
    for name in ("OPENAI_BASE_URL", "COURSEWARE_MODEL", "COURSEWARE_BASE_URL", "COURSEWARE_PROVIDER", "COURSEWARE_SERVER"):
        monkeypatch.delenv(name, raising=False)
    with FakeOpenAI() as fake:
        yield fake


def build(cli, server, *extra):
    return cli("build", SPEC, "--provider", "openai", "--model", "fake-model", "--base-url", server.base_url, "--jobs", "1", "--formats", "markdown", *extra)


def with_llm(text: str) -> None:
    spec = Path(SPEC)
    spec.write_text(spec.read_text("utf-8").replace("\nllm:\n", f"\nllm:\n{text}", 1) if "\nllm:\n" in spec.read_text("utf-8") else spec.read_text("utf-8") + f"llm:\n{text}", "utf-8")


def test_cut_off_answers_say_which_limit_cut_them(cli, project, server):
    with_llm("  max_tokens: 3000\n")
    server.script.extend(["length"])
    result = build(cli, server)
    assert result.stderr.splitlines() == ["course/overview: the answer was cut off at max_tokens (3000) after 3000 tokens; raise llm.max_tokens", SUMMARY]
    server.script.extend(["context-full"])
    result = build(cli, server)
    first = result.stderr.splitlines()[0]
    assert first.startswith("course/overview: the answer was cut off after 1000 tokens, before max_tokens (3000): the server's context window is full (prompt ")
    assert first.endswith("give the server a larger context (llama.cpp: --ctx-size) or lower llm.max_tokens")
    server.script.extend(["400-context"])
    result = build(cli, server)
    assert result.stderr.splitlines()[0] == (
        "course/overview: the prompt does not fit the server's context window (400): request (2410 tokens) exceeds the available context size "
        "(2048 tokens), try increasing it; give the server a larger context (llama.cpp: --ctx-size) or use fewer source passages"
    )


@pytest.mark.parametrize("kind, what", [("runaway-space", "a run of whitespace"), ("runaway-repeat", "the same text again and again")])
def test_a_runaway_is_retried_once_with_another_seed(cli, project, server, kind, what):
    with_llm("  seed: 7\n  temperature: 0\n  max_tokens: 2000\n")
    server.script.extend([kind])
    result = build(cli, server)
    assert result.exit_code == 0, result.stderr
    first, second = server.requests[0], server.requests[1]
    assert first["messages"] == second["messages"]
    assert (first["seed"], first["temperature"]) == (7, 0)
    assert second["seed"] != 7 and second["temperature"] == 0.5  # at temperature 0 another seed alone changes nothing
    assert "retries 1, re-asks 0" in result.stdout

    server.reset_counters()
    server.script.extend([kind, kind])
    result = build(cli, server, "--regenerate", "course", "--cache", "another-cache")  # so it is asked again
    assert result.stderr.splitlines() == [
        f"course/overview: the model ran away ({what}) until it was cut off after 2000 tokens; with a llama.cpp server, set llm.server: llama.cpp so its grammar allows no free whitespace",
        SUMMARY,
    ]
    assert server.calls == 2  # one retry, not a loop


def test_a_reask_is_never_the_same_request(cli, project, server):
    with_llm("  seed: 7\n  temperature: 0\n")
    server.script.extend(["invalid", "invalid"])
    result = build(cli, server)
    assert result.exit_code == 0, result.stderr
    seeds = [r.get("seed") for r in server.requests[:3]]
    assert seeds[0] == 7 and len(set(seeds)) == 3
    assert [r.get("temperature") for r in server.requests[:3]] == [0, 0.5, 0.5]
    assert "re-asks 2" in result.stdout


def test_a_refused_connection_stops_the_build_at_once(cli, project, monkeypatch):
    monkeypatch.setenv("COURSEWARE_RETRY_BASE", "0.01")
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    result = cli("build", SPEC, "--provider", "openai", "--model", "m", "--base-url", f"http://127.0.0.1:{port}/v1", "--jobs", "4")
    assert result.exit_code == 3
    lines = result.stderr.splitlines()
    assert lines[0] == f"cannot connect to http://127.0.0.1:{port}/v1 (connection refused): is the server running?"
    assert len(lines) == 2 and lines[1].endswith("task(s) failed; what finished is saved, rerun to do the rest")  # said once
    calls, retries = map(int, re.search(r"calls (\d+), retries (\d+)", result.stdout).groups())
    assert calls == 2 * retries and calls <= 8  # one short retry for each task in flight, and no other task started


def test_a_400_passes_the_servers_reason_and_hints_only_about_response_format(cli, project, server):
    server.script.extend(["400-other"])
    result = build(cli, server)
    assert result.stderr.splitlines()[0] == "course/overview: the server rejected the request (400): Invalid value for 'temperature': must be at most 2."
    server.script.extend(["400"])
    result = build(cli, server)
    assert result.stderr.splitlines()[0] == (
        "course/overview: the server rejected the request (400): Invalid schema for response_format; "
        "if it does not support structured outputs, set llm.structured_output to json_object or none"
    )


def test_the_model_that_answered_is_recorded_and_a_mismatch_reported(cli, project, server):
    server.answer_model = "gemma-3-270m"  # llama.cpp answers any model name with its loaded model
    result = build(cli, server)
    assert result.exit_code == 0, result.stderr
    assert "model: fake-model\nanswered_by: gemma-3-270m\n" in (CONTENT / "m1-l1" / "quiz.md").read_text("utf-8")
    warning = (f"warning: asked {server.base_url} for model 'fake-model', but it answered as 'gemma-3-270m'; "
               "the files record the model that answered (answered_by); set --model to the served model's name")
    assert warning in result.stderr.splitlines()
    assert "estimated cost $0 (a server on this machine)" in result.stdout

    server.answer_model = "fake-model-2026-11-01"  # a snapshot of the model asked for: no warning
    result = build(cli, server, "--regenerate", "m1-l1", "--cache", "another-cache")
    assert result.exit_code == 0 and "warning" not in result.stderr
    assert "answered_by: fake-model-2026-11-01\n" in (CONTENT / "m1-l1" / "quiz.md").read_text("utf-8")


def test_llama_cpp_gets_strict_whitespace_and_openai_never_does(cli, project, server):
    with_llm("  server: llama.cpp\n")
    assert build(cli, server).exit_code == 0
    schema = server.requests[0]["response_format"]["json_schema"]["schema"]
    assert schema["x-guidance"] == {"whitespace_flexible": False, "item_separator": ", ", "key_separator": ": "}

    from courseware.generate.settings import infer_server

    assert infer_server("https://api.openai.com/v1") == "openai"
    assert infer_server("https://x.openai.azure.com/openai/v1") == "openai"
    assert infer_server("http://127.0.0.1:8080/v1") == "other"
    server.reset_counters()
    Path(SPEC).write_text(Path(SPEC).read_text("utf-8").replace("  server: llama.cpp\n", ""), "utf-8")
    assert build(cli, server, "--regenerate", "course", "--cache", "another-cache").exit_code == 0
    assert "x-guidance" not in server.requests[0]["response_format"]["json_schema"]["schema"]
