"""Whether a translation uses the glossary's approved terms: each term its source uses must have
its approved translation in the translated text. One rule for the model's checks and for lint:
lenient, since languages inflect and Arabic joins the article to the word."""

from __future__ import annotations

import re

WORD = re.compile(r"[^\W_]+")


def occurs(term: str, text: str) -> bool:
    """Whether a source text uses a term: case-insensitive, as whole words with an ending of at
    most two letters ("rubric" in "Rubrics", "median" in "medians", not "mean" in "meaning")."""
    return re.search(r"(?<![^\W_])" + re.escape(term.casefold()) + r"[^\W\d_]{0,2}(?![^\W_])", text.casefold()) is not None


def used(target: str, text: str) -> bool:
    """Whether a translated text uses an approved translation: every word of it, case-insensitive,
    its last quarter free (languages inflect: "apprentissages hybrides"), anywhere in a word
    (Arabic joins prefixes: "بالتعلم")."""
    folded = text.casefold()
    return all(_stem(word) in folded for word in WORD.findall(target.casefold()))


def _stem(word: str) -> str:
    return word if len(word) <= 4 else word[: max(4, len(word) - len(word) // 4)]


def missing_terms(source: str, translated: str, glossary: tuple[tuple[str, str], ...] | list[tuple[str, str]]) -> list[tuple[str, str]]:
    """The (term, approved translation) pairs whose term `source` uses but `translated` lacks."""
    return [(term, target) for term, target in glossary if occurs(term, source) and not used(target, translated)]
