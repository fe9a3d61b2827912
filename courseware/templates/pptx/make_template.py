"""Regenerate template.pptx: the courseware design on python-pptx's default master, widened to 16:9.

Run from this folder: python make_template.py (the output is byte-identical on every run).

The design lives in the master, the layouts and the theme, so a template saved from PowerPoint
or LibreOffice replaces all of it: theme colours (dk2 navy, accent1 the primary blue, accent2 the
amber accent; a spec's `brand: {colors: [...]}` replaces accent1 and accent2 at render time),
theme fonts (Noto Sans, with Noto Sans Arabic for complex scripts and a Noto face per script),
a footer band with the footer and slide-number placeholders, and these layouts, found by name:

  Title Slide        navy cover, white title, the course facts under an amber rule
  Title and Content  white slide, accent strip, amber rule under the title, footer band
  Section Header     accent-blue divider
  Two Content        text on the left (placeholder 1), a figure or code on the right (placeholder 2)
  Key Point          one statement or quote, large, beside an amber bar (placeholder 1)
  Closing            the key takeaways on a light slide (placeholder 1)
Shapes refer to scheme colours (schemeClr), never to fixed ones, so a brand colour reaches them.
"""

from __future__ import annotations

import copy
import io
import zipfile
from pathlib import Path

from lxml import etree
from pptx import Presentation
from pptx.opc.constants import RELATIONSHIP_TYPE as RT
from pptx.util import Emu

A = "http://schemas.openxmlformats.org/drawingml/2006/main"
P = "http://schemas.openxmlformats.org/presentationml/2006/main"
NS = {"a": A, "p": P}
WIDE, HIGH = 12192000, 6858000  # 13.333 x 7.5 in: 16:9
MARGIN = 609600
BAND_TOP, BAND_HEIGHT = 6446520, 411480  # the footer band at the foot of every slide
COLOURS = {"dk1": "1F2933", "lt1": "FFFFFF", "dk2": "12355B", "lt2": "EEF2F7", "accent1": "1B6CA8", "accent2": "F2A900",
           "accent3": "2E8B57", "accent4": "C2453D", "accent5": "7A5195", "accent6": "3A9FB5", "hlink": "1B6CA8", "folHlink": "7A5195"}
LATIN, COMPLEX, EAST_ASIAN = "Noto Sans", "Noto Sans Arabic", "Noto Sans CJK SC"
SCRIPTS = {"Arab": "Noto Sans Arabic", "Hebr": "Noto Sans Hebrew", "Deva": "Noto Sans Devanagari", "Beng": "Noto Sans Bengali",
           "Thai": "Noto Sans Thai", "Ethi": "Noto Sans Ethiopic", "Geor": "Noto Sans Georgian", "Taml": "Noto Sans Tamil",
           "Hans": "Noto Sans CJK SC", "Hant": "Noto Sans CJK TC", "Jpan": "Noto Sans CJK JP", "Hang": "Noto Sans CJK KR"}


def q(name: str) -> str:
    prefix, local = name.split(":")
    return f"{{{NS[prefix]}}}{local}"


def el(tag: str, parent=None, **attrs):
    node = etree.Element(q(tag)) if parent is None else etree.SubElement(parent, q(tag))
    for key, value in attrs.items():
        node.set(key, str(value))
    return node


def scheme_fill(parent, colour: str, tag: str = "a:solidFill"):
    fill = el(tag, parent)
    el("a:schemeClr", fill, val=colour)
    return fill


def widen(element, factor: float) -> None:
    for node in element.iter():
        tag = node.tag.rsplit("}", 1)[-1]
        if tag in ("off", "chOff") and "x" in node.attrib:
            node.set("x", str(round(int(node.get("x")) * factor)))
        if tag in ("ext", "chExt") and "cx" in node.attrib:
            node.set("cx", str(round(int(node.get("cx")) * factor)))


# Theme ------------------------------------------------------------------------------------------


