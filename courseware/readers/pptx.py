"""PowerPoint sources: each shown slide's title, text, tables, pictures and speaker notes, with its number."""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass, field

from courseware.content.blocks import AnyBlock, Figure, ListBlock, ListItem, Paragraph, Table
from courseware.markdown.inline import literal
from courseware.readers.base import INSTRUCTOR, NARRATIVE, Document, Heading, Piece, Reader, SourceUnreadable

OLE = b"\xd0\xcf\x11\xe0"  # a compound file: an encrypted .pptx, or a .ppt of PowerPoint 97-2003
DIAGRAM = "http://schemas.openxmlformats.org/drawingml/2006/diagram"
NS = {"a": "http://schemas.openxmlformats.org/drawingml/2006/main", "dgm": DIAGRAM,
      "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships"}
SHORT_TITLE = 12  # words: an untitled slide's first text this short stands as its title
# Names PowerPoint and other tools give pictures by themselves ("Picture 3", "image1.png"): no alt text.
DEFAULT_NAME = re.compile(r"^(picture|image|graphic|grafik|imagen|photo|content placeholder|placeholder|object|bild|immagine)\s*\d*$|\.\w{3,4}$", re.I)
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
        document = Document(title=literal(_one_line(deck.core_properties.title or "")))
        first = True
        for number, slide in enumerate(deck.slides, start=1):
            if slide._element.get("show") in ("0", "false"):
                continue
            try:
                read = _read_slide(slide, number, document.media)
            except (etree.XMLSyntaxError, KeyError, ValueError) as exc:  # a damaged or missing slide part
                raise SourceUnreadable(f"this slide cannot be read ({type(exc).__name__}); open the deck in PowerPoint or LibreOffice and save it again", slide=number) from None
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
    from pptx import Presentation

    if data.startswith(OLE):
        raise SourceUnreadable("is password-protected or an old PowerPoint 97-2003 file, not a .pptx; remove the password (or open it and 'Save As' .pptx) and build again")
    if not data.startswith(b"PK"):
        raise SourceUnreadable("is not a PowerPoint .pptx file (not a zip package); save it from PowerPoint or LibreOffice as .pptx")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            if package.testzip() is not None:
                raise zipfile.BadZipFile
    except (zipfile.BadZipFile, EOFError, ValueError):
        raise SourceUnreadable("is damaged (a truncated or corrupt .pptx); copy or export it again from PowerPoint") from None
    try:
        return Presentation(io.BytesIO(data))
    except Exception:  # python-pptx: PackageNotFoundError, KeyError, lxml errors on a zip of something else
        raise SourceUnreadable("is a zip package but not a PowerPoint presentation; save the deck from PowerPoint or LibreOffice as .pptx") from None


def _read_slide(slide, number: int, media: dict[str, bytes]) -> _Slide:
    from pptx.enum.shapes import PP_PLACEHOLDER

    read = _Slide(number)
    shapes = _ordered(slide.shapes)
    title = next((s for s in shapes if s.is_placeholder and s.placeholder_format.type in (PP_PLACEHOLDER.TITLE, PP_PLACEHOLDER.CENTER_TITLE, PP_PLACEHOLDER.VERTICAL_TITLE)), None)
    if title is None:  # an untitled slide: its first short one-line text stands as the title
        title = next((s for s in _flat(shapes) if s.has_text_frame and _short_line(s.text_frame)), None)
    if title is not None:
        read.title = literal(_one_line(title.text_frame.text))
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
        return _add(read, _table(shape.table, slide.part))
    if getattr(shape, "has_chart", False) and shape.has_chart:
        return _add(read, _chart(shape.chart))
    if hasattr(shape, "image") and kind in (MSO_SHAPE_TYPE.PICTURE, MSO_SHAPE_TYPE.PLACEHOLDER):
        return _add(read, _picture(shape, read, media))
    if shape._element.tag.endswith("}graphicFrame"):  # SmartArt (tables and charts are handled above)
        return _add(read, _diagram(shape, slide.part))
    if shape.has_text_frame:
        bulleted = shape.is_placeholder and shape.placeholder_format.type in (PP_PLACEHOLDER.BODY, PP_PLACEHOLDER.OBJECT, PP_PLACEHOLDER.VERTICAL_BODY, PP_PLACEHOLDER.VERTICAL_OBJECT)
        for block in _text_frame(shape.text_frame, slide.part, bulleted):
            _add(read, block)


