"""Tests of the fake Batch API, driven through the official `openai` SDK over real HTTP."""

from __future__ import annotations

import json
from typing import Any

import openai
import pytest

from fake_batch import BatchScript, FakeBatchAPI

CHAT = "/v1/chat/completions"
SCHEMA = {"type": "object", "properties": {"title": {"type": "string"}, "points": {"type": "integer"}}}


def body(n: int) -> dict:
    return {
        "model": "fake-model",
        "messages": [{"role": "system", "content": "You write lessons."}, {"role": "user", "content": f"Lesson {n}"}],
        "response_format": {"type": "json_schema", "json_schema": {"name": "Lesson", "schema": SCHEMA, "strict": True}},
    }


def line(custom_id: str, n: int, **changes: Any) -> dict:
    return {"custom_id": custom_id, "method": "POST", "url": CHAT, "body": body(n), **changes}


def jsonl(lines: list[dict]) -> bytes:
    return "".join(json.dumps(item) + "\n" for item in lines).encode()


def requests(count: int, prefix: str = "r") -> list[dict]:
    return [line(f"{prefix}{n}", n) for n in range(count)]


@pytest.fixture
def server():
    with FakeBatchAPI() as fake:
        yield fake


@pytest.fixture
def client(server):
    with openai.OpenAI(base_url=server.base_url, api_key="sk-test", max_retries=0, timeout=5.0) as sdk:
        yield sdk


def submit(client: openai.OpenAI, lines: list[dict], **metadata: str):
    upload = client.files.create(file=("requests.jsonl", jsonl(lines)), purpose="batch")
    return client.batches.create(
        input_file_id=upload.id, endpoint=CHAT, completion_window="24h", metadata=metadata or None
    )


def poll(client: openai.OpenAI, batch_id: str, limit: int = 20):
    """Retrieve until the batch is finished; the statuses seen, and the last batch."""
    statuses = []
    for _ in range(limit):
        batch = client.batches.retrieve(batch_id)
        statuses.append(batch.status)
        if batch.status in ("completed", "failed", "expired", "cancelled"):
            return statuses, batch
    raise AssertionError(f"batch never finished: {statuses}")


def read_lines(client: openai.OpenAI, file_id: str | None) -> list[dict]:
    assert file_id is not None
    return [json.loads(text) for text in client.files.content(file_id).text.splitlines()]


def test_lifecycle_to_completed_answers_as_the_chat_fake(server, client):
    lines = requests(3)
    upload = client.files.create(file=("requests.jsonl", jsonl(lines)), purpose="batch")
    assert (upload.purpose, upload.status, upload.bytes) == ("batch", "processed", len(jsonl(lines)))
    assert client.files.retrieve(upload.id).filename == "requests.jsonl"
    assert client.files.content(upload.id).content == jsonl(lines)

    batch = client.batches.create(input_file_id=upload.id, endpoint=CHAT, completion_window="24h", metadata={"course": "c1"})
    assert (batch.status, batch.metadata, batch.input_file_id) == ("validating", {"course": "c1"}, upload.id)
    assert batch.expires_at == batch.created_at + 24 * 3600

    statuses, done = poll(client, batch.id)
    assert statuses == ["in_progress", "finalizing", "completed"]
    assert done.request_counts.model_dump() == {"total": 3, "completed": 3, "failed": 0}
    assert done.created_at < done.in_progress_at < done.finalizing_at < done.completed_at
    assert done.error_file_id is None and done.errors is None
    assert done.model == "fake-model" and done.usage.total_tokens > 0

    output = read_lines(client, done.output_file_id)
    assert client.files.retrieve(done.output_file_id).purpose == "batch_output"
    assert [item["custom_id"] for item in output] == ["r0", "r1", "r2"]
    assert len({item["id"] for item in output}) == 3
    for n, item in enumerate(output):
        assert item["error"] is None
        assert item["response"]["status_code"] == 200 and item["response"]["request_id"]
        answer = item["response"]["body"]
        chat = client.chat.completions.create(**body(n))
        same = {key: value for key, value in chat.model_dump(exclude_unset=True).items() if key not in ("id", "usage")}
        assert {key: value for key, value in answer.items() if key not in ("id", "usage")} == same
        assert answer["id"].startswith("chatcmpl-batch-") and answer["object"] == "chat.completion"
        assert answer["choices"][0]["finish_reason"] == chat.choices[0].finish_reason == "stop"
        assert json.loads(answer["choices"][0]["message"]["content"]).keys() == {"title", "points"}
    assert server.answered == 3 and server.calls == 3  # calls: the three chat requests above


