"""A fake OpenAI-compatible HTTP server for tests and benchmarks.

HTTP mocking libraries patch a transport inside the process and cannot see the
client the official `openai` SDK builds for itself, so this is a real server on
127.0.0.1 (standard library only) that a real SDK client talks to over real HTTP:

    with FakeOpenAI(latency=0.05) as server:
        client = openai.OpenAI(base_url=server.base_url, api_key="sk-test")
        client.chat.completions.create(model="fake-model", messages=[...])
        assert server.completed == 1

`POST /v1/chat/completions` answers with a JSON instance of the schema the
request asks for, derived deterministically from the model, the first system
message and the first user message (so a re-ask conversation gets the same
answer). The schema comes from `response_format` (json_schema mode) or from the
last message with a ```json fenced block after the words "JSON schema"
(json_object mode answers bare JSON, no response_format answers in a fence).

Instances (`values="fixed"`, the default): objects list every property, arrays
have 3 items (1 for arrays of integers), enums take their first value except a
property named `kind`, which cycles by item index, as do the branches of an
anyOf, except a union of blocks tagged by `type`: null when it allows it, else
its first branch (articles are paragraphs, slides have no visual); plain strings
are `Fake text <12 hex>`, all distinct and of one length.
Prompt conventions: `objective` is taken from an `Objective ids: LO1, LO2` line
of the first user message, a cloze item's `prompt` gets a ` ____ ` blank, and a
true_false item's `correct_answer` is "true".

`values="arbitrary"` answers anything the schema allows, as constrained decoding
does: a random anyOf branch and enum value, random list lengths and integers
within their bounds, random strings (letters, digits, punctuation, spaces, line
breaks, controls, accents, CJK, Arabic, emoji) of random length within
minLength/maxLength, or generated from the `pattern`. The randomness is seeded by
`seed` and the whole request body, so a re-ask gets a new draw and a build is
reproducible. What a schema cannot say is done the way the quiz prompt asks a
model to (ArbitraryMaker._conventions): a multiple-choice item's options differ after
folding case, punctuation and invisible characters, none is "all/none of the
above", and the right answer is not the one longest option.

Translation requests (a first user message holding "The texts to translate, by id:" and a
```json object of texts, the target's `BCP 47 tag "fr"`, and glossary lines `  - term → target`)
are answered in the target language whatever the schema mode: each text becomes a sentence in
that language (TRANSLATED: French, Arabic, Spanish, German; short texts a short one) carrying
every placeholder of the source text in order (`<x1/>`, `<g2>word</g2>`) and the approved target
of every glossary term the source text contains, so the provider's checks pass for real (lingua
detects the language). `translation_faults` (a deque consumed one per translation request, None
= answer normally) spoils one answer: "placeholder" drops the first placeholder of the first text
that has one, "glossary" leaves out the glossary terms, "language" answers in English, "missing"
leaves out the last text.

`answer` (None by default) is a hook for crafted answers: a function called with
the request body and the normal answer content, returning the content to send
instead (answer-level faults still apply to what it returns).

Faults are injected per request, first from `script` (a deque consumed one per
request, None = answer normally), then with probability `fault_rate`, decided
by hashing (seed, request number). See FAULTS for the kinds; the `echo-*` ones
(ECHO_FAULTS) play a server that echoes the request's Authorization header back.

Counters (`calls`, `completed`, `tokens`, `requests`, `headers` with
lower-cased names, `in_flight_max`) are updated under a lock; a response is
counted before it is written, so a client that has it sees it counted. An
answer echoes the request's model; "developer" messages count as system ones. `GET /v1/models` lists the model,
`GET /_stats` returns the counters as JSON.
"""

from __future__ import annotations

import collections
import functools
import hashlib
import json
import math
import random
import re
import socket
import unicodedata
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from collections.abc import Callable
from typing import Any
from urllib.parse import quote, quote_plus

try:
    import re._parser as sre_parse  # Python 3.11+
except ImportError:  # pragma: no cover
    import sre_parse  # type: ignore[no-redef]

CHAT_PATH = "/v1/chat/completions"
BLANK = "____"
REFUSAL = "I can't help with that request."
DEFAULT_SCHEMA = {"type": "object", "properties": {"text": {"type": "string"}}}
"""Answered when a request carries no schema at all."""

ARRAY_LENGTH = 3
POLL_INTERVAL = 0.01
"""How often the serve loop checks for stop(): the longest stop() waits for it."""
STOP_TIMEOUT = 5.0
"""How long stop() waits for a handler thread to end before it calls that a bug of the fake."""
MAX_DEPTH = 32
OBJECTIVES_LINE = re.compile(r"^\s*Objective ids:\s*(.*?)\s*$", re.MULTILINE)

ECHO_PLACES = ("refusal", "400", "403", "content")
ECHO_FORMS = ("exact", "quoted", "quoted_plus", "upper", "lines")
ECHO_FAULTS = tuple(f"echo-{place}-{form}" for place in ECHO_PLACES for form in ECHO_FORMS)
"""A server that echoes the request's Authorization header (`echoed`) into a refusal, a 400 or
403 error message, or the answer's content (into its first string, so the answer stays valid)."""

FAULTS = (
    "429", "500", "503", "slow", "drop", "malformed", "length", "refusal",
    "invalid", "empty", "401", "404", "quota", "400", *ECHO_FAULTS,
    "runaway-space", "runaway-repeat", "context-full", "400-context", "400-other",
)  # fmt: skip
"""Every fault name `script` and `fault_kinds` accept."""


def _error(message: str, type_: str, code: str | None = None, param: str | None = None) -> dict:
    """An OpenAI-style error body."""
    return {"error": {"message": message, "type": type_, "param": param, "code": code}}


