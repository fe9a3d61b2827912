"""The course as an EPUB 3 book (dist/<course>.epub) for learners reading offline on a phone: a
title page, the overview, a chapter per lesson (its text, its slide outline, its quiz as
self-check questions with the answers at the chapter's end, reached by links, no script), the
sources; a navigation document with the table of contents and landmarks; EPUB Accessibility
metadata. The blocks are the site's (html_blocks.py through html/blocks.html), made XHTML by
xhtml.py; the documents come from templates/epub/."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from functools import cached_property

from lxml import etree

from courseware.content.figures import FigureFile
from courseware.content.model import Quiz
from courseware.course import Course, LessonContent
from courseware.errors import CoursewareError
from courseware.render import register
from courseware.render.archive import deterministic_zip, source_date
from courseware.render.html import Site
from courseware.render.sanitize import inline, plain
from courseware.render.templates import ConfinedLoader, find, folders
from courseware.render.xhtml import XHTML, XML_LANG, has_math, serialised, xhtml
from courseware.sandbox import environment, raise_located
from courseware.spec.language import direction
from courseware.writer import Writer

ROOT = "EPUB"  # the folder of the package document and everything it lists
CONTAINER = "urn:oasis:names:tc:opendocument:xmlns:container"
NCX = "http://www.daisy.org/z3986/2005/ncx/"
PAGES = {"title": "title.xhtml", "nav": "nav.xhtml", "intro": "intro.xhtml", "sources": "sources.xhtml"}


@register("epub")
def render_epub(course: Course, writer: Writer) -> None:
    """Write dist/<course id>.epub."""
    writer.write_bytes(f"{course.loaded.spec.course.id}.epub", Book(course).package())


def chapter_file(lesson_id: str) -> str:
    """A lesson's chapter in the book: lesson-<id>.xhtml, never the name of a frame page."""
    return f"lesson-{lesson_id}.xhtml"


@dataclass(frozen=True)
class Item:
    """One manifest item: its id, its file (relative to the package document), media type, properties."""

    id: str
    href: str
    media_type: str
    properties: str = ""


