"""One chat completion against an OpenAI-compatible server: the request with what this kind of
server needs, one retry layer, and a verdict on the answer (cut off, ran away, refused, empty).

Real servers differ from the fake in ways that each need their own message: llama.cpp's grammar
lets a small model run away on whitespace until the token limit, a context window can fill before
max_tokens, any model name is answered by the loaded model, a stopped server refuses connections.
"""

from __future__ import annotations

import hashlib
import json
import random
import re
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlparse

from courseware import redact
from courseware.errors import GenerationError
from courseware.generate.provider import FatalProviderError
from courseware.generate.settings import LLMConfig
from courseware.generate.stats import Stats

RETRY_CAP_SECONDS = 60.0
REFUSED_RETRY_SECONDS = 0.5  # one short retry: a server that is still starting gets a moment
LOCAL_HOSTS = {"localhost", "127.0.0.1", "::1", "0.0.0.0"}
# llama.cpp (llguidance) lets the grammar put any amount of whitespace between JSON tokens, and a
# small model then writes newlines until max_tokens. These schema keys make it compact and fixed.
LLAMA_CPP_WHITESPACE = {"whitespace_flexible": False, "item_separator": ", ", "key_separator": ": "}
# A re-ask or a retry after a runaway must not be the same request again: at temperature 0 a model
# answers the same whatever the seed, so a low temperature is raised to this as well.
VARIED_TEMPERATURE = 0.5
RUNAWAY_WHITESPACE = re.compile(r"\s{64,}")
RUNAWAY_REPEAT = re.compile(r"(.{4,200}?)\1{7,}\W*$", re.DOTALL)


class Runaway(GenerationError):
    """The answer was cut off while repeating itself (whitespace, or the same item again and again)."""

    fresh = True  # False: a batch answer read again in a later round, its retry already counted


@dataclass(frozen=True)
class Answer:
    """A finished answer: its text (redacted), the model that says it answered, the tokens it took."""

    text: str
    model: str | None
    usage: dict[str, int]
    fresh: bool = True  # False: a batch answer this build already read in an earlier round (counted then)


def is_local(base_url: str) -> bool:
    """Whether the server runs on this machine (it needs no key and costs nothing)."""
    return urlparse(base_url).hostname in LOCAL_HOSTS


