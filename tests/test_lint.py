"""Questions at the level each objective asks: `courseware lint` over committed quizzes, hand edits
included, and the quiz prompt a model gets."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

import role_sources
from conftest import REPO, SAMPLE, SPECS
from courseware.content.model import BLANK
from fake_openai import FakeOpenAI

SPEC = f"course_specs/{SAMPLE}.yaml"
CONTENT = Path("output") / SAMPLE / "content"
LOOKS_SAME = "(case, punctuation, invisible characters and look-alike letters aside); make the options differ"


@pytest.fixture
def committed(project) -> Path:
    """The project with the repository's committed content of both sample courses."""
    for course in ("blended-teaching", "evaluation-formative"):
        shutil.copytree(REPO / "output" / course / "content", Path("output") / course / "content")
    return project


def lines_of(lesson: str) -> list[str]:
    return (CONTENT / lesson / "quiz.md").read_text("utf-8").splitlines()


def save(lesson: str, lines: list[str]) -> None:
    (CONTENT / lesson / "quiz.md").write_text("\n".join(lines) + "\n", "utf-8")


def question(lines: list[str], number: int) -> tuple[int, list[int]]:
    """The index of question `number`'s heading and the indexes of its option lines."""
    heading = next(i for i, line in enumerate(lines) if line.startswith(f"## Q{number} · "))
    end = next((i for i in range(heading + 1, len(lines)) if lines[i].startswith("## Q")), len(lines))
    return heading, [i for i in range(heading, end) if lines[i].startswith("- [")]


def first_multiple_choice(lines: list[str]) -> tuple[int, list[int]]:
    number = next(int(line[4:].split(" ")[0]) for line in lines if line.startswith("## Q") and "· multiple-choice ·" in line)
    return question(lines, number)


def key_of(lines: list[str], options: list[int]) -> int:
    return next(i for i in options if lines[i].startswith("- [x]"))


def at(lesson: str, index: int) -> str:
    return f"{CONTENT / lesson / 'quiz.md'}:{index + 1}:1: "


# --------------------------------------------------------------------------- the sample courses


def test_sample_courses_lint_clean_and_report_levels(cli):
    result = cli("lint", SPECS, "--output", REPO / "output")
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""
    lines = result.stdout.splitlines()
    assert "blended-teaching/m1-l1: 5 items: understand 5" in lines
    assert "blended-teaching/m2-l3: 5 items: analyze 5" in lines
    assert "evaluation-formative/m1-l2: 4 items: apply 4" in lines
    # Lessons with two objectives: both are assessed, each at its own level.
    two = [line for line in lines if line.startswith(("blended-teaching/m1-l3: ", "blended-teaching/m3-l2: "))]
    assert len(two) == 2 and all(", " in line for line in two), two
    assert {"evaluate", "create"} <= set(two[0].replace(",", "").split()) and {"apply", "evaluate"} <= set(two[1].replace(",", "").split())
    summaries = [line for line in lines if "quizzes" in line]
    assert summaries == ["blended-teaching: 8 quizzes, 40 items: no findings", "describing-data: 4 quizzes, 19 items: no findings", "evaluation-formative: 3 quizzes, 12 items: no findings"]
    assert lines[-1] == summaries[-1]
    assert len(lines) == 8 + 1 + 4 + 1 + 3 + 1


# --------------------------------------------------------------------------- hand edits, one defect each


def test_two_right_answers(cli, committed):
    lines = lines_of("m2-l2")
    heading, options = first_multiple_choice(lines)
    wrong = next(i for i in options if lines[i].startswith("- [ ]"))
    lines[wrong] = lines[wrong].replace("- [ ]", "- [x]", 1)
    save("m2-l2", lines)
    result = cli("lint", SPEC)
    assert result.exit_code == 1
    assert result.stderr == at("m2-l2", heading) + "exactly one option must be marked [x], found 2\n"
    assert result.stdout.splitlines()[-1] == "blended-teaching: 7 quizzes, 35 items: 1 finding"


def test_same_options_and_look_alike_options(cli, committed):
    lines = lines_of("m1-l1")
    heading, options = first_multiple_choice(lines)
    key = key_of(lines, options)
    answer = lines[key][len("- [x] "):]
    twin = next(i for i in options if i != key)
    # The same letters but a Cyrillic "е" and a zero-width space: a learner reads two equal options.
    look_alike = answer.replace("e", "\u0435", 1) + "\u200b"
    lines[twin] = f"- [ ] {look_alike}"
    save("m1-l1", lines)
    result = cli("lint", SPEC)
    assert result.exit_code == 1
    first, second = sorted([key, twin])
    texts = {key: answer, twin: look_alike}
    assert result.stderr == at("m1-l1", second) + f"option {texts[second]!r} reads the same as {texts[first]!r} on line {first + 1} {LOOKS_SAME}\n"
    # Text that differs only in case is refused when the file is read, as a build would.
    lines[twin] = f"- [ ] {answer.upper()}"
    save("m1-l1", lines)
    result = cli("lint", SPEC)
    assert (result.exit_code, result.stderr) == (1, at("m1-l1", heading) + "options must be distinct\n")


