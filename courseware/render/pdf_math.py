"""Formulas for the PDF course book: WeasyPrint lays MathML out as its bare text ("x2+ab" for
x² + a/b), so each <math> element of the book's HTML becomes an SVG picture of its LaTeX, drawn
by matplotlib's mathtext as the decks' formulas are (render/raster.py), sized in em so that an
inline formula sits on the text's baseline at the text's size.

The <math> elements come from our own sanitizer (nh3): each is one well-formed element whose
LaTeX is its `alttext`, and MathML never nests, so a pattern finds them exactly.
"""

from __future__ import annotations

import hashlib
import html
import re

from markupsafe import Markup

from courseware.markdown.inline import MathError
from courseware.render.notices import notice

# A start tag's attributes may hold '>' inside their double quotes (nh3 escapes only '&' and '"').
MATH = re.compile(r'<math\b((?:[^>"]|"[^"]*")*)>.*?</math>', re.DOTALL)
ATTRIBUTE = re.compile(r'([\w:-]+)="([^"]*)"')
DISPLAY_SCALE = 1.25  # a display formula a little larger than the text around it
FRAC = re.compile(r"\\frac(?![a-zA-Z])")  # mathtext sets \frac small; a display formula wants \dfrac


def formulas(page: str, where: str) -> tuple[str, dict[str, bytes]]:
    """`page` with every <math> element replaced by an <img> of an SVG (or, for LaTeX mathtext
    cannot draw, by the LaTeX in <code>, said once); returns the page and the SVGs by file name."""
    from courseware.render.raster import MATH_PT, PAD, math_svg

    drawn: dict[str, bytes] = {}

    def replace(match: re.Match) -> str:
        attributes = {name: html.unescape(value) for name, value in ATTRIBUTE.findall(match.group(1))}
        latex = attributes.get("alttext", "")
        display = attributes.get("display") == "block"
        try:
            data, width, height, baseline = math_svg(FRAC.sub(r"\\dfrac", latex) if display else latex)
        except MathError as exc:
            notice(f"{where}: {exc}; the course book shows its LaTeX")
            return str(Markup('<code class="math-tex">{}</code>').format(latex))
        name = f"math/{hashlib.sha256(data).hexdigest()[:16]}.svg"
        drawn[name] = data
        scale = (DISPLAY_SCALE if display else 1.0) / MATH_PT  # em per point of the drawing
        style = f"width: {width * scale:.3f}em; height: {height * scale:.3f}em; vertical-align: {-baseline * scale:.3f}em"
        if not display:  # the drawing's side padding would read as a space before a comma
            style += f"; margin-left: {-PAD * scale:.3f}em; margin-right: {-PAD * scale:.3f}em"
        return str(Markup('<img class="math{}" src="{}" alt="{}" style="{}">').format(" display" if display else "", name, latex, style))

    return MATH.sub(replace, page), drawn
