"""Quiz text (a prompt, an option, a feedback) for the quiz formats: the sanitized inline HTML of
render/sanitize.py, with each `$formula$` written the way the format shows math: TeX between
`\\(` and `\\)` for Moodle's MathJax filter (Moodle XML, GIFT), a MathML element for QTI.

Formulas are read by the one inline reader (markdown/inline.py), so "$5 and $6" stays money and
an underscore inside a formula never becomes emphasis.
"""

from __future__ import annotations

import re
from functools import cache
from html import escape

from markdown_it.renderer import RendererHTML
from markupsafe import Markup

from courseware.markdown.inline import parser, spans
from courseware.render.sanitize import clean


class _Marking(RendererHTML):
    """markdown-it's HTML renderer, a formula written as a marker and its LaTeX kept in env."""

    def math_inline(self, tokens, idx, options, env) -> str:
        env["math"].append(tokens[idx].content)
        return f"{env['marker']}{len(env['math']) - 1}x"


@cache
def _renderer() -> _Marking:
    return _Marking()


def marked(text: str) -> tuple[str, re.Pattern[str], list[str]]:
    """Sanitized inline HTML of `text` with each formula as a marker, the markers' pattern (its
    group is the formula's index) and the formulas' LaTeX, in order."""
    base, k = "cwmath", 0
    while True:
        env: dict = {"math": [], "marker": base}
        rendered = _renderer().render(parser().parseInline(text, env), parser().options, env)
        html = str(clean(rendered))
        # The text itself may spell a marker (an entity can): then another marker, until each is ours.
        if html.count(base) == len(env["math"]):
            return html, re.compile(re.escape(base) + r"(\d+)x"), env["math"]
        k += 1
        base = f"cwmath{k}z"


def mathjax_html(text: str) -> Markup:
    """Sanitized inline HTML, each formula as `\\(LaTeX\\)`: what Moodle's equation editor writes
    and its MathJax filter (on by default) typesets; without the filter the TeX stays readable."""
    html, pattern, formulas = marked(text)
    return Markup(pattern.sub(lambda m: escape(f"\\({formulas[int(m.group(1))]}\\)", quote=False), html))


def typed(text: str) -> str:
    """What a learner types for a cloze answer: its words, code as written, a formula as its
    LaTeX without the dollars (there is no way to type a rendered formula)."""
    return "".join(span.text for span in spans(text))


def has_math(text: str) -> bool:
    """Whether an inline text holds a `$formula$`."""
    return any(span.kind == "math" for span in spans(text))


class Degraded:
    """What one format shows otherwise than written, counted per reason with its first place,
    to be said in one line per reason (render/notices.py)."""

    def __init__(self, fmt: str):
        self.fmt = fmt
        self.seen: dict[str, list] = {}  # reason -> [count, first place]

    def add(self, reason: str, place: str) -> None:
        self.seen.setdefault(reason, [0, place])[0] += 1

    def say(self, course) -> None:
        from courseware.render.notices import notice

        for reason, (count, first) in self.seen.items():
            times = "once" if count == 1 else f"{count} times"
            notice(f"{course.loaded.spec.course.id}: {self.fmt}: {reason}: {times}, first {first}")


def typed_answer(text: str, degraded: Degraded | None, place: str) -> str:
    """`typed(text)`, noting once that a formula in a typed answer is accepted as its LaTeX."""
    if degraded is not None and has_math(text):
        degraded.add(CLOZE_MATH, f"'{typed(text)}' in {place}")
    return typed(text)


CLOZE_MATH = "a typed (cloze) answer holds a formula: it is accepted as its LaTeX, typed without the dollars"
