"""A PDF source as a browser prints one: an HTML page written here, printed by headless Chromium.

Three pages on the water cycle: a title, headings in two levels (bookmarks too, unless
`outline=False`), paragraphs with **bold** key terms and words that break with a hyphen at a
line end, a bulleted and a numbered list, a ruled table, a PNG with alt text and a caption, a
two-column passage, and a running header and footer with page numbers on every page. The PDF is
tagged, so the image's alt text is in the file.
"""

from __future__ import annotations

import base64
import io
import re
from html import escape
from pathlib import Path

SHY = "&shy;"  # a soft hyphen: the browser breaks the word there, with a hyphen, only at a line end

TITLE = "The Water Cycle"
HEADER = "Earth Science, Unit 3"
# (level, text, page): what a reader must find, on the page it must find it.
HEADINGS = [
    (2, "Evaporation and Condensation", 1),
    (2, "Precipitation", 2),
    (3, "Measuring Rainfall", 2),
    (2, "Collection", 3),
    (3, "Two Views of a River", 3),
]
# Paragraphs as a reader must rebuild them: plain words, soft hyphens gone, bold terms marked.
PARAGRAPHS = [
    "Water moves between the oceans, the air and the land in a loop that never stops. The Sun heats "
    "the surface of lakes and seas, and **evaporation** turns liquid water into an invisible gas "
    "called water vapour. Plants add more vapour through their leaves, a process called "
    "**transpiration**, which in a forest can move more water than evaporation from the ground.",
    "As warm air rises it expands and cools. Cool air holds less vapour, so the extra vapour turns back "
    "into tiny droplets around specks of dust: this is **condensation**, and billions of droplets "
    "together make a cloud. Meteorologists classify clouds by their height and shape, and each "
    "classification tells a forecaster something about the weather to come.",
    "When droplets in a cloud collide and merge they grow heavier, until the air can no longer hold "
    "them up. They fall as **precipitation**: rain, snow, sleet or hail, depending on the temperature "
    "of the air they fall through. Precipitation is unevenly distributed across the continents.",
    "Rainfall is measured with a rain gauge, an open container with a funnel that leads into a narrow "
    "measuring tube. Comparing readings from many stations shows how much water each region receives "
    "in a year.",
    "Water that reaches the ground soaks into the soil or runs downhill into streams. Water stored "
    "underground in porous rock is called **groundwater**, and the rock layer that holds it is an "
    "aquifer. Eventually rivers carry the water back to the sea, and the cycle begins again.",
    "Seen from its source, a river is a small, fast stream in the mountains, cutting a narrow valley "
    "through hard rock and carrying stones and gravel downhill with every flood.",
    "Seen from its mouth, the same river is wide and slow, dropping its fine sediment to build a delta "
    "where fresh water finally mixes with the salty water of the sea.",
]
# Where words may break (soft hyphens): every long word, so that some fall at a line end.
LONG_WORD = re.compile(r"\b([A-Za-z]{4})([a-z]{4,})\b")
BULLETS = ["The Sun supplies the energy.", "Gravity brings the water back down.", "Wind carries vapour over the land."]
STEPS = ["Empty the gauge at the same time each day.", "Read the level at eye height.", "Write the reading in the log."]
TABLE = (
    ["Region", "Annual rainfall (mm)", "Wettest month"],
    [["Amazon basin", "2300", "March"], ["Sahara", "25", "August"], ["Western Europe", "800", "November"]],
)
ALT = "A diagram of the water cycle: arrows from the sea up to a cloud and from the cloud down to a mountain."
CAPTION = "Figure 1: The water cycle in one picture."


def _png() -> bytes:
    """A 240x160 picture: sea, a mountain, a cloud and two arrows."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (240, 160), (225, 240, 255))
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 120, 240, 160), fill=(30, 90, 200))
    draw.polygon([(140, 120), (200, 40), (240, 120)], fill=(110, 90, 60))
    draw.ellipse((60, 10, 150, 50), fill=(250, 250, 250), outline=(120, 120, 120))
    draw.line((50, 115, 80, 55), fill=(200, 0, 0), width=4)
    draw.line((150, 45, 185, 80), fill=(0, 120, 0), width=4)
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def _inline(text: str) -> str:
    """A paragraph's text as HTML: **bold** spans, long words with soft hyphens."""
    parts = LONG_WORD.sub(rf"\1{SHY}\2", escape(text, quote=False)).split("**")
    return "".join(f"<b>{p}</b>" if n % 2 else p for n, p in enumerate(parts))


CSS = """
@page { size: A4; margin: 2cm 2.5cm;
  @top-left { content: "HEADER"; font: 9pt 'DejaVu Serif'; }
  @bottom-center { content: "Page " counter(page) " of " counter(pages); font: 9pt 'DejaVu Serif'; } }
body { font: 11pt/1.4 'DejaVu Serif'; margin: 0; }
p { margin: 0 0 0.5em; text-align: justify; }
h1 { font-size: 24pt; margin: 0 0 0.6em; }
h2 { font-size: 17pt; margin: 1em 0 0.4em; }
h3 { font-size: 14pt; margin: 0.8em 0 0.3em; }
.new-page { break-before: page; }
table { border-collapse: collapse; margin: 0.6em 0; }
td, th { border: 0.75pt solid #000; padding: 3pt 6pt; text-align: left; }
img { width: 8cm; display: block; }
figcaption { font-size: 10pt; font-style: italic; margin: 0.3em 0 0.8em; }
.columns { column-count: 2; column-gap: 1cm; }
"""


