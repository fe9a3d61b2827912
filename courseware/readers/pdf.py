"""PDF sources: text in reading order with page numbers, headings, lists, ruled tables and
embedded images, through pdfplumber (text, tables) and pypdf (outline, images)."""

from __future__ import annotations

import hashlib
import io
import logging
import warnings

from courseware.content.blocks import Figure, Table, clean_cell
from courseware.markdown.inline import literal
from courseware.readers.base import Document, Heading, Reader, SourceUnreadable
from courseware.readers.pdf_blocks import Placed, build, fallback_alt, line_pitch
from courseware.readers.pdf_headings import Entry, add_title_line, body_size, from_outline, from_sizes, sensible_title
from courseware.readers.pdf_layout import Line, add_vector_bullets, drop_running, page_lines, reading_order, running_keys

MIN_IMAGE_PX = 48  # smaller images are rules, bullets and logos, not figures
AGAIN = "download or export it again"
# The PDF libraries log what they repair in a damaged file; a user gets our one line, not theirs.
for _name in ("pypdf", "pdfminer", "pdfplumber"):
    logging.getLogger(_name).setLevel(logging.CRITICAL + 1)
NO_TEXT = "has no text layer (a scan?); run OCR on it first (for example with ocrmypdf), or use its text as markdown"


class PdfReader(Reader):
    """Text PDFs: the outline or the type sizes give the headings; lines become paragraphs and
    list items; ruled tables and raster images become tables and figures."""

    suffixes = (".pdf",)
    label = "PDF"

    def read(self, data: bytes) -> Document:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # pypdf warns of what it repairs, as the loggers do
            return self._read(data)

    def _read(self, data: bytes) -> Document:
        import pdfplumber
        import pypdf

        if b"%PDF-" not in data[:1024]:
            raise SourceUnreadable("not a PDF (it does not begin with %PDF-); export it as PDF again, or give it its real file ending")
        if b"%%EOF" not in data[-2048:]:
            raise SourceUnreadable(f"the PDF is cut short (it does not end with %%EOF); {AGAIN}")
        try:
            reader = pypdf.PdfReader(io.BytesIO(data), strict=False)
            if reader.is_encrypted and not reader.decrypt(""):
                raise SourceUnreadable("the PDF is locked with a password; save a copy without the password and use that")
            count = len(reader.pages)
        except SourceUnreadable:
            raise
        except Exception as exc:  # pypdf raises many kinds for a damaged file
            raise SourceUnreadable(f"the PDF is damaged{_why(exc)}; {AGAIN}") from None
        entries, meta_title = _outline(reader), _meta_title(reader)
        pages: list[list[Line]] = []
        sizes: list[tuple[float, float]] = []  # each page's width and height
        placed: list[Placed] = []
        images: list[tuple[int, float, bytes, str, str]] = []
        characters = pictures = 0
        try:
            plumber = pdfplumber.open(io.BytesIO(data), password="")
        except Exception as exc:
            raise SourceUnreadable(f"the PDF is damaged{_why(exc)}; {AGAIN}") from None
        with plumber:
            for number, page in enumerate(plumber.pages[:count], start=1):
                try:
                    tables = [t for t in page.find_tables() if t.bbox]
                    rows = [t.extract() for t in tables]
                    chars = [c for c in page.chars if not any(_inside(c, t.bbox) for t in tables)]
                    characters += len(page.chars)
                    lines = page_lines(chars, number)
                    add_vector_bullets(lines, page.curves + page.rects)
                    found = [i for i in page.images if min(i.get("srcsize") or (0, 0)) >= MIN_IMAGE_PX]
                    pictures += len(page.images)
                    if found:
                        images += _images(reader.pages[number - 1], page, found, number)
                except SourceUnreadable:
                    raise
                except Exception as exc:  # pdfminer too: a damaged page can fail in any way
                    raise SourceUnreadable(f"this page is damaged{_why(exc)}; {AGAIN}", page=number) from None
                pages.append(lines)
                sizes.append((float(page.width), float(page.height)))
                placed += [Placed(number, t.bbox[1], table) for t, r in zip(tables, rows) if (table := _table(r))]
                page.close()  # its parsed objects are no longer needed: a long PDF is held one page at a time
        if not characters:
            raise SourceUnreadable(NO_TEXT if pictures else "has no text in it; use a PDF with text, or its text as markdown")
        if not any(pages):  # glyphs drawn, but no font says which characters they are
            raise SourceUnreadable("its text cannot be read out (its fonts do not say which letters their glyphs are); run OCR on it first, or use its text as markdown")
        body = body_size([line for page in pages for line in page])
        keys = running_keys(pages, [height for _, height in sizes], body)
        lines = [line for page, (width, height) in zip(pages, sizes) for line in reading_order(drop_running(page, height, keys, body), width)]
        pitch = line_pitch(lines)
        if entries:
            headings, unmatched = from_outline(entries, lines)
            placed += unmatched
        else:
            headings = from_sizes(lines, pitch)
        add_title_line(lines, headings)
        document = Document()
        placed += _figures(images, len(pages), document)
        pieces = build(_merge(lines, placed), headings, pitch)
        first = next((p.item.text for p in pieces if isinstance(p.item, Heading) and p.item.level == 1), "")
        document.title = literal(sensible_title(meta_title)) or first
        document.pieces = pieces
        return document


def _why(exc: Exception) -> str:
    """What a PDF library's own error says, as a short clause (' (PdfReadError: ...)'); nothing
    for a Python error deep inside it, which would tell a user nothing."""
    if not type(exc).__module__.startswith(("pypdf", "pdfminer", "pdfplumber")):
        return ""
    text = " ".join(str(exc).split())[:80]
    return f" ({type(exc).__name__}: {text})" if text else f" ({type(exc).__name__})"