STATIC_ERRORS: dict[str, tuple[int, dict]] = {
    "429": (429, _error("Rate limit reached for requests", "requests", "rate_limit_exceeded")),
    "500": (500, _error("The server had an error while processing your request.", "server_error")),
    "503": (503, _error("The engine is currently overloaded, please try again later.", "server_error")),
    "401": (
        401,
        _error(
            "Incorrect API key provided: sk-****. You can find your API key at "
            "https://platform.openai.com/account/api-keys.",
            "invalid_request_error",
            "invalid_api_key",
        ),
    ),
    "quota": (
        429,
        _error(
            "You exceeded your current quota, please check your plan and billing details.",
            "insufficient_quota",
            "insufficient_quota",
        ),
    ),
    "400": (
        400,
        _error("Invalid schema for response_format", "invalid_request_error", param="response_format"),
    ),
    "400-context": (  # what llama.cpp answers when the prompt is larger than its context
        400,
        {"error": {"code": 400, "message": "request (2410 tokens) exceeds the available context size (2048 tokens), try increasing it",
                   "type": "exceed_context_size_error", "n_prompt_tokens": 2410, "n_ctx": 2048}},
    ),
    "400-other": (400, _error("Invalid value for 'temperature': must be at most 2.", "invalid_request_error", param="temperature")),
}
"""Faults answered with a fixed status and error body (404 depends on the request's model)."""


# --------------------------------------------------------------------------- requests


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _text(content: Any) -> str:
    """The text of a message's content: a string, or a list of content parts."""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return "".join(p.get("text", "") for p in content if isinstance(p, dict))
    return ""


def _first(messages: list[dict], roles: tuple[str, ...]) -> str:
    """The text of the first message with one of `roles`, or ""."""
    for message in messages:
        if message.get("role") in roles:
            return _text(message.get("content"))
    return ""


def _system(messages: list[dict]) -> str:
    return _first(messages, ("system", "developer"))


def _user(messages: list[dict]) -> str:
    return _first(messages, ("user",))


def request_seed(body: dict, model: str) -> str:
    """sha256 of model + first system message + FIRST user message (later turns are ignored)."""
    messages = body.get("messages") or []
    return _sha(model + _system(messages) + _user(messages))


def objective_ids(messages: list[dict]) -> list[str]:
    """The ids on an `Objective ids: LO1, LO2` line of the first user message."""
    found = OBJECTIVES_LINE.search(_user(messages))
    if not found:
        return []
    return [part.strip() for part in found.group(1).split(",") if part.strip()]


def _fenced_schema(text: str) -> dict | None:
    """The ```json block that follows the words "JSON schema" in `text`, parsed."""
    at = text.lower().find("json schema")
    start = text.find("```json\n", at) if at >= 0 else -1
    if start < 0:
        return None
    start += len("```json\n")
    end = text.find("\n```", start)
    if end < 0:
        return None
    try:
        schema = json.loads(text[start:end])
    except ValueError:
        return None
    return schema if isinstance(schema, dict) else None


def find_schema(body: dict) -> tuple[dict, str]:
    """(schema, mode) where mode is "json_schema", "json_object" or "fenced" (no response_format)."""
    response_format = body.get("response_format") or {}
    if response_format.get("type") == "json_schema":
        return response_format.get("json_schema", {}).get("schema") or DEFAULT_SCHEMA, "json_schema"
    mode = "json_object" if response_format.get("type") == "json_object" else "fenced"
    for message in reversed(body.get("messages") or []):
        schema = _fenced_schema(_text(message.get("content")))
        if schema is not None:
            return schema, mode
    return DEFAULT_SCHEMA, mode


# --------------------------------------------------------------------------- instances


def fake_text(seed: str, path: str) -> str:
    """A distinct string per (seed, path), always the same length."""
    return f"Fake text {_sha(seed + path)[:12]}"


def with_blank(text: str) -> str:
    """`text` with a cloze blank in the middle."""
    middle = len(text) // 2
    return f"{text[:middle]} {BLANK} {text[middle:]}"


def resolve(root: dict, schema: dict) -> dict:
    """Follow `$ref`s to `#/$defs/...` (or `#/definitions/...`), keeping sibling keywords."""
    for _ in range(MAX_DEPTH):
        ref = schema.get("$ref")
        if not isinstance(ref, str) or not ref.startswith("#/"):
            return schema
        target: Any = root
        for part in ref[2:].split("/"):
            target = target[part]
        schema = {**target, **{k: v for k, v in schema.items() if k != "$ref"}}
    return schema


def _type(schema: dict) -> str:
    """The schema's (first non-null) type, inferred when absent."""
    declared = schema.get("type")
    if isinstance(declared, list):
        declared = next((t for t in declared if t != "null"), "null")
    if declared:
        return declared
    if "properties" in schema:
        return "object"
    return "array" if "items" in schema else "string"


def _branch(branches: list[dict], index: int) -> dict:
    """The non-null branch for an array item's index, cycling (one branch per quiz kind gives every
    kind), except in a union of blocks tagged by `type`: its first branch (a section's blocks are
    paragraphs), or null where it may be (a slide shows no visual)."""
    usable = [b for b in branches if b.get("type") != "null"] or branches
    if all("type" in (b.get("properties") or {}) for b in usable):
        return next((b for b in branches if b.get("type") == "null"), usable[0])
    return usable[index % len(usable)]


def _quiz_conventions(item: dict) -> dict:
    """A cloze item's prompt gets a blank; a true_false item's correct_answer is "true"."""
    if item.get("kind") == "cloze" and isinstance(item.get("prompt"), str):
        item["prompt"] = with_blank(item["prompt"])
    if item.get("kind") == "true_false" and isinstance(item.get("correct_answer"), str):
        item["correct_answer"] = "true"
    return item


def _every_objective(instance: Any, objectives: list[str]) -> Any:
    """A quiz's items assess the lesson's objectives in turn, as the prompt asks (a rule code
    checks, no schema can state): the random objective of each item is replaced, in the enum."""
    items = instance.get("items") if isinstance(instance, dict) else None
    if objectives and isinstance(items, list):
        for n, item in enumerate(items):
            if isinstance(item, dict) and item.get("objective") in objectives:
                item["objective"] = objectives[n % len(objectives)]
    return instance


def _clamp(value: float, schema: dict) -> float:
    maximum = schema.get("maximum")
    return min(value, maximum) if maximum is not None else value


