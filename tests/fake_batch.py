"""A fake OpenAI Batch API for tests: files + batches over real HTTP on 127.0.0.1, for the real SDK.

`FakeBatchAPI` is a `FakeOpenAI` (same server, same thread handling, same `/v1/chat/completions`)
that also serves the Files and Batches endpoints the Batch API uses:

    with FakeBatchAPI() as server:
        client = openai.OpenAI(base_url=server.base_url, api_key="sk-test")
        upload = client.files.create(file=("in.jsonl", jsonl_bytes), purpose="batch")
        batch = client.batches.create(input_file_id=upload.id, endpoint="/v1/chat/completions",
                                      completion_window="24h")
        while client.batches.retrieve(batch.id).status not in ("completed", "failed", ...): ...

Routes: `POST /v1/files` (multipart, purpose), `GET /v1/files` (list), `GET /v1/files/{id}`,
`GET /v1/files/{id}/content`, `DELETE /v1/files/{id}`; `POST /v1/batches`, `GET /v1/batches`
(newest first, `limit` 1..100 default 20, `after`), `GET /v1/batches/{id}`,
`POST /v1/batches/{id}/cancel` (409 on a finished batch). Errors have OpenAI's shape
`{"error": {message, type, param, code}}`. A batch carries every field of the SDK's `Batch` model:
the timestamps, `request_counts` {total, completed, failed}, `model` (the first request's),
`usage` (the answers' tokens, once files are written), `errors`, `metadata`.

Input files (purpose "batch") are checked on upload (`validate_upload=True`, the default): a `.jsonl`
name, at most `max_bytes` bytes (200 MB) and `max_requests` lines (50,000), every non-blank line a
JSON object `{"custom_id": str, "method": "POST", "url": "/v1/chat/completions", "body": {...}}`,
custom_ids unique. A bad file is refused with a 400 naming the first bad line (codes as the Batch
API's: invalid_json_line, duplicate_custom_id, url_mismatch, too_many_tasks, empty_file,
file_too_large...). With `validate_upload=False` the file is stored as it is and the same checks
run when a batch validates it, as the real API does: the batch goes `failed` with `errors.data`
[{code, line, message, param}].

Progress is scripted, never timed. A batch steps through validating -> in_progress -> finalizing ->
completed (or -> failed at validation, in_progress -> expired, cancel: -> cancelling -> cancelled),
one step every `polls_per_step` retrievals (`GET /v1/batches/{id}`; 0 = only explicit steps), or
by `server.advance(batch_id, steps)` / `server.finish(batch_id)`. Each in_progress step answers
`per_step` pending requests (None = all), in file order; when no request is pending the batch
goes to finalizing, and the next step writes the output and error files and completes it. The
clock is fake: it starts at `clock` and ticks one second per event, so timestamps are
deterministic and ordered.

Scripts: `server.scripts` (a deque of `BatchScript`, one consumed per created batch, else
`server.default_script`) sets polls_per_step, per_step, `expire_after` (the batch expires once
that many requests are answered: the rest are absent from the output, and written to the error
file with code batch_expired when `expired_errors`), `fail` (errors.data entries: the batch fails
at validation) and `errors` (custom_id -> fault kind). `server.request_errors` does the same for
every batch: custom_id -> a kind (every submission fails) or a list of kinds (consumed one per
submission, then answered normally). Kinds: the chat fake's STATIC_ERRORS ("429", "500", "503",
"400", "401", "quota", ...) and "404" give a line with `response.status_code` and the error body;
"error" gives `response: null` and an `error` object.

Output lines: `{"id": "batch_req_...", "custom_id", "response": {"status_code": 200, "request_id",
"body": <chat.completion>}, "error": null}`, the body made by FakeOpenAI._answer (answer_content,
the `answer` hook, translation faults; its id is `chatcmpl-batch-<n>`), so it equals what the chat
endpoint answers for the same body.

Counters (under the lock): `submitted` (Counter: custom_id -> times submitted in a created batch,
across batches), `uploads` (file ids uploaded, refused ones not included), `refused` (uploads
refused), `batches_created`, `polls`, `seen` (every submitted request: {"batch_id", "custom_id",
"body"}), `answered` (requests answered 200). `reset_batch_counters()` zeroes them.
"""

from __future__ import annotations

import collections
import dataclasses
import email.parser
import email.policy
import json
import threading
from typing import Any
from urllib.parse import parse_qs

