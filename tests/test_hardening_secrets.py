"""Hardening: secrets are never printed or written. The fake server echoes the request's
Authorization header (the API key) into a refusal, a 400 message, a 403 and into the answer
content, exactly, URL-encoded, upper-cased and broken over lines; a build through the CLI must
print no form of the key on any line, keep every error to one line, and write the key into no file
under output/ or the response cache. The CLI's own printing redacts too, for paths nobody foresaw.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import quote, quote_plus

import pytest

from conftest import SAMPLE
from courseware.errors import CoursewareError
from courseware.redact import MASK
from fake_openai import ECHO_FORMS, FakeOpenAI

SPEC = f"course_specs/{SAMPLE}.yaml"
# '/', '+' and '=' change under URL encoding, so the encoded forms differ from the key itself.
KEY = "sk-test/Very+Secret=Key_0123456789"
SUMMARY = f"{SAMPLE}: 1 task(s) failed; what finished is saved, rerun to do the rest"


def key_forms(key: str) -> list[str]:
    """Every spelling of `key` that must not appear, case aside."""
    return [key, quote(key), quote(key, safe=""), quote_plus(key)]


def leaks(text: str, key: str = KEY) -> bool:
    """True when some form of `key` is in `text`, in any case, even broken by white space or JSON escapes."""
    squeezed = re.sub(r"(?:\s|\\[nrt])+", "", text).casefold()
    return any(form.casefold() in squeezed for form in key_forms(key))


@pytest.fixture
def server():
    with FakeOpenAI() as fake:
        yield fake


@pytest.fixture
def llm_env(monkeypatch, server, project):
    monkeypatch.setenv("OPENAI_API_KEY", KEY)
    monkeypatch.setenv("COURSEWARE_RETRY_BASE", "0.01")
    for name in ("OPENAI_BASE_URL", "COURSEWARE_MODEL", "COURSEWARE_BASE_URL", "COURSEWARE_PROVIDER", "COURSEWARE_CACHE"):
        monkeypatch.delenv(name, raising=False)
    return server


def build(cli, server):
    return cli("build", SPEC, "--provider", "openai", "--model", "fake-model", "--base-url", server.base_url, "--jobs", "1", "--formats", "markdown,html")


def assert_nothing_leaked(result) -> None:
    assert not leaks(result.stdout) and not leaks(result.stderr), result.stderr
    for folder in (Path("output"), Path(".courseware")):
        for path in folder.rglob("*"):
            if path.is_file():
                assert not leaks(path.read_text("utf-8", errors="replace")), path


def test_the_leak_check_sees_every_form():
    assert all(leaks(f"x {form.upper()} y") for form in key_forms(KEY))
    assert leaks(KEY[:10] + "\n  " + KEY[10:]) and leaks(KEY[:10] + "\\n" + KEY[10:])
    assert not leaks(f"x {MASK} y")


@pytest.mark.parametrize("form", ECHO_FORMS)
def test_refusal_echoing_the_key(cli, llm_env, form):
    server = llm_env
    server.script.append(f"echo-refusal-{form}")
    result = build(cli, server)
    assert result.exit_code == 3
    first, summary = result.stderr.splitlines()  # the error is one line, whatever the server sent
    assert summary == SUMMARY
    assert first.startswith("course/overview: the model refused: I can't help with that request. ") and MASK in first, first
    if form == "exact":
        assert first == f"course/overview: the model refused: I can't help with that request. Authorization: Bearer {MASK}"
    assert_nothing_leaked(result)


@pytest.mark.parametrize("form", ECHO_FORMS)
def test_400_echoing_the_key(cli, llm_env, form):
    server = llm_env
    server.script.append(f"echo-400-{form}")
    result = build(cli, server)
    assert result.exit_code == 3
    first, summary = result.stderr.splitlines()
    assert summary == SUMMARY
    assert first.startswith("course/overview: the server rejected the request (400): Invalid request. ") and MASK in first, first
    assert "structured_output" not in first  # the hint only comes with a 400 about response_format
    if form == "upper":
        assert first == f"course/overview: the server rejected the request (400): Invalid request. AUTHORIZATION: BEARER {MASK}"
    assert_nothing_leaked(result)


@pytest.mark.parametrize("form", ECHO_FORMS)
def test_403_echoing_the_key(cli, llm_env, form):
    server = llm_env
    server.script.append(f"echo-403-{form}")
    result = build(cli, server)
    assert result.exit_code == 3 and server.calls == 1  # fatal: no other task started
    first, summary = result.stderr.splitlines()
    assert summary == SUMMARY
    assert first.startswith(f"the server at {server.base_url} denied access (403): Access denied. ") and MASK in first, first  # about the server: no task named
    if form == "lines":
        assert first == f"the server at {server.base_url} denied access (403): Access denied. the request had these headers: Authorization: Bearer {MASK} (end of headers)"
    assert_nothing_leaked(result)


@pytest.mark.parametrize("form", ECHO_FORMS)
def test_answer_content_echoing_the_key(cli, llm_env, form):
    server = llm_env
    server.script.append(f"echo-content-{form}")
    result = build(cli, server)
    assert (result.exit_code, result.stderr) == (0, "")
    overview = Path("output", SAMPLE, "content", "course.md").read_text("utf-8")
    assert "Authorization" in overview.replace("AUTHORIZATION", "Authorization") and MASK in overview  # the echo arrived, masked
    assert_nothing_leaked(result)
    server.reset_counters()
    assert build(cli, server).exit_code == 0 and server.calls == 0  # what was cached is the redacted answer, and it is valid


def test_cache_entry_from_before_redaction_is_redacted_on_reading(cli, llm_env):
    server = llm_env
    server.script.append("echo-content-exact")
    assert build(cli, server).exit_code == 0
    entries = list(Path(".courseware/cache").rglob("*.json"))
    entry = next(p for p in entries if MASK in p.read_text("utf-8"))
    entry.write_text(entry.read_text("utf-8").replace(MASK, KEY), "utf-8")  # as an older version wrote it
    Path("output", SAMPLE, "content", "course.md").unlink()
    server.reset_counters()
    result = build(cli, server)
    assert result.exit_code == 0 and server.calls == 0
    assert not leaks(Path("output", SAMPLE, "content", "course.md").read_text("utf-8"))


def test_the_cli_redacts_what_no_source_did(cli, project, monkeypatch):
    """An error raised on a path nobody foresaw, carrying the key and an environment token: the CLI's printing masks both."""
    import courseware.build

    monkeypatch.setenv("OPENAI_API_KEY", KEY)
    monkeypatch.setenv("MY_SERVICE_TOKEN", "tok-4f9a8b7c6d")
    monkeypatch.setenv("SHORT_KEY", "abc")  # too short to be told from ordinary text: kept

    def unforeseen(path, options):
        raise CoursewareError(f"{path}: the mirror said {quote_plus('Bearer ' + KEY.upper())} and tok-4F9A8B7C6D and abc")

    monkeypatch.setattr(courseware.build, "build", unforeseen)
    result = cli("build", SPEC)
    assert (result.exit_code, result.stderr) == (1, f"{SPEC}: the mirror said Bearer+{MASK} and {MASK} and abc\n")

