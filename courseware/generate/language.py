"""Is a model's answer in the course's language? Detected offline with lingua (its models ship in
the wheel), text by text: one written in another language is a re-ask naming its place. Texts
too short to tell (options, titles) and code are exempt."""

from __future__ import annotations

import re
from functools import cache

from courseware.content import blocks
from courseware.content.model import Article, Quiz, SlideDeck
from courseware.generate.contracts import AnswerError

MIN_WORDS, MIN_LETTERS = 8, 60  # fewer words or letters: too short to tell the language reliably
CONFIDENCE = 0.6  # how sure the detector must be of the other language before a re-ask ...
DOUBT = 0.2  # ... and how unsure of the course's own: short or odd texts stay the model's benefit of the doubt
NOT_PROSE = re.compile(r"`[^`]*`|<[^>]*>|\S+://\S+|\]\([^)]*\)|\[\^\d+\]")  # code, markup, addresses, link targets, notes
WORD = re.compile(r"^[^\W\d_]+(?:['’-][^\W\d_]+)*[.,;:!?»”\")]*$")  # letters only, as words are


def prose(text: str) -> str:
    """The words of `text` that are words: no code, markup, addresses, tokens with digits or
    symbols, or words of fewer than three letters."""
    words = [w.strip("«“\"(¿¡") for w in NOT_PROSE.sub(" ", text).split()]
    # Words of one or two letters say little about a language and much about noise ("a s m l").
    return " ".join(w for w in words if WORD.match(w) and sum(ch.isalpha() for ch in w) >= 3)


class WrongLanguage(AnswerError):
    """A text of the answer is in another language than the course's: re-asked like any broken check."""


def check(content: Article | Quiz | SlideDeck, tag: str) -> None:
    """Raise WrongLanguage naming the first long text of `content` that is not in language `tag`."""
    check_texts(texts(content), tag)


def check_texts(found: list[tuple[str, str]], tag: str, which: str = "the course language") -> None:
    """Raise WrongLanguage naming the first of the (place, text) pairs long enough to tell that is
    not in language `tag` (`which` says what that language is to the re-ask)."""
    wanted = _language(tag)
    if wanted is None:
        return  # a language lingua does not know: nothing to compare with
    for place, text in found:
        words = prose(text)
        if len(words.split()) < MIN_WORDS or sum(ch.isalpha() for ch in words) < MIN_LETTERS:
            continue
        found_languages = _detector().compute_language_confidence_values(words[:2000])  # plenty to tell, bounded time
        best = found_languages[0] if found_languages else None
        own = next((c.value for c in found_languages if c.language == wanted), 0.0)
        if best is not None and best.language != wanted and best.value >= CONFIDENCE and own < DOUBT:
            name, other = wanted.name.title(), best.language.name.title()
            raise WrongLanguage(f"{place} is written in {other}, not in {name} ({which}); write every text in {name}")


def texts(content: Article | Quiz | SlideDeck) -> list[tuple[str, str]]:
    """Every text of a content model with the place a re-ask names it by."""
    if isinstance(content, Article):
        found = [(f"introduction, {b.kind} {n}", " ".join(blocks.texts(b))) for n, b in enumerate(content.intro, start=1)]
        for s, section in enumerate(content.sections, start=1):
            found += [(f"section {s}, block {n}", " ".join(blocks.texts(b))) for n, b in enumerate(section.blocks, start=1)]  # as the contract's re-asks name it
        return [(place, text) for place, text in found if text]
    if isinstance(content, Quiz):
        found = []
        for n, item in enumerate(content.items, start=1):
            found += [(f"item {n}: prompt", item.prompt), (f"item {n}: feedback", item.feedback)]
        return found
    found = []
    for n, slide in enumerate(content.slides, start=1):
        found.append((f"slide {n}: bullets", " ".join(slide.bullets)))
        if slide.notes:
            found.append((f"slide {n}: notes", slide.notes))
    return found


@cache
def _detector():
    from lingua import LanguageDetectorBuilder

    # Low-accuracy mode: small models, about 70 MB for every language, quick; texts here are long enough.
    return LanguageDetectorBuilder.from_all_languages().with_low_accuracy_mode().build()


def _language(tag: str):
    """lingua's Language for a BCP 47 tag, or None when lingua does not know it."""
    import langcodes
    from lingua import IsoCode639_1, Language

    code = langcodes.Language.get(tag).language or ""
    iso = getattr(IsoCode639_1, code.upper(), None) if len(code) == 2 else None
    return Language.from_iso_code_639_1(iso) if iso is not None else None
