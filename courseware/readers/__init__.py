"""Source readers, one module per format, found by file name ending through one registry.

Each reader turns a file's bytes into a Document (readers/base.py): headings and content blocks
with their line, page or slide and role. The modules are imported when a source of their
format is read, so a course of markdown never loads the PDF library.
"""

from __future__ import annotations

import importlib
from pathlib import PurePosixPath

from courseware.readers.base import Document, Heading, Piece, Reader, SourceUnreadable

__all__ = ["Document", "Heading", "Piece", "Reader", "SourceUnreadable", "SUFFIXES", "reader_for", "supported"]

# File name ending -> the module and class of its reader.
SUFFIXES: dict[str, tuple[str, str]] = {
    ".md": ("courseware.readers.markdown", "MarkdownReader"),
    ".markdown": ("courseware.readers.markdown", "MarkdownReader"),
    ".txt": ("courseware.readers.markdown", "MarkdownReader"),
    ".html": ("courseware.readers.html", "HtmlReader"),
    ".htm": ("courseware.readers.html", "HtmlReader"),
    ".docx": ("courseware.readers.docx", "DocxReader"),
    ".pdf": ("courseware.readers.pdf", "PdfReader"),
}

_loaded: dict[str, Reader] = {}


def reader_for(path: str) -> Reader | None:
    """The reader of the file `path` names, by its ending (case-insensitive), or None."""
    suffix = PurePosixPath(path.replace("\\", "/")).suffix.lower()
    if suffix not in SUFFIXES:
        return None
    if suffix not in _loaded:
        module, name = SUFFIXES[suffix]
        _loaded[suffix] = getattr(importlib.import_module(module), name)()
    return _loaded[suffix]


def supported() -> str:
    """The endings a source may have, for messages: '.md, .markdown, .txt, ...'."""
    return ", ".join(SUFFIXES)
