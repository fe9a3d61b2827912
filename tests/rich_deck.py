"""A course whose one lesson's slides hold every visual a deck shows (code with output, a long
listing, a table, SVG and PNG figures, display math, a formula mathtext cannot draw), built in
Python from the content model, with its figure files on disk."""

from __future__ import annotations

import io
from pathlib import Path

from courseware.content.model import Article, Code, Figure, Math, Option, Paragraph, Quiz, QuizItem, Section, Slide, SlideDeck, Table
from courseware.course import Course, LessonContent
from courseware.spec.load import load_spec

SPEC = """course: {id: stats, title: Describing data, language: LANGUAGE, audience: first-year students}
sources: [source.md]
objectives: [{id: LO1, text: Summarise a sample with its mean and spread, bloom: apply}]
modules:
  - id: m1
    title: Summaries
    lessons:
      - id: m1-l1
        title: Mean and spread
        objectives: [LO1]
        key_points: [the mean]
        slides: {max: 12, quiz: true}
outputs: [markdown, pptx]
"""

SVG = """<svg xmlns="http://www.w3.org/2000/svg" width="480" height="300" viewBox="0 0 480 300">
<rect width="480" height="300" fill="#ffffff"/>
<line x1="50" y1="260" x2="460" y2="260" stroke="#333" stroke-width="2"/>
<rect x="70" y="160" width="60" height="100" fill="#2b6cb0"/><rect x="150" y="90" width="60" height="170" fill="#2b6cb0"/>
<rect x="230" y="50" width="60" height="210" fill="#2b6cb0"/><rect x="310" y="120" width="60" height="140" fill="#2b6cb0"/>
<rect x="390" y="200" width="60" height="60" fill="#2b6cb0"/>
<text x="240" y="30" font-family="DejaVu Sans, sans-serif" font-size="20" text-anchor="middle">Exam scores (n = 120)</text>
<text x="100" y="285" font-family="DejaVu Sans, sans-serif" font-size="14" text-anchor="middle">40</text>
<text x="420" y="285" font-family="DejaVu Sans, sans-serif" font-size="14" text-anchor="middle">90</text>
</svg>
"""

CODE = '''import statistics

scores = [62, 71, 58, 90, 75]
mean = statistics.mean(scores)
for score in scores:
    if score > mean:
        print(f"{score} is above the mean")
print(round(mean, 1))'''

OUTPUT = """90 is above the mean
75 is above the mean
71.2"""

LONG = "\n".join(f"x{k} = {k} * 2  # line {k} of a long listing" if k % 10 else "" for k in range(1, 71))


def png(width: int = 400, height: int = 600) -> bytes:
    """A portrait PNG: a blue box with a darker frame."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (width, height), "#dbe7f5")
    ImageDraw.Draw(image).rectangle([10, 10, width - 11, height - 11], outline="#1f4e79", width=8)
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def slides() -> list[Slide]:
    return [
        Slide(title="Reading a summary", bullets=["The **mean** is the balance point: $\\bar{x} = \\frac{1}{n}\\sum x_i$", "Compute it with `statistics.mean(scores)` in *Python*", "See the [documentation](https://docs.python.org/3/library/statistics.html)"], notes="Start from the formula."),
        Slide(title="The mean in Python", bullets=["`statistics.mean` adds and divides"], visual=Code(language="python", code=CODE, output=OUTPUT), notes="Run it live."),
        Slide(title="A long listing", bullets=["Seventy lines: split over slides"], visual=Code(language="python", code=LONG), notes="Scroll through."),
        Slide(title="Scores by group", bullets=["Group **B** has the highest mean"], visual=Table(header=["Group", "Students", "Mean score", "Note"], align=["left", "right", "right", ""], rows=[["A", "40", "68.5", "morning"], ["B", "38", "74.1", "uses `R`"], ["C", "42", "61.0", "evening, with a long remark that wraps"]], caption="Means by group, autumn term."), notes="Compare B with C."),
        Slide(title="The distribution", bullets=["Most scores lie between 50 and 80"], visual=Figure(src="figures/scores.svg", alt="A bar chart of exam scores: most between 50 and 80", caption="Exam scores of 120 students.", credit="Course team, CC BY 4.0"), notes="Point at the peak."),
        Slide(title="A portrait picture", visual=Figure(src="figures/box.png", alt="A blue framed box", caption="A picture taller than wide."), notes="Fitted, not stretched."),
        Slide(title="Sample variance", bullets=["Divide by $n-1$, not $n$"], visual=Math(latex="s^2 = \\frac{1}{n-1}\\sum_{i=1}^{n} (x_i - \\bar{x})^2"), notes="Bessel's correction."),
        Slide(title="A matrix", bullets=["mathtext draws no matrices"], visual=Math(latex="\\begin{pmatrix} a & b \\\\ c & d \\end{pmatrix}"), notes="Shown as LaTeX."),
    ]


def rich_course(folder: Path, language: str = "en") -> Course:
    """The course in `folder` (spec, source, figures under content/m1-l1/figures)."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "course.yaml").write_text(SPEC.replace("LANGUAGE", language), "utf-8")
    (folder / "source.md").write_text("# Means\n\nThe mean of a sample.\n", "utf-8")
    figures = folder / "content/m1-l1/figures"
    figures.mkdir(parents=True, exist_ok=True)
    (figures / "scores.svg").write_text(SVG, "utf-8")
    (figures / "box.png").write_bytes(png())
    loaded = load_spec(folder / "course.yaml")
    module = loaded.spec.modules[0]
    lesson = module.lessons[0]
    deck = SlideDeck(title=lesson.title, slides=slides())
    text = Article(title=lesson.title, sections=[Section(heading="Mean", blocks=[Paragraph(text="The mean.")])])
    quiz = Quiz(title=lesson.title, items=[QuizItem(kind="multiple_choice", objective="LO1", prompt="What does `statistics.mean([2, 4])` return?", options=[Option(text="$3$", correct=True), Option(text="`6`", correct=False)], feedback="It adds and divides.")])
    overview = Article(title="Describing data", intro=[Paragraph(text="A course.")])
    return Course(loaded=loaded, overview=overview, lessons=[LessonContent(module, lesson, text, quiz, deck)], content_dir=folder / "content")
