"""The HTML course site: a home page, a page per lesson (text, slide outline, quiz), sources and
credential pages. Static, offline, no external request; every model or hand-written text sanitized."""

from __future__ import annotations

import hashlib
import json
import re
from functools import cached_property

from markupsafe import Markup

from courseware.catalogue import language_name, words
from courseware.content.model import Article, Callout, ListBlock, Quiz, Reference, Table
from courseware.content.blocks import AnyBlock, items, texts
from courseware.course import Course, LessonContent
from courseware.names import CREDENTIAL_PAGE, INDEX_PAGE, SEARCH_PAGE, SOURCES_PAGE
from courseware.render import register
from courseware.render.html_blocks import BlockViews
from courseware.render.sanitize import inline, plain
from courseware.render.search import INDEX_FILE, index_script
from courseware.render.switcher import alternates
from courseware.spec.language import direction
from courseware.render.templates import ConfinedLoader, find, folders
from courseware.sandbox import environment, raise_located
from courseware.grounding.sources import read_sources
from courseware.writer import Writer

ASSETS = ("style.css", "quiz.js", "icon.svg")  # what the site and the SCORM packages share
SITE_ASSETS = ("theme.js", "site.js", "search.js")  # the site's own: dark mode, outline, progress, search


@register("html")
def render_html(course: Course, writer: Writer) -> None:
    """Write dist/html/: index.html, <lesson-id>.html, sources.html, search.html with its index
    search-index.js, credential.html, assets/."""
    for name, data in site_files(course).items():
        writer.write_bytes(f"html/{name}", data)


def site_files(course: Course, switcher: bool = True) -> dict[str, bytes]:
    """Every file of the site by its name in html/, in the order written; `switcher` False leaves
    out the links to the other languages' sites (the Kolibri app holds one language)."""
    site = Site(course, switcher)
    files = {f"assets/{name}": find(course, f"html/{name}").read_bytes() for name in (*ASSETS, *SITE_ASSETS)}
    pages = {f"{INDEX_PAGE}.html": site.page("index.html", f"{INDEX_PAGE}.html", page_title=site.spec.course.title)}
    for n, lesson in enumerate(course.lessons):
        pages[f"{lesson.lesson.id}.html"] = site.lesson_page(n)
    pages[f"{SOURCES_PAGE}.html"] = site.page("sources.html", f"{SOURCES_PAGE}.html", page_title=site.words["sources"], sources=site.sources)
    pages[f"{SEARCH_PAGE}.html"] = site.page("search.html", f"{SEARCH_PAGE}.html", page_title=site.words["search"])
    pages[INDEX_FILE] = index_script(course)
    if site.spec.credential:
        pages[f"{CREDENTIAL_PAGE}.html"] = site.page("credential.html", f"{CREDENTIAL_PAGE}.html", page_title=site.spec.credential.name)
    files.update((name, text.encode("utf-8")) for name, text in pages.items())
    for name, figure in sorted(site.views.figures.items()):  # every image a page shows, under the name its pages use
        files[name] = figure.data
    return files


