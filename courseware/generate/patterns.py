"""The content model's text rules as JSON Schema patterns, so a grammar can enforce them.

Written in the regex subset that ECMA-262 (JSON Schema's dialect), Rust's regex (pydantic's
local check, llguidance) and Python's re read alike: anchored, character classes with \\uXXXX
escapes, (?:...) groups, | and the * + ? quantifiers. No \\s or \\w (their Unicode sets differ
between engines), no lookaround (grammar engines have none).
"""

from __future__ import annotations

from courseware.content.model import BLANK, FOOTNOTE_REF, clean_line

# What a reader does not see as a first character: C0/C1 controls and bidi controls (dropped
# from course text), and every white space str.strip() removes (NBSP, U+2000-U+200A, U+3000...),
# with the zero-width characters next to them.
INVISIBLE = r"\u0000-\u0020\u007f-\u00a0\u1680\u2000-\u200f\u2028-\u202f\u205f-\u2069\u3000\ufeff"
_ANY = r"(?:[^\u0000]|\u0000)"  # any character: [^] is ECMA-only, and [\u0000-\uffff] misses emoji in Rust and Python

# What cleaning drops from a text (controls that are not white space, bidi controls): "[\x01^1]"
# is a footnote reference once cleaned, so these count as nothing between "[" and "^".
DROPPED = r"\u0000-\u0008\u000e-\u001f\u007f-\u0084\u0086-\u009f\u202a-\u202e\u2066-\u2069"
_BRACKETS = rf"\[(?:\[|[{DROPPED}])*"  # a run of "[" (and of what cleaning drops)
# A footnote reference is "[^" followed, at any distance, by "]". Text without one: units that
# never put "^" right after "[", then possibly one "[^" with no "]" after it.
_NO_FOOTNOTE = rf"(?:[^\[]|{_BRACKETS}[^\[\^{DROPPED}])*(?:{_BRACKETS})?(?:\^[^\]]*)?"

LINE = rf"^[^{INVISIBLE}]{_ANY}*$"
"""A line of text: it starts with a visible character (so it is not empty once cleaned)."""

PROSE = rf"^(?:[^{INVISIBLE}\[]{_NO_FOOTNOTE}|{_BRACKETS}(?:\^[^\]]*|[^\[\^{DROPPED}]{_NO_FOOTNOTE})?)$"
"""Prose: a line that starts with a visible character and holds no footnote reference."""

CLOZE = r"^[^_\^]*____[^_\^]*$"
"""A cloze prompt: exactly one blank of four underscores and no other underscore, and no "^"
(which keeps footnote references out without a second pattern: a schema string has only one).
Stricter than "one blank" needs: llguidance cannot bound the length of a pattern that allows
short runs of underscores besides the blank ("Unable to determine if regex is empty"), and
then enforces nothing at all."""

LANGUAGE = r"^[A-Za-z0-9_+#.-]{1,40}$"
"""A code block's language: a name like python, r, bash or c++ (what the content model takes); its bound
in the pattern too, for servers that take patterns but not lengths (OpenAI)."""

PATTERNS = {"line": LINE, "prose": PROSE, "cloze": CLOZE, "language": LANGUAGE}


def explain(pattern: str, text: str) -> str:
    """Why `text` does not match one of PATTERNS, in the words of the re-ask."""
    if pattern == LANGUAGE:
        return "a code block's language is one name like python, r, bash or text (letters, digits, _ + # . -)"
    if pattern == CLOZE:
        if text.count("_") != len(BLANK) or BLANK not in text:
            return f"a cloze prompt has exactly one blank written {BLANK} (four underscores) and no other underscore"
        return "a cloze prompt has no '^'"
    try:
        cleaned = clean_line(text)
    except ValueError:
        return "must not be empty"
    if pattern == PROSE and FOOTNOTE_REF.search(cleaned):
        return "footnote references like [^1] belong at the end of a paragraph"
    return "must start with a visible character (no leading space or control character)"
