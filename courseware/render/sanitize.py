"""Untrusted inline markdown (from a model or a hand edit) to safe HTML: markdown-it, then nh3."""

from __future__ import annotations

import html
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
