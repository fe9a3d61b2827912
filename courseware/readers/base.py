"""What every source reader makes: a document of pieces (headings and blocks) that know their place."""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from typing import ClassVar

from courseware.content.blocks import AnyBlock
from courseware.errors import CoursewareError

# What a piece of a source is for. Narrative is the text a lesson teaches from; a box is a
# callout standing in the narrative (a tip, a key-points box); exercises and solutions are kept
# apart (for quizzes and activities, never quoted as narrative); instructor notes reach no
# learner: they never become passages. An overview box (an episode's objectives, the questions it
# answers) says what a part will teach, in imperatives and questions: a box, but never quoted.
NARRATIVE, BOX, OVERVIEW, EXERCISE, SOLUTION, INSTRUCTOR = "narrative", "box", "overview", "exercise", "solution", "instructor"
ROLES = (NARRATIVE, BOX, OVERVIEW, EXERCISE, SOLUTION, INSTRUCTOR)
CALLOUTS = (BOX, OVERVIEW)  # the roles read as one callout block
LEARNER_TEXT = (NARRATIVE, BOX)  # the roles a lesson's narrative may quote


@dataclass(frozen=True)
class Heading:
    """A heading of the source: its level (1 the document's title) and one line of inline markdown."""

    level: int
    text: str


@dataclass(frozen=True)
class Piece:
    """One heading or block of a source, where it stands: a line (text formats), a page (PDF) or
    a slide (PowerPoint), and what it is for (`role`)."""

    item: Heading | AnyBlock
    line: int = 0
    page: int | None = None
    slide: int | None = None
    role: str = NARRATIVE


@dataclass
class Document:
    """A source read: its title (front matter, document properties, the first heading; may be
    empty), its pieces in reading order, and the images embedded in it (PDF, Word, PowerPoint)
    by the relative path their Figure blocks name as `src`."""

    title: str = ""
    pieces: list[Piece] = field(default_factory=list)
    media: dict[str, bytes] = field(default_factory=dict)


class SourceUnreadable(CoursewareError):
    """A source a reader cannot read: the reader says what and where (line, page or slide);
    read_sources() puts the file's path in front."""

    def __init__(self, message: str, line: int = 0, page: int | None = None, slide: int | None = None):
        where = f"{line}: " if line else f"page {page}: " if page else f"slide {slide}: " if slide else ""
        super().__init__(where + message)
        self.detail = where + message


class Reader(ABC):
    """Reads one source format into a Document. A reader is pure: bytes in, document out, no
    file access (what it needs of the file's folder, like linked images, stays a relative path)."""

    suffixes: ClassVar[tuple[str, ...]] = ()  # file name endings it reads, lower case, with the dot
    label: ClassVar[str] = ""  # the format's name in messages: "PDF", "Word document"
    text: ClassVar[bool] = False  # a UTF-8 text format (validation checks it decodes)

    @abstractmethod
    def read(self, data: bytes) -> Document:
        """The document in `data`; raises SourceUnreadable for a file it cannot read."""
