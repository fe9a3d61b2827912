"""Figure images: the file a figure names, found beside the markdown that names it and held
inside the course (the spec's folder or the content folder), with the name renderers give it."""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from courseware.content.blocks import IMAGE_TYPES, Figure, figures
from courseware.errors import ContentError, Problem

# A figure over LARGE_IMAGE_BYTES is named in the build output: every learner on a weak
# connection downloads it with the page (the page-weight budget, README "Page weight").
LARGE_IMAGE_BYTES = 300_000


@dataclass(frozen=True)
class FigureFile:
    """One image a course shows: where it is, and the name it gets in every output."""

    path: Path

    @cached_property
    def data(self) -> bytes:
        return self.path.read_bytes()

    @property
    def media_type(self) -> str:
        return IMAGE_TYPES[self.path.suffix.lower()]

    @cached_property
    def name(self) -> str:
        """figures/<hash>-<file name>: stable, and two images with one file name stay two."""
        return f"figures/{hashlib.sha256(self.data).hexdigest()[:12]}-{self.path.name}"


def locate(src: str, markdown_file: Path, roots: list[Path]) -> FigureFile:
    """The image `src` names, relative to `markdown_file`'s folder; ContentError at the line
    that names it if it is missing or lies outside every one of `roots`."""
    path = Path(os.path.normpath(markdown_file.parent / src))
    try:
        resolved = path.resolve()
    except (OSError, RuntimeError):
        resolved = path
    if not any(resolved.is_relative_to(root.resolve()) for root in roots):
        raise _problem(markdown_file, src, f"the figure '{src}' lies outside the course; keep images in the spec's folder or the content folder")
    if not resolved.is_file():
        raise _problem(markdown_file, src, f"the figure '{src}' does not exist (looked for {resolved})")
    return FigureFile(resolved)


def _problem(markdown_file: Path, src: str, message: str) -> ContentError:
    line = 1
    try:
        for n, text in enumerate(markdown_file.read_text(encoding="utf-8").splitlines(), start=1):
            if src in text:
                line = n
                break
    except (OSError, UnicodeDecodeError):
        pass
    return ContentError(problems=[Problem(str(markdown_file), line, 1, "", message)])


def shown(content: object) -> list[Figure]:
    """The figures a lesson text or slide deck shows (a quiz shows none)."""
    from courseware.content.model import Article, SlideDeck

    if isinstance(content, Article):
        return [f for block in content.blocks() for f in figures(block)]
    if isinstance(content, SlideDeck):
        return [s.visual for s in content.slides if isinstance(s.visual, Figure)]
    return []
