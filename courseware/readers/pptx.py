"""PowerPoint sources: each shown slide's title, text, tables, pictures and speaker notes, with its number."""

from __future__ import annotations

import io
import posixpath
import re
import zipfile
from dataclasses import dataclass, field

from courseware.content.blocks import AnyBlock, Figure, Paragraph
from courseware.markdown.inline import literal
from courseware.readers.base import INSTRUCTOR, NARRATIVE, Document, Heading, Piece, Reader, SourceUnreadable
from courseware.readers.pptx_text import NS, chart, diagram, inline, one_line, table, text_frame
from courseware.zipcheck import expansion_problem

OLE = b"\xd0\xcf\x11\xe0"  # a compound file: an encrypted .pptx, or a .ppt of PowerPoint 97-2003
DAMAGED_SLIDE = "this slide is damaged; open the deck in PowerPoint or LibreOffice and save it again"
SHORT_TITLE = 12  # words: an untitled slide's first text this short stands as its title
# Names PowerPoint and other tools give pictures by themselves ("Picture 3", "image1.png"): no alt text.
DEFAULT_NAME = re.compile(r"^(picture|image|graphic|grafik|imagen|photo|content placeholder|placeholder|object|bild|immagine)\s*\d*$|\.(png|jpe?g|gif|bmp|tiff?|emf|wmf|svg|webp)$", re.I)
# A notes paragraph opening with one of these is for the lecturer only (never a passage).
INSTRUCTOR_MARK = re.compile(r"^\s*(instructor|teacher|facilitator|trainer|presenter|speaker|lecturer|enseignant|formateur)s?(['’]s)?\s*(notes?|only|tips?)?\s*:"
                             r"|^\s*(teaching|facilitation)\s+(tips?|notes?)\s*:|^\s*note\s+(to|for)\s+(self|instructors?|teachers?)\s*:"
                             r"|^\s*note\s+pour\s+l['’](enseignant|formateur)", re.I)
IMAGE_EXT = {"png": "png", "jpg": "jpg", "jpeg": "jpg", "gif": "gif"}  # kept as they are
CONVERTED = ("bmp", "tiff", "tif")  # made PNG with Pillow; EMF and WMF (drawings) are left out


@dataclass
class _Slide:
    """What one slide adds while it is read: its number, title, pieces and picture count."""

    number: int
    title: str = ""
    pieces: list[Piece] = field(default_factory=list)
    pictures: int = 0


class PptxReader(Reader):
    """A .pptx deck read slide by slide through python-pptx (hidden slides left out)."""

    suffixes = (".pptx",)
    label = "PowerPoint deck"

    def read(self, data: bytes) -> Document:
        from lxml import etree

        deck = _open(data)
        document = Document(title=literal(one_line(deck.core_properties.title or "")))
        first = True
        for number, slide in enumerate(deck.slides, start=1):
            if slide._element.get("show") in ("0", "false"):
                continue
            try:
                read = _read_slide(slide, number, document.media)
            except (etree.XMLSyntaxError, KeyError, ValueError):  # a damaged or missing part of the slide
                raise SourceUnreadable(DAMAGED_SLIDE, slide=number) from None
            if first and read.title and not document.title:
                document.title = read.title
            level = 1 if first and read.title == document.title else 2  # the title slide heads the deck, not a section
            first = False
            if read.title:
                document.pieces.append(Piece(Heading(level, read.title), slide=number))
            elif read.pieces:
                document.pieces.append(Piece(Heading(2, f"Slide {number}"), slide=number))
            document.pieces.extend(read.pieces)
        return document


