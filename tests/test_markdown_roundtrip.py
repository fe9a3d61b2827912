"""Reviewed markdown round-trips: writing any content model and reading it back gives it back,
for every block kind; and what is written reads right on GitHub (its renderer, cmarkgfm)."""

from __future__ import annotations

import html
from pathlib import Path
import os
import re

import cmarkgfm
import pytest
from cmarkgfm.cmark import Options
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from courseware.content.blocks import CALLOUT_STYLES, LANGUAGE, Callout, Code, Figure, ListBlock, ListItem, Math, Quote, Table, clean_verbatim
from courseware.content.model import BLANK, Article, Option, Paragraph, Quiz, QuizItem, Reference, Section, Slide, SlideDeck, clean_line, numbered
from courseware.markdown.blocks import unescape_start
from courseware.markdown.parse import parse_article, parse_quiz, parse_slides
from courseware.markdown.write import escape_start, to_markdown

# Markdown's own punctuation, several scripts, no-break spaces and stray control characters.
ALPHABET = st.one_of(
    st.sampled_from(list("#>-+*_`~<[]|:=\\!^()&;.,?$0123456789 \t\n§«»“”’") + ["\u00a0", "\u202f", "\u202e", "\x07"]),
    st.characters(codec="utf-8", categories=("Lu", "Ll", "Lo", "Nd", "Po", "Ps", "Pe", "Sm", "So", "Zs")),
)
# Code and LaTeX: line breaks, indentation, fences and container markers inside.
VERBATIM = st.one_of(st.sampled_from(list("`~:$|#>-*\\{}[]() \t\n") + ["```", ":::", "\n:::\n", "\n    ", "\n```\n"]), st.characters(codec="utf-8", categories=("Lu", "Ll", "Nd")))
VERBATIM_TEXT = st.lists(VERBATIM, min_size=1, max_size=30).map("".join)


def _clean(clean, raw: str) -> str | None:
    try:
        return clean(raw)
    except ValueError:
        return None


lines = st.text(ALPHABET, min_size=1, max_size=40).map(lambda raw: _clean(clean_line, raw)).filter(lambda s: s is not None and "[^" not in s)
ids = st.from_regex(r"\A[A-Za-z0-9][A-Za-z0-9_.-]{0,8}\Z")
verbatim = VERBATIM_TEXT.map(lambda raw: _clean(clean_verbatim, raw)).filter(lambda s: s is not None)
latex = verbatim.filter(lambda s: "$" not in s)  # a '$$' inside would end the block (LaTeX has no use for it)
# "output" names the block after a code block: a code block in that language is not written.
languages = st.one_of(st.just(""), st.from_regex(LANGUAGE, fullmatch=True).filter(lambda s: s != "output"))
cites = st.lists(st.integers(1, 4), max_size=3)  # renumbered by numbered(), uncited references dropped
paths = st.from_regex(r"\A(\.\./){0,2}[a-z0-9_-]{1,8}(/[a-z0-9 ()_-]{1,8}){0,2}\.(png|svg|jpg)\Z")


def list_blocks(depth: int = 2):
    children = st.none() if depth == 0 else st.one_of(st.none(), list_blocks(depth - 1))
    item = st.builds(ListItem, text=lines, cites=cites, children=children)
    return st.builds(ListBlock, ordered=st.booleans(), items=st.lists(item, min_size=1, max_size=3))


@st.composite
def tables(draw) -> Table:
    width = draw(st.integers(1, 4))
    header = draw(st.lists(lines, min_size=width, max_size=width))
    # No alignment at all is written '---' and reads back as [] (all default), never ['', ...].
    align = draw(st.one_of(st.just([]), st.lists(st.sampled_from(["", "left", "center", "right"]), min_size=width, max_size=width).filter(any)))
    rows = draw(st.lists(st.lists(st.one_of(st.just(""), lines), min_size=width, max_size=width), min_size=1, max_size=3))
    caption = draw(st.one_of(st.none(), lines))
    return Table(header=header, align=align, rows=rows, caption=caption, cites=draw(cites) if caption else [])


@st.composite
def figures(draw) -> Figure:
    caption = draw(st.one_of(st.none(), lines))
    return Figure(src=draw(paths), alt=draw(lines), caption=caption, credit=draw(st.one_of(st.none(), lines)), cites=draw(cites) if caption else [])


