"""Pictures a slide can hold: PNG from an SVG figure (cairosvg) and from display math (matplotlib's
mathtext, a LaTeX subset drawn with the fonts matplotlib ships: no TeX install, nothing fetched);
and the same formulas as SVG for the PDF course book.

PowerPoint before 2016 and LibreOffice's PPTX import need a raster image, and neither can typeset
LaTeX. Both converters are deterministic for one installed version, so rebuilds stay byte-identical.
"""

from __future__ import annotations

import io
import re
from functools import lru_cache

from courseware.markdown.inline import MathError

SVG_WIDTH_PX = 1600  # sharp on a 1920-pixel projector when the figure fills the slide's width
MATH_PT = 32.0  # the size a formula is drawn at; the slide shows it at most this size
MATH_SCALE = 4  # pixels per point: sharp when projected
PAD = MATH_PT * 0.15  # around a formula: keeps tall signs (a sum's top) from the edge
# LaTeX environments mathtext cannot read but whose lines it can: each line is drawn centred.
LINES_ENV = re.compile(r"\\(?:begin|end)\{(?:aligned|align\*?|gathered|gather\*?|split|array)\}(?:\{[^}]*\})?")


class ImageError(ValueError):
    """An image that cannot be converted; the message says why."""


@lru_cache(maxsize=64)
def svg_png(data: bytes) -> bytes:
    """An SVG drawn as a PNG SVG_WIDTH_PX wide. cairosvg's safe mode (unsafe=False) reads only
    data: URLs inside it: an SVG never makes the build fetch a URL or read a file beside it."""
    import cairosvg

    try:
        return cairosvg.svg2png(bytestring=data, output_width=SVG_WIDTH_PX, unsafe=False)
    except Exception as exc:  # cairosvg raises parser, value and cairo errors alike
        raise ImageError(f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else 'not an SVG image'}") from None


def plain_png(data: bytes) -> bytes:
    """Any other raster (WebP, odd PNG modes) as PNG, for formats python-pptx cannot embed."""
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(data)) as image:
            out = io.BytesIO()
            image.save(out, format="PNG")
            return out.getvalue()
    except (UnidentifiedImageError, OSError, ValueError) as exc:
        raise ImageError(str(exc)) from None


def pixel_size(data: bytes) -> tuple[int, int]:
    """(width, height) in pixels of a PNG, JPEG or GIF."""
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(data)) as image:
            return image.size
    except (UnidentifiedImageError, OSError, ValueError) as exc:
        raise ImageError(str(exc)) from None


@lru_cache(maxsize=256)
def math_png(latex: str) -> tuple[bytes, float, float]:
    """A display formula as (PNG bytes, width pt, height pt) at MATH_PT; MathError if mathtext
    cannot read it. An aligned or gathered environment becomes its lines, one under another."""
    figure, total_w, total_h, _ = _math_figure(latex)
    out = io.BytesIO()
    # No "Software" entry: the PNG is the same whatever matplotlib says about itself.
    figure.savefig(out, dpi=72 * MATH_SCALE, format="png", transparent=True, metadata={"Software": None})
    return out.getvalue(), total_w, total_h


@lru_cache(maxsize=1024)
def math_svg(latex: str) -> tuple[bytes, float, float, float]:
    """A formula as (SVG bytes, width pt, height pt, baseline pt above the bottom edge) at MATH_PT,
    its glyphs drawn as paths (no font needed where it is shown), for the PDF course book, whose
    WeasyPrint cannot typeset MathML; MathError as math_png. The bytes are the same every run:
    no date, and the ids matplotlib makes up are salted with a constant."""
    import matplotlib

    figure, total_w, total_h, baseline = _math_figure(latex)
    out = io.BytesIO()
    with matplotlib.rc_context({"svg.fonttype": "path", "svg.hashsalt": "courseware"}):
        figure.savefig(out, format="svg", transparent=True, metadata={"Date": None, "Creator": None, "Format": None, "Type": None})
    return out.getvalue(), total_w, total_h, baseline


def _math_figure(latex: str):
    """The formula drawn on a matplotlib Figure: (figure, width pt, height pt, the last line's
    baseline above the bottom edge in pt)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.font_manager import FontProperties
    from matplotlib.mathtext import MathTextParser

    rows = [" ".join(row.replace("&", " ").split()) for row in re.split(r"\\\\", LINES_ENV.sub("", latex))]
    rows = [row for row in rows if row]
    if not rows:
        raise MathError(f"the formula ${latex}$ is empty")
    prop = FontProperties(family="DejaVu Sans", size=MATH_PT)
    parser = MathTextParser("path")
    sizes = []
    for row in rows:
        try:
            width, height, depth, _, _ = parser.parse(f"${row}$", dpi=72, prop=prop)
        except (ValueError, RuntimeError) as exc:
            # pyparsing's last line says what it found; its position and class name say nothing to a teacher
            last = str(exc).strip().splitlines()[-1] if str(exc).strip() else type(exc).__name__
            reason = re.sub(r"\s*\(at char \d+\).*$", "", re.sub(r"^\w+Exception: ", "", last))
            raise MathError(f"the formula ${latex}$ cannot be drawn ({reason})") from None
        sizes.append((width, height, depth))
    gap, pad = MATH_PT * 0.4, PAD
    total_w = max(w for w, _, _ in sizes) + 2 * pad
    total_h = sum(h for _, h, _ in sizes) + gap * (len(rows) - 1) + 2 * pad
    figure = Figure(figsize=(total_w / 72, total_h / 72))
    y = total_h - pad
    for row, (width, height, depth) in zip(rows, sizes):
        y -= height
        figure.text((total_w - width) / 2 / total_w, (y + depth) / total_h, f"${row}$", fontproperties=prop, color="black")
        y -= gap
    FigureCanvasAgg(figure)
    return figure, total_w, total_h, pad + sizes[-1][2]
