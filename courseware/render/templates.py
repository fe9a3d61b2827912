"""Where renderers take their look from: the user's template folder first, then templates/."""

from __future__ import annotations

from pathlib import Path

from courseware.course import Course

BUILT_IN = Path(__file__).resolve().parent.parent.parent / "templates"


def folders(course: Course) -> list[Path]:
    """The template folders to search, the user's own (spec key `templates`) first."""
    spec = course.loaded.spec
    own = [course.loaded.root / spec.templates] if spec.templates else []
    return [*own, BUILT_IN]


def find(course: Course, relative: str) -> Path:
    """The first `relative` file among the template folders."""
    for folder in folders(course):
        if (folder / relative).is_file():
            return folder / relative
    raise FileNotFoundError(relative)
