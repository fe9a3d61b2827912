"""A build's tasks shared among forked processes, when one interpreter cannot keep up.

With many calls in flight to a fast server, the answers come back faster than one interpreter
(one GIL) can send, check and cache them: the build runs at the speed of its own CPU, not the
server's. With COURSEWARE_PROCESSES=N (opt-in for now), the tasks are dealt out to N forked
children, whole lessons each (a lesson's tasks share their passages), each child with its own
interpreter, its own HTTP client and its share of the calls in flight. A task's passages and key
are made when first asked for (plan.py), so in a build with nothing written yet each child
retrieves its own lessons' while its first calls are out. A child sends each finished task back
(its content, its inputs and key, what the provider learnt about it, the counters it added) and
the parent saves it at once, as a single-process build does: every content file is written by
the parent alone.

A child stops taking tasks when the parent says so (a fatal provider error in another child) or
is gone (killed): the calls it has in flight finish and are cached, and nothing more is written.
"""

from __future__ import annotations

import os
import pickle
import signal
import threading
import traceback
from collections.abc import Callable
from dataclasses import dataclass, fields
from multiprocessing.connection import Connection, wait
from typing import TYPE_CHECKING, Any

from courseware.errors import CoursewareError
from courseware.generate.provider import FatalProviderError
from courseware.generate.stats import Stats
from courseware.plan import Task

if TYPE_CHECKING:
    from courseware.generate.provider import Provider
    from courseware.generate.runner import Progress

COUNTERS = tuple(f.name for f in fields(Stats) if f.name != "lock")


def processes_for(jobs: int, tasks: int) -> int:
    """How many processes share `tasks`: COURSEWARE_PROCESSES (default 1, never fork; opt-in
    until the kill and fatal-error paths have their own tests), at most one per call in flight
    and per task, and one only in a process with no other thread (a lock another thread holds
    would stay held in the child)."""
    told = os.environ.get("COURSEWARE_PROCESSES", "").strip() or "1"
    try:
        wanted = int(told)
    except ValueError:
        raise CoursewareError(f"COURSEWARE_PROCESSES={told}: not a whole number; set it to 1 (never fork) or more") from None
    wanted = min(wanted, jobs, tasks)  # each process keeps at least one call in flight
    if wanted < 2 or not hasattr(os, "fork") or threading.active_count() > 1:
        return 1
    return wanted


@dataclass
class _Child:
    pid: int
    results: Connection  # what the child finished
    stop: int  # write end: a byte (or the parent's end) tells the child to take no more tasks


def run_forked(tasks: list[Task], generate: Callable[[Task], Any], jobs: int, progress: Progress, on_done: Callable[[Task, Any], None] | None, provider: Provider, processes: int) -> tuple[dict[str, Any], dict[str, CoursewareError]]:
    """run_tasks with the tasks dealt out to `processes` forked children (the same results)."""
    results: dict[str, Any] = {}
    failures: dict[str, CoursewareError] = {}
    by_id = {task.id: task for task in tasks}
    stats = progress.stats
    progress.start(len(tasks))
    children: list[_Child] = []
    try:
        shares = deal(tasks, processes)
        for number, share in enumerate(shares):
            in_flight = jobs // len(shares) + (1 if number < jobs % len(shares) else 0)
            children.append(_fork(share, generate, in_flight, provider, stats))
        running = [child.results for child in children]
        while running:
            for connection in wait(running):
                try:
                    kind, task_id, payload, carried, grounding, counts = connection.recv()
                except EOFError:
                    running.remove(connection)  # the child is done
                    continue
                if kind == "crash":
                    raise RuntimeError(f"a build process failed:\n{payload}")
                stats.add(**counts)
                task = by_id[task_id]
                if kind == "done":
                    results[task_id] = payload
                    task.settle(*grounding)  # the child made its inputs and key: not made twice
                    provider.adopt(task_id, carried)
                else:
                    failures[task_id] = payload
                    if isinstance(payload, FatalProviderError):
                        _tell_to_stop(children)
                progress.advance(task, kind == "done")
                if kind == "done" and on_done is not None:
                    on_done(task, payload)
    finally:
        _tell_to_stop(children)
        for child in children:
            child.results.close()
            os.close(child.stop)
            _reap(child.pid)
    progress.finish()
    return results, failures