def theme(part) -> None:
    root = etree.fromstring(part.blob)
    root.set("name", "courseware")
    scheme = root.find("a:themeElements/a:clrScheme", NS)
    scheme.set("name", "courseware")
    for child in scheme:
        name = child.tag.rsplit("}", 1)[-1]
        for old in list(child):
            child.remove(old)
        el("a:srgbClr", child, val=COLOURS[name])
    fonts = root.find("a:themeElements/a:fontScheme", NS)
    fonts.set("name", "courseware")
    for group in fonts:
        for old in list(group):
            group.remove(old)
        el("a:latin", group, typeface=LATIN)
        el("a:ea", group, typeface=EAST_ASIAN)
        el("a:cs", group, typeface=COMPLEX)
        for script, face in SCRIPTS.items():
            el("a:font", group, script=script, typeface=face)
    part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


# Shapes -----------------------------------------------------------------------------------------


def _next_id(tree) -> int:
    return max(int(n.get("id")) for n in tree.iter(q("p:cNvPr"))) + 1


def rect(tree, name: str, x: int, y: int, cx: int, cy: int, colour: str, text: str | None = None, size: int = 0):
    """A decorative rectangle in scheme colour `colour`, put behind the placeholders."""
    sp = el("p:sp")
    nv = el("p:nvSpPr", sp)
    el("p:cNvPr", nv, id=_next_id(tree), name=name)
    el("p:cNvSpPr", nv)
    el("p:nvPr", nv, userDrawn="1")
    pr = el("p:spPr", sp)
    xfrm = el("a:xfrm", pr)
    el("a:off", xfrm, x=x, y=y)
    el("a:ext", xfrm, cx=cx, cy=cy)
    el("a:avLst", el("a:prstGeom", pr, prst="rect"))
    scheme_fill(pr, colour)
    el("a:noFill", el("a:ln", pr))
    body = el("p:txBody", sp)
    el("a:bodyPr", body, lIns=0, tIns=0, rIns=0, bIns=0, anchor="t")
    el("a:lstStyle", body)
    p = el("a:p", body)
    if text:
        r = el("a:r", p)
        rpr = el("a:rPr", r, lang="en-US", sz=size, b=1)
        scheme_fill(rpr, "accent2")
        el("a:t", r).text = text
    tree.insert(2, sp)  # after nvGrpSpPr and grpSpPr: drawn first, under the text
    return sp


def placeholder(tree, kind: str, idx: str | None = None):
    for sp in tree.iter(q("p:sp")):
        ph = sp.find("p:nvSpPr/p:nvPr/p:ph", NS)
        if ph is not None and ph.get("type", "obj") == kind and (idx is None or ph.get("idx") == idx):
            return sp
    return None


def place(sp, x: int, y: int, cx: int, cy: int) -> None:
    pr = sp.find("p:spPr", NS)
    xfrm = pr.find("a:xfrm", NS)
    if xfrm is None:
        xfrm = el("a:xfrm")
        pr.insert(0, xfrm)
    for old in list(xfrm):
        xfrm.remove(old)
    el("a:off", xfrm, x=x, y=y)
    el("a:ext", xfrm, cx=cx, cy=cy)


def text_style(sp, size: int | None = None, colour: str | None = None, bold: bool = False, align: str | None = None,
               anchor: str | None = None, bullet: bool | None = None, italic: bool = False) -> None:
    """The first level's look of a placeholder, in its own lstStyle (what the layout overrides)."""
    body = sp.find("p:txBody", NS)
    if body is None:
        body = el("p:txBody", sp)
        el("a:bodyPr", body)
        el("a:lstStyle", body)
        el("a:p", body)
    pr = body.find("a:bodyPr", NS)
    if anchor:
        pr.set("anchor", anchor)
    for old in list(pr):
        pr.remove(old)
    el("a:normAutofit", pr)
    styles = body.find("a:lstStyle", NS)
    for old in list(styles):
        styles.remove(old)
    level = el("a:lvl1pPr", styles)
    if align:
        level.set("algn", align)
    if bullet is False:
        level.set("marL", "0")
        level.set("indent", "0")
        el("a:buNone", level)
    defaults = el("a:defRPr", level)
    if size:
        defaults.set("sz", str(size))
    if bold:
        defaults.set("b", "1")
    if italic:
        defaults.set("i", "1")
    if colour:
        scheme_fill(defaults, colour)
    kind = sp.find("p:nvSpPr/p:nvPr/p:ph", NS).get("type")
    for script, tag, face in (("lt", "a:latin", LATIN), ("ea", "a:ea", EAST_ASIAN), ("cs", "a:cs", COMPLEX)):
        # the theme's fonts, said outright; LibreOffice shows footers in its default serif otherwise
        el(tag, defaults, typeface=face if kind in ("ftr", "sldNum", "dt") else f"+{'mj' if kind in ('title', 'ctrTitle') else 'mn'}-{script}")
    for paragraph in body.findall("a:p", NS):  # LibreOffice takes a footer's alignment from its paragraph
        if align and kind in ("ftr", "sldNum", "dt"):
            ppr = paragraph.find("a:pPr", NS)
            if ppr is None:
                ppr = el("a:pPr")
                paragraph.insert(0, ppr)
            ppr.set("algn", align)


