"""Planning: the generation tasks of a course, each with a content key and a status. No I/O."""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Generic, NamedTuple, TypeVar

from courseware.names import COURSE_FILE, SELECT_ALL, SELECT_COURSE
from courseware.spec.model import Lesson, Spec

if TYPE_CHECKING:
    from courseware.grounding.select import Grounding, Pool
    from courseware.grounding.sources import Passage

T = TypeVar("T")

# Bump when a markdown format or the meaning of a task changes: every key changes with it.
# 2: a key hashes the passages its task is grounded in (its pool), not every source's bytes.
FORMAT_VERSION = 2

KINDS = ("overview", "lesson", "quiz", "slides")  # a course's tasks: its overview, then per lesson its text, quiz, slides

NEW, CURRENT, STALE, EDITED, CONFLICT = "new", "current", "stale", "edited", "conflict"
STATUS_HELP = {
    NEW: "not generated yet",
    CURRENT: "generated from the current spec and sources",
    STALE: "the spec, sources or provider changed since it was generated",
    EDITED: "edited by hand; kept",
    CONFLICT: "edited by hand, and the spec, sources or provider changed since",
}


class Once(Generic[T]):
    """A value made by `make` when first asked for, once, whichever thread asks first."""

    __slots__ = ("_make", "_value", "_lock")

    def __init__(self, make: Callable[[], T]):
        self._make: Callable[[], T] | None = make
        self._value: T | None = None
        self._lock = threading.Lock()

    def __call__(self) -> T:
        if self._make is not None:
            with self._lock:
                if self._make is not None:
                    self._value, self._make = self._make(), None
        return self._value  # type: ignore[return-value]


class Grounded(NamedTuple):
    inputs: dict[str, Any]
    key: str
    pool: tuple[Passage, ...]


class Task:
    """One unit of generation: `kind` of content for a lesson (or the course), written to `path`.

    Its inputs (what it is about, and what the key records of its passages), its content key and
    its pool (the passages it is grounded in, in source order: its provider uses these and no
    other) are made from the course's passages when first asked for: a build whose tasks are all
    new sends its first calls before every task's retrieval is done (in forked processes, each
    does its own share's)."""

    __slots__ = ("id", "kind", "lesson_id", "path", "_grounded", "_settled")

    def __init__(self, id: str, kind: str, lesson_id: str | None, path: str, grounded: Callable[[], Grounded]):
        self.id, self.kind, self.lesson_id, self.path = id, kind, lesson_id, path
        self._grounded = Once(grounded)
        self._settled: tuple[dict[str, Any], str] | None = None

    @property
    def inputs(self) -> dict[str, Any]:
        return self._settled[0] if self._settled else self._grounded().inputs

    @property
    def key(self) -> str:
        return self._settled[1] if self._settled else self._grounded().key

    @property
    def pool(self) -> tuple[Passage, ...]:
        return self._grounded().pool

    def grounded(self) -> tuple[dict[str, Any], str]:
        """Its inputs and key, made if not yet (what a forked process sends back with its content)."""
        return self.inputs, self.key

    def settle(self, inputs: dict[str, Any], key: str) -> None:
        """Take the inputs and key another process made for this task (its pool, if ever asked
        for, is made here)."""
        self._settled = (inputs, key)

    def __eq__(self, other: object) -> bool:  # what decides its output: its pool follows from its inputs
        if not isinstance(other, Task):
            return NotImplemented
        return (self.id, self.kind, self.lesson_id, self.path, self.key, self.inputs) == (other.id, other.kind, other.lesson_id, other.path, other.key, other.inputs)

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"Task(id={self.id!r}, kind={self.kind!r}, path={self.path!r})"

    def matches(self, selector: str) -> bool:
        """Whether `--regenerate selector` names this task (its id, its lesson id, or 'all')."""
        return selector in (SELECT_ALL, self.id, self.lesson_id, SELECT_COURSE if self.kind == "overview" else None)


