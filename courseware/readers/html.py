"""HTML pages: the main content (not navigation, banners, footers or scripts) as headings and blocks."""

from __future__ import annotations

import codecs
import re

from courseware.markdown.inline import literal
from courseware.readers.base import Document, Heading, Reader, SourceUnreadable
from courseware.content.blocks import clean_cell
from courseware.readers.html_blocks import Converter, box_kind

# What is never the page's content, wherever it stands.
DROPPED = ("nav", "form", "script", "style", "noscript", "template", "iframe", "object", "embed", "canvas",
           "button", "input", "select", "textarea", "dialog", "link", "meta", "svg", "audio", "video")
DROPPED_ROLES = {"navigation", "banner", "contentinfo", "complementary", "search"}
# Banners nobody reads as content: cookie and consent notices, "skip to content" links.
BOILERPLATE = re.compile(r"cookie|consent|gdpr|skip-link|skip-to|screen-reader-shortcut", re.I)
# Class names of page furniture inside the content: Sphinx's and Wikipedia's edit and permalink
# links, navigation boxes, reference lists; the Carpentries Workbench's code-block labels.
FURNITURE = frozenset(("headerlink", "mw-editsection", "noprint", "navbox", "catlinks", "printfooter", "reflist",
                       "mw-references-wrap", "mw-jump-link", "code-label", "visually-hidden-focusable"))
PERMALINKS = {"", "¶", "#", "§", "🔗", "¶"}
SKIP_LINK = re.compile(r"^\s*skip\b", re.I)
HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)
CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
CONTROLS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
TAG = re.compile(r"<\s*(?:!doctype|html|head|body|[a-z][a-z0-9]*[\s/>])", re.I)


class HtmlReader(Reader):
    """An HTML page's main content: <main>, [role=main] or the one <article>, else the body
    without navigation, header, footer, asides and hidden elements."""

    suffixes = (".html", ".htm")
    label = "HTML page"

    def read(self, data: bytes) -> Document:
        import lxml.html

        text = decode(data)
        text = re.sub(r"^\s*<\?xml[^>]*\?>", "", text)  # lxml refuses a str that declares its encoding
        try:
            page = lxml.html.document_fromstring(text)
        except Exception as exc:  # lxml.etree.ParserError for a page of nothing but white space or comments
            raise SourceUnreadable(f"is not an HTML page ({exc}); save the page itself, not a link to it") from None
        title = page.find(".//title")
        root = main_content(page)
        clean(root)
        notes = footnotes(root)
        try:
            pieces = Converter(notes=notes).convert(root)
        except RecursionError:  # lxml keeps at most 256 levels; a page past Python's depth is no page a person wrote
            raise SourceUnreadable("nests its elements too deeply to be read; save the page's text, or its printable version") from None
        if not pieces:
            raise SourceUnreadable("has no text outside navigation, scripts and forms (a page drawn by JavaScript?); save the page as shown, or its printable version")
        first = next((p.item for p in pieces if isinstance(p.item, Heading) and p.item.level == 1), None)
        heading = first.text if first else literal(clean_cell(title.text_content())) if title is not None else ""
        return Document(heading, pieces)


def decode(data: bytes) -> str:
    """The page as text: by its byte-order mark, else its <meta charset>, else UTF-8."""
    if b"\x00" in data[:4096] and not data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise SourceUnreadable("is not an HTML page: it holds binary data (another kind of file, renamed?); give the file its own ending, or save the web page from a browser as HTML")
    encoding = next((name for bom, name in BOMS if data.startswith(bom)), None)
    declared = CHARSET.search(data[:4096]) if encoding is None else None
    if declared:
        encoding = declared.group(1).decode("ascii").lower()
        try:
            codecs.lookup(encoding)
        except LookupError:
            raise SourceUnreadable(f"declares the encoding {encoding!r}, which is none Python knows; name its encoding in <meta charset>, or save it as UTF-8") from None
    try:
        text = data.decode(encoding or "utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        said = f"{encoding} text, as its <meta charset> says" if declared else "UTF-8 text, and its <meta charset> names no other encoding"
        raise SourceUnreadable(f"is not {said}; name its encoding in <meta charset>, or save it as UTF-8", line=line) from None
    if not TAG.search(text[:65536]):
        raise SourceUnreadable("is not an HTML page: it has no HTML tags; give a plain-text source the ending .txt or .md")
    # Control characters are no text (HTML calls them parse errors), and lxml refuses them.
    return CONTROLS.sub("", text.replace("\x0b", " ").replace("\x0c", " ")).lstrip("\ufeff")


def main_content(page):
    """The element holding the page's own content."""
    for path in (".//main", ".//*[@role='main']"):
        found = page.find(path) if "@" not in path else next(iter(page.xpath(path)), None)
        if found is not None:
            return found
    articles = page.findall(".//article")
    if len(articles) == 1:
        return articles[0]
    body = page.find("body")
    return body if body is not None else page


def clean(root) -> None:
    """Drop what is not content from under `root`: navigation, banners, footers, forms, scripts,
    hidden elements, cookie notices, skip links; comments and processing instructions."""
    _scrub(root)
    stack = [root]
    while stack:
        for child in list(stack.pop()):
            _scrub(child)
            if not isinstance(child.tag, str) or dropped(child):
                child.drop_tree()
            else:
                stack.append(child)


def _scrub(element) -> None:
    """Control characters out of an element's text and tail (a reference like &#7; puts them
    there; lxml refuses to join such text when an element is dropped)."""
    if element.text and isinstance(element.tag, str) and CONTROLS.search(element.text):
        element.text = CONTROLS.sub("", element.text)
    if element.tail and CONTROLS.search(element.tail):
        element.tail = CONTROLS.sub("", element.tail)


def dropped(element) -> bool:
    """Whether an element is not content: see clean()."""
    tag = element.tag
    if tag == "script" and (element.get("type") or "").startswith("math/tex"):
        return False  # MathJax 2 keeps a formula's LaTeX in a script
    if tag in DROPPED or element.get("role") in DROPPED_ROLES:
        return True
    if element.get("hidden") is not None or element.get("aria-hidden") == "true" or HIDDEN_STYLE.search(element.get("style", "")):
        return True
    if tag == "aside":
        return box_kind(element) is None  # an aside that is a callout is content
    if tag == "footer":  # a quotation's attribution is its footer; other footers are page furniture
        return not any(a.tag in ("blockquote", "figure") for a in element.iterancestors())
    if tag == "header":  # the page's banner, not an article's own heading
        return not any(a.tag in ("article", "section", "main") for a in element.iterancestors())
    classes = element.get("class", "")
    if BOILERPLATE.search(f"{element.get('id', '')} {classes}") or not FURNITURE.isdisjoint(classes.split()):
        return True
    if tag == "sup" and "reference" in classes.split():  # Wikipedia's "[1]": the reference list is left out too
        return True
    if tag == "a" and (element.get("href") or "").startswith("#"):  # skip links, and a heading's "¶" permalink
        text = element.text_content().strip()
        return bool(SKIP_LINK.match(text)) or text in PERMALINKS
    return False


def footnotes(root) -> dict:
    """A Pandoc or Word page's footnotes by id (removed from where they stand): each is read
    after the block that cites it."""
    notes = {}
    for section in root.xpath(".//*[@role='doc-endnotes' or contains(concat(' ', @class, ' '), ' footnotes ')]"):
        for item in section.iter("li"):
            if item.get("id"):
                notes[item.get("id")] = item
        for link in section.xpath(".//a[@role='doc-backlink' or contains(@class, 'footnote-back')]"):
            link.drop_tree()
        section.drop_tree()
    return notes