from fake_openai import CHAT_PATH, STATIC_ERRORS, FakeOpenAI, _error, _Handler

MAX_REQUESTS = 50_000
"""Requests per input file, as OpenAI documents."""
MAX_BYTES = 200 * 1024 * 1024
"""Bytes per batch input file, as OpenAI documents."""
ENDPOINTS = (CHAT_PATH,)
"""The endpoints this fake can run a batch for."""
FILE_PURPOSES = ("assistants", "batch", "fine-tune", "vision", "user_data", "evals")
TERMINAL = ("completed", "failed", "expired", "cancelled")
START_CLOCK = 1_700_000_000
WINDOW = 24 * 3600


@dataclasses.dataclass
class BatchScript:
    """How one batch behaves (see the module docstring)."""

    polls_per_step: int = 1
    per_step: int | None = None
    expire_after: int | None = None
    fail: list[dict] | None = None
    errors: dict[str, str] = dataclasses.field(default_factory=dict)


class BatchInputError(ValueError):
    """A bad batch input file: `code`, `line` (1-based, or None), message."""

    def __init__(self, code: str, message: str, line: int | None = None, param: str | None = None):
        super().__init__(message)
        self.code, self.line, self.param = code, line, param

    def as_batch_error(self) -> dict:
        return {"code": self.code, "line": self.line, "message": str(self), "param": self.param}


def parse_input(content: bytes, filename: str, max_requests: int, max_bytes: int) -> list[dict]:
    """The requests of a batch input file, or BatchInputError for the first thing wrong with it."""
    if not filename.endswith(".jsonl"):
        raise BatchInputError("invalid_file_format", "Invalid file format for Batch API. Must be .jsonl", param="file")
    if len(content) > max_bytes:
        raise BatchInputError("file_too_large", f"File is {len(content)} bytes; the Batch API allows at most {max_bytes}.", param="file")
    requests: list[dict] = []
    seen: set[str] = set()
    for number, raw in enumerate(content.split(b"\n"), 1):
        if not raw.strip():
            continue
        try:
            line = json.loads(raw)
        except ValueError:
            raise BatchInputError("invalid_json_line", "This line is not parseable as valid JSON.", number) from None
        if not isinstance(line, dict):
            raise BatchInputError("invalid_json_line", "This line is not a JSON object.", number)
        custom_id = line.get("custom_id")
        if not isinstance(custom_id, str) or not custom_id:
            raise BatchInputError("missing_required_parameter", "Missing required parameter: 'custom_id'.", number, "custom_id")
        if line.get("method") != "POST":
            raise BatchInputError("invalid_request", "The 'method' of a batch request must be 'POST'.", number, "method")
        if line.get("url") not in ENDPOINTS:
            raise BatchInputError("url_mismatch", f"The 'url' must be one of {list(ENDPOINTS)}; got {line.get('url')!r}.", number, "url")
        if not isinstance(line.get("body"), dict):
            raise BatchInputError("missing_required_parameter", "Missing required parameter: 'body' (an object).", number, "body")
        if custom_id in seen:
            raise BatchInputError("duplicate_custom_id", f"The custom_id {custom_id!r} is used by more than one request.", number, "custom_id")
        seen.add(custom_id)
        requests.append(line)
        if len(requests) > max_requests:
            raise BatchInputError("too_many_tasks", f"The file has more than {max_requests} requests.", number)
    if not requests:
        raise BatchInputError("empty_file", "The batch input file is empty.")
    return requests


