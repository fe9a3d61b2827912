"""Translations as reviewed content, from the user's side: what the spec says, the status of every
translation, what a hand edit to a lesson or to a translation does, --frozen and the offline build."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import CONTENT_ONLY
from translator import body, translate_all

SPEC = "course_specs/describing-data.yaml"
CONTENT = Path("output/describing-data/content")


def _add(project: Path, text: str) -> None:
    spec = project / SPEC
    spec.write_text(spec.read_text(encoding="utf-8") + text, encoding="utf-8")


def _statuses(cli) -> dict[str, str]:
    result = cli("plan", SPEC, "--json")
    assert result.exit_code == 0, result.stderr
    return {t["id"]: t["status"] for t in json.loads(result.stdout)["translations"]}


@pytest.fixture
def translated(project, cli):
    """The statistics course built offline with translations into French and Arabic, a glossary,
    and every translation written by a stand-in translator."""
    _add(project, "translations: [fr, ar]\nglossary:\n  - {term: median, fr: médiane, ar: الوسيط}\n")
    assert cli("build", SPEC, *CONTENT_ONLY).exit_code == 0
    translate_all(project / SPEC, project / "output")
    return project


def test_an_offline_build_says_what_translations_it_needs_and_how_to_get_them(project, cli):
    _add(project, "translations: [fr, ar]\n")
    result = cli("build", SPEC)
    assert result.exit_code == 0, result.stderr
    assert "describing-data: fr: 14 translations (14 new); translated 0, wrote 0 file(s)" in result.stdout
    assert (
        "warning: fr: 14 translation(s) needed (14 new), so fr is not rendered; the offline provider cannot translate: build with a model (--provider openai --model ...), "
        f"or have a translator do them: 'courseware translations export {SPEC} --to fr', then 'courseware translations import FILE'"
    ) in result.stderr
    assert not (project / "output/describing-data/dist/fr").exists()
    assert not (project / CONTENT / "fr").exists()  # nothing half-made
    statuses = _statuses(cli)
    assert len(statuses) == 28 and set(statuses.values()) == {"new"}
    assert list(statuses)[:3] == ["fr/facts", "fr/course/overview", "fr/m1-l1/lesson"]


def test_every_translation_is_current_until_its_source_changes(translated, cli):
    statuses = _statuses(cli)
    assert set(statuses.values()) == {"current"}
    lesson = translated / CONTENT / "m1-l1/lesson.md"
    lesson.write_text(lesson.read_text(encoding="utf-8").replace("A **frequency table** groups", "A **frequency table** sorts"), encoding="utf-8")
    stale = {task for task, state in _statuses(cli).items() if state != "current"}
    assert stale == {"fr/m1-l1/lesson", "ar/m1-l1/lesson"}  # exactly that lesson's translations
    assert _statuses(cli)["fr/m1-l1/lesson"] == "stale"


def test_a_glossary_term_stales_only_the_files_that_use_it(translated, cli):
    spec = translated / SPEC
    spec.write_text(spec.read_text(encoding="utf-8").replace("  - {term: median, fr: médiane, ar: الوسيط}", "  - {term: median, fr: valeur médiane, ar: الوسيط}"), encoding="utf-8")
    stale = {task for task, state in _statuses(cli).items() if state != "current"}
    assert stale and all(task.startswith("fr/") for task in stale)
    files = {"course/overview": translated / CONTENT / "course.md", **{f"{p.parent.name}/{p.stem}": p for p in (translated / CONTENT).glob("m*/*.md")}}
    uses = {task for task, path in files.items() if "median" in body(path).casefold()} | {"facts"}  # an objective names the median
    assert {task.removeprefix("fr/") for task in stale} == uses
    assert len(uses) < 14


def test_a_hand_edited_translation_is_kept_and_a_changed_source_makes_it_a_conflict(translated, cli):
    french = translated / CONTENT / "fr/m1-l1/quiz.md"
    french.write_text(french.read_text(encoding="utf-8").replace("Le texte de la leçon", "Le texte revu de la leçon", 1), encoding="utf-8")
    assert _statuses(cli)["fr/m1-l1/quiz"] == "edited"
    source = translated / CONTENT / "m1-l1/quiz.md"
    source.write_text(source.read_text(encoding="utf-8").replace("?", " ?", 1), encoding="utf-8")
    assert _statuses(cli)["fr/m1-l1/quiz"] == "conflict"
    before = french.read_bytes()
    result = cli("build", SPEC, *CONTENT_ONLY)
    assert result.exit_code == 1
    assert (
        f"{CONTENT}: conflict: fr/m1-l1/quiz was edited by hand and the file it translates changed since; kept it, and its language is not rendered. "
        f"Bring it up to date by hand and run 'courseware resolve {SPEC} fr/m1-l1/quiz', or rerun with --regenerate fr/m1-l1/quiz (or --force) to translate it again (your version is backed up)"
    ) in result.stderr
    assert french.read_bytes() == before
    result = cli("resolve", SPEC, "fr/m1-l1/quiz")
    assert result.exit_code == 0, result.stderr
    assert "fr/m1-l1/quiz: resolved (conflict -> edited)" in result.stdout
    assert _statuses(cli)["fr/m1-l1/quiz"] == "edited"
    assert "Le texte revu de la leçon" in french.read_text(encoding="utf-8")


def test_a_frozen_build_fails_on_a_stale_translation(translated, cli):
    lesson = translated / CONTENT / "m2-l1/slides.md"
    lesson.write_text(lesson.read_text(encoding="utf-8") + "\n", encoding="utf-8")  # one more blank line is an edit too
    result = cli("build", SPEC, "--frozen")
    assert result.exit_code == 1
    assert f"{SPEC}: frozen build, but 2 translation(s) are not current: fr: 1 stale (fr/m2-l1/slides); ar: 1 stale (ar/m2-l1/slides);" in result.stderr


def test_a_translation_keeps_the_structure_of_its_source(translated):
    english, french = (translated / CONTENT / "m1-l2/lesson.md").read_text(encoding="utf-8"), (translated / CONTENT / "fr/m1-l2/lesson.md").read_text(encoding="utf-8")
    assert "translation_of: m1-l2/lesson.md" in french and "source_sha256: " in french
    assert len(_verbatim(english)) >= 20 and _verbatim(english) == _verbatim(french)  # code, its output, math, citations
    assert "Le texte de la leçon" in french and "médiane" in french
    quiz_en, quiz_fr = ((translated / CONTENT / f"{lang}m1-l1/quiz.md").read_text(encoding="utf-8") for lang in ("", "fr/"))
    marks = lambda text: [line[:5] for line in text.split("\n") if line.startswith(("- [x]", "- [ ]"))]  # noqa: E731
    assert marks(quiz_en) and marks(quiz_en) == marks(quiz_fr)  # which option is right


def _verbatim(text: str) -> list[str]:
    """The lines of a content file that are not prose: fenced code and math, and the references."""
    kept, inside = [], False
    for line in text.split("\n"):
        fence = line.startswith("```") or line == "$$"
        if inside or fence or line.startswith("[^"):
            kept.append(line)
        if fence:
            inside = not inside
    return kept


@pytest.mark.parametrize(("addition", "message"), [
    ("translations: [fr, fr]\n", "translations[1]: 'fr' is listed twice; remove one"),
    ("translations: [en]\n", "translations[0]: 'en' is the course's own language (course.language); list only the languages it is translated into"),
    ("translations: [fr_FR]\n", "translations[0]: invalid language tag 'fr_FR'; BCP 47 uses '-', e.g. 'fr-FR'"),
    ("translations: [fr]\nglossary:\n  - {term: mean}\n", "glossary[0].term: the term 'mean' has no fr translation; add it (write the term itself to keep it as it is)"),
    ("translations: [fr]\nglossary:\n  - {term: mean, fr: moyenne, de: Mittelwert}\n", "glossary[0].de: 'de' is not a translation of this course; the course is translated into: fr"),
    ("glossary:\n  - {term: mean, fr: moyenne}\n", "glossary: a glossary gives translations of key terms, but the course has no translations; add translations: [fr, ...] or remove it"),
    ("translations: [fr]\nglossary: ../terms.csv\n", "glossary: file '../terms.csv' lies outside the spec's folder; move it under course_specs/"),
])
def test_a_bad_translations_or_glossary_entry_is_a_located_error(project, cli, addition, message):
    _add(project, addition)
    result = cli("validate", SPEC)
    assert result.exit_code == 1
    assert message in result.stderr
    assert result.stderr.startswith(f"{SPEC}:")


def test_a_glossary_file_is_read_and_its_errors_name_its_line(project, cli):
    (project / "course_specs/terms.csv").write_text("term,fr\nmean,moyenne\nmedian\n", encoding="utf-8")
    _add(project, "translations: [fr]\nglossary: terms.csv\n")
    result = cli("validate", SPEC)
    assert result.exit_code == 1
    assert result.stderr.strip() == "course_specs/terms.csv:3:1: this row has 1 cell(s) but the header has 2"
    (project / "course_specs/terms.csv").write_text("term,fr\nmean,moyenne\nmedian,médiane\n", encoding="utf-8")
    assert cli("validate", SPEC).exit_code == 0
    (project / "course_specs/terms.yaml").write_text("- {term: mean, fr: moyenne}\n- {term: Mean, fr: moyenne}\n", encoding="utf-8")
    spec = project / SPEC
    spec.write_text(spec.read_text(encoding="utf-8").replace("glossary: terms.csv", "glossary: terms.yaml"), encoding="utf-8")
    result = cli("validate", SPEC)
    assert result.stderr.strip() == "course_specs/terms.yaml:2:1: term: the term 'Mean' is already in the glossary (entry 1); keep one"


def test_a_translated_quiz_cannot_change_which_answer_is_right(translated, cli):
    french = translated / CONTENT / "fr/m1-l1/quiz.md"
    text = french.read_text(encoding="utf-8")
    right, wrong = text.index("- [x]"), text.index("- [ ]")
    swapped = text[:min(right, wrong)] + ("- [ ]" if right < wrong else "- [x]") + text[min(right, wrong) + 5 : max(right, wrong)] + ("- [x]" if right < wrong else "- [ ]") + text[max(right, wrong) + 5 :]
    french.write_text(swapped, encoding="utf-8")
    result = cli("render", SPEC)
    assert result.exit_code == 1
    assert result.stderr.strip().startswith(f"{CONTENT}/fr/m1-l1/quiz.md:")
    assert "question 1 has other options or another right answer than m1-l1/quiz.md; a translation keeps its source's questions and right answers (change them in m1-l1/quiz.md)" in result.stderr


def test_lint_finds_a_translation_without_its_glossary_term_or_in_the_wrong_language(translated, cli):
    assert cli("lint", SPEC).exit_code == 0
    french = translated / CONTENT / "fr/m1-l2/lesson.md"
    french.write_text(french.read_text(encoding="utf-8").replace("médiane", "valeur centrale"), encoding="utf-8")
    slides = translated / CONTENT / "ar/m2-l1/slides.md"
    arabic = slides.read_text(encoding="utf-8")
    first = next(line for line in arabic.split("\n") if line.startswith("- "))
    slides.write_text(arabic.replace(first, "- The median is the middle value of the data when the observations are sorted from the smallest to the largest one", 1), encoding="utf-8")
    result = cli("lint", SPEC)
    assert result.exit_code == 1
    assert f"{CONTENT}/fr/m1-l2/lesson.md:" in result.stderr
    assert "the glossary translates 'median' as 'médiane', which this translation of m1-l2/lesson.md never uses" in result.stderr
    assert f"{CONTENT}/ar/m2-l1/slides.md:" in result.stderr and "is written in English, not in Arabic (this translation's language)" in result.stderr
