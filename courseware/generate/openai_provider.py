"""The `openai` provider: any OpenAI-compatible Chat Completions endpoint through the official SDK.

One retry layer (ours; the SDK's is off), structured outputs derived from the contracts, every
answer validated locally and re-asked at most twice, every valid answer cached by content key.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import time
from functools import cached_property
from typing import Any
from urllib.parse import urlparse

from courseware.content.model import Article, Quiz, SlideDeck
from courseware.errors import CoursewareError, GenerationError
from courseware.generate import contracts
from courseware.generate.cache import ResponseCache
from courseware.generate.offline.corpus import Corpus
from courseware.generate.offline.phrases import phrases
from courseware.generate.prompts import PromptSet
from courseware.generate.provider import FatalProviderError, Provider, ProviderContext, register
from courseware.plan import Task

DEFAULT_BASE_URL = "https://api.openai.com/v1"
MAX_REASKS = 2
PASSAGES_PER_POINT, MAX_PASSAGES = 2, 12
RETRY_CAP_SECONDS = 60.0
LOCAL_HOSTS = {"localhost", "127.0.0.1", "::1", "0.0.0.0"}


@register("openai")
class OpenAIProvider(Provider):
    name = "openai"
    calls_model = True

    def __init__(self, context: ProviderContext):
        self.context = context
        self.config = context.config
        if not self.config.model:
            raise CoursewareError("the openai provider needs a model: pass --model NAME, set COURSEWARE_MODEL, or set llm.model in the spec")
        self.model = self.config.model
        self.base_url = (self.config.base_url or DEFAULT_BASE_URL).rstrip("/")
        self.prompts = PromptSet(self.config.prompts)
        self.stats = context.stats
        self.cache = ResponseCache(self.config.cache_dir)
        self.retry_base = float(os.environ.get("COURSEWARE_RETRY_BASE", "0.5"))
        self._identities: dict[str, dict] = {}
        self._grounding: dict[str, list[dict]] = {}

    # What decides an answer --------------------------------------------------------------------

    @cached_property
    def system_prompt(self) -> str:
        """The course context: byte-identical for all of a course's calls, so servers can cache it."""
        spec = self.context.spec
        return self.prompts.render("system", {
            "course": spec.course.model_dump(),
            "objectives": [o.model_dump() for o in spec.objectives],
            "modules": [{"id": m.id, "title": m.title, "lessons": [{"id": l.id, "title": l.title} for l in m.lessons]} for m in spec.modules],
        })

    def identity(self, kind: str) -> dict:
        if kind not in self._identities:  # the same for every task of a kind: hash once
            self._identities[kind] = self._identity(kind)
        return self._identities[kind]

    def _identity(self, kind: str) -> dict:
        return {
            "provider": self.name,
            "base_url": self.base_url,
            "model": self.model,
            "parameters": self.config.parameters(),
            "structured_output": self.config.structured_output,
            "system_prompt": _sha256(self.system_prompt),
            "template": self.prompts.digest(kind),
            "schema": _sha256(json.dumps(contracts.json_schema(kind), sort_keys=True)),
        }

    def prepare(self) -> None:
        self.prompts.require_approved()
        self.corpus  # build the retrieval index before tasks run in parallel
        self.client

    @cached_property
    def corpus(self) -> Corpus:
        return Corpus(self.context.sources, self.context.spec.course.language)

    @cached_property
    def client(self) -> Any:
        from openai import OpenAI, OpenAIError

        key = os.environ.get("OPENAI_API_KEY")
        if not key and urlparse(self.base_url).hostname in LOCAL_HOSTS:
            key = "not-needed"  # local servers (Ollama, llama.cpp, vLLM, LM Studio) take any key
        if not key:
            raise CoursewareError(f"no API key for {self.base_url}: set the OPENAI_API_KEY environment variable (or build with --provider offline)")
        self._key = key
        try:
            return OpenAI(api_key=key, base_url=self.base_url, max_retries=0, timeout=self.config.timeout)
        except OpenAIError as exc:
            raise CoursewareError(f"cannot set up the OpenAI client: {self._clean(str(exc))}") from None

    # Generation -------------------------------------------------------------------------------

    def generate(self, task: Task) -> Article | Quiz | SlideDeck:
        passages = self._passages(task)
        cached = self.cache.get(task.key)
        if cached is not None:
            try:
                content = self._convert(task, cached["answer"], passages)
            except contracts.AnswerError:
                pass  # an entry that no longer passes the checks is a miss
            else:
                self.stats.add(cache_hits=1)
                return content
        messages = [{"role": "system", "content": self.system_prompt}, {"role": "user", "content": self._user_prompt(task, passages)}]
        usage = {"prompt": 0, "completion": 0, "cached": 0}
        for attempt in range(MAX_REASKS + 1):
            text = self._answer_text(task, messages, usage)
            try:
                content = self._convert(task, text, passages)
            except contracts.AnswerError as exc:
                if attempt == MAX_REASKS:
                    raise GenerationError(f"the answer is still invalid after {MAX_REASKS} re-asks: {exc}") from None
                self.stats.add(reasks=1)
                messages += [
                    {"role": "assistant", "content": text},
                    {"role": "user", "content": f"Your answer was not valid: {exc}. Answer again with the complete JSON object."},
                ]
                continue
            self.cache.put(task.key, text, usage)
            return content
        raise AssertionError("unreachable")

    def _answer_text(self, task: Task, messages: list[dict], usage: dict[str, int]) -> str:
        """One completion: the answer text, or an error for a cut-off, refused or empty answer."""
        response = self._complete(task, messages)
        choice = response.choices[0]
        tokens = getattr(response, "usage", None)
        if tokens is not None:
            cached = getattr(getattr(tokens, "prompt_tokens_details", None), "cached_tokens", None) or 0
            got = {"prompt": tokens.prompt_tokens or 0, "completion": tokens.completion_tokens or 0, "cached": cached}
            self.stats.add(prompt_tokens=got["prompt"], completion_tokens=got["completion"], cached_tokens=got["cached"])
            for name, value in got.items():
                usage[name] += value
        if choice.finish_reason == "length":
            limit = self.config.max_tokens or "the server's default"
            raise GenerationError(f"the answer was cut off at the token limit ({limit}); raise llm.max_tokens")
        refusal = getattr(choice.message, "refusal", None)
        if refusal:
            raise GenerationError(f"the model refused: {refusal}")
        text = choice.message.content or ""
        if not text.strip():
            raise GenerationError("the model returned an empty answer")
        return text

    def _complete(self, task: Task, messages: list[dict]) -> Any:
        """One request, retried on transient errors with exponential backoff honouring Retry-After."""
        import openai

        request: dict[str, Any] = {"model": self.model, "messages": messages}
        request.update({k: v for k, v in self.config.parameters().items() if v is not None})
        response_format = self._response_format(task)
        if response_format is not None:
            request["response_format"] = response_format
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
                raise FatalProviderError(f"the server at {self.base_url} denied access (403): {self._clean(_message(exc))}") from None
            except openai.NotFoundError:
                raise FatalProviderError(f"model {self.model!r} not found at {self.base_url} (404); check --model or llm.model ({self.base_url}/models lists them)") from None
            except openai.BadRequestError as exc:
                raise GenerationError(
                    f"the server rejected the request (400): {self._clean(_message(exc))}; "
                    "if it does not support structured outputs, set llm.structured_output to json_object or none"
                ) from None
            except openai.APIStatusError as exc:
                if exc.status_code < 500 and exc.status_code not in (408, 409):
                    raise GenerationError(f"the server answered {exc.status_code}: {self._clean(_message(exc))}") from None
                wait = _retry_after(exc)
            except (openai.APITimeoutError, openai.APIConnectionError, openai.APIResponseValidationError, json.JSONDecodeError):
                wait = None
            if attempt == self.config.retries:
                break
            self.stats.add(retries=1)
            backoff = self.retry_base * 2**attempt * random.uniform(0.8, 1.2)
            time.sleep(min(RETRY_CAP_SECONDS, backoff if wait is None else wait))
        raise GenerationError(f"no answer from {self.base_url} after {self.config.retries} retries (rate limits, server errors or timeouts); try again later")

    def _schema(self, task: Task) -> dict:
        return contracts.json_schema(task.kind, contracts.sizes(task.kind, task.inputs))

    def _response_format(self, task: Task) -> dict | None:
        mode = self.config.structured_output
        if mode == "json_schema":
            return {"type": "json_schema", "json_schema": {"name": task.kind, "schema": self._schema(task), "strict": True}}
        return {"type": "json_object"} if mode == "json_object" else None

    def _schema_text(self, task: Task) -> str:
        if self.config.structured_output == "json_schema":
            return "Answer with the JSON object the request's schema describes."
        return "Answer with one JSON object matching this JSON schema:\n```json\n" + json.dumps(self._schema(task), indent=1) + "\n```"

    def _user_prompt(self, task: Task, passages: list[dict]) -> str:
        inputs, schema = task.inputs, self._schema_text(task)
        if task.kind == "overview":
            variables = {"course": inputs["course"], "modules": inputs["modules"], "passages": passages, "schema": schema}
        else:
            variables = {"lesson": inputs["lesson"], "passages": passages, "schema": schema}
            if task.kind in ("quiz", "slides"):
                variables[task.kind] = inputs[task.kind]
        return self.prompts.render(task.kind, variables)

    def _passages(self, task: Task) -> list[dict]:
        """The source passages a task is grounded in, numbered for citation (a lesson's three
        tasks share them: ranked once per lesson)."""
        subject = task.lesson_id or "course"
        if subject not in self._grounding:
            self._grounding[subject] = self._rank_passages(task)
        return self._grounding[subject]

    def _rank_passages(self, task: Task) -> list[dict]:
        inputs, corpus = task.inputs, self.corpus
        if task.kind == "overview":
            queries = [((inputs["course"]["title"], 1.0), (inputs["course"]["description"], 0.7))]
            queries += [((m["title"], 1.0), (m["summary"], 0.7)) for m in inputs["modules"]]
        else:
            lesson = inputs["lesson"]
            queries = [((lesson["title"], 1.0),)] + [((point, 1.0), (lesson["title"], 0.3)) for point in lesson["key_points"]]
        chosen: list[int] = []
        for query in queries:
            for _, i in corpus.ranked(*query, limit=PASSAGES_PER_POINT):
                if i not in chosen:
                    chosen.append(i)
        return [
            {"number": n, "source": corpus.passages[i].source, "section": corpus.passages[i].section, "text": corpus.passages[i].text}
            for n, i in enumerate(chosen[:MAX_PASSAGES], start=1)
        ]

    def _convert(self, task: Task, text: str, passages: list[dict]) -> Article | Quiz | SlideDeck:
        inputs = task.inputs
        answer = contracts.parse(task.kind, text, contracts.sizes(task.kind, inputs))
        if task.kind in ("overview", "lesson"):
            return contracts.to_article(answer, passages)  # type: ignore[arg-type]
        lesson = inputs["lesson"]
        if task.kind == "quiz":
            words = phrases(inputs["course"]["language"])
            objectives = [o["id"] for o in lesson["objectives"]]
            return contracts.to_quiz(answer, lesson["title"], lesson["id"], objectives, inputs["quiz"]["kinds"], (words["true"], words["false"]))  # type: ignore[arg-type]
        return contracts.to_slides(answer, lesson["title"])  # type: ignore[arg-type]

    def _clean(self, text: str) -> str:
        """Never let the API key reach a message."""
        key = getattr(self, "_key", None) or os.environ.get("OPENAI_API_KEY") or ""
        return text.replace(key, "***") if len(key) >= 8 else text


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


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