paragraphs = st.builds(Paragraph, text=lines, cites=cites)
codes = st.builds(Code, language=languages, code=verbatim, output=st.one_of(st.none(), verbatim))
maths = st.builds(Math, latex=latex)
quotes = st.builds(Quote, text=lines, cites=cites)
inner_blocks = st.one_of(paragraphs, list_blocks(), tables(), codes, maths, figures(), quotes)
callouts = st.builds(Callout, style=st.sampled_from(CALLOUT_STYLES), title=st.one_of(st.none(), lines), blocks=st.lists(inner_blocks, min_size=1, max_size=4))
KINDS = {"paragraph": paragraphs, "list": list_blocks(), "table": tables(), "code": codes, "math": maths, "figure": figures(), "quote": quotes, "callout": callouts}
any_blocks = st.one_of(*KINDS.values())
references = st.lists(st.builds(Reference, source=lines.filter(lambda s: " § " not in s + " "), section=st.one_of(st.just(""), lines)), min_size=4, max_size=4)


@st.composite
def articles(draw, blocks=any_blocks) -> Article:
    block_lists = st.lists(blocks, min_size=1, max_size=4)
    intro = draw(st.one_of(st.just([]), block_lists))
    sections = draw(st.lists(st.builds(Section, heading=lines, blocks=block_lists), min_size=0 if intro else 1, max_size=3))
    return numbered(draw(lines), intro, sections, draw(references))


@st.composite
def quiz_items(draw) -> QuizItem:
    kind = draw(st.sampled_from(["multiple_choice", "true_false", "cloze"]))
    count = {"multiple_choice": draw(st.integers(2, 5)), "true_false": 2, "cloze": draw(st.integers(1, 3))}[kind]
    texts = draw(st.lists(lines, min_size=count, max_size=count, unique_by=lambda s: " ".join(s.casefold().split())))
    right = draw(st.integers(0, count - 1))
    options = [Option(text=t, correct=(kind == "cloze" or i == right)) for i, t in enumerate(texts)]
    prompt = draw(lines) + (f" {BLANK} " + draw(lines) if kind == "cloze" else "")
    return QuizItem(kind=kind, objective=draw(ids), prompt=prompt, options=options, feedback=draw(lines))


quizzes = st.builds(Quiz, title=lines, items=st.lists(quiz_items(), min_size=1, max_size=4))
# A deck has no references: a slide's table or figure cites nothing (its sources are in the notes).
visuals = st.one_of(st.none(), codes, tables().map(lambda t: t.model_copy(update={"cites": []})), figures().map(lambda f: f.model_copy(update={"cites": []})), maths)
decks = st.builds(
    SlideDeck,
    title=lines,
    slides=st.lists(st.builds(Slide, title=lines, bullets=st.lists(lines, max_size=4), visual=visuals, notes=st.one_of(st.none(), lines)), min_size=1, max_size=4),
)

# ROUNDTRIP_EXAMPLES=5000 for a longer local hunt; `make test` and CI run 100 examples a test
# (Hypothesis's default; 300 took 70 s of the suite's CPU, about 95 % of it generating examples).
FAST = settings(max_examples=int(os.environ.get("ROUNDTRIP_EXAMPLES", "100")), deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])


@FAST
@given(articles())
def test_article_round_trip(article):
    assert parse_article(to_markdown(article), "lesson.md") == article


@pytest.mark.parametrize("kind", list(KINDS))
def test_each_block_kind_round_trips(kind):
    @FAST
    @given(articles(KINDS[kind]))
    def check(article):
        written = to_markdown(article)
        assert parse_article(written, "lesson.md") == article
        assert to_markdown(parse_article(written, "lesson.md")) == written  # and writing is deterministic

    check()


@FAST
@given(quizzes)
def test_quiz_round_trip(quiz):
    assert parse_quiz(to_markdown(quiz), "quiz.md") == quiz


@FAST
@given(decks)
def test_slides_round_trip(deck):
    assert parse_slides(to_markdown(deck), "slides.md") == deck


@FAST
@given(lines)
def test_escape_is_undone_exactly(text):
    assert unescape_start(escape_start(text)) == text


def test_markdown_reads_well():
    deck = SlideDeck(title="Flipped classroom", slides=[Slide(title="Why flip", bullets=["Class time for practice", "1. Not a list"], notes="Ask who watched the video.")])
    assert to_markdown(deck) == (
        "# Flipped classroom\n\n## Why flip\n\n- Class time for practice\n- 1\\. Not a list\n\n::: notes\nAsk who watched the video.\n:::\n"
    )


