"""Key terms of a course: the phrases its sources set in bold, else its most telling words.

Real lessons bold ordinary words too ("**and**", a "**tion**" inside a word, "**e**", a label
like "**Note:**"); those are not terms a quiz may ask about, so they are left out here.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from functools import cached_property, lru_cache

from courseware.content.blocks import texts
from courseware.grounding.sources import Passage
from courseware.grounding.text import BOLD, base_language, terms, word_count, words
from courseware.readers.base import LEARNER_TEXT

MIN_TERMS = 8
NUMBER = re.compile(r"^[-+]?\d[\d.,]*(?:\s*%)?")
# Plural by its ending, where the language marks plurals that way (no NLP model): "rubrics".
PLURAL_ENDINGS = {"en": ("s",), "fr": ("s", "x"), "es": ("s",), "pt": ("s",)}
NOT_PLURAL = ("ss", "us", "is")  # "class", "syllabus", "analysis"
# Determiners that show a noun's gender (French, Spanish, Portuguese): "la rétroaction", "un distracteur".
GENDERED = {
    "fr": {"le": "m", "un": "m", "du": "m", "au": "m", "ce": "m", "cet": "m", "la": "f", "une": "f", "cette": "f"},
    "es": {"el": "m", "un": "m", "del": "m", "al": "m", "este": "m", "la": "f", "una": "f", "esta": "f"},
    "pt": {"o": "m", "um": "m", "do": "m", "no": "m", "este": "m", "a": "f", "uma": "f", "da": "f", "na": "f", "esta": "f"},
}
DETERMINER = re.compile(r"(?<!\w)(\w+)\s+$")
# A determiner with one of these between it and the noun still shows its gender: "un tel distracteur".
BETWEEN = re.compile(r"(?<!\w)(\w+)\s+(?:tel|telle|seul|seule|autre|même|bon|bonne|premier|première|nouveau|nouvelle|petit|petite|grand|grande|mismo|misma|otro|otra|outro|outra)\s+$", re.IGNORECASE)
# English words after which a lone bold word describes rather than names: "is called **resistant**".
PREDICATE = {"is", "are", "was", "were", "be", "being", "been", "become", "becomes", "remain", "remains", "very", "more", "less", "most", "quite", "too",
             "called", "termed", "considered", "seem", "seems", "appear", "appears"}
SENTENCE_START = re.compile(r"(?:^|[.!?:;]\s+)[\"'“«(\[*_]*$")


@dataclass(frozen=True)
class Term:
    text: str  # as written in the sources (mid-sentence where the sources write it there)
    proper: bool = False  # a name: capitalised where the sources write it mid-sentence
    gender: str = ""  # "m" or "f" where a determiner before it in the sources shows it (fr, es, pt)
    adjective: bool = False  # bold as a description ("is **resistant**"), not a name: no noun stands in
    source: str = ""  # the source it is first bold in: distractors from there read as the same topic

    @cached_property
    def key(self) -> str:
        return " ".join(self.text.casefold().split())

    @cached_property
    def pattern(self) -> re.Pattern[str]:
        words = [re.escape(w) for w in self.text.split()]
        return re.compile(r"(?<!\w)" + r"\s+".join(words) + r"(?!\w)", re.IGNORECASE)

    @cached_property
    def folded(self) -> str:
        return folded(self.text)

    def kind(self, language: str) -> tuple[str, bool, bool]:
        """What may stand in for this term and keep a sentence sound: its shape (code, math, a
        number with its unit and magnitude, a name, a common noun phrase), plural or not, one
        word or several. Distractors and true/false swaps are of the same kind."""
        text = self.text
        if text.startswith("`") and text.endswith("`"):
            return ("code", False, False)
        if text.startswith("$") and text.endswith("$"):
            return ("math", False, False)
        number = NUMBER.match(text)
        if number:
            digits = len(re.sub(r"\D", "", number.group().split(".")[0].split(",")[0]))
            return (f"number:{digits}:{text[number.end():].strip().casefold()}", False, False)
        if self.proper:
            return ("name", False, word_count(text) > 1)
        return ("adjective" if self.adjective else "common", _plural(text, language) and not self.adjective, word_count(text) > 1)

    def count_in(self, text: str) -> int:
        # A substring test first: a quiz tries every term of the course on each sentence, and
        # a long source has tens of thousands of terms; most are not there, so no regex runs.
        if self.folded not in folded(text):
            return 0
        return len(self.pattern.findall(text))

    def blank_out(self, text: str, replacement: str) -> str:
        return self.pattern.sub(replacement, text, count=1)


def _plural(text: str, language: str) -> bool:
    # The head noun: last in English ("peer reviews"), first in French, Spanish, Portuguese ("options de relecture").
    said = words(text) or [""]
    last = said[-1] if base_language(language) == "en" else said[0]
    endings = PLURAL_ENDINGS.get(base_language(language), ())
    return len(last) > 3 and last.endswith(endings) and not last.endswith(NOT_PLURAL)


@lru_cache(maxsize=64)
def folded(text: str) -> str:
    """`text` casefolded, the Turkish dotted and dotless i as i (the combining dot dropped), each
    run of white space one space. Character by character this equates at least what a
    case-insensitive regex equates, so a folded term is in the folded text of any sentence
    its pattern matches in."""
    return " ".join(text.casefold().replace("\u0307", "").replace("ı", "i").split())


def gender_before(before: str, language: str) -> str:
    """The gender the determiner ending `before` shows ('m', 'f'), or '' (none, or English)."""
    table = GENDERED.get(base_language(language))
    match = (BETWEEN.search(before) or DETERMINER.search(before)) if table else None
    return table.get(match.group(1).casefold(), "") if match else ""


def _describes(before: str, phrase: str, language: str) -> bool:
    """Whether a lone English word in bold follows 'is', 'more' and the like: a description."""
    match = DETERMINER.search(before)
    return base_language(language) == "en" and " " not in phrase and bool(match) and match.group(1).casefold() in PREDICATE


def not_a_term(phrase: str, language: str) -> str | None:
    """Why a phrase cannot be a key term ('a stop word', 'a single letter', 'a number'), or None."""
    inner = phrase.strip("`$")
    if phrase != inner and inner.strip():
        return None  # code and formulas are what they are: `x`, $n$
    said = words(phrase)
    if not said or sum(c.isalnum() for c in phrase) <= 1:
        return "a single letter"
    if not terms(phrase, language):  # every word a stop word (or a letter): "and", "of the"
        return "a stop word"
    if not any(c.isalpha() for c in phrase):
        return "a number"
    return None


def key_terms(passages: list[Passage], language: str) -> list[Term]:
    """Bold phrases of one to five words in the text a learner reads (narrative and boxes), in
    order of first use; frequent words if there are too few. Left out: stop words, single
    letters, bare numbers, labels ("**Note:**") and bold runs inside a word ("func**tion**")."""
    found: dict[str, Term] = {}
    mid: set[str] = set()  # keys seen bold mid-sentence: their spelling there is the term's
    for passage in passages:
        if passage.role not in LEARNER_TEXT:
            continue
        for text in texts(passage.block):
            for match in BOLD.finditer(text):
                before, after = text[: match.start()], text[match.end():]
                if (before[-1:].isalnum() or before.endswith("_")) or (after[:1].isalnum() or after.startswith("_")):
                    continue  # a fragment of a word
                phrase = " ".join(match.group(1).split())
                if not 1 <= word_count(phrase) <= 5 or phrase.endswith((":", ".", ",", ";")) or not_a_term(phrase, language):
                    continue
                key = " ".join(phrase.casefold().split())
                initial = bool(SENTENCE_START.search(before))
                gender = gender_before(before, language) or (found[key].gender if key in found else "")
                adjective = _describes(before, phrase, language) or (key in found and found[key].adjective)
                if key in found and (key in mid or initial):
                    if (gender, adjective) != (found[key].gender, found[key].adjective):
                        found[key] = Term(found[key].text, found[key].proper, gender, adjective, found[key].source)
                    continue
                proper = phrase[:1].isupper() if not initial else any(c.isupper() for c in phrase[1:])
                found[key] = Term(phrase, proper, gender, adjective, found[key].source if key in found else passage.source)
                if not initial:
                    mid.add(key)
    if len(found) < MIN_TERMS:
        document_frequency: Counter[str] = Counter()
        for passage in passages:
            if passage.role in LEARNER_TEXT:
                document_frequency.update({w for w in terms(passage.text, language) if len(w) >= 5 and not w.isdigit()})
        for word, df in document_frequency.most_common():
            if df < 2 or len(found) >= 4 * MIN_TERMS:
                break
            found.setdefault(word, Term(word))
    return list(found.values())
