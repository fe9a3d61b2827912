"""The one Jinja sandbox for every template a user can change (prompts, HTML and SCO pages), and
its errors as one line FILE:LINE: message."""

from __future__ import annotations

import traceback
from collections.abc import Mapping
from typing import NoReturn

from courseware.errors import CoursewareError, TemplateError


def environment(loader=None, *, autoescape: bool):
    """An immutable sandbox with StrictUndefined: templates read the context they are given and
    nothing else (no underscore attributes, no `__globals__`, no mutating lists or dicts)."""
    from jinja2 import StrictUndefined
    from jinja2.sandbox import ImmutableSandboxedEnvironment

    return ImmutableSandboxedEnvironment(
        loader=loader, undefined=StrictUndefined, autoescape=autoescape, trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True,
    )


def raise_located(exc: Exception, files: Mapping[str, str], fallback: str) -> NoReturn:
    """Raise `exc` (caught while compiling or rendering) as a one-line TemplateError at the template
    line it came from; re-raise it as it is if no template caused it (then it is our bug)."""
    error = template_error(exc, files, fallback)
    if error is None:
        raise exc
    raise error from None


def template_error(exc: Exception, files: Mapping[str, str], fallback: str) -> CoursewareError | None:
    """`exc` as a TemplateError at the innermost template line it came from, or None. `files` maps
    the file names Jinja knows the templates by to the paths to show; `fallback` is shown when no
    line is known."""
    from jinja2 import TemplateSyntaxError, UndefinedError
    from jinja2.exceptions import SecurityError, TemplateError as JinjaError

    if isinstance(exc, TemplateSyntaxError):
        where = f"{files.get(exc.filename or '', exc.filename or fallback)}:{exc.lineno}"
        return TemplateError(f"{where}: template syntax error: {exc.message}")
    # Jinja rewrites a render's traceback so that each template frame carries the template's file and line.
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if f.filename in files]
    if isinstance(exc, CoursewareError) and not frames:
        return exc  # e.g. refused by the loader before any template ran: its message names the file
    if not frames and not isinstance(exc, JinjaError):
        return None
    where = f"{files[frames[-1].filename]}:{frames[-1].lineno}" if frames else fallback
    if isinstance(exc, CoursewareError):  # e.g. an include the loader refused: the message names the file
        message = str(exc)
    elif isinstance(exc, SecurityError):
        message = f"{exc.message.rstrip('.')}; templates run in a sandbox that allows no such access (the README.md that 'courseware templates copy DIR' writes says what they may use)"
    elif isinstance(exc, UndefinedError):
        message = f"{exc.message}; the README.md that 'courseware templates copy DIR' writes lists the variables each template gets"
    elif isinstance(exc, JinjaError):
        message = exc.message or type(exc).__name__
    else:
        message = f"{type(exc).__name__}: {exc}"
    return TemplateError(f"{where}: {message}")
