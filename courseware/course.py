"""The Course renderers read: the spec's facts joined with the parsed reviewed markdown."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from courseware.content.files import parse_content, read_content_file
from courseware.content.blocks import Figure, figures
from courseware.content.figures import FigureFile, locate
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
    content_dir: Path | None = None  # where the reviewed markdown is: figures are found beside it
    languages: tuple[str, ...] = ()  # every language this build renders, the original first (empty: just this one)
    original_dir: Path | None = None  # a translation's: the original's content folder, whose figures it shows

    @property
    def language(self) -> str:
        return self.loaded.spec.course.language

    @property
    def direction(self) -> str:
        return direction(self.language)

    @property
    def original_language(self) -> str:
        """The language the course was written in (its translations' source)."""
        return self.languages[0] if self.languages else self.language

    def folder(self, language: str) -> str:
        """Where `language`'s outputs are, relative to dist/: '' for the original, 'fr/' for a translation."""
        return "" if language == self.original_language else f"{language}/"

    def figure(self, lesson_id: str | None, figure: Figure) -> FigureFile:
        """The image of a figure in a lesson's files (None: the overview), already checked by
        read_course."""
        return locate(figure.src, self._markdown_file(lesson_id), self._roots())

    def _markdown_file(self, lesson_id: str | None) -> Path:
        base = self.content_dir or self.loaded.root
        return base / "course.md" if lesson_id is None else base / lesson_id / "lesson.md"

    def _roots(self) -> list[Path]:
        return [self.loaded.root, *(d for d in (self.content_dir, self.original_dir) if d)]


def read_course(
    loaded: LoadedSpec, tasks: list[Task], content_dir: Path, known: dict[str, Article | Quiz | SlideDeck] | None = None, templates: Path | None = None,
    languages: tuple[str, ...] = (), original_dir: Path | None = None,
) -> Course:
    """Parse every content file the tasks name, except those `known` already holds (just written
    or just parsed by the build); a missing or broken file is a located error. `languages` and
    `original_dir` as in Course (a translation's content_dir is content/<lang>/)."""
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
    course = Course(loaded=loaded, overview=parsed["course/overview"], lessons=lessons, templates=templates, content_dir=content_dir, languages=languages, original_dir=original_dir)  # type: ignore[arg-type]
    for task in tasks:  # every figure's image exists and lies inside the course, or a located error
        content = parsed[task.id]
        found = content.blocks() if isinstance(content, Article) else [s.visual for s in content.slides if s.visual] if isinstance(content, SlideDeck) else []
        for block in found:
            for figure in figures(block):
                locate(figure.src, content_dir / task.path, course._roots())
    return course