@dataclass(frozen=True)
class Recorded:
    """What an existing content file says about itself."""

    key: str
    edited: bool


def content_key(kind: str, inputs: dict[str, Any], provider: Callable[[str], dict[str, Any]]) -> str:
    """The hash of everything that decides a task's output."""
    payload = {"format": FORMAT_VERSION, "kind": kind, "inputs": inputs, "provider": provider(kind)}
    canonical = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def plan(spec: Spec, grounding: Grounding | None, provider: Callable[[str], dict[str, Any]], own_quizzes: bool = True) -> list[Task]:
    """Every task of the course in a stable order: the overview, then per lesson its text, quiz,
    slides; each grounded in its pool of passages (none without a `grounding`: render only
    needs each task's file). A quiz has a pool of its own, or with `own_quizzes` False its
    lesson's (Provider.own_quiz_pools)."""
    course = spec.course.model_dump(include={"id", "title", "language", "audience", "level"})
    objectives = {o.id: o.model_dump() for o in spec.objectives}
    overview_inputs: dict[str, Any] = {
        "course": {**course, "description": spec.course.description},
        "objectives": [o.model_dump() for o in spec.objectives],
        "modules": [
            {"id": m.id, "title": m.title, "summary": m.summary, "lessons": [{"id": l.id, "title": l.title} for l in m.lessons]}
            for m in spec.modules
        ],
    }
    for kind in KINDS:
        provider(kind)  # what the provider adds to every key of a kind, made once here: a template that fails stops the plan, not a task
    tasks = [_task("overview", None, COURSE_FILE, overview_inputs, Once(lambda: grounding.overview_pool(overview_inputs) if grounding else ()), grounding, provider)]
    for lesson in spec.lessons():
        facts = _lesson_facts(lesson, objectives)
        shown = Once(lambda lesson_id=lesson.id, facts=facts: grounding.lesson_pool(lesson_id, facts) if grounding else ())  # the text and slides show the same passages
        per_kind = {
            "lesson": ({"lesson": {**facts, "duration": lesson.duration}}, shown),
            "quiz": ({"lesson": facts, "quiz": lesson.quiz.model_dump(include={"questions", "kinds"})}, Once(lambda lesson_id=lesson.id: grounding.quiz_pool(lesson_id) if grounding else ()) if own_quizzes else shown),
            "slides": ({"lesson": facts, "slides": lesson.slides.model_dump(include={"max"})}, shown),
        }
        for kind, (specific, pool) in per_kind.items():
            tasks.append(_task(kind, lesson.id, f"{lesson.id}/{kind}.md", {"course": course, **specific}, pool, grounding, provider))
    return tasks


def _lesson_facts(lesson: Lesson, objectives: dict[str, dict]) -> dict[str, Any]:
    return {
        "id": lesson.id,
        "title": lesson.title,
        "objectives": [objectives[ref] for ref in lesson.objectives if ref in objectives],
        "key_points": list(lesson.key_points),
    }


def _task(kind: str, lesson_id: str | None, path: str, inputs: dict[str, Any], pool: Callable[[], Pool], grounding: Grounding | None, provider: Callable[[str], dict[str, Any]]) -> Task:
    task_id = f"{lesson_id}/{kind}" if lesson_id else f"{SELECT_COURSE}/overview"

    def grounded() -> Grounded:
        chosen = pool()
        grounded_inputs = {**inputs, "grounding": grounding.digest(chosen) if grounding else []}
        return Grounded(grounded_inputs, content_key(kind, grounded_inputs, provider), grounding.passages(chosen) if grounding else ())

    return Task(task_id, kind, lesson_id, path, grounded)


def status(task: Task, recorded: Recorded | None) -> str:
    """new, current, stale, edited or conflict, from what the existing file records."""
    if recorded is None:
        return NEW
    if recorded.key == task.key:
        return EDITED if recorded.edited else CURRENT
    return CONFLICT if recorded.edited else STALE
