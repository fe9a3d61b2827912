"""Where a lesson's grounding may come from: `sources` entries, a whole file or one of its sections."""

from __future__ import annotations

import re

from courseware.grounding.sources import Passage, SourceDocument

SHOWN_SECTIONS = 6  # an anchor that matches nothing lists this many of the file's sections
# GitHub's slugger keeps letters, digits, marks, '-', '_' and spaces (then spaces become '-').
_DROPPED = re.compile(r"[^\w\- ]", re.UNICODE)


def slug(text: str) -> str:
    """A heading as GitHub anchors it: 'Key ideas: an overview' -> 'key-ideas-an-overview'."""
    return _DROPPED.sub("", text.strip().lower()).replace(" ", "-")


def matches(anchor: str, heading: str) -> bool:
    """Whether `anchor` names `heading`, by its slug or by its text in any case."""
    return slug(anchor) == slug(heading)


def in_section(passage: Passage, anchor: str) -> bool:
    """Whether the passage stands under a heading `anchor` names: a section holds its subsections."""
    return any(matches(anchor, heading) for heading in passage.trail)


def section_passages(doc: SourceDocument, anchor: str | None) -> list[Passage]:
    """The passages of `doc` an entry takes: all of them, or those of the named section (the
    document's title names all of it)."""
    if anchor is None or matches(anchor, doc.title):
        return list(doc.passages())
    return [p for p in doc.passages() if in_section(p, anchor)]


def anchor_problem(doc: SourceDocument, anchor: str) -> str | None:
    """Why `#anchor` names no section of `doc`, with a few sections it has; None when it does."""
    if section_passages(doc, anchor):
        return None
    headings = list(dict.fromkeys(heading for p in doc.passages() for heading in p.trail))
    if not headings:
        return f"'#{anchor}' not found in {doc.path}; it has no sections: list the file without '#'"
    shown = ", ".join(f"#{slug(h)}" for h in headings[:SHOWN_SECTIONS])
    more = f" and {len(headings) - SHOWN_SECTIONS} more" if len(headings) > SHOWN_SECTIONS else ""
    return f"'#{anchor}' not found in {doc.path}; its sections: {shown}{more}"