class Book:
    """The documents of one course's book, made from templates/epub/ with the site's block views."""

    def __init__(self, course: Course):
        self.course = course
        self.spec = course.loaded.spec
        self.site = Site(course)  # the site's views of lessons, overview and sources: one way blocks become HTML
        self.words = self.site.words

    @cached_property
    def loader(self) -> ConfinedLoader:
        return ConfinedLoader(folders(self.course), "epub", fallback="html")

    @cached_property
    def env(self):
        """The sandbox the documents render in, as the site's pages do (a user's templates are untrusted)."""
        return environment(self.loader, autoescape=True)

    def render(self, template: str, **context) -> str:
        common = {
            "course": self.spec.course, "spec": self.spec, "words": self.words, "lang": self.spec.course.language,
            "dir": self.course.direction, "source_lang": self.course.original_language, "source_dir": direction(self.course.original_language),
            "chapters": self.chapters, "pages": PAGES, "modules": self.toc,
        }
        try:
            return self.env.get_template(template).render(**common, **context)
        except Exception as exc:  # a user's template at fault is FILE:LINE: message, never a traceback
            raise_located(exc, self.loader.served, f"epub/{template}")

    @cached_property
    def chapters(self) -> list[dict]:
        """Each lesson's chapter, in course order: {id, href, title, module}."""
        return [{"id": item.lesson.id, "href": chapter_file(item.lesson.id), "title": item.lesson.title, "module": item.module.title} for item in self.course.lessons]

    @cached_property
    def toc(self) -> list[dict]:
        """The modules, each with its lessons' chapters, as the table of contents shows them."""
        return [
            {"title": module.title, "chapters": [c for c, item in zip(self.chapters, self.course.lessons) if item.module.id == module.id]}
            for module in self.spec.modules
        ]

    def chapter(self, n: int, item: LessonContent) -> str:
        view = self.site.lesson_view(item)
        _to_sources(view["text"])
        return self.render("chapter.xhtml", page_title=item.lesson.title, number=n, **view, questions=self.questions(item.quiz, item.lesson.id))

    def questions(self, quiz: Quiz, lesson_id: str) -> list[dict]:
        """The quiz as self-check questions: {n, kind, prompt, options, answers, feedback}."""
        where = self.site._file(lesson_id, "quiz.md")
        return [
            {
                "n": n, "kind": item.kind, "prompt": inline(item.prompt, where), "feedback": inline(item.feedback, where),
                "options": [inline(o.text, where) for o in item.options] if item.kind != "cloze" else [],
                "answers": [inline(o.text, where) for o in item.options if o.correct],
            }
            for n, item in enumerate(quiz.items, start=1)
        ]

    def documents(self) -> dict[str, str]:
        """Every content document by its file name, in reading order (the spine's)."""
        overview = self.site.overview
        _to_sources(overview)
        found = {
            PAGES["title"]: self.render("title.xhtml", page_title=self.spec.course.title, objectives=self.spec.objectives),
            PAGES["nav"]: self.render("nav.xhtml", page_title=self.words["contents"], overview=overview),
            PAGES["intro"]: self.render("intro.xhtml", page_title=plain(self.course.overview.title), overview=overview),
        }
        for n, item in enumerate(self.course.lessons, start=1):
            found[chapter_file(item.lesson.id)] = self.chapter(n, item)
        found[PAGES["sources"]] = self.render("sources.xhtml", page_title=self.words["sources"], sources=self.site.sources)
        return found

    def package(self) -> bytes:
        """The .epub: mimetype first and stored, META-INF/container.xml, the package document, the
        content documents, the style sheet and the figures."""
        files: dict[str, bytes] = {}
        items: list[Item] = []
        spine: list[str] = []
        documents = self.documents()  # rendering them gathers the figures they show
        figures = {name: book_image(figure) for name, figure in sorted(self.site.views.figures.items())}
        page_ids = {file: page for page, file in PAGES.items()}
        for n, (name, html) in enumerate(documents.items()):
            tree = xhtml(html)
            for img in tree.iter(f"{{{XHTML}}}img"):
                if img.get("src") in figures:
                    img.set("src", figures[img.get("src")][0])
            ident = page_ids.get(name, f"chapter-{n}")
            properties = " ".join(p for p, on in (("mathml", has_math(tree)), ("nav", name == PAGES["nav"])) if on)
            files[f"{ROOT}/{name}"] = serialised(tree)
            items.append(Item(ident, name, "application/xhtml+xml", properties))
            spine.append(ident)
        files[f"{ROOT}/style.css"] = find(self.course, "epub/style.css").read_bytes()
        items.append(Item("css", "style.css", "text/css"))
        files[f"{ROOT}/toc.ncx"] = self.ncx()
        items.append(Item("ncx", "toc.ncx", "application/x-dtbncx+xml"))
        for k, (name, media_type, data) in enumerate(figures.values(), start=1):
            files[f"{ROOT}/{name}"] = data
            items.append(Item(f"img-{k}", name, media_type))
        files[f"{ROOT}/package.opf"] = self.package_document(items, spine, list(self.site.views.figures.values()))
        files["META-INF/container.xml"] = container()
        files["mimetype"] = b"application/epub+zip"
        return deterministic_zip(files, first=("mimetype", "META-INF/container.xml"), stored=("mimetype",))

    def package_document(self, items: list[Item], spine: list[str], figures: list[FigureFile]) -> bytes:
        """package.opf from its template, checked to be well-formed XML."""
        text = self.render(
            "package.opf", identifier=identifier(self.course), modified=modified(), items=items, spine=spine,
            accessibility=accessibility(figures, any("mathml" in i.properties.split() for i in items), self.words),
        )
        try:
            root = etree.fromstring(text.encode("utf-8"), etree.XMLParser(remove_blank_text=True, resolve_entities=False, no_network=True))
        except etree.XMLSyntaxError as exc:
            path = next(iter(p for p in self.loader.served if p.endswith("package.opf")), "epub/package.opf")
            raise CoursewareError(f"{path}: the package document it makes is not well-formed XML ({exc.msg}, line {exc.lineno} of the output); fix the template") from None
        return etree.tostring(root, xml_declaration=True, encoding="utf-8", pretty_print=True)


    def ncx(self) -> bytes:
        """toc.ncx, the table of contents of EPUB 2 reading systems: the nav document's, built with lxml."""
        facts = self.spec.course
        root = etree.Element(f"{{{NCX}}}ncx", {XML_LANG: facts.language}, nsmap={None: NCX}, version="2005-1")
        if self.course.direction == "rtl":
            root.set("dir", "rtl")
        head = etree.SubElement(root, f"{{{NCX}}}head")
        for name, content in (("dtb:uid", identifier(self.course)), ("dtb:depth", "2"), ("dtb:totalPageCount", "0"), ("dtb:maxPageNumber", "0")):
            etree.SubElement(head, f"{{{NCX}}}meta", name=name, content=content)
        etree.SubElement(etree.SubElement(root, f"{{{NCX}}}docTitle"), f"{{{NCX}}}text").text = facts.title
        nav_map = etree.SubElement(root, f"{{{NCX}}}navMap")
        order: dict[str, int] = {}  # a file's place in reading order: two entries for one file share it

        def point(parent, ident: str, label: str, href: str):
            entry = etree.SubElement(parent, f"{{{NCX}}}navPoint", id=ident, playOrder=str(order.setdefault(href, len(order) + 1)))
            etree.SubElement(etree.SubElement(entry, f"{{{NCX}}}navLabel"), f"{{{NCX}}}text").text = label
            etree.SubElement(entry, f"{{{NCX}}}content", src=href)
            return entry

        point(nav_map, "n-title", self.words["about"], PAGES["title"])
        point(nav_map, "n-contents", self.words["contents"], PAGES["nav"])
        point(nav_map, "n-intro", plain(self.course.overview.title), PAGES["intro"])
        for m, module in enumerate(self.toc, start=1):
            entry = point(nav_map, f"n-m{m}", module["title"], module["chapters"][0]["href"])
            for k, chapter in enumerate(module["chapters"], start=1):
                point(entry, f"n-m{m}-{k}", chapter["title"], chapter["href"])
        point(nav_map, "n-sources", self.words["sources"], PAGES["sources"])
        return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def _to_sources(article: dict) -> None:
    """The article view's references point at the book's sources page instead of the site's."""
    for ref in article["references"]:
        ref["href"] = PAGES["sources"] + ref["href"].removeprefix("sources.html")


