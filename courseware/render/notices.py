"""What a render could not show as written, said once: one-line notices that the build output
prints as warnings (a formula shown as its LaTeX, an image over the page-weight budget ...).

A renderer calls `notice(line)` wherever it degrades something; `collected()` around a render
gathers the lines, each kept once in the order first said, so that the same formula met by the
site, the SCORM packages and the quiz banks is said once. Outside `collected()` (a renderer
called on its own, as some tests do) a notice is a Python warning, never silently dropped.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar


class RenderNotice(UserWarning):
    """A notice said while no render collects them."""


class Notices:
    """The notices of one render, each once, in the order first said."""

    def __init__(self) -> None:
        self._lines: dict[str, None] = {}

    def add(self, line: str) -> None:
        self._lines.setdefault(line, None)

    @property
    def lines(self) -> list[str]:
        return list(self._lines)


_current: ContextVar[Notices | None] = ContextVar("courseware_render_notices", default=None)


def notice(line: str) -> None:
    """Say `line` (FILE: what was degraded and how) once in the build output."""
    current = _current.get()
    if current is None:
        warnings.warn(line, RenderNotice, stacklevel=2)
    else:
        current.add(line)


@contextmanager
def collected() -> Iterator[Notices]:
    """Collect every notice said inside the block (nested: the outer collection sees them too)."""
    outer = _current.get()
    notices = Notices()
    token = _current.set(notices)
    try:
        yield notices
    finally:
        _current.reset(token)
        if outer is not None:
            for line in notices.lines:
                outer.add(line)
