"""The Course renderers read: the spec's facts joined with the parsed reviewed markdown."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from courseware.content.files import parse_content, read_content_file
from courseware.content.model import Article, Quiz, SlideDeck
from courseware.errors import ContentError, Problem
from courseware.plan import Task
from courseware.spec.language import direction
from courseware.spec.load import LoadedSpec
from courseware.spec.model import Lesson, Module


@dataclass(frozen=True)
class LessonContent:
    module: Module
    lesson: Lesson
    text: Article
    quiz: Quiz
    slides: SlideDeck


@dataclass(frozen=True)
class Course:
    loaded: LoadedSpec
    overview: Article
    lessons: list[LessonContent]
    templates: Path | None = None  # the user's template folder (--templates, or the spec key), checked and approved

    @property
    def direction(self) -> str:
        return direction(self.loaded.spec.course.language)


def read_course(loaded: LoadedSpec, tasks: list[Task], content_dir: Path, known: dict[str, Article | Quiz | SlideDeck] | None = None, templates: Path | None = None) -> Course:
    """Parse every content file the tasks name, except those `known` already holds (just written
    or just parsed by the build); a missing or broken file is a located error."""
    parsed: dict[str, Article | Quiz | SlideDeck] = dict(known or {})
    for task in tasks:
        if task.id in parsed:
            continue
        path = content_dir / task.path
        file = read_content_file(path, str(path))
        if file is None:
            raise ContentError(problems=[Problem(str(path), 1, 1, "", f"no content for task {task.id}; run 'courseware build' first")])
        parsed[task.id] = parse_content(task, file)
    spec = loaded.spec
    lessons = [
        LessonContent(module, lesson, parsed[f"{lesson.id}/lesson"], parsed[f"{lesson.id}/quiz"], parsed[f"{lesson.id}/slides"])  # type: ignore[arg-type]
        for module in spec.modules
        for lesson in module.lessons
    ]
    return Course(loaded=loaded, overview=parsed["course/overview"], lessons=lessons, templates=templates)  # type: ignore[arg-type]
