"""Markdown sources in their real dialects: a Carpentries Workbench episode and a Jekyll/kramdown
episode build a course offline with no dialect syntax and no instructor note in any output;
then the exact pieces, roles, sections and the small rules one at a time."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest

from courseware.content.blocks import Callout, Code, Figure, ListBlock, ListItem, Paragraph, Table, texts
from courseware.grounding.sources import SourceDocument
from courseware.markdown.blocks import read_source_blocks
from courseware.readers import dialects
from courseware.readers.base import BOX, EXERCISE, INSTRUCTOR, NARRATIVE, OVERVIEW, SOLUTION, Heading, Piece, SourceUnreadable
from courseware.readers.markdown import MarkdownReader

from source_fixtures import carpentries, kramdown

SPEC = """\
course:
  id: text-tools
  title: Text Tools in the Shell
  language: en
  audience: researchers new to the command line
sources: [episodes/searching-text.md, _episodes/02-pipes.md]
objectives:
  - {id: LO1, text: Search files for a pattern with grep, bloom: apply}
  - {id: LO2, text: Combine commands with pipes to count and sort lines, bloom: apply}
modules:
  - id: m1
    title: Text tools
    lessons:
      - id: m1-l1
        title: Searching text
        objectives: [LO1]
        key_points: [The grep command prints every line that contains a pattern, grep changes its behaviour with options]
        quiz: {questions: 3}
      - id: m1-l2
        title: Pipes
        objectives: [LO2]
        key_points: [The wc command counts the lines of a file, A pipeline is a chain of commands joined by the pipe character]
        quiz: {questions: 3}
