"""The openai provider against a real OpenAI-compatible server on 127.0.0.1 (tests/fake_openai.py)."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import CONTENT_ONLY, REPO, SAMPLE, snapshot
from fake_openai import FakeOpenAI

SPEC = f"course_specs/{SAMPLE}.yaml"
CONTENT = Path("output") / SAMPLE / "content"
KEY = "sk-test-Very-Secret-Key-0123456789"
TASKS = 25


@pytest.fixture
def server():
    with FakeOpenAI() as fake:
        yield fake


@pytest.fixture
def llm_env(monkeypatch, server):
    """A user's environment for a model build: the API key and fast retries, nothing else."""
    monkeypatch.setenv("OPENAI_API_KEY", KEY)
    monkeypatch.setenv("COURSEWARE_RETRY_BASE", "0.01")
    for name in ("OPENAI_BASE_URL", "COURSEWARE_MODEL", "COURSEWARE_BASE_URL", "COURSEWARE_PROVIDER"):
        monkeypatch.delenv(name, raising=False)
    return server


def build(cli, server, *extra: str):
    """A build through the fake server; these tests read the content, so dist/ is not rendered."""
    return cli("build", SPEC, *CONTENT_ONLY, "--provider", "openai", "--model", "fake-model", "--base-url", server.base_url, *extra)


def test_full_build_writes_valid_content_and_counts_tokens(cli, project, llm_env):
    server = llm_env
    result = build(cli, server)
    assert result.exit_code == 0, result.stderr
    assert server.calls == TASKS and server.completed == TASKS
    progress = [line for line in result.stdout.splitlines() if line.startswith("[")]
    assert len(progress) == 25 and progress[-1].startswith("[25/25] ")  # plain lines when output is not a terminal
    lines = [line for line in result.stdout.splitlines() if not line.startswith("[")]
    assert lines[0] == f"{SAMPLE}: 25 tasks (25 new); generated 25, wrote 25 file(s) in {CONTENT}"
    tokens = server.tokens
    assert lines[1] == (
        f"{SAMPLE}: calls 25, retries 0, re-asks 0, cache hits 0, failures 0; tokens: prompt {tokens['prompt']} "
        f"(cached {tokens['cached']}), completion {tokens['completion']}; estimated cost $0 (a server on this machine)"
    )
    assert tokens["cached"] > 0  # the course context is a shared prefix
    quiz = (CONTENT / "m1-l1" / "quiz.md").read_text("utf-8")
    assert "provider: openai\nmodel: fake-model\n" in quiz
    assert cli("render", SPEC).exit_code == 0  # no provider needed to read it back


def test_requests_use_strict_schema_and_a_shared_course_prefix(cli, project, llm_env):
    server = llm_env
    assert build(cli, server).exit_code == 0
    systems = {r["messages"][0]["content"] for r in server.requests}
    assert len(systems) == 1 and "Foundations of Blended Teaching" in systems.pop()
    quiz = next(r for r in server.requests if r["response_format"]["json_schema"]["name"] == "quiz")
    schema = quiz["response_format"]["json_schema"]
    assert schema["strict"] is True and schema["schema"]["additionalProperties"] is False
    assert schema["schema"]["properties"]["items"]["minItems"] == 5
    assert all(h.get("authorization") == f"Bearer {KEY}" for h in server.headers)


def test_rebuild_and_committed_content_make_no_call(cli, project, llm_env):
    server = llm_env
    assert build(cli, server).exit_code == 0
    before = snapshot(CONTENT)
    server.reset_counters()
    result = build(cli, server)
    assert result.exit_code == 0 and server.calls == 0
    assert snapshot(CONTENT) == before
    shutil.rmtree(".courseware")  # a fresh clone has the committed content and no cache
    assert build(cli, server).exit_code == 0 and server.calls == 0


def test_deleted_content_comes_back_from_the_cache(cli, project, llm_env):
    server = llm_env
    assert build(cli, server).exit_code == 0
    before = {k: v[0] for k, v in snapshot(CONTENT).items()}
    shutil.rmtree(CONTENT)
    server.reset_counters()
    result = build(cli, server)
    assert result.exit_code == 0 and server.calls == 0
    assert "cache hits 25" in result.stdout
    assert {k: v[0] for k, v in snapshot(CONTENT).items()} == before