def test_code_and_formulas_in_options_are_compared_as_written(cli, committed):
    lines = lines_of("m1-l1")
    _, options = first_multiple_choice(lines)
    # Punctuation is what tells these apart: to the prose rule they would all read "x 2".
    texts = ["$x^2$", "$x_2$", "`x-2`", "`x+2`", "$x!2$"][: len(options)]
    for i, text in zip(options, texts):
        lines[i] = lines[i][: len("- [ ] ")] + text
    save("m1-l1", lines)
    result = cli("lint", SPEC)
    assert (result.exit_code, result.stderr) == (0, "")
    # The same code but for a Cyrillic "а" and a zero-width space reads the same to a learner.
    first, second = options[:2]
    lines[first] = lines[first][: len("- [ ] ")] + "`ls -a`"
    look_alike = "`ls -\u0430\u200b`"
    lines[second] = lines[second][: len("- [ ] ")] + look_alike
    save("m1-l1", lines)
    result = cli("lint", SPEC)
    assert result.exit_code == 1
    assert result.stderr == at("m1-l1", second) + f"option {look_alike!r} reads the same as '`ls -a`' on line {first + 1} {LOOKS_SAME}\n"


def test_all_of_the_above(cli, committed):
    lines = lines_of("m2-l1")
    _, options = first_multiple_choice(lines)
    wrong = next(i for i in options if lines[i].startswith("- [ ]"))
    lines[wrong] = "- [ ] All of the above"
    save("m2-l1", lines)
    result = cli("lint", SPEC)
    assert result.exit_code == 1
    assert result.stderr == at("m2-l1", wrong) + "option 'All of the above' is an 'all/none of the above' option, which tests test-taking, not the objective; replace it with a plausible wrong answer\n"


def test_right_answer_the_one_longest(cli, committed):
    lines = lines_of("m3-l1")
    _, options = first_multiple_choice(lines)
    key = key_of(lines, options)
    lines[key] += ", as the source passage explains it in detail"
    save("m3-l1", lines)
    result = cli("lint", SPEC)
    assert result.exit_code == 1
    assert result.stderr == at("m3-l1", key) + "the right answer is the one longest option, which gives it away; make a wrong answer as long, or the right one shorter\n"


def test_a_slide_bullet_over_fifteen_words_is_a_finding_at_its_line(cli, committed):
    """The deck shows the reviewed outline as written; lint says which bullet to shorten."""
    path = CONTENT / "m1-l1" / "slides.md"
    lines = path.read_text("utf-8").splitlines()
    index = next(i for i, line in enumerate(lines) if line.startswith("- "))
    lines[index] = "- " + " ".join(["word"] * 16)
    in_notes = next(i for i in range(index, len(lines)) if lines[i].startswith("::: notes")) + 1
    lines[in_notes] = " ".join(["notes"] * 40) + " " + lines[in_notes]  # the notes are for whole sentences
    path.write_text("\n".join(lines) + "\n", "utf-8")
    result = cli("lint", SPEC)
    assert result.exit_code == 1
    assert result.stderr == f"{path}:{index + 1}:1: a bullet of 16 words; keep at most 15 on the slide (its key clause) and the whole sentence in the '::: notes'\n"
    assert result.stdout.splitlines()[-1] == "blended-teaching: 8 quizzes, 40 items: 1 finding"


def test_an_objective_no_question_assesses(cli, committed):
    lines = [line.replace(" · LO2", " · LO3") if line.startswith("## Q") else line for line in lines_of("m1-l3")]
    save("m1-l3", lines)
    title = lines.index(next(line for line in lines if line.startswith("# ")))
    result = cli("lint", SPEC)
    assert result.exit_code == 1
    assert result.stderr == at("m1-l3", title) + "objective LO2 (create) is assessed by no question; add one, or set a question's objective to LO2\n"
    assert "blended-teaching/m1-l3: 5 items: evaluate 5" in result.stdout.splitlines()