class InstanceMaker:
    """Builds a deterministic JSON instance of a JSON schema (see the module docstring)."""

    def __init__(self, root: dict, seed: str, objectives: list[str]):
        self.root = root
        self.seed = seed
        self.objectives = objectives

    def make(self, schema: dict, path: str = "$", index: int = 0, name: str | None = None, depth: int = 0) -> Any:
        """An instance of `schema` at JSON `path`; `index` is the enclosing array item's index."""
        schema = self._resolve(schema)
        if depth > MAX_DEPTH:
            return None
        if "const" in schema:
            return schema["const"]
        if schema.get("enum"):
            return self._enum(schema["enum"], name, index)
        branches = schema.get("anyOf") or schema.get("oneOf") or schema.get("allOf")
        if branches:
            return self.make(_branch(branches, index), path, index, name, depth + 1)
        kind = _type(schema)
        if kind == "object":
            return self._object(schema, path, index, depth)
        if kind == "array":
            return self._array(schema, path, depth)
        if kind == "string":
            return self._string(path, index, name)
        return self._scalar(kind, schema)

    def _resolve(self, schema: dict) -> dict:
        return resolve(self.root, schema)

    @staticmethod
    def _enum(values: list, name: str | None, index: int) -> Any:
        """`kind` and `objective` cycle through the enum by item index (so a quiz has every kind and
        assesses every objective, as the prompt asks); others take the first."""
        return values[index % len(values)] if name in ("kind", "objective") else values[0]

    def _object(self, schema: dict, path: str, index: int, depth: int) -> dict:
        result = {
            key: self.make(sub, f"{path}.{key}", index, key, depth + 1)
            for key, sub in (schema.get("properties") or {}).items()
        }
        return _quiz_conventions(result)

    def _array(self, schema: dict, path: str, depth: int) -> list:
        items = self._resolve(schema.get("items") or {})
        return [self.make(items, f"{path}[{i}]", i, None, depth + 1) for i in range(self._length(schema, items))]

    def _length(self, schema: dict, items: dict) -> int:
        """3 items clipped to [minItems, maxItems]; arrays of integers (citations) get one."""
        low = schema.get("minItems") or 0
        high = schema.get("maxItems")
        wanted = 1 if _type(items) == "integer" else ARRAY_LENGTH
        return max(low, min(wanted, high if high is not None else wanted))

    def _string(self, path: str, index: int, name: str | None) -> str:
        if name == "objective" and self.objectives:
            return self.objectives[index % len(self.objectives)]
        return fake_text(self.seed, path)

    @staticmethod
    def _scalar(kind: str, schema: dict) -> Any:
        if kind == "integer":
            low = schema.get("minimum")
            if low is None and schema.get("exclusiveMinimum") is not None:
                low = math.floor(schema["exclusiveMinimum"]) + 1
            return int(_clamp(low if low is not None else 1, schema))
        if kind == "number":
            low = schema.get("minimum")
            return _clamp(low if low is not None else 0.5, schema)
        if kind == "boolean":
            return True
        return None


def answer_content(body: dict, model: str, values: str = "fixed", seed: int = 0, spoil: str | None = None) -> str:
    """The normal answer's message content for a chat request body (`spoil`: a translation fault)."""
    schema, mode = find_schema(body)
    messages = body.get("messages") or []
    request = translation_request(_user(messages))
    if request is not None:
        text = json.dumps(translate(*request, spoil), ensure_ascii=False)
        return f"```json\n{text}\n```" if mode == "fenced" else text
    if values == "arbitrary":
        rng = random.Random(_sha(f"{seed}:" + json.dumps(body, sort_keys=True, ensure_ascii=False)))
        instance = _every_objective(ArbitraryMaker(schema, rng, vocabulary(messages)).make(schema), objective_ids(messages))
    else:
        instance = InstanceMaker(schema, request_seed(body, model), objective_ids(messages)).make(schema)
    text = json.dumps(instance, ensure_ascii=False)
    return f"```json\n{text}\n```" if mode == "fenced" else text


# --------------------------------------------------------------------------- translations

TEXTS_BLOCK = re.compile(r"The texts to translate, by id:\n```json\n(.*?)\n```", re.DOTALL)
TARGET_TAG = re.compile(r'BCP 47 tag "([^"]+)"\)')
GLOSSARY_LINE = re.compile(r"^  - (.+?) → (.+)$", re.MULTILINE)
PLACEHOLDER = re.compile(r"<x\d+/>|<g\d+>|</g\d+>")
TRANSLATION_FAULTS = ("placeholder", "glossary", "language", "missing")
# (a sentence, a short text, a link's word) per language: sentences lingua tells apart for sure.
TRANSLATED = {
    "fr": ("Ce texte est la traduction française du passage numéro {n}, écrite avec soin pour les étudiants.", "Texte {n} traduit en français", "lien"),
    "ar": ("هذا النص هو الترجمة العربية للفقرة رقم {n} وقد كتبت بعناية من أجل الطلاب.", "النص {n} مترجم إلى العربية", "رابط"),
    "es": ("Este texto es la traducción española del pasaje número {n}, escrita con cuidado para los estudiantes.", "Texto {n} traducido al español", "enlace"),
    "de": ("Dieser Text ist die deutsche Übersetzung des Abschnitts Nummer {n}, sorgfältig für die Studierenden geschrieben.", "Text {n} ins Deutsche übersetzt", "Verweis"),
}
ENGLISH = ("This text is still the English original of passage number {n}, written with care for the students.", "Text {n} still in English", "link")
SHORT = 40  # source texts shorter than this get the short translation


def translation_request(prompt: str) -> tuple[dict[str, str], str, list[tuple[str, str]]] | None:
    """(texts by id, target tag, glossary pairs) of a translation prompt, or None for any other."""
    texts, tag = TEXTS_BLOCK.search(prompt), TARGET_TAG.search(prompt)
    if not texts or not tag:
        return None
    try:
        parsed = json.loads(texts.group(1))
    except ValueError:
        return None
    return parsed, tag.group(1), GLOSSARY_LINE.findall(prompt[: texts.start()])


