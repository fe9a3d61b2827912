"""The one exception family for everything a user can cause; the CLI prints it without a traceback."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One located problem: a file, a 1-based line and column, a key path and a message."""

    file: str
    line: int
    col: int
    path: str
    message: str

    def __str__(self) -> str:
        where = f"{_visible(self.file)}:{self.line}:{self.col}"
        message = _visible(self.message)
        return f"{where}: {_visible(self.path)}: {message}" if self.path else f"{where}: {message}"


def _visible(text: str) -> str:
    """`text` with control characters shown as escapes, so that a problem stays one line."""
    if text.isprintable():
        return text
    return "".join(char if char.isprintable() or char == " " else repr(char)[1:-1] for char in text)


class CoursewareError(Exception):
    """A problem the user can fix. `lines()` is what the CLI prints, one problem a line."""

    exit_code = 1

    def __init__(self, message: str = "", problems: list[Problem] | None = None):
        self.problems = list(problems or [])
        super().__init__(message or "\n".join(str(p) for p in self.problems))

    def lines(self) -> list[str]:
        """The lines to print: one per problem, or the message."""
        return [str(p) for p in self.problems] or str(self).splitlines() or ["error"]


class SpecError(CoursewareError):
    """The course spec is invalid."""


class ContentError(CoursewareError):
    """A markdown content file (generated or hand-edited) cannot be read back."""


class GenerationError(CoursewareError):
    """A provider could not produce valid content for a task.

    `where` is the key path of the spec value to fix, relative to the task's lesson (or to the
    spec for the course overview); the build turns it into a file, line and column.
    """

    def __init__(self, message: str = "", problems: list[Problem] | None = None, where: list[str | int] | None = None):
        super().__init__(message, problems)
        self.where = where


class BuildRefused(CoursewareError):
    """The build stopped on purpose: a conflict with a hand edit, stale content in frozen mode, or
    a prompt or template changed since it was approved."""


class TemplateError(CoursewareError):
    """A template (prompt, HTML or SCO page) cannot be used: its syntax, a refused or missing
    file, an undefined variable, or an access the sandbox forbids."""