def background(cSld, colour: str) -> None:
    old = cSld.find("p:bg", NS)
    if old is not None:
        cSld.remove(old)
    bg = el("p:bg")
    pr = el("p:bgPr", bg)
    scheme_fill(pr, colour)
    el("a:effectLst", pr)
    cSld.insert(0, bg)


# Master and layouts -----------------------------------------------------------------------------


def master(element) -> None:
    tree = element.find("p:cSld/p:spTree", NS)
    background(element.find("p:cSld", NS), "bg1")
    rect(tree, "Footer band", 0, BAND_TOP, WIDE, BAND_HEIGHT, "tx2")
    rect(tree, "Title rule", MARGIN + 91440, 1417638, 1005840, 54864, "accent2")
    rect(tree, "Accent strip", 0, 0, 137160, BAND_TOP, "accent1")
    text_style(placeholder(tree, "title"), 3200, "tx2", bold=True, align="l", anchor="b")
    for kind, x, cx, align in (("ftr", MARGIN, 8229600, "l"), ("sldNum", WIDE - MARGIN - 1371600, 1371600, "r"), ("dt", MARGIN, 0, "l")):
        sp = placeholder(tree, kind)
        place(sp, x, BAND_TOP, cx, BAND_HEIGHT)
        text_style(sp, 1200 if kind != "sldNum" else 1400, "bg1", bold=kind == "sldNum", align=align, anchor="ctr")
    styles = element.find("p:txStyles", NS)
    for level in styles.find("p:bodyStyle", NS):
        if level.tag.endswith("pPr"):
            for old in level.findall("a:buClr", NS):
                level.remove(old)
            clr = el("a:buClr")
            el("a:schemeClr", clr, val="accent1")
            level.insert(0, clr)  # buClr comes first in a paragraph's properties
            defaults = level.find("a:defRPr", NS)
            for old in list(defaults):
                defaults.remove(old)
            scheme_fill(defaults, "tx1")
            el("a:latin", defaults, typeface="+mn-lt")
            el("a:ea", defaults, typeface="+mn-ea")
            el("a:cs", defaults, typeface="+mn-cs")
    title = styles.find("p:titleStyle/a:lvl1pPr", NS)
    title.set("algn", "l")


def title_layout(element) -> None:
    element.set("showMasterSp", "0")
    cSld = element.find("p:cSld", NS)
    background(cSld, "accent1")
    tree = cSld.find("p:spTree", NS)
    rect(tree, "Cover band", 0, BAND_TOP, WIDE, BAND_HEIGHT, "tx2")
    rect(tree, "Cover rule", 914400, 3520440, 1463040, 73152, "accent2")
    title = placeholder(tree, "ctrTitle")
    place(title, 914400, 1097280, 10363200, 2286000)
    text_style(title, 4400, "bg1", bold=True, align="l", anchor="b")
    subtitle = placeholder(tree, "subTitle")
    place(subtitle, 914400, 3749040, 10363200, 2468880)
    text_style(subtitle, 2000, "bg1", align="l", anchor="t", bullet=False)
    _footer(tree)


def section_layout(element) -> None:
    element.set("showMasterSp", "0")
    cSld = element.find("p:cSld", NS)
    background(cSld, "tx2")
    tree = cSld.find("p:spTree", NS)
    rect(tree, "Divider band", 0, BAND_TOP, WIDE, BAND_HEIGHT, "accent1")
    rect(tree, "Divider rule", 963084, 3749040, 1463040, 73152, "accent2")
    title = placeholder(tree, "title")
    place(title, 963084, 1371600, 10363200, 2286000)
    text_style(title, 4000, "bg1", bold=True, align="l", anchor="b")
    body = placeholder(tree, "body", "1")
    place(body, 963084, 3931920, 10363200, 1463040)
    text_style(body, 2000, "bg2", align="l", anchor="t", bullet=False)
    _footer(tree)


