"""The fixed names the plan and the renderers give files, selectors and package resources.

Lesson and module ids become file names, selectors and identifiers next to these, so an id equal
to one of them would collide with it. Every module that uses one of these names imports it from
here, and the spec check refuses the same names as ids: one list, not a second copy.
"""

from __future__ import annotations

# --regenerate selectors besides task and lesson ids (courseware/plan.py).
SELECT_ALL = "all"
SELECT_COURSE = "course"
# The course overview's content file, beside one folder per lesson (courseware/plan.py).
COURSE_FILE = "course.md"
# Site pages besides one per lesson, or per module for module SCOs (courseware/render/html.py, scorm.py).
INDEX_PAGE, SOURCES_PAGE, CREDENTIAL_PAGE, SEARCH_PAGE = "index", "sources", "credential", "search"
SITE_PAGES = (INDEX_PAGE, SOURCES_PAGE, CREDENTIAL_PAGE, SEARCH_PAGE)
# The SCORM resource holding the shared files is res-<this>, beside res-<sco id> (courseware/render/scorm.py).
SCORM_SHARED = "shared"

RESERVED_IDS: dict[str, str] = {
    SELECT_ALL: "is the --regenerate selector for every task",
    SELECT_COURSE: "is the --regenerate selector for the course overview",
    COURSE_FILE: f"would name the same file as the content folder's {COURSE_FILE}",
    **{page: f"would name the same file as the site's {page}.html" for page in SITE_PAGES},
    SCORM_SHARED: f"would give a SCORM resource the same identifier as the shared files' res-{SCORM_SHARED}",
}


def reserved(ident: str) -> str | None:
    """Why `ident` cannot be a lesson or module id, or None (case-insensitive file systems too)."""
    return RESERVED_IDS.get(ident.casefold())

# Images embedded in PDF, Word and PowerPoint sources are copied here when content shows them:
# a folder of the content folder that no lesson id can name (ids start with a letter or digit).
MEDIA_DIR = "_media"
