"""Unicode-aware words and sentences for any script, with small stop-word lists."""

from __future__ import annotations

import re
from functools import cache

WORD = re.compile(r"\w+(?:['’]\w+)*")
SENTENCE_END = re.compile(r"(?<=[.!?؟。！？])[\"'”»)\]]*\s+(?=[\"'“«(\[]?\w)")
BOLD = re.compile(r"\*\*(.+?)\*\*")

STOP_WORDS = {
    "en": "a an and are as at be been but by can do does for from has have how if in into is it its may more most not of on or so such than that the their them then there these they this those to too use used uses using very was we were what when where which while who will with would you your also each other only one two both any all about between through over under after before can't don't should could",
    "fr": "au aux avec ce ces cet cette dans de des du elle elles en est et être eux il ils je la le les leur leurs lui ma mais me même mes moi mon ne nos notre nous on ou où par pas pour plus qu que qui sa se ses son sur ta te tes toi ton tu un une vos votre vous c d j l m n s t y été sont ont peut peuvent aussi comme très tout tous toute toutes ainsi sans entre dont",
    "ar": "في من على إلى عن مع هذا هذه ذلك تلك التي الذي الذين هو هي هم أن إن كان كانت لا ما لم لن قد كل بين أو ثم حتى عند بعد قبل كما أي و ف ب ل",
    "sw": "na ya wa za la kwa katika ni si au lakini kama hii huo hiyo hizo ile kwamba pia sana bila kila mimi wewe yeye sisi ninyi wao cha vya ili",
    "es": "a al algo como con de del el ella ellos en entre es esta este esto fue ha la las le les lo los más mi no nos o para pero por que se si sin sobre son su sus también un una uno y ya muy",
    "pt": "a ao aos as com como da das de do dos e é ela ele eles em entre era essa esse esta este isso mais mas na nas no nos o os ou para pela pelo por que se sem ser seu sua são também um uma muito",
}
# Sentences opening with these lean on the sentence before them; alone in a quiz they confuse.
CONTEXT_OPENERS = {
    "en": {"this", "these", "that", "those", "it", "its", "they", "their", "he", "she", "such", "both", "however", "also"},
    "fr": {"elle", "elles", "il", "ils", "ce", "cet", "cette", "ces", "cela", "ceci", "leur", "leurs", "celle", "celui"},
    "ar": {"هذا", "هذه", "ذلك", "تلك", "هو", "هي", "هم"},
    "sw": {"hii", "hizi", "hilo", "hiyo", "huo", "yeye", "wao"},
    "es": {"este", "esta", "estos", "estas", "eso", "esa", "ella", "ellos", "ellas", "él"},
    "pt": {"este", "esta", "estes", "estas", "isso", "essa", "esse", "ela", "ele", "eles", "elas"},
}
_STOP = {lang: set(words.split()) for lang, words in STOP_WORDS.items()}


def base_language(tag: str) -> str:
    """'fr-SN' -> 'fr'."""
    return tag.split("-")[0].lower()


def words(text: str) -> list[str]:
    """Casefolded words of any script (apostrophes inside words kept)."""
    return [w.casefold() for w in WORD.findall(strip_bold(text))]


def terms(text: str, language: str) -> list[str]:
    """Words worth matching on: no stop words, no single characters."""
    stop = _stop_words(language)
    return [w for w in words(text) if len(w) > 1 and w not in stop]


@cache
def _stop_words(language: str) -> frozenset[str]:
    # Built once per language: indexing a long source asks for them once a passage.
    return frozenset(_STOP.get(base_language(language), set()) | _STOP["en"])


def sentences(text: str) -> list[str]:
    """Split a paragraph into sentences at ., !, ?, ؟ and 。 followed by a new word."""
    return [s.strip() for s in SENTENCE_END.split(text) if s.strip()]


def strip_bold(text: str) -> str:
    """Remove **bold** markers, keeping their text."""
    return BOLD.sub(r"\1", text)


def word_count(text: str) -> int:
    return len(WORD.findall(text))


def stands_alone(sentence: str, language: str) -> bool:
    """False for a sentence that opens with a word pointing back at the previous one."""
    first = words(sentence)[:1]
    return not first or first[0] not in CONTEXT_OPENERS.get(base_language(language), set()) | CONTEXT_OPENERS["en"]