def _open(data: bytes):
    """The presentation in `data`, or SourceUnreadable saying why not and what to do."""
    from lxml import etree
    from pptx import Presentation

    if data.startswith(OLE):
        raise SourceUnreadable("password-protected or an old PowerPoint 97-2003 file, not a .pptx; remove the password (or open it and 'Save As' .pptx) and build again")
    if not data.startswith(b"PK"):
        raise SourceUnreadable("not a PowerPoint .pptx file (not a zip package); save it from PowerPoint or LibreOffice as .pptx")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            bomb = expansion_problem(package.infolist(), "export it again from PowerPoint or LibreOffice")
            if bomb:  # decided from the zip's directory, before any entry is unpacked
                raise SourceUnreadable(bomb)
            if package.testzip() is not None:
                raise zipfile.BadZipFile
    except (zipfile.BadZipFile, EOFError, ValueError):
        raise SourceUnreadable("damaged (a truncated or corrupt .pptx); copy or export it again from PowerPoint") from None
    try:
        return Presentation(io.BytesIO(data))
    except etree.XMLSyntaxError:  # python-pptx parses every part on opening
        number = _damaged_slide(data)
        if number:
            raise SourceUnreadable(DAMAGED_SLIDE, slide=number) from None
        raise SourceUnreadable("damaged (a part of it is not well-formed XML); open it in PowerPoint or LibreOffice and save it again") from None
    except Exception:  # python-pptx: PackageNotFoundError, KeyError, ValueError on a zip of something else
        raise SourceUnreadable("a zip package but not a PowerPoint presentation; save the deck from PowerPoint or LibreOffice as .pptx") from None


def _damaged_slide(data: bytes) -> int:
    """The number of the first slide whose XML does not parse (0 for none), in the deck's order."""
    from lxml import etree

    rel = "{http://schemas.openxmlformats.org/package/2006/relationships}Relationship"
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            targets = {r.get("Id"): r.get("Target") for r in etree.fromstring(package.read("ppt/_rels/presentation.xml.rels")).iter(rel)}
            ids = etree.fromstring(package.read("ppt/presentation.xml")).iterfind(".//p:sldId", {"p": "http://schemas.openxmlformats.org/presentationml/2006/main"})
            for number, slide in enumerate(ids, start=1):
                try:
                    etree.fromstring(package.read(posixpath.normpath(posixpath.join("ppt", targets[slide.get(f"{{{NS['r']}}}id")]))))
                except etree.XMLSyntaxError:
                    return number
    except (KeyError, etree.XMLSyntaxError):
        pass
    return 0


def _read_slide(slide, number: int, media: dict[str, bytes]) -> _Slide:
    from pptx.enum.shapes import PP_PLACEHOLDER

    read = _Slide(number)
    shapes = _ordered(slide.shapes)
    titles = (PP_PLACEHOLDER.TITLE, PP_PLACEHOLDER.CENTER_TITLE, PP_PLACEHOLDER.VERTICAL_TITLE)
    title = next((s for s in shapes if s.is_placeholder and s.placeholder_format.type in titles and s.text_frame.text.strip()), None)
    if title is None:  # an untitled slide: its first short one-line text stands as the title
        title = next((s for s in _flat(shapes) if s.has_text_frame and _short_line(s.text_frame)), None)
    if title is not None:
        read.title = literal(one_line(title.text_frame.text))
    skip = title.shape_id if title is not None else None
    for shape in shapes:
        if shape.shape_id != skip:
            _shape(shape, slide, read, media, skip)
    if slide.has_notes_slide:
        _notes(slide.notes_slide, read)
    return read


def _ordered(shapes) -> list:
    """Placeholders by their index (title, body, ...), then other shapes from top to bottom, left to right."""
    placed = [s for s in shapes if s.is_placeholder]
    others = [s for s in shapes if not s.is_placeholder]
    return sorted(placed, key=lambda s: s.placeholder_format.idx) + sorted(others, key=lambda s: (s.top or 0, s.left or 0))


def _flat(shapes) -> list:
    """The shapes with those in groups in their place (for finding an untitled slide's title)."""
    from pptx.enum.shapes import MSO_SHAPE_TYPE

    return [inner for s in shapes for inner in (_flat(_ordered(s.shapes)) if s.shape_type == MSO_SHAPE_TYPE.GROUP else [s])]


