"""Unicode-aware words and sentences for any script, with small stop-word lists, and the tokens
the passage index matches on (elisions split, Arabic normalised, words stemmed)."""

from __future__ import annotations

import re
import threading
import unicodedata
from collections import Counter
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
    """Words worth matching on, as written (casefolded): no stop words, no single characters.
    What learners see (key terms, quiz blanks); the index matches on index_terms()."""
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


# --- Index tokens: what BM25 matches on, never shown to a learner. -------------------------
# A word for the index runs through combining marks (accents typed as separate characters, the
# Arabic short vowels) and stops at apostrophes: "l'évaluation" gives "l" (dropped: one letter)
# and "évaluation", so it matches "évaluation"; "qu'on", "jusqu'à" and "don't" fall apart alike.
INDEX_WORD = re.compile(r"[\w\u0300-\u036f\u064b-\u065f\u0670\u06d6-\u06ed]+")
COMBINING = re.compile(r"[\u0300-\u036f]")
ARABIC_MARKS = re.compile(r"[\u064b-\u065f\u0670\u06d6-\u06ed\u0640]")  # tashkeel, Quranic marks, tatweel
ARABIC_LETTERS = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ى": "ي", "ة": "ه", "ؤ": "و", "ئ": "ي"})
ARABIC_ARTICLES = ("وال", "فال", "بال", "كال", "لل", "ال")  # and-the, so-the, with-the, like-the, for-the, the
ARABIC_SCRIPT = re.compile(r"[\u0600-\u06ff]")
# Other languages written in Arabic script keep their own letters (Persian ی, Urdu ہ...).
NOT_ARABIC = {"fa", "ur", "ps", "ku", "sd", "ug"}
# Elided words and clitics that are left after the apostrophe split, dropped like stop words.
ELIDED = "qu jusqu lorsqu puisqu quoiqu presqu quelqu"
# The pure-Python Snowball stemmers of each language (snowballstemmer.algorithms()).
STEMMERS = {
    "ar": "arabic", "ca": "catalan", "cs": "czech", "da": "danish", "de": "german", "el": "greek", "en": "english",
    "es": "spanish", "eu": "basque", "fi": "finnish", "fr": "french", "ga": "irish", "hi": "hindi", "hu": "hungarian",
    "hy": "armenian", "id": "indonesian", "it": "italian", "lt": "lithuanian", "ne": "nepali", "nl": "dutch",
    "no": "norwegian", "nb": "norwegian", "nn": "norwegian", "pl": "polish", "pt": "portuguese", "ro": "romanian",
    "ru": "russian", "sr": "serbian", "st": "sesotho", "sv": "swedish", "ta": "tamil", "tr": "turkish", "yi": "yiddish",
}
MEMO_LIMIT = 500_000  # distinct raw words remembered per language: bounds the memory of a huge vocabulary


def index_terms(text: str, language: str) -> list[str]:
    """The tokens the passage index matches `text` on: words casefolded (accents kept), split at
    apostrophes, Arabic without its vowel marks and with one form of alef, yaa and taa marbuta,
    stop words and single letters left out, each word stemmed in the course's language where a
    Snowball stemmer exists (Swahili has none: casefolding and stop words only)."""
    return list(filter(None, _tokens(INDEX_WORD.findall(text), base_language(language))))


def index_counts(text: str, language: str) -> Counter[str]:
    """How often each index token occurs in `text` (what the index keeps of a passage)."""
    counts = Counter(_tokens(INDEX_WORD.findall(text), base_language(language)))
    counts.pop("", None)
    return counts


def _tokens(found: list[str], language: str):
    """The index token of each raw word ("" for one left out), looked up in C when every word
    is known (the common case once a few passages are read), else learnt first."""
    memo = _memo(language)
    try:
        return list(map(memo.__getitem__, found))
    except KeyError:
        return [memo[word] if word in memo else _learn(word, language, memo) for word in found]


_memos: dict[str, dict[str, str]] = {}
_stemming = threading.Lock()  # a Snowball stemmer object holds the word it works on


def _memo(language: str) -> dict[str, str]:
    memo = _memos.get(language)
    if memo is None:
        memo = _memos[language] = {}
    return memo


def _learn(word: str, language: str, memo: dict[str, str]) -> str:
    """The index token of one raw word ("" to leave it out), remembered for the next time."""
    token = _normal(word, language)
    if len(token) <= 1 or token in _index_stop_words(language):
        token = ""
    else:
        stem = _stemmer(language if not ARABIC_SCRIPT.search(token) or language in NOT_ARABIC else "ar")
        if stem is not None:
            with _stemming:
                token = stem.stemWord(token) or token
    if len(memo) >= MEMO_LIMIT:
        memo.clear()
    memo[word] = token
    return token


def _normal(word: str, language: str) -> str:
    """A raw word casefolded, its accents composed; in Arabic script, vowel marks and tatweel
    removed, letter forms unified, and the article ال taken off (with و, ف, ب, ك or ل before it)."""
    token = word.casefold()
    if COMBINING.search(token):
        token = unicodedata.normalize("NFC", token)
    if language not in NOT_ARABIC and ARABIC_SCRIPT.search(token):
        token = ARABIC_MARKS.sub("", token).translate(ARABIC_LETTERS)
        # The article and the particles fused with it, taken off here rather than by the stemmer:
        # it strips fewer suffixes from a word it found an article on, so "التكويني" and
        # "تكويني" would stem apart.
        for prefix in ARABIC_ARTICLES:
            if token.startswith(prefix) and len(token) - len(prefix) >= 2:
                return token[len(prefix):]
    return token


@cache
def _index_stop_words(language: str) -> frozenset[str]:
    # The stop words as index words: "l'" and "qu'" lose their apostrophe, Arabic its marks.
    stop = _stop_words(language) | set(ELIDED.split())
    return frozenset(_normal(part, language) for word in stop for part in INDEX_WORD.findall(word))


@cache
def _stemmer(language: str):
    if language not in STEMMERS:
        return None
    import snowballstemmer

    return snowballstemmer.stemmer(STEMMERS[language])