def _inside(char: dict, box: tuple[float, float, float, float]) -> bool:
    x, y = (char["x0"] + char["x1"]) / 2, (char["top"] + char["bottom"]) / 2
    return box[0] <= x <= box[2] and box[1] <= y <= box[3]


def _meta_title(reader) -> str:
    try:
        return str((reader.metadata or {}).get("/Title") or "")
    except Exception:  # a damaged info dictionary only costs the title
        return ""


def _outline(reader) -> list[Entry]:
    """The bookmarks as entries; one top-level bookmark is the document's title (level 1),
    several are its sections (level 2 on). A damaged outline is no outline."""
    found: list[tuple[int, str, int, float | None]] = []

    def walk(items, depth: int) -> None:
        for item in items:
            if isinstance(item, list):
                walk(item, depth + 1)
                continue
            page = reader.get_destination_page_number(item)
            if page is None or page < 0:
                continue
            top = getattr(item, "top", None)
            height = float(reader.pages[page].mediabox.top)
            found.append((depth, str(item.title or ""), page + 1, height - float(top) if top is not None else None))

    try:
        walk(reader.outline, 0)
    except Exception:
        return []
    shift = 1 if sum(1 for depth, *_ in found if depth == 0) == 1 else 2
    return [Entry(min(6, depth + shift), title, page, top) for depth, title, page, top in found if title.strip()]


def _table(rows: list[list[str | None]]) -> Table | None:
    """A ruled table's cells as a Table (its first row the header), or None when it is not
    one (a single row or column: a box around text)."""
    cells = [[_cell(c) for c in row] for row in rows if row and any(c for c in row)]
    width = max((len(r) for r in cells), default=0)
    if len(cells) < 2 or width < 2:
        return None
    cells = [row + [""] * (width - len(row)) for row in cells]
    header = [c or f"Column {n}" for n, c in enumerate(cells[0], start=1)]
    return Table(header=header, rows=cells[1:])


def _cell(text: str | None) -> str:
    import re

    words = re.sub(r"(\w)[-\u2010\u00ad]\n(?=[a-z])", r"\1", (text or "").replace("\u00ad", ""))
    return clean_cell(literal(" ".join(words.split())))


def _images(pdf_page, page, found: list[dict], number: int) -> list[tuple[int, float, bytes, str, str]]:
    """The page's raster images big enough to be figures: (page, top, bytes, suffix, alt)."""
    decoded = {}
    for image in pdf_page.images:  # pypdf names them by their XObject name and format
        decoded.setdefault(image.name.rsplit(".", 1)[0].rsplit("/", 1)[-1], image)
    alts = _alt_texts(page) if any(i.get("mcid") is not None for i in found) else {}
    out = []
    for info in found:
        image = decoded.get(str(info.get("name", "")).lstrip("/"))
        if image is None:
            continue
        data, suffix = _encoded(image)
        alt = " ".join((alts.get(info.get("mcid")) or "").split()) or fallback_alt(number)
        out.append((number, float(info["top"]), data, suffix, alt))
    return out


def _encoded(image) -> tuple[bytes, str]:
    """An image as PNG or JPEG bytes (as stored when it is either, else drawn again as PNG)."""
    suffix = image.name.rsplit(".", 1)[-1].lower()
    if suffix in ("png", "jpg", "jpeg") and image.image.mode != "CMYK":
        return image.data, "jpg" if suffix == "jpeg" else suffix
    picture = image.image.convert("RGBA" if "A" in image.image.mode else "RGB")
    buffer = io.BytesIO()
    picture.save(buffer, "PNG")
    return buffer.getvalue(), "png"


def _alt_texts(page) -> dict[int, str]:
    """Marked-content id -> alt text, from a tagged PDF's structure tree (empty when untagged)."""
    found: dict[int, str] = {}

    def walk(elements) -> None:
        for element in elements:
            if element.get("alt_text"):
                for mcid in element.get("mcids") or []:
                    found[mcid] = element["alt_text"]
            walk(element.get("children") or [])

    try:
        walk(page.structure_tree)
    except Exception:  # a damaged structure tree only costs the alt texts
        return {}
    return found


def _figures(images: list[tuple[int, float, bytes, str, str]], pages: int, document: Document) -> list[Placed]:
    """Figures for the images, their bytes in the document's media, once each; an image on
    most pages (a logo in the running header) is left out."""
    on_pages: dict[str, set[int]] = {}
    for page, _, data, _, _ in images:
        on_pages.setdefault(hashlib.sha256(data).hexdigest(), set()).add(page)
    names: dict[str, str] = {}
    placed = []
    for page, top, data, suffix, alt in images:
        digest = hashlib.sha256(data).hexdigest()
        if len(on_pages[digest]) >= max(2, (pages + 1) // 2):
            continue
        if digest not in names:
            names[digest] = f"page-{page}-image-{sum(1 for n in names.values() if n.startswith(f'page-{page}-')) + 1}.{suffix}"
            document.media[names[digest]] = data
        placed.append(Placed(page, top, Figure(src=names[digest], alt=alt)))
    return placed


def _merge(lines: list[Line], placed: list[Placed]) -> list[Line | Placed]:
    """Placed items among the lines: each before the first line of its page below its top."""
    out: list[Line | Placed] = []
    waiting = sorted(placed, key=lambda p: (p.page, p.top))
    for line in lines:
        while waiting and (waiting[0].page < line.page or (waiting[0].page == line.page and waiting[0].top <= line.top)):
            out.append(waiting.pop(0))
        out.append(line)
    return out + waiting