def _shape(shape, slide, read: _Slide, media: dict[str, bytes], skip: int | None) -> None:
    """Add what one shape holds: text, a table, a picture, a chart's data, a diagram's text."""
    from pptx.enum.shapes import MSO_SHAPE_TYPE, PP_PLACEHOLDER

    kind = shape.shape_type
    if kind == MSO_SHAPE_TYPE.GROUP:
        for inner in _ordered(shape.shapes):
            if inner.shape_id != skip:  # the untitled slide's title may stand in a group
                _shape(inner, slide, read, media, skip)
        return
    if shape.is_placeholder and shape.placeholder_format.type in (PP_PLACEHOLDER.DATE, PP_PLACEHOLDER.FOOTER, PP_PLACEHOLDER.SLIDE_NUMBER, PP_PLACEHOLDER.HEADER):
        return  # slide furniture, not teaching text
    if getattr(shape, "has_table", False) and shape.has_table:
        return _add(read, table(shape.table, slide.part))
    if getattr(shape, "has_chart", False) and shape.has_chart:
        return _add(read, chart(shape.chart))
    if hasattr(shape, "image") and kind in (MSO_SHAPE_TYPE.PICTURE, MSO_SHAPE_TYPE.PLACEHOLDER):
        return _add(read, _picture(shape, read, media))
    if shape._element.tag.endswith("}graphicFrame"):  # SmartArt (tables and charts are handled above)
        return _add(read, diagram(shape, slide.part))
    if shape.has_text_frame:
        bulleted = shape.is_placeholder and shape.placeholder_format.type in (PP_PLACEHOLDER.BODY, PP_PLACEHOLDER.OBJECT, PP_PLACEHOLDER.VERTICAL_BODY, PP_PLACEHOLDER.VERTICAL_OBJECT)
        for block in text_frame(shape.text_frame, slide.part, bulleted):
            _add(read, block)


def _add(read: _Slide, block: AnyBlock | None, role: str = NARRATIVE) -> None:
    if block is not None:
        read.pieces.append(Piece(block, slide=read.number, role=role))


def _picture(shape, read: _Slide, media: dict[str, bytes]) -> Figure | None:
    """The picture's image in `media` (as slide-N-image-K.ext) and a Figure naming it, with the
    picture's description as alt text, else its name when a person gave it one, else where it is."""
    try:
        image = shape.image
        blob, ext = image.blob, image.ext.lower()
    except Exception:  # a linked (not embedded) picture, or one without image data
        return None
    if ext in CONVERTED:
        from PIL import Image

        out = io.BytesIO()
        try:
            Image.open(io.BytesIO(blob)).save(out, "PNG")
        except (OSError, ValueError):  # an image Pillow cannot read is left out like a drawing
            return None
        blob, ext = out.getvalue(), "png"
    elif ext not in IMAGE_EXT:
        return None
    read.pictures += 1
    name = f"slide-{read.number}-image-{read.pictures}.{IMAGE_EXT.get(ext, ext)}"
    media[name] = blob
    props = shape._element.xpath("./*[1]/p:cNvPr")
    # A description that is only a file name ("image.png", as python-pptx writes) says nothing.
    said = [one_line(props[0].get("descr") or "") if props else "", one_line(shape.name or "")]
    descr = next((text for text in said if text and not DEFAULT_NAME.search(text)), "")
    alt = literal(descr) if descr else f"Picture on slide {read.number}" + (f": {read.title}" if read.title else "")
    return Figure(src=name, alt=alt)


def _notes(notes_slide, read: _Slide) -> None:
    """Speaker notes after the slide's content, a paragraph each: the lecturer's explanation
    (narrative), except paragraphs marked for the instructor (and what follows a bare marker)."""
    frame = notes_slide.notes_text_frame
    if frame is None:
        return
    marked = False
    for paragraph in frame.paragraphs:
        text = inline(paragraph, notes_slide.part)
        if not text:
            continue
        mark = INSTRUCTOR_MARK.match(one_line(paragraph.text))
        if mark and not one_line(paragraph.text)[mark.end():].strip():
            marked = True  # "Instructor notes:" alone: the rest of the notes are the instructor's
            continue
        _add(read, Paragraph(text=text), INSTRUCTOR if mark or marked else NARRATIVE)


def _short_line(frame) -> bool:
    lines = [p for p in frame.paragraphs if p.text.strip()]
    return len(lines) == 1 and len(lines[0].text.split()) <= SHORT_TITLE