def translate(texts: dict[str, str], tag: str, glossary: list[tuple[str, str]], spoil: str | None = None) -> dict[str, str]:
    """Each text as a sentence in language `tag` with the source's placeholders and glossary targets."""
    sentence, short, word = ENGLISH if spoil == "language" else TRANSLATED.get(tag.split("-")[0].lower(), ENGLISH)
    out: dict[str, str] = {}
    dropped = False
    for n, (key, text) in enumerate(texts.items(), start=1):
        marks = PLACEHOLDER.findall(text)
        if spoil == "placeholder" and marks and not dropped:  # the first placeholder (both tags of a link) goes
            number = re.search(r"\d+", marks[0]).group()
            marks, dropped = [m for m in marks if re.search(r"\d+", m).group() != number], True
        parts = [(short if len(text) < SHORT else sentence).format(n=n)]
        for mark in marks:
            parts.append(mark + word if mark.startswith("<g") and not mark.startswith("</") else mark)
        if spoil != "glossary":
            parts += [target for term, target in glossary if term.casefold() in text.casefold()]
        out[key] = re.sub(r" (</g\d+>)", r"\1", " ".join(parts))
    if spoil == "missing":
        out.pop(next(reversed(out)))
    return out


# --------------------------------------------------------------------------- arbitrary instances

ALPHABET = (
    "abcdefghijklmnopqrstuvwxyz" * 4 + "ABCDEFGHIJKLMNOPQRSTUVWXYZ" * 2 + "0123456789" * 2 + " " * 40
    + "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~" + "\t\n\r\x00\x01\x1b\x7f\x85\u00a0\u200b\u202e\u2028"
    + "éèçàüöñøåßÉÇ«»—’…" + "中文字学习" + "عربيةتعلم" + "😀🎓"
)  # fmt: skip
"""What arbitrary strings are made of: mostly words and spaces, and every kind of character a
model could emit where the schema allows it."""
UNBOUNDED_LENGTH = 80  # a string or list with no upper bound gets at most this many more than its minimum
PATTERN_TRIES = 200
BANNED = re.compile(r"\b(all|none|both|neither) of the (above|options|answers)\b", re.IGNORECASE)


def option_key(text: str) -> str:
    """How the fake tells options apart: compatibility forms, case, punctuation and invisible characters folded."""
    visible = "".join(c for c in unicodedata.normalize("NFKC", text) if unicodedata.category(c) not in ("Cc", "Cf"))
    return " ".join(re.sub(r"[^\w\s]|_", " ", visible.casefold()).split())


PASSAGE_LINE = re.compile(r"^\[\d+\] \(.*$", re.MULTILINE)


def vocabulary(messages: list[dict]) -> dict[int, list[str]]:
    """The words of the request's source passages (lines `[1] (source § section) text`, in the
    course's language, where the instructions around them are in English), by length; the
    words of its user messages when it has no passages."""
    texts = [_text(m.get("content")) for m in messages if m.get("role") == "user"]
    passages = [line for text in texts for line in PASSAGE_LINE.findall(text)]
    words: dict[int, list[str]] = {}
    for word in dict.fromkeys(re.findall(r"[^\W\d_]+", "\n".join(passages or texts))):
        words.setdefault(len(word), []).append(word)
    return words


class ArbitraryMaker:
    """Builds a random JSON instance of a JSON schema (see the module docstring). Runs of letters
    in a random string become words of the prompt of the same length where there is one: the
    characters stay arbitrary, the words are in the course's language, as the prompt asks."""

    def __init__(self, root: dict, rng: random.Random, words: dict[int, list[str]] | None = None):
        self.root = root
        self.rng = rng
        self.words = words or {}

    def _in_language(self, text: str) -> str:
        # What cleaning drops (controls, bidi and zero-width characters) between letters would join
        # them into one word: such a run counts as one word here too.
        return re.sub(r"[^\W\d_]+(?:[\x00-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069]+[^\W\d_]+)*", lambda m: self._words(len(m.group())) or m.group(), text) if self.words else text

    def _words(self, length: int) -> str:
        """Words of the prompt, separated by spaces, exactly `length` characters long ('' if none fit)."""
        out, left = [], length
        while left > 0:
            fitting = [n for n in self.words if n <= left and (n == left or n <= left - 2)]
            if not fitting:
                return ""
            n = left if left in self.words and self.rng.random() < 0.5 else self.rng.choice(fitting)
            out.append(self.rng.choice(self.words[n]))
            left -= n + (1 if left > n else 0)
        return " ".join(out)

    def make(self, schema: dict, depth: int = 0) -> Any:
        schema = resolve(self.root, schema)
        if depth > MAX_DEPTH:
            return None
        if "const" in schema:
            return schema["const"]
        if schema.get("enum"):
            return self.rng.choice(schema["enum"])
        branches = schema.get("anyOf") or schema.get("oneOf")
        if branches:
            return self.make(self.rng.choice(branches), depth + 1)
        kind = _type(schema)
        if kind == "object":
            properties = schema.get("properties") or {}
            required = set(schema.get("required", properties))
            chosen = [k for k in properties if k in required or self.rng.random() < 0.5]
            return self._conventions({k: self.make(properties[k], depth + 1) for k in chosen}, schema)
        if kind == "array":
            items = schema.get("items") or {}
            return [self.make(items, depth + 1) for _ in range(self._count(schema, "minItems", "maxItems"))]
        if kind == "string":  # in words of the prompt where the pattern allows them (a language name has no spaces)
            text = self.string(schema)
            worded = self._in_language(text)
            return worded if "pattern" not in schema or re.fullmatch(schema["pattern"], worded) else text
        if kind == "integer":
            low, high = schema.get("minimum", -10**6), schema.get("maximum", 10**6)
            return self.rng.randint(low, high)
        if kind == "number":
            return self.rng.uniform(schema.get("minimum", -1e6), schema.get("maximum", 1e6))
        if kind == "boolean":
            return self.rng.random() < 0.5
        return None

    def _count(self, schema: dict, least: str, most: str) -> int:
        low = schema.get(least) or 0
        return self.rng.randint(low, schema.get(most, low + UNBOUNDED_LENGTH))

    def string(self, schema: dict) -> str:
        """A random string within the schema's lengths, matching its pattern if it has one."""
        low, pattern = schema.get("minLength") or 0, schema.get("pattern")
        high = schema.get("maxLength", low + UNBOUNDED_LENGTH)
        if pattern is None:
            return "".join(self.rng.choice(ALPHABET) for _ in range(self.rng.randint(low, high)))
        emit = _program(pattern)
        for _ in range(PATTERN_TRIES):
            out: list[str] = []
            emit(self.rng, out, self.rng.randint(low, high), False)
            text = "".join(out)
            if low <= len(text) <= high:
                if not re.fullmatch(pattern, text):
                    raise AssertionError(f"fake server bug: {text!r} does not match {pattern!r}")
                return text
        raise ValueError(f"no string of {low} to {high} characters found for pattern {pattern!r}")

    def _conventions(self, item: dict, schema: dict) -> dict:
        """A multiple-choice item as the quiz prompt asks for it: options that differ once case,
        punctuation and invisible characters are folded, none "all/none of the above", and a
        right answer that is not the one longest (else it trades places with the longest)."""
        if item.get("kind") != "multiple_choice" or not isinstance(item.get("distractors"), list) or not item.get("distractors"):
            return item
        properties = schema.get("properties") or {}
        option = resolve(self.root, properties["distractors"].get("items") or {})
        for _ in range(100):
            texts = [item["correct_answer"], *item["distractors"]]
            keys = [option_key(t) for t in texts]
            clash = next((n for n in range(1, len(texts)) if keys[n] in keys[:n] or BANNED.search(texts[n])), None)
            if clash is None and not BANNED.search(texts[0]):
                break
            if clash is None:
                item["correct_answer"] = self.string(option)
            else:
                item["distractors"][clash - 1] = self.string(option)
        longest = max(range(len(item["distractors"])), key=lambda n: len(item["distractors"][n].strip()))
        if len(item["correct_answer"].strip()) > len(item["distractors"][longest].strip()):
            item["correct_answer"], item["distractors"][longest] = item["distractors"][longest], item["correct_answer"]
        return item