def test_editing_one_lesson_calls_only_for_that_lesson(cli, project, llm_env):
    from test_build import edit_key_point

    server = llm_env
    assert build(cli, server).exit_code == 0
    server.reset_counters()
    edit_key_point("m2-l3", "peer feedback works best with a clear rubric")
    result = build(cli, server)
    assert result.exit_code == 0, result.stderr
    assert server.calls == 3
    asked = sorted(r["response_format"]["json_schema"]["name"] for r in server.requests)
    assert asked == ["lesson", "quiz", "slides"]
    assert all("m2-l3" in r["messages"][1]["content"] for r in server.requests)


def test_transient_faults_are_retried_and_change_nothing(cli, project, llm_env, monkeypatch):
    server = llm_env
    assert build(cli, server, "--output", "clean", "--cache", "cache-clean").exit_code == 0
    server.reset_counters()
    # Every kind of transient fault at least once, then one request in five at random.
    server.script.extend(["429", "500", "503", "drop", "slow", "malformed", "429", "drop"])
    server.fault_rate, server.fault_kinds, server.slow_seconds, server.seed = 0.2, ("429", "500", "503", "drop", "slow"), 4, 7
    # A slow answer outlasts the timeout; an ordinary one on a busy machine must not (1 s was too close).
    monkeypatch.setenv("COURSEWARE_TIMEOUT", "2")
    result = build(cli, server, "--output", "faulty", "--cache", "cache-faulty")
    assert result.exit_code == 0, result.stderr
    retries = server.calls - TASKS
    assert server.completed == TASKS and retries / server.calls >= 0.2
    assert f"calls {server.calls}, retries {retries}," in result.stdout
    read = lambda folder: {k: v[0] for k, v in snapshot(Path(folder)).items()}  # noqa: E731
    assert read("faulty") == read("clean")


def test_invalid_answer_is_re_asked_and_counted(cli, project, llm_env):
    server = llm_env
    server.script.extend(["invalid"])
    result = cli("build", SPEC, *CONTENT_ONLY, "--provider", "openai", "--model", "fake-model", "--base-url", server.base_url, "--jobs", "1")
    assert result.exit_code == 0, result.stderr
    assert server.calls == TASKS + 1
    assert "re-asks 1," in result.stdout
    tokens = server.tokens
    assert f"tokens: prompt {tokens['prompt']} (cached {tokens['cached']}), completion {tokens['completion']}" in result.stdout
    reask = server.requests[1]
    assert reask["messages"][2] == {"role": "assistant", "content": "{}"}
    assert reask["messages"][3]["content"].startswith("Your answer was not valid: the answer does not match the JSON schema")


@pytest.mark.parametrize(("fault", "message"), [
    ("length", "course/overview: the answer was cut off at the server's default answer length after 128 tokens; raise llm.max_tokens"),
    ("refusal", "course/overview: the model refused: I can't help with that request."),
    ("empty", "course/overview: the model returned an empty answer"),
])
def test_unusable_answers_fail_their_task_only(cli, project, llm_env, fault, message):
    server = llm_env
    server.script.extend([fault])
    result = cli("build", SPEC, *CONTENT_ONLY, "--provider", "openai", "--model", "fake-model", "--base-url", server.base_url, "--jobs", "1")
    assert result.exit_code == 3
    assert result.stderr.splitlines() == [message, f"{SAMPLE}: 1 task(s) failed; what finished is saved, rerun to do the rest"]
    assert not (CONTENT / "course.md").exists() and (CONTENT / "m1-l1" / "lesson.md").exists()
    server.reset_counters()
    result = cli("build", SPEC, *CONTENT_ONLY, "--provider", "openai", "--model", "fake-model", "--base-url", server.base_url)
    assert result.exit_code == 0 and server.calls == 1  # the rerun does only what is left


def test_options_that_only_look_different_are_re_asked(cli, project, llm_env):
    """A distractor that is the right answer with a Cyrillic а and a zero-width space in it is the
    same option to a learner: the quiz is asked again, and the second answer is kept."""
    import json

    server = llm_env
    twins = []

    def hook(body: dict, content: str) -> str:
        data = json.loads(content)
        if "items" in data and body["messages"][1]["content"].startswith("Lesson m1-l1:") and not twins:
            item = next(i for i in data["items"] if i["kind"] == "multiple_choice")
            item["distractors"][0] = item["correct_answer"].replace("a", "\u0430", 1).replace(" ", " \u200b", 1)
            twins.append(item["distractors"][0])
        return json.dumps(data, ensure_ascii=False)

    server.answer = hook
    result = build(cli, server, "--jobs", "1")
    assert result.exit_code == 0, result.stderr
    assert server.calls == TASKS + 1 and "re-asks 1," in result.stdout
    reask = next(r for r in server.requests if len(r["messages"]) == 4)
    assert reask["messages"][3]["content"].startswith("Your answer was not valid: item 1: the options must all differ (after ignoring case, punctuation, invisible characters and look-alike letters).")
    assert twins[0] not in (CONTENT / "m1-l1" / "quiz.md").read_text("utf-8")


