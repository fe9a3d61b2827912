"""Word documents (.docx): headings, lists, tables, images and footnotes, through mammoth's HTML."""

from __future__ import annotations

import html
import io
import re
import zipfile
import zlib

from courseware.readers.base import Document, Heading, Reader, SourceUnreadable
from courseware.zipcheck import expansion_problem

# Word's paragraph styles as the HTML the converter reads (after mammoth's own Heading 1-6,
# lists, tables, footnotes): a table of contents is left out (its lines are the headings again,
# with page numbers); the Title is the document's title; boxes by their style's name.
STYLE_MAP = """
p[style-name^='TOC '] => !
p[style-name='TOC Heading'] => !
p[style-name^='Contents '] => !
p[style-name='Title'] => h1.doc-title:fresh
p[style-name='Subtitle'] => p.subtitle:fresh
p[style-name='Caption'] => p.caption:fresh
p[style-name='Quote'] => blockquote > p:fresh
p[style-name='Intense Quote'] => blockquote > p:fresh
p[style-name='Quotations'] => blockquote > p:fresh
p[style-name='Instructor Note'] => div.instructor > p:fresh
p[style-name='Note'] => div.note > p:fresh
p[style-name='Tip'] => div.tip > p:fresh
p[style-name='Warning'] => div.warning > p:fresh
p[style-name='Exercise'] => div.exercise > p:fresh
p[style-name='Solution'] => div.solution > p:fresh
p[style-name='Preformatted Text'] => pre:separator('\\n')
p[style-name='Code'] => pre:separator('\\n')
r[style-name='Source Text'] => code
r[style-name='Code Char'] => code
"""
# Image types a figure can show, by the content type Word stores them with (EMF and WMF drawings cannot be shown).
IMAGE_EXT = {"image/png": "png", "image/jpeg": "jpg", "image/gif": "gif", "image/svg+xml": "svg", "image/webp": "webp"}
OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # a password-protected .docx, or a Word 97-2003 .doc
CORE_TITLE = re.compile(rb"<dc:title>([^<]*)</dc:title>")


class DocxReader(Reader):
    """Word's headings (Title, Heading 1-6), paragraphs with bold and italics, lists, tables,
    embedded images (into `media`, with their description as alt text) and footnotes (after
    the paragraph that cites them). Comments and tracked deletions are left out."""

    suffixes = (".docx",)
    label = "Word document"

    def read(self, data: bytes) -> Document:
        import lxml.html
        import mammoth

        from courseware.markdown.inline import literal
        from courseware.readers.html_blocks import Converter

        archive = _archive(data)
        media: dict[str, bytes] = {}

        def image(picture) -> dict[str, str]:
            ext = IMAGE_EXT.get(picture.content_type or "")
            if ext is None:
                return {"src": ""}  # a drawing no figure can show: the converter leaves it out
            name = f"image-{len(media) + 1}.{ext}"
            with picture.open() as stream:
                media[name] = stream.read()
            return {"src": name}

        try:
            result = mammoth.convert_to_html(io.BytesIO(data), style_map=STYLE_MAP, convert_image=mammoth.images.img_element(image))
        except Exception as exc:  # mammoth raises many kinds for a damaged document
            raise SourceUnreadable(f"is a damaged Word document ({type(exc).__name__}: {exc}); open it in Word or LibreOffice and save it again") from None
        # mammoth's warnings (a style it has no mapping for) are not errors: the text is read anyway.
        root = lxml.html.fragment_fromstring(result.value or "<p></p>", create_parent="div")
        notes = _footnotes(root)
        _figures(root)
        for n, img in enumerate(root.iter("img"), start=1):  # a figure's caption stands in for a missing description
            if not (img.get("alt") or "").strip() and img.getparent().tag != "figure":
                img.set("alt", f"Image {n} of the document (it has no description)")
        titled = root.find(".//h1[@class='doc-title']") is not None
        pieces = Converter(lines=False, notes=notes).convert(root)
        if titled:  # the Title paragraph, a level-1 heading the passages take as the title
            title = next((p.item.text for p in pieces if isinstance(p.item, Heading) and p.item.level == 1), "")
        else:  # else the document's properties; a Heading 1 stays a section
            found = CORE_TITLE.search(archive.read("docProps/core.xml")) if "docProps/core.xml" in archive.namelist() else None
            title = literal(html.unescape(found.group(1).decode("utf-8", "replace")).strip()) if found else ""
        return Document(title, pieces, media)


def _archive(data: bytes) -> zipfile.ZipFile:
    """The document's zip, or what to do when it is none."""
    if data.startswith(OLE):
        raise SourceUnreadable("is password-protected or an old Word 97-2003 file; save an unprotected copy as .docx (Word document)")
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        bomb = expansion_problem(archive.infolist(), "save it again from Word or LibreOffice as .docx")
        if bomb:  # decided from the zip's directory, before any entry is unpacked
            raise SourceUnreadable(bomb)
        damaged = archive.testzip()  # the first entry whose bytes do not match their checksum
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, zlib.error):
        damaged = ""
    if damaged is not None:
        raise SourceUnreadable("is not a Word document (not a complete zip file: damaged or cut short?); open it in Word or LibreOffice and save it again as .docx")
    if "word/document.xml" not in archive.namelist():
        raise SourceUnreadable("is a zip file without word/document.xml, not a Word document; save it from Word or LibreOffice as .docx")
    return archive


def _footnotes(root) -> dict:
    """mammoth's footnotes and endnotes (a list at the end) by id, taken out of the text, their
    back-links gone: each is read after the paragraph that cites it."""
    notes = {}
    for item in root.xpath(".//li[starts-with(@id, 'footnote-') or starts-with(@id, 'endnote-')]"):
        for link in item.xpath(".//a[starts-with(@href, '#footnote-ref-') or starts-with(@href, '#endnote-ref-')]"):
            link.drop_tree()
        notes[item.get("id")] = item
    for item in notes.values():
        parent = item.getparent()
        if parent is not None and parent.getparent() is not None:
            parent.drop_tree()
    return notes


def _figures(root) -> None:
    """A paragraph holding only images, followed by a Caption paragraph: one figure with its caption."""
    for caption in root.xpath(".//p[@class='caption']"):
        before = caption.getprevious()
        if before is None or before.tag != "p" or not len(before) or (before.text or "").strip():
            continue
        if all(child.tag == "img" and not (child.tail or "").strip() for child in before):
            before.tag, caption.tag = "figure", "figcaption"
            before.append(caption)
