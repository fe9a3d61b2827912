"""The site's offline search: an index built with the site and written as a script (search-index.js),
which search.html loads with a <script> tag. From a folder or a USB stick (file://) a browser
refuses fetch() of JSON or WASM, so nothing here is fetched; templates/html/search.js reads it.

Both sides fold text the same way (search.js repeats `fold` and `tokens` in JavaScript): lowercase,
accents and Arabic diacritics dropped (NFKD, nonspacing marks removed), a few letters that readers
type either way made one (ß/ss, œ/oe, أ/إ/آ/ا, ى/ي, ة/ه ...), the Arabic article dropped."""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Iterable

from courseware.content.blocks import AnyBlock, texts
from courseware.content.model import Article
from courseware.course import Course
from courseware.names import INDEX_PAGE
from courseware.render.sanitize import plain

INDEX_FILE = "search-index.js"
SNIPPET_WORDS = 24
# Letters NFKD leaves alone that readers type either way; search.js has the same table.
FOLD = str.maketrans({
    "ß": "ss", "ς": "σ", "ı": "i", "ø": "o", "đ": "d", "ð": "d", "ł": "l", "þ": "th", "æ": "ae", "œ": "oe",
    "ٱ": "ا", "ى": "ي", "ی": "ي", "ة": "ه", "ک": "ك", "ـ": "",
})
# The Arabic article with the particles that join it; dropped when two letters or more remain.
ARTICLES = ("وال", "بال", "كال", "فال", "لل", "ال")


def fold(text: str) -> str:
    """`text` lowercased, without accents, diacritics or invisible format characters (see FOLD)."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in decomposed if unicodedata.category(c) not in ("Mn", "Cf")).translate(FOLD)


def tokens(text: str) -> list[str]:
    """The words of `text`, folded: runs of letters, digits and marks, in order."""
    found, word = [], []
    for c in fold(text) + " ":
        if unicodedata.category(c)[0] in "LNM":
            word.append(c)
        elif word:
            found.append(_stem("".join(word)))
            word = []
    return found


def _stem(word: str) -> str:
    for article in ARTICLES:
        if word.startswith(article) and len(word) - len(article) >= 2:
            return word[len(article):]
    return word


def documents(course: Course) -> list[dict]:
    """What search finds, in course order: the home page's overview, then each lesson's top
    (title, objectives, introduction) and each of its sections, with the link that opens it."""
    spec = course.loaded.spec
    found = _article(course.overview, f"{INDEX_PAGE}.html", spec.course.title, [], anchors=[f"module-{k}" for k in range(1, len(spec.modules) + 1)])
    for item in course.lessons:
        objectives = [o.text for o in spec.objectives if o.id in item.lesson.objectives]
        found += _article(item.text, f"{item.lesson.id}.html", plain(item.lesson.title), objectives)
    return found


def _article(article: Article, page: str, title: str, extra: list[str], anchors: list[str] | None = None) -> list[dict]:
    """The article's top and each section as documents; `anchors` names the sections' ids (default section-k)."""
    docs = [{"href": page, "page": title, "section": "", "text": _text(article.intro, extra)}]
    for k, section in enumerate(article.sections, start=1):
        anchor = (anchors[k - 1] if k <= len(anchors) else None) if anchors is not None else f"section-{k}"
        docs.append({"href": f"{page}#{anchor}" if anchor else page, "page": title, "section": plain(section.heading), "text": _text(section.blocks)})
    return docs


def _text(blocks: Iterable[AnyBlock], extra: Iterable[str] = ()) -> str:
    return " ".join([*extra, *(plain(t) for block in blocks for t in texts(block))])


def build_index(docs: list[dict]) -> dict:
    """The index: `docs` as [href, page title, section heading, snippet], and every folded word
    with the numbers of the documents it is in (ascending); words of one letter are left out."""
    terms: dict[str, list[int]] = {}
    for n, doc in enumerate(docs):
        for term in dict.fromkeys(tokens(" ".join((doc["page"], doc["section"], doc["text"])))):
            if len(term) > 1:
                terms.setdefault(term, []).append(n)
    return {"docs": [[d["href"], d["page"], d["section"], _snippet(d["text"])] for d in docs], "terms": dict(sorted(terms.items()))}


def _snippet(text: str) -> str:
    """The first words of a document, shown under its link in the results."""
    words = text.split()
    return " ".join(words[:SNIPPET_WORDS]) + (" …" if len(words) > SNIPPET_WORDS else "")


def index_script(course: Course) -> str:
    """search-index.js: the index as one assignment, byte-identical for the same course."""
    data = json.dumps(build_index(documents(course)), ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    data = data.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")  # line separators end a string in older JavaScript
    return f"// The course's search index, written by courseware (courseware/render/search.py); read by assets/search.js.\nwindow.coursewareSearch = {data};\n"