def test_a_question_on_another_lessons_objective(cli, committed):
    lines = lines_of("m1-l1")
    heading, _ = question(lines, 2)
    lines[heading] = lines[heading].replace(" · LO1", " · LO9")
    save("m1-l1", lines)
    result = cli("lint", SPEC)
    assert result.exit_code == 1
    assert result.stderr == at("m1-l1", heading) + "objective 'LO9' is not one of this lesson's objectives (LO1); use one of them\n"
    assert "blended-teaching/m1-l1: 5 items: understand 4, evaluate 1" in result.stdout.splitlines()


def test_right_answers_skewed_over_the_course(cli, committed):
    """Every multiple-choice key moved to the first option: each quiz alone looks fine, the course does not."""
    first_key = None
    for lesson in sorted(p.name for p in CONTENT.iterdir() if p.is_dir()):
        lines = lines_of(lesson)
        for number in range(1, 6):
            heading, options = question(lines, number)
            if "· multiple-choice ·" not in lines[heading]:
                continue
            key = key_of(lines, options)
            lines[options[0]], lines[key] = lines[key], lines[options[0]]
            first_key = first_key or (lesson, options[0])
        save(lesson, lines)
    result = cli("lint", SPEC)
    assert result.exit_code == 1
    assert result.stderr == at(*first_key) + (
        "right answers over the course's 16 multiple-choice questions with 4 options sit unevenly: "
        "A 16 (100%, 75 points over), B 0 (0%, 25 points under), C 0 (0%, 25 points under), D 0 (0%, 25 points under); "
        "each position should hold 25% ± 10 points; move right answers from A to B, C, D, for instance this one\n"
    )


def test_a_few_questions_need_only_come_as_close_as_they_can(committed):
    """Three questions with four options cannot come within 10 points of 25% at every position:
    three different positions pass, two keys at one position do not."""
    from dataclasses import replace

    from courseware.lint import check, read_quizzes
    from courseware.spec.load import load_spec

    spec = load_spec(Path(SPEC)).spec
    quizzes, unreadable = read_quizzes(spec, CONTENT)
    assert unreadable == []
    first, second = (q for q in quizzes if q.lesson.id in ("m1-l1", "m1-l2"))
    asks_three = second.lesson.model_copy(update={"quiz": second.lesson.quiz.model_copy(update={"questions": 3})})  # not short of questions
    second = replace(second, lesson=asks_three, quiz=second.quiz.model_copy(update={"items": second.quiz.items[:3]}), lines=replace(second.lines, questions=second.lines.questions[:3]))
    keyed = [(q, n) for q in (first, second) for n, item in enumerate(q.quiz.items) if item.kind == "multiple_choice"]
    positions = [[o.correct for o in q.quiz.items[n].options].index(True) for q, n in keyed]
    assert len(keyed) == 3 and len(set(positions)) == 3
    assert check(spec, [first, second]).findings == []
    # The last key moved to the first one's position: 2 of 3 at one position, 67%.
    q, n = keyed[-1]
    item = q.quiz.items[n]
    options = [o for o in item.options if not o.correct]
    options.insert(positions[0], item.answer)
    items = list(q.quiz.items)
    items[n] = item.model_copy(update={"options": options})
    moved = replace(q, quiz=q.quiz.model_copy(update={"items": items}))
    findings = [p.message for p in check(spec, [first, moved]).findings]
    assert len(findings) == 1 and findings[0].startswith("right answers over the course's 3 multiple-choice questions with 4 options sit unevenly: ")
    assert "(67%, 42 points over)" in findings[0]


def test_missing_and_unreadable_quizzes_are_findings(cli, committed):
    (CONTENT / "m1-l2" / "quiz.md").unlink()
    (CONTENT / "m2-l1" / "quiz.md").write_bytes(b"\xff\xfe not utf-8")
    result = cli("lint", SPEC)
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"{CONTENT / 'm1-l2' / 'quiz.md'}:1:1: no quiz for lesson m1-l2; run 'courseware build' first",
        f"{CONTENT / 'm2-l1' / 'quiz.md'}:1:1: not valid UTF-8 (at byte 0); save the file as UTF-8",
    ]


def test_an_invalid_spec_is_reported_like_validate(cli, project):
    Path("course_specs/broken.yaml").write_text("course: [\n", "utf-8")
    result = cli("lint", "course_specs/broken.yaml")
    assert result.exit_code == 1 and result.stderr.startswith("course_specs/broken.yaml:")
    assert result.stdout == ""


# --------------------------------------------------------------------------- what items ask about


@pytest.fixture
def built(cli, project) -> Path:
    """The project with the sample course built offline by this version."""
    assert cli("build", SPEC, "--formats", "markdown").exit_code == 0
    return project


