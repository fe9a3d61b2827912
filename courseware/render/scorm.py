"""SCORM 1.2 and SCORM 2004 4th edition packages: an SCO per lesson (or module) showing the lesson,
its slide outline and its quiz, wired to the LMS by assets/scorm.js; manifests built with lxml."""

from __future__ import annotations

from dataclasses import dataclass

from lxml import etree

from courseware.course import Course, LessonContent
from courseware.names import SCORM_SHARED, SOURCES_PAGE
from courseware.render import register
from courseware.render.archive import deterministic_zip
from courseware.render.html import ASSETS, Site
from courseware.render.templates import find
from courseware.writer import Writer

XSI = "http://www.w3.org/2001/XMLSchema-instance"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
IMSMD = "http://www.imsglobal.org/xsd/imsmd_rootv1p2p1"  # SCORM 1.2's metadata (IMS MD 1.2.1)
LOM = "http://ltsc.ieee.org/xsd/LOM"  # SCORM 2004's (IEEE LOM)
V12 = {
    None: "http://www.imsproject.org/xsd/imscp_rootv1p1p2",
    "adlcp": "http://www.adlnet.org/xsd/adlcp_rootv1p2",
    "imsmd": IMSMD,
    "xsi": XSI,
}
V2004 = {
    None: "http://www.imsglobal.org/xsd/imscp_v1p1",
    "adlcp": "http://www.adlnet.org/xsd/adlcp_v1p3",
    "adlseq": "http://www.adlnet.org/xsd/adlseq_v1p3",
    "adlnav": "http://www.adlnet.org/xsd/adlnav_v1p3",
    "imsss": "http://www.imsglobal.org/xsd/imsss",
    "lom": LOM,
    "xsi": XSI,
}
LOCATIONS = {
    "1.2": "http://www.imsproject.org/xsd/imscp_rootv1p1p2 imscp_rootv1p1p2.xsd http://www.adlnet.org/xsd/adlcp_rootv1p2 adlcp_rootv1p2.xsd "
    f"{IMSMD} imsmd_rootv1p2p1.xsd",
    "2004": (
        "http://www.imsglobal.org/xsd/imscp_v1p1 imscp_v1p1.xsd http://www.adlnet.org/xsd/adlcp_v1p3 adlcp_v1p3.xsd "
        "http://www.adlnet.org/xsd/adlseq_v1p3 adlseq_v1p3.xsd http://www.adlnet.org/xsd/adlnav_v1p3 adlnav_v1p3.xsd "
        f"http://www.imsglobal.org/xsd/imsss imsss_v1p0.xsd {LOM} lom.xsd"
    ),
}


@dataclass(frozen=True)
class Sco:
    """One launchable page of a package and the lessons it shows."""

    ident: str
    title: str
    href: str
    lessons: list[LessonContent]
    pass_score: float


@register("scorm12")
def render_scorm12(course: Course, writer: Writer) -> None:
    """Write dist/scorm12.zip."""
    writer.write_bytes("scorm12.zip", package(course, "1.2"))


@register("scorm2004")
def render_scorm2004(course: Course, writer: Writer) -> None:
    """Write dist/scorm2004.zip."""
    writer.write_bytes("scorm2004.zip", package(course, "2004"))


def scos(course: Course) -> list[Sco]:
    """The package's SCOs: a lesson each, or a module each (spec: scorm: {sco: module})."""
    if course.loaded.spec.scorm.sco == "lesson":
        return [Sco(i.lesson.id, i.lesson.title, f"{i.lesson.id}.html", [i], i.lesson.quiz.pass_score) for i in course.lessons]
    found = []
    for module in course.loaded.spec.modules:
        items = [i for i in course.lessons if i.module.id == module.id]
        found.append(Sco(module.id, module.title, f"{module.id}.html", items, max(i.lesson.quiz.pass_score for i in items)))
    return found


def package(course: Course, version: str) -> bytes:
    """The zip: imsmanifest.xml first, the SCO pages, the sources page, the assets and the figures."""
    site = Site(course)
    files: dict[str, bytes] = {}
    units = scos(course)
    for sco in units:
        several = len(sco.lessons) > 1
        parts = [site.lesson_view(item, f"{item.lesson.id}-" if several else "") for item in sco.lessons]
        html = site.page("sco.html", page_title=sco.title, parts=parts, site_nav=False, scorm_version=version)
        files[sco.href] = html.encode("utf-8")
    files[f"{SOURCES_PAGE}.html"] = site.page("sources.html", page_title=site.words["sources"], sources=site.sources, site_nav=False).encode("utf-8")
    for name in (*ASSETS, "scorm.js"):
        files[f"assets/{name}"] = find(course, f"html/{name}").read_bytes()
    for name, figure in site.views.figures.items():  # every image the SCOs show, listed in the manifest with the assets
        files[name] = figure.data
    shared = sorted(n for n in files if n not in {s.href for s in units})
    files["imsmanifest.xml"] = manifest(course, units, shared, version)
    return deterministic_zip(files, first=("imsmanifest.xml",))