def _footer(tree) -> None:
    """A layout's footer placeholders where the master has them, in the band."""
    for kind, x, cx, align in (("ftr", MARGIN, 8229600, "l"), ("sldNum", WIDE - MARGIN - 1371600, 1371600, "r")):
        sp = placeholder(tree, kind)
        if sp is not None:
            place(sp, x, BAND_TOP, cx, BAND_HEIGHT)
            text_style(sp, 1200 if kind == "ftr" else 1400, "bg1", bold=kind == "sldNum", align=align, anchor="ctr")


def content_layout(element) -> None:
    tree = element.find("p:cSld/p:spTree", NS)
    _footer(tree)


def two_content_layout(element) -> None:
    tree = element.find("p:cSld/p:spTree", NS)
    left, gap = 5349240, 274320
    place(placeholder(tree, "obj", "1"), MARGIN, 1600200, left, 4663440)
    place(placeholder(tree, "obj", "2"), MARGIN + left + gap, 1600200, 10972800 - left - gap, 4663440)
    _footer(tree)


def repurpose(element, source, name: str) -> None:
    """Give a layout we do not need (a vertical-text one) the shapes of `source` and a new name."""
    element.set("preserve", "1")
    element.attrib.pop("type", None)
    cSld = element.find("p:cSld", NS)
    element.replace(cSld, copy.deepcopy(source.find("p:cSld", NS)))
    element.find("p:cSld", NS).set("name", name)


def key_point_layout(element) -> None:
    tree = element.find("p:cSld/p:spTree", NS)
    body = placeholder(tree, "obj", "1")
    place(body, 1463040, 1737360, 9753600, 4206240)
    text_style(body, 3200, "tx2", align="l", anchor="ctr", bullet=False)
    rect(tree, "Statement bar", 1097280, 1737360, 91440, 4206240, "accent2")
    _footer(tree)


def closing_layout(element) -> None:
    cSld = element.find("p:cSld", NS)
    background(cSld, "bg2")
    tree = cSld.find("p:spTree", NS)
    place(placeholder(tree, "obj", "1"), MARGIN, 1645920, 10972800, 4617720)
    _footer(tree)


def save(prs, path: Path) -> None:
    """The package with fixed zip entry times, so the file is the same on every run."""
    raw = io.BytesIO()
    prs.save(raw)
    out = io.BytesIO()
    with zipfile.ZipFile(raw) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0))
            entry.compress_type, entry.external_attr = zipfile.ZIP_DEFLATED, 0o644 << 16
            target.writestr(entry, source.read(info.filename))
    path.write_bytes(out.getvalue())


def main(path: Path | None = None) -> None:
    prs = Presentation()
    factor = WIDE / prs.slide_width
    prs.slide_width = Emu(WIDE)
    main_master = prs.slide_master
    widen(main_master._element, factor)
    layouts = {layout.name: layout for layout in main_master.slide_layouts}
    for layout in layouts.values():
        widen(layout._element, factor)
    theme(main_master.part.part_related_by(RT.THEME))
    master(main_master._element)
    title_layout(layouts["Title Slide"]._element)
    section_layout(layouts["Section Header"]._element)
    content_layout(layouts["Title and Content"]._element)
    two_content_layout(layouts["Two Content"]._element)
    for other in ("Comparison", "Title Only", "Blank", "Content with Caption", "Picture with Caption"):
        _footer(layouts[other]._element.find("p:cSld/p:spTree", NS))
    source = layouts["Title and Content"]._element
    repurpose(layouts["Title and Vertical Text"]._element, source, "Key Point")
    key_point_layout(layouts["Title and Vertical Text"]._element)
    repurpose(layouts["Vertical Title and Text"]._element, source, "Closing")
    closing_layout(layouts["Vertical Title and Text"]._element)
    props = prs.core_properties
    props.title, props.author, props.last_modified_by, props.revision = "courseware template", "courseware", "courseware", 1
    from datetime import datetime

    props.created = props.modified = props.last_printed = datetime(2000, 1, 1)
    save(prs, path or Path(__file__).with_name("template.pptx"))


if __name__ == "__main__":
    main()
