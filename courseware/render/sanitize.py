"""Untrusted inline markdown (from a model or a hand edit) to safe HTML: markdown-it, then nh3."""

from __future__ import annotations

import html
import re
from functools import cache

import nh3
from markdown_it import MarkdownIt
from markupsafe import Markup

TAGS = {"a", "em", "strong", "code", "sub", "sup", "br", "span"}
ATTRIBUTES = {"a": {"href", "title"}, "span": {"lang", "dir"}}
SCHEMES = {"http", "https", "mailto"}


@cache
def _markdown() -> MarkdownIt:
    # Raw HTML off: a tag in the text is shown as text; nh3 then removes anything that slipped by.
    return MarkdownIt("commonmark", {"html": False, "linkify": False}).disable("image")


def inline(text: str) -> Markup:
    """Render one line of inline markdown to sanitized HTML."""
    rendered = _markdown().renderInline(text)
    return Markup(nh3.clean(rendered, tags=TAGS, attributes=ATTRIBUTES, url_schemes=SCHEMES, link_rel="noopener noreferrer", strip_comments=True))


def plain(text: str) -> str:
    """The text of inline markdown without markup (for titles, alt texts and slides)."""
    return html.unescape(nh3.clean(_markdown().renderInline(text), tags=set()))


# XML 1.0 refuses these code points even as character references; lxml raises on them.
NOT_XML = re.compile("[^\u0009\u000a\u000d\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def xml_text(text: str) -> str:
    """`text` without the characters an XML file cannot hold (U+FFFE, U+FFFF, stray controls)."""
    return NOT_XML.sub("", text)
