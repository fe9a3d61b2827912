"""The site's language switcher: the same page in every language the build renders, each named
in its own language (its endonym), with the path from this page to it."""

from __future__ import annotations

from courseware.catalogue import language_name
from courseware.course import Course
from courseware.spec.language import direction


def alternates(course: Course, page: str) -> list[dict]:
    """One entry per language (the original first) for `page` (a file name in html/): `tag`,
    `name`, `dir`, `href` (relative to this page) and `current`; empty for a one-language course."""
    if len(course.languages) < 2:
        return []
    up = "../" * (1 + course.folder(course.language).count("/"))  # from html/ (or fr/html/) to dist/
    return [
        {
            "tag": tag, "name": language_name(tag), "dir": direction(tag), "current": tag == course.language,
            "href": page if tag == course.language else f"{up}{course.folder(tag)}html/{page}",
        }
        for tag in course.languages
    ]