class Site:
    """The view of a Course that the HTML templates read (documented in templates/README.md)."""

    def __init__(self, course: Course, switcher: bool = True):
        self.course = course
        self.switcher = switcher
        self.spec = course.loaded.spec
        self.words = words(self.spec.course.language)
        self.views = BlockViews(course, self.words)

    @cached_property
    def loader(self) -> ConfinedLoader:
        return ConfinedLoader(folders(self.course), "html")

    @cached_property
    def env(self):
        """The sandbox the pages render in: a user's templates are untrusted, like prompts."""
        return environment(self.loader, autoescape=True)

    @cached_property
    def anchors(self) -> dict[tuple[str, str], str]:
        """Each (source path, section) with its anchor on the sources page."""
        return {(s["path"], sec["title"]): sec["id"] for s in self.sources for sec in s["sections"]} | {(s["path"], ""): s["id"] for s in self.sources}

    @cached_property
    def sources(self) -> list[dict]:
        """Every source by section; a large one (see courseware/grounding/sources.py) by the sections the
        course cites only, so that its page stays small and quick to render."""
        articles = [self.course.overview, *(item.text for item in self.course.lessons)]
        cited = {(ref.source, ref.section) for article in articles for ref in article.references}
        found = []
        for n, doc in enumerate(read_sources(self.spec.source_files(), self.course.loaded.root), start=1):
            sections: dict[str, list[str]] = {}
            for passage in doc.passages():
                shown = source_line(passage.block)
                sections.setdefault(passage.section, [])
                if shown:  # code and display math are shown in the lessons that use them
                    sections[passage.section].append(shown)
            found.append({
                "id": f"source-{n}",
                "path": doc.path,
                "excerpt": doc.large,
                "sections": [
                    {"id": f"source-{n}-{k}", "title": title, "paragraphs": [inline(text) for text in texts]}
                    for k, (title, texts) in enumerate(sections.items(), start=1)
                    if not doc.large or (doc.path, title) in cited
                ],
            })
        return found

    @cached_property
    def overview(self) -> dict:
        """The course overview as an article view; every page's header context uses it."""
        return self.article(self.course.overview, None)

    def page(self, template: str, name: str | None = None, **context) -> str:
        """Render one page with the shared context; `name` is its file in html/, which the
        language switcher links to in the other languages (None: a SCORM page, no switcher)."""
        source_lang = self.course.original_language  # the source documents are not translated
        common = {
            "course": self.spec.course, "spec": self.spec, "words": self.words, "lang": self.spec.course.language, "dir": self.course.direction,
            "modules": self.spec.modules, "overview": self.overview, "has_credential": self.spec.credential is not None,
            "languages": alternates(self.course, name) if name and self.switcher else [],
            "source_lang": source_lang, "source_dir": direction(source_lang), "language_name": language_name(self.spec.course.language),
            "store": f"courseware:{self.spec.course.id}:{self.spec.course.language}",
        }
        try:
            return self.env.get_template(template).render(**common, **context)
        except Exception as exc:  # a user's template at fault is FILE:LINE: message, never a traceback
            raise_located(exc, self.loader.served, f"{self.loader.prefix}/{template}")

    def lesson_page(self, n: int) -> str:
        item: LessonContent = self.course.lessons[n]
        lessons = self.course.lessons
        return self.page(
            "lesson.html",
            f"{item.lesson.id}.html",
            page_title=item.lesson.title,
            **self.lesson_view(item),
            previous=lessons[n - 1].lesson if n > 0 else None,
            next=lessons[n + 1].lesson if n + 1 < len(lessons) else None,
        )

    def lesson_view(self, item: LessonContent, prefix: str = "") -> dict:
        """What lesson_body.html shows of one lesson; `prefix` keeps its ids unique on a shared page."""
        lesson_id = item.lesson.id
        slides_file = self._file(lesson_id, "slides.md")
        quiz_key = self.quiz_key(item.quiz, item.lesson.quiz.pass_score)
        return {
            "prefix": prefix,
            "module": item.module,
            "lesson": item.lesson,
            "objectives": [o for o in self.spec.objectives if o.id in item.lesson.objectives],
            "text": self.article(item.text, lesson_id, prefix),
            "slides": [
                {
                    "title": inline(s.title, slides_file),
                    "bullets": [inline(b, slides_file) for b in s.bullets],
                    "visual": self.views.block(s.visual, lesson_id, slides_file, prefix) if s.visual else None,
                    "notes": inline(s.notes, slides_file) if s.notes else None,
                }
                for s in item.slides.slides
            ],
            "quiz": self.quiz(item.quiz, lesson_id),
            "quiz_key": quiz_key,
            "quiz_version": hashlib.sha256(str(quiz_key).encode("utf-8")).hexdigest()[:12],
            "pass_percent": round(item.lesson.quiz.pass_score * 100),
        }

    def article(self, article: Article, lesson_id: str | None, prefix: str = "") -> dict:
        """Block views (html_blocks.py) with citation links; references pointing at the sources page."""
        where = self._file(lesson_id, "lesson.md")
        return {
            "title": inline(article.title, where),
            "intro": self.views.blocks(article.intro, lesson_id, where, prefix),
            "sections": [
                {"heading": inline(s.heading, where), "id": f"section-{k}", "blocks": self.views.blocks(s.blocks, lesson_id, where, prefix)}
                for k, s in enumerate(article.sections, start=1)
            ],
            "references": [{"n": n, "text": self._reference(ref), "href": "sources.html#" + self.anchors.get((ref.source, ref.section), self.anchors.get((ref.source, ""), ""))} for n, ref in enumerate(article.references, start=1)],
        }

    def _file(self, lesson_id: str | None, name: str) -> str:
        """The content file a text comes from, as notices name it."""
        base = self.course.content_dir or self.course.loaded.root
        return str(base / "course.md") if lesson_id is None else str(base / lesson_id / name)

    def _reference(self, ref: Reference) -> str:
        return ref.source + (f" § {plain(ref.section)}" if ref.section else "") + ref.locator

    def quiz(self, quiz: Quiz, lesson_id: str) -> list[dict]:
        where = self._file(lesson_id, "quiz.md")
        return [
            {
                "n": n, "kind": item.kind, "prompt": inline(item.prompt, where), "feedback": inline(item.feedback, where), "objective": item.objective,
                "options": [inline(o.text, where) for o in item.options] if item.kind != "cloze" else [],
                "name": f"{_slug(lesson_id)}-q{n}",
            }
            for n, item in enumerate(quiz.items, start=1)
        ]

    def quiz_key(self, quiz: Quiz, pass_score: float) -> Markup:
        """The answer key for quiz.js, as JSON safe inside a <script type="application/json">."""
        items = [
            {"kind": i.kind, "accepted": [plain(o.text) for o in i.options]} if i.kind == "cloze" else {"kind": i.kind, "correct": [k for k, o in enumerate(i.options) if o.correct]}
            for i in quiz.items
        ]
        labels = {k: self.words[k] for k in ("correct", "incorrect", "score", "passed", "not_passed", "unanswered", "retry", "check")}
        data = json.dumps({"pass": pass_score, "items": items, "labels": labels}, ensure_ascii=False, sort_keys=True)
        return Markup(data.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"))


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_-]+", "-", text).strip("-") or "x"


def source_line(block: AnyBlock) -> str:
    """A source's block as one line of inline markdown for the sources page: a callout's title
    in bold before its text, list items and table rows kept apart, code and math left out."""
    if isinstance(block, Callout):
        inner = " ".join(filter(None, (source_line(b) for b in block.blocks)))
        return f"**{block.title}:** {inner}" if block.title and "**" not in block.title else inner
    if isinstance(block, ListBlock):
        return _joined(item.text for item in items(block))
    if isinstance(block, Table):
        return _joined([*(" · ".join(c for c in row if c) for row in [block.header, *block.rows]), *([block.caption] if block.caption else [])])
    return " ".join(texts(block))


def _joined(parts) -> str:
    """Texts in one line, each ending as it ends, or with '; ' where it has no stop of its own."""
    line = ""
    for part in parts:
        line = part if not line else line + (" " if line[-1] in ".!?;:" else "; ") + part
    return line