EVERY_BLOCK = Article(
    title="Describing data",
    intro=[Paragraph(text="`pwd` shows where you are:", cites=[1])],
    sections=[
        Section(
            heading="1. Centre and spread",
            blocks=[
                ListBlock(items=[ListItem(text="the **mean**, $\\bar{x}$", children=ListBlock(ordered=True, items=[ListItem(text="add them up")])), ListItem(text="the median", cites=[2])]),
                Table(header=["Group", "Mean"], align=["left", "right"], rows=[["A | B", "3.5"], ["C", ""]], caption="Means by group.", cites=[2]),
                Code(language="python", code="print(sum(xs) / len(xs))\n```\nnot the end", output="3.5"),
                Math(latex="\\bar{x} = \\frac{1}{n}\\sum_{i=1}^{n} x_i"),
                Figure(src="figures/scores.svg", alt="A histogram of scores, peaking at 60", caption="Scores of 120 students.", credit="Course team, CC BY 4.0", cites=[1]),
                Quote(text="All models are wrong.", cites=[2]),
                Callout(style="tip", title="Check yourself", blocks=[Paragraph(text="Is the mean robust?"), Code(code="median(xs)")]),
            ],
        )
    ],
    references=[Reference(source="sources/stats.md", section="Centre"), Reference(source="sources/stats.md", section="Spread")],
)


def test_every_block_is_written_as_documented():
    assert to_markdown(EVERY_BLOCK) == """# Describing data

`pwd` shows where you are:[^1]

## 1. Centre and spread

- the **mean**, $\\bar{x}$
  1. add them up
- the median[^2]

| Group | Mean |
| :-- | --: |
| A \\| B | 3.5 |
| C |  |

Table: Means by group.[^2]

````python
print(sum(xs) / len(xs))
```
not the end
````

```output
3.5
```

$$
\\bar{x} = \\frac{1}{n}\\sum_{i=1}^{n} x_i
$$

::: figure

![A histogram of scores, peaking at 60](figures/scores.svg "Course team, CC BY 4.0")

Scores of 120 students.[^1]

:::

> All models are wrong.[^2]

::: tip Check yourself

Is the mean robust?

```
median(xs)
```

:::

[^1]: sources/stats.md § Centre

[^2]: sources/stats.md § Spread
"""
    assert parse_article(to_markdown(EVERY_BLOCK), "lesson.md") == EVERY_BLOCK


# Texts that the old writer gave a leading backslash GitHub shows, and texts that really would
# start a block; each must read on GitHub as the text itself.
RISKY = ["1. Not a list", "2) Nor this", "# Not a heading", "- not an item", "+ nor this", "* nor this", "> not a quote", "`wc` counts words",
         "**Bold** start", "_em_ start", "<b>not html</b>", "::: not a container", "[a]: not a link definition", "--- not a rule", "~ tilde", "= equals", "| pipe", "[x] box", "!important"]


def github(markdown: str) -> str:
    return cmarkgfm.github_flavored_markdown_to_html(markdown, options=Options.CMARK_OPT_UNSAFE | Options.CMARK_OPT_FOOTNOTES)


BLOCK_TAGS = r"</?(?:p|li|ol|ul|h[1-6]|td|th|tr|thead|tbody|table|blockquote|section|sup)\b[^>]*>"


def visible(rendered: str) -> list[str]:
    """The lines of text GitHub shows outside code blocks: one per paragraph, item, cell ..."""
    rendered = re.sub(r"<pre.*?</pre>", "", rendered, flags=re.S)
    text = html.unescape(re.sub(r"<[^>]+>", "", re.sub(BLOCK_TAGS, "\n", rendered)))
    return [line.strip() for line in text.splitlines() if line.strip()]


def shown_inline(text: str) -> str:
    """What GitHub shows for a text in the middle of a line, where nothing can start a block."""
    return visible(github("Z " + text))[0].removeprefix("Z ")