def _add(read: _Slide, block: AnyBlock | None, role: str = NARRATIVE) -> None:
    if block is not None:
        read.pieces.append(Piece(block, slide=read.number, role=role))


def _text_frame(frame, part, bulleted: bool) -> list[AnyBlock]:
    """A frame of one line is a paragraph; of bulleted lines, a list nested by their levels; of
    unbulleted lines, a paragraph each."""
    lines = [(p.level, _inline(p, part), _bullet(p, bulleted)) for p in frame.paragraphs]
    lines = [line for line in lines if line[1]]
    if len(lines) == 1 or not any(bullet for *_, bullet in lines):
        return [Paragraph(text=text) for _, text, _ in lines]
    blocks: list[AnyBlock] = []
    run: list[tuple[int, str]] = []
    for level, text, bullet in lines + [(0, "", None)]:
        if bullet:
            run.append((level, text))
            continue
        if run:
            blocks.append(_nested(run, ordered=False))
            run = []
        if text:
            blocks.append(Paragraph(text=text))
    return blocks


def _bullet(paragraph, default: bool) -> bool:
    """Whether a line shows a bullet: its own bullet settings, else its frame's kind (body text is bulleted)."""
    ppr = paragraph._p.pPr
    if ppr is not None:
        if ppr.find("a:buNone", NS) is not None:
            return False
        if ppr.find("a:buChar", NS) is not None or ppr.find("a:buAutoNum", NS) is not None:
            return True
    return default


def _nested(lines: list[tuple[int, str]], ordered: bool) -> ListBlock:
    """A list of (level, text) lines, a deeper line nested under the line before it."""
    root: list[list] = []
    stack: list[tuple[int, list]] = [(-1, root)]
    for level, text in lines:
        while len(stack) > 1 and stack[-1][0] >= level:
            stack.pop()
        entry = [text, []]
        stack[-1][1].append(entry)
        stack.append((level, entry[1]))

    def build(entries: list[list]) -> ListBlock:
        return ListBlock(ordered=ordered, items=[ListItem(text=t, children=build(kids) if kids else None) for t, kids in entries])

    return build(root)


def _inline(paragraph, part) -> str:
    """A paragraph's runs as one line of inline markdown: bold runs **strong**, links [text](url)."""
    from pptx.oxml.ns import qn

    spans: list[tuple[str, bool, str]] = []  # text, bold, link
    for child in paragraph._p.iterchildren():
        if child.tag == qn("a:br"):
            spans.append((" ", False, ""))
        elif child.tag in (qn("a:r"), qn("a:fld")):
            rpr = child.find("a:rPr", NS)
            bold = rpr is not None and rpr.get("b") in ("1", "true")
            link = rpr.find("a:hlinkClick", NS) if rpr is not None else None
            rid = link.get(qn("r:id")) if link is not None else None
            url = part.target_ref(rid) if rid else ""
            spans.append(("".join(t.text or "" for t in child.iter(qn("a:t"))), bold, url if re.match(r"^(https?|mailto):", url) else ""))
    merged: list[list] = []
    for text, bold, url in spans:  # neighbouring runs set alike read as one
        if merged and (merged[-1][1], merged[-1][2]) == (bold, url) or (merged and not text.strip()):
            merged[-1][0] += text
        else:
            merged.append([text, bold, url])
    return _one_line("".join(_span(*span) for span in merged))