class Chat:
    """Completions for one provider: `ask(messages, response_format, variation)` -> Answer."""

    def __init__(self, client: Any, base_url: str, model: str, config: LLMConfig, stats: Stats, retry_base: float):
        self.client, self.base_url, self.model, self.config, self.stats = client, base_url, model, config, stats
        self.retry_base = retry_base
        self.used = False  # whether a request was sent: only then can its pool hold connections

    def ask(self, messages: list[dict], response_format: dict | None, variation: str = "", request_id: str = "") -> Answer:
        """One answer. `variation` (a re-ask, a retry after a runaway) changes the seed and raises
        a low temperature, so the server is never sent the same request twice. `request_id` names
        the request (its content key, or the variation): a batch build files the answer under it."""
        response = self._complete(self.request(messages, response_format, variation))
        usage = usage_of(response)
        self.stats.add(prompt_tokens=usage["prompt"], completion_tokens=usage["completion"], cached_tokens=usage["cached"])
        return self.verdict(response, usage)

    def verdict(self, response: Any, usage: dict[str, int]) -> Answer:
        """The answer in a completion, or the error that says why there is none (cut off, ran
        away, refused, empty): the same for a live answer and one out of a batch's results."""
        choice = response.choices[0]
        # A server that echoes the request (headers included) into its answer must not put the key
        # into the content files or the cache: the answer is redacted before anything reads it.
        text = redact.redact(choice.message.content or "")
        if choice.finish_reason == "length":
            raise self._cut_off(text, usage)
        refusal = getattr(choice.message, "refusal", None)
        if refusal:
            raise GenerationError(f"the model refused: {redact.one_line(str(refusal))}")
        if not text.strip():
            raise GenerationError("the model returned an empty answer")
        return Answer(text, getattr(response, "model", None), usage)

    # The request ------------------------------------------------------------------------------

    def request(self, messages: list[dict], response_format: dict | None, variation: str) -> dict:
        """The request body as it is sent (a batch build writes it into its input file)."""
        request: dict[str, Any] = {"model": self.model, "messages": messages}
        request.update({k: v for k, v in self.config.parameters().items() if v is not None})
        if variation:
            base = self.config.seed if self.config.seed is not None else 0
            request["seed"] = (base + int(hashlib.sha256(variation.encode()).hexdigest()[:7], 16)) % 2**31
            if self.config.temperature is not None and self.config.temperature < VARIED_TEMPERATURE:
                request["temperature"] = VARIED_TEMPERATURE
        if response_format is not None:
            request["response_format"] = self._for_server(response_format)
        return request

    def _for_server(self, response_format: dict) -> dict:
        """Server-specific keys, only for the servers that take them (never sent to OpenAI)."""
        if self.config.server == "llama.cpp" and response_format.get("type") == "json_schema":
            inner = response_format["json_schema"]
            return {**response_format, "json_schema": {**inner, "schema": {**inner["schema"], "x-guidance": LLAMA_CPP_WHITESPACE}}}
        return response_format

    def _complete(self, request: dict) -> Any:
        """One request, retried on transient errors with exponential backoff honouring Retry-After;
        a refused connection is retried once, then stops the whole build."""
        import openai

        refused = False
        self.used = True
        for attempt in range(self.config.retries + 1):
            self.stats.add(calls=1)
            try:
                response = self.client.chat.completions.create(**request)
                if getattr(response, "choices", None):
                    return response
                wait = None  # a reply without choices is a broken answer from a struggling server: retry
            except openai.RateLimitError as exc:
                if _code(exc) == "insufficient_quota":
                    raise FatalProviderError(f"the account at {self.base_url} has no quota left (insufficient_quota); check its plan and billing") from None
                wait = _retry_after(exc)
            except openai.AuthenticationError:
                raise FatalProviderError(f"the server at {self.base_url} refused the API key (401); set OPENAI_API_KEY to a valid key") from None
            except openai.PermissionDeniedError as exc:
                raise FatalProviderError(f"the server at {self.base_url} denied access (403): {redact.one_line(_message(exc))}") from None
            except openai.NotFoundError:
                raise FatalProviderError(f"model {self.model!r} not found at {self.base_url} (404); check --model or llm.model ({self.base_url}/models lists them)") from None
            except openai.BadRequestError as exc:
                raise _bad_request(exc) from None
            except openai.APIStatusError as exc:
                if exc.status_code < 500 and exc.status_code not in (408, 409):
                    raise GenerationError(f"the server answered {exc.status_code}: {redact.one_line(_message(exc))}") from None
                wait = _retry_after(exc)
            except openai.APIConnectionError as exc:
                if _refused(exc):
                    if refused:
                        raise FatalProviderError(f"cannot connect to {self.base_url} (connection refused): is the server running?") from None
                    refused, wait = True, REFUSED_RETRY_SECONDS
                else:
                    wait = None  # a dropped connection or a timeout: the usual backoff
            except (openai.APIResponseValidationError, json.JSONDecodeError):
                wait = None
            if attempt == self.config.retries:
                break
            self.stats.add(retries=1)
            backoff = self.retry_base * 2**attempt * random.uniform(0.8, 1.2)
            time.sleep(min(RETRY_CAP_SECONDS, backoff if wait is None else wait))
        raise GenerationError(f"no answer from {self.base_url} after {self.config.retries} retries (rate limits, server errors or timeouts); try again later")

    # The verdict on a cut-off answer -----------------------------------------------------------

    def _cut_off(self, text: str, usage: dict[str, int]) -> GenerationError:
        """Which of three things cut the answer off: a runaway, max_tokens, or a full context window."""
        runaway = runaway_kind(text)
        if runaway:
            hint = "" if self.config.server == "llama.cpp" else "; with a llama.cpp server, set llm.server: llama.cpp so its grammar allows no free whitespace"
            return Runaway(f"the model ran away ({runaway}) until it was cut off after {usage['completion']} tokens{hint}")
        limit = self.config.max_tokens
        if limit is not None and usage["completion"] < limit:
            return GenerationError(
                f"the answer was cut off after {usage['completion']} tokens, before max_tokens ({limit}): the server's context window is full "
                f"(prompt {usage['prompt']} + answer {usage['completion']} tokens); give the server a larger context (llama.cpp: --ctx-size) or lower llm.max_tokens"
            )
        where = f"max_tokens ({limit})" if limit is not None else "the server's default answer length"
        return GenerationError(f"the answer was cut off at {where} after {usage['completion']} tokens; raise llm.max_tokens")