def test_still_invalid_after_two_re_asks_is_an_error(cli, project, llm_env):
    server = llm_env
    server.script.extend(["invalid", "invalid", "invalid"])
    result = cli("build", SPEC, *CONTENT_ONLY, "--provider", "openai", "--model", "fake-model", "--base-url", server.base_url, "--jobs", "1")
    assert result.exit_code == 3
    assert result.stderr.splitlines()[0].startswith("course/overview: the answer is still invalid after 2 re-asks: the answer does not match the JSON schema")


@pytest.mark.parametrize(("fault", "expected"), [
    ("401", "the server at {url} refused the API key (401); set OPENAI_API_KEY to a valid key"),
    ("404", "model 'fake-model' not found at {url} (404); check --model or llm.model ({url}/models lists them)"),
    ("quota", "the account at {url} has no quota left (insufficient_quota); check its plan and billing"),
])
def test_permanent_errors_fail_fast_with_what_to_do(cli, project, llm_env, fault, expected):
    server = llm_env
    server.script.extend([fault] * 50)
    result = build(cli, server, "--jobs", "2")
    assert result.exit_code == 3
    assert expected.format(url=server.base_url) in result.stderr
    assert server.calls <= 2  # no retries, and the build stopped starting new tasks
    assert KEY not in result.stdout + result.stderr


def test_unapproved_prompt_stops_the_build_before_any_call(cli, project, llm_env):
    server = llm_env
    shutil.copytree(REPO / "courseware/prompts", "my-prompts")
    lesson = Path("my-prompts/lesson.j2")
    lesson.write_text(lesson.read_text() + "Keep it short.\n")
    result = build(cli, server, "--prompts", "my-prompts")
    assert result.exit_code == 1
    assert result.stderr == "my-prompts/lesson.j2:1:1: changed since it was approved; review the change, then run 'courseware prompts approve'\n"
    assert server.calls == 0 and not Path("output").exists()
    check = cli("prompts", "check", "--prompts", "my-prompts")
    assert (check.exit_code, check.stderr) == (1, "my-prompts/lesson.j2: changed since it was approved; review the change, then run 'courseware prompts approve'\n")
    approve = cli("prompts", "approve", "--prompts", "my-prompts")
    assert approve.stdout == "approved: my-prompts/lesson.j2\nmy-prompts/prompts.lock: 1 change(s) approved\n"
    assert cli("prompts", "check", "--prompts", "my-prompts").exit_code == 0
    assert build(cli, server, "--prompts", "my-prompts").exit_code == 0


def test_the_shipped_prompts_are_approved(cli):
    result = cli("prompts", "check")
    assert result.exit_code == 0, result.stderr


def test_template_with_undeclared_variable_is_refused(cli, tmp_path):
    shutil.copytree(REPO / "courseware/prompts", tmp_path / "p")
    (tmp_path / "p" / "quiz.j2").write_text("Write about {{ secret }}.\n")
    result = cli("prompts", "check", "--prompts", tmp_path / "p")
    assert (result.exit_code, result.stderr) == (1, f"{tmp_path / 'p' / 'quiz.j2'}:1:1: uses undeclared variable(s) secret; declare them in prompts.yaml or remove them\n")


def test_api_key_reaches_no_file_and_no_log(cli, project, llm_env):
    server = llm_env
    server.script.extend(["401"])
    cli("build", SPEC, *CONTENT_ONLY, "--provider", "openai", "--model", "fake-model", "--base-url", server.base_url, "--jobs", "1")
    result = build(cli, server)
    assert result.exit_code == 0
    assert KEY not in result.stdout + result.stderr
    for folder in (Path("output"), Path(".courseware")):
        for path in folder.rglob("*"):
            if path.is_file():
                assert KEY.encode() not in path.read_bytes(), path


@pytest.mark.parametrize("mode", ["json_object", "none"])
def test_servers_without_json_schema(cli, project, llm_env, monkeypatch, mode):
    server = llm_env
    monkeypatch.setenv("COURSEWARE_STRUCTURED_OUTPUT", mode)
    result = build(cli, server)
    assert result.exit_code == 0, result.stderr
    first = server.requests[0]
    assert first.get("response_format") == ({"type": "json_object"} if mode == "json_object" else None)
    assert "JSON schema" in first["messages"][1]["content"]


