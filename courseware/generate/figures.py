"""The figures a task's passages offer the model: each named by an id ("F1") in the prompt and
chosen by that id in the answer, which then becomes a content Figure."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from courseware.content.blocks import figures as figures_in

if TYPE_CHECKING:
    from courseware.grounding.sources import SourceDocument

MAX_FIGURES = 8  # offered to one lesson: each is an enum value and a line of the prompt


@dataclass(frozen=True)
class SourceFigure:
    """A figure of a source document, ready for a lesson: `src` is relative to the lesson's
    markdown (content/<lesson>/lesson.md; slides.md is beside it), computed by whoever reads the
    sources; `source` and `section` are where it stands, as a passage's are."""

    id: str
    src: str
    alt: str
    caption: str | None = None
    credit: str | None = None
    source: str = ""
    section: str = ""


def offered(figures: Iterable[SourceFigure], passages: list[dict]) -> list[SourceFigure]:
    """The figures that stand in the sections of `passages`, in source order, numbered F1, F2, ..."""
    places = {(p["source"], p["section"]) for p in passages}
    chosen = [f for f in figures if (f.source, f.section) in places][:MAX_FIGURES]
    return [replace(f, id=f"F{n}") for n, f in enumerate(chosen, start=1)]


def source_figures(sources: list[SourceDocument], content_dir: Path) -> tuple[SourceFigure, ...]:
    """Every figure of the sources, in source order, its image path made relative to a lesson's
    markdown file in `content_dir` (every lesson's folder is one level down)."""
    lesson_file = content_dir / "lesson" / "lesson.md"
    found = []
    for doc in sources:
        for passage in doc.passages():
            for figure in figures_in(passage.placed(lesson_file, content_dir)):
                found.append(SourceFigure("", figure.src, figure.alt, figure.caption, figure.credit, passage.source, passage.section))
    return tuple(found)