def runaway_kind(text: str) -> str | None:
    """What a cut-off answer kept repeating, if it ran away: 'a run of whitespace' or 'a repeated item'."""
    if RUNAWAY_WHITESPACE.search(text):
        return "a run of whitespace"
    if RUNAWAY_REPEAT.search(text[-4000:]):
        return "the same text again and again"
    return None


def usage_of(response: Any) -> dict[str, int]:
    tokens = getattr(response, "usage", None)
    if tokens is None:
        return {"prompt": 0, "completion": 0, "cached": 0}
    cached = getattr(getattr(tokens, "prompt_tokens_details", None), "cached_tokens", None) or 0
    return {"prompt": tokens.prompt_tokens or 0, "completion": tokens.completion_tokens or 0, "cached": cached}


def _bad_request(exc: Exception) -> GenerationError:
    """A 400 says the server's own reason; the structured-output hint only when it is about that."""
    reason = _message(exc)
    body = getattr(exc, "body", None)
    inner = body.get("error", body) if isinstance(body, dict) else {}
    inner = inner if isinstance(inner, dict) else {}
    if inner.get("type") == "exceed_context_size_error" or "context size" in reason or "context length" in reason:
        return GenerationError(f"the prompt does not fit the server's context window (400): {redact.one_line(reason)}; give the server a larger context (llama.cpp: --ctx-size) or use fewer source passages")
    about_format = inner.get("param") == "response_format" or re.search(r"response_format|json_schema|\bschema\b|structured output", reason, re.IGNORECASE)
    hint = "; if it does not support structured outputs, set llm.structured_output to json_object or none" if about_format else ""
    return GenerationError(f"the server rejected the request (400): {redact.one_line(reason)}{hint}")


def _refused(exc: BaseException) -> bool:
    """Whether a connection error is a refused connection (nothing listens at the address)."""
    seen: BaseException | None = exc
    for _ in range(8):
        if seen is None:
            return False
        if isinstance(seen, ConnectionRefusedError) or "connection refused" in str(seen).lower() or "errno 111" in str(seen).lower():
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def _code(exc: Exception) -> str | None:
    body = getattr(exc, "body", None)
    if isinstance(body, dict):
        inner = body.get("error", body)
        if isinstance(inner, dict):
            return inner.get("code") or inner.get("type")
    return getattr(exc, "code", None)


def _message(exc: Exception) -> str:
    body = getattr(exc, "body", None)
    if isinstance(body, dict):
        inner = body.get("error", body)
        if isinstance(inner, dict) and inner.get("message"):
            return str(inner["message"])
    return str(exc)


def _retry_after(exc: Exception) -> float | None:
    """Seconds the server asked us to wait (Retry-After or retry-after-ms), if it said."""
    response = getattr(exc, "response", None)
    headers = getattr(response, "headers", None) or {}
    try:
        if headers.get("retry-after-ms") is not None:
            return max(0.0, float(headers["retry-after-ms"]) / 1000)
        if headers.get("retry-after") is not None:
            return max(0.0, float(headers["retry-after"]))
    except ValueError:
        return None
    return None