def test_bounded_concurrency(cli, project, monkeypatch):
    monkeypatch.setenv("OPENAI_API_KEY", KEY)
    with FakeOpenAI(latency=0.2) as server:
        result = build(cli, server, "--jobs", "3")
        assert result.exit_code == 0
        assert server.in_flight_max == 3


def test_a_frequency_penalty_is_sent_and_changes_the_keys_only_when_set(cli, project, llm_env, monkeypatch):
    from courseware.generate.settings import resolve
    from courseware.spec.model import LLMSettings

    server = llm_env
    plan = lambda: {t["id"]: t["key"] for t in json.loads(cli("plan", SPEC, "--json", "--provider", "openai", "--model", "fake-model", "--base-url", server.base_url).stdout)["tasks"]}  # noqa: E731
    plain = plan()
    # Unset, the parameters in every content key are the three they always were: no cache goes stale.
    assert resolve(LLMSettings(), Path("."), {}, env={}).parameters() == {"temperature": None, "seed": None, "max_tokens": None}
    monkeypatch.setenv("COURSEWARE_FREQUENCY_PENALTY", "1.0")
    penalised = plan()
    assert plain.keys() == penalised.keys() and all(plain[t] != penalised[t] for t in plain)
    assert build(cli, server).exit_code == 0
    assert server.calls == TASKS and all(r["frequency_penalty"] == 1.0 for r in server.requests)
    monkeypatch.setenv("COURSEWARE_FREQUENCY_PENALTY", "3")
    result = build(cli, server)
    assert (result.exit_code, result.stderr) == (1, "frequency_penalty 3.0: use a number from -2 to 2 (0 leaves repetition alone)\n")


def test_model_and_key_from_the_environment_only(cli, project, llm_env, monkeypatch):
    server = llm_env
    monkeypatch.setenv("OPENAI_BASE_URL", server.base_url)
    result = cli("build", SPEC, *CONTENT_ONLY, "--provider", "openai", "--model", "fake-model")
    assert result.exit_code == 0, result.stderr
    assert server.calls == TASKS


def test_missing_key_and_missing_model_are_clear(cli, project, monkeypatch):
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    monkeypatch.delenv("COURSEWARE_MODEL", raising=False)
    result = cli("build", SPEC, *CONTENT_ONLY, "--provider", "openai", "--model", "gpt-4o-mini", "--base-url", "https://api.example.invalid/v1")
    assert (result.exit_code, result.stderr) == (1, "no API key for https://api.example.invalid/v1: set the OPENAI_API_KEY environment variable (or build with --provider offline)\n")
    result = cli("build", SPEC, *CONTENT_ONLY, "--provider", "openai")
    assert (result.exit_code, result.stderr) == (1, "the openai provider needs a model: pass --model NAME, set COURSEWARE_MODEL, or set llm.model in the spec\n")


def test_killed_build_resumes_without_repeating_finished_calls(project, llm_env, tmp_path):
    slow = FakeOpenAI(latency=0.15).start()
    try:
        env = {**os.environ, "PYTHONPATH": str(REPO), "OPENAI_API_KEY": KEY}
        command = [sys.executable, "-m", "courseware", "build", SPEC, *CONTENT_ONLY, "--provider", "openai", "--model", "fake-model", "--base-url", slow.base_url, "--jobs", "2"]
        process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 60
        while slow.completed < 10 and time.monotonic() < deadline:
            time.sleep(0.02)
        process.send_signal(signal.SIGKILL)
        process.wait()
        cached = len(list(Path(".courseware/cache").rglob("*.json")))
        assert 8 <= cached < TASKS
        slow.reset_counters()
        rerun = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)
        assert rerun.returncode == 0, rerun.stderr
        assert slow.calls == TASKS - cached  # no finished call is made again
        assert not [p for p in Path(".").rglob("*.tmp")]
        for path in CONTENT.rglob("*.md"):
            assert path.read_text("utf-8").startswith("---\ntask: ")
    finally:
        slow.stop()


def test_settings_precedence(tmp_path):
    from courseware.generate.settings import resolve
    from courseware.spec.model import LLMSettings

    spec = LLMSettings(provider="openai", model="spec-model", temperature=0.1, base_url="http://spec/v1", concurrency=2)
    env = {"COURSEWARE_MODEL": "env-model", "OPENAI_BASE_URL": "http://env/v1"}
    config = resolve(spec, tmp_path, {"model": "flag-model"}, env)
    assert (config.model, config.base_url, config.temperature, config.concurrency, config.timeout) == ("flag-model", "http://env/v1", 0.1, 2, 120.0)
    assert resolve(spec, tmp_path, {}, env).model == "env-model"
    assert resolve(spec, tmp_path, {}, {}).model == "spec-model"
    assert resolve(LLMSettings(), tmp_path, {}, {}).provider == "offline"