def _parsed(pattern: str) -> Any:
    """The pattern as nested (name, argument) pairs (what _compile makes its program of): sre_parse's
    tree with the names as strings and each character class as the set of ALPHABET and listed
    characters it accepts."""
    return _plain(sre_parse.parse(pattern))


# A pattern's program: emit(rng, out, target, nested) appends a random match of it to `out` (one
# character an entry), aiming at `target` characters. Compiled once per pattern into closures, as
# the strings run to thousands of characters, one random draw or two a character.
Emit = Callable[[random.Random, list[str], int, bool], None]


@functools.lru_cache(maxsize=64)
def _program(pattern: str) -> Emit:
    return _compile(_parsed(pattern))


def _compile(items: list[tuple[str, Any]]) -> Emit:
    steps = [_step(name, arg) for name, arg in items]
    if len(steps) == 1:
        return steps[0]

    def sequence(rng: random.Random, out: list[str], target: int, nested: bool) -> None:
        for step in steps:
            step(rng, out, target, nested)

    return sequence


def _step(name: str, arg: Any) -> Emit:
    if name == "LITERAL":
        return lambda rng, out, target, nested: out.append(arg)
    if name == "CHAR":
        accepted, candidates, what = arg
        return lambda rng, out, target, nested: out.append(_char(rng, accepted, candidates, what))
    if name == "SUBPATTERN":
        return _compile(arg)
    if name == "BRANCH":
        branches = [_compile(branch) for branch in arg]

        def branch(rng: random.Random, out: list[str], target: int, nested: bool) -> None:
            # The first alternative most often: the plain text in the patterns here.
            (branches[0] if rng.random() < 0.7 else rng.choice(branches))(rng, out, target, nested)

        return branch
    low, high, sub = arg  # REPEAT
    body, one_literal = _compile(sub), len(sub) == 1 and sub[0][0] == "LITERAL"

    def repeat(rng: random.Random, out: list[str], target: int, nested: bool) -> None:
        # An outer repeat of more than one literal usually runs up to the target length (the body
        # of the text); other repeats stay short, so runs like "[[[[" are there but do not take over.
        fill = not nested and not one_literal and rng.random() < 0.8
        count = 0
        while count < low or (count < high and (len(out) < target if fill else rng.random() < 0.25)):
            body(rng, out, target, True)
            count += 1

    return repeat


def _char(rng: random.Random, accepted: frozenset[str], candidates: list[str], what: str) -> str:
    """A random character the regex element accepts (from ALPHABET, or one the class lists)."""
    for _ in range(1000):
        char = rng.choice(candidates) if candidates and rng.random() < 0.5 else ALPHABET[_below(rng, len(ALPHABET))]
        if char in accepted:
            return char
    raise ValueError(f"fake server: no character found for {what}")


def _below(rng: random.Random, n: int) -> int:
    """The index rng.choice draws from a sequence of n (the same numbers from the same bits), in one
    call instead of its two: this runs for every character of every arbitrary string."""
    bits = n.bit_length()
    index = rng.getrandbits(bits)
    while index >= n:
        index = rng.getrandbits(bits)
    return index


def _plain(items: Any) -> list[tuple[str, Any]]:
    out: list[tuple[str, Any]] = []
    for op, arg in items:
        name = str(op)
        if name == "LITERAL":
            out.append((name, chr(arg)))
        elif name in ("NOT_LITERAL", "ANY", "IN"):
            out.append(("CHAR", _element(name, arg)))
        elif name == "BRANCH":
            out.append((name, [_plain(branch) for branch in arg[1]]))
        elif name == "SUBPATTERN":
            out.append((name, _plain(arg[-1])))
        elif name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"):
            low, high, sub = arg
            out.append(("REPEAT", (low, high, _plain(sub))))
        elif name != "AT":  # ^ and $: the whole string is generated anyway
            raise ValueError(f"fake server: regex construct {name} is not supported")
    return out


def _element(name: str, arg: Any) -> tuple[frozenset[str], list[str], str]:
    """(the characters of ALPHABET and of the class's list it accepts, the characters a non-negated
    class lists, what it is) for a parsed regex element."""
    members = list(arg) if name == "IN" else []
    negated = any(str(o) == "NEGATE" for o, _ in members)
    listed = [chr(a) for o, a in members if str(o) == "LITERAL"]
    listed += [chr(c) for o, a in members if str(o) == "RANGE" for c in range(a[0], min(a[1], a[0] + 256) + 1)]
    test = re.compile(sre_pattern(name, arg), re.DOTALL).fullmatch
    return frozenset(c for c in {*ALPHABET, *listed} if test(c)), [] if negated else listed, f"{name} {arg}"


