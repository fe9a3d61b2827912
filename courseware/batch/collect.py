"""A batch build's rounds see the model through a `BatchChat`: an answer the batches already gave
is read from their results and checked like a live one; any other request is collected for the
next batch and its task waits (`Deferred`).

The request is exactly the one a live build sends (`Chat.request`), so a batch build writes the
same content as a live one. Its custom id is the content key (a re-ask or a retry after a runaway,
which vary the seed, are named by a hash of their variation), so a rerun, a re-ask and another
course asking the same thing all find one answer.
"""

from __future__ import annotations

import hashlib
import re
import threading
from dataclasses import dataclass, field, replace
from typing import Any

from courseware.batch.store import MAX_ATTEMPTS, BatchStore, Outcome
from courseware.errors import GenerationError
from courseware.generate.chat import Answer, Chat, Runaway, usage_of
from courseware.generate.provider import Deferred
from courseware.generate.stats import Stats

CUSTOM_ID = re.compile(r"[0-9a-f]{64}")


def custom_id(request_id: str) -> str:
    """The content key as it is (64 hex digits: within the Batch API's limit), anything else hashed."""
    return request_id if CUSTOM_ID.fullmatch(request_id) else hashlib.sha256(request_id.encode("utf-8")).hexdigest()


@dataclass
class Waiting:
    """The requests one server and model are to be asked in a batch, and the client to ask it with."""

    base_url: str
    model: str
    client: Any
    bodies: dict[str, dict] = field(default_factory=dict)  # custom id -> request body


class Collector:
    """One batch build: the store's outcome for this round, the requests collected in it, and the
    counters of each course across rounds (an answer is counted the round it is first read)."""

    def __init__(self, store: BatchStore, finish_live: bool = False):
        self.store = store
        self.finish_live = finish_live
        self.outcome = Outcome({}, {}, frozenset())
        self.pending: dict[tuple[str, str], Waiting] = {}
        self.read: set[str] = set()
        self._stats: dict[str, Stats] = {}
        self.lock = threading.Lock()  # a round's tasks run in threads

    def refresh(self) -> None:
        """A new round: read what the batches answered so far, collect afresh."""
        self.outcome = self.store.outcome()
        self.pending = {}

    def stats(self, course_id: str) -> Stats:
        return self._stats.setdefault(course_id, Stats())

    def chat(self, chat: Chat) -> BatchChat:
        return BatchChat(chat, self)

    def defer(self, chat: Chat, request_id: str, body: dict) -> None:
        with self.lock:
            waiting = self.pending.setdefault((chat.base_url, body["model"]), Waiting(chat.base_url, body["model"], chat.client))
            waiting.bodies[request_id] = body

    def first_read(self, name: str) -> bool:
        """Whether this round is the first to read the answer `name` (its tokens are counted then)."""
        with self.lock:
            fresh = name not in self.read
            self.read.add(name)
            return fresh

    def requests(self) -> int:
        return sum(len(w.bodies) for w in self.pending.values())


class BatchChat:
    """`Chat.ask` for a batch round: the batch's answer, or the request collected and the task deferred."""

    def __init__(self, chat: Chat, collector: Collector):
        self.chat, self.collector = chat, collector

    def ask(self, messages: list[dict], response_format: dict | None, variation: str = "", request_id: str = "") -> Answer:
        collector, name = self.collector, custom_id(request_id or variation)
        body = collector.outcome.answers.get(name)
        if body is not None:
            return self._answer(name, body)
        tried, reason = collector.outcome.unanswered.get(name, (0, ""))
        if tried and collector.finish_live:
            return self.chat.ask(messages, response_format, variation, request_id)  # what the batches left, asked live
        if tried >= MAX_ATTEMPTS:
            raise GenerationError(f"{tried} batches ended without answering this request (last: {reason}); rerun with --finish-live to ask what is left live")
        collector.defer(self.chat, name, self.chat.request(messages, response_format, variation))
        raise Deferred("waiting for a batch")

    def _answer(self, name: str, body: dict) -> Answer:
        """The batch's answer, checked as a live one is. Its calls and tokens are counted the first
        round it is read (a re-ask's answer is read again each round until the re-ask is answered)."""
        from openai.types.chat import ChatCompletion
        from pydantic import ValidationError

        fresh = self.collector.first_read(name)
        try:
            response = ChatCompletion.model_validate(body)
        except ValidationError as exc:
            raise GenerationError(f"the batch answer {name} is not a chat completion: {exc.errors()[0]['msg']}") from None
        usage = usage_of(response)
        if fresh:
            self.chat.stats.add(
                calls=1, prompt_tokens=usage["prompt"], completion_tokens=usage["completion"], cached_tokens=usage["cached"],
                batch_prompt_tokens=usage["prompt"], batch_completion_tokens=usage["completion"], batch_cached_tokens=usage["cached"],
            )
        try:
            answer = self.chat.verdict(response, usage)
        except Runaway as exc:
            exc.fresh = fresh
            raise
        return replace(answer, fresh=fresh)
