"""The course credential as an Open Badges 3.0 Achievement (badge.json), with its objectives as
alignments and an embedded SVG image drawn by code. No credential in the spec, no badge."""

from __future__ import annotations

import base64
import json
import unicodedata
import uuid

from lxml import etree

from courseware.course import Course
from courseware.render import register
from courseware.writer import Writer

CONTEXT = ["https://www.w3.org/ns/credentials/v2", "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"]
SVG = "http://www.w3.org/2000/svg"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
SIZE = 400
INK, PAPER, ACCENT = "#ffffff", "#1f4e79", "#f2c14e"  # white on dark blue: contrast above 8:1
# (characters per line, font size in px): the first that fits the title in four lines wins.
LINES = ((12, 36), (16, 28), (20, 23), (26, 18))


@register("badge")
def render_badge(course: Course, writer: Writer) -> None:
    """Write dist/badge.json when the spec has a credential."""
    if course.loaded.spec.credential is not None:
        writer.write_text("badge.json", json.dumps(achievement(course), ensure_ascii=False, indent=2, sort_keys=True) + "\n")


def achievement(course: Course) -> dict:
    """The OB 3.0 Achievement: stable id, criteria, one alignment per learning objective, an image."""
    spec = course.loaded.spec
    credential = spec.credential
    assert credential is not None
    facts = spec.course
    editions = {
        "related": [
            {"id": edition_id(course, tag), "type": ["Related"], "@language": tag}
            for tag in course.languages if tag != course.language
        ],
    } if len(course.languages) > 1 else {}
    return editions | {
        "@context": CONTEXT,
        "id": edition_id(course, facts.language),
        "type": ["Achievement"],
        "achievementType": "MicroCredential",
        "name": credential.name,
        "description": credential.description or facts.description or f"{credential.name}: {facts.title}",
        "criteria": {"narrative": credential.criteria},
        "humanCode": facts.id,
        "inLanguage": facts.language,
        "alignment": [
            {
                "type": ["Alignment"],
                "targetName": objective.text,
                "targetDescription": f"{objective.text} (Bloom: {objective.bloom})",
                "targetCode": objective.id,
                "targetFramework": facts.title,
                "targetType": "ext:LearningObjective",
                "targetUrl": f"urn:courseware:{facts.id}:objective:{objective.id}",
            }
            for objective in spec.objectives
        ],
        "image": {
            "id": "data:image/svg+xml;base64," + base64.b64encode(badge_svg(credential.name, facts.title, facts.language, course.direction)).decode("ascii"),
            "type": "Image",
            "caption": f"{credential.name} · {facts.title}",
        },
    }


def edition_id(course: Course, language: str) -> str:
    """The stable id of the badge in `language`: the original's as it always was, each
    translation's its own (an OB 3.0 `related` achievement: another language edition)."""
    name = f"urn:courseware:{course.loaded.spec.course.id}"
    if language != course.original_language:
        name += f":{language}"
    return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, name)}"


def badge_svg(name: str, title: str, language: str, direction: str) -> bytes:
    """A round badge with the course title, self-contained (no font, link or image), labelled for screen readers."""
    svg = etree.Element(f"{{{SVG}}}svg", nsmap={None: SVG}, width=str(SIZE), height=str(SIZE), viewBox=f"0 0 {SIZE} {SIZE}", role="img")
    svg.set("aria-labelledby", "badge-title badge-desc")
    svg.set(XML_LANG, language)
    svg.set("lang", language)
    etree.SubElement(svg, f"{{{SVG}}}title", id="badge-title").text = name
    etree.SubElement(svg, f"{{{SVG}}}desc", id="badge-desc").text = title
    middle = str(SIZE // 2)
    etree.SubElement(svg, f"{{{SVG}}}circle", cx=middle, cy=middle, r="196", fill=PAPER)
    etree.SubElement(svg, f"{{{SVG}}}circle", cx=middle, cy=middle, r="176", fill="none", stroke=ACCENT, **{"stroke-width": "6"})
    etree.SubElement(svg, f"{{{SVG}}}path", d="M200 44 l9 18 20 3 -14.5 14 3.5 20 -18 -9.5 -18 9.5 3.5 -20 -14.5 -14 20 -3z", fill=ACCENT)
    lines, size = _fit(title)
    step = round(size * 1.25)
    text = etree.SubElement(svg, f"{{{SVG}}}text", x=middle, fill=INK, direction=direction, **{
        "text-anchor": "middle", "font-family": "system-ui, -apple-system, 'Segoe UI', Roboto, 'Noto Sans', Arial, sans-serif",
        "font-size": str(size), "font-weight": "700",
    })
    first = SIZE // 2 + 12 + size // 3 - step * (len(lines) - 1) // 2  # a little low: the star sits above
    for k, line in enumerate(lines):
        etree.SubElement(text, f"{{{SVG}}}tspan", x=middle, y=str(first + k * step)).text = line
    return etree.tostring(svg, encoding="UTF-8", xml_declaration=False)


def _fit(title: str) -> tuple[list[str], int]:
    """The title in at most four lines and the font size they take; the last line ends in '…' if cut."""
    for width, size in LINES:
        lines = _wrap(title, width)
        if len(lines) <= 4:
            return lines, size
    lines = lines[:4]
    lines[-1] = lines[-1][: max(width - 1, 1)].rstrip() + "…"
    return lines, size


def _wrap(text: str, width: int) -> list[str]:
    """Greedy wrap on spaces by display width (wide East Asian characters count twice); long words are cut."""
    lines: list[str] = []
    line = ""
    for word in text.split():
        while _width(word) > width:  # a word wider than a line: cut it where it fills the line
            cut = max(k for k in range(1, len(word) + 1) if _width(word[:k]) <= width) if _width(word[0]) <= width else 1
            if line:
                lines.append(line)
                line = ""
            lines.append(word[:cut])
            word = word[cut:]
        candidate = f"{line} {word}" if line else word
        if line and _width(candidate) > width:
            lines.append(line)
            candidate = word
        line = candidate
    if line:
        lines.append(line)
    return lines


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)
