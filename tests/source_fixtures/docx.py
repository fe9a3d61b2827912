"""A Word source as a teacher writes one: a flat ODT written here, saved as .docx by LibreOffice.

A handout on volcanoes: a Title, a table of contents, Heading 1 and Heading 2 sections, paragraphs with **bold** key
terms, a bulleted and a numbered list, a table with a header row, a footnote, an embedded PNG
with a description (its alt text) and a caption, two "Preformatted Text" lines, a "Tip" and an
"Instructor Note" paragraph, a reviewer's comment and a tracked deletion (neither may reach a
passage).
"""

from __future__ import annotations

import base64
import functools
import shutil
import subprocess
import tempfile
from pathlib import Path

from source_fixtures.html import png

NAME = "volcanoes.docx"
ALT = "A cone-shaped volcano with a plume of ash above its crater"
COMMENT = "Reviewer: should we cite the survey here?"
DELETED = "Volcanoes are always dangerous mountains."

NS = " ".join(f'xmlns:{k}="{v}"' for k, v in {
    "office": "urn:oasis:names:tc:opendocument:xmlns:office:1.0",
    "style": "urn:oasis:names:tc:opendocument:xmlns:style:1.0",
    "text": "urn:oasis:names:tc:opendocument:xmlns:text:1.0",
    "table": "urn:oasis:names:tc:opendocument:xmlns:table:1.0",
    "draw": "urn:oasis:names:tc:opendocument:xmlns:drawing:1.0",
    "fo": "urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0",
    "xlink": "http://www.w3.org/1999/xlink",
    "dc": "http://purl.org/dc/elements/1.1/",
    "meta": "urn:oasis:names:tc:opendocument:xmlns:meta:1.0",
    "svg": "urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0",
}.items())


def b(text: str) -> str:
    return f'<text:span text:style-name="Bold">{text}</text:span>'


def p(text: str, style: str = "Text_20_body") -> str:
    return f'<text:p text:style-name="{style}">{text}</text:p>'


def cells(row: list[str]) -> str:
    return "<table:table-row>" + "".join(f'<table:table-cell office:value-type="string">{p(c, "Table_20_Contents")}</table:table-cell>' for c in row) + "</table:table-row>"


def items(style: str, texts: list[str]) -> str:
    return f'<text:list text:style-name="{style}">' + "".join(f"<text:list-item>{p(t, 'List_20_Paragraph')}</text:list-item>" for t in texts) + "</text:list>"


