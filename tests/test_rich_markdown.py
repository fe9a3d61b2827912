"""A reviewer's hand-added list, table and code block in lesson.md are kept and read, from the
user's side: build the small course offline, edit lesson.md as a reviewer would, render."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from conftest import REPO

SPEC = "small/course.yaml"
LESSON = Path("output/water-cycle/content/m1-l1/lesson.md")
ADDED = """What to remember:

- the sun heats the water
  - most of it over the sea
- clouds bring it back

| Stage | Where |
| :-- | --: |
| evaporation | sea \\| lakes |
| rain | land |

Table: Where each stage happens.

Add it up:

```python
print(21 + 4)
```

```output
25
```

"""


@pytest.fixture
def small(tmp_path, monkeypatch, cli) -> Path:
    """The small sample course built offline in a temporary folder."""
    shutil.copytree(REPO / "tests" / "data" / "small", tmp_path / "small")
    monkeypatch.chdir(tmp_path)
    result = cli("build", SPEC, "--provider", "offline")
    assert result.exit_code == 0, result.stderr
    return tmp_path


def statuses(cli) -> dict[str, str]:
    result = cli("plan", SPEC, "--provider", "offline", "--json")
    assert result.exit_code == 0, result.stderr
    return {t["id"]: t["status"] for t in json.loads(result.stdout)["tasks"]}


def add_before_first_section(text: str) -> None:
    edited = LESSON.read_text("utf-8").replace("\n\n## ", f"\n\n{text}## ", 1)
    assert edited != LESSON.read_text("utf-8")
    LESSON.write_text(edited, "utf-8")


def test_a_hand_added_list_table_and_code_block_are_kept_and_rendered(cli, small):
    add_before_first_section(ADDED)
    edited = LESSON.read_text("utf-8")
    result = cli("render", SPEC)  # the spec's formats: markdown and the HTML site
    assert (result.exit_code, result.stderr) == (0, "")
    assert result.stdout.splitlines()[0] == "water-cycle: read 4 content files in output/water-cycle/content"
    assert statuses(cli)["m1-l1/lesson"] == "edited"
    page = Path("output/water-cycle/dist/html/m1-l1.html").read_text("utf-8")
    assert "<li>the sun heats the water<ul>\n<li>most of it over the sea</li>" in page
    assert '<caption>Where each stage happens.</caption><thead><tr><th scope="col" class="align-left">Stage</th>' in page
    assert '<td class="align-right">sea | lakes</td>' in page
    assert '<code class="language-python"><span class="nb">print</span>' in page and "<samp>25</samp>" in page
    built = cli("build", SPEC, "--provider", "offline", "--formats", "markdown")
    assert (built.exit_code, built.stderr) == (0, "")
    assert built.stdout.splitlines()[0] == "water-cycle: 4 tasks (3 current, 1 edited); generated 0, wrote 0 file(s) in output/water-cycle/content"
    assert LESSON.read_text("utf-8") == edited  # kept byte for byte


def test_the_hand_added_blocks_read_as_the_blocks_they_are(cli, small):
    from courseware.markdown.frontmatter import split
    from courseware.markdown.parse import parse_article

    add_before_first_section(ADDED)
    _, body, first_line = split(LESSON.read_text("utf-8"), str(LESSON))
    article = parse_article(body, str(LESSON), first_line)
    added = article.intro[-5:]  # after the generated intro paragraph, if the lesson has one
    assert [b.kind for b in article.intro[:-5]] in ([], ["paragraph"])
    assert [b.kind for b in added] == ["paragraph", "list", "table", "paragraph", "code"]
    listed, table, code = added[1], added[2], added[4]
    assert [i.text for i in listed.items] == ["the sun heats the water", "clouds bring it back"]
    assert listed.items[0].children.items[0].text == "most of it over the sea"
    assert (table.header, table.align, table.rows, table.caption) == (["Stage", "Where"], ["left", "right"], [["evaporation", "sea | lakes"], ["rain", "land"]], "Where each stage happens.")
    assert (code.language, code.code, code.output) == ("python", "print(21 + 4)", "25")


def test_a_broken_hand_added_table_stops_the_render_at_its_line(cli, small):
    add_before_first_section("| Stage | Where |\n| --- | --- |\n| evaporation | sea | lakes |\n\n")
    before = {p: p.read_bytes() for p in Path("output").rglob("*") if p.is_file()}
    result = cli("render", SPEC, "--formats", "markdown,html")
    lines = LESSON.read_text("utf-8").splitlines()
    row = lines.index("| evaporation | sea | lakes |") + 1
    assert (result.exit_code, result.stderr) == (1, f"{LESSON}:{row}:1: this table row has 3 cell(s) but the header has 2; write a '|' inside a cell as '\\|'\n")
    assert {p: p.read_bytes() for p in Path("output").rglob("*") if p.is_file()} == before  # nothing half-written


def test_an_image_without_alt_text_stops_the_render_at_its_line(cli, small):
    add_before_first_section("::: figure\n\n![](figures/cycle.svg)\n\n:::\n\n")
    result = cli("render", SPEC, "--formats", "markdown")
    line = LESSON.read_text("utf-8").splitlines().index("![](figures/cycle.svg)") + 1
    assert (result.exit_code, result.stderr) == (1, f"{LESSON}:{line}:1: a figure needs alt text: what a learner who cannot see it needs to know, written ![alt text](path)\n")


SOURCE = """# Shell basics

`pwd` shows where you are:[^1]

```sh
pwd
```

```output
/home/ada
```

| Command | Does |
| --- | --- |
| `ls` | lists files |

Table: Two commands.

![](figures/no-alt.png)

::: figure

![The folder tree](figures/tree.svg "Course team")

A folder tree.

:::

1. Open a terminal:

   ```sh
   cd ~
   ```

<div>raw html</div>

[^1]: The source's own note.
"""


def test_a_source_reads_into_the_blocks_of_the_model_one_at_a_time():
    from courseware.content.blocks import Code, Figure, ListBlock, ListItem, Paragraph, Table
    from courseware.markdown.blocks import SourceBlock, read_source_blocks

    batches, problems = [], []
    read_source_blocks(SOURCE, batches.append, lambda line, message: problems.append((line, message)))
    assert all(len(batch) == 1 for batch in batches)  # a block at a time: bounded memory on a long source
    assert [b for batch in batches for b in batch] == [
        SourceBlock(1, 1, "Shell basics"),
        SourceBlock(3, None, Paragraph(text="`pwd` shows where you are:")),  # the source's own [^1] dropped
        SourceBlock(5, None, Code(language="sh", code="pwd", output="/home/ada")),
        SourceBlock(13, None, Table(header=["Command", "Does"], rows=[["`ls`", "lists files"]], caption="Two commands.")),
        SourceBlock(21, None, Figure(src="figures/tree.svg", alt="The folder tree", caption="A folder tree.", credit="Course team")),
        SourceBlock(29, None, ListBlock(ordered=True, items=[ListItem(text="Open a terminal:")])),
        SourceBlock(31, None, Code(language="sh", code="cd ~")),  # a code block inside an item follows its list
    ]
    assert problems == [(19, "a figure needs alt text: what a learner who cannot see it needs to know, written ![alt text](path)")]
