"""The statistics sample course built offline from the CLI: its lessons carry every kind of
block into lesson.md, figures resolve from the file that names them, and a changed image makes
the content stale. (Needs the block markdown writer and reader of courseware/markdown.)"""

from __future__ import annotations

import shutil

import pytest

from courseware.content.files import parse_content, read_content_file
from courseware.build import Options, plan_course

from conftest import CONTENT_ONLY, SPECS

SPEC = "course_specs/describing-data.yaml"
LESSONS = ("m1-l1", "m1-l2", "m2-l1", "m2-l2")


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    from conftest import run_cli

    root = tmp_path_factory.mktemp("rich")
    shutil.copytree(SPECS, root / "course_specs")
    result = run_cli("build", root / SPEC, "--provider", "offline", "--output", root / "tmp", *CONTENT_ONLY)
    assert result.exit_code == 0, result.stderr
    return root, root / "tmp/describing-data/content"


def test_the_lessons_written_hold_every_kind_of_block(built):
    _, content = built
    text = "\n".join((content / lesson / "lesson.md").read_text("utf-8") for lesson in LESSONS)
    assert "\n| Commute time (minutes) | Frequency | Relative frequency |\n" in text  # a pipe table
    assert "\nTable: Frequency table of the commute times of 30 first-year students" in text
    assert "\n```python\nimport statistics\n" in text and "\n```output\nmean: 25.6\nmedian: 21.5\n" in text
    assert "\n$$\n\\bar{x} = \\frac{1}{n} \\sum_{i=1}^{n} x_i\n$$\n" in text
    assert "\n::: figure\n\n![Histogram of commute times" in text
    assert "\n::: warning A histogram is not a bar chart\n" in text and "\n::: takeaway Key takeaways\n" in text
    assert "\n> The greatest value of a picture" in text
    assert "\n- A **categorical variable** places each observation" in text


def test_the_lessons_read_back_as_the_blocks_they_were_built_from(built):
    root, content = built
    planned = plan_course(root / SPEC, Options(output=root / "tmp"))
    generated = {t.id: planned.provider.generate(t) for t in planned.tasks if t.kind == "lesson"}
    kinds = set()
    for task in (t for t in planned.tasks if t.kind == "lesson"):
        file = read_content_file(content / task.path, str(content / task.path))
        article = parse_content(task, file)
        assert article == generated[task.id]
        kinds |= {b.kind for b in article.blocks()}
    assert kinds == {"paragraph", "list", "table", "code", "math", "figure", "quote", "callout"}


def test_the_figure_in_lesson_md_resolves_to_the_svg(built):
    root, content = built
    svg = (root / "course_specs/sources/describing-data/figures/commute-times.svg").resolve()
    lesson = content / "m1-l1/lesson.md"
    text = lesson.read_text("utf-8")
    src = text.split("![", 1)[1].split("](", 1)[1].split(" ", 1)[0]
    assert (lesson.parent / src).resolve() == svg
    assert (content / "m1-l1/slides.md").read_text("utf-8").count(f"]({src} ") == 1  # the slide shows it too


def test_the_code_key_point_carries_its_code_and_the_sentence_before_it(built):
    _, content = built
    text = (content / "m1-l2/lesson.md").read_text("utf-8")
    section = text.split("## Python's built-in statistics module computes the mean, the median and the modes\n", 1)[1].split("\n## ", 1)[0]
    assert "so a short script checks the hand calculations above:[^" in section
    assert section.index("checks the hand calculations above:") < section.index("```python\nimport statistics")


def test_a_changed_figure_image_makes_the_content_stale(built):
    from conftest import run_cli

    root, _ = built
    assert run_cli("plan", root / SPEC, "--output", root / "tmp").stdout.rstrip().endswith("13 tasks: 13 current")
    svg = root / "course_specs/sources/describing-data/figures/commute-times.svg"
    svg.write_text(svg.read_text("utf-8").replace("#2b6cb0", "#c05621"), "utf-8")
    table = run_cli("plan", root / SPEC, "--output", root / "tmp").stdout
    # Only the lesson whose passages show the figure: its text, its slides, and its quiz (the figure is in its pool).
    assert table.rstrip().endswith("13 tasks: 10 current, 3 stale"), table
    assert [line.split()[0] for line in table.splitlines() if " stale " in line] == ["m1-l1/lesson", "m1-l1/quiz", "m1-l1/slides"]
