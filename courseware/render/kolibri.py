"""The course site as a Kolibri HTML5 app (dist/<course>-kolibri.zip): the html renderer's own
pages and assets, index.html at the root of the zip, for Kolibri Studio or ricecooker's HTML5AppNode.

Kolibri serves the zip in an iframe sandboxed with `allow-scripts` only: the pages run in an
opaque origin (localStorage refused unless Kolibri's Hashi stands in for it; the site's storage is
guarded either way) and forms never submit (the quiz and search scripts act on their buttons'
clicks). Every link in the site is already relative and nothing is fetched from elsewhere. One
language per app: a translation's app is dist/<lang>/<course>-kolibri.zip, without the switcher
to the other languages' sites, which are not in the zip.
"""

from __future__ import annotations

from courseware.course import Course
from courseware.names import INDEX_PAGE
from courseware.render import register
from courseware.render.archive import deterministic_zip
from courseware.render.html import site_files
from courseware.writer import Writer


@register("kolibri")
def render_kolibri(course: Course, writer: Writer) -> None:
    """Write dist/<course-id>-kolibri.zip."""
    files = site_files(course, switcher=False)
    writer.write_bytes(f"{course.loaded.spec.course.id}-kolibri.zip", deterministic_zip(files, first=(f"{INDEX_PAGE}.html",)))
