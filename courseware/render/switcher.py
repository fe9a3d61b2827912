"""The site's language switcher: the same page in every language the build renders, each named
in its own language (its endonym), with the path from this page to it."""

from __future__ import annotations

from functools import cache

from courseware.course import Course
from courseware.spec.language import direction


@cache
def language_name(tag: str) -> str:
    """The language's name in itself, as a menu shows it ('Français', 'العربية'); the tag when
    Babel's CLDR data does not know it."""
    # The catalogue (courseware/catalogue.py) will hold this once it reads Babel itself.
    from babel import Locale, UnknownLocaleError

    try:
        name = Locale.parse(tag, sep="-").get_display_name(Locale.parse(tag, sep="-")) or tag
    except (ValueError, UnknownLocaleError):
        return tag
    return name[:1].upper() + name[1:]


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
