"""Synthetic courses for benchmarks, made by code (nothing committed): a spec, a source, content."""

from __future__ import annotations

from pathlib import Path

from courseware.content.model import Article, Option, Paragraph, Quiz, QuizItem, Section, Slide, SlideDeck
from courseware.course import Course, LessonContent
from courseware.spec.load import load_spec

WORDS = "blended learning combines live teaching with online study so that each activity uses the mode that serves it best".split()


def sentence(n: int, length: int = 12) -> str:
    return " ".join(WORDS[(n + k) % len(WORDS)] for k in range(length)).capitalize() + "."


def write_spec(folder: Path, lessons: int, modules: int = 1, slides_per_lesson: int = 10) -> Path:
    """A valid spec of `modules` x `lessons` lessons with a generated source document."""
    folder.mkdir(parents=True, exist_ok=True)
    source = ["# Generated source", ""]
    for n in range(max(lessons * modules, 4)):
        source += [f"## Section {n}", "", f"The **term {n}** names an idea. " + " ".join(sentence(n + k) for k in range(4)), ""]
    (folder / "source.md").write_text("\n".join(source), "utf-8")
    lines = ["course: {id: bench, title: Benchmark course, language: en, audience: benchmarks}", "sources: [source.md]", "objectives: [{id: LO1, text: Explain the ideas}]", "modules:"]
    for m in range(modules):
        lines.append(f"  - id: m{m}\n    title: Module {m}\n    lessons:")
        for n in range(lessons):
            points = ", ".join(f"term {(m * lessons + n + k) % (lessons * modules)} idea" for k in range(slides_per_lesson))
            lines.append(f"      - {{id: m{m}-l{n}, title: Lesson {m}.{n}, objectives: [LO1], key_points: [{points}], slides: {{max: {slides_per_lesson}, quiz: false}}, quiz: {{questions: 3}}}}")
    lines.append("outputs: [markdown, html, pptx]")
    (folder / "course.yaml").write_text("\n".join(lines) + "\n", "utf-8")
    return folder / "course.yaml"


def course_with_slides(folder: Path, lessons: int, slides_per_lesson: int = 10) -> Course:
    """An in-memory Course whose lessons each have `slides_per_lesson` outline slides with notes."""
    loaded = load_spec(write_spec(folder, lessons, slides_per_lesson=slides_per_lesson))
    items = []
    for module in loaded.spec.modules:
        for lesson in module.lessons:
            deck = SlideDeck(title=lesson.title, slides=[Slide(title=f"Slide {k} of {lesson.title}", bullets=[sentence(k + b) for b in range(3)], notes=sentence(k, 30)) for k in range(slides_per_lesson)])
            text = Article(title=lesson.title, sections=[Section(heading="Idea", paragraphs=[Paragraph(text=sentence(1))])])
            quiz = Quiz(title=lesson.title, items=[QuizItem(kind="cloze", objective="LO1", prompt="A ____ idea.", options=[Option(text="good", correct=True)], feedback="See the lesson.")])
            items.append(LessonContent(module, lesson, text, quiz, deck))
    overview = Article(title="Benchmark course", intro=[Paragraph(text=sentence(2))])
    return Course(loaded=loaded, overview=overview, lessons=items)
