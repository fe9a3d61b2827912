"""Source readers (item 8): how fast each format is read, on the fixtures the tests write
(tests/source_fixtures/), a PDF of 51 pages (the 3-page fixture 17 times over) and a deck of
60 slides (a title, bullets on two levels and notes each). Median of 3 reads each, in this process,
a fresh document every read. Targets: a PDF page or a slide in under a quarter of a second (a
300-page book in about a minute), every other fixture in under half a second.
"""

from __future__ import annotations

import importlib
import io
import json
import tempfile
import time
from pathlib import Path

from common import log, median, row

from courseware.grounding.sources import SourceDocument

FORMATS = ("carpentries", "kramdown", "html", "docx", "pptx", "pdf")
PAGE_TARGET, FILE_TARGET = 0.25, 0.5


def read_seconds(path: Path, data: bytes, repeats: int = 3) -> tuple[float, SourceDocument]:
    """The median wall time of reading `data` as the file `path`, and the last document read."""
    times, doc = [], None
    for _ in range(repeats):
        doc = SourceDocument(path.name, data, len(data), path)
        start = time.perf_counter()
        doc.passages()
        times.append(time.perf_counter() - start)
    return median(times), doc


def long_pdf(path: Path, times: int) -> bytes:
    from pypdf import PdfReader, PdfWriter

    writer, reader = PdfWriter(), PdfReader(path)
    for _ in range(times):
        for page in reader.pages:
            writer.add_page(page)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def long_deck(slides: int) -> bytes:
    """A deck of `slides` slides, each a title, four bullets (two levels, a bold term) and notes."""
    from pptx import Presentation

    deck = Presentation()
    for n in range(1, slides + 1):
        slide = deck.slides.add_slide(deck.slide_layouts[1])
        slide.shapes.title.text = f"Topic {n}: checking understanding"
        frame = slide.placeholders[1].text_frame
        frame.text = f"A short quiz at the start of lesson {n} shows what students remember."
        for level, text in ((1, "Two or three questions are enough."), (0, "Feedback follows at once."), (1, "Wrong answers show what to teach again.")):
            paragraph = frame.add_paragraph()
            paragraph.text, paragraph.level = text, level
        frame.paragraphs[0].runs[0].font.bold = True
        slide.notes_slide.notes_text_frame.text = f"Ask the class to answer alone first, then compare with a neighbour (slide {n})."
    out = io.BytesIO()
    deck.save(out)
    return out.getvalue()


def main() -> dict:
    result, rows = {"seconds": {}, "passages": {}}, []
    with tempfile.TemporaryDirectory() as folder:
        for fmt in FORMATS:
            path = importlib.import_module(f"source_fixtures.{fmt}").make(Path(folder))
            seconds, doc = read_seconds(path, path.read_bytes())
            result["seconds"][fmt], result["passages"][fmt] = round(seconds, 3), len(doc.passages())
            rows.append(row(f"8. read the {fmt} fixture ({len(doc.passages())} passages)", round(seconds, 3), "s", f"< {FILE_TARGET} s", seconds < FILE_TARGET))
            if fmt in ("pdf", "pptx"):
                data = long_pdf(path, 17) if fmt == "pdf" else long_deck(60)
                seconds, doc = read_seconds(path, data)
                count = max((p.page or p.slide or 0) for p in doc.passages())
                each = seconds / count
                what = "page" if fmt == "pdf" else "slide"
                result["seconds"][f"{fmt}_{count}_{what}s"] = round(seconds, 3)
                rows.append(row(f"8. read a {count}-{what} {fmt.upper()}, a {what}", round(each, 3), "s", f"< {PAGE_TARGET} s", each < PAGE_TARGET))
    log("readers: " + ", ".join(f"{k} {v} s" for k, v in result["seconds"].items()))
    result["rows"] = rows
    return result


if __name__ == "__main__":
    print(json.dumps({k: v for k, v in main().items() if k != "rows"}, indent=1))
