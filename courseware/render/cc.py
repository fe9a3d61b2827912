"""IMS Common Cartridge 1.1 (dist/cc.imscc): the course for Moodle's course restore, Canvas,
Brightspace, Blackboard, Sakai and Schoology. The manifest (built with lxml) has the course as
LOM metadata and one organization: a first part with the sources page, then a part per module
holding each lesson's page (webcontent) and its quiz (a QTI 1.2.1 assessment, cc_qti.py).

The lesson pages are the SCORM pages' lesson view (templates/html/cc.html) without the quiz and
without scripts, since an LMS may import a page as its own HTML; the stylesheet and the figures
they show are one shared webcontent resource that every page depends on.

Moodle (backup/cc) recognises a 1.1 cartridge by the default namespace in the first 500 bytes of
imsmanifest.xml, validates it against cc11libxml2validator.xsd, makes a course section of each
item below the root (the first one is section 0, the course's general section), a page of each
HTML webcontent and a quiz of each assessment; Canvas makes a module of each of those items.
"""

from __future__ import annotations

from lxml import etree

from courseware.catalogue import words
from courseware.course import Course, LessonContent
from courseware.names import SOURCES_PAGE
from courseware.render import register
from courseware.render.archive import deterministic_zip
from courseware.render.cc_qti import assessment, quiz_title
from courseware.render.html import Site
from courseware.render.quiztext import Degraded
from courseware.render.templates import find
from courseware.writer import Writer

CP = "http://www.imsglobal.org/xsd/imsccv1p1/imscp_v1p1"
LOMM = "http://ltsc.ieee.org/xsd/imsccv1p1/LOM/manifest"
LOMR = "http://ltsc.ieee.org/xsd/imsccv1p1/LOM/resource"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
PROFILE = "http://www.imsglobal.org/profile/cc/ccv1p1"
LOCATIONS = f"{CP} {PROFILE}/ccv1p1_imscp_v1p2_v1p0.xsd {LOMM} {PROFILE}/LOM/ccv1p1_lommanifest_v1p0.xsd {LOMR} {PROFILE}/LOM/ccv1p1_lomresource_v1p0.xsd"
WEBCONTENT = "webcontent"
ASSESSMENT = "imsqti_xmlv1p2/imscc_xmlv1p1/assessment"
MANIFEST = "imsmanifest.xml"
SHARED = "res-shared"
SOURCES = "res-sources"
NO_RESTRICTIONS = {"CC0-1.0", "PUBLIC-DOMAIN"}  # licences that restrict nothing: LOM's copyright 'no'


@register("cc")
def render_cc(course: Course, writer: Writer) -> None:
    """Write dist/cc.imscc."""
    writer.write_bytes("cc.imscc", package(course))


def package(course: Course) -> bytes:
    """The cartridge: imsmanifest.xml first, then the pages, the quizzes and the shared files."""
    site = Site(course, switcher=False)
    degraded = Degraded("cc")
    files: dict[str, bytes] = {}
    for item in course.lessons:
        part = site.lesson_view(item)
        files[page(item)] = site.page("cc.html", page_title=item.lesson.title, parts=[part], site_nav=False).encode("utf-8")
        files[quiz(item)] = _xml(assessment(course, item, degraded))
    files[f"{SOURCES_PAGE}.html"] = site.page("sources.html", page_title=site.words["sources"], sources=site.sources, site_nav=False).encode("utf-8")
    shared = {f"assets/{name}": find(course, f"html/{name}").read_bytes() for name in ("style.css", "icon.svg")}
    shared.update(sorted((name, figure.data) for name, figure in site.views.figures.items()))
    files.update(shared)
    files[MANIFEST] = _xml(manifest(course, sorted(shared)))
    degraded.say(course)
    return deterministic_zip(files, first=(MANIFEST,))


def page(item: LessonContent) -> str:
    """A lesson's page in the cartridge."""
    return f"{item.lesson.id}.html"


def quiz(item: LessonContent) -> str:
    """A lesson's assessment in the cartridge."""
    return f"quizzes/{item.lesson.id}.xml"


