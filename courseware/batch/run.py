"""`courseware build SPECS --batch`: a catalogue's calls through the provider's Batch API.

A batch build runs in rounds. Each round builds every course not yet done, as a live build would,
except that its model calls go through a `BatchChat`: what the batches answered is read and checked,
everything else is collected. A course whose every answer is in is written and rendered, and done.
The requests collected are put into batches (the ones an open batch already holds are not), the
build waits for every open batch to end, and the next round reads their answers: the tasks they
answer are written, a re-ask of an invalid answer and the translations of finished content are
collected for the next batch, and so on until every course is done.

Nothing but the batch folder carries a build from one round, or one run, to the next: a rerun after
a kill reads the same records and waits for the same batches.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from itertools import count
from pathlib import Path
from typing import Any

from courseware.batch.collect import Collector, Waiting
from courseware.batch.store import BatchStore
from courseware.batch.submit import plan_batches, send, wait
from courseware.build import Options, Report, build
from courseware.errors import CoursewareError

DEFAULT_FOLDER = Path(".courseware/batches")
DEFAULT_POLL_SECONDS = 60.0


@dataclass(frozen=True)
class BatchOptions:
    folder: Path = DEFAULT_FOLDER
    poll: float = DEFAULT_POLL_SECONDS  # seconds between looks at the open batches
    finish_live: bool = False  # ask live what a batch ended without answering, instead of a new batch
    timeout: float = 120.0  # the SDK's timeout for a client made for a batch no course of this run asks


@dataclass
class Rounds:
    """A batch build's state over its rounds: the courses done, and each course's report so far."""

    specs: list[Path]
    options: Options  # with the collector
    collector: Collector
    done: dict[Path, Report | CoursewareError] = field(default_factory=dict)
    reports: dict[Path, Report] = field(default_factory=dict)
    clients: dict[str, Any] = field(default_factory=dict)  # base URL -> the SDK client its courses ask with

    def round(self) -> None:
        """Build each course not done yet with what the batches answered; collect what is left."""
        self.collector.refresh()
        for path in self.specs:
            if path in self.done:
                continue
            try:
                report = build(path, self.options)
            except CoursewareError as exc:
                self.done[path] = exc
                continue
            report = self.reports[path] = _merged(self.reports.get(path, report), report)
            if not report.waiting:
                self.done[path] = report
        self.clients.update({w.base_url: w.client for w in self.collector.pending.values()})

    def finished(self) -> bool:
        return len(self.done) == len(self.specs)

    def results(self) -> list[tuple[Path, Report | CoursewareError]]:
        return [(path, self.done.get(path) or self.reports[path]) for path in self.specs]


def rounds(specs: list[Path], options: Options, batch: BatchOptions) -> Rounds:
    collector = Collector(BatchStore(batch.folder), batch.finish_live)
    return Rounds(specs, replace(options, batch=collector), collector)


def build_batch(specs: list[Path], options: Options, batch: BatchOptions, say: Callable[[str], None]) -> list[tuple[Path, Report | CoursewareError]]:
    """Build every spec through batches; each course's report (or its error) in spec order."""
    run = rounds(specs, options, batch)
    with run.collector.store.only_user():
        return _build_rounds(run, batch, say)


def _build_rounds(run: Rounds, batch: BatchOptions, say: Callable[[str], None]) -> list[tuple[Path, Report | CoursewareError]]:
    store, collector = run.collector.store, run.collector
    for round_number in count(1):
        run.round()
        if run.finished():
            break
        submitted = _submit(store, collector, run.clients)
        held = collector.requests() - submitted
        say(f"round {round_number}: {collector.requests()} request(s) wait for a batch ({submitted} submitted now, {held} in batches submitted before)")
        if not submitted and not any(not r.collected for r in store.records()):
            raise CoursewareError(f"{batch.folder}: round {round_number} found requests to ask but no batch to ask them in; see 'courseware batch status'")
        wait(store, lambda base_url: run.clients.get(base_url) or _client(base_url, batch.timeout), batch.poll, say)
    return run.results()


def _submit(store: BatchStore, collector: Collector, clients: dict[str, Any]) -> int:
    """Put what this round collected into new batches, except what an open batch holds already."""
    held = collector.outcome.waiting
    submitted = 0
    for waiting in collector.pending.values():
        new = {c: body for c, body in waiting.bodies.items() if c not in held}
        if not new:
            continue
        for record in plan_batches(store, Waiting(waiting.base_url, waiting.model, waiting.client, new)):
            send(store, record, clients[record.base_url])
            submitted += len(record.requests)
    return submitted


def _merged(first: Report, later: Report) -> Report:
    """The course's report over every round: the statuses it was planned with, all it generated."""
    if first is later:
        return later
    generated = first.generated + [t for t in later.generated if t not in first.generated]
    written = first.written + [p for p in later.written if p not in first.written]
    return replace(later, statuses=first.statuses, generated=generated, written=written, backups=first.backups + later.backups)


def _client(base_url: str, timeout: float) -> Any:
    from courseware.generate.openai_provider import openai_client

    return openai_client(base_url, timeout)
