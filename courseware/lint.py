"""Checks over a course's quizzes (and its slide bullets' length, lint_slides.py) as committed, hand edits included: every objective assessed,
as many questions as the lesson asks for, fair options, right answers spread over the positions,
each item on a key term and a narrative statement, none asked twice (lint_items.py); and the
Bloom levels the items test.

The parser already refuses a question with no or two right answers and options that are the
same text; such a file is reported as it would be by a build, and its questions are not counted.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from fractions import Fraction
from math import ceil, floor
from pathlib import Path

from courseware.content.files import read_content_file
from courseware.content.model import Quiz, QuizItem
from courseware.errors import ContentError, Problem
from courseware.content.options import option_key
from courseware.generate.contracts import BANNED_OPTIONS
from courseware.grounding.sources import SourceDocument
from courseware.lint_items import Origins, duplicate_findings, item_findings
from courseware.lint_slides import slide_findings
from courseware.markdown.parse import QuizLines, parse_quiz_lines
from courseware.spec.model import BLOOM_LEVELS, Lesson, Spec

# How far the share of right answers at one position may stray from uniform (10 points), unless
# the course has too few questions to come that close.
TOLERANCE = Fraction(1, 10)


@dataclass(frozen=True)
class LessonQuiz:
    """A lesson's quiz as read from its file, with the lines it is written on."""

    lesson: Lesson
    file: str
    quiz: Quiz
    lines: QuizLines


@dataclass(frozen=True)
class Report:
    """What the lint found in one course, and one line per lesson on the levels its items test."""

    findings: list[Problem]
    levels: list[str]
    quizzes: int
    items: int


def lint_course(spec: Spec, content_dir: Path, sources: list[SourceDocument] | None = None) -> Report:
    """Read each lesson's quiz.md below `content_dir` and check them all, against the course's
    `sources` (read_sources) when given."""
    quizzes, unreadable = read_quizzes(spec, content_dir)
    report = check(spec, quizzes, unreadable, sources)
    report.findings.extend(slide_findings(spec, content_dir))
    return report


def read_quizzes(spec: Spec, content_dir: Path) -> tuple[list[LessonQuiz], list[Problem]]:
    """The quizzes that read back, and a located problem for each that does not (or is missing)."""
    quizzes, problems = [], []
    for lesson in spec.lessons():
        path = content_dir / lesson.id / "quiz.md"
        try:
            file = read_content_file(path, str(path))
            if file is None:
                problems.append(Problem(str(path), 1, 1, "", f"no quiz for lesson {lesson.id}; run 'courseware build' first"))
                continue
            quiz, lines = parse_quiz_lines(file.body, file.name, file.first_line)
        except ContentError as exc:
            problems.extend(exc.problems or [Problem(str(path), 1, 1, "", str(exc))])
            continue
        quizzes.append(LessonQuiz(lesson, str(path), quiz, lines))
    return quizzes, problems


def check(spec: Spec, quizzes: list[LessonQuiz], unreadable: list[Problem] | None = None, sources: list[SourceDocument] | None = None) -> Report:
    """Every finding over the course's quizzes, in lesson and line order, then the course-wide ones."""
    levels = {o.id: o.bloom for o in spec.objectives}
    origins = Origins(sources) if sources is not None else None
    findings = list(unreadable or [])
    for quiz in quizzes:
        findings += _lesson_findings(quiz, levels)
        findings += item_findings(quiz, spec.course.language, origins)
    findings += _position_findings(quizzes)
    findings += duplicate_findings(quizzes)
    lines = [_levels_line(spec.course.id, quiz, levels) for quiz in quizzes]
    return Report(findings, lines, len(quizzes), sum(len(q.quiz.items) for q in quizzes))


def _levels_line(course_id: str, quiz: LessonQuiz, levels: dict[str, str]) -> str:
    counts = Counter(levels.get(item.objective, "unknown") for item in quiz.quiz.items)
    order = [*BLOOM_LEVELS, "unknown"]
    spread = ", ".join(f"{level} {counts[level]}" for level in order if counts[level])
    total = len(quiz.quiz.items)
    return f"{course_id}/{quiz.lesson.id}: {total} item{'s' if total != 1 else ''}: {spread}"