def manifest(course: Course, units: list[Sco], shared: list[str], version: str) -> bytes:
    """imsmanifest.xml for SCORM 1.2 or 2004 4th edition."""
    spec = course.loaded.spec
    ns = V12 if version == "1.2" else V2004
    cp, adlcp = ns[None], ns["adlcp"]
    root = etree.Element(f"{{{cp}}}manifest", nsmap=ns, identifier=f"courseware-{spec.course.id}", version="1")
    root.set(f"{{{XSI}}}schemaLocation", LOCATIONS[version])
    metadata = etree.SubElement(root, f"{{{cp}}}metadata")
    etree.SubElement(metadata, f"{{{cp}}}schema").text = "ADL SCORM"
    etree.SubElement(metadata, f"{{{cp}}}schemaversion").text = "1.2" if version == "1.2" else "2004 4th Edition"
    _lom(metadata, course, version)
    organizations = etree.SubElement(root, f"{{{cp}}}organizations", default=f"org-{spec.course.id}")
    organization = etree.SubElement(organizations, f"{{{cp}}}organization", identifier=f"org-{spec.course.id}")
    etree.SubElement(organization, f"{{{cp}}}title").text = spec.course.title
    by_module: dict[str, etree._Element] = {}
    for sco in units:
        module = sco.lessons[0].module
        parent = organization
        if spec.scorm.sco == "lesson":
            if module.id not in by_module:
                by_module[module.id] = etree.SubElement(organization, f"{{{cp}}}item", identifier=f"item-{module.id}")
                etree.SubElement(by_module[module.id], f"{{{cp}}}title").text = module.title
            parent = by_module[module.id]
        item = etree.SubElement(parent, f"{{{cp}}}item", identifier=f"item-{sco.ident}", identifierref=f"res-{sco.ident}")
        etree.SubElement(item, f"{{{cp}}}title").text = sco.title
        if version == "1.2":
            etree.SubElement(item, f"{{{adlcp}}}masteryscore").text = str(round(sco.pass_score * 100))
        else:
            _sco_sequencing(item, sco, ns)
    if version == "2004":
        for cluster in by_module.values():
            _cluster_sequencing(cluster, ns)
        _cluster_sequencing(organization, ns)
    resources = etree.SubElement(root, f"{{{cp}}}resources")
    kind_attr = f"{{{adlcp}}}scormtype" if version == "1.2" else f"{{{adlcp}}}scormType"
    for sco in units:
        resource = etree.SubElement(resources, f"{{{cp}}}resource", identifier=f"res-{sco.ident}", type="webcontent", href=sco.href)
        resource.set(kind_attr, "sco")
        etree.SubElement(resource, f"{{{cp}}}file", href=sco.href)
        etree.SubElement(resource, f"{{{cp}}}dependency", identifierref=f"res-{SCORM_SHARED}")
    shared_resource = etree.SubElement(resources, f"{{{cp}}}resource", identifier=f"res-{SCORM_SHARED}", type="webcontent")
    shared_resource.set(kind_attr, "asset")
    for name in shared:
        etree.SubElement(shared_resource, f"{{{cp}}}file", href=name)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def _lom(metadata: etree._Element, course: Course, version: str) -> None:
    """The package's title, description and language as learning-object metadata, which an LMS
    lists the package by: each translation's package says its own language."""
    facts = course.loaded.spec.course
    md = IMSMD if version == "1.2" else LOM
    general = etree.SubElement(etree.SubElement(metadata, f"{{{md}}}lom"), f"{{{md}}}general")
    _langstring(etree.SubElement(general, f"{{{md}}}title"), facts.title, facts.language, md)
    etree.SubElement(general, f"{{{md}}}language").text = facts.language  # LOM's order: title, language, description
    if facts.description:
        _langstring(etree.SubElement(general, f"{{{md}}}description"), facts.description, facts.language, md)


def _langstring(parent: etree._Element, text: str, language: str, md: str) -> None:
    if md == IMSMD:
        etree.SubElement(parent, f"{{{md}}}langstring", {XML_LANG: language}).text = text
    else:
        etree.SubElement(parent, f"{{{md}}}string", language=language).text = text


def _sco_sequencing(item: etree._Element, sco: Sco, ns: dict) -> None:
    """The SCO is satisfied by its measure: the scaled score against the lesson's pass score."""
    ss = ns["imsss"]
    sequencing = etree.SubElement(item, f"{{{ss}}}sequencing")
    objectives = etree.SubElement(sequencing, f"{{{ss}}}objectives")
    primary = etree.SubElement(objectives, f"{{{ss}}}primaryObjective", objectiveID=f"{sco.ident}-mastery", satisfiedByMeasure="true")
    etree.SubElement(primary, f"{{{ss}}}minNormalizedMeasure").text = f"{sco.pass_score:g}"
    etree.SubElement(sequencing, f"{{{ss}}}deliveryControls", completionSetByContent="true", objectiveSetByContent="true")


def _cluster_sequencing(cluster: etree._Element, ns: dict) -> None:
    """Learners move forward in order (flow, with free choice), and completion and success roll up."""
    ss = ns["imsss"]
    sequencing = etree.SubElement(cluster, f"{{{ss}}}sequencing")
    etree.SubElement(sequencing, f"{{{ss}}}controlMode", choice="true", flow="true")
    etree.SubElement(sequencing, f"{{{ss}}}rollupRules", rollupObjectiveSatisfied="true", rollupProgressCompletion="true", objectiveMeasureWeight="1")
