"""Content files on disk: what each records (front matter) and its body read back into a model."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from courseware.content.model import Article, Quiz, SlideDeck
from courseware.errors import ContentError, Problem
from courseware.markdown.frontmatter import FrontMatter, body_hash, split
from courseware.markdown.parse import parse_article, parse_quiz, parse_slides
from courseware.markdown.write import to_markdown
from courseware.plan import Recorded, Task

PARSERS = {"overview": parse_article, "lesson": parse_article, "quiz": parse_quiz, "slides": parse_slides}


@dataclass(frozen=True)
class ContentFile:
    """An existing content file: its front matter, body, and where the body starts."""

    name: str
    front: FrontMatter
    body: str
    first_line: int
    digest: str  # sha256 of the file's bytes as read: a later write checks nobody changed it since

    @property
    def recorded(self) -> Recorded:
        return Recorded(key=self.front.key, edited=body_hash(self.body) != self.front.body_sha256)


def read_content_file(path: Path, display: str) -> ContentFile | None:
    """The content file at `path`, or None when there is none."""
    if not path.exists():
        return None
    if not path.is_file():
        raise ContentError(problems=[Problem(display, 1, 1, "", "expected a markdown file, found a folder; move the folder elsewhere")])
    data = path.read_bytes()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ContentError(problems=[Problem(display, 1, 1, "", f"not valid UTF-8 (at byte {exc.start}); save the file as UTF-8")]) from None
    front, body, first_line = split(text, display)
    return ContentFile(display, front, body, first_line, file_digest(data))


def file_digest(data: bytes | None) -> str | None:
    """What a content file's bytes hash to (None for no file): compared again just before a write."""
    return None if data is None else hashlib.sha256(data).hexdigest()


def parse_content(task: Task, file: ContentFile) -> Article | Quiz | SlideDeck:
    """The body read back into its content model; a ContentError names the line to fix."""
    return PARSERS[task.kind](file.body, file.name, file.first_line)


def render_file(task: Task, content: Article | Quiz | SlideDeck, provider: str, model: str, spec: str | None = None, answered_by: str | None = None) -> str:
    """The full file for freshly generated content: front matter, then the markdown body."""
    body = to_markdown(content)
    answered = answered_by if answered_by != model else None
    front = FrontMatter(task=task.id, key=task.key, provider=provider, model=model, body_sha256=body_hash(body), spec=spec, answered_by=answered)
    return front.dump() + body