class FakeBatchAPI(FakeOpenAI):
    """FakeOpenAI plus the Files and Batches endpoints (see the module docstring)."""

    def __init__(
        self,
        *,
        max_requests: int = MAX_REQUESTS,
        max_bytes: int = MAX_BYTES,
        validate_upload: bool = True,
        expired_errors: bool = True,
        clock: int = START_CLOCK,
        **options: Any,
    ):
        super().__init__(**options)
        self.max_requests = max_requests
        self.max_bytes = max_bytes
        self.validate_upload = validate_upload
        self.expired_errors = expired_errors
        self.default_script = BatchScript()
        self.scripts: collections.deque[BatchScript] = collections.deque()
        self.request_errors: dict[str, str | list[str]] = {}
        self._batch_lock = threading.RLock()  # batch state; FakeOpenAI._lock guards the chat counters
        self._clock = clock
        self._ids = 0
        self.files: dict[str, dict] = {}  # id -> {"object": <FileObject>, "content": bytes}
        self.batches: dict[str, dict] = {}  # id -> {"object": <Batch>, "script", "requests", ...}
        self.reset_batch_counters()

    def reset_batch_counters(self) -> None:
        with self._batch_lock:
            self.submitted: collections.Counter[str] = collections.Counter()
            self.uploads: list[str] = []
            self.refused = 0
            self.batches_created = 0
            self.polls = 0
            self.seen: list[dict] = []
            self.answered = 0

    # ids and time

    def _tick(self) -> int:
        self._clock += 1
        return self._clock

    def _new_id(self, prefix: str) -> str:
        self._ids += 1
        return f"{prefix}{self._ids:08d}"

    # files

    def _store_file(self, content: bytes, filename: str, purpose: str) -> dict:
        with self._batch_lock:
            file_id = self._new_id("file-fake")
            created = self._tick()
            info = {
                "id": file_id, "object": "file", "bytes": len(content), "created_at": created,
                "filename": filename, "purpose": purpose, "status": "processed", "status_details": None,
                "expires_at": created + 30 * 24 * 3600 if purpose in ("batch", "batch_output") else None,
            }  # fmt: skip
            self.files[file_id] = {"object": info, "content": content}
            return info

    def upload(self, content: bytes, filename: str, purpose: str) -> tuple[int, dict]:
        """(status, body) of `POST /v1/files`."""
        if purpose not in FILE_PURPOSES:
            return 400, _error(f"'{purpose}' is not one of {list(FILE_PURPOSES)} - 'purpose'", "invalid_request_error", param="purpose")
        if purpose == "batch" and self.validate_upload:
            try:
                parse_input(content, filename, self.max_requests, self.max_bytes)
            except BatchInputError as bad:
                with self._batch_lock:
                    self.refused += 1
                where = f" (line {bad.line})" if bad.line else ""
                return 400, _error(f"Invalid batch input file{where}: {bad}", "invalid_request_error", bad.code, bad.param or "file")
        info = self._store_file(content, filename, purpose)
        with self._batch_lock:
            self.uploads.append(info["id"])
        return 200, info

    def file(self, file_id: str) -> dict | None:
        with self._batch_lock:
            stored = self.files.get(file_id)
            return stored and stored["object"]

    def content(self, file_id: str) -> bytes | None:
        with self._batch_lock:
            stored = self.files.get(file_id)
            return stored and stored["content"]

    def delete_file(self, file_id: str) -> dict | None:
        with self._batch_lock:
            if self.files.pop(file_id, None) is None:
                return None
        return {"id": file_id, "object": "file", "deleted": True}

    # batches

    def create_batch(self, body: dict) -> tuple[int, dict]:
        """(status, body) of `POST /v1/batches`."""
        file_id, endpoint, window = body.get("input_file_id"), body.get("endpoint"), body.get("completion_window")
        metadata = body.get("metadata")
        if endpoint not in ENDPOINTS:
            return 400, _error(f"Invalid endpoint {endpoint!r}: this fake runs batches for {list(ENDPOINTS)}.", "invalid_request_error", param="endpoint")
        if window != "24h":
            return 400, _error(f"Invalid completion_window {window!r}: only '24h' is supported.", "invalid_request_error", param="completion_window")
        if metadata is not None and (not isinstance(metadata, dict) or len(metadata) > 16):
            return 400, _error("metadata: at most 16 string pairs.", "invalid_request_error", param="metadata")
        with self._batch_lock:
            stored = self.files.get(file_id) if isinstance(file_id, str) else None
            if stored is None:
                return 404, _error(f"No such File object: {file_id}", "invalid_request_error", param="input_file_id")
            if stored["object"]["purpose"] != "batch":
                return 400, _error("The input file must have purpose 'batch'.", "invalid_request_error", param="input_file_id")
            script = self.scripts.popleft() if self.scripts else dataclasses.replace(self.default_script)
            batch_id = self._new_id("batch_fake")
            created = self._tick()
            try:
                requests = parse_input(stored["content"], stored["object"]["filename"], self.max_requests, self.max_bytes)
                invalid = None
            except BatchInputError as bad:
                requests, invalid = [], bad
            info = {
                "id": batch_id, "object": "batch", "endpoint": endpoint, "model": None, "errors": None,
                "input_file_id": file_id, "completion_window": window, "status": "validating",
                "output_file_id": None, "error_file_id": None, "created_at": created,
                "in_progress_at": None, "expires_at": created + WINDOW, "finalizing_at": None,
                "completed_at": None, "failed_at": None, "expired_at": None, "cancelling_at": None,
                "cancelled_at": None, "request_counts": {"total": 0, "completed": 0, "failed": 0},
                "usage": None, "metadata": metadata,
            }  # fmt: skip
            if requests:
                info["model"] = requests[0]["body"].get("model")
            self.batches[batch_id] = {
                "object": info, "script": script, "requests": requests, "invalid": invalid,
                "next": 0, "output": [], "errors": [], "polls": 0,
                "usage": {"input": 0, "output": 0, "cached": 0},
            }  # fmt: skip
            self.batches_created += 1
            for request in requests:
                self.submitted[request["custom_id"]] += 1
                self.seen.append({"batch_id": batch_id, "custom_id": request["custom_id"], "body": request["body"]})
            return 200, json.loads(json.dumps(info))

    def batch(self, batch_id: str) -> dict | None:
        """A copy of the batch object, or None."""
        with self._batch_lock:
            state = self.batches.get(batch_id)
            return json.loads(json.dumps(state["object"])) if state else None

    def poll(self, batch_id: str) -> dict | None:
        """`GET /v1/batches/{id}`: counts a poll, steps the batch every `polls_per_step` polls."""
        with self._batch_lock:
            state = self.batches.get(batch_id)
            if state is None:
                return None
            self.polls += 1
            every = state["script"].polls_per_step
            state["polls"] += 1
            if every and state["polls"] >= every:
                state["polls"] = 0
                self._step(state)
            return self.batch(batch_id)

    def advance(self, batch_id: str, steps: int = 1) -> dict:
        """Step a batch `steps` times (a finished batch stays as it is); return its object."""
        with self._batch_lock:
            state = self.batches[batch_id]
            for _ in range(steps):
                self._step(state)
            return self.batch(batch_id)  # type: ignore[return-value]

    def finish(self, batch_id: str) -> dict:
        """Step a batch until it is finished; return its object."""
        with self._batch_lock:
            state = self.batches[batch_id]
            while state["object"]["status"] not in TERMINAL:
                self._step(state)
            return self.batch(batch_id)  # type: ignore[return-value]

    def cancel(self, batch_id: str) -> tuple[int, dict]:
        with self._batch_lock:
            state = self.batches.get(batch_id)
            if state is None:
                return 404, _error(f"No batch found with id '{batch_id}'.", "invalid_request_error", param="batch_id")
            info = state["object"]
            if info["status"] in TERMINAL:
                return 409, _error(f"Cannot cancel a batch with status '{info['status']}'.", "invalid_request_error", param="batch_id")
            if info["status"] != "cancelling":
                info["status"], info["cancelling_at"] = "cancelling", self._tick()
            return 200, self.batch(batch_id)  # type: ignore[return-value]

    def list_batches(self, limit: int = 20, after: str | None = None) -> dict:
        with self._batch_lock:
            ids = sorted(self.batches, key=lambda b: self.batches[b]["object"]["created_at"], reverse=True)
            start = ids.index(after) + 1 if after in ids else 0
            page = ids[start : start + limit]
            data = [self.batch(b) for b in page]
            return {
                "object": "list", "data": data, "first_id": page[0] if page else None,
                "last_id": page[-1] if page else None, "has_more": start + limit < len(ids),
            }  # fmt: skip

    def list_files(self, limit: int = 10_000, after: str | None = None, purpose: str | None = None) -> dict:
        with self._batch_lock:
            ids = [f for f in sorted(self.files, reverse=True) if purpose in (None, self.files[f]["object"]["purpose"])]
            start = ids.index(after) + 1 if after in ids else 0
            page = ids[start : start + limit]
            data = [dict(self.files[f]["object"]) for f in page]
            return {"object": "list", "data": data, "first_id": page[0] if page else None,
                    "last_id": page[-1] if page else None, "has_more": start + limit < len(ids)}  # fmt: skip

    # the state machine (caller holds _batch_lock)

    def _step(self, state: dict) -> None:
        info, script = state["object"], state["script"]
        status = info["status"]
        if status == "validating":
            errors = script.fail
            if errors is None and state["invalid"] is not None:
                errors = [state["invalid"].as_batch_error()]
            if errors is not None:
                info.update(status="failed", failed_at=self._tick(), errors={"object": "list", "data": errors})
            else:
                info.update(status="in_progress", in_progress_at=self._tick())
                info["request_counts"]["total"] = len(state["requests"])
        elif status == "in_progress":
            self._work(state)
        elif status == "finalizing":
            self._write_files(state)
            info.update(status="completed", completed_at=self._tick())
        elif status == "cancelling":
            self._write_files(state)
            info.update(status="cancelled", cancelled_at=self._tick())

    def _work(self, state: dict) -> None:
        """Answer the next `per_step` requests; expire or go to finalizing when it is time."""
        info, script, requests = state["object"], state["script"], state["requests"]
        budget = script.per_step if script.per_step is not None else len(requests)
        while budget > 0 and state["next"] < len(requests):
            if script.expire_after is not None and state["next"] >= script.expire_after:
                break
            self._run(state, requests[state["next"]])
            state["next"] += 1
            budget -= 1
        if script.expire_after is not None and state["next"] >= script.expire_after and state["next"] < len(requests):
            if self.expired_errors:
                for request in requests[state["next"] :]:
                    message = "This request could not be executed before the completion window expired."
                    state["errors"].append(self._line(state, request, None, {"code": "batch_expired", "message": message}))
            self._write_files(state)
            info.update(status="expired", expired_at=self._tick())
        elif state["next"] >= len(requests):
            info.update(status="finalizing", finalizing_at=self._tick())

    def _line(self, state: dict, request: dict, response: dict | None, error: dict | None) -> dict:
        number = len(state["output"]) + len(state["errors"])
        return {"id": f"batch_req_{state['object']['id']}_{number:06d}", "custom_id": request["custom_id"],
                "response": response, "error": error}  # fmt: skip

    def _fault_for(self, state: dict, custom_id: str) -> str | None:
        kind = state["script"].errors.get(custom_id)
        if kind is not None:
            return kind
        scripted = self.request_errors.get(custom_id)
        if isinstance(scripted, list):
            return scripted.pop(0) if scripted else None
        return scripted

    def _run(self, state: dict, request: dict) -> None:
        """Answer one request into the output, or its scripted fault into the error file."""
        info, counts = state["object"], state["object"]["request_counts"]
        custom_id, body = request["custom_id"], request["body"]
        request_id = f"req_fake_{info['id']}_{state['next']:06d}"
        fault = self._fault_for(state, custom_id)
        if fault is None:
            with self._batch_lock:
                number = self.answered
                self.answered += 1
            completion = self._answer(body, number, None)
            completion["id"] = f"chatcmpl-batch-{number:06d}"
            usage = completion["usage"]
            state["usage"]["input"] += usage["prompt_tokens"]
            state["usage"]["output"] += usage["completion_tokens"]
            state["usage"]["cached"] += usage["prompt_tokens_details"]["cached_tokens"]
            response = {"status_code": 200, "request_id": request_id, "body": completion}
            state["output"].append(self._line(state, request, response, None))
            counts["completed"] += 1
            return
        if fault == "error":
            line = self._line(state, request, None, {"code": "server_error", "message": "The request could not be processed."})
        elif fault == "404":
            model = body.get("model") or self.model
            error = _error(f"The model `{model}` does not exist or you do not have access to it.", "invalid_request_error", "model_not_found")
            line = self._line(state, request, {"status_code": 404, "request_id": request_id, "body": error}, None)
        elif fault in STATIC_ERRORS:
            status, error = STATIC_ERRORS[fault]
            line = self._line(state, request, {"status_code": status, "request_id": request_id, "body": error}, None)
        else:
            raise ValueError(f"fake batch: unknown request fault {fault!r}")
        state["errors"].append(line)
        counts["failed"] += 1

    def _write_files(self, state: dict) -> None:
        """The output file (answered requests) and error file (failed ones), where there are lines."""
        info = state["object"]
        batch_id = info["id"]
        for key, field in (("output", "output_file_id"), ("errors", "error_file_id")):
            lines = state[key]
            if lines and info[field] is None:
                data = "".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines).encode("utf-8")
                info[field] = self._store_file(data, f"{batch_id}_{key}.jsonl", "batch_output")["id"]
        used = state["usage"]
        if used["input"] or used["output"]:
            info["usage"] = {
                "input_tokens": used["input"], "input_tokens_details": {"cached_tokens": used["cached"]},
                "output_tokens": used["output"], "output_tokens_details": {"reasoning_tokens": 0},
                "total_tokens": used["input"] + used["output"],
            }  # fmt: skip