def sre_pattern(op: Any, arg: Any) -> str:
    """A one-character regex for a parsed element (what _char tests candidates against)."""
    name = str(op)
    if name == "ANY":
        return "[^\n]"
    if name == "NOT_LITERAL":
        return "[^" + re.escape(chr(arg)) + "]"
    parts, negate = [], ""
    for o, a in arg:
        kind = str(o)
        if kind == "NEGATE":
            negate = "^"
        elif kind == "LITERAL":
            parts.append(f"\\U{a:08x}")
        elif kind == "RANGE":
            parts.append(f"\\U{a[0]:08x}-\\U{a[1]:08x}")
        elif kind == "CATEGORY":
            parts.append({"CATEGORY_DIGIT": "\\d", "CATEGORY_NOT_DIGIT": "\\D", "CATEGORY_SPACE": "\\s", "CATEGORY_NOT_SPACE": "\\S", "CATEGORY_WORD": "\\w", "CATEGORY_NOT_WORD": "\\W"}[str(a)])
        else:
            raise ValueError(f"fake server: class element {kind} is not supported")
    return "[" + negate + "".join(parts) + "]"


def echoed(authorization: str, form: str) -> str:
    """`Authorization: <value>` as an echoing server writes it: exact, URL-encoded (`quote` or
    `quote_plus`), upper-cased, or broken over lines in the middle of the key ("lines")."""
    header = f"Authorization: {authorization}"
    if form == "quoted":
        return quote(header, safe="")
    if form == "quoted_plus":
        return quote_plus(header)
    if form == "upper":
        return header.upper()
    if form == "lines":
        middle = len(header) - len(authorization) // 2
        return f"the request had these headers:\n  {header[:middle]}\n  {header[middle:]}\n(end of headers)"
    return header


def _with_echo(content: str, echo: str) -> str:
    """`content` with `echo` put into its first fake string (JSON-escaped, so the JSON stays valid)."""
    return content.replace('"Fake text ', '"Fake text ' + json.dumps(echo, ensure_ascii=False)[1:-1] + " ", 1)


def _tokens(text: str) -> int:
    return math.ceil(len(text) / 4)


