"""A reviewer's hand-added list, table and code block reach every format that shows the lesson
text (the site and both SCORM packages), and a table added to slides.md becomes a native table in
the decks; from the user's side: build the small course offline, edit, render every format."""

from __future__ import annotations

import re
import shutil
import zipfile
from pathlib import Path

from pptx import Presentation

from conftest import REPO

SPEC = "small/course.yaml"
CONTENT = Path("output/water-cycle/content/m1-l1")
FORMATS = "markdown,html,pptx,scorm12,scorm2004,qti21,moodle_xml,gift"
LESSON_BLOCKS = """Three things to keep apart:

- evaporation lifts the water
  - mostly over the sea
- rain brings it back

| Stage | Where |
| :-- | --: |
| evaporation | the sea |
| rain | the land |

Table: Where each stage happens.

A line of Python adds the two amounts:

```python
print(21 + 4)
```

```output
25
```

"""
SLIDE_TABLE = """
| Stage | Where |
| --- | --- |
| evaporation | the sea |
"""


def test_hand_added_blocks_are_rendered_in_every_format(cli, tmp_path, monkeypatch):
    shutil.copytree(REPO / "tests" / "data" / "small", tmp_path / "small")
    monkeypatch.chdir(tmp_path)
    built = cli("build", SPEC, "--provider", "offline", "--formats", "markdown")
    assert built.exit_code == 0, built.stderr
    lesson, slides = CONTENT / "lesson.md", CONTENT / "slides.md"
    lesson.write_text(lesson.read_text("utf-8").replace("\n\n## ", f"\n\n{LESSON_BLOCKS}## ", 1), "utf-8")
    text = slides.read_text("utf-8")
    first_list_end = text.index("\n\n", text.index("\n- "))  # after the first slide's bullets
    slides.write_text(text[:first_list_end] + "\n" + SLIDE_TABLE + text[first_list_end:], "utf-8")
    edited = {p: p.read_bytes() for p in (lesson, slides)}

    result = cli("render", SPEC, "--formats", FORMATS)
    assert (result.exit_code, result.stderr) == (0, ""), result.stderr
    assert {p: p.read_bytes() for p in (lesson, slides)} == edited  # kept byte for byte
    dist = Path("output/water-cycle/dist")
    pages = {"site": (dist / "html" / "m1-l1.html").read_text("utf-8")}
    for package in ("scorm12.zip", "scorm2004.zip"):
        with zipfile.ZipFile(dist / package) as archive:
            (sco,) = [n for n in archive.namelist() if n.endswith(".html") and "m1-l1" in n]
            pages[package] = archive.read(sco).decode("utf-8")
    for where, page in pages.items():
        assert re.search(r"<li>evaporation lifts the water<ul>\s*<li>mostly over the sea</li>", page), where
        assert '<th scope="col" class="align-left">Stage</th>' in page and "<caption>Where each stage happens.</caption>" in page, where
        assert '<span class="nb">print</span>' in page and "<samp>25</samp>" in page, where
    tables = [shape.table for deck in dist.glob("*.pptx") for slide in Presentation(deck).slides for shape in slide.shapes if shape.has_table]
    assert len(tables) == 2  # the course deck and the module deck
    assert all([[c.text for c in row.cells] for row in t.rows] == [["Stage", "Where"], ["evaporation", "the sea"]] for t in tables)
