"""`courseware build --batch`: a catalogue through the fake Batch API over real HTTP (tests/fake_batch.py)
writes what a live build writes, survives a kill without submitting anything twice, resubmits only
what an expired or failing batch left, and runs on a server of one's own through export and import."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import openai
import pytest

from conftest import CONTENT_ONLY, SPECS
from fake_batch import BatchScript, FakeBatchAPI
from fake_openai import FakeOpenAI

KEY = "sk-batch-test-0123456789"
COURSES = ("blended-teaching", "describing-data", "evaluation-formative")
MODEL = "gpt-4o-mini"  # priced in the built-in table: the summary shows the batch rate against the live one
CHEAP = "cheap-course"  # one module, two lessons: the tests that need only a course, not a catalogue


@pytest.fixture
def server(monkeypatch):
    monkeypatch.setenv("OPENAI_API_KEY", KEY)
    monkeypatch.setenv("COURSEWARE_RETRY_BASE", "0.01")
    for name in ("OPENAI_BASE_URL", "COURSEWARE_MODEL", "COURSEWARE_BASE_URL", "COURSEWARE_PROVIDER", "COURSEWARE_BATCHES", "COURSEWARE_BATCH_POLL"):
        monkeypatch.delenv(name, raising=False)
    with FakeBatchAPI() as fake:
        yield fake


@pytest.fixture
def catalogue(project) -> Path:
    """Three sample courses in one folder (the fourth spec left out), one of them translated into French."""
    folder = project / "catalogue"
    shutil.copytree(project / "course_specs", folder)
    for spec in folder.glob("*.yaml"):
        if spec.stem not in COURSES:
            spec.unlink()
    with (folder / "describing-data.yaml").open("a", encoding="utf-8") as spec:
        spec.write("\ntranslations: [fr]\n")
    return folder


@pytest.fixture
def small(project) -> Path:
    """A two-lesson course: enough for one batch, a quarter of a sample's calls."""
    text = (SPECS / "blended-teaching.yaml").read_text("utf-8")
    spec = project / "course_specs" / f"{CHEAP}.yaml"
    spec.write_text(_two_lessons(text.replace("id: blended-teaching", f"id: {CHEAP}", 1)), "utf-8")
    return spec


def _two_lessons(text: str) -> str:
    """The spec cut after its first module's second lesson."""
    import yaml

    data = yaml.safe_load(text)
    data["modules"] = [dict(data["modules"][0], lessons=data["modules"][0]["lessons"][:2])]
    used = {o for lesson in data["modules"][0]["lessons"] for o in lesson.get("objectives", [])}
    data["objectives"] = [o for o in data["objectives"] if o["id"] in used] or data["objectives"]
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)


def batch_build(cli, server, target, *extra: str, output: str = "out", cache: str = "cache"):
    return cli("build", target, *CONTENT_ONLY, "--batch", "--poll", "0", "--provider", "openai", "--model", MODEL, "--base-url", server.base_url,
               "--output", output, "--cache", cache, *extra)  # fmt: skip


def live_build(cli, server, target, output: str = "live", cache: str = "live-cache"):
    return cli("build", target, *CONTENT_ONLY, "--provider", "openai", "--model", MODEL, "--base-url", server.base_url, "--output", output, "--cache", cache)


def files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def keys(cli, spec: Path, server) -> dict[str, str]:
    """Task id -> content key (the batch request's custom id), from `courseware plan`."""
    plan = json.loads(cli("plan", spec, "--json", "--provider", "openai", "--model", MODEL, "--base-url", server.base_url).stdout)
    return {t["id"]: t["key"] for t in plan["tasks"]}


# --- the catalogue -----------------------------------------------------------------------------------


