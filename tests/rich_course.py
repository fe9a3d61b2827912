"""A course whose lesson, overview and slides hold every block kind (tests/data/rich), built
offline and then given the rich content as models, for the renderers to show."""

from __future__ import annotations

import shutil
from pathlib import Path

from conftest import run_cli
from courseware.content.blocks import Callout, Code, Figure, ListBlock, ListItem, Math, Paragraph, Quote, Table
from courseware.content.model import Article, Option, Quiz, QuizItem, Reference, Section, Slide, SlideDeck
from courseware.course import Course, read_course
from courseware.plan import plan
from courseware.spec.load import load_spec

RICH = Path(__file__).parent / "data" / "rich"
SOURCE = "sources/describing-data.md"
FIGURE = "../../../../figures/scores.svg"  # from output/describing-data/content/m1-l1/ up to the spec's folder

CODE = 'scores = [12, 15, 9]\nmean = sum(scores) / len(scores)  # 12.0\nprint(f"mean: {mean}")'
TABLE = Table(
    header=["Group", "Students", "Mean score"],
    align=["left", "center", "right"],
    rows=[["A", "24", "12"], ["B", "19", "15"], ["C", "*none yet*", "9"]],
    caption="Mean scores of three tutorial groups.",
    cites=[2],
)
FIGURE_BLOCK = Figure(src=FIGURE, alt="Bar chart: group A 12, group B 15, group C 9", caption="The same scores as a bar chart.", credit="Course team, CC BY 4.0", cites=[2])
MEAN = r"\bar{x} = \frac{1}{n}\sum_{i=1}^{n} x_i"

LESSON = Article(
    title="The mean and the spread",
    intro=[Paragraph(text="The mean $\\bar{x}$ summarises a set of *n* scores in one number.", cites=[1])],
    sections=[
        Section(heading="Computing the mean", blocks=[
            Paragraph(text="Add the values, then divide by how many there are:"),
            Math(latex=MEAN),
            ListBlock(ordered=True, items=[
                ListItem(text="Add the scores: $12 + 15 + 9 = 36$.", cites=[1]),
                ListItem(text="Divide by their number, `len(scores)`:", children=ListBlock(items=[ListItem(text="three scores give $36 / 3 = 12$")])),
            ]),
            Code(language="python", code=CODE, output="mean: 12.0"),
            Callout(style="tip", title="Check your arithmetic", blocks=[Paragraph(text="The mean lies between the smallest and the largest value.")]),
        ]),
        Section(heading="Showing scores", blocks=[
            TABLE,
            FIGURE_BLOCK,
            Callout(style="warning", blocks=[Paragraph(text="One extreme score can move the mean a long way.")]),
            Callout(style="takeaway", title="In short", blocks=[ListBlock(items=[ListItem(text="the mean is the sum over the count"), ListItem(text="a table and a chart show the same scores", cites=[2])])]),
            Quote(text="The mean is the most common summary of a set of scores.", cites=[1]),
        ]),
    ],
    references=[Reference(source=SOURCE, section="The mean"), Reference(source=SOURCE, section="Showing scores")],
)

OVERVIEW = Article(
    title="Describing Data",
    intro=[
        Paragraph(text="This course shows how to summarise scores with the mean $\\bar{x}$."),
        ListBlock(items=[ListItem(text="compute a mean"), ListItem(text="read a table and a chart")]),
    ],
    sections=[Section(heading="Summaries", blocks=[Callout(style="note", blocks=[Paragraph(text="One lesson, about an hour.")])])],
)

SLIDES = SlideDeck(title="The mean and the spread", slides=[
    Slide(title="The mean in Python", bullets=["add, then divide by `len`"], visual=Code(language="python", code=CODE, output="mean: 12.0")),
    Slide(title="Three groups", bullets=["group **B** scored highest"], visual=FIGURE_BLOCK.model_copy(update={"cites": [], "caption": None})),
    Slide(title="The formula", bullets=["$n$ values, one mean"], visual=Math(latex=MEAN)),
])

QUIZ = Quiz(title="The mean and the spread", items=[
    QuizItem(kind="multiple_choice", objective="LO1", prompt="What is $\\bar{x}$ for the scores 2, 4 and 6?", options=[
        Option(text="$4$", correct=True), Option(text="$6$", correct=False), Option(text="`12`", correct=False),
    ], feedback="The sum is 12 and there are three scores: $12 / 3 = 4$."),
    QuizItem(kind="true_false", objective="LO1", prompt="The mean always lies between the smallest and the largest score.", options=[
        Option(text="True", correct=True), Option(text="False", correct=False),
    ], feedback="It is an average of them."),
])


def rich_course(root: Path, lesson: Article = LESSON) -> Course:
    """tests/data/rich copied to `root/course` (unless a test copied and changed it there first),
    built offline, its content replaced by the rich models."""
    folder = root / "course"
    if not folder.exists():
        shutil.copytree(RICH, folder, ignore=shutil.ignore_patterns("content"))
    result = run_cli("build", folder / "course.yaml", "--output", folder / "output", "--formats", "markdown")
    assert result.exit_code == 0, result.stderr
    loaded = load_spec(folder / "course.yaml")
    tasks = plan(loaded.spec, None, lambda kind: {})
    known = {"course/overview": OVERVIEW, "m1-l1/lesson": lesson, "m1-l1/slides": SLIDES, "m1-l1/quiz": QUIZ}
    return read_course(loaded, tasks, folder / "output" / "describing-data" / "content", known)
