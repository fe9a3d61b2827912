"""What makes a source sentence a fair quiz stem: a complete statement that stands alone.

No NLP model: the checks are on the sentence's first and last characters, its length in words,
its first word (a pointer back, an instruction) and a few phrases that talk about answers.
`courseware lint` uses the same checks on quizzes written by hand or by a model.
"""

from __future__ import annotations

import re

from courseware.content.model import BLANK
from courseware.grounding.text import base_language, stands_alone, word_count, words

MIN_WORDS, MAX_WORDS = 6, 45
# Full stops of the scripts a course may be in (Latin, CJK, Devanagari, Armenian, Ethiopic).
FULL_STOPS = ".!。！।։።"
QUESTION_MARKS = "?؟？"
OPENING = "*_\"'“«„(¿¡["  # markup and punctuation a sentence may open with
CLOSING = "*_\"'”»)]"
# First words that make a sentence an instruction to the reader, not a statement to test.
IMPERATIVES = {
    "en": set(
        "run use open click type try make note consider remember select enter press go add write read check install "
        "create copy paste save start look see let let's imagine think compare discuss describe explain list find "
        "choose download navigate change move delete remove execute ensure keep avoid do don't please follow answer "
        "complete fill match identify calculate draw ask give take put view visit log sign report state record "
        "always never be share provide offer reserve limit post upload begin label sort count divide multiply "
        "subtract compute sum mark link combine apply repeat return replace include leave turn print press"
        .split()
    ),
    "fr": {"chez", "assez"},  # French: the -ez form ("Ouvrez", "Cliquez"), these two aside
}
# Sentences about the quiz or its answers, not about the subject: "3 is the correct answer".
META = re.compile(
    r"\b(?:correct|right|wrong|incorrect|best)\s+(?:answer|option|choice|response)s?\b"
    r"|\b(?:the\s+)?answer\s+is\b|\b(?:option|answer|choice)\s+\(?[A-Ea-e1-9]\)?(?!\w)"
    r"|\bbonnes?\s+réponses?\b|\bmauvaises?\s+réponses?\b|\bla\s+réponse\s+est\b|\bréponse\s+[A-E]\b",
    re.IGNORECASE,
)


def stem_problem(sentence: str, language: str) -> str | None:
    """Why `sentence` is no fair stem, in a few words, or None when it is one."""
    text = sentence.strip()
    core = text.rstrip(CLOSING)
    if core.endswith(":"):
        return "ends in ':'"
    if core[-1:] in QUESTION_MARKS:
        return "is a question"
    if core[-1:] not in FULL_STOPS or core.endswith(("...", "…")):
        return "does not end with a full stop"
    first = text.lstrip(OPENING)[:1]
    if not (first == "`" or (first.isalpha() and not first.islower())):  # a capital, an uncased script, code
        return "does not start with a capital"
    if not MIN_WORDS <= word_count(text) <= MAX_WORDS:
        return f"is not {MIN_WORDS} to {MAX_WORDS} words long"
    if "![" in text or BLANK in text:
        return "holds an image or a blank"
    if META.search(text):
        return "talks about answers"
    if imperative(text, language):
        return "is an instruction"
    if not stands_alone(text, language):
        return "leans on the sentence before it"
    return None


def imperative(sentence: str, language: str) -> bool:
    """Whether the sentence opens with a verb telling the reader what to do ("Run the command")."""
    first = (words(sentence) or [""])[0]
    lang = base_language(language)
    if lang == "fr":
        return len(first) > 3 and first.endswith("ez") and first not in IMPERATIVES["fr"]
    return first in IMPERATIVES.get(lang, set())
