"""Renderers: a registry of output formats, each reading the parsed Course and writing through a Writer."""

from __future__ import annotations

from collections.abc import Callable

from courseware.course import Course
from courseware.writer import Subfolder, Writer

Renderer = Callable[[Course, Writer | Subfolder], None]  # a Subfolder: a translation, below dist/<lang>/

RENDERERS: dict[str, Renderer] = {}


def register(name: str) -> Callable[[Renderer], Renderer]:
    """Function decorator: make a renderer available as output format `name`."""

    def add(renderer: Renderer) -> Renderer:
        RENDERERS[name] = renderer
        return renderer

    return add


@register("markdown")
def _markdown(course: Course, writer: Writer) -> None:
    """The reviewed markdown is the content folder itself: reading it into the Course was the check."""


def _discover() -> None:
    """Import every module of this package: each renderer registers itself with @register."""
    import importlib
    import pkgutil

    for module in pkgutil.iter_modules(__path__):
        importlib.import_module(f"{__name__}.{module.name}")


def render(course: Course, formats: list[str], writer: Writer | Subfolder) -> tuple[list[str], list[str]]:
    """Render each available format; returns (rendered, not available in this version)."""
    if not set(formats) <= RENDERERS.keys():  # a markdown-only build imports no renderer
        _discover()

    done, missing = [], []
    for name in formats:
        if name in RENDERERS:
            RENDERERS[name](course, writer)
            done.append(name)
        else:
            missing.append(name)
    return done, missing
