"""The batch folder (`.courseware/batches/`): what a batch build submitted, and what came back.

A batch is recorded here before anything is sent, and again at each step (input file written,
uploaded, batch created, finished, results downloaded), so a rerun after a kill, or on another
machine with the same folder, picks up each batch where it stood instead of submitting it again:

    <name>.json            the record: base URL, model, request ids, file and batch ids, status, counts
    <name>.jsonl           the input file as uploaded (one request per line, OpenAI's batch format)
    <name>.output.jsonl    the answers, downloaded when the batch ended
    <name>.errors.jsonl    the requests that failed, downloaded with them

A results file from `vllm run-batch`, read in by `courseware batch import`, is kept the same way
(a record of kind "import" and its output file). Every file is written whole and renamed into place.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path

from courseware.errors import CoursewareError
from courseware.writer import Writer

ENDPOINT = "/v1/chat/completions"
TERMINAL = ("completed", "failed", "expired", "cancelled")
MAX_ATTEMPTS = 3  # batches that may fail to answer a request before the build says so


@dataclass
class Record:
    """One batch as this folder knows it."""

    name: str
    base_url: str
    model: str
    requests: list[str]  # custom ids, in file order
    kind: str = "batch"  # or "import": answers read from a results file
    file_id: str | None = None
    batch_id: str | None = None
    status: str = "written"  # written, uploaded, then the API's: validating, in_progress, finalizing, completed ...
    counts: dict[str, int] = field(default_factory=dict)  # the API's request_counts: total, completed, failed
    collected: bool = False  # the batch ended and its output and error files are here
    note: str = ""  # why a batch failed (its errors), or where imported answers came from

    @property
    def input(self) -> str:
        return f"{self.name}.jsonl"

    @property
    def output(self) -> str:
        return f"{self.name}.output.jsonl"

    @property
    def errors(self) -> str:
        return f"{self.name}.errors.jsonl"


@dataclass(frozen=True)
class Outcome:
    """What the collected batches say: answers by custom id, and the requests they left unanswered."""

    answers: dict[str, dict]  # custom id -> the chat completion's body
    unanswered: dict[str, tuple[int, str]]  # custom id -> (batches that ended without its answer, the last reason)
    waiting: frozenset[str]  # custom ids in a batch that has not been collected yet


class BatchStore:
    def __init__(self, folder: Path):
        self.folder = folder

    @contextmanager
    def only_user(self) -> Iterator[None]:
        """Hold the folder for one batch build: two at once would both submit what neither had yet."""
        from filelock import FileLock, Timeout

        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            lock = FileLock(self.folder / ".lock", timeout=0)
            lock.acquire()
        except Timeout:
            raise CoursewareError(f"{self.folder}: another batch build is using this batch folder; wait for it to finish, or give this one --batches DIR") from None
        except OSError as exc:
            raise CoursewareError(f"{self.folder}: cannot write ({exc.strerror or exc}); check the folder's permissions and free space") from None
        try:
            yield
        finally:
            lock.release()

    def records(self) -> list[Record]:
        """Every record, oldest first (names start with their creation order)."""
        if not self.folder.is_dir():
            return []
        found = []
        for path in sorted(self.folder.glob("*.json")):
            try:
                found.append(Record(**json.loads(path.read_text("utf-8"))))
            except (OSError, ValueError, TypeError) as exc:
                raise CoursewareError(f"{path}: not a batch record this version can read ({exc}); move it away if it is not one") from None
        return found

    def save(self, record: Record) -> None:
        self.write(f"{record.name}.json", (json.dumps(asdict(record), indent=1, sort_keys=True) + "\n").encode("utf-8"))

    def write(self, relative: str, data: bytes) -> None:
        """Write a file whole and rename it into place (a Writer each time: a record is saved at each step)."""
        Writer(self.folder).write_bytes(relative, data)

    def read(self, relative: str) -> bytes:
        return (self.folder / relative).read_bytes()

    def new_record(self, base_url: str, model: str, lines: list[bytes], ids: list[str], kind: str = "batch", note: str = "") -> Record:
        """A record for these request lines, named by their content and its place in the folder;
        the input file is written first, then the record, so a record always has its input."""
        digest = hashlib.sha256(b"".join(lines)).hexdigest()[:12]
        number = sum(1 for _ in self.folder.glob("*.json")) + 1 if self.folder.is_dir() else 1  # counted, not read
        record = Record(f"{number:04d}-{kind}-{digest}", base_url, model, ids, kind=kind)
        if kind == "import":  # answers already: nothing to submit or wait for
            record.status, record.collected, record.note = "imported", True, note
        self.write(record.input if kind == "batch" else record.output, b"".join(lines))
        self.save(record)
        return record

    def outcome(self) -> Outcome:
        """Read every collected record's results: the answers, and what is still to ask."""
        answers: dict[str, dict] = {}
        reasons: dict[str, str] = {}
        attempts: Counter[str] = Counter()
        waiting: set[str] = set()
        for record in self.records():
            if not record.collected:
                waiting.update(record.requests)
                continue
            failed = {}
            for name in (record.output, record.errors):
                if (self.folder / name).is_file():
                    for line in self.read(name).splitlines():
                        custom_id, body, reason = result_line(line)
                        if body is not None:
                            answers[custom_id] = body
                        elif custom_id is not None:
                            failed[custom_id] = reason
            if record.kind == "batch":
                for custom_id in record.requests:
                    if custom_id not in answers:
                        attempts[custom_id] += 1
                        reasons[custom_id] = failed.get(custom_id) or record.note or f"the batch {record.status} without answering it"
        unanswered = {c: (attempts[c], reasons[c]) for c in attempts if c not in answers}
        return Outcome(answers, unanswered, frozenset(waiting - answers.keys()))


def result_line(line: bytes) -> tuple[str | None, dict | None, str]:
    """(custom id, the completion's body or None, why there is none) of one output or error line.
    OpenAI's lines wrap the body as response.body with a status code; `vllm run-batch` writes the
    same shape (older versions put the completion itself in `response`)."""
    try:
        entry = json.loads(line)
    except ValueError:
        return None, None, "not JSON"
    if not isinstance(entry, dict) or not isinstance(entry.get("custom_id"), str):
        return None, None, "no custom_id"
    response = entry.get("response")
    if isinstance(response, dict):
        body = response.get("body", response if "choices" in response else None)
        status = response.get("status_code", 200)
        if status == 200 and isinstance(body, dict) and body.get("choices"):
            return entry["custom_id"], body, ""
        error = body.get("error") if isinstance(body, dict) else None
        message = error.get("message") if isinstance(error, dict) else None
        return entry["custom_id"], None, f"status {status}" + (f": {message}" if message else "")
    error = entry.get("error")
    if isinstance(error, dict):
        return entry["custom_id"], None, f"{error.get('code') or 'error'}: {error.get('message') or ''}".rstrip(": ")
    return entry["custom_id"], None, "no response"
