"""Lint checks on what each quiz item asks about: its blank or right answer a key term, its
stem a statement taken from the narrative (not an image's alt text or caption, an exercise or
a solution of the sources), no item asked twice in a course.

Stems are compared as casefolded words; a true/false statement with one term swapped still
matches the sentence it was made from (the same first and last three words).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

from courseware import catalogue
from courseware.content.blocks import Figure, figures, texts
from courseware.content.model import BLANK, QuizItem
from courseware.errors import Problem
from courseware.generate.offline.stems import CLOSING, QUESTION_MARKS
from courseware.generate.offline.terms import not_a_term
from courseware.grounding.sources import Passage, SourceDocument
from courseware.grounding.text import sentences, words
from courseware.markdown.inline import plain
from courseware.readers.base import EXERCISE, LEARNER_TEXT, SOLUTION

if TYPE_CHECKING:
    from courseware.lint import LessonQuiz

HOLE = "qzblankqz"  # the blank as one word, through the markdown reader and the word splitter
LEADS = sorted({catalogue.words(tag)[key] for tag in catalogue.languages() for key in ("which_term", "true_or_false", "fill_blank")}, key=len, reverse=True)
KIND_NAMES = {"true_false": "true/false", "cloze": "cloze", "multiple_choice": "multiple-choice"}
FRAGMENT = re.compile(r"\w*" + re.escape(BLANK) + r"\w*")

Words = tuple[str, ...]


def stem(item: QuizItem) -> str | None:
    """The statement an item asks about, without the lead phrase ("True or false?"); None for a
    multiple-choice question with no blank (a question is what it should be)."""
    prompt = item.prompt.strip()
    if item.kind == "multiple_choice" and BLANK not in prompt:
        return None
    lead = next((lead for lead in LEADS if prompt.startswith(lead)), None)
    if lead:
        return prompt[len(lead):].strip()
    if BLANK in prompt:  # "Which word completes it? The ____ is ...": the sentence with the blank on
        found = [s for s in sentences(prompt) if BLANK in s]
        return prompt[prompt.index(found[0]):] if found else prompt
    return prompt


def tokens(text: str) -> Words:
    return tuple(words(plain(text.replace(BLANK, f" {HOLE} "))))


class Origins:
    """The sentences of the sources a stem must not come from, with what and where they are."""

    def __init__(self, sources: list[SourceDocument]):
        narrative: set[Words] = set()
        found: list[tuple[Words, str, Passage]] = []
        for doc in sources:
            for passage in doc.passages():
                for figure in figures(passage.block):
                    found += [(tokens(s), "an image's alt text", passage) for s in _said(figure.alt)]
                    found += [(tokens(s), "an image's caption", passage) for s in _said(figure.caption)]
                if isinstance(passage.block, Figure):
                    continue
                said = [tokens(s) for t in texts(passage.block) for s in sentences(t)]
                if passage.role in LEARNER_TEXT:
                    narrative.update(said)
                elif passage.role in (EXERCISE, SOLUTION):
                    what = "an exercise" if passage.role == EXERCISE else "a solution"
                    found += [(t, what, passage) for t in said]
        self.heads: dict[Words, list[tuple[Words, str, Passage]]] = {}
        for entry in found:
            if entry[0] not in narrative and len(entry[0]) >= 3:  # the narrative says it too: fair
                self.heads.setdefault(entry[0][:2], []).append(entry)
        self.every = [e for entries in self.heads.values() for e in entries]

    def of(self, said: Words) -> tuple[str, Passage] | None:
        """What and where the stem `said` comes from, if from a sentence it must not come from."""
        head = said[: said.index(HOLE)] if HOLE in said else said
        pool = self.heads.get(head[:2], []) if len(head) >= 2 else self.every
        return next(((what, p) for sentence, what, p in pool if _same(said, sentence)), None)


def _said(text: str | None) -> list[str]:
    return [text, *sentences(text)] if text else []


def _same(said: Words, sentence: Words) -> bool:
    if HOLE in said:
        i = said.index(HOLE)
        before, after = said[:i], tuple(w for w in said[i + 1:] if w != HOLE)
        return len(sentence) > len(before) + len(after) and sentence[:i] == before and sentence[len(sentence) - len(after):] == after
    if said == sentence:
        return True
    return len(said) >= 8 and said[:3] == sentence[:3] and said[-3:] == sentence[-3:] and abs(len(said) - len(sentence)) <= 4


def item_findings(quiz: LessonQuiz, language: str, origins: Origins | None) -> Iterator[Problem]:
    """Findings on each item of one quiz: its answer, its stem's ending and where it comes from."""
    for item, (heading, option_lines) in zip(quiz.quiz.items, quiz.lines.questions):
        if item.kind != "true_false":
            yield from _answer_findings(quiz.file, item, option_lines, language)
        said = stem(item)
        if said is None:
            continue
        end = said.rstrip(CLOSING)[-1:]
        if end == ":":
            yield Problem(quiz.file, heading, 1, "", "the statement ends in ':' (it announces something the item does not show); ask about a complete sentence")
        elif end in QUESTION_MARKS:
            yield Problem(quiz.file, heading, 1, "", f"the statement ends in '{end}': a {KIND_NAMES[item.kind]} item needs a statement, not a question; write it as a statement")
        found = origins.of(tokens(said)) if origins else None
        if found:
            what, passage = found
            where = f"{passage.source}:{passage.line}" if passage.line else passage.reference.text
            yield Problem(quiz.file, heading, 1, "", f"the statement is {what} in {where}, not the narrative; ask about a sentence of the lesson's text")


def _answer_findings(file: str, item: QuizItem, lines: list[int], language: str) -> Iterator[Problem]:
    blank = item.kind == "cloze" or BLANK in item.prompt
    fragment = FRAGMENT.search(item.prompt) if blank else None
    for option, line in zip(item.options, lines):
        if not option.correct:
            continue
        name = "the blank's answer" if blank else "the right answer"
        if fragment and fragment.group() != BLANK:
            yield Problem(file, line, 1, "", f"the blank stands inside a word ({fragment.group()!r}), so {name} {option.text!r} is a fragment of a word; blank the whole word")
            continue
        reason = not_a_term(option.text, language)
        if reason == "a stop word" or (reason == "a single letter" and any(c.isalpha() for c in option.text)):
            yield Problem(file, line, 1, "", f"{name} {option.text!r} is {reason}, not a key term; ask about a term the lesson teaches")


def filled(item: QuizItem) -> Words | None:
    """The sentence an item asks about with its blank filled in by the right answer: two items
    with the same one ask the same thing."""
    said = stem(item)
    if said is None:
        return None
    answer = next((o.text for o in item.options if o.correct), "")
    return tokens(said.replace(BLANK, f" {answer} ", 1)) if item.kind != "true_false" else tokens(said)


def duplicate_findings(quizzes: list[LessonQuiz]) -> Iterator[Problem]:
    """An item that asks about the same sentence as an earlier one of the course."""
    first: dict[Words, tuple[int, str, int]] = {}
    for quiz in quizzes:
        for n, (item, (heading, _)) in enumerate(zip(quiz.quiz.items, quiz.lines.questions), start=1):
            key = filled(item)
            if not key:
                continue
            if key in first:
                number, file, line = first[key]
                yield Problem(quiz.file, heading, 1, "", f"asks about the same sentence as Q{number} in {file}:{line}; ask about something else")
            else:
                first[key] = (n, quiz.file, heading)
