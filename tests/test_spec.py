"""Valid specs: the samples, defaults, language tags and direction."""

from __future__ import annotations

from pathlib import Path

import pytest

from courseware.spec import load_spec
from courseware.spec.language import check_language_tag, direction

from conftest import SPECS


def test_sample_specs_validate_with_a_one_line_summary(cli, monkeypatch):
    monkeypatch.chdir(SPECS.parent)
    result = cli("validate", "course_specs/")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines() == [
        "course_specs/blended-teaching.yaml: valid: 'Foundations of Blended Teaching' (en), 9 objectives, 3 modules, 8 lessons, 5 sources",
        "course_specs/describing-data.yaml: valid: 'Describing Data: A First Course in Statistics' (en), 5 objectives, 2 modules, 4 lessons, 3 sources",
        "course_specs/evaluation-formative.yaml: valid: 'Évaluation formative en ligne' (fr), 3 objectives, 2 modules, 3 lessons, 3 sources",
    ]


def test_sample_course_is_big_enough():
    spec = load_spec(SPECS / "blended-teaching.yaml").spec
    assert len(spec.modules) >= 3 and len(spec.lessons()) >= 8 and len(spec.objectives) >= 6
    words = sum(len((SPECS / s).read_text("utf-8").split()) for s in spec.sources)
    assert words >= 4000


def test_defaults_fill_quiz_and_slide_settings(tmp_path):
    (tmp_path / "notes.md").write_text("# Notes\n\nSome text.\n")
    (tmp_path / "c.yaml").write_text(
        "course: {id: c, title: C, language: sw-KE, audience: a}\n"
        "objectives: [{id: O1, text: Explain}]\n"
        "modules: [{id: m, title: M, lessons: [{id: l, title: L, objectives: [O1], key_points: [k]}]}]\n"
        "sources: [notes.md]\n"
    )
    spec = load_spec(tmp_path / "c.yaml").spec
    lesson = spec.lessons()[0]
    assert (lesson.quiz.questions, lesson.quiz.kinds, lesson.quiz.pass_score) == (5, ["multiple_choice", "true_false", "cloze"], 0.8)
    assert (lesson.slides.max, lesson.duration, spec.llm.provider, spec.outputs) == (8, 45, "offline", ["markdown"])


@pytest.mark.parametrize("tag", ["en", "fr-SN", "ar", "sw-KE", "zh-Hant-TW", "pt-BR"])
def test_valid_language_tags(tag):
    assert check_language_tag(tag) == tag


@pytest.mark.parametrize("tag", ["english", "fr_FR", "", "en--US", "123"])
def test_invalid_language_tags(tag):
    with pytest.raises(ValueError):
        check_language_tag(tag)


@pytest.mark.parametrize(("tag", "expected"), [("ar", "rtl"), ("ar-EG", "rtl"), ("he", "rtl"), ("fa-IR", "rtl"), ("ur", "rtl"), ("en", "ltr"), ("fr", "ltr"), ("sw", "ltr"), ("az-Arab", "rtl"), ("ar-Latn", "ltr")])
def test_direction(tag, expected):
    assert direction(tag) == expected


def test_spec_file_with_bom_and_crlf_is_read(tmp_path: Path):
    (tmp_path / "notes.md").write_text("# Notes\n\nSome text.\n")
    text = (
        "course: {id: c, title: C, language: en, audience: a}\r\n"
        "objectives: [{id: O1, text: Explain}]\r\n"
        "modules: [{id: m, title: M, lessons: [{id: l, title: L, objectives: [O1], key_points: [k]}]}]\r\n"
        "sources: [notes.md]\r\n"
    )
    (tmp_path / "c.yaml").write_bytes(b"\xef\xbb\xbf" + text.encode())
    assert load_spec(tmp_path / "c.yaml").spec.course.id == "c"
