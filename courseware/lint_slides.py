"""Slide text is slide text: a bullet of more than SLIDE_WORDS words is a lint finding at its
line (the deck shows the reviewed outline as written; the whole sentence belongs in the notes).
One statement alone on a slide is shown large, as a key point, and is not a bullet."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from courseware.clause import SLIDE_WORDS
from courseware.content.files import read_content_file
from courseware.errors import ContentError, Problem
from courseware.grounding.text import word_count
from courseware.markdown.inline import plain
from courseware.markdown.parse import parse_slides
from courseware.spec.model import Spec


def slide_findings(spec: Spec, content_dir: Path) -> Iterator[Problem]:
    """Each over-long bullet of each lesson's slides.md (a file that does not read is the quiz
    lint's business only when it is the quiz: an unreadable outline is reported here)."""
    for lesson in spec.lessons():
        path = content_dir / lesson.id / "slides.md"
        try:
            file = read_content_file(path, str(path))
            if file is None:
                continue
            deck = parse_slides(file.body, file.name, file.first_line)
        except ContentError as exc:
            yield from exc.problems or [Problem(str(path), 1, 1, "", str(exc))]
            continue
        for slide, lines in zip(deck.slides, _bullet_lines(file.body, file.first_line)):
            if len(slide.bullets) < 2 and slide.visual is None:  # shown large, as a key point (render/pptx.py)
                continue
            for line, text in zip(lines, slide.bullets):
                words = word_count(plain(text))
                if words > SLIDE_WORDS:
                    yield Problem(str(path), line, 1, "", f"a bullet of {words} words; keep at most {SLIDE_WORDS} on the slide (its key clause) and the whole sentence in the '::: notes'")


def _bullet_lines(body: str, first_line: int) -> list[list[int]]:
    """The line of each bullet of each '## ' slide (the parsed deck keeps no lines), outside code
    fences and notes."""
    slides: list[list[int]] = []
    fence = notes = False
    for number, line in enumerate(body.splitlines(), start=first_line):
        stripped = line.strip()
        if stripped.startswith(("```", "~~~")):
            fence = not fence
        elif fence:
            continue
        elif stripped.startswith(":::"):
            notes = stripped != ":::" and "notes" in stripped
        elif notes:
            continue
        elif line.startswith("## "):
            slides.append([])
        elif line.startswith("- ") and slides:
            slides[-1].append(number)
    return slides
