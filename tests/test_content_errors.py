"""Hand-edited markdown that no longer reads back gets a FILE:LINE message naming the fix."""

from __future__ import annotations

import pytest

from courseware.errors import ContentError
from courseware.markdown.frontmatter import split
from courseware.markdown.parse import parse_article, parse_quiz, parse_slides

FRONT = "---\ntask: m1-l1/quiz\nkey: k\nprovider: offline\nmodel: m\nbody_sha256: h\n---\n"


def problem(parse, body: str) -> str:
    with pytest.raises(ContentError) as caught:
        parse(body, "f.md", 8)
    return str(caught.value)


def test_missing_or_broken_front_matter():
    for text, message in [
        ("# Title\n", "f.md:1:1: missing front matter (a '---' block with task and key); restore it from git, keeping your changes to the text below it"),
        ("---\ntask: x\n", "f.md:1:1: the front matter is not closed by a '---' line"),
        ("---\ntask: [x\n---\n# T\n", "f.md:3:1: the front matter is not valid YAML: expected ',' or ']', but got '<stream end>'"),
        ("---\ntask: x\n---\n# T\n", "f.md:2:1: the front matter needs the keys task, key, provider, model, body_sha256; restore it from git"),
    ]:
        with pytest.raises(ContentError) as caught:
            split(text, "f.md")
        assert str(caught.value) == message


def test_body_starts_after_front_matter():
    front, body, first_line = split(FRONT + "# Quiz\n", "f.md")
    assert (front.task, body, first_line) == ("m1-l1/quiz", "# Quiz\n", 8)


@pytest.mark.parametrize(("parse", "body", "message"), [
    (parse_article, "Intro without a title.\n", "f.md:8:1: the file must start with a '# Title' heading"),
    (parse_article, "# T\n\nText.[^2]\n\n[^1]: a.md\n", "f.md:10:1: reference [^2] is not defined; add '[^2]: source § section' at the end"),
    (parse_article, "# T\n\n### Deep\n\nText.\n", "f.md:10:1: a level-3 heading is not read here: a lesson has one '# Title' and '## Section' headings; make it a '## Section', or a paragraph in **bold**"),
    (parse_article, "# T\n\nText with [^1] inside.\n\n[^1]: a.md\n", "f.md:10:1: text: footnote references like [^1] belong at the end of a paragraph"),
    (parse_quiz, "# Q\n\n## Question one\n\nPrompt?\n\n- [x] a\n- [ ] b\n\n> fb\n", "f.md:10:1: a question heading reads '## Q1 · <multiple-choice | true-false | cloze> · <objective id>'"),
    (parse_quiz, "# Q\n\n## Q1 · multiple-choice · LO1\n\nPrompt?\n\n- [x] a\n- b\n\n> fb\n", "f.md:15:1: an option reads '- [x] right answer' or '- [ ] wrong answer'"),
    (parse_quiz, "# Q\n\n## Q1 · multiple-choice · LO1\n\nPrompt?\n\n- [x] a\n- [ ] b\n", "f.md:10:1: this question needs exactly one '> feedback' line, found 0"),
    (parse_quiz, "# Q\n\n## Q1 · true-false · LO1\n\nPrompt?\n\n- [x] True\n- [ ] False\n- [ ] Maybe\n\n> fb\n", "f.md:10:1: a true/false item has exactly two options"),
    (parse_quiz, "# Q\n\n## Q1 · cloze · LO1\n\nNo blank here.\n\n- [x] a\n\n> fb\n", "f.md:10:1: a cloze prompt needs a blank written as ____"),
    (parse_quiz, "# Q\n\n## Q1 · multiple-choice · LO1\n\nPrompt?\n\n- [x] Same\n- [ ] same\n\n> fb\n", "f.md:10:1: options must be distinct"),
    (parse_quiz, "# Q\n\nA stray paragraph.\n", "f.md:10:1: unexpected paragraph here; this file holds '## Qn · kind · objective' questions, each with a prompt, a '- [x]' option list and a '> feedback' line"),
    (parse_slides, "# S\n\n## One\n\n- a\n\n- b\n\nText.\n", "f.md:16:1: unexpected paragraph here; this file holds '## Slide title' headings, each with one bullet list, optionally one code block, table, ::: figure or $$ math, and one '::: notes' block"),
    (parse_slides, "# S\n", "f.md:8:1: slides: needs at least 1 entry"),
])
def test_located_content_errors(parse, body, message):
    assert problem(parse, body) == message


ARTICLE_HOLDS = (
    "paragraphs, lists, tables, code, $$ math, ::: figure and callout containers, quotes, "
    "'## Section' headings and '[^n]: source § section' references"
)
CALLOUTS = "::: note, tip, warning, example, activity, takeaway"