def test_a_catalogue_through_batches_writes_what_a_live_build_writes_at_half_the_price(cli, catalogue, server):
    result = batch_build(cli, server, catalogue)
    assert result.exit_code == 0, result.stderr
    assert server.calls == 0  # not one live call: every answer came out of a batch
    assert max(server.submitted.values()) == 1
    rounds = re.findall(r"^round (\d+): (\d+) request\(s\) wait for a batch \((\d+) submitted now", result.stderr, re.MULTILINE)
    assert [r[0] for r in rounds] == ["1", "2"]  # the content, then the French translation of finished content
    assert server.batches_created == 2 and sum(int(r[2]) for r in rounds) == len(server.submitted)
    for course in COURSES:
        assert re.search(rf"^{course}: \d+ tasks \(\d+ new\); generated \d+, wrote \d+ file\(s\)", result.stdout, re.MULTILINE)
    assert "describing-data: fr: " in result.stdout and "translated" in result.stdout
    costs = re.findall(r"estimated cost \$([\d.]+) at the batch rate \(asked live: \$([\d.]+)\)", result.stdout)
    assert len(costs) == len(COURSES) + 1  # each course and the catalogue
    for batch_cost, live_cost in costs:
        assert float(live_cost) > 0 and abs(float(batch_cost) - float(live_cost) / 2) < 0.00015
    assert "3 courses: estimated cost" in result.stdout

    # The same catalogue built live against the same server: the same bytes, file for file.
    live = live_build(cli, server, catalogue)
    assert live.exit_code == 0, live.stderr
    assert server.calls > 0
    batch_files, live_files = files(Path("out")), files(Path("live"))
    assert batch_files.keys() == live_files.keys() and len(batch_files) > 3 * 20
    assert [name for name in batch_files if batch_files[name] != live_files[name]] == []

    # Every answer is in the response cache by content key: a live rebuild from nothing asks nothing.
    calls = server.calls
    again = live_build(cli, server, catalogue, output="again", cache="cache")
    assert again.exit_code == 0 and server.calls == calls


