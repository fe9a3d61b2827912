"""What a learner tells apart in a quiz option: the contract's check on a model's options and
`courseware lint`'s check on the committed quizzes read options the same way."""

from __future__ import annotations

import re
import unicodedata

from courseware.markdown.inline import spans


# No character inline markdown reads as markup (code, math, escapes, entities, HTML, emphasis,
# links, breaks): such a text is one run of prose, and its key needs no parse.
PROSE_ONLY = re.compile(r"[^`$\\&<>*_\[\]!\n\r]*")


def option_key(text: str) -> tuple[str, ...]:
    """What a learner tells apart in an option: its prose as the contract reads it (case,
    punctuation and look-alike letters aside), its code and formulas as written, since there
    `x^2` and `x_2`, or `a == b` and `a = b`, are different answers."""
    if PROSE_ONLY.fullmatch(text):  # what the parse would find, without it (most options)
        normal = _normal(text)
        return (normal,) if normal else ()
    return _parsed_key(text)


def _parsed_key(text: str) -> tuple[str, ...]:
    key: list[str] = []
    prose: list[str] = []
    for span in [*spans(text), None]:
        if span is not None and span.kind == "text":
            prose.append(span.text)
            continue
        if "".join(prose).strip():
            key.append(_normal("".join(prose)))
        prose = []
        if span is not None:
            key.append(f"{span.kind}:{_as_written(span.text)}")
    return tuple(k for k in key if k)


def _as_written(text: str) -> str:
    """Code or a formula as a learner sees it: compatibility forms folded, invisible characters
    dropped, spacing collapsed, a non-ASCII look-alike read as the ASCII letter it imitates
    (Cyrillic а as a); case and signs kept (X and x are two variables)."""
    from disarm import skeleton_key

    visible = "".join(c for c in unicodedata.normalize("NFKC", text) if unicodedata.category(c) not in ("Cf", "Cc"))
    folded = "".join(_ascii_look_alike(c, skeleton_key) for c in visible)
    return " ".join(folded.split())


def _ascii_look_alike(char: str, skeleton_key) -> str:
    if char.isascii():
        return char
    prototype = skeleton_key(char)
    if not (prototype.isascii() and prototype.isalnum()):
        return char
    return prototype.upper() if char.isupper() else prototype  # the skeleton gives lower case


def _normal(text: str) -> str:
    """What a learner tells apart in an option: compatibility forms folded (NFKC), control and
    format characters dropped (zero-width spaces and joiners, soft hyphens), look-alike letters
    folded to one prototype by the Unicode TR39 confusable skeleton (Cyrillic а reads as Latin
    a), case and punctuation ignored. Accents are kept: côte and cote are two French words."""
    from disarm import skeleton_key  # TR39 skeleton, kept current with each Unicode version

    visible = "".join(char for char in unicodedata.normalize("NFKC", text) if unicodedata.category(char) not in ("Cf", "Cc"))
    # Case first: the skeleton alone reads a capital I as l, and "FLIPPED" would differ from "flipped".
    words = re.sub(r"[^\w\s]", " ", visible.casefold())
    return " ".join(re.sub(r"[^\w\s]", " ", skeleton_key(words)).split())  # the skeleton may map letters to signs
