"""Wrong answers and false statements that read right: other terms of the same kind, fitted in.

A distractor is a course term of the answer's kind (code for code, a name for a name, a plural
for a plural, several words for several words, a number of the same unit and magnitude). In
English the article before the blank must suit every option ("an ____" would give "analytic
rubric" away), and a swap into a sentence mends "a"/"an" and the capital at its start.
"""

from __future__ import annotations

import random
import re

from courseware.generate.offline.terms import Term, gender_before
from courseware.grounding.text import base_language

ARTICLE_BEFORE = re.compile(r"(?<!\w)(an?)\s+$", re.IGNORECASE)
# French: "l’amorce" needs a word that elides too, "le distracteur" one that does not.
ELIDED = re.compile(r"(?<!\w)(?:[ldjmnst]|qu|jusqu|lorsqu|puisqu)['’]$", re.IGNORECASE)
ELIDING = re.compile(r"(?<!\w)(?:le|la|de|ce|que|je|me|ne|se|te)\s+$", re.IGNORECASE)
# Words spelled with a vowel that sound a consonant ("a university"), and the other way ("an hour").
CONSONANT_SOUND = re.compile(r"^(?:uni|use|usu|uti|eu|one|once|ubiq)", re.IGNORECASE)
VOWEL_SOUND = re.compile(r"^(?:hour|honest|honou?r|heir)|^[AEFHILMNORSX](?:[A-Z]|$)")


def article_for(text: str) -> str:
    """'a' or 'an', as English says it before `text`: an analytic rubric, a university, an FAQ."""
    word = text.lstrip("`$*_\"'“(")
    if VOWEL_SOUND.match(word):
        return "an"
    return "an" if word[:1].casefold() in "aeiou" and word[:1] and not CONSONANT_SOUND.match(word) else "a"


def article_before(sentence: str, term: Term, language: str) -> str | None:
    """What the word before the term asks of its first sound: in English the article ('a',
    'an'), in French an elided word ('vowel': l’amorce) or one that would elide ('consonant':
    le distracteur); None when nothing does."""
    match = term.pattern.search(sentence)
    before = sentence[: match.start()] if match else ""
    lang = base_language(language)
    if lang == "en":
        found = ARTICLE_BEFORE.search(before)
        return found.group(1).casefold() if found else None
    if lang == "fr":
        return "vowel" if ELIDED.search(before) else "consonant" if ELIDING.search(before) else None
    return None


def sound_for(text: str, language: str) -> str | None:
    """What `text` asks of the word before it: 'a'/'an' (English), 'vowel'/'consonant' (French)."""
    if base_language(language) == "fr":
        return "vowel" if text.lstrip("`$*_\"'“«(")[:1].casefold() in "aeiouyhàâéèêëîïôûü" else "consonant"
    return article_for(text)


def same_kind(answer: Term, sentence: str, terms: list[Term], language: str) -> list[Term]:
    """The course terms that may stand in for `answer` in `sentence`: of its kind, not the answer
    or a part of it (nor it a part of them), not already in the sentence, and taking the same
    English article (or French elision) as the answer does there, and where a determiner
    before it shows a gender ("la ____"), of that gender."""
    kind, article = answer.kind(language), article_before(sentence, answer, language)
    match = answer.pattern.search(sentence)
    gender = gender_before(sentence[: match.start()], language) if match else ""
    if article == "vowel" and answer.gender:
        gender = answer.gender  # "l’____, appelée quiz": the words after it agree with the answer's gender
    return [
        t for t in terms
        if t.key != answer.key and t.key not in answer.key and answer.key not in t.key
        and t.kind(language) == kind and (article is None or sound_for(t.text, language) == article)
        and (not gender or t.gender == gender)
        and not t.count_in(sentence)
    ]


def distractors(answer: Term, sentence: str, terms: list[Term], language: str, rng: random.Random, count: int, source: str = "") -> list[str]:
    """Up to `count` terms of the answer's kind, those of the sentence's `source` first (the same
    topic: plausible), then of about its length, in its sentence's case."""
    pool = same_kind(answer, sentence, terms, language)
    pool.sort(key=lambda t: (bool(source) and t.source != source, abs(len(t.text) - len(answer.text)), t.key))
    near = [t for t in pool if t.source == source]
    window = near[: count * 3] if source and len(near) >= count else pool[: count * 3]  # the same topic when it has enough
    picked = rng.sample(window, min(count, len(window)))
    if picked and all(len(t.text) < len(answer.text) for t in picked):
        longer = [t for t in pool if len(t.text) >= len(answer.text) and t not in picked]
        if longer:  # the right answer must not be the one longest option
            picked[-1] = longer[0]
    return [fitted(t, answer) for t in picked]


def fitted(term: Term, answer: Term) -> str:
    """`term` as written in the sources. (Not lowered to match the answer: a term met only at the
    start of a sentence may be a name, "Bloom's taxonomy", and a lowered name reads worse than a
    capital in the middle of a sentence.)"""
    return term.text


def swapped(sentence: str, answer: Term, text: str, language: str) -> str:
    """`sentence` with `text` (a distractor) in place of `answer`: a capital at the start, and in
    English the article before it mended ('a rubric' -> 'an analytic rubric')."""
    match = answer.pattern.search(sentence)
    if match is None:
        return sentence
    before, after = sentence[: match.start()], sentence[match.end():]
    if not before.strip(" \"'“«(*_"):
        text = text[:1].upper() + text[1:]
    article = ARTICLE_BEFORE.search(before) if base_language(language) == "en" else None
    if article:
        new = article_for(text)
        said = article.group(1)
        new = new.capitalize() if said[:1].isupper() else new
        before = before[: article.start(1)] + new + before[article.end(1):]
    return before + text + after
