"""Run a build's tasks: a bounded number in flight, each result kept as soon as it is done."""

from __future__ import annotations

import gc
import sys
import threading
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from typing import Any

from courseware.errors import CoursewareError
from courseware.generate.forked import processes_for, run_forked
from courseware.generate.provider import FatalProviderError, Provider
from courseware.generate.stats import Stats
from courseware.plan import Task


def run_tasks(
    tasks: list[Task], generate: Callable[[Task], Any], jobs: int, progress: Progress, on_done: Callable[[Task, Any], None] | None = None, provider: Provider | None = None
) -> tuple[dict[str, Any], dict[str, CoursewareError]]:
    """Generate every task with at most `jobs` in flight; a fatal provider error stops the rest.

    `on_done(task, result)` runs in this thread as each task finishes (after the freed slots are
    refilled), so finished work is saved while the other calls are still in flight. With a
    `provider` that can be forked and COURSEWARE_PROCESSES above 1, the tasks are shared among
    forked processes (generate/forked.py): the same results."""
    gc.freeze()  # the spec, passages and plan outlive the calls: the collector need not walk them again (nor a fork copy them)
    try:
        processes = processes_for(jobs, len(tasks)) if provider is not None and provider.forks else 1
        if processes > 1:
            return run_forked(tasks, generate, jobs, progress, on_done, provider, processes)
        return _run(tasks, generate, jobs, progress, on_done)
    finally:
        gc.unfreeze()


def _run(
    tasks: list[Task], generate: Callable[[Task], Any], jobs: int, progress: Progress, on_done: Callable[[Task, Any], None] | None, halt: threading.Event | None = None
) -> tuple[dict[str, Any], dict[str, CoursewareError]]:
    """run_tasks' loop (the objects made before it frozen meanwhile); a set `halt` takes no more tasks."""
    results: dict[str, Any] = {}
    failures: dict[str, CoursewareError] = {}
    progress.start(len(tasks))
    pending = list(reversed(tasks))
    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        running: dict[Future, Task] = {}
        stop = False
        while pending or running:
            while pending and not stop and not (halt and halt.is_set()) and len(running) < jobs:
                task = pending.pop()
                running[pool.submit(generate, task)] = task
            if not running:
                break
            done, _ = wait(running, return_when=FIRST_COMPLETED)
            finished = []
            for future in done:
                task = running.pop(future)
                try:
                    results[task.id] = future.result()
                    finished.append(task)
                except FatalProviderError as exc:
                    failures[task.id] = exc
                    stop = True
                except CoursewareError as exc:
                    failures[task.id] = exc
                progress.advance(task, task.id not in failures)
            while pending and not stop and not (halt and halt.is_set()) and len(running) < jobs:
                task = pending.pop()
                running[pool.submit(generate, task)] = task
            for task in finished:
                if on_done is not None:
                    on_done(task, results[task.id])
    progress.finish()
    return results, failures


class Progress:
    """Tasks done and left, tokens and failures: a live bar on a terminal, plain lines elsewhere."""

    def __init__(self, stats: Stats, enabled: bool):
        self.stats = stats
        self.enabled = enabled
        self.done = 0
        self.total = 0
        self.bar: Any = None

    def start(self, total: int) -> None:
        self.total, self.done = total, 0  # a build runs its content, then its translations, through one Progress
        if not self.enabled or not total:
            return
        if sys.stdout.isatty():
            from rich.progress import BarColumn, MofNCompleteColumn, Progress as Bar, TextColumn, TimeElapsedColumn

            self.bar = Bar(TextColumn("generating"), BarColumn(), MofNCompleteColumn(), TextColumn("{task.fields[detail]}"), TimeElapsedColumn(), transient=True)
            self.bar.start()
            self.bar_task = self.bar.add_task("generate", total=total, detail="")

    def advance(self, task: Task, ok: bool) -> None:
        self.done += 1
        if not self.enabled:
            return
        stats = self.stats
        detail = f"tokens {stats.prompt_tokens + stats.completion_tokens}, failures {stats.failures + (0 if ok else 1)}"
        if self.bar is not None:
            self.bar.update(self.bar_task, advance=1, detail=detail)
        else:
            print(f"[{self.done}/{self.total}] {task.id} {'done' if ok else 'FAILED'} ({detail})", flush=True)
        if not ok:
            stats.add(failures=1)

    def finish(self) -> None:
        if self.bar is not None:
            self.bar.stop()
