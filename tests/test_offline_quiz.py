"""Offline quizzes worth keeping: key terms that are terms, stems that are narrative statements,
wrong answers and false statements of the answer's kind, nothing asked twice, and a build that
says when it made fewer questions than asked."""

from __future__ import annotations

import random
import re
from pathlib import Path

import pytest

import role_sources
from conftest import SPECS
from courseware.build import Options, plan_course
from courseware.content.model import BLANK
from courseware.generate.offline.distractors import article_for, distractors, swapped
from courseware.generate.offline.stems import stem_problem
from courseware.generate.offline.terms import Term, key_terms
from courseware.grounding.sources import read_sources
from courseware.lint_items import filled

QUOTED = re.compile(r"[“«]\s?(.*?)\s?[”»]")


@pytest.fixture
def shell(tmp_path, monkeypatch) -> Path:
    role_sources.install(monkeypatch)
    monkeypatch.chdir(tmp_path)
    return role_sources.write(tmp_path)


def test_key_terms_leave_out_stop_words_letters_numbers_labels_and_fragments(shell):
    passages = [p for doc in read_sources(["sources/shell.lesson"], shell.parent) for p in doc.passages()]
    found = [t.text for t in key_terms(passages, "en")]
    # The bold terms first, then (too few of them) the source's most frequent words.
    assert found[:6] == ["shell", "working directory", "home directory", "absolute path", "relative path", "path"]
    assert not {"and", "e", "tion", "3", "Note:", "Note"} & set(found)


@pytest.mark.parametrize("sentence, problem", [
    ("A histogram shows the distribution of a numerical variable.", None),
    ("`pwd` prints the working directory of the shell.", None),
    ("التعلم المدمج يجمع بين التدريس وجها لوجه والتعلم عبر الإنترنت.", None),
    ("Which command shows the working directory of the shell?", "is a question"),
    ("Three things matter most in a path of the shell:", "ends in ':'"),
    ("Run the command ls to list the files in the folder.", "is an instruction"),
    ("Cliquez sur le bouton pour ouvrir le quiz du cours.", "is an instruction"),
    ("3 is the correct answer to the first question here.", "does not start with a capital"),
    ("The answer is B, because pwd prints the working directory.", "talks about answers"),
    ("the median is resistant to outliers in the data.", "does not start with a capital"),
    ("The median is resistant to outliers in the data", "does not end with a full stop"),
    ("The median is resistant.", "is not 6 to 45 words long"),
    ("This is why the median is resistant to outliers.", "leans on the sentence before it"),
])
def test_a_stem_is_a_complete_statement_of_the_narrative(sentence, problem):
    language = "fr" if sentence.startswith("Cliquez") else "ar" if sentence[0] == "ا" else "en"
    assert stem_problem(sentence, language) == problem


def test_a_false_statement_swaps_a_term_of_the_same_kind_and_mends_the_article():
    rubric, analytic = Term("rubric"), Term("analytic rubric")
    assert swapped("A rubric lists the criteria for a task.", rubric, "analytic rubric", "en") == "An analytic rubric lists the criteria for a task."
    assert swapped("Each task has a rubric with four levels.", rubric, "holistic rubric", "en") == "Each task has a holistic rubric with four levels."
    assert (article_for("hour"), article_for("university"), article_for("FAQ"), article_for("LMS"), article_for("model")) == ("an", "a", "an", "an", "a")
    terms = [Term("holistic rubric"), Term("analytic rubric"), Term("peer feedback"), Term("question bank"), Term("rubrics"),
             Term("Moodle", proper=True), Term("`pwd`"), Term("80 percent"), Term("60 percent"), Term("800 percent"), Term("exam")]
    # "a ____" before a multiword singular common term: only "a"-terms of that kind.
    wrong = distractors(Term("rotation model"), "In a rotation model, students move between modes.", terms, "en", random.Random(1), 3)
    assert sorted(wrong) == ["holistic rubric", "peer feedback", "question bank"]
    assert distractors(analytic, "An analytic rubric scores each criterion.", terms, "en", random.Random(1), 3) == []
    assert distractors(Term("`ls`"), "The command `ls` lists files.", terms, "en", random.Random(1), 3) == ["`pwd`"]
    assert distractors(Term("90 percent"), "About 90 percent pass.", terms, "en", random.Random(1), 3) in (["80 percent", "60 percent"], ["60 percent", "80 percent"])
    assert distractors(Term("Canvas", proper=True), "Canvas runs quizzes online.", terms, "en", random.Random(1), 3) == ["Moodle"]
    assert distractors(Term("portfolios"), "Students keep portfolios online.", terms, "en", random.Random(1), 3) == ["rubrics"]


def test_french_distractors_agree_with_elision_and_gender():
    terms = [Term("amorce", gender="f"), Term("distracteur", gender="m"), Term("autoévaluation", gender="f"), Term("rétroaction", gender="f")]
    assert distractors(Term("amorce", gender="f"), "L’amorce pose le problème à résoudre.", terms, "fr", random.Random(1), 3) == ["autoévaluation"]
    assert distractors(Term("rétroaction", gender="f"), "La rétroaction désigne l’information donnée.", terms, "fr", random.Random(1), 3) == []
    assert distractors(Term("clé", gender="m"), "Le clé est une option correcte.", terms, "fr", random.Random(1), 3) == ["distracteur"]