def kind_question(lines: list[str], kind: str) -> tuple[int, int, list[int]]:
    """The first question of `kind`: its heading's index, its prompt's, its options'."""
    number = next(int(line[4:].split(" ")[0]) for line in lines if line.startswith("## Q") and f"· {kind} ·" in line)
    heading, options = question(lines, number)
    return heading, heading + 2, options


def test_a_blank_that_is_a_stop_word_a_single_letter_or_a_fragment_of_a_word(cli, built):
    lines = lines_of("m1-l1")
    _, prompt, (answer,) = kind_question(lines, "cloze")
    for text, reason in (("and", "a stop word"), ("e", "a single letter")):
        lines[answer] = f"- [x] {text}"
        save("m1-l1", lines)
        result = cli("lint", SPEC)
        assert (result.exit_code, result.stderr) == (1, at("m1-l1", answer) + f"the blank's answer {text!r} is {reason}, not a key term; ask about a term the lesson teaches\n")
    lines[prompt] = lines[prompt].replace(BLANK, "func" + BLANK)
    lines[answer] = "- [x] tion"
    save("m1-l1", lines)
    result = cli("lint", SPEC)
    assert result.stderr == at("m1-l1", answer) + "the blank stands inside a word ('func____'), so the blank's answer 'tion' is a fragment of a word; blank the whole word\n"
    assert result.stdout.splitlines()[-1] == "blended-teaching: 8 quizzes, 40 items: 1 finding"


def test_a_statement_that_ends_in_a_colon_or_a_question_mark(cli, built):
    lines = lines_of("m1-l1")
    heading, prompt, _ = kind_question(lines, "true-false")
    statement = lines[prompt]
    lines[prompt] = statement[:-1] + ":"
    save("m1-l1", lines)
    result = cli("lint", SPEC)
    assert (result.exit_code, result.stderr) == (1, at("m1-l1", heading) + "the statement ends in ':' (it announces something the item does not show); ask about a complete sentence\n")
    lines[prompt] = statement[:-1] + "?"
    save("m1-l1", lines)
    assert cli("lint", SPEC).stderr == at("m1-l1", heading) + "the statement ends in '?': a true/false item needs a statement, not a question; write it as a statement\n"


def test_an_item_asked_twice_in_the_course(cli, built):
    first, second = lines_of("m1-l1"), lines_of("m1-l2")
    heading_1, prompt_1, (answer_1,) = kind_question(first, "cloze")
    heading_2, prompt_2, (answer_2,) = kind_question(second, "cloze")
    second[prompt_2], second[answer_2] = first[prompt_1], first[answer_1]
    save("m1-l2", second)
    result = cli("lint", SPEC)
    assert (result.exit_code, result.stderr) == (1, at("m1-l2", heading_2) + f"asks about the same sentence as Q{first[heading_1][4]} in {CONTENT / 'm1-l1' / 'quiz.md'}:{heading_1 + 1}; ask about something else\n")


def test_a_quiz_with_fewer_questions_than_the_lesson_asks_for(cli, built):
    lines = lines_of("m1-l1")
    last, _ = question(lines, 5)
    save("m1-l1", lines[:last])
    result = cli("lint", SPEC)
    title = lines.index(next(line for line in lines if line.startswith("# ")))
    assert (result.exit_code, result.stderr) == (1, at("m1-l1", title) + "the quiz has 4 questions, the lesson asks for 5 (quiz.questions); add 1, or lower quiz.questions in the spec\n")


def test_a_statement_from_an_exercise_a_solution_or_an_image(cli, project, monkeypatch):
    role_sources.install(monkeypatch)
    spec = role_sources.write(project)
    assert cli("build", spec, "--output", "out").exit_code == 0
    file = Path("out/shell-basics/content/m1-l1/quiz.md")
    lines = file.read_text("utf-8").splitlines()
    source = role_sources.SOURCE.splitlines()
    line_of = lambda start: 1 + next(n for n, line in enumerate(source) if line.startswith(start))  # noqa: E731
    questions = [n for n, line in enumerate(lines) if line.startswith("## Q")]
    true_false = [n for n in questions if "· true-false ·" in lines[n]]
    cloze = next(n for n in questions if "· cloze ·" in lines[n])
    lines[true_false[0] + 2] = "True or false? The answer is B, because pwd prints the working directory of the shell."
    lines[true_false[1] + 2] = "True or false? The shell shows a prompt and waits for the next command to be typed by the user."
    lines[cloze + 2] = "Fill in the blank: Which command shows the ____ of the shell?"
    file.write_text("\n".join(lines) + "\n", "utf-8")
    result = cli("lint", spec, "--output", "out")
    at_line = lambda n: f"{file}:{n + 1}:1: "  # noqa: E731
    expected = {
        true_false[0]: f"the statement is a solution in sources/shell.lesson:{line_of('The answer is B')}, not the narrative; ask about a sentence of the lesson's text",
        true_false[1]: f"the statement is an image's alt text in sources/shell.lesson:{line_of('![The shell')}, not the narrative; ask about a sentence of the lesson's text",
        cloze: "the statement ends in '?': a cloze item needs a statement, not a question; write it as a statement\n"
        + at_line(cloze) + f"the statement is an exercise in sources/shell.lesson:{line_of('Which command')}, not the narrative; ask about a sentence of the lesson's text",
    }
    shortfall = at_line(lines.index("# Files, folders and paths")) + "the quiz has 6 questions, the lesson asks for 8 (quiz.questions); add 2, or lower quiz.questions in the spec\n"
    assert result.stderr == shortfall + "".join(at_line(n) + expected[n] + "\n" for n in sorted(expected))