def _multipart(content_type: str, raw: bytes) -> dict[str, tuple[str | None, bytes]]:
    """The parts of a multipart/form-data body: name -> (filename, bytes)."""
    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
        b"Content-Type: " + content_type.encode("latin-1") + b"\r\n\r\n" + raw
    )
    parts: dict[str, tuple[str | None, bytes]] = {}
    if not message.is_multipart():
        return parts
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        if name:
            parts[str(name)] = (part.get_filename(), part.get_payload(decode=True) or b"")
    return parts


class _BatchHandler(_Handler):
    """Routes the Files and Batches endpoints to FakeBatchAPI; the rest as _Handler does."""

    server: Any

    def _query(self) -> tuple[str, dict[str, str]]:
        path, _, query = self.path.partition("?")
        return path.rstrip("/"), {k: v[-1] for k, v in parse_qs(query).items()}

    def _limit(self, query: dict[str, str], default: int) -> int | None:
        try:
            limit = int(query.get("limit", default))
        except ValueError:
            limit = 0
        if not 1 <= limit <= 100 and "limit" in query:
            self._send_json(400, _error("limit must be between 1 and 100.", "invalid_request_error", param="limit"))
            return None
        return limit

    def _missing(self, what: str, ident: str) -> None:
        self._send_json(404, _error(f"No such {what}: {ident}", "invalid_request_error", param="id"))

    def do_GET(self) -> None:
        fake: FakeBatchAPI = self.server.fake
        path, query = self._query()
        parts = path.split("/")[1:]  # ["v1", "batches", id, ...]
        if parts[:2] == ["v1", "batches"] and len(parts) == 2:
            limit = self._limit(query, 20)
            if limit is not None:
                self._send_json(200, fake.list_batches(limit, query.get("after")))
        elif parts[:2] == ["v1", "batches"] and len(parts) == 3:
            found = fake.poll(parts[2])
            self._send_json(200, found) if found else self._missing("batch", parts[2])
        elif parts[:2] == ["v1", "files"] and len(parts) == 2:
            self._send_json(200, fake.list_files(int(query.get("limit", 10_000)), query.get("after"), query.get("purpose")))
        elif parts[:2] == ["v1", "files"] and len(parts) == 3:
            found = fake.file(parts[2])
            self._send_json(200, found) if found else self._missing("File object", parts[2])
        elif parts[:2] == ["v1", "files"] and len(parts) == 4 and parts[3] == "content":
            data = fake.content(parts[2])
            if data is None:
                self._missing("File object", parts[2])
            else:
                self._send(200, data, content_type="application/octet-stream")
        else:
            super().do_GET()

    def do_DELETE(self) -> None:
        self._read_body()
        path, _ = self._query()
        parts = path.split("/")[1:]
        if parts[:2] == ["v1", "files"] and len(parts) == 3:
            deleted = self.server.fake.delete_file(parts[2])
            self._send_json(200, deleted) if deleted else self._missing("File object", parts[2])
        else:
            self._not_found()

    def do_POST(self) -> None:
        fake: FakeBatchAPI = self.server.fake
        path, _ = self._query()
        if path == CHAT_PATH:
            super().do_POST()
            return
        raw = self._read_body()
        parts = path.split("/")[1:]
        if path == "/v1/files":
            form = _multipart(self.headers.get("Content-Type", ""), raw)
            if "file" not in form:
                self._send_json(400, _error("Missing required parameter: 'file'.", "invalid_request_error", param="file"))
                return
            filename, data = form["file"]
            purpose = form.get("purpose", (None, b""))[1].decode("utf-8", "replace")
            self._send_json(*fake.upload(data, filename or "upload", purpose))
        elif path == "/v1/batches":
            try:
                body = json.loads(raw or b"{}")
            except ValueError:
                body = None
            if not isinstance(body, dict):
                self._send_json(400, _error("We could not parse the JSON body of your request.", "invalid_request_error"))
                return
            self._send_json(*fake.create_batch(body))
        elif parts[:2] == ["v1", "batches"] and len(parts) == 4 and parts[3] == "cancel":
            self._send_json(*fake.cancel(parts[2]))
        else:
            self._not_found()


FakeBatchAPI.handler_class = _BatchHandler