@pytest.mark.parametrize("text", RISKY)
@pytest.mark.parametrize("kind", ["paragraph", "list", "nested list", "quote", "figure caption", "table cell", "callout", "heading", "reference", "slide bullet", "notes", "quiz"])
def test_github_shows_each_text_as_written_without_backslashes(text, kind):
    def article(*blocks):
        return Article(title="T", intro=list(blocks))

    content = {
        "paragraph": lambda: article(Paragraph(text=text)),
        "list": lambda: article(ListBlock(ordered=True, items=[ListItem(text=text)])),
        "nested list": lambda: article(ListBlock(items=[ListItem(text="x", children=ListBlock(items=[ListItem(text=text)]))])),
        "quote": lambda: article(Quote(text=text)),
        "figure caption": lambda: article(Figure(src="f.png", alt="alt", caption=text)),
        "table cell": lambda: article(Table(header=[text], rows=[[text]])),
        "callout": lambda: article(Callout(style="note", blocks=[Paragraph(text=text)])),
        "heading": lambda: Article(title=text, sections=[Section(heading=text, blocks=[Paragraph(text="x")])]),
        "reference": lambda: Article(title="T", intro=[Paragraph(text="x", cites=[1])], references=[Reference(source=text)]),
        "slide bullet": lambda: SlideDeck(title="T", slides=[Slide(title="S", bullets=[text])]),
        "notes": lambda: SlideDeck(title="T", slides=[Slide(title="S", notes=text)]),
        "quiz": lambda: Quiz(title="T", items=[QuizItem(kind="true_false", objective="LO1", prompt=text, options=[Option(text="True", correct=True), Option(text="False", correct=False)], feedback=text)]),
    }[kind]()
    markdown = to_markdown(content)
    fences = {line for line in markdown.splitlines() if line.startswith(":::")}  # shown as written: GitHub has no containers
    shown = [line for line in visible(github(markdown)) if line not in fences]
    expected = shown_inline(text)
    assert any(line == expected or line.startswith(expected + " ") or line.endswith(" " + expected) for line in shown), (expected, shown)
    assert not any("\\" in line for line in shown)


def test_github_shows_every_block_without_literal_markup():
    rendered = github(to_markdown(EVERY_BLOCK))
    # GitHub shows ::: fence lines as written and renders $math$ and $$ blocks itself.
    outside = re.sub(r"\$[^$]+\$", "", "\n".join(line for line in visible(rendered) if not line.startswith((":::", "$$")) and "\\frac" not in line))
    for markup in ("**", "`", "|---", "| --", "![", "\\", "[^"):
        assert markup not in outside, markup
    assert "<table>" in rendered and "<th align=\"left\">Group</th>" in rendered and '<td align="left">A | B</td>' in rendered
    assert '<img src="figures/scores.svg" alt="A histogram of scores, peaking at 60" title="Course team, CC BY 4.0"' in rendered
    assert '<pre lang="python"><code>print(sum(xs) / len(xs))\n```\nnot the end\n</code></pre>' in rendered
    assert "<strong>mean</strong>" in rendered and "<ol>\n<li>add them up</li>" in rendered
    assert "<blockquote>\n<p>All models are wrong." in rendered


def test_a_reference_reads_back_to_the_source_and_section_it_was_written_with():
    # Found by the round trip: source "0 §" with section "0" was written "0 § § 0" and read back
    # as source "0", section "§ 0". A source may neither hold " § " nor end with " §".
    for source in ("a § b", "0 §"):
        with pytest.raises(ValueError, match="cannot contain ' § ' or end with ' §'"):
            Reference(source=source, section="0")
    for source, section in (("§ a.md", "s"), ("a.md §x", "§ s"), ("a.md", "")):
        reference = Reference(source=source, section=section)
        assert Reference.parse(reference.text) == reference


OLD = """# \\`Title`

\\1. Not a list, as the old writer put it.[^1]

\\`wc` counts words.

## \\# Section

- \\1. item
- \\- item

> \\> quote

[^1]: \\|source.md § =sec
"""


def test_files_written_with_the_old_leading_backslashes_read_the_same():
    article = parse_article(OLD, "lesson.md")
    assert article == Article(
        title="`Title`",
        intro=[Paragraph(text="1. Not a list, as the old writer put it.", cites=[1]), Paragraph(text="`wc` counts words.")],
        sections=[Section(heading="# Section", blocks=[ListBlock(items=[ListItem(text="1. item"), ListItem(text="- item")]), Quote(text="> quote")])],
        references=[Reference(source="|source.md", section="=sec")],
    )
    assert to_markdown(article).splitlines()[2] == "1\\. Not a list, as the old writer put it.[^1]"


def test_the_documented_block_examples_read_and_are_written_as_documented():
    docs = (Path(__file__).resolve().parent.parent / "docs" / "formats.md").read_text("utf-8")
    section = docs[docs.index("## Blocks") : docs.index("## Escaping")]
    examples = re.findall(r"^(`{3,4})markdown\n(.*?)\n\1$", section, flags=re.S | re.M)
    assert len(examples) == 8  # paragraph, list, table, code with output, math, figure, callout, quote
    for _, example in examples:
        example = re.sub(r"\[\^\d\]", "[^1]", example)
        body = f"# T\n\n{example}\n" + ("\n[^1]: sources/stats.md\n" if "[^1]" in example else "")
        written = to_markdown(parse_article(body, "formats.md"))
        assert written == body, example