def html() -> str:
    """The fixture as an HTML page."""
    p = [f"<p>{_inline(text)}</p>" for text in PARAGRAPHS]
    level = {text: level for level, text, _ in HEADINGS}

    def h(text: str, new_page: bool = False) -> str:
        tag = f"h{level[text]}"
        attribute = ' class="new-page"' if new_page else ""
        return f"<{tag}{attribute}>{escape(text)}</{tag}>"

    def ul(items: list[str], tag: str) -> str:
        return f"<{tag}>" + "".join(f"<li>{escape(i)}</li>" for i in items) + f"</{tag}>"

    header, rows = TABLE
    table = "<table><tr>" + "".join(f"<th>{escape(c)}</th>" for c in header) + "</tr>" + "".join(
        "<tr>" + "".join(f"<td>{escape(c)}</td>" for c in row) + "</tr>" for row in rows) + "</table>"
    image = base64.b64encode(_png()).decode()
    figure = f'<figure style="margin: 0"><img src="data:image/png;base64,{image}" alt="{escape(ALT)}"><figcaption>{escape(CAPTION)}</figcaption></figure>'
    body = "".join([
        f"<h1>{escape(TITLE)}</h1>", h("Evaporation and Condensation"), p[0], p[1], ul(BULLETS, "ul"),
        h("Precipitation", new_page=True), p[2], h("Measuring Rainfall"), p[3], table, ul(STEPS, "ol"),
        h("Collection", new_page=True), p[4], figure, h("Two Views of a River"), f'<div class="columns">{p[5]}{p[6]}</div>',
    ])
    return (f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{escape(TITLE)}</title>'
            f'<style>{CSS.replace("HEADER", HEADER)}</style></head><body>{body}</body></html>')


def export(page_html: str, pdf: Path, outline: bool = True) -> Path:
    """`page_html` printed by headless Chromium to `pdf`: A4, tagged, bookmarks from the headings when `outline`."""
    from browser import browser  # tests/ is on the path, as for every test module

    with browser() as context:
        page = context.new_page()
        page.set_content(page_html, wait_until="load")
        pdf.write_bytes(page.pdf(format="A4", prefer_css_page_size=True, outline=outline, tagged=True, print_background=True))
    return pdf


def make(folder: Path, outline: bool = True) -> Path:
    """Write the fixture into `folder`: water-cycle.pdf (water-cycle-plain.pdf without bookmarks)."""
    folder.mkdir(parents=True, exist_ok=True)
    return export(html(), folder / ("water-cycle.pdf" if outline else "water-cycle-plain.pdf"), outline)


# A PDF drawn line by line with matplotlib: no bookmarks, no tags, a tool's placeholder as its
# metadata title, a bold line as a heading, typed bullets, words broken at hyphens (one of them
# a compound the text uses whole elsewhere), a list item on two lines, a picture and a tiny image, a footer on both pages.
DRAWN = [
    [(100, 20, False, "Soil and Water"), (140, 11, True, "Why soil matters"),
     (165, 11, False, "Soil holds water like a sponge, and a well-"), (180, 11, False, "known example is peat, which keeps the water-"),
     (195, 11, False, "logged ground wet all year round. A well-known"), (210, 11, False, "rule says that clay drains slowly."),
     (240, 11, False, "\u2022 Sand drains fast."), (255, 11, False, "\u2022 Clay holds water and"), (270, 11, False, "   swells when it is wet."),
     (810, 9, False, "Soil notes, page 1")],
    [(100, 11, False, "Roots hold the soil in place."), (810, 9, False, "Soil notes, page 2")],
]


def drawn(folder: Path) -> Path:
    """The drawn PDF (soil.pdf) in `folder`: A4, text at the given tops (points), 72 pt from the left."""
    import matplotlib
    import numpy as np
    from matplotlib.backends.backend_pdf import PdfPages
    from matplotlib.figure import Figure

    width, height = 595, 842
    path = folder / "soil.pdf"
    with matplotlib.rc_context({"pdf.fonttype": 42}), PdfPages(path, metadata={"Title": "Microsoft Word - soil.docx"}) as pdf:
        for number, lines in enumerate(DRAWN, start=1):
            figure = Figure(figsize=(width / 72, height / 72), dpi=72)
            for top, size, bold, text in lines:
                x = 280 if size == 9 else 72
                figure.text(x / width, 1 - top / height, text, fontsize=size, family="DejaVu Serif", fontweight="bold" if bold else "normal")
            if number == 1:
                picture = (np.random.default_rng(1).random((90, 120, 3)) * 255).astype(np.uint8)
                figure.figimage(picture, xo=72, yo=height - 280 - 90)
                figure.figimage(np.zeros((20, 20, 3), np.uint8), xo=400, yo=height - 300)  # a rule or a logo: too small to be a figure
            pdf.savefig(figure)
    return path