@pytest.mark.parametrize(("body", "message"), [
    ("# T\n\n::: figure\n\n![](figures/x.png)\n\n:::\n", "f.md:12:1: a figure needs alt text: what a learner who cannot see it needs to know, written ![alt text](path)"),
    ("# T\n\nText.\n\n![](x.png)\n", "f.md:12:1: a figure needs alt text: what a learner who cannot see it needs to know, written ![alt text](path)"),
    ("# T\n\n::: figure\n\nJust text.\n\n:::\n", "f.md:12:1: a ::: figure holds one image written ![alt text](path \"credit\") and optionally a caption paragraph"),
    ("# T\n\n![A chart](https://example.org/x.png)\n", "f.md:10:1: src: a figure's image is a relative path to a file beside the course, not 'https://example.org/x.png'"),
    ("# T\n\n| a | b |\n| - | - |\n| 1 | 2 |\n| 1 | 2 | 3 |\n", "f.md:13:1: this table row has 3 cell(s) but the header has 2; write a '|' inside a cell as '\\|'"),
    ("# T\n\n| a | b |\n| - | - |\n| 1 |\n", "f.md:12:1: this table row has 1 cell(s) but the header has 2; write a '|' inside a cell as '\\|'"),
    ("# T\n\n| a | b |\n| - |\n| 1 | 2 |\n", "f.md:10:1: this table's header has 2 cell(s) but the row under it has 1; a table's second row is one '---' per column"),
    ("# T\n\n| a |\n| - |\n", "f.md:10:1: a table needs at least one row under its header and delimiter rows"),
    ("# T\n\n::: sidebar\n\nText.\n\n:::\n", f"f.md:10:1: unknown container '::: sidebar'; the containers are ::: figure and the callouts {CALLOUTS}"),
    ("# T\n\n:::: tip\n\n::: warning\n\nText.\n\n:::\n\n::::\n", "f.md:12:1: a callout cannot hold another callout; close the first one (':::') before this one"),
    ("# T\n\n::: tip\n\n:::\n", "f.md:10:1: this ::: tip is empty; write its paragraphs between '::: tip' and ':::'"),
    ("# T\n\n::: tip\n\n## Inside\n\n:::\n", "f.md:12:1: a heading cannot stand inside a ::: container; end the container first"),
    ("# T\n\n::: notes\n\nSay this.\n\n:::\n", f"f.md:10:1: '::: notes' (speaker notes) belongs in slides.md; here the containers are ::: figure and the callouts {CALLOUTS}"),
    ("# T\n\n## S\n\n### Deeper\n\nText.\n", "f.md:12:1: a level-3 heading is not read here: a lesson has one '# Title' and '## Section' headings; make it a '## Section', or a paragraph in **bold**"),
    ("# T\n\n<div class=\"box\">\nText.\n</div>\n", "f.md:10:1: raw HTML is not read here; write it in markdown (a ::: figure for an image, a pipe table for a table)"),
    ("# T\n\n---\n", f"f.md:10:1: unexpected thematic break (---) here; this file holds {ARTICLE_HOLDS}"),
    ("# T\n\n- Run it:\n\n  ```\n  pwd\n  ```\n", "f.md:12:1: a list item holds one line of text, and optionally a nested list; put this after the list"),
    ("# T\n\n```output\n/home\n```\n", "f.md:10:1: an ```output block follows the code block whose output it is"),
    ("# T\n\n```{r}\nx\n```\n", "f.md:10:1: language: a code block's language is a name like python or r, not '{r}'"),
    ("# T\n\n> One.\n>\n> Two.\n", "f.md:10:1: a quote holds one paragraph: '> text'"),
    ("# T\n\n- Item.[^9]\n\n[^1]: a.md\n", "f.md:10:1: reference [^9] is not defined; add '[^9]: source § section' at the end"),
])
def test_located_block_errors(body, message):
    assert problem(parse_article, body) == message


@pytest.mark.parametrize(("body", "message"), [
    ("# S\n\n## One\n\n- a\n  - b\n", "f.md:12:1: a slide's bullets are one flat '- ' list, without citations"),
    ("# S\n\n## One\n\n```\nx\n```\n\n| a |\n| - |\n| 1 |\n", "f.md:16:1: unexpected table block here; this file holds '## Slide title' headings, each with one bullet list, optionally one code block, table, ::: figure or $$ math, and one '::: notes' block"),
    ("# S\n\n## One\n\n::: tip\n\nx\n\n:::\n", "f.md:12:1: unexpected callout block here; this file holds '## Slide title' headings, each with one bullet list, optionally one code block, table, ::: figure or $$ math, and one '::: notes' block"),
])
def test_located_slide_errors(body, message):
    assert problem(parse_slides, body) == message


def test_hand_added_blocks_read():
    article = parse_article("# T\n\n`pwd` shows where you are:\n\n```sh\npwd\n```\n\n- one\n- two\n\n| a | b |\n| - | - |\n| 1 | 2 |\n", "f.md", 8)
    assert [b.kind for b in article.blocks()] == ["paragraph", "code", "list", "table"]
    quiz = parse_quiz("# Q\n\n## Q1 · true-false · LO1\n\nDoes `pwd` print $x^2$?\n\n- [x] `True`\n- [ ] $y$\n\n> Because `pwd` prints $x$.\n", "f.md", 8)
    item = quiz.items[0]
    assert (item.prompt, item.options[0].text, item.options[1].text, item.feedback) == ("Does `pwd` print $x^2$?", "`True`", "$y$", "Because `pwd` prints $x$.")
