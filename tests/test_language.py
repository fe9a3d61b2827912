"""Answers in the course's language: a text in another language is re-asked, naming its place."""

from __future__ import annotations

import json

import pytest

from courseware.content.model import Article, Paragraph, Quiz, QuizItem, Option, Section, Slide, SlideDeck
from courseware.generate.language import WrongLanguage, check
from fake_openai import FakeOpenAI

ENGLISH = "Formative feedback helps students see where they stand and what to do next, long before the final exam."
FRENCH = "La rétroaction formative aide les étudiants à savoir où ils en sont et quoi faire ensuite, bien avant l'examen final."


def article(*texts: str) -> Article:
    sections = [Section(heading="S", blocks=[Paragraph(text=t, cites=[]) for t in texts[1:]])] if texts[1:] else []
    return Article(title="T", intro=[Paragraph(text=texts[0], cites=[])], sections=sections, references=[])


def test_a_text_in_another_language_names_its_place():
    check(article(FRENCH, FRENCH), "fr")
    with pytest.raises(WrongLanguage, match=r"^section 1, block 2 is written in English, not in French \(the course language\); write every text in French$"):
        check(article(FRENCH, FRENCH, ENGLISH), "fr-CA")
    with pytest.raises(WrongLanguage, match="^introduction, paragraph 1 is written in French, not in English"):
        check(article(FRENCH), "en")


def test_short_texts_code_and_unknown_languages_are_exempt():
    check(article("Le quiz en ligne.", "Moodle quiz settings"), "fr")  # too short to tell
    check(article("`python -m http.server --bind 127.0.0.1 8000 --directory the_course_site_folder`"), "fr")  # code
    check(article(ENGLISH), "wo")  # Wolof: lingua has no model for it, nothing to compare with


def test_quizzes_and_slides_are_checked_too():
    item = QuizItem(kind="true_false", objective="LO1", prompt=ENGLISH, options=[Option(text="Vrai", correct=True), Option(text="Faux", correct=False)], feedback=FRENCH)
    with pytest.raises(WrongLanguage, match="^item 1: prompt is written in English"):
        check(Quiz(title="Q", items=[item]), "fr")
    deck = SlideDeck(title="D", slides=[Slide(title="Un", bullets=["court"], notes=ENGLISH)])
    with pytest.raises(WrongLanguage, match="^slide 1: notes is written in English"):
        check(deck, "fr")


def test_an_answer_in_the_wrong_language_is_reasked(cli, project, monkeypatch):
    monkeypatch.setenv("COURSEWARE_RETRY_BASE", "0.01")
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    with FakeOpenAI() as server:
        def in_english_first(body, content):
            answer = json.loads(content)
            if "introduction" in answer and len(body["messages"]) == 2:  # the first ask, not the re-ask
                answer["introduction"][0]["text"] = ENGLISH
            return json.dumps(answer)

        server.answer = in_english_first
        result = cli("build", "course_specs/evaluation-formative.yaml", "--provider", "openai", "--model", "m", "--base-url", server.base_url, "--formats", "markdown")
    assert result.exit_code == 0, result.stderr
    reasks = [r["messages"][-1]["content"] for r in server.requests if len(r["messages"]) > 2]
    assert reasks and all("introduction, paragraph 1 is written in English, not in French (the course language); write every text in French" in m for m in reasks)
    assert "re-asks 4" in result.stdout  # the overview and the three lesson texts, once each
