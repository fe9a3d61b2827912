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