def _lesson_findings(quiz: LessonQuiz, levels: dict[str, str]) -> Iterator[Problem]:
    own = quiz.lesson.objectives
    for item, (heading, option_lines) in zip(quiz.quiz.items, quiz.lines.questions):
        if item.objective not in own:
            yield Problem(quiz.file, heading, 1, "", f"objective {item.objective!r} is not one of this lesson's objectives ({', '.join(own)}); use one of them")
        if item.kind == "multiple_choice":
            yield from _option_findings(quiz.file, item, option_lines)
    asked, made = quiz.lesson.quiz.questions, len(quiz.quiz.items)
    if made < asked:
        yield Problem(quiz.file, quiz.lines.title, 1, "", f"the quiz has {made} question{'s' if made != 1 else ''}, the lesson asks for {asked} (quiz.questions); add {asked - made}, or lower quiz.questions in the spec")
    assessed = {item.objective for item in quiz.quiz.items}
    for objective in own:
        if objective not in assessed:
            yield Problem(quiz.file, quiz.lines.title, 1, "", f"objective {objective} ({levels.get(objective, 'unknown')}) is assessed by no question; add one, or set a question's objective to {objective}")


def _option_findings(file: str, item: QuizItem, lines: list[int]) -> Iterator[Problem]:
    seen: dict[str, tuple[str, int]] = {}
    for option, line in zip(item.options, lines):
        key = option_key(option.text)
        if key in seen:
            first, first_line = seen[key]
            yield Problem(file, line, 1, "", f"option {option.text!r} reads the same as {first!r} on line {first_line} (case, punctuation, invisible characters and look-alike letters aside); make the options differ")
        else:
            seen[key] = (option.text, line)
        if BANNED_OPTIONS.search(option.text):
            yield Problem(file, line, 1, "", f"option {option.text!r} is an 'all/none of the above' option, which tests test-taking, not the objective; replace it with a plausible wrong answer")
    right = next(n for n, o in enumerate(item.options) if o.correct)
    wrong = [o for o in item.options if not o.correct]
    if all(len(item.options[right].text) > len(o.text) for o in wrong):
        yield Problem(file, lines[right], 1, "", "the right answer is the one longest option, which gives it away; make a wrong answer as long, or the right one shorter")


def _position_findings(quizzes: list[LessonQuiz]) -> Iterator[Problem]:
    """Per number of options k: the share of right answers at each position against 1/k."""
    keys: dict[int, list[tuple[str, int, int]]] = {}  # k -> (file, position of the key, its line)
    for quiz in quizzes:
        for item, (_, lines) in zip(quiz.quiz.items, quiz.lines.questions):
            if item.kind == "multiple_choice":
                right = next(n for n, o in enumerate(item.options) if o.correct)
                keys.setdefault(len(item.options), []).append((quiz.file, right, lines[right]))
    for k, placed in sorted(keys.items()):
        n, uniform = len(placed), Fraction(1, k)
        counts = Counter(position for _, position, _ in placed)
        # A few questions cannot come within 10 points of uniform: then as close as n allows.
        least = min(floor(n * uniform), ceil(n * (uniform - TOLERANCE)))
        most = max(ceil(n * uniform), floor(n * (uniform + TOLERANCE)))
        over = [p for p in range(k) if counts[p] > most]
        under = [p for p in range(k) if counts[p] < least]
        if not over and not under:
            continue

        def share(p: int) -> str:
            points = round(100 * (Fraction(counts[p], n) - uniform))
            return f"{_letter(p)} {counts[p]} ({float(Fraction(counts[p], n)):.0%}, {abs(points)} points {'over' if points > 0 else 'under'})"

        worst = max(range(k), key=lambda p: (counts[p], -p))
        file, _, line = next(key for key in placed if key[1] == worst)
        fix = f"move right answers from {_letters(over or [worst])} to {_letters(under)}" if under else f"move right answers away from {_letters(over)}"
        yield Problem(
            file, line, 1, "",
            f"right answers over the course's {n} multiple-choice questions with {k} options sit unevenly: "
            f"{', '.join(share(p) for p in sorted(over + under))}; each position should hold {float(uniform):.0%} ± 10 points; {fix}, for instance this one",
        )


def _letter(position: int) -> str:
    return chr(ord("A") + position) if position < 26 else str(position + 1)


def _letters(positions: list[int]) -> str:
    return ", ".join(_letter(p) for p in positions)