def test_a_lesson_with_too_few_terms_says_so_and_never_asks_about_an_exercise_a_solution_or_an_image(cli, shell):
    result = cli("build", shell, "--output", "out")
    assert result.exit_code == 0, result.stderr
    assert result.stderr == "warning: m1-l1/quiz: 6 of 8 questions made; the sources near this lesson have too few key terms: **bold** more terms in them\n"
    quiz = Path("out/shell-basics/content/m1-l1/quiz.md").read_text("utf-8")
    assert quiz.count("## Q") == 6
    for word in ("pwd", "answer is", "prompt and waits", "Which command", "Run the command", "Three things"):
        assert word not in quiz
    answers = re.findall(r"^- \[x\] (.*)$", quiz, re.MULTILINE)
    assert not {"and", "e", "tion", "3", "Note:"} & set(answers)
    lint = cli("lint", shell, "--output", "out")
    assert lint.exit_code == 1
    assert lint.stderr == "out/shell-basics/content/m1-l1/quiz.md:8:1: the quiz has 6 questions, the lesson asks for 8 (quiz.questions); add 2, or lower quiz.questions in the spec\n"


def test_no_sentence_is_asked_twice_in_a_course_and_the_sample_quizzes_are_full(tmp_path):
    for spec in sorted(SPECS.glob("*.yaml")):
        planned = plan_course(spec, Options(output=tmp_path))
        quizzes = [(t, planned.provider.generate(t)) for t in planned.tasks if t.kind == "quiz"]
        asked = [filled(item) for _, quiz in quizzes for item in quiz.items]
        quoted = [QUOTED.search(item.feedback).group(1) for _, quiz in quizzes for item in quiz.items]
        assert len(set(asked)) == len(asked) and len(set(quoted)) == len(quoted), spec.name
        assert all(len(quiz.items) == t.inputs["quiz"]["questions"] for t, quiz in quizzes)
        assert planned.provider.notes() == []
        for _, quiz in quizzes:
            for item in quiz.items:
                assert stem_problem(QUOTED.search(item.feedback).group(1), planned.loaded.spec.course.language) is None
                if item.kind != "true_false":
                    assert BLANK in item.prompt


def test_which_lesson_asks_about_a_sentence_needs_only_the_spec_and_the_sources(tmp_path):
    """Generating one quiz alone gives the same items as generating the whole course."""
    spec = SPECS / "blended-teaching.yaml"
    whole = plan_course(spec, Options(output=tmp_path))
    every = {t.id: whole.provider.generate(t) for t in whole.tasks if t.kind == "quiz"}
    alone = plan_course(spec, Options(output=tmp_path))
    task = next(t for t in alone.tasks if t.id == "m2-l3/quiz")
    assert alone.provider.generate(task) == every["m2-l3/quiz"]


def test_a_bold_description_stands_in_for_no_noun_and_distractors_come_from_the_same_source_first():
    from courseware.content.blocks import Paragraph
    from courseware.grounding.sources import Passage

    said = {
        "a.md": "A statistic that extreme values barely move is called **resistant**. The **median** splits the data. The **mean** adds the values.",
        "b.md": "The **syllabus** lists the weeks. A **rubric** lists criteria.",
    }
    passages = [Passage(source, "S", text, Paragraph(text=text)) for source, text in said.items()]
    terms = key_terms(passages, "en")
    resistant = next(t for t in terms if t.text == "resistant")
    assert resistant.adjective and resistant.kind("en") == ("adjective", False, False)
    assert [t.source for t in terms if t.text in ("median", "rubric")] == ["a.md", "b.md"]
    sentence = "The histogram shows the distribution of the data well."
    assert distractors(Term("histogram"), sentence, terms, "en", random.Random(3), 2, "a.md") in (["median", "mean"], ["mean", "median"])
    assert swapped(sentence, Term("histogram"), "median", "en") == "The median shows the distribution of the data well."


def test_french_gender_shows_through_an_adjective_and_past_an_elision():
    terms = [Term("amorce", gender="f"), Term("option", gender="f"), Term("accès mobile", gender="m"), Term("activité test", gender="f"), Term("quiz léger", gender="m"), Term("banque de questions", gender="f")]
    assert distractors(Term("distracteur", gender="m"), "Lorsqu’un étudiant choisit un tel distracteur, il se trompe.", terms, "fr", random.Random(1), 3) == []
    assert distractors(Term("activité test", gender="f"), "Parmi ses activités, l’activité test, appelée quiz, corrige seule.", terms, "fr", random.Random(1), 3) == []
    assert sorted(distractors(Term("évaluation", gender="f"), "Sans rétroaction, l’évaluation perd son intérêt.", terms, "fr", random.Random(1), 3)) == ["amorce", "option"]


def test_a_plural_is_told_by_its_head_noun():
    assert Term("peer reviews").kind("en")[1] and not Term("review process").kind("en")[1]
    assert Term("options de relecture").kind("fr")[1] and not Term("banque de questions").kind("fr")[1]
