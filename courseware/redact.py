"""Secrets out of any text that comes from a server, a model or an exception, and that text cut to one line.

One redactor for every path: the provider runs server messages and model answers through it where
they arrive, and the CLI runs every error line through it again before printing, so a path nobody
foresaw is covered too. What counts as a secret: OPENAI_API_KEY, any key a client was built with
(`register`), and any environment variable whose name ends in KEY, TOKEN, SECRET or PASSWORD, with
a value of 8 characters or more (shorter ones would blank ordinary words). Each is found exact, in
any letter case, URL-encoded (`quote`, `quote_plus`), JSON-escaped, and broken by white space or
line breaks; besides, anything that looks like a bearer token, an OpenAI-style `sk-` key or a
password in a URL goes.
"""

from __future__ import annotations

import json
import os
import re
import threading
from functools import lru_cache
from urllib.parse import quote, quote_plus

MASK = "[redacted]"
MIN_SECRET = 8
FRAGMENT = 300  # characters of a server's message kept in an error line
LINE = 2000  # the longest line the CLI prints

SECRET_NAME = re.compile(r"(KEY|TOKEN|SECRET|PASSWORD|PASSWD)$", re.IGNORECASE)
# Tokens we do not know but recognise. A digit is required so that prose ("the bearer instrument",
# "sk-learn-compatible") survives the same redactor when it runs over a model's answer.
PATTERNS = (
    re.compile(r"\bbearer(?:\s+|%20|\+)(?=[A-Za-z0-9._~+/=%-]*\d)[A-Za-z0-9._~+/=%-]{8,}", re.IGNORECASE),
    re.compile(r"\bsk-(?=[A-Za-z0-9_-]*\d)[A-Za-z0-9_-]{16,}", re.IGNORECASE),
    re.compile(r"(?<=://)[^\s/@:]+:[^\s/@]+(?=@)"),  # user:password@ in a URL
)
# Between two characters of a secret: white space, or the escapes a JSON string writes for it.
GAP = r"(?:\s|\\[nrt])*"

_registered: set[str] = set()
_lock = threading.Lock()


def register(secret: str) -> None:
    """Redact `secret` too from now on (the key a client was built with, wherever it came from)."""
    if len(secret) >= MIN_SECRET:
        with _lock:
            _registered.add(secret)


def secrets(environ: dict[str, str] | None = None) -> frozenset[str]:
    """Every secret value to hide: the registered keys and the secret-looking environment variables."""
    env = os.environ if environ is None else environ
    found = {value for name, value in env.items() if SECRET_NAME.search(name) and len(value) >= MIN_SECRET}
    with _lock:
        found |= _registered
    return frozenset(found)


@lru_cache(maxsize=8)
def _pattern(values: frozenset[str]) -> re.Pattern[str] | None:
    forms = {form for value in values for form in (value, quote(value), quote(value, safe=""), quote_plus(value), json.dumps(value)[1:-1])}
    if not forms:
        return None
    # Longest first, so that a form containing another is removed whole.
    alternatives = [GAP.join(re.escape(char) for char in form) for form in sorted(forms, key=lambda f: (-len(f), f))]
    return re.compile("|".join(alternatives), re.IGNORECASE)


def redact(text: str) -> str:
    """`text` with every secret (in any of its forms) and every token-looking string masked; layout kept."""
    pattern = _pattern(secrets())
    if pattern is not None:
        text = pattern.sub(MASK, text)
    for known in PATTERNS:
        text = known.sub(MASK, text)
    return text


def one_line(text: str, limit: int = FRAGMENT) -> str:
    """`text` redacted, white space collapsed to single spaces, control characters shown as escapes,
    and cut to `limit` characters: what an error line may quote of a server's or an exception's text."""
    flat = " ".join(redact(text).split())
    if not flat.isprintable():
        flat = "".join(char if char.isprintable() else repr(char)[1:-1] for char in flat)
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"


def line(text: str) -> str:
    """A line the CLI prints: redacted and kept to one line of at most LINE characters."""
    return one_line(text, LINE)
