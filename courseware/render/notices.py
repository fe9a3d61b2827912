"""What a format could not hold as written, degraded readably, said once in the build output.

A minimal stand-in until the shared notices module lands: renderers call `notice(course, line)`;
the build adds the course's lines to its warnings.
"""

from __future__ import annotations

from courseware.course import Course

_LINES: dict[int, list[str]] = {}  # id(course) -> its lines, in the order first said


def notice(course: Course, line: str) -> None:
    """Say `line` once for this course's render."""
    lines = _LINES.setdefault(id(course), [])
    if line not in lines:
        lines.append(line)


def said(course: Course) -> list[str]:
    """The course's lines, forgotten once taken."""
    return _LINES.pop(id(course), [])