def test_expired_batch_has_partial_output_and_the_rest_absent(server, client):
    server.scripts.append(BatchScript(expire_after=2))
    statuses, done = poll(client, submit(client, requests(5)).id)
    assert statuses == ["in_progress", "expired"]
    assert done.expired_at is not None and done.completed_at is None
    assert done.request_counts.completed == 2
    assert [item["custom_id"] for item in read_lines(client, done.output_file_id)] == ["r0", "r1"]
    expired = read_lines(client, done.error_file_id)
    assert [(item["custom_id"], item["response"], item["error"]["code"]) for item in expired] == [
        (f"r{n}", None, "batch_expired") for n in (2, 3, 4)
    ]


def test_expired_without_error_lines():
    with FakeBatchAPI(expired_errors=False) as server:
        server.default_script = BatchScript(expire_after=1, polls_per_step=0)
        with openai.OpenAI(base_url=server.base_url, api_key="sk-test", max_retries=0) as sdk:
            batch = submit(sdk, requests(3))
            assert sdk.batches.retrieve(batch.id).status == "validating"  # polls do not step it
            done = server.finish(batch.id)
            assert done["status"] == "expired" and done["error_file_id"] is None
            assert [item["custom_id"] for item in read_lines(sdk, done["output_file_id"])] == ["r0"]


def test_per_request_errors_go_to_the_error_file(server, client):
    server.request_errors["r3"] = ["500"]  # once: answered when submitted again
    server.scripts.append(BatchScript(errors={"r1": "429", "r2": "error"}))
    _, done = poll(client, submit(client, requests(4)).id)
    assert done.status == "completed"
    assert done.request_counts.model_dump() == {"total": 4, "completed": 1, "failed": 3}
    assert [item["custom_id"] for item in read_lines(client, done.output_file_id)] == ["r0"]
    errors = {item["custom_id"]: item for item in read_lines(client, done.error_file_id)}
    assert errors["r1"]["response"]["status_code"] == 429
    assert errors["r1"]["response"]["body"]["error"]["code"] == "rate_limit_exceeded"
    assert errors["r2"]["response"] is None and errors["r2"]["error"]["code"] == "server_error"
    assert errors["r3"]["response"]["status_code"] == 500 and errors["r3"]["error"] is None

    _, again = poll(client, submit(client, [line("r3", 3)]).id)
    assert again.request_counts.completed == 1 and again.error_file_id is None


def test_cancel_keeps_what_was_answered(server, client):
    server.scripts.append(BatchScript(per_step=2, polls_per_step=0))
    batch = submit(client, requests(5))
    server.advance(batch.id, 2)  # validating -> in_progress, then two answered
    assert client.batches.retrieve(batch.id).request_counts.completed == 2
    cancelling = client.batches.cancel(batch.id)
    assert cancelling.status == "cancelling" and cancelling.cancelling_at is not None
    server.advance(batch.id)
    done = client.batches.retrieve(batch.id)
    assert done.status == "cancelled" and done.cancelled_at >= done.cancelling_at
    assert [item["custom_id"] for item in read_lines(client, done.output_file_id)] == ["r0", "r1"]
    with pytest.raises(openai.ConflictError, match="Cannot cancel"):
        client.batches.cancel(batch.id)


def test_list_pages_newest_first(server, client):
    upload = client.files.create(file=("requests.jsonl", jsonl(requests(1))), purpose="batch")
    made = [client.batches.create(input_file_id=upload.id, endpoint=CHAT, completion_window="24h").id for _ in range(5)]
    page = client.batches.list(limit=2)
    assert [b.id for b in page.data] == made[::-1][:2] and page.has_more
    assert [b.id for b in client.batches.list(limit=2)] == made[::-1]  # the SDK follows `after`
    assert [b.id for b in client.batches.list(limit=2, after=made[1])] == [made[0]]
    assert server.polls == 0 and server.batches_created == 5


