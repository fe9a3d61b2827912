"""Regenerate template.pptx: python-pptx's default master and layouts, widened to 16:9.

Run from this folder: python make_template.py. The layouts keep their names ("Title Slide",
"Title and Content", "Section Header" ...), which is how courseware finds them.
"""

from pptx import Presentation
from pptx.util import Emu

WIDE = 12192000  # 13.333 in: 16:9 with the default 7.5 in height


def widen(element, factor: float) -> None:
    for node in element.iter():
        tag = node.tag.rsplit("}", 1)[-1]
        if tag in ("off", "chOff") and "x" in node.attrib:
            node.set("x", str(round(int(node.get("x")) * factor)))
        if tag in ("ext", "chExt") and "cx" in node.attrib:
            node.set("cx", str(round(int(node.get("cx")) * factor)))


prs = Presentation()
factor = WIDE / prs.slide_width
prs.slide_width = Emu(WIDE)
for master in prs.slide_masters:
    widen(master._element, factor)
    for layout in master.slide_layouts:
        widen(layout._element, factor)
props = prs.core_properties
props.title, props.author, props.last_modified_by, props.revision = "courseware template", "courseware", "courseware", 1
prs.save("template.pptx")
