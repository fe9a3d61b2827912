"""Whether a translation uses the glossary's approved terms: each term its source uses must have
its approved translation in the translated text (case-insensitive; a substring, since languages
inflect and Arabic joins the article to the word)."""

from __future__ import annotations


def missing_terms(source: str, translated: str, glossary: tuple[tuple[str, str], ...] | list[tuple[str, str]]) -> list[tuple[str, str]]:
    """The (term, approved translation) pairs whose term `source` uses but `translated` lacks."""
    wanted, found = source.casefold(), translated.casefold()
    return [(term, target) for term, target in glossary if term.casefold() in wanted and target.casefold() not in found]