def test_a_killed_batch_build_carries_on_and_submits_nothing_twice(cli, small, server, project):
    server.scripts.append(BatchScript(polls_per_step=0))  # the first batch moves only when the test says
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(sys.path))
    args = [sys.executable, "-m", "courseware", "build", str(small), *CONTENT_ONLY, "--batch", "--poll", "0.01", "--provider", "openai",
            "--model", MODEL, "--base-url", server.base_url, "--output", "out", "--cache", "cache"]  # fmt: skip
    child = subprocess.Popen(args, cwd=project, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 60
        while server.polls < 3 and time.monotonic() < deadline and child.poll() is None:
            time.sleep(0.02)
        assert server.polls >= 3 and server.batches_created == 1
        child.send_signal(signal.SIGKILL)
        child.wait(10)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
    assert not list(Path("out", CHEAP, "content").rglob("*.md"))  # killed while its batch was in progress: nothing written yet
    (batch_id,) = server.batches
    polls = server.polls
    shown = cli("batch", "status").stdout.splitlines()
    assert server.polls == polls + 1 and re.match(rf"batch 0001-batch-\w+ \({batch_id}, 7 requests to gpt-4o-mini\): (validating|in_progress)", shown[0])
    assert shown[1].startswith("1 batch(es), 1 open;") and shown[1].endswith("7 waiting")
    server.finish(batch_id)

    result = batch_build(cli, server, small)
    assert result.exit_code == 0, result.stderr
    assert server.batches_created == 1 and server.uploads and len(server.uploads) == 1
    assert set(server.submitted.values()) == {1} and len(server.submitted) == 7  # the overview and 3 tasks x 2 lessons
    assert "0 submitted now, 7 in batches submitted before" in result.stderr
    assert len(list(Path("out", CHEAP, "content").rglob("*.md"))) == 7


def test_a_batch_created_but_not_recorded_is_found_not_made_again(cli, small, server, monkeypatch):
    """A build killed after the API created its batch, before the folder said so: the rerun finds it."""
    from courseware.batch import store as batch_store

    save = batch_store.BatchStore.save

    def lost_answer(self, record):
        if record.batch_id is not None:
            raise KeyboardInterrupt  # the kill, just before the record says which batch was made
        save(self, record)

    monkeypatch.setattr(batch_store.BatchStore, "save", lost_answer)
    stopped = batch_build(cli, server, small)
    assert stopped.exit_code == 130 and "rerun the same command" in stopped.stderr
    assert server.batches_created == 1 and len(server.uploads) == 1
    monkeypatch.setattr(batch_store.BatchStore, "save", save)

    result = batch_build(cli, server, small)
    assert result.exit_code == 0, result.stderr
    assert server.batches_created == 1 and len(server.uploads) == 1  # found by its input file, not created again
    assert set(server.submitted.values()) == {1}


def test_a_batch_recorded_but_not_uploaded_is_uploaded_once(cli, small, server, monkeypatch):
    """Killed between recording a batch and uploading its file: the rerun sends that record, not a new one."""
    from courseware.batch import run as batch_run

    def killed(store, record, client):
        raise KeyboardInterrupt

    send = batch_run.send
    monkeypatch.setattr(batch_run, "send", killed)
    assert batch_build(cli, server, small).exit_code == 130
    (record,) = Path(".courseware/batches").glob("*.json")
    assert json.loads(record.read_text("utf-8"))["status"] == "written" and not server.uploads
    monkeypatch.setattr(batch_run, "send", send)

    result = batch_build(cli, server, small)
    assert result.exit_code == 0, result.stderr
    assert len(server.uploads) == 1 and server.batches_created == 1 and set(server.submitted.values()) == {1}
    assert [p.name for p in Path(".courseware/batches").glob("*.json")] == [record.name]


def test_an_expired_batch_and_failed_requests_resubmit_only_what_was_left(cli, small, server):
    failing = min(keys(cli, small, server).values())  # first in the file (sorted by custom id): it fails before the batch expires
    server.request_errors[failing] = ["500"]  # fails in its first batch, answered in the next
    server.scripts.append(BatchScript(expire_after=3))  # the first batch gets through 3 requests, then expires
    result = batch_build(cli, server, small)
    assert result.exit_code == 0, result.stderr
    assert server.batches_created == 2
    first_id, second_id = server.batches
    first, second = ([s["custom_id"] for s in server.seen if s["batch_id"] == b] for b in (first_id, second_id))
    answered = answered_in(server, first_id)
    assert len(first) == 7 and len(answered) == 2 and failing not in answered
    assert sorted(second) == sorted(set(first) - set(answered))  # the failed one and the 4 the expiry left, nothing answered
    assert {c: server.submitted[c] for c in first} == {c: 1 if c in answered else 2 for c in first}  # none answered was asked again
    assert "expired" in result.stderr and len(list(Path("out", CHEAP, "content").rglob("*.md"))) == 7


def test_a_failed_batch_is_submitted_again_and_a_request_no_batch_answers_fails_its_task(cli, small, server):
    stubborn = keys(cli, small, server)["m1-l2/quiz"]
    server.request_errors[stubborn] = "500"  # every batch fails it
    server.scripts.append(BatchScript(fail=[{"code": "invalid_request", "message": "The file could not be read.", "line": 1, "param": None}]))
    result = batch_build(cli, server, small)
    assert result.exit_code == 3
    assert "failed (invalid_request: The file could not be read. (line 1))" in result.stderr
    assert server.batches_created == 3  # refused whole, then two in which only the stubborn request fails
    assert server.submitted[stubborn] == 3 and {n for c, n in server.submitted.items() if c != stubborn} == {2}
    assert "m1-l2/quiz: 3 batches ended without answering this request (last: status 500" in result.stderr
    assert "--finish-live" in result.stderr
    assert len(list(Path("out", CHEAP, "content").rglob("*.md"))) == 6  # the others are written; the course is not rendered


def answered_in(server: FakeBatchAPI, batch_id: str) -> list[str]:
    """The custom ids a batch's output file answered."""
    client = openai.OpenAI(base_url=server.base_url, api_key=KEY, max_retries=0)
    batch = client.batches.retrieve(batch_id)
    return [json.loads(line)["custom_id"] for line in client.files.content(batch.output_file_id).read().splitlines()] if batch.output_file_id else []


def test_finish_live_asks_live_what_an_expired_batch_left(cli, small, server):
    server.scripts.append(BatchScript(expire_after=3))
    result = batch_build(cli, server, small, "--finish-live")
    assert result.exit_code == 0, result.stderr
    assert server.batches_created == 1 and server.calls == 4  # 3 answered in the batch, 4 asked live
    assert len(list(Path("out", CHEAP, "content").rglob("*.md"))) == 7
    assert "at the batch rate (asked live:" in result.stdout


def test_an_invalid_batch_answer_is_re_asked_in_the_next_batch(cli, small, server):
    target = keys(cli, small, server)["m1-l2/lesson"]
    spoiled = []

    def first_answer_invalid(body: dict, content: str) -> str:
        """An empty object for the lesson's first request (the re-ask varies the seed)."""
        if not spoiled and any(s["custom_id"] == target and s["body"] == body for s in server.seen):
            spoiled.append(body)
            return "{}"
        return content

    server.answer = first_answer_invalid
    result = batch_build(cli, server, small)
    assert result.exit_code == 0, result.stderr
    assert spoiled and server.batches_created == 2
    second = [s for s in server.seen if s["batch_id"] == list(server.batches)[1]]
    assert len(second) == 1 and second[0]["body"]["messages"][-1]["content"].startswith("Your answer was not valid")
    assert "re-asks 1," in result.stdout and "calls 8," in result.stdout  # 7 answers and the re-ask's, each counted once


# --- status, a server of one's own, errors ---------------------------------------------------------------


def test_batch_status_shows_each_batch_and_what_is_left(cli, small, server):
    assert "no batches" in cli("batch", "status").stdout
    server.scripts.append(BatchScript(expire_after=3))
    assert batch_build(cli, server, small).exit_code == 0
    shown = cli("batch", "status")
    assert shown.exit_code == 0
    lines = shown.stdout.splitlines()
    assert re.match(r"batch 0001-batch-\w+ \(batch_\w+, 7 requests to gpt-4o-mini\): expired, 3/7 answered", lines[0])
    assert re.match(r"batch 0002-batch-\w+ \(batch_\w+, 4 requests to gpt-4o-mini\): completed, 4/4 answered", lines[1])
    assert lines[2] == "2 batch(es), 0 open; 7 answer(s) in, 0 request(s) a batch left unanswered, 0 waiting"


def test_export_run_elsewhere_and_import_then_build_without_a_batch_api(cli, small, server, project):
    """vllm run-batch's way: the requests out as JSONL, its results in; the build then asks nothing."""
    exported = cli("batch", "export", small, "--to", "requests.jsonl", "--provider", "openai", "--model", MODEL, "--base-url", server.base_url, "--output", "out")
    assert exported.exit_code == 0, exported.stderr
    assert "wrote requests.jsonl: 7 request(s) to gpt-4o-mini" in exported.stdout and "vllm run-batch -i requests.jsonl" in exported.stdout
    requests = [json.loads(line) for line in Path("requests.jsonl").read_text("utf-8").splitlines()]
    assert {r["url"] for r in requests} == {"/v1/chat/completions"} and all(len(r["custom_id"]) == 64 for r in requests)
    Path("results.jsonl").write_text("".join(json.dumps(run_batch_line(server, r)) + "\n" for r in requests), "utf-8")
    calls = server.calls

    bad = Path("bad.jsonl")
    bad.write_text(Path("results.jsonl").read_text("utf-8").splitlines()[0] + "\n{\"no\": 1}\n", "utf-8")
    refused = cli("batch", "import", bad)
    assert refused.exit_code == 1 and refused.stderr.strip().startswith("bad.jsonl:2: not a batch result line")
    assert not list(Path(".courseware/batches").glob("*import*"))  # nothing half-imported

    imported = cli("batch", "import", "results.jsonl")
    assert imported.exit_code == 0 and "imported 7 result(s)" in imported.stdout
    again = cli("batch", "export", small, "--to", "more.jsonl", "--provider", "openai", "--model", MODEL, "--base-url", server.base_url, "--output", "out")
    assert again.exit_code == 0 and "every request is answered" in again.stdout and not Path("more.jsonl").exists()
    assert f"{CHEAP}: 7 tasks (7 new); generated 7, wrote 7 file(s)" in again.stdout and f"{CHEAP}: rendered markdown" in again.stdout
    result = batch_build(cli, server, small)
    assert result.exit_code == 0, result.stderr
    assert server.batches_created == 0 and server.calls == calls  # no batch, no live call: the results were enough
    live = live_build(cli, server, small)
    assert files(Path("out")) == files(Path("live"))


def run_batch_line(server: FakeBatchAPI, request: dict) -> dict:
    """What `vllm run-batch` writes for one input line: the server's completion for its body."""
    client = openai.OpenAI(base_url=server.base_url, api_key=KEY, max_retries=0)
    completion = client.chat.completions.create(**request["body"])
    return {"id": f"vllm-{request['custom_id'][:8]}", "custom_id": request["custom_id"], "response": {"status_code": 200, "request_id": "r", "body": completion.model_dump()}, "error": None}


def test_a_server_without_a_batch_api_is_told_the_self_hosted_way(cli, small, monkeypatch):
    monkeypatch.setenv("OPENAI_API_KEY", KEY)
    with FakeOpenAI() as plain:
        result = batch_build(cli, plain, small)
    assert result.exit_code == 1
    (line,) = result.stderr.strip().splitlines()[-1:]
    assert "the server has no Batch API (404)" in line and "courseware batch export" in line
    assert not list(Path("out", CHEAP, "content").rglob("*.md"))


def test_two_batch_builds_never_share_a_batch_folder(cli, small, server):
    from courseware.batch.store import BatchStore

    with BatchStore(Path(".courseware/batches")).only_user():
        result = batch_build(cli, server, small)
    assert result.exit_code == 1 and "another batch build is using this batch folder" in result.stderr
    assert server.batches_created == 0 and not Path("out", CHEAP, "content").exists()


def test_batch_flags_that_do_not_go_together_are_refused(cli, small):
    offline = cli("build", small, *CONTENT_ONLY, "--batch", "--provider", "offline")
    assert offline.exit_code == 1 and "--batch: the offline provider calls no model" in offline.stderr
    frozen = cli("build", small, "--batch", "--frozen")
    assert frozen.exit_code == 2 and "--batch and --frozen do not go together" in frozen.stderr
    assert cli("build", small, "--poll", "1").exit_code == 2


# --- the parts ----------------------------------------------------------------------------------------------


def test_input_files_keep_within_the_api_limits():
    from courseware.batch.submit import chunks

    lines = [(f"{n:064x}", b"x" * 10) for n in range(7)]
    assert [len(c) for c in chunks(lines, max_requests=3, max_bytes=1000)] == [3, 3, 1]
    assert [len(c) for c in chunks(lines, max_requests=100, max_bytes=25)] == [2, 2, 2, 1]
    with pytest.raises(Exception, match="more than a batch file may hold"):
        list(chunks([("a" * 64, b"y" * 30)], max_bytes=25))


def test_custom_ids_are_content_keys_or_hashes_within_64_characters():
    from courseware.batch.collect import custom_id

    key = "ab" * 32
    assert custom_id(key) == key
    varied = custom_id(f"{key}/reask-1")
    assert len(varied) == 64 and varied != key and re.fullmatch(r"[0-9a-f]{64}", varied)


def test_result_lines_of_openai_and_of_vllm_are_read_alike():
    from courseware.batch.store import result_line

    body = {"id": "c", "object": "chat.completion", "created": 0, "model": "m", "choices": [{"index": 0, "finish_reason": "stop", "message": {"role": "assistant", "content": "{}"}}]}
    openai_line = {"id": "b", "custom_id": "x", "response": {"status_code": 200, "request_id": "r", "body": body}, "error": None}
    older_vllm = {"id": "b", "custom_id": "y", "response": body, "error": None}
    refused = {"id": "b", "custom_id": "z", "response": {"status_code": 429, "body": {"error": {"message": "slow down"}}}, "error": None}
    expired = {"id": "b", "custom_id": "w", "response": None, "error": {"code": "batch_expired", "message": "too late"}}
    read = [result_line(json.dumps(line).encode()) for line in (openai_line, older_vllm, refused, expired)]
    assert read == [("x", body, ""), ("y", body, ""), ("z", None, "status 429: slow down"), ("w", None, "batch_expired: too late")]
    assert result_line(b"not json") == (None, None, "not JSON") and result_line(b'{"response": {}}') == (None, None, "no custom_id")
