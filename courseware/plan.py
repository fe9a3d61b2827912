"""Planning: the generation tasks of a course, each with a content key and a status. No I/O."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from courseware.names import COURSE_FILE, SELECT_ALL, SELECT_COURSE
from courseware.spec.model import Lesson, Spec

if TYPE_CHECKING:
    from courseware.grounding.select import Grounding
    from courseware.grounding.sources import Passage

# Bump when a markdown format or the meaning of a task changes: every key changes with it.
# 2: a key hashes the passages its task is grounded in (its pool), not every source's bytes.
FORMAT_VERSION = 2

NEW, CURRENT, STALE, EDITED, CONFLICT = "new", "current", "stale", "edited", "conflict"
STATUS_HELP = {
    NEW: "not generated yet",
    CURRENT: "generated from the current spec and sources",
    STALE: "the spec, sources or provider changed since it was generated",
    EDITED: "edited by hand; kept",
    CONFLICT: "edited by hand, and the spec, sources or provider changed since",
}


@dataclass(frozen=True)
class Task:
    """One unit of generation: `kind` of content for a lesson (or the course), written to `path`."""

    id: str
    kind: str  # overview | lesson | quiz | slides
    lesson_id: str | None
    path: str  # relative to the course's content folder
    inputs: dict[str, Any]
    key: str
    # The passages the task is grounded in, in source order: its provider uses these and no
    # other; `inputs["grounding"]` is what the key records of them.
    pool: tuple[Passage, ...] = field(default=(), compare=False, repr=False)

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
    pool = grounding.overview_pool(overview_inputs) if grounding else ()
    tasks = [_task("overview", None, COURSE_FILE, overview_inputs, pool, grounding, provider)]
    for lesson in spec.lessons():
        facts = _lesson_facts(lesson, objectives)
        shown = grounding.lesson_pool(lesson.id, facts) if grounding else ()  # the text and slides show the same passages
        per_kind = {
            "lesson": ({"lesson": {**facts, "duration": lesson.duration}}, shown),
            "quiz": ({"lesson": facts, "quiz": lesson.quiz.model_dump(include={"questions", "kinds"})}, (grounding.quiz_pool(lesson.id) if own_quizzes else shown) if grounding else ()),
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


def _task(kind: str, lesson_id: str | None, path: str, inputs: dict[str, Any], pool: tuple[int, ...], grounding: Grounding | None, provider: Callable[[str], dict[str, Any]]) -> Task:
    task_id = f"{lesson_id}/{kind}" if lesson_id else f"{SELECT_COURSE}/overview"
    inputs = {**inputs, "grounding": grounding.digest(pool) if grounding else []}
    passages = grounding.passages(pool) if grounding else ()
    return Task(task_id, kind, lesson_id, path, inputs, content_key(kind, inputs, provider), passages)


def status(task: Task, recorded: Recorded | None) -> str:
    """new, current, stale, edited or conflict, from what the existing file records."""
    if recorded is None:
        return NEW
    if recorded.key == task.key:
        return EDITED if recorded.edited else CURRENT
    return CONFLICT if recorded.edited else STALE