def _span(text: str, bold: bool, url: str) -> str:
    core = text.strip()
    if not core:
        return text
    shown = literal(_one_line(core))
    if bold:
        shown = f"**{shown}**"
    if url:
        shown = f"[{shown}]({url.replace(' ', '%20').replace('(', '%28').replace(')', '%29')})"
    # White space stays outside the markers: "** term**" would not read as bold.
    return text[: len(text) - len(text.lstrip())] + shown + text[len(text.rstrip()):]


def _table(table, part) -> AnyBlock | None:
    """The table, its first row the header (an empty header cell shows a dash)."""
    rows = [[_one_line(" ".join(_inline(p, part) for p in cell.text_frame.paragraphs)) for cell in row.cells] for row in table.rows]
    rows = [row for row in rows if any(row)]
    if not rows:
        return None
    if len(rows) == 1:
        return Paragraph(text="; ".join(c for c in rows[0] if c))
    return Table(header=[c or "—" for c in rows[0]], rows=rows[1:])


def _chart(chart) -> AnyBlock | None:
    """A category chart's data as a table (categories down, one column a series), its title the caption."""
    try:
        plot = chart.plots[0]
        categories = [str(c) for c in plot.categories]
        series = list(plot.series)
        if not categories or not series:
            return None
        header = [literal(chart.chart_title.text_frame.text) if chart.has_title and chart.chart_title.has_text_frame else "—"]
        header += [literal(_one_line(s.name or f"Series {n}")) for n, s in enumerate(series, start=1)]
        rows = [[literal(_one_line(c))] + [_number(s.values[k]) for s in series] for k, c in enumerate(categories)]
        return Table(header=[h or "—" for h in header], rows=rows)
    except Exception:  # charts without categories (scatter, bubble) or with broken data: left out
        return None


def _number(value) -> str:
    return "" if value is None else f"{value:g}" if isinstance(value, float) else str(value)


def _diagram(shape, part) -> AnyBlock | None:
    """A SmartArt diagram's node texts as a flat list (its layout, and so its structure, is lost)."""
    from lxml import etree

    ids = shape._element.xpath(".//dgm:relIds", namespaces=NS)
    rid = ids[0].get(f"{{{NS['r']}}}dm") if ids else None
    if not rid:
        return None
    root = etree.fromstring(part.related_part(rid).blob)
    texts = []
    for point in root.iter(f"{{{DIAGRAM}}}pt"):
        if point.get("type", "node") == "node":
            text = _one_line("".join(t.text or "" for t in point.iter(f"{{{NS['a']}}}t")))
            if text:
                texts.append(ListItem(text=literal(text)))
    return ListBlock(items=texts) if texts else None


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
        Image.open(io.BytesIO(blob)).save(out, "PNG")
        blob, ext = out.getvalue(), "png"
    elif ext not in IMAGE_EXT:
        return None
    read.pictures += 1
    name = f"slide-{read.number}-image-{read.pictures}.{IMAGE_EXT.get(ext, ext)}"
    media[name] = blob
    props = shape._element.xpath("./*[1]/p:cNvPr")
    descr = _one_line(props[0].get("descr") or "") if props else ""
    if not descr and shape.name and not DEFAULT_NAME.search(shape.name.strip()):
        descr = _one_line(shape.name)
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
        text = _inline(paragraph, notes_slide.part)
        if not text:
            continue
        mark = INSTRUCTOR_MARK.match(_one_line(paragraph.text))
        if mark and not _one_line(paragraph.text)[mark.end():].strip():
            marked = True  # "Instructor notes:" alone: the rest of the notes are the instructor's
            continue
        _add(read, Paragraph(text=text), INSTRUCTOR if mark or marked else NARRATIVE)


def _short_line(frame) -> bool:
    lines = [p for p in frame.paragraphs if p.text.strip()]
    return len(lines) == 1 and len(lines[0].text.split()) <= SHORT_TITLE


def _one_line(text: str) -> str:
    return " ".join(str(text).split())