def manifest(course: Course, shared: list[str]) -> etree._Element:
    """imsmanifest.xml: metadata, the organization, a resource per page, per quiz, and the shared files."""
    spec = course.loaded.spec
    # Moodle finds the cartridge's version by the default namespace, so it is declared first.
    root = etree.Element(f"{{{CP}}}manifest", nsmap={None: CP, "lomimscc": LOMM, "lom": LOMR, "xsi": XSI}, identifier=_manifest_id(course))
    root.set(f"{{{XSI}}}schemaLocation", LOCATIONS)
    metadata = _cp(root, "metadata")
    _cp(metadata, "schema").text = "IMS Common Cartridge"
    _cp(metadata, "schemaversion").text = "1.1.0"
    _lom(metadata, course)
    organization = _cp(_cp(root, "organizations"), "organization", identifier="org", structure="rooted-hierarchy")
    top = _cp(organization, "item", identifier="root")
    about = _item(top, "course", spec.course.title)  # Moodle's section 0: the course and its sources
    _item(about, "sources", words(course.language)["sources"], SOURCES)
    modules: dict[str, etree._Element] = {}
    for item in course.lessons:
        if item.module.id not in modules:
            modules[item.module.id] = _item(top, f"module-{item.module.id}", item.module.title)
        _item(modules[item.module.id], f"page-{item.lesson.id}", item.lesson.title, f"res-page-{item.lesson.id}")
        _item(modules[item.module.id], f"quiz-{item.lesson.id}", quiz_title(course, item), f"res-quiz-{item.lesson.id}")
    resources = _cp(root, "resources")
    _webcontent(resources, SOURCES, f"{SOURCES_PAGE}.html")
    for item in course.lessons:
        _webcontent(resources, f"res-page-{item.lesson.id}", page(item))
        test = _cp(resources, "resource", identifier=f"res-quiz-{item.lesson.id}", type=ASSESSMENT)  # no href: the profile forbids one
        _cp(test, "file", href=quiz(item))
    files = _cp(resources, "resource", identifier=SHARED, type=WEBCONTENT)
    for name in shared:
        _cp(files, "file", href=name)
    return root


def _manifest_id(course: Course) -> str:
    """The cartridge's identifier; a translation's names its language, so two never share one."""
    language = f"-{course.language}" if course.language != course.original_language else ""
    return f"cc-{course.loaded.spec.course.id}{language}"


def _item(parent: etree._Element, ident: str, title: str, ref: str | None = None) -> etree._Element:
    item = _cp(parent, "item", identifier=ident, **({"identifierref": ref} if ref else {}))
    _cp(item, "title").text = title
    return item


def _webcontent(resources: etree._Element, ident: str, href: str) -> None:
    resource = _cp(resources, "resource", identifier=ident, type=WEBCONTENT, href=href)
    _cp(resource, "file", href=href)
    _cp(resource, "dependency", identifierref=SHARED)


def _lom(metadata: etree._Element, course: Course) -> None:
    """The course as LOM: title, language, description, authors and licence, in the course's language."""
    facts = course.loaded.spec.course
    lom = _lm(metadata, "lom")
    general = _lm(lom, "general")
    _string(_lm(general, "title"), facts.title, facts.language)
    _lm(general, "language").text = facts.language
    if facts.description:
        _string(_lm(general, "description"), facts.description, facts.language)
    if facts.authors:
        life = _lm(lom, "lifeCycle")
        for author in facts.authors:
            contribute = _lm(life, "contribute")
            _lm(_lm(contribute, "role"), "value").text = "author"
            _lm(contribute, "entity").text = _vcard(author)
    rights = _lm(lom, "rights")
    _lm(_lm(rights, "copyrightAndOtherRestrictions"), "value").text = "no" if facts.license.upper() in NO_RESTRICTIONS else "yes"
    _string(_lm(rights, "description"), facts.license, facts.language)


def _vcard(name: str) -> str:
    """LOM names a contributor as a vCard."""
    escaped = name.replace("\\", "\\\\").replace(",", "\\,").replace(";", "\\;")
    return f"BEGIN:VCARD\nVERSION:3.0\nFN:{escaped}\nEND:VCARD"


def _string(parent: etree._Element, text: str, language: str) -> None:
    _lm(parent, "string", language=language).text = text


def _cp(parent: etree._Element, tag: str, **attributes: str) -> etree._Element:
    return etree.SubElement(parent, f"{{{CP}}}{tag}", attributes)


def _lm(parent: etree._Element, tag: str, **attributes: str) -> etree._Element:
    return etree.SubElement(parent, f"{{{LOMM}}}{tag}", attributes)


def _xml(root: etree._Element) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