def _message(fault: str | None, content: str, echo: str = "") -> tuple[dict, str]:
    """(assistant message, finish_reason) of an answer, shaped by an answer-level fault."""
    if fault in ("length", "context-full"):
        return {"role": "assistant", "content": content[: len(content) // 2], "refusal": None}, "length"
    if fault == "runaway-space":  # llama.cpp's flexible whitespace: newlines until max_tokens
        return {"role": "assistant", "content": content[: len(content) // 3] + "\n    " * 200, "refusal": None}, "length"
    if fault == "runaway-repeat":  # the same list item again and again
        return {"role": "assistant", "content": content[: len(content) // 3] + '"Fake item", ' * 60, "refusal": None}, "length"
    if fault == "refusal":
        return {"role": "assistant", "content": None, "refusal": f"{REFUSAL} {echo}".strip()}, "stop"
    text = {"invalid": "{}", "empty": ""}.get(fault or "", content)
    return {"role": "assistant", "content": text, "refusal": None}, "stop"


# --------------------------------------------------------------------------- faults


def _unit(text: str) -> float:
    """A deterministic number in [0, 1) from a hash of `text`."""
    return int(_sha(text)[:16], 16) / 16**16


def pick_fault(seed: int, number: int, rate: float, kinds: tuple[str, ...]) -> str | None:
    """The fault (or None) for request `number`, decided by hashing (seed, number)."""
    if rate <= 0 or not kinds or _unit(f"{seed}:{number}:fault") >= rate:
        return None
    return kinds[int(_unit(f"{seed}:{number}:kind") * len(kinds))]


# --------------------------------------------------------------------------- server


class FakeOpenAI:
    """The fake server: construct, `start()` (or use as a context manager), point a client at `base_url`."""

    handler_class: type[BaseHTTPRequestHandler] | None = None
    """The request handler the server uses (None: _Handler); a subclass serves more routes (fake_batch.py)."""

    def __init__(
        self,
        *,
        latency: float = 0.0,
        model: str = "fake-model",
        slow_seconds: float = 3.0,
        retry_after: str | None = "0",
        fault_rate: float = 0.0,
        fault_kinds: tuple[str, ...] = ("429", "500", "503", "drop", "slow"),
        seed: int = 0,
        values: str = "fixed",
    ):
        if values not in ("fixed", "arbitrary"):
            raise ValueError(f"values {values!r}: use 'fixed' or 'arbitrary'")
        unknown = set(fault_kinds) - set(FAULTS)
        if unknown:
            raise ValueError(f"unknown fault kinds {sorted(unknown)}; known: {FAULTS}")
        self.latency = latency
        self.model = model
        self.slow_seconds = slow_seconds
        self.retry_after = retry_after
        self.fault_rate = fault_rate
        self.fault_kinds = tuple(fault_kinds)
        self.seed = seed
        self.values = values
        self.script: collections.deque[str | None] = collections.deque()
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self._in_flight = 0
        self._cached_systems: set[str] = set()
        self.translation_faults: collections.deque[str | None] = collections.deque()  # see TRANSLATION_FAULTS
        self.answer: Callable[[dict, str], str] | None = None
        self.answer_model: str | None = None  # the model name answers claim (llama.cpp: its loaded model, whatever was asked)
        self.reset_counters()

    # lifecycle

    def start(self) -> FakeOpenAI:
        """Bind 127.0.0.1 on a free port and serve in a daemon thread."""
        if self._server is None:
            self._stopping.clear()
            self._server = _Server(self, self.handler_class or _Handler)
            self._thread = threading.Thread(
                target=self._server.serve_forever,
                kwargs={"poll_interval": POLL_INTERVAL},
                name="fake-openai",
                daemon=True,
            )
            self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving, close open connections, interrupt slow faults and join every server thread."""
        server, thread = self._server, self._thread
        if server is None or thread is None:
            return
        self._stopping.set()
        server.shutdown()  # serve_forever has returned: no connection is accepted after this
        thread.join()
        server.close_connections()  # wakes handlers idle on a keep-alive; later ones close at setup
        server.server_close()
        server.join_handlers(STOP_TIMEOUT)
        self._server = self._thread = None

    def __enter__(self) -> FakeOpenAI:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    @property
    def base_url(self) -> str:
        """`http://127.0.0.1:<port>/v1`, once started."""
        if self._server is None:
            raise RuntimeError("FakeOpenAI is not started")
        return f"http://127.0.0.1:{self._server.server_address[1]}/v1"

    # counters

    def reset_counters(self) -> None:
        """Zero the counters and forget recorded requests (request numbers restart; the prompt cache stays)."""
        with self._lock:
            self.calls = 0
            self.completed = 0
            self.tokens: dict[str, int] = {"prompt": 0, "completion": 0, "cached": 0}
            self.requests: list[dict] = []
            self.headers: list[dict[str, str]] = []
            self.in_flight_max = self._in_flight

    def stats(self) -> dict:
        """The `/_stats` body."""
        with self._lock:
            return {"calls": self.calls, "completed": self.completed, "tokens": dict(self.tokens)}

    def models(self) -> dict:
        """The `/v1/models` body."""
        return {"object": "list", "data": [{"id": self.model, "object": "model", "created": 0, "owned_by": "fake"}]}

    # chat requests (called by the handler)

    def _begin_chat(self, body: dict, headers: dict[str, str]) -> tuple[int, str | None]:
        """Record a chat request; return its number and its fault (script first, then fault_rate)."""
        with self._lock:
            number = self.calls
            self.calls += 1
            self.requests.append(body)
            self.headers.append(headers)
            self._in_flight += 1
            self.in_flight_max = max(self.in_flight_max, self._in_flight)
            if self.script:
                return number, self.script.popleft()
        return number, pick_fault(self.seed, number, self.fault_rate, self.fault_kinds)

    def _end_chat(self) -> None:
        with self._lock:
            self._in_flight -= 1

    def _pause(self, seconds: float) -> bool:
        """Sleep `seconds` unless the server stops first; True when it did not stop."""
        return not self._stopping.wait(seconds)

    def _answer(self, body: dict, number: int, fault: str | None, echo: str = "") -> dict:
        """A chat.completion for `body`; counts it as completed and tallies its usage. `echo` goes
        into the refusal (fault "refusal") or into the content (no fault)."""
        model = body.get("model") or self.model
        spoil = None
        if self.translation_faults and translation_request(_user(body.get("messages") or [])) is not None:
            with self._lock:
                spoil = self.translation_faults.popleft() if self.translation_faults else None
        content = answer_content(body, model, self.values, self.seed, spoil)
        if self.answer is not None:
            content = self.answer(body, content)
        if echo and fault is None:
            content = _with_echo(content, echo)
        message, finish_reason = _message(fault, content, echo)
        messages = body.get("messages") or []
        system = _system(messages)
        with self._lock:
            cached = _tokens(system) if system in self._cached_systems else 0
            usage = {
                "prompt_tokens": _tokens(json.dumps(messages, ensure_ascii=False)),
                "completion_tokens": _tokens(message["content"] or message["refusal"] or ""),
                "prompt_tokens_details": {"cached_tokens": cached},
            }
            limit = body.get("max_tokens")
            if isinstance(limit, int) and fault in ("length", "runaway-space", "runaway-repeat"):
                usage["completion_tokens"] = limit  # stopped by max_tokens
            elif isinstance(limit, int) and fault == "context-full":
                usage["completion_tokens"] = max(1, limit // 3)  # stopped by the context window, before max_tokens
            usage["total_tokens"] = usage["prompt_tokens"] + usage["completion_tokens"]
            self._tally(usage, system)
        return {
            "id": f"chatcmpl-fake-{number:06d}",
            "object": "chat.completion",
            "created": 0,
            "model": self.answer_model or model,
            "choices": [{"index": 0, "message": message, "finish_reason": finish_reason}],
            "usage": usage,
        }

    def _tally(self, usage: dict, system: str) -> None:
        """Count a sent answer (caller holds the lock). `tokens` is replaced, so a read is a snapshot."""
        self.completed += 1
        self.tokens = {
            "prompt": self.tokens["prompt"] + usage["prompt_tokens"],
            "completion": self.tokens["completion"] + usage["completion_tokens"],
            "cached": self.tokens["cached"] + usage["prompt_tokens_details"]["cached_tokens"],
        }
        if system:
            self._cached_systems.add(system)


class _Server(ThreadingHTTPServer):
    """A threaded HTTP server that tracks its open connections so `stop()` can close idle keep-alives,
    and its handler threads so `stop()` can join them.

    The handler threads are daemons (a test that never stops its server must not hang the
    interpreter at exit), and socketserver's server_close() joins only non-daemon threads: so
    this server keeps its own list of them. A handler is listed before it starts, by the serve
    loop, so once shutdown() has returned every handler that will ever run is in the list."""

    daemon_threads = True
    request_queue_size = 256  # the listen backlog: benchmarks open 32+ connections at once
    block_on_close = True

    def __init__(self, fake: FakeOpenAI, handler: type[BaseHTTPRequestHandler] | None = None):
        super().__init__(("127.0.0.1", 0), handler or _Handler)
        self.fake = fake
        self._connections: set[socket.socket] = set()
        self._connections_lock = threading.Lock()
        self._closing = False
        self._handlers: list[threading.Thread] = []

    def process_request(self, request: Any, client_address: Any) -> None:
        """Serve the connection in a new daemon thread, listed for join_handlers()."""
        handler = threading.Thread(
            target=self.process_request_thread, args=(request, client_address), name="fake-openai-handler", daemon=True
        )
        with self._connections_lock:
            self._handlers = [t for t in self._handlers if t.is_alive()]
            self._handlers.append(handler)
        handler.start()

    def join_handlers(self, timeout: float) -> None:
        """Wait for every handler thread to end; one still running after `timeout` is a bug here."""
        deadline = time.monotonic() + timeout
        with self._connections_lock:
            handlers, self._handlers = self._handlers, []
        for handler in handlers:
            handler.join(max(0.0, deadline - time.monotonic()))
        stuck = [t.name for t in handlers if t.is_alive()]
        if stuck:
            raise RuntimeError(f"fake server: {len(stuck)} handler thread(s) still running {timeout} s after stop()")

    def track(self, connection: socket.socket) -> None:
        with self._connections_lock:
            self._connections.add(connection)
            if self._closing:
                _shutdown(connection)

    def untrack(self, connection: socket.socket) -> None:
        with self._connections_lock:
            self._connections.discard(connection)

    def close_connections(self) -> None:
        with self._connections_lock:
            self._closing = True
            for connection in self._connections:
                _shutdown(connection)

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Clients hanging up (timeouts, drops, stop()) are expected; report anything else."""
        if not isinstance(sys.exc_info()[1], OSError):
            super().handle_error(request, client_address)


def _shutdown(connection: socket.socket) -> None:
    try:
        connection.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass


class _Handler(BaseHTTPRequestHandler):
    """HTTP plumbing: routes requests and writes responses; the state lives in FakeOpenAI."""

    protocol_version = "HTTP/1.1"
    server: _Server

    def setup(self) -> None:
        super().setup()
        # Headers and body go out in two writes: without this, Nagle + delayed ACK add ~40 ms a response.
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.server.track(self.connection)

    def finish(self) -> None:
        try:
            super().finish()
        finally:
            self.server.untrack(self.connection)

    def log_message(self, format: str, *args: Any) -> None:
        """Silent: tests and benchmarks do not want an access log on stderr."""

    # routing

    def do_GET(self) -> None:
        path = self.path.split("?", 1)[0]
        if path == "/v1/models":
            self._send_json(200, self.server.fake.models())
        elif path == "/_stats":
            self._send_json(200, self.server.fake.stats())
        else:
            self._not_found()

    def do_POST(self) -> None:
        raw = self._read_body()
        if self.path.split("?", 1)[0] != CHAT_PATH:
            self._not_found()
            return
        try:
            body = json.loads(raw or b"{}")
        except ValueError:
            body = None
        self._chat(body if isinstance(body, dict) else None)

    def _not_found(self) -> None:
        message = f"Invalid URL ({self.command} {self.path})"
        self._send_json(404, _error(message, "invalid_request_error"))

    # chat

    def _chat(self, body: dict | None) -> None:
        fake = self.server.fake
        headers = {key.lower(): value for key, value in self.headers.items()}
        number, fault = fake._begin_chat(body if body is not None else {}, headers)
        self._in_chat = True
        try:
            if fake.latency:
                fake._pause(fake.latency)  # cut short by stop(): the answer then goes nowhere
            if body is None:
                message = "We could not parse the JSON body of your request."
                self._send_json(400, _error(message, "invalid_request_error"))
            else:
                self._respond(fake, body, number, fault)
        except Exception as exc:  # a bug in the fake: say so instead of dropping the connection
            self._send_json(500, _error(f"fake server error: {exc!r}", "fake_server_bug"))
            raise
        finally:
            self._leave_chat()

    def _leave_chat(self) -> None:
        """The request stops counting as in flight, once, before its response goes out (so a client
        that has its response never sees its own earlier request still in flight)."""
        if getattr(self, "_in_chat", False):
            self._in_chat = False
            self.server.fake._end_chat()

    def _respond(self, fake: FakeOpenAI, body: dict, number: int, fault: str | None) -> None:
        if fault in STATIC_ERRORS:
            status, error = STATIC_ERRORS[fault]
            retry = {"Retry-After": fake.retry_after} if fault == "429" and fake.retry_after is not None else {}
            self._send_json(status, error, retry)
        elif fault == "404":
            model = body.get("model") or fake.model
            message = f"The model `{model}` does not exist or you do not have access to it."
            self._send_json(404, _error(message, "invalid_request_error", "model_not_found"))
        elif fault == "drop":
            self._drop()
        elif fault == "malformed":
            self._send(200, b'{"id": "broken"')
        elif fault == "slow":
            if fake._pause(fake.slow_seconds):
                self._send_answer(fake, body, number, None)
            else:
                self._drop()
        elif fault in (None, "length", "refusal", "invalid", "empty", "runaway-space", "runaway-repeat", "context-full"):
            self._send_answer(fake, body, number, fault)
        elif fault in ECHO_FAULTS:
            _, place, form = fault.split("-", 2)
            echo = echoed(self.headers.get("Authorization", ""), form)
            if place == "400":
                self._send_json(400, _error(f"Invalid request. {echo}", "invalid_request_error"))
            elif place == "403":
                self._send_json(403, _error(f"Access denied. {echo}", "permission_denied", "forbidden"))
            else:
                self._send_answer(fake, body, number, "refusal" if place == "refusal" else None, echo)
        else:
            self._send_json(500, _error(f"fake server: unknown fault {fault!r}; known: {FAULTS}", "fake_server_bug"))

    def _send_answer(self, fake: FakeOpenAI, body: dict, number: int, fault: str | None, echo: str = "") -> None:
        """Answer, unless the client already hung up (a timed-out client receives nothing, so nothing is counted)."""
        if self._client_gone():
            self.close_connection = True
            return
        self._send_json(200, fake._answer(body, number, fault, echo))

    # I/O

    def _read_body(self) -> bytes:
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def _client_gone(self) -> bool:
        """True when the peer has closed its side of the connection (a non-blocking peek reads EOF)."""
        self.connection.settimeout(0.0)
        try:
            return self.connection.recv(1, socket.MSG_PEEK) == b""
        except BlockingIOError:
            return False
        except OSError:
            return True
        finally:
            self.connection.settimeout(None)

    def _drop(self) -> None:
        """Close the connection without a response."""
        self._leave_chat()
        self.close_connection = True
        _shutdown(self.connection)

    def _send_json(self, status: int, payload: dict, headers: dict[str, str] | None = None) -> None:
        self._send(status, json.dumps(payload, ensure_ascii=False).encode("utf-8"), headers)

    def _send(self, status: int, data: bytes, headers: dict[str, str] | None = None, content_type: str = "application/json") -> None:
        self._leave_chat()
        try:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(data)))
            for key, value in (headers or {}).items():
                self.send_header(key, value)
            self.end_headers()
            self.wfile.write(data)
        except OSError:
            self.close_connection = True
