"""Synthetic courses for benchmarks, made by code (nothing committed): a spec, a source, content.

`write_spec` writes a valid spec (one lesson a line, so `edit_key_point` can change one lesson)
and a generated source in which every lesson's key points, every module summary and the course
description find passages, as a real course's would. `course_with_slides` builds an in-memory
Course with long slide outlines for the PPTX renderer, and `pandoc_markdown` writes the same deck
as a pandoc slide show.
"""

from __future__ import annotations

import re
from pathlib import Path

from courseware.clause import key_clause
from courseware.content.model import Article, Option, Paragraph, Quiz, QuizItem, Section, Slide, SlideDeck
from courseware.course import Course, LessonContent
from courseware.spec.load import load_spec
from handbook import handbook  # tests/handbook.py (bench/common.py puts tests/ on the path)

WORDS = "blended learning combines live teaching with online study so that each activity uses the mode that serves it best".split()
DESCRIPTION = "Blended learning combines live teaching with online study."


def sentence(n: int, length: int = 12) -> str:
    return " ".join(WORDS[(n + k) % len(WORDS)] for k in range(length)).capitalize() + "."


def write_spec(folder: Path, lessons: int, modules: int = 1, slides_per_lesson: int = 10, key_points: int | None = None, quiz_questions: int = 3, slides_quiz: bool = False) -> Path:
    """A valid spec of `modules` x `lessons` lessons with a generated source document.

    Each lesson has `key_points` key points (default: `slides_per_lesson`), at most
    `slides_per_lesson` slides and `quiz_questions` questions; the source has a section per lesson
    with a bold key term, so retrieval finds passages for every task.
    """
    folder.mkdir(parents=True, exist_ok=True)
    total = lessons * modules
    points_per_lesson = slides_per_lesson if key_points is None else key_points
    source = ["# Generated source", ""]
    for n in range(max(total, 4)):
        source += [f"## Section {n}", "", f"The **term {n}** names an idea of module {n // lessons}. " + " ".join(sentence(n + k) for k in range(4)), ""]
        source += [f"Teaching with term {n} is one idea among many. " + sentence(n + 5, 20), ""]
    (folder / "source.md").write_text("\n".join(source), "utf-8")
    lines = [
        f"course: {{id: bench, title: Benchmark course, language: en, audience: benchmarks, description: {DESCRIPTION}}}",
        "sources: [source.md]",
        "objectives: [{id: LO1, text: Explain the ideas}]",
        "credential: {name: Benchmark badge, criteria: Pass every quiz}",
        "modules:",
    ]
    quiz_flag = "true" if slides_quiz else "false"
    for m in range(modules):
        lines.append(f"  - id: m{m}\n    title: Module {m}\n    summary: blended learning idea of module {m}\n    lessons:")
        for n in range(lessons):
            points = ", ".join(f"term {(m * lessons + n + k) % total} idea" for k in range(points_per_lesson))
            lines.append(
                f"      - {{id: m{m}-l{n}, title: Lesson {m}.{n}, objectives: [LO1], key_points: [{points}], "
                f"slides: {{max: {slides_per_lesson}, quiz: {quiz_flag}}}, quiz: {{questions: {quiz_questions}}}}}"
            )
    lines.append("outputs: [markdown, html, pptx]")
    (folder / "course.yaml").write_text("\n".join(lines) + "\n", "utf-8")
    return folder / "course.yaml"


def edit_key_point(spec: Path, lesson_id: str, new_point: str) -> None:
    """Replace the first key point of lesson `lesson_id` in a spec written by `write_spec`."""
    text = spec.read_text("utf-8")
    pattern = re.compile(rf"(\{{id: {re.escape(lesson_id)}, .*?key_points: \[)[^,\]]*")
    edited, count = pattern.subn(lambda m: m.group(1) + new_point, text, count=1)
    if count != 1:
        raise ValueError(f"no lesson {lesson_id} in {spec}")
    spec.write_text(edited, "utf-8")


def course_with_slides(folder: Path, lessons: int, slides_per_lesson: int = 10) -> Course:
    """An in-memory Course whose lessons each have `slides_per_lesson` outline slides with notes."""
    loaded = load_spec(write_spec(folder, lessons, slides_per_lesson=slides_per_lesson))
    items = []
    for module in loaded.spec.modules:
        for lesson in module.lessons:
            deck = SlideDeck(title=lesson.title, slides=[Slide(title=f"Slide {k} of {lesson.title}", bullets=[sentence(k + b) for b in range(3)], notes=sentence(k, 30)) for k in range(slides_per_lesson)])
            text = Article(title=lesson.title, sections=[Section(heading="Idea", blocks=[Paragraph(text=sentence(1))])])
            quiz = Quiz(title=lesson.title, items=[QuizItem(kind="cloze", objective="LO1", prompt="A ____ idea.", options=[Option(text="good", correct=True)], feedback="See the lesson.")])
            items.append(LessonContent(module, lesson, text, quiz, deck))
    overview = Article(title="Benchmark course", intro=[Paragraph(text=sentence(2))])
    return Course(loaded=loaded, overview=overview, lessons=items)


def pandoc_markdown(course: Course, title: str) -> str:
    """The deck `Deck(course, ..., title, course.lessons, sections=False)` builds, as pandoc slides.

    A title slide from the metadata, an objectives slide, a section slide per lesson (a level-1
    heading; pandoc gives it no subtitle, ours has one) and per outline slide a `## title` with
    bullets and a `::: notes` block, and a lesson's key takeaways slide after its outline (ours
    titles it "Key takeaways · <lesson>"). Convert with `pandoc --slide-level=2`.
    """
    spec = course.loaded.spec
    objectives = spec.objectives
    lines = ["---", f"title: {title}", f"subtitle: {spec.course.title}", "---", "", "## Objectives", ""]
    lines += [f"- {o.id}: {o.text}" for o in objectives]
    lines += ["", "::: notes", "; ".join(f"{o.id} ({o.bloom}): {o.text}" for o in objectives), ":::", ""]
    for item in course.lessons:
        lines += [f"# {item.slides.title}", ""]
        for slide in item.slides.slides:
            lines += [f"## {slide.title}", ""] + [f"- {b}" for b in slide.bullets] + ["", "::: notes", slide.notes or slide.title, ":::", ""]
        points = item.lesson.key_points  # the closing slide of each lesson: its key points, in full in the notes
        lines += [f"## Key takeaways · {item.slides.title}", ""] + [f"- {key_clause(p)}" for p in points] + ["", "::: notes", "; ".join(points), ":::", ""]
    return "\n".join(lines)


def write_big_course(folder: Path, megabytes: float) -> Path:
    """The sample course (course_specs/blended-teaching.yaml and its five sources) plus one big
    generated handbook as a sixth source, with every output format; returns the spec's path."""
    import shutil

    here = Path(__file__).resolve().parent.parent / "course_specs"
    shutil.copytree(here / "sources" / "blended-teaching", folder / "sources" / "blended-teaching")
    (folder / "sources" / "handbook.md").write_text(handbook(megabytes), "utf-8")
    text = (here / "blended-teaching.yaml").read_text("utf-8")
    text = text.replace("sources:\n", "sources:\n  - sources/handbook.md\n", 1)
    (folder / "course.yaml").write_text(text, "utf-8")
    return folder / "course.yaml"