def test_a_lessons_three_tasks_share_the_longest_prefix(cli, project, llm_env):
    """Course context, then the lesson's context and passages, then the task: servers that cache
    prompt prefixes bill a lesson's second and third task for little more than their task."""
    import os as _os

    server = llm_env
    assert build(cli, server).exit_code == 0
    by_lesson: dict[str, list[str]] = {}
    for request in server.requests:
        user = request["messages"][1]["content"]
        if user.startswith("Lesson "):
            by_lesson.setdefault(user.split(":", 1)[0].removeprefix("Lesson "), []).append(user)
    assert len(by_lesson) == 8 and all(len(users) == 3 for users in by_lesson.values())
    for users in by_lesson.values():
        context = users[0][: users[0].index("\nTask: ") + 1]  # the lesson, its objectives, key points, passages
        assert "Source passages:\n[1] (" in context
        assert all(u.startswith(context) for u in users)  # only the task differs
        assert len(_os.path.commonprefix(users)) / max(len(u) for u in users) > 0.6


def test_answers_with_lists_tables_code_and_callouts_become_lesson_markdown(cli, project, llm_env):
    server = llm_env

    def rich(body: dict, content: str) -> str:
        answer = json.loads(content)
        if body["response_format"]["json_schema"]["name"] == "lesson" and "Lesson m1-l1:" in body["messages"][1]["content"]:
            answer["sections"][0]["blocks"] = [
                {"type": "paragraph", "text": "`pwd` shows where you are:", "sources": [1]},
                {"type": "code", "language": "bash", "code": "pwd\nls -l", "output": "/home/ada"},
                {"type": "list", "ordered": True, "items": ["Open a *terminal*.", "Type `pwd`."], "sources": [2]},
                {"type": "table", "header": ["Model", "Where"], "rows": [["flipped", "home | class"], ["station", "class"]], "caption": "Two models.", "sources": [1]},
                {"type": "callout", "style": "warning", "title": "Mind the path", "text": "A relative path starts at $cwd$.", "sources": []},
            ]
        return json.dumps(answer)

    server.answer = rich
    result = build(cli, server, "--formats", "markdown")
    assert result.exit_code == 0, result.stderr
    assert "re-asks 0" in result.stdout
    lesson = (CONTENT / "m1-l1" / "lesson.md").read_text("utf-8")
    section = lesson.split("\n## ", 2)[1]
    assert "\n\n`pwd` shows where you are:[^1]\n\n```bash\npwd\nls -l\n```\n\n```output\n/home/ada\n```\n\n" in section
    assert "\n1. Open a *terminal*.\n2. Type `pwd`.[^2]\n" in section
    assert "| Model | Where |\n" in section and "| flipped | home \\| class |\n" in section and "\nTable: Two models.[^1]\n" in section
    assert "\n::: warning Mind the path\n\nA relative path starts at $cwd$.\n\n:::\n" in section
    assert cli("render", SPEC, "--formats", "markdown").exit_code == 0  # and it reads back


def test_a_plain_http_server_gets_a_client_that_never_leaves_its_url_and_https_one_that_verifies(monkeypatch):
    """A local server over http needs no certificate store (29 ms a client, loaded for nothing);
    its client follows no redirect, so nothing it sends can go elsewhere or over unverified TLS."""
    import http.server
    import threading

    import openai

    from courseware.generate.openai_provider import openai_client

    class Redirect(http.server.BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802
            self.send_response(307)
            self.send_header("Location", "https://127.0.0.1:9/v1/chat/completions")
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args):
            pass

    monkeypatch.setenv("OPENAI_API_KEY", "sk-test-plain")
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Redirect)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        plain = openai_client(f"http://127.0.0.1:{server.server_address[1]}/v1", 5.0)
        with pytest.raises(openai.APIStatusError) as raised:
            plain.chat.completions.create(model="m", messages=[{"role": "user", "content": "x"}])
        assert raised.value.status_code == 307  # not followed to the https address
    finally:
        server.shutdown()
    assert openai_client("https://api.example.invalid/v1", 5.0)._client.follow_redirects is True  # the SDK's own, verifying client