def container() -> bytes:
    """META-INF/container.xml: where the package document is."""
    root = etree.Element(f"{{{CONTAINER}}}container", nsmap={None: CONTAINER}, version="1.0")
    rootfiles = etree.SubElement(root, f"{{{CONTAINER}}}rootfiles")
    etree.SubElement(rootfiles, f"{{{CONTAINER}}}rootfile", {"full-path": f"{ROOT}/package.opf", "media-type": "application/oebps-package+xml"})
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def identifier(course: Course) -> str:
    """The book's stable dc:identifier: a UUID from the course id (and a translation's language)."""
    name = f"urn:courseware:{course.loaded.spec.course.id}:epub"
    if course.language != course.original_language:
        name += f":{course.language}"
    return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, name)}"


def modified() -> str:
    """dcterms:modified: the documents' date (archive.source_date)."""
    return source_date().strftime("%Y-%m-%dT%H:%M:%SZ")


def accessibility(figures: list[FigureFile], math: bool, words) -> dict:
    """The schema.org accessibility metadata (EPUB Accessibility 1.1) the book can truthfully claim.
    No conformance claim: nobody has audited the book against WCAG."""
    visual = bool(figures)
    features = ["structuralNavigation", "tableOfContents", "readingOrder", "displayTransformability"]
    if visual:
        features.append("alternativeText")  # every figure has its alt text: the block model requires it
    if math:
        features.append("MathML")
    return {
        "modes": ["textual", *(["visual"] if visual else [])],
        "sufficient": ["textual", *(["textual,visual"] if visual else [])],
        "features": features,
        "hazards": ["unknown"] if any(_may_move(f) for f in figures) else ["none"],
        "summary": words["epub_accessibility"],
    }


def book_image(figure: FigureFile) -> tuple[str, str, bytes]:
    """A figure's (name, media type, bytes) in the book: as it is, but a WebP as PNG, since EPUB
    3.2 reading systems (and EPUBCheck 4) take only PNG, JPEG, GIF and SVG without a fallback."""
    if figure.media_type != "image/webp":
        return figure.name, figure.media_type, figure.data
    import io

    from PIL import Image

    out = io.BytesIO()
    with Image.open(io.BytesIO(figure.data)) as image:
        image.save(out, "PNG", optimize=True)
    return figure.name.removesuffix(figure.path.suffix) + ".png", "image/png", out.getvalue()


def _may_move(figure: FigureFile) -> bool:
    """True for an image that may animate (a GIF, an SVG with animation): its hazards are unknown."""
    if figure.media_type == "image/gif":
        return True
    return figure.media_type == "image/svg+xml" and any(mark in figure.data for mark in (b"<animate", b"<set", b"@keyframes", b"animation"))