def fodt() -> str:
    """The flat ODT text of the handout."""
    image = base64.b64encode(png()).decode("ascii")
    body = "".join([
        '<text:tracked-changes><text:changed-region text:id="del1"><text:deletion><office:change-info>'
        "<dc:creator>Editor</dc:creator><dc:date>2026-01-05T10:00:00</dc:date></office:change-info>"
        f"{p(DELETED)}</text:deletion></text:changed-region></text:tracked-changes>",
        p("Volcanoes", "Title"),
        '<text:table-of-content text:name="Contents"><text:table-of-content-source text:outline-level="2"/><text:index-body>'
        f'<text:index-title text:name="Contents_Head">{p("Contents", "Contents_20_Heading")}</text:index-title>'
        + p("How volcanoes form<text:tab/>1", "Contents_20_1") + p("Kinds of eruption<text:tab/>1", "Contents_20_2")
        + p("Staying safe<text:tab/>2", "Contents_20_1") + "</text:index-body></text:table-of-content>",
        '<text:h text:style-name="Heading_20_1" text:outline-level="1">How volcanoes form</text:h>',
        p(f"A {b('volcano')} is an opening in the crust of the Earth through which molten rock escapes. "
          "Below the surface the molten rock is called magma; once it reaches the surface it is called lava."
          '<text:note text:id="ftn1" text:note-class="footnote"><text:note-citation>1</text:note-citation>'
          f'<text:note-body>{p("Definitions after the Global Volcanism Program, 2024.", "Footnote")}</text:note-body></text:note>'),
        '<text:p text:style-name="Text_20_body"><text:change text:change-id="del1"/>'
        f"Most volcanoes stand where {b('tectonic plates')} meet. Where one plate sinks beneath another, "
        "the rock melts and the magma rises"
        f"<office:annotation><dc:creator>Reviewer</dc:creator><dc:date>2026-01-05T11:00:00</dc:date>{p(COMMENT)}</office:annotation>"
        " through cracks in the crust.</text:p>",
        p(f"Some volcanoes grow far from any plate boundary, above a {b('hotspot')} where hot rock rises from deep in the mantle, "
          "as under the islands of Hawaii."),
        items("Bullets", ["Magma rises because it is lighter than the rock around it.",
                          "Gas dissolved in the magma drives eruptions."]),
        p(f'<draw:frame draw:name="Volcano" text:anchor-type="as-char" svg:width="4cm" svg:height="2.7cm">'
          f"<draw:image><office:binary-data>{image}</office:binary-data></draw:image>"
          f"<svg:title>Volcano</svg:title><svg:desc>{ALT}</svg:desc></draw:frame>", "Standard"),
        p("A volcano in eruption.", "Caption"),
        '<text:h text:style-name="Heading_20_2" text:outline-level="2">Kinds of eruption</text:h>',
        p(f"Runny lava flows far and builds broad {b('shield volcanoes')}, while thick, sticky magma traps gas "
          "until it explodes and builds steep cones."),
        '<table:table table:name="Eruptions"><table:table-column table:number-columns-repeated="3"/>'
        "<table:table-header-rows>" + cells(["Kind", "Lava", "Example"]) + "</table:table-header-rows>"
        + cells(["Effusive", "runny", "Kilauea"]) + cells(["Explosive", "sticky", "Mount St Helens"]) + "</table:table>",
        '<text:h text:style-name="Heading_20_1" text:outline-level="1">Staying safe</text:h>',
        p(f"Scientists watch active volcanoes for warning signs. A swarm of small earthquakes or a bulge in the ground "
          f"can mean that magma is moving, and an {b('evacuation plan')} tells people where to go."),
        p("A seismometer near the crater logs the tremor every ten minutes:"),
        p("08:00 <text:s/>tremor 0.2", "Preformatted_20_Text"),  # two spaces: ODT folds a run of plain ones
        p("08:10 <text:s/>tremor 0.9", "Preformatted_20_Text"),
        items("Numbers", ["Listen to the local authorities.", "Leave the area by the planned route.",
                          "Protect your lungs from the ash."]),
        p("Keep a dust mask and a torch in your emergency bag.", "Tip"),
        p("Show the class a short video of a lava flow before the reading, and pause it at the first explosion.", "Instructor_20_Note"),
    ])
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<office:document {NS} office:version="1.2" office:mimetype="application/vnd.oasis.opendocument.text">
<office:meta><dc:title>Volcanoes handout</dc:title></office:meta>
<office:styles>
<style:style style:name="Standard" style:family="paragraph" style:class="text"/>
<style:style style:name="Text_20_body" style:display-name="Text body" style:family="paragraph" style:parent-style-name="Standard"/>
<style:style style:name="Title" style:family="paragraph" style:parent-style-name="Standard"><style:text-properties fo:font-size="26pt"/></style:style>
<style:style style:name="Heading_20_1" style:display-name="Heading 1" style:family="paragraph" style:default-outline-level="1"><style:text-properties fo:font-size="18pt" fo:font-weight="bold"/></style:style>
<style:style style:name="Heading_20_2" style:display-name="Heading 2" style:family="paragraph" style:default-outline-level="2"><style:text-properties fo:font-size="14pt" fo:font-weight="bold"/></style:style>
<style:style style:name="List_20_Paragraph" style:display-name="List Paragraph" style:family="paragraph" style:parent-style-name="Standard"/>
<style:style style:name="Table_20_Contents" style:display-name="Table Contents" style:family="paragraph" style:parent-style-name="Standard"/>
<style:style style:name="Caption" style:family="paragraph" style:parent-style-name="Standard"><style:text-properties fo:font-style="italic"/></style:style>
<style:style style:name="Footnote" style:family="paragraph" style:parent-style-name="Standard"/>
<style:style style:name="Contents_20_Heading" style:display-name="Contents Heading" style:family="paragraph" style:parent-style-name="Standard"/>
<style:style style:name="Contents_20_1" style:display-name="Contents 1" style:family="paragraph" style:parent-style-name="Standard"/>
<style:style style:name="Contents_20_2" style:display-name="Contents 2" style:family="paragraph" style:parent-style-name="Standard"/>
<style:style style:name="Preformatted_20_Text" style:display-name="Preformatted Text" style:family="paragraph" style:parent-style-name="Standard"><style:text-properties style:font-name="Liberation Mono"/></style:style>
<style:style style:name="Tip" style:family="paragraph" style:parent-style-name="Standard"/>
<style:style style:name="Instructor_20_Note" style:display-name="Instructor Note" style:family="paragraph" style:parent-style-name="Standard"/>
<text:list-style style:name="Bullets"><text:list-level-style-bullet text:level="1" text:bullet-char="•"><style:list-level-properties text:space-before="0.6cm" text:min-label-width="0.6cm"/></text:list-level-style-bullet></text:list-style>
<text:list-style style:name="Numbers"><text:list-level-style-number text:level="1" style:num-format="1" style:num-suffix="."><style:list-level-properties text:space-before="0.6cm" text:min-label-width="0.6cm"/></text:list-level-style-number></text:list-style>
</office:styles>
<office:automatic-styles>
<style:style style:name="Bold" style:family="text"><style:text-properties fo:font-weight="bold"/></style:style>
</office:automatic-styles>
<office:body><office:text>{body}</office:text></office:body>
</office:document>
"""


@functools.cache
def docx() -> bytes:
    """The handout as LibreOffice saves it as .docx (converted once a test session)."""
    with tempfile.TemporaryDirectory() as work:
        source = Path(work) / NAME.replace(".docx", ".fodt")
        source.write_text(fodt(), "utf-8")
        done = subprocess.run(
            [shutil.which("soffice") or "soffice", f"-env:UserInstallation=file://{work}/lo", "--headless",
             "--convert-to", "docx", "--outdir", work, str(source)],
            capture_output=True, text=True, timeout=180,
        )
        target = Path(work) / NAME
        if not target.is_file():  # soffice without Writer says "source file could not be loaded" and exits 0
            raise RuntimeError(f"LibreOffice made no .docx (is libreoffice-writer installed?): {done.stdout}{done.stderr}")
        return target.read_bytes()


def make(folder: Path) -> Path:
    """Write the handout into `folder`; return its path."""
    path = folder / NAME
    path.write_bytes(docx())
    return path
