"""Batches at the provider, through the official SDK: input files within the API's limits, upload
and create (each step recorded first, found again after a kill), polling, and the results.

Nothing is submitted twice. A record is written before its file is uploaded; a rerun that finds a
record without a file id looks for the upload by its file name, one without a batch id for a batch
made from its file, before it uploads or creates anything.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from typing import Any

from courseware import redact
from courseware.batch.collect import Waiting
from courseware.batch.store import ENDPOINT, TERMINAL, BatchStore, Record
from courseware.errors import CoursewareError, GenerationError

MAX_REQUESTS = 50_000  # requests per input file (OpenAI and Azure OpenAI)
MAX_BYTES = 200 * 1024 * 1024  # bytes per input file
COMPLETION_WINDOW = "24h"
READ_RETRIES = 5  # the SDK's retries for polling and downloading, over a build that may wait for hours
LIST_PAGES = 20  # pages of 100 batches searched for one a killed build created but did not record


def request_line(custom_id: str, body: dict) -> bytes:
    """One line of a batch input file, as OpenAI's and vLLM's batch runners read it."""
    return json.dumps({"custom_id": custom_id, "method": "POST", "url": ENDPOINT, "body": body}, ensure_ascii=False, sort_keys=True).encode("utf-8") + b"\n"


def chunks(lines: list[tuple[str, bytes]], max_requests: int = MAX_REQUESTS, max_bytes: int = MAX_BYTES) -> Iterator[list[tuple[str, bytes]]]:
    """The lines cut into files of at most `max_requests` lines and `max_bytes` bytes each."""
    chunk: list[tuple[str, bytes]] = []
    size = 0
    for custom_id, line in lines:
        if len(line) > max_bytes:
            raise GenerationError(f"request {custom_id} takes {len(line)} bytes, more than a batch file may hold ({max_bytes}); build it live")
        if chunk and (len(chunk) == max_requests or size + len(line) > max_bytes):
            yield chunk
            chunk, size = [], 0
        chunk.append((custom_id, line))
        size += len(line)
    if chunk:
        yield chunk


def plan_batches(store: BatchStore, waiting: Waiting) -> list[Record]:
    """Record the batches for what `waiting` holds that no open batch holds already."""
    lines = [(c, request_line(c, body)) for c, body in sorted(waiting.bodies.items())]
    return [store.new_record(waiting.base_url, waiting.model, [line for _, line in chunk], [c for c, _ in chunk]) for chunk in chunks(lines)]


def send(store: BatchStore, record: Record, client: Any) -> None:
    """Upload the record's input file and create its batch, unless a killed build already did."""
    with _api(record):
        if record.file_id is None:
            record.file_id = _uploaded(client, record) or client.files.create(file=(record.input, store.read(record.input), "application/jsonl"), purpose="batch").id
            record.status = "uploaded"
            store.save(record)
        if record.batch_id is None:
            batch = _created(client, record) or client.batches.create(
                input_file_id=record.file_id, endpoint=ENDPOINT, completion_window=COMPLETION_WINDOW, metadata={"courseware_batch": record.name}
            )
            record.batch_id, record.status = batch.id, batch.status
            store.save(record)


def poll(store: BatchStore, record: Record, client: Any) -> bool:
    """Look at the batch once; when it has ended, download its results. True when collected. Only
    these reads are retried by the SDK (on connection errors, 429 and 5xx): creating a batch is
    never retried blindly, a rerun first looks for the one a lost answer may have created."""
    client = client.with_options(max_retries=READ_RETRIES)
    with _api(record):
        batch = client.batches.retrieve(record.batch_id)
        counts = batch.request_counts
        record.counts = {"total": counts.total, "completed": counts.completed, "failed": counts.failed} if counts else {}
        record.status = batch.status
        if batch.status not in TERMINAL:
            store.save(record)
            return False
        for file_id, name in ((batch.output_file_id, record.output), (batch.error_file_id, record.errors)):
            if file_id:
                store.write(name, client.files.content(file_id).read())
        if batch.status == "failed" and batch.errors and batch.errors.data:
            record.note = "; ".join(f"{e.code}: {e.message}" + (f" (line {e.line})" if e.line else "") for e in batch.errors.data[:3])
        record.collected = True
        store.save(record)
        return True


def wait(store: BatchStore, clients: Callable[[str], Any], every: float, say: Callable[[str], None]) -> None:
    """Poll every open batch until each has ended and its results are here."""
    shown: dict[str, str] = {}
    while True:
        open_records = [r for r in store.records() if not r.collected and r.kind == "batch"]
        if not open_records:
            return
        for record in open_records:
            client = clients(record.base_url)
            if record.batch_id is None:
                send(store, record, client)  # a build killed between recording a batch and creating it
            poll(store, record, client)
            line = describe(record)
            if shown.get(record.name) != line:
                say(line)
                shown[record.name] = line
        if not all(r.collected for r in open_records):  # poll() marks a record collected in place
            time.sleep(every)


def describe(record: Record) -> str:
    """A batch's line in the build's output and in `courseware batch status`."""
    counts = record.counts
    done = f", {counts.get('completed', 0)}/{counts.get('total', len(record.requests))} answered, {counts.get('failed', 0)} failed" if counts else ""
    where = record.batch_id or "not created yet"
    note = f" ({record.note})" if record.note else ""
    return f"batch {record.name} ({where}, {len(record.requests)} requests to {record.model}): {record.status}{done}{note}"


def _uploaded(client: Any, record: Record) -> str | None:
    """The id of this record's input file if a killed build uploaded it (found by its file name)."""
    for file in client.files.list(purpose="batch"):
        if file.filename == record.input:
            return file.id
    return None


def _created(client: Any, record: Record) -> Any:
    """The batch made from this record's file, if a killed build created it without recording it."""
    page = client.batches.list(limit=100)
    for _ in range(LIST_PAGES):
        for batch in page.data:
            if batch.input_file_id == record.file_id:
                return batch
        if not page.has_next_page():
            return None
        page = page.get_next_page()
    return None


class _api:
    """The SDK's errors as one-line build errors naming the batch; a server without a Batch API
    (llama.cpp, vLLM's server, Ollama) gets the self-hosted way instead."""

    def __init__(self, record: Record):
        self.record = record

    def __enter__(self) -> None:
        return None

    def __exit__(self, kind: type | None, exc: BaseException | None, traceback: Any) -> bool:
        import openai

        if exc is None or not isinstance(exc, openai.OpenAIError):
            return False
        where = f"batch {self.record.name} at {self.record.base_url}"
        if isinstance(exc, openai.NotFoundError) and self.record.batch_id is None:
            raise CoursewareError(f"{where}: the server has no Batch API (404); for a server of your own, write the requests with 'courseware batch export', run them (vllm run-batch) and read the results with 'courseware batch import'") from None
        if isinstance(exc, openai.AuthenticationError):
            raise CoursewareError(f"{where}: the server refused the API key (401); set OPENAI_API_KEY to a valid key") from None
        if isinstance(exc, openai.APIStatusError):
            raise CoursewareError(f"{where}: the server answered {exc.status_code}: {redact.one_line(str(exc))}; rerun the same command to carry on (nothing is submitted twice)") from None
        raise CoursewareError(f"{where}: {redact.one_line(str(exc)) or type(exc).__name__}; rerun the same command to carry on (nothing is submitted twice)") from None