# --------------------------------------------------------------------------- the quiz prompt


@pytest.fixture
def server(monkeypatch):
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test-key")
    monkeypatch.setenv("COURSEWARE_RETRY_BASE", "0.01")
    for name in ("OPENAI_BASE_URL", "COURSEWARE_MODEL", "COURSEWARE_BASE_URL", "COURSEWARE_PROVIDER"):
        monkeypatch.delenv(name, raising=False)
    with FakeOpenAI() as fake:
        yield fake


def build(cli, server):
    return cli("build", SPEC, "--provider", "openai", "--model", "fake-model", "--base-url", server.base_url, "--jobs", "1", "--formats", "markdown")


def quiz_prompt(server, lesson: str) -> str:
    asked = [r["messages"][1]["content"] for r in server.requests if r["response_format"]["json_schema"]["name"] == "quiz"]
    return next(text for text in asked if text.startswith(f"Lesson {lesson}:"))


def test_quiz_prompt_names_each_objectives_level_and_how_to_ask_at_it(cli, project, server):
    assert build(cli, server).exit_code == 0
    two = quiz_prompt(server, "m1-l3")
    assert "- LO3 (evaluate): Justify the choice of synchronous or asynchronous activities for a given group of students.\n" in two
    assert "- LO2 (create): Design a blended lesson whose intended learning outcomes, activities and assessment are constructively aligned.\n" in two
    assert "every objective gets at least one question" in two
    assert "- evaluate: start with a decision or a worked case that holds one error; the learner judges it by the passages' criteria, or finds the error.\n" in two
    assert "- create: start with a design goal; the learner picks the plan or change that best meets it, or finds the flaw in a proposed design.\n" in two
    assert 'A scenario or case is one or two sentences at the start of "prompt".' in two
    assert "- understand:" not in two and "- apply:" not in two  # only the lesson's own levels: short prompts for small models
    one = quiz_prompt(server, "m1-l1")
    assert "- LO1 (understand): " in one
    assert "- understand: the learner explains an idea, picks an example of it, or tells two ideas apart.\n" in one
    assert "scenario" not in one and "every objective gets" not in one
    assert "- apply: start with a short scenario (a class, a lecturer, a task); " in quiz_prompt(server, "m2-l1")


def test_a_course_a_model_wrote_lints_clean(cli, project, server):
    """Code places the model's right answers, so the course's positions come out even."""
    assert build(cli, server).exit_code == 0
    result = cli("lint", SPEC)
    assert (result.exit_code, result.stderr) == (0, "")
    assert result.stdout.splitlines()[-1] == "blended-teaching: 8 quizzes, 40 items: no findings"


def test_a_quiz_leaving_an_objective_out_is_re_asked(cli, project, server):
    def one_objective(body: dict, content: str) -> str:
        first_quiz_ask = body["response_format"]["json_schema"]["name"] == "quiz" and len(body["messages"]) == 2
        if not first_quiz_ask or not body["messages"][1]["content"].startswith("Lesson m1-l3:"):
            return content
        answer = json.loads(content)
        for item in answer["items"]:
            item["objective"] = "LO3"
        return json.dumps(answer)

    server.answer = one_objective
    result = build(cli, server)
    assert result.exit_code == 0, result.stderr
    assert "re-asks 1," in result.stdout
    re_ask = next(r for r in server.requests if len(r["messages"]) > 2)
    assert "objective(s) LO2 have no question; give every objective at least one" in re_ask["messages"][-1]["content"]
    assert "· LO2" in (CONTENT / "m1-l3" / "quiz.md").read_text("utf-8")