def deal(tasks: list[Task], processes: int) -> list[list[Task]]:
    """Each process's share, in task order: whole lessons in turn (a lesson's tasks share their
    passages, which one process then retrieves and ranks once), at most `processes` shares."""
    lessons: dict[str | None, list[Task]] = {}
    for task in tasks:
        lessons.setdefault(task.lesson_id, []).append(task)
    shares: list[list[Task]] = [[] for _ in range(min(processes, len(lessons)))]
    for number, lesson in enumerate(lessons.values()):
        shares[number % len(shares)].extend(lesson)
    return shares


def _fork(share: list[Task], generate: Callable[[Task], Any], in_flight: int, provider: Provider, stats: Stats) -> _Child:
    results_in, results_out = os.pipe()
    stop_in, stop_out = os.pipe()
    pid = os.fork()
    if pid:
        os.close(results_out)
        os.close(stop_in)
        return _Child(pid, Connection(results_in, writable=False), stop_out)
    code = 1
    try:  # the child: never returns into the build
        _keep_only(results_out, stop_in)
        code = _child(share, generate, in_flight, provider, stats, Connection(results_out, readable=False), stop_in)
    except KeyboardInterrupt:
        code = 130
    finally:
        os._exit(code)  # no atexit, no flushing the parent's buffers a second time


def _keep_only(*kept: int) -> None:
    """Close every descriptor the child inherited but its own two pipe ends and stderr: the
    course lock's (the lock is the parent's: it goes with the parent, not with a lingering
    child), its siblings' pipe ends (so each sees its parent go), stdout (nothing to print)."""
    null = os.open(os.devnull, os.O_RDWR)
    os.dup2(null, 0)
    os.dup2(null, 1)
    os.close(null)
    low = 3
    for fd in sorted(kept):
        os.closerange(low, fd)
        low = fd + 1
    os.closerange(low, _MAX_FD)


_MAX_FD = os.sysconf("SC_OPEN_MAX") if hasattr(os, "sysconf") else 65536


def _child(share: list[Task], generate: Callable[[Task], Any], in_flight: int, provider: Provider, stats: Stats, results: Connection, stop: int) -> int:
    from courseware.generate.runner import Progress, _run

    signal.signal(signal.SIGINT, signal.default_int_handler)
    provider.forked()
    halt = threading.Event()

    def listen() -> None:
        os.read(stop, 1)  # a byte, or the parent's end closed: it stopped or is gone
        halt.set()

    threading.Thread(target=listen, daemon=True).start()
    sent = {name: getattr(stats, name) for name in COUNTERS}  # what the parent had when it forked
    lock = threading.Lock()

    def send(kind: str, task: Task, payload: Any, carried: Any = None, grounding: Any = None) -> None:
        with lock:
            counts = {}
            for name in COUNTERS:
                now = getattr(stats, name)
                if now != sent[name]:
                    counts[name], sent[name] = now - sent[name], now
            message = (kind, task.id, payload, carried, grounding, counts)
            try:
                data = pickle.dumps(message)
            except (pickle.PicklingError, TypeError, AttributeError):
                data = pickle.dumps((kind, task.id, _portable(payload), carried, grounding, counts))
            try:
                results.send_bytes(data)
            except (BrokenPipeError, ConnectionResetError):
                halt.set()  # the parent is gone: finish what is in flight (cached), take nothing more

    def sent_back(task: Task) -> Any:
        try:
            result = generate(task)
        except CoursewareError as exc:
            send("failed", task, exc)
            raise
        send("done", task, result, provider.carry(task.id), task.grounded())
        return result

    try:
        _run(share, sent_back, in_flight, Progress(stats, enabled=False), None, halt)
    except Exception:  # a bug, not a task's failure: the parent raises it
        with lock:
            try:
                results.send(("crash", "", traceback.format_exc(), None, None, {}))
            except OSError:
                pass
        return 1
    return 0


def _portable(payload: Any) -> Any:
    """An error that does not pickle, as a plain one of its family with the same lines."""
    if isinstance(payload, CoursewareError):
        try:
            return pickle.loads(pickle.dumps(type(payload)("\n".join(payload.lines()))))
        except Exception:
            return CoursewareError("\n".join(payload.lines()))
    raise TypeError(f"cannot send {type(payload).__name__} back from a build process")


def _tell_to_stop(children: list[_Child]) -> None:
    for child in children:
        try:
            os.write(child.stop, b"x")
        except OSError:
            pass  # already stopped, or gone


def _reap(pid: int) -> None:
    try:
        os.waitpid(pid, 0)
    except ChildProcessError:
        pass