llm: {provider: offline}
outputs: [markdown, html, pptx, scorm12, qti21, moodle_xml, gift]
"""
# What no output may hold: a fenced div of a dialect class (the course's own `::: notes` and
# callouts are its reviewed markdown's syntax, in content/ only), kramdown and Pandoc attribute
# lists, Liquid, reference links of the fixtures.
RAW = re.compile(r":{3,}\s*(?:\{|(?:" + "|".join(sorted(dialects.DIALECT_CLASSES)) + r")\b)|\{:|\{alt=|\{%|\{\{|\]\[(?:regex|grep-manual|glossary|shell-ref)?\]")
INSTRUCTOR_SENTENCES = carpentries.INSTRUCTOR_SENTENCES + kramdown.INSTRUCTOR_SENTENCES + ("Show the message this gives",)


@pytest.fixture
def lesson(tmp_path, monkeypatch) -> Path:
    """Both fixtures and a spec grounded in them, in a working folder."""
    carpentries.make(tmp_path)
    kramdown.make(tmp_path)
    (tmp_path / "course.yaml").write_text(SPEC, "utf-8")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def outputs(folder: Path) -> dict[str, str]:
    """Every text file below `folder`, and every member of its zip files (PPTX, SCORM, QTI)."""
    found = {}
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        if zipfile.is_zipfile(path):
            with zipfile.ZipFile(path) as archive:
                found.update({f"{path}!{n}": archive.read(n).decode("utf-8", "replace") for n in archive.namelist() if not n.endswith((".png", ".jpg"))})
        else:
            found[str(path)] = path.read_bytes().decode("utf-8", "replace")
    return found


def test_a_course_grounded_in_both_dialects_builds_offline_with_no_dialect_syntax_and_no_instructor_note(cli, lesson):
    result = cli("build", "course.yaml", "--provider", "offline", "--output", "out")
    assert (result.exit_code, result.stderr) == (0, "")
    files = outputs(lesson / "out/text-tools/dist") | outputs(lesson / "out/text-tools/content")
    assert any(name.endswith("m1-l1/lesson.md") for name in files) and any(name.endswith(".pptx!ppt/slides/slide1.xml") for name in files)
    for name, text in files.items():
        assert not RAW.search(text), (name, RAW.search(text))
        assert not any(sentence in text for sentence in INSTRUCTOR_SENTENCES), name
        if "/dist/" in name:
            assert ":::" not in text, name
    lesson_md = files[str(lesson / "out/text-tools/content/m1-l1/lesson.md")]
    assert "episodes/searching-text.md § Finding lines that match" in lesson_md
    assert "[regular expression](https://en.wikipedia.org/wiki/Regular_expression)" in lesson_md


def test_a_fenced_div_never_closed_is_a_located_error(cli, lesson):
    episode = lesson / carpentries.NAME
    text = episode.read_text("utf-8")
    episode.write_text(text.replace(":" * 50 + "\n\n::: {.discussion", "\n::: {.discussion", 1), "utf-8")
    result = cli("build", "course.yaml", "--provider", "offline", "--output", "out")
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr == "episodes/searching-text.md:75: '::: challenge' is never closed; end it with a line of colons ':::' after its last line\n"
    assert not (lesson / "out/text-tools/content").exists()


@pytest.mark.parametrize("front, message", [
    ("---\ntitle: [Pipes\n---\n", "2: front matter: expected ',' or ']', but got '<stream end>'; write it as 'key: value' lines between two '---' lines"),
    ("---\ntitle: Pipes\n\n## Counting\n", "1: the front matter that starts here is never closed; end it with a line '---'"),
    ("---\n- Pipes\n---\n", "2: front matter: this is not 'key: value' lines; write it as 'title: ...' between two '---' lines"),
    ("---\ntitle: Pipes\n  teaching: 5\n---\n", "3: front matter: mapping values are not allowed here; write it as 'key: value' lines between two '---' lines"),
])
def test_bad_front_matter_is_a_located_error(cli, lesson, front, message):
    (lesson / kramdown.NAME).write_text(front + "Text of the episode.\n", "utf-8")
    result = cli("build", "course.yaml", "--provider", "offline", "--output", "out")
    assert (result.exit_code, result.stderr) == (1, f"_episodes/02-pipes.md:{message}\n")


# -- the pieces read ----------------------------------------------------------------------------

def items(*texts: str, ordered: bool = False) -> ListBlock:
    return ListBlock(ordered=ordered, items=[ListItem(text=t) for t in texts])


def read(text: str) -> list[tuple[int, str, object]]:
    return [(p.line, p.role, p.item) for p in MarkdownReader().read(text.encode()).pieces]


def test_a_carpentries_episode_reads_into_its_headings_blocks_and_boxes():
    document = MarkdownReader().read(carpentries.TEXT.encode())
    assert document.title == "Searching Text with grep"
    assert [(p.line, p.role, p.item) for p in document.pieces] == [
        (7, OVERVIEW, Callout(style="note", title="Questions", blocks=[items("How can I find the lines of a file that contain a word?", "How can I search many files at once?")])),
        (14, OVERVIEW, Callout(style="note", title="Objectives", blocks=[items("Search a file for a pattern with `grep`.", "Combine options to count and number the matching lines.")])),
        (21, BOX, Callout(style="note", title="Prerequisites", blocks=[Paragraph(text="You need a terminal and the file `ports.txt` from the lesson data.")])),
        (25, NARRATIVE, Heading(2, "Finding lines that match")),
        (27, NARRATIVE, Paragraph(text="The **grep** command reads a file line by line and prints every line that contains a **pattern**. A pattern can be a plain word or a [regular expression](https://en.wikipedia.org/wiki/Regular_expression), a small language for describing text.")),
        (31, NARRATIVE, Code(language="bash", code="grep harbour ports.txt", output="Old harbour road\nThe harbour closes at dusk")),
        (40, BOX, Callout(style="note", title="Quoting patterns", blocks=[Paragraph(text="Put a pattern in single quotes when it holds spaces or characters the shell would read itself, such as `*` or `$`.")])),
        (49, NARRATIVE, Paragraph(text="After a search, the **exit status** of grep tells a script whether anything matched: zero when at least one line matched, one when none did.")),
        (52, NARRATIVE, Figure(src="fig/grep-flow.svg", alt="A file flows through grep, which keeps only the lines that match the pattern.")),
        (56, INSTRUCTOR, Paragraph(text="Learners often type the file name before the pattern. Show the message this gives, then swap the two.")),
        (61, NARRATIVE, Heading(2, "Useful options")),
        (63, NARRATIVE, Paragraph(text="grep changes its behaviour with **options**: single letters after a dash that come before the pattern.")),
        (66, NARRATIVE, Table(header=["Option", "What it does"], rows=[["`-i`", "ignores the case of letters"], ["`-n`", "numbers each matching line"], ["`-c`", "counts the matching lines instead of printing them"]])),
        (72, NARRATIVE, Paragraph(text="Options can be combined: `grep -in harbour ports.txt` numbers the matching lines and ignores the case of the letters.")),
        (77, EXERCISE, Paragraph(text="**Counting matches**")),  # the challenge's own heading: its first paragraph, not a section
        (79, EXERCISE, Paragraph(text="How many lines of `ports.txt` mention the word *ferry*, whatever its case?")),
        (81, EXERCISE, items("Write the command.", "Check it against the file.", ordered=True)),
        (86, SOLUTION, Paragraph(text="One option counts, another ignores case.")),  # a hint
        (92, SOLUTION, Code(language="bash", code="grep -ci ferry ports.txt", output="3")),
        (101, INSTRUCTOR, Paragraph(text="Ask two learners to read their command aloud before running it.")),  # inside the solution
        (108, EXERCISE, Paragraph(text="**When is grep the wrong tool?**")),  # its title attribute
        (109, EXERCISE, Paragraph(text="Think of a search where matching single lines is not enough.")),
        (112, BOX, Callout(style="note", title="Searching folders", blocks=[
            Paragraph(text="The `-r` option searches every file below a folder."),
            Paragraph(text="Why recursive?"),  # a box in a box stands in the outer one
            Paragraph(text="The search descends into each folder it meets, the way a recursive function calls itself."),
        ])),
        (122, BOX, Callout(style="warning", blocks=[Paragraph(text="Searching a whole disk with `-r` can take a long time; start from the narrowest folder you can.")])),
        (126, NARRATIVE, Paragraph(text="The same options work when grep reads from a **pipe** instead of a file, which makes it a building block of longer commands. See the [manual page](https://www.gnu.org/software/grep/manual/grep.html) and the course glossary.")),
        (130, BOX, Callout(style="takeaway", title="Key Points", blocks=[items("`grep` prints the lines of a file that contain a pattern.", "The options `-i`, `-n` and `-c` ignore case, number the lines and count the matches.")])),
    ]


def test_a_kramdown_episode_reads_into_its_headings_blocks_and_boxes():
    document = MarkdownReader().read(kramdown.TEXT.encode())
    assert document.title == "Counting and Sorting with Pipes"
    assert [(p.line, p.role, p.item) for p in document.pieces] == [
        (5, OVERVIEW, Callout(style="note", title="Questions", blocks=[items("How can I combine small commands into a bigger one?")])),  # from the front matter
        (7, OVERVIEW, Callout(style="note", title="Objectives", blocks=[items("Connect commands with a pipe.", "Count and sort lines with `wc` and `sort`.")])),
        (10, BOX, Callout(style="takeaway", title="Key Points", blocks=[items("A pipe `|` sends the output of one command to the input of the next.", "`sort -n` sorts lines by the number they start with.")])),
        (15, NARRATIVE, Heading(2, "Counting lines")),
        (17, NARRATIVE, Paragraph(text="The **wc** command counts the lines, words and characters of a file. With the option `-l` it counts **lines** only, which is often all we need to know about a data file.")),
        (20, NARRATIVE, Code(language="bash", code="$ wc -l rainfall.csv", output="365 rainfall.csv")),
        (30, NARRATIVE, Paragraph(text="Counting is more useful once the output of one command can feed another, which is what a **pipe** does.")),
        (33, BOX, Callout(style="note", title="Why lines?", blocks=[Paragraph(text="Many data files keep one record on each line, so a count of lines is a count of records.")])),
        (38, NARRATIVE, Paragraph(text="After the box, the lesson goes on: the shell starts both commands at once and passes the text between them as it is produced.")),
        (41, NARRATIVE, Heading(2, "Building a pipeline")),
        (43, NARRATIVE, Paragraph(text="A **pipeline** is a chain of commands joined by the `|` character. Each command reads what the one before it writes.")),
        (46, NARRATIVE, Figure(src="../fig/pipeline.png", alt="A pipeline: cat writes lines, sort orders them and head keeps the first three")),
        (48, NARRATIVE, Table(header=["Command", "Reads", "Writes"], rows=[["`sort -n`", "lines", "the lines in numeric order"], ["`head -n 3`", "lines", "the first three lines"]])),
        (53, NARRATIVE, Code(language="bash", code="$ sort -n rainfall.csv | head -n 3")),
        (58, EXERCISE, Paragraph(text="**Pipe the counts**")),
        (60, EXERCISE, Paragraph(text="Write a pipeline that prints the **three** smallest values of `rainfall.csv`.")),
        (62, EXERCISE, items("Use `sort` with the right option.", "Keep only the first lines.")),
        (67, SOLUTION, Code(language="bash", code="$ sort -n rainfall.csv | head -n 3")),
        (72, SOLUTION, Paragraph(text="The option `-n` compares the numbers, not the characters.")),
        (76, INSTRUCTOR, Paragraph(text="**For instructors**")),
        (77, INSTRUCTOR, Paragraph(text="Pause here and let every learner run the pipeline once before moving on.")),
        (80, NARRATIVE, Paragraph(text="A long pipeline is easier to read when each command does one small thing well; see the shell reference for the options of each command.")),
    ]


@pytest.mark.parametrize("fixture", [carpentries, kramdown], ids=["carpentries", "kramdown"])
def test_no_dialect_syntax_is_left_in_any_text(fixture):
    for piece in MarkdownReader().read(fixture.TEXT.encode()).pieces:
        words = [piece.item.text] if isinstance(piece.item, Heading) else list(texts(piece.item))
        for text in words:
            assert not RAW.search(text) and ":::" not in text and "{" not in text, text


def test_passages_are_credited_to_the_narrative_section_around_their_box(tmp_path):
    data = kramdown.TEXT.encode()
    passages = SourceDocument(kramdown.NAME, data, len(data), kramdown.make(tmp_path)).passages()
    assert [(p.line, p.role, p.section, p.trail) for p in passages] == [
        (5, OVERVIEW, "Counting and Sorting with Pipes", ()), (7, OVERVIEW, "Counting and Sorting with Pipes", ()), (10, BOX, "Counting and Sorting with Pipes", ()),
        (17, NARRATIVE, "Counting lines", ("Counting lines",)), (20, NARRATIVE, "Counting lines", ("Counting lines",)),
        (30, NARRATIVE, "Counting lines", ("Counting lines",)), (33, BOX, "Counting lines", ("Counting lines",)),
        (38, NARRATIVE, "Counting lines", ("Counting lines",)),  # after the box titled "Why lines?": still its section
        (43, NARRATIVE, "Building a pipeline", ("Building a pipeline",)), (46, NARRATIVE, "Building a pipeline", ("Building a pipeline",)),
        (48, NARRATIVE, "Building a pipeline", ("Building a pipeline",)), (53, NARRATIVE, "Building a pipeline", ("Building a pipeline",)),
        (58, EXERCISE, "Building a pipeline", ("Building a pipeline",)), (60, EXERCISE, "Building a pipeline", ("Building a pipeline",)),
        (62, EXERCISE, "Building a pipeline", ("Building a pipeline",)), (67, SOLUTION, "Building a pipeline", ("Building a pipeline",)),
        (72, SOLUTION, "Building a pipeline", ("Building a pipeline",)),
        (80, NARRATIVE, "Building a pipeline", ("Building a pipeline",)),  # after the exercise and the instructor note (no passage)
    ]
    assert passages[7].reference.text == "_episodes/02-pipes.md § Counting lines"
    data = carpentries.TEXT.encode()
    sections = {p.line: p.section for p in SourceDocument(carpentries.NAME, data, len(data)).passages()}
    assert (sections[49], sections[126]) == ("Finding lines that match", "Useful options")  # after the callouts and the challenge
    assert 56 not in sections and 101 not in sections  # instructor notes are no passages


# -- the rules one at a time --------------------------------------------------------------------

def test_code_blocks_take_their_language_and_output_from_kramdown_classes():
    text = "~~~\nls\n~~~\n{: .bash}\n\n~~~\nerror: no such file\n~~~\n{: .error}\n\n~~~\nprinted alone\n~~~\n{: .output}\n\n```{r setup, echo=FALSE}\nx <- 1\n```\n\n~~~\nplain\n~~~\n{: .source}\n"
    assert read(text) == [
        (1, NARRATIVE, Code(language="bash", code="ls", output="error: no such file")),  # an error is what the code printed
        (11, NARRATIVE, Code(code="printed alone")),  # output that follows no code block: a block of its own
        (16, NARRATIVE, Code(language="r", code="x <- 1")),
        (20, NARRATIVE, Code(code="plain")),
    ]


def test_reference_links_resolve_and_undefined_ones_keep_their_text():
    text = "Read [the guide][g], [Guide][] and [guide], not [missing][nowhere] nor `a[0][1]`; ![logo][img] too.\n\n[G]: https://example.org/guide \"The guide\"\n[guide]: <https://example.org/guide>\n[img]: fig/logo.png\n"
    assert read(text) == [(1, NARRATIVE, Paragraph(text="Read [the guide](https://example.org/guide), [Guide](https://example.org/guide) and [guide](https://example.org/guide), not missing nor `a[0][1]`; ![logo](fig/logo.png) too."))]


def test_images_take_their_alt_attribute_and_a_bracket_text_beside_it_is_the_caption():
    text = "![](fig/a.svg){alt=\"A [boxed] flow\" width=\"50%\"}\n\n![Two steps of the flow](fig/b.svg){alt='Step one, then step two'}\n\n![Same](fig/c.svg){alt='Same'}\n\nSee [this]{.highlight} and [that](https://example.org){target=\"_blank\"}.\n"
    assert read(text) == [
        (1, NARRATIVE, Figure(src="fig/a.svg", alt="A [boxed] flow")),
        (3, NARRATIVE, Figure(src="fig/b.svg", alt="Step one, then step two", caption="Two steps of the flow")),
        (5, NARRATIVE, Figure(src="fig/c.svg", alt="Same")),
        (7, NARRATIVE, Paragraph(text="See this and [that](https://example.org).")),
    ]


def test_liquid_and_attribute_lists_are_dropped_and_course_callouts_still_read():
    text = "## Setup {#setup}\n\n{% include base_path.html %}\nRun it [here]({{ site.url }}/run/){: .btn}.\n{: .no_toc}\n\n::: tip Keep it short\n### Why\nShort commands are easier to check.\n:::\n\n::: {#plain}\nA div of no class is text like any other.\n:::\n"
    assert read(text) == [
        (1, NARRATIVE, Heading(2, "Setup")),
        (4, NARRATIVE, Paragraph(text="Run it [here](run/).")),
        (7, BOX, Callout(style="tip", title="Keep it short", blocks=[Paragraph(text="Why"), Paragraph(text="Short commands are easier to check.")])),
        (13, NARRATIVE, Paragraph(text="A div of no class is text like any other.")),
    ]


def test_a_closing_fence_closes_the_innermost_div_and_a_stray_one_is_left_out():
    text = "::: challenge\n## Try it\nDo this.\n::: solution\nLike this.\n:::\nAnd this.\n:::\n:::\nBack in the text.\n"
    assert read(text) == [
        (2, EXERCISE, Paragraph(text="**Try it**")),
        (3, EXERCISE, Paragraph(text="Do this.")),
        (5, SOLUTION, Paragraph(text="Like this.")),
        (7, EXERCISE, Paragraph(text="And this.")),
        (10, NARRATIVE, Paragraph(text="Back in the text.")),
    ]


def test_the_lists_of_two_boxes_in_a_row_stay_two_boxes():
    text = "::: keypoints\n- one\n:::\n\n::: objectives\n- two\n:::\n"
    assert [(line, item.title) for line, _, item in read(text)] == [(1, "Key Points"), (5, "Objectives")]


def test_a_plain_commonmark_file_keeps_the_streaming_reading_unchanged(monkeypatch):
    samples = sorted((Path(__file__).parent.parent / "course_specs/sources").rglob("*.md"))
    assert len(samples) == 11
    monkeypatch.setattr(dialects, "rewrite", lambda text: pytest.fail("a plain file was rewritten"))
    for path in samples:
        text = path.read_text("utf-8")
        assert not dialects.is_dialect(path.read_bytes()), path
        found: list = []
        read_source_blocks(text, found.extend)
        expected = [Piece(Heading(b.level, b.item) if b.level else b.item, b.line) for b in found]
        assert MarkdownReader().read(path.read_bytes()).pieces == expected, path


@pytest.mark.parametrize("text", ["---\ntitle: x\n---\n", "a {{ b }}", "{% x %}", "{: .c}", "![a](b.png){alt='c'}", "[a]{.b}", "x\n\n:::: challenge\n", "::: {.callout}\n", "[a]: https://example.org\n"])
def test_what_makes_a_file_a_dialect_file(text):
    assert dialects.is_dialect(text.encode())


@pytest.mark.parametrize("text", ["# Title\n\n::: tip Note\ntext\n:::\n", "A [^1] note.\n\n[^1]: The note.\n", "a ::: challenge inline\n", "---x\n"])
def test_plain_files_are_not_dialect_files(text):
    assert not dialects.is_dialect(text.encode())


def test_a_source_unreadable_names_its_line():
    with pytest.raises(SourceUnreadable) as raised:
        MarkdownReader().read(b"Text.\n\n> ## Box\n> ::: callout\n> inside\n{: .callout}\n")
    assert raised.value.detail == "4: '::: callout' is never closed; end it with a line of colons ':::' after its last line"


def test_the_strongest_role_around_a_block_wins_and_a_callout_in_an_exercise_is_the_exercise_s():
    text = "::: challenge\nTry it.\n\n::: callout\n### Careful\nMind the quotes.\n:::\n:::\n\n::: callout\nBoxed.\n\n::: instructor\nTell them now.\n:::\n:::\n"
    assert read(text) == [
        (2, EXERCISE, Paragraph(text="Try it.")),
        (4, EXERCISE, Callout(style="note", title="Careful", blocks=[Paragraph(text="Mind the quotes.")])),
        (10, BOX, Callout(style="note", blocks=[Paragraph(text="Boxed.")])),
        (14, INSTRUCTOR, Paragraph(text="Tell them now.")),
    ]


def test_a_fenced_code_block_in_a_list_item_of_a_kramdown_solution_keeps_its_language():
    text = "> ## Wildcards\n> Try it.\n>\n> > ## Solution\n> > 1. Two expressions:\n> >     ~~~\n> >     $ ls *A.txt\n> >     ~~~\n> >     {: .language-bash}\n> > 2. Two outputs.\n> {: .solution}\n{: .challenge}\n\n![Nano at work]({{ site.root }}/fig/nano.png)\n"
    assert read(text) == [
        (1, EXERCISE, Paragraph(text="**Wildcards**")),
        (2, EXERCISE, Paragraph(text="Try it.")),
        (5, SOLUTION, items("Two expressions:", "Two outputs.", ordered=True)),
        (6, SOLUTION, Code(language="bash", code="$ ls *A.txt")),  # a block in a list item follows its list
        (14, NARRATIVE, Figure(src="../fig/nano.png", alt="Nano at work")),
    ]
