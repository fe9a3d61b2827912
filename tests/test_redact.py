"""The redactor: every form of a secret masked, token-looking strings masked, prose kept, one line out."""

from __future__ import annotations

import json
from urllib.parse import quote, quote_plus

import pytest

from courseware import redact
from courseware.redact import MASK, one_line

KEY = "sk-unit/Secret+Key=0123456789"


@pytest.fixture(autouse=True)
def clean_env(monkeypatch):
    """Only the secrets a test sets: none registered, none from the environment."""
    monkeypatch.setattr(redact, "_registered", set())
    for name in list(redact.os.environ):
        if redact.SECRET_NAME.search(name):
            monkeypatch.delenv(name)
    monkeypatch.setenv("OPENAI_API_KEY", KEY)


@pytest.mark.parametrize("form", [
    KEY, KEY.upper(), KEY.lower(), quote(KEY), quote(KEY, safe=""), quote_plus(KEY), quote(KEY, safe="").lower(),
    json.dumps(KEY)[1:-1], KEY[:9] + "\n    " + KEY[9:], KEY[:9] + "\\n" + KEY[9:],
])
def test_every_form_of_the_key_is_masked(form):
    assert redact.redact(f"before {form} after") == f"before {MASK} after"


def test_secret_looking_environment_variables(monkeypatch):
    monkeypatch.setenv("GITHUB_TOKEN", "ghp_abcdefgh")
    monkeypatch.setenv("DB_PASSWORD", "correct horse")
    monkeypatch.setenv("AWS_SECRET", "s3cr3t-value")
    monkeypatch.setenv("SHORT_KEY", "1234567")  # 7 characters: too short to tell from ordinary text
    monkeypatch.setenv("HOME_DIRECTORY", "/root/courses")  # not a secret's name
    text = "ghp_ABCDEFGH correct+horse s3cr3t-value 1234567 /root/courses"
    assert redact.redact(text) == f"{MASK} {MASK} {MASK} 1234567 /root/courses"


def test_a_registered_key_stays_hidden_whatever_the_environment_says(monkeypatch):
    monkeypatch.delenv("OPENAI_API_KEY")
    redact.register("client-key-without-digits")
    redact.register("short")  # ignored: too short
    assert redact.redact("CLIENT-KEY-WITHOUT-DIGITS short") == f"{MASK} short"


@pytest.mark.parametrize(("text", "expected"), [
    ("Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.e30.abc", f"Authorization: {MASK}"),
    ("authorization: bearer%20abcdef012345", f"authorization: {MASK}"),
    ("key sk-proj-AbCdEf0123456789xyz in a log", f"key {MASK} in a log"),
    ("https://user:hunter22@llm.example/v1", f"https://{MASK}@llm.example/v1"),
    # prose keeps its words: a token needs a digit
    ("the bearer instrument is sk-learn-compatible-stuff", "the bearer instrument is sk-learn-compatible-stuff"),
])
def test_tokens_we_do_not_know_but_recognise(text, expected):
    assert redact.redact(text) == expected


def test_redact_keeps_the_layout_and_one_line_flattens_it():
    text = '{"title": "a\\nb"}\n```\n'
    assert redact.redact(text) == text
    assert one_line(f"first\n\n  second\t{KEY}\r\nthird\u202e") == f"first second {MASK} third\\u202e"
    long = one_line("word " * 200)
    assert len(long) == redact.FRAGMENT and long.endswith("…")
    assert len(redact.line("x" * 5000)) == redact.LINE
