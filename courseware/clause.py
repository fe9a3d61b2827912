"""A sentence cut to its key clause, for slide bullets: slides show a few words, the speaker notes
keep the whole sentence. Works on inline markdown and never cuts inside bold, code, math or a link."""

from __future__ import annotations

import re

from courseware.grounding.text import word_count

SLIDE_WORDS = 15  # the most words a bullet should have
MIN_SHARE = 0.5  # a clause shorter than this share of the limit does not stand for the sentence
PARENTHESIS = re.compile(r"\s*\([^()]*\)")
# Where a clause may end: a colon, semicolon or dash, or a comma (Latin and Arabic punctuation).
BOUNDARY = re.compile(r"\s*(?:[:;؛]|\s[—–]|[,،])(?=\s)")
# Or before a word that starts a subordinate clause (English, French, Spanish, Portuguese).
CONNECTOR = re.compile(r"\s(?=(?:which|where|in which|because|so that|while|whereas|although|but|when|who|whose|rather than|instead of"
                       r"|qui|où|dont|mais|lorsque|parce que|afin|tandis que|que|porque|mientras|pero|cuando|donde|enquanto|quando|onde)\b)")
END = ".!?؟。"


def key_clause(text: str, limit: int = SLIDE_WORDS) -> str:
    """`text` if it has at most `limit` words; else its longest leading clause that does (without
    parentheses), else its first words with an ellipsis. The final stop is kept."""
    text = " ".join(text.split())
    if word_count(text) <= limit:
        return text
    stop = text[-1] if text[-1] in END else ""
    shorter = _without_parentheses(text)
    if word_count(shorter) <= limit:
        return shorter
    ends = sorted({m.start() for pattern in (BOUNDARY, CONNECTOR) for m in pattern.finditer(shorter)})
    heads = [shorter[:end] for end in ends if balanced(shorter[:end]) and not _dangling(shorter[:end])]
    fitting = [h for h in heads if limit * MIN_SHARE <= word_count(h) <= limit]
    if fitting:
        return _stopped(max(fitting, key=len), stop)
    return _first_words(shorter, limit - 1) + "…"


def _dangling(head: str) -> bool:
    """True when a clause would end on a short function word ("a course in", "levels at")."""
    last = head.rstrip(" ,;:").rsplit(" ", 1)[-1]
    return len(last) <= 3 and last.isalpha() and last.islower()


def _without_parentheses(text: str) -> str:
    """The text without its parenthetical asides (not inside code, math or a link target)."""
    out = text
    for match in reversed(list(PARENTHESIS.finditer(text))):
        before = text[: match.start()]
        if balanced(before) and not before.endswith("]"):
            out = out[: match.start()] + out[match.end():]
    return out


def _stopped(head: str, stop: str) -> str:
    head = head.rstrip(" ,;:")
    return head + stop if stop and head[-1:] not in END else head


def _first_words(text: str, limit: int) -> str:
    """The longest run of whole words from the start with at most `limit` words whose markup is closed."""
    best = ""
    pieces = text.split(" ")
    for k in range(1, len(pieces) + 1):
        head = " ".join(pieces[:k])
        if word_count(head) > limit:
            break
        if balanced(head):
            best = head
    words = (best or pieces[0]).rstrip(" ,;:").split(" ")
    while len(words) > 1 and len(words[-1]) <= 3 and words[-1].isalpha() and words[-1].islower():
        words.pop()  # "... and describe the…" reads worse than "... and describe…"
    return " ".join(words)


def balanced(text: str) -> bool:
    """True when no bold, code span, formula, link or parenthesis is left open at the end of `text`."""
    unescaped = re.sub(r"\\.", "", text)
    code = unescaped.count("`") % 2 == 0
    outside = re.sub(r"`[^`]*`", "", unescaped)
    return (code and outside.count("**") % 2 == 0 and outside.count("$") % 2 == 0 and outside.count('"') % 2 == 0
            and outside.count("[") == outside.count("]") and outside.count("(") == outside.count(")")
            and outside.count("“") == outside.count("”") and outside.count("«") == outside.count("»"))