@pytest.mark.parametrize(
    ("content", "code", "where"),
    [
        (b'{"custom_id": "a", "method": "POST"\n', "invalid_json_line", "line 1"),
        (jsonl([line("a", 0), line("a", 1)]), "duplicate_custom_id", "line 2"),
        (jsonl([line("a", 0), line("b", 1, url="/v1/embeddings")]), "url_mismatch", "line 2"),
        (jsonl([line("a", 0, method="GET")]), "invalid_request", "line 1"),
        (jsonl([{"method": "POST", "url": CHAT, "body": {}}]), "missing_required_parameter", "line 1"),
        (b"\n", "empty_file", ""),
    ],
)
def test_malformed_jsonl_is_refused(server, client, content, code, where):
    with pytest.raises(openai.BadRequestError) as refused:
        client.files.create(file=("requests.jsonl", content), purpose="batch")
    assert refused.value.code == code and where in refused.value.message
    assert refused.value.body["type"] == "invalid_request_error"
    assert server.uploads == [] and server.refused == 1


def test_limits_are_configurable():
    with FakeBatchAPI(max_requests=2, max_bytes=10_000) as server:
        with openai.OpenAI(base_url=server.base_url, api_key="sk-test", max_retries=0) as sdk:
            with pytest.raises(openai.BadRequestError) as many:
                sdk.files.create(file=("requests.jsonl", jsonl(requests(3))), purpose="batch")
            assert many.value.code == "too_many_tasks"
            with pytest.raises(openai.BadRequestError) as big:
                sdk.files.create(file=("requests.jsonl", jsonl(requests(2)) + b" " * 10_000), purpose="batch")
            assert big.value.code == "file_too_large"
            with pytest.raises(openai.BadRequestError, match="jsonl"):
                sdk.files.create(file=("requests.json", jsonl(requests(1))), purpose="batch")


def test_failed_at_validation(server, client):
    server.scripts.append(BatchScript(fail=[{"code": "token_limit_exceeded", "message": "Enqueued token limit reached.", "line": None, "param": None}]))
    statuses, done = poll(client, submit(client, requests(2)).id)
    assert statuses == ["failed"] and done.failed_at is not None and done.output_file_id is None
    assert done.errors.data[0].code == "token_limit_exceeded"


def test_content_errors_fail_the_batch_when_uploads_are_not_checked():
    with FakeBatchAPI(validate_upload=False) as server:
        with openai.OpenAI(base_url=server.base_url, api_key="sk-test", max_retries=0) as sdk:
            upload = sdk.files.create(file=("requests.jsonl", jsonl([line("a", 0), line("a", 1)])), purpose="batch")
            batch = sdk.batches.create(input_file_id=upload.id, endpoint=CHAT, completion_window="24h")
            done = sdk.batches.retrieve(batch.id)
            assert done.status == "failed"
            assert [(e.code, e.line) for e in done.errors.data] == [("duplicate_custom_id", 2)]


def test_bad_batch_requests(server, client):
    upload = client.files.create(file=("requests.jsonl", jsonl(requests(1))), purpose="batch")
    with pytest.raises(openai.NotFoundError):
        client.batches.create(input_file_id="file-nope", endpoint=CHAT, completion_window="24h")
    with pytest.raises(openai.BadRequestError, match="completion_window"):
        client.batches.create(input_file_id=upload.id, endpoint=CHAT, completion_window="1h")  # type: ignore[arg-type]
    with pytest.raises(openai.BadRequestError, match="endpoint"):
        client.batches.create(input_file_id=upload.id, endpoint="/v1/embeddings", completion_window="24h")
    with pytest.raises(openai.NotFoundError):
        client.batches.retrieve("batch_nope")
    assert client.files.delete(upload.id).deleted
    with pytest.raises(openai.NotFoundError):
        client.files.retrieve(upload.id)


def test_counters(server, client):
    first = submit(client, requests(3))
    second = submit(client, [line("r1", 1), line("x", 9)])
    assert server.submitted == {"r0": 1, "r1": 2, "r2": 1, "x": 1}
    assert len(server.uploads) == 2 and server.batches_created == 2
    assert [(s["batch_id"], s["custom_id"]) for s in server.seen] == [
        (first.id, "r0"), (first.id, "r1"), (first.id, "r2"), (second.id, "r1"), (second.id, "x")
    ]  # fmt: skip
    assert server.seen[3]["body"] == body(1)
    server.reset_batch_counters()
    assert not server.submitted and not server.seen and server.batches_created == 0
